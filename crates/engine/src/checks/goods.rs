//! Orders, status and goods (订单、状态与货物): order amounts and discounts, platform against ERP
//! status, shipments against orders and after-sales, returns against receipts, after-sale ageing.
//!
//! Every check indexes one shop's records in hash maps (never a nested loop over two sources)
//! and walks the records in their import order, so what it pushes never depends on hash order.

mod aftersales;
mod orders;
mod returns;
mod shipping;

use duizhang_core::*;
use foldhash::{HashMap, HashMapExt};

use super::CheckFn;
use crate::settings::Effective;
use crate::{Ctx, Draft, Sink};

pub fn implementation(code: &str) -> Option<CheckFn> {
    Some(match code {
        "ORDER_AMOUNT_ERROR" => orders::order_amount_error,
        "DISCOUNT_ALLOCATION_ERROR" => orders::discount_allocation_error,
        "DISCOUNT_EXCESSIVE" => orders::discount_excessive,
        "STATUS_MISMATCH" => orders::status_mismatch,
        "SHIPPED_AFTER_REFUND" => shipping::shipped_after_refund,
        "DUPLICATE_SHIPMENT" => shipping::duplicate_shipment,
        "RESHIP_UNLINKED" => shipping::reship_unlinked,
        "REFUND_ONLY_SHIPPED" => shipping::refund_only_shipped,
        "EXCHANGE_OPEN" => shipping::exchange_open,
        "RETURN_NOT_RECEIVED" => returns::return_not_received,
        "RECEIVED_NOT_REFUNDED" => returns::received_not_refunded,
        "RETURN_MISMATCH" => returns::return_mismatch,
        "AFTERSALE_OVERDUE" => aftersales::aftersale_overdue,
        _ => return None,
    })
}

/// The key orders are matched on across sources (guards and `T200P`-style prefixes removed).
fn key(order_no: &str) -> &str {
    normalize_order_no(order_no)
}

/// Pushes `d` as pending while `due` is after the cut-off, else as a finding.
fn settle(ctx: &Ctx<'_>, sink: &mut Sink, d: Draft, due: BeijingTime) {
    if due > ctx.cut_off {
        sink.pending(ctx, d, due);
    } else {
        sink.found(ctx, d);
    }
}

/// The tolerance of a comparison that sums `lines` rounded allocations: the absolute tolerance
/// once per line, or the relative one on `base`, whichever is larger.
fn per_line_tolerance(e: &Effective, base: Fen, lines: usize) -> i64 {
    let n = i64::try_from(lines.max(1)).unwrap_or(i64::MAX);
    e.tolerance_fen
        .saturating_mul(n)
        .max(e.tolerance_for(base.get()))
}

/// `+3` / `-1`: a signed difference for messages.
fn signed(n: i64) -> String {
    if n > 0 {
        format!("+{n}")
    } else {
        n.to_string()
    }
}

/// `+1.20` / `-0.05`: a signed money difference for messages.
fn signed_fen(f: Fen) -> String {
    if f.get() > 0 {
        format!("+{f}")
    } else {
        f.to_string()
    }
}

fn sku_label(sku: Option<&str>) -> &str {
    sku.unwrap_or("（无商家编码）")
}

/// Record indexes grouped by key with no vector per key (a shop has millions of shipments):
/// each key's records form a chain, in input order.
struct Chains<'a> {
    head: HashMap<&'a str, usize>,
    next: Vec<usize>,
}

const END: usize = usize::MAX;

impl<'a> Chains<'a> {
    /// `keys` yields record i's key at position i.
    fn new(keys: impl DoubleEndedIterator<Item = &'a str> + ExactSizeIterator) -> Chains<'a> {
        let n = keys.len();
        let mut head: HashMap<&'a str, usize> = HashMap::with_capacity(n);
        let mut next = vec![END; n];
        // Backwards, so that every chain runs forwards.
        for (i, k) in keys.enumerate().rev() {
            if let (Some(prev), Some(slot)) = (head.insert(k, i), next.get_mut(i)) {
                *slot = prev;
            }
        }
        Chains { head, next }
    }

    fn get(&self, key: &str) -> impl Iterator<Item = usize> + '_ {
        let mut at = self.head.get(key).copied().unwrap_or(END);
        std::iter::from_fn(move || {
            let i = at;
            if i == END {
                return None;
            }
            at = self.next.get(i).copied().unwrap_or(END);
            Some(i)
        })
    }
}

/// One after-sale as all imported records of it say (the platform's refund report and the ERP's
/// after-sales export often both carry it; some ERPs write one record per SKU line).
pub(super) struct AfterSaleView<'a> {
    /// The most advanced record: a finished state over an open one, then the latest.
    pub rec: &'a AfterSale,
    first: &'a AfterSale,
    /// Further records with the same 售后单号 (usually none: no allocation).
    others: Vec<&'a AfterSale>,
}

impl<'a> AfterSaleView<'a> {
    fn rank(r: &AfterSale) -> (bool, Option<BeijingTime>) {
        (!r.status.is_open(), r.completed_at.or(r.applied_at))
    }

    fn records(&self) -> impl Iterator<Item = &'a AfterSale> + '_ {
        std::iter::once(self.first).chain(self.others.iter().copied())
    }

    pub fn order_key(&self) -> &'a str {
        key(&self.rec.order_no)
    }

    /// 售中 / 售后 as the first record that states it says (an ERP's copy of a Taobao refund
    /// often does not).
    pub fn phase(&self) -> Option<AfterSalePhase> {
        self.rec
            .phase
            .or_else(|| self.records().find_map(|r| r.phase))
    }

    /// Goods lines, from one file only so that two exports of the same after-sale do not add
    /// up; within that file the lines of all its records.
    pub fn lines(&self) -> impl Iterator<Item = &'a AfterSaleLine> + '_ {
        let file = self
            .records()
            .find(|r| !r.lines.is_empty())
            .map(|r| r.source.file);
        self.records()
            .filter(move |r| Some(r.source.file) == file)
            .flat_map(|r| r.lines.iter())
    }

    /// Quantities per SKU when every line states both (else `None`: not comparable).
    pub fn quantities(&self) -> Option<Vec<(&'a str, i64)>> {
        let mut out: Vec<(&'a str, i64)> = Vec::new();
        for l in self.lines() {
            let (Some(sku), Some(q)) = (l.sku.as_deref(), l.quantity) else {
                return None;
            };
            add_qty(&mut out, sku, q);
        }
        Some(out).filter(|q| !q.is_empty())
    }

    /// Every record of the after-sale and the lines used, as evidence.
    pub fn evidence(&self, mut d: Draft) -> Draft {
        for r in self.records() {
            d = d.evidence(r.source, RecordKind::AfterSale);
        }
        for l in self.lines() {
            d = d.evidence(l.source, RecordKind::AfterSale);
        }
        d
    }
}

/// Adds `q` to `sku`'s entry of a small per-order list (kept in first-seen order).
fn add_qty<'a>(list: &mut Vec<(&'a str, i64)>, sku: &'a str, q: i64) {
    match list.iter_mut().find(|(s, _)| *s == sku) {
        Some((_, total)) => *total += q,
        None => list.push((sku, q)),
    }
}

fn qty_of(list: &[(&str, i64)], sku: &str) -> i64 {
    list.iter().find(|(s, _)| *s == sku).map_or(0, |(_, q)| *q)
}

/// The shop's after-sales, one view per 售后单号, in first-seen order.
pub(super) struct AfterSales<'a> {
    pub list: Vec<AfterSaleView<'a>>,
    by_refund: HashMap<&'a str, usize>,
    by_order: Chains<'a>,
}

impl<'a> AfterSales<'a> {
    pub fn new(ctx: &Ctx<'a>) -> AfterSales<'a> {
        let records = &ctx.shop.after_sales;
        let mut list: Vec<AfterSaleView<'a>> = Vec::with_capacity(records.len());
        let mut by_refund: HashMap<&'a str, usize> = HashMap::with_capacity(records.len());
        for &r in records {
            let refund_no = r.refund_no.trim();
            let Some(v) = by_refund.get(refund_no).and_then(|i| list.get_mut(*i)) else {
                by_refund.insert(refund_no, list.len());
                list.push(AfterSaleView {
                    rec: r,
                    first: r,
                    others: Vec::new(),
                });
                continue;
            };
            if AfterSaleView::rank(r) > AfterSaleView::rank(v.rec) {
                v.rec = r;
            }
            v.others.push(r);
        }
        let by_order = Chains::new(list.iter().map(|v| v.order_key()));
        AfterSales {
            list,
            by_refund,
            by_order,
        }
    }

    pub fn index_of(&self, refund_no: &str) -> Option<usize> {
        self.by_refund.get(refund_no.trim()).copied()
    }

    /// The order's after-sales, in first-seen order.
    pub fn of_order(&self, order_key: &str) -> impl Iterator<Item = &AfterSaleView<'a>> + '_ {
        self.by_order
            .get(order_key)
            .filter_map(|i| self.list.get(i))
    }

    /// Indexes (into `list`) of the order's after-sales.
    pub fn indexes_of_order(&self, order_key: &str) -> impl Iterator<Item = usize> + '_ {
        self.by_order.get(order_key)
    }
}

/// The shop's platform orders by order key.
fn orders_by_key<'a>(ctx: &Ctx<'a>) -> HashMap<&'a str, &'a Order> {
    let mut map = HashMap::with_capacity(ctx.shop.orders.len());
    for &o in &ctx.shop.orders {
        map.entry(key(&o.order_no)).or_insert(o);
    }
    map
}

/// The shop's shipments by order key.
struct Shipments<'a> {
    all: &'a [&'a Shipment],
    by_order: Chains<'a>,
}

impl<'a> Shipments<'a> {
    fn new(ctx: &Ctx<'a>) -> Shipments<'a> {
        let all = ctx.shop.shipments.as_slice();
        Shipments {
            all,
            by_order: Chains::new(all.iter().map(|s| key(&s.order_no))),
        }
    }

    /// The order's shipments, in import order.
    fn of_order(&self, order_key: &str) -> Vec<&'a Shipment> {
        self.by_order
            .get(order_key)
            .filter_map(|i| self.all.get(i).copied())
            .collect()
    }
}

/// The SKU an after-sale line is about: its 商家编码, else the order line with its 子订单号.
fn line_sku<'a>(line: &'a AfterSaleLine, order: Option<&'a Order>) -> Option<&'a str> {
    if let Some(s) = line.sku.as_deref() {
        return Some(s);
    }
    let sub = line.sub_order_no.as_deref()?;
    order?
        .lines
        .iter()
        .find(|l| l.sub_order_no.as_deref() == Some(sub))
        .and_then(|l| l.sku.as_deref())
}

/// Ordered quantity per SKU, when every line of the order names its SKU (else unknown).
fn ordered_quantities(order: &Order) -> Option<Vec<(&str, i64)>> {
    if order.lines.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for l in &order.lines {
        add_qty(&mut out, l.sku.as_deref()?, l.quantity);
    }
    Some(out)
}

/// The latest ERP record of each order (ERP exports overlap; the latest state wins), in
/// first-seen order.
fn latest_erp_orders<'a>(ctx: &Ctx<'a>) -> (Vec<&'a ErpOrder>, HashMap<&'a str, usize>) {
    let mut list: Vec<&'a ErpOrder> = Vec::new();
    let mut index: HashMap<&'a str, usize> = HashMap::with_capacity(ctx.shop.erp_orders.len());
    for &e in &ctx.shop.erp_orders {
        let k = key(&e.order_no);
        match index.get(k).and_then(|i| list.get_mut(*i)) {
            Some(current) => {
                if (e.updated_at, e.source) > (current.updated_at, current.source) {
                    *current = e;
                }
            }
            None => {
                index.insert(k, list.len());
                list.push(e);
            }
        }
    }
    (list, index)
}
