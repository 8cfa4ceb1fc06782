//! Tmall with Alipay 担保交易 (formats.md §1.4, §3.1, §3.2; CHECKS.md "Money timing").
//!
//! The buyer's money waits in Alipay escrow until 确认收货. Then one 交易付款 row brings the
//! order's 实付 less the refunds already made into the seller's 账务明细, and a 交易分账 row
//! per remaining sub-order takes Tmall's commission (5 % of that line's net, 四舍五入). A
//! refund before the confirmation is paid from escrow and leaves no row; a trade refunded
//! whole closes (交易关闭) with no row at all. A refund after it is a 交易退款 outflow a minute
//! or two after 退款完结时间. The shop withdraws (提现) each morning.
//!
//! Files: 订单报表 + 宝贝报表 (GBK CSV, newer columns: 确认收货时间, 打款商家金额 …),
//! 退款报表 (variant B, one row per refunded sub-order, goods named by 商品编码 only),
//! 账务明细 (12 columns, GBK) and the ERP's files.

use duizhang_core::{
    AfterSale, AfterSaleLine, AfterSalePhase, AfterSaleStatus, Fen, FlowKind, FundFlowRow,
    FundProvider, Order, OrderLine, Platform, RatePpm,
};
use duizhang_samples::write::{alipay, sheet::Shape, taobao};

use super::{Numbers, Start, StatusTexts, flow_row, line_of, order_of, start, with_erp_files};
use crate::erp::{self, src};
use crate::month::{Month, Shop};
use crate::rng::Rng;
use crate::story::{Clock, DAY, HOUR, Rules, SaleKind};

pub const ACCOUNT: &str = "20881234567890120156";

pub fn shop() -> Shop {
    Shop {
        id: "tmall",
        name: "青禾生活旗舰店",
        platform: Platform::Tmall,
        accounts: vec![ACCOUNT.into()],
    }
}

pub const RULES: Rules = Rules {
    postage: false,
    confirm_days: (3, 10),
    release_lag: (0, 20),
    one_line: false,
};

/// Tmall's commission in this world: 5 % of what the line brought in.
pub fn commission(net: Fen) -> Fen {
    RatePpm(50_000).apply(net)
}

/// A Taobao C shop (集市店) of the same seller: the same escrow and files, but its orders
/// come in today's 订单导出 (one row per 子订单 with its own paid amount, formats.md §3.2b)
/// and no platform commission is taken.
pub const TAOBAO_ACCOUNT: &str = "20889876543210980156";

pub fn taobao_shop() -> Shop {
    Shop {
        id: "taobao",
        name: "青禾生活淘宝店",
        platform: Platform::Taobao,
        accounts: vec![TAOBAO_ACCOUNT.into()],
    }
}

/// A month of `n` orders of the Tmall shop.
pub fn month(seed: u64, clock: Clock, n: usize) -> Month {
    month_of(shop(), seed, clock, n)
}

/// A month of `n` orders of the Taobao C shop.
pub fn taobao_month(seed: u64, clock: Clock, n: usize) -> Month {
    month_of(taobao_shop(), seed, clock, n)
}

/// 订单编号 `4` and 18 digits; 退款编号 `2` and 17.
const START: Start = Start {
    rules: &RULES,
    numbers: Numbers {
        order: |seq, _| format!("4{:018}", 3_100_000_000_000_000 + seq),
        refund: |seq| format!("2{:017}", 60_000_000_000_000 + seq),
    },
    opening: Fen::new(5_000_000),
};

fn month_of(shop: Shop, seed: u64, clock: Clock, n: usize) -> Month {
    let (mut m, mut rng) = start(seed, clock, n, shop, &START);
    let (clock, base) = (m.clock, (seed % 1000) * 1_000_000);
    for (k, d) in m.deals.iter_mut().enumerate() {
        let paid = clock.at(d.paid_at).date();
        d.payment_no = format!(
            "{:04}{:02}{:02}22001{:015}",
            paid.year(),
            paid.month(),
            paid.day(),
            base + u64::try_from(k).unwrap_or(0)
        );
    }
    render(&mut m, &mut rng);
    m
}

/// Every source's records of the month's stories at its cut-off.
pub fn render(m: &mut Month, rng: &mut Rng) {
    orders(m);
    refunds(m);
    money(m, rng);
    erp::fill(m, false);
}

/// What the order export says of an order's state (formats.md).
const ORDER_STATUS: StatusTexts = StatusTexts {
    closed: "交易关闭",
    finished: "交易成功",
    shipped: "卖家已发货，等待买家确认",
    paid: "买家已付款，等待卖家发货",
};

fn orders(m: &mut Month) {
    let clock = m.clock;
    for d in &m.deals {
        let refunded = d.refunded(&clock);
        let released = d.confirmed_at.map(|c| d.paid() - d.refunded_before(c));
        m.orders.push(Order {
            shop: Some(m.shop.name.into()),
            seller_receivable: released,
            refunded: Some(refunded),
            payment_no: Some(d.payment_no.as_str().into()),
            lines: d
                .lines
                .iter()
                .map(|l| OrderLine {
                    sub_order_no: Some(l.sub_no.as_str().into()),
                    unit_price: Some(l.price),
                    goods: Some(l.goods),
                    discount: Some(l.discount),
                    paid: Some(l.paid),
                    ..line_of(l)
                })
                .collect(),
            ..order_of(d, &clock, m.shop.platform, &ORDER_STATUS)
        });
    }
}

/// The 退款报表: one row per refund of a sub-order (exchanges and reships are not refunds:
/// the ERP holds them).
fn refunds(m: &mut Month) {
    let clock = m.clock;
    for d in &m.deals {
        for s in d.sales.iter().filter(|s| s.is_refund()) {
            let line = &d.lines[s.line];
            let (status, text) = match (s.done_at, s.kind, s.received_at) {
                (Some(_), ..) => (AfterSaleStatus::Completed, "退款成功"),
                (None, SaleKind::Return, Some(_)) => (
                    AfterSaleStatus::WaitingReceive,
                    "买家已经退货，等待卖家确认收货",
                ),
                (None, SaleKind::Return, None) => (
                    AfterSaleStatus::WaitingReturn,
                    "卖家已经同意退款，等待买家退货",
                ),
                (None, ..) => (
                    AfterSaleStatus::PendingReview,
                    "买家已经申请退款，等待卖家同意",
                ),
            };
            let phase = if d.confirmed_at.is_some_and(|c| c < s.applied_at) {
                AfterSalePhase::AfterSale
            } else {
                AfterSalePhase::OnSale
            };
            m.after_sales.push(AfterSale {
                platform: m.shop.platform,
                shop: None,
                order_no: d.order_no.as_str().into(),
                refund_no: s.refund_no.as_str().into(),
                kind: erp::kind(s.kind),
                phase: Some(phase),
                status,
                status_text: text.into(),
                paid: Some(line.paid),
                requested: Some(s.amount),
                refunded: if s.done_at.is_some() {
                    s.amount
                } else {
                    Fen::ZERO
                },
                applied_at: Some(clock.at(s.applied_at)),
                completed_at: s.done_at.map(|t| clock.at(t)),
                reason: Some(
                    if s.kind == SaleKind::Return {
                        "7天无理由退换货"
                    } else {
                        "不想要了"
                    }
                    .into(),
                ),
                payment_no: Some(d.payment_no.as_str().into()),
                lines: vec![AfterSaleLine {
                    sku: Some(line.sku.into()),
                    sub_order_no: None,
                    quantity: None,
                    refund: None,
                    source: src(),
                }],
                source: src(),
            });
        }
    }
}

struct Flows<'a> {
    account: &'a str,
    next: u64,
    base: u64,
    clock: &'a Clock,
    rows: Vec<FundFlowRow>,
}

impl Flows<'_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        t: i64,
        kind: FlowKind,
        text: &str,
        amount: Fen,
        order: Option<&str>,
        business: Option<String>,
        counterparty: &str,
        memo: String,
    ) {
        self.next += 1;
        let at = self.clock.at(t);
        let d = at.date();
        let txn_no = format!(
            "{:04}{:02}{:02}{:012}",
            d.year(),
            d.month(),
            d.day(),
            self.base + self.next
        );
        self.rows.push(FundFlowRow {
            business_no: business.map(Into::into),
            order_no: order.map(Into::into),
            merchant_ref: order.map(|o| format!("T200P{o}").into()),
            counterparty: Some(counterparty.into()),
            memo: Some(memo.into()),
            ..flow_row(
                FundProvider::Alipay,
                Some(self.account),
                txn_no,
                kind,
                text,
                amount,
                at,
            )
        });
    }
}

fn money(m: &mut Month, rng: &mut Rng) {
    let clock = m.clock;
    let cut = clock.cut_off;
    let account = m.shop.accounts[0].clone();
    let takes_commission = m.shop.platform == Platform::Tmall;
    let mut f = Flows {
        account: &account,
        next: 0,
        base: 0,
        clock: &clock,
        rows: Vec::new(),
    };
    for d in &m.deals {
        let tid = d.order_no.as_str();
        if let Some(r) = d.released_at.filter(|&r| r < cut) {
            let income = d.paid() - d.refunded_before(r);
            if income.get() > 0 {
                f.push(
                    r,
                    FlowKind::Income,
                    "交易付款",
                    income,
                    Some(tid),
                    Some(d.payment_no.clone()),
                    "*明(138****0000)",
                    String::new(),
                );
            }
            for (i, l) in d.lines.iter().enumerate() {
                let net = l.paid - d.line_refunded_before(i, r);
                let fee = if takes_commission {
                    commission(net)
                } else {
                    Fen::ZERO
                };
                if fee.get() > 0 {
                    f.push(
                        r + 1,
                        FlowKind::Commission,
                        "交易分账",
                        -fee,
                        Some(tid),
                        Some(d.payment_no.clone()),
                        "天猫技术有限公司",
                        format!("天猫佣金（类目：居家日用）{{{tid}}}扣款"),
                    );
                }
            }
            for s in d.sales.iter().filter(|s| s.is_refund()) {
                let Some(done) = s.done_at.filter(|&t| t >= r) else {
                    continue;
                };
                let paid_out = done + rng.range(5, 150);
                if paid_out < cut {
                    f.push(
                        paid_out,
                        FlowKind::Refund,
                        "交易退款",
                        -s.amount,
                        Some(tid),
                        Some(format!("{}{}", d.payment_no, &s.refund_no[10..])),
                        "*明(138****0000)",
                        format!("售后退款-{tid}"),
                    );
                }
            }
        }
    }
    // 提现 each morning: what came in the day before, above a float of 500 元.
    let mut rows = f.rows;
    rows.sort_by_key(|r| r.occurred_at);
    let mut day = DAY + 9 * HOUR;
    let mut balance = m.opening;
    let mut i = 0;
    let mut next = 0u64;
    let mut out = Vec::new();
    while day < cut {
        let at = clock.at(day);
        while i < rows.len() && rows[i].occurred_at < at {
            balance += rows[i].amount;
            out.push(rows[i].clone());
            i += 1;
        }
        let amount = balance - Fen::new(50_000);
        if amount.get() > 0 {
            next += 1;
            let d = at.date();
            out.push(FundFlowRow {
                business_no: Some(
                    format!("TX{:04}{:02}{:02}{next:08}", d.year(), d.month(), d.day()).into(),
                ),
                counterparty: Some("招商银行(尾号1234)".into()),
                memo: Some("提现".into()),
                ..flow_row(
                    FundProvider::Alipay,
                    Some(&account),
                    format!("{:04}{:02}{:02}9{:011}", d.year(), d.month(), d.day(), next),
                    FlowKind::Withdrawal,
                    "提现",
                    -amount,
                    at,
                )
            });
            balance -= amount;
        }
        day += DAY;
    }
    out.extend(rows.drain(i..));
    m.flows = out;
}

/// The month's files in their real shapes.
pub fn files(m: &Month) -> crate::month::Files {
    let p = m.period();
    let tag = format!("{}{:02}", p.year(), p.month());
    let account = m.shop.accounts[0].as_str();
    let order_opts = taobao::OrderOptions::default();
    let fund = alipay::FundOptions {
        account: account.into(),
        from: p.start(),
        to: m.clock.cut_off_time(),
        ..alipay::FundOptions::default()
    };
    let mut out = if m.shop.platform == Platform::Taobao {
        vec![(
            format!("ExportOrderList{tag}.xlsx"),
            taobao::sub_orders(&m.orders, taobao::RowOrder::ByOrder).expect("xlsx"),
        )]
    } else {
        vec![
            (
                format!("ExportOrderList{tag}.csv"),
                taobao::orders(&m.orders, &order_opts).expect("csv"),
            ),
            (
                format!("ExportOrderDetailList{tag}.csv"),
                taobao::order_items(&m.orders, &order_opts).expect("csv"),
            ),
        ]
    };
    out.push((
        format!("退款报表{tag}.csv"),
        taobao::refunds(
            &m.after_sales,
            &taobao::RefundOptions {
                variant: taobao::RefundVariant::B,
                shape: Shape::GBK_CSV,
            },
        )
        .expect("csv"),
    ));
    out.push((
        format!("{account}_{tag}_账务明细.csv"),
        alipay::fund_flow(&m.flows_with_balances(), &fund),
    ));
    with_erp_files(m, out)
}

pub const WORLD: crate::world::World = crate::world::World {
    platform: Platform::Tmall,
    month,
    render,
    files,
};

pub const TAOBAO_WORLD: crate::world::World = crate::world::World {
    platform: Platform::Taobao,
    month: taobao_month,
    render,
    files,
};

/// The codes a Tmall month can carry honestly (no discount columns in the 订单报表, no
/// commission rate in the bill: ORDER_AMOUNT_ERROR, DISCOUNT_* and FEE_MISMATCH cannot be
/// told from these files without settings).
pub const PLANTED: &[&str] = &[
    "REFUND_UNPAID",
    "REFUND_AMOUNT_MISMATCH",
    "REFUND_DUPLICATE",
    "REFUND_ORPHAN",
    "REFUND_EXCEEDS_PAID",
    "PAYMENT_MISSING",
    "PAYMENT_AMOUNT_MISMATCH",
    "PAYMENT_ORPHAN",
    "BALANCE_BREAK",
    "FLOW_DUPLICATE",
    "RETURN_MISMATCH",
    "RETURN_NOT_RECEIVED",
    "RECEIVED_NOT_REFUNDED",
    "REFUND_ONLY_SHIPPED",
    "AFTERSALE_OVERDUE",
    "SHIPPED_AFTER_REFUND",
    "DUPLICATE_SHIPMENT",
    "STATUS_MISMATCH",
    "EXCHANGE_OPEN",
];

/// The Taobao C shop: its sub-order export states each line's paid amount, so the order
/// checks have data; no commission is taken (FLOW_DUPLICATE has no fee row to repeat).
pub const TAOBAO_PLANTED: &[&str] = &[
    "REFUND_UNPAID",
    "REFUND_AMOUNT_MISMATCH",
    "REFUND_DUPLICATE",
    "REFUND_ORPHAN",
    "REFUND_EXCEEDS_PAID",
    "PAYMENT_MISSING",
    "PAYMENT_AMOUNT_MISMATCH",
    "PAYMENT_ORPHAN",
    "BALANCE_BREAK",
    "RETURN_MISMATCH",
    "RETURN_NOT_RECEIVED",
    "REFUND_ONLY_SHIPPED",
    "AFTERSALE_OVERDUE",
    "SHIPPED_AFTER_REFUND",
    "DUPLICATE_SHIPMENT",
    "STATUS_MISMATCH",
    "EXCHANGE_OPEN",
    "DISCOUNT_EXCESSIVE",
];
