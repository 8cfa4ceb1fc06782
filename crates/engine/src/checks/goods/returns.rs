//! Returned goods against the warehouse: RETURN_NOT_RECEIVED, RECEIVED_NOT_REFUNDED,
//! RETURN_MISMATCH.

use duizhang_core::*;

use super::{AfterSales, add_qty, key, qty_of, settle, signed};
use crate::{Ctx, Draft, Sink};

fn takes_goods_back(kind: AfterSaleKind) -> bool {
    matches!(
        kind,
        AfterSaleKind::ReturnAndRefund | AfterSaleKind::Exchange
    )
}

/// The return receipts of each after-sale (by index into `views.list`): by 售后单号; a receipt
/// whose 售后单号 names no after-sale of the shop (the ERP's own number, say) goes to its
/// order's after-sale that takes goods back, when the order has exactly one.
fn receipts_of<'a>(ctx: &Ctx<'a>, views: &AfterSales<'a>) -> Vec<Vec<&'a ReturnReceipt>> {
    let mut out: Vec<Vec<&'a ReturnReceipt>> = vec![Vec::new(); views.list.len()];
    for &r in &ctx.shop.return_receipts {
        let target = views.index_of(&r.refund_no).or_else(|| {
            let mut returns = views.indexes_of_order(key(&r.order_no)).filter(|i| {
                views
                    .list
                    .get(*i)
                    .is_some_and(|v| takes_goods_back(v.rec.kind))
            });
            match (returns.next(), returns.next()) {
                (Some(only), None) => Some(only),
                _ => None,
            }
        });
        if let Some(list) = target.and_then(|i| out.get_mut(i)) {
            list.push(r);
        }
    }
    out
}

fn with_receipts(mut d: Draft, receipts: &[&ReturnReceipt]) -> Draft {
    for r in receipts {
        d = d.evidence(r.source, RecordKind::ReturnReceipt);
    }
    d
}

/// A refunded 退货退款 with no return receipt once the window after the refund has passed.
pub fn return_not_received(ctx: &Ctx<'_>, sink: &mut Sink) {
    const CODE: &str = "RETURN_NOT_RECEIVED";
    let Some(e) = ctx.check(CODE) else {
        return;
    };
    let views = AfterSales::new(ctx);
    let receipts = receipts_of(ctx, &views);
    for (v, received) in views.list.iter().zip(&receipts) {
        let a = v.rec;
        if a.kind != AfterSaleKind::ReturnAndRefund
            || a.status != AfterSaleStatus::Completed
            || a.refunded.get() <= 0
        {
            continue;
        }
        if !received.is_empty() {
            sink.matched(CODE, a.refunded);
            continue;
        }
        let Some(done) = a.completed_at else {
            continue;
        };
        let due = done.plus_days(e.window_days);
        let d = ctx
            .finding(CODE)
            .order(&a.order_no)
            .refund(&a.refund_no)
            .amounts(a.refunded, Fen::ZERO)
            .at(done)
            .message(format!(
                "退货退款 {}（订单 {}）已于 {done} 退款 {} 元，截至 {} 仍无退货入库记录，时限为退款后 {} 天（{due}）。",
                a.refund_no, a.order_no, a.refunded, ctx.cut_off, e.window_days
            ));
        settle(ctx, sink, v.evidence(d), due);
    }
}

/// Returned goods received, and the 退货退款 still not refunded once the window after the
/// first receipt has passed.
pub fn received_not_refunded(ctx: &Ctx<'_>, sink: &mut Sink) {
    const CODE: &str = "RECEIVED_NOT_REFUNDED";
    let Some(e) = ctx.check(CODE) else {
        return;
    };
    let views = AfterSales::new(ctx);
    let receipts = receipts_of(ctx, &views);
    for (v, received) in views.list.iter().zip(&receipts) {
        let a = v.rec;
        if a.kind != AfterSaleKind::ReturnAndRefund {
            continue;
        }
        let Some(first) = received.iter().min_by_key(|r| (r.received_at, r.source)) else {
            continue;
        };
        if a.status == AfterSaleStatus::Completed {
            sink.matched(CODE, a.refunded);
            continue;
        }
        let due = first.received_at.plus_days(e.window_days);
        let quantity: i64 = received.iter().map(|r| r.quantity).sum();
        let d = ctx
            .finding(CODE)
            .order(&a.order_no)
            .refund(&a.refund_no)
            .at(first.received_at)
            .message(format!(
                "退货退款 {}（订单 {}）的退货已于 {} 入库 {quantity} 件，售后单仍为“{}”（{}），未完成退款，时限为入库后 {} 天（{due}）。",
                a.refund_no,
                a.order_no,
                first.received_at,
                a.status_text,
                a.status.zh(),
                e.window_days
            ));
        settle(ctx, sink, with_receipts(v.evidence(d), received), due);
    }
}

/// Received SKU or quantity ≠ what the after-sale's lines return. A short receipt of an
/// after-sale still open is a partial arrival (部分到货), not yet a mismatch; of a refused or
/// closed one, nothing is owed.
pub fn return_mismatch(ctx: &Ctx<'_>, sink: &mut Sink) {
    const CODE: &str = "RETURN_MISMATCH";
    let views = AfterSales::new(ctx);
    let receipts = receipts_of(ctx, &views);
    for (v, received) in views.list.iter().zip(&receipts) {
        let a = v.rec;
        if !takes_goods_back(a.kind) || received.is_empty() {
            continue;
        }
        let Some(expected) = v.quantities() else {
            continue;
        };
        let mut got: Vec<(&str, i64)> = Vec::new();
        for r in received {
            add_qty(&mut got, &r.sku, r.quantity);
        }
        let mut clean = true;
        for (sku, want) in &expected {
            let have = qty_of(&got, sku);
            let short_but_owed = have < *want && a.status == AfterSaleStatus::Completed;
            if have == *want || (have < *want && !short_but_owed) {
                continue;
            }
            clean = false;
            let these: Vec<&ReturnReceipt> =
                received.iter().copied().filter(|r| r.sku == *sku).collect();
            let d = ctx
                .finding(CODE)
                .order(&a.order_no)
                .refund(&a.refund_no)
                .sku(sku)
                .at(latest(&these).unwrap_or_else(|| a.completed_at.unwrap_or(ctx.cut_off)))
                .message(format!(
                    "{} {}（订单 {}）商家编码 {sku} 应退回 {want} 件，实际入库 {have} 件，差 {} 件。",
                    a.kind.zh(),
                    a.refund_no,
                    a.order_no,
                    signed(have - want)
                ));
            sink.found(ctx, with_receipts(v.evidence(d), &these));
        }
        let listed: Vec<&str> = expected.iter().map(|(s, _)| *s).collect();
        for (sku, have) in &got {
            if listed.contains(sku) {
                continue;
            }
            clean = false;
            let these: Vec<&ReturnReceipt> =
                received.iter().copied().filter(|r| r.sku == *sku).collect();
            let d = ctx
                .finding(CODE)
                .order(&a.order_no)
                .refund(&a.refund_no)
                .sku(sku)
                .at(latest(&these).unwrap_or(ctx.cut_off))
                .message(format!(
                    "{} {}（订单 {}）入库了售后单未列的商家编码 {sku} 共 {have} 件（{} 张入库单），售后单退回的是 {}。",
                    a.kind.zh(),
                    a.refund_no,
                    a.order_no,
                    these.len(),
                    expected
                        .iter()
                        .map(|(s, n)| format!("{s} {n} 件"))
                        .collect::<Vec<_>>()
                        .join("、")
                ));
            sink.found(ctx, with_receipts(v.evidence(d), &these));
        }
        if clean {
            sink.matched(CODE, a.refunded);
        }
    }
}

fn latest(receipts: &[&ReturnReceipt]) -> Option<BeijingTime> {
    receipts.iter().map(|r| r.received_at).max()
}
