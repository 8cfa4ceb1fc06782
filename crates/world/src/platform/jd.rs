//! JD POP (formats.md §4.1, §4.2; CHECKS.md "Money timing": money by the settlement statement).
//!
//! JD settles an order once it completes (确认收货 or automatic), the next hours: the
//! 京东钱包 结算表 shows a 货款 row of 实付 less the refunds already made and a 佣金 row of 6 %
//! of it (四舍五入), under a new 商户订单号; the net arrives in the 资金表 under that number.
//! A refund before the settlement is netted in it; one after it is clawed back through a
//! later settlement (货款 支出 with the commission on it given back) under its own 商户订单号,
//! whose net leaves the wallet. A trade refunded whole before completion is never settled.
//!
//! Files: the order export (classic layout, GBK CSV, `="…"` guards, one row per SKU with the
//! order's 应付金额 repeated on each), the 结算表 and the 资金表 (GBK CSV), and the ERP's files
//! (JD's 售后 export has no public layout).

use duizhang_core::{
    Fen, FlowKind, FundFlowRow, FundProvider, Order, OrderLine, Platform, RatePpm, SettlementRow,
};
use duizhang_samples::write::{jd, sheet::Shape};

use super::{Numbers, Start, StatusTexts, flow_row, line_of, order_of, start, with_erp_files};
use crate::erp::{self, src};
use crate::month::{Files, Month, Shop};
use crate::rng::Rng;
use crate::story::{Clock, HOUR, Rules};

pub const WALLET: &str = "110123456001";

pub fn shop() -> Shop {
    Shop {
        id: "jd",
        name: "青禾生活京东自营旗舰店",
        platform: Platform::Jd,
        accounts: vec![WALLET.into()],
    }
}

pub const RULES: Rules = Rules {
    postage: false,
    confirm_days: (2, 8),
    release_lag: (6 * HOUR, 20 * HOUR),
    one_line: false,
};

pub fn commission(goods: Fen) -> Fen {
    RatePpm(60_000).apply(goods)
}

/// 订单号 `3` and 11 digits; 服务单号 `2` and 9.
const START: Start = Start {
    rules: &RULES,
    numbers: Numbers {
        order: |seq, _| format!("3{:011}", 10_000_000_000 + seq),
        refund: |seq| format!("2{:09}", 100_000_000 + seq),
    },
    opening: Fen::new(3_000_000),
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
    finished: "完成",
    shipped: "等待确认收货",
    paid: "等待出库",
};

fn orders(m: &mut Month) {
    let clock = m.clock;
    for d in &m.deals {
        m.orders.push(Order {
            seller_receivable: Some(d.paid()),
            lines: d
                .lines
                .iter()
                .map(|l| OrderLine {
                    unit_price: Some(l.price),
                    ..line_of(l)
                })
                .collect(),
            ..order_of(d, &clock, Platform::Jd, &ORDER_STATUS)
        });
    }
}

fn money(m: &mut Month) {
    let clock = m.clock;
    let cut = clock.cut_off;
    let mut refs = 0u64;
    let mut next_ref = |t: i64| {
        refs += 1;
        let d = clock.at(t).date();
        format!(
            "{:04}{:02}{:02}{:019}",
            d.year(),
            d.month(),
            d.day(),
            1_133_260_000_000_000_000u64 + refs
        )
    };
    let settle = |order: &str,
                  item: &str,
                  kind: FlowKind,
                  amount: Fen,
                  t: i64,
                  reference: &str,
                  refund: Option<&str>| SettlementRow {
        platform: Platform::Jd,
        order_no: order.into(),
        sub_order_no: None,
        item: item.into(),
        kind,
        amount,
        settled_at: Some(clock.at(t)),
        account: Some(WALLET.into()),
        refund_no: refund.map(Into::into),
        payment_ref: Some(reference.into()),
        rate: None,
        goods: None,
        source: src(),
    };
    let fund = |amount: Fen, t: i64, reference: &str, memo: &str, kind: FlowKind| FundFlowRow {
        merchant_ref: Some(reference.into()),
        memo: Some(memo.into()),
        ..flow_row(
            FundProvider::Jd,
            Some(WALLET),
            format!("{reference}-{t}"),
            kind,
            memo,
            amount,
            clock.at(t),
        )
    };
    for d in &m.deals {
        let Some(r) = d.released_at.filter(|&r| r < cut) else {
            continue;
        };
        let goods = d.paid() - d.refunded_before(r);
        if goods.get() > 0 {
            let reference = next_ref(r);
            let fee = commission(goods);
            m.settlements.push(settle(
                &d.order_no,
                "货款",
                FlowKind::Income,
                goods,
                r,
                &reference,
                None,
            ));
            m.settlements.push(settle(
                &d.order_no,
                "佣金",
                FlowKind::Commission,
                -fee,
                r,
                &reference,
                None,
            ));
            if r + 30 < cut {
                let mut f = fund(
                    goods - fee,
                    r + 30,
                    &reference,
                    "订单结算",
                    FlowKind::Income,
                );
                f.order_no = Some(d.order_no.as_str().into());
                m.flows.push(f);
            }
        }
        for s in d.sales.iter().filter(|s| s.is_refund()) {
            let Some(done) = s.done_at.filter(|&t| t >= r && t + 60 < cut) else {
                continue;
            };
            let t = done + 60;
            let reference = next_ref(t);
            let back = commission(s.amount);
            m.settlements.push(settle(
                &d.order_no,
                "货款",
                FlowKind::Refund,
                -s.amount,
                t,
                &reference,
                Some(&s.refund_no),
            ));
            m.settlements.push(settle(
                &d.order_no,
                "佣金",
                FlowKind::Commission,
                back,
                t,
                &reference,
                Some(&s.refund_no),
            ));
            if t + 30 < cut {
                let mut f = fund(
                    -(s.amount - back),
                    t + 30,
                    &reference,
                    "售后退款",
                    FlowKind::Refund,
                );
                f.order_no = Some(d.order_no.as_str().into());
                // The 资金表 does not name the after-sale (not written): kept for the plants.
                f.refund_no = Some(s.refund_no.as_str().into());
                m.flows.push(f);
            }
        }
    }
    m.settlements.sort_by_key(|s| s.settled_at);
}

pub fn files(m: &Month) -> Files {
    with_erp_files(
        m,
        vec![
            (
                "京东订单导出.csv".to_string(),
                jd::orders(&m.orders, &jd::OrderOptions::default()).expect("csv"),
            ),
            (
                "京东钱包结算单.csv".to_string(),
                jd::wallet_bill(&m.settlements, jd::WalletLayout::Buy360, Shape::GBK_CSV)
                    .expect("csv"),
            ),
            (
                "京东钱包资金表.csv".to_string(),
                jd::wallet_funds(&m.flows_with_balances(), Shape::GBK_CSV).expect("csv"),
            ),
        ],
    )
}

pub const WORLD: crate::world::World = crate::world::World {
    platform: Platform::Jd,
    month,
    render,
    files,
};

/// The codes a JD month can carry honestly (a planted money problem keeps the statement and
/// the 资金表 in agreement, or SETTLEMENT_MISMATCH would be true as well).
pub const PLANTED: &[&str] = &[
    "REFUND_UNPAID",
    "REFUND_AMOUNT_MISMATCH",
    "PAYMENT_MISSING",
    "PAYMENT_AMOUNT_MISMATCH",
    "PAYMENT_ORPHAN",
    "BALANCE_BREAK",
    "RETURN_MISMATCH",
    "RETURN_NOT_RECEIVED",
    "RECEIVED_NOT_REFUNDED",
    "AFTERSALE_OVERDUE",
    "SHIPPED_AFTER_REFUND",
    "DUPLICATE_SHIPMENT",
    "STATUS_MISMATCH",
    "EXCHANGE_OPEN",
];
