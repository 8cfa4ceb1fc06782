//! Money against the platform (资金): payments, refunds, duplicates, balances, fees, settlements.
//!
//! All money checks of a shop share one [`Money`] view, prepared once: fund-flow rows
//! deduplicated and put in canonical order, the money rows (fund flow, or the payment bill of a
//! provider whose fund flow is absent), and the matches of orders, after-sales and settlements
//! to them (see [`crate::matching`]).

use duizhang_core::*;
use foldhash::{HashMap, HashMapExt};
use serde::{Deserialize, Serialize};

use super::CheckFn;
use crate::matching::{
    self, Claim, Groups, NONE, OrderIndex, OrderKey, Payout, RefundMatching, SettlementMatching,
};
use crate::{Ctx, Draft, Effective, Sink};

/// The money checks, in CHECKS.md order.
pub const CODES: [&str; 12] = [
    "PAYMENT_MISSING",
    "PAYMENT_AMOUNT_MISMATCH",
    "PAYMENT_ORPHAN",
    "REFUND_UNPAID",
    "REFUND_ORPHAN",
    "REFUND_AMOUNT_MISMATCH",
    "REFUND_EXCEEDS_PAID",
    "REFUND_DUPLICATE",
    "FLOW_DUPLICATE",
    "BALANCE_BREAK",
    "FEE_MISMATCH",
    "SETTLEMENT_MISMATCH",
];

macro_rules! single {
    ($($name:ident => $code:literal),* $(,)?) => {
        $(fn $name(ctx: &Ctx<'_>, sink: &mut Sink) {
            run(ctx, &[$code], sink);
        })*
        pub fn implementation(code: &str) -> Option<CheckFn> {
            match code {
                $($code => Some($name),)*
                _ => None,
            }
        }
    };
}

single! {
    payment_missing => "PAYMENT_MISSING",
    payment_amount_mismatch => "PAYMENT_AMOUNT_MISMATCH",
    payment_orphan => "PAYMENT_ORPHAN",
    refund_unpaid => "REFUND_UNPAID",
    refund_orphan => "REFUND_ORPHAN",
    refund_amount_mismatch => "REFUND_AMOUNT_MISMATCH",
    refund_exceeds_paid => "REFUND_EXCEEDS_PAID",
    refund_duplicate => "REFUND_DUPLICATE",
    flow_duplicate => "FLOW_DUPLICATE",
    balance_break => "BALANCE_BREAK",
    fee_mismatch => "FEE_MISMATCH",
    settlement_mismatch => "SETTLEMENT_MISMATCH",
}

/// Runs the given money checks on one shop, preparing the shared view once.
pub fn run(ctx: &Ctx<'_>, codes: &[&'static str], sink: &mut Sink) {
    let (flows, _) = dedup_flows(&ctx.shop.fund_flows);
    run_with(ctx, flows, codes, sink);
}

/// [`run`] with the shop's fund-flow rows already deduplicated ([`dedup_flows`]).
pub fn run_with<'a>(
    ctx: &Ctx<'a>,
    flows: Vec<&'a FundFlowRow>,
    codes: &[&'static str],
    sink: &mut Sink,
) {
    if codes.is_empty() {
        return;
    }
    let money = Money::prepare(ctx, flows);
    for code in codes {
        let Some(e) = ctx.check(code) else { continue };
        let mut ok = Agreed::default();
        match *code {
            "PAYMENT_MISSING" => money.payment_missing(ctx, e, sink, &mut ok),
            "PAYMENT_AMOUNT_MISMATCH" => money.payment_amount_mismatch(ctx, e, sink, &mut ok),
            "PAYMENT_ORPHAN" => money.payment_orphan(ctx, sink, &mut ok),
            "REFUND_UNPAID" => money.refund_unpaid(ctx, e, sink, &mut ok),
            "REFUND_ORPHAN" => money.refund_orphan(ctx, sink, &mut ok),
            "REFUND_AMOUNT_MISMATCH" | "REFUND_DUPLICATE" => {
                money.refund_amounts(ctx, code, sink, &mut ok)
            }
            "REFUND_EXCEEDS_PAID" => money.refund_exceeds_paid(ctx, e, sink, &mut ok),
            "FLOW_DUPLICATE" => money.flow_duplicate(ctx, sink, &mut ok),
            "BALANCE_BREAK" => money.balance_break(ctx, e, sink, &mut ok),
            "FEE_MISMATCH" => money.fee_mismatch(ctx, e, sink, &mut ok),
            "SETTLEMENT_MISMATCH" => money.settlement_mismatch(ctx, e, sink, &mut ok),
            _ => {}
        }
        if ok.count > 0 {
            sink.matched_many(code, ok.count, ok.fen);
        }
    }
}

/// Items a check found in agreement, counted locally and handed to the sink once.
#[derive(Default)]
pub struct Agreed {
    count: u64,
    fen: i64,
}

impl Agreed {
    fn add(&mut self, amount: Fen) {
        self.count += 1;
        self.fen += amount.get().abs();
    }
}

/// The fund-flow rows in source order with overlapping exports removed: rows with the same
/// (provider, account, row id) are one row; the first by source is kept. Returns the rows and
/// how many were removed.
pub fn dedup_flows<'a>(rows: &[&'a FundFlowRow]) -> (Vec<&'a FundFlowRow>, u64) {
    let mut flows: Vec<&FundFlowRow> = rows.to_vec();
    if !flows.is_sorted_by_key(|r| r.source) {
        flows.sort_by_key(|r| r.source);
    }
    let first = matching::first_occurrence(flows.len(), |i| {
        let r = flows[i];
        (
            r.provider,
            r.account.as_deref().unwrap_or(""),
            r.txn_no.as_str(),
        )
    });
    let kept: Vec<&FundFlowRow> = first
        .iter()
        .enumerate()
        .filter(|(i, f)| ix(**f) == *i)
        .map(|(i, _)| flows[i])
        .collect();
    let removed = u64::try_from(flows.len() - kept.len()).unwrap_or(u64::MAX);
    (kept, removed)
}

fn ix(v: u32) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}

fn non_empty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

fn order_ref(s: Option<&str>) -> Option<&str> {
    non_empty(s.map(normalize_order_no))
}

// ---------------------------------------------------------------------------------------------
// Views

/// A row that moves money for an order: a fund-flow row, a payment-bill row of a provider
/// whose fund flow the shop did not provide, or a settlement statement's refund row whose
/// money moved under the statement's reference only (see [`Money::prepare`]).
#[derive(Clone, Copy, Debug)]
pub enum MoneyRow<'a> {
    Flow(&'a FundFlowRow),
    Pay(&'a PaymentRow),
    /// A refund clawed back by a settlement statement (京东钱包 结算单 `货款` 支出), with the
    /// fund-flow row that moved the statement's money: the first (in time) of its group.
    Settle {
        row: &'a SettlementRow,
        paid_by: &'a FundFlowRow,
    },
}

impl<'a> MoneyRow<'a> {
    pub fn kind(self) -> FlowKind {
        match self {
            MoneyRow::Flow(r) => r.kind,
            MoneyRow::Pay(r) => match r.kind {
                PaymentKind::Payment => FlowKind::Income,
                PaymentKind::Refund => FlowKind::Refund,
                // A reversed payment-code payment: money never stayed with the seller.
                PaymentKind::Revoked => FlowKind::Other,
            },
            MoneyRow::Settle { row, .. } => row.kind,
        }
    }

    /// Signed: income positive, outflow negative.
    pub fn amount(self) -> Fen {
        match self {
            MoneyRow::Flow(r) => r.amount,
            MoneyRow::Pay(r) => match r.kind {
                PaymentKind::Payment => r.settled,
                PaymentKind::Refund => -r.refund.abs(),
                PaymentKind::Revoked => Fen::ZERO,
            },
            MoneyRow::Settle { row, .. } => row.amount,
        }
    }

    /// The order reference, normalised (`T200P…` removed).
    pub fn order_ref(self) -> Option<&'a str> {
        match self {
            MoneyRow::Flow(r) => {
                order_ref(r.order_no.as_deref()).or_else(|| order_ref(r.merchant_ref.as_deref()))
            }
            MoneyRow::Pay(r) => order_ref(r.out_trade_no.as_deref()),
            MoneyRow::Settle { row, .. } => order_ref(Some(&row.order_no)),
        }
    }

    /// The refund reference the row names (importers put WeChat's 业务凭证号 of a refund row,
    /// the 商户退款单号, here). A merchant reference is never taken for one: Alipay's is the
    /// order's `T200P…`.
    pub fn refund_ref(self) -> Option<&'a str> {
        match self {
            MoneyRow::Flow(r) => non_empty(r.refund_no.as_deref()),
            MoneyRow::Pay(r) => non_empty(r.out_refund_no.as_deref()),
            // The 对账表's 售后服务单号.
            MoneyRow::Settle { row, .. } => non_empty(row.refund_no.as_deref()),
        }
    }

    /// When the money moved (a statement's refund: when its fund-flow row did).
    pub fn at(self) -> BeijingTime {
        match self {
            MoneyRow::Flow(r) => r.occurred_at,
            MoneyRow::Pay(r) => r.refund_succeeded_at.unwrap_or(r.occurred_at),
            MoneyRow::Settle { paid_by, .. } => paid_by.occurred_at,
        }
    }

    pub fn source(self) -> SourceRef {
        match self {
            MoneyRow::Flow(r) => r.source,
            MoneyRow::Pay(r) => r.source,
            MoneyRow::Settle { row, .. } => row.source,
        }
    }

    pub fn record_kind(self) -> RecordKind {
        match self {
            MoneyRow::Flow(_) => RecordKind::FundFlow,
            MoneyRow::Pay(_) => RecordKind::Payment,
            MoneyRow::Settle { .. } => RecordKind::Settlement,
        }
    }

    /// The row id: a statement's refund goes by the fund-flow row that moved its money.
    pub fn txn(self) -> &'a str {
        match self {
            MoneyRow::Flow(r) => &r.txn_no,
            MoneyRow::Pay(r) => &r.txn_no,
            MoneyRow::Settle { paid_by, .. } => &paid_by.txn_no,
        }
    }

    /// Adds the rows a finding about this money rests on: the row itself and, for a
    /// statement's refund, the fund-flow row that moved its money.
    fn cite(self, d: Draft) -> Draft {
        let d = d.evidence(self.source(), self.record_kind());
        match self {
            MoneyRow::Settle { paid_by, .. } => d.evidence(paid_by.source, RecordKind::FundFlow),
            _ => d,
        }
    }
}

/// An order with money: a platform order, or a direct-payment shop's order kept in the ERP.
#[derive(Clone, Copy, Debug)]
pub enum OrderRef<'a> {
    Platform(&'a Order),
    Erp(&'a ErpOrder),
}

impl<'a> OrderRef<'a> {
    pub fn order_no(self) -> &'a str {
        match self {
            OrderRef::Platform(o) => normalize_order_no(&o.order_no),
            OrderRef::Erp(o) => normalize_order_no(&o.order_no),
        }
    }

    fn payment_no(self) -> Option<&'a str> {
        match self {
            OrderRef::Platform(o) => order_ref(o.payment_no.as_deref()),
            OrderRef::Erp(o) => order_ref(o.payment_no.as_deref()),
        }
    }

    fn paid(self) -> Option<Fen> {
        match self {
            OrderRef::Platform(o) => o.paid,
            OrderRef::Erp(o) => o.paid,
        }
    }

    /// Platform-funded discount the platform pays the seller on top of 实付.
    fn subsidy(self) -> Fen {
        match self {
            OrderRef::Platform(o) => o.platform_discount.unwrap_or(Fen::ZERO),
            OrderRef::Erp(_) => Fen::ZERO,
        }
    }

    /// When the funds should reach the seller, for orders whose funds are due: 确认收货 of a
    /// finished platform order, the payment of a direct-payment order.
    fn due_from(self) -> Option<BeijingTime> {
        match self {
            OrderRef::Platform(o) => (o.status == OrderStatus::Finished)
                .then(|| {
                    o.finished_at
                        .or(o.shipped_at)
                        .or(o.paid_at)
                        .or(o.created_at)
                })
                .flatten(),
            OrderRef::Erp(o) => (o.status != ErpOrderStatus::Cancelled)
                .then_some(o.paid_at)
                .flatten(),
        }
    }

    /// Direct payment: the money reaches the seller at payment, refunds always leave the
    /// seller's account.
    fn direct(self) -> bool {
        match self {
            OrderRef::Platform(o) => o.platform == Platform::Wechat,
            OrderRef::Erp(_) => true,
        }
    }

    fn source(self) -> SourceRef {
        match self {
            OrderRef::Platform(o) => o.source,
            OrderRef::Erp(o) => o.source,
        }
    }

    fn record_kind(self) -> RecordKind {
        match self {
            OrderRef::Platform(_) => RecordKind::Order,
            OrderRef::Erp(_) => RecordKind::ErpOrder,
        }
    }

    fn lines(self) -> &'a [OrderLine] {
        match self {
            OrderRef::Platform(o) => &o.lines,
            OrderRef::Erp(_) => &[],
        }
    }
}

/// Whether a settlement statement covers an order, and whether money arrived for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Settled {
    No,
    Unpaid,
    Paid,
}

/// Per settlement group (see [`matching::match_settlements`]): the fund-flow row that moved
/// its money first, and whether any of its fund-flow rows names an order of its own.
struct Bridge {
    paid_by: Vec<u32>,
    names_order: Vec<bool>,
}

impl Bridge {
    /// `row_order`: the order of each money row; fund-flow rows come first, at the positions
    /// of `flows`.
    fn build(settle: &SettlementMatching, flows: &[&FundFlowRow], row_order: &[u32]) -> Bridge {
        let mut paid_by = vec![NONE; settle.groups];
        let mut names_order = vec![false; settle.groups];
        for (f, &g) in settle.flow_group.iter().enumerate() {
            if g == NONE {
                continue;
            }
            let first = &mut paid_by[ix(g)];
            // Earliest in time; among equal times the first by source (flows are in source
            // order).
            if *first == NONE || flows[f].occurred_at < flows[ix(*first)].occurred_at {
                *first = u32::try_from(f).unwrap_or(NONE);
            }
            if row_order.get(f).is_some_and(|&o| o != NONE) {
                names_order[ix(g)] = true;
            }
        }
        Bridge {
            paid_by,
            names_order,
        }
    }

    /// The position (in `flows`) of the row that paid group `g`, if any did.
    fn paid_by(&self, g: u32) -> Option<usize> {
        self.paid_by
            .get(ix(g))
            .copied()
            .filter(|&f| f != NONE)
            .map(ix)
    }

    fn names_order(&self, g: u32) -> bool {
        self.names_order.get(ix(g)).copied().unwrap_or(false)
    }
}

/// One shop's money, prepared for the checks.
pub struct Money<'a> {
    /// Fund-flow rows, deduplicated, in source order.
    pub flows: Vec<&'a FundFlowRow>,
    /// Settlement rows in source order, their matching to the fund flow, and per order
    /// whether a settlement statement covers it (its money is then SETTLEMENT_MISMATCH's).
    settlements: Vec<&'a SettlementRow>,
    settle: SettlementMatching,
    settled: Vec<Settled>,
    payments: Vec<&'a PaymentRow>,
    /// Money rows: every fund-flow row (same positions as `flows`), then the payment-bill rows
    /// of providers without a fund flow.
    rows: Vec<MoneyRow<'a>>,
    orders: Vec<OrderRef<'a>>,
    index: OrderIndex<'a>,
    after_sales: Vec<&'a AfterSale>,
    row_order: Vec<u32>,
    rows_of_order: Groups,
    sale_order: Vec<u32>,
    sales_of_order: Groups,
    /// Earliest income row of each order: when its funds were released.
    released: Vec<Option<BeijingTime>>,
    /// After-sale positions of the refund claims, money-row positions of the payouts.
    claim_sale: Vec<u32>,
    payout_row: Vec<u32>,
    refunds: RefundMatching,
    claims_of: Groups,
    payouts_of: Groups,
}

impl<'a> Money<'a> {
    /// `flows`: the shop's fund-flow rows from [`dedup_flows`].
    pub fn prepare(ctx: &Ctx<'a>, flows: Vec<&'a FundFlowRow>) -> Money<'a> {
        let shop = ctx.shop;
        let mut payments: Vec<&PaymentRow> = shop.payments.clone();
        payments.sort_by_key(|r| r.source);

        let mut rows: Vec<MoneyRow> = flows.iter().map(|r| MoneyRow::Flow(r)).collect();
        let with_flow: Vec<FundProvider> = {
            let mut p: Vec<FundProvider> = flows.iter().map(|r| r.provider).collect();
            p.sort_unstable();
            p.dedup();
            p
        };
        rows.extend(
            payments
                .iter()
                .filter(|r| with_flow.binary_search(&r.provider).is_err())
                .map(|r| MoneyRow::Pay(r)),
        );

        // Platform orders, then ERP orders with money that no platform order covers.
        let mut orders: Vec<OrderRef> = shop
            .orders
            .iter()
            .copied()
            .map(OrderRef::Platform)
            .collect();
        let platform_nos: foldhash::HashSet<&str> = shop
            .orders
            .iter()
            .map(|o| normalize_order_no(&o.order_no))
            .collect();
        let mut erp: Vec<&ErpOrder> = shop
            .erp_orders
            .iter()
            .copied()
            .filter(|o| o.paid.is_some() && !platform_nos.contains(normalize_order_no(&o.order_no)))
            .collect();
        erp.sort_by_key(|o| o.source);
        orders.extend(erp.into_iter().map(OrderRef::Erp));
        let keys: Vec<OrderKey> = orders
            .iter()
            .map(|o| OrderKey {
                order_no: o.order_no(),
                payment_no: o.payment_no(),
            })
            .collect();
        let index = OrderIndex::build(&keys);

        let refs: Vec<Option<&str>> = rows.iter().map(|r| r.order_ref()).collect();
        let mut row_order = matching::match_rows_to_orders(&index, &refs);

        // Settlement statements and the fund-flow rows that paid them.
        let mut settlements: Vec<&SettlementRow> = shop.settlements.clone();
        settlements.sort_by_key(|s| s.source);
        let keys: Vec<(Option<&str>, &str)> = settlements
            .iter()
            .map(|s| {
                (
                    non_empty(s.payment_ref.as_deref()),
                    normalize_order_no(&s.order_no),
                )
            })
            .collect();
        let flow_keys: Vec<(Option<&str>, Option<&str>)> = flows
            .iter()
            .map(|r| {
                (
                    non_empty(r.merchant_ref.as_deref()),
                    MoneyRow::Flow(r).order_ref(),
                )
            })
            .collect();
        let settle = matching::match_settlements(&keys, &flow_keys);
        let settlement_order: Vec<u32> = settlements
            .iter()
            .map(|s| index.get(normalize_order_no(&s.order_no)).unwrap_or(NONE))
            .collect();
        let bridge = Bridge::build(&settle, &flows, &row_order);
        let mut settled = vec![Settled::No; orders.len()];
        for (i, &o) in settlement_order.iter().enumerate() {
            if o == NONE {
                continue;
            }
            let paid = bridge.paid_by(settle.settlement_group[i]).is_some();
            let slot = &mut settled[ix(o)];
            *slot = match (*slot, paid) {
                (Settled::Paid, _) | (_, true) => Settled::Paid,
                _ => Settled::Unpaid,
            };
        }

        // The statement is the bridge for fund-flow rows that name no order of their own
        // (the 京东钱包 资金表 names only the statement's 商户订单号): a refund the statement
        // claws back (货款 支出) is a refund payment of its order once the statement's money
        // moved, at the time it moved; the fund-flow rows of that statement are then not
        // refund payments themselves (their amount is the statement's net, commission given
        // back included). A clawback whose money did not move pays nothing (REFUND_UNPAID).
        let mut bridged_refund = vec![false; settle.groups];
        for (i, srow) in settlements.iter().enumerate() {
            let g = settle.settlement_group[i];
            if srow.kind != FlowKind::Refund || srow.amount.get() >= 0 || bridge.names_order(g) {
                continue;
            }
            let Some(paid_by) = bridge.paid_by(g) else {
                continue;
            };
            bridged_refund[ix(g)] = true;
            rows.push(MoneyRow::Settle {
                row: srow,
                paid_by: flows[paid_by],
            });
            row_order.push(settlement_order[i]);
        }
        let rows_of_order = Groups::build(&row_order, orders.len());

        let mut after_sales: Vec<&AfterSale> = shop.after_sales.clone();
        after_sales.sort_by_key(|a| a.source);
        let sale_order: Vec<u32> = after_sales
            .iter()
            .map(|a| {
                order_ref(Some(&a.order_no))
                    .and_then(|k| index.get(k))
                    .unwrap_or(NONE)
            })
            .collect();
        let sales_of_order = Groups::build(&sale_order, orders.len());

        let mut released: Vec<Option<BeijingTime>> = vec![None; orders.len()];
        let mut release = |o: u32, t: BeijingTime| {
            let slot = &mut released[ix(o)];
            if slot.is_none_or(|s| t < s) {
                *slot = Some(t);
            }
        };
        for (r, &o) in row_order.iter().enumerate() {
            let row = rows[r];
            if o != NONE && row.kind() == FlowKind::Income && row.amount().get() > 0 {
                release(o, row.at());
            }
        }
        // An order paid through a statement was released when the statement's money arrived.
        for (i, srow) in settlements.iter().enumerate() {
            let o = settlement_order[i];
            if o == NONE || srow.kind != FlowKind::Income || srow.amount.get() <= 0 {
                continue;
            }
            if let Some(f) = bridge.paid_by(settle.settlement_group[i]) {
                release(o, flows[f].occurred_at);
            }
        }

        // The canonical order number of a reference: the matched order's own number.
        let canonical = |o: u32, raw: Option<&'a str>| -> Option<&'a str> {
            if o == NONE {
                raw
            } else {
                Some(orders[ix(o)].order_no())
            }
        };
        let mut claims = Vec::new();
        let mut claim_sale = Vec::new();
        for (i, a) in after_sales.iter().enumerate() {
            if a.refunded.get() > 0 {
                claims.push(Claim {
                    refund_no: a.refund_no.trim(),
                    order: canonical(sale_order[i], order_ref(Some(&a.order_no))).unwrap_or(""),
                    amount: a.refunded.get(),
                    at: a
                        .completed_at
                        .or(a.applied_at)
                        .map(BeijingTime::local_seconds),
                });
                claim_sale.push(u32::try_from(i).unwrap_or(NONE));
            }
        }
        let mut payouts = Vec::new();
        let mut payout_row = Vec::new();
        for (r, row) in rows.iter().enumerate() {
            if row.kind() != FlowKind::Refund || row.amount().get() >= 0 {
                continue;
            }
            // The statement's refund rows stand for the fund-flow rows that paid it.
            let stood_for = matches!(row, MoneyRow::Flow(_))
                && settle
                    .flow_group
                    .get(r)
                    .is_some_and(|&g| g != NONE && bridged_refund[ix(g)]);
            if stood_for {
                continue;
            }
            payouts.push(Payout {
                refund_no: row.refund_ref(),
                order: canonical(row_order[r], row.order_ref()),
                amount: -row.amount().get(),
                at: row.at().local_seconds(),
            });
            payout_row.push(u32::try_from(r).unwrap_or(NONE));
        }

        let tolerance = ctx
            .check("REFUND_AMOUNT_MISMATCH")
            .map_or(1, |e| e.tolerance_fen);
        let window = ctx.check("REFUND_UNPAID").map_or(3, |e| e.window_days);
        let refunds = matching::match_refunds(&claims, &payouts, tolerance, window * 86_400);
        let claims_of = refunds.claims();
        let payouts_of = refunds.payouts();

        Money {
            flows,
            settlements,
            settle,
            settled,
            payments,
            rows,
            orders,
            index,
            after_sales,
            row_order,
            rows_of_order,
            sale_order,
            sales_of_order,
            released,
            claim_sale,
            payout_row,
            refunds,
            claims_of,
            payouts_of,
        }
    }

    fn income_rows(&self, o: u32) -> impl Iterator<Item = MoneyRow<'a>> + '_ {
        self.rows_of_order
            .members(o)
            .iter()
            .map(|&r| self.rows[ix(r)])
            .filter(|r| r.kind() == FlowKind::Income)
    }

    /// Refunds of the order completed before `release` (paid from the platform's escrow, so
    /// the released amount is already net of them), with the after-sales behind them.
    fn refunds_before(&self, o: u32, release: Option<BeijingTime>) -> (Fen, Vec<&'a AfterSale>) {
        let Some(release) = release else {
            return (Fen::ZERO, Vec::new());
        };
        let sales: Vec<&AfterSale> = self
            .sales_of_order
            .members(o)
            .iter()
            .map(|&s| self.after_sales[ix(s)])
            .filter(|a| a.refunded.get() > 0 && a.completed_at.is_some_and(|c| c < release))
            .collect();
        (sales.iter().map(|a| a.refunded).sum(), sales)
    }

    // -----------------------------------------------------------------------------------------
    // Payments

    fn payment_missing(&self, ctx: &Ctx<'_>, e: Effective, sink: &mut Sink, ok: &mut Agreed) {
        for (o, order) in self.orders.iter().enumerate() {
            let oi = u32::try_from(o).unwrap_or(NONE);
            let (Some(due_from), Some(paid)) = (order.due_from(), order.paid()) else {
                continue;
            };
            let (before, sales) = self.refunds_before(oi, Some(due_from));
            let expected = paid - before + order.subsidy();
            if expected.get() <= 0 {
                continue;
            }
            match self.settled[o] {
                // The statement's money is SETTLEMENT_MISMATCH's to check.
                Settled::Paid => {
                    ok.add(expected);
                    continue;
                }
                Settled::Unpaid => continue,
                Settled::No => {}
            }
            if self.income_rows(oi).next().is_some() {
                ok.add(expected);
                continue;
            }
            let due = due_from.plus_days(e.window_days);
            let mut d = ctx
                .finding("PAYMENT_MISSING")
                .order(order.order_no())
                .amounts(expected, Fen::ZERO)
                .at(due_from)
                .evidence(order.source(), order.record_kind())
                .message(format!(
                    "订单 {} 已于 {} 应放款，应收 {} 元，截至 {} 资金流水中没有收款（实收 0.00 元，差额 {} 元）。",
                    order.order_no(),
                    due_from,
                    expected,
                    due,
                    -expected
                ));
            for a in sales {
                d = d.evidence(a.source, RecordKind::AfterSale);
            }
            if due > ctx.cut_off {
                sink.pending(ctx, d, due);
            } else {
                sink.found(ctx, d);
            }
        }
    }

    fn payment_amount_mismatch(
        &self,
        ctx: &Ctx<'_>,
        e: Effective,
        sink: &mut Sink,
        ok: &mut Agreed,
    ) {
        for (o, order) in self.orders.iter().enumerate() {
            let oi = u32::try_from(o).unwrap_or(NONE);
            let Some(paid) = order.paid() else { continue };
            let release = self.released[o];
            // Orders paid through a settlement statement receive its net (after commissions
            // and fees): SETTLEMENT_MISMATCH compares that.
            if release.is_none() || self.settled[o] != Settled::No {
                continue;
            }
            let (before, sales) = self.refunds_before(oi, release);
            let subsidy = order.subsidy();
            let expected = paid - before + subsidy;
            let actual: Fen = self.income_rows(oi).map(MoneyRow::amount).sum();
            if (actual - expected).get().abs() <= e.tolerance_for(expected.get()) {
                ok.add(actual);
                continue;
            }
            let mut d = ctx
                .finding("PAYMENT_AMOUNT_MISMATCH")
                .order(order.order_no())
                .amounts(expected, actual)
                .evidence(order.source(), order.record_kind())
                .message(format!(
                    "订单 {} 应放款 {} 元（实付 {} 元 − 放款前退款 {} 元 + 平台补贴 {} 元），资金流水实收 {} 元，差额 {} 元。",
                    order.order_no(),
                    expected,
                    paid,
                    before,
                    subsidy,
                    actual,
                    actual - expected
                ));
            if let Some(t) = release {
                d = d.at(t);
            }
            for r in self.income_rows(oi) {
                d = d.evidence(r.source(), r.record_kind());
            }
            for a in sales {
                d = d.evidence(a.source, RecordKind::AfterSale);
            }
            sink.found(ctx, d);
        }
    }

    fn payment_orphan(&self, ctx: &Ctx<'_>, sink: &mut Sink, ok: &mut Agreed) {
        for (r, row) in self.rows.iter().enumerate() {
            if row.kind() != FlowKind::Income || row.amount().get() <= 0 {
                continue;
            }
            // Only rows that name an order can be said to name an unknown one.
            let Some(reference) = row.order_ref() else {
                continue;
            };
            // A row that pays a settlement statement is accounted for by it.
            let settles = self.settle.flow_group.get(r).is_some_and(|&g| g != NONE);
            if self.row_order[r] != NONE || settles {
                ok.add(row.amount());
                continue;
            }
            let d = ctx
                .finding("PAYMENT_ORPHAN")
                .order(reference)
                .txn(row.txn())
                .amounts(Fen::ZERO, row.amount())
                .at(row.at())
                .evidence(row.source(), row.record_kind())
                .message(format!(
                    "资金流水 {} 收款 {} 元，所引用的订单 {} 不在本期订单中（应收 0.00 元，差额 {} 元）。",
                    row.txn(),
                    row.amount(),
                    reference,
                    row.amount()
                ));
            sink.found(ctx, d);
        }
    }

    // -----------------------------------------------------------------------------------------
    // Refunds

    /// Whether the after-sale's refund must leave the seller's account (else it was paid from
    /// the platform's escrow before the funds were released, and no outflow is expected).
    fn outflow_expected(&self, s: usize) -> bool {
        let a = self.after_sales[s];
        let o = self.sale_order[s];
        if o != NONE && self.orders[ix(o)].direct() {
            return true;
        }
        match a.phase {
            Some(AfterSalePhase::OnSale) => return false,
            Some(AfterSalePhase::AfterSale) => return true,
            None => {}
        }
        if o == NONE {
            // No order to tell when funds were released: assume they were.
            return true;
        }
        let release = self.released[ix(o)].or_else(|| match self.orders[ix(o)] {
            OrderRef::Platform(p) if p.status == OrderStatus::Finished => p.finished_at,
            _ => None,
        });
        match (release, a.completed_at) {
            (Some(r), Some(c)) => r <= c,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }

    fn refund_unpaid(&self, ctx: &Ctx<'_>, e: Effective, sink: &mut Sink, ok: &mut Agreed) {
        for (c, &s) in self.claim_sale.iter().enumerate() {
            let a = self.after_sales[ix(s)];
            if self.refunds.claim_group[c] != NONE {
                ok.add(a.refunded);
                continue;
            }
            if a.status != AfterSaleStatus::Completed || !self.outflow_expected(ix(s)) {
                continue;
            }
            let done = a.completed_at.or(a.applied_at);
            let due = done.map_or(ctx.cut_off, |t| t.plus_days(e.window_days));
            let mut d = ctx
                .finding("REFUND_UNPAID")
                .order(normalize_order_no(&a.order_no))
                .refund(&a.refund_no)
                .amounts(a.refunded, Fen::ZERO)
                .evidence(a.source, RecordKind::AfterSale)
                .message(format!(
                    "售后单 {}（订单 {}）{}退款成功，退款 {} 元，截至 {} 资金流水中没有对应的退款支出（实退 0.00 元，差额 {} 元）。",
                    a.refund_no,
                    normalize_order_no(&a.order_no),
                    done.map_or_else(String::new, |t| format!("已于 {t} ")),
                    a.refunded,
                    due,
                    -a.refunded
                ));
            if let Some(t) = done {
                d = d.at(t);
            }
            if let Some(o) = (self.sale_order[ix(s)] != NONE).then(|| self.sale_order[ix(s)]) {
                let order = self.orders[ix(o)];
                d = d.evidence(order.source(), order.record_kind());
            }
            if due > ctx.cut_off {
                sink.pending(ctx, d, due);
            } else {
                sink.found(ctx, d);
            }
        }
    }

    fn refund_orphan(&self, ctx: &Ctx<'_>, sink: &mut Sink, ok: &mut Agreed) {
        for (p, &r) in self.payout_row.iter().enumerate() {
            let row = self.rows[ix(r)];
            let amount = -row.amount();
            if self.refunds.payout_group[p] != NONE {
                ok.add(amount);
                continue;
            }
            let order = row.order_ref();
            let mut d = ctx
                .finding("REFUND_ORPHAN")
                .txn(row.txn())
                .amounts(Fen::ZERO, amount)
                .at(row.at())
                .message(format!(
                    "资金流水 {} 退款支出 {} 元{}，找不到对应的售后单（应退 0.00 元，差额 {} 元），可能是线下或手工退款。",
                    row.txn(),
                    amount,
                    order.map_or_else(String::new, |o| format!("（订单 {o}）")),
                    amount
                ));
            d = row.cite(d);
            if let Some(o) = order {
                d = d.order(o);
            }
            if let Some(rf) = row.refund_ref() {
                d = d.refund(rf);
            }
            sink.found(ctx, d);
        }
    }

    /// REFUND_AMOUNT_MISMATCH and REFUND_DUPLICATE, per refund group.
    fn refund_amounts(&self, ctx: &Ctx<'_>, code: &str, sink: &mut Sink, ok: &mut Agreed) {
        let Some(e) = ctx.check(code) else { return };
        let tolerance_of = |x: Fen| e.tolerance_for(x.get());
        for g in 0..self.refunds.groups.len() {
            let g = u32::try_from(g).unwrap_or(NONE);
            let sales: Vec<&AfterSale> = self
                .claims_of
                .members(g)
                .iter()
                .map(|&c| self.after_sales[ix(self.claim_sale[ix(c)])])
                .collect();
            let mut payouts: Vec<MoneyRow> = self
                .payouts_of
                .members(g)
                .iter()
                .map(|&p| self.rows[ix(self.payout_row[ix(p)])])
                .collect();
            payouts.sort_by_key(|r| (r.at(), r.source()));
            let claimed: Fen = sales.iter().map(|a| a.refunded).sum();
            let paid_out: Fen = payouts.iter().map(|r| -r.amount()).sum();
            let amounts: Vec<i64> = payouts.iter().map(|r| -r.amount().get()).collect();
            let repeated = if sales.len() == 1 {
                matching::repeated_after(claimed.get(), &amounts, tolerance_of(claimed)).is_some()
            } else {
                self.payouts_of
                    .members(g)
                    .iter()
                    .any(|p| self.refunds.repeated.binary_search(p).is_ok())
            };
            let Some(first) = sales.first() else { continue };
            let order_no = normalize_order_no(&first.order_no);
            let name = if sales.len() == 1 {
                format!("售后单 {}（订单 {}）", first.refund_no, order_no)
            } else {
                let nos: Vec<&str> = sales.iter().map(|a| a.refund_no.as_str()).collect();
                format!("订单 {} 的售后单 {}", order_no, nos.join("、"))
            };
            let mismatch = (paid_out - claimed).get().abs() > tolerance_of(claimed);
            let (fires, message) = match code {
                "REFUND_DUPLICATE" => (
                    repeated,
                    format!(
                        "{name}应退 {claimed} 元，资金流水却退款 {} 笔共 {paid_out} 元，多退 {} 元。",
                        payouts.len(),
                        paid_out - claimed
                    ),
                ),
                _ => (
                    !repeated && mismatch,
                    format!(
                        "{name}退款 {claimed} 元，资金流水实际退款 {paid_out} 元，差额 {} 元。",
                        paid_out - claimed
                    ),
                ),
            };
            if !fires {
                if !repeated && !mismatch {
                    ok.add(claimed);
                }
                continue;
            }
            let code: &'static str = if code == "REFUND_DUPLICATE" {
                "REFUND_DUPLICATE"
            } else {
                "REFUND_AMOUNT_MISMATCH"
            };
            let mut d = ctx
                .finding(code)
                .order(order_no)
                .amounts(claimed, paid_out)
                .message(message);
            if sales.len() == 1 {
                d = d.refund(&first.refund_no);
            }
            if let Some(t) = payouts.last().map(|r| r.at()) {
                d = d.at(t);
            }
            for a in &sales {
                d = d.evidence(a.source, RecordKind::AfterSale);
            }
            for r in &payouts {
                d = r.cite(d);
            }
            sink.found(ctx, d);
        }
    }

    fn refund_exceeds_paid(&self, ctx: &Ctx<'_>, e: Effective, sink: &mut Sink, ok: &mut Agreed) {
        for (o, order) in self.orders.iter().enumerate() {
            let oi = u32::try_from(o).unwrap_or(NONE);
            let sales: Vec<&AfterSale> = self
                .sales_of_order
                .members(oi)
                .iter()
                .map(|&s| self.after_sales[ix(s)])
                .filter(|a| a.refunded.get() > 0)
                .collect();
            if sales.is_empty() {
                continue;
            }
            let Some(paid) = order.paid() else { continue };
            let refunded: Fen = sales.iter().map(|a| a.refunded).sum();
            if refunded.get() - paid.get() > e.tolerance_for(paid.get()) {
                let mut d = ctx
                    .finding("REFUND_EXCEEDS_PAID")
                    .order(order.order_no())
                    .amounts(paid, refunded)
                    .evidence(order.source(), order.record_kind())
                    .message(format!(
                        "订单 {} 实付 {} 元，累计退款 {} 元（{} 笔售后），超出实付 {} 元。",
                        order.order_no(),
                        paid,
                        refunded,
                        sales.len(),
                        refunded - paid
                    ));
                if let Some(t) = sales.iter().filter_map(|a| a.completed_at).max() {
                    d = d.at(t);
                }
                for a in &sales {
                    d = d.evidence(a.source, RecordKind::AfterSale);
                }
                sink.found(ctx, d);
                continue;
            }
            if !self.line_refunds_exceed(ctx, e, *order, &sales, sink) {
                ok.add(refunded);
            }
        }
    }

    /// The line-level rule: Σ line refunds of a 子订单 (or 商家编码) > what the buyer paid for
    /// that line after discount allocation. Returns whether a finding was made.
    fn line_refunds_exceed(
        &self,
        ctx: &Ctx<'_>,
        e: Effective,
        order: OrderRef<'a>,
        sales: &[&'a AfterSale],
        sink: &mut Sink,
    ) -> bool {
        let lines = order.lines();
        if lines.is_empty() {
            return false;
        }
        // Line key: 子订单号 where both sides have it, else 商家编码.
        let key_of_line = |l: &'a OrderLine| -> Option<&'a str> {
            non_empty(l.sub_order_no.as_deref()).or_else(|| non_empty(l.sku.as_deref()))
        };
        let mut refunded: HashMap<&str, (Fen, Vec<SourceRef>)> = HashMap::new();
        for a in sales {
            for l in &a.lines {
                let (Some(refund), Some(key)) = (
                    l.refund,
                    non_empty(l.sub_order_no.as_deref()).or_else(|| non_empty(l.sku.as_deref())),
                ) else {
                    continue;
                };
                let entry = refunded.entry(key).or_insert((Fen::ZERO, Vec::new()));
                entry.0 += refund;
                entry.1.push(a.source);
            }
        }
        if refunded.is_empty() {
            return false;
        }
        let mut paid: HashMap<&str, (Fen, Option<&str>, SourceRef)> = HashMap::new();
        for l in lines {
            let (Some(key), Some(p)) = (key_of_line(l), l.paid) else {
                continue;
            };
            let entry = paid
                .entry(key)
                .or_insert((Fen::ZERO, l.sku.as_deref(), l.source));
            entry.0 += p;
        }
        let mut keys: Vec<&&str> = refunded.keys().collect();
        keys.sort();
        let mut any = false;
        for key in keys {
            let (Some((line_paid, sku, line_source)), Some((line_refunded, sources))) =
                (paid.get(*key), refunded.get(*key))
            else {
                continue;
            };
            if line_refunded.get() - line_paid.get() <= e.tolerance_for(line_paid.get()) {
                continue;
            }
            any = true;
            let mut d = ctx
                .finding("REFUND_EXCEEDS_PAID")
                .order(order.order_no())
                .amounts(*line_paid, *line_refunded)
                .evidence(order.source(), order.record_kind())
                .evidence(*line_source, order.record_kind())
                .message(format!(
                    "订单 {} 的商品行 {} 实付 {} 元，累计退款 {} 元，超出实付 {} 元。",
                    order.order_no(),
                    key,
                    line_paid,
                    line_refunded,
                    *line_refunded - *line_paid
                ));
            if let Some(s) = sku {
                d = d.sku(s);
            }
            for s in sources {
                d = d.evidence(*s, RecordKind::AfterSale);
            }
            sink.found(ctx, d);
        }
        any
    }

    // -----------------------------------------------------------------------------------------
    // Fund-flow integrity

    fn flow_duplicate(&self, ctx: &Ctx<'_>, sink: &mut Sink, ok: &mut Agreed) {
        // Rows with a business id, grouped by (business id, kind, amount).
        let with_id: Vec<u32> = (0..self.flows.len())
            .filter(|&i| non_empty(self.flows[i].business_no.as_deref()).is_some())
            .map(|i| u32::try_from(i).unwrap_or(NONE))
            .collect();
        let first = matching::first_occurrence(with_id.len(), |k| {
            let r = self.flows[ix(with_id[k])];
            (
                r.business_no.as_deref().unwrap_or(""),
                r.kind,
                r.amount.get(),
            )
        });
        let mut slot_of = vec![NONE; self.flows.len()];
        let mut dense = vec![NONE; with_id.len()];
        let mut count = 0u32;
        for (k, &f) in first.iter().enumerate() {
            if ix(f) == k {
                dense[k] = count;
                count += 1;
            }
            slot_of[ix(with_id[k])] = dense[ix(f)];
        }
        let groups = Groups::build(&slot_of, ix(count));
        // Flow positions are money-row positions; payouts are indexed separately.
        let mut payout_of_row = vec![NONE; 0];
        if self.flows.iter().any(|r| r.kind == FlowKind::Refund) {
            payout_of_row = vec![NONE; self.flows.len()];
            for (p, &r) in self.payout_row.iter().enumerate() {
                if let Some(slot) = payout_of_row.get_mut(ix(r)) {
                    *slot = u32::try_from(p).unwrap_or(NONE);
                }
            }
        }
        for g in 0..groups.len() {
            let members = groups.members(u32::try_from(g).unwrap_or(NONE));
            if members.len() < 2 {
                continue;
            }
            let first = self.flows[ix(members[0])];
            let n = members.len();
            let explained = if first.kind == FlowKind::Refund {
                // Each after-sale the rows pay explains one row; a refund paid twice to one
                // after-sale is REFUND_DUPLICATE's.
                let mut refund_groups: Vec<u32> = members
                    .iter()
                    .filter_map(|&m| payout_of_row.get(ix(m)).copied())
                    .filter(|&p| p != NONE)
                    .map(|p| self.refunds.payout_group[ix(p)])
                    .filter(|&rg| rg != NONE)
                    .collect();
                refund_groups.sort_unstable();
                refund_groups.dedup();
                if !refund_groups.is_empty() {
                    continue;
                }
                1
            } else {
                let o = self.row_order[ix(members[0])];
                let lines = if o == NONE {
                    0
                } else {
                    self.orders[ix(o)].lines().len()
                };
                lines.max(1)
            };
            if n <= explained {
                if let Some(amount) = i64::try_from(n)
                    .ok()
                    .and_then(|k| first.amount.get().checked_mul(k))
                {
                    ok.add(Fen::new(amount));
                }
                continue;
            }
            let times = |k: usize| {
                Fen::new(
                    first
                        .amount
                        .get()
                        .saturating_mul(i64::try_from(k).unwrap_or(0)),
                )
            };
            let extra = self.flows[ix(members[explained])];
            let business = first.business_no.as_deref().unwrap_or("");
            let order = MoneyRow::Flow(first).order_ref();
            let mut d = ctx
                .finding("FLOW_DUPLICATE")
                .txn(&extra.txn_no)
                .amounts(times(explained), times(n))
                .at(extra.occurred_at)
                .message(format!(
                    "业务流水号 {business} 的{}记录出现 {n} 笔（流水号不同），每笔 {} 元{}，应为 {explained} 笔共 {} 元，实际 {} 元，差额 {} 元。",
                    first.kind.zh(),
                    first.amount,
                    order.map_or_else(String::new, |o| format!("（订单 {o}）")),
                    times(explained),
                    times(n),
                    times(n - explained)
                ));
            if let Some(o) = order {
                d = d.order(o);
            }
            for &m in members {
                d = d.evidence(self.flows[ix(m)].source, RecordKind::FundFlow);
            }
            sink.found(ctx, d);
        }
    }

    fn balance_break(&self, ctx: &Ctx<'_>, e: Effective, sink: &mut Sink, ok: &mut Agreed) {
        for run in account_runs(&self.flows) {
            let mut prev: Option<(Fen, &FundFlowRow)> = None;
            for &i in &run.rows {
                let r = self.flows[ix(i)];
                if let (Some((before, p)), Some(balance)) = (prev, r.balance) {
                    let expected = before + r.amount;
                    if (balance - expected).get().abs() > e.tolerance_for(expected.get()) {
                        let d = ctx
                            .finding("BALANCE_BREAK")
                            .txn(&r.txn_no)
                            .amounts(expected, balance)
                            .at(r.occurred_at)
                            .evidence(p.source, RecordKind::FundFlow)
                            .evidence(r.source, RecordKind::FundFlow)
                            .message(format!(
                                "{}账户 {} 的流水 {}：上一笔余额 {} 元加本笔金额 {} 元应为 {} 元，实际余额 {} 元，差额 {} 元。",
                                r.provider.zh(),
                                run.account,
                                r.txn_no,
                                before,
                                r.amount,
                                expected,
                                balance,
                                balance - expected
                            ));
                        sink.found(ctx, d);
                    } else {
                        ok.add(r.amount);
                    }
                }
                // A row without a balance carries the running balance forward.
                prev = match (r.balance, prev) {
                    (Some(b), _) => Some((b, r)),
                    (None, Some((b, _))) => Some((b + r.amount, r)),
                    (None, None) => None,
                };
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Fees

    fn fee_mismatch(&self, ctx: &Ctx<'_>, e: Effective, sink: &mut Sink, ok: &mut Agreed) {
        let shop = ctx.settings.shop(&ctx.shop.id);
        let setting_rate = |v: Option<&String>| v.and_then(|r| RatePpm::parse(r).ok());
        let payment_rate = setting_rate(shop.and_then(|s| s.payment_fee_rate.as_ref()));
        let commission_rate = setting_rate(shop.and_then(|s| s.commission_rate.as_ref()));

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
                    order: order_ref(p.out_trade_no.as_deref()),
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
            for (kind, rate, what) in [
                (FlowKind::Fee, payment_rate, "手续费"),
                (FlowKind::Commission, commission_rate, "佣金"),
            ] {
                if kind == FlowKind::Fee && billed[o] {
                    continue;
                }
                let Some(rate) = rate else { continue };
                let rows: Vec<MoneyRow> = members
                    .iter()
                    .map(|&r| self.rows[ix(r)])
                    .filter(|r| matches!(r, MoneyRow::Flow(_)) && r.kind() == kind)
                    .collect();
                if rows.is_empty() {
                    continue;
                }
                let actual: Fen = rows.iter().map(|r| -r.amount()).sum();
                let n = i64::try_from(rows.len()).unwrap_or(i64::MAX);
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
                        // Each row is rounded on its own: up to 1 分 per row.
                        tolerance: e.tolerance_for(base.get()).max(n),
                        at: rows.last().map_or(ctx.cut_off, |r| r.at()),
                        evidence,
                    },
                );
            }
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

    // -----------------------------------------------------------------------------------------
    // Settlements

    fn settlement_mismatch(&self, ctx: &Ctx<'_>, e: Effective, sink: &mut Sink, ok: &mut Agreed) {
        let settlements = &self.settlements;
        let m = &self.settle;
        let rows_of = Groups::build(&m.settlement_group, m.groups);
        let flows_of = Groups::build(&m.flow_group, m.groups);
        for g in 0..m.groups {
            let g = u32::try_from(g).unwrap_or(NONE);
            let srows: Vec<&SettlementRow> = rows_of
                .members(g)
                .iter()
                .map(|&i| settlements[ix(i)])
                .collect();
            let frows: Vec<&FundFlowRow> = flows_of
                .members(g)
                .iter()
                .map(|&i| self.flows[ix(i)])
                .collect();
            let Some(first) = srows.first() else { continue };
            let expected: Fen = srows.iter().map(|s| s.amount).sum();
            let actual: Fen = frows.iter().map(|r| r.amount).sum();
            if (actual - expected).get().abs() <= e.tolerance_for(expected.get()) {
                ok.add(expected);
                continue;
            }
            let order_no = normalize_order_no(&first.order_no);
            let reference = first
                .payment_ref
                .as_deref()
                .map_or_else(String::new, |r| format!("（结算单号/商户订单号 {r}）"));
            let settled_at = srows.iter().filter_map(|s| s.settled_at).max();
            let mut d = ctx
                .finding("SETTLEMENT_MISMATCH")
                .order(order_no)
                .amounts(expected, actual)
                .message(format!(
                    "订单 {order_no}{reference} 结算单净额 {expected} 元，资金流水到账 {actual} 元（{} 笔），差额 {} 元。",
                    frows.len(),
                    actual - expected
                ));
            if let Some(t) = settled_at {
                d = d.at(t);
            }
            for s in &srows {
                d = d.evidence(s.source, RecordKind::Settlement);
            }
            for r in &frows {
                d = d.evidence(r.source, RecordKind::FundFlow);
            }
            let due = settled_at.map(|t| t.plus_days(e.window_days));
            match due {
                Some(due) if frows.is_empty() && due > ctx.cut_off => sink.pending(ctx, d, due),
                _ => sink.found(ctx, d),
            }
        }
    }
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

// ---------------------------------------------------------------------------------------------
// Accounts

/// One fund account's rows in booking order: by time, then by file and line.
pub struct AccountRun {
    pub provider: FundProvider,
    pub account: String,
    pub rows: Vec<u32>,
}

/// Splits deduplicated rows by (provider, account) and orders each account's rows.
pub fn account_runs(flows: &[&FundFlowRow]) -> Vec<AccountRun> {
    let mut order: Vec<u32> = (0..flows.len())
        .map(|i| u32::try_from(i).unwrap_or(NONE))
        .collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (flows[ix(a)], flows[ix(b)]);
        (x.provider, x.account.as_deref(), x.occurred_at, x.source).cmp(&(
            y.provider,
            y.account.as_deref(),
            y.occurred_at,
            y.source,
        ))
    });
    let mut runs: Vec<AccountRun> = Vec::new();
    for i in order {
        let r = flows[ix(i)];
        let account = r.account.as_deref().unwrap_or("");
        match runs.last_mut() {
            Some(run) if run.provider == r.provider && run.account == account => run.rows.push(i),
            _ => runs.push(AccountRun {
                provider: r.provider,
                account: account.to_string(),
                rows: vec![i],
            }),
        }
    }
    runs
}

/// A fund account's movement over the rows given: opening → inflows and outflows by kind →
/// closing, and whether they add up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRollForward {
    pub shop: String,
    pub provider: FundProvider,
    pub account: String,
    pub rows: u64,
    /// The first row's balance minus its amount, when the rows carry balances.
    pub opening_fen: Option<i64>,
    /// Σ positive amounts per kind (`income`, `refund`, …).
    pub inflows_fen: std::collections::BTreeMap<String, i64>,
    /// Σ negative amounts per kind.
    pub outflows_fen: std::collections::BTreeMap<String, i64>,
    /// The last row's balance.
    pub closing_fen: Option<i64>,
    /// opening + Σ inflows + Σ outflows = closing; `None` without balances.
    pub balanced: Option<bool>,
}

/// The roll-forward of every fund account of a shop.
pub fn roll_forward(shop: &str, flows: &[&FundFlowRow]) -> Vec<AccountRollForward> {
    account_runs(flows)
        .into_iter()
        .map(|run| {
            let rows: Vec<&FundFlowRow> = run.rows.iter().map(|&i| flows[ix(i)]).collect();
            // Per kind, in FlowKind::ALL order: (inflows, outflows).
            let mut sums = [(0i64, 0i64); FlowKind::ALL.len()];
            let mut total = 0i64;
            for r in &rows {
                let k = FlowKind::ALL.iter().position(|k| *k == r.kind).unwrap_or(0);
                if r.amount.get() >= 0 {
                    sums[k].0 += r.amount.get();
                } else {
                    sums[k].1 += r.amount.get();
                }
                total += r.amount.get();
            }
            let side = |pick: fn(&(i64, i64)) -> i64| {
                FlowKind::ALL
                    .iter()
                    .zip(&sums)
                    .filter(|(_, s)| pick(s) != 0)
                    .map(|(k, s)| (k.code().to_string(), pick(s)))
                    .collect::<std::collections::BTreeMap<String, i64>>()
            };
            let inflows = side(|s| s.0);
            let outflows = side(|s| s.1);
            let opening = rows
                .first()
                .and_then(|r| r.balance.map(|b| b.get() - r.amount.get()));
            let closing = rows.last().and_then(|r| r.balance.map(|b| b.get()));
            AccountRollForward {
                shop: shop.to_string(),
                provider: run.provider,
                account: run.account,
                rows: u64::try_from(rows.len()).unwrap_or(u64::MAX),
                opening_fen: opening,
                inflows_fen: inflows,
                outflows_fen: outflows,
                closing_fen: closing,
                balanced: opening.zip(closing).map(|(o, c)| o + total == c),
            }
        })
        .collect()
}
