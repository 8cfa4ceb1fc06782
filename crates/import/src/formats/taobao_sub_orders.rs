//! Taobao/Tmall 订单导出 as 千牛 writes it today (千牛 → 订单管理 → 批量导出, formats.md §3.2b):
//! one row per sub-order (子订单), no `订单编号`: the order is `主订单编号`. Amounts are per
//! line, so an order's amounts are the sums over its rows, and the rows give the order its lines.
//!
//! Quirks of the real file: every cell is text; empty values are often the literal `null` (read
//! as empty, like a blank cell); `退款金额` reads `无退款申请` when there is no refund. Rows of one
//! order are adjacent in the file seen, but nothing promises it: the orders are assembled over
//! the whole file and emitted at its end (a download is one shop's orders, which the dataset
//! holds anyway).

use duizhang_core::{AfterSaleStatus, Fen, Order, OrderLine, OrderStatus, Platform, Record, Text};
use foldhash::HashMap;

use super::rows::{OrderGroup, read_rows};
use super::taobao::{REFUND_STATUSES, order_status};
use super::{
    Column, HeaderFormat, known_texts, lookup_text, opt_text, order_no_cell, peek_header,
    positive_quantity, warn_unknown,
};
use crate::problem::Problem;
use crate::registry::{Detection, Output};
use crate::table::{Cells, Header, Table};

const SUB_ORDER_NO: Column = &["子订单编号"];
const ORDER_NO: Column = &["主订单编号"];
const TITLE: Column = &["标题"];
const PRICE: Column = &["价格"];
const QUANTITY: Column = &["购买数量"];
const SKU: Column = &["商家编码"];
const STATUS: Column = &["订单状态"];
const PAYMENT_NO: Column = &["支付单号"];
/// The line's payable goods amount (价格 × 购买数量 after the line's own discounts and price
/// changes).
const PAYABLE: Column = &["买家应付货款"];
/// What the buyer paid for the line: the payable less its share of the order's discounts.
const PAID: Column = &["买家实际支付金额"];
const REFUND_STATUS: Column = &["退款状态"];
const REFUND_AMOUNT: Column = &["退款金额"];
const CREATED: Column = &["订单创建时间"];
const PAID_AT: Column = &["订单付款时间"];
const SHIPPED_AT: Column = &["发货时间"];

const REQUIRED: &[Column] = &[
    SUB_ORDER_NO,
    ORDER_NO,
    PRICE,
    QUANTITY,
    PAYABLE,
    PAID,
    STATUS,
];
const OPTIONAL: &[Column] = &[
    TITLE,
    SKU,
    PAYMENT_NO,
    REFUND_STATUS,
    REFUND_AMOUNT,
    CREATED,
    PAID_AT,
    SHIPPED_AT,
    &["外部系统编号"],
    &["商品属性"],
    &["商品id"],
    &["物流单号"],
    &["物流公司"],
];

/// `退款金额` of a line with no refund asked for.
const NO_REFUND: &str = "无退款申请";
/// `退款状态` of a line with no refund asked for (the refund statuses are the 退款报表's).
const NO_REFUND_STATUS: &str = "没有申请退款";

struct Columns {
    sub_order_no: usize,
    order_no: usize,
    title: Option<usize>,
    price: usize,
    quantity: usize,
    sku: Option<usize>,
    status: usize,
    payment_no: Option<usize>,
    payable: usize,
    paid: usize,
    refund_status: Option<usize>,
    refund_amount: Option<usize>,
    created: Option<usize>,
    paid_at: Option<usize>,
    shipped_at: Option<usize>,
}

impl Columns {
    fn resolve(h: &Header, file: &str) -> Result<Columns, Problem> {
        Ok(Columns {
            sub_order_no: h.require(file, SUB_ORDER_NO)?,
            order_no: h.require(file, ORDER_NO)?,
            title: h.find(TITLE),
            price: h.require(file, PRICE)?,
            quantity: h.require(file, QUANTITY)?,
            sku: h.find(SKU),
            status: h.require(file, STATUS)?,
            payment_no: h.find(PAYMENT_NO),
            payable: h.require(file, PAYABLE)?,
            paid: h.require(file, PAID)?,
            refund_status: h.find(REFUND_STATUS),
            refund_amount: h.find(REFUND_AMOUNT),
            created: h.find(CREATED),
            paid_at: h.find(PAID_AT),
            shipped_at: h.find(SHIPPED_AT),
        })
    }
}

/// Taobao/Tmall 订单导出, current layout: one row per 子订单.
pub struct TaobaoSubOrders;

impl HeaderFormat for TaobaoSubOrders {
    const ID: &'static str = "taobao.sub_orders";
    const NAME_ZH: &'static str = "淘宝/天猫订单导出（子订单）";
    const REQUIRED: &'static [Column] = REQUIRED;
    const OPTIONAL: &'static [Column] = OPTIONAL;

    fn variant(&self, _header: &Header) -> String {
        "子订单".to_string()
    }

    fn read_table(
        &self,
        table: &mut Table,
        detection: &Detection,
        out: &mut Output<'_>,
    ) -> Result<(), Problem> {
        let file = out.name.clone();
        let cols = Columns::resolve(&peek_header(table, detection)?, &file)?;
        let (_, header) = table.take_header(detection.header_index)?;
        // Orders in the order their first row comes, each joined from all of its rows.
        let mut orders: Vec<OrderGroup> = Vec::new();
        let mut by_no: HashMap<Text, usize> = HashMap::default();
        read_rows(table, &header, out, |c, out| {
            c.require_complete()?;
            let row = read_row(c, &cols, out)?;
            let at = *by_no.entry(row.order_no.clone()).or_insert_with(|| {
                orders.push(OrderGroup::default());
                orders.len() - 1
            });
            // A group holds one order number, so pushing never hands an order back.
            orders[at].push(row).map_err(|o| o.at(c))?;
            Ok(None)
        })?;
        for mut group in orders {
            if let Some(order) = group.finish() {
                out.emit(Record::Order(order));
            }
        }
        Ok(())
    }
}

/// One row as an order holding that one line; its amounts are the line's.
fn read_row(c: &Cells<'_>, cols: &Columns, out: &mut Output<'_>) -> Result<Order, Problem> {
    let order_no = order_no_cell(c, cols.order_no)?;
    let sub_order_no = order_no_cell(c, cols.sub_order_no)?;
    let unit_price = c.req_fen(cols.price)?;
    let quantity = positive_quantity(c, cols.quantity)?;
    let payable = c.req_fen(cols.payable)?;
    let paid = c.req_fen(cols.paid)?;
    // The share of the order's discounts the line bears: paid = payable − share.
    let discount = payable - paid;
    let refunded = refunded(c, cols, out)?;
    let paid_at = c.time(cols.paid_at)?;
    let source = out.source(c.line());
    let line = OrderLine {
        sub_order_no: Some(sub_order_no),
        sku: opt_text(c, cols.sku).map(Into::into),
        title: opt_text(c, cols.title).map(Into::into),
        quantity,
        unit_price: Some(unit_price),
        goods: Some(payable),
        discount: Some(discount),
        paid: Some(paid),
        source,
    };
    let record = Order {
        platform: Platform::Taobao,
        shop: None,
        order_no,
        status: OrderStatus::Unknown,
        status_text: Text::default().into(),
        created_at: c.time(cols.created)?,
        paid_at,
        shipped_at: c.time(cols.shipped_at)?,
        finished_at: None,
        goods: Some(payable),
        // UNCONFIRMED (formats.md §3.2b): the layout has no postage column, and where postage
        // goes is not known; it is taken to be inside the line amounts, so none is separate.
        postage: Some(Fen::ZERO),
        seller_discount: None,
        platform_discount: None,
        // Who funds the discounts (shop or platform) the file does not say.
        other_discount: Some(discount),
        paid: Some(paid),
        seller_receivable: None,
        refunded,
        payment_no: opt_text(c, cols.payment_no),
        lines: vec![line],
        source,
    };
    // The status is read last so that a row rejected for a bad cell gets no warning too.
    let (status, status_text) = order_status(
        c,
        Some(cols.status),
        Some(paid_at.is_some() || paid.get() > 0),
        out,
    );
    Ok(Order {
        status,
        status_text: status_text.into(),
        ..record
    })
}

/// The money refunded on the line: its `退款金额` once the refund succeeded, nothing while none
/// was asked for (`无退款申请`, `没有申请退款`) or it is still open or was closed. `None` when the
/// file does not say (no such columns, a succeeded refund without an amount, or a 退款状态 not
/// known, which is warned about).
fn refunded(c: &Cells<'_>, cols: &Columns, out: &mut Output<'_>) -> Result<Option<Fen>, Problem> {
    let amount = match cols.refund_amount {
        Some(col) if c.opt(Some(col)).is_some_and(|t| t.trim() == NO_REFUND) => Some(Fen::ZERO),
        col => c.fen(col)?,
    };
    let Some(status) = c.opt(cols.refund_status) else {
        // Without a status only `无退款申请` says anything: an amount alone may be one asked for.
        return Ok(amount.filter(|a| a.is_zero()));
    };
    if status.trim() == NO_REFUND_STATUS {
        return Ok(Some(Fen::ZERO));
    }
    match lookup_text(REFUND_STATUSES, &status) {
        Some(AfterSaleStatus::Completed) => Ok(amount),
        Some(_) => Ok(Some(Fen::ZERO)),
        None => {
            let mut known = known_texts(REFUND_STATUSES);
            known.push(NO_REFUND_STATUS);
            warn_unknown(c, out, cols.refund_status.unwrap_or(0), &status, &known);
            Ok(None)
        }
    }
}
