//! Fees: FEE_MISMATCH.

use duizhang_core::*;

use std::collections::BTreeMap;

use super::view::{Money, MoneyRow, is_goods_money};
use super::{Agreed, ix, order_ref};
use crate::matching::NONE;
use crate::{Ctx, Effective, Sink};

impl<'a> Money<'a> {
    pub(super) fn fee_mismatch(
        &self,
        ctx: &Ctx<'_>,
        e: Effective,
        sink: &mut Sink,
        ok: &mut Agreed,
    ) {
        let payment_rate = configured_rate(ctx, FlowKind::Fee);
        // Rows that repeat one event's fee are FLOW_DUPLICATE's: the order's fees are judged
        // without them, so a fee deducted twice is one finding.
        let mut repeated = vec![false; self.flows.len()];
        // Fund-flow fees are judged only against a configured rate.
        if payment_rate.is_some() || configured_rate(ctx, FlowKind::Commission).is_some() {
            for group in self.repeated_events(ctx) {
                for &f in group.extra() {
                    repeated[ix(f)] = true;
                }
            }
        }

        // The payment bill states each row's fee (and usually its rate).
        let mut billed = vec![false; self.orders.len()];
        for p in &self.payments {
            if let Some(o) = order_ref(p.out_trade_no.as_deref()).and_then(|k| self.index.get(k)) {
                billed[ix(o)] = true;
            }
            // A refund returns a fee only where the bill says at which rate (WeChat); a
            // configured rate says nothing about refunds.
            let rate = match p.kind {
                PaymentKind::Refund => p.rate,
                _ => p.rate.or(payment_rate),
            };
            let Some(rate) = rate else { continue };
            let base = match p.kind {
                PaymentKind::Payment => p.settled,
                PaymentKind::Refund => -p.refund.abs(),
                PaymentKind::Revoked => continue,
            };
            let expected = rate.apply(base);
            self.fee_finding(
                ctx,
                sink,
                ok,
                FeeCase {
                    what: "支付手续费",
                    // The bill names the payment (商户订单号); the finding names the order.
                    order: order_ref(p.out_trade_no.as_deref()).map(|k| {
                        self.index
                            .get(k)
                            .map_or(k, |o| self.orders[ix(o)].order_no())
                    }),
                    txn: Some(&p.txn_no),
                    rate,
                    base,
                    expected,
                    actual: p.fee,
                    tolerance: e.tolerance_for(base.get()),
                    at: p.occurred_at,
                    evidence: vec![(p.source, RecordKind::Payment)],
                },
            );
        }

        // Fee and commission rows of the fund flow, per order, against the configured rates.
        for (o, order) in self.orders.iter().enumerate() {
            let oi = u32::try_from(o).unwrap_or(NONE);
            let members = self.rows_of_order.members(oi);
            if members.is_empty() {
                continue;
            }
            let base: Fen = self.income_rows(oi).map(MoneyRow::amount).sum();
            if base.get() <= 0 {
                continue;
            }
            for (kind, what) in [(FlowKind::Fee, "手续费"), (FlowKind::Commission, "佣金")] {
                if kind == FlowKind::Fee && billed[o] {
                    continue;
                }
                let Some(rate) = configured_rate(ctx, kind) else {
                    continue;
                };
                let rows: Vec<MoneyRow> = members
                    .iter()
                    .filter(|&&r| !repeated.get(ix(r)).copied().unwrap_or(false))
                    .map(|&r| self.rows[ix(r)])
                    .filter(|r| matches!(r, MoneyRow::Flow(_)) && r.kind() == kind)
                    .collect();
                if rows.is_empty() {
                    continue;
                }
                let actual: Fen = rows.iter().map(|r| -r.amount()).sum();
                // Each line's fee is rounded on its own: up to 1 分 per line (or per row,
                // where the order file has no lines).
                let lines = order.lines().len().max(rows.len());
                let n = i64::try_from(lines).unwrap_or(i64::MAX);
                let mut evidence = vec![(order.source(), order.record_kind())];
                evidence.extend(self.income_rows(oi).map(|r| (r.source(), r.record_kind())));
                evidence.extend(rows.iter().map(|r| (r.source(), r.record_kind())));
                self.fee_finding(
                    ctx,
                    sink,
                    ok,
                    FeeCase {
                        what,
                        order: Some(order.order_no()),
                        txn: None,
                        rate,
                        base,
                        expected: rate.apply(base),
                        actual,
                        tolerance: e.tolerance_for(base.get()).max(n),
                        at: rows.last().map_or(ctx.cut_off, |r| r.at()),
                        evidence,
                    },
                );
            }
        }
        self.statement_commissions(ctx, e, sink, ok);
    }

    /// Commissions a settlement statement deducts (佣金 rows), per order and rate, against the
    /// goods money (货款) they are charged on: at the rate the statement states for its rows
    /// (京东 对账表 佣金比例), else the configured commission rate. Each row's commission is
    /// rounded on its own: up to 1 分 per goods row. Refunds clawed back and the commission
    /// given back on them net out in both sums.
    fn statement_commissions(&self, ctx: &Ctx<'_>, e: Effective, sink: &mut Sink, ok: &mut Agreed) {
        let configured = configured_rate(ctx, FlowKind::Commission);
        #[derive(Default)]
        struct Charged {
            base: i64,
            goods_rows: i64,
            commission: i64,
            charged: bool,
            at: Option<BeijingTime>,
            evidence: Vec<(SourceRef, RecordKind)>,
        }
        let mut by_order: BTreeMap<(&str, RatePpm), Charged> = BTreeMap::new();
        for s in &self.settlements {
            let goods = is_goods_money(s);
            // The commission itself: rebates and other items named after it (广告联合活动降扣
            // 佣金) are not charged at the 佣金比例.
            let commission = s.kind == FlowKind::Commission && s.item.trim() == "佣金";
            if !goods && !commission {
                continue;
            }
            let Some(rate) = s.rate.or(configured) else {
                continue;
            };
            let c = by_order
                .entry((normalize_order_no(&s.order_no), rate))
                .or_default();
            if goods {
                c.base += s.amount.get();
                c.goods_rows += 1;
            } else {
                c.commission -= s.amount.get();
                c.charged = true;
            }
            c.at = c.at.max(s.settled_at);
            c.evidence.push((s.source, RecordKind::Settlement));
        }
        for ((order, rate), c) in by_order {
            if !c.charged {
                continue;
            }
            let base = Fen::new(c.base);
            self.fee_finding(
                ctx,
                sink,
                ok,
                FeeCase {
                    what: "佣金",
                    order: Some(order),
                    txn: None,
                    rate,
                    base,
                    expected: rate.apply(base),
                    actual: Fen::new(c.commission),
                    tolerance: e.tolerance_for(c.base).max(c.goods_rows),
                    at: c.at.unwrap_or(ctx.cut_off),
                    evidence: c.evidence,
                },
            );
        }
    }

    fn fee_finding(&self, ctx: &Ctx<'_>, sink: &mut Sink, ok: &mut Agreed, c: FeeCase<'_>) {
        if (c.actual - c.expected).get().abs() <= c.tolerance {
            ok.add(c.actual);
            return;
        }
        let mut d = ctx
            .finding("FEE_MISMATCH")
            .amounts(c.expected, c.actual)
            .at(c.at)
            .message(format!(
                "{}{}的{}按费率 {} × {} 元应为 {} 元，实际 {} 元，差额 {} 元。",
                c.order.map_or_else(String::new, |o| format!("订单 {o} ")),
                c.txn.map_or_else(String::new, |t| format!("（交易 {t}）")),
                c.what,
                c.rate,
                c.base,
                c.expected,
                c.actual,
                c.actual - c.expected
            ));
        if let Some(o) = c.order {
            d = d.order(o);
        }
        if let Some(t) = c.txn {
            d = d.txn(t);
        }
        for (s, k) in c.evidence {
            d = d.evidence(s, k);
        }
        sink.found(ctx, d);
    }
}

/// The shop's configured rate of a kind of fund-flow row: `payment_fee_rate` for fees,
/// `commission_rate` for commissions.
pub(super) fn configured_rate(ctx: &Ctx<'_>, kind: FlowKind) -> Option<RatePpm> {
    let shop = ctx.settings.shop(&ctx.shop.id)?;
    let text = match kind {
        FlowKind::Fee => shop.payment_fee_rate.as_ref(),
        FlowKind::Commission => shop.commission_rate.as_ref(),
        _ => None,
    }?;
    RatePpm::parse(text).ok()
}

struct FeeCase<'x> {
    what: &'static str,
    order: Option<&'x str>,
    txn: Option<&'x str>,
    rate: RatePpm,
    base: Fen,
    expected: Fen,
    actual: Fen,
    tolerance: i64,
    at: BeijingTime,
    evidence: Vec<(SourceRef, RecordKind)>,
}
