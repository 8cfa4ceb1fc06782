//! Alipay merchant bills (formats.md §1): 账务明细 (fund flow, 12/13/16-column layouts),
//! its 汇总 file, 业务明细 (trade bill) and its 汇总.

use duizhang_core::{
    BeijingTime, Fen, FlowKind, FundFlowRow, FundProvider, PaymentKind, PaymentRow, Record, Text,
    normalize_order_no,
};

use super::{
    Column, HeaderFormat, digits_in, income_expense_cells, income_or_expense, opt_text,
    reject_negative_income,
};
use crate::control::{Tally, footer_label, parse_count_and_amount};
use crate::problem::Problem;
use crate::registry::{Detection, FileMeta, Output};
use crate::table::{Cells, Header, Row, Table};

const TXN_NO: Column = &["账务流水号"];
const BUSINESS_NO: Column = &["业务流水号"];
const MERCHANT_ORDER: Column = &["商户订单号"];
const TITLE: Column = &["商品名称"];
const OCCURRED: Column = &["发生时间"];
const COUNTERPARTY: Column = &["对方账号", "对方账户"];
const INCOME: Column = &["收入金额（+元）", "收入金额"];
const EXPENSE: Column = &["支出金额（-元）", "支出金额"];
const BALANCE: Column = &["账户余额（元）", "账户余额"];
const CHANNEL: Column = &["交易渠道"];
const BIZ_TYPE: Column = &["业务类型"];
const MEMO: Column = &["备注"];
const BIZ_DESC: Column = &["业务描述"];
const BIZ_SOURCE: Column = &["业务账单来源"];
const BASE_ORDER: Column = &["业务基础订单号"];
const BIZ_ORDER: Column = &["业务订单号"];

const FUND_REQUIRED: &[Column] = &[TXN_NO, BUSINESS_NO, OCCURRED, INCOME, EXPENSE, BIZ_TYPE];
const FUND_OPTIONAL: &[Column] = &[
    MERCHANT_ORDER,
    TITLE,
    COUNTERPARTY,
    BALANCE,
    CHANNEL,
    MEMO,
    BIZ_DESC,
    BIZ_SOURCE,
    BASE_ORDER,
    BIZ_ORDER,
];

/// Reads `#账号：[…]` and `#起始日期：[…]   终止日期：[…]` from an Alipay preamble.
pub fn read_preamble(rows: &[Row], meta: &mut FileMeta) {
    for row in rows {
        let line = row.joined();
        let body = line.trim_start_matches('#');
        if let Some(rest) = body
            .strip_prefix("账号：")
            .or_else(|| body.strip_prefix("账号:"))
        {
            meta.account = Some(
                rest.trim()
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .to_string(),
            );
        }
        if body.starts_with("起始日期") || body.starts_with("起始时间") {
            let mut stamps = body.split('[').skip(1).filter_map(|s| s.split(']').next());
            meta.period_from = stamps.next().and_then(|s| BeijingTime::parse(s).ok());
            meta.period_to = stamps.next().and_then(|s| BeijingTime::parse(s).ok());
        }
    }
}

/// Alipay 账务明细 (signcustomer bill): every movement of the Alipay account.
pub struct AlipayFundFlow;

struct FundColumns {
    txn_no: usize,
    business_no: usize,
    merchant_order: Option<usize>,
    title: Option<usize>,
    occurred: usize,
    counterparty: Option<usize>,
    income: usize,
    expense: usize,
    balance: Option<usize>,
    biz_type: usize,
    memo: Option<usize>,
    biz_desc: Option<usize>,
    base_order: Option<usize>,
}

impl FundColumns {
    fn resolve(h: &Header, file: &str) -> Result<FundColumns, Problem> {
        Ok(FundColumns {
            txn_no: h.require(file, TXN_NO)?,
            business_no: h.require(file, BUSINESS_NO)?,
            merchant_order: h.find(MERCHANT_ORDER),
            title: h.find(TITLE),
            occurred: h.require(file, OCCURRED)?,
            counterparty: h.find(COUNTERPARTY),
            income: h.require(file, INCOME)?,
            expense: h.require(file, EXPENSE)?,
            balance: h.find(BALANCE),
            biz_type: h.require(file, BIZ_TYPE)?,
            memo: h.find(MEMO),
            biz_desc: h.find(BIZ_DESC),
            base_order: h.find(BASE_ORDER),
        })
    }
}

/// What an Alipay row that moved `amount` is for reconciliation: 业务类型 says what kind of money
/// it is, the amount columns which way it went (formats.md §1.4: `在线支付` is a buyer's payment
/// on the income side and the shop paying a supplier on the outflow side).
pub fn alipay_flow_kind(biz_type: &str, memo: &str, amount: Fen) -> FlowKind {
    alipay_type_kind(biz_type, memo).as_moved(amount)
}

fn alipay_type_kind(biz_type: &str, memo: &str) -> FlowKind {
    let commission_memo = memo.contains("佣金") || memo.contains("淘宝客") || memo.contains("分账");
    match biz_type {
        "交易付款" | "在线支付" | "交易收款" | "收款" => FlowKind::Income,
        "交易退款" | "退款" => FlowKind::Refund,
        "收费" | "退费" | "服务费" => FlowKind::Fee,
        "交易分账" | "分账" => FlowKind::Commission,
        "提现" | "提现退票" => FlowKind::Withdrawal,
        "转账" | "充值" | "保证金" if commission_memo => FlowKind::Commission,
        "转账" | "充值" | "保证金" => FlowKind::Transfer,
        "扣款" | "其它" | "其他" if commission_memo => FlowKind::Commission,
        _ if biz_type.contains("退款") => FlowKind::Refund,
        _ if biz_type.contains("提现") => FlowKind::Withdrawal,
        _ => FlowKind::Other,
    }
}

/// The Taobao order id a fund-flow row refers to: 业务基础订单号, else `T200P<tid>` in
/// 商户订单号, else an id embedded in the memo (`{tid}`, `tradeid:tid`, `[tid]`, `-T200Ptid`).
fn order_reference<'t>(
    base_order: Option<&'t str>,
    merchant_order: Option<&'t str>,
    memo: Option<&'t str>,
) -> Option<&'t str> {
    if let Some(b) = base_order {
        return Some(normalize_order_no(b));
    }
    if let Some(m) = merchant_order {
        return Some(normalize_order_no(m));
    }
    let memo = memo?;
    for marker in ["T200P", "tradeid:", "{", "[", "售后退款-"] {
        if let Some(d) = memo
            .find(marker)
            .and_then(|pos| memo.get(pos + marker.len()..))
            .and_then(|rest| digits_in(rest, 10))
        {
            return Some(d);
        }
    }
    None
}

impl HeaderFormat for AlipayFundFlow {
    const ID: &'static str = "alipay.fund_flow";
    const NAME_ZH: &'static str = "支付宝账务明细";
    const REQUIRED: &'static [Column] = FUND_REQUIRED;
    const OPTIONAL: &'static [Column] = FUND_OPTIONAL;
    const TITLE: Option<&'static str> = Some("支付宝账务明细查询");

    fn read_table(
        &self,
        table: &mut Table,
        detection: &Detection,
        out: &mut Output<'_>,
    ) -> Result<(), Problem> {
        let (preamble, header) = table.take_header(detection.header_index)?;
        read_preamble(&preamble, &mut out.meta);
        let cols = FundColumns::resolve(&header, &out.name)?;
        read_detail(
            table,
            &preamble,
            &header,
            out,
            &FUND_FOOTER,
            |c, account, out| read_fund_row(c, &cols, account, out),
            |record| match record {
                Record::FundFlow(r) => Some((r.amount.get() < 0, r.amount)),
                _ => None,
            },
        )
    }
}

const FUND_FOOTER: Footer = Footer {
    end_title: "账务明细列表结束",
    second_label: "支出",
    export_time_counts: true,
    end_marker_completes: true,
    missing_zh: "结尾的“#支出合计/#收入合计”行",
};

/// The `#` lines that end an Alipay detail bill: an end-of-list marker, then totals such as
/// `#支出合计：2笔，共-12.60元` checked against the rows, then `#导出时间：[…]`.
struct Footer {
    end_title: &'static str,
    /// Totals whose label starts with this are checked against the second tally (支出 / 退款
    /// rows), the others against the first.
    second_label: &'static str,
    /// Whether an `#导出时间` line on its own shows the footer was written.
    export_time_counts: bool,
    /// Whether the end marker on its own shows the file is complete.
    end_marker_completes: bool,
    /// What a cut-off download lacks, for the message.
    missing_zh: &'static str,
}

/// Reads the rows of a detail bill after its header and checks its footer totals. `read_row`
/// reads one row (given the account of the preamble); `side` says which tally a record counts
/// in (`true` for the second) and with what amount.
///
/// After the end marker only `#` lines belong to the bill. A second bill of the same account
/// pasted after it (its preamble, then the same header) is read as a further section with its
/// own footer totals; a bill of another account is refused (its rows would be booked to the
/// first account's shop); a full row there without a header of its own is an error, never
/// silently skipped (a line shorter than the header is a note and is not read).
fn read_detail(
    table: &mut Table,
    preamble: &[Row],
    header: &Header,
    out: &mut Output<'_>,
    footer: &Footer,
    read_row: impl Fn(&Cells<'_>, Option<Text>, &Output<'_>) -> Result<Record, Problem>,
    side: impl Fn(&Record) -> Option<(bool, Fen)>,
) -> Result<(), Problem> {
    let has_preamble = preamble.iter().any(Row::is_comment);
    let file = out.name.clone();
    let account: Option<Text> = out.meta.account.clone().map(Into::into);
    let (mut first, mut second) = (Tally::default(), Tally::default());
    let (mut end_marker, mut footer_seen) = (false, false);
    // `#` lines after an end marker: the preamble of a bill pasted after this one.
    let mut after_end: Vec<Row> = Vec::new();
    while let Some(row) = table.next_row()? {
        if row.is_comment() {
            let line = row.joined();
            let label = footer_label(&line);
            if end_marker {
                after_end.push(row.clone());
            }
            if is_end_marker(&line, footer.end_title) {
                end_marker = true;
            } else if let Some((count, amount)) = parse_count_and_amount(&line) {
                footer_seen = true;
                let tally = if label.starts_with(footer.second_label) {
                    second
                } else {
                    first
                };
                out.control(tally.check(label, row.line, Some(count), Some(amount)));
            } else if footer.export_time_counts && label.starts_with("导出时间") {
                footer_seen = true;
            }
            continue;
        }
        if row.is_blank() {
            continue;
        }
        if end_marker {
            let line = row.line;
            if !same_header(row, header) {
                // A short line there is a note, not a row of the bill.
                if row.len() < header.len() {
                    continue;
                }
                return Err(Problem::new(
                    crate::ProblemCode::BadValue,
                    &file,
                    "账单的结束标记之后还有数据行：文件被改动过或拼接了别的内容，请使用原始下载文件",
                    "data row after the end marker",
                )
                .at_line(line));
            }
            let mut next = FileMeta::default();
            read_preamble(&after_end, &mut next);
            if let (Some(a), Some(b)) = (out.meta.account.as_deref(), next.account.as_deref())
                && a != b
            {
                return Err(Problem::new(
                    crate::ProblemCode::BadValue,
                    &file,
                    format!(
                        "本文件从第 {line} 行起拼接了另一个账户（{b}）的账单，与开头的账户（{a}）不同：请把两个账户的账单分成两个文件分别导入"
                    ),
                    format!("second bill of account {b} appended after account {a}"),
                )
                .at_line(line));
            }
            if has_preamble && !footer_seen {
                out.truncated(footer.missing_zh, "footer totals");
            }
            widen_period(&mut out.meta, &next);
            (first, second) = (Tally::default(), Tally::default());
            (end_marker, footer_seen) = (false, false);
            after_end.clear();
            continue;
        }
        let cells = Cells::new(row, header, &file);
        let result = read_row(&cells, account.clone(), out);
        if let Some((is_second, amount)) = result.as_ref().ok().and_then(&side) {
            if is_second {
                second.add(amount);
            } else {
                first.add(amount);
            }
        }
        out.row(result);
    }
    out.meta.complete = Some(footer_seen || (footer.end_marker_completes && end_marker));
    if has_preamble && !footer_seen {
        out.truncated(footer.missing_zh, "footer totals");
    }
    Ok(())
}

/// A row that repeats the bill's header (the start of a second bill pasted after the first).
fn same_header(row: &Row, header: &Header) -> bool {
    let again = Header::from_row(row);
    again.len() == header.len() && (0..header.len()).all(|i| again.name(i) == header.name(i))
}

/// The period of a file that holds several bills of one account: from the earliest start to
/// the latest end.
fn widen_period(meta: &mut FileMeta, next: &FileMeta) {
    meta.period_from = match (meta.period_from, next.period_from) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    meta.period_to = match (meta.period_to, next.period_to) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
}

fn read_fund_row(
    c: &Cells<'_>,
    cols: &FundColumns,
    account: Option<Text>,
    out: &Output<'_>,
) -> Result<Record, Problem> {
    c.require_complete()?;
    let (income, expense) = income_expense_cells(c, cols.income, cols.expense)?;
    let amount = income_or_expense(c, cols.expense, income, expense)?;
    reject_negative_income(c, cols.income, income)?;
    let biz_type = c.req(cols.biz_type)?;
    let memo = c.opt(cols.memo);
    let kind = alipay_flow_kind(&biz_type, memo.as_deref().unwrap_or(""), amount);
    let merchant = c.opt(cols.merchant_order);
    let base_order = c.opt(cols.base_order);
    let order_no = order_reference(base_order.as_deref(), merchant.as_deref(), memo.as_deref());
    let memo_text = match (memo.as_deref(), c.opt(cols.biz_desc)) {
        (Some(m), _) => Some(m.into()),
        (None, Some(d)) => Some(d.as_ref().into()),
        (None, None) => opt_text(c, cols.title),
    };
    Ok(Record::FundFlow(FundFlowRow {
        provider: FundProvider::Alipay,
        account: account.map(Into::into),
        txn_no: c.req(cols.txn_no)?.as_ref().into(),
        business_no: opt_text(c, Some(cols.business_no)),
        order_no: order_no.map(Into::into),
        merchant_ref: merchant.map(|s| s.as_ref().into()),
        refund_no: None,
        kind,
        kind_text: biz_type.as_ref().into(),
        amount,
        balance: c.fen(cols.balance)?,
        occurred_at: c.req_time(cols.occurred)?,
        counterparty: opt_text(c, cols.counterparty),
        memo: memo_text,
        refund_total: None,
        source: out.source(c.line()),
    }))
}

/// True for an end-of-list marker such as `#-----…-----业务明细列表结束-----…`: the number of
/// dashes differs between files (40/37 in one, 41/36 in another), so only their presence counts.
pub fn is_end_marker(line: &str, title: &str) -> bool {
    let Some(body) = line.trim_start().strip_prefix('#') else {
        return false;
    };
    let rest = body.trim_start_matches('-');
    rest.len() < body.len() && rest.starts_with(title)
}

// ---------------------------------------------------------------------------------------------
// 汇总 files (账务明细(汇总), 业务明细(汇总)): a table of per-type or per-store totals and a
// `合计` row, kept as control totals.

/// One stated total of a 汇总 file: a count column, an amount column, or both.
struct Measure {
    label: &'static str,
    count: Option<Column>,
    amount: Option<Column>,
}

/// The shape of one 汇总 file.
struct SummaryLayout {
    /// The column whose cell reads `合计` on the total row.
    key: Column,
    measures: &'static [Measure],
}

/// The count and amount a 汇总 row states for each measure.
type SummaryValues = Vec<(Option<u64>, Option<Fen>)>;

/// Reads a 汇总 table: sums the measures over every row but `合计`, then checks the `合计` row
/// against those sums. A file with a `#` preamble and no `合计` row is reported truncated.
fn read_summary(
    layout: &SummaryLayout,
    table: &mut Table,
    detection: &Detection,
    out: &mut Output<'_>,
) -> Result<(), Problem> {
    let (preamble, header) = table.take_header(detection.header_index)?;
    read_preamble(&preamble, &mut out.meta);
    let file = out.name.clone();
    let key = header.require(&file, layout.key)?;
    let mut cols = Vec::with_capacity(layout.measures.len());
    for m in layout.measures {
        let count = m.count.map(|c| header.require(&file, c)).transpose()?;
        let amount = m.amount.map(|c| header.require(&file, c)).transpose()?;
        cols.push((count, amount));
    }
    let mut sums = vec![Tally::default(); cols.len()];
    let mut total: Option<(u32, SummaryValues)> = None;
    while let Some(row) = table.next_row()? {
        if row.is_comment() || row.is_blank() {
            continue;
        }
        let c = Cells::new(row, &header, &file);
        let parsed: Result<SummaryValues, Problem> = cols
            .iter()
            .map(|&(count, amount)| {
                let n = count.map(|col| summary_count(&c, col)).transpose()?;
                let a = amount.map(|col| c.req_fen(col)).transpose()?;
                Ok((n, a))
            })
            .collect();
        match parsed {
            Ok(values) if c.text(key) == "合计" => total = Some((row.line, values)),
            Ok(values) => {
                for (tally, (n, a)) in sums.iter_mut().zip(values) {
                    tally.add_many(n.unwrap_or(1), a.unwrap_or(Fen::ZERO));
                }
            }
            Err(p) => out.problem(p),
        }
    }
    let Some((line, stated)) = total else {
        if preamble.iter().any(Row::is_comment) {
            out.truncated("“合计”行", "the 合计 row");
        }
        return Ok(());
    };
    out.meta.complete = Some(true);
    for ((m, tally), (n, a)) in layout.measures.iter().zip(sums).zip(stated) {
        out.control(tally.check(m.label, line, n, a));
    }
    Ok(())
}

/// A count cell of a summary (`3`, or `3.0` after a spreadsheet round trip); never negative.
pub(crate) fn summary_count(c: &Cells<'_>, col: usize) -> Result<u64, Problem> {
    let n = c.req_int(col)?;
    u64::try_from(n).map_err(|_| c.bad_value(col, &n.to_string(), &["非负整数"]))
}

const FUND_SUMMARY_REQUIRED: &[Column] =
    &[&["类型"], &["收入笔数"], INCOME, &["支出笔数"], EXPENSE];
const FUND_SUMMARY_OPTIONAL: &[Column] = &[&["总金额（元）", "总金额"]];

const FUND_SUMMARY: SummaryLayout = SummaryLayout {
    key: &["类型"],
    measures: &[
        Measure {
            label: "收入合计",
            count: Some(&["收入笔数"]),
            amount: Some(INCOME),
        },
        Measure {
            label: "支出合计",
            count: Some(&["支出笔数"]),
            amount: Some(EXPENSE),
        },
    ],
};

/// Alipay 账务明细(汇总): totals per 业务类型. It holds no records; its `合计` row is kept as
/// control totals so `inspect` can show them beside the detail file.
pub struct AlipayFundSummary;

impl HeaderFormat for AlipayFundSummary {
    const ID: &'static str = "alipay.fund_summary";
    const NAME_ZH: &'static str = "支付宝账务明细（汇总）";
    const REQUIRED: &'static [Column] = FUND_SUMMARY_REQUIRED;
    const OPTIONAL: &'static [Column] = FUND_SUMMARY_OPTIONAL;
    const TITLE: Option<&'static str> = Some("支付宝账务汇总查询");

    fn variant(&self, _header: &Header) -> String {
        "汇总".to_string()
    }

    fn read_table(
        &self,
        table: &mut Table,
        detection: &Detection,
        out: &mut Output<'_>,
    ) -> Result<(), Problem> {
        read_summary(&FUND_SUMMARY, table, detection, out)
    }
}

// ---------------------------------------------------------------------------------------------
// 业务明细 (trade bill) and its 汇总.

const ALIPAY_TXN: Column = &["支付宝交易号"];
const TRADE_TYPE: Column = &["业务类型"];
const CREATED: Column = &["创建时间"];
const FINISHED: Column = &["完成时间"];
const ORDER_AMOUNT: Column = &["订单金额（元）", "订单金额"];
const SETTLED: Column = &["商家实收（元）", "商家实收"];
const REFUND_BATCH: Column = &["退款批次号/请求号", "退款批次号"];
const SERVICE_FEE: Column = &["服务费（元）", "服务费"];

const TRADE_REQUIRED: &[Column] = &[ALIPAY_TXN, TRADE_TYPE, CREATED, ORDER_AMOUNT, SETTLED];
const TRADE_OPTIONAL: &[Column] = &[
    MERCHANT_ORDER,
    TITLE,
    FINISHED,
    &["门店编号"],
    &["门店名称"],
    &["操作员"],
    &["终端号"],
    COUNTERPARTY,
    &["支付宝红包（元）"],
    &["集分宝（元）"],
    &["支付宝优惠（元）"],
    &["商家优惠（元）"],
    &["券核销金额（元）"],
    &["券名称"],
    &["商家红包消费金额（元）"],
    &["卡消费金额（元）"],
    REFUND_BATCH,
    SERVICE_FEE,
    &["分润（元）"],
    MEMO,
];

struct TradeColumns {
    txn: usize,
    merchant_order: Option<usize>,
    trade_type: usize,
    title: Option<usize>,
    created: usize,
    finished: Option<usize>,
    order_amount: usize,
    settled: usize,
    refund_batch: Option<usize>,
    fee: Option<usize>,
}

impl TradeColumns {
    fn resolve(h: &Header, file: &str) -> Result<TradeColumns, Problem> {
        Ok(TradeColumns {
            txn: h.require(file, ALIPAY_TXN)?,
            merchant_order: h.find(MERCHANT_ORDER),
            trade_type: h.require(file, TRADE_TYPE)?,
            title: h.find(TITLE),
            created: h.require(file, CREATED)?,
            finished: h.find(FINISHED),
            order_amount: h.require(file, ORDER_AMOUNT)?,
            settled: h.require(file, SETTLED)?,
            refund_batch: h.find(REFUND_BATCH),
            fee: h.find(SERVICE_FEE),
        })
    }
}

/// Alipay 业务明细 (trade bill, formats.md §1.2): one row per payment or refund made through
/// Alipay's acquiring APIs, with `#交易合计` / `#退款合计` footers.
pub struct AlipayTradeBill;

impl HeaderFormat for AlipayTradeBill {
    const ID: &'static str = "alipay.trade_bill";
    const NAME_ZH: &'static str = "支付宝业务明细";
    const REQUIRED: &'static [Column] = TRADE_REQUIRED;
    const OPTIONAL: &'static [Column] = TRADE_OPTIONAL;
    const TITLE: Option<&'static str> = Some("支付宝业务明细查询");

    fn read_table(
        &self,
        table: &mut Table,
        detection: &Detection,
        out: &mut Output<'_>,
    ) -> Result<(), Problem> {
        let (preamble, header) = table.take_header(detection.header_index)?;
        read_preamble(&preamble, &mut out.meta);
        let cols = TradeColumns::resolve(&header, &out.name)?;
        // `#交易合计：6笔，商家实收共0.06元，…` / `#退款合计：4笔，商家实收退款共-0.04元，…`
        read_detail(
            table,
            &preamble,
            &header,
            out,
            &TRADE_FOOTER,
            |c, account, out| read_trade_row(c, &cols, account, out),
            |record| match record {
                Record::Payment(p) => Some((p.kind == PaymentKind::Refund, p.settled)),
                _ => None,
            },
        )
    }
}

const TRADE_FOOTER: Footer = Footer {
    end_title: "业务明细列表结束",
    second_label: "退款",
    export_time_counts: false,
    end_marker_completes: false,
    missing_zh: "结尾的“#交易合计”行",
};

fn read_trade_row(
    c: &Cells<'_>,
    cols: &TradeColumns,
    account: Option<Text>,
    out: &Output<'_>,
) -> Result<Record, Problem> {
    c.require_complete()?;
    let type_text = c.req(cols.trade_type)?;
    let kind = match type_text.as_ref() {
        "交易" => PaymentKind::Payment,
        "退款" => PaymentKind::Refund,
        other => return Err(c.bad_value(cols.trade_type, other, &["交易", "退款"])),
    };
    let order_amount = c.req_fen(cols.order_amount)?;
    let settled = c.req_fen(cols.settled)?;
    // 服务费's sign is UNCONFIRMED (formats.md §1.2: one fixture writes `-0.12` on a payment
    // row; the 汇总 file suggests negative = charged, positive on a refund = returned). Read
    // by the row's meaning, whatever the sign: charged on a payment, returned on a refund.
    let file_fee = c.fen(cols.fee)?.unwrap_or(Fen::ZERO).abs();
    let (refund, fee) = match kind {
        PaymentKind::Refund => (settled.abs(), -file_fee),
        _ => (Fen::ZERO, file_fee),
    };
    let created = c.req_time(cols.created)?;
    let finished = c.time(cols.finished)?;
    Ok(Record::Payment(PaymentRow {
        provider: FundProvider::Alipay,
        account: account.map(Into::into),
        kind,
        txn_no: c.req(cols.txn)?.as_ref().into(),
        out_trade_no: opt_text(c, cols.merchant_order),
        refund_id: None,
        out_refund_no: match kind {
            PaymentKind::Refund => opt_text(c, cols.refund_batch),
            _ => None,
        },
        order_amount: Some(order_amount),
        settled,
        refund,
        fee,
        rate: None,
        status_text: type_text.as_ref().into(),
        // 完成时间 is the payment time on 交易 rows and the refund time on 退款 rows.
        occurred_at: finished.unwrap_or(created),
        refund_succeeded_at: match kind {
            PaymentKind::Refund => finished,
            _ => None,
        },
        title: opt_text(c, cols.title).map(Into::into),
        source: out.source(c.line()),
    }))
}

const TRADE_SUMMARY_REQUIRED: &[Column] = &[
    &["门店编号"],
    &["交易订单总笔数"],
    &["退款订单总笔数"],
    ORDER_AMOUNT,
    SETTLED,
];
const TRADE_SUMMARY_OPTIONAL: &[Column] =
    &[&["门店名称"], SERVICE_FEE, &["实收净额（元）", "实收净额"]];

const TRADE_SUMMARY: SummaryLayout = SummaryLayout {
    key: &["门店编号"],
    measures: &[
        Measure {
            label: "交易订单总笔数",
            count: Some(&["交易订单总笔数"]),
            amount: None,
        },
        Measure {
            label: "退款订单总笔数",
            count: Some(&["退款订单总笔数"]),
            amount: None,
        },
        Measure {
            label: "订单金额合计",
            count: None,
            amount: Some(ORDER_AMOUNT),
        },
        Measure {
            label: "商家实收合计",
            count: None,
            amount: Some(SETTLED),
        },
    ],
};

/// Alipay 业务明细(汇总) (formats.md §1.3, PARTIAL): totals per store and a `合计` row, kept
/// as control totals; no records.
pub struct AlipayTradeSummary;

impl HeaderFormat for AlipayTradeSummary {
    const ID: &'static str = "alipay.trade_summary";
    const NAME_ZH: &'static str = "支付宝业务明细（汇总）";
    const REQUIRED: &'static [Column] = TRADE_SUMMARY_REQUIRED;
    const OPTIONAL: &'static [Column] = TRADE_SUMMARY_OPTIONAL;
    const TITLE: Option<&'static str> = Some("支付宝业务汇总查询");

    fn variant(&self, _header: &Header) -> String {
        "汇总".to_string()
    }

    fn read_table(
        &self,
        table: &mut Table,
        detection: &Detection,
        out: &mut Output<'_>,
    ) -> Result<(), Problem> {
        read_summary(&TRADE_SUMMARY, table, detection, out)
    }
}

#[cfg(test)]
mod tests {
    use super::is_end_marker;

    #[test]
    fn end_markers_match_by_shape_not_length() {
        let title = "业务明细列表结束";
        for line in [
            "#-----------------------------------------业务明细列表结束------------------------------------",
            "#----------------------------------------业务明细列表结束-------------------------------------",
            "#-业务明细列表结束",
        ] {
            assert!(is_end_marker(line, title), "{line}");
        }
        for line in [
            "#业务明细列表结束",
            "-----业务明细列表结束",
            "#-----------------------------------------业务明细列表----------------------------------------",
            "#-----账务明细列表结束-----",
        ] {
            assert!(!is_end_marker(line, title), "{line}");
        }
    }
}
