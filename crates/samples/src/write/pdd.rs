//! Pinduoduo exports in their real shape (formats.md §5).

use duizhang_core::{BeijingTime, Fen, FlowKind, FundFlowRow, Order};

use crate::bytes::{Encoding, TextFile};
use crate::write::sheet::{Cell, Sheet, xlsx};

/// CSV as downloaded, or the same table saved as a workbook.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Container {
    Csv,
    Xlsx,
}

#[derive(Clone, Debug)]
pub struct FundOptions {
    pub from: BeijingTime,
    pub to: BeijingTime,
    pub exported_at: BeijingTime,
    /// The blank line between title and period (line 2); some versions lack it.
    pub blank_line: bool,
    /// Header `商户订单号或商品订单号` instead of `商户订单号`.
    pub long_order_header: bool,
    pub encoding: Encoding,
    pub crlf: bool,
    /// Write the `#` footer with control totals (a cut-off download lacks it).
    pub footer: bool,
    pub container: Container,
}

impl Default for FundOptions {
    fn default() -> Self {
        let t =
            |d, h, m, s| BeijingTime::new(2026, 10, d, h, m, s).unwrap_or_else(|| unreachable!());
        FundOptions {
            from: t(1, 0, 0, 0),
            to: t(31, 23, 59, 59),
            exported_at: t(31, 23, 59, 59).plus_days(4),
            blank_line: true,
            long_order_header: false,
            encoding: Encoding::Gbk,
            crlf: true,
            footer: true,
            container: Container::Csv,
        }
    }
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// The side a row is counted on in the footer: a 0 row counts as 收入 when it is an income
/// type, as the importer documents.
fn is_income_side(r: &FundFlowRow) -> bool {
    if r.amount.is_zero() {
        r.kind == FlowKind::Income || r.kind_text.contains("收入")
    } else {
        r.amount.get() > 0
    }
}

/// Splits a memo back into 备注 and 业务描述 (the importer joins them with `；`).
fn split_memo(memo: Option<&str>) -> (&str, &str) {
    match memo {
        Some(m) => match m.split_once('；') {
            Some((remark, desc)) => (remark, desc),
            None => ("-", m),
        },
        None => ("-", ""),
    }
}

/// Renders a PDD 店铺账务明细 (货款明细): title, blank line, period, dashed marker, header,
/// rows (支出 negative, the unused side `0`), and the `#` footers.
pub fn fund_flow(rows: &[FundFlowRow], o: &FundOptions) -> Vec<u8> {
    let mut lines: Vec<Vec<Cell>> = vec![vec![text("拼多多店铺账务明细查询")]];
    if o.blank_line {
        lines.push(Vec::new());
    }
    lines.push(vec![text(format!(
        "起始时间：{}  终止时间：{}",
        o.from, o.to
    ))]);
    lines.push(vec![text("----------交易记录明细列表---------")]);
    let order_header = if o.long_order_header {
        "商户订单号或商品订单号"
    } else {
        "商户订单号"
    };
    lines.push(
        [
            order_header,
            "发生时间",
            "收入金额（+元）",
            "支出金额（-元）",
            "账务类型",
            "备注",
            "业务描述",
        ]
        .into_iter()
        .map(text)
        .collect(),
    );
    let (mut income_n, mut income_sum, mut expense_n, mut expense_sum) =
        (0u64, Fen::ZERO, 0u64, Fen::ZERO);
    for r in rows {
        let (income, expense) = if is_income_side(r) {
            income_n += 1;
            income_sum += r.amount;
            (Cell::Amount(r.amount), Cell::Int(0))
        } else {
            expense_n += 1;
            expense_sum += r.amount;
            (Cell::Int(0), Cell::Amount(r.amount))
        };
        let (remark, desc) = split_memo(r.memo.as_deref());
        lines.push(vec![
            text(r.order_no.as_deref().unwrap_or("")),
            text(r.occurred_at.to_string()),
            income,
            expense,
            text(r.kind_text.as_str()),
            text(remark),
            text(desc),
        ]);
    }
    if o.footer {
        lines.push(vec![text(format!(
            "#支出合计：{expense_n}笔{expense_sum}元"
        ))]);
        lines.push(vec![text(format!("#收入合计：{income_n}笔{income_sum}元"))]);
        lines.push(vec![text(format!(
            "#总计：{}笔{}元",
            income_n + expense_n,
            income_sum + expense_sum
        ))]);
        lines.push(vec![text(format!("#导出时间：{}", o.exported_at))]);
    }
    match o.container {
        Container::Csv => {
            let mut f = TextFile::new(o.encoding, o.crlf);
            for line in &lines {
                let cells: Vec<String> = line.iter().map(Cell::csv_text).collect();
                f.quoted_cells(&cells);
            }
            f.into_bytes()
        }
        // A workbook holds amounts and the unused side's `0` as numbers, as Excel keeps them.
        Container::Xlsx => xlsx(&[Sheet {
            name: "Sheet1".into(),
            rows: lines,
        }])
        .unwrap_or_else(|e| panic!("writing xlsx: {e}")),
    }
}

/// Renders the PDD order export (half-width parentheses, as the real file seen has them): one
/// row per order line; the order's amounts go on its first row.
pub fn orders(orders: &[Order], encoding: Encoding, crlf: bool) -> Vec<u8> {
    let mut f = TextFile::new(encoding, crlf);
    f.line("商品,订单号,订单状态,商品总价(元),邮费(元),店铺优惠折扣(元),平台优惠折扣(元),多多支付立减金额(元),用户实付金额(元),商家实收金额(元),商品数量(件),发货时间,确认收货时间,商品id,商品规格,样式ID,商家编码-规格维度,商家编码-商品维度,商家备注,售后状态,快递单号,快递公司,订单成交时间");
    let time = |t: Option<BeijingTime>| t.map(|t| t.to_string()).unwrap_or_default();
    let money = |m: Option<Fen>| m.unwrap_or(Fen::ZERO).to_string();
    for o in orders {
        let after_sale = if o.status == duizhang_core::OrderStatus::Refunded {
            "退款成功"
        } else {
            "无售后或售后取消"
        };
        for (i, line) in o.lines.iter().enumerate() {
            let first = i == 0;
            let part = |m: Option<Fen>| if first { money(m) } else { money(None) };
            let cells = vec![
                line.title.as_deref().unwrap_or("").to_string(),
                o.order_no.to_string(),
                o.status_text.to_string(),
                money(line.goods),
                part(o.postage),
                part(o.seller_discount),
                part(o.platform_discount),
                "0.00".into(),
                // 用户实付金额 includes the 邮费 of its row (formats.md §5.4).
                money(line.paid.map(|p| {
                    p + if first {
                        o.postage.unwrap_or(Fen::ZERO)
                    } else {
                        Fen::ZERO
                    }
                })),
                part(o.seller_receivable),
                line.quantity.to_string(),
                time(o.shipped_at),
                time(o.finished_at),
                "123456789".into(),
                "默认".into(),
                "987654321".into(),
                line.sku.as_deref().unwrap_or("").to_string(),
                String::new(),
                String::new(),
                after_sale.into(),
                String::new(),
                String::new(),
                time(o.paid_at),
            ];
            f.quoted_cells(&cells);
        }
    }
    f.into_bytes()
}
