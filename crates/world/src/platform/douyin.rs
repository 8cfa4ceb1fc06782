//! A Douyin shop (抖店) (formats.md §6.1–6.3; CHECKS.md "Money timing": the platform holds the
//! money until it settles, net).
//!
//! This is a young 免佣 shop: no platform commission is taken. After 确认收货 the platform
//! settles each 子订单 within two days: a 结算账单 row (已结算) of its 订单应付金额 less the
//! refunds already made, and a 货款结算入账 row in the 资金流水. A refund before the settlement
//! is netted in it; one after it is a 结算后退款 row of the statement and an 出账 row of the
//! 资金流水 naming the 售后编号. A 子订单 refunded whole before settlement is never settled.
//!
//! Files: the order export (UTF-8 BOM, one row per 子订单, 订单应付金额 with 运费 on the row
//! that carries it), the 资金流水 and the 结算账单, and the ERP's files (the 售后 export has no
//! public layout). Store coupons only on one-line orders: the export states discounts on an
//! order's first row only.

use duizhang_core::{
    Fen, FlowKind, FundFlowRow, FundProvider, Order, OrderLine, Platform, SettlementRow,
};
use duizhang_samples::bytes::Encoding;
use duizhang_samples::write::douyin;

use super::{Numbers, Start, StatusTexts, flow_row, line_of, order_of, start, with_erp_files};
use crate::erp::{self, src};
use crate::month::{Files, Month, Shop};
use crate::rng::Rng;
use crate::story::{self, Clock, DAY, HOUR, Rules};

pub fn shop() -> Shop {
    Shop {
        id: "douyin",
        name: "青禾生活抖音小店",
        platform: Platform::Douyin,
        accounts: Vec::new(),
    }
}

pub const RULES: Rules = Rules {
    postage: true,
    confirm_days: (3, 9),
    release_lag: (HOUR, 2 * DAY),
    one_line: false,
};

/// What the buyer pays for a line: its goods less its discount, the order's 运费 on the first.
fn line_paid(d: &story::Deal, i: usize) -> Fen {
    d.lines[i].paid + if i == 0 { d.postage } else { Fen::ZERO }
}

/// 订单号 `69` and 17 digits; 售后编号 `14` and 16.
const START: Start = Start {
    rules: &RULES,
    numbers: Numbers {
        order: |seq, _| format!("69{:017}", 10_000_000_000_000 + seq),
        refund: |seq| format!("14{:016}", 5_000_000_000_000 + seq),
    },
    opening: Fen::ZERO,
};

pub fn month(seed: u64, clock: Clock, n: usize) -> Month {
    let (mut m, mut rng) = start(seed, clock, n, shop(), &START);
    for d in &mut m.deals {
        if d.lines.len() > 1 {
            for l in &mut d.lines {
                l.discount = Fen::ZERO;
                l.paid = l.goods;
            }
            for s in &mut d.sales {
                if s.is_refund() {
                    let l = &d.lines[s.line];
                    s.amount = Fen::new(l.paid.get() * s.qty / l.qty);
                }
            }
        }
        // The first line's refund in full gives back its 运费 too.
        let postage = d.postage;
        for s in &mut d.sales {
            if s.is_refund() && s.line == 0 && s.qty == d.lines[0].qty {
                s.amount = d.lines[0].paid + postage;
            }
        }
    }
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
    closed: "已关闭",
    finished: "已完成",
    shipped: "已发货",
    paid: "待发货",
};

fn orders(m: &mut Month) {
    let clock = m.clock;
    for d in &m.deals {
        m.orders.push(Order {
            seller_discount: Some(d.discount()),
            platform_discount: Some(Fen::ZERO),
            other_discount: Some(Fen::ZERO),
            lines: d
                .lines
                .iter()
                .enumerate()
                .map(|(i, l)| OrderLine {
                    sub_order_no: Some(l.sub_no.as_str().into()),
                    // Goods money only: the writer adds the order's 运费 to the first row's
                    // 订单应付金额, as the export does (formats.md §6.1).
                    paid: Some(d.lines[i].paid),
                    ..line_of(l)
                })
                .collect(),
            ..order_of(d, &clock, Platform::Douyin, &ORDER_STATUS)
        });
    }
}

/// Seconds from a settlement's 结算时间 to its 货款结算入账 in the 资金流水 (formats.md states no
/// lag: the world's assumption, a few seconds).
pub const FLOW_LAG: i64 = 5;
/// Seconds from a refund after settlement to its 结算后退款 row in the statement, and to its
/// 出账 row in the 资金流水.
pub const REFUND_STATEMENT_LAG: i64 = 30;
pub const REFUND_FLOW_LAG: i64 = 60;
/// Each 子订单 is settled on its own (the 结算账单 has a row per 子订单 with its 结算时间): the
/// order's next one this many seconds after the one before.
pub const SUB_ORDER_GAP: i64 = 40;

/// When line `i` of an order released at `r` is settled.
pub fn line_settled_at(r: i64, i: usize) -> i64 {
    r + SUB_ORDER_GAP * i64::try_from(i).unwrap_or(0)
}

fn money(m: &mut Month) {
    let clock = m.clock;
    let cut = clock.cut_off;
    let mut next = 0u64;
    for d in &m.deals {
        let Some(r) = d.released_at.filter(|&r| r < cut) else {
            continue;
        };
        for (i, l) in d.lines.iter().enumerate() {
            let net = line_paid(d, i) - d.line_refunded_before(i, r);
            let r = line_settled_at(r, i);
            if net.get() <= 0 || r >= cut {
                continue;
            }
            m.settlements.push(SettlementRow {
                platform: Platform::Douyin,
                order_no: d.order_no.as_str().into(),
                sub_order_no: Some(l.sub_no.as_str().into()),
                item: "已结算".into(),
                kind: FlowKind::Income,
                amount: net,
                settled_at: Some(clock.at(r)),
                account: Some("聚合账户".into()),
                refund_no: None,
                payment_ref: None,
                rate: None,
                goods: None,
                source: src(),
            });
            next += 1;
            m.flows.push(FundFlowRow {
                order_no: Some(d.order_no.as_str().into()),
                merchant_ref: Some(l.sub_no.as_str().into()),
                memo: Some("-".into()),
                ..flow_row(
                    FundProvider::Douyin,
                    Some("聚合账户"),
                    format!("{:019}", 7_000_000_000_000_000_000u64 + next),
                    FlowKind::Income,
                    "货款结算入账",
                    net,
                    clock.at(r + FLOW_LAG),
                )
            });
        }
        for s in d.sales.iter().filter(|s| s.is_refund()) {
            // The statement's row 30 s after the refund, the fund flow's 30 s later: a
            // download between them holds only the first.
            let Some(done) = s
                .done_at
                .filter(|&t| t >= r && t + REFUND_STATEMENT_LAG < cut)
            else {
                continue;
            };
            let l = &d.lines[s.line];
            m.settlements.push(SettlementRow {
                platform: Platform::Douyin,
                order_no: d.order_no.as_str().into(),
                sub_order_no: Some(l.sub_no.as_str().into()),
                item: "结算后退款-原路退回".into(),
                kind: FlowKind::Refund,
                amount: -s.amount,
                settled_at: Some(clock.at(done + REFUND_STATEMENT_LAG)),
                account: Some("聚合账户".into()),
                refund_no: Some(s.refund_no.as_str().into()),
                payment_ref: None,
                rate: None,
                goods: None,
                source: src(),
            });
            if done + REFUND_FLOW_LAG >= cut {
                continue;
            }
            next += 1;
            m.flows.push(FundFlowRow {
                order_no: Some(d.order_no.as_str().into()),
                merchant_ref: Some(l.sub_no.as_str().into()),
                refund_no: Some(s.refund_no.as_str().into()),
                memo: Some("-".into()),
                ..flow_row(
                    FundProvider::Douyin,
                    Some("聚合账户"),
                    format!("{:019}", 7_000_000_000_000_000_000u64 + next),
                    FlowKind::Refund,
                    "退款-结算后退款-退用户",
                    -s.amount,
                    clock.at(done + REFUND_FLOW_LAG),
                )
            });
        }
    }
    m.settlements.sort_by_key(|s| s.settled_at);
    m.flows.sort_by_key(|f| f.occurred_at);
}

pub fn files(m: &Month) -> Files {
    with_erp_files(
        m,
        vec![
            (
                "抖店订单导出.csv".to_string(),
                douyin::orders(&m.orders, false),
            ),
            (
                "抖店资金流水.csv".to_string(),
                douyin::fund_flow(&m.flows, &douyin::FlowOptions::default()),
            ),
            (
                "抖店结算账单.csv".to_string(),
                douyin::settlement(&m.settlements, Encoding::Utf8Bom, false),
            ),
        ],
    )
}

pub const WORLD: crate::world::World = crate::world::World {
    platform: Platform::Douyin,
    month,
    render,
    files,
};

/// The codes a Douyin month can carry honestly (a planted money problem keeps the 结算账单 and
/// the 资金流水 in agreement, or SETTLEMENT_MISMATCH would be true as well).
pub const PLANTED: &[&str] = &[
    "PAYMENT_MISSING",
    "PAYMENT_AMOUNT_MISMATCH",
    "PAYMENT_ORPHAN",
    "REFUND_UNPAID",
    "REFUND_AMOUNT_MISMATCH",
    "RETURN_MISMATCH",
    "RETURN_NOT_RECEIVED",
    "RECEIVED_NOT_REFUNDED",
    "AFTERSALE_OVERDUE",
    "SHIPPED_AFTER_REFUND",
    "DUPLICATE_SHIPMENT",
    "STATUS_MISMATCH",
    "EXCHANGE_OPEN",
];
