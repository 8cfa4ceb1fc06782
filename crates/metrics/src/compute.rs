//! Adds the period's records up into the figures of each group.
//!
//! Orders are the platforms' orders, and for a shop with no platform order at all (a
//! mini-program shop's orders live only in the ERP) the ERP's; an ERP order still 待审核 or
//! cancelled is not an order sold. A record counts in the period by its own date: an order by its payment
//! (else creation; an ERP order's else its update) time, an after-sale by its application (else completion) time, a ticket, a fund-flow row or
//! a shipment by its time. Orders not paid (未付款, 已取消) are not orders sold. Shops are the
//! engine's (`shops::shop_of`), so the metrics of a shop and its findings agree.

use std::collections::{BTreeMap, BTreeSet};

use duizhang_core::*;
use duizhang_engine::shops::{ShopNames, shop_of};
use duizhang_engine::{Outcome, Settings, ShopInfo};
use foldhash::{HashMap, HashSet};

use crate::define::METRICS;
use crate::figures::Figures;
use crate::{Definition, Dimension, Group, Metrics, SourceRecord};

/// The label of records no shop could be found for.
pub const NO_SHOP: &str = "（未分配店铺）";
/// The SKU of an order or after-sale whose file lists no goods lines.
pub const NO_SKU: &str = "（未注明商品）";
/// The SKU of a refund over several goods that the file does not split.
pub const UNSPLIT: &str = "（多个商品，未分摊）";
/// The reason of an after-sale that gives none.
pub const NO_REASON: &str = "（未填写原因）";

/// A shop's display name: the settings' name (with its id when another shop has the same
/// name), else its id.
pub fn shop_name(settings: &Settings, id: &str) -> String {
    let Some(name) = settings
        .shop(id)
        .and_then(|s| s.name.as_deref())
        .map(str::trim)
        .filter(|n| !n.is_empty())
    else {
        return id.to_string();
    };
    let shared = settings
        .shops
        .iter()
        .filter(|s| s.name.as_deref().map(str::trim) == Some(name))
        .nth(1)
        .is_some();
    if shared {
        format!("{name}（{id}）")
    } else {
        name.to_string()
    }
}

/// The week of the month a date is in: days 1–7 are week 1, 8–14 week 2, … 29–31 week 5.
/// A week's or a day's run is one group: the week trend is a month's.
fn week_no(period: Period, t: BeijingTime) -> i8 {
    if period.is_month() {
        (t.date().day() - 1) / 7 + 1
    } else {
        1
    }
}

/// `10月1日–7日` for week `w` of `period`; a week's or a day's run is labelled by its period.
fn week_label(period: Period, w: i8) -> String {
    if !period.is_month() {
        return period.to_string();
    }
    let first = (w - 1) * 7 + 1;
    let last = if w == 5 {
        period.start().date().days_in_month()
    } else {
        first + 6
    };
    format!("{}月{}日–{}日", period.month(), first, last)
}

const DIMENSIONS: usize = 7;

fn slot(dim: Dimension) -> usize {
    match dim {
        Dimension::Total => 0,
        Dimension::Shop => 1,
        Dimension::Platform => 2,
        Dimension::Sku => 3,
        Dimension::Reason => 4,
        Dimension::Kind => 5,
        Dimension::Week => 6,
    }
}

/// The groups met so far, each with its figures, and the distinct orders counted per group.
/// A group is looked up by borrowed key: millions of records allocate nothing once their
/// groups exist.
#[derive(Default)]
struct Acc {
    index: [HashMap<String, usize>; DIMENSIONS],
    groups: Vec<(Dimension, String, String, Figures)>,
    after_sale_orders: HashSet<(usize, Text)>,
    return_orders: HashSet<(usize, Text)>,
    weeks: [Option<usize>; 6],
}

impl Acc {
    fn id(&mut self, dim: Dimension, key: &str, label: impl FnOnce() -> String) -> usize {
        let map = &mut self.index[slot(dim)];
        if let Some(&i) = map.get(key) {
            return i;
        }
        let i = self.groups.len();
        map.insert(key.to_string(), i);
        self.groups
            .push((dim, key.to_string(), label(), Figures::default()));
        i
    }

    /// Week `w`'s group (a month has five weeks at most).
    fn week(&mut self, w: i8, period: Period) -> usize {
        let at = usize::try_from(w).unwrap_or(0).min(5);
        if let Some(id) = self.weeks[at] {
            return id;
        }
        let id = self.id(Dimension::Week, &format_week_key(w), || {
            week_label(period, w)
        });
        self.weeks[at] = Some(id);
        id
    }

    fn fig(&mut self, id: usize) -> &mut Figures {
        &mut self.groups[id].3
    }
}

/// Where one record counts: the whole period, its shop, its platform and its week.
type Place = [usize; 4];

/// The metrics of `period` from its records and the engine's outcome for them.
pub fn compute(
    data: &Dataset,
    settings: &Settings,
    names: &ShopNames,
    outcome: &Outcome,
    period: Period,
) -> Metrics {
    let mut m = of_records(data, settings, names, &outcome.shops, period);
    m.reconciliation = crate::reconciliation::of(outcome, settings);
    m
}

/// The metrics of the records alone (the reconciliation's figures left empty): they need only
/// the shops the engine saw, so a caller may compute them while the outcome is still being
/// completed, and add [`crate::reconciliation::of`] after.
pub fn of_records(
    data: &Dataset,
    settings: &Settings,
    names: &ShopNames,
    shops: &[ShopInfo],
    period: Period,
) -> Metrics {
    let shop_platform: BTreeMap<&str, Platform> =
        shops.iter().map(|s| (s.id.as_str(), s.platform)).collect();
    let (start, end) = (period.start(), period.end());
    let inside = |t: BeijingTime| t >= start && t < end;
    let in_period = |t: Option<BeijingTime>| t.is_none_or(inside);
    let week = |t: Option<BeijingTime>| t.map_or(1, |t| week_no(period, t));
    let mut acc = Acc::default();
    // The period has a total even when none of its records fall in it.
    let total = acc.id(Dimension::Total, "", || "全部".into());
    // A record's shop and platform groups.
    let where_ = |acc: &mut Acc, shop: &str, platform: Platform| -> [usize; 2] {
        let label = || {
            if shop == NO_SHOP {
                shop.to_string()
            } else {
                shop_name(settings, shop)
            }
        };
        let platform = shop_platform.get(shop).copied().unwrap_or(platform);
        [
            acc.id(Dimension::Shop, shop, label),
            acc.id(Dimension::Platform, platform.code(), || {
                platform.zh().into()
            }),
        ]
    };
    let place = |acc: &mut Acc, shop: &str, platform: Platform, w: i8| -> Place {
        let [s, p] = where_(acc, shop, platform);
        [total, s, p, acc.week(w, period)]
    };
    let mut outside = 0u64;
    let mut records = Vec::new();
    let orders = data.merged_orders();
    // Shops of records that name only a shop (and platform): resolved once per name.
    let mut shop_cache: HashMap<(Platform, Option<&str>), [usize; 2]> = HashMap::default();
    // Which refunded-only orders had shipped: a 仅退款 of shipped goods loses the goods too.
    let wanted: HashSet<&str> = data
        .after_sales
        .iter()
        .filter(|a| {
            a.kind == AfterSaleKind::RefundOnly && a.phase != Some(AfterSalePhase::AfterSale)
        })
        .map(|a| a.order_no.as_str())
        .collect();
    let mut shipped: HashSet<&str> = HashSet::default();
    if !wanted.is_empty() {
        for o in orders.iter() {
            if (o.shipped_at.is_some()
                || matches!(o.status, OrderStatus::Shipped | OrderStatus::Finished))
                && wanted.contains(o.order_no.as_str())
            {
                shipped.insert(o.order_no.as_str());
            }
        }
        for s in &data.shipments {
            if wanted.contains(s.order_no.as_str()) {
                shipped.insert(s.order_no.as_str());
            }
        }
    }

    // Shops with a platform order file: their ERP orders repeat those orders.
    let mut platform_shops: HashSet<usize> = HashSet::default();
    let mut skus: Vec<(&str, i64)> = Vec::new();
    for o in orders.iter() {
        if matches!(o.status, OrderStatus::Unpaid | OrderStatus::Cancelled) {
            continue;
        }
        let at = o.paid_at.or(o.created_at);
        if !in_period(at) {
            outside += 1;
            continue;
        }
        let key = (o.platform, o.shop.as_deref());
        let [s, pl] = match shop_cache.get(&key) {
            Some(ids) => *ids,
            None => {
                let shop =
                    shop_of(settings, names, RecordRef::Order(o)).unwrap_or_else(|| NO_SHOP.into());
                let ids = where_(&mut acc, &shop, o.platform);
                shop_cache.insert(key, ids);
                ids
            }
        };
        let p = [total, s, pl, acc.week(week(at), period)];
        platform_shops.insert(p[1]);
        let line_paid: Option<i64> = o
            .lines
            .iter()
            .filter_map(|l| l.paid)
            .map(Fen::get)
            .reduce(|a, b| a + b);
        let paid = o.paid.map(Fen::get).or(line_paid).unwrap_or(0);
        for id in p {
            let f = acc.fig(id);
            f.orders += 1;
            f.gmv_fen += paid;
        }
        skus.clear();
        for l in &o.lines {
            let sku = l.sku.as_deref().unwrap_or(NO_SKU);
            let fen = l.paid.map_or(0, Fen::get);
            match skus.iter_mut().find(|(s, _)| *s == sku) {
                Some((_, v)) => *v += fen,
                None => skus.push((sku, fen)),
            }
        }
        if skus.is_empty() {
            skus.push((NO_SKU, paid));
        }
        for &(sku, paid) in &skus {
            let id = acc.id(Dimension::Sku, sku, || sku.to_string());
            let f = acc.fig(id);
            f.orders += 1;
            f.gmv_fen += paid;
        }
    }

    // Shops whose orders live only in the ERP (a mini-program shop): its orders are the ERP's.
    for e in &data.erp_orders {
        if matches!(
            e.status,
            ErpOrderStatus::Cancelled | ErpOrderStatus::PendingReview
        ) {
            continue;
        }
        let key = (e.platform, Some(&*e.shop));
        let [s, pl] = match shop_cache.get(&key) {
            Some(ids) => *ids,
            None => {
                let shop = shop_of(settings, names, RecordRef::ErpOrder(e))
                    .unwrap_or_else(|| NO_SHOP.into());
                let ids = where_(&mut acc, &shop, e.platform);
                shop_cache.insert(key, ids);
                ids
            }
        };
        if platform_shops.contains(&s) {
            continue;
        }
        let at = e.paid_at.or(Some(e.updated_at));
        if !in_period(at) {
            outside += 1;
            continue;
        }
        let p = [total, s, pl, acc.week(week(at), period)];
        let paid = e.paid.map_or(0, Fen::get);
        for id in p {
            let f = acc.fig(id);
            f.orders += 1;
            f.gmv_fen += paid;
        }
        let id = acc.id(Dimension::Sku, NO_SKU, || NO_SKU.into());
        let f = acc.fig(id);
        f.orders += 1;
        f.gmv_fen += paid;
    }

    // One after-sale may be in two files (the ERP's 售后单 and the platform's 退款报表): the
    // first record of a shop's refund number counts.
    let mut seen: HashSet<(String, &str)> = HashSet::default();
    for a in &data.after_sales {
        let at = a.applied_at.or(a.completed_at);
        if !in_period(at) {
            outside += 1;
            continue;
        }
        let shop =
            shop_of(settings, names, RecordRef::AfterSale(a)).unwrap_or_else(|| NO_SHOP.into());
        if !seen.insert((shop.clone(), a.refund_no.as_str())) {
            continue;
        }
        let p = place(&mut acc, &shop, a.platform, week(at));
        let reason = a.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
        let refunded = a.refunded.get();
        let handled = match (a.status, a.applied_at, a.completed_at) {
            (AfterSaleStatus::Completed, Some(from), Some(to)) => Some(from.seconds_until(to)),
            _ => None,
        };
        let refund_only = a.kind == AfterSaleKind::RefundOnly;
        let returned = a.kind == AfterSaleKind::ReturnAndRefund;
        let lost_goods = refund_only
            && (a.phase == Some(AfterSalePhase::AfterSale)
                || shipped.contains(a.order_no.as_str()));
        let sku_split = sku_refunds(a);
        let reason_key = reason.unwrap_or(NO_REASON);
        let mut ids: Vec<(usize, i64)> = p.iter().map(|&id| (id, refunded)).collect();
        ids.push((
            acc.id(Dimension::Reason, reason_key, || reason_key.into()),
            refunded,
        ));
        ids.push((
            acc.id(Dimension::Kind, kind_key(a.kind), || a.kind.zh().into()),
            refunded,
        ));
        for &(sku, fen) in &sku_split {
            ids.push((acc.id(Dimension::Sku, sku, || sku.into()), fen));
        }
        for (id, fen) in ids {
            let f = acc.fig(id);
            f.after_sales += 1;
            f.refund_fen += fen;
            if refund_only {
                f.refund_only += 1;
                f.refund_only_fen += fen;
            }
            if lost_goods {
                f.shipped_refund_only_fen += fen;
            }
            if let Some(secs) = handled {
                f.handled += 1;
                f.handling_secs += secs;
            }
            if acc.after_sale_orders.insert((id, a.order_no.clone())) {
                acc.fig(id).after_sale_orders += 1;
            }
            if returned && acc.return_orders.insert((id, a.order_no.clone())) {
                acc.fig(id).return_orders += 1;
            }
        }
        records.push(SourceRecord {
            kind: "after_sale".into(),
            key: a.refund_no.to_string(),
            order_no: Some(a.order_no.to_string()),
            shop: shop.clone(),
            platform: acc.groups[p[2]].1.clone(),
            skus: sku_split.iter().map(|(s, _)| (*s).to_string()).collect(),
            reason: reason.map(str::to_string),
            after_sale_type: Some(a.kind.zh().into()),
            week: acc.groups[p[3]].2.clone(),
            refunded_fen: refunded,
            file: data.file_name(a.source.file).to_string(),
            line: a.source.line,
        });
    }

    for c in &data.complaints {
        if c.kind != ComplaintKind::Complaint {
            continue;
        }
        if !inside(c.created_at) {
            outside += 1;
            continue;
        }
        let shop =
            shop_of(settings, names, RecordRef::Complaint(c)).unwrap_or_else(|| NO_SHOP.into());
        let platform = names.platform_of(&c.shop).unwrap_or(Platform::Other);
        let p = place(&mut acc, &shop, platform, week_no(period, c.created_at));
        let reason = c.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
        let reason_key = reason.unwrap_or(NO_REASON);
        let r = acc.id(Dimension::Reason, reason_key, || reason_key.into());
        for id in p.into_iter().chain([r]) {
            acc.fig(id).complaints += 1;
        }
        records.push(SourceRecord {
            kind: "complaint".into(),
            key: c.ticket_no.to_string(),
            order_no: c.order_no.as_ref().map(ToString::to_string),
            shop: shop.clone(),
            platform: acc.groups[p[2]].1.clone(),
            skus: Vec::new(),
            reason: reason.map(str::to_string),
            after_sale_type: None,
            week: acc.groups[p[3]].2.clone(),
            refunded_fen: 0,
            file: data.file_name(c.source.file).to_string(),
            line: c.source.line,
        });
    }

    let mut postage_rows = 0u64;
    let mut claim_rows = 0u64;
    for r in &data.fund_flows {
        let cost = flow_cost(r);
        if cost == FlowCost::None || !inside(r.occurred_at) {
            continue;
        }
        let shop =
            shop_of(settings, names, RecordRef::FundFlow(r)).unwrap_or_else(|| NO_SHOP.into());
        let p = place(
            &mut acc,
            &shop,
            Platform::Other,
            week_no(period, r.occurred_at),
        );
        for id in p {
            let f = acc.fig(id);
            match cost {
                FlowCost::Postage => f.postage_fen -= r.amount.get(),
                FlowCost::Claim => f.claims_fen += r.amount.get(),
                FlowCost::None => {}
            }
        }
        match cost {
            FlowCost::Postage => postage_rows += 1,
            FlowCost::Claim => claim_rows += 1,
            FlowCost::None => {}
        }
    }

    for s in &data.shipments {
        if s.kind != ShipmentKind::Reship || !inside(s.shipped_at) {
            continue;
        }
        let shop =
            shop_of(settings, names, RecordRef::Shipment(s)).unwrap_or_else(|| NO_SHOP.into());
        let platform = names.platform_of(&s.shop).unwrap_or(Platform::Other);
        let p = place(&mut acc, &shop, platform, week_no(period, s.shipped_at));
        for id in p {
            acc.fig(id).reships += 1;
        }
    }

    // Reason and type groups are shares of the whole: their denominators are all orders.
    let whole = (acc.groups[total].3.orders, acc.groups[total].3.gmv_fen);
    let mut not_available = vec![
        "补发、换货的商品成本与运费：发货单不含金额，售后成本只计补发次数".to_string(),
        "运费险保费与平台罚款：资金流水若未单列，无法计入售后成本".to_string(),
    ];
    if postage_rows == 0 {
        not_available.push("退货/补发运费：本期资金流水中没有运费支出行".into());
    }
    if claim_rows == 0 {
        not_available.push("承运商/平台赔付：本期资金流水中没有赔付收入行".into());
    }
    if data.complaints.is_empty() {
        not_available.push("客户投诉率：本期没有导入客服工单".into());
    }
    if data.after_sales.is_empty() {
        not_available.push("售后指标：本期没有导入售后单或退款报表".into());
    }

    let mut groups: Vec<Group> = acc
        .groups
        .into_iter()
        .map(|(dimension, key, label, mut figures)| {
            if matches!(dimension, Dimension::Reason | Dimension::Kind) {
                (figures.orders, figures.gmv_fen) = whole;
            }
            let values = METRICS
                .iter()
                .map(|m| (m.code.to_string(), (m.eval)(&figures)))
                .collect();
            Group {
                dimension,
                key,
                label,
                figures,
                values,
            }
        })
        .collect();
    groups.sort_by(|a, b| (a.dimension, &a.key).cmp(&(b.dimension, &b.key)));
    records.sort_by(|a: &SourceRecord, b: &SourceRecord| {
        (&a.kind, &a.shop, &a.key, &a.file, a.line)
            .cmp(&(&b.kind, &b.shop, &b.key, &b.file, b.line))
    });
    Metrics {
        period: period.to_string(),
        definitions: METRICS
            .iter()
            .map(|m| Definition {
                code: m.code.into(),
                zh: m.zh.into(),
                formula: m.formula.into(),
                unit: m.unit,
            })
            .collect(),
        groups,
        reconciliation: crate::Reconciliation::default(),
        vouchers: None,
        not_available,
        outside_period: outside,
        records,
    }
}

/// The week group's key: `w1` … `w5`.
fn format_week_key(w: i8) -> String {
    format!("w{w}")
}

/// The after-sale type's key in metrics.json.
fn kind_key(kind: AfterSaleKind) -> &'static str {
    match kind {
        AfterSaleKind::RefundOnly => "refund_only",
        AfterSaleKind::ReturnAndRefund => "return_and_refund",
        AfterSaleKind::Exchange => "exchange",
        AfterSaleKind::Reship => "reship",
    }
}

/// What an after-sale refunded per SKU: per line where the file states it, else all of it to
/// its one SKU, else to [`UNSPLIT`] (several goods, no split) or [`NO_SKU`] (no lines).
fn sku_refunds(a: &AfterSale) -> Vec<(&str, i64)> {
    let skus: BTreeSet<&str> = a.lines.iter().filter_map(|l| l.sku.as_deref()).collect();
    if a.lines.iter().any(|l| l.refund.is_some()) {
        let mut by: BTreeMap<&str, i64> = BTreeMap::new();
        for l in &a.lines {
            *by.entry(l.sku.as_deref().unwrap_or(NO_SKU)).or_default() +=
                l.refund.map_or(0, Fen::get);
        }
        return by.into_iter().collect();
    }
    match skus.len() {
        0 => vec![(NO_SKU, a.refunded.get())],
        1 => skus.into_iter().map(|s| (s, a.refunded.get())).collect(),
        _ => vec![(UNSPLIT, a.refunded.get())],
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FlowCost {
    None,
    Postage,
    Claim,
}

/// A fund-flow row that is after-sales cost by its own type text: postage paid out, or a
/// compensation received.
fn flow_cost(r: &FundFlowRow) -> FlowCost {
    // Sales, refunds to buyers, withdrawals and commissions are never postage or compensation.
    if matches!(
        r.kind,
        FlowKind::Income | FlowKind::Refund | FlowKind::Withdrawal | FlowKind::Commission
    ) {
        return FlowCost::None;
    }
    let text = r.kind_text.as_str();
    let memo = r.memo.as_deref().unwrap_or("");
    let says = |words: &[&str]| words.iter().any(|w| text.contains(w) || memo.contains(w));
    if r.amount.get() < 0 && says(&["运费", "邮费"]) {
        FlowCost::Postage
    } else if r.amount.get() > 0 && says(&["理赔", "赔付", "赔偿"]) {
        FlowCost::Claim
    } else {
        FlowCost::None
    }
}
