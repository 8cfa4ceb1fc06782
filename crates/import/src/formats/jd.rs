//! JD POP seller exports (formats.md §4): the order export, the 京东钱包 日账单/结算单 and its
//! 资金表 sheet, and the 对账表 (22-column layout and its 2026-08 replacement).
//!
//! Long numbers are often written as Excel formulas (`="300000000000001"`); the cell guards of
//! the table layer remove them.

use duizhang_core::{
    Fen, FlowKind, FundFlowRow, FundProvider, Order, OrderLine, OrderStatus, Platform, RatePpm,
    Record, SettlementRow, Text,
};

use super::jd_amounts::{self, Reading};
use super::{
    Column, HeaderFormat, income_expense_cells, income_or_expense, known_texts, line_goods,
    lookup_text, opt_text, order_no_cell, peek_header, positive_quantity, read_rows, rows,
    warn_unknown,
};
use crate::problem::{Problem, ProblemCode};
use crate::registry::{Detection, Output};
use crate::table::{Cells, Header, Table};

// ---------------------------------------------------------------------------------------------
// Order export

const ORDER_NO: Column = &["订单号"];
const WARE_ID: Column = &["商品ID"];
const WARE_NAME: Column = &["商品名称"];
const QUANTITY: Column = &["订购数量"];
const CREATED: Column = &["下单时间"];
const JD_PRICE: Column = &["京东价"];
const ORDER_AMOUNT: Column = &["订单金额"];
const PAYABLE: Column = &["应付金额"];
const ORDER_STATUS: Column = &["订单状态"];
const FREIGHT: Column = &["运费金额"];
const PAID_AT: Column = &["付款确认时间"];
const FINISHED_AT: Column = &["订单完成时间"];
/// The seller's SKU code: 商家SKUID in 2026 files, 货号 in the older layout.
const SELLER_SKU: Column = &["商家SKUID", "货号"];
/// 商家应收 in 2026 files; 结算金额 in the older layout.
const RECEIVABLE: Column = &["商家应收", "结算金额"];

const ORDER_REQUIRED: &[Column] = &[ORDER_NO, WARE_ID, QUANTITY, ORDER_STATUS];
const ORDER_OPTIONAL: &[Column] = &[
    WARE_NAME,
    CREATED,
    JD_PRICE,
    ORDER_AMOUNT,
    PAYABLE,
    FREIGHT,
    PAID_AT,
    FINISHED_AT,
    SELLER_SKU,
    RECEIVABLE,
    &["支付方式"],
    &["余额支付"],
];

/// 订单状态 texts (PARTIAL, formats.md §4.1) and the JOS orderState codes.
const ORDER_STATUSES: &[(&str, OrderStatus)] = &[
    ("完成", OrderStatus::Finished),
    ("已完成", OrderStatus::Finished),
    ("等待出库", OrderStatus::Paid),
    ("等待确认收货", OrderStatus::Shipped),
    ("已取消", OrderStatus::Cancelled),
    ("取消", OrderStatus::Cancelled),
    ("FINISHED_L", OrderStatus::Finished),
    ("WAIT_SELLER_STOCK_OUT", OrderStatus::Paid),
    ("WAIT_GOODS_RECEIVE_CONFIRM", OrderStatus::Shipped),
    ("TRADE_CANCELED", OrderStatus::Cancelled),
];

struct OrderColumns {
    order_no: usize,
    title: Option<usize>,
    quantity: usize,
    created: Option<usize>,
    price: Option<usize>,
    paid: Option<usize>,
    status: usize,
    freight: Option<usize>,
    paid_at: Option<usize>,
    finished_at: Option<usize>,
    sku: Option<usize>,
    receivable: Option<usize>,
}

impl OrderColumns {
    fn resolve(h: &Header, file: &str) -> Result<OrderColumns, Problem> {
        Ok(OrderColumns {
            order_no: h.require(file, ORDER_NO)?,
            title: h.find(WARE_NAME),
            quantity: h.require(file, QUANTITY)?,
            created: h.find(CREATED),
            price: h.find(JD_PRICE),
            // What the buyer paid: 应付金额 (用户应付, after discounts, with freight) where the
            // layout has it, else 订单金额. Which of the two JD means as 实付 is PARTIAL
            // (formats.md §4.1, §4.4 orderPayment); 余额支付 is not added back.
            paid: h.find(PAYABLE).or_else(|| h.find(ORDER_AMOUNT)),
            status: h.require(file, ORDER_STATUS)?,
            freight: h.find(FREIGHT),
            paid_at: h.find(PAID_AT),
            finished_at: h.find(FINISHED_AT),
            sku: h.find(SELLER_SKU),
            receivable: h.find(RECEIVABLE),
        })
    }
}

/// JD 订单导出: one row per order line; an order's rows (next to each other) become one
/// [`Order`] whose amounts are read as [`jd_amounts`] decides: the order's total repeated on
/// every row, or each line's own amount.
pub struct JdOrders;

impl HeaderFormat for JdOrders {
    const ID: &'static str = "jd.orders";
    const NAME_ZH: &'static str = "京东订单导出";
    const REQUIRED: &'static [Column] = ORDER_REQUIRED;
    const OPTIONAL: &'static [Column] = ORDER_OPTIONAL;

    fn variant(&self, header: &Header) -> String {
        let variant = if header.find(&["商家SKUID"]).is_some() {
            "2026"
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
        let (_, header) = table.take_header(detection.header_index)?;
        let cols = OrderColumns::resolve(&header, &out.name)?;
        let mut orders = OrderRows::default();
        rows::read_rows(table, &header, out, |c, out| {
            c.require_complete()?;
            let row = read_order_row(c, &cols, out)?;
            orders.push(c, row)
        })?;
        orders.finish(out);
        Ok(())
    }
}

/// The rows of the order being read, and the orders whose rows could not tell how their
/// amounts add up (read at the end of the file, by what its other orders showed).
#[derive(Default)]
struct OrderRows {
    current: Vec<Order>,
    emitted: foldhash::HashSet<Text>,
    undecided: Vec<Vec<Order>>,
    /// How the file's orders of several rows read, from the first that could tell.
    file_reading: Option<Reading>,
}

impl OrderRows {
    /// Adds a row; returns the previous order when this row starts another.
    fn push(&mut self, c: &Cells<'_>, row: Order) -> Result<Option<Record>, Problem> {
        if self
            .current
            .first()
            .is_some_and(|o| o.order_no == row.order_no)
        {
            self.current.push(row);
            return Ok(None);
        }
        if self.emitted.contains(&row.order_no) {
            return Err(Problem::new(
                ProblemCode::BadValue,
                c.file,
                format!(
                    "订单 {} 的明细行不相邻（本文件前面已出现过这个订单），无法确定金额如何合并：请按订单号排序后重新导出",
                    row.order_no
                ),
                format!("rows of order {} are not consecutive", row.order_no),
            )
            .at_line(c.line()));
        }
        self.emitted.insert(row.order_no.clone());
        let done = std::mem::replace(&mut self.current, vec![row]);
        Ok(self.close(done))
    }

    fn close(&mut self, rows: Vec<Order>) -> Option<Record> {
        if rows.is_empty() {
            return None;
        }
        match jd_amounts::reading_of(&rows) {
            Some(reading) => {
                if rows.len() > 1 && self.file_reading.is_none() {
                    self.file_reading = Some(reading);
                }
                jd_amounts::join(rows, reading).map(Record::Order)
            }
            None => {
                self.undecided.push(rows);
                None
            }
        }
    }

    /// The last order, then the undecided ones: read as the file's other orders read, or,
    /// when none could tell, as order totals (the usual export), with a warning.
    fn finish(mut self, out: &mut Output<'_>) {
        let last = std::mem::take(&mut self.current);
        if let Some(r) = self.close(last) {
            out.emit(r);
        }
        let reading = self.file_reading.unwrap_or(Reading::OrderTotal);
        if self.file_reading.is_none()
            && let Some(first) = self.undecided.first().and_then(|rows| rows.first())
        {
            out.problem(
                Problem::new(
                    ProblemCode::BadValue,
                    &out.name,
                    format!(
                        "{} 个多商品订单（如订单 {}）各行金额相同，文件没有京东价，无法判断是订单合计还是每行金额：已按订单合计计一次。请导出带京东价的订单报表核对",
                        self.undecided.len(),
                        first.order_no
                    ),
                    "repeated amounts on an order's rows read as the order's total",
                )
                .at_line(first.source.line)
                .warning(),
            );
        }
        for rows in std::mem::take(&mut self.undecided) {
            if let Some(order) = jd_amounts::join(rows, reading) {
                out.emit(Record::Order(order));
            }
        }
    }
}

fn read_order_row(
    c: &Cells<'_>,
    cols: &OrderColumns,
    out: &mut Output<'_>,
) -> Result<Order, Problem> {
    let order_no = order_no_cell(c, cols.order_no)?;
    let status_text = c.req(cols.status)?;
    let quantity = positive_quantity(c, cols.quantity)?;
    let unit_price = c.fen(cols.price)?;
    let goods = unit_price
        .map(|p| line_goods(c, cols.quantity, "京东价", p, quantity))
        .transpose()?;
    let source = out.source(c.line());
    let order = Order {
        platform: Platform::Jd,
        shop: None,
        order_no,
        status: OrderStatus::Unknown,
        status_text: status_text.as_ref().into(),
        created_at: c.time(cols.created)?,
        paid_at: c.time(cols.paid_at)?,
        shipped_at: None,
        finished_at: c.time(cols.finished_at)?,
        goods: None,
        postage: c.fen(cols.freight)?,
        seller_discount: None,
        platform_discount: None,
        other_discount: None,
        paid: c.fen(cols.paid)?,
        seller_receivable: c.fen(cols.receivable)?,
        refunded: None,
        payment_no: None,
        lines: vec![OrderLine {
            sub_order_no: None,
            sku: opt_text(c, cols.sku).map(Into::into),
            title: opt_text(c, cols.title).map(Into::into),
            quantity,
            unit_price,
            goods,
            discount: None,
            paid: None,
            source,
        }],
        source,
    };
    // Last, so a row rejected for another cell is not also warned about.
    let status = lookup_text(ORDER_STATUSES, &status_text).unwrap_or_else(|| {
        warn_unknown(
            c,
            out,
            cols.status,
            &status_text,
            &known_texts(ORDER_STATUSES),
        );
        OrderStatus::Unknown
    });
    Ok(Order { status, ..order })
}

// ---------------------------------------------------------------------------------------------
// Settlement rows (钱包日账单/结算单 and 对账表)

const SETTLE_ORDER_NO: Column = &["订单编号"];
const MERCHANT_ORDER: Column = &["商户订单号"];
const DIRECTION: Column = &["收支方向"];
const CURRENCY: Column = &["币种"];

const DIRECTIONS: &[(&str, bool)] = &[("收入", false), ("支出", true)];
const CURRENCIES: &[&str] = &["CNY", "RMB", "人民币"];

/// What a JD fee item is, given the signed amount it moved (the amount says which way money
/// went, formats.md §1.4). 货款 paid out (收支方向 支出, negative) is the clawback of a refunded
/// sale, not negative revenue (formats.md §4.2).
pub fn jd_fee_kind(item: &str, amount: Fen) -> FlowKind {
    match item.trim() {
        "货款" if amount.get() < 0 => FlowKind::Refund,
        "货款" => FlowKind::Income,
        "交易服务费" => FlowKind::Commission,
        i if i.contains("佣金") => FlowKind::Commission,
        i if i.contains("赔付") || i.contains("京豆") => FlowKind::Other,
        i if i.ends_with('费') => FlowKind::Fee,
        _ => FlowKind::Other,
    }
}

/// The columns a settlement layout reads.
struct SettlementColumns {
    order_no: usize,
    item: usize,
    amount: usize,
    /// 收支方向; in the 2026-08 对账表 the direction may only be known from 费用分类.
    direction: Option<usize>,
    category: Option<usize>,
    currency: Option<usize>,
    settled: Option<usize>,
    merchant_order: Option<usize>,
    refund_no: Option<usize>,
    /// 佣金比例 (对账表): the commission rate the row states.
    rate: Option<usize>,
}

fn read_settlement_row(
    c: &Cells<'_>,
    cols: &SettlementColumns,
    out: &Output<'_>,
) -> Result<Record, Problem> {
    let order_no = order_no_cell(c, cols.order_no)?;
    let item = c.req(cols.item)?;
    let stated = c.req_fen(cols.amount)?;
    if let Some(col) = cols.currency
        && let Some(cur) = c.opt(Some(col))
        && !CURRENCIES.contains(&cur.to_ascii_uppercase().as_str())
    {
        return Err(c.bad_value(col, &cur, CURRENCIES));
    }
    let direction = match cols.direction {
        Some(col) if c.opt(Some(col)).is_some() => {
            let text = c.text(col);
            Some(
                lookup_text(DIRECTIONS, &text)
                    .ok_or_else(|| c.bad_value(col, &text, &known_texts(DIRECTIONS)))?,
            )
        }
        // 费用分类 (2026-08) holds 收入/支出 in the one known file; other category texts
        // (UNCONFIRMED) say nothing about the direction and are ignored.
        _ => c
            .opt(cols.category)
            .and_then(|text| lookup_text(DIRECTIONS, &text)),
    };
    // 金额 is signed in the files seen; a positive amount marked 支出 is an outflow written
    // unsigned, accepted defensively. Without any direction, the sign decides.
    let outgoing = direction.unwrap_or(stated.get() < 0);
    let amount = if outgoing { -stated.abs() } else { stated };
    Ok(Record::Settlement(SettlementRow {
        platform: Platform::Jd,
        order_no,
        sub_order_no: None,
        kind: jd_fee_kind(&item, amount),
        item: item.as_ref().into(),
        amount,
        settled_at: c.time(cols.settled)?,
        account: None,
        refund_no: opt_text(c, cols.refund_no),
        payment_ref: opt_text(c, cols.merchant_order),
        rate: stated_rate(c, cols.rate)?,
        goods: None,
        source: out.source(c.line()),
    }))
}

/// The 佣金比例 a row states (`0.05` or `5%`), if it states one.
fn stated_rate(c: &Cells<'_>, col: Option<usize>) -> Result<Option<RatePpm>, Problem> {
    let Some(text) = c.opt(col) else {
        return Ok(None);
    };
    let col = col.unwrap_or(0);
    RatePpm::parse(&text).map(Some).map_err(|e| {
        c.problem(
            col,
            ProblemCode::BadValue,
            format!("佣金比例“{text}”不是比例（{}）", e.zh()),
            e.to_string(),
        )
    })
}

// (a) 京东钱包 日账单/结算单

const DOC_NO: Column = &["单据编号"];
const FEE_ITEM: Column = &["费用项"];
const AMOUNT: Column = &["金额"];
const FEE_SETTLED: Column = &["费用结算时间"];
const WALLET_REQUIRED: &[Column] = &[SETTLE_ORDER_NO, DOC_NO, FEE_ITEM, AMOUNT];
const WALLET_OPTIONAL: &[Column] = &[
    MERCHANT_ORDER,
    DIRECTION,
    CURRENCY,
    FEE_SETTLED,
    &["单据类型"],
    &["结算状态"],
    &["费用发生时间"],
    &["商家应收/应付"],
    &["对账日期", "账单日期"],
];

/// 京东钱包「日账单/结算单」: the 23-column 360buy layout and the jdwallet layout (no 结算状态,
/// 账单日期 for 对账日期), alone or as the 结算表 sheet of a workbook.
pub struct JdWalletBill;

impl HeaderFormat for JdWalletBill {
    const ID: &'static str = "jd.wallet_bill";
    const NAME_ZH: &'static str = "京东钱包结算单";
    const REQUIRED: &'static [Column] = WALLET_REQUIRED;
    const OPTIONAL: &'static [Column] = WALLET_OPTIONAL;

    fn variant(&self, header: &Header) -> String {
        let variant = if header.find(&["账单日期"]).is_some() {
            "jdwallet"
        } else {
            "360buy"
        };
        variant.to_string()
    }

    fn read_table(
        &self,
        table: &mut Table,
        detection: &Detection,
        out: &mut Output<'_>,
    ) -> Result<(), Problem> {
        let h = peek_header(table, detection)?;
        let file = out.name.clone();
        let cols = SettlementColumns {
            order_no: h.require(&file, SETTLE_ORDER_NO)?,
            item: h.require(&file, FEE_ITEM)?,
            amount: h.require(&file, AMOUNT)?,
            direction: h.find(DIRECTION),
            category: None,
            currency: h.find(CURRENCY),
            settled: h.find(FEE_SETTLED),
            merchant_order: h.find(MERCHANT_ORDER),
            refund_no: None,
            rate: None,
        };
        read_rows(table, detection, out, |c, out| {
            read_settlement_row(c, &cols, out)
        })
    }
}

// (c) 对账表

const FEE_NAME: Column = &["费用名称"];
const DUE: Column = &["应结金额"];
/// 到账时间 in the 22-column layout, 结算时间 in the 2026-08 one.
const ARRIVED: Column = &["到账时间", "结算时间"];
const CATEGORY: Column = &["费用分类"];
const SERVICE_NO: Column = &["售后服务单号"];
const RATE: Column = &["佣金比例"];
const STATEMENT_REQUIRED: &[Column] = &[SETTLE_ORDER_NO, FEE_NAME, DUE];
const STATEMENT_OPTIONAL: &[Column] = &[
    MERCHANT_ORDER,
    DIRECTION,
    CATEGORY,
    ARRIVED,
    SERVICE_NO,
    RATE,
    CURRENCY,
    &["父单号"],
    &["订单状态"],
    &["商品编号"],
    &["结算单号"],
    &["资金动账备注"],
];

/// JD 对账表: the 22-column layout and its 2026-08 replacement (18 columns, 费用分类 and
/// 结算单号 instead of 收支方向 and 结算状态). XLSX files put a description line above the header.
pub struct JdStatement;

impl HeaderFormat for JdStatement {
    const ID: &'static str = "jd.statement";
    const NAME_ZH: &'static str = "京东对账表";
    const REQUIRED: &'static [Column] = STATEMENT_REQUIRED;
    const OPTIONAL: &'static [Column] = STATEMENT_OPTIONAL;

    fn variant(&self, header: &Header) -> String {
        let variant = if header.find(&["结算单号"]).is_some() || header.find(CATEGORY).is_some()
        {
            "2026-08"
        } else {
            "22列"
        };
        variant.to_string()
    }

    fn read_table(
        &self,
        table: &mut Table,
        detection: &Detection,
        out: &mut Output<'_>,
    ) -> Result<(), Problem> {
        let h = peek_header(table, detection)?;
        let file = out.name.clone();
        let cols = SettlementColumns {
            order_no: h.require(&file, SETTLE_ORDER_NO)?,
            item: h.require(&file, FEE_NAME)?,
            amount: h.require(&file, DUE)?,
            direction: h.find(DIRECTION),
            category: h.find(CATEGORY),
            currency: h.find(CURRENCY),
            settled: h.find(ARRIVED),
            merchant_order: h.find(MERCHANT_ORDER),
            refund_no: h.find(SERVICE_NO),
            rate: h.find(RATE),
        };
        read_rows(table, detection, out, |c, out| {
            read_settlement_row(c, &cols, out)
        })
    }
}

// ---------------------------------------------------------------------------------------------
// (b) 资金表

const MERCHANT_NO: Column = &["商户号"];
const DATE: Column = &["日期"];
const BALANCE: Column = &["账户余额(元)", "账户余额"];
const INCOME: Column = &["收入金额(元)", "收入金额"];
const EXPENSE: Column = &["支出金额(元)", "支出金额"];
const MEMO: Column = &["交易备注"];
const FUNDS_REQUIRED: &[Column] = &[MERCHANT_NO, DATE, MERCHANT_ORDER, INCOME, EXPENSE];
const FUNDS_OPTIONAL: &[Column] = &[BALANCE, MEMO, &["账户代码"], &["账户名称"], &["账单日期"]];

/// What kind of money a 资金表 row is, from its 交易备注 (the sheet has no type column); the
/// amount says which way it went ([`FlowKind::as_moved`]).
fn wallet_flow_kind(memo: &str) -> FlowKind {
    if memo.contains("提现") {
        FlowKind::Withdrawal
    } else if memo.contains("退款") {
        FlowKind::Refund
    } else if memo.contains("佣金") {
        FlowKind::Commission
    } else if memo.contains("费") {
        FlowKind::Fee
    } else if memo.contains("货款") || memo.contains("结算") {
        FlowKind::Income
    } else {
        FlowKind::Other
    }
}

/// 京东钱包资金表 (the `资金表` sheet beside `结算表`): the wallet's money movements.
pub struct JdWalletFunds;

impl HeaderFormat for JdWalletFunds {
    const ID: &'static str = "jd.wallet_funds";
    const NAME_ZH: &'static str = "京东钱包资金表";
    const REQUIRED: &'static [Column] = FUNDS_REQUIRED;
    const OPTIONAL: &'static [Column] = FUNDS_OPTIONAL;

    fn variant(&self, _header: &Header) -> String {
        "资金表".to_string()
    }

    fn read_table(
        &self,
        table: &mut Table,
        detection: &Detection,
        out: &mut Output<'_>,
    ) -> Result<(), Problem> {
        let h = peek_header(table, detection)?;
        let file = out.name.clone();
        let merchant_no = h.require(&file, MERCHANT_NO)?;
        let date = h.require(&file, DATE)?;
        let merchant_order = h.require(&file, MERCHANT_ORDER)?;
        let income_col = h.require(&file, INCOME)?;
        let expense_col = h.require(&file, EXPENSE)?;
        let balance = h.find(BALANCE);
        let memo = h.find(MEMO);
        // How often each 商户订单号 was met so far in this file.
        let mut seen: foldhash::HashMap<Text, u32> = foldhash::HashMap::default();
        read_rows(table, detection, out, |c, out| {
            let (income, expense) = income_expense_cells(c, income_col, expense_col)?;
            let amount = income_or_expense(c, expense_col, income, expense)?;
            // A wallet row always moves money: an empty (or `-`) side beside a 0.00 one states
            // no amount at all, refused at the empty cell rather than read as 0.00.
            if amount.is_zero() {
                for col in [income_col, expense_col] {
                    if c.fen(Some(col))?.is_none() {
                        return Err(c.problem(
                            col,
                            ProblemCode::MissingValue,
                            "金额为空：收入金额与支出金额都没有写明金额",
                            "no amount on the row",
                        ));
                    }
                }
            }
            let reference = opt_text(c, Some(merchant_order));
            let memo_text = opt_text(c, memo);
            // The sheet has no row-id column: a row goes by its 商户订单号 (one per statement
            // or withdrawal, and what a person finds in the file). A number met again in the
            // same file is numbered by its occurrence (`…#2`), so the same rows in an
            // overlapping export get the same ids; a row without one goes by its line.
            let txn_no: Text = match &reference {
                Some(r) => {
                    let n = seen.entry(r.clone()).or_insert(0);
                    *n += 1;
                    if *n == 1 {
                        r.clone()
                    } else {
                        format!("{r}#{n}").into()
                    }
                }
                None => format!("#{}", c.line()).into(),
            };
            let kind_text: Text = match &memo_text {
                Some(m) => m.clone(),
                None if amount.get() < 0 => "支出".into(),
                None => "收入".into(),
            };
            Ok(Record::FundFlow(FundFlowRow {
                provider: FundProvider::Jd,
                account: opt_text(c, Some(merchant_no)).map(Into::into),
                txn_no,
                business_no: None,
                order_no: None,
                merchant_ref: reference,
                refund_no: None,
                kind: wallet_flow_kind(memo_text.as_deref().unwrap_or("")).as_moved(amount),
                kind_text: kind_text.into(),
                amount,
                balance: c.fen(balance)?,
                occurred_at: c.req_time(date)?,
                counterparty: None,
                memo: memo_text,
                refund_total: None,
                source: out.source(c.line()),
            }))
        })
    }
}
