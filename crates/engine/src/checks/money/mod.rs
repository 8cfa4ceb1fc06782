//! Money against the platform (资金): payments, refunds, duplicates, balances, fees, settlements.
//!
//! All money checks of a shop share one [`Money`] view, prepared once: fund-flow rows
//! deduplicated and put in canonical order, the money rows (fund flow, or the payment bill of a
//! provider whose fund flow is absent), and the matches of orders, after-sales and settlements
//! to them (see [`crate::matching`]).
//!
//! One module per idea: the prepared view (`view`), payments, refunds, fund-flow integrity
//! (duplicates, balances and the accounts' roll-forward) with the rows repeated for one event
//! (`repeats`), fees, settlements, and the money timing (`timing`).

mod fees;
mod flows;
mod payments;
mod refunds;
mod repeats;
mod settlements;
mod timing;
mod view;

pub use flows::{AccountRollForward, AccountRun, account_runs, roll_forward};
pub use view::{Money, MoneyRow, OrderRef};

use duizhang_core::*;

use super::CheckFn;
use crate::matching;
use crate::{Ctx, Sink};

/// The money checks, in CHECKS.md order.
pub const CODES: [&str; 12] = [
    "PAYMENT_MISSING",
    "PAYMENT_AMOUNT_MISMATCH",
    "PAYMENT_ORPHAN",
    "REFUND_UNPAID",
    "REFUND_ORPHAN",
    "REFUND_AMOUNT_MISMATCH",
    "REFUND_EXCEEDS_PAID",
    "REFUND_DUPLICATE",
    "FLOW_DUPLICATE",
    "BALANCE_BREAK",
    "FEE_MISMATCH",
    "SETTLEMENT_MISMATCH",
];

macro_rules! single {
    ($($name:ident => $code:literal),* $(,)?) => {
        $(fn $name(ctx: &Ctx<'_>, sink: &mut Sink) {
            run(ctx, &[$code], sink);
        })*
        pub fn implementation(code: &str) -> Option<CheckFn> {
            match code {
                $($code => Some($name),)*
                _ => None,
            }
        }
    };
}

single! {
    payment_missing => "PAYMENT_MISSING",
    payment_amount_mismatch => "PAYMENT_AMOUNT_MISMATCH",
    payment_orphan => "PAYMENT_ORPHAN",
    refund_unpaid => "REFUND_UNPAID",
    refund_orphan => "REFUND_ORPHAN",
    refund_amount_mismatch => "REFUND_AMOUNT_MISMATCH",
    refund_exceeds_paid => "REFUND_EXCEEDS_PAID",
    refund_duplicate => "REFUND_DUPLICATE",
    flow_duplicate => "FLOW_DUPLICATE",
    balance_break => "BALANCE_BREAK",
    fee_mismatch => "FEE_MISMATCH",
    settlement_mismatch => "SETTLEMENT_MISMATCH",
}

/// Runs the given money checks on one shop, preparing the shared view once.
pub fn run(ctx: &Ctx<'_>, codes: &[&'static str], sink: &mut Sink) {
    let (flows, _) = dedup_flows(&ctx.shop.fund_flows);
    run_with(ctx, flows, codes, sink);
}

/// [`run`] with the shop's fund-flow rows already deduplicated ([`dedup_flows`]).
pub fn run_with<'a>(
    ctx: &Ctx<'a>,
    flows: Vec<&'a FundFlowRow>,
    codes: &[&'static str],
    sink: &mut Sink,
) {
    if codes.is_empty() {
        return;
    }
    let money = Money::prepare(ctx, flows);
    for code in codes {
        let Some(e) = ctx.check(code) else { continue };
        let mut ok = Agreed::default();
        match *code {
            "PAYMENT_MISSING" => money.payment_missing(ctx, e, sink, &mut ok),
            "PAYMENT_AMOUNT_MISMATCH" => money.payment_amount_mismatch(ctx, e, sink, &mut ok),
            "PAYMENT_ORPHAN" => money.payment_orphan(ctx, sink, &mut ok),
            "REFUND_UNPAID" => money.refund_unpaid(ctx, e, sink, &mut ok),
            "REFUND_ORPHAN" => money.refund_orphan(ctx, sink, &mut ok),
            "REFUND_AMOUNT_MISMATCH" | "REFUND_DUPLICATE" => {
                money.refund_amounts(ctx, code, sink, &mut ok)
            }
            "REFUND_EXCEEDS_PAID" => money.refund_exceeds_paid(ctx, e, sink, &mut ok),
            "FLOW_DUPLICATE" => money.flow_duplicate(ctx, sink, &mut ok),
            "BALANCE_BREAK" => money.balance_break(ctx, e, sink, &mut ok),
            "FEE_MISMATCH" => money.fee_mismatch(ctx, e, sink, &mut ok),
            "SETTLEMENT_MISMATCH" => money.settlement_mismatch(ctx, e, sink, &mut ok),
            _ => {}
        }
        if ok.count > 0 {
            sink.matched_many(code, ok.count, ok.fen);
        }
    }
}

/// Items a check found in agreement, counted locally and handed to the sink once.
#[derive(Default)]
pub struct Agreed {
    count: u64,
    fen: i64,
}

impl Agreed {
    fn add(&mut self, amount: Fen) {
        self.count += 1;
        self.fen += amount.get().abs();
    }
}

/// The fund-flow rows in source order with overlapping exports removed: rows with the same
/// (provider, account, row id) are one row; the first by source is kept. Returns the rows and
/// how many were removed.
pub fn dedup_flows<'a>(rows: &[&'a FundFlowRow]) -> (Vec<&'a FundFlowRow>, u64) {
    let mut flows: Vec<&FundFlowRow> = rows.to_vec();
    if !flows.is_sorted_by_key(|r| r.source) {
        flows.sort_by_key(|r| r.source);
    }
    let first = matching::first_occurrence(flows.len(), |i| {
        let r = flows[i];
        (
            r.provider,
            r.account.as_deref().unwrap_or(""),
            r.txn_no.as_str(),
        )
    });
    let kept: Vec<&FundFlowRow> = first
        .iter()
        .enumerate()
        .filter(|(i, f)| ix(**f) == *i)
        .map(|(i, _)| flows[i])
        .collect();
    let removed = u64::try_from(flows.len() - kept.len()).unwrap_or(u64::MAX);
    (kept, removed)
}

fn ix(v: u32) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}

fn non_empty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

fn order_ref(s: Option<&str>) -> Option<&str> {
    non_empty(s.map(normalize_order_no))
}
