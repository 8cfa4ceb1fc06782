//! REFUND_NOT_BOOKED and the money timing (CHECKS.md, "Money timing"): a refund paid from the
//! money the platform still held moved nothing from the seller's fund account, so the generator
//! books no voucher for it and the check demands none; one paid from the seller's account does
//! need its voucher, with or without a fund flow to show it.
#![allow(clippy::unwrap_used)]

mod support;

use duizhang_books::checks::{Booked, refund_not_booked};
use duizhang_books::{Standard, Voucher};
use duizhang_core::*;
use duizhang_samples::build::*;
use support::*;

const TID: &str = "4012345678901234567";

/// A Taobao order confirmed on 10-08 and a refund of 20.00 completed at `done`, no 售中/售后
/// given; no fund flow in the data (the seller checks an imported journal).
fn refund_without_fund_flow(done: &str, platform: Platform) -> Dataset {
    let mut d = dataset();
    d.orders.push(order(platform, TID, yuan("59.00")));
    let mut a = after_sale(
        platform,
        TID,
        "R1",
        AfterSaleKind::RefundOnly,
        yuan("20.00"),
    );
    a.phase = None;
    a.completed_at = Some(at(done));
    d.after_sales.push(a);
    d
}

fn unbooked(d: &Dataset, journal: &[Voucher]) -> Vec<String> {
    refund_not_booked(d, &Booked::of(journal, period("2026-10")), &one_shop)
        .into_iter()
        .map(|f| f.refund_no.unwrap_or_default())
        .collect()
}

#[test]
fn a_refund_paid_from_escrow_needs_no_voucher() {
    // Refunded on 10-06, before 确认收货 on 10-08: Alipay paid it from escrow.
    let d = refund_without_fund_flow("2026-10-06 12:00:00", Platform::Tmall);
    assert!(unbooked(&d, &[]).is_empty());
    // The generator agrees: nothing of it is booked.
    let g = run(&books(Standard::Small, ""), &d, "2026-10");
    assert!(g.vouchers.is_empty(), "{:#?}", g.vouchers);
}

#[test]
fn a_refund_after_the_release_needs_its_voucher() {
    let d = refund_without_fund_flow("2026-10-12 12:00:00", Platform::Tmall);
    assert_eq!(unbooked(&d, &[]), vec!["R1"]);
}

#[test]
fn a_refund_before_a_settling_platforms_confirmation_needs_no_voucher() {
    for p in [Platform::Pdd, Platform::Douyin, Platform::Jd] {
        let d = refund_without_fund_flow("2026-10-06 12:00:00", p);
        assert!(unbooked(&d, &[]).is_empty(), "{p:?}");
    }
}

#[test]
fn a_direct_payment_refund_needs_its_voucher_even_before_shipment() {
    let mut d = refund_without_fund_flow("2026-10-03 12:00:00", Platform::Wechat);
    d.after_sales[0].phase = Some(AfterSalePhase::OnSale);
    assert_eq!(unbooked(&d, &[]), vec!["R1"]);
}
