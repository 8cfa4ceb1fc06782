//! WeChat Pay merchant bills (formats.md §2): 交易账单 (ALL / SUCCESS / REFUND, current and
//! legacy layouts), 资金账单, and the WeChat 小店 资金流水.
//!
//! The 商户平台 bills put a backtick before every detail and summary cell (stripped by the
//! table layer) and end with a summary header and one summary row, checked here as control
//! totals.

use duizhang_core::{
    Fen, FlowKind, FundFlowRow, FundProvider, PaymentKind, PaymentRow, RatePpm, Record, Text,
    normalize_order_no,
};

use super::alipay::summary_count;
use super::wechat_refund_memo::{MemoError, RefundMemo};
use super::{Column, HeaderFormat, opt_text};
use crate::control::Tally;
use crate::problem::{Problem, ProblemCode};
use crate::registry::{Detection, Output};
use crate::table::{Cells, Header, Row, Table};

/// Reads the detail rows of a bill up to its summary header (the row whose first cell is
/// `summary_first`), handing each to `each`. Returns the summary header and the row after it,
/// or `None` when the file stops before them (a cut-off download).
fn read_details(
    table: &mut Table,
    header: &Header,
    out: &mut Output<'_>,
    summary_first: &str,
    mut each: impl FnMut(&Cells<'_>, &mut Output<'_>),
) -> Result<Option<(Header, Row)>, Problem> {
    let file = out.name.clone();
    let mut summary_header: Option<Header> = None;
    while let Some(row) = table.next_row()? {
        if row.is_blank() {
            continue;
        }
        if let Some(h) = summary_header {
            return Ok(Some((h, row.clone())));
        }
        if row.cell(0) == summary_first {
            summary_header = Some(Header::from_row(row));
            continue;
        }
        each(&Cells::new(row, header, &file), out);
    }
    Ok(None)
}

/// What a summary column is checked against.
enum Against {
    /// The number of rows in `Tally`.
    Count(Tally),
    /// The sum of `Tally`.
    Sum(Tally),
}

/// Checks the summary row, column by column as its own header names them; columns the file
/// does not have are skipped (the SUCCESS summary has 4 or 7 columns depending on the year).
fn check_summary(out: &mut Output<'_>, summary: &(Header, Row), items: &[(Column, Against)]) {
    let (header, row) = summary;
    let file = out.name.clone();
    let c = Cells::new(row, header, &file);
    for (column, against) in items {
        let Some(col) = header.find(column) else {
            continue;
        };
        let label = header.name(col).to_string();
        let check = match against {
            Against::Count(t) => {
                summary_count(&c, col).map(|n| t.check(label, row.line, Some(n), None))
            }
            Against::Sum(t) => c
                .req_fen(col)
                .map(|a| t.check(label, row.line, None, Some(a))),
        };
        match check {
            Ok(check) => out.control(check),
            Err(p) => out.problem(p),
        }
    }
}

/// Finishes a bill: checks its summary, or reports it truncated when the summary is missing.
fn finish(out: &mut Output<'_>, summary: Option<(Header, Row)>, items: &[(Column, Against)]) {
    match summary {
        Some(s) => {
            out.meta.complete = Some(true);
            check_summary(out, &s, items);
        }
        None => out.truncated(
            "结尾的汇总表头与汇总行",
            "the trailing summary header and row",
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// 交易账单

const TRADE_TIME: Column = &["交易时间"];
const MCH_ID: Column = &["商户号"];
const WX_ORDER: Column = &["微信订单号"];
const OUT_TRADE_NO: Column = &["商户订单号"];
const TRADE_STATUS: Column = &["交易状态"];
/// Legacy bills say 总金额 where current ones say 应结订单金额.
const SETTLED: Column = &["应结订单金额", "总金额"];
const WX_REFUND_NO: Column = &["微信退款单号"];
const OUT_REFUND_NO: Column = &["商户退款单号"];
const REFUND_AMOUNT: Column = &["退款金额"];
const REFUND_STATUS: Column = &["退款状态"];
const GOODS: Column = &["商品名称"];
const FEE: Column = &["手续费"];
const RATE: Column = &["费率"];
const ORDER_AMOUNT: Column = &["订单金额"];
const REFUND_SUCCEEDED: Column = &["退款成功时间"];

const TRADE_REQUIRED: &[Column] = &[
    TRADE_TIME,
    MCH_ID,
    WX_ORDER,
    OUT_TRADE_NO,
    TRADE_STATUS,
    SETTLED,
    FEE,
];
const TRADE_OPTIONAL: &[Column] = &[
    &["公众账号ID"],
    &["特约商户号", "子商户号"],
    &["设备号"],
    &["用户标识"],
    &["交易类型"],
    &["付款银行"],
    &["货币种类"],
    &["代金券金额", "代金券或立减优惠金额", "企业红包金额"],
    &["退款申请时间"],
    REFUND_SUCCEEDED,
    WX_REFUND_NO,
    OUT_REFUND_NO,
    REFUND_AMOUNT,
    &[
        "充值券退款金额",
        "代金券或立减优惠退款金额",
        "企业红包退款金额",
    ],
    &["退款类型"],
    REFUND_STATUS,
    GOODS,
    &["商户数据包"],
    RATE,
    ORDER_AMOUNT,
    &["申请退款金额"],
    &["费率备注"],
];

struct TradeColumns {
    time: usize,
    mch_id: usize,
    wx_order: usize,
    out_trade_no: usize,
    status: usize,
    settled: usize,
    wx_refund_no: Option<usize>,
    out_refund_no: Option<usize>,
    refund: Option<usize>,
    refund_status: Option<usize>,
    goods: Option<usize>,
    fee: usize,
    rate: Option<usize>,
    order_amount: Option<usize>,
    refund_succeeded: Option<usize>,
}

impl TradeColumns {
    fn resolve(h: &Header, file: &str) -> Result<TradeColumns, Problem> {
        Ok(TradeColumns {
            time: h.require(file, TRADE_TIME)?,
            mch_id: h.require(file, MCH_ID)?,
            wx_order: h.require(file, WX_ORDER)?,
            out_trade_no: h.require(file, OUT_TRADE_NO)?,
            status: h.require(file, TRADE_STATUS)?,
            settled: h.require(file, SETTLED)?,
            wx_refund_no: h.find(WX_REFUND_NO),
            out_refund_no: h.find(OUT_REFUND_NO),
            refund: h.find(REFUND_AMOUNT),
            refund_status: h.find(REFUND_STATUS),
            goods: h.find(GOODS),
            fee: h.require(file, FEE)?,
            rate: h.find(RATE),
            order_amount: h.find(ORDER_AMOUNT),
            refund_succeeded: h.find(REFUND_SUCCEEDED),
        })
    }
}

/// The bill type a 交易账单 header belongs to: `ALL`, `SUCCESS` or `REFUND`, with `(旧版)` for
/// the legacy layout (总金额 instead of 应结订单金额).
fn trade_variant(h: &Header) -> String {
    let base = if h.find(REFUND_SUCCEEDED).is_some() {
        "REFUND"
    } else if h.find(WX_REFUND_NO).is_some() {
        "ALL"
    } else {
        "SUCCESS"
    };
    if h.find(&["应结订单金额"]).is_some() {
        base.to_string()
    } else {
        format!("{base}(旧版)")
    }
}

/// WeChat Pay 交易账单 (formats.md §2.2): one row per payment (`SUCCESS`), refund (`REFUND`)
/// or reversal (`REVOKED`).
pub struct WechatTradeBill;

impl HeaderFormat for WechatTradeBill {
    const ID: &'static str = "wechat.trade_bill";
    const NAME_ZH: &'static str = "微信支付交易账单";
    const REQUIRED: &'static [Column] = TRADE_REQUIRED;
    const OPTIONAL: &'static [Column] = TRADE_OPTIONAL;

    fn variant(&self, header: &Header) -> String {
        trade_variant(header)
    }

    fn read_table(
        &self,
        table: &mut Table,
        detection: &Detection,
        out: &mut Output<'_>,
    ) -> Result<(), Problem> {
        let (_, mut header) = table.take_header(detection.header_index)?;
        let cols = TradeColumns::resolve(&header, &out.name)?;
        // 商品名称 is merchant text whose commas are not reliably escaped (UNCONFIRMED):
        // extra cells in a row are taken to belong to it so later columns still map.
        header.set_overflow_column(cols.goods);
        let (mut rows, mut settled, mut refunds, mut fees, mut orders) = (
            Tally::default(),
            Tally::default(),
            Tally::default(),
            Tally::default(),
            Tally::default(),
        );
        let summary = read_details(table, &header, out, "总交易单数", |c, out| {
            let result = read_trade_row(c, &cols, out);
            if let Ok(Record::Payment(p)) = &result {
                rows.add(Fen::ZERO);
                settled.add(p.settled);
                refunds.add(p.refund);
                fees.add(p.fee);
                orders.add(p.order_amount.unwrap_or(Fen::ZERO));
            }
            out.row(result);
        })?;
        finish(
            out,
            summary,
            &[
                (&["总交易单数"], Against::Count(rows)),
                (&["应结订单总金额", "总交易额"], Against::Sum(settled)),
                (&["退款总金额", "总退款金额"], Against::Sum(refunds)),
                (&["手续费总金额"], Against::Sum(fees)),
                (&["订单总金额"], Against::Sum(orders)),
            ],
        );
        Ok(())
    }
}

/// A refund id cell: payment rows of the ALL bill write `0` there.
fn refund_id(c: &Cells<'_>, col: Option<usize>) -> Option<Text> {
    opt_text(c, col).filter(|t| t != "0")
}

fn read_trade_row(c: &Cells<'_>, cols: &TradeColumns, out: &Output<'_>) -> Result<Record, Problem> {
    c.require_complete()?;
    let status = c.req(cols.status)?;
    let kind = match status.as_ref() {
        "SUCCESS" => PaymentKind::Payment,
        "REFUND" => PaymentKind::Refund,
        "REVOKED" => PaymentKind::Revoked,
        other => {
            return Err(c.bad_value(cols.status, other, &["SUCCESS", "REFUND", "REVOKED"]));
        }
    };
    let rate = match (cols.rate, c.opt(cols.rate)) {
        (Some(col), Some(text)) => Some(
            RatePpm::parse(&text)
                .map_err(|e| c.problem(col, ProblemCode::BadValue, e.zh(), e.to_string()))?,
        ),
        _ => None,
    };
    // The refund's own state (SUCCESS / PROCESSING …) is kept beside the row type: a refund
    // still processing when the bill was cut is not money out yet.
    let status_text = match (kind, c.opt(cols.refund_status)) {
        (PaymentKind::Refund, Some(s)) => Text::from(format!("{status}/{s}")),
        _ => Text::from(status.as_ref()),
    };
    Ok(Record::Payment(PaymentRow {
        provider: FundProvider::Wechat,
        account: Some(c.req(cols.mch_id)?.as_ref().into()),
        kind,
        txn_no: c.req(cols.wx_order)?.as_ref().into(),
        out_trade_no: opt_text(c, Some(cols.out_trade_no)),
        refund_id: refund_id(c, cols.wx_refund_no),
        out_refund_no: refund_id(c, cols.out_refund_no),
        order_amount: c.fen(cols.order_amount)?,
        settled: c.req_fen(cols.settled)?,
        // A refund row states what it refunded: blank there is an error, not 0.00 (payment
        // rows write `0.00` or leave it empty).
        refund: match (kind, cols.refund) {
            (PaymentKind::Refund, Some(col)) => c.req_fen(col)?,
            _ => c.fen(cols.refund)?.unwrap_or(Fen::ZERO),
        },
        // 手续费 as written: positive charged, negative returned on refund rows.
        fee: c.req_fen(cols.fee)?,
        rate,
        status_text: status_text.into(),
        occurred_at: c.req_time(cols.time)?,
        refund_succeeded_at: c.time(cols.refund_succeeded)?,
        title: opt_text(c, cols.goods).map(Into::into),
        source: out.source(c.line()),
    }))
}

// ---------------------------------------------------------------------------------------------
// 资金账单 and 小店 资金流水

/// What a WeChat fund-flow type text means for reconciliation. Values beyond 交易, 扣除交易手续费
/// and 退款 are UNCONFIRMED (formats.md §2.3), so they are matched by keyword.
fn flow_kind(text: &str) -> FlowKind {
    if text.contains("手续费") || text.contains("服务费") {
        FlowKind::Fee
    } else if text.contains("退款") {
        FlowKind::Refund
    } else if text.contains("提现") {
        FlowKind::Withdrawal
    } else if text.contains("分账") || text.contains("佣金") {
        FlowKind::Commission
    } else if text.contains("充值") || text.contains("转账") {
        FlowKind::Transfer
    } else if text == "交易" || text.contains("货款") || text.contains("收入") {
        FlowKind::Income
    } else {
        FlowKind::Other
    }
}

/// Signs an amount by 收支类型: `收入` +, `支出` −. The 资金账单 writes amounts unsigned; a
/// signed outflow is accepted, a negative income is an error.
fn signed_amount(
    c: &Cells<'_>,
    direction_col: usize,
    amount_col: usize,
    amount: Fen,
) -> Result<Fen, Problem> {
    let direction = c.req(direction_col)?;
    match direction.as_ref() {
        "收入" if amount.get() >= 0 => Ok(amount),
        "收入" => Err(c.problem(
            amount_col,
            ProblemCode::BadAmount,
            format!("收支类型为收入，金额却为负数（{amount}）"),
            "negative income",
        )),
        "支出" => Ok(-amount.abs()),
        other => Err(c.bad_value(direction_col, other, &["收入", "支出"])),
    }
}

const BOOKED_AT: Column = &["记账时间"];
const BUSINESS_NO: Column = &["微信支付业务单号"];
const FLOW_NO: Column = &["资金流水单号"];
const BUSINESS_NAME: Column = &["业务名称"];
const BUSINESS_TYPE: Column = &["业务类型"];
const DIRECTION: Column = &["收支类型"];
const AMOUNT: Column = &["收支金额（元）", "收支金额"];
const BALANCE: Column = &["账户结余（元）", "账户结余"];
const APPLICANT: Column = &["资金变更提交申请人"];
const MEMO: Column = &["备注"];
const VOUCHER: Column = &["业务凭证号"];

const FUND_REQUIRED: &[Column] = &[BOOKED_AT, FLOW_NO, BUSINESS_TYPE, DIRECTION, AMOUNT];
const FUND_OPTIONAL: &[Column] = &[
    BUSINESS_NO,
    BUSINESS_NAME,
    BALANCE,
    APPLICANT,
    MEMO,
    VOUCHER,
];

struct FundColumns {
    booked_at: usize,
    business_no: Option<usize>,
    flow_no: usize,
    name: Option<usize>,
    kind: usize,
    direction: usize,
    amount: usize,
    balance: Option<usize>,
    memo: Option<usize>,
    voucher: Option<usize>,
}

/// WeChat Pay 资金账单 (formats.md §2.3): every movement of the merchant's fund account.
pub struct WechatFundBill;

impl HeaderFormat for WechatFundBill {
    const ID: &'static str = "wechat.fund_bill";
    const NAME_ZH: &'static str = "微信支付资金账单";
    const REQUIRED: &'static [Column] = FUND_REQUIRED;
    const OPTIONAL: &'static [Column] = FUND_OPTIONAL;

    fn variant(&self, _header: &Header) -> String {
        "资金账单".to_string()
    }

    fn read_table(
        &self,
        table: &mut Table,
        detection: &Detection,
        out: &mut Output<'_>,
    ) -> Result<(), Problem> {
        let (_, header) = table.take_header(detection.header_index)?;
        let file = out.name.clone();
        let cols = FundColumns {
            booked_at: header.require(&file, BOOKED_AT)?,
            business_no: header.find(BUSINESS_NO),
            flow_no: header.require(&file, FLOW_NO)?,
            name: header.find(BUSINESS_NAME),
            kind: header.require(&file, BUSINESS_TYPE)?,
            direction: header.require(&file, DIRECTION)?,
            amount: header.require(&file, AMOUNT)?,
            balance: header.find(BALANCE),
            memo: header.find(MEMO),
            voucher: header.find(VOUCHER),
        };
        let (mut all, mut income, mut expense) =
            (Tally::default(), Tally::default(), Tally::default());
        let summary = read_details(table, &header, out, "资金流水总笔数", |c, out| {
            let result = read_fund_row(c, &cols, out);
            if let Ok(Record::FundFlow(r)) = &result {
                all.add(r.amount);
                // The summary states 支出金额 unsigned.
                if r.amount.get() < 0 {
                    expense.add(r.amount.abs());
                } else {
                    income.add(r.amount);
                }
            }
            out.row(result);
        })?;
        finish(
            out,
            summary,
            &[
                (&["资金流水总笔数"], Against::Count(all)),
                (&["收入笔数"], Against::Count(income)),
                (&["收入金额"], Against::Sum(income)),
                (&["支出笔数"], Against::Count(expense)),
                (&["支出金额"], Against::Sum(expense)),
            ],
        );
        Ok(())
    }
}

fn read_fund_row(
    c: &Cells<'_>,
    cols: &FundColumns,
    out: &mut Output<'_>,
) -> Result<Record, Problem> {
    c.require_complete()?;
    let kind_text = c.req(cols.kind)?;
    let amount = signed_amount(c, cols.direction, cols.amount, c.req_fen(cols.amount)?)?;
    let kind = match flow_kind(&kind_text) {
        FlowKind::Other => c.opt(cols.name).map_or(FlowKind::Other, |n| flow_kind(&n)),
        k => k,
    }
    .as_moved(amount);
    // 业务凭证号 is the merchant's order number on 交易 rows and its refund number on refunds.
    let voucher = opt_text(c, cols.voucher);
    let (order_no, refund_no) = match kind {
        FlowKind::Income | FlowKind::Fee => (
            voucher
                .as_deref()
                .map(|v| Text::from(normalize_order_no(v))),
            None,
        ),
        FlowKind::Refund => (None, voucher.clone()),
        _ => (None, None),
    };
    let txn_no = c.req(cols.flow_no)?.as_ref().into();
    let balance = c.fen(cols.balance)?;
    let occurred_at = c.req_time(cols.booked_at)?;
    // Last: a 备注 that does not add up is a warning, only for a row read otherwise.
    let memo = opt_text(c, cols.memo);
    let refund_total = match (kind, cols.memo, memo.as_deref()) {
        (FlowKind::Refund, Some(col), Some(text)) => stated_refund(c, col, text, -amount, out)?,
        _ => None,
    };
    Ok(Record::FundFlow(FundFlowRow {
        provider: FundProvider::Wechat,
        account: None,
        txn_no,
        business_no: opt_text(c, cols.business_no),
        order_no,
        merchant_ref: voucher,
        refund_no,
        kind,
        kind_text: kind_text.as_ref().into(),
        amount,
        balance,
        occurred_at,
        counterparty: None,
        memo,
        refund_total,
        source: out.source(c.line()),
    }))
}

/// The refund a refund row's 备注 states (`退款总金额59.00元;含手续费0.35元`), given its
/// outflow. A total or fee that cannot be read stops the row (its refund is unknown); a 备注
/// that does not add up with the outflow is a warning, and the outflow is the refund.
fn stated_refund(
    c: &Cells<'_>,
    col: usize,
    memo: &str,
    outflow: Fen,
    out: &mut Output<'_>,
) -> Result<Option<Fen>, Problem> {
    let problem = |e: MemoError| {
        let (zh, en) = e.messages();
        c.problem(col, ProblemCode::BadAmount, zh, en)
    };
    let stated = RefundMemo::parse(memo).map_err(problem)?;
    match stated.map(|m| m.refund_for(outflow)).transpose() {
        Ok(total) => Ok(total),
        Err(e) => {
            out.problem(problem(e).warning());
            Ok(None)
        }
    }
}

const SHOP_FLOW_NO: Column = &["流水单号"];
const SHOP_KIND: Column = &["动帐类型", "动账类型"];
const SHOP_BALANCE: Column = &["账户余额（元）", "账户余额"];
const SHOP_ORDER: Column = &["关联订单号"];
const SHOP_REFUND: Column = &["关联售后单号"];
const SHOP_DETAIL: Column = &["详情"];

const SHOP_REQUIRED: &[Column] = &[SHOP_FLOW_NO, BOOKED_AT, SHOP_KIND, AMOUNT];
const SHOP_OPTIONAL: &[Column] = &[
    DIRECTION,
    SHOP_BALANCE,
    SHOP_ORDER,
    SHOP_REFUND,
    &["关联提现单号"],
    &["关联保单号"],
    SHOP_DETAIL,
];

/// WeChat 小店 / 视频号小店 资金流水 (formats.md §2.4, PARTIAL: one source, no sample values).
/// Read defensively: 收支类型 gives the direction when present, else the amount's own sign;
/// the type text is mapped by keyword.
pub struct WechatShopFundFlow;

impl HeaderFormat for WechatShopFundFlow {
    const ID: &'static str = "wechat.shop_fund_flow";
    const NAME_ZH: &'static str = "微信小店资金流水";
    const REQUIRED: &'static [Column] = SHOP_REQUIRED;
    const OPTIONAL: &'static [Column] = SHOP_OPTIONAL;

    fn variant(&self, _header: &Header) -> String {
        "小店".to_string()
    }

    fn read_table(
        &self,
        table: &mut Table,
        detection: &Detection,
        out: &mut Output<'_>,
    ) -> Result<(), Problem> {
        let (_, header) = table.take_header(detection.header_index)?;
        let file = out.name.clone();
        let flow_no = header.require(&file, SHOP_FLOW_NO)?;
        let booked_at = header.require(&file, BOOKED_AT)?;
        let kind_col = header.require(&file, SHOP_KIND)?;
        let amount_col = header.require(&file, AMOUNT)?;
        let direction = header.find(DIRECTION);
        let balance = header.find(SHOP_BALANCE);
        let order = header.find(SHOP_ORDER);
        let refund = header.find(SHOP_REFUND);
        let detail = header.find(SHOP_DETAIL);
        while let Some(row) = table.next_row()? {
            if row.is_blank() || row.is_comment() {
                continue;
            }
            let c = Cells::new(row, &header, &file);
            let result = (|| -> Result<Record, Problem> {
                c.require_complete()?;
                let kind_text = c.req(kind_col)?;
                let raw = c.req_fen(amount_col)?;
                let amount = match direction {
                    Some(d) => signed_amount(&c, d, amount_col, raw)?,
                    None => raw,
                };
                Ok(Record::FundFlow(FundFlowRow {
                    provider: FundProvider::Wechat,
                    account: None,
                    txn_no: c.req(flow_no)?.as_ref().into(),
                    business_no: None,
                    order_no: c.opt(order).map(|o| normalize_order_no(&o).into()),
                    merchant_ref: None,
                    refund_no: opt_text(&c, refund),
                    kind: flow_kind(&kind_text).as_moved(amount),
                    kind_text: kind_text.as_ref().into(),
                    amount,
                    balance: c.fen(balance)?,
                    occurred_at: c.req_time(booked_at)?,
                    counterparty: None,
                    memo: opt_text(&c, detail),
                    refund_total: None,
                    source: out.source(c.line()),
                }))
            })();
            out.row(result);
        }
        Ok(())
    }
}
