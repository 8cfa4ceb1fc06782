//! Fund-flow integrity: FLOW_DUPLICATE, BALANCE_BREAK, and each fund account's roll-forward.

use duizhang_core::*;
use serde::{Deserialize, Serialize};

use super::view::Money;
use super::{Agreed, ix};
use crate::matching::NONE;
use crate::{Ctx, Effective, Sink};

impl<'a> Money<'a> {
    pub(super) fn flow_duplicate(&self, ctx: &Ctx<'_>, sink: &mut Sink, ok: &mut Agreed) {
        for group in self.repeated_events(ctx) {
            let members = &group.members;
            let first = self.flows[ix(members[0])];
            let (n, explained) = (members.len(), group.explained);
            if n <= explained {
                if let Some(amount) = i64::try_from(n)
                    .ok()
                    .and_then(|k| first.amount.get().checked_mul(k))
                {
                    ok.add(Fen::new(amount));
                }
                continue;
            }
            let times = |k: usize| {
                Fen::new(
                    first
                        .amount
                        .get()
                        .saturating_mul(i64::try_from(k).unwrap_or(0)),
                )
            };
            let extra = self.flows[ix(members[explained])];
            let business = first.business_no.as_deref().unwrap_or("");
            let order = self.row_order_no(ix(members[0]));
            let mut d = ctx
                .finding("FLOW_DUPLICATE")
                .txn(&extra.txn_no)
                .amounts(times(explained), times(n))
                .at(extra.occurred_at)
                .message(format!(
                    "业务单号 {business} 的{}（{}）记录出现 {n} 笔（流水号不同），每笔 {} 元{}，应为 {explained} 笔共 {} 元，实际 {} 元，差额 {} 元。",
                    first.kind.zh(),
                    first.kind_text,
                    first.amount,
                    order.map_or_else(String::new, |o| format!("（订单 {o}）")),
                    times(explained),
                    times(n),
                    times(n - explained)
                ));
            if let Some(o) = order {
                d = d.order(o);
            }
            for &m in members {
                d = d.evidence(self.flows[ix(m)].source, RecordKind::FundFlow);
            }
            sink.found(ctx, d);
        }
    }

    pub(super) fn balance_break(
        &self,
        ctx: &Ctx<'_>,
        e: Effective,
        sink: &mut Sink,
        ok: &mut Agreed,
    ) {
        for run in account_runs(&self.flows) {
            let mut prev: Option<(Fen, &FundFlowRow)> = None;
            for &i in &run.rows {
                let r = self.flows[ix(i)];
                if let (Some((before, p)), Some(balance)) = (prev, r.balance) {
                    let expected = before + r.amount;
                    if (balance - expected).get().abs() > e.tolerance_for(expected.get()) {
                        let d = ctx
                            .finding("BALANCE_BREAK")
                            .txn(&r.txn_no)
                            .amounts(expected, balance)
                            .at(r.occurred_at)
                            .evidence(p.source, RecordKind::FundFlow)
                            .evidence(r.source, RecordKind::FundFlow)
                            .message(format!(
                                "{}账户 {} 的流水 {}：上一笔余额 {} 元加本笔金额 {} 元应为 {} 元，实际余额 {} 元，差额 {} 元。",
                                r.provider.zh(),
                                run.account,
                                r.txn_no,
                                before,
                                r.amount,
                                expected,
                                balance,
                                balance - expected
                            ));
                        sink.found(ctx, d);
                    } else {
                        ok.add(r.amount);
                    }
                }
                // A row without a balance carries the running balance forward.
                prev = match (r.balance, prev) {
                    (Some(b), _) => Some((b, r)),
                    (None, Some((b, _))) => Some((b + r.amount, r)),
                    (None, None) => None,
                };
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Accounts

/// One fund account's rows in booking order: by time, then by file and line.
pub struct AccountRun {
    pub provider: FundProvider,
    pub account: String,
    pub rows: Vec<u32>,
}

/// Splits deduplicated rows by (provider, account) and orders each account's rows.
pub fn account_runs(flows: &[&FundFlowRow]) -> Vec<AccountRun> {
    let mut order: Vec<u32> = (0..flows.len())
        .map(|i| u32::try_from(i).unwrap_or(NONE))
        .collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (flows[ix(a)], flows[ix(b)]);
        (x.provider, x.account.as_deref(), x.occurred_at, x.source).cmp(&(
            y.provider,
            y.account.as_deref(),
            y.occurred_at,
            y.source,
        ))
    });
    let mut runs: Vec<AccountRun> = Vec::new();
    for i in order {
        let r = flows[ix(i)];
        let account = r.account.as_deref().unwrap_or("");
        match runs.last_mut() {
            Some(run) if run.provider == r.provider && run.account == account => run.rows.push(i),
            _ => runs.push(AccountRun {
                provider: r.provider,
                account: account.to_string(),
                rows: vec![i],
            }),
        }
    }
    runs
}

/// A fund account's movement over the rows given: opening → inflows and outflows by kind →
/// closing, and whether they add up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRollForward {
    pub shop: String,
    pub provider: FundProvider,
    pub account: String,
    pub rows: u64,
    /// The first row's balance minus its amount, when the rows carry balances.
    pub opening_fen: Option<i64>,
    /// Σ positive amounts per kind (`income`, `refund`, …).
    pub inflows_fen: std::collections::BTreeMap<String, i64>,
    /// Σ negative amounts per kind.
    pub outflows_fen: std::collections::BTreeMap<String, i64>,
    /// The last row's balance.
    pub closing_fen: Option<i64>,
    /// opening + Σ inflows + Σ outflows = closing; `None` without balances.
    pub balanced: Option<bool>,
}

/// The roll-forward of every fund account of a shop.
pub fn roll_forward(shop: &str, flows: &[&FundFlowRow]) -> Vec<AccountRollForward> {
    account_runs(flows)
        .into_iter()
        .map(|run| {
            let rows: Vec<&FundFlowRow> = run.rows.iter().map(|&i| flows[ix(i)]).collect();
            // Per kind, in FlowKind::ALL order: (inflows, outflows).
            let mut sums = [(0i64, 0i64); FlowKind::ALL.len()];
            let mut total = 0i64;
            for r in &rows {
                let k = FlowKind::ALL.iter().position(|k| *k == r.kind).unwrap_or(0);
                if r.amount.get() >= 0 {
                    sums[k].0 += r.amount.get();
                } else {
                    sums[k].1 += r.amount.get();
                }
                total += r.amount.get();
            }
            let side = |pick: fn(&(i64, i64)) -> i64| {
                FlowKind::ALL
                    .iter()
                    .zip(&sums)
                    .filter(|(_, s)| pick(s) != 0)
                    .map(|(k, s)| (k.code().to_string(), pick(s)))
                    .collect::<std::collections::BTreeMap<String, i64>>()
            };
            let inflows = side(|s| s.0);
            let outflows = side(|s| s.1);
            let opening = rows
                .first()
                .and_then(|r| r.balance.map(|b| b.get() - r.amount.get()));
            let closing = rows.last().and_then(|r| r.balance.map(|b| b.get()));
            AccountRollForward {
                shop: shop.to_string(),
                provider: run.provider,
                account: run.account,
                rows: u64::try_from(rows.len()).unwrap_or(u64::MAX),
                opening_fen: opening,
                inflows_fen: inflows,
                outflows_fen: outflows,
                closing_fen: closing,
                balanced: opening.zip(closing).map(|(o, c)| o + total == c),
            }
        })
        .collect()
}
