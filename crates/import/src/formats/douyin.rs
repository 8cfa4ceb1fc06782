//! Douyin shop (抖店) exports (formats.md §6): the order export, 资金流水 / 动账明细 and
//! 结算账单. All three are PARTIAL in formats.md: columns are found by name and the known
//! spellings of each are accepted.

use duizhang_core::{
    FlowKind, FundFlowRow, FundProvider, Order, OrderLine, OrderStatus, Platform, Record,
    SettlementRow,
};

use super::rows::{read_grouped_orders, read_rows};
use super::{Column, HeaderFormat, opt_text, positive_quantity, warn_unknown};
use crate::problem::{Problem, ProblemCode};
use crate::registry::{Detection, Output};
use crate::table::{Cells, Header, Table};

// ---------------------------------------------------------------------------------------------
// Order export (§6.1): one row per 子订单, cells quoted with a leading TAB, `-` for empty.

const O_ORDER: Column = &["主订单编号", "订单编号", "订单号"];
const O_SUB_ORDER: Column = &["子订单编号", "子订单号"];
const O_TITLE: Column = &["选购商品", "商品名称"];
const O_QUANTITY: Column = &["商品数量"];
/// The seller's code: 商家编码, or 货号 in exports (and sellers' workbooks) that name it so.
const O_SKU: Column = &["商家编码", "货号"];
const O_PAYABLE: Column = &["订单应付金额"];
const O_POSTAGE: Column = &["运费"];
const O_CREATED: Column = &["订单提交时间", "下单时间"];
const O_PAID_AT: Column = &["支付完成时间"];
const O_FINISHED: Column = &["订单完成时间"];
const O_STATUS: Column = &["订单状态"];
const O_AFTER_SALE: Column = &["售后状态"];
const O_SHIPPED: Column = &["发货时间"];
const O_PLATFORM_DISCOUNT: Column = &["平台实际承担优惠金额"];
const O_SELLER_DISCOUNT: Column = &["商家实际承担优惠金额"];
const O_AUTHOR_DISCOUNT: Column = &["达人实际承担优惠金额"];
const O_UNIT_PRICE: Column = &["商品单价"];
const O_GOODS: Column = &["商品金额"];
const O_RECEIVABLE: Column = &["商家收入金额"];

const ORDER_REQUIRED: &[Column] = &[O_ORDER, O_SUB_ORDER, O_QUANTITY, O_PAYABLE, O_STATUS];
const ORDER_OPTIONAL: &[Column] = &[
    O_TITLE,
    O_SKU,
    O_POSTAGE,
    O_CREATED,
    O_PAID_AT,
    O_FINISHED,
    O_AFTER_SALE,
    O_SHIPPED,
    O_PLATFORM_DISCOUNT,
    O_SELLER_DISCOUNT,
    O_AUTHOR_DISCOUNT,
    O_UNIT_PRICE,
    O_GOODS,
    O_RECEIVABLE,
];

const KNOWN_ORDER_STATUSES: &[&str] = &["已完成", "已发货", "待发货", "已关闭", "待支付"];

/// A Douyin 订单状态 (with 售后状态) normalised; `None` for a text not known.
pub fn douyin_order_status(status: &str, after_sale: &str) -> Option<OrderStatus> {
    let refunded = after_sale.contains("退款成功");
    Some(match status.trim() {
        "已完成" | "交易完成" => OrderStatus::Finished,
        "已发货" | "部分发货" | "已发货，待收货" => OrderStatus::Shipped,
        "待发货" | "备货中" => OrderStatus::Paid,
        "已关闭" | "已取消" if refunded => OrderStatus::Refunded,
        "已关闭" | "已取消" => OrderStatus::Cancelled,
        "待支付" | "待付款" => OrderStatus::Unpaid,
        _ => return None,
    })
}

/// 抖店 订单管理 export.
pub struct DouyinOrders;

struct OrderColumns {
    order: usize,
    sub_order: usize,
    title: Option<usize>,
    quantity: usize,
    sku: Option<usize>,
    payable: usize,
    postage: Option<usize>,
    created: Option<usize>,
    paid_at: Option<usize>,
    finished: Option<usize>,
    status: usize,
    after_sale: Option<usize>,
    shipped: Option<usize>,
    platform_discount: Option<usize>,
    seller_discount: Option<usize>,
    author_discount: Option<usize>,
    unit_price: Option<usize>,
    goods: Option<usize>,
    receivable: Option<usize>,
}

impl OrderColumns {
    fn resolve(h: &Header, file: &str) -> Result<OrderColumns, Problem> {
        Ok(OrderColumns {
            order: h.require(file, O_ORDER)?,
            sub_order: h.require(file, O_SUB_ORDER)?,
            title: h.find(O_TITLE),
            quantity: h.require(file, O_QUANTITY)?,
            sku: h.find(O_SKU),
            payable: h.require(file, O_PAYABLE)?,
            postage: h.find(O_POSTAGE),
            created: h.find(O_CREATED),
            paid_at: h.find(O_PAID_AT),
            finished: h.find(O_FINISHED),
            status: h.require(file, O_STATUS)?,
            after_sale: h.find(O_AFTER_SALE),
            shipped: h.find(O_SHIPPED),
            platform_discount: h.find(O_PLATFORM_DISCOUNT),
            seller_discount: h.find(O_SELLER_DISCOUNT),
            author_discount: h.find(O_AUTHOR_DISCOUNT),
            unit_price: h.find(O_UNIT_PRICE),
            goods: h.find(O_GOODS),
            receivable: h.find(O_RECEIVABLE),
        })
    }
}

impl HeaderFormat for DouyinOrders {
    const ID: &'static str = "douyin.orders";
    const NAME_ZH: &'static str = "抖店订单导出";
    const REQUIRED: &'static [Column] = ORDER_REQUIRED;
    const OPTIONAL: &'static [Column] = ORDER_OPTIONAL;

    fn read_table(
        &self,
        table: &mut Table,
        detection: &Detection,
        out: &mut Output<'_>,
    ) -> Result<(), Problem> {
        let (_, header) = table.take_header(detection.header_index)?;
        let cols = OrderColumns::resolve(&header, &out.name)?;
        read_grouped_orders(table, &header, out, |c, out| read_order_row(c, &cols, out))
    }
}

fn read_order_row(
    c: &Cells<'_>,
    cols: &OrderColumns,
    out: &mut Output<'_>,
) -> Result<Order, Problem> {
    c.require_complete()?;
    let order_no = c.req(cols.order)?;
    let status_text = c.req(cols.status)?;
    let after_sale = c.opt(cols.after_sale).unwrap_or_default();
    let status = douyin_order_status(&status_text, &after_sale);
    let quantity = positive_quantity(c, cols.quantity)?;
    // 订单应付金额, 运费 and the discounts are per 子订单 (PARTIAL): the order's amounts are
    // their sums over its rows (see `OrderGroup`). 订单应付金额 includes the row's 运费
    // (formats.md §6.1): the order's 实付 counts it, the line's goods money does not (a line
    // is what the buyer paid for its goods, as on every platform).
    let payable = c.req_fen(cols.payable)?;
    let postage = c.fen(cols.postage)?;
    let line_paid = payable - postage.unwrap_or(duizhang_core::Fen::ZERO);
    let platform_discount = c.fen(cols.platform_discount)?;
    let seller_discount = c.fen(cols.seller_discount)?;
    // 达人 (the live-streamer) funds this one: neither the seller nor the platform.
    let other_discount = c.fen(cols.author_discount)?;
    let discount = [platform_discount, seller_discount, other_discount]
        .into_iter()
        .flatten()
        .reduce(|a, b| a + b);
    let unit_price = c.fen(cols.unit_price)?;
    let goods = match c.fen(cols.goods)? {
        Some(g) => Some(g),
        None => match unit_price {
            Some(p) => Some(duizhang_core::Fen::new(
                p.get().checked_mul(quantity).ok_or_else(|| {
                    c.problem(
                        cols.quantity,
                        ProblemCode::BadValue,
                        "商品单价 × 数量 超出范围",
                        "price × quantity overflows",
                    )
                })?,
            )),
            None => None,
        },
    };
    let line = OrderLine {
        sub_order_no: opt_text(c, Some(cols.sub_order)),
        sku: opt_text(c, cols.sku).map(Into::into),
        title: opt_text(c, cols.title).map(Into::into),
        quantity,
        unit_price,
        goods,
        discount,
        paid: Some(line_paid),
        source: out.source(c.line()),
    };
    let order = Order {
        platform: Platform::Douyin,
        shop: None,
        order_no: order_no.as_ref().into(),
        status: status.unwrap_or(OrderStatus::Unknown),
        status_text: status_text.as_ref().into(),
        created_at: c.time(cols.created)?,
        paid_at: c.time(cols.paid_at)?,
        shipped_at: c.time(cols.shipped)?,
        finished_at: c.time(cols.finished)?,
        goods,
        postage,
        seller_discount,
        platform_discount,
        other_discount,
        paid: Some(payable),
        seller_receivable: c.fen(cols.receivable)?,
        refunded: None,
        payment_no: None,
        lines: vec![line],
        source: out.source(c.line()),
    };
    if status.is_none() {
        // Read anyway: the amounts are good; a person decides what the status means.
        warn_unknown(c, out, cols.status, &status_text, KNOWN_ORDER_STATUSES);
    }
    Ok(order)
}

// ---------------------------------------------------------------------------------------------
// 资金流水 / 动账明细 (§6.2).

/// The platform spells it 动帐流水号 (帐) beside 动账时间 (账); both are accepted.
const F_TXN: Column = &["动帐流水号", "动账流水号"];
const F_TIME: Column = &["动账时间", "动帐时间"];
const F_DIRECTION: Column = &["动账方向", "动帐方向"];
const F_AMOUNT: Column = &["动账金额", "动帐金额"];
const F_ACCOUNT: Column = &["动账账户", "动帐账户"];
const F_SCENE: Column = &["动账场景", "动帐场景"];
const F_BILLING: Column = &["计费类型"];
const F_SUB_ORDER: Column = &["子订单号"];
const F_ORDER: Column = &["订单号"];
const F_REFUND: Column = &["售后编号"];
const F_MEMO: Column = &["备注"];

const FLOW_REQUIRED: &[Column] = &[F_TIME, F_TXN, F_DIRECTION, F_AMOUNT];
const FLOW_OPTIONAL: &[Column] = &[
    F_ACCOUNT,
    F_SCENE,
    F_BILLING,
    F_SUB_ORDER,
    F_ORDER,
    F_REFUND,
    F_MEMO,
];

/// What kind of money a 动账场景 (or, without one, 计费类型) text names; which way it went
/// is the 动账方向's ([`FlowKind::as_moved`]).
pub fn douyin_flow_kind(text: &str) -> FlowKind {
    match text.trim() {
        "货款结算入账" | "订单结算" => FlowKind::Income,
        t if t.contains("提现") => FlowKind::Withdrawal,
        t if t.contains("退款") => FlowKind::Refund,
        t if t.contains("服务费") => FlowKind::Fee,
        t if t.contains("佣金") => FlowKind::Commission,
        t if t.contains("保证金") => FlowKind::Transfer,
        _ => FlowKind::Other,
    }
}

/// 抖店 资金流水明细 export.
pub struct DouyinFundFlow;

struct FlowColumns {
    txn: usize,
    time: usize,
    direction: usize,
    amount: usize,
    account: Option<usize>,
    /// 动账场景, else 计费类型.
    kind: usize,
    scene: Option<usize>,
    billing: Option<usize>,
    sub_order: Option<usize>,
    order: Option<usize>,
    refund: Option<usize>,
    memo: Option<usize>,
}

impl FlowColumns {
    fn resolve(h: &Header, file: &str) -> Result<FlowColumns, Problem> {
        let scene = h.find(F_SCENE);
        let billing = h.find(F_BILLING);
        // Without either the row's kind is unknowable.
        let kind = match scene.or(billing) {
            Some(k) => k,
            None => h.require(file, F_SCENE)?,
        };
        Ok(FlowColumns {
            kind,
            txn: h.require(file, F_TXN)?,
            time: h.require(file, F_TIME)?,
            direction: h.require(file, F_DIRECTION)?,
            amount: h.require(file, F_AMOUNT)?,
            account: h.find(F_ACCOUNT),
            scene,
            billing,
            sub_order: h.find(F_SUB_ORDER),
            order: h.find(F_ORDER),
            refund: h.find(F_REFUND),
            memo: h.find(F_MEMO),
        })
    }
}

impl HeaderFormat for DouyinFundFlow {
    const ID: &'static str = "douyin.fund_flow";
    const NAME_ZH: &'static str = "抖店资金流水";
    const REQUIRED: &'static [Column] = FLOW_REQUIRED;
    const OPTIONAL: &'static [Column] = FLOW_OPTIONAL;

    fn read_table(
        &self,
        table: &mut Table,
        detection: &Detection,
        out: &mut Output<'_>,
    ) -> Result<(), Problem> {
        let (_, header) = table.take_header(detection.header_index)?;
        let cols = FlowColumns::resolve(&header, &out.name)?;
        read_rows(table, &header, out, |c, out| {
            read_flow_row(c, &cols, out).map(Some)
        })
    }
}

fn read_flow_row(c: &Cells<'_>, cols: &FlowColumns, out: &Output<'_>) -> Result<Record, Problem> {
    c.require_complete()?;
    let direction = c.req(cols.direction)?;
    let written = c.req_fen(cols.amount)?;
    // 动账金额 is absolute in some exports and signed in others (PARTIAL): the direction
    // decides the sign; a sign that contradicts it is an error, not a guess.
    let amount = match direction.trim() {
        "入账" | "收入" if written.get() >= 0 => written,
        "出账" | "支出" if written.get() <= 0 => written,
        "出账" | "支出" => -written,
        "入账" | "收入" => {
            return Err(c.problem(
                cols.amount,
                ProblemCode::BadAmount,
                format!("动账方向为“{direction}”，金额却为负数（{written}）"),
                "negative amount on an income row",
            ));
        }
        other => return Err(c.bad_value(cols.direction, other, &["入账", "出账"])),
    };
    let kind_text = match c.opt(cols.scene).or_else(|| c.opt(cols.billing)) {
        Some(t) => t,
        None => c.req(cols.kind)?,
    };
    let order = c.opt(cols.order);
    let sub_order = c.opt(cols.sub_order);
    Ok(Record::FundFlow(FundFlowRow {
        provider: FundProvider::Douyin,
        account: opt_text(c, cols.account).map(Into::into),
        txn_no: c.req(cols.txn)?.as_ref().into(),
        // The rows of one sub-order's money share it: the same sub-order, scene and amount
        // twice under two 动帐流水号 is one event booked twice (FLOW_DUPLICATE).
        business_no: sub_order.as_deref().or(order.as_deref()).map(Into::into),
        order_no: order.as_deref().or(sub_order.as_deref()).map(Into::into),
        // The row's 子订单号 (what Douyin after-sales key on) is kept as its reference.
        merchant_ref: sub_order.as_deref().map(Into::into),
        refund_no: opt_text(c, cols.refund),
        kind: douyin_flow_kind(&kind_text).as_moved(amount),
        kind_text: kind_text.as_ref().into(),
        amount,
        balance: None,
        occurred_at: c.req_time(cols.time)?,
        counterparty: None,
        memo: opt_text(c, cols.memo),
        refund_total: None,
        source: out.source(c.line()),
    }))
}

// ---------------------------------------------------------------------------------------------
// 结算账单 (§6.3).

const S_TIME: Column = &["结算时间"];
const S_ORDER: Column = &["订单号"];
const S_SUB_ORDER: Column = &["子订单号"];
const S_AMOUNT: Column = &["结算金额"];
const S_ACCOUNT: Column = &["结算账户"];
const S_TYPE: Column = &["结算单类型"];
/// The row's income before the platform's fees (订单实付应结, 运费 and subsidies):
/// the goods money Douyin settled, apart from 结算金额, which is net of fees.
const S_INCOME: Column = &["收入合计"];

const SETTLE_REQUIRED: &[Column] = &[S_TIME, S_ORDER, S_AMOUNT, S_TYPE];
const SETTLE_OPTIONAL: &[Column] = &[
    S_SUB_ORDER,
    S_ACCOUNT,
    &["有结算前退款"],
    &["下单时间"],
    S_INCOME,
    &["支出合计"],
    &["平台服务费"],
    &["达人佣金"],
    &["商品ID"],
    &["商品名称"],
    &["商品数量"],
];

/// What a 结算单类型 means: `已结算` is the sale's money, `结算后退款…` a refund after it
/// (the amount then says which way the money went, [`FlowKind::as_moved`]).
pub fn douyin_settlement_kind(text: &str) -> FlowKind {
    match text.trim() {
        "已结算" => FlowKind::Income,
        t if t.contains("退款") => FlowKind::Refund,
        _ => FlowKind::Other,
    }
}

/// 抖店 结算账单 export.
pub struct DouyinSettlement;

impl HeaderFormat for DouyinSettlement {
    const ID: &'static str = "douyin.settlement";
    const NAME_ZH: &'static str = "抖店结算账单";
    const REQUIRED: &'static [Column] = SETTLE_REQUIRED;
    const OPTIONAL: &'static [Column] = SETTLE_OPTIONAL;

    fn read_table(
        &self,
        table: &mut Table,
        detection: &Detection,
        out: &mut Output<'_>,
    ) -> Result<(), Problem> {
        let (_, header) = table.take_header(detection.header_index)?;
        let file = out.name.clone();
        let time = header.require(&file, S_TIME)?;
        let order = header.require(&file, S_ORDER)?;
        let amount = header.require(&file, S_AMOUNT)?;
        let kind = header.require(&file, S_TYPE)?;
        let sub_order = header.find(S_SUB_ORDER);
        let account = header.find(S_ACCOUNT);
        let income = header.find(S_INCOME);
        let legend_line = header.line.saturating_add(1);
        read_rows(table, &header, out, |c, out| {
            // The line under the header explains the amounts (` , , ,收入+支出, …`): no data.
            if c.line() == legend_line
                && c.opt(Some(time)).is_none()
                && c.opt(Some(order)).is_none()
            {
                return Ok(None);
            }
            c.require_complete()?;
            let item = c.req(kind)?;
            let settled = c.req_fen(amount)?;
            Ok(Some(Record::Settlement(SettlementRow {
                platform: Platform::Douyin,
                order_no: c.req(order)?.as_ref().into(),
                sub_order_no: opt_text(c, sub_order),
                kind: douyin_settlement_kind(&item).as_moved(settled),
                item: item.as_ref().into(),
                amount: settled,
                settled_at: Some(c.req_time(time)?),
                account: opt_text(c, account).map(Into::into),
                refund_no: None,
                payment_ref: None,
                rate: None,
                goods: c.fen(income)?,
                source: out.source(c.line()),
            })))
        })
    }
}
