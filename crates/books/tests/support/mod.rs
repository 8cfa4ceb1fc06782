//! Shared helpers for the books tests: a 账套 per standard, a one-shop resolver, and a compact
//! view of voucher lines to compare with accounting.md's entries.
#![allow(dead_code, clippy::unwrap_used)]

use duizhang_books::{
    Books, BooksConfig, Generated, RecordRef, Rules, Standard, Voucher, generate,
};
use duizhang_core::{Dataset, Period};

pub const BOTH: [Standard; 2] = [Standard::Small, Standard::Enterprise];

/// A seller whose books use 辅助核算: revenue by customer (platform), commission by
/// department, the Alipay account by shop; vouchers prepared by 王芳. Tests add the `[u8]`
/// fields of their U8 version.
pub const AUX_CHART: &str = r#"
[[chart.accounts]]
code = "5001"
aux = ["platform"]

[[chart.accounts]]
code = "560101"
aux = ["department"]

[[chart.accounts]]
code = "101201"
aux = ["shop"]

[chart.departments]
"旗舰店" = "0301"

[chart.customers]
"淘宝" = "C001"

[vouchers]
preparer = "王芳"
"#;

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
            if l.debit.get() > 0 {
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

pub const JD_NO: &str = "300000000000001";
pub const JD_SERVICE_NO: &str = "1800000007";

/// A JD order of one mug (MUG-01) for 88.00, shipped 10-03, received 10-08 and settled the
/// next morning through the 京东钱包: the 结算单's 货款 less 6 % 佣金 under 商户订单号 S1, the
/// net arriving in the 资金表 under S1 (J1). On 10-15 the buyer is refunded 88.00 by an
/// after-sale of `kind` kept in the ERP, and JD claws it back: 货款 支出 −88.00 with the
/// commission given back under S2, the net −82.72 leaving the wallet under S2 (J2) with
/// `memo` (a refund's, or one that says only 货款).
pub fn jd_refund_after_settlement(
    kind: duizhang_core::AfterSaleKind,
    memo: (duizhang_core::FlowKind, &str),
) -> Dataset {
    use duizhang_core::*;
    use duizhang_samples::build::*;
    let mut d = dataset();
    let mut o = order(Platform::Jd, JD_NO, yuan("88.00"));
    o.status_text = "完成".into();
    o.lines.push(order_line("MUG-01", 1, yuan("88.00")));
    d.orders.push(o);
    d.shipments.push(shipment(
        "旗舰店",
        JD_NO,
        "MUG-01",
        1,
        ShipmentKind::Normal,
        "2026-10-03 18:00:00",
    ));
    let bill = |item: &str, kind: FlowKind, amount: &str, reference: &str, at: &str| {
        let mut s = settlement(Platform::Jd, JD_NO, kind, yuan(amount), at);
        s.item = item.into();
        s.payment_ref = Some(reference.into());
        s
    };
    let funds = |txn: &str, reference: &str, kind: FlowKind, memo: &str, amount: &str, at: &str| {
        let mut r = flow(FundProvider::Jd, txn, kind, yuan(amount), at);
        r.account = Some("111004265001".into());
        r.merchant_ref = Some(reference.into());
        r.kind_text = memo.into();
        r.memo = Some(memo.into());
        r
    };
    d.settlements.extend([
        bill(
            "货款",
            FlowKind::Income,
            "88.00",
            "S1",
            "2026-10-09 03:12:00",
        ),
        bill(
            "佣金",
            FlowKind::Commission,
            "-5.28",
            "S1",
            "2026-10-09 03:12:00",
        ),
        bill(
            "货款",
            FlowKind::Refund,
            "-88.00",
            "S2",
            "2026-10-15 10:00:30",
        ),
        bill(
            "佣金",
            FlowKind::Commission,
            "5.28",
            "S2",
            "2026-10-15 10:00:30",
        ),
    ]);
    d.fund_flows.push(funds(
        "J1",
        "S1",
        FlowKind::Income,
        "货款结算",
        "82.72",
        "2026-10-09 03:12:20",
    ));
    d.fund_flows.push(funds(
        "J2",
        "S2",
        memo.0,
        memo.1,
        "-82.72",
        "2026-10-15 10:00:41",
    ));
    let mut a = after_sale(Platform::Jd, JD_NO, JD_SERVICE_NO, kind, yuan("88.00"));
    a.phase = None;
    a.applied_at = Some(at("2026-10-11 09:00:00"));
    a.completed_at = Some(at("2026-10-15 10:00:00"));
    d.after_sales.push(a);
    if kind == AfterSaleKind::ReturnAndRefund {
        d.return_receipts.push(return_receipt(
            "旗舰店",
            JD_NO,
            JD_SERVICE_NO,
            "MUG-01",
            1,
            "2026-10-14 15:00:00",
        ));
    }
    d
}

/// The `bean-check` to run: `$BEAN_CHECK`, a venv in `target/beancount-venv`, else the one on
/// PATH. None (the test is skipped, saying so) only outside CI: CI installs beancount
/// (`.ci/run`), and there the check must run.
pub fn bean_check() -> Option<std::path::PathBuf> {
    use std::path::PathBuf;
    let found = std::env::var_os("BEAN_CHECK")
        .map(PathBuf::from)
        .or_else(|| {
            let local = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../target/beancount-venv/bin/bean-check");
            if local.exists() {
                return Some(local);
            }
            std::process::Command::new("bean-check")
                .arg("--version")
                .output()
                .ok()
                .map(|_| PathBuf::from("bean-check"))
        });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "bean-check is not installed in CI"
        );
        eprintln!("SKIPPED: bean-check is not installed (pip install beancount)");
    }
    found
}
