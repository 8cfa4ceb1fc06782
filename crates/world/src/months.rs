//! Consecutive months of one shop. The stories are the orders paid in any of the months, lived
//! to the last month's end by the same rules as one month ([`Clock::months`]); each month's
//! files are what the seller downloads at that month's end:
//!
//! - the order export: the orders paid in the month, as they stand at its end;
//! - the fund flow, payment bill and settlement statement: every row of the month, whichever
//!   month the order was paid in (a September order confirmed on 3 October is released in
//!   October's 账务明细; its refund after the release is in the month it was paid out);
//! - the after-sales exports (Taobao's 退款报表, the ERP's 售后单): the after-sales applied for,
//!   received back or completed in the month, as they stand at its end;
//! - the ERP's orders: those paid in the month and those whose status changed in it (an order
//!   of September completed in October); its shipments and return receipts of the month.
//!
//! Money rows are rendered once, from the stories lived to the last month's end, and split by
//! the month they fall in, so a payout's rows are the same rows whichever month's file holds
//! them (a refund at 23:59:50 paid out two minutes later is in the next month's file, never in
//! both or neither). State (statuses, refunded amounts, open after-sales) is rendered from the
//! stories as they stood at each month's end (`Deal::as_at`).

use std::collections::BTreeSet;

use duizhang_core::{BeijingTime, Fen, Period};

use crate::month::Month;
use crate::rng::Rng;
use crate::story::{Clock, Deal};
use crate::world::World;

/// `count` consecutive months of `world`'s shop from `first`, about `orders` orders paid in
/// each: month k's records as its files hold them at its end, its clock `Clock::new(month)`,
/// its deals every story paid by its end (on its clock), earlier months' included.
pub fn months(world: World, seed: u64, first: Period, count: usize, orders: usize) -> Vec<Month> {
    let clock = Clock::months(first, count.max(1));
    let whole = (world.month)(seed, clock, orders * count.max(1));
    let mut out = Vec::new();
    let mut period = first;
    for k in 0..count.max(1) {
        out.push(month_of(
            world,
            &whole,
            seed.wrapping_add(u64::try_from(k).unwrap_or(0)),
            period,
        ));
        period = period.next();
    }
    out
}

/// The records `whole`'s stories left in `period`'s files, downloaded at its end.
fn month_of(world: World, whole: &Month, seed: u64, period: Period) -> Month {
    let origin = whole.clock.period.start();
    let from = origin.seconds_until(period.start());
    let to = origin.seconds_until(period.end());
    let inside_s = |t: i64| (from..to).contains(&t);
    let (start, end) = (period.start(), period.end());
    let inside = |t: BeijingTime| start <= t && t < end;

    // The stories as they stood at the month's end, and every source's records of them then.
    let deals: Vec<Deal> = whole.deals.iter().filter_map(|d| d.as_at(to)).collect();
    let mut seen = Month::new(
        Clock {
            cut_off: to,
            ..whole.clock
        },
        whole.shop.clone(),
        deals,
        whole.opening,
    );
    (world.render)(&mut seen, &mut Rng::new(seed));

    // What the month's after-sales exports and ERP orders hold: what moved in it.
    let mut moved_sales: BTreeSet<&str> = BTreeSet::new();
    let mut moved_orders: BTreeSet<&str> = BTreeSet::new();
    for d in &seen.deals {
        if inside_s(d.paid_at) || inside_s(crate::erp::status(d, to).1) {
            moved_orders.insert(d.order_no.as_str());
        }
        for s in &d.sales {
            if [Some(s.applied_at), s.received_at, s.done_at]
                .into_iter()
                .flatten()
                .any(inside_s)
            {
                moved_sales.insert(s.refund_no.as_str());
            }
        }
    }

    let mut m = Month::new(
        Clock::new(period),
        whole.shop.clone(),
        seen.deals.iter().map(|d| d.shifted(from)).collect(),
        whole.opening
            + whole
                .flows
                .iter()
                .filter(|f| f.occurred_at < start)
                .map(|f| f.amount)
                .sum::<Fen>(),
    );
    m.orders = seen
        .orders
        .iter()
        .filter(|o| o.paid_at.is_some_and(inside))
        .cloned()
        .collect();
    m.after_sales = seen
        .after_sales
        .iter()
        .filter(|a| moved_sales.contains(a.refund_no.as_str()))
        .cloned()
        .collect();
    m.erp_after_sales = seen
        .erp_after_sales
        .iter()
        .filter(|a| moved_sales.contains(a.refund_no.as_str()))
        .cloned()
        .collect();
    m.erp_orders = seen
        .erp_orders
        .iter()
        .filter(|o| moved_orders.contains(o.order_no.as_str()))
        .cloned()
        .collect();
    m.shipments = seen
        .shipments
        .iter()
        .filter(|s| inside(s.shipped_at))
        .cloned()
        .collect();
    m.receipts = seen
        .receipts
        .iter()
        .filter(|r| inside(r.received_at))
        .cloned()
        .collect();
    m.flows = whole
        .flows
        .iter()
        .filter(|f| inside(f.occurred_at))
        .cloned()
        .collect();
    m.payments = whole
        .payments
        .iter()
        .filter(|p| inside(p.occurred_at))
        .cloned()
        .collect();
    m.settlements = whole
        .settlements
        .iter()
        .filter(|s| s.settled_at.is_some_and(inside))
        .cloned()
        .collect();
    m
}

/// The files of `month` a seller adds to the next month's run so that its releases find their
/// orders (docs/checks.md PAYMENT_ORPHAN): the platform's order export, or for a shop whose
/// orders live only in the ERP (the mini-program) the ERP's orders. Named with the month, so
/// they sit beside the next month's files of the same name.
pub fn order_files(month: &Month, files: &[(String, Vec<u8>)]) -> Vec<(String, Vec<u8>)> {
    let orders_in_erp = month.orders.is_empty();
    let tag = format!("{}{:02}", month.period().year(), month.period().month());
    files
        .iter()
        .filter(|(name, _)| {
            if orders_in_erp {
                name == "ERP订单.csv"
            } else {
                name.contains("订单导出") || name.starts_with("ExportOrder")
            }
        })
        .map(|(name, bytes)| (format!("{tag}_{name}"), bytes.clone()))
        .collect()
}

/// Applies a planting function to `month`, letting it choose only among the stories `ok`
/// accepts (say, the orders of the month before): the others are hidden while it chooses.
pub fn plant_among(
    month: &mut Month,
    ok: impl Fn(&Deal) -> bool,
    apply: crate::plant::PlantFn,
) -> Option<String> {
    let (mine, others): (Vec<Deal>, Vec<Deal>) =
        std::mem::take(&mut month.deals).into_iter().partition(ok);
    month.deals = mine;
    let planted = apply(month);
    month.deals.extend(others);
    planted
}
