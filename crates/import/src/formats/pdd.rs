//! Pinduoduo exports (formats.md §5): 店铺账务明细 / 货款明细 (fund flow of the 货款 account)
//! and the order export.

use duizhang_core::{
    BeijingTime, Fen, FlowKind, FundFlowRow, FundProvider, Order, OrderLine, OrderStatus, Platform,
    Record,
};

use super::rows::read_grouped_orders;
use super::{
    Column, HeaderFormat, add_present, income_or_expense, opt_text, positive_quantity,
    reject_negative_income, warn_unknown,
};
use crate::control::{Tally, footer_label, parse_count_and_amount};
use crate::problem::{Problem, ProblemCode};
use crate::registry::{Detection, FileMeta, Output};
use crate::table::{Cells, Header, Row, Table};

const ORDER: Column = &["商户订单号", "商户订单号或商品订单号"];
const OCCURRED: Column = &["发生时间"];
const INCOME: Column = &["收入金额（+元）", "收入金额"];
const EXPENSE: Column = &["支出金额（-元）", "支出金额"];
const KIND: Column = &["账务类型"];
const MEMO: Column = &["备注"];
const DESC: Column = &["业务描述"];

const FLOW_REQUIRED: &[Column] = &[ORDER, OCCURRED, INCOME, EXPENSE, KIND];
const FLOW_OPTIONAL: &[Column] = &[MEMO, DESC];
const FLOW_TITLE: &str = "拼多多店铺账务明细查询";

/// Reads the period line `起始时间：2026-10-01 00:00:00  终止时间：2026-10-31 23:59:59` (brackets
/// around the times are accepted too). Returns whether the preamble had the title or the period.
fn read_preamble(rows: &[Row], meta: &mut FileMeta) -> bool {
    let mut seen = false;
    for row in rows {
        let line = row.joined();
        let body = line.trim_start_matches('#').trim();
        if body == FLOW_TITLE {
            seen = true;
        }
        let Some(rest) = body.strip_prefix("起始时间") else {
            continue;
        };
        seen = true;
        let (from, to) = rest.split_once("终止时间").unwrap_or((rest, ""));
        let stamp = |s: &str| {
            let s = s.trim().trim_start_matches(['：', ':']).trim();
            BeijingTime::parse(s.trim_start_matches('[').trim_end_matches(']')).ok()
        };
        meta.period_from = stamp(from);
        meta.period_to = stamp(to);
    }
    seen
}

/// What a PDD 账务类型 means for reconciliation.
pub fn pdd_flow_kind(kind_text: &str) -> FlowKind {
    match kind_text {
        "交易收入" => FlowKind::Income,
        "交易退款" => FlowKind::Refund,
        "技术服务费" => FlowKind::Fee,
        "多多进宝" => FlowKind::Commission,
        "提现" => FlowKind::Withdrawal,
        "保证金" => FlowKind::Transfer,
        t if t.contains("退款") => FlowKind::Refund,
        t if t.contains("提现") => FlowKind::Withdrawal,
        t if t.contains("保证金") => FlowKind::Transfer,
        _ => FlowKind::Other,
    }
}

/// The footer side a row is counted on. PDD counts every row on one side even when its amount
/// is 0 (formats.md §5.1); a 0 row has no sign, so it counts as 收入 when its 账务类型 is an
/// income type (交易收入, 其他收入 …) and as 支出 otherwise (a fee-free 技术服务费 row).
fn counts_as_income(kind: FlowKind, kind_text: &str, amount: Fen) -> bool {
    if amount.is_zero() {
        kind == FlowKind::Income || kind_text.contains("收入")
    } else {
        amount.get() > 0
    }
}

/// PDD 店铺账务明细 / 货款明细: every movement of the shop's 货款 account.
pub struct PddFundFlow;

struct FlowColumns {
    order: usize,
    occurred: usize,
    income: usize,
    expense: usize,
    kind: usize,
    memo: Option<usize>,
    desc: Option<usize>,
}

impl FlowColumns {
    fn resolve(h: &Header, file: &str) -> Result<FlowColumns, Problem> {
        Ok(FlowColumns {
            order: h.require(file, ORDER)?,
            occurred: h.require(file, OCCURRED)?,
            income: h.require(file, INCOME)?,
            expense: h.require(file, EXPENSE)?,
            kind: h.require(file, KIND)?,
            memo: h.find(MEMO),
            desc: h.find(DESC),
        })
    }
}

/// Running totals for the three footer lines.
#[derive(Default)]
struct FlowTotals {
    income: Tally,
    expense: Tally,
    all: Tally,
}

impl HeaderFormat for PddFundFlow {
    const ID: &'static str = "pdd.fund_flow";
    const NAME_ZH: &'static str = "拼多多货款明细";
    const REQUIRED: &'static [Column] = FLOW_REQUIRED;
    const OPTIONAL: &'static [Column] = FLOW_OPTIONAL;
    const TITLE: Option<&'static str> = Some(FLOW_TITLE);

    fn read_table(
        &self,
        table: &mut Table,
        detection: &Detection,
        out: &mut Output<'_>,
    ) -> Result<(), Problem> {
        let (preamble, header) = table.take_header(detection.header_index)?;
        let has_preamble = read_preamble(&preamble, &mut out.meta);
        let file = out.name.clone();
        let cols = FlowColumns::resolve(&header, &file)?;
        let mut totals = FlowTotals::default();
        let mut occurrences: foldhash::HashMap<String, u32> = foldhash::HashMap::default();
        let mut footer_seen = false;
        while let Some(row) = table.next_row()? {
            if row.is_comment() {
                footer_seen |= read_footer(row, &totals, out);
                continue;
            }
            if row.is_blank() {
                continue;
            }
            let cells = Cells::new(row, &header, &file);
            let result = read_flow_row(&cells, &cols, &mut occurrences, out);
            if let Ok(Record::FundFlow(r)) = &result {
                if counts_as_income(r.kind, &r.kind_text, r.amount) {
                    totals.income.add(r.amount);
                } else {
                    totals.expense.add(r.amount);
                }
                totals.all.add(r.amount);
            }
            out.row(result);
        }
        out.meta.complete = Some(footer_seen);
        if has_preamble && !footer_seen {
            out.truncated("结尾的“#支出合计/#收入合计/#总计”行", "footer totals");
        }
        Ok(())
    }
}

/// Checks one `#` footer line against the rows; true if it is one of the format's footers.
/// Accepted shapes: `#支出合计：2笔-27.87元`, `#支出合计:2笔，共-27.87元`, `#总计：[3]笔[33.93]元`
/// (brackets and `共` anywhere are dropped before reading).
fn read_footer(row: &Row, totals: &FlowTotals, out: &mut Output<'_>) -> bool {
    let line: String = row
        .joined()
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | '共'))
        .collect();
    let label = footer_label(&line);
    let tally = if label.starts_with("支出") {
        totals.expense
    } else if label.starts_with("收入") {
        totals.income
    } else if label.starts_with("总计") || label.starts_with("合计") {
        totals.all
    } else {
        return label.starts_with("导出时间");
    };
    let stated = parse_count_and_amount(&line);
    out.control(tally.check(
        label,
        row.line,
        stated.map(|(n, _)| n),
        stated.map(|(_, a)| a),
    ));
    if stated.is_none() {
        out.problem(
            Problem::new(
                ProblemCode::BadValue,
                &out.name,
                format!("无法读取合计行“{line}”中的笔数与金额"),
                format!("unreadable footer total {line:?}"),
            )
            .at_line(row.line),
        );
    }
    true
}

/// The stable id of a row. The file gives rows no id of their own, and a line number would
/// change whenever the same days are exported again over another range, so two overlapping
/// exports could not be deduplicated. The id is built from what identifies the event:
/// `<商户订单号>#<业务描述 code, else 账务类型>#<发生时间 as digits>#<n>`, where n numbers rows
/// equal in all three within the file (a second identical charge is a second row, `…#2`).
fn txn_no(
    order: Option<&str>,
    kind_text: &str,
    desc: Option<&str>,
    occurred: BeijingTime,
    occurrences: &mut foldhash::HashMap<String, u32>,
) -> String {
    let code = desc
        .and_then(|d| d.split_once('|'))
        .map(|(code, _)| code.trim())
        .filter(|code| !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or(kind_text);
    let stamp: String = occurred
        .to_string()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let key = format!("{}#{code}#{stamp}", order.unwrap_or("-"));
    let n = occurrences.entry(key.clone()).or_default();
    *n += 1;
    format!("{key}#{n}")
}

fn read_flow_row(
    c: &Cells<'_>,
    cols: &FlowColumns,
    occurrences: &mut foldhash::HashMap<String, u32>,
    out: &Output<'_>,
) -> Result<Record, Problem> {
    c.require_complete()?;
    let income = c.req_fen(cols.income)?;
    let expense = c.req_fen(cols.expense)?;
    let amount = income_or_expense(c, cols.expense, income, expense)?;
    reject_negative_income(c, cols.income, income)?;
    let occurred_at = c.req_time(cols.occurred)?;
    let kind_text = c.req(cols.kind)?;
    let order = c.opt(Some(cols.order));
    let remark = c.opt(cols.memo);
    let desc = c.opt(cols.desc);
    let memo = match (remark.as_deref(), desc.as_deref()) {
        (Some(r), Some(d)) => Some(format!("{r}；{d}")),
        (Some(t), None) | (None, Some(t)) => Some(t.to_string()),
        (None, None) => None,
    };
    Ok(Record::FundFlow(FundFlowRow {
        provider: FundProvider::Pdd,
        account: None,
        txn_no: txn_no(
            order.as_deref(),
            &kind_text,
            desc.as_deref(),
            occurred_at,
            occurrences,
        )
        .into(),
        business_no: None,
        order_no: order.as_deref().map(Into::into),
        merchant_ref: order.as_deref().map(Into::into),
        refund_no: None,
        kind: pdd_flow_kind(&kind_text).as_moved(amount),
        kind_text: kind_text.as_ref().into(),
        amount,
        balance: None,
        occurred_at,
        counterparty: None,
        memo: memo.map(Into::into),
        refund_total: None,
        source: out.source(c.line()),
    }))
}

// ---------------------------------------------------------------------------------------------
// Order export (formats.md §5.2, PARTIAL: names from one project's real file, half-width
// parentheses there; the header comparison accepts full-width ones as well).

const O_TITLE: Column = &["商品", "商品名称"];
const O_ORDER: Column = &["订单号"];
const O_STATUS: Column = &["订单状态"];
const O_GOODS: Column = &["商品总价(元)"];
const O_POSTAGE: Column = &["邮费(元)"];
const O_SELLER_DISCOUNT: Column = &["店铺优惠折扣(元)"];
const O_PLATFORM_DISCOUNT: Column = &["平台优惠折扣(元)"];
const O_DUODUO_PAY: Column = &["多多支付立减金额(元)"];
const O_PAID: Column = &["用户实付金额(元)"];
const O_RECEIVABLE: Column = &["商家实收金额(元)"];
const O_QUANTITY: Column = &["商品数量(件)"];
const O_SHIPPED: Column = &["发货时间"];
const O_RECEIVED: Column = &["确认收货时间"];
const O_SKU_SPEC: Column = &["商家编码-规格维度"];
const O_SKU_GOODS: Column = &["商家编码-商品维度"];
const O_AFTER_SALE: Column = &["售后状态"];
const O_DEAL: Column = &["订单成交时间"];

const ORDER_REQUIRED: &[Column] = &[O_ORDER, O_STATUS, O_GOODS, O_PAID, O_RECEIVABLE, O_QUANTITY];
const ORDER_OPTIONAL: &[Column] = &[
    O_TITLE,
    O_POSTAGE,
    O_SELLER_DISCOUNT,
    O_PLATFORM_DISCOUNT,
    O_DUODUO_PAY,
    O_SHIPPED,
    O_RECEIVED,
    O_SKU_SPEC,
    O_SKU_GOODS,
    O_AFTER_SALE,
    O_DEAL,
];

const KNOWN_ORDER_STATUSES: &[&str] = &["已收货", "已签收", "待发货", "已发货，待收货", "已取消"];

/// A PDD 订单状态 (with 售后状态) normalised; `None` for a text not known.
pub fn pdd_order_status(status: &str, after_sale: &str) -> Option<OrderStatus> {
    // Exports write `已发货，待收货` with a full-width comma; re-saved files may not.
    let s: String = status
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == ',' { '，' } else { c })
        .collect();
    let refunded = after_sale.contains("退款成功");
    Some(match s.as_str() {
        "已取消" | "已关闭" | "交易关闭" if refunded => OrderStatus::Refunded,
        "已取消" | "已关闭" | "交易关闭" => OrderStatus::Cancelled,
        "已收货" | "已签收" | "交易成功" => OrderStatus::Finished,
        "待发货" | "已付款，待发货" => OrderStatus::Paid,
        "已发货，待收货" | "已发货" | "待收货" | "已发货，待签收" => {
            OrderStatus::Shipped
        }
        "待付款" | "未付款" | "待支付" => OrderStatus::Unpaid,
        _ => return None,
    })
}

/// PDD 订单查询 export: one row per order (or per goods line of an order).
pub struct PddOrders;

struct OrderColumns {
    title: Option<usize>,
    order: usize,
    status: usize,
    goods: usize,
    postage: Option<usize>,
    seller_discount: Option<usize>,
    platform_discount: Option<usize>,
    duoduo_pay: Option<usize>,
    paid: usize,
    receivable: usize,
    quantity: usize,
    shipped: Option<usize>,
    received: Option<usize>,
    sku_spec: Option<usize>,
    sku_goods: Option<usize>,
    after_sale: Option<usize>,
    deal: Option<usize>,
}

impl OrderColumns {
    fn resolve(h: &Header, file: &str) -> Result<OrderColumns, Problem> {
        Ok(OrderColumns {
            title: h.find(O_TITLE),
            order: h.require(file, O_ORDER)?,
            status: h.require(file, O_STATUS)?,
            goods: h.require(file, O_GOODS)?,
            postage: h.find(O_POSTAGE),
            seller_discount: h.find(O_SELLER_DISCOUNT),
            platform_discount: h.find(O_PLATFORM_DISCOUNT),
            duoduo_pay: h.find(O_DUODUO_PAY),
            paid: h.require(file, O_PAID)?,
            receivable: h.require(file, O_RECEIVABLE)?,
            quantity: h.require(file, O_QUANTITY)?,
            shipped: h.find(O_SHIPPED),
            received: h.find(O_RECEIVED),
            sku_spec: h.find(O_SKU_SPEC),
            sku_goods: h.find(O_SKU_GOODS),
            after_sale: h.find(O_AFTER_SALE),
            deal: h.find(O_DEAL),
        })
    }
}

impl HeaderFormat for PddOrders {
    const ID: &'static str = "pdd.orders";
    const NAME_ZH: &'static str = "拼多多订单导出";
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
    let status = pdd_order_status(&status_text, &after_sale);
    let goods = c.req_fen(cols.goods)?;
    let seller_discount = c.fen(cols.seller_discount)?;
    // 多多支付立减 is a reduction granted by PDD's own payment service, so it is funded like
    // the platform's discount and counted with it.
    let platform_discount = add_present(c.fen(cols.platform_discount)?, c.fen(cols.duoduo_pay)?);
    let paid = c.req_fen(cols.paid)?;
    let postage = c.fen(cols.postage)?;
    // 用户实付金额 includes the 邮费 (formats.md §5.4); the one line's paid is the goods money,
    // as on every other platform, so the line adds up to goods − discount.
    let line_paid = match postage {
        Some(p) if p.get() > 0 && p <= paid => paid - p,
        _ => paid,
    };
    let sku = c.opt(cols.sku_spec).or_else(|| c.opt(cols.sku_goods));
    let line = OrderLine {
        sub_order_no: None,
        sku: sku.as_deref().map(Into::into),
        title: opt_text(c, cols.title).map(Into::into),
        quantity: positive_quantity(c, cols.quantity)?,
        unit_price: None,
        goods: Some(goods),
        discount: add_present(seller_discount, platform_discount),
        paid: Some(line_paid),
        source: out.source(c.line()),
    };
    let order = Order {
        platform: Platform::Pdd,
        shop: None,
        order_no: order_no.as_ref().into(),
        status: status.unwrap_or(OrderStatus::Unknown),
        status_text: status_text.as_ref().into(),
        created_at: None,
        // 订单成交时间 (blank in some real files) is when the buyer paid / the group formed.
        paid_at: c.time(cols.deal)?,
        shipped_at: c.time(cols.shipped)?,
        finished_at: c.time(cols.received)?,
        goods: Some(goods),
        postage,
        seller_discount,
        platform_discount,
        other_discount: None,
        paid: Some(paid),
        seller_receivable: Some(c.req_fen(cols.receivable)?),
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
