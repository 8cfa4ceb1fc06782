//! The world keeps its own rules (checked on the stories, not through the engine): what each
//! platform released for an order is its 实付 less the refunds made before the release, and a
//! refund after the release leaves the account. A world that broke them would make the
//! property tests meaningless.

use duizhang_core::{Fen, FlowKind, Period};
use duizhang_world::platform;
use duizhang_world::story::Clock;

fn period() -> Period {
    Period::year_month(2026, 2).expect("month")
}

#[test]
fn escrow_and_settlement_release_paid_less_refunds_made_before_it() {
    for p in platform::ALL {
        let world = platform::world(p).expect("world");
        let m = (world.month)(3, Clock::new(period()), 1500);
        let cut = m.clock.cut_off;
        let mut released = 0;
        for d in &m.deals {
            let Some(r) = d.released_at.filter(|&r| r + 60 < cut) else {
                continue;
            };
            let due = d.paid() - d.refunded_before(r);
            // Money in: the account's income rows, or the statement's 货款 / 已结算 rows.
            let from_flows: Fen = m
                .flows
                .iter()
                .filter(|f| {
                    f.kind == FlowKind::Income && f.order_no.as_deref() == Some(d.order_no.as_str())
                })
                .map(|f| f.amount)
                .sum();
            let from_statement: Fen = m
                .settlements
                .iter()
                .filter(|s| s.kind == FlowKind::Income && s.order_no == d.order_no.as_str())
                .map(|s| s.amount)
                .sum();
            let got = if m.settlements.is_empty() {
                from_flows
            } else {
                from_statement
            };
            // WeChat Pay takes the money at payment: everything, refunds come out after.
            let due = if p == duizhang_core::Platform::Wechat {
                d.paid()
            } else {
                due
            };
            assert_eq!(got, due, "{p:?} order {} ({:?})", d.order_no, d.shape);
            released += 1;
        }
        assert!(released > 300, "{p:?}: only {released} orders released");
    }
}

#[test]
fn a_refund_after_the_release_leaves_the_account_and_one_before_it_does_not() {
    for p in platform::ALL {
        let world = platform::world(p).expect("world");
        let m = (world.month)(4, Clock::new(period()), 1500);
        let cut = m.clock.cut_off;
        for d in &m.deals {
            let release = if p == duizhang_core::Platform::Wechat {
                Some(d.paid_at)
            } else {
                d.released_at.filter(|&r| r < cut)
            };
            let out: Fen = m
                .flows
                .iter()
                .filter(|f| {
                    f.kind == FlowKind::Refund && f.order_no.as_deref() == Some(d.order_no.as_str())
                })
                .map(|f| f.amount)
                .sum();
            let after: Fen = d
                .sales
                .iter()
                .filter(|s| s.is_refund())
                .filter(|s| {
                    s.done_at
                        .is_some_and(|t| release.is_some_and(|r| t >= r) && t + 200 < cut)
                })
                .map(|s| s.amount)
                .sum();
            if p == duizhang_core::Platform::Jd {
                // The 资金表 row is the clawback's net: the refund less the commission given back.
                assert_eq!(out.is_zero(), after.is_zero(), "{p:?} order {}", d.order_no);
            } else {
                assert_eq!(-out, after, "{p:?} order {} ({:?})", d.order_no, d.shape);
            }
        }
    }
}
