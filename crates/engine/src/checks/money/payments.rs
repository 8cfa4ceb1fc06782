//! Payments: PAYMENT_MISSING, PAYMENT_AMOUNT_MISMATCH, PAYMENT_ORPHAN.

use duizhang_core::*;

use std::collections::BTreeMap;

use super::view::{Money, MoneyRow, Settled};
use super::{Agreed, ix};
use crate::matching::{Groups, NONE};
use crate::{Ctx, Effective, Sink};

impl<'a> Money<'a> {
    pub(super) fn payment_missing(
        &self,
        ctx: &Ctx<'_>,
        e: Effective,
        sink: &mut Sink,
        ok: &mut Agreed,
    ) {
        // The money of an order released before the period reached the account in an earlier
        // period: unless the fund flow given reaches back to that time, its row is not here.
        // An order carried from last period as pending is still owed its payment.
        let flow_from = self.rows.iter().map(|r| r.at()).min();
        for (o, order) in self.orders.iter().enumerate() {
            let oi = u32::try_from(o).unwrap_or(NONE);
            let (Some(due_from), Some(paid)) = (order.due_from(), order.paid()) else {
                continue;
            };
            if due_from < self.period_start
                && flow_from.is_none_or(|f| f > due_from)
                && !ctx.carried.is_carried(order.source())
            {
                continue;
            }
            let (before, sales) = self.refunds_from_held(oi);
            // Wholly refunded before the release: nothing is due, the platform's subsidy of
            // the sale that did not happen included.
            if before >= paid {
                continue;
            }
            let expected = paid - before + order.subsidy();
            if expected.get() <= 0 {
                continue;
            }
            match self.settled[o] {
                // The statement's money is SETTLEMENT_MISMATCH's to check.
                Settled::Paid => {
                    ok.add(expected);
                    continue;
                }
                Settled::Unpaid => continue,
                Settled::No => {}
            }
            if self.income_rows(oi).next().is_some() {
                ok.add(expected);
                continue;
            }
            let due = due_from.plus_days(e.window_days);
            let mut d = ctx
                .finding("PAYMENT_MISSING")
                .order(order.order_no())
                .amounts(expected, Fen::ZERO)
                .at(due_from)
                .evidence(order.source(), order.record_kind())
                .message(format!(
                    "订单 {} 已于 {} 应放款，应收 {} 元，截至 {} 资金流水中没有收款（实收 0.00 元，差额 {} 元）。",
                    order.order_no(),
                    due_from,
                    expected,
                    due,
                    -expected
                ));
            for a in sales {
                d = d.evidence(a.source, RecordKind::AfterSale);
            }
            if due > ctx.cut_off {
                sink.pending(ctx, d, due);
            } else {
                sink.found(ctx, d);
            }
        }
    }

    pub(super) fn payment_amount_mismatch(
        &self,
        ctx: &Ctx<'_>,
        e: Effective,
        sink: &mut Sink,
        ok: &mut Agreed,
    ) {
        for (o, order) in self.orders.iter().enumerate() {
            let oi = u32::try_from(o).unwrap_or(NONE);
            let Some(paid) = order.paid() else { continue };
            let release = self.first_income[o];
            if release.is_none() {
                continue;
            }
            // An order paid through a settlement statement receives its net (after
            // commissions and fees), which SETTLEMENT_MISMATCH compares; where the statement
            // itemises the goods money (京东 货款), that is what the release is.
            let (actual, evidence): (Fen, Vec<(SourceRef, RecordKind)>) =
                if self.settled[o] == Settled::No {
                    let rows: Vec<MoneyRow> = self.income_rows(oi).collect();
                    (
                        rows.iter().map(|r| r.amount()).sum(),
                        rows.iter().map(|r| (r.source(), r.record_kind())).collect(),
                    )
                } else if let Some((goods, rows)) = self.settled_goods(oi) {
                    (
                        goods,
                        rows.iter()
                            .map(|s| (s.source, RecordKind::Settlement))
                            .collect(),
                    )
                } else {
                    continue;
                };
            let (before, sales) = self.refunds_from_held(oi);
            let subsidy = order.subsidy();
            let expected = paid - before + subsidy;
            if (actual - expected).get().abs() <= e.tolerance_for(expected.get()) {
                ok.add(actual);
                continue;
            }
            let mut d = ctx
                .finding("PAYMENT_AMOUNT_MISMATCH")
                .order(order.order_no())
                .amounts(expected, actual)
                .evidence(order.source(), order.record_kind())
                .message(format!(
                    "订单 {} 应放款 {} 元（实付 {} 元 − 放款前退款 {} 元 + 平台补贴 {} 元），资金流水实收 {} 元，差额 {} 元。",
                    order.order_no(),
                    expected,
                    paid,
                    before,
                    subsidy,
                    actual,
                    actual - expected
                ));
            if let Some(t) = release {
                d = d.at(t);
            }
            for (source, kind) in evidence {
                d = d.evidence(source, kind);
            }
            for a in sales {
                d = d.evidence(a.source, RecordKind::AfterSale);
            }
            sink.found(ctx, d);
        }
    }

    pub(super) fn payment_orphan(&self, ctx: &Ctx<'_>, sink: &mut Sink, ok: &mut Agreed) {
        for (r, row) in self.rows.iter().enumerate() {
            if row.kind() != FlowKind::Income || row.amount().get() <= 0 {
                continue;
            }
            // Only rows that name an order can be said to name an unknown one.
            let Some(reference) = row.order_ref() else {
                continue;
            };
            // A row that pays a settlement statement is accounted for by it.
            let settles = self.settle.flow_group.get(r).is_some_and(|&g| g != NONE);
            if self.row_order[r] != NONE || settles {
                ok.add(row.amount());
                continue;
            }
            let d = ctx
                .finding("PAYMENT_ORPHAN")
                .order(reference)
                .txn(row.txn())
                .amounts(Fen::ZERO, row.amount())
                .at(row.at())
                .evidence(row.source(), row.record_kind())
                .message(format!(
                    "资金流水 {} 收款 {} 元，所引用的订单 {} 不在本期订单中（应收 0.00 元，差额 {} 元）。",
                    row.txn(),
                    row.amount(),
                    reference,
                    row.amount()
                ));
            sink.found(ctx, d);
        }
        self.statement_orphans(ctx, sink, ok);
    }

    /// Goods money a settlement statement paid (the money reached the account) for an order
    /// no file of the period holds: the statement names the order, its fund-flow rows only
    /// the statement (京东钱包 资金表) or the same unknown order (抖店).
    fn statement_orphans(&self, ctx: &Ctx<'_>, sink: &mut Sink, ok: &mut Agreed) {
        let flows_of = Groups::build(&self.settle.flow_group, self.settle.groups);
        // (group, order) → the statement's income rows, in source order.
        let mut orphans: BTreeMap<(u32, &str), Vec<&SettlementRow>> = BTreeMap::new();
        for (i, s) in self.settlements.iter().enumerate() {
            let g = self.settle.settlement_group[i];
            if s.kind != FlowKind::Income || s.amount.get() <= 0 || g == NONE {
                continue;
            }
            if self.settlement_order[i] != NONE {
                ok.add(s.amount);
                continue;
            }
            if flows_of.members(g).is_empty() {
                continue;
            }
            orphans
                .entry((g, normalize_order_no(&s.order_no)))
                .or_default()
                .push(s);
        }
        for ((g, order_no), rows) in orphans {
            let amount: Fen = rows.iter().map(|s| s.amount).sum();
            let paid_by: Vec<&FundFlowRow> = flows_of
                .members(g)
                .iter()
                .map(|&f| self.flows[ix(f)])
                .collect();
            let first = paid_by[0];
            let mut d = ctx
                .finding("PAYMENT_ORPHAN")
                .order(order_no)
                .txn(&first.txn_no)
                .amounts(Fen::ZERO, amount)
                .at(rows[0].settled_at.unwrap_or(first.occurred_at))
                .message(format!(
                    "结算单为订单 {order_no} 结算货款 {amount} 元，已随资金流水 {} 到账，该订单不在本期订单中（应收 0.00 元，差额 {amount} 元）。",
                    first.txn_no
                ));
            for s in &rows {
                d = d.evidence(s.source, RecordKind::Settlement);
            }
            for r in &paid_by {
                d = d.evidence(r.source, RecordKind::FundFlow);
            }
            sink.found(ctx, d);
        }
    }
}
