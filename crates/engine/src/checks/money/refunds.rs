//! Refunds: REFUND_UNPAID, REFUND_ORPHAN, REFUND_AMOUNT_MISMATCH, REFUND_DUPLICATE,
//! REFUND_EXCEEDS_PAID.

use duizhang_core::timing::PaidFrom;
use duizhang_core::*;
use foldhash::{HashMap, HashMapExt};

use super::view::{Money, MoneyRow, OrderRef};
use super::{Agreed, ix, non_empty};
use crate::matching::{self, NONE};
use crate::{Ctx, Effective, Sink};

impl<'a> Money<'a> {
    pub(super) fn refund_unpaid(
        &self,
        ctx: &Ctx<'_>,
        e: Effective,
        sink: &mut Sink,
        ok: &mut Agreed,
    ) {
        for (c, &s) in self.claim_sale.iter().enumerate() {
            let a = self.after_sales[ix(s)];
            if self.refunds.claim_group[c] != NONE {
                ok.add(a.refunded);
                continue;
            }
            if a.status != AfterSaleStatus::Completed || self.paid_from(ix(s)) == PaidFrom::Held {
                continue;
            }
            let done = a.completed_at.or(a.applied_at);
            let due = done.map_or(ctx.cut_off, |t| t.plus_days(e.window_days));
            let mut d = ctx
                .finding("REFUND_UNPAID")
                .order(normalize_order_no(&a.order_no))
                .refund(&a.refund_no)
                .amounts(a.refunded, Fen::ZERO)
                .evidence(a.source, RecordKind::AfterSale)
                .message(format!(
                    "售后单 {}（订单 {}）{}退款成功，退款 {} 元，截至 {} 资金流水中没有对应的退款支出（实退 0.00 元，差额 {} 元）。",
                    a.refund_no,
                    normalize_order_no(&a.order_no),
                    done.map_or_else(String::new, |t| format!("已于 {t} ")),
                    a.refunded,
                    due,
                    -a.refunded
                ));
            if let Some(t) = done {
                d = d.at(t);
            }
            if let Some(o) = (self.sale_order[ix(s)] != NONE).then(|| self.sale_order[ix(s)]) {
                let order = self.orders[ix(o)];
                d = d.evidence(order.source(), order.record_kind());
            }
            if due > ctx.cut_off {
                sink.pending(ctx, d, due);
            } else {
                sink.found(ctx, d);
            }
        }
    }

    pub(super) fn refund_orphan(&self, ctx: &Ctx<'_>, sink: &mut Sink, ok: &mut Agreed) {
        for (p, &r) in self.payout_row.iter().enumerate() {
            let row = self.rows[ix(r)];
            let amount = row.refunded();
            if self.refunds.payout_group[p] != NONE {
                ok.add(amount);
                continue;
            }
            let order = row.order_ref();
            let mut d = ctx
                .finding("REFUND_ORPHAN")
                .txn(row.txn())
                .amounts(Fen::ZERO, amount)
                .at(row.at())
                .message(format!(
                    "资金流水 {} 退款支出 {} 元{}，找不到对应的售后单（应退 0.00 元，差额 {} 元），可能是线下或手工退款。",
                    row.txn(),
                    amount,
                    order.map_or_else(String::new, |o| format!("（订单 {o}）")),
                    amount
                ));
            d = row.cite(d);
            if let Some(o) = order {
                d = d.order(o);
            }
            if let Some(rf) = row.refund_ref() {
                d = d.refund(rf);
            }
            sink.found(ctx, d);
        }
    }

    /// REFUND_AMOUNT_MISMATCH and REFUND_DUPLICATE, per refund group.
    pub(super) fn refund_amounts(
        &self,
        ctx: &Ctx<'_>,
        code: &str,
        sink: &mut Sink,
        ok: &mut Agreed,
    ) {
        let Some(e) = ctx.check(code) else { return };
        let tolerance_of = |x: Fen| e.tolerance_for(x.get());
        for g in 0..self.refunds.groups.len() {
            let g = u32::try_from(g).unwrap_or(NONE);
            let sales: Vec<&AfterSale> = self
                .claims_of
                .members(g)
                .iter()
                .map(|&c| self.after_sales[ix(self.claim_sale[ix(c)])])
                .collect();
            let mut payouts: Vec<MoneyRow> = self
                .payouts_of
                .members(g)
                .iter()
                .map(|&p| self.rows[ix(self.payout_row[ix(p)])])
                .collect();
            payouts.sort_by_key(|r| (r.at(), r.source()));
            let claimed: Fen = sales.iter().map(|a| a.refunded).sum();
            let paid_out: Fen = payouts.iter().map(|r| r.refunded()).sum();
            let amounts: Vec<i64> = payouts.iter().map(|r| r.refunded().get()).collect();
            let repeated = if sales.len() == 1 {
                matching::repeated_after(claimed.get(), &amounts, tolerance_of(claimed)).is_some()
            } else {
                self.payouts_of
                    .members(g)
                    .iter()
                    .any(|p| self.refunds.repeated.binary_search(p).is_ok())
            };
            let Some(first) = sales.first() else { continue };
            let order_no = normalize_order_no(&first.order_no);
            let name = if sales.len() == 1 {
                format!("售后单 {}（订单 {}）", first.refund_no, order_no)
            } else {
                let nos: Vec<&str> = sales.iter().map(|a| a.refund_no.as_str()).collect();
                format!("订单 {} 的售后单 {}", order_no, nos.join("、"))
            };
            let mismatch = (paid_out - claimed).get().abs() > tolerance_of(claimed);
            let (fires, message) = match code {
                "REFUND_DUPLICATE" => (
                    repeated,
                    format!(
                        "{name}应退 {claimed} 元，资金流水却退款 {} 笔共 {paid_out} 元，多退 {} 元。",
                        payouts.len(),
                        paid_out - claimed
                    ),
                ),
                _ => (
                    !repeated && mismatch,
                    format!(
                        "{name}退款 {claimed} 元，资金流水实际退款 {paid_out} 元，差额 {} 元。",
                        paid_out - claimed
                    ),
                ),
            };
            if !fires {
                if !repeated && !mismatch {
                    ok.add(claimed);
                }
                continue;
            }
            let code: &'static str = if code == "REFUND_DUPLICATE" {
                "REFUND_DUPLICATE"
            } else {
                "REFUND_AMOUNT_MISMATCH"
            };
            let mut d = ctx
                .finding(code)
                .order(order_no)
                .amounts(claimed, paid_out)
                .message(message);
            if sales.len() == 1 {
                d = d.refund(&first.refund_no);
            }
            if let Some(t) = payouts.last().map(|r| r.at()) {
                d = d.at(t);
            }
            for a in &sales {
                d = d.evidence(a.source, RecordKind::AfterSale);
            }
            for r in &payouts {
                d = r.cite(d);
            }
            sink.found(ctx, d);
        }
    }

    pub(super) fn refund_exceeds_paid(
        &self,
        ctx: &Ctx<'_>,
        e: Effective,
        sink: &mut Sink,
        ok: &mut Agreed,
    ) {
        for (o, order) in self.orders.iter().enumerate() {
            let oi = u32::try_from(o).unwrap_or(NONE);
            let sales: Vec<&AfterSale> = self
                .sales_of_order
                .members(oi)
                .iter()
                .map(|&s| self.after_sales[ix(s)])
                .filter(|a| a.refunded.get() > 0)
                .collect();
            if sales.is_empty() {
                continue;
            }
            let Some(paid) = order.paid() else { continue };
            let refunded: Fen = sales.iter().map(|a| a.refunded).sum();
            if refunded.get() - paid.get() > e.tolerance_for(paid.get()) {
                let mut d = ctx
                    .finding("REFUND_EXCEEDS_PAID")
                    .order(order.order_no())
                    .amounts(paid, refunded)
                    .evidence(order.source(), order.record_kind())
                    .message(format!(
                        "订单 {} 实付 {} 元，累计退款 {} 元（{} 笔售后），超出实付 {} 元。",
                        order.order_no(),
                        paid,
                        refunded,
                        sales.len(),
                        refunded - paid
                    ));
                if let Some(t) = sales.iter().filter_map(|a| a.completed_at).max() {
                    d = d.at(t);
                }
                for a in &sales {
                    d = d.evidence(a.source, RecordKind::AfterSale);
                }
                sink.found(ctx, d);
                continue;
            }
            if !self.line_refunds_exceed(ctx, e, *order, &sales, sink) {
                ok.add(refunded);
            }
        }
    }

    /// The line-level rule: Σ line refunds of a 子订单 (or 商家编码) > what the buyer paid for
    /// that line after discount allocation. Returns whether a finding was made.
    fn line_refunds_exceed(
        &self,
        ctx: &Ctx<'_>,
        e: Effective,
        order: OrderRef<'a>,
        sales: &[&'a AfterSale],
        sink: &mut Sink,
    ) -> bool {
        let lines = order.lines();
        if lines.is_empty() {
            return false;
        }
        // Line key: 子订单号 where both sides have it, else 商家编码.
        let key_of_line = |l: &'a OrderLine| -> Option<&'a str> {
            non_empty(l.sub_order_no.as_deref()).or_else(|| non_empty(l.sku.as_deref()))
        };
        let mut refunded: HashMap<&str, (Fen, Vec<SourceRef>)> = HashMap::new();
        for a in sales {
            for l in &a.lines {
                let (Some(refund), Some(key)) = (
                    l.refund,
                    non_empty(l.sub_order_no.as_deref()).or_else(|| non_empty(l.sku.as_deref())),
                ) else {
                    continue;
                };
                let entry = refunded.entry(key).or_insert((Fen::ZERO, Vec::new()));
                entry.0 += refund;
                entry.1.push(a.source);
            }
        }
        if refunded.is_empty() {
            return false;
        }
        let mut paid: HashMap<&str, (Fen, Option<&str>, SourceRef)> = HashMap::new();
        for l in lines {
            let (Some(key), Some(p)) = (key_of_line(l), l.paid) else {
                continue;
            };
            let entry = paid
                .entry(key)
                .or_insert((Fen::ZERO, l.sku.as_deref(), l.source));
            entry.0 += p;
        }
        // A line's paid is its goods money; a refund of the line may give back the order's
        // freight with it (抖店 refund_amount 含运费), which the buyer paid too.
        let freight = order.postage().unwrap_or(Fen::ZERO);
        let mut keys: Vec<&&str> = refunded.keys().collect();
        keys.sort();
        let mut any = false;
        for key in keys {
            let (Some((goods_paid, sku, line_source)), Some((line_refunded, sources))) =
                (paid.get(*key), refunded.get(*key))
            else {
                continue;
            };
            let line_paid = *goods_paid + freight;
            if line_refunded.get() - line_paid.get() <= e.tolerance_for(line_paid.get()) {
                continue;
            }
            any = true;
            let mut d = ctx
                .finding("REFUND_EXCEEDS_PAID")
                .order(order.order_no())
                .amounts(line_paid, *line_refunded)
                .evidence(order.source(), order.record_kind())
                .evidence(*line_source, order.record_kind())
                .message(format!(
                    "订单 {} 的商品行 {} 实付 {} 元{}，累计退款 {} 元，超出实付 {} 元。",
                    order.order_no(),
                    key,
                    line_paid,
                    if freight.is_zero() {
                        String::new()
                    } else {
                        format!("（含订单运费 {freight} 元）")
                    },
                    line_refunded,
                    *line_refunded - line_paid
                ));
            if let Some(s) = sku {
                d = d.sku(s);
            }
            for s in sources {
                d = d.evidence(*s, RecordKind::AfterSale);
            }
            sink.found(ctx, d);
        }
        any
    }
}
