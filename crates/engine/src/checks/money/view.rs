//! The prepared view all money checks share: money rows, orders with money, the bridges from
//! settlement statements to the fund flow, and their matching.

use duizhang_core::timing::Release;
use duizhang_core::*;
use foldhash::{HashMap, HashMapExt};

use super::{ix, non_empty, order_ref};
use crate::matching::{
    self, Claim, Groups, NONE, OrderIndex, OrderKey, Payout, RefundMatching, SettlementMatching,
};
use crate::{Ctx, Draft};

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

    /// What a refund row gave back to the buyer, positive: the refund the row states apart
    /// from its outflow (WeChat 资金账单 备注, read by the importer), else the outflow.
    pub fn refunded(self) -> Fen {
        match self {
            MoneyRow::Flow(r) => r.refund_total.unwrap_or(-r.amount),
            _ => -self.amount(),
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
    pub(super) fn cite(self, d: Draft) -> Draft {
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

    pub(super) fn payment_no(self) -> Option<&'a str> {
        match self {
            OrderRef::Platform(o) => order_ref(o.payment_no.as_deref()),
            OrderRef::Erp(o) => order_ref(o.payment_no.as_deref()),
        }
    }

    pub(super) fn paid(self) -> Option<Fen> {
        match self {
            OrderRef::Platform(o) => o.paid,
            OrderRef::Erp(o) => o.paid,
        }
    }

    /// The order's freight, where the file states it.
    pub(super) fn postage(self) -> Option<Fen> {
        match self {
            OrderRef::Platform(o) => o.postage,
            OrderRef::Erp(o) => o.postage,
        }
    }

    /// Platform-funded discount the platform pays the seller on top of 实付.
    pub(super) fn subsidy(self) -> Fen {
        match self {
            OrderRef::Platform(o) => o.platform_discount.unwrap_or(Fen::ZERO),
            OrderRef::Erp(_) => Fen::ZERO,
        }
    }

    /// When the funds should reach the seller, for orders whose funds are due: the payment
    /// of a direct-payment order (money reaches the seller at once, refunded or not); 确认收货
    /// of a finished order of a platform that holds the money. A trade closed after a full
    /// refund (交易关闭 / TRADE_CLOSED) is not finished: nothing is due.
    pub(super) fn due_from(self) -> Option<BeijingTime> {
        match self {
            OrderRef::Platform(o) if self.release() == Release::AtPayment => matches!(
                o.status,
                OrderStatus::Paid
                    | OrderStatus::Shipped
                    | OrderStatus::Finished
                    | OrderStatus::Refunded
            )
            .then(|| o.paid_at.or(o.created_at))
            .flatten(),
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

    /// When the buyer's money reaches the seller (CHECKS.md, "Money timing"): a
    /// direct-payment shop's ERP order at payment, a platform order by its platform's rule.
    pub(super) fn release(self) -> Release {
        match self {
            OrderRef::Platform(o) => Release::of(o.platform),
            OrderRef::Erp(_) => Release::AtPayment,
        }
    }

    /// The trade finished (交易成功 / 已完成 / 确认收货): the buyer confirmed receipt.
    pub(super) fn finished(self) -> bool {
        match self {
            OrderRef::Platform(o) => o.status == OrderStatus::Finished,
            OrderRef::Erp(_) => false,
        }
    }

    /// 确认收货 as the order file states it.
    pub(super) fn confirmed_at(self) -> Option<BeijingTime> {
        match self {
            OrderRef::Platform(o) => o.finished_at,
            OrderRef::Erp(_) => None,
        }
    }

    pub(super) fn source(self) -> SourceRef {
        match self {
            OrderRef::Platform(o) => o.source,
            OrderRef::Erp(o) => o.source,
        }
    }

    pub(super) fn record_kind(self) -> RecordKind {
        match self {
            OrderRef::Platform(_) => RecordKind::Order,
            OrderRef::Erp(_) => RecordKind::ErpOrder,
        }
    }

    pub(super) fn lines(self) -> &'a [OrderLine] {
        match self {
            OrderRef::Platform(o) => &o.lines,
            OrderRef::Erp(_) => &[],
        }
    }
}

/// Whether a settlement statement covers an order, and whether money arrived for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Settled {
    No,
    Unpaid,
    Paid,
}

/// Per settlement group (see [`matching::match_settlements`]): the fund-flow row that moved
/// its money first, and whether any of its fund-flow rows names an order of its own.
pub(super) struct Bridge {
    paid_by: Vec<u32>,
    names_order: Vec<bool>,
}

impl Bridge {
    /// `row_order`: the order of each money row; fund-flow rows come first, at the positions
    /// of `flows`.
    pub(super) fn build(
        settle: &SettlementMatching,
        flows: &[&FundFlowRow],
        row_order: &[u32],
    ) -> Bridge {
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
    pub(super) fn paid_by(&self, g: u32) -> Option<usize> {
        self.paid_by
            .get(ix(g))
            .copied()
            .filter(|&f| f != NONE)
            .map(ix)
    }

    pub(super) fn names_order(&self, g: u32) -> bool {
        self.names_order.get(ix(g)).copied().unwrap_or(false)
    }
}

/// One shop's money, prepared for the checks.
pub struct Money<'a> {
    /// Fund-flow rows, deduplicated, in source order.
    pub flows: Vec<&'a FundFlowRow>,
    /// Settlement rows in source order, their matching to the fund flow, and per order
    /// whether a settlement statement covers it (its money is then SETTLEMENT_MISMATCH's).
    pub(super) settlements: Vec<&'a SettlementRow>,
    pub(super) settle: SettlementMatching,
    pub(super) settled: Vec<Settled>,
    /// The order of each settlement row ([`NONE`] for an order no file holds), and the rows of
    /// each order.
    pub(super) settlement_order: Vec<u32>,
    pub(super) settlements_of_order: Groups,
    pub(super) payments: Vec<&'a PaymentRow>,
    /// Money rows: every fund-flow row (same positions as `flows`), then the payment-bill rows
    /// of providers without a fund flow.
    pub(super) rows: Vec<MoneyRow<'a>>,
    pub(super) orders: Vec<OrderRef<'a>>,
    pub(super) index: OrderIndex<'a>,
    pub(super) after_sales: Vec<&'a AfterSale>,
    pub(super) row_order: Vec<u32>,
    pub(super) rows_of_order: Groups,
    pub(super) sale_order: Vec<u32>,
    pub(super) sales_of_order: Groups,
    /// Earliest income row of each order, or settlement of the statement that paid it.
    pub(super) first_income: Vec<Option<BeijingTime>>,
    /// First income row naming an order that no file of the period holds, by that order.
    pub(super) unheld_income: HashMap<&'a str, BeijingTime>,
    /// The period's first moment: an order confirmed before it was settled in an earlier
    /// period, whose fund flow is not here.
    pub(super) period_start: BeijingTime,
    /// After-sale positions of the refund claims, money-row positions of the payouts.
    pub(super) claim_sale: Vec<u32>,
    pub(super) payout_row: Vec<u32>,
    pub(super) refunds: RefundMatching,
    pub(super) claims_of: Groups,
    pub(super) payouts_of: Groups,
}

impl<'a> Money<'a> {
    /// The order a money row is about, by its number: the matched order's (a WeChat row names
    /// the payment's 商户订单号, the order is the ERP's 订单号), else the row's own reference.
    pub(super) fn row_order_no(&self, r: usize) -> Option<&'a str> {
        match self.row_order.get(r) {
            Some(&o) if o != NONE => Some(self.orders[ix(o)].order_no()),
            _ => self.rows.get(r).and_then(|row| row.order_ref()),
        }
    }

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
        // A row joins a statement by the statement's own reference (商户订单号), or by its
        // order when it is the money of a sale (goods money, refunds, fees, commissions). What
        // an order's row moves for anything else (抖店 上门取件运费, 赔付, 保证金) belongs to no
        // settlement.
        let flow_keys: Vec<(Option<&str>, Option<&str>)> = flows
            .iter()
            .map(|r| {
                let sale_money = matches!(
                    r.kind,
                    FlowKind::Income | FlowKind::Refund | FlowKind::Fee | FlowKind::Commission
                );
                (
                    non_empty(r.merchant_ref.as_deref()),
                    MoneyRow::Flow(r).order_ref().filter(|_| sale_money),
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
        let settlements_of_order = Groups::build(&settlement_order, orders.len());

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

        let mut first_income: Vec<Option<BeijingTime>> = vec![None; orders.len()];
        let mut release = |o: u32, t: BeijingTime| {
            let slot = &mut first_income[ix(o)];
            if slot.is_none_or(|s| t < s) {
                *slot = Some(t);
            }
        };
        // Income of orders no file holds, by the order they name: the order of events still
        // tells whether a refund of such an order came before its release.
        let mut unheld_income: HashMap<&'a str, BeijingTime> = HashMap::new();
        for (r, &o) in row_order.iter().enumerate() {
            let row = rows[r];
            if row.kind() != FlowKind::Income || row.amount().get() <= 0 {
                continue;
            }
            if o != NONE {
                release(o, row.at());
            } else if let Some(reference) = row.order_ref() {
                let slot = unheld_income.entry(reference).or_insert(row.at());
                *slot = (*slot).min(row.at());
            }
        }
        // An order paid through a statement was released at the settlement time the statement
        // states (抖店 结算时间, 京东 费用结算时间 / 到账时间), else when its money arrived.
        for (i, srow) in settlements.iter().enumerate() {
            let o = settlement_order[i];
            if o == NONE || srow.kind != FlowKind::Income || srow.amount.get() <= 0 {
                continue;
            }
            let arrived = bridge
                .paid_by(settle.settlement_group[i])
                .map(|f| flows[f].occurred_at);
            if let Some(t) = srow.settled_at.or(arrived) {
                release(o, t);
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
                amount: row.refunded().get(),
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
            settlement_order,
            settlements_of_order,
            payments,
            rows,
            orders,
            index,
            after_sales,
            row_order,
            rows_of_order,
            sale_order,
            sales_of_order,
            first_income,
            unheld_income,
            period_start: ctx.period.start(),
            claim_sale,
            payout_row,
            refunds,
            claims_of,
            payouts_of,
        }
    }

    /// The goods money a statement settled for order `o`, and its rows: the 货款 rows where
    /// the statement itemises it (京东), else the goods money each settled row states beside
    /// its net (抖店 收入合计, one row per 子订单). `None` when no statement states it, or
    /// while the order is settled only in part (see [`Money::settled_whole`]).
    pub(super) fn settled_goods(&self, o: u32) -> Option<(Fen, Vec<&'a SettlementRow>)> {
        let of_order = || {
            self.settlements_of_order
                .members(o)
                .iter()
                .map(|&i| self.settlements[ix(i)])
                .filter(|s| s.kind == FlowKind::Income)
        };
        let itemised: Vec<&SettlementRow> = of_order().filter(|s| is_goods_money(s)).collect();
        if !itemised.is_empty() {
            return Some((itemised.iter().map(|s| s.amount).sum(), itemised));
        }
        let stated: Vec<&SettlementRow> = of_order().filter(|s| s.goods.is_some()).collect();
        if stated.is_empty() || !self.settled_whole(o, &stated) {
            return None;
        }
        Some((stated.iter().filter_map(|s| s.goods).sum(), stated))
    }

    /// Whether statement rows settled per 子订单 (`rows`) cover the whole of order `o`: every
    /// line is settled, and no refund completed between the first line's settlement and the
    /// last one's (it would be netted from some lines and not from others, which the order's
    /// release cannot say). Until then the order's goods money is not all released.
    fn settled_whole(&self, o: u32, rows: &[&SettlementRow]) -> bool {
        let mut settled: Vec<&str> = rows
            .iter()
            .filter_map(|s| non_empty(s.sub_order_no.as_deref()))
            .map(normalize_order_no)
            .collect();
        settled.sort_unstable();
        let lines = self.orders[ix(o)].lines();
        let every_line = match lines {
            [] | [_] => true,
            _ => lines.iter().all(|l| {
                non_empty(l.sub_order_no.as_deref())
                    .is_some_and(|n| settled.binary_search(&normalize_order_no(n)).is_ok())
            }),
        };
        let times = rows.iter().filter_map(|s| s.settled_at);
        let (Some(first), Some(last)) = (times.clone().min(), times.max()) else {
            return every_line;
        };
        every_line
            && !self.sales_of_order.members(o).iter().any(|&a| {
                self.after_sales[ix(a)]
                    .completed_at
                    .is_some_and(|t| first < t && t < last)
            })
    }

    pub(super) fn income_rows(&self, o: u32) -> impl Iterator<Item = MoneyRow<'a>> + '_ {
        self.rows_of_order
            .members(o)
            .iter()
            .map(|&r| self.rows[ix(r)])
            .filter(|r| r.kind() == FlowKind::Income)
    }
}

/// A statement row of the goods money itself (京东 货款), as opposed to a fee on it or a
/// statement's net.
pub(super) fn is_goods_money(s: &SettlementRow) -> bool {
    s.item.trim() == "货款"
}
