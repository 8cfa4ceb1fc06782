//! Alipay merchant bills (formats.md §1): 账务明细 (fund flow, 12/13/16-column layouts),
//! its 汇总 file, 业务明细 (trade bill) and its 汇总.

use duizhang_core::{
    BeijingTime, Fen, FlowKind, FundFlowRow, FundProvider, Record, normalize_order_no,
};

use super::{Column, detect_header, detection, digits_in, has_title, signature_of};
use crate::control::{ControlCheck, Tally, footer_label, parse_count_and_amount};
use crate::problem::Problem;
use crate::registry::{Detection, FileMeta, Importer, Output};
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

/// What an Alipay 业务类型 means for reconciliation (formats.md §1.4).
pub fn alipay_flow_kind(biz_type: &str, memo: &str) -> FlowKind {
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
        if let Some(pos) = memo.find(marker)
            && let Some(d) = memo
                .get(pos + marker.len()..)
                .and_then(|rest| digits_in(rest, 10))
        {
            return Some(d);
        }
    }
    None
}

impl Importer for AlipayFundFlow {
    fn id(&self) -> &str {
        "alipay.fund_flow"
    }

    fn name_zh(&self) -> &str {
        "支付宝账务明细"
    }

    fn signature(&self) -> Vec<String> {
        signature_of(FUND_REQUIRED)
    }

    fn detect(&self, rows: &[Row]) -> Option<Detection> {
        let (index, header, score) = detect_header(rows, FUND_REQUIRED, FUND_OPTIONAL, 0)?;
        let bonus = if has_title(rows, index, "支付宝账务明细查询") {
            5
        } else {
            0
        };
        detection(format!("{}列", header.len()), index, score + bonus)
    }

    fn read(
        &self,
        table: &mut Table,
        detection: &Detection,
        out: &mut Output<'_>,
    ) -> Result<(), Problem> {
        let (preamble, header) = table.take_header(detection.header_index)?;
        read_preamble(&preamble, &mut out.meta);
        let has_preamble = preamble.iter().any(Row::is_comment);
        let file = out.name.clone();
        let cols = FundColumns::resolve(&header, &file)?;
        let account = out.meta.account.clone().map(Into::into);
        let (mut income_tally, mut expense_tally) = (Tally::default(), Tally::default());
        let mut end_marker = false;
        let mut footer_seen = false;
        while let Some(row) = table.next_row()? {
            if row.is_comment() {
                let line = row.joined();
                let label = footer_label(&line);
                if label.contains("账务明细列表结束") {
                    end_marker = true;
                } else if let Some((count, amount)) = parse_count_and_amount(&line) {
                    footer_seen = true;
                    let tally = if label.starts_with("支出") {
                        expense_tally
                    } else {
                        income_tally
                    };
                    out.control(ControlCheck {
                        label: label.to_string(),
                        line: Some(row.line),
                        stated_count: Some(count),
                        stated_amount: Some(amount),
                        counted: tally.count,
                        summed: tally.sum,
                    });
                } else if label.starts_with("导出时间") {
                    footer_seen = true;
                }
                continue;
            }
            if row.is_blank() {
                continue;
            }
            if end_marker {
                continue;
            }
            let cells = Cells::new(row, &header, &file);
            let result = read_fund_row(&cells, &cols, account.clone(), out);
            if let Ok(Record::FundFlow(r)) = &result {
                if r.amount.0 < 0 {
                    expense_tally.add(r.amount);
                } else {
                    income_tally.add(r.amount);
                }
            }
            out.row(result);
        }
        out.meta.complete = Some(end_marker || footer_seen);
        if has_preamble && !footer_seen {
            out.truncated("结尾的“#支出合计/#收入合计”行", "footer totals");
        }
        Ok(())
    }
}

fn read_fund_row(
    c: &Cells<'_>,
    cols: &FundColumns,
    account: Option<duizhang_core::Text>,
    out: &Output<'_>,
) -> Result<Record, Problem> {
    c.require_complete()?;
    let income = c.fen(Some(cols.income))?.unwrap_or(Fen::ZERO);
    let expense = c.fen(Some(cols.expense))?.unwrap_or(Fen::ZERO);
    if !income.is_zero() && !expense.is_zero() {
        return Err(c.problem(
            cols.expense,
            crate::ProblemCode::BadAmount,
            format!("同一行收入（{income}）与支出（{expense}）都不为零"),
            "both income and expense set",
        ));
    }
    if income.0 < 0 {
        return Err(c.problem(
            cols.income,
            crate::ProblemCode::BadAmount,
            format!("收入金额为负数（{income}）"),
            "negative income",
        ));
    }
    // 支出 is written negative (`（-元）`); a positive value in that column is still an outflow.
    let amount = if expense.is_zero() {
        income
    } else {
        -expense.abs()
    };
    let biz_type = c.req(cols.biz_type)?;
    let memo = c.opt(cols.memo);
    let kind = alipay_flow_kind(&biz_type, memo.as_deref().unwrap_or(""));
    let merchant = c.opt(cols.merchant_order);
    let base_order = c.opt(cols.base_order);
    let order_no = order_reference(base_order.as_deref(), merchant.as_deref(), memo.as_deref());
    let memo_text = match (memo.as_deref(), c.opt(cols.biz_desc)) {
        (Some(m), _) => Some(m.into()),
        (None, Some(d)) => Some(d.as_ref().into()),
        (None, None) => c.opt(cols.title).map(|t| t.as_ref().into()),
    };
    Ok(Record::FundFlow(FundFlowRow {
        provider: FundProvider::Alipay,
        account,
        txn_no: c.req(cols.txn_no)?.as_ref().into(),
        business_no: c.opt(Some(cols.business_no)).map(|s| s.as_ref().into()),
        order_no: order_no.map(Into::into),
        merchant_ref: merchant.map(|s| s.as_ref().into()),
        refund_no: None,
        kind,
        kind_text: biz_type.as_ref().into(),
        amount,
        balance: c.fen(cols.balance)?,
        occurred_at: c.req_time(cols.occurred)?,
        counterparty: c.opt(cols.counterparty).map(|s| s.as_ref().into()),
        memo: memo_text,
        source: out.source(c.line()),
    }))
}

const SUMMARY_REQUIRED: &[Column] = &[&["类型"], &["收入笔数"], INCOME, &["支出笔数"], EXPENSE];

/// Alipay 账务明细(汇总): totals per 业务类型. It holds no records; its `合计` row is kept as
/// control totals so `inspect` can show them beside the detail file.
pub struct AlipayFundSummary;

impl Importer for AlipayFundSummary {
    fn id(&self) -> &str {
        "alipay.fund_summary"
    }

    fn name_zh(&self) -> &str {
        "支付宝账务明细（汇总）"
    }

    fn signature(&self) -> Vec<String> {
        signature_of(SUMMARY_REQUIRED)
    }

    fn detect(&self, rows: &[Row]) -> Option<Detection> {
        let (index, _, score) =
            detect_header(rows, SUMMARY_REQUIRED, &[&["总金额（元）", "总金额"]], 0)?;
        detection("汇总", index, score)
    }

    fn read(
        &self,
        table: &mut Table,
        detection: &Detection,
        out: &mut Output<'_>,
    ) -> Result<(), Problem> {
        let (preamble, header) = table.take_header(detection.header_index)?;
        read_preamble(&preamble, &mut out.meta);
        let file = out.name.clone();
        let kind_col = header.require(&file, &["类型"])?;
        let in_count = header.require(&file, &["收入笔数"])?;
        let in_amount = header.require(&file, INCOME)?;
        let out_count = header.require(&file, &["支出笔数"])?;
        let out_amount = header.require(&file, EXPENSE)?;
        let (mut income, mut expense) = (Tally::default(), Tally::default());
        let mut total: Option<(u32, u64, Fen, u64, Fen)> = None;
        while let Some(row) = table.next_row()? {
            if row.is_comment() || row.is_blank() {
                continue;
            }
            let c = Cells::new(row, &header, &file);
            let parsed = (|| -> Result<(u64, Fen, u64, Fen), Problem> {
                let count = |col: usize| -> Result<u64, Problem> {
                    let n = c.req_int(col)?;
                    u64::try_from(n).map_err(|_| c.bad_value(col, &n.to_string(), &["非负整数"]))
                };
                Ok((
                    count(in_count)?,
                    c.req_fen(in_amount)?,
                    count(out_count)?,
                    c.req_fen(out_amount)?,
                ))
            })();
            match parsed {
                Ok((ic, ia, oc, oa)) if c.text(kind_col) == "合计" => {
                    total = Some((row.line, ic, ia, oc, oa))
                }
                Ok((ic, ia, oc, oa)) => {
                    income.count += ic;
                    income.sum += ia;
                    expense.count += oc;
                    expense.sum += oa;
                }
                Err(p) => out.problem(p),
            }
        }
        if let Some((line, ic, ia, oc, oa)) = total {
            for (label, count, amount, tally) in
                [("收入合计", ic, ia, income), ("支出合计", oc, oa, expense)]
            {
                out.control(ControlCheck {
                    label: label.into(),
                    line: Some(line),
                    stated_count: Some(count),
                    stated_amount: Some(amount),
                    counted: tally.count,
                    summed: tally.sum,
                });
            }
        }
        Ok(())
    }
}
