//! Goods leaving the warehouse: SHIPPED_AFTER_REFUND, DUPLICATE_SHIPMENT, RESHIP_UNLINKED,
//! REFUND_ONLY_SHIPPED, EXCHANGE_OPEN.

use duizhang_core::*;
use foldhash::{HashMap, HashMapExt, HashSet};

use super::{
    AfterSaleView, AfterSales, Shipments, add_qty, key, line_sku, ordered_quantities,
    orders_by_key, qty_of, settle,
};
use crate::{Ctx, Draft, Sink};

fn is_reship(kind: ShipmentKind) -> bool {
    matches!(kind, ShipmentKind::Reship | ShipmentKind::Exchange)
}

fn is_reship_sale(kind: AfterSaleKind) -> bool {
    matches!(kind, AfterSaleKind::Reship | AfterSaleKind::Exchange)
}

/// Agreed to (not waiting for review, not refused or closed).
fn approved(status: AfterSaleStatus) -> bool {
    !matches!(
        status,
        AfterSaleStatus::PendingReview | AfterSaleStatus::Rejected | AfterSaleStatus::Closed
    )
}

fn with_shipments(mut d: Draft, ships: &[&Shipment]) -> Draft {
    for s in ships {
        d = d.evidence(s.source, RecordKind::Shipment);
    }
    d
}

fn with_order_lines(mut d: Draft, order: &Order, sku: Option<&str>) -> Draft {
    d = d.evidence(order.source, RecordKind::Order);
    for l in &order.lines {
        if sku.is_none() || l.sku.as_deref() == sku {
            d = d.evidence(l.source, RecordKind::Order);
        }
    }
    d
}

fn total(ships: &[&Shipment]) -> i64 {
    ships.iter().map(|s| s.quantity).sum()
}

fn earliest<'a>(ships: &[&'a Shipment]) -> Option<&'a Shipment> {
    ships
        .iter()
        .copied()
        .min_by_key(|s| (s.shipped_at, s.source))
}

/// The SKUs an after-sale's lines are about, with the quantity when every line of the SKU
/// states it.
fn refunded_lines<'a>(
    v: &AfterSaleView<'a>,
    order: Option<&'a Order>,
) -> Vec<(&'a str, Option<i64>)> {
    let mut out: Vec<(&'a str, Option<i64>)> = Vec::new();
    for l in v.lines() {
        let Some(sku) = line_sku(l, order) else {
            continue;
        };
        match out.iter_mut().find(|(s, _)| *s == sku) {
            Some((_, q)) => *q = q.zip(l.quantity).map(|(a, b)| a + b),
            None => out.push((sku, l.quantity)),
        }
    }
    out
}

/// What says that an after-sale refunded goods before they were shipped.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BeforeShipment {
    /// The platform says so: 售中 on Taobao's 退款报表, 未发货仅退款 / 取消 on Douyin (both
    /// read as the 售中 phase).
    Stated,
    /// No record of the after-sale states a phase (an ERP's 售后单, Pinduoduo): a 仅退款
    /// completed while no shipment of its order had gone out, by the ERP's shipments and the
    /// platform order's 发货时间.
    NothingShippedYet,
}

impl BeforeShipment {
    fn of(
        v: &AfterSaleView<'_>,
        order: Option<&Order>,
        order_ships: &[&Shipment],
        done: BeijingTime,
    ) -> Option<BeforeShipment> {
        // Goods to send back mean goods shipped: Taobao's 售中 runs until 确认收货, and a
        // 售中 退货退款 is a return.
        if v.rec.kind != AfterSaleKind::RefundOnly {
            return None;
        }
        match v.phase() {
            Some(AfterSalePhase::OnSale) => Some(BeforeShipment::Stated),
            Some(AfterSalePhase::AfterSale) => None,
            None => {
                let shipped_before = order_ships.iter().any(|s| s.shipped_at <= done)
                    || order.and_then(|o| o.shipped_at).is_some_and(|t| t <= done);
                (!shipped_before).then_some(BeforeShipment::NothingShippedYet)
            }
        }
    }

    fn zh(self) -> &'static str {
        match self {
            BeforeShipment::Stated => "售中退款",
            BeforeShipment::NothingShippedYet => "发货前仅退款",
        }
    }
}

/// Whether the refund took back the whole order: the platform closed it (交易关闭 / 已取消),
/// or the refund reaches what the buyer paid.
fn refunds_whole_order(a: &AfterSale, order: Option<&Order>) -> bool {
    order.is_some_and(|o| {
        matches!(o.status, OrderStatus::Refunded | OrderStatus::Cancelled)
            || o.paid.is_some_and(|p| p.get() > 0 && a.refunded >= p)
    })
}

/// For an after-sale line that states no quantity: whether the refund reaches what the buyer
/// paid for the SKU's goods (the after-sale's own 实付 when it is about this SKU alone, else
/// the order's lines of the SKU); `None` when neither amount is known. A refund below it is a
/// refund of money (a price difference, a missing gift), and the goods are still owed.
fn refunds_whole_line(
    a: &AfterSale,
    order: Option<&Order>,
    sku: &str,
    only_sku: bool,
) -> Option<bool> {
    if refunds_whole_order(a, order) {
        return Some(true);
    }
    let line_paid = order.and_then(|o| {
        let mut lines = o
            .lines
            .iter()
            .filter(|l| l.sku.as_deref() == Some(sku))
            .peekable();
        lines.peek()?;
        lines.try_fold(Fen::ZERO, |sum, l| l.paid.map(|p| sum + p))
    });
    let cost = if only_sku { a.paid } else { None }.or(line_paid)?;
    Some(a.refunded >= cost)
}

/// Shipments of a line after a refund of it before shipment completed (see [`BeforeShipment`]),
/// beyond the units of the line the refund did not cover.
pub fn shipped_after_refund(ctx: &Ctx<'_>, sink: &mut Sink) {
    const CODE: &str = "SHIPPED_AFTER_REFUND";
    let orders = orders_by_key(ctx);
    let ships = Shipments::new(ctx);
    let views = AfterSales::new(ctx);
    for v in &views.list {
        let a = v.rec;
        if a.status != AfterSaleStatus::Completed || a.refunded.get() <= 0 {
            continue;
        }
        let Some(done) = a.completed_at else {
            continue;
        };
        let order = orders.get(v.order_key()).copied();
        let order_ships = ships.of_order(v.order_key());
        let Some(basis) = BeforeShipment::of(v, order, &order_ships, done) else {
            continue;
        };
        let mut targets = refunded_lines(v, order);
        if targets.is_empty() {
            // Without goods lines only a refund of the whole order says which goods it covers.
            if !refunds_whole_order(a, order) {
                continue;
            }
            for s in &order_ships {
                if !targets.iter().any(|(k, _)| *k == s.sku.as_str()) {
                    targets.push((s.sku.as_str(), None));
                }
            }
        }
        let only_sku = targets.len() == 1;
        let ordered = order.and_then(ordered_quantities);
        let mut clean = true;
        for (sku, refunded_qty) in targets {
            // A line without a quantity is refunded whole when the money says so; where the
            // money is unknown, only the platform's own 售中 is taken to cover the line.
            if refunded_qty.is_none() {
                let whole = refunds_whole_line(a, order, sku, only_sku)
                    .unwrap_or(basis == BeforeShipment::Stated);
                if !whole {
                    continue;
                }
            }
            let line: Vec<&Shipment> = order_ships
                .iter()
                .copied()
                .filter(|s| s.sku == sku)
                .collect();
            let before: i64 = line
                .iter()
                .filter(|s| s.shipped_at <= done)
                .map(|s| s.quantity)
                .sum();
            let late: Vec<&Shipment> = line
                .iter()
                .copied()
                .filter(|s| s.shipped_at > done)
                .collect();
            let late_qty = total(&late);
            // Units of the line the refund did not cover may still go out; without both
            // quantities the refund covers the whole line.
            let allowed = match (ordered.as_ref().map(|o| qty_of(o, sku)), refunded_qty) {
                (Some(o), Some(r)) => (o - r - before).max(0),
                _ => 0,
            };
            let Some(first) = earliest(&late).filter(|_| late_qty > allowed) else {
                continue;
            };
            clean = false;
            let mut d = ctx
                .finding(CODE)
                .order(&a.order_no)
                .refund(&a.refund_no)
                .sku(sku)
                .at(first.shipped_at)
                .message(format!(
                    "{} {}（订单 {}，商家编码 {sku}）已于 {done} 退款成功，此后ERP仍发货 {late_qty} 件（最早 {}），退款后至多可发 {allowed} 件，多发 {} 件。",
                    basis.zh(),
                    a.refund_no,
                    a.order_no,
                    first.shipped_at,
                    late_qty - allowed
                ));
            d = with_shipments(v.evidence(d), &line);
            if let Some(o) = order {
                d = with_order_lines(d, o, Some(sku));
            }
            sink.found(ctx, d);
        }
        if clean {
            sink.matched(CODE, a.refunded);
        }
    }
}

/// Shipped quantity of an order line (order + SKU) above the ordered quantity plus approved
/// 补发/换货 quantities.
///
/// Shipments that name an approved 补发/换货 after-sale of the order (售后单号) are measured
/// against that after-sale's quantity; the others against the order line, plus the quantity
/// of approved 补发 after-sales of the SKU and of approved 换货 after-sales of the order (a
/// replacement may be another variant) that no shipment names. Orders whose lines are not all
/// known by SKU, and shipments of orders the shop has no platform order for (direct-payment
/// shops keep theirs only in the ERP, without quantities), are not compared: their ordered
/// quantity is unknown. An approved 补发/换货 that states no quantity and that no shipment names
/// leaves its order's excess unmeasurable, so such an order is not compared either.
pub fn duplicate_shipment(ctx: &Ctx<'_>, sink: &mut Sink) {
    const CODE: &str = "DUPLICATE_SHIPMENT";
    let orders = orders_by_key(ctx);
    let views = AfterSales::new(ctx);
    let mut groups: Vec<(&str, Vec<&Shipment>)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for &s in &ctx.shop.shipments {
        let k = key(&s.order_no);
        let i = *index.entry(k).or_insert_with(|| {
            groups.push((k, Vec::new()));
            groups.len() - 1
        });
        if let Some((_, list)) = groups.get_mut(i) {
            list.push(s);
        }
    }
    for (k, ships) in &groups {
        let Some(order) = orders.get(k).copied() else {
            continue;
        };
        if order.lines.is_empty() || order.lines.iter().any(|l| l.sku.is_none()) {
            continue;
        }
        let extra: Vec<&AfterSaleView<'_>> = views
            .of_order(k)
            .filter(|v| is_reship_sale(v.rec.kind) && approved(v.rec.status))
            .collect();
        // The common case, without building lists: no 补发/换货 approved, and no SKU shipped
        // beyond its ordered quantity. One match per SKU shipped, as below.
        if extra.is_empty() && within_ordered(order, ships) {
            for (i, s) in ships.iter().enumerate() {
                if !ships[..i].iter().any(|t| t.sku == s.sku) {
                    sink.matched(CODE, Fen::ZERO);
                }
            }
            continue;
        }
        let Some(ordered) = ordered_quantities(order) else {
            continue;
        };
        let mut linked: Vec<Vec<&Shipment>> = vec![Vec::new(); extra.len()];
        let mut rest: Vec<&Shipment> = Vec::new();
        for &s in ships {
            let pos = s.refund_no.as_deref().and_then(|r| {
                extra
                    .iter()
                    .position(|v| v.rec.refund_no.trim() == r.trim())
            });
            match pos.and_then(|i| linked.get_mut(i)) {
                Some(list) => list.push(s),
                None => rest.push(s),
            }
        }
        let mut reship_allowance: Vec<(&str, i64)> = Vec::new();
        let mut exchange_pool = 0i64;
        let mut unmeasurable = false;
        for (v, named) in extra.iter().zip(&linked) {
            let quantities = v.quantities();
            if named.is_empty() {
                match quantities {
                    Some(q) if v.rec.kind == AfterSaleKind::Reship => {
                        for (sku, n) in q {
                            add_qty(&mut reship_allowance, sku, n);
                        }
                    }
                    Some(q) => exchange_pool += q.iter().map(|(_, n)| n).sum::<i64>(),
                    None => unmeasurable = true,
                }
                continue;
            }
            // Shipments naming the after-sale: within its quantity when it states one.
            let Some(q) = quantities else {
                continue;
            };
            let agreed: i64 = q.iter().map(|(_, n)| n).sum();
            let sent = total(named);
            if sent <= agreed {
                continue;
            }
            let first = named.first().map(|s| s.sku.as_str());
            let single_sku = first.filter(|f| named.iter().all(|s| s.sku == *f));
            let mut d = ctx
                .finding(CODE)
                .order(&order.order_no)
                .refund(&v.rec.refund_no)
                .message(format!(
                    "{}售后单 {}（订单 {}）同意{} {agreed} 件，关联该售后单的发货却有 {sent} 件，多发 {} 件。",
                    v.rec.kind.zh(),
                    v.rec.refund_no,
                    order.order_no,
                    v.rec.kind.zh(),
                    sent - agreed
                ));
            if let Some(s) = single_sku {
                d = d.sku(s);
            }
            if let Some(s) = earliest(named) {
                d = d.at(s.shipped_at);
            }
            sink.found(ctx, with_shipments(v.evidence(d), named));
        }
        let mut skus: Vec<&str> = Vec::new();
        for s in &rest {
            if !skus.contains(&s.sku.as_str()) {
                skus.push(&s.sku);
            }
        }
        for sku in skus {
            let line: Vec<&Shipment> = rest.iter().copied().filter(|s| s.sku == sku).collect();
            let shipped = total(&line);
            let ordered_qty = qty_of(&ordered, sku);
            let reship = qty_of(&reship_allowance, sku);
            let mut excess = shipped - ordered_qty - reship;
            let from_exchange = excess.clamp(0, exchange_pool);
            exchange_pool -= from_exchange;
            excess -= from_exchange;
            if excess <= 0 {
                sink.matched(CODE, Fen::ZERO);
                continue;
            }
            if unmeasurable {
                continue;
            }
            let allowance = reship + from_exchange;
            let explained = if allowance > 0 {
                format!("，已同意补发/换货 {allowance} 件")
            } else {
                String::new()
            };
            let mut d = ctx
                .finding(CODE)
                .order(&order.order_no)
                .sku(sku)
                .message(format!(
                    "订单 {} 商家编码 {sku} 共发货 {shipped} 件，下单 {ordered_qty} 件{explained}，多发 {excess} 件。",
                    order.order_no
                ));
            if let Some(s) = line.iter().map(|s| s.shipped_at).max() {
                d = d.at(s);
            }
            d = with_order_lines(with_shipments(d, &line), order, Some(sku));
            for v in &extra {
                d = v.evidence(d);
            }
            sink.found(ctx, d);
        }
    }
}

/// Whether every SKU of `ships` was shipped at most as many times as the order's lines hold.
fn within_ordered(order: &Order, ships: &[&Shipment]) -> bool {
    ships.iter().all(|s| {
        let shipped: i64 = ships
            .iter()
            .filter(|t| t.sku == s.sku)
            .map(|t| t.quantity)
            .sum();
        let ordered: i64 = order
            .lines
            .iter()
            .filter(|l| l.sku.as_deref() == Some(s.sku.as_str()))
            .map(|l| l.quantity)
            .sum();
        shipped <= ordered
    })
}

/// A 补发/换货 shipment with no after-sale behind it: its 售后单号 matches none of the shop's
/// after-sales and the order has no 补发/换货 after-sale. One finding per order and SKU.
pub fn reship_unlinked(ctx: &Ctx<'_>, sink: &mut Sink) {
    const CODE: &str = "RESHIP_UNLINKED";
    let refund_nos: HashSet<&str> = ctx
        .shop
        .after_sales
        .iter()
        .map(|a| a.refund_no.trim())
        .collect();
    let reshipped_orders: HashSet<&str> = ctx
        .shop
        .after_sales
        .iter()
        .filter(|a| is_reship_sale(a.kind))
        .map(|a| key(&a.order_no))
        .collect();
    let mut groups: Vec<Vec<&Shipment>> = Vec::new();
    let mut index: HashMap<(&str, &str), usize> = HashMap::new();
    for &s in &ctx.shop.shipments {
        if !is_reship(s.kind) {
            continue;
        }
        let named = s
            .refund_no
            .as_deref()
            .is_some_and(|r| refund_nos.contains(r.trim()));
        if named || reshipped_orders.contains(key(&s.order_no)) {
            sink.matched(CODE, Fen::ZERO);
            continue;
        }
        let i = *index
            .entry((key(&s.order_no), s.sku.as_str()))
            .or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
        if let Some(g) = groups.get_mut(i) {
            g.push(s);
        }
    }
    for g in &groups {
        let Some(first) = earliest(g) else {
            continue;
        };
        let mut kinds: Vec<&str> = Vec::new();
        let mut named: Vec<&str> = Vec::new();
        for s in g {
            if !kinds.contains(&s.kind.zh()) {
                kinds.push(s.kind.zh());
            }
            if let Some(r) = s.refund_no.as_deref()
                && !named.contains(&r)
            {
                named.push(r);
            }
        }
        let refs = if named.is_empty() {
            "发货单未填售后单号".to_string()
        } else {
            format!("发货单所填售后单号 {} 查无此单", named.join("、"))
        };
        let d = ctx
            .finding(CODE)
            .order(&first.order_no)
            .sku(&first.sku)
            .at(first.shipped_at)
            .message(format!(
                "订单 {} 商家编码 {} 有{}发货 {} 件（{} 张发货单，最早 {}），{}，该订单也没有补发/换货售后单。",
                first.order_no,
                first.sku,
                kinds.join("/"),
                total(g),
                g.len(),
                first.shipped_at,
                refs
            ));
        sink.found(ctx, with_shipments(d, g));
    }
}

/// A completed refund-only (仅退款) of goods that had already been shipped: the goods are gone
/// without coming back.
pub fn refund_only_shipped(ctx: &Ctx<'_>, sink: &mut Sink) {
    const CODE: &str = "REFUND_ONLY_SHIPPED";
    let orders = orders_by_key(ctx);
    let ships = Shipments::new(ctx);
    let views = AfterSales::new(ctx);
    for v in &views.list {
        let a = v.rec;
        if a.kind != AfterSaleKind::RefundOnly
            || a.status != AfterSaleStatus::Completed
            || a.refunded.get() <= 0
        {
            continue;
        }
        let order = orders.get(v.order_key()).copied();
        let skus: Vec<&str> = refunded_lines(v, order)
            .into_iter()
            .map(|(s, _)| s)
            .collect();
        let shipped: Vec<&Shipment> = ships
            .of_order(v.order_key())
            .into_iter()
            .filter(|s| skus.is_empty() || skus.contains(&s.sku.as_str()))
            .filter(|s| a.completed_at.is_none_or(|t| s.shipped_at <= t))
            .collect();
        let Some(first) = earliest(&shipped) else {
            sink.matched(CODE, a.refunded);
            continue;
        };
        let single_sku = Some(first.sku.as_str()).filter(|f| shipped.iter().all(|s| s.sku == *f));
        let when = a
            .completed_at
            .map_or_else(String::new, |t| format!("于 {t} "));
        let mut d = ctx
            .finding(CODE)
            .order(&a.order_no)
            .refund(&a.refund_no)
            .at(a.completed_at.unwrap_or(first.shipped_at))
            .message(format!(
                "仅退款 {}（订单 {}）{when}退款 {} 元，但商品（商家编码 {}）已于 {} 发货 {} 件且未退回，需注明原因并按货损处理。",
                a.refund_no,
                a.order_no,
                a.refunded,
                single_sku.map_or_else(|| skus_text(&shipped), str::to_string),
                first.shipped_at,
                total(&shipped)
            ));
        if let Some(s) = single_sku {
            d = d.sku(s);
        }
        sink.found(ctx, with_shipments(v.evidence(d), &shipped));
    }
}

fn skus_text(ships: &[&Shipment]) -> String {
    let mut skus: Vec<&str> = Vec::new();
    for s in ships {
        if !skus.contains(&s.sku.as_str()) {
            skus.push(&s.sku);
        }
    }
    skus.join("、")
}

/// An exchange (换货) whose replacement was not shipped within the window after it was
/// applied for. A replacement is a shipment naming the after-sale's 售后单号, or a 换货
/// shipment of the same order that names none. The price-difference half of the rule needs
/// amounts no source carries per exchange, so it is not checked.
pub fn exchange_open(ctx: &Ctx<'_>, sink: &mut Sink) {
    const CODE: &str = "EXCHANGE_OPEN";
    let Some(e) = ctx.check(CODE) else {
        return;
    };
    let ships = Shipments::new(ctx);
    let named: HashSet<&str> = ctx
        .shop
        .shipments
        .iter()
        .filter_map(|s| s.refund_no.as_deref().map(str::trim))
        .collect();
    let views = AfterSales::new(ctx);
    for v in &views.list {
        let a = v.rec;
        if a.kind != AfterSaleKind::Exchange
            || matches!(
                a.status,
                AfterSaleStatus::Rejected | AfterSaleStatus::Closed
            )
        {
            continue;
        }
        let replaced = named.contains(a.refund_no.trim())
            || ships
                .of_order(v.order_key())
                .iter()
                .any(|s| s.kind == ShipmentKind::Exchange && s.refund_no.is_none());
        if replaced {
            sink.matched(CODE, Fen::ZERO);
            continue;
        }
        let Some(applied) = a.applied_at else {
            continue;
        };
        let due = applied.plus_days(e.window_days);
        let d = ctx
            .finding(CODE)
            .order(&a.order_no)
            .refund(&a.refund_no)
            .at(applied)
            .message(format!(
                "换货售后单 {}（订单 {}，{}）于 {applied} 申请，截至 {} 仍无换货发出记录，时限为申请后 {} 天（{due}）。",
                a.refund_no,
                a.order_no,
                a.status.zh(),
                ctx.cut_off,
                e.window_days
            ));
        settle(ctx, sink, v.evidence(d), due);
    }
}
