//! The money checks of CHECKS.md: for each, the smallest realistic case that triggers it and
//! the cases next to it that must not; carry-over between periods; determinism; matching
//! invariants.

#![allow(clippy::unwrap_used)]

use duizhang_core::*;
use duizhang_engine::matching::{self, Claim, NONE, Payout};
use duizhang_engine::{CarryIn, Outcome, Settings, Summary, reconcile, reconcile_carried};
use duizhang_samples::build::*;
use proptest::prelude::*;

const TB: Platform = Platform::Taobao;
const ALIPAY: FundProvider = FundProvider::Alipay;
const WX: FundProvider = FundProvider::Wechat;
const TID: &str = "4012345678901234567";
const TID2: &str = "4012345678901234999";

fn october() -> Period {
    Period::parse("2026-10").unwrap()
}

/// A dataset from records, each on its own line of `file`, in the given order.
fn data_in(file: &str, records: Vec<Record>) -> Dataset {
    let mut d = Dataset {
        files: vec![SourceFile {
            id: FileId(0),
            name: file.into(),
            format: "test".into(),
        }],
        ..Dataset::default()
    };
    for (i, mut r) in records.into_iter().enumerate() {
        let line = u32::try_from(i).unwrap() + 2;
        match &mut r {
            Record::Order(x) => x.source.line = line,
            Record::AfterSale(x) => x.source.line = line,
            Record::FundFlow(x) => x.source.line = line,
            Record::Payment(x) => x.source.line = line,
            Record::Settlement(x) => x.source.line = line,
            Record::ErpOrder(x) => x.source.line = line,
            Record::Shipment(x) => x.source.line = line,
            Record::ReturnReceipt(x) => x.source.line = line,
            Record::Complaint(x) => x.source.line = line,
        }
        d.push(r);
    }
    d
}

fn run(records: Vec<Record>) -> Outcome {
    reconcile(
        &data_in("2026-10.csv", records),
        &Settings::default(),
        october(),
    )
}

fn run_with(settings: &str, records: Vec<Record>) -> Outcome {
    let settings = Settings::from_toml(settings).unwrap();
    reconcile(&data_in("2026-10.csv", records), &settings, october())
}

fn found<'a>(o: &'a Outcome, code: &str) -> Vec<&'a Finding> {
    o.findings.iter().filter(|f| f.code == code).collect()
}

fn money_codes(o: &Outcome) -> Vec<&str> {
    let money = [
        "PAYMENT_MISSING",
        "PAYMENT_AMOUNT_MISMATCH",
        "PAYMENT_ORPHAN",
        "REFUND_UNPAID",
        "REFUND_ORPHAN",
        "REFUND_AMOUNT_MISMATCH",
        "REFUND_EXCEEDS_PAID",
        "REFUND_DUPLICATE",
        "FLOW_DUPLICATE",
        "BALANCE_BREAK",
        "FEE_MISMATCH",
        "SETTLEMENT_MISMATCH",
    ];
    o.findings
        .iter()
        .map(|f| f.code.as_str())
        .filter(|c| money.contains(c))
        .collect()
}

fn tb_order(no: &str, paid: &str) -> Record {
    Record::Order(order(TB, no, yuan(paid)))
}

/// Alipay 交易付款 for a Tmall order, as the importer gives it (order number without T200P).
fn income(txn: &str, order_no: &str, amount: &str, at: &str) -> FundFlowRow {
    let mut r = flow(ALIPAY, txn, FlowKind::Income, yuan(amount), at);
    r.order_no = Some(order_no.into());
    r.merchant_ref = Some(format!("T200P{order_no}").into());
    r.business_no = Some(format!("B{txn}").into());
    r
}

fn refund_out(
    txn: &str,
    order_no: &str,
    refund_no: Option<&str>,
    amount: &str,
    at: &str,
) -> FundFlowRow {
    let mut r = flow(ALIPAY, txn, FlowKind::Refund, -yuan(amount), at);
    r.order_no = Some(order_no.into());
    r.refund_no = refund_no.map(Into::into);
    r.business_no = Some(format!("B{txn}").into());
    r
}

fn sale(order_no: &str, refund_no: &str, refunded: &str, completed: &str) -> AfterSale {
    let mut a = after_sale(
        TB,
        order_no,
        refund_no,
        AfterSaleKind::ReturnAndRefund,
        yuan(refunded),
    );
    a.completed_at = Some(at(completed));
    a
}

fn f(r: FundFlowRow) -> Record {
    Record::FundFlow(r)
}

fn s(a: AfterSale) -> Record {
    Record::AfterSale(a)
}

// ---------------------------------------------------------------------------------------------
// Payments

#[test]
fn a_finished_order_without_income_is_missing_once_its_window_passed() {
    let o = run(vec![
        tb_order(TID, "59.00"),
        // Another order's income, so the shop has a fund flow.
        tb_order(TID2, "10.00"),
        f(income("T2", TID2, "10.00", "2026-10-08 10:00:05")),
    ]);
    let missing = found(&o, "PAYMENT_MISSING");
    assert_eq!(missing.len(), 1, "{:#?}", o.findings);
    let m = missing[0];
    assert_eq!(m.order_no.as_deref(), Some(TID));
    assert_eq!(
        (m.expected_fen, m.actual_fen, m.diff_fen),
        (Some(5900), Some(0), Some(-5900))
    );
    assert_eq!(m.severity, FindingSeverity::High);
    assert_eq!(m.owner, Owner::Finance);
    assert_eq!(m.shop, "taobao");
    assert_eq!(m.occurred_at, "2026-10-08T10:00:00");
    assert!(
        m.message.contains(TID) && m.message.contains("59.00") && m.message.contains("-59.00"),
        "{}",
        m.message
    );
    assert_eq!(m.evidence.len(), 1);
    assert_eq!(m.evidence[0].kind, RecordKind::Order);
    assert_eq!(m.evidence[0].file, "2026-10.csv");
    assert_eq!(money_codes(&o), vec!["PAYMENT_MISSING"]);
}

#[test]
fn an_order_finished_late_in_the_month_is_pending_not_missing() {
    let mut late = order(TB, TID, yuan("59.00"));
    late.finished_at = Some(at("2026-10-25 10:00:00"));
    let o = run(vec![
        Record::Order(late),
        tb_order(TID2, "10.00"),
        f(income("T2", TID2, "10.00", "2026-10-08 10:00:05")),
    ]);
    assert!(found(&o, "PAYMENT_MISSING").is_empty());
    assert_eq!(o.pending.len(), 1);
    assert_eq!(o.pending[0].code, "PAYMENT_MISSING");
    assert_eq!(o.pending[0].due, "2026-11-09T10:00:00");
    assert_eq!(o.pending[0].amount_fen, Some(5900));
    let t = &o.tallies[&("taobao".to_string(), "PAYMENT_MISSING".to_string())];
    assert_eq!((t.matched, t.pending, t.found), (1, 1, 0));
}

#[test]
fn the_window_is_a_setting() {
    let settings = "[checks.PAYMENT_MISSING]\nwindow_days = 30\n";
    let o = run_with(
        settings,
        vec![
            tb_order(TID, "59.00"),
            tb_order(TID2, "10.00"),
            f(income("T2", TID2, "10.00", "2026-10-08 10:00:05")),
        ],
    );
    assert!(found(&o, "PAYMENT_MISSING").is_empty());
    assert_eq!(o.pending[0].due, "2026-11-07T10:00:00");
}

#[test]
fn income_short_of_what_the_order_should_release_is_a_mismatch() {
    let o = run(vec![
        tb_order(TID, "59.00"),
        f(income("T1", TID, "58.00", "2026-10-08 10:00:01")),
    ]);
    let m = found(&o, "PAYMENT_AMOUNT_MISMATCH");
    assert_eq!(m.len(), 1);
    assert_eq!(
        (m[0].expected_fen, m[0].actual_fen, m[0].diff_fen),
        (Some(5900), Some(5800), Some(-100))
    );
    assert_eq!(m[0].evidence.len(), 2);
    assert!(m[0].message.contains("58.00") && m[0].message.contains("-1.00"));
    assert_eq!(money_codes(&o), vec!["PAYMENT_AMOUNT_MISMATCH"]);
}

#[test]
fn one_fen_off_is_inside_the_tolerance_and_two_fen_is_not() {
    let o = run(vec![
        tb_order(TID, "59.00"),
        f(income("T1", TID, "58.99", "2026-10-08 10:00:01")),
    ]);
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
    let o = run(vec![
        tb_order(TID, "59.00"),
        f(income("T1", TID, "58.98", "2026-10-08 10:00:01")),
    ]);
    assert_eq!(money_codes(&o), vec!["PAYMENT_AMOUNT_MISMATCH"]);
}

#[test]
fn refunds_before_release_and_platform_subsidies_shape_the_expected_income() {
    // Paid 54.00 with a 5.00 platform coupon; 10.00 refunded from escrow before 确认收货
    // (售中, no outflow expected); released 49.00.
    let mut o1 = order(TB, TID, yuan("54.00"));
    o1.platform_discount = Some(yuan("5.00"));
    let mut early = sale(TID, "R1", "10.00", "2026-10-05 12:00:00");
    early.phase = Some(AfterSalePhase::OnSale);
    let o = run(vec![
        Record::Order(o1),
        s(early),
        f(income("T1", TID, "49.00", "2026-10-08 10:00:01")),
    ]);
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
}

#[test]
fn one_order_paid_out_in_several_income_rows_is_one_payment() {
    let o = run(vec![
        tb_order(TID, "59.00"),
        f(income("T1", TID, "50.00", "2026-10-08 10:00:01")),
        f(income("T2", TID, "9.00", "2026-10-08 10:00:02")),
    ]);
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
}

#[test]
fn income_for_an_unknown_order_is_an_orphan() {
    let o = run(vec![
        tb_order(TID, "59.00"),
        f(income("T1", TID, "59.00", "2026-10-08 10:00:01")),
        f(income(
            "T9",
            "4019999999999999999",
            "12.00",
            "2026-10-09 11:00:00",
        )),
    ]);
    let m = found(&o, "PAYMENT_ORPHAN");
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].order_no.as_deref(), Some("4019999999999999999"));
    assert_eq!(m[0].txn_no.as_deref(), Some("T9"));
    assert_eq!((m[0].expected_fen, m[0].actual_fen), (Some(0), Some(1200)));
    assert_eq!(m[0].severity, FindingSeverity::Medium);
    assert_eq!(money_codes(&o), vec!["PAYMENT_ORPHAN"]);
}

#[test]
fn the_t200p_wrapper_does_not_make_an_orphan() {
    let mut r = income("T1", TID, "59.00", "2026-10-08 10:00:01");
    r.order_no = None; // only 商户订单号 = T200P<tid>
    let o = run(vec![tb_order(TID, "59.00"), f(r)]);
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
}

// ---------------------------------------------------------------------------------------------
// Refunds

#[test]
fn a_refund_without_outflow_is_unpaid_after_three_days() {
    let o = run(vec![
        tb_order(TID, "59.00"),
        f(income("T1", TID, "59.00", "2026-10-08 10:00:01")),
        s(sale(TID, "R1", "59.00", "2026-10-11 10:00:00")),
    ]);
    let m = found(&o, "REFUND_UNPAID");
    assert_eq!(m.len(), 1, "{:#?}", o.findings);
    assert_eq!(m[0].refund_no.as_deref(), Some("R1"));
    assert_eq!(m[0].order_no.as_deref(), Some(TID));
    assert_eq!((m[0].expected_fen, m[0].actual_fen), (Some(5900), Some(0)));
    assert_eq!(m[0].occurred_at, "2026-10-11T10:00:00");
    assert!(m[0].message.contains("R1") && m[0].message.contains(TID));
    assert_eq!(money_codes(&o), vec!["REFUND_UNPAID"]);
}

#[test]
fn a_refund_on_the_last_day_is_pending_and_closed_by_next_months_outflow() {
    let october_records = vec![
        tb_order(TID, "59.00"),
        f(income("T1", TID, "59.00", "2026-10-08 10:00:01")),
        s(sale(TID, "R1", "59.00", "2026-10-30 10:00:00")),
    ];
    let oct = reconcile(
        &data_in("2026-10.csv", october_records),
        &Settings::default(),
        october(),
    );
    assert!(money_codes(&oct).is_empty(), "{:#?}", oct.findings);
    assert_eq!(oct.pending.len(), 1);
    assert_eq!(oct.pending[0].code, "REFUND_UNPAID");
    assert_eq!(oct.pending[0].due, "2026-11-02T10:00:00");
    let carry = &oct.carry_out;
    assert_eq!(carry.period.as_deref(), Some("2026-10"));
    // The after-sale and its order travel with the item.
    let kinds: Vec<RecordKind> = carry.records.iter().map(|r| r.record.kind()).collect();
    assert_eq!(kinds, vec![RecordKind::Order, RecordKind::AfterSale]);
    // The carry file round-trips through JSON.
    let json = serde_json::to_string(carry).unwrap();
    let carry: CarryIn = serde_json::from_str(&json).unwrap();

    // November: the refund leaves the account on the 1st (refund number named); another
    // November order keeps the shop's orders and fund flow present.
    let november = Period::parse("2026-11").unwrap();
    let mut nov_order = order(TB, TID2, yuan("20.00"));
    nov_order.finished_at = Some(at("2026-11-05 10:00:00"));
    let nov = vec![
        Record::Order(nov_order.clone()),
        f(income("T5", TID2, "20.00", "2026-11-05 10:00:01")),
        f(refund_out(
            "T6",
            TID,
            Some("R1"),
            "59.00",
            "2026-11-01 09:00:00",
        )),
    ];
    let closed = reconcile_carried(
        &data_in("2026-11.csv", nov),
        &Settings::default(),
        november,
        &carry,
    );
    assert!(closed.findings.is_empty(), "{:#?}", closed.findings);
    assert!(closed.pending.is_empty(), "{:#?}", closed.pending);
    assert!(closed.carry_out.records.is_empty());

    // Without the outflow the carried item's window has passed: it becomes a finding, once,
    // naming October's file; nothing else about the carried records is reported again.
    let nov = vec![
        Record::Order(nov_order),
        f(income("T5", TID2, "20.00", "2026-11-05 10:00:01")),
    ];
    let open = reconcile_carried(
        &data_in("2026-11.csv", nov),
        &Settings::default(),
        november,
        &carry,
    );
    assert_eq!(
        money_codes(&open),
        vec!["REFUND_UNPAID"],
        "{:#?}",
        open.findings
    );
    let u = &open.findings[0];
    assert_eq!(u.refund_no.as_deref(), Some("R1"));
    assert!(u.evidence.iter().all(|e| e.file == "2026-10.csv"));

    // Without carry-in the November outflow would be an orphan.
    let nov = vec![
        Record::Order(order(TB, TID2, yuan("20.00"))),
        // An after-sale of November with nothing refunded, so the refund checks run.
        s(sale(TID2, "R7", "0.00", "2026-11-03 10:00:00")),
        f(refund_out(
            "T6",
            TID,
            Some("R1"),
            "59.00",
            "2026-11-01 09:00:00",
        )),
    ];
    let alone = reconcile(&data_in("2026-11.csv", nov), &Settings::default(), november);
    assert!(money_codes(&alone).contains(&"REFUND_ORPHAN"));
}

#[test]
fn a_carried_item_stays_pending_while_its_check_cannot_run() {
    let oct = reconcile(
        &data_in(
            "2026-10.csv",
            vec![
                tb_order(TID, "59.00"),
                f(income("T1", TID, "59.00", "2026-10-08 10:00:01")),
                s(sale(TID, "R1", "59.00", "2026-10-30 10:00:00")),
            ],
        ),
        &Settings::default(),
        october(),
    );
    // November brings no fund flow at all.
    let nov = reconcile_carried(
        &data_in("2026-11.csv", vec![tb_order(TID2, "20.00")]),
        &Settings::default(),
        Period::parse("2026-11").unwrap(),
        &oct.carry_out,
    );
    assert!(nov.findings.iter().all(|f| f.code != "REFUND_UNPAID"));
    assert_eq!(nov.pending, oct.pending);
}

#[test]
fn a_refund_before_shipment_needs_no_outflow_on_an_escrow_platform() {
    let mut a = sale(TID, "R1", "59.00", "2026-10-04 10:00:00");
    a.phase = Some(AfterSalePhase::OnSale);
    let mut o1 = order(TB, TID, yuan("59.00"));
    o1.status = OrderStatus::Refunded;
    let o = run(vec![
        Record::Order(o1),
        s(a),
        tb_order(TID2, "10.00"),
        f(income("T2", TID2, "10.00", "2026-10-08 10:00:05")),
    ]);
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
}

#[test]
fn a_refund_outflow_without_after_sale_is_an_orphan() {
    let o = run(vec![
        tb_order(TID, "59.00"),
        f(income("T1", TID, "59.00", "2026-10-08 10:00:01")),
        s(sale(TID2, "R9", "1.00", "2026-10-11 10:00:00")),
        f(refund_out("T3", TID, None, "9.65", "2026-10-12 15:40:02")),
    ]);
    let m = found(&o, "REFUND_ORPHAN");
    assert_eq!(m.len(), 1, "{:#?}", o.findings);
    assert_eq!(m[0].txn_no.as_deref(), Some("T3"));
    assert_eq!(m[0].order_no.as_deref(), Some(TID));
    assert_eq!(m[0].severity, FindingSeverity::Critical);
    assert_eq!((m[0].expected_fen, m[0].actual_fen), (Some(0), Some(965)));
}

#[test]
fn a_refund_paid_short_is_an_amount_mismatch() {
    let o = run(vec![
        tb_order(TID, "59.00"),
        f(income("T1", TID, "59.00", "2026-10-08 10:00:01")),
        s(sale(TID, "R1", "59.00", "2026-10-11 10:00:00")),
        f(refund_out(
            "T3",
            TID,
            Some("R1"),
            "50.00",
            "2026-10-11 10:00:05",
        )),
    ]);
    let m = found(&o, "REFUND_AMOUNT_MISMATCH");
    assert_eq!(m.len(), 1, "{:#?}", o.findings);
    assert_eq!(m[0].refund_no.as_deref(), Some("R1"));
    assert_eq!(
        (m[0].expected_fen, m[0].actual_fen, m[0].diff_fen),
        (Some(5900), Some(5000), Some(-900))
    );
    assert_eq!(m[0].evidence.len(), 2);
    assert_eq!(money_codes(&o), vec!["REFUND_AMOUNT_MISMATCH"]);
}

#[test]
fn a_refund_matched_by_order_and_amount_needs_no_refund_number() {
    let o = run(vec![
        tb_order(TID, "59.00"),
        f(income("T1", TID, "59.00", "2026-10-08 10:00:01")),
        s(sale(TID, "R1", "20.00", "2026-10-11 10:00:00")),
        s(sale(TID, "R2", "9.00", "2026-10-12 10:00:00")),
        f(refund_out("T4", TID, None, "9.00", "2026-10-12 10:00:05")),
        f(refund_out("T3", TID, None, "20.00", "2026-10-11 10:00:05")),
    ]);
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
    let t = &o.tallies[&("taobao".to_string(), "REFUND_UNPAID".to_string())];
    assert_eq!((t.matched, t.matched_fen), (2, 2900));
}

#[test]
fn partial_refunds_that_add_up_are_matched_by_their_parts() {
    // Two after-sales, one outflow covering both (many-to-one) …
    let many_to_one = run(vec![
        tb_order(TID, "59.00"),
        f(income("T1", TID, "59.00", "2026-10-08 10:00:01")),
        s(sale(TID, "R1", "30.00", "2026-10-11 10:00:00")),
        s(sale(TID, "R2", "29.00", "2026-10-11 10:00:00")),
        f(refund_out("T3", TID, None, "59.00", "2026-10-11 10:00:05")),
    ]);
    assert!(
        money_codes(&many_to_one).is_empty(),
        "{:#?}",
        many_to_one.findings
    );
    // … and one after-sale paid in two outflows (one-to-many).
    let one_to_many = run(vec![
        tb_order(TID, "59.00"),
        f(income("T1", TID, "59.00", "2026-10-08 10:00:01")),
        s(sale(TID, "R1", "59.00", "2026-10-11 10:00:00")),
        f(refund_out("T3", TID, None, "30.00", "2026-10-11 10:00:05")),
        f(refund_out("T4", TID, None, "29.00", "2026-10-11 10:00:06")),
    ]);
    assert!(
        money_codes(&one_to_many).is_empty(),
        "{:#?}",
        one_to_many.findings
    );
    // Parts that do not add up are paired by time and compared.
    let off = run(vec![
        tb_order(TID, "59.00"),
        f(income("T1", TID, "59.00", "2026-10-08 10:00:01")),
        s(sale(TID, "R1", "30.00", "2026-10-11 10:00:00")),
        s(sale(TID, "R2", "29.00", "2026-10-20 10:00:00")),
        f(refund_out("T3", TID, None, "25.00", "2026-10-11 10:00:05")),
        f(refund_out("T4", TID, None, "29.50", "2026-10-20 10:00:06")),
    ]);
    let m = found(&off, "REFUND_AMOUNT_MISMATCH");
    assert_eq!(m.len(), 2, "{:#?}", off.findings);
    assert_eq!(money_codes(&off), vec!["REFUND_AMOUNT_MISMATCH"; 2]);
}

#[test]
fn refunds_beyond_what_was_paid_exceed_it() {
    let o = run(vec![
        tb_order(TID, "59.00"),
        f(income("T1", TID, "59.00", "2026-10-08 10:00:01")),
        s(sale(TID, "R1", "40.00", "2026-10-11 10:00:00")),
        s(sale(TID, "R2", "30.00", "2026-10-12 10:00:00")),
        f(refund_out(
            "T3",
            TID,
            Some("R1"),
            "40.00",
            "2026-10-11 10:00:05",
        )),
        f(refund_out(
            "T4",
            TID,
            Some("R2"),
            "30.00",
            "2026-10-12 10:00:05",
        )),
    ]);
    let m = found(&o, "REFUND_EXCEEDS_PAID");
    assert_eq!(m.len(), 1);
    assert_eq!(
        (m[0].expected_fen, m[0].actual_fen, m[0].diff_fen),
        (Some(5900), Some(7000), Some(1100))
    );
    assert_eq!(m[0].severity, FindingSeverity::Critical);
    assert_eq!(m[0].evidence.len(), 3);
    assert_eq!(money_codes(&o), vec!["REFUND_EXCEEDS_PAID"]);
    // Up to what was paid is fine.
    let o = run(vec![
        tb_order(TID, "59.00"),
        f(income("T1", TID, "59.00", "2026-10-08 10:00:01")),
        s(sale(TID, "R1", "40.00", "2026-10-11 10:00:00")),
        s(sale(TID, "R2", "19.00", "2026-10-12 10:00:00")),
        f(refund_out(
            "T3",
            TID,
            Some("R1"),
            "40.00",
            "2026-10-11 10:00:05",
        )),
        f(refund_out(
            "T4",
            TID,
            Some("R2"),
            "19.00",
            "2026-10-12 10:00:05",
        )),
    ]);
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
}

#[test]
fn refunds_beyond_a_lines_paid_amount_exceed_it_per_line() {
    let mut o1 = order(TB, TID, yuan("100.00"));
    let mut l1 = order_line("SKU-A", 1, yuan("60.00"));
    l1.sub_order_no = Some("S1".into());
    let mut l2 = order_line("SKU-B", 1, yuan("40.00"));
    l2.sub_order_no = Some("S2".into());
    o1.lines = vec![l1, l2];
    let mut a = sale(TID, "R1", "50.00", "2026-10-11 10:00:00");
    let mut al = after_sale_line("SKU-B", 1);
    al.sub_order_no = Some("S2".into());
    al.refund = Some(yuan("50.00"));
    a.lines = vec![al];
    let o = run(vec![
        Record::Order(o1),
        f(income("T1", TID, "100.00", "2026-10-08 10:00:01")),
        s(a),
        f(refund_out(
            "T3",
            TID,
            Some("R1"),
            "50.00",
            "2026-10-11 10:00:05",
        )),
    ]);
    let m = found(&o, "REFUND_EXCEEDS_PAID");
    assert_eq!(m.len(), 1, "{:#?}", o.findings);
    assert_eq!(m[0].sku.as_deref(), Some("SKU-B"));
    assert_eq!(
        (m[0].expected_fen, m[0].actual_fen),
        (Some(4000), Some(5000))
    );
}

#[test]
fn one_after_sale_paid_twice_is_a_duplicate_refund_not_a_mismatch() {
    let o = run(vec![
        tb_order(TID, "59.00"),
        f(income("T1", TID, "59.00", "2026-10-08 10:00:01")),
        s(sale(TID, "R1", "59.00", "2026-10-11 10:00:00")),
        f(refund_out(
            "T3",
            TID,
            Some("R1"),
            "59.00",
            "2026-10-11 10:00:05",
        )),
        f(refund_out(
            "T4",
            TID,
            Some("R1"),
            "59.00",
            "2026-10-12 09:00:00",
        )),
    ]);
    let m = found(&o, "REFUND_DUPLICATE");
    assert_eq!(m.len(), 1, "{:#?}", o.findings);
    assert_eq!(
        (m[0].expected_fen, m[0].actual_fen, m[0].diff_fen),
        (Some(5900), Some(11800), Some(5900))
    );
    assert_eq!(m[0].refund_no.as_deref(), Some("R1"));
    assert_eq!(m[0].evidence.len(), 3);
    assert_eq!(money_codes(&o), vec!["REFUND_DUPLICATE"]);
    // The same without refund numbers: the second payment repeats the order and amount.
    let o = run(vec![
        tb_order(TID, "59.00"),
        f(income("T1", TID, "59.00", "2026-10-08 10:00:01")),
        s(sale(TID, "R1", "59.00", "2026-10-11 10:00:00")),
        f(refund_out("T3", TID, None, "59.00", "2026-10-11 10:00:05")),
        f(refund_out("T4", TID, None, "59.00", "2026-10-12 09:00:00")),
    ]);
    assert_eq!(
        money_codes(&o),
        vec!["REFUND_DUPLICATE"],
        "{:#?}",
        o.findings
    );
}

// ---------------------------------------------------------------------------------------------
// Fund-flow integrity

#[test]
fn two_rows_of_one_business_event_are_a_duplicate_unless_explained() {
    let mut second = income("T2", TID, "59.00", "2026-10-08 10:00:01");
    second.business_no = Some("BT1".into());
    let o = run(vec![
        tb_order(TID, "59.00"),
        f(income("T1", TID, "59.00", "2026-10-08 10:00:01")),
        f(second.clone()),
    ]);
    let m = found(&o, "FLOW_DUPLICATE");
    assert_eq!(m.len(), 1, "{:#?}", o.findings);
    assert_eq!(m[0].txn_no.as_deref(), Some("T2"));
    assert_eq!(
        (m[0].expected_fen, m[0].actual_fen),
        (Some(5900), Some(11800))
    );
    assert_eq!(m[0].evidence.len(), 2);

    // A second order line explains a second row of the same amount.
    let mut two_lines = order(TB, TID, yuan("118.00"));
    two_lines.lines = vec![
        order_line("SKU-A", 1, yuan("59.00")),
        order_line("SKU-A", 1, yuan("59.00")),
    ];
    let o = run(vec![
        Record::Order(two_lines),
        f(income("T1", TID, "59.00", "2026-10-08 10:00:01")),
        f(second),
    ]);
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
}

#[test]
fn the_same_row_in_overlapping_exports_is_counted_once_not_reported() {
    let row = income("T1", TID, "59.00", "2026-10-08 10:00:01");
    let o = run(vec![tb_order(TID, "59.00"), f(row.clone()), f(row)]);
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
    assert_eq!(o.flow_duplicates_removed.get("taobao"), Some(&1));
    let summary = Summary::build(&o, october());
    assert_eq!(summary.flow_duplicates_removed, 1);
    assert_eq!(summary.shops[0].shop, "taobao");
    assert_eq!(summary.shops[0].flow_duplicates_removed, 1);
    assert_eq!(summary.platforms[0].platform, Platform::Taobao);
    let agreed = summary
        .checks
        .iter()
        .find(|c| c.code == "PAYMENT_AMOUNT_MISMATCH")
        .unwrap();
    assert_eq!(
        (
            agreed.tally.matched,
            agreed.tally.matched_fen,
            agreed.tally.found
        ),
        (1, 5900, 0)
    );
    // Checks without their data are listed with the reason.
    assert!(
        summary
            .not_run
            .iter()
            .any(|n| n.code == "REFUND_UNPAID" && n.reason.contains("售后单"))
    );
    let json = serde_json::to_value(&summary).unwrap();
    assert_eq!(json["checks"][0]["code"], "PAYMENT_MISSING");
    assert_eq!(json["fund_accounts"][0]["inflows_fen"]["income"], 5900);
    assert_eq!(
        summary.fund_accounts[0].inflows_fen.get("income"),
        Some(&5900)
    );
}

fn with_balance(mut r: FundFlowRow, balance: &str) -> Record {
    r.balance = Some(yuan(balance));
    r.account = Some("20880000000000000156".into());
    Record::FundFlow(r)
}

#[test]
fn a_balance_that_does_not_follow_from_the_previous_one_breaks() {
    let mut commission = flow(
        ALIPAY,
        "T2",
        FlowKind::Commission,
        -yuan("2.95"),
        "2026-10-08 10:00:02",
    );
    commission.order_no = Some(TID.into());
    let refund = refund_out("T3", TID2, None, "9.65", "2026-10-09 15:40:02");
    let o = run(vec![
        tb_order(TID, "59.00"),
        with_balance(income("T1", TID, "59.00", "2026-10-08 10:00:01"), "1059.00"),
        with_balance(commission, "1056.05"),
        // 1056.05 − 9.65 = 1046.40, the file says 1046.00.
        with_balance(refund, "1046.00"),
    ]);
    let m = found(&o, "BALANCE_BREAK");
    assert_eq!(m.len(), 1, "{:#?}", o.findings);
    assert_eq!(m[0].txn_no.as_deref(), Some("T3"));
    assert_eq!(
        (m[0].expected_fen, m[0].actual_fen, m[0].diff_fen),
        (Some(104_640), Some(104_600), Some(-40))
    );
    assert_eq!(m[0].evidence.len(), 2);

    let summary = Summary::build(&o, october());
    let acc = &summary.fund_accounts[0];
    assert_eq!(acc.account, "20880000000000000156");
    assert_eq!(acc.opening_fen, Some(100_000));
    assert_eq!(acc.closing_fen, Some(104_600));
    assert_eq!(acc.outflows_fen.get("commission"), Some(&-295));
    assert_eq!(acc.outflows_fen.get("refund"), Some(&-965));
    assert_eq!(acc.balanced, Some(false));
}

#[test]
fn balances_follow_time_then_line_not_file_order() {
    // The export lists the later row first.
    let o = run(vec![
        tb_order(TID, "59.00"),
        with_balance(income("T2", TID, "9.00", "2026-10-08 11:00:00"), "1068.00"),
        with_balance(income("T1", TID, "50.00", "2026-10-08 10:00:00"), "1059.00"),
    ]);
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
    let acc = &Summary::build(&o, october()).fund_accounts[0];
    assert_eq!(
        (acc.opening_fen, acc.closing_fen, acc.balanced),
        (Some(100_900), Some(106_800), Some(true))
    );
}

// ---------------------------------------------------------------------------------------------
// Fees

fn wx_payment(txn: &str, out_trade_no: &str, amount: &str, fee: &str) -> PaymentRow {
    let mut p = payment(
        WX,
        txn,
        out_trade_no,
        PaymentKind::Payment,
        yuan(amount),
        "2026-10-03 10:00:12",
    );
    p.fee = yuan(fee);
    p.rate = Some(RatePpm::parse("0.60%").unwrap());
    p
}

/// The mini-program shop: its ERP names it 小程序店, its WeChat Pay bills name no shop.
const MINI: &str = "[[shops]]\nid = \"mini\"\nplatform = \"wechat\"\naliases = [\"小程序店\"]\n";

fn wx_order(order_no: &str, payment_no: &str, paid: &str) -> Record {
    let mut e = erp_order(
        "小程序店",
        Platform::Wechat,
        order_no,
        ErpOrderStatus::Completed,
        "2026-10-05 10:00:00",
    );
    e.paid = Some(yuan(paid));
    e.paid_at = Some(at("2026-10-03 10:00:00"));
    e.payment_no = Some(payment_no.into());
    Record::ErpOrder(e)
}

#[test]
fn a_fee_off_the_stated_rate_is_a_fee_mismatch() {
    // 59.00 × 0.60% = 0.354 → 0.35 (四舍五入).
    let ok = run_with(
        MINI,
        vec![
            wx_order("WX1", "ORD1", "59.00"),
            Record::Payment(wx_payment("4200001", "ORD1", "59.00", "0.35")),
        ],
    );
    assert!(money_codes(&ok).is_empty(), "{:#?}", ok.findings);
    let bad = run_with(
        MINI,
        vec![
            wx_order("WX1", "ORD1", "59.00"),
            Record::Payment(wx_payment("4200001", "ORD1", "59.00", "0.40")),
        ],
    );
    let m = found(&bad, "FEE_MISMATCH");
    assert_eq!(m.len(), 1, "{:#?}", bad.findings);
    assert_eq!(
        (m[0].expected_fen, m[0].actual_fen, m[0].diff_fen),
        (Some(35), Some(40), Some(5))
    );
    // The order the payment (商户订单号 ORD1) paid, as every other finding on it names it.
    assert_eq!(m[0].order_no.as_deref(), Some("WX1"));
    assert_eq!(m[0].shop, "mini");
    assert_eq!(m[0].platform, Platform::Wechat);
    assert!(
        m[0].message.contains("0.6%") || m[0].message.contains("0.60%"),
        "{}",
        m[0].message
    );
}

#[test]
fn a_configured_rate_applies_to_payments_not_to_refunds_without_a_stated_rate() {
    let settings = "[[shops]]\nid = \"mini\"\nplatform = \"wechat\"\naliases = [\"小程序店\"]\npayment_fee_rate = \"1%\"\n";
    let mut pay = wx_payment("4200001", "ORD1", "59.00", "0.59");
    pay.rate = None;
    let mut refund = payment(
        WX,
        "4200001",
        "ORD1",
        PaymentKind::Refund,
        yuan("59.00"),
        "2026-10-04 10:00:00",
    );
    refund.out_refund_no = Some("RF1".into());
    let o = run_with(
        settings,
        vec![
            wx_order("WX1", "ORD1", "59.00"),
            Record::Payment(pay.clone()),
            Record::Payment(refund),
        ],
    );
    assert!(found(&o, "FEE_MISMATCH").is_empty(), "{:#?}", o.findings);
    pay.fee = yuan("0.35");
    let o = run_with(
        settings,
        vec![wx_order("WX1", "ORD1", "59.00"), Record::Payment(pay)],
    );
    let m = found(&o, "FEE_MISMATCH");
    assert_eq!(m.len(), 1);
    assert_eq!((m[0].expected_fen, m[0].actual_fen), (Some(59), Some(35)));
}

#[test]
fn fund_flow_fees_are_checked_against_the_configured_rate() {
    let settings = r#"
[[shops]]
id = "tmall"
platform = "tmall"
payment_fee_rate = "0.6%"
commission_rate = "5%"
"#;
    let mut fee = flow(
        ALIPAY,
        "T2",
        FlowKind::Fee,
        -yuan("0.35"),
        "2026-10-08 10:00:02",
    );
    fee.order_no = Some(TID.into());
    let mut commission = flow(
        ALIPAY,
        "T3",
        FlowKind::Commission,
        -yuan("2.95"),
        "2026-10-08 10:00:03",
    );
    commission.order_no = Some(TID.into());
    let mut o1 = order(Platform::Tmall, TID, yuan("59.00"));
    o1.shop = Some("tmall".into());
    let records = vec![
        Record::Order(o1.clone()),
        f(income("T1", TID, "59.00", "2026-10-08 10:00:01")),
        f(fee),
        f(commission.clone()),
    ];
    let o = run_with(settings, records);
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
    commission.amount = -yuan("3.50");
    let o = run_with(
        settings,
        vec![
            Record::Order(o1),
            f(income("T1", TID, "59.00", "2026-10-08 10:00:01")),
            f(commission),
        ],
    );
    let m = found(&o, "FEE_MISMATCH");
    assert_eq!(m.len(), 1, "{:#?}", o.findings);
    assert_eq!((m[0].expected_fen, m[0].actual_fen), (Some(295), Some(350)));
}

// ---------------------------------------------------------------------------------------------
// Direct payment (WeChat mini-program)

#[test]
fn a_direct_payment_shop_matches_erp_orders_to_the_payment_bill() {
    let mut refund = payment(
        WX,
        "4200001",
        "ORD1",
        PaymentKind::Refund,
        yuan("59.00"),
        "2026-10-03 18:40:11",
    );
    refund.out_refund_no = Some("RF1".into());
    refund.fee = -yuan("0.35");
    refund.rate = Some(RatePpm::parse("0.60%").unwrap());
    let mut a = after_sale(
        Platform::Wechat,
        "WX1",
        "RF1",
        AfterSaleKind::RefundOnly,
        yuan("59.00"),
    );
    a.shop = Some("小程序店".into());
    a.completed_at = Some(at("2026-10-03 18:40:00"));
    a.phase = None;
    let records = vec![
        wx_order("WX1", "ORD1", "59.00"),
        Record::Payment(wx_payment("4200001", "ORD1", "59.00", "0.35")),
        Record::AfterSale(a.clone()),
        Record::Payment(refund),
    ];
    let o = run_with(MINI, records.clone());
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
    // Without the refund row the refund is unpaid: direct payment always refunds from the
    // merchant's own account.
    let o = run_with(MINI, records[..3].to_vec());
    assert_eq!(money_codes(&o), vec!["REFUND_UNPAID"], "{:#?}", o.findings);
    // Without the payment row the order has no income.
    let o = run_with(
        MINI,
        vec![records[0].clone(), records[2].clone(), records[3].clone()],
    );
    assert!(
        money_codes(&o).contains(&"PAYMENT_MISSING"),
        "{:#?}",
        o.findings
    );
}

#[test]
fn a_direct_payment_shop_with_a_fund_bill_uses_it_and_not_the_trade_bill_twice() {
    let mut inc = flow(
        WX,
        "1900000109202610030000000001",
        FlowKind::Income,
        yuan("59.00"),
        "2026-10-03 10:00:13",
    );
    inc.business_no = Some("4200002026202610031234567890".into());
    inc.merchant_ref = Some("ORD1".into());
    let mut fee = flow(
        WX,
        "1900000109202610030000000002",
        FlowKind::Fee,
        -yuan("0.35"),
        "2026-10-03 10:00:13",
    );
    fee.business_no = Some("4200002026202610031234567890".into());
    fee.merchant_ref = Some("ORD1".into());
    let o = run_with(
        MINI,
        vec![
            wx_order("WX1", "ORD1", "59.00"),
            Record::Payment(wx_payment("4200001", "ORD1", "59.00", "0.35")),
            Record::FundFlow(inc),
            Record::FundFlow(fee),
        ],
    );
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
}

// ---------------------------------------------------------------------------------------------
// Settlements

fn jd_settlement(order_no: &str, kind: FlowKind, amount: &str, reference: &str) -> Record {
    let mut s = settlement(
        Platform::Jd,
        order_no,
        kind,
        yuan(amount),
        "2026-10-12 17:11:38",
    );
    s.payment_ref = Some(reference.into());
    Record::Settlement(s)
}

fn jd_arrival(txn: &str, reference: &str, amount: &str) -> Record {
    let mut r = flow(
        FundProvider::Jd,
        txn,
        FlowKind::Income,
        yuan(amount),
        "2026-10-13 12:08:53",
    );
    r.merchant_ref = Some(reference.into());
    Record::FundFlow(r)
}

#[test]
fn a_settlement_whose_money_did_not_all_arrive_is_a_mismatch() {
    let reference = "202610130000011332600000001";
    // The JD order is paid through the statement: its fund rows name only the statement's
    // 商户订单号, and arrive net of commission.
    let jd_order = Record::Order(order(Platform::Jd, "300000000000001", yuan("88.00")));
    let ok = run(vec![
        jd_order.clone(),
        jd_settlement("300000000000001", FlowKind::Income, "88.00", reference),
        jd_settlement("300000000000001", FlowKind::Commission, "-4.40", reference),
        jd_arrival("J1", reference, "83.60"),
    ]);
    assert!(
        found(&ok, "SETTLEMENT_MISMATCH").is_empty(),
        "{:#?}",
        ok.findings
    );
    let bad = run(vec![
        jd_settlement("300000000000001", FlowKind::Income, "88.00", reference),
        jd_settlement("300000000000001", FlowKind::Commission, "-4.40", reference),
        jd_arrival("J1", reference, "80.00"),
    ]);
    let m = found(&bad, "SETTLEMENT_MISMATCH");
    assert_eq!(m.len(), 1);
    assert_eq!(
        (m[0].expected_fen, m[0].actual_fen, m[0].diff_fen),
        (Some(8360), Some(8000), Some(-360))
    );
    assert_eq!(m[0].order_no.as_deref(), Some("300000000000001"));
    assert_eq!(m[0].evidence.len(), 3);
    assert_eq!(money_codes(&bad), vec!["SETTLEMENT_MISMATCH"]);
}

#[test]
fn jd_money_settled_within_a_day_of_the_cut_off_and_not_yet_in_the_wallet_is_in_transit() {
    let reference = "202610130000011332600000001";
    let jd_order = Record::Order(order(Platform::Jd, "300000000000001", yuan("88.00")));
    // The 结算单's 费用结算时间 comes first; the 资金表 books the money up to a day later
    // (the 对账表's 到账时间). Settled on the last evening, not yet arrived: pending (在途)
    // until a day after the settlement, or for the window when that is longer.
    let settled_at = |at: &str, window: &str| {
        let mut s = settlement(
            Platform::Jd,
            "300000000000001",
            FlowKind::Income,
            yuan("88.00"),
            at,
        );
        s.payment_ref = Some(reference.into());
        run_with(
            window,
            vec![
                jd_order.clone(),
                Record::Settlement(s),
                jd_arrival("J0", "other-statement", "1.00"),
            ],
        )
    };
    let in_transit = settled_at("2026-10-31 23:59:40", "");
    assert!(
        found(&in_transit, "SETTLEMENT_MISMATCH").is_empty(),
        "{:#?}",
        in_transit.findings
    );
    assert_eq!(in_transit.pending.len(), 1);
    assert_eq!(in_transit.pending[0].code, "SETTLEMENT_MISMATCH");
    assert_eq!(in_transit.pending[0].due, "2026-11-01T23:59:40");
    let waiting = settled_at(
        "2026-10-31 20:00:00",
        "[checks.SETTLEMENT_MISMATCH]\nwindow_days = 2\n",
    );
    assert!(found(&waiting, "SETTLEMENT_MISMATCH").is_empty());
    assert_eq!(waiting.pending.len(), 1);
    assert_eq!(waiting.pending[0].due, "2026-11-02T20:00:00");
    // Settled two days before the cut-off and still not in the wallet: a difference.
    let lost = settled_at("2026-10-29 20:00:00", "");
    let m = found(&lost, "SETTLEMENT_MISMATCH");
    assert_eq!(m.len(), 1, "{:#?}", lost.findings);
    assert_eq!((m[0].expected_fen, m[0].actual_fen), (Some(8800), Some(0)));
}

// ---------------------------------------------------------------------------------------------
// JD: refunds after the settlement, through the 京东钱包 bill

const JD_NO: &str = "300000000000001";
/// The 商户订单号 of the order's settlement and of a refund clawed back after it.
const JD_SALE_REF: &str = "202610090000011332600000001";
const JD_REFUND_REF: &str = "202610150000011332600000002";

/// A 结算单 row as the wallet-bill importer gives it: fee item, kind, signed amount, the
/// statement's 商户订单号 and no refund number.
fn jd_bill(item: &str, kind: FlowKind, amount: &str, reference: &str, at: &str) -> Record {
    let mut s = settlement(Platform::Jd, JD_NO, kind, yuan(amount), at);
    s.item = item.into();
    s.payment_ref = Some(reference.into());
    Record::Settlement(s)
}

/// A 资金表 row: it names only the 商户订单号; its kind comes from the 交易备注.
fn jd_funds(
    txn: &str,
    reference: &str,
    kind: FlowKind,
    memo: &str,
    amount: &str,
    at: &str,
) -> Record {
    let mut r = flow(FundProvider::Jd, txn, kind, yuan(amount), at);
    r.account = Some("111004265001".into());
    r.merchant_ref = Some(reference.into());
    r.kind_text = memo.into();
    r.memo = Some(memo.into());
    Record::FundFlow(r)
}

/// A JD order of 88.00 received on 10-08 and settled in the next morning's run: 货款 less
/// 6 % 佣金 under its own 商户订单号, the net arriving in the wallet.
fn jd_settled_order() -> Vec<Record> {
    let mut o = order(Platform::Jd, JD_NO, yuan("88.00"));
    o.status_text = "完成".into();
    vec![
        Record::Order(o),
        jd_bill(
            "货款",
            FlowKind::Income,
            "88.00",
            JD_SALE_REF,
            "2026-10-09 03:12:00",
        ),
        jd_bill(
            "佣金",
            FlowKind::Commission,
            "-5.28",
            JD_SALE_REF,
            "2026-10-09 03:12:00",
        ),
        jd_funds(
            "J1",
            JD_SALE_REF,
            FlowKind::Income,
            "货款结算",
            "82.72",
            "2026-10-09 03:12:20",
        ),
    ]
}

/// The buyer's return, refunded on 10-15, as the ERP keeps it: JD's 服务单号, no 售中/售后
/// phase (when the refund was made against the money JD released decides).
fn jd_return(refund_no: &str, refunded: &str) -> Record {
    let mut a = after_sale(
        Platform::Jd,
        JD_NO,
        refund_no,
        AfterSaleKind::ReturnAndRefund,
        yuan(refunded),
    );
    a.phase = None;
    a.applied_at = Some(at("2026-10-12 09:00:00"));
    a.completed_at = Some(at("2026-10-15 10:00:00"));
    Record::AfterSale(a)
}

/// The clawback statement of a refund after the settlement: 货款 支出 (negative) and the
/// commission given back, under a new 商户订单号.
fn jd_clawback(reference: &str, goods: &str, commission: &str) -> Vec<Record> {
    vec![
        jd_bill(
            "货款",
            FlowKind::Refund,
            goods,
            reference,
            "2026-10-15 10:00:30",
        ),
        jd_bill(
            "佣金",
            FlowKind::Commission,
            commission,
            reference,
            "2026-10-15 10:00:30",
        ),
    ]
}

#[test]
fn a_jd_refund_after_settlement_is_paid_through_the_statement() {
    // The 资金表 row's 交易备注 decides its kind: a refund, or (货款 written negative)
    // other; either way the statement ties it to the order.
    for (kind, memo) in [(FlowKind::Refund, "售后退款"), (FlowKind::Other, "货款")] {
        let mut records = jd_settled_order();
        records.push(jd_return("1800000007", "88.00"));
        records.extend(jd_clawback(JD_REFUND_REF, "-88.00", "5.28"));
        records.push(jd_funds(
            "J2",
            JD_REFUND_REF,
            kind,
            memo,
            "-82.72",
            "2026-10-15 10:00:41",
        ));
        let o = run(records);
        assert!(money_codes(&o).is_empty(), "{memo}: {:#?}", o.findings);
        // The refund is matched at the after-sale's amount (the 结算单's 货款), not at the
        // wallet's net of the commission given back.
        let t = &o.tallies[&("jd".to_string(), "REFUND_UNPAID".to_string())];
        assert_eq!((t.matched, t.matched_fen), (1, 8800), "{memo}");
        let t = &o.tallies[&("jd".to_string(), "REFUND_AMOUNT_MISMATCH".to_string())];
        assert_eq!((t.matched, t.matched_fen), (1, 8800), "{memo}");
    }
}

#[test]
fn a_jd_clawback_whose_money_never_left_the_wallet_is_unpaid() {
    // The statement claws the refund back, the 资金表 shows no outflow: the refund is unpaid,
    // and the statement's net did not move (SETTLEMENT_MISMATCH); no orphan.
    let mut records = jd_settled_order();
    records.push(jd_return("1800000007", "88.00"));
    records.extend(jd_clawback(JD_REFUND_REF, "-88.00", "5.28"));
    let o = run(records);
    let mut codes = money_codes(&o);
    codes.sort_unstable();
    assert_eq!(
        codes,
        vec!["REFUND_UNPAID", "SETTLEMENT_MISMATCH"],
        "{:#?}",
        o.findings
    );
    let m = found(&o, "REFUND_UNPAID");
    assert_eq!(m[0].refund_no.as_deref(), Some("1800000007"));
    assert_eq!(m[0].order_no.as_deref(), Some(JD_NO));
    let m = found(&o, "SETTLEMENT_MISMATCH");
    assert_eq!((m[0].expected_fen, m[0].actual_fen), (Some(-8272), Some(0)));
}

#[test]
fn a_jd_refund_without_any_clawback_is_unpaid() {
    let mut records = jd_settled_order();
    records.push(jd_return("1800000007", "88.00"));
    let o = run(records);
    assert_eq!(money_codes(&o), vec!["REFUND_UNPAID"], "{:#?}", o.findings);
    assert_eq!(
        found(&o, "REFUND_UNPAID")[0].refund_no.as_deref(),
        Some("1800000007")
    );
}

#[test]
fn a_jd_outflow_that_no_statement_names_is_an_orphan() {
    let mut records = jd_settled_order();
    records.push(jd_return("1800000007", "88.00"));
    records.extend(jd_clawback(JD_REFUND_REF, "-88.00", "5.28"));
    records.push(jd_funds(
        "J2",
        JD_REFUND_REF,
        FlowKind::Refund,
        "售后退款",
        "-82.72",
        "2026-10-15 10:00:41",
    ));
    // A refund out of the wallet under a 商户订单号 that no 结算单 row has.
    records.push(jd_funds(
        "J3",
        "202610160000011332600000009",
        FlowKind::Refund,
        "售后退款",
        "-30.00",
        "2026-10-16 11:00:00",
    ));
    let o = run(records);
    assert_eq!(money_codes(&o), vec!["REFUND_ORPHAN"], "{:#?}", o.findings);
    let m = found(&o, "REFUND_ORPHAN");
    assert_eq!(m[0].txn_no.as_deref(), Some("J3"));
    assert_eq!((m[0].expected_fen, m[0].actual_fen), (Some(0), Some(3000)));
}

#[test]
fn a_jd_clawback_without_after_sale_is_an_orphan() {
    // Money clawed back for a refund that no after-sale stands behind: a refund made outside
    // the after-sales process.
    let mut records = jd_settled_order();
    // The buyer's request was rejected; nothing was refunded through the after-sales.
    let mut rejected = after_sale(
        Platform::Jd,
        JD_NO,
        "1800000007",
        AfterSaleKind::RefundOnly,
        Fen::ZERO,
    );
    rejected.phase = None;
    rejected.status = AfterSaleStatus::Closed;
    rejected.completed_at = None;
    records.push(Record::AfterSale(rejected));
    records.extend(jd_clawback(JD_REFUND_REF, "-88.00", "5.28"));
    records.push(jd_funds(
        "J2",
        JD_REFUND_REF,
        FlowKind::Refund,
        "售后退款",
        "-82.72",
        "2026-10-15 10:00:41",
    ));
    let o = run(records);
    assert_eq!(money_codes(&o), vec!["REFUND_ORPHAN"], "{:#?}", o.findings);
    let m = found(&o, "REFUND_ORPHAN");
    assert_eq!(m[0].order_no.as_deref(), Some(JD_NO));
    assert_eq!(m[0].txn_no.as_deref(), Some("J2"));
    assert_eq!((m[0].expected_fen, m[0].actual_fen), (Some(0), Some(8800)));
    // The statement row and the wallet row are the evidence.
    let kinds: Vec<RecordKind> = m[0].evidence.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, vec![RecordKind::Settlement, RecordKind::FundFlow]);
}

#[test]
fn a_jd_refund_clawed_back_twice_is_a_duplicate() {
    let second = "202610160000011332600000003";
    let mut records = jd_settled_order();
    records.push(jd_return("1800000007", "88.00"));
    records.extend(jd_clawback(JD_REFUND_REF, "-88.00", "5.28"));
    records.push(jd_funds(
        "J2",
        JD_REFUND_REF,
        FlowKind::Refund,
        "售后退款",
        "-82.72",
        "2026-10-15 10:00:41",
    ));
    records.extend(jd_clawback(second, "-88.00", "5.28"));
    records.push(jd_funds(
        "J3",
        second,
        FlowKind::Refund,
        "售后退款",
        "-82.72",
        "2026-10-16 10:00:41",
    ));
    let o = run(records);
    assert_eq!(
        money_codes(&o),
        vec!["REFUND_DUPLICATE"],
        "{:#?}",
        o.findings
    );
    let m = found(&o, "REFUND_DUPLICATE");
    assert_eq!(
        (m[0].expected_fen, m[0].actual_fen),
        (Some(8800), Some(17600))
    );
}

#[test]
fn a_jd_refund_clawed_back_short_is_an_amount_mismatch() {
    let mut records = jd_settled_order();
    records.push(jd_return("1800000007", "88.00"));
    records.extend(jd_clawback(JD_REFUND_REF, "-80.00", "4.80"));
    records.push(jd_funds(
        "J2",
        JD_REFUND_REF,
        FlowKind::Refund,
        "售后退款",
        "-75.20",
        "2026-10-15 10:00:41",
    ));
    let o = run(records);
    assert_eq!(
        money_codes(&o),
        vec!["REFUND_AMOUNT_MISMATCH"],
        "{:#?}",
        o.findings
    );
    let m = found(&o, "REFUND_AMOUNT_MISMATCH");
    assert_eq!(
        (m[0].expected_fen, m[0].actual_fen),
        (Some(8800), Some(8000))
    );
}

#[test]
fn a_jd_refund_before_the_settlement_run_is_settled_net_and_needs_no_outflow() {
    // Received on 10-08 10:00, refunded that evening, settled the next morning net of the
    // refund: the money JD released never held the refunded part.
    let mut o = order(Platform::Jd, JD_NO, yuan("88.00"));
    o.status_text = "完成".into();
    let mut a = after_sale(
        Platform::Jd,
        JD_NO,
        "1800000007",
        AfterSaleKind::ReturnAndRefund,
        yuan("30.00"),
    );
    a.phase = None;
    a.applied_at = Some(at("2026-10-08 12:00:00"));
    a.completed_at = Some(at("2026-10-08 20:00:00"));
    let o = run(vec![
        Record::Order(o),
        Record::AfterSale(a),
        jd_bill(
            "货款",
            FlowKind::Income,
            "58.00",
            JD_SALE_REF,
            "2026-10-09 03:12:00",
        ),
        jd_bill(
            "佣金",
            FlowKind::Commission,
            "-3.48",
            JD_SALE_REF,
            "2026-10-09 03:12:00",
        ),
        jd_funds(
            "J1",
            JD_SALE_REF,
            FlowKind::Income,
            "货款结算",
            "54.52",
            "2026-10-09 03:12:20",
        ),
    ]);
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
}

// ---------------------------------------------------------------------------------------------
// Shops, settings, determinism

#[test]
fn nothing_matches_across_shops() {
    let settings = r#"
[[shops]]
id = "a"
platform = "taobao"
aliases = ["店A"]
fund_accounts = ["acct-a"]

[[shops]]
id = "b"
platform = "taobao"
aliases = ["店B"]
fund_accounts = ["acct-b"]
"#;
    let mut oa = order(TB, TID, yuan("59.00"));
    oa.shop = Some("店A".into());
    let mut ob = order(TB, TID2, yuan("10.00"));
    ob.shop = Some("店B".into());
    let mut inc_a = income("T1", TID, "59.00", "2026-10-08 10:00:01");
    inc_a.account = Some("acct-a".into());
    let mut inc_b = income("T2", TID2, "10.00", "2026-10-08 10:00:01");
    inc_b.account = Some("acct-b".into());
    let mut sa = sale(TID, "R1", "59.00", "2026-10-11 10:00:00");
    sa.shop = Some("店A".into());
    // Shop B's account pays shop A's refund.
    let mut out = refund_out("T3", TID, Some("R1"), "59.00", "2026-10-11 10:00:05");
    out.account = Some("acct-b".into());
    let mut sb = sale(TID2, "R2", "0.00", "2026-10-01 10:00:00");
    sb.shop = Some("店B".into());
    sb.phase = Some(AfterSalePhase::OnSale);
    let o = run_with(
        settings,
        vec![
            Record::Order(oa),
            Record::Order(ob),
            f(inc_a),
            f(inc_b),
            s(sa),
            f(out),
            s(sb),
        ],
    );
    let shops: Vec<(&str, &str)> = o
        .findings
        .iter()
        .map(|f| (f.shop.as_str(), f.code.as_str()))
        .collect();
    assert_eq!(
        shops,
        vec![("a", "REFUND_UNPAID"), ("b", "REFUND_ORPHAN")],
        "{:#?}",
        o.findings
    );
}

/// Taobao's 退款报表 names no shop: with a Tmall and a Taobao shop, each refund goes to the
/// shop of the order it refunds (its order in the order export or in the ERP, else the account
/// that paid the refund out, for last month's orders); a refund nothing ties to a shop stays
/// unassigned rather than guessed.
#[test]
fn a_refund_without_a_shop_belongs_to_the_shop_of_its_order() {
    let settings = r#"
[[shops]]
id = "tmall"
platform = "tmall"
name = "禾木家居天猫旗舰店"
aliases = ["天猫旗舰店"]
fund_accounts = ["acct-tmall"]

[[shops]]
id = "taobao"
platform = "taobao"
name = "禾木家居淘宝店"
aliases = ["淘宝店"]
fund_accounts = ["acct-taobao"]
"#;
    const TID3: &str = "4012345678901230003";
    const TID4: &str = "4012345678901230004";
    let mut last_month = refund_out("T4", TID4, None, "25.00", "2026-10-12 10:00:07");
    last_month.account = Some("acct-taobao".into());
    let mut tmall_order = order(Platform::Tmall, TID, yuan("59.00"));
    tmall_order.shop = Some("禾木家居天猫旗舰店".into());
    let mut taobao_order = order(TB, TID2, yuan("10.00"));
    taobao_order.shop = Some("禾木家居淘宝店".into());
    let mut inc = income("T1", TID, "59.00", "2026-10-08 10:00:01");
    inc.account = Some("acct-tmall".into());
    let mut inc2 = income("T2", TID2, "10.00", "2026-10-08 10:00:01");
    inc2.account = Some("acct-taobao".into());
    // Refunds from the 退款报表: no shop. The Tmall one is paid from the Tmall account; the
    // Taobao one (its order only in the ERP) is not paid at all.
    let mut out = refund_out("T3", TID, Some("R1"), "59.00", "2026-10-11 10:00:05");
    out.account = Some("acct-tmall".into());
    let erp = Record::ErpOrder(erp_order(
        "淘宝店",
        TB,
        TID3,
        ErpOrderStatus::Completed,
        "2026-10-06 10:00:00",
    ));
    let o = run_with(
        settings,
        vec![
            Record::Order(tmall_order),
            Record::Order(taobao_order),
            erp,
            f(inc),
            f(inc2),
            f(out),
            s(sale(TID, "R1", "59.00", "2026-10-11 10:00:00")),
            s(sale(TID3, "R2", "8.00", "2026-10-11 10:00:00")),
            s(sale(
                "4012345678909999999",
                "R3",
                "5.00",
                "2026-10-11 10:00:00",
            )),
            // Last month's order, in no order file: its refund, paid short from the Taobao
            // shop's account, is that shop's.
            s(sale(TID4, "R4", "30.00", "2026-10-12 10:00:00")),
            f(last_month),
        ],
    );
    let shops: Vec<(&str, &str, Option<&str>)> = o
        .findings
        .iter()
        .filter(|f| f.code.starts_with("REFUND"))
        .map(|f| (f.shop.as_str(), f.code.as_str(), f.refund_no.as_deref()))
        .collect();
    assert_eq!(
        shops,
        vec![
            ("taobao", "REFUND_AMOUNT_MISMATCH", Some("R4")),
            ("taobao", "REFUND_UNPAID", Some("R2")),
        ],
        "{:#?}",
        o.findings
    );
    assert_eq!(o.unassigned, 1);
}

/// 千牛's current order export (one row per sub-order) has no shop column either: with a
/// Tmall and a Taobao shop, an order from it belongs to the shop its ERP order names, else to
/// the shop whose Alipay account its money came into; its income is then checked there.
#[test]
fn an_order_from_the_qianniu_export_belongs_to_the_shop_its_erp_order_or_its_money_names() {
    let settings = r#"
[[shops]]
id = "tmall"
platform = "tmall"
name = "禾木家居天猫旗舰店"
fund_accounts = ["acct-tmall"]

[[shops]]
id = "taobao"
platform = "taobao"
name = "禾木家居淘宝店"
aliases = ["淘宝店"]
fund_accounts = ["acct-taobao"]
"#;
    const TID3: &str = "4012345678901230003";
    // Both orders as 千牛 exports them: no shop. The ERP names the first one's shop; the
    // second is only in the Taobao shop's Alipay account. Each was released 1.00 short.
    let mut short = income("T1", TID, "58.00", "2026-10-08 10:00:01");
    short.account = Some("acct-taobao".into());
    let mut short3 = income("T3", TID3, "9.00", "2026-10-08 10:00:01");
    short3.account = Some("acct-taobao".into());
    let erp = Record::ErpOrder(erp_order(
        "淘宝店",
        TB,
        TID,
        ErpOrderStatus::Completed,
        "2026-10-06 10:00:00",
    ));
    let o = run_with(
        settings,
        vec![
            tb_order(TID, "59.00"),
            tb_order(TID3, "10.00"),
            erp,
            f(short),
            f(short3),
        ],
    );
    let found: Vec<(&str, &str, Option<&str>)> = o
        .findings
        .iter()
        .map(|f| (f.shop.as_str(), f.code.as_str(), f.order_no.as_deref()))
        .collect();
    assert_eq!(
        found,
        vec![
            ("taobao", "PAYMENT_AMOUNT_MISMATCH", Some(TID3)),
            ("taobao", "PAYMENT_AMOUNT_MISMATCH", Some(TID)),
        ],
        "{:#?}",
        o.findings
    );
    assert_eq!(o.unassigned, 0);
}

#[test]
fn a_check_switched_off_for_a_shop_stays_quiet_and_says_so() {
    let o = run_with(
        "[checks.PAYMENT_AMOUNT_MISMATCH]\nenabled = false\n",
        vec![
            tb_order(TID, "59.00"),
            f(income("T1", TID, "58.00", "2026-10-08 10:00:01")),
        ],
    );
    assert!(money_codes(&o).is_empty());
    assert!(
        o.not_run
            .iter()
            .any(|n| n.code == "PAYMENT_AMOUNT_MISMATCH" && n.reason == "已在设置中关闭")
    );
    let o = run_with(
        "[checks.PAYMENT_AMOUNT_MISMATCH]\nseverity = \"critical\"\ntolerance_fen = 100\n",
        vec![
            tb_order(TID, "59.00"),
            f(income("T1", TID, "58.00", "2026-10-08 10:00:01")),
        ],
    );
    assert!(money_codes(&o).is_empty());
    let o = run_with(
        "[checks.PAYMENT_AMOUNT_MISMATCH]\nseverity = \"critical\"\n",
        vec![
            tb_order(TID, "59.00"),
            f(income("T1", TID, "58.00", "2026-10-08 10:00:01")),
        ],
    );
    assert_eq!(
        found(&o, "PAYMENT_AMOUNT_MISMATCH")[0].severity,
        FindingSeverity::Critical
    );
}

/// A month with a bit of everything.
fn mixed_month() -> Vec<Record> {
    let mut records = Vec::new();
    for i in 0..40u32 {
        let no = format!("40123456789012{i:05}");
        let paid = 1000 + i64::from(i) * 37;
        records.push(Record::Order(order(TB, &no, Fen::new(paid))));
        let mut inc = income(&format!("T{i}"), &no, "0.01", "2026-10-08 10:00:01");
        inc.amount = Fen::new(if i % 7 == 0 { paid - 100 } else { paid });
        if i % 11 != 0 {
            records.push(Record::FundFlow(inc));
        }
        if i % 3 == 0 {
            let mut a = sale(&no, &format!("R{i}"), "0.01", "2026-10-20 10:00:00");
            a.refunded = Fen::new(paid / 2);
            records.push(Record::AfterSale(a));
            if i % 2 == 0 {
                let mut out =
                    refund_out(&format!("X{i}"), &no, None, "0.01", "2026-10-20 11:00:00");
                out.amount = Fen::new(-(paid / 2) + i64::from(i % 5));
                records.push(Record::FundFlow(out));
            }
        }
    }
    records.push(f(refund_out(
        "X999",
        "4019999999999999999",
        None,
        "5.00",
        "2026-10-21 10:00:00",
    )));
    records
}

fn rendered(o: &Outcome) -> String {
    let mut text = String::new();
    for f in &o.findings {
        text += &serde_json::to_string(f).unwrap();
        text.push('\n');
    }
    for p in &o.pending {
        text += &serde_json::to_string(p).unwrap();
        text.push('\n');
    }
    text += &serde_json::to_string(&Summary::build(o, october())).unwrap();
    text += &serde_json::to_string(&o.carry_out).unwrap();
    text
}

#[test]
fn the_same_input_in_any_order_gives_the_same_output() {
    let records = mixed_month();
    let first = rendered(&run(records.clone()));
    assert!(first.contains("PAYMENT_AMOUNT_MISMATCH") && first.contains("REFUND_ORPHAN"));
    assert_eq!(first, rendered(&run(records.clone())));
    // Shuffle the records, keeping each one's line: the output must not move.
    let data = data_in("2026-10.csv", records);
    let mut shuffled = data.clone();
    shuffled.orders.reverse();
    shuffled.fund_flows.reverse();
    shuffled.after_sales.rotate_left(3);
    let a = reconcile(&data, &Settings::default(), october());
    let b = reconcile(&shuffled, &Settings::default(), october());
    assert_eq!(rendered(&a), rendered(&b));
}

// ---------------------------------------------------------------------------------------------
// Matching invariants

fn claims_strategy() -> impl Strategy<Value = Vec<(u8, u8, i64, i64)>> {
    prop::collection::vec((0u8..6, 0u8..12, 1i64..500, 0i64..20), 0..30)
}

fn payouts_strategy() -> impl Strategy<Value = Vec<(Option<u8>, Option<u8>, i64, i64)>> {
    prop::collection::vec(
        (
            prop::option::of(0u8..6),
            prop::option::of(0u8..14),
            1i64..500,
            0i64..20,
        ),
        0..30,
    )
}

const ORDERS: [&str; 6] = ["O0", "O1", "O2", "O3", "O4", "O5"];
const REFUNDS: [&str; 14] = [
    "R0", "R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R10", "R11", "R12", "R13",
];

proptest! {
    #[test]
    fn refund_matching_consumes_each_record_at_most_once_and_stays_in_its_order(
        c in claims_strategy(),
        p in payouts_strategy(),
        tolerance in 0i64..3,
    ) {
        let claims: Vec<Claim> = c.iter().map(|&(o, r, amount, day)| Claim {
            refund_no: REFUNDS[usize::from(r)],
            order: ORDERS[usize::from(o)],
            amount,
            at: Some(day * 86_400),
        }).collect();
        let payouts: Vec<Payout> = p.iter().map(|&(o, r, amount, day)| Payout {
            refund_no: r.map(|r| REFUNDS[usize::from(r)]),
            order: o.map(|o| ORDERS[usize::from(o)]),
            amount,
            at: day * 86_400,
        }).collect();
        let m = matching::match_refunds(&claims, &payouts, tolerance, 3 * 86_400);
        // One assignment per record: consumed at most once by construction; every group id
        // is valid and every group has both sides.
        prop_assert_eq!(m.claim_group.len(), claims.len());
        prop_assert_eq!(m.payout_group.len(), payouts.len());
        let cg = m.claims();
        let pg = m.payouts();
        let mut claimed_total = 0i64;
        let mut paid_total = 0i64;
        for g in 0..m.groups.len() {
            let g = u32::try_from(g).unwrap();
            let cs = cg.members(g);
            let ps = pg.members(g);
            prop_assert!(!cs.is_empty() && !ps.is_empty());
            claimed_total += cs.iter().map(|&i| claims[usize::try_from(i).unwrap()].amount).sum::<i64>();
            paid_total += ps.iter().map(|&i| payouts[usize::try_from(i).unwrap()].amount).sum::<i64>();
            // Never across orders: a payout joins by the claim's refund number or its order.
            let orders: std::collections::BTreeSet<&str> =
                cs.iter().map(|&i| claims[usize::try_from(i).unwrap()].order).collect();
            for &pi in ps {
                let payout = payouts[usize::try_from(pi).unwrap()];
                let by_refund_no = payout.refund_no.is_some_and(|r| {
                    cs.iter().any(|&i| claims[usize::try_from(i).unwrap()].refund_no == r)
                });
                prop_assert!(by_refund_no || payout.order.is_some_and(|o| orders.contains(o)));
            }
        }
        prop_assert!(claimed_total <= claims.iter().map(|c| c.amount).sum::<i64>());
        prop_assert!(paid_total <= payouts.iter().map(|p| p.amount).sum::<i64>());
        // Deterministic.
        let again = matching::match_refunds(&claims, &payouts, tolerance, 3 * 86_400);
        prop_assert_eq!(&again.claim_group, &m.claim_group);
        prop_assert_eq!(&again.payout_group, &m.payout_group);
        // Claims and payouts that could pair (same order, amounts within tolerance) are never
        // both left over.
        for (ci, claim) in claims.iter().enumerate() {
            if m.claim_group[ci] != NONE { continue; }
            for (pi, payout) in payouts.iter().enumerate() {
                if m.payout_group[pi] != NONE { continue; }
                prop_assert!(!(payout.order == Some(claim.order) && (payout.amount - claim.amount).abs() <= tolerance));
            }
        }
    }

    #[test]
    fn rows_join_at_most_one_order_and_dedup_keeps_one_per_key(
        keys in prop::collection::vec(0u8..20, 0..60),
    ) {
        let names: Vec<String> = (0..20).map(|i| format!("K{i}")).collect();
        let orders: Vec<matching::OrderKey> = names[..10].iter().map(|n| matching::OrderKey { order_no: n, payment_no: None }).collect();
        let index = matching::OrderIndex::build(&orders);
        let refs: Vec<Option<&str>> = keys.iter().map(|&k| Some(names[usize::from(k)].as_str())).collect();
        let assigned = matching::match_rows_to_orders(&index, &refs);
        for (r, &o) in assigned.iter().enumerate() {
            if keys[r] < 10 {
                prop_assert_eq!(o, u32::from(keys[r]));
            } else {
                prop_assert_eq!(o, NONE);
            }
        }
        let first = matching::first_occurrence(keys.len(), |i| names[usize::from(keys[i])].as_str());
        let distinct: std::collections::BTreeSet<u8> = keys.iter().copied().collect();
        let kept = first.iter().enumerate().filter(|(i, f)| usize::try_from(**f).unwrap() == *i).count();
        prop_assert_eq!(kept, distinct.len());
        for (i, &f) in first.iter().enumerate() {
            let f = usize::try_from(f).unwrap();
            prop_assert!(f <= i && keys[f] == keys[i]);
            prop_assert!(keys[..f].iter().all(|k| *k != keys[i]));
        }
    }
}

#[test]
fn income_released_next_month_closes_a_carried_payment() {
    let mut late = order(TB, TID, yuan("59.00"));
    late.finished_at = Some(at("2026-10-25 10:00:00"));
    let oct = reconcile(
        &data_in(
            "2026-10.csv",
            vec![
                Record::Order(late),
                tb_order(TID2, "10.00"),
                f(income("T2", TID2, "10.00", "2026-10-08 10:00:05")),
            ],
        ),
        &Settings::default(),
        october(),
    );
    assert_eq!(oct.pending.len(), 1);
    let november = Period::parse("2026-11").unwrap();
    let other = || {
        let mut o = order(TB, "4012345678900000001", yuan("5.00"));
        o.finished_at = Some(at("2026-11-03 10:00:00"));
        Record::Order(o)
    };
    // The income arrives on 3 November: no orphan, no missing payment, nothing pending.
    let nov = reconcile_carried(
        &data_in(
            "2026-11.csv",
            vec![
                other(),
                f(income(
                    "T7",
                    "4012345678900000001",
                    "5.00",
                    "2026-11-03 10:00:01",
                )),
                f(income("T8", TID, "59.00", "2026-11-03 10:00:02")),
            ],
        ),
        &Settings::default(),
        november,
        &oct.carry_out,
    );
    assert!(nov.findings.is_empty(), "{:#?}", nov.findings);
    assert!(nov.pending.is_empty());
    // It never arrives: after the window the carried order is missing its payment.
    let nov = reconcile_carried(
        &data_in(
            "2026-11.csv",
            vec![
                other(),
                f(income(
                    "T7",
                    "4012345678900000001",
                    "5.00",
                    "2026-11-03 10:00:01",
                )),
            ],
        ),
        &Settings::default(),
        november,
        &oct.carry_out,
    );
    assert_eq!(
        money_codes(&nov),
        vec!["PAYMENT_MISSING"],
        "{:#?}",
        nov.findings
    );
    assert_eq!(nov.findings[0].order_no.as_deref(), Some(TID));
    assert!(nov.pending.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Douyin: each 子订单 settled on its own in the 结算账单, goods money (收入合计) apart from
// the net (结算金额) that reaches the 资金流水.

const DY_NO: &str = "6900000000000000001";

/// An order of two 子订单: 28.90 and 15.00 (订单应付金额), confirmed on 10-08.
fn dy_order() -> Record {
    let mut o = order(Platform::Douyin, DY_NO, yuan("43.90"));
    o.status_text = "已完成".into();
    for (sub, paid) in [
        ("6900000000000000002", "28.90"),
        ("6900000000000000003", "15.00"),
    ] {
        let mut l = order_line("SKU300400008", 1, yuan(paid));
        l.sub_order_no = Some(sub.into());
        o.lines.push(l);
    }
    Record::Order(o)
}

/// A sub-order's 已结算 row (收入合计 `goods`, 结算金额 `net`) and the 资金流水 row that
/// booked the net.
fn dy_settled(sub: &str, goods: &str, net: &str, at: &str) -> Vec<Record> {
    let mut s = settlement(Platform::Douyin, DY_NO, FlowKind::Income, yuan(net), at);
    s.sub_order_no = Some(sub.into());
    s.item = "已结算".into();
    s.account = Some("聚合账户".into());
    s.goods = Some(yuan(goods));
    let mut f = flow(
        FundProvider::Douyin,
        &format!("7{sub}"),
        FlowKind::Income,
        yuan(net),
        at,
    );
    f.order_no = Some(DY_NO.into());
    f.merchant_ref = Some(sub.into());
    f.business_no = Some(sub.into());
    f.kind_text = "货款结算入账".into();
    vec![Record::Settlement(s), Record::FundFlow(f)]
}

#[test]
fn douyin_goods_money_settled_in_full_net_of_fees_is_no_finding() {
    let mut records = vec![dy_order()];
    records.extend(dy_settled(
        "6900000000000000002",
        "28.90",
        "25.37",
        "2026-10-09 05:59:20",
    ));
    records.extend(dy_settled(
        "6900000000000000003",
        "15.00",
        "14.10",
        "2026-10-09 07:00:00",
    ));
    let o = run(records);
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
}

#[test]
fn douyin_settling_a_sub_order_short_of_what_the_buyer_paid_is_a_payment_mismatch() {
    // The statement settles the second 子订单 at 10.00 of goods, not 15.00; the 资金流水 books
    // the same net, so the statement and the fund flow agree and only the release is short.
    let mut records = vec![dy_order()];
    records.extend(dy_settled(
        "6900000000000000002",
        "28.90",
        "25.37",
        "2026-10-09 05:59:20",
    ));
    records.extend(dy_settled(
        "6900000000000000003",
        "10.00",
        "9.10",
        "2026-10-09 07:00:00",
    ));
    let o = run(records);
    assert_eq!(
        money_codes(&o),
        vec!["PAYMENT_AMOUNT_MISMATCH"],
        "{:#?}",
        o.findings
    );
    let m = found(&o, "PAYMENT_AMOUNT_MISMATCH");
    assert_eq!(
        (m[0].expected_fen, m[0].actual_fen),
        (Some(4390), Some(3890))
    );
    assert_eq!(m[0].order_no.as_deref(), Some(DY_NO));
}

#[test]
fn douyin_order_settled_for_one_sub_order_only_is_not_judged_short() {
    // The second 子订单 settles after the cut-off: the goods money is not all released yet.
    let mut records = vec![dy_order()];
    records.extend(dy_settled(
        "6900000000000000002",
        "28.90",
        "25.37",
        "2026-10-31 23:00:00",
    ));
    let o = run(records);
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
}
