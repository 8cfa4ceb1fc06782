//! A WeChat mini-program shop paid through WeChat Pay directly (formats.md §2.2, §2.3;
//! CHECKS.md "Money timing": money at payment, every refund an outflow).
//!
//! The orders live only in the ERP (with their money and 支付单号 = the 商户订单号). Each
//! payment is a SUCCESS row of the 交易账单 with 手续费 0.60 % (四舍五入 to the 分) and, in the
//! 资金账单, a 交易 income row and a 扣除交易手续费 row. A refund, before or after delivery, is
//! a REFUND row (its fee given back, negative) and a 退款 outflow of the refund itself (the
//! returned fee named in 备注; formats.md calls the net-of-fee reading UNCONFIRMED).

use duizhang_core::{
    Fen, FlowKind, FundFlowRow, FundProvider, PaymentKind, PaymentRow, Platform, RatePpm,
};
use duizhang_samples::write::wechat;

use super::{Numbers, Start, flow_row, start, with_erp_files};
use crate::erp::{self, src};
use crate::month::{Files, Month, Shop};
use crate::rng::Rng;
use crate::story::{Clock, Rules};

pub const MCH_ID: &str = "1612345678";

pub fn shop() -> Shop {
    Shop {
        id: "wechat",
        name: "青禾生活小程序",
        platform: Platform::Wechat,
        accounts: vec![MCH_ID.into()],
    }
}

pub const RULES: Rules = Rules {
    postage: true,
    confirm_days: (3, 8),
    release_lag: (0, 0),
    one_line: false,
};

pub const RATE: RatePpm = RatePpm(6_000);

/// The mini-program's own numbers: `XCX` orders, `RF` refunds.
const START: Start = Start {
    rules: &RULES,
    numbers: Numbers {
        order: |seq, _| format!("XCX{:013}", 2_600_000_000_000 + seq),
        refund: |seq| format!("RF{:012}", 800_000_000_000 + seq),
    },
    opening: Fen::new(2_000_000),
};

pub fn month(seed: u64, clock: Clock, n: usize) -> Month {
    let (mut m, mut rng) = start(seed, clock, n, shop(), &START);
    for d in &mut m.deals {
        d.payment_no = format!("P{}", d.order_no);
    }
    render(&mut m, &mut rng);
    m
}

/// Every source's records of the month's stories at its cut-off.
pub fn render(m: &mut Month, _: &mut Rng) {
    let clock = m.clock;
    erp::fill(m, true);
    for (e, d) in m.erp_orders.iter_mut().zip(&m.deals) {
        e.paid_at = Some(clock.at(d.paid_at));
        e.goods = Some(d.goods());
        e.postage = Some(d.postage);
        e.discount = Some(d.discount());
        e.paid = Some(d.paid());
        e.payment_method = Some("微信支付".into());
        e.payment_no = Some(d.payment_no.as_str().into());
    }
    money(m);
}

fn money(m: &mut Month) {
    let clock = m.clock;
    let cut = clock.cut_off;
    let mut flow_no = 0u64;
    let mut flow = |t: i64,
                    business: &str,
                    kind: FlowKind,
                    text: &str,
                    amount: Fen,
                    memo: String,
                    reference: &str,
                    order: &str| {
        flow_no += 1;
        FundFlowRow {
            business_no: Some(business.into()),
            order_no: Some(order.into()),
            merchant_ref: Some(reference.into()),
            memo: Some(memo.into()),
            ..flow_row(
                FundProvider::Wechat,
                Some(MCH_ID),
                format!("{MCH_ID}{:014}", flow_no),
                kind,
                text,
                amount,
                clock.at(t),
            )
        }
    };
    for (k, d) in m.deals.iter().enumerate() {
        let wx = format!(
            "42000020{:020}",
            26_000_000_000_000_000u64 + u64::try_from(k).unwrap_or(0) * 7 + 1
        );
        let title = d.lines[0].title;
        let fee = RATE.apply(d.paid());
        m.payments.push(PaymentRow {
            provider: FundProvider::Wechat,
            account: Some(MCH_ID.into()),
            kind: PaymentKind::Payment,
            txn_no: wx.as_str().into(),
            out_trade_no: Some(d.payment_no.as_str().into()),
            refund_id: None,
            out_refund_no: None,
            order_amount: Some(d.paid()),
            settled: d.paid(),
            refund: Fen::ZERO,
            fee,
            rate: Some(RATE),
            status_text: "SUCCESS".into(),
            occurred_at: clock.at(d.paid_at),
            refund_succeeded_at: None,
            title: Some(title.into()),
            source: src(),
        });
        m.flows.push(flow(
            d.paid_at + 1,
            &wx,
            FlowKind::Income,
            "交易",
            d.paid(),
            String::new(),
            &d.payment_no,
            &d.order_no,
        ));
        if fee.get() > 0 {
            m.flows.push(flow(
                d.paid_at + 1,
                &wx,
                FlowKind::Fee,
                "扣除交易手续费",
                -fee,
                String::new(),
                &d.payment_no,
                &d.order_no,
            ));
        }
        for (j, s) in d.sales.iter().enumerate().filter(|(_, s)| s.is_refund()) {
            let Some(done) = s.done_at.filter(|&t| t + 20 < cut) else {
                continue;
            };
            let refund_id = format!(
                "50300020{:020}",
                26_000_000_000_000_000u64 + u64::try_from(k * 10 + j).unwrap_or(0)
            );
            let back = RATE.apply(s.amount);
            m.payments.push(PaymentRow {
                provider: FundProvider::Wechat,
                account: Some(MCH_ID.into()),
                kind: PaymentKind::Refund,
                txn_no: wx.as_str().into(),
                out_trade_no: Some(d.payment_no.as_str().into()),
                refund_id: Some(refund_id.as_str().into()),
                out_refund_no: Some(s.refund_no.as_str().into()),
                order_amount: Some(Fen::ZERO),
                settled: Fen::ZERO,
                refund: s.amount,
                fee: -back,
                rate: Some(RATE),
                status_text: "REFUND/SUCCESS".into(),
                occurred_at: clock.at(done),
                refund_succeeded_at: Some(clock.at(done + 20)),
                title: Some(title.into()),
                source: src(),
            });
            m.flows.push(flow(
                done + 20,
                &refund_id,
                FlowKind::Refund,
                "退款",
                -s.amount,
                format!("退款总金额{}元;含手续费{}元", s.amount, back),
                &s.refund_no,
                &d.order_no,
            ));
        }
    }
    m.payments.sort_by_key(|p| p.occurred_at);
}

pub fn files(m: &Month) -> Files {
    let trade = wechat::TradeOptions {
        mch_id: MCH_ID.into(),
        ..wechat::TradeOptions::default()
    };
    let fund = wechat::FundOptions {
        mch_id: MCH_ID.into(),
        ..wechat::FundOptions::default()
    };
    with_erp_files(
        m,
        vec![
            (
                "微信支付交易账单.csv".to_string(),
                wechat::trade_bill(&m.payments, &trade),
            ),
            (
                "微信支付资金账单.csv".to_string(),
                wechat::fund_bill(&m.flows_with_balances(), &fund),
            ),
        ],
    )
}

pub const WORLD: crate::world::World = crate::world::World {
    platform: Platform::Wechat,
    month,
    render,
    files,
};

/// The codes a mini-program month can carry honestly. The ERP's orders have no goods lines,
/// so what was ordered per SKU is unknown: no DUPLICATE_SHIPMENT.
pub const PLANTED: &[&str] = &[
    "REFUND_UNPAID",
    "REFUND_AMOUNT_MISMATCH",
    "REFUND_EXCEEDS_PAID",
    "PAYMENT_MISSING",
    "BALANCE_BREAK",
    "FLOW_DUPLICATE",
    "RETURN_MISMATCH",
    "RETURN_NOT_RECEIVED",
    "RECEIVED_NOT_REFUNDED",
    "AFTERSALE_OVERDUE",
    "SHIPPED_AFTER_REFUND",
    "EXCHANGE_OPEN",
];
