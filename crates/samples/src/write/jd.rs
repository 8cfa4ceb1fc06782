//! JD POP seller exports in their real shape (formats.md §4): the order export, the 京东钱包
//! 结算单 and 资金表 (alone or as the two sheets of one workbook) and the 对账表.
//!
//! Columns the records do not hold are written empty; CSV cells with long numbers carry the
//! `="…"` guard JD uses.

use duizhang_core::{Fen, FundFlowRow, Order, RatePpm, SettlementRow};
use rust_xlsxwriter::XlsxError;

use super::sheet::{Cell, Shape, Sheet, SheetWriter};
use super::taobao::Guard;

/// Layout of the order export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderLayout {
    /// The older full 30-column header.
    Classic,
    /// The 2026 subset (商家应收, 商家SKUID; no amounts the buyer paid).
    Y2026,
}

pub const ORDER_HEADER_CLASSIC: &[&str] = &[
    "订单号",
    "商品ID",
    "商品名称",
    "订购数量",
    "支付方式",
    "下单时间",
    "京东价",
    "订单金额",
    "结算金额",
    "余额支付",
    "应付金额",
    "订单状态",
    "订单类型",
    "下单帐号",
    "客户姓名",
    "客户地址",
    "联系电话",
    "订单备注",
    "发票类型",
    "发票抬头",
    "发票内容",
    "商家备注",
    "商家备注等级（等级1-5为由高到低）",
    "运费金额",
    "付款确认时间",
    "增值税发票",
    "货号",
    "订单完成时间",
    "订单来源",
    "订单渠道",
];

pub const ORDER_HEADER_2026: &[&str] = &[
    "订单号",
    "商品ID",
    "商品名称",
    "订购数量",
    "商家应收",
    "订单状态",
    "商家SKUID",
    "下单时间",
    "付款确认时间",
];

#[derive(Clone, Copy, Debug)]
pub struct OrderOptions {
    pub layout: OrderLayout,
    pub shape: Shape,
}

impl Default for OrderOptions {
    fn default() -> Self {
        OrderOptions {
            layout: OrderLayout::Classic,
            shape: Shape::GBK_CSV,
        }
    }
}

fn guard_for(shape: Shape) -> Guard {
    if shape == Shape::Xlsx {
        Guard::None
    } else {
        Guard::Formula
    }
}

/// Renders an order export: one row per order line (order amounts repeated on each line).
/// 商品ID is JD's id of the goods: one per seller SKU, numbered in order of appearance.
pub fn orders(rows: &[Order], o: &OrderOptions) -> Result<Vec<u8>, XlsxError> {
    let header = match o.layout {
        OrderLayout::Classic => ORDER_HEADER_CLASSIC,
        OrderLayout::Y2026 => ORDER_HEADER_2026,
    };
    let guard = guard_for(o.shape);
    let mut sheet = SheetWriter::new(o.shape, "订单");
    sheet.push(header.iter().copied());
    let mut ware_ids: std::collections::BTreeMap<&str, u64> = std::collections::BTreeMap::new();
    for r in rows {
        for l in &r.lines {
            let next = 100_000_000_001 + u64::try_from(ware_ids.len()).unwrap_or(0);
            let ware_id = *ware_ids
                .entry(l.sku.as_deref().unwrap_or(""))
                .or_insert(next);
            let cells = header.iter().map(|column| match *column {
                "订单号" => guard.apply(&r.order_no).into(),
                "商品ID" => guard.apply(&ware_id.to_string()).into(),
                "商品名称" => Cell::opt_text(l.title.as_deref()),
                "订购数量" => Cell::Int(l.quantity),
                "支付方式" => "在线支付".into(),
                "下单时间" => Cell::opt_time(r.created_at),
                "京东价" => Cell::opt_amount(l.unit_price),
                "订单金额" | "应付金额" => Cell::opt_amount(r.paid),
                "结算金额" | "商家应收" => Cell::opt_amount(r.seller_receivable),
                "余额支付" => Cell::Amount(Fen::ZERO),
                "订单状态" => r.status_text.as_str().into(),
                "订单类型" => "普通订单".into(),
                "运费金额" => Cell::opt_amount(r.postage),
                "付款确认时间" => Cell::opt_time(r.paid_at),
                "货号" | "商家SKUID" => Cell::opt_text(l.sku.as_deref()),
                "订单完成时间" => Cell::opt_time(r.finished_at),
                _ => Cell::empty(),
            });
            sheet.push(cells);
        }
    }
    sheet.finish()
}

/// Layout of the 京东钱包 日账单/结算单.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WalletLayout {
    /// ShopeX 360buy.php: 23 columns with 结算状态 and 对账日期.
    Buy360,
    /// jdwallet.php: no 结算状态, 账单日期 instead of 对账日期.
    JdWallet,
}

pub const WALLET_HEADER_360BUY: &[&str] = &[
    "订单编号",
    "单据编号",
    "单据类型",
    "商品编号",
    "商户订单号",
    "商品名称",
    "结算状态",
    "费用发生时间",
    "费用计费时间",
    "费用结算时间",
    "费用项",
    "金额",
    "币种",
    "商家应收/应付",
    "钱包结算备注",
    "店铺号",
    "京东门店编号",
    "品牌门店编号",
    "门店名称",
    "备注",
    "收支方向",
    "商品数量",
    "对账日期",
];

fn direction(amount: Fen) -> &'static str {
    if amount.get() < 0 { "支出" } else { "收入" }
}

fn date_of(r: &SettlementRow) -> Cell {
    Cell::Text(
        r.settled_at
            .map(|t| t.to_string().chars().take(10).collect())
            .unwrap_or_default(),
    )
}

fn wallet_bill_header(layout: WalletLayout) -> Vec<&'static str> {
    WALLET_HEADER_360BUY
        .iter()
        .copied()
        .filter(|c| layout == WalletLayout::Buy360 || *c != "结算状态")
        .map(|c| match (layout, c) {
            (WalletLayout::JdWallet, "对账日期") => "账单日期",
            _ => c,
        })
        .collect()
}

/// One 结算表 row under `header`.
fn wallet_bill_row(r: &SettlementRow, header: &[&str], guard: Guard) -> Vec<Cell> {
    header
        .iter()
        .map(|column| match *column {
            "订单编号" | "单据编号" => guard.apply(&r.order_no).into(),
            "单据类型" => "订单".into(),
            "商户订单号" => guard.apply(r.payment_ref.as_deref().unwrap_or("")).into(),
            "结算状态" => "已结算".into(),
            "费用发生时间" | "费用计费时间" | "费用结算时间" => {
                Cell::opt_time(r.settled_at)
            }
            "费用项" => r.item.as_str().into(),
            "金额" | "商家应收/应付" => Cell::Amount(r.amount),
            "币种" => "CNY".into(),
            "收支方向" => direction(r.amount).into(),
            "商品数量" => Cell::Int(1),
            "对账日期" | "账单日期" => date_of(r),
            _ => Cell::empty(),
        })
        .collect()
}

/// The 结算表 sheet of the 京东钱包 日账单/结算单.
pub fn wallet_bill_sheet(rows: &[SettlementRow], layout: WalletLayout, guard: Guard) -> Sheet {
    let header = wallet_bill_header(layout);
    let mut sheet = Sheet::new("结算表");
    sheet.push(header.iter().copied());
    for r in rows {
        sheet.push(wallet_bill_row(r, &header, guard));
    }
    sheet
}

pub const FUNDS_HEADER: &[&str] = &[
    "商户号",
    "账户代码",
    "账户名称",
    "日期",
    "商户订单号",
    "账户余额(元)",
    "收入金额(元)",
    "支出金额(元)",
    "交易备注",
    "账单日期",
];

/// The 资金表 sheet: 支出金额 written as a positive number.
pub fn wallet_funds_sheet(rows: &[FundFlowRow]) -> Sheet {
    let mut sheet = Sheet::new("资金表");
    sheet.push(FUNDS_HEADER.iter().copied());
    for r in rows {
        sheet.push(wallet_funds_row(r));
    }
    sheet
}

fn wallet_funds_row(r: &FundFlowRow) -> [Cell; 10] {
    let (income, expense) = if r.amount.get() < 0 {
        (Fen::ZERO, r.amount.abs())
    } else {
        (r.amount, Fen::ZERO)
    };
    [
        Cell::opt_text(r.account.as_deref()),
        "WALLET_BASIC".into(),
        "京东钱包基本账户".into(),
        r.occurred_at.to_string().into(),
        Cell::opt_text(r.merchant_ref.as_deref()),
        Cell::opt_amount(r.balance),
        Cell::Amount(income),
        Cell::Amount(expense),
        Cell::opt_text(r.memo.as_deref()),
        r.occurred_at
            .to_string()
            .chars()
            .take(10)
            .collect::<String>()
            .into(),
    ]
}

/// The downloaded workbook: sheet 1 `结算表` (jdwallet layout), sheet 2 `资金表`.
pub fn wallet_workbook(
    bills: &[SettlementRow],
    funds: &[FundFlowRow],
) -> Result<Vec<u8>, XlsxError> {
    Shape::Xlsx.render(&[
        wallet_bill_sheet(bills, WalletLayout::JdWallet, Guard::None),
        wallet_funds_sheet(funds),
    ])
}

/// One 结算单 or 资金表 alone, as CSV or a one-sheet workbook.
pub fn wallet_bill(
    rows: &[SettlementRow],
    layout: WalletLayout,
    shape: Shape,
) -> Result<Vec<u8>, XlsxError> {
    let header = wallet_bill_header(layout);
    let guard = guard_for(shape);
    let mut sheet = SheetWriter::new(shape, "结算表");
    sheet.push(header.iter().copied());
    for r in rows {
        sheet.push(wallet_bill_row(r, &header, guard));
    }
    sheet.finish()
}

pub fn wallet_funds(rows: &[FundFlowRow], shape: Shape) -> Result<Vec<u8>, XlsxError> {
    let mut sheet = SheetWriter::new(shape, "资金表");
    sheet.push(FUNDS_HEADER.iter().copied());
    for r in rows {
        sheet.push(wallet_funds_row(r));
    }
    sheet.finish()
}

/// Layout of the 对账表.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatementLayout {
    /// 22 columns with 收支方向 and 结算状态.
    Old,
    /// The 2026-08 replacement: 18 columns, 费用分类 and 结算单号.
    Aug2026,
}

pub const STATEMENT_HEADER_OLD: &[&str] = &[
    "订单编号",
    "父单号",
    "订单状态",
    "订单下单时间",
    "订单完成时间",
    "售后服务单号",
    "售后退款时间",
    "商品编号",
    "商品名称",
    "商品数量",
    "扣点类型",
    "佣金比例",
    "费用名称",
    "应结金额",
    "币种",
    "收支方向",
    "结算状态",
    "预计结算时间",
    "账单生成时间",
    "到账时间",
    "商户订单号",
    "资金动账备注",
];

pub const STATEMENT_HEADER_2026_08: &[&str] = &[
    "订单编号",
    "父单号",
    "订单状态",
    "订单下单时间",
    "订单完成时间",
    "商品编号",
    "商品名称",
    "商品单价",
    "商品数量",
    "结算时间",
    "商户订单号",
    "资金动账备注",
    "费用名称",
    "费用分类",
    "应结金额",
    "结算单类型",
    "结算单号",
    "结算主体",
];

#[derive(Clone, Debug)]
pub struct StatementOptions {
    pub layout: StatementLayout,
    /// A description line written above the header (the XLSX downloads have one).
    pub description: Option<String>,
    pub shape: Shape,
}

impl Default for StatementOptions {
    fn default() -> Self {
        StatementOptions {
            layout: StatementLayout::Old,
            description: Some("说明：本表为京东商家对账明细，金额单位为元，表头在第 2 行。".into()),
            shape: Shape::Xlsx,
        }
    }
}

/// Renders a 对账表: one row per fee line.
pub fn statement(rows: &[SettlementRow], o: &StatementOptions) -> Result<Vec<u8>, XlsxError> {
    let header = match o.layout {
        StatementLayout::Old => STATEMENT_HEADER_OLD,
        StatementLayout::Aug2026 => STATEMENT_HEADER_2026_08,
    };
    let mut sheet = Sheet::new("对账表");
    if let Some(d) = &o.description {
        sheet.push([d.as_str()]);
    }
    sheet.push(header.iter().copied());
    for r in rows {
        let cells = header.iter().map(|column| match *column {
            "订单编号" => r.order_no.as_str().into(),
            "订单状态" => "完成".into(),
            "售后服务单号" => Cell::opt_text(r.refund_no.as_deref()),
            "商品数量" => Cell::Int(1),
            "费用名称" => r.item.as_str().into(),
            "应结金额" => Cell::Amount(r.amount),
            "币种" => "CNY".into(),
            // 费用分类's values are not public; 收入/支出 is the one spelling seen.
            "收支方向" | "费用分类" => direction(r.amount).into(),
            "结算状态" => "已结算".into(),
            "到账时间" | "结算时间" => Cell::opt_time(r.settled_at),
            "商户订单号" => Cell::opt_text(r.payment_ref.as_deref()),
            "佣金比例" => Cell::opt_text(r.rate.map(fraction).as_deref()),
            _ => Cell::empty(),
        });
        sheet.push(cells);
    }
    o.shape.render(&[sheet])
}

/// A rate as JD writes 佣金比例: a fraction (`0.05` for 5 %).
fn fraction(rate: RatePpm) -> String {
    let mut text = format!("{}.{:06}", rate.0 / 1_000_000, (rate.0 % 1_000_000).abs());
    while text.ends_with('0') && text.len() > text.find('.').unwrap_or(0) + 3 {
        text.pop();
    }
    text
}
