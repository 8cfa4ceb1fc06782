//! The metrics of a small month whose every figure is worked out by hand below.

use duizhang_core::*;
use duizhang_engine::Settings;
use duizhang_engine::shops::ShopNames;
use duizhang_metrics::{Dimension, Metrics, compute};
use duizhang_samples::build::*;

fn period() -> Period {
    Period::parse("2026-10").expect("period")
}

/// Tmall: four paid orders (one cancelled, one paid in September), Pinduoduo: two.
fn month() -> Dataset {
    let mut d = Dataset {
        files: vec![SourceFile {
            id: FileId(0),
            name: "售后单.csv".into(),
            format: "erp.after_sales".into(),
        }],
        ..Dataset::default()
    };
    let mut t1 = order(Platform::Tmall, "T1", yuan("100.00"));
    t1.lines = vec![
        order_line("TEE-W-L", 1, yuan("60.00")),
        order_line("SOCK-3", 1, yuan("40.00")),
    ];
    let mut t2 = order(Platform::Tmall, "T2", yuan("59.00"));
    t2.lines = vec![order_line("TEE-W-L", 1, yuan("59.00"))];
    let mut t3 = order(Platform::Tmall, "T3", yuan("41.00"));
    t3.paid_at = Some(at("2026-10-09 12:00:00"));
    t3.lines = vec![order_line("SOCK-3", 1, yuan("41.00"))];
    let mut cancelled = order(Platform::Tmall, "T4", yuan("99.00"));
    cancelled.status = OrderStatus::Cancelled;
    let mut september = order(Platform::Tmall, "T5", yuan("35.00"));
    september.paid_at = Some(at("2026-09-30 23:59:59"));
    let mut p1 = order(Platform::Pdd, "P1", yuan("25.00"));
    p1.shipped_at = None;
    p1.status = OrderStatus::Paid;
    let p2 = order(Platform::Pdd, "P2", yuan("30.00"));
    d.orders = vec![t1, t2, t3, cancelled, september, p1, p2];

    // Refund only on shipped goods, 20 元, handled in 25 hours.
    let mut a1 = after_sale(
        Platform::Tmall,
        "T1",
        "R1",
        AfterSaleKind::RefundOnly,
        yuan("20.00"),
    );
    a1.lines = vec![after_sale_line("SOCK-3", 1)];
    a1.completed_at = Some(at("2026-10-11 10:00:00"));
    // Return and refund of T2's shirt, 59 元, 49 hours, second week.
    let mut a2 = after_sale(
        Platform::Tmall,
        "T2",
        "R2",
        AfterSaleKind::ReturnAndRefund,
        yuan("59.00"),
    );
    a2.applied_at = Some(at("2026-10-05 08:00:00"));
    a2.completed_at = Some(at("2026-10-07 09:00:00"));
    a2.reason = Some("尺码不合适".into());
    a2.lines = vec![after_sale_line("TEE-W-L", 1)];
    a2.source.line = 3;
    // A second after-sale on T1, still open: the order counts once.
    let mut a3 = after_sale(
        Platform::Tmall,
        "T1",
        "R3",
        AfterSaleKind::ReturnAndRefund,
        Fen::ZERO,
    );
    a3.status = AfterSaleStatus::WaitingReturn;
    a3.completed_at = None;
    a3.lines = vec![after_sale_line("TEE-W-L", 1)];
    a3.source.line = 4;
    // Refund only before shipment on Pinduoduo: no goods lost.
    let mut a4 = after_sale(
        Platform::Pdd,
        "P1",
        "R4",
        AfterSaleKind::RefundOnly,
        yuan("25.00"),
    );
    a4.phase = Some(AfterSalePhase::OnSale);
    a4.reason = None;
    a4.applied_at = Some(at("2026-10-20 10:00:00"));
    a4.completed_at = Some(at("2026-10-20 12:30:00"));
    a4.source.line = 5;
    d.after_sales = vec![a1, a2, a3, a4];
    d.complaints = vec![
        Complaint {
            shop: "禾木家居天猫旗舰店".into(),
            order_no: Some("T1".into()),
            ticket_no: "GD1".into(),
            kind: ComplaintKind::Complaint,
            created_at: at("2026-10-10 10:00:00"),
            reason: Some("质量问题".into()),
            source: src(9),
        },
        Complaint {
            shop: "禾木家居天猫旗舰店".into(),
            order_no: None,
            ticket_no: "GD2".into(),
            kind: ComplaintKind::Inquiry,
            created_at: at("2026-10-10 11:00:00"),
            reason: None,
            source: src(10),
        },
    ];
    d.erp_orders = vec![erp_order_named("禾木家居天猫旗舰店", Platform::Tmall)];
    d
}

/// An ERP order that tells the shop name's platform (as the ERP export does).
fn erp_order_named(shop: &str, platform: Platform) -> ErpOrder {
    erp_order(
        shop,
        platform,
        "T1",
        ErpOrderStatus::Completed,
        "2026-10-08 10:00:00",
    )
}

/// The seller's two shops, as `duizhang init`'s file would name them.
fn settings() -> Settings {
    Settings::from_toml(
        "[[shops]]\nid = \"tmall\"\nname = \"禾木家居天猫旗舰店\"\nplatform = \"tmall\"\n\n\
         [[shops]]\nid = \"pdd\"\nname = \"禾木家居拼多多店\"\nplatform = \"pdd\"\n",
    )
    .expect("settings")
}

fn metrics(d: &Dataset) -> Metrics {
    let settings = settings();
    let outcome = duizhang_engine::reconcile(d, &settings, period());
    let names = ShopNames::of(d, &settings);
    compute(d, &settings, &names, &outcome, period())
}

fn value(m: &Metrics, dim: Dimension, key: &str, code: &str) -> String {
    m.groups(dim)
        .find(|g| g.key == key)
        .unwrap_or_else(|| panic!("no group {dim:?} {key}"))
        .value(code)
        .unwrap_or_else(|| panic!("no metric {code}"))
        .text()
}

#[test]
fn the_month_s_after_sale_rate_counts_orders_not_after_sales() {
    let m = metrics(&month());
    // Paid in October: T1 T2 T3 P1 P2 = 5 orders; with an after-sale: T1 T2 P1 = 3.
    assert_eq!(value(&m, Dimension::Total, "", "orders"), "5");
    assert_eq!(value(&m, Dimension::Total, "", "after_sales"), "4");
    assert_eq!(value(&m, Dimension::Total, "", "after_sale_rate"), "60.00%");
    // Returns on T1 (open) and T2: 2 of 5.
    assert_eq!(value(&m, Dimension::Total, "", "return_rate"), "40.00%");
    // The September order and nothing else was outside the period.
    assert_eq!(m.outside_period, 1);
}

#[test]
fn refunds_are_shares_of_what_buyers_paid() {
    let m = metrics(&month());
    // GMV 100 + 59 + 41 + 25 + 30 = 255; refunds 20 + 59 + 0 + 25 = 104.
    assert_eq!(value(&m, Dimension::Total, "", "gmv"), "255.00");
    assert_eq!(value(&m, Dimension::Total, "", "refund_amount"), "104.00");
    assert_eq!(value(&m, Dimension::Total, "", "refund_rate"), "40.78%");
    // Refund only: R1 and R4 of four after-sales; 45 元.
    assert_eq!(
        value(&m, Dimension::Total, "", "refund_only_share"),
        "50.00%"
    );
    assert_eq!(
        value(&m, Dimension::Total, "", "refund_only_amount"),
        "45.00"
    );
    // Only R1's goods had left the warehouse: 20 元 of goods lost with the money.
    assert_eq!(value(&m, Dimension::Total, "", "after_sale_cost"), "20.00");
}

#[test]
fn handling_time_is_the_mean_over_completed_after_sales() {
    let m = metrics(&month());
    // R1 25 h, R2 49 h, R4 2.5 h; R3 is open: (25 + 49 + 2.5) / 3 = 25.50.
    assert_eq!(
        value(&m, Dimension::Total, "", "avg_handling_hours"),
        "25.50"
    );
}

#[test]
fn complaints_count_only_tickets_of_the_complaint_kind() {
    let m = metrics(&month());
    assert_eq!(value(&m, Dimension::Total, "", "complaint_rate"), "20.00%");
    assert_eq!(
        value(&m, Dimension::Shop, "tmall", "complaint_rate"),
        "33.33%"
    );
    assert_eq!(value(&m, Dimension::Shop, "pdd", "complaint_rate"), "0.00%");
}

#[test]
fn each_shop_has_its_own_rates() {
    let m = metrics(&month());
    // Tmall: T1 T2 T3, after-sales on T1 T2; refunds 79 of 200.
    assert_eq!(
        value(&m, Dimension::Shop, "tmall", "after_sale_rate"),
        "66.67%"
    );
    assert_eq!(value(&m, Dimension::Shop, "tmall", "refund_rate"), "39.50%");
    // Pinduoduo: P1 P2, one refunded in full before shipping.
    assert_eq!(
        value(&m, Dimension::Shop, "pdd", "after_sale_rate"),
        "50.00%"
    );
    assert_eq!(value(&m, Dimension::Shop, "pdd", "after_sale_cost"), "0.00");
    assert_eq!(value(&m, Dimension::Platform, "tmall", "orders"), "3");
}

#[test]
fn a_sku_s_orders_are_the_orders_with_a_line_of_it() {
    let m = metrics(&month());
    // TEE-W-L is on T1 and T2: 60 + 59 paid; returned on both (R2, R3).
    assert_eq!(value(&m, Dimension::Sku, "TEE-W-L", "orders"), "2");
    assert_eq!(value(&m, Dimension::Sku, "TEE-W-L", "gmv"), "119.00");
    assert_eq!(
        value(&m, Dimension::Sku, "TEE-W-L", "return_rate"),
        "100.00%"
    );
    assert_eq!(
        value(&m, Dimension::Sku, "TEE-W-L", "refund_amount"),
        "59.00"
    );
    // SOCK-3 on T1 and T3: 40 + 41; refunded 20 on T1.
    assert_eq!(value(&m, Dimension::Sku, "SOCK-3", "refund_rate"), "24.69%");
}

#[test]
fn reasons_and_types_are_shares_of_all_orders() {
    let m = metrics(&month());
    assert_eq!(
        value(&m, Dimension::Reason, "尺码不合适", "after_sales"),
        "1"
    );
    assert_eq!(
        value(&m, Dimension::Reason, "尺码不合适", "after_sale_rate"),
        "20.00%"
    );
    assert_eq!(
        value(&m, Dimension::Reason, "7天无理由退换货", "refund_amount"),
        "20.00"
    );
    assert_eq!(
        value(&m, Dimension::Kind, "refund_only", "refund_amount"),
        "45.00"
    );
    assert_eq!(
        value(&m, Dimension::Kind, "return_and_refund", "after_sale_rate"),
        "40.00%"
    );
}

#[test]
fn weeks_split_the_month_by_the_records_own_dates() {
    let m = metrics(&month());
    let weeks: Vec<(&str, i64)> = m
        .groups(Dimension::Week)
        .map(|g| (g.label.as_str(), g.figures.after_sales))
        .collect();
    // R2 on the 5th; R1, R3 on the 10th; R4 on the 20th.
    assert_eq!(
        weeks,
        vec![
            ("10月1日–7日", 1),
            ("10月8日–14日", 2),
            ("10月15日–21日", 1)
        ]
    );
    let orders: i64 = m.groups(Dimension::Week).map(|g| g.figures.orders).sum();
    assert_eq!(orders, 5);
}

#[test]
fn every_after_sale_and_complaint_is_listed_with_its_file_and_line() {
    let m = metrics(&month());
    let keys: Vec<(&str, &str, u32)> = m
        .records
        .iter()
        .map(|r| (r.key.as_str(), r.file.as_str(), r.line))
        .collect();
    // After-sales before tickets, by shop (pdd before tmall), then number.
    assert_eq!(
        keys,
        vec![
            ("R4", "售后单.csv", 5),
            ("R1", "售后单.csv", 2),
            ("R2", "售后单.csv", 3),
            ("R3", "售后单.csv", 4),
            ("GD1", "售后单.csv", 9),
        ]
    );
}

#[test]
fn an_after_sale_in_two_files_counts_once() {
    let mut d = month();
    let mut again = d.after_sales[1].clone();
    again.source = SourceRef {
        file: FileId(0),
        line: 40,
    };
    d.after_sales.push(again);
    let m = metrics(&d);
    assert_eq!(value(&m, Dimension::Total, "", "after_sales"), "4");
    assert_eq!(value(&m, Dimension::Total, "", "refund_amount"), "104.00");
}
