//! Items carried into the next period are judged only on that period's data: a month whose
//! files lack a kind of data leaves the items that need it pending ("not run"), never judged
//! from the status they had last month.

#![allow(clippy::unwrap_used)]

use duizhang_core::*;
use duizhang_engine::{CarriedRecord, CarryIn, Outcome, Settings, reconcile, reconcile_carried};
use duizhang_samples::build::*;

const SHOPS: &str = r#"
[[shops]]
id = "tb"
platform = "taobao"
aliases = ["棉语旗舰店"]
"#;

fn october() -> Period {
    Period::parse("2026-10").unwrap()
}

fn november() -> Period {
    Period::parse("2026-11").unwrap()
}

/// An after-sale applied for on 30 October and still 待商家处理 at the October cut-off.
fn open_sale(refund_no: &str) -> AfterSale {
    let mut a = after_sale(
        Platform::Taobao,
        "4001",
        refund_no,
        AfterSaleKind::RefundOnly,
        yuan("0.00"),
    );
    a.status = AfterSaleStatus::PendingReview;
    a.status_text = "待商家处理".into();
    a.requested = Some(yuan("59.00"));
    a.applied_at = Some(at("2026-10-30 09:00:00"));
    a.completed_at = None;
    a
}

/// October: the open after-sale, pending for AFTERSALE_OVERDUE.
fn october_outcome(settings: &Settings) -> Outcome {
    let mut data = dataset();
    data.orders
        .push(order(Platform::Taobao, "4001", yuan("59.00")));
    data.after_sales.push(open_sale("R1").on_line(5));
    let out = reconcile(&data, settings, october());
    assert_eq!(
        out.pending
            .iter()
            .filter(|p| p.code == "AFTERSALE_OVERDUE")
            .count(),
        1
    );
    out
}

fn overdue(out: &Outcome) -> usize {
    out.findings
        .iter()
        .filter(|f| f.code == "AFTERSALE_OVERDUE")
        .count()
}

#[test]
fn a_month_without_an_after_sales_file_does_not_judge_last_months_open_after_sales() {
    let settings = Settings::from_toml(SHOPS).unwrap();
    let oct = october_outcome(&settings);
    // November's files: orders only, no after-sales export.
    let mut nov = dataset();
    let mut o = order(Platform::Taobao, "5001", yuan("20.00"));
    o.paid_at = Some(at("2026-11-03 10:00:00"));
    nov.orders.push(o);
    let out = reconcile_carried(&nov, &settings, november(), &oct.carry_out);
    assert_eq!(overdue(&out), 0, "{:#?}", out.findings);
    let still = out
        .pending
        .iter()
        .filter(|p| p.code == "AFTERSALE_OVERDUE")
        .count();
    assert_eq!(
        still, 1,
        "the item stays pending for the month that has the data"
    );
    let why = out
        .not_run
        .iter()
        .find(|n| n.shop == "tb" && n.code == "AFTERSALE_OVERDUE")
        .map(|n| n.reason.as_str());
    assert_eq!(why, Some("缺少数据：售后单"));
}

#[test]
fn a_month_whose_after_sales_file_still_shows_it_open_finds_it_overdue() {
    let settings = Settings::from_toml(SHOPS).unwrap();
    let oct = october_outcome(&settings);
    let mut nov = dataset();
    nov.after_sales.push(open_sale("R1").on_line(7));
    let out = reconcile_carried(&nov, &settings, november(), &oct.carry_out);
    assert_eq!(overdue(&out), 1, "{:#?}", out.findings);
}

#[test]
fn a_month_whose_after_sales_file_shows_it_done_closes_it() {
    let settings = Settings::from_toml(SHOPS).unwrap();
    let oct = october_outcome(&settings);
    let mut nov = dataset();
    let mut done = open_sale("R1").on_line(7);
    done.status = AfterSaleStatus::Completed;
    done.status_text = "退款成功".into();
    done.refunded = yuan("59.00");
    done.completed_at = Some(at("2026-11-01 10:00:00"));
    nov.after_sales.push(done);
    let out = reconcile_carried(&nov, &settings, november(), &oct.carry_out);
    assert_eq!(overdue(&out), 0);
    assert!(out.pending.iter().all(|p| p.code != "AFTERSALE_OVERDUE"));
}

#[test]
fn an_open_after_sale_missing_from_this_months_after_sales_file_is_not_judged_from_its_old_status()
{
    // November's after-sales export holds the month's own after-sales (another one, done),
    // not R1: R1's newer status is missing, not stale.
    let settings = Settings::from_toml(SHOPS).unwrap();
    let oct = october_outcome(&settings);
    let mut nov = dataset();
    let mut other = open_sale("R2").on_line(3);
    other.status = AfterSaleStatus::Completed;
    other.status_text = "退款成功".into();
    other.refunded = yuan("59.00");
    other.applied_at = Some(at("2026-11-02 09:00:00"));
    other.completed_at = Some(at("2026-11-03 10:00:00"));
    nov.after_sales.push(other);
    let out = reconcile_carried(&nov, &settings, november(), &oct.carry_out);
    assert_eq!(overdue(&out), 0, "{:#?}", out.findings);
    let still: Vec<_> = out
        .pending
        .iter()
        .filter(|p| p.code == "AFTERSALE_OVERDUE")
        .collect();
    assert_eq!(still.len(), 1, "{:#?}", out.pending);
    assert_eq!(still[0].refund_no.as_deref(), Some("R1"));
    assert!(
        still[0].message.contains("缺少数据"),
        "{}",
        still[0].message
    );
    // And the month after, the export that has it decides.
    let mut dec = dataset();
    dec.after_sales.push(open_sale("R1").on_line(4));
    let dec_period = Period::parse("2026-12").unwrap();
    let out = reconcile_carried(&dec, &settings, dec_period, &out.carry_out);
    assert_eq!(overdue(&out), 1, "{:#?}", out.findings);
}

/// A WeChat 资金账单 refund carried out of October: 58.65 left the account, the 备注 stated
/// the refund of 59.00 (the importer's `refund_total`).
fn carried_wechat_refund() -> CarryIn {
    let mut row = flow(
        FundProvider::Wechat,
        "1900000109202610300000000003",
        FlowKind::Refund,
        yuan("-58.65"),
        "2026-10-30 18:40:12",
    );
    row.refund_no = Some("RF202610300001".into());
    row.memo = Some("退款总金额59.00元;含手续费0.35元".into());
    row.refund_total = Some(yuan("59.00"));
    CarryIn {
        format: duizhang_engine::carry::CARRY_FORMAT.into(),
        period: Some("2026-10".into()),
        pending: Vec::new(),
        records: vec![CarriedRecord {
            file: "微信支付资金账单.csv".into(),
            record: Record::FundFlow(row),
        }],
    }
}

fn carried_flow(carry: &CarryIn) -> &FundFlowRow {
    match &carry.records[0].record {
        Record::FundFlow(r) => r,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_carried_wechat_refund_keeps_the_refund_its_memo_stated() {
    let carry = carried_wechat_refund();
    let back = CarryIn::from_json(&serde_json::to_string(&carry).unwrap()).unwrap();
    assert_eq!(back, carry);
    assert_eq!(carried_flow(&back).refund_total, Some(yuan("59.00")));
}

#[test]
fn a_carry_file_written_before_refund_totals_were_imported_still_opens() {
    let carry = carried_wechat_refund();
    let mut old = serde_json::to_value(&carry).unwrap();
    old["records"][0]["record"]
        .as_object_mut()
        .unwrap()
        .remove("refund_total")
        .unwrap();
    let back = CarryIn::from_json(&old.to_string()).unwrap();
    let row = carried_flow(&back);
    assert_eq!(row.refund_total, None);
    assert_eq!(row.amount, yuan("-58.65"));
    assert_eq!(row.memo, carried_flow(&carry).memo);
}

const PDD_SHOP: &str = r#"
[[shops]]
id = "pdd"
platform = "pdd"
"#;

/// A Pinduoduo order of October, 实付 `paid`, shipped and not yet confirmed at October's end:
/// the buyer's money waits with the platform until 确认收货 (CHECKS.md "Money timing").
fn pdd_shipped(order_no: &str, paid: &str, line: u32) -> Order {
    let mut o = order(Platform::Pdd, order_no, yuan(paid)).on_line(line);
    o.status = OrderStatus::Shipped;
    o.status_text = "已发货，待收货".into();
    o.paid_at = Some(at("2026-10-27 10:00:00"));
    o.created_at = Some(at("2026-10-27 09:58:00"));
    o.shipped_at = Some(at("2026-10-28 18:00:00"));
    o.finished_at = None;
    o
}

/// A completed refund of `order_no` (售后单 `refund_no`), at `done`.
fn pdd_refund(order_no: &str, refund_no: &str, amount: &str, done: &str, line: u32) -> AfterSale {
    let mut a = after_sale(
        Platform::Pdd,
        order_no,
        refund_no,
        AfterSaleKind::RefundOnly,
        yuan(amount),
    )
    .on_line(line);
    a.phase = Some(AfterSalePhase::OnSale);
    a.applied_at = Some(at(done).plus_days(-1));
    a.completed_at = Some(at(done));
    a
}

/// 货款明细's 交易收入 of an order: 实付 less the refunds made before 确认收货.
fn pdd_income(order_no: &str, amount: &str, when: &str, line: u32) -> FundFlowRow {
    let mut r = flow(
        FundProvider::Pdd,
        &format!("{order_no}-{line}"),
        FlowKind::Income,
        yuan(amount),
        when,
    )
    .on_line(line);
    r.order_no = Some(order_no.into());
    r.merchant_ref = Some(order_no.into());
    r
}

/// October: orders A and B shipped and unconfirmed at the month's end (B with a 20 元 refund
/// made in October from the held money), C confirmed and released in October. November's
/// files hold no October order, only what October's orders did in November: A and B released
/// (B net of its refund), a refund of 15 元 on A's sibling D completed before D's release (from
/// the held money: no outflow), D released net of it.
fn october_pdd() -> Dataset {
    let mut oct = dataset();
    oct.orders.push(pdd_shipped("261027-A", "100.00", 2));
    oct.orders.push(pdd_shipped("261027-B", "80.00", 3));
    oct.orders.push(pdd_shipped("261027-D", "60.00", 4));
    let mut c = order(Platform::Pdd, "261003-C", yuan("50.00")).on_line(5);
    c.status_text = "已收货".into();
    oct.orders.push(c);
    oct.after_sales.push(pdd_refund(
        "261027-B",
        "R-B",
        "20.00",
        "2026-10-29 12:00:00",
        6,
    ));
    oct.fund_flows
        .push(pdd_income("261003-C", "50.00", "2026-10-08 10:00:00", 7));
    oct
}

fn november_pdd(a_released: &str) -> Dataset {
    let mut nov = dataset();
    let mut e = order(Platform::Pdd, "261105-E", yuan("30.00")).on_line(2);
    e.paid_at = Some(at("2026-11-05 10:00:00"));
    e.created_at = Some(at("2026-11-05 09:58:00"));
    e.shipped_at = None;
    e.finished_at = None;
    e.status = OrderStatus::Paid;
    e.status_text = "待发货".into();
    nov.orders.push(e);
    nov.after_sales.push(pdd_refund(
        "261027-D",
        "R-D",
        "15.00",
        "2026-11-02 12:00:00",
        3,
    ));
    nov.fund_flows
        .push(pdd_income("261027-A", a_released, "2026-11-04 10:00:00", 4));
    nov.fund_flows
        .push(pdd_income("261027-B", "60.00", "2026-11-05 10:00:00", 5));
    nov.fund_flows
        .push(pdd_income("261027-D", "45.00", "2026-11-06 10:00:00", 6));
    nov
}

#[test]
fn orders_whose_money_the_platform_still_holds_at_the_months_end_are_carried_with_their_refunds() {
    let settings = Settings::from_toml(PDD_SHOP).unwrap();
    let oct = reconcile(&october_pdd(), &settings, october());
    assert!(oct.findings.is_empty(), "{:#?}", oct.findings);
    let carried_orders: Vec<&str> = oct
        .carry_out
        .records
        .iter()
        .filter_map(|c| match &c.record {
            Record::Order(o) => Some(o.order_no.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(carried_orders, ["261027-A", "261027-B", "261027-D"]);
    let carried_refunds: Vec<&str> = oct
        .carry_out
        .records
        .iter()
        .filter_map(|c| match &c.record {
            Record::AfterSale(a) => Some(a.refund_no.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(carried_refunds, ["R-B"]);
    // They are no pending item: nothing is due before they are confirmed.
    assert!(
        oct.pending
            .iter()
            .all(|p| p.order_no.as_deref() != Some("261027-A"))
    );

    let nov = reconcile_carried(
        &november_pdd("100.00"),
        &settings,
        november(),
        &oct.carry_out,
    );
    assert!(nov.findings.is_empty(), "{:#?}", nov.findings);
    // Released in November, they are not carried again.
    assert!(
        nov.carry_out
            .records
            .iter()
            .all(|c| !matches!(&c.record, Record::Order(o) if o.order_no.starts_with("261027")))
    );
}

#[test]
fn a_carried_orders_release_short_of_what_the_platform_held_is_still_a_payment_amount_mismatch() {
    let settings = Settings::from_toml(PDD_SHOP).unwrap();
    let oct = reconcile(&october_pdd(), &settings, october());
    let nov = reconcile_carried(
        &november_pdd("95.00"),
        &settings,
        november(),
        &oct.carry_out,
    );
    let found: Vec<(&str, Option<&str>)> = nov
        .findings
        .iter()
        .map(|f| (f.code.as_str(), f.order_no.as_deref()))
        .collect();
    assert_eq!(found, [("PAYMENT_AMOUNT_MISMATCH", Some("261027-A"))]);
}

#[test]
fn without_the_carry_the_releases_of_last_months_orders_have_no_order() {
    // The neighbour case: the same November alone reports each release as an orphan.
    let settings = Settings::from_toml(PDD_SHOP).unwrap();
    let nov = reconcile(&november_pdd("100.00"), &settings, november());
    let mut found: Vec<(&str, Option<&str>)> = nov
        .findings
        .iter()
        .map(|f| (f.code.as_str(), f.order_no.as_deref()))
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("PAYMENT_ORPHAN", Some("261027-A")),
            ("PAYMENT_ORPHAN", Some("261027-B")),
            ("PAYMENT_ORPHAN", Some("261027-D")),
        ]
    );
}
