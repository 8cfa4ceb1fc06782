//! WeChat Pay bills in their real shape (formats.md §2): 交易账单 (ALL / SUCCESS / REFUND,
//! current and legacy), 资金账单, and the 小店 资金流水.

use duizhang_core::{Fen, FlowKind, FundFlowRow, PaymentKind, PaymentRow};

use crate::bytes::{Encoding, TextFile};

/// Which 交易账单 (`bill_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TradeLayout {
    /// 27 columns: payments and refunds.
    All,
    /// 20 columns: payments only.
    Success,
    /// 29 columns: refunds, with 退款申请时间 and 退款成功时间.
    Refund,
}

#[derive(Clone, Debug)]
pub struct TradeOptions {
    pub layout: TradeLayout,
    /// The early layout (总金额, 代金券或立减优惠金额, 子商户号; no 订单金额/申请退款金额/费率备注).
    pub legacy: bool,
    /// The SUCCESS summary of the 2024 documentation (4 columns) instead of the 7-column one.
    pub short_success_summary: bool,
    /// Write the summary header and row (a cut-off download lacks them).
    pub summary: bool,
    /// Counts written `2.0`, as one documented example does.
    pub decimal_counts: bool,
    pub mch_id: String,
    pub appid: String,
    pub bom: bool,
    pub crlf: bool,
}

impl Default for TradeOptions {
    fn default() -> Self {
        TradeOptions {
            layout: TradeLayout::All,
            legacy: false,
            short_success_summary: false,
            summary: true,
            decimal_counts: false,
            mch_id: "1900000109".into(),
            appid: "wx1234567890abcdef".into(),
            bom: true,
            crlf: true,
        }
    }
}

fn text_file(bom: bool, crlf: bool) -> TextFile {
    TextFile::new(
        if bom {
            Encoding::Utf8Bom
        } else {
            Encoding::Utf8
        },
        crlf,
    )
}

/// A row of cells each guarded by a leading backtick.
fn backticked<S: AsRef<str>>(f: &mut TextFile, cells: &[S]) {
    let guarded: Vec<String> = cells.iter().map(|c| format!("`{}", c.as_ref())).collect();
    f.cells(&guarded);
}

fn count(n: usize, decimal: bool) -> String {
    if decimal {
        format!("{n}.0")
    } else {
        n.to_string()
    }
}

/// 手续费 with five decimals (`0.35000`).
fn fee_text(fee: Fen) -> String {
    format!("{fee}000")
}

#[derive(Clone, Copy)]
enum Field {
    Time,
    AppId,
    MchId,
    SubMch,
    Device,
    WxOrder,
    OutTrade,
    OpenId,
    TradeType,
    Status,
    Bank,
    Currency,
    Settled,
    Coupon,
    RefundApplied,
    RefundSucceeded,
    WxRefund,
    OutRefund,
    Refund,
    CouponRefund,
    RefundType,
    RefundStatus,
    Goods,
    Attach,
    Fee,
    Rate,
    OrderAmount,
    RefundRequested,
    RateNote,
}

impl Field {
    fn name(self, legacy: bool) -> &'static str {
        match (self, legacy) {
            (Field::Time, _) => "交易时间",
            (Field::AppId, _) => "公众账号ID",
            (Field::MchId, _) => "商户号",
            (Field::SubMch, false) => "特约商户号",
            (Field::SubMch, true) => "子商户号",
            (Field::Device, _) => "设备号",
            (Field::WxOrder, _) => "微信订单号",
            (Field::OutTrade, _) => "商户订单号",
            (Field::OpenId, _) => "用户标识",
            (Field::TradeType, _) => "交易类型",
            (Field::Status, _) => "交易状态",
            (Field::Bank, _) => "付款银行",
            (Field::Currency, _) => "货币种类",
            (Field::Settled, false) => "应结订单金额",
            (Field::Settled, true) => "总金额",
            (Field::Coupon, false) => "代金券金额",
            (Field::Coupon, true) => "代金券或立减优惠金额",
            (Field::RefundApplied, _) => "退款申请时间",
            (Field::RefundSucceeded, _) => "退款成功时间",
            (Field::WxRefund, _) => "微信退款单号",
            (Field::OutRefund, _) => "商户退款单号",
            (Field::Refund, _) => "退款金额",
            (Field::CouponRefund, false) => "充值券退款金额",
            (Field::CouponRefund, true) => "代金券或立减优惠退款金额",
            (Field::RefundType, _) => "退款类型",
            (Field::RefundStatus, _) => "退款状态",
            (Field::Goods, _) => "商品名称",
            (Field::Attach, _) => "商户数据包",
            (Field::Fee, _) => "手续费",
            (Field::Rate, _) => "费率",
            (Field::OrderAmount, _) => "订单金额",
            (Field::RefundRequested, _) => "申请退款金额",
            (Field::RateNote, _) => "费率备注",
        }
    }
}

fn fields(layout: TradeLayout, legacy: bool) -> Vec<Field> {
    use Field::*;
    let mut v = vec![
        Time, AppId, MchId, SubMch, Device, WxOrder, OutTrade, OpenId, TradeType, Status, Bank,
        Currency, Settled, Coupon,
    ];
    if layout == TradeLayout::Refund {
        v.extend([RefundApplied, RefundSucceeded]);
    }
    if layout != TradeLayout::Success {
        v.extend([
            WxRefund,
            OutRefund,
            Refund,
            CouponRefund,
            RefundType,
            RefundStatus,
        ]);
    }
    v.extend([Goods, Attach, Fee, Rate]);
    if !legacy {
        v.push(OrderAmount);
        if layout != TradeLayout::Success {
            v.push(RefundRequested);
        }
        v.push(RateNote);
    }
    v
}

fn trade_cell(field: Field, r: &PaymentRow, o: &TradeOptions) -> String {
    let refund = r.kind == PaymentKind::Refund;
    let (status, refund_status) = match r.status_text.split_once('/') {
        Some((s, rs)) => (s, rs),
        None => (r.status_text.as_str(), "SUCCESS"),
    };
    let opt = |v: Option<&str>| v.unwrap_or("").to_string();
    match field {
        Field::Time => r.occurred_at.to_string(),
        Field::AppId => o.appid.clone(),
        Field::MchId => r.account.as_deref().unwrap_or(&o.mch_id).to_string(),
        Field::SubMch => "0".into(),
        Field::Device | Field::Attach | Field::RateNote => String::new(),
        Field::WxOrder => r.txn_no.to_string(),
        Field::OutTrade => opt(r.out_trade_no.as_deref()),
        Field::OpenId => "oAbCdEfGhIjKlMnOpQrStUvWx00".into(),
        Field::TradeType => "JSAPI".into(),
        Field::Status => status.to_string(),
        Field::Bank => "OTHERS".into(),
        Field::Currency => "CNY".into(),
        Field::Settled => r.settled.to_string(),
        // 应结订单金额 = 订单金额 − 免充值代金券.
        Field::Coupon => match r.order_amount {
            Some(a) if !refund => (a - r.settled).to_string(),
            _ => Fen::ZERO.to_string(),
        },
        Field::RefundApplied => r.occurred_at.to_string(),
        Field::RefundSucceeded => r
            .refund_succeeded_at
            .map(|t| t.to_string())
            .unwrap_or_default(),
        Field::WxRefund => r.refund_id.as_deref().unwrap_or("0").to_string(),
        Field::OutRefund => r.out_refund_no.as_deref().unwrap_or("0").to_string(),
        Field::Refund => r.refund.to_string(),
        Field::CouponRefund => Fen::ZERO.to_string(),
        Field::RefundType if refund => "ORIGINAL".into(),
        Field::RefundStatus if refund => refund_status.to_string(),
        Field::RefundType | Field::RefundStatus => String::new(),
        Field::Goods => opt(r.title.as_deref()),
        Field::Fee => fee_text(r.fee),
        Field::Rate => r.rate.map(|x| x.to_string()).unwrap_or_default(),
        Field::OrderAmount => r.order_amount.unwrap_or(Fen::ZERO).to_string(),
        Field::RefundRequested if refund => r.refund.to_string(),
        Field::RefundRequested => Fen::ZERO.to_string(),
    }
}

/// Renders a 交易账单 (formats.md §2.2): header, backticked rows, summary header and row.
pub fn trade_bill(rows: &[PaymentRow], o: &TradeOptions) -> Vec<u8> {
    let mut f = text_file(o.bom, o.crlf);
    let fields = fields(o.layout, o.legacy);
    let header: Vec<&str> = fields.iter().map(|x| x.name(o.legacy)).collect();
    f.cells(&header);
    for r in rows {
        let cells: Vec<String> = fields.iter().map(|&x| trade_cell(x, r, o)).collect();
        backticked(&mut f, &cells);
    }
    if o.summary {
        let n = count(rows.len(), o.decimal_counts);
        let settled: Fen = rows.iter().map(|r| r.settled).sum();
        let refund: Fen = rows.iter().map(|r| r.refund).sum();
        let fee: Fen = rows.iter().map(|r| r.fee).sum();
        let order: Fen = rows.iter().filter_map(|r| r.order_amount).sum();
        let zero = Fen::ZERO.to_string();
        let (names, values): (&[&str], Vec<String>) = if o.legacy {
            (
                &[
                    "总交易单数",
                    "总交易额",
                    "总退款金额",
                    "总代金券或立减优惠退款金额",
                    "手续费总金额",
                ],
                vec![
                    n,
                    settled.to_string(),
                    refund.to_string(),
                    zero,
                    fee_text(fee),
                ],
            )
        } else if o.layout == TradeLayout::Success && o.short_success_summary {
            (
                &["总交易单数", "应结订单总金额", "手续费总金额", "订单总金额"],
                vec![n, settled.to_string(), fee_text(fee), order.to_string()],
            )
        } else {
            (
                &[
                    "总交易单数",
                    "应结订单总金额",
                    "退款总金额",
                    "充值券退款总金额",
                    "手续费总金额",
                    "订单总金额",
                    "申请退款总金额",
                ],
                vec![
                    n,
                    settled.to_string(),
                    refund.to_string(),
                    zero,
                    fee_text(fee),
                    order.to_string(),
                    refund.to_string(),
                ],
            )
        };
        f.cells(names);
        backticked(&mut f, &values);
    }
    f.into_bytes()
}

#[derive(Clone, Debug)]
pub struct FundOptions {
    pub mch_id: String,
    /// `收支金额(元)` with half-width parentheses, as some SDK fixtures write it.
    pub half_width_header: bool,
    pub summary: bool,
    pub decimal_counts: bool,
    pub bom: bool,
    pub crlf: bool,
}

impl Default for FundOptions {
    fn default() -> Self {
        FundOptions {
            mch_id: "1900000109".into(),
            half_width_header: false,
            summary: true,
            decimal_counts: false,
            bom: true,
            crlf: true,
        }
    }
}

/// 业务名称 for a row: the family the 业务类型 belongs to.
fn business_name(r: &FundFlowRow) -> &str {
    match r.kind {
        FlowKind::Income | FlowKind::Fee => "交易",
        FlowKind::Refund => "退款",
        FlowKind::Withdrawal => "提现",
        FlowKind::Transfer => "充值",
        FlowKind::Commission => "分账",
        FlowKind::Other => r.kind_text.as_str(),
    }
}

/// Renders a 资金账单 (formats.md §2.3): unsigned amounts with 收支类型, 业务凭证号 = the row's
/// merchant reference, and the 资金流水总笔数 summary.
pub fn fund_bill(rows: &[FundFlowRow], o: &FundOptions) -> Vec<u8> {
    let mut f = text_file(o.bom, o.crlf);
    let amount_header = if o.half_width_header {
        "收支金额(元)"
    } else {
        "收支金额（元）"
    };
    f.cells(&[
        "记账时间",
        "微信支付业务单号",
        "资金流水单号",
        "业务名称",
        "业务类型",
        "收支类型",
        amount_header,
        "账户结余（元）",
        "资金变更提交申请人",
        "备注",
        "业务凭证号",
    ]);
    for r in rows {
        let applicant = if r.kind == FlowKind::Refund {
            format!("{}API", o.mch_id)
        } else {
            "system".into()
        };
        backticked(
            &mut f,
            &[
                r.occurred_at.to_string(),
                r.business_no.as_deref().unwrap_or("").to_string(),
                r.txn_no.to_string(),
                business_name(r).to_string(),
                r.kind_text.to_string(),
                if r.amount.get() < 0 {
                    "支出"
                } else {
                    "收入"
                }
                .to_string(),
                r.amount.abs().to_string(),
                r.balance.map(|b| b.to_string()).unwrap_or_default(),
                applicant,
                fund_memo(r),
                r.merchant_ref.as_deref().unwrap_or("").to_string(),
            ],
        );
    }
    if o.summary {
        let (income, expense): (Vec<&FundFlowRow>, Vec<&FundFlowRow>) =
            rows.iter().partition(|r| r.amount.get() >= 0);
        f.cells(&[
            "资金流水总笔数",
            "收入笔数",
            "收入金额",
            "支出笔数",
            "支出金额",
        ]);
        backticked(
            &mut f,
            &[
                count(rows.len(), o.decimal_counts),
                count(income.len(), o.decimal_counts),
                income.iter().map(|r| r.amount).sum::<Fen>().to_string(),
                count(expense.len(), o.decimal_counts),
                expense
                    .iter()
                    .map(|r| r.amount.abs())
                    .sum::<Fen>()
                    .to_string(),
            ],
        );
    }
    f.into_bytes()
}

/// A 资金账单 row's 备注: the row's own, else for a refund that states its total apart from
/// its outflow the text WeChat writes (`退款总金额59.00元;含手续费0.35元`, the fee being what
/// the outflow is short of the total).
fn fund_memo(r: &FundFlowRow) -> String {
    match (&r.memo, r.refund_total) {
        (Some(memo), _) => memo.to_string(),
        (None, Some(total)) => format!("退款总金额{total}元;含手续费{}元", total + r.amount),
        (None, None) => String::new(),
    }
}

/// Renders a WeChat 小店 资金流水 (formats.md §2.4, PARTIAL: the header is known, the value
/// shapes are not): UTF-8 with BOM, unsigned amounts with 收支类型, no guards.
pub fn shop_fund_flow(rows: &[FundFlowRow], bom: bool, crlf: bool) -> Vec<u8> {
    let mut f = text_file(bom, crlf);
    f.cells(&[
        "流水单号",
        "记账时间",
        "动帐类型",
        "收支类型",
        "收支金额",
        "账户余额",
        "关联订单号",
        "关联售后单号",
        "关联提现单号",
        "关联保单号",
        "详情",
    ]);
    for r in rows {
        f.quoted_cells(&[
            r.txn_no.to_string(),
            r.occurred_at.to_string(),
            r.kind_text.to_string(),
            if r.amount.get() < 0 {
                "支出"
            } else {
                "收入"
            }
            .to_string(),
            r.amount.abs().to_string(),
            r.balance.map(|b| b.to_string()).unwrap_or_default(),
            r.order_no.as_deref().unwrap_or("").to_string(),
            r.refund_no.as_deref().unwrap_or("").to_string(),
            String::new(),
            String::new(),
            r.memo.as_deref().unwrap_or("").to_string(),
        ]);
    }
    f.into_bytes()
}
