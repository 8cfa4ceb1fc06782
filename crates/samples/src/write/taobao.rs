//! Taobao/Tmall seller exports in their real shape (formats.md §3): 退款报表 (variants A, B, C),
//! 订单报表 and 宝贝报表, as GBK CSV or XLSX; today's 订单导出 (one row per 子订单) as XLSX.
//!
//! Columns the records do not hold (buyer names, addresses, logistics …) are written empty.

use duizhang_core::{AfterSale, AfterSaleKind, AfterSalePhase, Fen, Order, OrderLine};
use rust_xlsxwriter::XlsxError;

use super::sheet::{Cell, Shape, Sheet};

/// Header variant of the 退款报表.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefundVariant {
    /// ≈2016–2019: 退款编号 first, 商家编码, 买家会员名称, ends at 退款原因标签.
    A,
    /// ≈2021–2023, 42 columns.
    B,
    /// ≈2024–2025: 支付单号, 商品id, 售后类型 (no 是否需要退货).
    C,
}

pub const REFUND_HEADER_A: &[&str] = &[
    "退款编号",
    "订单编号",
    "支付宝交易号",
    "订单付款时间",
    "商家编码",
    "退款完结时间",
    "买家会员名称",
    "买家实际支付金额",
    "宝贝标题",
    "买家退款金额",
    "手工退款/系统退款",
    "是否需要退货",
    "退款的申请时间",
    "超时时间",
    "退款状态",
    "货物状态",
    "退货物流信息",
    "发货物流信息",
    "客服介入状态",
    "卖家真实姓名",
    "卖家退货地址",
    "卖家邮编",
    "卖家电话",
    "卖家手机",
    "退货物流单号",
    "退货物流公司",
    "买家退款原因",
    "买家退款说明",
    "买家退货时间",
    "责任方",
    "售中或售后",
    "商家备注",
    "完结时间",
    "部分退款/全部退款",
    "审核操作人",
    "举证超时",
    "是否零秒响应",
    "退款操作人",
    "退款原因标签",
];

pub const REFUND_HEADER_B: &[&str] = &[
    "订单编号",
    "退款编号",
    "支付宝交易号",
    "订单付款时间",
    "商品编码",
    "退款完结时间",
    "买家实际支付金额",
    "宝贝标题",
    "买家退款金额",
    "手工退款/系统退款",
    "是否需要退货",
    "退款的申请时间",
    "超时时间",
    "退款状态",
    "货物状态",
    "退货物流信息",
    "发货物流信息",
    "客服介入状态",
    "卖家真实姓名",
    "卖家真实姓名新",
    "卖家退货地址",
    "卖家邮编",
    "卖家电话",
    "卖家手机",
    "退货物流单号",
    "退货物流公司",
    "买家退款原因",
    "买家退款说明",
    "买家退货时间",
    "责任方",
    "售中或售后",
    "商家备注",
    "完结时间",
    "部分退款/全部退款",
    "审核操作人",
    "举证超时",
    "是否零秒响应",
    "退款操作人",
    "退款原因标签",
    "业务类型",
    "是否帮他退款",
    "帮他退款操作账号",
];

pub const REFUND_HEADER_C: &[&str] = &[
    "订单编号",
    "退款编号",
    "支付单号",
    "订单付款时间",
    "商品id",
    "商品编码",
    "退款完结时间",
    "买家实际支付金额",
    "宝贝标题",
    "买家退款金额",
    "手工退款/系统退款",
    "售后类型",
    "退款的申请时间",
    "超时时间",
    "退款状态",
    "货物状态",
    "退货物流信息",
    "发货物流信息",
    "客服介入状态",
    "卖家真实姓名",
    "卖家真实姓名新",
    "卖家退货地址",
    "卖家邮编",
    "卖家电话",
    "卖家手机",
    "退货物流单号",
    "退货物流公司",
    "买家退款原因",
    "买家退款说明",
    "买家退货时间",
    "责任方",
    "售中或售后",
    "备注标签",
    "商家备注",
    "完结时间",
    "部分退款/全部退款",
    "审核操作人",
    "审核操作人新会员名",
    "举证超时",
    "是否零秒响应",
    "退款操作人",
    "退款操作人新会员名",
    "退款原因标签",
    "业务类型",
    "是否帮他退款",
    "帮他退款操作账号",
    "小额收款",
    "淘特订单",
    "百亿补贴超链退款信息",
    "智能退款策略",
    "执行方案",
];

#[derive(Clone, Copy, Debug)]
pub struct RefundOptions {
    pub variant: RefundVariant,
    pub shape: Shape,
}

impl Default for RefundOptions {
    fn default() -> Self {
        RefundOptions {
            variant: RefundVariant::B,
            shape: Shape::Xlsx,
        }
    }
}

fn refund_cell(column: &str, r: &AfterSale) -> Cell {
    let sku = r.lines.first().and_then(|l| l.sku.as_deref());
    match column {
        "订单编号" => r.order_no.as_str().into(),
        "退款编号" => r.refund_no.as_str().into(),
        "支付宝交易号" | "支付单号" => Cell::opt_text(r.payment_no.as_deref()),
        "商品编码" | "商家编码" => Cell::opt_text(sku),
        "退款完结时间" | "完结时间" => Cell::opt_time(r.completed_at),
        "买家实际支付金额" => Cell::opt_amount(r.paid),
        // What the buyer asked for; on a successful refund, what was paid out.
        "买家退款金额" => Cell::Amount(r.requested.unwrap_or(r.refunded)),
        "是否需要退货" => {
            if r.kind == AfterSaleKind::ReturnAndRefund {
                "是".into()
            } else {
                "否".into()
            }
        }
        "售后类型" => r.kind.zh().into(),
        "退款的申请时间" => Cell::opt_time(r.applied_at),
        "退款状态" => r.status_text.as_str().into(),
        "买家退款原因" => Cell::opt_text(r.reason.as_deref()),
        "售中或售后" => match r.phase {
            Some(AfterSalePhase::OnSale) => "售中".into(),
            Some(AfterSalePhase::AfterSale) => "售后".into(),
            None => Cell::empty(),
        },
        "是否零秒响应" | "是否帮他退款" => "否".into(),
        "部分退款/全部退款" => {
            if r.paid
                .is_some_and(|p| p > r.requested.unwrap_or(r.refunded))
            {
                "部分退款".into()
            } else {
                "全部退款".into()
            }
        }
        _ => Cell::empty(),
    }
}

/// Renders a 退款报表: one row per refund.
pub fn refunds(rows: &[AfterSale], o: &RefundOptions) -> Result<Vec<u8>, XlsxError> {
    let header = match o.variant {
        RefundVariant::A => REFUND_HEADER_A,
        RefundVariant::B => REFUND_HEADER_B,
        RefundVariant::C => REFUND_HEADER_C,
    };
    let mut sheet = Sheet::new("退款报表");
    sheet.push(header.iter().copied());
    for r in rows {
        sheet.push(header.iter().map(|c| refund_cell(c, r)));
    }
    o.shape.render(&[sheet])
}

/// How a CSV writes long order numbers so that Excel keeps them as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guard {
    None,
    /// `'4012345678901234567`
    Apostrophe,
    /// `="4012345678901234567"`
    Formula,
}

impl Guard {
    pub fn apply(self, text: &str) -> String {
        match self {
            Guard::None => text.to_string(),
            Guard::Apostrophe => format!("'{text}"),
            Guard::Formula => format!("=\"{text}\""),
        }
    }
}

/// The 订单报表 header as third-party "Taobao format" exporters write it (formats.md §3.2).
pub const ORDER_HEADER: &[&str] = &[
    "订单编号",
    "买家会员名",
    "买家支付宝账号",
    "买家应付货款",
    "买家应付邮费",
    "买家支付积分",
    "总金额",
    "返点积分",
    "买家实际支付金额",
    "买家实际支付积分",
    "订单状态",
    "买家留言",
    "收货人姓名",
    "收货地址",
    "运送方式",
    "联系电话",
    "联系手机",
    "订单创建时间",
    "订单付款时间",
    "宝贝标题",
    "宝贝种类",
    "物流单号",
    "物流公司",
    "订单备注",
    "宝贝总数量",
    "店铺Id",
    "店铺名称",
    "订单关闭原因",
    "卖家服务费",
    "买家服务费",
    "发票抬头",
    "是否手机订单",
    "分阶段订单信息",
    "定金排名",
    "修改后的sku",
    "修改后的收货地址",
    "异常信息",
    "天猫卡券抵扣",
    "集分宝抵扣",
    "是否是O2O交易",
];

/// Columns of newer real exports (positions UNCONFIRMED; written at the end).
pub const ORDER_HEADER_NEWER: &[&str] = &["支付单号", "确认收货时间", "退款金额", "打款商家金额"];

#[derive(Clone, Copy, Debug)]
pub struct OrderOptions {
    /// Add the newer columns (支付单号, 确认收货时间, 退款金额, 打款商家金额).
    pub newer: bool,
    pub guard: Guard,
    pub shape: Shape,
}

impl Default for OrderOptions {
    fn default() -> Self {
        OrderOptions {
            newer: true,
            guard: Guard::Apostrophe,
            shape: Shape::GBK_CSV,
        }
    }
}

fn order_cell(column: &str, r: &Order, guard: Guard) -> Cell {
    match column {
        "订单编号" => guard.apply(&r.order_no).into(),
        "买家应付货款" => Cell::opt_amount(r.goods),
        "买家应付邮费" => Cell::opt_amount(r.postage),
        "总金额" => Cell::Amount(r.goods.unwrap_or(Fen::ZERO) + r.postage.unwrap_or(Fen::ZERO)),
        "买家实际支付金额" => Cell::opt_amount(r.paid),
        "买家支付积分" | "返点积分" | "买家实际支付积分" => Cell::Int(0),
        "订单状态" => r.status_text.as_str().into(),
        "订单创建时间" => Cell::opt_time(r.created_at),
        "订单付款时间" => Cell::opt_time(r.paid_at),
        "店铺名称" => Cell::opt_text(r.shop.as_deref()),
        "支付单号" => Cell::opt_text(r.payment_no.as_deref()),
        "确认收货时间" => Cell::opt_time(r.finished_at),
        "退款金额" => Cell::opt_amount(r.refunded),
        "打款商家金额" => Cell::opt_amount(r.seller_receivable),
        _ => Cell::empty(),
    }
}

/// Renders a 订单报表 (ExportOrderList): one row per order.
pub fn orders(rows: &[Order], o: &OrderOptions) -> Result<Vec<u8>, XlsxError> {
    let mut header: Vec<&str> = ORDER_HEADER.to_vec();
    if o.newer {
        header.extend_from_slice(ORDER_HEADER_NEWER);
    }
    let guard = if o.shape == Shape::Xlsx {
        Guard::None
    } else {
        o.guard
    };
    let mut sheet = Sheet::new("订单报表");
    sheet.push(header.iter().copied());
    for r in rows {
        sheet.push(header.iter().map(|c| order_cell(c, r, guard)));
    }
    o.shape.render(&[sheet])
}

/// The 宝贝报表 header (formats.md §3.2).
pub const ITEM_HEADER: &[&str] = &[
    "订单编号",
    "标题",
    "价格",
    "购买数量",
    "外部系统编号",
    "商品属性",
    "套餐信息",
    "备注",
    "订单状态",
    "商家编码",
];

/// Renders a 宝贝报表 (ExportOrderDetailList): one row per line of each order.
pub fn order_items(rows: &[Order], o: &OrderOptions) -> Result<Vec<u8>, XlsxError> {
    let guard = if o.shape == Shape::Xlsx {
        Guard::None
    } else {
        o.guard
    };
    let mut sheet = Sheet::new("宝贝报表");
    sheet.push(ITEM_HEADER.iter().copied());
    for r in rows {
        for l in &r.lines {
            sheet.push([
                guard.apply(&r.order_no).into(),
                Cell::opt_text(l.title.as_deref()),
                Cell::opt_amount(l.unit_price),
                Cell::Int(l.quantity),
                Cell::empty(),
                Cell::empty(),
                Cell::empty(),
                Cell::empty(),
                r.status_text.as_str().into(),
                Cell::opt_text(l.sku.as_deref()),
            ]);
        }
    }
    o.shape.render(&[sheet])
}

// ---------------------------------------------------------------------------------------------
// 订单导出, current layout (formats.md §3.2b)

/// The 29 columns of today's 订单导出 (one row per 子订单), in order.
pub const SUB_ORDER_HEADER: &[&str] = &[
    "子订单编号",
    "主订单编号",
    "标题",
    "价格",
    "购买数量",
    "外部系统编号",
    "商品属性",
    "套餐信息",
    "联系方式备注",
    "订单状态",
    "商家编码",
    "支付单号",
    "买家应付货款",
    "买家实际支付金额",
    "退款状态",
    "退款金额",
    "订单创建时间",
    "订单付款时间",
    "商品id",
    "分阶段订单信息",
    "备注标签",
    "商家备注",
    "主订单买家留言",
    "发货时间",
    "物流单号",
    "物流公司",
    "是否赔付",
    "延迟发货主动赔付金额",
    "赔付出账时间",
];

/// The order the rows of a 订单导出 come in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowOrder {
    /// An order's rows one after another, as in the file seen.
    ByOrder,
    /// The first line of every order, then the second of every order …: no order's rows are
    /// adjacent when it has several (nothing in the format promises they are).
    Interleaved,
}

/// What the export writes for a value that is absent.
const NULL: &str = "null";

fn text_or_null(text: Option<&str>) -> Cell {
    Cell::Text(text.unwrap_or(NULL).to_string())
}

fn amount_text(amount: Option<Fen>) -> Cell {
    amount.map_or_else(|| NULL.into(), |a| Cell::Text(a.to_string()))
}

fn time_or_null(time: Option<duizhang_core::BeijingTime>) -> Cell {
    time.map_or_else(|| NULL.into(), |t| Cell::Text(t.to_string()))
}

/// The refund of each line of `order`: the order's `refunded` is taken from its lines in
/// turn, each giving back at most what it paid (the record keeps only the order's total).
fn line_refunds(order: &Order) -> Vec<Fen> {
    let mut left = order.refunded.unwrap_or(Fen::ZERO);
    order
        .lines
        .iter()
        .map(|l| {
            let paid = l.paid.unwrap_or(Fen::ZERO);
            let take = if left.get() > paid.get() { paid } else { left };
            left -= take;
            take
        })
        .collect()
}

fn sub_order_row(order: &Order, line: &OrderLine, refund: Fen) -> Vec<Cell> {
    SUB_ORDER_HEADER
        .iter()
        .map(|column| match *column {
            "子订单编号" => Cell::Text(
                line.sub_order_no
                    .as_deref()
                    .unwrap_or(&order.order_no)
                    .to_string(),
            ),
            "主订单编号" => Cell::Text(order.order_no.to_string()),
            "标题" => text_or_null(line.title.as_deref()),
            "价格" => amount_text(line.unit_price),
            "购买数量" => Cell::Text(line.quantity.to_string()),
            "订单状态" => order.status_text.as_str().into(),
            "商家编码" => text_or_null(line.sku.as_deref()),
            "支付单号" => text_or_null(order.payment_no.as_deref()),
            "买家应付货款" => amount_text(line.goods),
            "买家实际支付金额" => amount_text(line.paid),
            "退款状态" if refund.is_zero() => "没有申请退款".into(),
            "退款状态" => "退款成功".into(),
            "退款金额" if refund.is_zero() => "无退款申请".into(),
            "退款金额" => amount_text(Some(refund)),
            "订单创建时间" => time_or_null(order.created_at),
            "订单付款时间" => time_or_null(order.paid_at),
            "发货时间" => time_or_null(order.shipped_at),
            "是否赔付" => "否".into(),
            _ => NULL.into(),
        })
        .collect()
}

/// Today's 订单导出 (formats.md §3.2b) as a sheet named like the file: one row per line of each
/// order, every cell text (amounts and counts too), absent values the literal `null`, `无退款申请`
/// where a line has no refund. A line's 买家应付货款 is its `goods`, 买家实际支付金额 its `paid`;
/// the order's `refunded` is spread over its lines.
pub fn sub_order_sheet(rows: &[Order], row_order: RowOrder) -> Sheet {
    let mut sheet = Sheet::new("ExportOrderList202403211530");
    sheet.push(SUB_ORDER_HEADER.iter().copied());
    let refunds: Vec<Vec<Fen>> = rows.iter().map(line_refunds).collect();
    let most = match row_order {
        RowOrder::ByOrder => 0,
        RowOrder::Interleaved => rows.iter().map(|o| o.lines.len()).max().unwrap_or(0),
    };
    if row_order == RowOrder::ByOrder {
        for (order, refunds) in rows.iter().zip(&refunds) {
            for (line, refund) in order.lines.iter().zip(refunds) {
                sheet.push(sub_order_row(order, line, *refund));
            }
        }
    }
    for i in 0..most {
        for (order, refunds) in rows.iter().zip(&refunds) {
            if let (Some(line), Some(refund)) = (order.lines.get(i), refunds.get(i)) {
                sheet.push(sub_order_row(order, line, *refund));
            }
        }
    }
    sheet
}

/// Renders today's 订单导出 as the workbook 千牛 hands out (see [`sub_order_sheet`]).
pub fn sub_orders(rows: &[Order], row_order: RowOrder) -> Result<Vec<u8>, XlsxError> {
    Shape::Xlsx.render(&[sub_order_sheet(rows, row_order)])
}
