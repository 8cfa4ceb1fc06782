//! Adds the period's records up into the figures of each group.
//!
//! Orders are the platforms' orders, and the ERP's orders that no platform file holds (a
//! mini-program shop's orders live only in the ERP); an ERP order still 待审核 or cancelled is
//! not an order sold. A record counts in the period by its own date: an order by its payment
//! (else creation; an ERP order's else its update) time, an after-sale by its application (else completion) time, a ticket, a fund-flow row or
//! a shipment by its time. Orders not paid (未付款, 已取消) are not orders sold. Shops are the
//! engine's (`shops::shop_of`), so the metrics of a shop and its findings agree.

use std::collections::{BTreeMap, BTreeSet};

use duizhang_core::*;
use duizhang_engine::shops::{ShopNames, shop_of};
use duizhang_engine::{Outcome, Settings};
use foldhash::HashSet;

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
fn week_of(t: BeijingTime) -> (i8, String) {
    let d = t.date();
    let w = (d.day() - 1) / 7 + 1;
    let first = (w - 1) * 7 + 1;
    let last = if w == 5 { d.days_in_month() } else { first + 6 };
    (w, format!("{}月{}日–{}日", d.month(), first, last))
}

/// Figures of every group, keyed by (dimension, key), with the distinct orders counted so far.
#[derive(Default)]
struct Acc {
    groups: BTreeMap<(Dimension, String), (String, Figures)>,
    after_sale_orders: HashSet<(Dimension, String, Text)>,
    return_orders: HashSet<(Dimension, String, Text)>,
}

impl Acc {
    fn at(&mut self, dim: Dimension, key: &str, label: &str) -> &mut Figures {
        &mut self
            .groups
            .entry((dim, key.to_string()))
            .or_insert_with(|| (label.to_string(), Figures::default()))
            .1
    }
}

/// The dimensions one record falls in, besides its SKUs.
struct Place<'a> {
    shop: &'a str,
    shop_label: &'a str,
    platform: Platform,
    week: (i8, String),
}

impl Place<'_> {
    fn keys(&self) -> [(Dimension, String, String); 4] {
        [
            (Dimension::Total, String::new(), "全部".to_string()),
            (
                Dimension::Shop,
                self.shop.to_string(),
                self.shop_label.to_string(),
            ),
            (
                Dimension::Platform,
                self.platform.code().to_string(),
                self.platform.zh().to_string(),
            ),
            (
                Dimension::Week,
                format!("w{}", self.week.0),
                self.week.1.clone(),
            ),
        ]
    }
}

/// The metrics of `period` from its records and the engine's outcome for them.
pub fn compute(
    data: &Dataset,
    settings: &Settings,
    names: &ShopNames,
    outcome: &Outcome,
    period: Period,
) -> Metrics {
    let shop_platform: BTreeMap<&str, Platform> = outcome
        .shops
        .iter()
        .map(|s| (s.id.as_str(), s.platform))
        .collect();
    let mut labels: BTreeMap<String, String> = BTreeMap::new();
    let mut label_of = |shop: &str| -> String {
        labels
            .entry(shop.to_string())
            .or_insert_with(|| {
                if shop == NO_SHOP {
                    shop.to_string()
                } else {
                    shop_name(settings, shop)
                }
            })
            .clone()
    };
    let in_period = |t: Option<BeijingTime>| t.is_none_or(|t| period.contains(t));
    let default_week = (1, week_of(period.start()).1);
    let week = |t: Option<BeijingTime>| t.map_or_else(|| default_week.clone(), week_of);
    let mut acc = Acc::default();
    // The period has a total even when none of its records fall in it.
    acc.at(Dimension::Total, "", "全部");
    let mut outside = 0u64;
    let mut records = Vec::new();

    let orders = data.merged_orders();
    // Which orders were shipped: a 仅退款 of shipped goods loses the goods too.
    let mut shipped: HashSet<&str> = HashSet::default();
    for o in orders.iter() {
        if o.shipped_at.is_some()
            || matches!(o.status, OrderStatus::Shipped | OrderStatus::Finished)
        {
            shipped.insert(o.order_no.as_str());
        }
    }
    for s in &data.shipments {
        shipped.insert(s.order_no.as_str());
    }

    for o in orders.iter() {
        if matches!(o.status, OrderStatus::Unpaid | OrderStatus::Cancelled) {
            continue;
        }
        let at = o.paid_at.or(o.created_at);
        if !in_period(at) {
            outside += 1;
            continue;
        }
        let shop = shop_of(settings, names, RecordRef::Order(o)).unwrap_or_else(|| NO_SHOP.into());
        let shop_label = label_of(&shop);
        let platform = shop_platform
            .get(shop.as_str())
            .copied()
            .unwrap_or(o.platform);
        let place = Place {
            shop: &shop,
            shop_label: &shop_label,
            platform,
            week: week(at),
        };
        let line_paid: Option<i64> = o
            .lines
            .iter()
            .filter_map(|l| l.paid)
            .map(Fen::get)
            .reduce(|a, b| a + b);
        let paid = o.paid.map(Fen::get).or(line_paid).unwrap_or(0);
        for (dim, key, label) in place.keys() {
            let f = acc.at(dim, &key, &label);
            f.orders += 1;
            f.gmv_fen += paid;
        }
        let mut by_sku: BTreeMap<&str, i64> = BTreeMap::new();
        for l in &o.lines {
            *by_sku
                .entry(l.sku.as_deref().unwrap_or(NO_SKU))
                .or_default() += l.paid.map_or(0, Fen::get);
        }
        if by_sku.is_empty() {
            by_sku.insert(NO_SKU, paid);
        }
        for (sku, paid) in by_sku {
            let f = acc.at(Dimension::Sku, sku, sku);
            f.orders += 1;
            f.gmv_fen += paid;
        }
    }

    // Shops whose orders live only in the ERP (a mini-program shop): its orders are the ERP's.
    let platform_orders: HashSet<&str> = orders.iter().map(|o| o.order_no.as_str()).collect();
    for e in &data.erp_orders {
        if platform_orders.contains(e.order_no.as_str())
            || matches!(
                e.status,
                ErpOrderStatus::Cancelled | ErpOrderStatus::PendingReview
            )
        {
            continue;
        }
        let at = e.paid_at.or(Some(e.updated_at));
        if !in_period(at) {
            outside += 1;
            continue;
        }
        let shop =
            shop_of(settings, names, RecordRef::ErpOrder(e)).unwrap_or_else(|| NO_SHOP.into());
        let shop_label = label_of(&shop);
        let platform = shop_platform
            .get(shop.as_str())
            .copied()
            .unwrap_or(e.platform);
        let place = Place {
            shop: &shop,
            shop_label: &shop_label,
            platform,
            week: week(at),
        };
        let paid = e.paid.map_or(0, Fen::get);
        for (dim, key, label) in place.keys() {
            let f = acc.at(dim, &key, &label);
            f.orders += 1;
            f.gmv_fen += paid;
        }
        let f = acc.at(Dimension::Sku, NO_SKU, NO_SKU);
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
        let shop_label = label_of(&shop);
        let platform = shop_platform
            .get(shop.as_str())
            .copied()
            .unwrap_or(a.platform);
        let place = Place {
            shop: &shop,
            shop_label: &shop_label,
            platform,
            week: week(at),
        };
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
        let skus = sku_refunds(a);
        let mut keys: Vec<(Dimension, String, String, i64)> = place
            .keys()
            .into_iter()
            .map(|(d, k, l)| (d, k, l, refunded))
            .collect();
        let reason_key = reason.unwrap_or(NO_REASON);
        keys.push((
            Dimension::Reason,
            reason_key.into(),
            reason_key.into(),
            refunded,
        ));
        keys.push((
            Dimension::Kind,
            format!("{:?}", a.kind).to_lowercase(),
            a.kind.zh().into(),
            refunded,
        ));
        for (sku, fen) in &skus {
            keys.push((Dimension::Sku, (*sku).into(), (*sku).into(), *fen));
        }
        for (dim, key, label, fen) in keys {
            let f = acc.at(dim, &key, &label);
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
            if acc
                .after_sale_orders
                .insert((dim, key.clone(), a.order_no.clone()))
            {
                acc.at(dim, &key, &label).after_sale_orders += 1;
            }
            if returned
                && acc
                    .return_orders
                    .insert((dim, key.clone(), a.order_no.clone()))
            {
                acc.at(dim, &key, &label).return_orders += 1;
            }
        }
        records.push(SourceRecord {
            kind: "after_sale".into(),
            key: a.refund_no.to_string(),
            order_no: Some(a.order_no.to_string()),
            shop: shop.clone(),
            platform: platform.code().into(),
            skus: skus.iter().map(|(s, _)| (*s).to_string()).collect(),
            reason: reason.map(str::to_string),
            after_sale_type: Some(a.kind.zh().into()),
            week: place.week.1.clone(),
            refunded_fen: refunded,
            file: data.file_name(a.source.file).to_string(),
            line: a.source.line,
        });
    }

    for c in &data.complaints {
        if c.kind != ComplaintKind::Complaint {
            continue;
        }
        if !period.contains(c.created_at) {
            outside += 1;
            continue;
        }
        let shop =
            shop_of(settings, names, RecordRef::Complaint(c)).unwrap_or_else(|| NO_SHOP.into());
        let shop_label = label_of(&shop);
        let platform = shop_platform
            .get(shop.as_str())
            .copied()
            .or_else(|| names.platform_of(&c.shop))
            .unwrap_or(Platform::Other);
        let place = Place {
            shop: &shop,
            shop_label: &shop_label,
            platform,
            week: week_of(c.created_at),
        };
        for (dim, key, label) in place.keys() {
            acc.at(dim, &key, &label).complaints += 1;
        }
        let reason = c.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
        let reason_key = reason.unwrap_or(NO_REASON);
        acc.at(Dimension::Reason, reason_key, reason_key).complaints += 1;
        records.push(SourceRecord {
            kind: "complaint".into(),
            key: c.ticket_no.to_string(),
            order_no: c.order_no.as_ref().map(ToString::to_string),
            shop: shop.clone(),
            platform: platform.code().into(),
            skus: Vec::new(),
            reason: reason.map(str::to_string),
            after_sale_type: None,
            week: place.week.1.clone(),
            refunded_fen: 0,
            file: data.file_name(c.source.file).to_string(),
            line: c.source.line,
        });
    }

    let mut postage_rows = 0u64;
    let mut claim_rows = 0u64;
    for r in &data.fund_flows {
        let cost = flow_cost(r);
        if cost == FlowCost::None || !period.contains(r.occurred_at) {
            continue;
        }
        let shop =
            shop_of(settings, names, RecordRef::FundFlow(r)).unwrap_or_else(|| NO_SHOP.into());
        let shop_label = label_of(&shop);
        let platform = shop_platform
            .get(shop.as_str())
            .copied()
            .unwrap_or(Platform::Other);
        let place = Place {
            shop: &shop,
            shop_label: &shop_label,
            platform,
            week: week_of(r.occurred_at),
        };
        for (dim, key, label) in place.keys() {
            let f = acc.at(dim, &key, &label);
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
        if s.kind != ShipmentKind::Reship || !period.contains(s.shipped_at) {
            continue;
        }
        let shop =
            shop_of(settings, names, RecordRef::Shipment(s)).unwrap_or_else(|| NO_SHOP.into());
        let shop_label = label_of(&shop);
        let platform = shop_platform
            .get(shop.as_str())
            .copied()
            .unwrap_or(Platform::Other);
        let place = Place {
            shop: &shop,
            shop_label: &shop_label,
            platform,
            week: week_of(s.shipped_at),
        };
        for (dim, key, label) in place.keys() {
            acc.at(dim, &key, &label).reships += 1;
        }
    }

    // Reason and type groups are shares of the whole: their denominators are all orders.
    let total = acc
        .groups
        .get(&(Dimension::Total, String::new()))
        .map(|(_, f)| (f.orders, f.gmv_fen))
        .unwrap_or_default();
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

    let groups = acc
        .groups
        .into_iter()
        .map(|((dimension, key), (label, mut figures))| {
            if matches!(dimension, Dimension::Reason | Dimension::Kind) {
                (figures.orders, figures.gmv_fen) = total;
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
        reconciliation: crate::reconciliation::of(outcome, settings),
        vouchers: None,
        not_available,
        outside_period: outside,
        records,
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
