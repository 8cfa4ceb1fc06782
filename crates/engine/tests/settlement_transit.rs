//! SETTLEMENT_MISMATCH at the cut-off: a statement row settled just before it whose money the
//! fund flow books just after it is pending (在途), not a difference, and the next month's files
//! settle it; a difference that cannot be money still on its way is reported at once.
//!
//! Rows as the platforms write them (formats.md §6.2 抖店 资金流水, §6.3 结算账单, §4.2 京东钱包
//! 结算单 and 资金表), each kind in its own file as downloaded.

#![allow(clippy::unwrap_used)]

use duizhang_core::*;
use duizhang_engine::{CarryIn, Outcome, PendingItem, Settings, reconcile_carried};
use duizhang_samples::build::*;

fn october() -> Period {
    Period::parse("2026-10").unwrap()
}

fn november() -> Period {
    Period::parse("2026-11").unwrap()
}

/// A dataset of downloaded files, each with its records on lines 3, 4, … (a header, and the
/// 结算账单's legend line, above them).
fn files(downloads: Vec<(&str, Vec<Record>)>) -> Dataset {
    let mut d = Dataset::default();
    for (n, (name, records)) in downloads.into_iter().enumerate() {
        let file = FileId(u32::try_from(n).unwrap());
        d.files.push(SourceFile {
            id: file,
            name: name.into(),
            format: "test".into(),
        });
        for (i, mut r) in records.into_iter().enumerate() {
            let at = SourceRef {
                file,
                line: u32::try_from(i).unwrap() + 3,
            };
            match &mut r {
                Record::Order(x) => x.source = at,
                Record::AfterSale(x) => x.source = at,
                Record::FundFlow(x) => x.source = at,
                Record::Settlement(x) => x.source = at,
                _ => unreachable!("only platform files here"),
            }
            d.push(r);
        }
    }
    d
}

fn run(period: Period, downloads: Vec<(&str, Vec<Record>)>, carry: &CarryIn) -> Outcome {
    reconcile_carried(&files(downloads), &Settings::default(), period, carry)
}

fn mismatches(o: &Outcome) -> Vec<&Finding> {
    o.findings
        .iter()
        .filter(|f| f.code == "SETTLEMENT_MISMATCH")
        .collect()
}

fn pending_mismatches(o: &Outcome) -> Vec<&PendingItem> {
    o.pending
        .iter()
        .filter(|p| p.code == "SETTLEMENT_MISMATCH")
        .collect()
}

// ---------------------------------------------------------------------------------------------
// 抖店: one 子订单, 实付 28.90, settled at 25.37 net of 平台服务费 1.45 and 达人佣金 2.08.

const DY_NO: &str = "6900000000000000001";
const DY_SUB: &str = "6900000000000000001";
const DY_REFUND: &str = "146900000000000001";

fn dy_order() -> Record {
    let mut o = order(Platform::Douyin, DY_NO, yuan("28.90"));
    o.status_text = "已完成".into();
    o.paid_at = Some(at("2026-10-02 00:54:10"));
    let mut l = order_line("SKU300400008", 1, yuan("28.90"));
    l.sub_order_no = Some(DY_SUB.into());
    o.lines.push(l);
    Record::Order(o)
}

/// A 结算账单 row: `已结算` (收入合计 28.90) or `结算后退款-非原路退回` (收入合计 0), as the
/// statement import reads it (no payment reference: rows join their order).
fn dy_statement(kind: &str, amount: &str, settled_at: &str) -> Record {
    let income = kind == "已结算";
    let flow_kind = if income {
        FlowKind::Income
    } else {
        FlowKind::Refund
    };
    let mut s = settlement(
        Platform::Douyin,
        DY_NO,
        flow_kind.as_moved(yuan(amount)),
        yuan(amount),
        settled_at,
    );
    s.sub_order_no = Some(DY_SUB.into());
    s.item = kind.into();
    s.account = Some("聚合账户".into());
    s.goods = Some(yuan(if income { "28.90" } else { "0" }));
    Record::Settlement(s)
}

/// A 资金流水 row: 动账场景 `货款结算入账` (入账) or `退款-结算后退款-退用户` (出账, negative).
fn dy_flow(txn: &str, scene: &str, amount: &str, moved_at: &str) -> Record {
    let kind = if amount.starts_with('-') {
        FlowKind::Refund
    } else {
        FlowKind::Income
    };
    let mut f = flow(FundProvider::Douyin, txn, kind, yuan(amount), moved_at);
    f.account = Some("聚合账户".into());
    f.business_no = Some(DY_SUB.into());
    f.order_no = Some(DY_NO.into());
    f.merchant_ref = Some(DY_SUB.into());
    f.kind_text = scene.into();
    if kind == FlowKind::Refund {
        f.refund_no = Some(DY_REFUND.into());
    }
    Record::FundFlow(f)
}

fn dy_settled(at: &str) -> Record {
    dy_statement("已结算", "25.37", at)
}

fn dy_booked(at: &str) -> Record {
    dy_flow("'7000000000000000001", "货款结算入账", "25.37", at)
}

fn dy_refund_statement(at: &str) -> Record {
    dy_statement("结算后退款-非原路退回", "-8.00", at)
}

fn dy_refund_paid_out(at: &str) -> Record {
    dy_flow(
        "'7000000000000000002",
        "退款-结算后退款-退用户",
        "-8.00",
        at,
    )
}

/// A refund of 8.00 after the settlement (退款成功 at `done`).
fn dy_refund(done: &str) -> Record {
    let mut a = after_sale(
        Platform::Douyin,
        DY_NO,
        DY_REFUND,
        AfterSaleKind::RefundOnly,
        yuan("8.00"),
    );
    a.applied_at = Some(at("2026-10-30 09:00:00"));
    a.completed_at = Some(at(done));
    Record::AfterSale(a)
}

/// A withdrawal (提现) to the bank: the account's other money, none of the order's.
fn withdrawal(provider: FundProvider, txn: &str, at: &str) -> Record {
    let mut f = flow(provider, txn, FlowKind::Withdrawal, yuan("-100.00"), at);
    f.kind_text = "提现".into();
    Record::FundFlow(f)
}

/// October's files: the order, the 结算账单 and the 资金流水 (a withdrawal on the 20th, and
/// the order's rows booked before the cut-off).
fn dy_october(
    sales: Vec<Record>,
    statement: Vec<Record>,
    booked: Vec<Record>,
) -> Vec<(&'static str, Vec<Record>)> {
    let mut orders = vec![dy_order()];
    orders.extend(sales);
    let mut flows = vec![withdrawal(
        FundProvider::Douyin,
        "'7000000000000000008",
        "2026-10-20 10:00:00",
    )];
    flows.extend(booked);
    vec![
        ("抖店订单_202610.csv", orders),
        ("结算账单_202610.csv", statement),
        ("资金流水_202610.csv", flows),
    ]
}

#[test]
fn douyin_settled_five_seconds_before_the_cut_off_and_booked_after_it_is_pending_not_a_mismatch() {
    let oct = run(
        october(),
        dy_october(vec![], vec![dy_settled("2026-10-31 23:59:55")], vec![]),
        &CarryIn::none(),
    );
    assert!(mismatches(&oct).is_empty(), "{:#?}", oct.findings);
    let p = pending_mismatches(&oct);
    assert_eq!(p.len(), 1, "{:#?}", oct.pending);
    assert_eq!(p[0].order_no.as_deref(), Some(DY_NO));
    // A day of transit from the 结算时间.
    assert_eq!(p[0].due, "2026-11-01T23:59:55");
}

#[test]
fn douyin_refund_after_settlement_five_seconds_before_the_cut_off_paid_out_after_it_is_pending() {
    // The sale settled and was booked on the 12th; the 结算后退款 row is in the statement at
    // 23:59:55, its 出账 in the 资金流水 at 00:00:25: the settlement's money is there, the
    // refund's outflow not yet.
    let oct = run(
        october(),
        dy_october(
            vec![dy_refund("2026-10-31 23:59:25")],
            vec![
                dy_settled("2026-10-12 05:59:20"),
                dy_refund_statement("2026-10-31 23:59:55"),
            ],
            vec![dy_booked("2026-10-12 05:59:25")],
        ),
        &CarryIn::none(),
    );
    assert!(oct.findings.is_empty(), "{:#?}", oct.findings);
    let p = pending_mismatches(&oct);
    assert_eq!(p.len(), 1, "{:#?}", oct.pending);
    assert_eq!(p[0].due, "2026-11-01T23:59:55");
}

#[test]
fn douyin_settled_a_day_before_the_cut_off_and_never_booked_is_a_mismatch() {
    let oct = run(
        october(),
        dy_october(vec![], vec![dy_settled("2026-10-30 23:59:55")], vec![]),
        &CarryIn::none(),
    );
    let m = mismatches(&oct);
    assert_eq!(m.len(), 1, "{:#?}", oct.findings);
    assert_eq!((m[0].expected_fen, m[0].actual_fen), (Some(2537), Some(0)));
    assert!(pending_mismatches(&oct).is_empty());
}

#[test]
fn douyin_refund_after_settlement_a_day_before_the_cut_off_never_paid_out_is_a_mismatch() {
    let oct = run(
        october(),
        dy_october(
            vec![dy_refund("2026-10-30 23:59:25")],
            vec![
                dy_settled("2026-10-12 05:59:20"),
                dy_refund_statement("2026-10-30 23:59:55"),
            ],
            vec![dy_booked("2026-10-12 05:59:25")],
        ),
        &CarryIn::none(),
    );
    let m = mismatches(&oct);
    assert_eq!(m.len(), 1, "{:#?}", oct.findings);
    assert_eq!(
        (m[0].expected_fen, m[0].actual_fen, m[0].diff_fen),
        (Some(1737), Some(2537), Some(800))
    );
    assert!(pending_mismatches(&oct).is_empty());
}

#[test]
fn a_settlement_booked_short_long_ago_is_a_mismatch_at_once_even_with_a_refund_in_transit() {
    // The sale's 25.37 was booked as 20.00 on the 12th: whatever the refund settled at 23:59:55
    // still brings, the statement cannot be met any more.
    let oct = run(
        october(),
        dy_october(
            vec![dy_refund("2026-10-31 23:59:25")],
            vec![
                dy_settled("2026-10-12 05:59:20"),
                dy_refund_statement("2026-10-31 23:59:55"),
            ],
            vec![dy_flow(
                "'7000000000000000001",
                "货款结算入账",
                "20.00",
                "2026-10-12 05:59:25",
            )],
        ),
        &CarryIn::none(),
    );
    let m = mismatches(&oct);
    assert_eq!(m.len(), 1, "{:#?}", oct.findings);
    assert_eq!(
        (m[0].expected_fen, m[0].actual_fen),
        (Some(1737), Some(2000))
    );
    assert!(pending_mismatches(&oct).is_empty());
}

#[test]
fn douyin_money_in_transit_at_the_month_end_is_settled_by_novembers_fund_flow() {
    let oct = run(
        october(),
        dy_october(vec![], vec![dy_settled("2026-10-31 23:59:55")], vec![]),
        &CarryIn::none(),
    );
    assert_eq!(pending_mismatches(&oct).len(), 1);
    // November's 资金流水 books it at 00:00:00 on the 1st.
    let nov = run(
        november(),
        vec![(
            "资金流水_202611.csv",
            vec![dy_booked("2026-11-01 00:00:00")],
        )],
        &oct.carry_out,
    );
    assert!(mismatches(&nov).is_empty(), "{:#?}", nov.findings);
    assert!(pending_mismatches(&nov).is_empty(), "{:#?}", nov.pending);
    // November's 资金流水 never books it: the statement's money did not arrive.
    let nov = run(
        november(),
        vec![(
            "资金流水_202611.csv",
            vec![withdrawal(
                FundProvider::Douyin,
                "'7000000000000000009",
                "2026-11-02 10:00:00",
            )],
        )],
        &oct.carry_out,
    );
    let m = mismatches(&nov);
    assert_eq!(m.len(), 1, "{:#?}", nov.findings);
    assert_eq!((m[0].expected_fen, m[0].actual_fen), (Some(2537), Some(0)));
    assert_eq!(m[0].order_no.as_deref(), Some(DY_NO));
}

#[test]
fn douyin_refund_after_settlement_in_transit_is_judged_with_novembers_fund_flow() {
    let oct = run(
        october(),
        dy_october(
            vec![dy_refund("2026-10-31 23:59:25")],
            vec![
                dy_settled("2026-10-12 05:59:20"),
                dy_refund_statement("2026-10-31 23:59:55"),
            ],
            vec![dy_booked("2026-10-12 05:59:25")],
        ),
        &CarryIn::none(),
    );
    assert_eq!(pending_mismatches(&oct).len(), 1, "{:#?}", oct.pending);
    // The 出账 of 8.00 at 00:00:25: the statement is met.
    let nov = run(
        november(),
        vec![(
            "资金流水_202611.csv",
            vec![dy_refund_paid_out("2026-11-01 00:00:25")],
        )],
        &oct.carry_out,
    );
    assert!(nov.findings.is_empty(), "{:#?}", nov.findings);
    assert!(pending_mismatches(&nov).is_empty(), "{:#?}", nov.pending);
    // 9.00 paid out for a refund of 8.00: the account lost 1.00 more than the statement says.
    let nov = run(
        november(),
        vec![(
            "资金流水_202611.csv",
            vec![dy_flow(
                "'7000000000000000002",
                "退款-结算后退款-退用户",
                "-9.00",
                "2026-11-01 00:00:25",
            )],
        )],
        &oct.carry_out,
    );
    let m = mismatches(&nov);
    assert_eq!(m.len(), 1, "{:#?}", nov.findings);
    assert_eq!(
        (m[0].expected_fen, m[0].actual_fen, m[0].diff_fen),
        (Some(1737), Some(1637), Some(-100))
    );
}

// ---------------------------------------------------------------------------------------------
// 京东钱包: a 结算单 of 货款 88.00 and 佣金 −4.40 under one 商户订单号; the 资金表 books the net.

const JD_NO: &str = "300000000000001";
const JD_REF: &str = "202610310000011332600000001";

fn jd_statement(item: &str, kind: FlowKind, amount: &str, settled_at: &str) -> Record {
    let mut s = settlement(Platform::Jd, JD_NO, kind, yuan(amount), settled_at);
    s.item = item.into();
    s.payment_ref = Some(JD_REF.into());
    Record::Settlement(s)
}

fn jd_wallet(txn: &str, amount: &str, at: &str) -> Record {
    let mut r = flow(FundProvider::Jd, txn, FlowKind::Income, yuan(amount), at);
    r.account = Some("111004265001".into());
    r.merchant_ref = Some(JD_REF.into());
    r.kind_text = "货款".into();
    r.memo = Some("货款".into());
    Record::FundFlow(r)
}

fn jd_october(settled_at: &str, booked: Vec<Record>) -> Vec<(&'static str, Vec<Record>)> {
    let mut wallet = vec![withdrawal(FundProvider::Jd, "J0", "2026-10-20 10:00:00")];
    wallet.extend(booked);
    vec![
        (
            "京东订单_202610.csv",
            vec![Record::Order(order(Platform::Jd, JD_NO, yuan("88.00")))],
        ),
        (
            "京东钱包_结算表_202610.xlsx",
            vec![
                jd_statement("货款", FlowKind::Income, "88.00", settled_at),
                jd_statement("佣金", FlowKind::Commission, "-4.40", settled_at),
            ],
        ),
        ("京东钱包_资金表_202610.xlsx", wallet),
    ]
}

#[test]
fn jd_statement_settled_at_the_month_end_is_judged_with_novembers_wallet() {
    let oct = run(
        october(),
        jd_october("2026-10-31 23:59:40", vec![]),
        &CarryIn::none(),
    );
    assert!(mismatches(&oct).is_empty(), "{:#?}", oct.findings);
    assert_eq!(pending_mismatches(&oct).len(), 1);
    let nov = run(
        november(),
        vec![(
            "京东钱包_资金表_202611.xlsx",
            vec![jd_wallet("J1", "83.60", "2026-11-01 12:08:53")],
        )],
        &oct.carry_out,
    );
    assert!(mismatches(&nov).is_empty(), "{:#?}", nov.findings);
    assert!(pending_mismatches(&nov).is_empty());
    let nov = run(
        november(),
        vec![(
            "京东钱包_资金表_202611.xlsx",
            vec![jd_wallet("J1", "80.00", "2026-11-01 12:08:53")],
        )],
        &oct.carry_out,
    );
    let m = mismatches(&nov);
    assert_eq!(m.len(), 1, "{:#?}", nov.findings);
    assert_eq!(
        (m[0].expected_fen, m[0].actual_fen),
        (Some(8360), Some(8000))
    );
}

#[test]
fn a_statement_carried_at_the_month_end_brings_its_order_so_novembers_wallet_row_has_one() {
    // November's order export holds only November's orders; the 资金表 row that books October's
    // statement names only the statement's 商户订单号. The carry brings the statement and the
    // order it settled: the row is neither a mismatch nor a payment for an unknown order.
    let oct = run(
        october(),
        jd_october("2026-10-31 23:59:40", vec![]),
        &CarryIn::none(),
    );
    assert!(oct.findings.is_empty(), "{:#?}", oct.findings);
    let mut november_order = order(Platform::Jd, "300000000000002", yuan("20.00"));
    november_order.paid_at = Some(at("2026-11-03 10:00:00"));
    november_order.status = OrderStatus::Paid;
    let nov = run(
        november(),
        vec![
            ("京东订单_202611.csv", vec![Record::Order(november_order)]),
            (
                "京东钱包_资金表_202611.xlsx",
                vec![jd_wallet("J1", "83.60", "2026-11-01 00:00:10")],
            ),
        ],
        &oct.carry_out,
    );
    assert!(nov.findings.is_empty(), "{:#?}", nov.findings);
}

#[test]
fn jd_statement_booked_in_another_amount_before_the_cut_off_is_a_mismatch_at_once() {
    // Settled 20 s before the cut-off and booked 10 s later, short: no part of the statement
    // makes 80.00, so nothing of it can still be on its way.
    let short = run(
        october(),
        jd_october(
            "2026-10-31 23:59:40",
            vec![jd_wallet("J1", "80.00", "2026-10-31 23:59:50")],
        ),
        &CarryIn::none(),
    );
    let m = mismatches(&short);
    assert_eq!(m.len(), 1, "{:#?}", short.findings);
    assert_eq!(
        (m[0].expected_fen, m[0].actual_fen),
        (Some(8360), Some(8000))
    );
    assert!(pending_mismatches(&short).is_empty());
    let met = run(
        october(),
        jd_october(
            "2026-10-31 23:59:40",
            vec![jd_wallet("J1", "83.60", "2026-10-31 23:59:50")],
        ),
        &CarryIn::none(),
    );
    assert!(mismatches(&met).is_empty(), "{:#?}", met.findings);
    assert!(pending_mismatches(&met).is_empty());
}
