//! Shared helpers for the books tests: a 账套 per standard, a one-shop resolver, and a compact
//! view of voucher lines to compare with accounting.md's entries.
#![allow(dead_code, clippy::unwrap_used)]

use duizhang_books::{
    Books, BooksConfig, Generated, RecordRef, Rules, Standard, Voucher, generate,
};
use duizhang_core::{Dataset, Period};

pub const BOTH: [Standard; 2] = [Standard::Small, Standard::Enterprise];

/// A seller's 账套: the preset plus unit costs of the test SKUs and `extra` TOML.
pub fn books(standard: Standard, extra: &str) -> Books {
    let std = match standard {
        Standard::Small => "small",
        Standard::Enterprise => "enterprise",
    };
    let text = format!(
        "standard = \"{std}\"\n{extra}\n[costs]\n\"TS-WHITE-L\" = \"25.00\"\n\"TS-WHITE-XL\" = \"26.00\"\n\"MUG-01\" = \"8.40\"\n"
    );
    let config = BooksConfig::from_toml(&text).unwrap();
    Books::new(config, Rules::defaults().unwrap()).unwrap()
}

pub fn one_shop(_: RecordRef<'_>) -> Option<String> {
    Some("旗舰店".to_string())
}

pub fn period(text: &str) -> Period {
    Period::parse(text).unwrap()
}

pub fn run(books: &Books, data: &Dataset, p: &str) -> Generated {
    let g = generate(books, data, period(p), &one_shop);
    for v in &g.vouchers {
        v.validate(&books.chart).unwrap();
    }
    g
}

/// `("101201", "借", "59.00")` per line, in voucher order.
pub fn lines(v: &Voucher) -> Vec<(String, &'static str, String)> {
    v.lines
        .iter()
        .map(|l| {
            if l.debit.0 > 0 {
                (l.account.clone(), "借", l.debit.to_string())
            } else {
                (l.account.clone(), "贷", l.credit.to_string())
            }
        })
        .collect()
}

pub fn expect(v: &Voucher, want: &[(&str, &str, &str)]) {
    let got = lines(v);
    let want: Vec<(String, &str, String)> = want
        .iter()
        .map(|(a, s, m)| (a.to_string(), *s, m.to_string()))
        .collect();
    assert_eq!(
        got.iter()
            .map(|(a, s, m)| (a.as_str(), *s, m.as_str()))
            .collect::<Vec<_>>(),
        want.iter()
            .map(|(a, s, m)| (a.as_str(), *s, m.as_str()))
            .collect::<Vec<_>>(),
        "voucher {} {:?}",
        v.label(),
        v.lines.iter().map(|l| &l.summary).collect::<Vec<_>>()
    );
}

/// The code under the standard: 小企业 or 企业.
pub fn c(standard: Standard, small: &'static str, enterprise: &'static str) -> &'static str {
    match standard {
        Standard::Small => small,
        Standard::Enterprise => enterprise,
    }
}

/// The one voucher whose lines touch `account`, of the given class name (销售/退款/…).
pub fn voucher_of<'a>(g: &'a Generated, class: &str) -> &'a Voucher {
    let found: Vec<&Voucher> = g
        .vouchers
        .iter()
        .filter(|v| v.class.map(|c| c.zh()) == Some(class))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "vouchers of class {class}: {:#?}",
        g.vouchers
    );
    found[0]
}
