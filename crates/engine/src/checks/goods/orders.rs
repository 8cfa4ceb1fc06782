//! Order amounts, discounts and status: ORDER_AMOUNT_ERROR, DISCOUNT_ALLOCATION_ERROR,
//! DISCOUNT_EXCESSIVE, STATUS_MISMATCH.

use duizhang_core::*;
use foldhash::HashSet;

use super::{key, latest_erp_orders, per_line_tolerance, settle, signed_fen, sku_label};
use crate::{Ctx, Sink};

/// An order's money as one source states it: a platform order, or an ERP order of a shop whose
/// orders live only in the ERP (direct payment).
struct Money<'a> {
    order_no: &'a str,
    goods: Option<Fen>,
    postage: Option<Fen>,
    /// Σ of the discounts the file states; `None` when it states none.
    discount: Option<Fen>,
    paid: Option<Fen>,
    at: Option<BeijingTime>,
    source: SourceRef,
    kind: RecordKind,
    lines: &'a [OrderLine],
}

fn total_discount(o: &Order) -> Option<Fen> {
    let parts = [o.seller_discount, o.platform_discount, o.other_discount];
    if parts.iter().all(Option::is_none) {
        return None;
    }
    Some(parts.into_iter().flatten().sum())
}

fn of_order(o: &Order) -> Money<'_> {
    Money {
        order_no: &o.order_no,
        goods: o.goods,
        postage: o.postage,
        discount: total_discount(o),
        paid: o.paid,
        at: o.paid_at.or(o.created_at),
        source: o.source,
        kind: RecordKind::Order,
        lines: &o.lines,
    }
}

fn of_erp(e: &ErpOrder) -> Money<'_> {
    Money {
        order_no: &e.order_no,
        goods: e.goods,
        postage: e.postage,
        discount: e.discount,
        paid: e.paid,
        at: e.paid_at.or(Some(e.updated_at)),
        source: e.source,
        kind: RecordKind::ErpOrder,
        lines: &[],
    }
}

/// Whether money changed hands: unpaid and cancelled orders state amounts nobody paid (some
/// exports write 实付 0 beside the goods total).
fn was_paid(o: &Order) -> bool {
    !matches!(o.status, OrderStatus::Unpaid | OrderStatus::Cancelled)
}

/// The orders whose amounts the shop has: every paid platform order, then the ERP orders that
/// carry money and have no platform order (direct-payment shops), latest ERP record each.
fn money_of<'a>(ctx: &Ctx<'a>) -> Vec<Money<'a>> {
    let mut out: Vec<Money<'a>> = ctx
        .shop
        .orders
        .iter()
        .copied()
        .filter(|o| was_paid(o))
        .map(of_order)
        .collect();
    let platform: HashSet<&str> = ctx.shop.orders.iter().map(|o| key(&o.order_no)).collect();
    let (erp, _) = latest_erp_orders(ctx);
    out.extend(
        erp.into_iter()
            .filter(|e| {
                e.paid.is_some()
                    && e.status != ErpOrderStatus::Cancelled
                    && !platform.contains(key(&e.order_no))
            })
            .map(of_erp),
    );
    out
}

/// Goods + postage − all discounts = paid, on every order and every order line whose amounts
/// the file states (a missing amount is not a mismatch: such an order is not compared).
pub fn order_amount_error(ctx: &Ctx<'_>, sink: &mut Sink) {
    const CODE: &str = "ORDER_AMOUNT_ERROR";
    let Some(e) = ctx.check(CODE) else {
        return;
    };
    for m in money_of(ctx) {
        let lines = m.lines;
        let mut compared = false;
        let mut agrees = true;
        let mut order_finding = None;
        let mut line_findings = Vec::new();
        let mut lines_diff = Fen::ZERO;
        if let (Some(goods), Some(postage), Some(discount), Some(paid)) =
            (m.goods, m.postage, m.discount, m.paid)
        {
            compared = true;
            let expected = goods + postage - discount;
            let diff = paid - expected;
            if diff.get().abs() > per_line_tolerance(&e, paid, lines.len()) {
                agrees = false;
                let mut d = ctx
                    .finding(CODE)
                    .order(m.order_no)
                    .amounts(expected, paid)
                    .message(format!(
                        "订单 {} 金额计算不符：商品金额 {goods} 元 + 运费 {postage} 元 − 优惠合计 {discount} 元 = {expected} 元，实付却为 {paid} 元，差 {} 元。",
                        m.order_no,
                        signed_fen(diff)
                    ))
                    .evidence(m.source, m.kind);
                if let Some(t) = m.at {
                    d = d.at(t);
                }
                order_finding = Some((diff, d));
            }
        }
        for l in lines {
            let (Some(goods), Some(discount), Some(paid)) = (l.goods, l.discount, l.paid) else {
                continue;
            };
            compared = true;
            let expected = goods - discount;
            let diff = paid - expected;
            if diff.get().abs() > e.tolerance_for(paid.get()) {
                agrees = false;
                let sku = sku_label(l.sku.as_deref());
                let mut d = ctx
                    .finding(CODE)
                    .order(m.order_no)
                    .amounts(expected, paid)
                    .message(format!(
                        "订单 {} 商家编码 {sku} 的子订单金额计算不符：商品金额 {goods} 元 − 分摊优惠 {discount} 元 = {expected} 元，子订单实付却为 {paid} 元，差 {} 元。",
                        m.order_no,
                        signed_fen(diff)
                    ))
                    .evidence(m.source, m.kind)
                    .evidence(l.source, RecordKind::Order);
                if let Some(s) = l.sku.as_deref() {
                    d = d.sku(s);
                }
                if let Some(t) = m.at {
                    d = d.at(t);
                }
                lines_diff += diff;
                line_findings.push(d);
            }
        }
        // One error, one finding: the only line of an order is the order, told once at the
        // order; an order whose difference is exactly its lines' is told line by line.
        match order_finding {
            Some((_, d)) if lines.len() <= 1 => {
                sink.found(ctx, d);
                line_findings.clear();
            }
            Some((diff, d)) if diff != lines_diff || line_findings.is_empty() => sink.found(ctx, d),
            _ => {}
        }
        for d in line_findings {
            sink.found(ctx, d);
        }
        if compared && agrees {
            sink.matched(CODE, m.paid.unwrap_or(Fen::ZERO));
        }
    }
}

/// Σ line discounts = order discount, and Σ line paid = order paid − postage (platforms
/// allocate the postage to no line).
pub fn discount_allocation_error(ctx: &Ctx<'_>, sink: &mut Sink) {
    const CODE: &str = "DISCOUNT_ALLOCATION_ERROR";
    let Some(e) = ctx.check(CODE) else {
        return;
    };
    for o in &ctx.shop.orders {
        if o.lines.is_empty() || !was_paid(o) {
            continue;
        }
        let n = o.lines.len();
        let sum = |f: fn(&OrderLine) -> Option<Fen>| -> Option<Fen> {
            o.lines.iter().map(f).sum::<Option<Fen>>()
        };
        // (what, order side, Σ lines) for each comparison the file's amounts allow.
        let mut parts: Vec<(&str, Fen, Fen)> = Vec::new();
        if let (Some(order_discount), Some(lines_discount)) =
            (total_discount(o), sum(|l| l.discount))
        {
            parts.push(("优惠", order_discount, lines_discount));
        }
        if let (Some(paid), Some(postage), Some(lines_paid)) = (o.paid, o.postage, sum(|l| l.paid))
        {
            parts.push(("实付（不含运费）", paid - postage, lines_paid));
        }
        if parts.is_empty() {
            continue;
        }
        let base = o.paid.unwrap_or(Fen::ZERO);
        let tolerance = per_line_tolerance(&e, base, n);
        let wrong: Vec<&(&str, Fen, Fen)> = parts
            .iter()
            .filter(|(_, order, lines)| (lines.get() - order.get()).abs() > tolerance)
            .collect();
        let Some((_, first_order, first_lines)) = wrong.first().copied() else {
            sink.matched(CODE, base);
            continue;
        };
        let detail: Vec<String> = wrong
            .iter()
            .map(|(what, order, lines)| {
                format!(
                    "订单{what} {order} 元，{n} 个子订单合计 {lines} 元，差 {} 元",
                    signed_fen(*lines - *order)
                )
            })
            .collect();
        let mut d = ctx
            .finding(CODE)
            .order(&o.order_no)
            .amounts(*first_order, *first_lines)
            .message(format!(
                "订单 {} 优惠分摊不符：{}。",
                o.order_no,
                detail.join("；")
            ))
            .evidence(o.source, RecordKind::Order);
        for l in &o.lines {
            d = d.evidence(l.source, RecordKind::Order);
        }
        if let Some(t) = o.paid_at.or(o.created_at) {
            d = d.at(t);
        }
        sink.found(ctx, d);
    }
}

/// Total discount / goods total above the configured limit (stacked coupons).
pub fn discount_excessive(ctx: &Ctx<'_>, sink: &mut Sink) {
    const CODE: &str = "DISCOUNT_EXCESSIVE";
    let Some(e) = ctx.check(CODE) else {
        return;
    };
    let limit = i128::from(e.limit_percent);
    for m in money_of(ctx) {
        let (Some(goods), Some(discount)) = (m.goods, m.discount) else {
            continue;
        };
        if goods.get() <= 0 {
            continue;
        }
        if i128::from(discount.get()) * 100 <= limit * i128::from(goods.get()) {
            sink.matched(CODE, discount);
            continue;
        }
        let allowed =
            Fen::new(i64::try_from(i128::from(goods.get()) * limit / 100).unwrap_or(i64::MAX));
        let basis_points = i128::from(discount.get()) * 10_000 / i128::from(goods.get());
        let mut d = ctx
            .finding(CODE)
            .order(m.order_no)
            .amounts(allowed, discount)
            .message(format!(
                "订单 {} 优惠合计 {discount} 元，占商品金额 {goods} 元的 {}.{:02}%，超过上限 {}%（{allowed} 元），超出 {} 元。",
                m.order_no,
                basis_points / 100,
                basis_points % 100,
                e.limit_percent,
                discount - allowed
            ))
            .evidence(m.source, m.kind);
        if let Some(t) = m.at {
            d = d.at(t);
        }
        sink.found(ctx, d);
    }
}

/// Refunded/closed on the platform but shipped/completed in the ERP, or shipped on the
/// platform but not in the ERP; after the grace window counted from the later of the two
/// records' last update.
pub fn status_mismatch(ctx: &Ctx<'_>, sink: &mut Sink) {
    const CODE: &str = "STATUS_MISMATCH";
    let Some(e) = ctx.check(CODE) else {
        return;
    };
    let (erp, index) = latest_erp_orders(ctx);
    for o in &ctx.shop.orders {
        let Some(er) = index.get(key(&o.order_no)).and_then(|i| erp.get(*i)) else {
            continue;
        };
        if o.status == OrderStatus::Unknown {
            continue;
        }
        let platform_closed = matches!(o.status, OrderStatus::Refunded | OrderStatus::Cancelled);
        let platform_shipped = matches!(o.status, OrderStatus::Shipped | OrderStatus::Finished);
        let erp_shipped = matches!(
            er.status,
            ErpOrderStatus::Shipped | ErpOrderStatus::Completed
        );
        // ERP 已退款 is left out: a partial refund after receipt leaves the platform order
        // 交易成功 while some ERPs mark the order refunded.
        let erp_unshipped = matches!(
            er.status,
            ErpOrderStatus::PendingReview
                | ErpOrderStatus::WaitingShipment
                | ErpOrderStatus::Cancelled
        );
        let what = if platform_closed && erp_shipped {
            "平台已关闭/退款而ERP仍为已发货/已完成，可能已退款仍发货"
        } else if platform_shipped && erp_unshipped {
            "平台已发货而ERP未出库，可能绕过ERP发货或ERP漏单"
        } else {
            sink.matched(CODE, o.paid.unwrap_or(Fen::ZERO));
            continue;
        };
        let platform_time = [o.created_at, o.paid_at, o.shipped_at, o.finished_at]
            .into_iter()
            .flatten()
            .max();
        let later = platform_time.map_or(er.updated_at, |t| t.max(er.updated_at));
        let due = later.plus_days(e.window_days);
        let d = ctx
            .finding(CODE)
            .order(&o.order_no)
            .at(later)
            .message(format!(
                "订单 {} 平台状态为“{}”（{}），ERP状态为“{}”（更新于 {}）：{}。",
                o.order_no,
                o.status_text,
                o.status.zh(),
                er.status.zh(),
                er.updated_at,
                what
            ))
            .evidence(o.source, RecordKind::Order)
            .evidence(er.source, RecordKind::ErpOrder);
        settle(ctx, sink, d, due);
    }
}
