//! Alipay bills in their real shape (formats.md §1): 账务明细, 业务明细, their 汇总 files and
//! the ZIP they are downloaded in.

use duizhang_core::{BeijingTime, Fen, FundFlowRow, PaymentKind, PaymentRow};

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
    preamble(&mut f, "支付宝账务明细查询", &o.account, o.from, o.to);
    f.line(&marker("账务明细列表", 41, 40));
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
        let (income, expense) = if r.amount.get() < 0 {
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
        f.line(&marker("账务明细列表结束", 40, 37));
        f.line(&format!("#支出合计：{expense_n}笔，共{expense_sum}元"));
        f.line(&format!("#收入合计：{income_n}笔，共{income_sum}元"));
        f.line(&format!("#导出时间：[{}]", chinese_datetime(o.to)));
    }
    f.into_bytes()
}

/// Renders an Alipay 账务明细(汇总) CSV (formats.md §1.5): one row per 业务类型 in the order
/// first seen, then `合计`.
pub fn fund_summary(rows: &[FundFlowRow], o: &FundOptions) -> Vec<u8> {
    let mut f = TextFile::new(o.encoding, o.crlf);
    preamble(&mut f, "支付宝账务汇总查询", &o.account, o.from, o.to);
    f.cells(&[
        "类型",
        "收入笔数",
        "收入金额（+元）",
        "支出笔数",
        "支出金额（-元）",
        "总金额（元）",
    ]);
    // (type, income count, income, expense count, expense)
    let mut groups: Vec<(&str, u64, Fen, u64, Fen)> = Vec::new();
    for r in rows {
        let index = match groups.iter().position(|g| g.0 == r.kind_text.as_str()) {
            Some(i) => i,
            None => {
                groups.push((r.kind_text.as_str(), 0, Fen::ZERO, 0, Fen::ZERO));
                groups.len() - 1
            }
        };
        if let Some(g) = groups.get_mut(index) {
            if r.amount.get() < 0 {
                g.3 += 1;
                g.4 += r.amount;
            } else {
                g.1 += 1;
                g.2 += r.amount;
            }
        }
    }
    let total = groups
        .iter()
        .fold(("合计", 0, Fen::ZERO, 0, Fen::ZERO), |t, g| {
            (t.0, t.1 + g.1, t.2 + g.2, t.3 + g.3, t.4 + g.4)
        });
    for (name, ic, ia, oc, oa) in groups.iter().chain([&total]) {
        f.cells(&[
            name.to_string(),
            ic.to_string(),
            ia.to_string(),
            oc.to_string(),
            oa.to_string(),
            (*ia + *oa).to_string(),
        ]);
    }
    f.into_bytes()
}

/// Options of the 业务明细 (trade bill) files.
#[derive(Clone, Debug)]
pub struct TradeOptions {
    pub account: String,
    pub from: BeijingTime,
    pub to: BeijingTime,
    pub encoding: Encoding,
    pub crlf: bool,
    /// Write the end marker and the `#交易合计` / `#退款合计` footer (a cut-off download lacks it).
    pub footer: bool,
    /// The store the 汇总 file reports (门店编号, 门店名称); empty for merchants without stores.
    pub store: (String, String),
}

impl Default for TradeOptions {
    fn default() -> Self {
        TradeOptions {
            account: "20880000000000000156".into(),
            from: BeijingTime::new(2026, 10, 3, 0, 0, 0).unwrap_or_else(|| unreachable!()),
            to: BeijingTime::new(2026, 10, 4, 0, 0, 0).unwrap_or_else(|| unreachable!()),
            encoding: Encoding::Gbk,
            crlf: true,
            footer: true,
            store: ("S001".into(), "杭州一店".into()),
        }
    }
}

/// A text cell as Alipay writes it: followed by a TAB so that Excel keeps long ids as text.
fn tab(s: Option<&str>) -> String {
    format!("{}\t", s.unwrap_or(""))
}

/// The `#` lines above every Alipay bill's header: title, account and period.
fn preamble(f: &mut TextFile, title: &str, account: &str, from: BeijingTime, to: BeijingTime) {
    f.line(&format!("#{title}"));
    f.line(&format!("#账号：[{account}]"));
    f.line(&format!(
        "#起始日期：[{}]   终止日期：[{}]",
        chinese_datetime(from),
        chinese_datetime(to)
    ));
}

/// A dashed `#` marker line (`#-----…业务明细列表结束-----…`); files differ in the number of
/// dashes, so each caller gives its own.
fn marker(text: &str, left: usize, right: usize) -> String {
    format!("#{}{text}{}", "-".repeat(left), "-".repeat(right))
}

fn trade_preamble(f: &mut TextFile, title: &str, list: &str, o: &TradeOptions) {
    preamble(f, title, &o.account, o.from, o.to);
    f.line(&marker(list, 41, 40));
}

/// Renders an Alipay 业务明细 CSV (formats.md §1.2): 25 columns, trailing TABs on id cells,
/// negative amounts on refund rows, `#交易合计` and (when there are refunds) `#退款合计`.
///
/// 服务费 is written negative when charged and positive when returned (the UNCONFIRMED sign
/// the importer reads by the row's meaning either way). A refund row's 创建时间 is the time
/// of the payment row with the same 支付宝交易号, as in real files.
pub fn trade_bill(rows: &[PaymentRow], o: &TradeOptions) -> Vec<u8> {
    let mut f = TextFile::new(o.encoding, o.crlf);
    trade_preamble(&mut f, "支付宝业务明细查询", "业务明细列表", o);
    f.cells(&[
        "支付宝交易号",
        "商户订单号",
        "业务类型",
        "商品名称",
        "创建时间",
        "完成时间",
        "门店编号",
        "门店名称",
        "操作员",
        "终端号",
        "对方账户",
        "订单金额（元）",
        "商家实收（元）",
        "支付宝红包（元）",
        "集分宝（元）",
        "支付宝优惠（元）",
        "商家优惠（元）",
        "券核销金额（元）",
        "券名称",
        "商家红包消费金额（元）",
        "卡消费金额（元）",
        "退款批次号/请求号",
        "服务费（元）",
        "分润（元）",
        "备注",
    ]);
    let (mut pay_n, mut pay_sum, mut refund_n, mut refund_sum) = (0u64, Fen::ZERO, 0u64, Fen::ZERO);
    for r in rows {
        let refund = r.kind == PaymentKind::Refund;
        if refund {
            refund_n += 1;
            refund_sum += r.settled;
        } else {
            pay_n += 1;
            pay_sum += r.settled;
        }
        let created = if refund {
            rows.iter()
                .find(|p| p.kind == PaymentKind::Payment && p.txn_no == r.txn_no)
                .map_or(r.occurred_at, |p| p.occurred_at)
        } else {
            r.occurred_at
        };
        let order_amount = r.order_amount.unwrap_or(r.settled);
        let zero = Fen::ZERO.to_string();
        f.cells(&[
            tab(Some(&r.txn_no)),
            tab(r.out_trade_no.as_deref()),
            tab(Some(if refund { "退款" } else { "交易" })),
            r.title.as_deref().unwrap_or("").to_string(),
            created.to_string(),
            r.occurred_at.to_string(),
            tab(None),
            tab(None),
            tab(None),
            tab(None),
            tab(None),
            order_amount.to_string(),
            r.settled.to_string(),
            // The difference between 订单金额 and 商家实收 is Alipay-funded (红包).
            (order_amount - r.settled).to_string(),
            zero.clone(),
            zero.clone(),
            zero.clone(),
            zero.clone(),
            String::new(),
            tab(Some(&zero)),
            zero.clone(),
            tab(r.out_refund_no.as_deref()),
            (-r.fee).to_string(),
            zero,
            String::new(),
        ]);
    }
    if o.footer {
        f.line(&marker("业务明细列表结束", 41, 36));
        f.line(&format!(
            "#交易合计：{pay_n}笔，商家实收共{pay_sum}元，商家优惠共0.00元"
        ));
        if refund_n > 0 {
            f.line(&format!(
                "#退款合计：{refund_n}笔，商家实收退款共{refund_sum}元，商家优惠退款共0.00元"
            ));
        }
        f.line(&format!("#导出时间：[{}]", chinese_datetime(o.to)));
    }
    f.into_bytes()
}

/// Renders an Alipay 业务明细(汇总) CSV (formats.md §1.3): one row for the options' store
/// with the rows' totals, then `合计`.
pub fn trade_summary(rows: &[PaymentRow], o: &TradeOptions) -> Vec<u8> {
    let mut f = TextFile::new(o.encoding, o.crlf);
    trade_preamble(&mut f, "支付宝业务汇总查询", "业务汇总列表", o);
    f.cells(&[
        "门店编号",
        "门店名称",
        "交易订单总笔数",
        "退款订单总笔数",
        "订单金额（元）",
        "商家实收（元）",
        "支付宝优惠（元）",
        "商家优惠（元）",
        "卡消费金额（元）",
        "服务费（元）",
        "分润（元）",
        "实收净额（元）",
    ]);
    let payments = rows
        .iter()
        .filter(|r| r.kind != PaymentKind::Refund)
        .count();
    let refunds = rows.len() - payments;
    let order: Fen = rows
        .iter()
        .map(|r| r.order_amount.unwrap_or(r.settled))
        .sum();
    let settled: Fen = rows.iter().map(|r| r.settled).sum();
    let fee: Fen = rows.iter().map(|r| r.fee).sum();
    let zero = Fen::ZERO.to_string();
    let amounts = [
        payments.to_string(),
        refunds.to_string(),
        order.to_string(),
        settled.to_string(),
        zero.clone(),
        zero.clone(),
        zero.clone(),
        (-fee).to_string(),
        zero,
        (settled - fee).to_string(),
    ];
    let store = [format!("{}\t", o.store.0), format!("{}\t", o.store.1)];
    let total = ["合计".to_string(), String::new()];
    for first in [store, total] {
        let cells: Vec<String> = first.into_iter().chain(amounts.iter().cloned()).collect();
        f.cells(&cells);
    }
    f.line(&marker("业务汇总列表结束", 40, 37));
    f.line(&format!("#导出时间：[{}]", chinese_datetime(o.to)));
    f.into_bytes()
}

/// Which Alipay bill a downloaded archive holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BillKind {
    /// `bill_type=trade`: 业务明细 and 业务明细(汇总).
    Trade,
    /// `bill_type=signcustomer`: 账务明细 and 账务明细(汇总).
    Fund,
}

/// The archive's own name: `<PID>_<date>.csv.zip` (the PID ends in `0156`).
pub fn zip_name(pid: &str, date: &str) -> String {
    format!("{pid}_{date}.csv.zip")
}

/// Packs a detail file and its 汇总 the way Alipay's download does (formats.md §1.1): members
/// `<PID>_<date>_账务明细(汇总).csv` first, then `…_账务明细.csv` (or 业务明细), names in GBK
/// without the UTF-8 flag.
pub fn bill_zip(
    pid: &str,
    date: &str,
    kind: BillKind,
    detail: &[u8],
    summary: &[u8],
) -> zip::result::ZipResult<Vec<u8>> {
    use std::io::Write;
    let title = match kind {
        BillKind::Trade => "业务明细",
        BillKind::Fund => "账务明细",
    };
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (suffix, data) in [("(汇总)", summary), ("", detail)] {
        let name = encoding_rs::GBK
            .encode(&format!("{pid}_{date}_{title}{suffix}.csv"))
            .0
            .into_owned();
        // A name that is not valid UTF-8 is written without the language-encoding flag.
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .name(&name);
        writer.start_file_with_options(options)?;
        writer.write_all(data)?;
    }
    Ok(writer.finish()?.into_inner())
}
