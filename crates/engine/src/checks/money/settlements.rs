//! Settlements: SETTLEMENT_MISMATCH.

use duizhang_core::timing;
use duizhang_core::*;

use super::view::Money;
use super::{Agreed, ix};
use crate::matching::{Groups, NONE};
use crate::{Ctx, Effective, Sink};

impl<'a> Money<'a> {
    pub(super) fn settlement_mismatch(
        &self,
        ctx: &Ctx<'_>,
        e: Effective,
        sink: &mut Sink,
        ok: &mut Agreed,
    ) {
        let settlements = &self.settlements;
        let m = &self.settle;
        // A row that repeats one event's money is FLOW_DUPLICATE's: what reached the account
        // for a statement is judged without it, so money booked twice is one finding.
        let mut repeated = vec![false; self.flows.len()];
        for group in self.repeated_events(ctx) {
            for &f in group.extra() {
                repeated[ix(f)] = true;
            }
        }
        let rows_of = Groups::build(&m.settlement_group, m.groups);
        let flows_of = Groups::build(&m.flow_group, m.groups);
        for g in 0..m.groups {
            let g = u32::try_from(g).unwrap_or(NONE);
            let srows: Vec<&SettlementRow> = rows_of
                .members(g)
                .iter()
                .map(|&i| settlements[ix(i)])
                .collect();
            let frows: Vec<&FundFlowRow> = flows_of
                .members(g)
                .iter()
                .filter(|&&i| !repeated[ix(i)])
                .map(|&i| self.flows[ix(i)])
                .collect();
            let Some(first) = srows.first() else { continue };
            let expected: Fen = srows.iter().map(|s| s.amount).sum();
            let actual: Fen = frows.iter().map(|r| r.amount).sum();
            if (actual - expected).get().abs() <= e.tolerance_for(expected.get()) {
                ok.add(expected);
                continue;
            }
            let order_no = normalize_order_no(&first.order_no);
            let reference = first
                .payment_ref
                .as_deref()
                .map_or_else(String::new, |r| format!("（结算单号/商户订单号 {r}）"));
            let settled_at = srows.iter().filter_map(|s| s.settled_at).max();
            let mut d = ctx
                .finding("SETTLEMENT_MISMATCH")
                .order(order_no)
                .amounts(expected, actual)
                .message(format!(
                    "订单 {order_no}{reference} 结算单净额 {expected} 元，资金流水到账 {actual} 元（{} 笔），差额 {} 元。",
                    frows.len(),
                    actual - expected
                ));
            if let Some(t) = settled_at {
                d = d.at(t);
            }
            for s in &srows {
                d = d.evidence(s.source, RecordKind::Settlement);
            }
            for r in &frows {
                d = d.evidence(r.source, RecordKind::FundFlow);
            }
            // A row settled so close to the cut-off that its booking may not have happened
            // yet (在途) may still be missing from the fund flow: its money is due a transit
            // after its settlement, never sooner than the window. The group waits while what
            // arrived is the money of the older rows with some of these rows' (none, or those
            // booked first); any other amount is a difference now.
            let wait = e
                .window_days
                .max(timing::settlement_transit_days(first.platform));
            let in_transit: Vec<(Fen, BeijingTime)> = srows
                .iter()
                .filter_map(|s| {
                    let due = s.settled_at?.plus_days(wait);
                    (due > ctx.cut_off).then_some((s.amount, due))
                })
                .collect();
            let booked: Fen = expected - in_transit.iter().map(|&(a, _)| a).sum::<Fen>();
            let tolerance = e.tolerance_for(expected.get());
            let waiting = !in_transit.is_empty()
                && partly_arrived(
                    (actual - booked).get(),
                    in_transit.iter().map(|&(a, _)| a.get()),
                    tolerance,
                );
            match in_transit.iter().map(|&(_, due)| due).max() {
                Some(due) if waiting => sink.pending(ctx, d, due),
                _ => sink.found(ctx, d),
            }
        }
    }
}

/// The most sums of rows in transit tried; past it the group is taken as still arriving (a
/// difference is then reported one run later, never lost).
const MAX_SUMS: usize = 4096;

/// Whether `arrived` is, within `tolerance`, the sum of some of `in_transit` (none counts).
fn partly_arrived(arrived: i64, in_transit: impl Iterator<Item = i64>, tolerance: i64) -> bool {
    let mut sums = vec![0i64];
    for a in in_transit {
        let more: Vec<i64> = sums.iter().map(|s| s + a).collect();
        sums.extend(more);
        sums.sort_unstable();
        sums.dedup();
        if sums.len() > MAX_SUMS {
            return true;
        }
    }
    sums.iter().any(|s| (arrived - s).abs() <= tolerance)
}
