//! Payments: PAYMENT_MISSING, PAYMENT_AMOUNT_MISMATCH, PAYMENT_ORPHAN.

use duizhang_core::*;

use super::Agreed;
use super::view::{Money, MoneyRow, Settled};
use crate::matching::NONE;
use crate::{Ctx, Effective, Sink};

impl<'a> Money<'a> {
    pub(super) fn payment_missing(
        &self,
        ctx: &Ctx<'_>,
        e: Effective,
        sink: &mut Sink,
        ok: &mut Agreed,
    ) {
        for (o, order) in self.orders.iter().enumerate() {
            let oi = u32::try_from(o).unwrap_or(NONE);
            let (Some(due_from), Some(paid)) = (order.due_from(), order.paid()) else {
                continue;
            };
            let (before, sales) = self.refunds_from_held(oi);
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
            // Orders paid through a settlement statement receive its net (after commissions
            // and fees): SETTLEMENT_MISMATCH compares that.
            if release.is_none() || self.settled[o] != Settled::No {
                continue;
            }
            let (before, sales) = self.refunds_from_held(oi);
            let subsidy = order.subsidy();
            let expected = paid - before + subsidy;
            let actual: Fen = self.income_rows(oi).map(MoneyRow::amount).sum();
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
            for r in self.income_rows(oi) {
                d = d.evidence(r.source(), r.record_kind());
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
    }
}
