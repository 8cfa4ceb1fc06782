//! Alipay bills in their real shape (formats.md §1).

use duizhang_core::{BeijingTime, Fen, FundFlowRow};

use crate::bytes::{Encoding, TextFile};

/// Layout of the 账务明细 file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FundLayout {
    /// Classic 12 columns.
    Twelve,
    /// 商家中心 custom 13-column order.
    Thirteen,
    /// Newer 16 columns (业务描述, 业务账单来源, 业务基础订单号, 业务订单号).
    Sixteen,
}

#[derive(Clone, Debug)]
pub struct FundOptions {
    pub layout: FundLayout,
    pub account: String,
    pub from: BeijingTime,
    pub to: BeijingTime,
    pub encoding: Encoding,
    pub crlf: bool,
    /// Write the `#` footer with control totals (a cut-off download lacks it).
    pub footer: bool,
}

impl Default for FundOptions {
    fn default() -> Self {
        FundOptions {
            layout: FundLayout::Twelve,
            account: "20880000000000000156".into(),
            from: BeijingTime::new(2026, 10, 1, 0, 0, 0).unwrap_or_else(|| unreachable!()),
            to: BeijingTime::new(2026, 11, 1, 0, 0, 0).unwrap_or_else(|| unreachable!()),
            encoding: Encoding::Gbk,
            crlf: true,
            footer: true,
        }
    }
}

/// `2026年10月01日 00:00:00`, the preamble's date form.
pub fn chinese_datetime(t: BeijingTime) -> String {
    let d = t.date();
    let s = t.to_string();
    format!(
        "{:04}年{:02}月{:02}日 {}",
        d.year(),
        d.month(),
        d.day(),
        s.get(11..).unwrap_or("00:00:00")
    )
}

/// Renders an Alipay 账务明细 CSV: `#` preamble, header, rows with trailing TABs on id cells,
/// negative 支出, and the `#` footer with 支出合计/收入合计.
pub fn fund_flow(rows: &[FundFlowRow], o: &FundOptions) -> Vec<u8> {
    let mut f = TextFile::new(o.encoding, o.crlf);
    f.line("#支付宝账务明细查询");
    f.line(&format!("#账号：[{}]", o.account));
    f.line(&format!(
        "#起始日期：[{}]   终止日期：[{}]",
        chinese_datetime(o.from),
        chinese_datetime(o.to)
    ));
    f.line(&format!(
        "#{}账务明细列表{}",
        "-".repeat(41),
        "-".repeat(40)
    ));
    let header: &[&str] = match o.layout {
        FundLayout::Twelve => &[
            "账务流水号",
            "业务流水号",
            "商户订单号",
            "商品名称",
            "发生时间",
            "对方账号",
            "收入金额（+元）",
            "支出金额（-元）",
            "账户余额（元）",
            "交易渠道",
            "业务类型",
            "备注",
        ],
        FundLayout::Thirteen => &[
            "账务流水号",
            "业务流水号",
            "商品名称",
            "发生时间",
            "收入金额（+元）",
            "支出金额（-元）",
            "账户余额（元）",
            "业务类型",
            "备注",
            "商户订单号",
            "对方账号",
            "业务描述",
            "业务基础订单号",
        ],
        FundLayout::Sixteen => &[
            "账务流水号",
            "业务流水号",
            "商户订单号",
            "商品名称",
            "发生时间",
            "对方账号",
            "收入金额（+元）",
            "支出金额（-元）",
            "账户余额（元）",
            "交易渠道",
            "业务类型",
            "备注",
            "业务描述",
            "业务账单来源",
            "业务基础订单号",
            "业务订单号",
        ],
    };
    f.cells(header);
    let (mut income_n, mut income_sum, mut expense_n, mut expense_sum) =
        (0u64, Fen::ZERO, 0u64, Fen::ZERO);
    for r in rows {
        let tab = |s: Option<&str>| format!("{}\t", s.unwrap_or(""));
        let (income, expense) = if r.amount.0 < 0 {
            expense_n += 1;
            expense_sum += r.amount;
            (Fen::ZERO, r.amount)
        } else {
            income_n += 1;
            income_sum += r.amount;
            (r.amount, Fen::ZERO)
        };
        let merchant = r
            .merchant_ref
            .as_deref()
            .map(str::to_string)
            .or_else(|| r.order_no.as_deref().map(|o| format!("T200P{o}")));
        let memo = r.memo.as_deref().unwrap_or("");
        let balance = r.balance.map(|b| b.to_string()).unwrap_or_default();
        let cells: Vec<String> = match o.layout {
            FundLayout::Twelve => vec![
                tab(Some(&r.txn_no)),
                tab(r.business_no.as_deref()),
                tab(merchant.as_deref()),
                tab(Some("")),
                r.occurred_at.to_string(),
                tab(r.counterparty.as_deref()),
                income.to_string(),
                expense.to_string(),
                balance,
                "支付宝".into(),
                r.kind_text.to_string(),
                memo.to_string(),
            ],
            FundLayout::Thirteen => vec![
                tab(Some(&r.txn_no)),
                tab(r.business_no.as_deref()),
                tab(Some("")),
                r.occurred_at.to_string(),
                income.to_string(),
                expense.to_string(),
                balance,
                r.kind_text.to_string(),
                memo.to_string(),
                tab(merchant.as_deref()),
                tab(r.counterparty.as_deref()),
                String::new(),
                r.order_no.as_deref().unwrap_or("").to_string(),
            ],
            FundLayout::Sixteen => vec![
                tab(Some(&r.txn_no)),
                tab(r.business_no.as_deref()),
                tab(merchant.as_deref()),
                tab(Some("")),
                r.occurred_at.to_string(),
                tab(r.counterparty.as_deref()),
                income.to_string(),
                expense.to_string(),
                balance,
                "淘宝".into(),
                r.kind_text.to_string(),
                memo.to_string(),
                String::new(),
                "淘宝".into(),
                r.order_no.as_deref().unwrap_or("").to_string(),
                String::new(),
            ],
        };
        f.cells(&cells);
    }
    if o.footer {
        f.line(&format!(
            "#{}账务明细列表结束{}",
            "-".repeat(40),
            "-".repeat(37)
        ));
        f.line(&format!("#支出合计：{expense_n}笔，共{expense_sum}元"));
        f.line(&format!("#收入合计：{income_n}笔，共{income_sum}元"));
        f.line(&format!("#导出时间：[{}]", chinese_datetime(o.to)));
    }
    f.into_bytes()
}
