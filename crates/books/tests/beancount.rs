//! The Beancount export passes `bean-check` for any voucher the generator can make: several
//! notes on one voucher, 辅助核算, long Chinese text with quotes, backslashes and line breaks,
//! many lines, vouchers of two periods. Each case batches many vouchers into one file, so
//! bean-check runs a handful of times.

#![allow(clippy::unwrap_used)]

mod support;

use std::process::Command;

use duizhang_books::{
    Aux, AuxDim, Books, EventClass, Flag, LinkRole, SourceLink, Standard, Voucher, VoucherLine,
    export,
};
use duizhang_core::{Fen, Period, RecordKind};
use proptest::prelude::*;
use support::{AUX_CHART, bean_check, books};

/// bean-check's verdict on the export of `vouchers`: its output when it refuses the file.
fn bean_check_refuses(b: &Books, vouchers: &[Voucher]) -> Option<String> {
    let bean_check = bean_check()?;
    let text = export::beancount(vouchers, &b.chart).unwrap();
    let path = std::env::temp_dir().join(format!(
        "duizhang-books-bean-prop-{}-{:?}.beancount",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::write(&path, &text).unwrap();
    let out = Command::new(bean_check).arg(&path).output().unwrap();
    std::fs::remove_file(&path).unwrap();
    (!out.status.success()).then(|| {
        format!(
            "{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// What a voucher says besides its amounts: words of the files and settings it is made from.
fn text() -> impl Strategy<Value = String> {
    let part = prop_oneof![
        Just("退货退款".to_string()),
        Just("纯棉T恤 白色 L（含“引号”）".to_string()),
        Just("\"".to_string()),
        Just("\\".to_string()),
        Just("\\\"".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\t".to_string()),
        Just("\u{0}\u{7}\u{1b}\u{7f}\u{85}".to_string()),
        Just("\u{2028}\u{3000}\u{feff}".to_string()),
        Just("；#;*!".to_string()),
        Just("2026-10-01 open Assets:1012 CNY".to_string()),
        Just("  flag: \"x\"".to_string()),
        Just("😀".to_string()),
        "[\\u{4e00}-\\u{9fa5}]{1,40}",
        "[ -~]{1,20}",
    ];
    prop_oneof![
        4 => prop::collection::vec(part, 0..10).prop_map(|p| p.concat()),
        1 => "[\\u{4e00}-\\u{9fa5}，。、]{300,800}",
    ]
}

fn flag() -> impl Strategy<Value = Flag> {
    prop_oneof![
        text().prop_map(|refund_no| Flag::CrossPeriod { refund_no }),
        text().prop_map(|refund_no| Flag::SubsequentEvent { refund_no }),
        text().prop_map(|txn_no| Flag::RefundWithoutAfterSale { txn_no }),
        (text(), text(), any::<bool>()).prop_map(|(refund_no, keyword, claim_booked)| {
            Flag::CarrierClaim {
                refund_no,
                keyword,
                claim_booked,
            }
        }),
        (-99i64..100).prop_map(|fen| Flag::Rounding { fen }),
    ]
}

/// One side of an entry: which account (an index into the chart's last-level accounts), how
/// much, the 摘要 and the aux texts.
type Side = (usize, i64, String, [Option<String>; 3]);

fn side() -> impl Strategy<Value = Side> {
    (
        any::<usize>(),
        1i64..10_000_000_000,
        text(),
        [
            prop::option::of(text()),
            prop::option::of(text()),
            prop::option::of(text()),
        ],
    )
}

#[derive(Clone, Debug)]
struct Spec {
    november: bool,
    day: i8,
    debits: Vec<Side>,
    credits: Vec<Side>,
    flags: Vec<Flag>,
    links: Vec<String>,
    preparer: String,
    reviewer: Option<String>,
    shop: Option<String>,
    rules_version: Option<String>,
    attachments: u32,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        (any::<bool>(), 1i8..=30),
        prop::collection::vec(side(), 1..20),
        prop::collection::vec(side(), 1..20),
        prop::collection::vec(flag(), 0..6),
        prop::collection::vec(text(), 0..4),
        (
            text(),
            prop::option::of(text()),
            prop::option::of(text()),
            prop::option::of(text()),
            0u32..50,
        ),
    )
        .prop_map(
            |(
                (november, day),
                debits,
                credits,
                flags,
                links,
                (preparer, reviewer, shop, rules_version, attachments),
            )| Spec {
                november,
                day,
                debits,
                credits,
                flags,
                links,
                preparer,
                reviewer,
                shop,
                rules_version,
                attachments,
            },
        )
}

/// The vouchers of `specs` in the 账套 `b`: balanced (a last line takes up the difference),
/// on last-level accounts with the aux items they require, numbered 1..n per period.
fn vouchers(b: &Books, specs: Vec<Spec>) -> Vec<Voucher> {
    let leaves: Vec<_> = b
        .chart
        .accounts()
        .filter(|a| b.chart.is_leaf(&a.code))
        .collect();
    let mut numbers = [0u32; 2];
    specs
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let line = |(account, fen, summary, aux): Side, debit: bool| {
                let account = leaves[account % leaves.len()];
                let [shop, customer, department] = aux;
                // A required item is never blank; the rest as drawn.
                let need = |dim: AuxDim, value: Option<String>| {
                    if account.aux.contains(&dim) {
                        Some(format!("辅{}", value.unwrap_or_default()))
                    } else {
                        value
                    }
                };
                let amount = Fen::new(fen);
                VoucherLine {
                    summary: format!("摘要{summary}"),
                    account: account.code.clone(),
                    debit: if debit { amount } else { Fen::ZERO },
                    credit: if debit { Fen::ZERO } else { amount },
                    aux: Aux {
                        shop: need(AuxDim::Shop, shop),
                        customer: need(AuxDim::Platform, customer),
                        department: need(AuxDim::Department, department),
                    },
                }
            };
            let mut lines: Vec<VoucherLine> = s
                .debits
                .iter()
                .cloned()
                .map(|d| line(d, true))
                .chain(s.credits.iter().cloned().map(|c| line(c, false)))
                .collect();
            let debit: i64 = s.debits.iter().map(|d| d.1).sum();
            let credit: i64 = s.credits.iter().map(|c| c.1).sum();
            if debit != credit {
                let mut last = line(s.debits[0].clone(), debit < credit);
                last.debit = Fen::new((credit - debit).max(0));
                last.credit = Fen::new((debit - credit).max(0));
                lines.push(last);
            }
            let month = if s.november { 11 } else { 10 };
            let number = &mut numbers[usize::from(s.november)];
            *number += 1;
            Voucher {
                date: jiff::civil::date(2026, month, s.day),
                period: Period::parse(&format!("2026-{month}")).unwrap(),
                word: "记".into(),
                number: *number,
                attachments: s.attachments,
                preparer: s.preparer,
                reviewer: s.reviewer,
                rules_version: s.rules_version,
                shop: s.shop,
                class: Some(EventClass::Refunds),
                lines,
                // Unique per voucher: a source is booked once.
                links: s
                    .links
                    .into_iter()
                    .enumerate()
                    .map(|(j, key)| SourceLink {
                        kind: RecordKind::FundFlow,
                        key: format!("{i}-{j}-{key}").as_str().into(),
                        role: LinkRole::Primary,
                        source: None,
                        file: None,
                    })
                    .collect(),
                flags: s.flags,
            }
        })
        .collect()
}

#[test]
fn a_voucher_with_several_notes_passes_bean_check() {
    let b = books(Standard::Small, "");
    let side = |account: usize| (account, 5900, "退货退款".to_string(), [None, None, None]);
    let mut spec = Spec {
        november: false,
        day: 12,
        debits: vec![side(0)],
        credits: vec![side(1)],
        flags: vec![
            Flag::CrossPeriod {
                refund_no: "201234567890123456".into(),
            },
            Flag::CarrierClaim {
                refund_no: "201234567890123456".into(),
                keyword: "破损".into(),
                claim_booked: true,
            },
        ],
        links: vec!["202610120000100001".into()],
        preparer: "duizhang".into(),
        reviewer: None,
        shop: Some("旗舰店".into()),
        rules_version: None,
        attachments: 1,
    };
    let one = vouchers(&b, vec![spec.clone()]);
    assert_eq!(bean_check_refuses(&b, &one), None);
    // The notes are all there, on one key.
    let text = String::from_utf8(export::beancount(&one, &b.chart).unwrap()).unwrap();
    assert_eq!(text.matches("  flag: ").count(), 1, "{text}");
    assert!(text.contains("跨期退款 201234567890123456") && text.contains("已挂其他应收款"));
    // A voucher without notes has no flag key at all.
    spec.flags.clear();
    let none = vouchers(&b, vec![spec]);
    let text = String::from_utf8(export::beancount(&none, &b.chart).unwrap()).unwrap();
    assert!(!text.contains("flag:"), "{text}");
}

proptest! {
    // Each case is one bean-check run (about a second), over up to 40 vouchers.
    #![proptest_config(ProptestConfig { cases: 8, max_shrink_iters: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_month_of_vouchers_passes_bean_check(
        enterprise in any::<bool>(),
        specs in prop::collection::vec(spec(), 1..40),
    ) {
        // The 小企业 账套 with 辅助核算 on revenue, commission and the Alipay account.
        let b = if enterprise { books(Standard::Enterprise, "") } else { books(Standard::Small, AUX_CHART) };
        let vouchers = vouchers(&b, specs);
        prop_assert_eq!(bean_check_refuses(&b, &vouchers), None);
    }
}
