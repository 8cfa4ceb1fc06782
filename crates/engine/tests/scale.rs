//! A large seller's month: 2M orders, 400k after-sales, 5M fund-flow rows must reconcile in
//! well under a minute on 2 cores. Run in release:
//! `cargo test --release -p duizhang-engine --test scale -- --ignored --nocapture`
//! (`DUIZHANG_SCALE=5` runs a fifth of it).

#![allow(clippy::unwrap_used)]

use std::time::Instant;

use duizhang_core::*;
use duizhang_engine::{Settings, Summary, reconcile};
use duizhang_samples::build::*;

fn month(divisor: u32) -> Dataset {
    let orders = 2_000_000 / divisor;
    let mut d = dataset();
    d.orders.reserve(usize::try_from(orders).unwrap());
    d.fund_flows
        .reserve(usize::try_from(orders * 5 / 2).unwrap());
    let mut line = 1u32;
    let mut next = || {
        line += 1;
        src(line)
    };
    let base = order(Platform::Taobao, "0", Fen::new(100));
    let income_row = flow(
        FundProvider::Alipay,
        "0",
        FlowKind::Income,
        Fen::new(0),
        "2026-10-08 10:00:01",
    );
    let sale_row = after_sale(
        Platform::Taobao,
        "0",
        "0",
        AfterSaleKind::ReturnAndRefund,
        Fen::new(0),
    );
    let mut balance = 1_000_000i64;
    for i in 0..orders {
        let no = format!("40{:017}", u64::from(i) * 7919);
        let paid = 1_000 + i64::from(i % 9_000);
        let mut o = base.clone();
        o.order_no = no.as_str().into();
        o.paid = Some(Fen::new(paid));
        o.goods = Some(Fen::new(paid));
        o.source = next();
        d.orders.push(o);
        let mut inc = income_row.clone();
        inc.txn_no = format!("2026{:014}", u64::from(i) * 3).into();
        inc.business_no = Some(format!("B{i}").into());
        inc.order_no = Some(no.as_str().into());
        inc.amount = Fen::new(if i % 1000 == 0 { paid - 1 - 1 } else { paid });
        balance += inc.amount.get();
        inc.balance = Some(Fen::new(balance));
        inc.source = next();
        d.fund_flows.push(inc);
        let mut fee = income_row.clone();
        fee.kind = FlowKind::Commission;
        fee.txn_no = format!("2026{:014}", u64::from(i) * 3 + 1).into();
        fee.business_no = Some(format!("B{i}").into());
        fee.order_no = Some(no.as_str().into());
        fee.amount = Fen::new(-(paid / 20));
        balance += fee.amount.get();
        fee.balance = Some(Fen::new(balance));
        fee.source = next();
        d.fund_flows.push(fee);
        if i % 5 == 0 {
            let refund_no = format!("R{i}");
            let mut a = sale_row.clone();
            a.order_no = no.as_str().into();
            a.refund_no = refund_no.as_str().into();
            a.refunded = Fen::new(paid / 2);
            a.source = next();
            d.after_sales.push(a);
            if i % 15 != 0 {
                let mut out = income_row.clone();
                out.kind = FlowKind::Refund;
                out.txn_no = format!("2026{:014}", u64::from(i) * 3 + 2).into();
                out.order_no = Some(no.as_str().into());
                if i % 2 == 0 {
                    out.refund_no = Some(refund_no.as_str().into());
                }
                out.amount = Fen::new(-(paid / 2));
                balance += out.amount.get();
                out.balance = Some(Fen::new(balance));
                out.source = next();
                d.fund_flows.push(out);
            }
        }
        if i % 4 == 0 {
            let mut t = income_row.clone();
            t.kind = FlowKind::Fee;
            t.txn_no = format!("F{i}").into();
            t.amount = Fen::new(-1);
            balance -= 1;
            t.balance = Some(Fen::new(balance));
            t.source = next();
            d.fund_flows.push(t);
        }
    }
    d
}

#[test]
#[ignore = "benchmark: run in release"]
fn a_large_sellers_month_reconciles_in_well_under_a_minute() {
    let divisor: u32 = std::env::var("DUIZHANG_SCALE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let t = Instant::now();
    let data = month(divisor);
    eprintln!(
        "built {} orders, {} after-sales, {} fund-flow rows in {:?}",
        data.orders.len(),
        data.after_sales.len(),
        data.fund_flows.len(),
        t.elapsed()
    );
    let t = Instant::now();
    let orders = data.merged_orders();
    let (shops, _) = duizhang_engine::shops::partition(&data, &orders, &Settings::default());
    eprintln!("partition (incl. merging orders): {:?}", t.elapsed());
    let t = Instant::now();
    drop(shops);
    drop(orders);
    eprintln!("drop: {:?}", t.elapsed());
    let t = Instant::now();
    let outcome = reconcile(
        &data,
        &Settings::default(),
        Period::parse("2026-10").unwrap(),
    );
    let took = t.elapsed();
    let summary = Summary::build(&outcome, Period::parse("2026-10").unwrap());
    eprintln!(
        "reconciled in {took:?}: {} findings, {} pending",
        outcome.findings.len(),
        outcome.pending.len()
    );
    for c in &summary.checks {
        eprintln!("  {} {:?}", c.code, c.tally);
    }
}
