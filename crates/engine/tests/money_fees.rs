//! A platform commission (交易分账 / 技术服务费 / 佣金) on an order of several lines: charged
//! per line, in proportion to what the buyer paid for the line. A second line explains a
//! second fee row only when the amount is that line's fee too; and the order's fees together
//! must still be rate × base (FEE_MISMATCH). A fee deducted twice is one finding, not two.

#![allow(clippy::unwrap_used)]

use duizhang_core::*;
use duizhang_engine::{Outcome, Settings, reconcile};
use duizhang_samples::build::*;
use proptest::prelude::*;

const TID: &str = "4012345678901234567";
/// The trade's 业务流水号: every 交易分账 row of the order carries it.
const BUSINESS: &str = "2026100822001123450000000001";
const RATE_5: &str = "[[shops]]\nid = \"tmall\"\nplatform = \"tmall\"\ncommission_rate = \"5%\"\n";

fn run_with(settings: &str, records: Vec<Record>) -> Outcome {
    let mut d = Dataset {
        files: vec![SourceFile {
            id: FileId(0),
            name: "2088账务明细.csv".into(),
            format: "test".into(),
        }],
        ..Dataset::default()
    };
    for (i, mut r) in records.into_iter().enumerate() {
        let line = u32::try_from(i).unwrap() + 2;
        match &mut r {
            Record::Order(x) => x.source.line = line,
            Record::FundFlow(x) => x.source.line = line,
            _ => {}
        }
        d.push(r);
    }
    let settings = Settings::from_toml(settings).unwrap();
    reconcile(&d, &settings, Period::parse("2026-10").unwrap())
}

fn money_codes(o: &Outcome) -> Vec<&str> {
    o.findings
        .iter()
        .map(|f| f.code.as_str())
        .filter(|c| duizhang_engine::checks::money::CODES.contains(c))
        .collect()
}

/// A Tmall order with one line per paid amount, released in full on 10-08.
fn tmall_order(lines: &[i64]) -> Vec<Record> {
    let paid: i64 = lines.iter().sum();
    let mut o = order(Platform::Tmall, TID, Fen::new(paid));
    for (i, &p) in lines.iter().enumerate() {
        let mut l = order_line(&format!("SKU-{i}"), 1, Fen::new(p));
        l.sub_order_no = Some(format!("{TID}{i}").into());
        o.lines.push(l);
    }
    let mut income = flow(
        FundProvider::Alipay,
        "20261008001",
        FlowKind::Income,
        Fen::new(paid),
        "2026-10-08 10:00:05",
    );
    income.order_no = Some(TID.into());
    income.business_no = Some(BUSINESS.into());
    vec![Record::Order(o), Record::FundFlow(income)]
}

/// A 交易分账 row of the order, `fen` taken from the seller.
fn commission(txn: &str, fen: i64) -> Record {
    let mut r = flow(
        FundProvider::Alipay,
        txn,
        FlowKind::Commission,
        Fen::new(-fen),
        "2026-10-08 10:00:06",
    );
    r.order_no = Some(TID.into());
    r.business_no = Some(BUSINESS.into());
    r.kind_text = "交易分账".into();
    Record::FundFlow(r)
}

fn with_fees(lines: &[i64], fees: &[i64]) -> Vec<Record> {
    let mut records = tmall_order(lines);
    for (i, &f) in fees.iter().enumerate() {
        records.push(commission(&format!("2026100800{}", 10 + i), f));
    }
    records
}

#[test]
fn two_lines_with_one_fee_each_are_no_finding() {
    // 50.00 and 9.00 at 5%: 2.50 and 0.45.
    for settings in ["", RATE_5] {
        let o = run_with(settings, with_fees(&[5000, 900], &[250, 45]));
        assert!(money_codes(&o).is_empty(), "{settings}: {:#?}", o.findings);
    }
}

#[test]
fn two_equal_lines_explain_two_equal_fees() {
    for settings in ["", RATE_5] {
        let o = run_with(settings, with_fees(&[2950, 2950], &[148, 148]));
        assert!(money_codes(&o).is_empty(), "{settings}: {:#?}", o.findings);
    }
}

#[test]
fn one_lines_fee_deducted_twice_is_a_duplicate() {
    // The second line is 9.00: its fee is 0.45, not another 2.50.
    for settings in ["", RATE_5] {
        let o = run_with(settings, with_fees(&[5000, 900], &[250, 250, 45]));
        assert_eq!(
            money_codes(&o),
            vec!["FLOW_DUPLICATE"],
            "{settings}: {:#?}",
            o.findings
        );
        let f = &o.findings[0];
        assert_eq!((f.expected_fen, f.actual_fen), (Some(-250), Some(-500)));
        assert_eq!(f.order_no.as_deref(), Some(TID));
    }
}

#[test]
fn the_smaller_lines_fee_deducted_twice_is_a_duplicate_too() {
    let o = run_with("", with_fees(&[5000, 900], &[250, 45, 45]));
    assert_eq!(money_codes(&o), vec!["FLOW_DUPLICATE"], "{:#?}", o.findings);
}

#[test]
fn a_fee_deducted_twice_when_the_other_line_bore_none_is_a_duplicate() {
    // Two lines, but only the 50.00 one bears a fee: 2.50 cannot be the 9.00 line's fee.
    let o = run_with("", with_fees(&[5000, 900], &[250, 250]));
    assert_eq!(money_codes(&o), vec!["FLOW_DUPLICATE"], "{:#?}", o.findings);
}

#[test]
fn more_equal_fees_than_equal_lines_is_a_duplicate() {
    let o = run_with("", with_fees(&[2950, 2950], &[148, 148, 148]));
    assert_eq!(money_codes(&o), vec!["FLOW_DUPLICATE"], "{:#?}", o.findings);
    assert_eq!(o.findings[0].expected_fen, Some(-296));
}

#[test]
fn lines_of_different_rates_are_not_called_duplicates() {
    // 50.00 at 5% and two lines of 9.00 at 2% (another category): 2.50, 0.18, 0.18.
    let o = run_with("", with_fees(&[5000, 900, 900], &[250, 18, 18]));
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
}

#[test]
fn a_fee_taken_twice_on_lines_of_different_rates_is_a_duplicate_though_no_rate_fits() {
    // 50.00 at 5% and 9.00 at 2%: 2.50 and 0.18; the 2.50 again. Two lines explain two rows,
    // not three, whatever rate each line bears.
    let o = run_with("", with_fees(&[5000, 900], &[250, 18, 250]));
    assert_eq!(money_codes(&o), vec!["FLOW_DUPLICATE"], "{:#?}", o.findings);
    let f = &o.findings[0];
    assert_eq!((f.expected_fen, f.actual_fen), (Some(-250), Some(-500)));
}

/// A 交易分账 row whose 备注 says which commission it is.
fn commission_named(txn: &str, fen: i64, memo: &str) -> Record {
    let mut r = commission(txn, fen);
    if let Record::FundFlow(f) = &mut r {
        f.memo = Some(format!("{memo}（类目：居家日用）{{{TID}}}扣款").into());
    }
    r
}

#[test]
fn a_tmall_commission_and_a_taobaoke_commission_of_one_amount_are_not_duplicates() {
    // Each line pays 天猫佣金 (5% and 2%), and the 50.00 line a 淘宝客佣金 of the same 2.50.
    let mut records = tmall_order(&[5000, 900]);
    records.push(commission_named("202610080010", 250, "天猫佣金"));
    records.push(commission_named("202610080011", 18, "天猫佣金"));
    records.push(commission_named("202610080012", 250, "淘宝客佣金"));
    let o = run_with("", records);
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
}

#[test]
fn an_orders_fees_must_still_meet_the_rate_whatever_explains_the_rows() {
    // Two rows, one per line, but the second line's fee is 0.90 instead of 0.45.
    let o = run_with(RATE_5, with_fees(&[5000, 900], &[250, 90]));
    assert_eq!(money_codes(&o), vec!["FEE_MISMATCH"], "{:#?}", o.findings);
    let f = &o.findings[0];
    assert_eq!((f.expected_fen, f.actual_fen), (Some(295), Some(340)));
}

#[test]
fn rounding_each_lines_fee_is_within_the_tolerance() {
    // Three lines of 3.33 at 5%: 0.1665 → 0.17 each, 0.51 in all; 5% of 9.99 is 0.50.
    let o = run_with(RATE_5, with_fees(&[333, 333, 333], &[17, 17, 17]));
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Fees charged per line at one rate are never a finding; any one of them charged twice
    /// is exactly FLOW_DUPLICATE, with or without the rate in the settings.
    #[test]
    fn per_line_fees_pass_and_a_fee_charged_twice_is_exactly_a_duplicate(
        lines in prop::collection::vec(100i64..100_000, 1..6),
        rate_bp in 10i64..1_000,
        doubled in any::<prop::sample::Index>(),
        configured in any::<bool>(),
    ) {
        let rate = RatePpm(rate_bp * 100);
        let fees: Vec<i64> = lines
            .iter()
            .map(|&b| rate.apply(Fen::new(b)).get())
            .filter(|&f| f > 0)
            .collect();
        prop_assume!(!fees.is_empty());
        let settings = if configured {
            format!(
                "[[shops]]\nid = \"tmall\"\nplatform = \"tmall\"\ncommission_rate = \"{rate}\"\n"
            )
        } else {
            String::new()
        };
        let o = run_with(&settings, with_fees(&lines, &fees));
        prop_assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);

        let mut twice = fees.clone();
        twice.push(fees[doubled.index(fees.len())]);
        let o = run_with(&settings, with_fees(&lines, &twice));
        prop_assert_eq!(money_codes(&o), vec!["FLOW_DUPLICATE"], "{:#?}", o.findings);
    }
}
