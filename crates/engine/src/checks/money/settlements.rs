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
            // Money not yet seen at all may still be on its way to the account (在途): the
            // window runs from the settlement and is never shorter than the platform's transit.
            let transit = timing::settlement_transit_days(first.platform);
            let due = settled_at.map(|t| t.plus_days(e.window_days.max(transit)));
            match due {
                Some(due) if frows.is_empty() && due > ctx.cut_off => sink.pending(ctx, d, due),
                _ => sink.found(ctx, d),
            }
        }
    }
}
