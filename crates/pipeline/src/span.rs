//! A week's or a day's run over a month's files: only the records that began inside the span
//! are judged, as a month's run judges the records of its month's files. What began earlier
//! was judged by the run of its own span, and what was still pending there comes in through
//! the carry; what began after the cut-off did not exist yet when the span ended.

use std::collections::HashMap;

use duizhang_core::{BeijingTime, Dataset, Period, Platform};

/// An order's payment and creation times, as its merged record has them.
type PaidCreated = (Option<BeijingTime>, Option<BeijingTime>);

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
    // An order given by several files (an order list and its item list) is placed once, by the
    // times its merged record has: the first file that sets a time gives it.
    let mut placed: HashMap<(Platform, &str), PaidCreated> = HashMap::new();
    for r in &data.orders {
        let times = placed.entry((r.platform, r.order_no.as_str())).or_default();
        times.0 = times.0.or(r.paid_at);
        times.1 = times.1.or(r.created_at);
    }
    let at: HashMap<(Platform, String), Option<BeijingTime>> = placed
        .into_iter()
        .map(|((p, no), (paid, created))| ((p, no.to_string()), paid.or(created)))
        .collect();
    data.orders.retain(|r| {
        let when = at
            .get(&(r.platform, r.order_no.as_str().to_string()))
            .copied()
            .flatten();
        keep(when)
    });
    data.after_sales
        .retain(|r| keep(r.applied_at.or(r.completed_at)));
    data.fund_flows.retain(|r| keep(Some(r.occurred_at)));
    data.payments.retain(|r| keep(Some(r.occurred_at)));
    data.settlements.retain(|r| keep(r.settled_at));
    // The ERP's copy of a platform order goes where the platform order goes, so the two are
    // judged (and counted) in the same span; an order only the ERP has (a mini-program shop's)
    // by its own time.
    // (by number alone: an ERP may name a Tmall shop's platform 淘宝).
    let by_no: HashMap<&str, Option<BeijingTime>> =
        at.iter().map(|((_, no), t)| (no.as_str(), *t)).collect();
    data.erp_orders.retain(|r| {
        let when = by_no
            .get(r.order_no.as_str())
            .copied()
            .unwrap_or(r.paid_at.or(Some(r.updated_at)));
        keep(when)
    });
    data.shipments.retain(|r| keep(Some(r.shipped_at)));
    data.return_receipts.retain(|r| keep(Some(r.received_at)));
    data.complaints.retain(|r| keep(Some(r.created_at)));
    (data, untimed)
}
