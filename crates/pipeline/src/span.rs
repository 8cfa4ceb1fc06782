//! A week's or a day's run over a month's files: only the records that began inside the span
//! are judged, as a month's run judges the records of its month's files. What began earlier
//! was judged by the run of its own span, and what was still pending there comes in through
//! the carry; what began after the cut-off did not exist yet when the span ended.

use duizhang_core::{BeijingTime, Dataset, Period};

/// The records of `data` that began inside `period`, and how many were left out because they
/// carry no time to place them by (they are judged by the month's run only).
pub(crate) fn within(mut data: Dataset, period: Period) -> (Dataset, usize) {
    let mut untimed = 0usize;
    let mut keep = |t: Option<BeijingTime>| match t {
        Some(t) => period.contains(t),
        None => {
            untimed += 1;
            false
        }
    };
    data.orders.retain(|r| keep(r.created_at.or(r.paid_at)));
    data.after_sales
        .retain(|r| keep(r.applied_at.or(r.completed_at)));
    data.fund_flows.retain(|r| keep(Some(r.occurred_at)));
    data.payments.retain(|r| keep(Some(r.occurred_at)));
    data.settlements.retain(|r| keep(r.settled_at));
    data.erp_orders
        .retain(|r| keep(r.paid_at.or(Some(r.updated_at))));
    data.shipments.retain(|r| keep(Some(r.shipped_at)));
    data.return_receipts.retain(|r| keep(Some(r.received_at)));
    data.complaints.retain(|r| keep(Some(r.created_at)));
    (data, untimed)
}
