//! Pinduoduo (formats.md §5.1, §5.2; CHECKS.md "Money timing").
//!
//! One goods per order. The buyer's money waits with the platform (货款 pending) until
//! 确认收货; then the 货款明细 shows one 交易收入 row of 实付 less the refunds already made and a
//! 技术服务费 row of 0.6 % of it (四舍五入). A refund before that is deducted before settlement
//! and leaves no row; one after it is a 交易退款 row. Rows carry no row id or balance.
//!
//! Files: the order export (GBK CSV, one row per order, 用户实付金额 includes 邮费), the
//! 货款明细 (GBK CSV with its `#` footers), and the ERP's files, which hold the shop's
//! after-sales (PDD's own 售后 export has no public layout).

use duizhang_core::{
    Fen, FlowKind, FundFlowRow, FundProvider, Order, OrderLine, Platform, RatePpm,
};
use duizhang_samples::bytes::Encoding;
use duizhang_samples::write::pdd;

use super::{Numbers, Start, StatusTexts, flow_row, line_of, order_of, start, with_erp_files};
use crate::erp;
use crate::month::{Files, Month, Shop};
use crate::rng::Rng;
use crate::story::{Clock, Rules};

pub fn shop() -> Shop {
    Shop {
        id: "pdd",
        name: "青禾生活拼多多店",
        platform: Platform::Pdd,
        accounts: Vec::new(),
    }
}

pub const RULES: Rules = Rules {
    postage: true,
    confirm_days: (4, 12),
    release_lag: (0, 60),
    one_line: true,
};

/// 基础技术服务费: 0.6 % of what the order brought in.
pub fn service_fee(net: Fen) -> Fen {
    RatePpm(6_000).apply(net)
}

/// 订单号 `yymmdd-` and 15 digits; 售后单号 12 digits.
const START: Start = Start {
    rules: &RULES,
    numbers: Numbers {
        order: |seq, paid| {
            let d = paid.date();
            format!(
                "{:02}{:02}{:02}-{:015}",
                d.year() % 100,
                d.month(),
                d.day(),
                500_000_000_000_000 + seq
            )
        },
        refund: |seq| format!("{:012}", 300_000_000_000 + seq),
    },
    opening: Fen::ZERO,
};

pub fn month(seed: u64, clock: Clock, n: usize) -> Month {
    let (mut m, mut rng) = start(seed, clock, n, shop(), &START);
    render(&mut m, &mut rng);
    m
}

/// Every source's records of the month's stories at its cut-off.
pub fn render(m: &mut Month, _: &mut Rng) {
    orders(m);
    money(m);
    erp::fill(m, true);
}

/// What the order export says of an order's state (formats.md).
const ORDER_STATUS: StatusTexts = StatusTexts {
    closed: "已取消",
    finished: "已收货",
    shipped: "已发货，待收货",
    paid: "待发货",
};

fn orders(m: &mut Month) {
    let clock = m.clock;
    for d in &m.deals {
        let l = &d.lines[0];
        m.orders.push(Order {
            seller_discount: Some(d.discount()),
            platform_discount: Some(Fen::ZERO),
            seller_receivable: Some(d.paid()),
            lines: vec![OrderLine {
                unit_price: Some(l.price),
                goods: Some(l.goods),
                discount: Some(l.discount),
                // The line's goods money: the writer adds the 邮费 into 用户实付金额, which is
                // what the buyer paid, postage included (formats.md §5.4).
                paid: Some(d.paid() - d.postage),
                ..line_of(l)
            }],
            ..order_of(d, &clock, Platform::Pdd, &ORDER_STATUS)
        });
    }
}

fn row(
    clock: &Clock,
    t: i64,
    order: &str,
    kind: FlowKind,
    text: &str,
    amount: Fen,
    memo: &str,
) -> FundFlowRow {
    FundFlowRow {
        order_no: Some(order.into()),
        merchant_ref: Some(order.into()),
        memo: Some(memo.into()),
        ..flow_row(
            FundProvider::Pdd,
            None,
            format!("{order}-{t}-{}", amount.get()),
            kind,
            text,
            amount,
            clock.at(t),
        )
    }
}

fn money(m: &mut Month) {
    let clock = m.clock;
    let cut = clock.cut_off;
    for d in &m.deals {
        let Some(r) = d.released_at.filter(|&r| r < cut) else {
            continue;
        };
        let income = d.paid() - d.refunded_before(r);
        if income.get() > 0 {
            m.flows.push(row(
                &clock,
                r,
                &d.order_no,
                FlowKind::Income,
                "交易收入",
                income,
                "-；0010002|交易收入-订单收入",
            ));
            let fee = service_fee(income);
            if fee.get() > 0 {
                m.flows.push(row(
                    &clock,
                    r,
                    &d.order_no,
                    FlowKind::Fee,
                    "技术服务费",
                    -fee,
                    "基础技术服务费；0030002|技术服务费-基础技术服务费",
                ));
            }
        }
        for s in d.sales.iter().filter(|s| s.is_refund()) {
            if let Some(done) = s.done_at.filter(|&t| t >= r && t + 30 < cut) {
                m.flows.push(row(
                    &clock,
                    done + 30,
                    &d.order_no,
                    FlowKind::Refund,
                    "交易退款",
                    -s.amount,
                    "-；0020002|交易退款-订单退款",
                ));
            }
        }
    }
    m.flows.sort_by_key(|f| f.occurred_at);
}

pub fn files(m: &Month) -> Files {
    let p = m.period();
    let fund = pdd::FundOptions {
        from: p.start(),
        to: m.clock.cut_off_time(),
        exported_at: m.clock.cut_off_time().plus_days(1),
        ..pdd::FundOptions::default()
    };
    with_erp_files(
        m,
        vec![
            (
                "拼多多订单导出.csv".to_string(),
                pdd::orders(&m.orders, Encoding::Gbk, true),
            ),
            (
                "拼多多货款明细.csv".to_string(),
                pdd::fund_flow(&m.flows, &fund),
            ),
        ],
    )
}

pub const WORLD: crate::world::World = crate::world::World {
    platform: Platform::Pdd,
    month,
    render,
    files,
};

/// The codes a Pinduoduo month can carry honestly: no balances or row ids in the 货款明细
/// (no BALANCE_BREAK), no fee rate without settings (no FEE_MISMATCH).
pub const PLANTED: &[&str] = &[
    "REFUND_UNPAID",
    "REFUND_AMOUNT_MISMATCH",
    "REFUND_ORPHAN",
    "REFUND_EXCEEDS_PAID",
    "PAYMENT_MISSING",
    "PAYMENT_AMOUNT_MISMATCH",
    "PAYMENT_ORPHAN",
    "RETURN_MISMATCH",
    "RETURN_NOT_RECEIVED",
    "RECEIVED_NOT_REFUNDED",
    "REFUND_ONLY_SHIPPED",
    "AFTERSALE_OVERDUE",
    "SHIPPED_AFTER_REFUND",
    "DUPLICATE_SHIPMENT",
    "STATUS_MISMATCH",
    "EXCHANGE_OPEN",
    "ORDER_AMOUNT_ERROR",
    "DISCOUNT_EXCESSIVE",
];
