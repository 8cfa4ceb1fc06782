//! A week's or a day's run over its month's files. It is a month-to-date run: the checks judge
//! every record of the month's files that existed at the span's cut-off ([`up_to`]), as the
//! month's run judges them all at the month's end, so a day's findings are the month's
//! findings as they stood that day. The span's metrics count only the records that began
//! inside the span ([`within`]).
//!
//! A record exists from the time it began: an order from its payment (else its creation), an
//! after-sale from its application (else its completion), a fund-flow row, a payment, a
//! shipment, a return receipt and a complaint from their own time, a settlement from its
//! settlement. What began at or after the cut-off did not exist yet when the span ended.

use std::collections::HashMap;

use duizhang_core::{BeijingTime, Dataset, Period, Platform};

/// An order's payment and creation times, as its merged record has them.
type PaidCreated = (Option<BeijingTime>, Option<BeijingTime>);

/// The records of `data` that existed at `cut_off`: what the checks of a month-to-date run
/// judge. A record with no time to place it by is kept, as the month's run keeps it (leaving it
/// out would leave its payment or refund without it); how many there were comes back beside.
pub(crate) fn up_to(data: Dataset, cut_off: BeijingTime) -> (Dataset, usize) {
    retain_began(data, |t| t.is_none_or(|t| t < cut_off))
}

/// The records of `data` that began inside `period`: what the span's metrics count. A record
/// with no time to place it by is not counted (the month's metrics count it); how many there
/// were comes back beside.
pub(crate) fn within(data: Dataset, period: Period) -> (Dataset, usize) {
    retain_began(data, |t| t.is_some_and(|t| period.contains(t)))
}

/// Keeps the records whose beginning `keep` accepts (`None`: no time to place the record by),
/// and counts those without a time.
fn retain_began(
    mut data: Dataset,
    mut keep: impl FnMut(Option<BeijingTime>) -> bool,
) -> (Dataset, usize) {
    let mut untimed = 0usize;
    let mut keep = |t: Option<BeijingTime>| {
        if t.is_none() {
            untimed += 1;
        }
        keep(t)
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
    // judged (and counted) together; an order only the ERP has (a mini-program shop's) by its
    // own time (by number alone: an ERP may name a Tmall shop's platform 淘宝).
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
