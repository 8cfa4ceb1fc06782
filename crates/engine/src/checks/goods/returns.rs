//! Returned goods against the warehouse: RETURN_NOT_RECEIVED, RECEIVED_NOT_REFUNDED,
//! RETURN_MISMATCH.

use duizhang_core::*;

use super::{
    AfterSaleView, AfterSales, add_qty, key, line_sku, orders_by_key, qty_of, settle, signed,
};
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
/// closed one, nothing is owed. An after-sale that names its goods without a quantity
/// (Taobao's 退款报表: one row per sub-order) is compared on the SKU, and on the quantity its
/// order line gives (see [`expected_returns`]).
pub fn return_mismatch(ctx: &Ctx<'_>, sink: &mut Sink) {
    const CODE: &str = "RETURN_MISMATCH";
    let orders = orders_by_key(ctx);
    let views = AfterSales::new(ctx);
    let receipts = receipts_of(ctx, &views);
    for (v, received) in views.list.iter().zip(&receipts) {
        let a = v.rec;
        if !takes_goods_back(a.kind) || received.is_empty() {
            continue;
        }
        let order = orders.get(v.order_key()).copied();
        let Some(expected) = expected_returns(v, order) else {
            continue;
        };
        let mut got: Vec<(&str, i64)> = Vec::new();
        for r in received {
            add_qty(&mut got, &r.sku, r.quantity);
        }
        let completed = a.status == AfterSaleStatus::Completed;
        let mut clean = true;
        for (sku, want) in &expected {
            let have = qty_of(&got, sku);
            let Some(gap) = want.mismatch(have, completed) else {
                continue;
            };
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
                    "{} {}（订单 {}）商家编码 {sku} 应退回 {}，实际入库 {have} 件，{gap}。{}",
                    a.kind.zh(),
                    a.refund_no,
                    a.order_no,
                    want.zh(),
                    want.basis()
                ));
            sink.found(ctx, with_receipts(v.evidence(d), &these));
        }
        for (sku, have) in &got {
            if expected.iter().any(|(s, _)| s == sku) {
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
                        .map(|(s, n)| format!("{s} {}", n.zh()))
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

/// How many units of a SKU an after-sale takes back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Returned {
    /// Stated by the after-sale.
    Stated(i64),
    /// Not stated; the after-sale refunds all its order line cost, so all the line's units.
    WholeLine(i64),
    /// Not stated; the refund is below what the order line cost (or that cost is unknown), so
    /// some of the line's units, never more.
    PartOfLine(i64),
    /// Not stated, and no order of the shop holds the SKU: only the SKU can be compared.
    Unknown,
}

impl Returned {
    /// What is wrong with `have` units received, if anything. A short receipt counts only
    /// once the refund is done: before that, the rest may still be on its way.
    fn mismatch(self, have: i64, completed: bool) -> Option<String> {
        match self {
            Returned::Stated(want) | Returned::WholeLine(want) => {
                let short_but_owed = have < want && completed;
                (have > want || short_but_owed).then(|| format!("差 {} 件", signed(have - want)))
            }
            Returned::PartOfLine(most) if have > most => Some(format!("多 {} 件", have - most)),
            Returned::PartOfLine(_) | Returned::Unknown if have == 0 && completed => {
                Some("该商品一件也未退回".to_string())
            }
            Returned::PartOfLine(_) | Returned::Unknown => None,
        }
    }

    /// Two lines of one after-sale for the same SKU: quantities add up only when both are
    /// stated; lines without one point at the same order line.
    fn plus(self, other: Returned) -> Returned {
        match (self, other) {
            (Returned::Stated(a), Returned::Stated(b)) => Returned::Stated(a + b),
            (Returned::WholeLine(n), _) | (_, Returned::WholeLine(n)) => Returned::WholeLine(n),
            (Returned::PartOfLine(n), _) | (_, Returned::PartOfLine(n)) => Returned::PartOfLine(n),
            _ => Returned::Unknown,
        }
    }

    fn zh(self) -> String {
        match self {
            Returned::Stated(n) | Returned::WholeLine(n) => format!("{n} 件"),
            Returned::PartOfLine(n) => format!("至多 {n} 件"),
            Returned::Unknown => "（数量未知）".to_string(),
        }
    }

    /// Where the expected quantity comes from, when the after-sale does not state it.
    fn basis(self) -> &'static str {
        match self {
            Returned::Stated(_) => "",
            Returned::WholeLine(_) => "（售后单未写数量，退款等于该商品实付，按订单下单数量计。）",
            Returned::PartOfLine(_) => {
                "（售后单未写数量，退款少于该商品实付或实付不明，至多为订单下单数量。）"
            }
            Returned::Unknown => "（售后单未写数量，且没有该订单的商品明细，只核对商家编码。）",
        }
    }
}

/// What the after-sale takes back, per SKU, in first-seen order; `None` when a line names no
/// SKU (nothing to compare). A line without a quantity (Taobao's 退款报表) takes its quantity
/// from the order's line of that SKU: all of it when the refund reaches what the buyer paid
/// for the goods refunded (the after-sale's own 实付, else the order line's), at most all of it
/// otherwise; without that order line only the SKU is compared.
fn expected_returns<'a>(
    v: &AfterSaleView<'a>,
    order: Option<&'a Order>,
) -> Option<Vec<(&'a str, Returned)>> {
    let a = v.rec;
    let lines: Vec<&AfterSaleLine> = v.lines().collect();
    let refund = if a.refunded.get() > 0 {
        a.refunded
    } else {
        a.requested.unwrap_or(Fen::ZERO)
    };
    let mut out: Vec<(&'a str, Returned)> = Vec::new();
    for l in &lines {
        let sku = line_sku(l, order)?;
        let this = match l.quantity {
            Some(q) => Returned::Stated(q),
            None => {
                let ordered = order.map(|o| {
                    o.lines
                        .iter()
                        .filter(|ol| ol.sku.as_deref() == Some(sku))
                        .fold((0i64, Some(Fen::ZERO)), |(q, paid), ol| {
                            (q + ol.quantity, paid.zip(ol.paid).map(|(s, p)| s + p))
                        })
                });
                match ordered {
                    Some((units, line_paid)) if units > 0 => {
                        let cost = if lines.len() == 1 { a.paid } else { None }.or(line_paid);
                        if cost.is_some_and(|c| refund >= c) {
                            Returned::WholeLine(units)
                        } else {
                            Returned::PartOfLine(units)
                        }
                    }
                    _ => Returned::Unknown,
                }
            }
        };
        match out.iter_mut().find(|(s, _)| *s == sku) {
            Some((_, total)) => *total = total.plus(this),
            None => out.push((sku, this)),
        }
    }
    Some(out).filter(|e| !e.is_empty())
}

fn latest(receipts: &[&ReturnReceipt]) -> Option<BeijingTime> {
    receipts.iter().map(|r| r.received_at).max()
}
