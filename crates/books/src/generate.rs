//! Voucher generation from a period's [`Dataset`]: fund-flow rows are the source of every money
//! event, after-sales decide what a refund is, shipments and return receipts carry the goods
//! movements (cost). Entries are grouped as accountants summarise them, balanced to the 分 and
//! numbered per 凭证字. Deterministic: the same data and 账套 give the same vouchers.

use std::collections::{BTreeMap, BTreeSet};

// Lookup-only indexes (never iterated for output) use fast hashing; output order comes from
// the BTreeMaps and explicit sorts.
use foldhash::{HashMap, HashSet};

use duizhang_core::{
    AfterSale, AfterSaleKind, AfterSalePhase, AfterSaleStatus, BeijingTime, Dataset,
    ErpOrderStatus, Fen, FileId, FundFlowRow, FundProvider, Order, OrderStatus, Period, Platform,
    QualityResult, Record, RecordKind, ReturnReceipt, Shipment, ShipmentKind, SourceRef,
};
use jiff::civil::Date;

use crate::chart::{AuxDim, Standard};
use crate::config::{
    AttachmentCount, Books, CashbackPolicy, CommissionPolicy, GroupKey, PenaltyPolicy,
    RefundOnlyPolicy, ReshipPolicy, RevenueRecognition, SubsidyPolicy, VatRounding,
};
use crate::rules::{Component, EventClass, EventId, FlowClass, Side};
use crate::voucher::{Aux, Flag, LinkRole, SourceLink, Voucher, VoucherLine};

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

/// The link key of a record, as vouchers and the books checks name it.
pub fn source_key(record: &Record) -> String {
    match record {
        Record::FundFlow(r) => r.txn_no.to_string(),
        Record::AfterSale(r) => r.refund_no.to_string(),
        Record::Order(r) => r.order_no.to_string(),
        Record::Shipment(r) => shipment_key(r),
        Record::ReturnReceipt(r) => receipt_key(r),
        Record::Settlement(r) => format!("{}/{}/{}", r.order_no, r.item, r.amount),
        Record::Payment(r) => r.txn_no.to_string(),
        Record::ErpOrder(r) => r.order_no.to_string(),
        Record::Complaint(r) => r.ticket_no.to_string(),
    }
}

fn shipment_key(s: &Shipment) -> String {
    let t = s.shipped_at.0;
    format!(
        "{}/{}/{:04}{:02}{:02}{:02}{:02}{:02}",
        s.order_no,
        s.sku,
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn receipt_key(r: &ReturnReceipt) -> String {
    format!("{}/{}", r.refund_no, r.sku)
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

#[derive(Clone, Copy, Debug, Default)]
struct Comps {
    amount: Fen,
    net: Fen,
    vat: Fen,
    cost: Fen,
    subsidy: Fen,
    subsidy_net: Fen,
    subsidy_vat: Fen,
}

impl Comps {
    fn get(&self, c: Component) -> Fen {
        match c {
            Component::Amount => self.amount,
            Component::Net => self.net,
            Component::Vat => self.vat,
            Component::Cost => self.cost,
            Component::Subsidy => self.subsidy,
            Component::SubsidyNet => self.subsidy_net,
            Component::SubsidyVat => self.subsidy_vat,
        }
    }
}

struct Entry {
    date: Date,
    at: BeijingTime,
    shop: String,
    platform: Platform,
    event: EventId,
    comps: Comps,
    fund: Option<String>,
    links: Vec<SourceLink>,
    flags: Vec<Flag>,
    cross: bool,
    source: SourceRef,
    key: String,
}

struct Ctx<'a> {
    books: &'a Books,
    period: Period,
    orders: HashMap<String, Order>,
    after_sales: HashMap<&'a str, &'a AfterSale>,
    after_sales_by_order: HashMap<&'a str, Vec<&'a AfterSale>>,
    /// Income rows classified as sales, per order, in time order.
    sale_rows: HashMap<&'a str, Vec<&'a FundFlowRow>>,
    /// Refund rows per order, in time order.
    refund_rows: HashMap<&'a str, Vec<&'a FundFlowRow>>,
    shipments: HashMap<&'a str, Vec<&'a Shipment>>,
    /// Orders the ERP holds as not yet shipped (待审核 / 待发货) at its last update.
    erp_unshipped: HashSet<&'a str>,
    shipments_by_refund: HashMap<&'a str, Vec<&'a Shipment>>,
    receipts_by_refund: HashMap<&'a str, Vec<&'a ReturnReceipt>>,
    issues: Vec<Issue>,
    linked_after_sales: HashSet<String>,
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

impl<'a> Ctx<'a> {
    fn new(books: &'a Books, data: &'a Dataset, period: Period) -> Ctx<'a> {
        let mut orders = HashMap::default();
        for o in data.merged_orders().iter().cloned() {
            orders.entry(o.order_no.to_string()).or_insert(o);
        }
        let mut after_sales = HashMap::default();
        let mut after_sales_by_order: HashMap<&str, Vec<&AfterSale>> = HashMap::default();
        for a in &data.after_sales {
            after_sales.entry(a.refund_no.as_str()).or_insert(a);
            after_sales_by_order
                .entry(a.order_no.as_str())
                .or_default()
                .push(a);
        }
        let mut rows: Vec<&FundFlowRow> = data.fund_flows.iter().collect();
        rows.sort_by(|a, b| {
            (a.occurred_at, &a.txn_no, a.source).cmp(&(b.occurred_at, &b.txn_no, b.source))
        });
        let mut sale_rows: HashMap<&str, Vec<&FundFlowRow>> = HashMap::default();
        let mut refund_rows: HashMap<&str, Vec<&FundFlowRow>> = HashMap::default();
        for r in rows {
            let Some(order_no) = r.order_no.as_deref() else {
                continue;
            };
            match books.rules.classify(r) {
                Some(FlowClass::Sale) => sale_rows.entry(order_no).or_default().push(r),
                Some(FlowClass::Refund) => refund_rows.entry(order_no).or_default().push(r),
                _ => {}
            }
        }
        let mut shipments: HashMap<&str, Vec<&Shipment>> = HashMap::default();
        let mut shipments_by_refund: HashMap<&str, Vec<&Shipment>> = HashMap::default();
        let mut sorted: Vec<&Shipment> = data.shipments.iter().collect();
        sorted.sort_by_key(|a| (a.shipped_at, a.source));
        for s in sorted {
            shipments.entry(s.order_no.as_str()).or_default().push(s);
            if let Some(r) = s.refund_no.as_deref() {
                shipments_by_refund.entry(r).or_default().push(s);
            }
        }
        let mut receipts_by_refund: HashMap<&str, Vec<&ReturnReceipt>> = HashMap::default();
        for r in &data.return_receipts {
            receipts_by_refund
                .entry(r.refund_no.as_str())
                .or_default()
                .push(r);
        }
        let erp_unshipped = data
            .erp_orders
            .iter()
            .filter(|o| {
                matches!(
                    o.status,
                    ErpOrderStatus::PendingReview | ErpOrderStatus::WaitingShipment
                )
            })
            .map(|o| o.order_no.as_str())
            .collect();
        Ctx {
            books,
            period,
            orders,
            erp_unshipped,
            after_sales,
            after_sales_by_order,
            sale_rows,
            refund_rows,
            shipments,
            shipments_by_refund,
            receipts_by_refund,
            issues: Vec::new(),
            linked_after_sales: HashSet::default(),
            tracks_goods: !data.shipments.is_empty(),
        }
    }

    fn policy(&self) -> &crate::config::Policy {
        &self.books.config.policy
    }

    /// First delivery of an order: the platform's 发货时间 or the first normal ERP shipment.
    fn first_shipment(&self, order_no: &str) -> Option<BeijingTime> {
        let erp = self
            .shipments
            .get(order_no)
            .and_then(|v| v.iter().find(|s| s.kind == ShipmentKind::Normal))
            .map(|s| s.shipped_at);
        let platform = self.orders.get(order_no).and_then(|o| o.shipped_at);
        match (erp, platform) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Income rows of the order that arrived before delivery (J1b).
    fn is_advance(&self, row: &FundFlowRow) -> bool {
        let Some(order_no) = row.order_no.as_deref() else {
            return false;
        };
        let order = self.orders.get(order_no);
        if order.is_none() && !self.shipments.contains_key(order_no) {
            // A mini-program shop's order lives only in the ERP: money in while it waits to
            // ship is an advance.
            return self.erp_unshipped.contains(order_no);
        }
        // A finished trade was delivered, even when the export has no 发货时间.
        let finished = order.is_some_and(|o| {
            o.finished_at.is_some_and(|t| t <= row.occurred_at)
                || (o.finished_at.is_none() && o.status == OrderStatus::Finished)
        });
        !finished
            && self
                .first_shipment(order_no)
                .is_none_or(|shipped| shipped > row.occurred_at)
    }

    fn has_advance(&self, order_no: &str) -> bool {
        self.sale_rows
            .get(order_no)
            .is_some_and(|rows| rows.iter().any(|r| self.is_advance(r)))
    }

    /// When revenue of the order was recognised; none when nothing says so yet. `unknown`
    /// when the data knows nothing of the order (then a refund is taken as after revenue).
    fn sale_time(&self, order_no: &str) -> SaleTime {
        let known = self.orders.contains_key(order_no)
            || self.sale_rows.contains_key(order_no)
            || self.shipments.contains_key(order_no);
        if !known {
            return SaleTime::Unknown;
        }
        let shipped = self.first_shipment(order_no);
        let time = match self.policy().revenue_recognition {
            RevenueRecognition::Shipment => shipped,
            RevenueRecognition::Settlement => {
                let settled = self.sale_rows.get(order_no).and_then(|rows| {
                    rows.iter()
                        .find(|r| !self.is_advance(r))
                        .map(|r| r.occurred_at)
                });
                let finished = self.orders.get(order_no).and_then(|o| o.finished_at);
                let advance = if self.has_advance(order_no) {
                    shipped
                } else {
                    None
                };
                [settled, finished, advance].into_iter().flatten().min()
            }
        };
        time.map_or(SaleTime::NotYet, SaleTime::At)
    }

    fn cross_flags(&self, order_no: &str, refund_no: &str, at: BeijingTime) -> (bool, Vec<Flag>) {
        let SaleTime::At(sold) = self.sale_time(order_no) else {
            return (false, Vec::new());
        };
        if sold >= self.period.start() {
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

    fn vat_split(&self, amount: Fen) -> (Fen, Fen) {
        let rate = i128::from(self.books.vat_rate.0);
        if rate == 0 {
            return (amount, Fen::ZERO);
        }
        let million = 1_000_000i128;
        let num = i128::from(amount.0) * million;
        let den = million + rate;
        let q = (num.abs() * 2 + den) / (den * 2);
        let net = if num < 0 { -q } else { q };
        let net = Fen(i64::try_from(net).unwrap_or(i64::MAX));
        (net, amount - net)
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
            Some(unit) => Some(Fen(unit.0 * qty)),
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
    fn refunded_in_full(&self, order_no: &str) -> bool {
        let sum = |rows: Option<&Vec<&FundFlowRow>>| -> i64 {
            rows.map_or(0, |v| v.iter().map(|r| r.amount.0).sum())
        };
        let income = sum(self.sale_rows.get(order_no));
        let by_rows = -sum(self.refund_rows.get(order_no));
        let by_after_sales: i64 = self.after_sales_by_order.get(order_no).map_or(0, |v| {
            v.iter()
                .filter(|a| a.status == duizhang_core::AfterSaleStatus::Completed)
                .map(|a| a.refunded.0)
                .sum()
        });
        income > 0 && by_rows.max(by_after_sales) >= income
    }

    /// Cost of an order's normal shipments (J2 basis), with the shipments as links.
    fn order_cost(
        &mut self,
        order_no: &str,
        key: &str,
        source: SourceRef,
    ) -> Option<(Fen, Vec<SourceLink>)> {
        let ships: Vec<&Shipment> = self
            .shipments
            .get(order_no)
            .map(|v| {
                v.iter()
                    .copied()
                    .filter(|s| s.kind == ShipmentKind::Normal)
                    .collect()
            })
            .unwrap_or_default();
        if ships.is_empty() {
            return None;
        }
        let mut total = Fen::ZERO;
        let mut links = Vec::new();
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

    fn after_sale_for(&self, row: &FundFlowRow) -> Option<&'a AfterSale> {
        if let Some(r) = row.refund_no.as_deref()
            && let Some(a) = self.after_sales.get(r)
        {
            return Some(a);
        }
        let candidates = self.after_sales_by_order.get(row.order_no.as_deref()?)?;
        let refunded: Vec<&&AfterSale> = candidates
            .iter()
            .filter(|a| a.refunded.0 > 0 && a.status != AfterSaleStatus::Closed)
            .collect();
        refunded
            .iter()
            .find(|a| a.refunded == -row.amount)
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

fn link(kind: RecordKind, key: String, role: LinkRole, source: SourceRef) -> SourceLink {
    SourceLink {
        kind,
        key,
        role,
        source: Some(source),
    }
}

/// Generates the period's vouchers. `shop_of` names the shop of a record (the engine's
/// settings resolve it); a record without a shop is not booked and reported as an issue.
pub fn generate(
    books: &Books,
    data: &Dataset,
    period: Period,
    shop_of: &dyn Fn(&Record) -> Option<String>,
) -> Generated {
    let mut ctx = Ctx::new(books, data, period);
    let mut entries: Vec<Entry> = Vec::new();
    flows(&mut ctx, data, shop_of, &mut entries);
    shipments(&mut ctx, data, shop_of, &mut entries);
    receipts(&mut ctx, data, shop_of, &mut entries);
    let (vouchers, mut more) = assemble(books, period, entries);
    let mut issues = ctx.issues;
    issues.append(&mut more);
    issues.sort_by(|a, b| (a.source, &a.key).cmp(&(b.source, &b.key)));
    Generated { vouchers, issues }
}

fn flows(
    ctx: &mut Ctx<'_>,
    data: &Dataset,
    shop_of: &dyn Fn(&Record) -> Option<String>,
    out: &mut Vec<Entry>,
) {
    let mut rows: Vec<&FundFlowRow> = data
        .fund_flows
        .iter()
        .filter(|r| ctx.period.contains(r.occurred_at))
        .collect();
    rows.sort_by(|a, b| {
        (a.occurred_at, &a.txn_no, a.source).cmp(&(b.occurred_at, &b.txn_no, b.source))
    });
    let mut seen: HashSet<(FundProvider, Option<&str>, &str)> = HashSet::default();
    let mut cost_done: HashSet<String> = HashSet::default();
    for row in rows {
        // The same row met twice (overlapping exports) is one row.
        if !seen.insert((row.provider, row.account.as_deref(), row.txn_no.as_str())) {
            continue;
        }
        let key = row.txn_no.as_str();
        let no_book = |ctx: &mut Ctx<'_>, message: String, detail: String| {
            ctx.issues.push(issue(
                RecordKind::FundFlow,
                key,
                row.source,
                message,
                detail,
            ));
        };
        let Some(shop) = shop_of(&Record::FundFlow(row.clone())) else {
            no_book(
                ctx,
                format!("资金流水 {key} 无法确定所属店铺，未入账"),
                "no shop".into(),
            );
            continue;
        };
        let Some(class) = ctx.books.rules.classify(row) else {
            no_book(
                ctx,
                format!(
                    "资金流水 {key}（{}）没有匹配的凭证规则，未入账",
                    row.kind_text
                ),
                format!(
                    "no classify rule for kind {:?} text {:?}",
                    row.kind, row.kind_text
                ),
            );
            continue;
        };
        let Some(fund) = ctx
            .books
            .chart
            .fund_code(row.provider, row.account.as_deref(), &shop)
            .map(str::to_string)
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
            continue;
        };
        let order = row.order_no.as_deref().and_then(|o| ctx.orders.get(o));
        let platform = order.map_or_else(|| provider_platform(row.provider), |o| o.platform);
        let mut entry = Entry {
            date: row.occurred_at.date(),
            at: row.occurred_at,
            shop: shop.clone(),
            platform,
            event: EventId::SaleSettled,
            comps: Comps {
                amount: row.amount,
                ..Comps::default()
            },
            fund: Some(fund),
            links: vec![link(
                RecordKind::FundFlow,
                key.to_string(),
                LinkRole::Primary,
                row.source,
            )],
            flags: Vec::new(),
            cross: false,
            source: row.source,
            key: key.to_string(),
        };
        let (net, vat) = ctx.vat_split(row.amount);
        entry.comps.net = net;
        entry.comps.vat = vat;
        let policy = ctx.policy().clone();
        let mut extra: Option<Entry> = None;
        entry.event = match class {
            FlowClass::Sale => {
                let order_no = row.order_no.as_deref().unwrap_or("");
                if ctx.is_advance(row) {
                    EventId::AdvanceReceived
                } else if policy.revenue_recognition == RevenueRecognition::Shipment {
                    EventId::SaleCollected
                } else {
                    let first = ctx
                        .sale_rows
                        .get(order_no)
                        .and_then(|rows| rows.iter().find(|r| !ctx.is_advance(r)))
                        .is_some_and(|r| r.txn_no == row.txn_no);
                    if first {
                        if let Some(o) = order {
                            entry.links.push(link(
                                RecordKind::Order,
                                o.order_no.to_string(),
                                LinkRole::Supporting,
                                o.source,
                            ));
                            if policy.platform_subsidy == SubsidyPolicy::Receivable {
                                let subsidy = o.platform_discount.unwrap_or_default();
                                let (sn, sv) = ctx.vat_split(subsidy);
                                entry.comps.subsidy = subsidy;
                                entry.comps.subsidy_net = sn;
                                entry.comps.subsidy_vat = sv;
                            }
                        }
                        if cost_done.insert(order_no.to_string()) {
                            let shipped = ctx
                                .shipments
                                .get(order_no)
                                .is_some_and(|v| v.iter().any(|s| s.kind == ShipmentKind::Normal));
                            if let Some((cost, links)) = ctx.order_cost(order_no, key, row.source) {
                                extra = Some(cost_entry(&entry, EventId::SaleCost, cost, links));
                            } else if !shipped
                                && ctx.tracks_goods
                                && !ctx.refunded_in_full(order_no)
                            {
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
            FlowClass::Refund => refund_event(ctx, row, &mut entry),
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
            FlowClass::Cashback => match (policy.cashback, ctx.books.chart.standard) {
                (CashbackPolicy::Revenue, _)
                | (CashbackPolicy::ByStandard, Standard::Enterprise) => EventId::CashbackRevenue,
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
}

fn cost_entry(base: &Entry, event: EventId, cost: Fen, links: Vec<SourceLink>) -> Entry {
    Entry {
        date: base.date,
        at: base.at,
        shop: base.shop.clone(),
        platform: base.platform,
        event,
        comps: Comps {
            cost,
            ..Comps::default()
        },
        fund: None,
        links,
        flags: Vec::new(),
        cross: false,
        source: base.source,
        key: base.key.clone(),
    }
}

fn refund_event(ctx: &mut Ctx<'_>, row: &FundFlowRow, entry: &mut Entry) -> EventId {
    let after_sale = ctx.after_sale_for(row);
    let order_no = row
        .order_no
        .as_deref()
        .or(after_sale.map(|a| a.order_no.as_str()))
        .unwrap_or("");
    if let Some(a) = after_sale
        && ctx.linked_after_sales.insert(a.refund_no.to_string())
    {
        entry.links.push(link(
            RecordKind::AfterSale,
            a.refund_no.to_string(),
            LinkRole::Supporting,
            a.source,
        ));
    }
    let recognised = match ctx.sale_time(order_no) {
        SaleTime::Unknown => true,
        SaleTime::At(t) => t <= row.occurred_at,
        SaleTime::NotYet => false,
    };
    let before_revenue =
        after_sale.is_some_and(|a| a.phase == Some(AfterSalePhase::OnSale)) || !recognised;
    if before_revenue && ctx.has_advance(order_no) {
        return EventId::RefundBeforeRevenue;
    }
    let refund_no = after_sale.map_or(row.txn_no.as_str(), |a| a.refund_no.as_str());
    let (cross, flags) = ctx.cross_flags(order_no, refund_no, row.occurred_at);
    entry.cross = cross;
    entry.flags = flags;
    let refund_only = match ctx.policy().refund_only {
        RefundOnlyPolicy::SalesAllowance => EventId::RefundOnlyAllowance,
        RefundOnlyPolicy::SellingExpense => EventId::RefundOnlyCompensation,
        RefundOnlyPolicy::NonOperating => EventId::RefundOnlyNonOperating,
    };
    match after_sale.map(|a| a.kind) {
        Some(AfterSaleKind::ReturnAndRefund) => EventId::RefundReturn,
        Some(AfterSaleKind::RefundOnly) | Some(AfterSaleKind::Reship) => refund_only,
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

fn shipments(
    ctx: &mut Ctx<'_>,
    data: &Dataset,
    shop_of: &dyn Fn(&Record) -> Option<String>,
    out: &mut Vec<Entry>,
) {
    let mut ships: Vec<&Shipment> = data
        .shipments
        .iter()
        .filter(|s| ctx.period.contains(s.shipped_at))
        .collect();
    ships.sort_by_key(|a| (a.shipped_at, a.source));
    let mut revenue_done: HashSet<String> = HashSet::default();
    let mut seen: HashSet<String> = HashSet::default();
    for s in ships {
        let key = shipment_key(s);
        if !seen.insert(key.clone()) {
            continue;
        }
        let Some(shop) = shop_of(&Record::Shipment(s.clone())) else {
            ctx.issues.push(issue(
                RecordKind::Shipment,
                &key,
                s.source,
                format!("发货单 {key} 无法确定所属店铺，未入账"),
                "no shop".into(),
            ));
            continue;
        };
        let order = ctx.orders.get(s.order_no.as_str()).cloned();
        let platform = order.as_ref().map_or(Platform::Other, |o| o.platform);
        let after_sale = s
            .refund_no
            .as_deref()
            .and_then(|r| ctx.after_sales.get(r))
            .copied();
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
                        .get(r)
                        .is_some_and(|v| v.iter().any(|rr| rr.sku == s.sku))
                        || after_sale.is_some_and(|a| {
                            a.lines
                                .iter()
                                .any(|l| l.sku.as_deref() == Some(s.sku.as_str()))
                        })
                });
                if same {
                    continue;
                }
                EventId::ExchangeCost
            }
        };
        let Some(cost) = ctx.cost(&s.sku, s.quantity, RecordKind::Shipment, &key, s.source) else {
            continue;
        };
        let base = Entry {
            date: s.shipped_at.date(),
            at: s.shipped_at,
            shop: shop.clone(),
            platform,
            event,
            comps: Comps {
                cost,
                ..Comps::default()
            },
            fund: None,
            links: vec![link(
                RecordKind::Shipment,
                key.clone(),
                LinkRole::Primary,
                s.source,
            )],
            flags: Vec::new(),
            cross: false,
            source: s.source,
            key: key.clone(),
        };
        // Revenue at delivery: the order's first normal shipment (J1b advance, or J3 under the
        // shipment policy).
        if s.kind == ShipmentKind::Normal
            && revenue_done.insert(s.order_no.to_string())
            && let Some(o) = order.as_ref()
        {
            revenue_at_delivery(ctx, o, s, &base, out);
        }
        out.push(base);
    }
}

fn revenue_at_delivery(
    ctx: &mut Ctx<'_>,
    o: &Order,
    s: &Shipment,
    base: &Entry,
    out: &mut Vec<Entry>,
) {
    let first = ctx.first_shipment(&o.order_no);
    if first.is_some_and(|t| t < s.shipped_at) {
        return; // delivered before (the platform's 发货时间 is earlier than this ERP row)
    }
    let order_link = link(
        RecordKind::Order,
        o.order_no.to_string(),
        LinkRole::Primary,
        o.source,
    );
    if ctx.has_advance(&o.order_no) {
        let before: Fen = ctx
            .sale_rows
            .get(o.order_no.as_str())
            .into_iter()
            .chain(ctx.refund_rows.get(o.order_no.as_str()))
            .flatten()
            .filter(|r| r.occurred_at < s.shipped_at)
            .map(|r| r.amount)
            .sum();
        let (net, vat) = ctx.vat_split(before);
        let mut e = cost_entry(
            base,
            EventId::AdvanceRecognised,
            Fen::ZERO,
            vec![order_link],
        );
        e.comps = Comps {
            amount: before,
            net,
            vat,
            ..Comps::default()
        };
        out.push(e);
        if ctx.policy().revenue_recognition == RevenueRecognition::Settlement
            && let Some((cost, links)) = ctx.order_cost(&o.order_no, &base.key, base.source)
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
        let (net, vat) = ctx.vat_split(paid);
        let mut comps = Comps {
            amount: paid,
            net,
            vat,
            ..Comps::default()
        };
        if ctx.policy().platform_subsidy == SubsidyPolicy::Receivable {
            let subsidy = o.platform_discount.unwrap_or_default();
            let (sn, sv) = ctx.vat_split(subsidy);
            comps.subsidy = subsidy;
            comps.subsidy_net = sn;
            comps.subsidy_vat = sv;
        }
        let mut e = cost_entry(base, EventId::SaleShipped, Fen::ZERO, vec![order_link]);
        e.comps = comps;
        out.push(e);
    }
}

fn receipts(
    ctx: &mut Ctx<'_>,
    data: &Dataset,
    shop_of: &dyn Fn(&Record) -> Option<String>,
    out: &mut Vec<Entry>,
) {
    let mut list: Vec<&ReturnReceipt> = data
        .return_receipts
        .iter()
        .filter(|r| ctx.period.contains(r.received_at))
        .collect();
    list.sort_by_key(|a| (a.received_at, a.source));
    let mut seen: HashSet<String> = HashSet::default();
    for r in list {
        let key = receipt_key(r);
        if !seen.insert(key.clone()) {
            continue;
        }
        let Some(shop) = shop_of(&Record::ReturnReceipt(r.clone())) else {
            ctx.issues.push(issue(
                RecordKind::ReturnReceipt,
                &key,
                r.source,
                format!("退货入库单 {key} 无法确定所属店铺，未入账"),
                "no shop".into(),
            ));
            continue;
        };
        let after_sale = ctx.after_sales.get(r.refund_no.as_str()).copied();
        let platform = after_sale
            .map(|a| a.platform)
            .or_else(|| ctx.orders.get(r.order_no.as_str()).map(|o| o.platform))
            .unwrap_or(Platform::Other);
        let defective = r.quality == Some(QualityResult::Defective);
        let mut cross = false;
        let mut flags = Vec::new();
        let event = if after_sale.map(|a| a.kind) == Some(AfterSaleKind::Exchange) {
            let same_out = ctx
                .shipments_by_refund
                .get(r.refund_no.as_str())
                .is_some_and(|v| {
                    v.iter()
                        .any(|s| s.kind == ShipmentKind::Exchange && s.sku == r.sku)
                });
            match (same_out, defective) {
                (true, false) => continue, // the same unit back into stock as one went out (J12)
                (true, true) => EventId::ExchangeDamaged,
                (false, true) => EventId::ReturnDamaged,
                (false, false) => EventId::ReturnCost,
            }
        } else {
            let recognised = match ctx.sale_time(&r.order_no) {
                SaleTime::Unknown => true,
                SaleTime::At(t) => t <= r.received_at,
                SaleTime::NotYet => false,
            };
            if !recognised && ctx.policy().revenue_recognition == RevenueRecognition::Settlement {
                EventId::ReturnBeforeRevenue
            } else {
                (cross, flags) = ctx.cross_flags(&r.order_no, &r.refund_no, r.received_at);
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
            continue;
        };
        out.push(Entry {
            date: r.received_at.date(),
            at: r.received_at,
            shop,
            platform,
            event,
            comps: Comps {
                cost,
                ..Comps::default()
            },
            fund: None,
            links: vec![link(
                RecordKind::ReturnReceipt,
                key.clone(),
                LinkRole::Primary,
                r.source,
            )],
            flags,
            cross,
            source: r.source,
            key,
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Grouping, balancing, numbering

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct GroupId {
    date: Date,
    class: Option<EventClass>,
    shop: Option<String>,
    source: Option<String>,
}

fn assemble(books: &Books, period: Period, mut entries: Vec<Entry>) -> (Vec<Voucher>, Vec<Issue>) {
    entries
        .sort_by(|a, b| (a.at, a.source, &a.key, a.event).cmp(&(b.at, b.source, &b.key, b.event)));
    let group_by = &books.config.vouchers.group_by;
    let by = |k: GroupKey| group_by.contains(&k);
    let last_day = period.end().plus_days(-1).date();
    let mut groups: BTreeMap<GroupId, Vec<Entry>> = BTreeMap::new();
    for e in entries {
        let class = books.rules.event(e.event).map(|r| r.class);
        let id = GroupId {
            date: if by(GroupKey::Day) || by(GroupKey::Source) {
                e.date
            } else {
                last_day
            },
            class: if by(GroupKey::Class) || by(GroupKey::Source) {
                class
            } else {
                None
            },
            shop: (by(GroupKey::Shop) || by(GroupKey::Source)).then(|| e.shop.clone()),
            source: by(GroupKey::Source).then(|| e.key.clone()),
        };
        groups.entry(id).or_default().push(e);
    }
    let mut vouchers = Vec::new();
    let mut issues = Vec::new();
    let mut numbers: BTreeMap<String, u32> = BTreeMap::new();
    for (id, group) in groups {
        match build_voucher(
            books,
            period,
            &id,
            &group,
            by(GroupKey::Day) || by(GroupKey::Source),
        ) {
            Ok(mut v) => {
                let n = numbers.entry(v.word.clone()).or_insert(0);
                *n += 1;
                v.number = *n;
                vouchers.push(v);
            }
            Err(e) => {
                for entry in &group {
                    issues.push(issue(
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
    (vouchers, issues)
}

/// Voucher lines summed by (摘要, account, aux, side), in the order they first appear.
#[derive(Default)]
struct Lines {
    keys: Vec<(String, String, Aux, Side)>,
    sums: BTreeMap<(String, String, Aux, Side), Fen>,
}

impl Lines {
    /// Adds a signed amount (debit positive); its sign decides the side, so a charge and a
    /// reversal on one account stay two lines instead of netting away.
    fn push(&mut self, summary: &str, account: &str, aux: &Aux, signed: Fen) {
        if signed.is_zero() {
            return;
        }
        let side = if signed.0 > 0 {
            Side::Debit
        } else {
            Side::Credit
        };
        let k = (summary.to_string(), account.to_string(), aux.clone(), side);
        if !self.sums.contains_key(&k) {
            self.keys.push(k.clone());
        }
        *self.sums.entry(k).or_default() += signed;
    }
}

fn build_voucher(
    books: &Books,
    period: Period,
    id: &GroupId,
    group: &[Entry],
    daily: bool,
) -> Result<Voucher, crate::error::BooksError> {
    let chart = &books.chart;
    let per_voucher_vat = books.config.vat.rounding == VatRounding::PerVoucher;
    // {count}: entries of the same event and cross-period state in the voucher.
    let mut counts: BTreeMap<(EventId, bool), usize> = BTreeMap::new();
    for e in group {
        *counts.entry((e.event, e.cross)).or_default() += 1;
    }
    let mut lines = Lines::default();
    let mut vat_keys: Vec<(String, String, Aux)> = Vec::new();
    let mut vat_nets: BTreeMap<(String, String, Aux), i128> = BTreeMap::new();
    for e in group {
        let rule = books.rules.event(e.event).ok_or_else(|| {
            crate::error::BooksError::config(
                format!("缺少业务事项 {:?} 的规则", e.event),
                format!("no rule for {:?}", e.event),
            )
        })?;
        let date_text = if daily {
            e.date.to_string()
        } else {
            period.to_string()
        };
        let count = counts.get(&(e.event, e.cross)).copied().unwrap_or(1);
        let summary = rule
            .summary
            .replace("{date}", &date_text)
            .replace("{shop}", &e.shop)
            .replace("{platform}", e.platform.zh())
            .replace("{count}", &count.to_string())
            .replace("{cross}", if e.cross { "（跨期）" } else { "" })
            .replace("{ref}", &e.key);
        let summary = summary.split_whitespace().collect::<Vec<_>>().join(" ");
        for leg in &rule.legs {
            let code = if leg.account == "fund" {
                e.fund.clone()
            } else {
                chart.role(&leg.account).map(str::to_string)
            }
            .ok_or_else(|| {
                crate::error::BooksError::config(
                    format!("科目用途“{}”没有对应科目", leg.account),
                    format!("role {} unmapped", leg.account),
                )
            })?;
            let account = chart.require_leaf(&code)?;
            let mut aux = Aux::default();
            for dim in &account.aux {
                match dim {
                    AuxDim::Shop => aux.shop = Some(e.shop.clone()),
                    AuxDim::Platform => aux.customer = Some(chart.customer(e.platform)),
                    AuxDim::Department => {
                        aux.department = chart.department(&e.shop).map(str::to_string)
                    }
                }
            }
            let sign = |v: Fen| if leg.side == Side::Debit { v } else { -v };
            let deferred = match leg.amount {
                Component::Vat if per_voucher_vat => Some(e.comps.net),
                Component::SubsidyVat if per_voucher_vat => Some(e.comps.subsidy_net),
                _ => None,
            };
            match deferred {
                Some(net) => {
                    let k = (summary.clone(), code.clone(), aux.clone());
                    if !vat_nets.contains_key(&k) {
                        vat_keys.push(k.clone());
                    }
                    *vat_nets.entry(k).or_default() += i128::from(sign(net).0);
                }
                None => lines.push(&summary, &code, &aux, sign(e.comps.get(leg.amount))),
            }
        }
    }
    for k in vat_keys {
        let net = vat_nets.get(&k).copied().unwrap_or(0);
        let product = net * i128::from(books.vat_rate.0);
        let million = 1_000_000i128;
        let rounded = (product.abs() + million / 2) / million;
        let vat = if product < 0 { -rounded } else { rounded };
        lines.push(
            &k.0,
            &k.1,
            &k.2,
            Fen(i64::try_from(vat).unwrap_or(i64::MAX)),
        );
    }
    let mut flags: BTreeSet<Flag> = group.iter().flat_map(|e| e.flags.iter().cloned()).collect();
    let diff: Fen = lines.sums.values().copied().sum();
    if !diff.is_zero() {
        let limit = books
            .config
            .vouchers
            .rounding_max_fen
            .unwrap_or_else(|| i64::try_from(group.len()).unwrap_or(i64::MAX));
        if diff.0.abs() > limit {
            return Err(crate::error::BooksError::voucher(
                format!("凭证借贷差额 {diff} 超过尾差上限 {}，未生成", Fen(limit)),
                format!("imbalance {diff} above rounding limit {limit}"),
            ));
        }
        let code = chart.role("rounding").unwrap_or_default().to_string();
        chart.require_leaf(&code)?;
        lines.push("尾差", &code, &Aux::default(), -diff);
        flags.insert(Flag::Rounding { fen: diff.0 });
    }
    let mut debit_lines = Vec::new();
    let mut credit_lines = Vec::new();
    for k in lines.keys {
        let amount = lines.sums.get(&k).copied().unwrap_or_default();
        if amount.is_zero() {
            continue;
        }
        let (summary, account, aux, side) = k;
        let line = VoucherLine {
            summary,
            account,
            debit: if side == Side::Debit {
                amount
            } else {
                Fen::ZERO
            },
            credit: if side == Side::Credit {
                -amount
            } else {
                Fen::ZERO
            },
            aux,
        };
        if side == Side::Debit {
            debit_lines.push(line);
        } else {
            credit_lines.push(line);
        }
    }
    debit_lines.append(&mut credit_lines);
    let mut links: Vec<SourceLink> = group.iter().flat_map(|e| e.links.iter().cloned()).collect();
    links.sort();
    links.dedup();
    let attachments = match books.config.vouchers.attachments {
        AttachmentCount::Rows => links
            .iter()
            .map(|l| (l.kind, l.key.as_str()))
            .collect::<BTreeSet<_>>()
            .len(),
        AttachmentCount::Files => links
            .iter()
            .filter_map(|l| l.source.map(|s| s.file))
            .collect::<BTreeSet<FileId>>()
            .len(),
    };
    let class = id.class.or_else(|| {
        let classes: BTreeSet<EventClass> = group
            .iter()
            .filter_map(|e| books.rules.event(e.event).map(|r| r.class))
            .collect();
        (classes.len() == 1)
            .then(|| classes.into_iter().next())
            .flatten()
    });
    let word = books.word(class.unwrap_or(EventClass::Sales)).to_string();
    let shop = id.shop.clone().or_else(|| {
        let shops: BTreeSet<&str> = group.iter().map(|e| e.shop.as_str()).collect();
        (shops.len() == 1)
            .then(|| shops.into_iter().next().map(str::to_string))
            .flatten()
    });
    let voucher = Voucher {
        date: id.date,
        period,
        word,
        number: 0,
        attachments: u32::try_from(attachments).unwrap_or(u32::MAX),
        preparer: books.config.vouchers.preparer.clone(),
        reviewer: None,
        rules_version: Some(books.rules_version.clone()),
        shop,
        class,
        lines: debit_lines,
        links,
        flags: flags.into_iter().collect(),
    };
    voucher.check_balanced()?;
    Ok(voucher)
}
