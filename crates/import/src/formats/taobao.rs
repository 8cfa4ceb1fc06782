//! Taobao/Tmall seller exports (formats.md §3): 退款报表 (three header variants), 订单报表 and
//! 宝贝报表. All are read by header name: the variants differ in column order and set.
//!
//! The files do not say whether the shop is a Taobao or a Tmall shop, so records carry
//! [`Platform::Taobao`]; settings assign the platform per shop.

use duizhang_core::{
    AfterSale, AfterSaleKind, AfterSaleLine, AfterSalePhase, AfterSaleStatus, Fen, Order,
    OrderLine, OrderStatus, Platform, Record, Text,
};

use super::{
    Column, HeaderFormat, enum_cell, known_texts, line_goods, lookup_text, opt_text, order_no_cell,
    peek_header, positive_quantity, read_rows, warn_unknown,
};
use crate::problem::{Problem, ProblemCode};
use crate::registry::{Detection, Output};
use crate::table::{Cells, Header, Table};

const ORDER_NO: Column = &["订单编号"];

// ---------------------------------------------------------------------------------------------
// 退款报表

const REFUND_NO: Column = &["退款编号"];
/// Variant C renamed 支付宝交易号 to 支付单号.
const REFUND_PAYMENT_NO: Column = &["支付宝交易号", "支付单号"];
const BUYER_PAID: Column = &["买家实际支付金额"];
const REFUND_AMOUNT: Column = &["买家退款金额"];
const APPLIED: Column = &["退款的申请时间"];
/// Variant B has both; 退款完结时间 is preferred, 完结时间 read when it is the only one.
const COMPLETED: Column = &["退款完结时间", "完结时间"];
const PHASE: Column = &["售中或售后"];
const AFTER_SALE_TYPE: Column = &["售后类型"];
const NEEDS_RETURN: Column = &["是否需要退货"];
const REFUND_STATUS: Column = &["退款状态"];
/// Variant A writes 商家编码 where B and C write 商品编码 (both are the seller's code).
const REFUND_SKU: Column = &["商品编码", "商家编码"];
const REASON: Column = &["买家退款原因"];
const BUYER_NAME: Column = &["买家会员名称"];
const ITEM_TITLE: Column = &["宝贝标题"];

const REFUND_REQUIRED: &[Column] = &[ORDER_NO, REFUND_NO, REFUND_AMOUNT, REFUND_STATUS];
const REFUND_OPTIONAL: &[Column] = &[
    REFUND_PAYMENT_NO,
    BUYER_PAID,
    APPLIED,
    COMPLETED,
    PHASE,
    AFTER_SALE_TYPE,
    NEEDS_RETURN,
    REFUND_SKU,
    REASON,
    ITEM_TITLE,
];

/// 退款状态 as the export writes it. The export strings are the TOP status descriptions
/// (UNCONFIRMED in real exports), so the TOP codes are accepted as well.
pub(crate) const REFUND_STATUSES: &[(&str, AfterSaleStatus)] = &[
    ("退款成功", AfterSaleStatus::Completed),
    ("退款关闭", AfterSaleStatus::Closed),
    (
        "买家已经申请退款，等待卖家同意",
        AfterSaleStatus::PendingReview,
    ),
    (
        "卖家已经同意退款，等待买家退货",
        AfterSaleStatus::WaitingReturn,
    ),
    (
        "买家已经退货，等待卖家确认收货",
        AfterSaleStatus::WaitingReceive,
    ),
    ("卖家拒绝退款", AfterSaleStatus::Rejected),
    ("SUCCESS", AfterSaleStatus::Completed),
    ("CLOSED", AfterSaleStatus::Closed),
    ("WAIT_SELLER_AGREE", AfterSaleStatus::PendingReview),
    ("WAIT_BUYER_RETURN_GOODS", AfterSaleStatus::WaitingReturn),
    ("WAIT_SELLER_CONFIRM_GOODS", AfterSaleStatus::WaitingReceive),
    ("SELLER_REFUSE_BUYER", AfterSaleStatus::Rejected),
];

const PHASES: &[(&str, AfterSalePhase)] = &[
    ("售中", AfterSalePhase::OnSale),
    ("售后", AfterSalePhase::AfterSale),
    ("onsale", AfterSalePhase::OnSale),
    ("aftersale", AfterSalePhase::AfterSale),
];

const YES_NO_RETURN: &[(&str, AfterSaleKind)] = &[
    ("是", AfterSaleKind::ReturnAndRefund),
    ("否", AfterSaleKind::RefundOnly),
];

/// Where the after-sale's kind comes from: 售后类型 (variant C) or 是否需要退货 (A, B).
#[derive(Clone, Copy)]
enum KindColumn {
    AfterSaleType(usize),
    NeedsReturn(usize),
}

struct RefundColumns {
    order_no: usize,
    refund_no: usize,
    payment_no: Option<usize>,
    paid: Option<usize>,
    amount: usize,
    applied: Option<usize>,
    completed: Option<usize>,
    phase: Option<usize>,
    kind: KindColumn,
    status: usize,
    sku: Option<usize>,
    reason: Option<usize>,
}

impl RefundColumns {
    fn resolve(h: &Header, file: &str) -> Result<RefundColumns, Problem> {
        let kind = match (h.find(AFTER_SALE_TYPE), h.find(NEEDS_RETURN)) {
            (Some(c), _) => KindColumn::AfterSaleType(c),
            (None, Some(c)) => KindColumn::NeedsReturn(c),
            (None, None) => {
                return Err(Problem::new(
                    ProblemCode::MissingColumn,
                    file,
                    "缺少必需的列“售后类型”或“是否需要退货”",
                    "missing column 售后类型 / 是否需要退货",
                )
                .at_line(h.line));
            }
        };
        Ok(RefundColumns {
            order_no: h.require(file, ORDER_NO)?,
            refund_no: h.require(file, REFUND_NO)?,
            payment_no: h.find(REFUND_PAYMENT_NO),
            paid: h.find(BUYER_PAID),
            amount: h.require(file, REFUND_AMOUNT)?,
            applied: h.find(APPLIED),
            completed: h.find(COMPLETED),
            phase: h.find(PHASE),
            kind,
            status: h.require(file, REFUND_STATUS)?,
            sku: h.find(REFUND_SKU),
            reason: h.find(REASON),
        })
    }
}

/// Taobao/Tmall 退款报表 (千牛 → 退款管理 → 批量导出), variants A, B and C.
pub struct TaobaoRefunds;

impl HeaderFormat for TaobaoRefunds {
    const ID: &'static str = "taobao.refunds";
    const NAME_ZH: &'static str = "淘宝/天猫退款报表";
    const REQUIRED: &'static [Column] = REFUND_REQUIRED;
    const OPTIONAL: &'static [Column] = REFUND_OPTIONAL;

    fn variant(&self, header: &Header) -> String {
        let variant =
            if header.find(AFTER_SALE_TYPE).is_some() || header.find(&["支付单号"]).is_some() {
                "C"
            } else if header.find(BUYER_NAME).is_some() {
                "A"
            } else {
                "B"
            };
        variant.to_string()
    }

    fn read_table(
        &self,
        table: &mut Table,
        detection: &Detection,
        out: &mut Output<'_>,
    ) -> Result<(), Problem> {
        let file = out.name.clone();
        let cols = RefundColumns::resolve(&peek_header(table, detection)?, &file)?;
        read_rows(table, detection, out, |c, out| {
            read_refund_row(c, &cols, out)
        })
    }
}

fn read_refund_row(
    c: &Cells<'_>,
    cols: &RefundColumns,
    out: &Output<'_>,
) -> Result<Record, Problem> {
    let status = enum_cell(c, cols.status, REFUND_STATUSES)?;
    let kind = match cols.kind {
        KindColumn::AfterSaleType(col) => {
            let text = c.req(col)?;
            AfterSaleKind::parse(&text)
                .ok_or_else(|| c.bad_value(col, &text, &["仅退款", "退货退款", "换货", "补发"]))?
        }
        KindColumn::NeedsReturn(col) => enum_cell(c, col, YES_NO_RETURN)?,
    };
    let phase = match cols.phase {
        Some(col) if c.opt(Some(col)).is_some() => Some(enum_cell(c, col, PHASES)?),
        _ => None,
    };
    // 买家退款金额 is what the buyer asked for; it was paid out only when the refund succeeded.
    let amount = c.req_fen(cols.amount)?;
    let refunded = if status == AfterSaleStatus::Completed {
        amount
    } else {
        Fen::ZERO
    };
    let source = out.source(c.line());
    Ok(Record::AfterSale(AfterSale {
        platform: Platform::Taobao,
        shop: None,
        order_no: order_no_cell(c, cols.order_no)?,
        refund_no: c.req(cols.refund_no)?.as_ref().into(),
        kind,
        phase,
        status,
        status_text: c.text(cols.status).as_ref().into(),
        paid: c.fen(cols.paid)?,
        requested: Some(amount),
        refunded,
        applied_at: c.time(cols.applied)?,
        completed_at: c.time(cols.completed)?,
        reason: opt_text(c, cols.reason).map(Into::into),
        payment_no: opt_text(c, cols.payment_no),
        lines: vec![AfterSaleLine {
            sku: opt_text(c, cols.sku).map(Into::into),
            sub_order_no: None,
            quantity: None,
            refund: None,
            source,
        }],
        source,
    }))
}

// ---------------------------------------------------------------------------------------------
// 订单报表

const GOODS: Column = &["买家应付货款"];
const POSTAGE: Column = &["买家应付邮费"];
const ORDER_PAID: Column = &["买家实际支付金额"];
const ORDER_STATUS: Column = &["订单状态"];
const CREATED: Column = &["订单创建时间"];
const PAID_AT: Column = &["订单付款时间"];
const CONFIRMED_AT: Column = &["确认收货时间"];
const SHOP: Column = &["店铺名称"];
/// 支付单号 only: 买家支付宝账号 is the buyer's account, not a payment reference.
const ORDER_PAYMENT_NO: Column = &["支付单号"];
const REFUNDED: Column = &["退款金额"];
const RECEIVABLE: Column = &["打款商家金额"];

const ORDER_REQUIRED: &[Column] = &[ORDER_NO, GOODS, ORDER_PAID, ORDER_STATUS];
const ORDER_OPTIONAL: &[Column] = &[
    POSTAGE,
    CREATED,
    PAID_AT,
    CONFIRMED_AT,
    SHOP,
    ORDER_PAYMENT_NO,
    REFUNDED,
    RECEIVABLE,
    &["买家会员名"],
    &["总金额"],
];

/// 订单状态 texts (UNCONFIRMED export strings, formats.md §3.2) and the TOP trade statuses
/// (formats.md §3.4; the JSON of the trade API reads them too). `交易关闭` is not here: it
/// means refunded or cancelled depending on payment.
pub(crate) const ORDER_STATUSES: &[(&str, OrderStatus)] = &[
    ("交易成功", OrderStatus::Finished),
    ("等待买家付款", OrderStatus::Unpaid),
    ("买家已付款，等待卖家发货", OrderStatus::Paid),
    ("卖家已发货，等待买家确认", OrderStatus::Shipped),
    ("TRADE_FINISHED", OrderStatus::Finished),
    ("TRADE_BUYER_SIGNED", OrderStatus::Shipped),
    ("WAIT_BUYER_PAY", OrderStatus::Unpaid),
    ("TRADE_NO_CREATE_PAY", OrderStatus::Unpaid),
    ("WAIT_SELLER_SEND_GOODS", OrderStatus::Paid),
    ("WAIT_BUYER_CONFIRM_GOODS", OrderStatus::Shipped),
    ("TRADE_CLOSED", OrderStatus::Refunded),
    ("TRADE_CLOSED_BY_TAOBAO", OrderStatus::Cancelled),
    // 卖家部分发货: goods have left, as far as the ERP's shipments are concerned.
    ("SELLER_CONSIGNED_PART", OrderStatus::Shipped),
    // 付款确认中 (foreign cards) and 0元购合约中: no money has reached the platform yet.
    ("PAY_PENDING", OrderStatus::Unpaid),
    ("WAIT_PRE_AUTH_CONFIRM", OrderStatus::Unpaid),
    // 已付款但禁止发货 (拼团中, 发货强管控): paid, waiting.
    ("PAID_FORBID_CONSIGN", OrderStatus::Paid),
];
const CLOSED: &str = "交易关闭";

/// The known 订单状态 texts, for messages.
fn order_status_known() -> Vec<&'static str> {
    let mut known = known_texts(ORDER_STATUSES);
    known.push(CLOSED);
    known
}

/// Maps 订单状态; `paid` says whether the buyer paid (then 交易关闭 means refunded, else
/// cancelled; `None` when the file cannot tell). An unknown text is [`OrderStatus::Unknown`]
/// with a warning: the order is still read.
pub(crate) fn order_status(
    c: &Cells<'_>,
    col: Option<usize>,
    paid: Option<bool>,
    out: &mut Output<'_>,
) -> (OrderStatus, Text) {
    let Some(text) = c.opt(col) else {
        return (OrderStatus::Unknown, Text::default());
    };
    let status = if text.trim() == CLOSED {
        match paid {
            Some(true) => OrderStatus::Refunded,
            Some(false) => OrderStatus::Cancelled,
            None => OrderStatus::Unknown,
        }
    } else if let Some(s) = lookup_text(ORDER_STATUSES, &text) {
        s
    } else {
        warn_unknown(c, out, col.unwrap_or(0), &text, &order_status_known());
        OrderStatus::Unknown
    };
    (status, text.as_ref().into())
}

struct OrderColumns {
    order_no: usize,
    goods: usize,
    postage: Option<usize>,
    paid: usize,
    status: usize,
    created: Option<usize>,
    paid_at: Option<usize>,
    confirmed: Option<usize>,
    shop: Option<usize>,
    payment_no: Option<usize>,
    refunded: Option<usize>,
    receivable: Option<usize>,
}

/// Taobao 订单报表 (ExportOrderList): one row per order, amounts and dates, no lines.
pub struct TaobaoOrders;

impl HeaderFormat for TaobaoOrders {
    const ID: &'static str = "taobao.orders";
    const NAME_ZH: &'static str = "淘宝订单报表";
    const REQUIRED: &'static [Column] = ORDER_REQUIRED;
    const OPTIONAL: &'static [Column] = ORDER_OPTIONAL;

    fn variant(&self, header: &Header) -> String {
        let variant =
            if header.find(RECEIVABLE).is_some() || header.find(ORDER_PAYMENT_NO).is_some() {
                "新版"
            } else {
                "经典"
            };
        variant.to_string()
    }

    fn read_table(
        &self,
        table: &mut Table,
        detection: &Detection,
        out: &mut Output<'_>,
    ) -> Result<(), Problem> {
        let file = out.name.clone();
        let header = peek_header(table, detection)?;
        let cols = OrderColumns {
            order_no: header.require(&file, ORDER_NO)?,
            goods: header.require(&file, GOODS)?,
            postage: header.find(POSTAGE),
            paid: header.require(&file, ORDER_PAID)?,
            status: header.require(&file, ORDER_STATUS)?,
            created: header.find(CREATED),
            paid_at: header.find(PAID_AT),
            confirmed: header.find(CONFIRMED_AT),
            shop: header.find(SHOP),
            payment_no: header.find(ORDER_PAYMENT_NO),
            refunded: header.find(REFUNDED),
            receivable: header.find(RECEIVABLE),
        };
        read_rows(table, detection, out, |c, out| {
            read_order_row(c, &cols, out)
        })
    }
}

fn read_order_row(
    c: &Cells<'_>,
    cols: &OrderColumns,
    out: &mut Output<'_>,
) -> Result<Record, Problem> {
    let order_no = order_no_cell(c, cols.order_no)?;
    c.req(cols.status)?;
    let paid = c.req_fen(cols.paid)?;
    let paid_at = c.time(cols.paid_at)?;
    let record = Order {
        platform: Platform::Taobao,
        shop: opt_text(c, cols.shop).map(Into::into),
        order_no,
        status: OrderStatus::Unknown,
        status_text: Text::default().into(),
        created_at: c.time(cols.created)?,
        paid_at,
        shipped_at: None,
        finished_at: c.time(cols.confirmed)?,
        goods: Some(c.req_fen(cols.goods)?),
        postage: c.fen(cols.postage)?,
        seller_discount: None,
        platform_discount: None,
        other_discount: None,
        paid: Some(paid),
        seller_receivable: c.fen(cols.receivable)?,
        refunded: c.fen(cols.refunded)?,
        payment_no: opt_text(c, cols.payment_no),
        lines: Vec::new(),
        source: out.source(c.line()),
    };
    // The status is read last so that a row rejected for a bad cell gets no warning too.
    let (status, status_text) = order_status(
        c,
        Some(cols.status),
        Some(paid_at.is_some() || paid.get() > 0),
        out,
    );
    Ok(Record::Order(Order {
        status,
        status_text: status_text.into(),
        ..record
    }))
}

// ---------------------------------------------------------------------------------------------
// 宝贝报表

const TITLE: Column = &["标题"];
const PRICE: Column = &["价格"];
const QUANTITY: Column = &["购买数量"];
const MERCHANT_CODE: Column = &["商家编码"];

const ITEMS_REQUIRED: &[Column] = &[ORDER_NO, TITLE, PRICE, QUANTITY];
const ITEMS_OPTIONAL: &[Column] = &[
    ORDER_STATUS,
    MERCHANT_CODE,
    &["外部系统编号"],
    &["商品属性", "规格名称"],
    &["套餐信息"],
];

/// Taobao 宝贝报表 (ExportOrderDetailList): one row per order line. Each row becomes an
/// [`Order`] holding that one line; `Dataset::merged_orders` joins them with the 订单报表
/// record of the same order number.
pub struct TaobaoOrderItems;

impl HeaderFormat for TaobaoOrderItems {
    const ID: &'static str = "taobao.order_items";
    const NAME_ZH: &'static str = "淘宝宝贝报表";
    const REQUIRED: &'static [Column] = ITEMS_REQUIRED;
    const OPTIONAL: &'static [Column] = ITEMS_OPTIONAL;

    fn variant(&self, _header: &Header) -> String {
        "宝贝".to_string()
    }

    fn read_table(
        &self,
        table: &mut Table,
        detection: &Detection,
        out: &mut Output<'_>,
    ) -> Result<(), Problem> {
        let file = out.name.clone();
        let header = peek_header(table, detection)?;
        let order_col = header.require(&file, ORDER_NO)?;
        let title = header.require(&file, TITLE)?;
        let price = header.require(&file, PRICE)?;
        let quantity = header.require(&file, QUANTITY)?;
        let status_col = header.find(ORDER_STATUS);
        let sku = header.find(MERCHANT_CODE);
        read_rows(table, detection, out, |c, out| {
            let order_no = order_no_cell(c, order_col)?;
            let unit_price = c.req_fen(price)?;
            let qty = positive_quantity(c, quantity)?;
            let goods = line_goods(c, price, "价格", unit_price, qty)?;
            let source = out.source(c.line());
            // The item file cannot tell whether a closed order was paid: 交易关闭 stays
            // Unknown here and the 订单报表 record decides when the two are merged.
            let (status, status_text) = order_status(c, status_col, None, out);
            Ok(Record::Order(Order {
                platform: Platform::Taobao,
                shop: None,
                order_no,
                status,
                status_text: status_text.into(),
                created_at: None,
                paid_at: None,
                shipped_at: None,
                finished_at: None,
                goods: None,
                postage: None,
                seller_discount: None,
                platform_discount: None,
                other_discount: None,
                paid: None,
                seller_receivable: None,
                refunded: None,
                payment_no: None,
                lines: vec![OrderLine {
                    sub_order_no: None,
                    sku: opt_text(c, sku).map(Into::into),
                    title: opt_text(c, Some(title)).map(Into::into),
                    quantity: qty,
                    unit_price: Some(unit_price),
                    goods: Some(goods),
                    discount: None,
                    paid: None,
                    source,
                }],
                source,
            }))
        })
    }
}
