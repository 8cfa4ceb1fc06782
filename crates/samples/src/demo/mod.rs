//! `duizhang demo`: a realistic month of one seller, with problems planted in it and a record
//! of them. The same generator feeds the tests and the benchmarks at any size.
//!
//! The seller (禾木家居) runs six shops in 2026-10:
//! - a Tmall shop: orders in Taobao's 订单报表 + 宝贝报表, refunds in the 退款报表, money in
//!   the Alipay 账务明细 (交易付款 at 确认收货, 交易分账 commission, 收费 for 花呗/credit cards,
//!   交易退款 for refunds after the release, daily 提现, continuous balances);
//! - a Taobao shop (C店) whose trades a tool pulls from the Open Platform
//!   (`taobao.trade.fullinfo.get`, one response per line): each sub-order states its share of
//!   the trade's 店铺优惠 and its 实付 after allocation. Its money moves through its own Alipay
//!   account (no commission; 花呗 收费; weekly 提现); its after-sales are in the ERP. The
//!   退款报表 names no shop: the Tmall shop's refunds are told from this shop's by their order;
//! - a WeChat mini-program shop whose orders live only in the ERP (with money and 支付单号),
//!   paid through WeChat Pay (交易账单 with 0.60 % fees rounded to the 分, and 资金账单);
//! - a Pinduoduo shop: order export and 货款明细 (交易收入, 技术服务费, 交易退款);
//! - a young Douyin shop (免佣, no after-sales yet): order export, 资金流水 (货款结算入账)
//!   and 结算账单;
//! - a JD POP shop: the order export (one row per goods line, the order's 应付金额 repeated on
//!   each), and the 京东钱包 bill's 结算表 and 资金表 as two CSVs: JD settles an order the
//!   morning after it completes, 货款 less 6 % 佣金 under a new 商户订单号, and the net arrives
//!   in the wallet under the same number; weekly withdrawals, continuous balances.
//!
//! The ERP holds every shop's orders, shipments (正常/补发/换货), return receipts with quality
//! results and service tickets, the mini-program's, Pinduoduo's and JD's after-sales, and
//! Tmall's exchanges and reships (Taobao's 退款报表 holds its refunds).
//!
//! Rules the clean part follows, so that it produces no finding (the planted part breaks
//! exactly one of them per problem; see `plant.rs`):
//! - Tmall, Pinduoduo and Douyin release 实付 + platform-funded discount at 确认收货;
//!   commission and fees are the shop's rate × the released amount, rounded half away from
//!   zero (Douyin: 免佣, its 结算账单 states what arrives). A refund completed before the
//!   release (only whole-order refunds before shipment) leaves no row in the account; one
//!   after the release is paid out of it within a minute (on the last evening, some the next
//!   day: pending). The mini-program's money moves through WeChat Pay at once.
//! - Most of JD's refunds are made before it settles the order: refund-only before shipment
//!   (JD cancels the order), returns applied for right after delivery, the order completing
//!   once they close and settling net of them. Some returns are applied for after the
//!   settlement: JD claws the refund back under a new 商户订单号 (结算单 货款 支出 and the
//!   commission on it given back) within a minute of the refund, and the net leaves the wallet
//!   as a 资金表 row naming only that 商户订单号; the statement ties it to the order.
//! - Refund-only is granted before shipment only; returns, exchanges and reships come after.
//!   Returned goods are received before the refund, except 极速退款 refunds of the last week,
//!   whose goods arrive after the cut-off (pending).
//! - After-sales open at the cut-off were applied for within its last three days (refunds
//!   that complete next month: pending); orders finished in its last two days may still wait
//!   for their money (pending).
//! - Discounts stay within 35 % of the goods; the ERP's order status always follows the
//!   platform's.
//!
//! Line numbers: every file holds one record per physical line (per sheet row for workbooks),
//! in time order, after a fixed preamble ([`FILES`]: `first_line` is the line of the first
//! record). The file writers' default shapes follow the same layout; `Scenario::dataset`
//! cites these lines as evidence.
//!
//! UNCONFIRMED facts chosen here: a WeChat 资金账单 退款 row's 收支金额 is the refund itself
//! (the returned fee named in its memo), not the refund net of that fee (formats.md §2.3); a
//! 京东钱包 资金表 holds one row per 商户订单号 with the net of that settlement's 结算表 rows,
//! and JD gives each order's settlement its own 商户订单号 (formats.md §4.2).

mod deal;
mod emit;
mod files;
mod ids;
mod plant;
mod rng;

use duizhang_core::{Dataset, Fen, FileId, FlowKind, Label, Period, Record, SourceFile, SourceRef};
use duizhang_engine::Settings;
use duizhang_engine::settings::ShopSettings;

use emit::{Ctx, Out};
pub use files::{render, write_planted, write_scenario};
use ids::{Clock, DAY, HOUR, MINUTE, Numbers};
use rng::Rng;

pub use plant::{NOT_PLANTED, PLANTED_CODES};

/// The demo's shops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shop {
    Tmall,
    Taobao,
    Pdd,
    Wechat,
    Douyin,
    Jd,
}

impl Shop {
    /// The shop id in settings and findings.
    pub fn id(self) -> &'static str {
        match self {
            Shop::Tmall => "tmall",
            Shop::Taobao => "taobao",
            Shop::Pdd => "pdd",
            Shop::Wechat => "wechat",
            Shop::Douyin => "douyin",
            Shop::Jd => "jd",
        }
    }
}

/// The files of the scenario, in this order (file ids are these indices).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FileSlot {
    AlipayFunds,
    TaobaoOrders,
    TaobaoItems,
    TaobaoRefunds,
    WechatTrade,
    WechatFunds,
    PddFunds,
    PddOrders,
    ErpOrders,
    ErpAfterSales,
    ErpShipments,
    ErpReceipts,
    ErpComplaints,
    DouyinOrders,
    DouyinFunds,
    DouyinSettlements,
    JdOrders,
    JdWalletBill,
    JdWalletFunds,
    TaobaoTrades,
    TaobaoAlipayFunds,
}

impl FileSlot {
    pub const COUNT: usize = 21;

    /// Position in [`FILES`] (and the file id).
    pub fn index(self) -> usize {
        match self {
            FileSlot::AlipayFunds => 0,
            FileSlot::TaobaoOrders => 1,
            FileSlot::TaobaoItems => 2,
            FileSlot::TaobaoRefunds => 3,
            FileSlot::WechatTrade => 4,
            FileSlot::WechatFunds => 5,
            FileSlot::PddFunds => 6,
            FileSlot::PddOrders => 7,
            FileSlot::ErpOrders => 8,
            FileSlot::ErpAfterSales => 9,
            FileSlot::ErpShipments => 10,
            FileSlot::ErpReceipts => 11,
            FileSlot::ErpComplaints => 12,
            FileSlot::DouyinOrders => 13,
            FileSlot::DouyinFunds => 14,
            FileSlot::DouyinSettlements => 15,
            FileSlot::JdOrders => 16,
            FileSlot::JdWalletBill => 17,
            FileSlot::JdWalletFunds => 18,
            FileSlot::TaobaoTrades => 19,
            FileSlot::TaobaoAlipayFunds => 20,
        }
    }
}

/// A file of the scenario: download-style name, importer id, and the physical line of its
/// first record (after preamble and header).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileKind {
    pub name: &'static str,
    pub format: &'static str,
    pub first_line: u32,
}

/// The one table of file names and format ids (in [`FileSlot`] order).
pub const FILES: [FileKind; FileSlot::COUNT] = [
    // `#` preamble of 4 lines, header on line 5.
    FileKind {
        name: "20880000000000000156_202610_账务明细.csv",
        format: "alipay.fund_flow",
        first_line: 6,
    },
    FileKind {
        name: "ExportOrderList202611010930.csv",
        format: "taobao.orders",
        first_line: 2,
    },
    FileKind {
        name: "ExportOrderDetailList202611010930.csv",
        format: "taobao.order_items",
        first_line: 2,
    },
    FileKind {
        name: "退款报表_202610.xlsx",
        format: "taobao.refunds",
        first_line: 2,
    },
    // Header on line 1 (after the BOM); the summary follows the rows.
    FileKind {
        name: "1900000109_交易账单_ALL_202610.csv",
        format: "wechat.trade_bill",
        first_line: 2,
    },
    FileKind {
        name: "1900000109_资金账单_基本账户_202610.csv",
        format: "wechat.fund_bill",
        first_line: 2,
    },
    // Title, blank line, period, dashed marker, header on line 5.
    FileKind {
        name: "拼多多货款明细_202610.csv",
        format: "pdd.fund_flow",
        first_line: 6,
    },
    FileKind {
        name: "拼多多订单导出_202610.csv",
        format: "pdd.orders",
        first_line: 2,
    },
    FileKind {
        name: "ERP订单_202610.csv",
        format: "erp.order",
        first_line: 2,
    },
    FileKind {
        name: "ERP售后单_202610.csv",
        format: "erp.after_sale",
        first_line: 2,
    },
    FileKind {
        name: "ERP发货单_202610.csv",
        format: "erp.shipment",
        first_line: 2,
    },
    FileKind {
        name: "ERP退货入库单_202610.csv",
        format: "erp.return_receipt",
        first_line: 2,
    },
    FileKind {
        name: "客服工单_202610.csv",
        format: "erp.complaint",
        first_line: 2,
    },
    FileKind {
        name: "抖店订单导出_202610.csv",
        format: "douyin.orders",
        first_line: 2,
    },
    FileKind {
        name: "抖店资金流水_202610.csv",
        format: "douyin.fund_flow",
        first_line: 2,
    },
    // Header, then a legend row (` , , ,收入+支出, …`), then the rows.
    FileKind {
        name: "抖店结算账单_202610.csv",
        format: "douyin.settlement",
        first_line: 3,
    },
    // One row per goods line; the order's amounts repeat on each of its lines.
    FileKind {
        name: "京东订单导出_202610.csv",
        format: "jd.orders",
        first_line: 2,
    },
    // The 结算表 and 资金表 of the 京东钱包 bill, each downloaded as a CSV.
    FileKind {
        name: "京东钱包结算单_202610.csv",
        format: "jd.wallet_bill",
        first_line: 2,
    },
    FileKind {
        name: "京东钱包资金表_202610.csv",
        format: "jd.wallet_funds",
        first_line: 2,
    },
    // JSON Lines: one `taobao.trade.fullinfo.get` response per line.
    FileKind {
        name: "淘宝店交易_trade_fullinfo_202610.jsonl",
        format: "taobao.trades_api",
        first_line: 1,
    },
    FileKind {
        name: "20880000000000000271_202610_账务明细.csv",
        format: "alipay.fund_flow",
        first_line: 6,
    },
];

/// A generated period: settings, files (as records) and the problems planted in them.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub period: Period,
    pub seed: u64,
    /// Orders asked for (planted orders included).
    pub orders: usize,
    pub settings: Settings,
    pub files: Vec<PlannedFile>,
    pub planted: Vec<Planted>,
}

/// One file of the scenario and the records its importer will read from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedFile {
    pub name: String,
    pub format: &'static str,
    pub records: Vec<Record>,
}

/// A planted problem, named like the finding it must produce (CHECKS.md identity).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Planted {
    pub code: &'static str,
    pub shop: String,
    pub order_no: Option<String>,
    pub refund_no: Option<String>,
    pub txn_no: Option<String>,
    pub sku: Option<String>,
    /// What was planted, in Chinese.
    pub note: String,
}

impl Planted {
    /// (code, shop, the most specific of refund_no / order_no / txn_no, sku), as
    /// `Finding::identity`.
    pub fn identity(&self) -> (String, String, String, String) {
        let key = self
            .refund_no
            .clone()
            .or_else(|| self.order_no.clone())
            .or_else(|| self.txn_no.clone())
            .unwrap_or_default();
        (
            self.code.to_string(),
            self.shop.clone(),
            key,
            self.sku.clone().unwrap_or_default(),
        )
    }
}

/// The smallest and largest sizes `generate` accepts.
pub const MIN_ORDERS: usize = 50;
pub const MAX_ORDERS: usize = 2_000_000;

/// The demo's period.
pub fn period() -> Period {
    Period::year_month(2026, 10).unwrap_or_else(|| unreachable!())
}

/// The seller's settings: six shops with their accounts and rates.
pub fn settings() -> Settings {
    let shop = |id: &str,
                name: &str,
                platform,
                alias: &str,
                account: Option<&str>,
                fee: &str,
                commission: Option<&str>| ShopSettings {
        id: id.into(),
        name: Some(name.into()),
        platform,
        aliases: vec![alias.into()],
        fund_accounts: account.map(|a| vec![a.to_string()]).unwrap_or_default(),
        payment_fee_rate: Some(fee.into()),
        commission_rate: commission.map(Into::into),
        checks: Default::default(),
    };
    Settings {
        shops: vec![
            shop(
                Shop::Tmall.id(),
                emit::TMALL_NAME,
                duizhang_core::Platform::Tmall,
                emit::TMALL_ERP,
                Some(emit::ALIPAY_ACCOUNT),
                &emit::TMALL_CREDIT_FEE.to_string(),
                Some(&emit::TMALL_COMMISSION.to_string()),
            ),
            shop(
                Shop::Pdd.id(),
                emit::PDD_NAME,
                duizhang_core::Platform::Pdd,
                emit::PDD_ERP,
                None,
                &emit::PDD_SERVICE_FEE.to_string(),
                None,
            ),
            shop(
                Shop::Wechat.id(),
                emit::WECHAT_NAME,
                duizhang_core::Platform::Wechat,
                emit::WECHAT_ERP,
                Some(emit::WECHAT_MCH),
                &emit::WECHAT_FEE.to_string(),
                None,
            ),
            shop(
                Shop::Taobao.id(),
                emit::TAOBAO_NAME,
                duizhang_core::Platform::Taobao,
                emit::TAOBAO_ERP,
                Some(emit::TAOBAO_ALIPAY),
                &emit::TMALL_CREDIT_FEE.to_string(),
                None,
            ),
            ShopSettings {
                payment_fee_rate: None,
                ..shop(
                    Shop::Douyin.id(),
                    emit::DOUYIN_NAME,
                    duizhang_core::Platform::Douyin,
                    emit::DOUYIN_ERP,
                    None,
                    "",
                    None,
                )
            },
            ShopSettings {
                payment_fee_rate: None,
                ..shop(
                    Shop::Jd.id(),
                    emit::JD_NAME,
                    duizhang_core::Platform::Jd,
                    emit::JD_ERP,
                    Some(emit::JD_MERCHANT),
                    "",
                    Some(&emit::JD_COMMISSION.to_string()),
                )
            },
        ],
        checks: Default::default(),
    }
}

/// Generates the period for about `orders` orders (clamped to
/// [`MIN_ORDERS`]..=[`MAX_ORDERS`]); the same seed always gives the same scenario.
pub fn generate(orders: usize, seed: u64) -> Scenario {
    // Labels (shops, statuses, titles …) are shared across the scenario's records.
    Label::interning(|| generate_shared(orders, seed))
}

fn generate_shared(orders: usize, seed: u64) -> Scenario {
    let orders = orders.clamp(MIN_ORDERS, MAX_ORDERS);
    let clock = Clock::new(period());
    let mut root = Rng::new(seed);
    let mut nums = Numbers::new(seed);
    let mut out = Out::new(orders);
    let plan = plant::schedule(orders);
    let mut planted = Vec::with_capacity(plan.len());
    let tmall = orders * 38 / 100;
    let pdd = orders / 4;
    let douyin = orders / 10;
    let jd = orders / 10;
    let taobao = orders * 8 / 100;
    let shares = [
        (Shop::Tmall, tmall),
        (Shop::Pdd, pdd),
        (Shop::Wechat, orders - tmall - pdd - douyin - jd - taobao),
        (Shop::Douyin, douyin),
        (Shop::Jd, jd),
        (Shop::Taobao, taobao),
    ];
    for (salt, (shop, n)) in (1u64..).zip(shares) {
        let mut rng = root.fork(salt);
        let mine: Vec<&'static str> = plan
            .iter()
            .filter(|(code, s)| *s == shop && plant::needs_order(code))
            .map(|(code, _)| *code)
            .collect();
        let m = mine.len();
        // Planted orders spread evenly over the shop's orders.
        let mut slots = (0..m)
            .map(|j| ((2 * j + 1) * n / (2 * m), mine[j]))
            .peekable();
        let mut c = Ctx {
            clock: &clock,
            nums: &mut nums,
            rng: &mut rng,
            out: &mut out,
        };
        for i in 0..n {
            match slots.next_if(|(at, _)| *at == i) {
                Some((_, code)) => planted.push(plant::plant(&mut c, code, shop, 0)),
                None => {
                    let d = deal::clean(c.rng, c.nums, c.clock, shop);
                    emit::clean(&mut c, &d);
                }
            }
        }
    }
    let mut rng = root.fork(99);
    let mut c = Ctx {
        clock: &clock,
        nums: &mut nums,
        rng: &mut rng,
        out: &mut out,
    };
    let mut serial = std::collections::BTreeMap::<&str, usize>::new();
    for (code, shop) in &plan {
        if !plant::needs_order(code) {
            let k = serial.entry(code).or_default();
            planted.push(plant::plant(&mut c, code, *shop, *k));
            *k += 1;
        }
    }
    withdrawals(&mut c, &plan);
    let files = finish(out, orders);
    Scenario {
        period: period(),
        seed,
        orders,
        settings: settings(),
        files,
        planted,
    }
}

/// Daily withdrawals from the Tmall shop's Alipay account, weekly ones from the Taobao shop's,
/// WeChat Pay and the 京东钱包 (amounts follow the balance).
fn withdrawals(c: &mut Ctx<'_>, plan: &[(&str, Shop)]) {
    for day in 1..31 {
        let at = day * DAY + 9 * HOUR + 30 * MINUTE;
        if !plant::planted_withdrawal_day(day, plan) {
            let biz = c.nums.alipay_biz(c.clock, at);
            emit::alipay_withdrawal(c, Shop::Tmall, at, &biz);
        }
        if day % 7 == 4 {
            let at = day * DAY + 10 * HOUR;
            let biz = format!("{}{}", emit::WECHAT_MCH, c.clock.ymd(at));
            emit::wechat_flow(
                c,
                at,
                &biz,
                None,
                None,
                FlowKind::Withdrawal,
                "提现",
                Fen::ZERO,
                Some("提现到银行卡".into()),
                None,
            );
        }
        if day % 7 == 2 {
            emit::jd_withdrawal(c, day * DAY + 10 * HOUR + 30 * MINUTE);
        }
        if day % 7 == 5 {
            let at = day * DAY + 9 * HOUR + 40 * MINUTE;
            let biz = c.nums.alipay_biz(c.clock, at);
            emit::alipay_withdrawal(c, Shop::Taobao, at, &biz);
        }
    }
}

/// Sorts each file by time, sets balances and withdrawal amounts, and numbers the lines.
fn finish(mut out: Out, orders: usize) -> Vec<PlannedFile> {
    let opening = Fen::new(i64::try_from(orders).unwrap_or(0) * 1_500 + 8_000_000);
    let breaks = std::mem::take(&mut out.breaks);
    let times = std::mem::take(&mut out.times);
    out.files
        .into_iter()
        .zip(times)
        .zip(FILES)
        .enumerate()
        .map(|(index, ((rows, times), kind))| {
            let mut records = in_time_order(rows, &times);
            if matches!(
                kind.format,
                "alipay.fund_flow" | "wechat.fund_bill" | "jd.wallet_funds"
            ) {
                balances(&mut records, opening, &breaks);
                // A balance too small to withdraw a hundred 元 from leaves no 提现 row.
                records.retain(|r| {
                    !matches!(r, Record::FundFlow(f) if f.kind == FlowKind::Withdrawal && f.amount.is_zero())
                });
            }
            let file = FileId(u32::try_from(index).unwrap_or(u32::MAX));
            // The 资金表 has no row id: a row goes by its 商户订单号 (a new one per statement
            // and withdrawal), as the importer reads it.
            for (r, line) in records.iter_mut().zip(kind.first_line..) {
                set_source(r, SourceRef { file, line });
            }
            PlannedFile {
                name: kind.name.to_string(),
                format: kind.format,
                records,
            }
        })
        .collect()
}

/// The records sorted by time, ties in the order they were made. Sorts small keys, then
/// moves the (large) records into place along the permutation's cycles, without a copy.
fn in_time_order(mut rows: Vec<Record>, times: &[ids::Secs]) -> Vec<Record> {
    let mut order: Vec<(ids::Secs, u32)> = times.iter().zip(0u32..).map(|(t, i)| (*t, i)).collect();
    order.sort_unstable();
    let from: Vec<usize> = order
        .iter()
        .map(|(_, i)| usize::try_from(*i).unwrap_or(usize::MAX))
        .collect();
    drop(order);
    duizhang_core::dataset::permute(&mut rows, &from);
    rows
}

/// Running balance from `opening`; a withdrawal takes 40 % of the balance (in whole
/// hundreds of 元), and a second row of the same withdrawal the same amount again.
fn balances(rows: &mut [Record], opening: Fen, breaks: &[(String, Fen)]) {
    let mut balance = opening;
    let mut last: Option<(duizhang_core::Text, Fen)> = None;
    for r in rows.iter_mut() {
        let Record::FundFlow(f) = r else { continue };
        if f.kind == FlowKind::Withdrawal && f.amount.is_zero() {
            let same = last
                .as_ref()
                .filter(|(biz, _)| Some(biz) == f.business_no.as_ref());
            f.amount = match same {
                Some((_, amount)) => *amount,
                None => -Fen::new(balance.get() * 40 / 100 / 10_000 * 10_000),
            };
            last = f.business_no.clone().map(|b| (b, f.amount));
            if let Some((_, gap)) = breaks.iter().find(|(t, _)| *t == f.txn_no) {
                balance += *gap;
            }
        }
        balance += f.amount;
        f.balance = Some(balance);
    }
}

fn set_source(r: &mut Record, s: SourceRef) {
    match r {
        Record::Order(o) => {
            o.source = s;
            for l in &mut o.lines {
                l.source = s;
            }
        }
        Record::AfterSale(a) => {
            a.source = s;
            for l in &mut a.lines {
                l.source = s;
            }
        }
        Record::FundFlow(x) => x.source = s,
        Record::Payment(x) => x.source = s,
        Record::Settlement(x) => x.source = s,
        Record::ErpOrder(x) => x.source = s,
        Record::Shipment(x) => x.source = s,
        Record::ReturnReceipt(x) => x.source = s,
        Record::Complaint(x) => x.source = s,
    }
}

impl Scenario {
    /// The dataset an import of the written files yields: one source file per planned file,
    /// records citing the lines the writers put them on.
    pub fn dataset(&self) -> Dataset {
        let mut data = self.empty_dataset();
        for f in &self.files {
            for r in &f.records {
                data.push(r.clone());
            }
        }
        data
    }

    /// As [`Scenario::dataset`], without copying the records (for large sizes).
    pub fn into_dataset(self) -> Dataset {
        let mut data = self.empty_dataset();
        for f in self.files {
            for r in f.records {
                data.push(r);
            }
        }
        data
    }

    /// The file table, with room for every record.
    fn empty_dataset(&self) -> Dataset {
        let mut data = Dataset::default();
        for (i, f) in self.files.iter().enumerate() {
            data.files.push(source_file(i, f));
            let n = f.records.len();
            match f.records.first() {
                Some(Record::Order(_)) => data.orders.reserve(n),
                Some(Record::AfterSale(_)) => data.after_sales.reserve(n),
                Some(Record::FundFlow(_)) => data.fund_flows.reserve(n),
                Some(Record::Payment(_)) => data.payments.reserve(n),
                Some(Record::Settlement(_)) => data.settlements.reserve(n),
                Some(Record::ErpOrder(_)) => data.erp_orders.reserve(n),
                Some(Record::Shipment(_)) => data.shipments.reserve(n),
                Some(Record::ReturnReceipt(_)) => data.return_receipts.reserve(n),
                Some(Record::Complaint(_)) => data.complaints.reserve(n),
                None => {}
            }
        }
        data
    }

    /// Records in all files.
    pub fn record_count(&self) -> usize {
        self.files.iter().map(|f| f.records.len()).sum()
    }
}

fn source_file(index: usize, f: &PlannedFile) -> SourceFile {
    SourceFile {
        id: FileId(u32::try_from(index).unwrap_or(u32::MAX)),
        name: f.name.clone(),
        format: f.format.to_string(),
    }
}
