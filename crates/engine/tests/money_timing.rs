//! Money timing (CHECKS.md, "Money timing"): when the buyer's money reaches the seller decides
//! whether a refund owes an outflow and what the release of an order should be. Written from
//! the platforms' rules: Taobao/Tmall hold the money in Alipay escrow until 确认收货, Pinduoduo,
//! Douyin and JD until they settle, WeChat Pay direct pays the merchant at once.

#![allow(clippy::unwrap_used)]

use duizhang_core::*;
use duizhang_engine::{Outcome, Settings, reconcile};
use duizhang_samples::build::*;
use proptest::prelude::*;

const TM_NO: &str = "4012345678901234567";
/// Another order with money, so the shop has a fund flow.
const OTHER_NO: &str = "4012345678901234999";

fn run(records: Vec<Record>) -> Outcome {
    run_with("", records)
}

fn run_with(settings: &str, records: Vec<Record>) -> Outcome {
    let mut d = Dataset {
        files: vec![SourceFile {
            id: FileId(0),
            name: "2026-10.csv".into(),
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
    let settings = Settings::from_toml(settings).unwrap();
    reconcile(&d, &settings, Period::parse("2026-10").unwrap())
}

/// The money findings, by code.
fn money_codes(o: &Outcome) -> Vec<&str> {
    o.findings
        .iter()
        .map(|f| f.code.as_str())
        .filter(|c| duizhang_engine::checks::money::CODES.contains(c))
        .collect()
}

fn pending_codes(o: &Outcome) -> Vec<&str> {
    o.pending.iter().map(|p| p.code.as_str()).collect()
}

/// An order paid 10-03, shipped 10-03, confirmed (确认收货) 10-08 10:00 unless changed.
fn paid_order(platform: Platform, no: &str, paid: &str) -> Order {
    order(platform, no, yuan(paid))
}

/// A completed refund of `amount`, finished at `done`, with no 售中/售后 given (the times
/// decide).
fn refund(platform: Platform, no: &str, refund_no: &str, amount: &str, done: &str) -> AfterSale {
    let mut a = after_sale(
        platform,
        no,
        refund_no,
        AfterSaleKind::RefundOnly,
        yuan(amount),
    );
    a.phase = None;
    a.applied_at = Some(at(done).plus_days(-1));
    a.completed_at = Some(at(done));
    a
}

fn provider(platform: Platform) -> FundProvider {
    match platform {
        Platform::Taobao | Platform::Tmall => FundProvider::Alipay,
        Platform::Pdd => FundProvider::Pdd,
        Platform::Douyin => FundProvider::Douyin,
        Platform::Jd => FundProvider::Jd,
        Platform::Wechat | Platform::Other => FundProvider::Wechat,
    }
}

/// A fund-flow row naming its order (Alipay 交易付款 / 交易退款, PDD 货款明细 交易收入 /
/// 交易退款, Douyin 资金流水 货款结算入账 / 结算后退款).
fn row(
    platform: Platform,
    txn: &str,
    no: &str,
    kind: FlowKind,
    amount: &str,
    when: &str,
) -> Record {
    let mut r = flow(provider(platform), txn, kind, yuan(amount), when);
    r.order_no = Some(no.into());
    r.business_no = Some(format!("B{txn}").into());
    Record::FundFlow(r)
}

fn income(platform: Platform, txn: &str, no: &str, amount: &str, when: &str) -> Record {
    row(platform, txn, no, FlowKind::Income, amount, when)
}

fn outflow(platform: Platform, txn: &str, no: &str, amount: &str, when: &str) -> Record {
    row(
        platform,
        txn,
        no,
        FlowKind::Refund,
        &format!("-{amount}"),
        when,
    )
}

/// Another order of the shop, released in full: the shop has a fund flow.
fn another(platform: Platform) -> Vec<Record> {
    vec![
        Record::Order(paid_order(platform, OTHER_NO, "10.00")),
        income(platform, "X1", OTHER_NO, "10.00", "2026-10-08 10:00:05"),
    ]
}

// ---------------------------------------------------------------------------------------------
// Taobao / Tmall: Alipay escrow until 确认收货

/// Tmall: the buyer paid 59.00 and got all of it back before 确认收货 → 交易关闭.
fn tmall_closed_after_full_refund() -> Vec<Record> {
    let mut o = paid_order(Platform::Tmall, TM_NO, "59.00");
    o.status = OrderStatus::Refunded;
    o.status_text = "交易关闭".into();
    o.finished_at = None;
    let mut records = vec![
        Record::Order(o),
        Record::AfterSale(refund(
            Platform::Tmall,
            TM_NO,
            "R1",
            "59.00",
            "2026-10-05 12:00:00",
        )),
    ];
    records.extend(another(Platform::Tmall));
    records
}

#[test]
fn a_tmall_order_refunded_in_full_before_confirmation_has_no_rows_and_no_finding() {
    let o = run(tmall_closed_after_full_refund());
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
    assert!(pending_codes(&o).is_empty(), "{:#?}", o.pending);
}

#[test]
fn a_tmall_refund_of_an_order_no_file_holds_follows_its_on_sale_or_after_sale() {
    // Last month's order: only the refund report (售中或售后) tells where the money was.
    let lone = |phase| {
        let mut a = refund(Platform::Tmall, TM_NO, "R1", "59.00", "2026-10-05 12:00:00");
        a.phase = Some(phase);
        let mut records = vec![Record::AfterSale(a)];
        records.extend(another(Platform::Tmall));
        run(records)
    };
    let o = lone(AfterSalePhase::OnSale);
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
    let o = lone(AfterSalePhase::AfterSale);
    assert_eq!(money_codes(&o), vec!["REFUND_UNPAID"], "{:#?}", o.findings);
}

#[test]
fn a_refund_of_an_order_no_file_holds_follows_the_order_of_events_in_the_fund_flow() {
    // No order file holds the order, no 售中/售后 is given: its 交易付款 row tells when the
    // escrow was released.
    let with_refund_at = |done: &str| {
        let mut records = vec![
            Record::AfterSale(refund(Platform::Tmall, TM_NO, "R1", "20.00", done)),
            income(Platform::Tmall, "T1", TM_NO, "39.00", "2026-10-08 10:00:05"),
        ];
        records.extend(another(Platform::Tmall));
        run(records)
    };
    let unpaid = |o: &Outcome| money_codes(o).contains(&"REFUND_UNPAID");
    let o = with_refund_at("2026-10-06 12:00:00");
    assert!(!unpaid(&o), "{:#?}", o.findings);
    let o = with_refund_at("2026-10-12 12:00:00");
    assert!(unpaid(&o), "{:#?}", o.findings);
}

#[test]
fn the_stated_confirmation_outweighs_an_after_sale_mark() {
    // Refunded on 10-06, confirmed on 10-08 and released net: whatever 售后 was meant to
    // say, the refund came out of escrow.
    let mut records = tmall_partial_refund_before_confirmation("39.00");
    if let Record::AfterSale(a) = &mut records[1] {
        a.phase = Some(AfterSalePhase::AfterSale);
    }
    let o = run(records);
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
}

#[test]
fn a_tmall_trade_finished_at_an_unstated_time_was_released_before_a_refund_marked_after_sale() {
    // 交易成功 without 确认收货时间, its income in an earlier month: 售后 tells the refund
    // left the seller's Alipay.
    let mut o = paid_order(Platform::Tmall, TM_NO, "59.00");
    o.finished_at = None;
    let mut a = refund(Platform::Tmall, TM_NO, "R1", "20.00", "2026-10-12 12:00:00");
    a.phase = Some(AfterSalePhase::AfterSale);
    let mut records = vec![Record::Order(o), Record::AfterSale(a)];
    records.extend(another(Platform::Tmall));
    let o = run(records);
    assert!(
        money_codes(&o).contains(&"REFUND_UNPAID"),
        "{:#?}",
        o.findings
    );
}

/// Tmall: 59.00 paid, 20.00 refunded on 10-06 before 确认收货 on 10-08; escrow released 39.00.
fn tmall_partial_refund_before_confirmation(released: &str) -> Vec<Record> {
    let mut records = vec![
        Record::Order(paid_order(Platform::Tmall, TM_NO, "59.00")),
        Record::AfterSale(refund(
            Platform::Tmall,
            TM_NO,
            "R1",
            "20.00",
            "2026-10-06 12:00:00",
        )),
        income(
            Platform::Tmall,
            "T1",
            TM_NO,
            released,
            "2026-10-08 10:00:05",
        ),
    ];
    records.extend(another(Platform::Tmall));
    records
}

#[test]
fn a_tmall_partial_refund_before_confirmation_leaves_one_net_income_row_and_no_finding() {
    let o = run(tmall_partial_refund_before_confirmation("39.00"));
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
}

#[test]
fn a_tmall_release_not_net_of_the_escrow_refund_is_a_payment_mismatch() {
    let o = run(tmall_partial_refund_before_confirmation("59.00"));
    assert_eq!(money_codes(&o), vec!["PAYMENT_AMOUNT_MISMATCH"]);
    let f = &o.findings[0];
    assert_eq!(
        (f.expected_fen, f.actual_fen, f.diff_fen),
        (Some(3900), Some(5900), Some(2000))
    );
}

#[test]
fn a_tmall_refund_after_the_stated_confirmation_owes_an_outflow_even_before_the_income_row() {
    // The order export states 确认收货 at 10-08 10:00; Alipay's income row is booked at
    // 10-08 10:30 and the refund completed in between: it was still after confirmation, so
    // the seller owes the outflow.
    let mut records = tmall_partial_refund_before_confirmation("59.00");
    if let Record::AfterSale(a) = &mut records[1] {
        a.completed_at = Some(at("2026-10-08 10:10:00"));
    }
    if let Record::FundFlow(r) = &mut records[2] {
        r.occurred_at = at("2026-10-08 10:30:00");
    }
    let o = run(records);
    assert_eq!(money_codes(&o), vec!["REFUND_UNPAID"], "{:#?}", o.findings);
}

#[test]
fn a_tmall_order_refunded_before_a_confirmation_next_month_owes_nothing_yet() {
    // Shipped, not yet confirmed at the month's end: the refund came out of escrow.
    let mut o = paid_order(Platform::Tmall, TM_NO, "59.00");
    o.status = OrderStatus::Shipped;
    o.finished_at = None;
    let mut records = vec![
        Record::Order(o),
        Record::AfterSale(refund(
            Platform::Tmall,
            TM_NO,
            "R1",
            "20.00",
            "2026-10-20 12:00:00",
        )),
    ];
    records.extend(another(Platform::Tmall));
    let o = run(records);
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
    assert!(pending_codes(&o).is_empty(), "{:#?}", o.pending);
}

/// Tmall: confirmed 10-08 and released 59.00; 20.00 refunded on 10-12, after the release.
fn tmall_refund_after_release(with_outflow: bool) -> Vec<Record> {
    let mut records = vec![
        Record::Order(paid_order(Platform::Tmall, TM_NO, "59.00")),
        Record::AfterSale(refund(
            Platform::Tmall,
            TM_NO,
            "R1",
            "20.00",
            "2026-10-12 12:00:00",
        )),
        income(Platform::Tmall, "T1", TM_NO, "59.00", "2026-10-08 10:00:05"),
    ];
    if with_outflow {
        records.push(outflow(
            Platform::Tmall,
            "T2",
            TM_NO,
            "20.00",
            "2026-10-12 12:00:03",
        ));
    }
    records
}

#[test]
fn a_tmall_refund_after_release_is_a_refund_outflow() {
    let o = run(tmall_refund_after_release(true));
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
}

#[test]
fn a_tmall_refund_after_release_without_its_outflow_is_unpaid_after_the_window() {
    let o = run(tmall_refund_after_release(false));
    assert_eq!(money_codes(&o), vec!["REFUND_UNPAID"], "{:#?}", o.findings);
    assert_eq!(o.findings[0].expected_fen, Some(2000));
}

#[test]
fn a_tmall_refund_after_release_on_the_last_day_is_pending() {
    let mut records = tmall_refund_after_release(false);
    if let Record::AfterSale(a) = &mut records[1] {
        a.completed_at = Some(at("2026-10-30 12:00:00"));
    }
    let o = run(records);
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
    assert_eq!(pending_codes(&o), vec!["REFUND_UNPAID"]);
}

// ---------------------------------------------------------------------------------------------
// Pinduoduo, Douyin, JD: held until settlement

const SETTLED_PLATFORMS: [Platform; 3] = [Platform::Pdd, Platform::Douyin, Platform::Jd];

/// Confirmed 10-08, refunded 30.00 on 10-10 (after confirmation, before settlement), settled
/// net on 10-15.
fn refund_before_settlement(platform: Platform, settled: &str) -> Vec<Record> {
    vec![
        Record::Order(paid_order(platform, TM_NO, "88.00")),
        Record::AfterSale(refund(
            platform,
            TM_NO,
            "R1",
            "30.00",
            "2026-10-10 12:00:00",
        )),
        income(platform, "S1", TM_NO, settled, "2026-10-15 03:00:00"),
    ]
}

#[test]
fn a_refund_before_settlement_is_netted_in_it_on_settling_platforms() {
    for p in SETTLED_PLATFORMS {
        let o = run(refund_before_settlement(p, "58.00"));
        assert!(money_codes(&o).is_empty(), "{p:?}: {:#?}", o.findings);
    }
}

#[test]
fn a_settlement_not_net_of_an_earlier_refund_is_a_payment_mismatch() {
    for p in SETTLED_PLATFORMS {
        let o = run(refund_before_settlement(p, "88.00"));
        assert_eq!(
            money_codes(&o),
            vec!["PAYMENT_AMOUNT_MISMATCH"],
            "{p:?}: {:#?}",
            o.findings
        );
    }
}

#[test]
fn a_refund_marked_after_sale_is_still_netted_before_settlement_outside_taobao() {
    // 售后 elsewhere means after shipment: it says nothing of the settlement.
    for p in SETTLED_PLATFORMS {
        let mut records = refund_before_settlement(p, "58.00");
        if let Record::AfterSale(a) = &mut records[1] {
            a.phase = Some(AfterSalePhase::AfterSale);
        }
        let o = run(records);
        assert!(money_codes(&o).is_empty(), "{p:?}: {:#?}", o.findings);
    }
}

#[test]
fn an_order_refunded_in_full_before_settlement_expects_no_income() {
    // The order file still says 完成 (confirmed 10-08); the full refund on 10-10 came before
    // any settlement: nothing is due, no outflow is owed.
    for p in SETTLED_PLATFORMS {
        let mut records = vec![
            Record::Order(paid_order(p, TM_NO, "88.00")),
            Record::AfterSale(refund(p, TM_NO, "R1", "88.00", "2026-10-10 12:00:00")),
        ];
        records.extend(another(p));
        let o = run(records);
        assert!(money_codes(&o).is_empty(), "{p:?}: {:#?}", o.findings);
        assert!(pending_codes(&o).is_empty(), "{p:?}: {:#?}", o.pending);
    }
}

#[test]
fn a_partly_refunded_order_never_settled_is_missing_what_is_left() {
    for p in SETTLED_PLATFORMS {
        let mut records = vec![
            Record::Order(paid_order(p, TM_NO, "88.00")),
            Record::AfterSale(refund(p, TM_NO, "R1", "30.00", "2026-10-10 12:00:00")),
        ];
        records.extend(another(p));
        let o = run(records);
        assert_eq!(
            money_codes(&o),
            vec!["PAYMENT_MISSING"],
            "{p:?}: {:#?}",
            o.findings
        );
        assert_eq!(o.findings[0].expected_fen, Some(5800));
    }
}

/// Settled 88.00 on 10-09; 30.00 refunded on 10-12, after the settlement.
fn refund_after_settlement(platform: Platform, with_outflow: bool) -> Vec<Record> {
    let mut records = vec![
        Record::Order(paid_order(platform, TM_NO, "88.00")),
        Record::AfterSale(refund(
            platform,
            TM_NO,
            "R1",
            "30.00",
            "2026-10-12 12:00:00",
        )),
        income(platform, "S1", TM_NO, "88.00", "2026-10-09 03:00:00"),
    ];
    if with_outflow {
        records.push(outflow(
            platform,
            "S2",
            TM_NO,
            "30.00",
            "2026-10-12 12:00:10",
        ));
    }
    records
}

#[test]
fn a_refund_after_settlement_needs_its_outflow() {
    for p in [Platform::Pdd, Platform::Douyin] {
        let o = run(refund_after_settlement(p, true));
        assert!(money_codes(&o).is_empty(), "{p:?}: {:#?}", o.findings);
        let o = run(refund_after_settlement(p, false));
        assert_eq!(
            money_codes(&o),
            vec!["REFUND_UNPAID"],
            "{p:?}: {:#?}",
            o.findings
        );
    }
}

#[test]
fn a_refund_of_an_order_confirmed_last_month_is_taken_as_after_its_settlement() {
    // Confirmed in September: its settlement is in September's fund flow, not here.
    let mut o = paid_order(Platform::Pdd, TM_NO, "88.00");
    o.paid_at = Some(at("2026-09-20 10:00:00"));
    o.shipped_at = Some(at("2026-09-20 18:00:00"));
    o.finished_at = Some(at("2026-09-25 10:00:00"));
    let mut records = vec![
        Record::Order(o),
        Record::AfterSale(refund(
            Platform::Pdd,
            TM_NO,
            "R1",
            "30.00",
            "2026-10-12 12:00:00",
        )),
    ];
    records.extend(another(Platform::Pdd));
    let o = run(records);
    assert!(
        money_codes(&o).contains(&"REFUND_UNPAID"),
        "{:#?}",
        o.findings
    );
}

#[test]
fn a_statements_settlement_time_is_the_release_even_when_the_money_moves_later() {
    // 结算账单 settles the order on 10-09; the fund flow moves it on 10-15; the refund of
    // 10-12 came after the settlement, so the seller owes its deduction.
    let mut records = vec![
        Record::Order(paid_order(Platform::Douyin, TM_NO, "88.00")),
        Record::Settlement(settlement(
            Platform::Douyin,
            TM_NO,
            FlowKind::Income,
            yuan("88.00"),
            "2026-10-09 05:59:20",
        )),
        income(
            Platform::Douyin,
            "S1",
            TM_NO,
            "88.00",
            "2026-10-15 03:00:00",
        ),
        Record::AfterSale(refund(
            Platform::Douyin,
            TM_NO,
            "R1",
            "30.00",
            "2026-10-12 12:00:00",
        )),
    ];
    let o = run(records.clone());
    assert_eq!(money_codes(&o), vec!["REFUND_UNPAID"], "{:#?}", o.findings);
    // With the deduction (结算后退款 on the statement and in the fund flow) nothing is left.
    records.push(Record::Settlement(settlement(
        Platform::Douyin,
        TM_NO,
        FlowKind::Refund,
        -yuan("30.00"),
        "2026-10-12 12:00:10",
    )));
    records.push(outflow(
        Platform::Douyin,
        "S2",
        TM_NO,
        "30.00",
        "2026-10-12 12:00:10",
    ));
    let o = run(records);
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
}

// ---------------------------------------------------------------------------------------------
// WeChat Pay direct: the merchant has the money from the payment on

const MINI: &str = "[[shops]]\nid = \"mini\"\nplatform = \"wechat\"\n";

fn wechat(order_status: OrderStatus, with_payment: bool, with_refund: bool) -> Vec<Record> {
    let mut o = paid_order(Platform::Wechat, "WX1", "59.00");
    o.status = order_status;
    o.payment_no = Some("ORD1".into());
    if order_status != OrderStatus::Finished {
        o.finished_at = None;
    }
    let mut a = refund(
        Platform::Wechat,
        "WX1",
        "RF1",
        "59.00",
        "2026-10-03 18:40:00",
    );
    // Before shipment: on a platform that holds the money this would be paid from it.
    a.phase = Some(AfterSalePhase::OnSale);
    let mut records = vec![Record::Order(o), Record::AfterSale(a)];
    if with_payment {
        records.push(Record::Payment(payment(
            FundProvider::Wechat,
            "4200001",
            "ORD1",
            PaymentKind::Payment,
            yuan("59.00"),
            "2026-10-03 10:00:12",
        )));
    }
    if with_refund {
        let mut r = payment(
            FundProvider::Wechat,
            "4200002",
            "ORD1",
            PaymentKind::Refund,
            yuan("59.00"),
            "2026-10-03 18:40:11",
        );
        r.out_refund_no = Some("RF1".into());
        records.push(Record::Payment(r));
    }
    records
}

#[test]
fn a_wechat_direct_refund_always_owes_its_outflow() {
    let o = run_with(MINI, wechat(OrderStatus::Refunded, true, true));
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
    let o = run_with(MINI, wechat(OrderStatus::Refunded, true, false));
    assert_eq!(money_codes(&o), vec!["REFUND_UNPAID"], "{:#?}", o.findings);
}

#[test]
fn a_wechat_direct_order_refunded_in_full_still_had_its_payment() {
    // The money reached the merchant at payment: a closed, refunded order still needs it.
    let o = run_with(MINI, wechat(OrderStatus::Refunded, false, true));
    assert_eq!(
        money_codes(&o),
        vec!["PAYMENT_MISSING"],
        "{:#?}",
        o.findings
    );
    assert_eq!(o.findings[0].expected_fen, Some(5900));
}

// ---------------------------------------------------------------------------------------------
// Property: a lifecycle by the platform's rules gives no money finding

/// One order's life: paid 10-03, confirmed `confirm` days later; refunds at given days, each
/// of a given amount; released at payment (WeChat Pay direct), at confirmation (Taobao) or
/// `lag` days after it (settling platforms), net of the refunds before; every refund after
/// the release leaves the fund account.
fn lifecycle(
    platform: Platform,
    paid: i64,
    confirm: i64,
    lag: i64,
    refunds: &[(i64, i64)],
) -> Vec<Record> {
    let paid_at = at("2026-10-03 10:00:00");
    let confirmed = paid_at.plus_days(confirm);
    // WeChat Pay direct pays the merchant at once; Alipay escrow releases at 确认收货; the
    // others settle `lag` days after it.
    let release = match platform {
        Platform::Wechat => at("2026-10-03 10:00:05"),
        Platform::Taobao | Platform::Tmall => confirmed,
        _ => confirmed.plus_days(lag),
    };
    let mut o = order(platform, TM_NO, Fen::new(paid));
    o.finished_at = Some(confirmed);
    let mut left = paid;
    let mut records = Vec::new();
    let mut before = 0;
    for (i, &(day, amount)) in refunds.iter().enumerate() {
        let amount = amount.min(left);
        if amount <= 0 {
            continue;
        }
        left -= amount;
        let done = at(&format!("2026-10-{:02} 12:00:00", 3 + day));
        let mut a = after_sale(
            platform,
            TM_NO,
            &format!("R{i}"),
            AfterSaleKind::RefundOnly,
            Fen::new(amount),
        );
        a.phase = None;
        a.completed_at = Some(done);
        a.applied_at = Some(done.plus_days(-1));
        records.push(Record::AfterSale(a));
        if done < release {
            before += amount;
        } else {
            let mut r = flow(
                provider(platform),
                &format!("RF{i}"),
                FlowKind::Refund,
                Fen::new(-amount),
                "2026-10-01 00:00:00",
            );
            r.occurred_at = at(&format!("2026-10-{:02} 12:00:05", 3 + day));
            r.order_no = Some(TM_NO.into());
            r.refund_no = Some(format!("R{i}").into());
            records.push(Record::FundFlow(r));
        }
    }
    if before == paid {
        // Refunded in full before the release: the trade closed, nothing was released.
        o.status = OrderStatus::Refunded;
        o.finished_at = None;
    } else {
        let mut r = flow(
            provider(platform),
            "IN1",
            FlowKind::Income,
            Fen::new(paid - before),
            "2026-10-01 00:00:00",
        );
        r.occurred_at = release;
        r.order_no = Some(TM_NO.into());
        records.push(Record::FundFlow(r));
    }
    records.insert(0, Record::Order(o));
    records.extend(another(platform));
    records
}

/// One problem planted in a lifecycle, and the code it must give.
#[derive(Clone, Copy, Debug)]
enum Plant {
    /// A refund after the release whose outflow is missing.
    RefundOutflowMissing,
    /// The release one yuan short.
    ReleaseShort,
    /// The release missing altogether.
    ReleaseMissing,
}

/// Plants `plant` in a lifecycle's records; `None` where the lifecycle has no place for it
/// (no refund after the release, nothing released).
fn planted(mut records: Vec<Record>, plant: Plant) -> Option<(Vec<Record>, &'static str)> {
    let is_income = |r: &Record| matches!(r, Record::FundFlow(f) if f.txn_no.as_str() == "IN1");
    let is_outflow = |r: &Record| matches!(r, Record::FundFlow(f) if f.kind == FlowKind::Refund);
    match plant {
        Plant::RefundOutflowMissing => {
            let at = records.iter().position(is_outflow)?;
            records.remove(at);
            Some((records, "REFUND_UNPAID"))
        }
        Plant::ReleaseShort => {
            let Some(Record::FundFlow(income)) = records.iter_mut().find(|r| is_income(r)) else {
                return None;
            };
            // Something must still arrive: a release of 0.00 is no release.
            if income.amount.get() <= 200 {
                return None;
            }
            income.amount -= Fen::new(100);
            Some((records, "PAYMENT_AMOUNT_MISMATCH"))
        }
        Plant::ReleaseMissing => {
            // Refunds after a release need the release to tell them apart: only without them.
            if records.iter().any(is_outflow) {
                return None;
            }
            let at = records.iter().position(is_income)?;
            records.remove(at);
            Some((records, "PAYMENT_MISSING"))
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]
    #[test]
    fn a_lifecycle_by_the_platforms_rules_gives_no_money_finding_and_one_problem_its_code(
        platform in prop::sample::select(vec![
            Platform::Taobao, Platform::Tmall, Platform::Pdd, Platform::Douyin, Platform::Jd,
            Platform::Wechat,
        ]),
        paid in 100i64..50_000,
        confirm in 1i64..10,
        lag in 0i64..5,
        refunds in prop::collection::vec((0i64..20, 1i64..30_000), 0..4),
    ) {
        let records = lifecycle(platform, paid, confirm, lag, &refunds);
        let o = run(records.clone());
        prop_assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
        for plant in [Plant::RefundOutflowMissing, Plant::ReleaseShort, Plant::ReleaseMissing] {
            if let Some((records, code)) = planted(records.clone(), plant) {
                let o = run(records);
                prop_assert_eq!(money_codes(&o), vec![code], "{:?}: {:#?}", plant, o.findings);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Money released before the period: its row is in an earlier month's fund flow

#[test]
fn an_order_released_last_month_is_not_missing_its_payment_in_this_months_fund_flow() {
    // Paid 09-20, confirmed 09-27 (Tmall: one 交易付款 row on 09-27, in September's 账务明细);
    // a return refunded on 10-05 brings it into October's files, with its 交易退款 row.
    for p in [Platform::Tmall, Platform::Pdd] {
        let mut o = paid_order(p, TM_NO, "88.00");
        o.paid_at = Some(at("2026-09-20 10:00:00"));
        o.shipped_at = Some(at("2026-09-21 10:00:00"));
        o.finished_at = Some(at("2026-09-27 10:00:00"));
        let mut records = vec![
            Record::Order(o),
            Record::AfterSale(refund(p, TM_NO, "R1", "88.00", "2026-10-05 12:00:00")),
            outflow(p, "X2", TM_NO, "88.00", "2026-10-05 12:01:00"),
        ];
        records.extend(another(p));
        let o = run(records);
        assert!(money_codes(&o).is_empty(), "{p:?}: {:#?}", o.findings);
    }
}

#[test]
fn a_wechat_order_paid_last_month_and_refunded_now_is_not_missing_its_payment() {
    // WeChat Pay direct: the 09-25 payment is in September's 交易账单; October's has the refund.
    let mut records = wechat(OrderStatus::Refunded, false, true);
    if let Record::Order(o) = &mut records[0] {
        o.created_at = Some(at("2026-09-25 09:58:00"));
        o.paid_at = Some(at("2026-09-25 10:00:00"));
    }
    let o = run_with(MINI, records);
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
}

#[test]
fn a_fund_flow_reaching_back_before_the_period_still_owes_the_earlier_payment() {
    // The seller gave September's fund flow too: the 09-27 release should be in it.
    let mut o = paid_order(Platform::Tmall, TM_NO, "88.00");
    o.paid_at = Some(at("2026-09-20 10:00:00"));
    o.finished_at = Some(at("2026-09-27 10:00:00"));
    let mut records = vec![Record::Order(o)];
    records.extend(another(Platform::Tmall));
    records.push(income(
        Platform::Tmall,
        "X0",
        "4099999999999999999",
        "5.00",
        "2026-09-01 08:00:00",
    ));
    let o = run(records);
    assert!(
        money_codes(&o).contains(&"PAYMENT_MISSING"),
        "{:#?}",
        o.findings
    );
}

/// A WeChat mini-program order of 59.00 refunded in full on 10-03, as 资金账单 shows it:
/// the income row, and the refund's outflow net of the 0.35 fee WeChat gives back, with the
/// refund its 备注 states as the importer read it (`None`: the 备注 states none that adds up).
fn wechat_fund_bill(memo: &str, stated: Option<&str>, outflow: &str) -> Vec<Record> {
    let mut records = wechat(OrderStatus::Refunded, false, false);
    let mut pay = flow(
        FundProvider::Wechat,
        "1900000109202610030000000001",
        FlowKind::Income,
        yuan("59.00"),
        "2026-10-03 10:00:13",
    );
    pay.business_no = Some("4200001".into());
    pay.merchant_ref = Some("ORD1".into());
    records.push(Record::FundFlow(pay));
    let mut back = flow(
        FundProvider::Wechat,
        "1900000109202610030000000003",
        FlowKind::Refund,
        yuan(outflow),
        "2026-10-03 18:40:12",
    );
    back.business_no = Some("50300001".into());
    back.merchant_ref = Some("RF1".into());
    back.refund_no = Some("RF1".into());
    back.memo = Some(memo.into());
    back.refund_total = stated.map(yuan);
    records.push(Record::FundFlow(back));
    records
}

#[test]
fn a_wechat_fund_bill_refund_net_of_the_returned_fee_pays_the_whole_refund() {
    let o = run_with(
        MINI,
        wechat_fund_bill("退款总金额59.00元;含手续费0.35元", Some("59.00"), "-58.65"),
    );
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
}

#[test]
fn a_wechat_fund_bill_refund_stating_less_than_the_after_sale_is_a_mismatch() {
    let o = run_with(
        MINI,
        wechat_fund_bill("退款总金额49.00元;含手续费0.29元", Some("49.00"), "-48.71"),
    );
    assert_eq!(
        money_codes(&o),
        vec!["REFUND_AMOUNT_MISMATCH"],
        "{:#?}",
        o.findings
    );
    assert_eq!(o.findings[0].actual_fen, Some(4900));
}

#[test]
fn a_doubled_wechat_fee_row_is_reported_on_the_shops_order_not_the_payment_number() {
    // 资金账单: the 扣除交易手续费 row of one payment twice (same 微信支付业务单号, two
    // 资金流水单号). The row names the payment (商户订单号 ORD1); the order is WX1.
    let mut records = wechat(OrderStatus::Finished, false, false);
    records.remove(1);
    let mut pay = flow(
        FundProvider::Wechat,
        "1900000109202610030000000001",
        FlowKind::Income,
        yuan("59.00"),
        "2026-10-03 10:00:13",
    );
    pay.business_no = Some("4200001".into());
    pay.merchant_ref = Some("ORD1".into());
    records.push(Record::FundFlow(pay));
    for txn in [
        "1900000109202610030000000002",
        "1900000109202610030000000009",
    ] {
        let mut fee = flow(
            FundProvider::Wechat,
            txn,
            FlowKind::Fee,
            yuan("-0.35"),
            "2026-10-03 10:00:13",
        );
        fee.business_no = Some("4200001".into());
        fee.merchant_ref = Some("ORD1".into());
        records.push(Record::FundFlow(fee));
    }
    let o = run_with(MINI, records);
    let dup: Vec<_> = o
        .findings
        .iter()
        .filter(|f| f.code == "FLOW_DUPLICATE")
        .collect();
    assert_eq!(dup.len(), 1, "{:#?}", o.findings);
    assert_eq!(dup[0].order_no.as_deref(), Some("WX1"));
}

#[test]
fn a_wechat_fee_off_its_stated_rate_is_reported_on_the_shops_order() {
    // 交易账单: 59.00 at 0.60% is 0.35; the bill charged 0.40. The row names the payment
    // (商户订单号 ORD1); the order is WX1.
    let mut records = wechat(OrderStatus::Finished, false, false);
    records.remove(1);
    let mut p = payment(
        FundProvider::Wechat,
        "4200001",
        "ORD1",
        PaymentKind::Payment,
        yuan("59.00"),
        "2026-10-03 10:00:12",
    );
    p.fee = yuan("0.40");
    p.rate = Some(RatePpm::parse("0.60%").unwrap());
    records.push(Record::Payment(p));
    let o = run_with(MINI, records);
    let fee: Vec<_> = o
        .findings
        .iter()
        .filter(|f| f.code == "FEE_MISMATCH")
        .collect();
    assert_eq!(fee.len(), 1, "{:#?}", o.findings);
    assert_eq!(fee[0].order_no.as_deref(), Some("WX1"));
}

#[test]
fn a_wechat_refund_row_stating_no_refund_total_refunded_what_left_the_account() {
    // 50.00 left the account; the 备注 claims 59.00 with 0.35 fee, which does not add up, so
    // the importer stated no total: the money that moved is the refund, 9.00 short of the
    // after-sale.
    let o = run_with(
        MINI,
        wechat_fund_bill("退款总金额59.00元;含手续费0.35元", None, "-50.00"),
    );
    assert_eq!(
        money_codes(&o),
        vec!["REFUND_AMOUNT_MISMATCH"],
        "{:#?}",
        o.findings
    );
    assert_eq!(o.findings[0].actual_fen, Some(5000));
}
