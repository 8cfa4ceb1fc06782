//! Voucher generation from a period's [`Dataset`]: fund-flow rows are the source of every money
//! event, after-sales decide what a refund is, shipments and return receipts carry the goods
//! movements (cost). Entries are grouped as accountants summarise them, balanced to the 分 and
//! numbered per 凭证字. Deterministic: the same data and 账套 give the same vouchers.
//!
//! Lean on purpose (a big month has millions of rows): entries borrow keys from the dataset,
//! shops are interned, and when vouchers are per day each day's entries are assembled into
//! vouchers (on a second thread, in day order) while the next day's are made, so only a couple
//! of days' entries are held at a time.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::hash::Hash;

// Lookup-only indexes (never iterated for output) use fast hashing; output order comes from
// explicit sorts.
use foldhash::{HashMap, HashMapExt};

use duizhang_core::{
    AfterSale, AfterSaleKind, AfterSalePhase, AfterSaleStatus, BeijingTime, Dataset,
    ErpOrderStatus, Fen, FileId, FlowKind, FundFlowRow, FundProvider, Label, Order, OrderStatus,
    Period, Platform, QualityResult, RecordKind, ReturnReceipt, SettlementRow, Shipment,
    ShipmentKind, SourceRef,
};
use jiff::civil::Date;

use crate::chart::{AuxDim, Standard};
use crate::config::{
    AttachmentCount, Books, CarrierClaimPolicy, CashbackPolicy, CommissionPolicy, GroupKey,
    PenaltyPolicy, ReshipPolicy, RevenueRecognition, SubsidyPolicy, VatRounding,
};
use crate::error::BooksError;
use crate::rules::{Component, EventClass, EventId, FlowClass, Side};
use crate::voucher::{Aux, Flag, LinkRole, SourceLink, Voucher, VoucherLine};

mod index;
use index::{Flags, KeyIds, Lists, repeats};

/// Why a record of the period was not booked (or booked only in part). Not a finding: the
/// books checks report what is missing from the journal; this says why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    pub kind: RecordKind,
    pub key: String,
    pub source: SourceRef,
    /// For users, in Chinese.
    pub message: String,
    /// For logs, in English.
    pub detail: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Generated {
    pub vouchers: Vec<Voucher>,
    pub issues: Vec<Issue>,
}

pub use duizhang_core::RecordRef;

/// Names the shop of a record (the engine's settings resolve it). `Sync`, so that vouchers can
/// be generated on another thread.
pub type ShopOf<'a> = &'a (dyn Fn(RecordRef<'_>) -> Option<String> + Sync);

/// The name people know a shop by (the settings' `name`), from the shop id [`ShopOf`] gives;
/// voucher summaries (`{shop}`) use it, the id where it gives none.
pub type ShopName<'a> = &'a (dyn Fn(&str) -> Option<String> + Sync);

/// The link key of a record, as vouchers and the books checks name it.
pub fn source_key(record: RecordRef<'_>) -> String {
    match record {
        RecordRef::FundFlow(r) => r.txn_no.to_string(),
        RecordRef::AfterSale(r) => r.refund_no.to_string(),
        RecordRef::Order(r) => r.order_no.to_string(),
        RecordRef::Shipment(r) => shipment_key(r),
        RecordRef::ReturnReceipt(r) => receipt_key(r),
        RecordRef::Settlement(r) => format!("{}/{}/{}", r.order_no, r.item, r.amount),
        RecordRef::Payment(r) => r.txn_no.to_string(),
        RecordRef::ErpOrder(r) => r.order_no.to_string(),
        RecordRef::Complaint(r) => r.ticket_no.to_string(),
    }
}

/// `order/sku/YYYYMMDDhhmmss`, written without the formatting machinery: a big month has
/// millions of shipments.
fn shipment_key(s: &Shipment) -> String {
    let t = s.shipped_at.datetime();
    let mut key = String::with_capacity(s.order_no.len() + s.sku.len() + 16);
    key.push_str(&s.order_no);
    key.push('/');
    key.push_str(&s.sku);
    key.push('/');
    push_padded(&mut key, i64::from(t.year()), 4);
    for part in [t.month(), t.day(), t.hour(), t.minute(), t.second()] {
        push_padded(&mut key, i64::from(part), 2);
    }
    key
}

/// `{:0width$}` of `n`.
fn push_padded(out: &mut String, n: i64, width: usize) {
    if n < 0 {
        out.push_str(&format!("{n:0width$}"));
        return;
    }
    let mut digits = [0u8; 20];
    let mut len = 0;
    let mut rest = n;
    loop {
        digits[len] = b'0' + u8::try_from(rest % 10).unwrap_or(0);
        len += 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for _ in len..width {
        out.push('0');
    }
    for d in digits[..len].iter().rev() {
        out.push(char::from(*d));
    }
}

fn receipt_key(r: &ReturnReceipt) -> String {
    let mut key = String::with_capacity(r.refund_no.len() + r.sku.len() + 1);
    key.push_str(&r.refund_no);
    key.push('/');
    key.push_str(&r.sku);
    key
}

/// The platform a fund provider's rows belong to when no order says otherwise.
pub fn provider_platform(provider: FundProvider) -> Platform {
    match provider {
        FundProvider::Alipay => Platform::Taobao,
        FundProvider::Wechat => Platform::Wechat,
        FundProvider::Pdd => Platform::Pdd,
        FundProvider::Jd => Platform::Jd,
        FundProvider::Douyin => Platform::Douyin,
    }
}

/// 结算单 rows that claw a refund back after the settlement (京东钱包 `货款` 支出), by the
/// reference (商户订单号) their money moved under. The fund-flow rows of that reference (the
/// 资金表's) name no order of their own: the statement tells their order, and the after-sale
/// through it.
pub(crate) struct Clawbacks<'a> {
    by_ref: HashMap<&'a str, Vec<&'a SettlementRow>>,
}

impl<'a> Clawbacks<'a> {
    pub(crate) fn of(data: &'a Dataset) -> Clawbacks<'a> {
        let mut by_ref: HashMap<&'a str, Vec<&'a SettlementRow>> = HashMap::new();
        for s in &data.settlements {
            if s.kind != FlowKind::Refund || s.amount.get() >= 0 {
                continue;
            }
            if let Some(r) = s
                .payment_ref
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
            {
                push_to(&mut by_ref, r, s);
            }
        }
        Clawbacks { by_ref }
    }

    /// The clawback rows behind an outflow that names no order itself (empty for the rest).
    pub(crate) fn behind(&self, row: &FundFlowRow) -> &[&'a SettlementRow] {
        if row.amount.get() >= 0 || row.order_no.is_some() || self.by_ref.is_empty() {
            return &[];
        }
        row.merchant_ref
            .as_deref()
            .map(str::trim)
            .and_then(|r| self.by_ref.get(r))
            .map_or(&[], Vec::as_slice)
    }

    /// The order the clawback of `row` is for.
    pub(crate) fn order_of(&self, row: &FundFlowRow) -> Option<&'a str> {
        self.behind(row).first().map(|s| s.order_no.as_str())
    }

    /// The class of a fund-flow row: by the rules; an outflow that no rule classifies and that
    /// a statement claws back as a refund (its 交易备注 saying only 货款, say) is a refund.
    pub(crate) fn classify(&self, books: &Books, row: &FundFlowRow) -> Option<FlowClass> {
        books.rules.classify(row).or_else(|| {
            if self.behind(row).is_empty() {
                None
            } else {
                books.rules.classify_as(row, FlowKind::Refund)
            }
        })
    }
}

/// One entry of a voucher: what a row, shipment or receipt books. Borrows its keys; `date` is
/// `at`'s; net and VAT amounts follow from `amount` and `subsidy` (see [`Ctx::vat_split`]).
struct Entry<'a> {
    at: BeijingTime,
    key: Cow<'a, str>,
    source: SourceRef,
    fund: Option<&'a str>,
    amount: Fen,
    cost: Fen,
    subsidy: Fen,
    /// The record booked, linked by `key` and `source` (none for entries that book another
    /// record's consequence: a cost, revenue at delivery).
    primary: Option<RecordKind>,
    links: Vec<Link<'a>>,
    flags: Vec<Flag>,
    shop: ShopId,
    platform: Platform,
    event: EventId,
    cross: bool,
}

/// A source link as the generator holds it; [`SourceLink`] once on a voucher.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Link<'a> {
    kind: RecordKind,
    key: Cow<'a, str>,
    role: LinkRole,
    source: SourceRef,
}

fn link<'a>(
    kind: RecordKind,
    key: impl Into<Cow<'a, str>>,
    role: LinkRole,
    source: SourceRef,
) -> Link<'a> {
    Link {
        kind,
        key: key.into(),
        role,
        source,
    }
}

type ShopId = u32;

/// The shops records resolve to, each id kept once, with the name people know it by.
#[derive(Clone, Default)]
struct Shops {
    ids: HashMap<String, ShopId>,
    names: Vec<String>,
    titles: Vec<Option<String>>,
}

impl Shops {
    fn intern(&mut self, name: String, title: ShopName<'_>) -> ShopId {
        if let Some(id) = self.ids.get(name.as_str()) {
            return *id;
        }
        let id = ShopId::try_from(self.names.len()).unwrap_or(ShopId::MAX);
        self.titles.push(title(&name));
        self.names.push(name.clone());
        self.ids.insert(name, id);
        id
    }

    /// The shop's name for people (summaries), its id when the settings give none.
    fn title(&self, id: ShopId) -> &str {
        usize::try_from(id)
            .ok()
            .and_then(|i| self.titles.get(i))
            .and_then(Option::as_deref)
            .unwrap_or_else(|| self.name(id))
    }

    fn name(&self, id: ShopId) -> &str {
        usize::try_from(id)
            .ok()
            .and_then(|i| self.names.get(i))
            .map_or("", String::as_str)
    }
}

/// What generation looks up while it walks the period. Per-order and per-refund lists and
/// flags are flat arrays by dense ids ([`index`]), not a map entry (and a `Vec`) per key: at
/// millions of orders those cost more than the records' own keys. Methods take an order as
/// its id, `None` for a number the data does not hold.
struct Ctx<'a> {
    books: &'a Books,
    start: BeijingTime,
    end: BeijingTime,
    shop_of: ShopOf<'a>,
    shop_name: ShopName<'a>,
    shops: Shops,
    /// Every order number of the orders, classified rows, shipments, after-sales and
    /// not-yet-shipped ERP orders. The fields below up to `refund_ids` are by its ids.
    order_ids: KeyIds<'a>,
    /// The first order of each number.
    orders: Vec<Option<&'a Order>>,
    after_sales_by_order: Lists<&'a AfterSale>,
    /// Income rows classified as sales, per order, in time order.
    sale_rows: Lists<&'a FundFlowRow>,
    /// Refund rows per order, in time order.
    refund_rows: Lists<&'a FundFlowRow>,
    /// Per order, by (time shipped, source).
    shipments: Lists<&'a Shipment>,
    /// Orders the ERP holds as not yet shipped (待审核 / 待发货) at its last update.
    erp_unshipped: Flags,
    /// Orders whose sale cost (settlement policy) or revenue at delivery was considered.
    cost_done: Flags,
    revenue_done: Flags,
    /// Every 退款单号 of the after-sales, shipments and return receipts. The fields below up
    /// to `clawbacks` are by its ids.
    refund_ids: KeyIds<'a>,
    /// The first after-sale of each refund number.
    after_sales: Vec<Option<&'a AfterSale>>,
    shipments_by_refund: Lists<&'a Shipment>,
    receipts_by_refund: Lists<&'a ReturnReceipt>,
    linked_after_sales: Flags,
    clawbacks: Clawbacks<'a>,
    issues: Vec<Issue>,
    /// The seller's data carries shipments (ERP): a sale without one is worth a note.
    tracks_goods: bool,
}

fn issue(kind: RecordKind, key: &str, source: SourceRef, message: String, detail: String) -> Issue {
    Issue {
        kind,
        key: key.to_string(),
        source,
        message,
        detail,
    }
}

/// Appends `item` to the list of `key`.
fn push_to<'a, T>(map: &mut HashMap<&'a str, Vec<T>>, key: &'a str, item: T) {
    map.entry(key).or_default().push(item);
}

impl<'a> Ctx<'a> {
    fn new(
        books: &'a Books,
        data: &'a Dataset,
        orders: &'a [Order],
        rows: &[(&'a FundFlowRow, Option<FlowClass>)],
        clawbacks: Clawbacks<'a>,
        period: Period,
        (shop_of, shop_name): (ShopOf<'a>, ShopName<'a>),
    ) -> Ctx<'a> {
        // Each list is made as soon as its keys have ids, so only one list's (id, item)
        // pairs are held at a time.
        let mut order_ids = KeyIds::with_capacity(orders.len());
        let mut by_no: Vec<Option<&Order>> = Vec::with_capacity(orders.len());
        for o in orders {
            let id = order_ids.add(o.order_no.as_str());
            if id == by_no.len() {
                by_no.push(Some(o));
            }
        }
        let pairs = data
            .after_sales
            .iter()
            .map(|a| (order_ids.add(a.order_no.as_str()), a))
            .collect();
        let after_sales_by_order = Lists::new(order_ids.len(), pairs);
        let (mut sales, mut refunds) = (Vec::new(), Vec::new());
        for (r, class) in rows {
            let Some(order_no) = r.order_no.as_deref() else {
                continue;
            };
            match class {
                Some(FlowClass::Sale) => sales.push((order_ids.add(order_no), *r)),
                Some(FlowClass::Refund) => refunds.push((order_ids.add(order_no), *r)),
                _ => {}
            }
        }
        let sale_rows = Lists::new(order_ids.len(), sales);
        let refund_rows = Lists::new(order_ids.len(), refunds);
        let mut sorted: Vec<&Shipment> = data.shipments.iter().collect();
        sorted.sort_unstable_by_key(|a| (a.shipped_at, a.source));
        let pairs = sorted
            .iter()
            .map(|s| (order_ids.add(s.order_no.as_str()), *s))
            .collect();
        let shipments = Lists::new(order_ids.len(), pairs);
        let unshipped: Vec<usize> = data
            .erp_orders
            .iter()
            .filter(|o| {
                matches!(
                    o.status,
                    ErpOrderStatus::PendingReview | ErpOrderStatus::WaitingShipment
                )
            })
            .map(|o| order_ids.add(o.order_no.as_str()))
            .collect();
        let mut erp_unshipped = Flags::new(order_ids.len());
        for id in unshipped {
            erp_unshipped.insert(id);
        }

        let mut refund_ids = KeyIds::with_capacity(data.after_sales.len());
        let mut after_sales = Vec::with_capacity(data.after_sales.len());
        for a in &data.after_sales {
            let id = refund_ids.add(a.refund_no.as_str());
            if id == after_sales.len() {
                after_sales.push(Some(a));
            }
        }
        let pairs = sorted
            .iter()
            .filter_map(|s| Some((refund_ids.add(s.refund_no.as_deref()?), *s)))
            .collect();
        drop(sorted);
        let shipments_by_refund = Lists::new(refund_ids.len(), pairs);
        let pairs = data
            .return_receipts
            .iter()
            .map(|r| (refund_ids.add(r.refund_no.as_str()), r))
            .collect();
        let receipts_by_refund = Lists::new(refund_ids.len(), pairs);
        Ctx {
            books,
            start: period.start(),
            end: period.end(),
            shop_of,
            shop_name,
            shops: Shops::default(),
            orders: by_no,
            after_sales_by_order,
            sale_rows,
            refund_rows,
            shipments,
            erp_unshipped,
            cost_done: Flags::new(order_ids.len()),
            revenue_done: Flags::new(order_ids.len()),
            order_ids,
            after_sales,
            shipments_by_refund,
            receipts_by_refund,
            linked_after_sales: Flags::new(refund_ids.len()),
            refund_ids,
            clawbacks,
            issues: Vec::new(),
            tracks_goods: !data.shipments.is_empty(),
        }
    }

    /// The id of an order number met in the data (none for others: they have no rows,
    /// shipments or after-sales).
    fn order_id(&self, order_no: &str) -> Option<usize> {
        self.order_ids.get(order_no)
    }

    fn order(&self, id: Option<usize>) -> Option<&'a Order> {
        id.and_then(|i| self.orders.get(i).copied().flatten())
    }

    /// The after-sale of a refund number (the first one of the data).
    fn after_sale(&self, refund_no: &str) -> Option<&'a AfterSale> {
        let id = self.refund_ids.get(refund_no)?;
        self.after_sales.get(id).copied().flatten()
    }

    fn in_period(&self, t: BeijingTime) -> bool {
        t >= self.start && t < self.end
    }

    fn policy(&self) -> &'a crate::config::Policy {
        &self.books.config.policy
    }

    fn shop(&mut self, record: RecordRef<'_>) -> Option<ShopId> {
        (self.shop_of)(record).map(|name| self.shops.intern(name, self.shop_name))
    }

    /// First delivery of an order: the platform's 发货时间 or the first normal ERP shipment.
    fn first_shipment(&self, order: Option<usize>) -> Option<BeijingTime> {
        let erp = self
            .shipments
            .of(order)
            .iter()
            .find(|s| s.kind == ShipmentKind::Normal)
            .map(|s| s.shipped_at);
        let platform = self.order(order).and_then(|o| o.shipped_at);
        match (erp, platform) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether an income row of the order of id `order` arrived before delivery (J1b).
    fn is_advance_of(&self, order: Option<usize>, row: &FundFlowRow) -> bool {
        let found = self.order(order);
        if found.is_none() && self.shipments.of(order).is_empty() {
            // A mini-program shop's order lives only in the ERP: money in while it waits to
            // ship is an advance.
            return order.is_some_and(|i| self.erp_unshipped.get(i));
        }
        // A finished trade was delivered, even when the export has no 发货时间.
        let finished = found.is_some_and(|o| {
            o.finished_at.is_some_and(|t| t <= row.occurred_at)
                || (o.finished_at.is_none() && o.status == OrderStatus::Finished)
        });
        !finished
            && self
                .first_shipment(order)
                .is_none_or(|shipped| shipped > row.occurred_at)
    }

    fn has_advance(&self, order: Option<usize>) -> bool {
        self.sale_rows
            .of(order)
            .iter()
            .any(|r| self.is_advance_of(order, r))
    }

    /// When revenue of the order was recognised; none when nothing says so yet. `unknown`
    /// when the data knows nothing of the order (then a refund is taken as after revenue).
    fn sale_time(&self, order: Option<usize>) -> SaleTime {
        let known = self.order(order).is_some()
            || !self.sale_rows.of(order).is_empty()
            || !self.shipments.of(order).is_empty();
        if !known {
            return SaleTime::Unknown;
        }
        let shipped = self.first_shipment(order);
        let time = match self.policy().revenue_recognition {
            RevenueRecognition::Shipment => shipped,
            RevenueRecognition::Settlement => {
                let settled = self
                    .sale_rows
                    .of(order)
                    .iter()
                    .find(|r| !self.is_advance_of(order, r))
                    .map(|r| r.occurred_at);
                let finished = self.order(order).and_then(|o| o.finished_at);
                let advance = if self.has_advance(order) {
                    shipped
                } else {
                    None
                };
                [settled, finished, advance].into_iter().flatten().min()
            }
        };
        time.map_or(SaleTime::NotYet, SaleTime::At)
    }

    fn cross_flags(
        &self,
        order: Option<usize>,
        refund_no: &str,
        at: BeijingTime,
    ) -> (bool, Vec<Flag>) {
        let SaleTime::At(sold) = self.sale_time(order) else {
            return (false, Vec::new());
        };
        if sold >= self.start {
            return (false, Vec::new());
        }
        let mut flags = vec![Flag::CrossPeriod {
            refund_no: refund_no.to_string(),
        }];
        let (m, d) = self.books.approval;
        let refund_date = at.date();
        if self.books.chart.standard == Standard::Enterprise
            && sold.date().year() < refund_date.year()
            && (refund_date.month(), refund_date.day()) <= (m, d)
        {
            flags.push(Flag::SubsequentEvent {
                refund_no: refund_no.to_string(),
            });
        }
        (true, flags)
    }

    fn cost(
        &mut self,
        sku: &str,
        qty: i64,
        kind: RecordKind,
        key: &str,
        source: SourceRef,
    ) -> Option<Fen> {
        match self.books.costs.get(sku) {
            Some(unit) => Some(Fen::new(unit.get() * qty)),
            // No cost table at all: cost entries are off for the whole run, which the summary
            // says once; a note per row would bury the real issues.
            None if self.books.costs.is_empty() => None,
            None => {
                self.issues.push(issue(
                    kind,
                    key,
                    source,
                    format!("商品“{sku}”未设置单位成本，成本分录未生成"),
                    format!("no unit cost for sku {sku}"),
                ));
                None
            }
        }
    }

    /// The order's money went back to the buyer in full (refunded before shipment, say): no
    /// goods left, so no cost is owed. Refund rows may name only the refund number, so the
    /// order's completed after-sales count too.
    fn refunded_in_full(&self, order: Option<usize>) -> bool {
        let sum = |rows: &[&FundFlowRow]| -> i64 { rows.iter().map(|r| r.amount.get()).sum() };
        let income = sum(self.sale_rows.of(order));
        let by_rows = -sum(self.refund_rows.of(order));
        let by_after_sales: i64 = self
            .after_sales_by_order
            .of(order)
            .iter()
            .filter(|a| a.status == AfterSaleStatus::Completed)
            .map(|a| a.refunded.get())
            .sum();
        income > 0 && by_rows.max(by_after_sales) >= income
    }

    /// Cost of an order's normal shipments (J2 basis), with the shipments as links.
    fn order_cost(
        &mut self,
        order: Option<usize>,
        key: &str,
        source: SourceRef,
    ) -> Option<(Fen, Vec<Link<'a>>)> {
        let ships: Vec<&'a Shipment> = self
            .shipments
            .of(order)
            .iter()
            .copied()
            .filter(|s| s.kind == ShipmentKind::Normal)
            .collect();
        if ships.is_empty() {
            return None;
        }
        let mut total = Fen::ZERO;
        let mut links = Vec::with_capacity(ships.len());
        for s in ships {
            total += self.cost(&s.sku, s.quantity, RecordKind::FundFlow, key, source)?;
            links.push(link(
                RecordKind::Shipment,
                shipment_key(s),
                LinkRole::Supporting,
                s.source,
            ));
        }
        Some((total, links))
    }

    /// The after-sale a refund outflow pays: the one it names, else one of its order's
    /// (same amount, or the only refunded one). An outflow that names no order reaches it
    /// through the statement that clawed the refund back, at the statement's 货款 (the
    /// outflow itself is the statement's net, commission given back included).
    fn after_sale_for(&self, row: &FundFlowRow) -> Option<&'a AfterSale> {
        if let Some(a) = row.refund_no.as_deref().and_then(|r| self.after_sale(r)) {
            return Some(a);
        }
        if let Some(order_no) = row.order_no.as_deref() {
            return self.refunded_of(order_no, -row.amount);
        }
        let clawed = self.clawbacks.behind(row);
        if let Some(a) = clawed
            .iter()
            .filter_map(|s| s.refund_no.as_deref())
            .find_map(|r| self.after_sale(r))
        {
            return Some(a);
        }
        let order_no = clawed.first()?.order_no.as_str();
        let goods: Fen = clawed
            .iter()
            .filter(|s| s.order_no == order_no)
            .map(|s| -s.amount)
            .sum();
        self.refunded_of(order_no, goods)
    }

    /// A refunded after-sale of the order: the one of `amount`, else the only one.
    fn refunded_of(&self, order_no: &str, amount: Fen) -> Option<&'a AfterSale> {
        let candidates = self.after_sales_by_order.of(self.order_id(order_no));
        let refunded: Vec<&&AfterSale> = candidates
            .iter()
            .filter(|a| a.refunded.get() > 0 && a.status != AfterSaleStatus::Closed)
            .collect();
        refunded
            .iter()
            .find(|a| a.refunded == amount)
            .copied()
            .or_else(|| (refunded.len() == 1).then(|| refunded[0]))
            .copied()
    }
}

enum SaleTime {
    Unknown,
    NotYet,
    At(BeijingTime),
}

/// Net and VAT of a tax-inclusive amount (价税分离), rounded half away from zero.
fn vat_split(books: &Books, amount: Fen) -> (Fen, Fen) {
    let rate = i128::from(books.vat_rate.0);
    if rate == 0 {
        return (amount, Fen::ZERO);
    }
    let million = 1_000_000i128;
    let num = i128::from(amount.get()) * million;
    let den = million + rate;
    let q = (num.abs() * 2 + den) / (den * 2);
    let net = if num < 0 { -q } else { q };
    let net = Fen::new(i64::try_from(net).unwrap_or(i64::MAX));
    (net, amount - net)
}

/// Generates the period's vouchers. `shop_of` names the shop of a record (the engine's
/// settings resolve it); a record without a shop is not booked and reported as an issue.
pub fn generate(books: &Books, data: &Dataset, period: Period, shop_of: ShopOf<'_>) -> Generated {
    generate_named(books, data, period, shop_of, &|_| None)
}

/// [`generate`] with the shops' names for the summaries (`{shop}`): the settings' name of
/// each shop id, so a voucher reads 禾木家居天猫旗舰店 rather than `tmall`.
pub fn generate_named(
    books: &Books,
    data: &Dataset,
    period: Period,
    shop_of: ShopOf<'_>,
    shop_name: ShopName<'_>,
) -> Generated {
    let orders = data.merged_orders();
    let clawbacks = Clawbacks::of(data);
    let mut rows: Vec<(&FundFlowRow, Option<FlowClass>)> = data
        .fund_flows
        .iter()
        .map(|r| (r, clawbacks.classify(books, r)))
        .collect();
    // (time, 流水号, source) is unique (a source is one line), so any sort gives this order.
    rows.sort_unstable_by(|(a, _), (b, _)| {
        (a.occurred_at, &a.txn_no, a.source).cmp(&(b.occurred_at, &b.txn_no, b.source))
    });
    let mut ctx = Ctx::new(
        books,
        data,
        &orders,
        &rows,
        clawbacks,
        period,
        (shop_of, shop_name),
    );
    rows.retain(|(r, _)| ctx.in_period(r.occurred_at));
    let mut ships: Vec<&Shipment> = data
        .shipments
        .iter()
        .filter(|s| ctx.in_period(s.shipped_at))
        .collect();
    ships.sort_unstable_by_key(|a| (a.shipped_at, a.source));
    let mut receipts: Vec<&ReturnReceipt> = data
        .return_receipts
        .iter()
        .filter(|r| ctx.in_period(r.received_at))
        .collect();
    receipts.sort_unstable_by_key(|a| (a.received_at, a.source));
    // The same row, shipment or receipt met twice (overlapping exports) is booked once: the
    // first met in the order they are booked in. Receipts and shipments by the fields their
    // link keys are made of.
    let repeated = Repeated {
        rows: repeats(&rows, |(r, _)| {
            (r.provider, r.account.as_deref(), r.txn_no.as_str())
        }),
        ships: repeats(&ships, |s| {
            (s.order_no.as_str(), s.sku.as_str(), s.shipped_at)
        }),
        receipts: repeats(&receipts, |r| (r.refund_no.as_str(), r.sku.as_str())),
    };

    // Vouchers of one day never hold entries of another: then each day is assembled as soon
    // as its entries are made, on a thread of its own while the next day's are made. The
    // assembler sees the days in order, so the vouchers and their numbers are those of
    // assembling them one after another.
    let per_day = Assembler::new(books, period).daily;
    std::thread::scope(|scope| {
        let (days, made) = std::sync::mpsc::sync_channel::<(Shops, Vec<Entry<'_>>)>(1);
        let assembling = scope.spawn(move || {
            let mut assembler = Assembler::new(books, period);
            for (shops, mut entries) in made {
                assembler.add(&shops, &mut entries);
            }
            assembler
        });
        make_entries(
            &mut ctx, per_day, &rows, &ships, &receipts, &repeated, &days,
        );
        drop(days);
        let assembler = assembling
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let mut issues = std::mem::take(&mut ctx.issues);
        issues.extend(assembler.issues);
        issues.sort_by(|a, b| (a.source, &a.key).cmp(&(b.source, &b.key)));
        let mut vouchers = assembler.vouchers;
        name_files(&mut vouchers, data);
        Generated { vouchers, issues }
    })
}

/// Each link's file name, so the journal says which file a source line is in (a file id
/// means nothing outside the run). One shared name per file.
fn name_files(vouchers: &mut [Voucher], data: &Dataset) {
    let names: Vec<Label> = data
        .files
        .iter()
        .map(|f| Label::from(without_folder(&f.name)))
        .collect();
    for link in vouchers.iter_mut().flat_map(|v| v.links.iter_mut()) {
        link.file = link
            .source
            .and_then(|s| usize::try_from(s.file.0).ok())
            .and_then(|i| names.get(i))
            .cloned();
    }
}

/// A file as the journal names it: without the folder it was read from (the journal outlives
/// the download folder, and a workspace reads its files from a private one), keeping an
/// archive member's or sheet's part (`账单.zip!明细.csv`).
fn without_folder(path: &str) -> &str {
    let outer = path.find('!').unwrap_or(path.len());
    let start = path[..outer].rfind(['/', '\\']).map_or(0, |i| i + 1);
    &path[start..]
}

/// Which of the period's rows, shipments and receipts repeat one met before (booked once).
struct Repeated {
    rows: Flags,
    ships: Flags,
    receipts: Flags,
}

/// Walks the period day by day (or whole, when vouchers are not per day) and sends each
/// day's entries, with the shops known by then, to the assembler.
fn make_entries<'a>(
    ctx: &mut Ctx<'a>,
    per_day: bool,
    rows: &[(&'a FundFlowRow, Option<FlowClass>)],
    ships: &[&'a Shipment],
    receipts: &[&'a ReturnReceipt],
    repeated: &Repeated,
    days: &std::sync::mpsc::SyncSender<(Shops, Vec<Entry<'a>>)>,
) {
    let (mut f, mut s, mut r) = (0, 0, 0);
    let mut entries: Vec<Entry<'a>> = Vec::new();
    loop {
        let next = [
            rows.get(f).map(|(row, _)| row.occurred_at.date()),
            ships.get(s).map(|x| x.shipped_at.date()),
            receipts.get(r).map(|x| x.received_at.date()),
        ]
        .into_iter()
        .flatten()
        .min();
        let Some(day) = next else { break };
        let within = |t: BeijingTime| !per_day || t.date() <= day;
        while let Some((row, class)) = rows.get(f).filter(|(row, _)| within(row.occurred_at)) {
            if !repeated.rows.get(f) {
                flow(ctx, row, *class, &mut entries);
            }
            f += 1;
        }
        while let Some(ship) = ships.get(s).filter(|x| within(x.shipped_at)) {
            if !repeated.ships.get(s) {
                shipment(ctx, ship, &mut entries);
            }
            s += 1;
        }
        while let Some(receipt) = receipts.get(r).filter(|x| within(x.received_at)) {
            if !repeated.receipts.get(r) {
                return_receipt(ctx, receipt, &mut entries);
            }
            r += 1;
        }
        // The assembler stops only by panicking, which the caller passes on.
        if days
            .send((ctx.shops.clone(), std::mem::take(&mut entries)))
            .is_err()
        {
            return;
        }
    }
}

fn flow<'a>(
    ctx: &mut Ctx<'a>,
    row: &'a FundFlowRow,
    class: Option<FlowClass>,
    out: &mut Vec<Entry<'a>>,
) {
    let key = row.txn_no.as_str();
    let no_book = |ctx: &mut Ctx<'a>, message: String, detail: String| {
        ctx.issues.push(issue(
            RecordKind::FundFlow,
            key,
            row.source,
            message,
            detail,
        ));
    };
    let Some(shop) = ctx.shop(RecordRef::FundFlow(row)) else {
        no_book(
            ctx,
            format!("资金流水 {key} 无法确定所属店铺，未入账"),
            "no shop".into(),
        );
        return;
    };
    let Some(class) = class else {
        no_book(
            ctx,
            // Which way the money went tells the accountant where to look: an outflow no
            // rule knows (an Alipay `在线支付` paying a supplier) is a purchase, never a sale.
            if row.amount.get() < 0 {
                format!(
                    "资金流水 {key}（{}，支出 {} 元）没有匹配的凭证规则，未入账：从账户付出的款项（采购、运费、推广等）请按原始单据确定用途后手工入账",
                    row.kind_text,
                    row.amount.abs()
                )
            } else {
                format!(
                    "资金流水 {key}（{}，收入 {} 元）没有匹配的凭证规则，未入账：请按原始单据确定款项性质后手工入账",
                    row.kind_text, row.amount
                )
            },
            format!(
                "no classify rule for kind {:?} text {:?}",
                row.kind, row.kind_text
            ),
        );
        return;
    };
    let books = ctx.books;
    let Some(fund) =
        books
            .chart
            .fund_code(row.provider, row.account.as_deref(), ctx.shops.name(shop))
    else {
        no_book(
            ctx,
            format!(
                "{}账户{}未配置资金科目，流水 {key} 未入账",
                row.provider.zh(),
                row.account.as_deref().unwrap_or("")
            ),
            "no fund account code".into(),
        );
        return;
    };
    // One lookup of the order number serves the whole row.
    let order_id = row.order_no.as_deref().and_then(|o| ctx.order_id(o));
    let order = ctx.order(order_id);
    let platform = order.map_or_else(|| provider_platform(row.provider), |o| o.platform);
    let mut entry = Entry {
        at: row.occurred_at,
        key: Cow::Borrowed(key),
        source: row.source,
        fund: Some(fund),
        amount: row.amount,
        cost: Fen::ZERO,
        subsidy: Fen::ZERO,
        primary: Some(RecordKind::FundFlow),
        links: Vec::new(),
        flags: Vec::new(),
        shop,
        platform,
        event: EventId::SaleSettled,
        cross: false,
    };
    let policy = ctx.policy();
    let mut extra: Option<Entry<'a>> = None;
    entry.event = match class {
        FlowClass::Sale => {
            let order_no = row.order_no.as_deref().unwrap_or("");
            if ctx.is_advance_of(order_id, row) {
                EventId::AdvanceReceived
            } else if policy.revenue_recognition == RevenueRecognition::Shipment {
                EventId::SaleCollected
            } else {
                let first = ctx
                    .sale_rows
                    .of(order_id)
                    .iter()
                    .find(|r| !ctx.is_advance_of(order_id, r))
                    .is_some_and(|r| r.txn_no == row.txn_no);
                if first {
                    if let Some(o) = order {
                        entry.links.push(link(
                            RecordKind::Order,
                            o.order_no.as_str(),
                            LinkRole::Supporting,
                            o.source,
                        ));
                        if policy.platform_subsidy == SubsidyPolicy::Receivable {
                            entry.subsidy = o.platform_discount.unwrap_or_default();
                        }
                    }
                    // `first`: the order has sale rows, so an id.
                    if order_id.is_some_and(|id| ctx.cost_done.insert(id)) {
                        let shipped = ctx
                            .shipments
                            .of(order_id)
                            .iter()
                            .any(|s| s.kind == ShipmentKind::Normal);
                        if let Some((cost, links)) = ctx.order_cost(order_id, key, row.source) {
                            extra = Some(cost_entry(&entry, EventId::SaleCost, cost, links));
                        } else if !shipped && ctx.tracks_goods && !ctx.refunded_in_full(order_id) {
                            // The goods went out in a period whose ERP data is not here:
                            // 发出商品 keeps their cost until someone books it.
                            ctx.issues.push(issue(
                                RecordKind::FundFlow,
                                key,
                                row.source,
                                format!(
                                    "订单 {order_no} 已回款，但没有找到发货记录，销售成本未结转"
                                ),
                                format!("no shipment for settled order {order_no}"),
                            ));
                        }
                    }
                }
                EventId::SaleSettled
            }
        }
        FlowClass::Refund => refund_event(ctx, row, &mut entry, &mut extra),
        FlowClass::SubsidyReceived => EventId::SubsidyReceived,
        FlowClass::Commission => match policy.commission {
            CommissionPolicy::Expense => EventId::Commission,
            CommissionPolicy::PendingInvoice => EventId::CommissionPending,
        },
        FlowClass::PlatformFee => EventId::PlatformFee,
        FlowClass::Points => EventId::Points,
        FlowClass::PaymentFee => EventId::PaymentFee,
        FlowClass::Withdrawal => EventId::Withdrawal,
        FlowClass::Deposit => EventId::Deposit,
        FlowClass::Freight => EventId::Freight,
        FlowClass::FreightInsurance => EventId::FreightInsurance,
        FlowClass::CashDiscount => EventId::CashDiscount,
        FlowClass::Cashback => match (policy.cashback, books.chart.standard) {
            (CashbackPolicy::Revenue, _) | (CashbackPolicy::ByStandard, Standard::Enterprise) => {
                EventId::CashbackRevenue
            }
            _ => EventId::CashbackExpense,
        },
        FlowClass::Penalty => match policy.penalty {
            PenaltyPolicy::NonOperating => EventId::PenaltyNonOperating,
            PenaltyPolicy::SellingExpense => EventId::PenaltyExpense,
        },
    };
    out.push(entry);
    if let Some(e) = extra {
        out.push(e);
    }
}

/// An entry that books a consequence of `base` (its cost, revenue at delivery): same time,
/// shop and key, linked to `links` only.
fn cost_entry<'a>(base: &Entry<'a>, event: EventId, cost: Fen, links: Vec<Link<'a>>) -> Entry<'a> {
    Entry {
        at: base.at,
        key: base.key.clone(),
        source: base.source,
        fund: None,
        amount: Fen::ZERO,
        cost,
        subsidy: Fen::ZERO,
        primary: None,
        links,
        flags: Vec::new(),
        shop: base.shop,
        platform: base.platform,
        event,
        cross: false,
    }
}

fn refund_event<'a>(
    ctx: &mut Ctx<'a>,
    row: &'a FundFlowRow,
    entry: &mut Entry<'a>,
    extra: &mut Option<Entry<'a>>,
) -> EventId {
    let after_sale = ctx.after_sale_for(row);
    let order_no = row
        .order_no
        .as_deref()
        .or(after_sale.map(|a| a.order_no.as_str()))
        .or_else(|| ctx.clawbacks.order_of(row))
        .unwrap_or("");
    let order = ctx.order_id(order_no);
    // Every after-sale's refund number has an id.
    if let Some(a) = after_sale
        && ctx
            .refund_ids
            .get(a.refund_no.as_str())
            .is_some_and(|id| ctx.linked_after_sales.insert(id))
    {
        entry.links.push(link(
            RecordKind::AfterSale,
            a.refund_no.as_str(),
            LinkRole::Supporting,
            a.source,
        ));
    }
    let recognised = match ctx.sale_time(order) {
        SaleTime::Unknown => true,
        SaleTime::At(t) => t <= row.occurred_at,
        SaleTime::NotYet => false,
    };
    let before_revenue =
        after_sale.is_some_and(|a| a.phase == Some(AfterSalePhase::OnSale)) || !recognised;
    if before_revenue && ctx.has_advance(order) {
        return EventId::RefundBeforeRevenue;
    }
    let refund_no = after_sale.map_or(row.txn_no.as_str(), |a| a.refund_no.as_str());
    let (cross, flags) = ctx.cross_flags(order, refund_no, row.occurred_at);
    entry.cross = cross;
    entry.flags = flags;
    let refund_only = ctx.policy().refund_only.event();
    match after_sale.map(|a| a.kind) {
        Some(AfterSaleKind::ReturnAndRefund) => EventId::RefundReturn,
        Some(AfterSaleKind::RefundOnly) => {
            if let Some(a) = after_sale {
                *extra = carrier_claim(ctx.books, a, row, entry);
            }
            refund_only
        }
        Some(AfterSaleKind::Reship) => refund_only,
        // A price difference refunded on an exchange is a price concession (J12b).
        Some(AfterSaleKind::Exchange) => EventId::RefundOnlyAllowance,
        None => {
            entry.flags.push(Flag::RefundWithoutAfterSale {
                txn_no: row.txn_no.to_string(),
            });
            refund_only
        }
    }
}

/// J10b: a 仅退款 after shipment whose reason names the carrier (the first of the policy's
/// `carrier_keywords` found in it). Always a note to the reviewer on the refund's entry; under
/// `carrier_claim = "receivable"` also the claim, returned as an entry for the refunded money.
/// The claim has no links of its own: it goes on the refund's voucher (same time, shop, key
/// and, as the 账套 checks, class), whose links (the refund row, its after-sale) stand behind
/// it, so no source is linked from a second voucher.
fn carrier_claim<'a>(
    books: &Books,
    a: &AfterSale,
    row: &FundFlowRow,
    entry: &mut Entry<'a>,
) -> Option<Entry<'a>> {
    if a.phase == Some(AfterSalePhase::OnSale) {
        return None; // refunded before shipment: no parcel to lose
    }
    let policy = &books.config.policy;
    let reason = a.reason.as_deref()?;
    let keyword = policy
        .carrier_keywords
        .iter()
        .map(|w| w.trim())
        .find(|w| reason.contains(w))?;
    let booked = policy.carrier_claim == CarrierClaimPolicy::Receivable;
    entry.flags.push(Flag::CarrierClaim {
        refund_no: a.refund_no.to_string(),
        keyword: keyword.to_string(),
        claim_booked: booked,
    });
    booked.then(|| {
        let mut claim = cost_entry(entry, EventId::CarrierClaim, Fen::ZERO, Vec::new());
        claim.amount = -row.amount;
        claim
    })
}

fn shipment<'a>(ctx: &mut Ctx<'a>, s: &'a Shipment, out: &mut Vec<Entry<'a>>) {
    let key = shipment_key(s);
    let Some(shop) = ctx.shop(RecordRef::Shipment(s)) else {
        ctx.issues.push(issue(
            RecordKind::Shipment,
            &key,
            s.source,
            format!("发货单 {key} 无法确定所属店铺，未入账"),
            "no shop".into(),
        ));
        return;
    };
    let order_id = ctx.order_id(s.order_no.as_str());
    let order = ctx.order(order_id);
    let platform = order.map_or(Platform::Other, |o| o.platform);
    let after_sale = s.refund_no.as_deref().and_then(|r| ctx.after_sale(r));
    let event = match s.kind {
        ShipmentKind::Normal => match ctx.policy().revenue_recognition {
            RevenueRecognition::Settlement => EventId::ShipmentDeferred,
            RevenueRecognition::Shipment => EventId::ShipmentCost,
        },
        ShipmentKind::Reship => {
            let missing = after_sale
                .and_then(|a| a.reason.as_deref())
                .is_some_and(|r| {
                    ["漏发", "少发", "缺件", "缺货", "错发"]
                        .iter()
                        .any(|w| r.contains(w))
                });
            match ctx.policy().reship_cost {
                ReshipPolicy::Cogs => EventId::ReshipMissing,
                ReshipPolicy::SellingExpense => EventId::ReshipReplacement,
                ReshipPolicy::ByReason if missing => EventId::ReshipMissing,
                ReshipPolicy::ByReason => EventId::ReshipReplacement,
            }
        }
        ShipmentKind::Exchange => {
            // Same SKU back and out: inventory nets to zero, no entry (J12).
            let same = s.refund_no.as_deref().is_some_and(|r| {
                ctx.receipts_by_refund
                    .of(ctx.refund_ids.get(r))
                    .iter()
                    .any(|rr| rr.sku == s.sku)
                    || after_sale.is_some_and(|a| {
                        a.lines
                            .iter()
                            .any(|l| l.sku.as_deref() == Some(s.sku.as_str()))
                    })
            });
            if same {
                return;
            }
            EventId::ExchangeCost
        }
    };
    let Some(cost) = ctx.cost(&s.sku, s.quantity, RecordKind::Shipment, &key, s.source) else {
        return;
    };
    let base = Entry {
        at: s.shipped_at,
        key: Cow::Owned(key),
        source: s.source,
        fund: None,
        amount: Fen::ZERO,
        cost,
        subsidy: Fen::ZERO,
        primary: Some(RecordKind::Shipment),
        links: Vec::new(),
        flags: Vec::new(),
        shop,
        platform,
        event,
        cross: false,
    };
    // Revenue at delivery: the order's first normal shipment (J1b advance, or J3 under the
    // shipment policy).
    // Every shipment's order number has an id.
    if s.kind == ShipmentKind::Normal
        && order_id.is_some_and(|id| ctx.revenue_done.insert(id))
        && let Some(o) = order
    {
        revenue_at_delivery(ctx, order_id, o, s, &base, out);
    }
    out.push(base);
}

/// `order_id` is the id of `o`'s number.
fn revenue_at_delivery<'a>(
    ctx: &mut Ctx<'a>,
    order_id: Option<usize>,
    o: &'a Order,
    s: &Shipment,
    base: &Entry<'a>,
    out: &mut Vec<Entry<'a>>,
) {
    let first = ctx.first_shipment(order_id);
    if first.is_some_and(|t| t < s.shipped_at) {
        return; // delivered before (the platform's 发货时间 is earlier than this ERP row)
    }
    let order_link = link(
        RecordKind::Order,
        o.order_no.as_str(),
        LinkRole::Primary,
        o.source,
    );
    if ctx.has_advance(order_id) {
        let before: Fen = ctx
            .sale_rows
            .of(order_id)
            .iter()
            .chain(ctx.refund_rows.of(order_id))
            .filter(|r| r.occurred_at < s.shipped_at)
            .map(|r| r.amount)
            .sum();
        let mut e = cost_entry(
            base,
            EventId::AdvanceRecognised,
            Fen::ZERO,
            vec![order_link],
        );
        e.amount = before;
        out.push(e);
        if ctx.policy().revenue_recognition == RevenueRecognition::Settlement
            && let Some((cost, links)) = ctx.order_cost(order_id, &base.key, base.source)
        {
            out.push(cost_entry(base, EventId::SaleCost, cost, links));
        }
        return;
    }
    if ctx.policy().revenue_recognition == RevenueRecognition::Shipment {
        let Some(paid) = o.paid else {
            ctx.issues.push(issue(
                RecordKind::Order,
                &o.order_no,
                o.source,
                format!("订单 {} 缺少实付金额，发货收入未确认", o.order_no),
                "order without paid".into(),
            ));
            return;
        };
        let mut e = cost_entry(base, EventId::SaleShipped, Fen::ZERO, vec![order_link]);
        e.amount = paid;
        if ctx.policy().platform_subsidy == SubsidyPolicy::Receivable {
            e.subsidy = o.platform_discount.unwrap_or_default();
        }
        out.push(e);
    }
}

fn return_receipt<'a>(ctx: &mut Ctx<'a>, r: &'a ReturnReceipt, out: &mut Vec<Entry<'a>>) {
    let key = receipt_key(r);
    let Some(shop) = ctx.shop(RecordRef::ReturnReceipt(r)) else {
        ctx.issues.push(issue(
            RecordKind::ReturnReceipt,
            &key,
            r.source,
            format!("退货入库单 {key} 无法确定所属店铺，未入账"),
            "no shop".into(),
        ));
        return;
    };
    let after_sale = ctx.after_sale(r.refund_no.as_str());
    let order = ctx.order_id(r.order_no.as_str());
    let platform = after_sale
        .map(|a| a.platform)
        .or_else(|| ctx.order(order).map(|o| o.platform))
        .unwrap_or(Platform::Other);
    let defective = r.quality == Some(QualityResult::Defective);
    let mut cross = false;
    let mut flags = Vec::new();
    let event = if after_sale.map(|a| a.kind) == Some(AfterSaleKind::Exchange) {
        let same_out = ctx
            .shipments_by_refund
            .of(ctx.refund_ids.get(r.refund_no.as_str()))
            .iter()
            .any(|s| s.kind == ShipmentKind::Exchange && s.sku == r.sku);
        match (same_out, defective) {
            (true, false) => return, // the same unit back into stock as one went out (J12)
            (true, true) => EventId::ExchangeDamaged,
            (false, true) => EventId::ReturnDamaged,
            (false, false) => EventId::ReturnCost,
        }
    } else {
        let recognised = match ctx.sale_time(order) {
            SaleTime::Unknown => true,
            SaleTime::At(t) => t <= r.received_at,
            SaleTime::NotYet => false,
        };
        if !recognised && ctx.policy().revenue_recognition == RevenueRecognition::Settlement {
            EventId::ReturnBeforeRevenue
        } else {
            (cross, flags) = ctx.cross_flags(order, &r.refund_no, r.received_at);
            if defective {
                EventId::ReturnDamaged
            } else {
                EventId::ReturnCost
            }
        }
    };
    let Some(cost) = ctx.cost(
        &r.sku,
        r.quantity,
        RecordKind::ReturnReceipt,
        &key,
        r.source,
    ) else {
        return;
    };
    out.push(Entry {
        at: r.received_at,
        key: Cow::Owned(key),
        source: r.source,
        fund: None,
        amount: Fen::ZERO,
        cost,
        subsidy: Fen::ZERO,
        primary: Some(RecordKind::ReturnReceipt),
        links: Vec::new(),
        flags,
        shop,
        platform,
        event,
        cross,
    });
}

// ---------------------------------------------------------------------------------------------
// Grouping, balancing, numbering

/// Which voucher an entry goes on; vouchers are made in this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct GroupId<'e> {
    date: Date,
    class: Option<EventClass>,
    shop: Option<&'e str>,
    source: Option<&'e str>,
}

/// A leg of an event's rule with its account found in the chart.
struct Leg<'b> {
    side: Side,
    amount: Component,
    code: &'b str,
    aux: &'b [AuxDim],
}

/// Groups entries into vouchers, numbers them per 凭证字, and keeps what every voucher
/// shares: the accounts each event books and the aux items of each account and shop.
struct Assembler<'b> {
    books: &'b Books,
    period: Period,
    by_day: bool,
    by_class: bool,
    by_shop: bool,
    by_source: bool,
    /// Vouchers are dated by their entries (else all on the period's last day).
    daily: bool,
    last_day: Date,
    numbers: BTreeMap<String, u32>,
    vouchers: Vec<Voucher>,
    issues: Vec<Issue>,
    legs: Legs<'b>,
    auxes: Auxes<'b>,
}

impl<'b> Assembler<'b> {
    fn new(books: &'b Books, period: Period) -> Assembler<'b> {
        let group_by = &books.config.vouchers.group_by;
        let by = |k: GroupKey| group_by.contains(&k);
        Assembler {
            books,
            period,
            by_day: by(GroupKey::Day),
            by_class: by(GroupKey::Class),
            by_shop: by(GroupKey::Shop),
            by_source: by(GroupKey::Source),
            daily: by(GroupKey::Day) || by(GroupKey::Source),
            last_day: period.end().plus_days(-1).date(),
            numbers: BTreeMap::new(),
            vouchers: Vec::new(),
            issues: Vec::new(),
            legs: HashMap::new(),
            auxes: Auxes::default(),
        }
    }

    /// Makes the vouchers of `entries` (all of the period, or all of one day when vouchers are
    /// per day) and empties it.
    fn add(&mut self, shops: &Shops, entries: &mut Vec<Entry<'b>>) {
        entries.sort_by(|a, b| {
            (a.at, a.source, &a.key, a.event).cmp(&(b.at, b.source, &b.key, b.event))
        });
        let (by_day, by_class, by_shop, by_source) =
            (self.by_day, self.by_class, self.by_shop, self.by_source);
        let mut groups: Vec<(GroupId<'_>, usize)> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let id = GroupId {
                    date: if by_day || by_source {
                        e.at.date()
                    } else {
                        self.last_day
                    },
                    class: if by_class || by_source {
                        self.books.rules.event(e.event).map(|r| r.class)
                    } else {
                        None
                    },
                    shop: (by_shop || by_source).then(|| shops.name(e.shop)),
                    source: by_source.then(|| e.key.as_ref()),
                };
                (id, i)
            })
            .collect();
        // Within a voucher, entries stay in the order sorted above.
        groups.sort_unstable();
        let mut group: Vec<&Entry<'b>> = Vec::new();
        let mut start = 0;
        while start < groups.len() {
            let id = groups[start].0;
            let len = groups[start..]
                .iter()
                .take_while(|(other, _)| *other == id)
                .count();
            group.clear();
            group.extend(groups[start..start + len].iter().map(|(_, i)| &entries[*i]));
            start += len;
            match self.voucher(&id, &group, shops) {
                Ok(mut v) => {
                    let n = self.numbers.entry(v.word.clone()).or_insert(0);
                    *n += 1;
                    v.number = *n;
                    self.vouchers.push(v);
                }
                Err(e) => {
                    for entry in &group {
                        self.issues.push(issue(
                            RecordKind::FundFlow,
                            &entry.key,
                            entry.source,
                            e.message.clone(),
                            e.detail.clone(),
                        ));
                    }
                }
            }
        }
        entries.clear();
    }

    fn voucher(
        &mut self,
        id: &GroupId<'_>,
        group: &[&Entry<'b>],
        shops: &Shops,
    ) -> Result<Voucher, BooksError> {
        let books = self.books;
        let chart = &books.chart;
        let per_voucher_vat = books.config.vat.rounding == VatRounding::PerVoucher;
        // {count}: entries of the same event and cross-period state in the voucher.
        let mut counts: Vec<((EventId, bool), usize)> = Vec::new();
        for e in group {
            match counts.iter_mut().find(|(k, _)| *k == (e.event, e.cross)) {
                Some((_, n)) => *n += 1,
                None => counts.push(((e.event, e.cross), 1)),
            }
        }
        let date_text = if self.daily {
            id.date.to_string()
        } else {
            self.period.to_string()
        };
        let mut summaries: FirstSeen<String> = FirstSeen::default();
        // 摘要 per (event, cross-period, platform, shop): final, or still to take the entry's
        // {ref}.
        let mut texts: Vec<((EventId, bool, Platform, ShopId), Summary)> = Vec::new();
        let mut lines = Lines::default();
        let mut vat_keys: FirstSeen<(u32, &'b str, u32)> = FirstSeen::default();
        let mut vat_nets: Vec<i128> = Vec::new();
        for e in group {
            let rule = books.rules.event(e.event).ok_or_else(|| {
                BooksError::config(
                    format!("缺少业务事项 {:?} 的规则", e.event),
                    format!("no rule for {:?}", e.event),
                )
            })?;
            let memo = (e.event, e.cross, e.platform, e.shop);
            let text = match texts.iter().position(|(k, _)| *k == memo) {
                Some(i) => &texts[i].1,
                None => {
                    let count = counts
                        .iter()
                        .find(|(k, _)| *k == (e.event, e.cross))
                        .map_or(1, |(_, n)| *n);
                    let text = fill(rule.summary.clone(), "{date}", &date_text);
                    let text = fill(text, "{shop}", shops.title(e.shop));
                    let text = fill(text, "{platform}", e.platform.zh());
                    let text = if text.contains("{count}") {
                        text.replace("{count}", &count.to_string())
                    } else {
                        text
                    };
                    let text = fill(text, "{cross}", if e.cross { "（跨期）" } else { "" });
                    let summary = if text.contains("{ref}") {
                        Summary::WithRef(text)
                    } else {
                        Summary::Done(summaries.id(single_spaced(&text)))
                    };
                    texts.push((memo, summary));
                    &texts[texts.len() - 1].1
                }
            };
            let summary = match text {
                Summary::Done(id) => *id,
                Summary::WithRef(text) => {
                    summaries.id(single_spaced(&text.replace("{ref}", &e.key)))
                }
            };
            let (net, vat) = vat_split(books, e.amount);
            let (subsidy_net, subsidy_vat) = vat_split(books, e.subsidy);
            let amount = |c: Component| match c {
                Component::Amount => e.amount,
                Component::Net => net,
                Component::Vat => vat,
                Component::Cost => e.cost,
                Component::Subsidy => e.subsidy,
                Component::SubsidyNet => subsidy_net,
                Component::SubsidyVat => subsidy_vat,
            };
            for leg in legs_of(&mut self.legs, books, e.event, e.fund)? {
                let (side, component, code) = (leg.side, leg.amount, leg.code);
                let aux = self
                    .auxes
                    .id(books, code, leg.aux, shops, e.shop, e.platform);
                let sign = |v: Fen| if side == Side::Debit { v } else { -v };
                let deferred = match component {
                    Component::Vat if per_voucher_vat => Some(net),
                    Component::SubsidyVat if per_voucher_vat => Some(subsidy_net),
                    _ => None,
                };
                match deferred {
                    Some(net) => {
                        let i = to_index(vat_keys.id((summary, code, aux)));
                        if i == vat_nets.len() {
                            vat_nets.push(0);
                        }
                        vat_nets[i] += i128::from(sign(net).get());
                    }
                    None => lines.add(summary, code, aux, sign(amount(component))),
                }
            }
        }
        for (&(summary, code, aux), net) in vat_keys.keys.iter().zip(&vat_nets) {
            let product = net * i128::from(books.vat_rate.0);
            let million = 1_000_000i128;
            let rounded = (product.abs() + million / 2) / million;
            let vat = if product < 0 { -rounded } else { rounded };
            lines.add(
                summary,
                code,
                aux,
                Fen::new(i64::try_from(vat).unwrap_or(i64::MAX)),
            );
        }
        let mut flags: BTreeSet<Flag> =
            group.iter().flat_map(|e| e.flags.iter().cloned()).collect();
        let diff: Fen = lines.sums.iter().copied().sum();
        if !diff.is_zero() {
            let limit = books
                .config
                .vouchers
                .rounding_max_fen
                .unwrap_or_else(|| i64::try_from(group.len()).unwrap_or(i64::MAX));
            if diff.get().abs() > limit {
                return Err(BooksError::voucher(
                    format!(
                        "凭证借贷差额 {diff} 超过尾差上限 {}，未生成",
                        Fen::new(limit)
                    ),
                    format!("imbalance {diff} above rounding limit {limit}"),
                ));
            }
            let code = chart.role("rounding").unwrap_or_default();
            chart.require_leaf(code)?;
            let summary = summaries.id("尾差".to_string());
            let aux = self.auxes.values.id(Aux::default());
            lines.add(summary, code, aux, -diff);
            flags.insert(Flag::Rounding { fen: diff.get() });
        }
        let mut debit_lines = Vec::new();
        let mut credit_lines = Vec::new();
        for (&(summary, account, aux, side), amount) in lines.keys.keys.iter().zip(&lines.sums) {
            if amount.is_zero() {
                continue;
            }
            let line = VoucherLine {
                summary: summaries.get(summary).to_string(),
                account: account.to_string(),
                debit: if side == Side::Debit {
                    *amount
                } else {
                    Fen::ZERO
                },
                credit: if side == Side::Credit {
                    -*amount
                } else {
                    Fen::ZERO
                },
                aux: self.auxes.values.get(aux).clone(),
            };
            if side == Side::Debit {
                debit_lines.push(line);
            } else {
                credit_lines.push(line);
            }
        }
        debit_lines.append(&mut credit_lines);
        let mut links: Vec<(RecordKind, &str, LinkRole, SourceRef)> =
            Vec::with_capacity(group.len());
        for e in group {
            if let Some(kind) = e.primary {
                links.push((kind, &e.key, LinkRole::Primary, e.source));
            }
            links.extend(
                e.links
                    .iter()
                    .map(|l| (l.kind, l.key.as_ref(), l.role, l.source)),
            );
        }
        // Equal links are indistinguishable, so an unstable sort gives the one order.
        links.sort_unstable();
        links.dedup();
        let attachments = match books.config.vouchers.attachments {
            AttachmentCount::Rows => {
                1 + links
                    .windows(2)
                    .filter(|w| (w[0].0, w[0].1) != (w[1].0, w[1].1))
                    .count()
            }
            AttachmentCount::Files => links
                .iter()
                .map(|l| l.3.file)
                .collect::<BTreeSet<FileId>>()
                .len(),
        };
        let attachments = if links.is_empty() { 0 } else { attachments };
        let class = id.class.or_else(|| {
            let mut classes = group
                .iter()
                .filter_map(|e| books.rules.event(e.event).map(|r| r.class));
            let first = classes.next();
            classes.all(|c| Some(c) == first).then_some(first).flatten()
        });
        let word = books.word(class.unwrap_or(EventClass::Sales)).to_string();
        let shop = match id.shop {
            Some(s) => Some(s.to_string()),
            None => {
                let first = group.first().map(|e| e.shop);
                group
                    .iter()
                    .all(|e| Some(e.shop) == first)
                    .then(|| first.map(|s| shops.name(s).to_string()))
                    .flatten()
            }
        };
        let voucher = Voucher {
            date: id.date,
            period: self.period,
            word,
            number: 0,
            attachments: u32::try_from(attachments).unwrap_or(u32::MAX),
            preparer: books.config.vouchers.preparer.clone(),
            reviewer: None,
            rules_version: Some(books.rules_version.clone()),
            shop,
            class,
            lines: debit_lines,
            links: links
                .into_iter()
                .map(|(kind, key, role, source)| SourceLink {
                    kind,
                    key: key.into(),
                    role,
                    source: Some(source),
                    file: None,
                })
                .collect(),
            flags: flags.into_iter().collect(),
        };
        voucher.check_balanced()?;
        Ok(voucher)
    }
}

/// The accounts of each event's legs, with the row's fund account for `fund` legs.
type Legs<'b> = HashMap<(EventId, Option<&'b str>), Result<Vec<Leg<'b>>, BooksError>>;

fn legs_of<'l, 'b>(
    cache: &'l mut Legs<'b>,
    books: &'b Books,
    event: EventId,
    fund: Option<&'b str>,
) -> Result<&'l [Leg<'b>], BooksError> {
    let found = cache.entry((event, fund)).or_insert_with(|| {
        let rule = books.rules.event(event).ok_or_else(|| {
            BooksError::config(
                format!("缺少业务事项 {event:?} 的规则"),
                format!("no rule for {event:?}"),
            )
        })?;
        rule.legs
            .iter()
            .map(|leg| {
                let code = if leg.account == "fund" {
                    fund
                } else {
                    books.chart.role(&leg.account)
                }
                .ok_or_else(|| {
                    BooksError::config(
                        format!("科目用途“{}”没有对应科目", leg.account),
                        format!("role {} unmapped", leg.account),
                    )
                })?;
                let account = books.chart.require_leaf(code)?;
                Ok(Leg {
                    side: leg.side,
                    amount: leg.amount,
                    code,
                    aux: &account.aux,
                })
            })
            .collect()
    });
    match found {
        Ok(legs) => Ok(legs),
        Err(e) => Err(e.clone()),
    }
}

/// Aux items by value, and which one an account takes for a shop and platform.
#[derive(Default)]
struct Auxes<'b> {
    values: FirstSeen<Aux>,
    of: HashMap<(&'b str, ShopId, Platform), u32>,
}

impl<'b> Auxes<'b> {
    fn id(
        &mut self,
        books: &Books,
        code: &'b str,
        dims: &[AuxDim],
        shops: &Shops,
        shop: ShopId,
        platform: Platform,
    ) -> u32 {
        if let Some(id) = self.of.get(&(code, shop, platform)) {
            return *id;
        }
        let chart = &books.chart;
        let name = shops.name(shop);
        let mut aux = Aux::default();
        for dim in dims {
            match dim {
                AuxDim::Shop => aux.shop = Some(name.to_string()),
                AuxDim::Platform => aux.customer = Some(chart.customer(platform)),
                AuxDim::Department => aux.department = chart.department(name).map(str::to_string),
            }
        }
        let id = self.values.id(aux);
        self.of.insert((code, shop, platform), id);
        id
    }
}

/// Voucher lines summed by (摘要, account, aux, side), in the order they first appear.
#[derive(Default)]
struct Lines<'b> {
    keys: FirstSeen<(u32, &'b str, u32, Side)>,
    sums: Vec<Fen>,
}

impl<'b> Lines<'b> {
    /// Adds a signed amount (debit positive); its sign decides the side, so a charge and a
    /// reversal on one account stay two lines instead of netting away.
    fn add(&mut self, summary: u32, code: &'b str, aux: u32, signed: Fen) {
        if signed.is_zero() {
            return;
        }
        let side = if signed.get() > 0 {
            Side::Debit
        } else {
            Side::Credit
        };
        let i = to_index(self.keys.id((summary, code, aux, side)));
        if i == self.sums.len() {
            self.sums.push(Fen::ZERO);
        }
        self.sums[i] += signed;
    }
}

/// A 摘要 worked out for a voucher: its index, or the text still to take an entry's key.
enum Summary {
    Done(u32),
    WithRef(String),
}

/// `text` with `pattern` replaced (no copy when it does not occur).
fn fill(text: String, pattern: &str, with: &str) -> String {
    if text.contains(pattern) {
        text.replace(pattern, with)
    } else {
        text
    }
}

fn single_spaced(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn to_index(id: u32) -> usize {
    usize::try_from(id).unwrap_or(usize::MAX)
}

/// Keys in the order they first appear, each with its index: a scan while there are few (a
/// voucher has a handful of lines), a hash index beyond that.
struct FirstSeen<K> {
    keys: Vec<K>,
    index: HashMap<K, u32>,
}

impl<K> Default for FirstSeen<K> {
    fn default() -> Self {
        FirstSeen {
            keys: Vec::new(),
            index: HashMap::new(),
        }
    }
}

const SCAN: usize = 16;

impl<K: Clone + Eq + Hash> FirstSeen<K> {
    fn id(&mut self, key: K) -> u32 {
        let found = if self.keys.len() <= SCAN {
            self.keys.iter().position(|k| *k == key)
        } else {
            self.index.get(&key).map(|i| to_index(*i))
        };
        if let Some(i) = found {
            return u32::try_from(i).unwrap_or(u32::MAX);
        }
        let id = u32::try_from(self.keys.len()).unwrap_or(u32::MAX);
        if self.keys.len() == SCAN {
            self.index = (0..).zip(&self.keys).map(|(i, k)| (k.clone(), i)).collect();
        }
        if self.keys.len() >= SCAN {
            self.index.insert(key.clone(), id);
        }
        self.keys.push(key);
        id
    }

    fn get(&self, id: u32) -> &K {
        &self.keys[to_index(id)]
    }
}
