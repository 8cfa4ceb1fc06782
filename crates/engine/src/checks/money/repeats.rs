//! Fund-flow rows that record one business event more than once (same business id such as
//! 业务流水号, same kind, same amount, different row ids), and how many of them something
//! else explains: each after-sale a refund pays, each order line whose own fee or income the
//! amount is. FLOW_DUPLICATE reports the rest; FEE_MISMATCH leaves them out of an order's
//! fees, so a fee deducted twice is one finding, not two.

use duizhang_core::*;

use super::view::Money;
use super::{ix, non_empty};
use crate::Ctx;
use crate::matching::{self, Groups, NONE};

/// Rows of one business event with one kind and amount, in source order: the first
/// `explained` are accounted for, the others are repeats.
pub(super) struct Repeated {
    /// Positions in `flows`.
    pub members: Vec<u32>,
    pub explained: usize,
}

impl Repeated {
    pub fn extra(&self) -> &[u32] {
        self.members.get(self.explained..).unwrap_or(&[])
    }
}

impl<'a> Money<'a> {
    /// Every group of two or more rows of one business event, kind and amount, except refunds
    /// that pay after-sales (a refund paid twice to one after-sale is REFUND_DUPLICATE's).
    pub(super) fn repeated_events(&self, ctx: &Ctx<'_>) -> Vec<Repeated> {
        let with_id: Vec<u32> = (0..self.flows.len())
            .filter(|&i| non_empty(self.flows[i].business_no.as_deref()).is_some())
            .map(|i| u32::try_from(i).unwrap_or(NONE))
            .collect();
        let first = matching::first_occurrence(with_id.len(), |k| {
            let r = self.flows[ix(with_id[k])];
            // The provider's own type text and memo too: two rows of one event are the same
            // kind of money only when the file calls them the same (抖店: the same 动账场景;
            // 支付宝 交易分账: 天猫佣金 or 淘宝客佣金).
            (
                r.business_no.as_deref().unwrap_or(""),
                r.kind,
                r.kind_text.as_str(),
                memo_kind(r),
                r.amount.get(),
            )
        });
        let mut slot_of = vec![NONE; self.flows.len()];
        let mut dense = vec![NONE; with_id.len()];
        let mut count = 0u32;
        for (k, &f) in first.iter().enumerate() {
            if ix(f) == k {
                dense[k] = count;
                count += 1;
            }
            slot_of[ix(with_id[k])] = dense[ix(f)];
        }
        let groups = Groups::build(&slot_of, ix(count));
        // Flow positions are money-row positions; payouts are indexed separately.
        let mut payout_of_row = Vec::new();
        if self.flows.iter().any(|r| r.kind == FlowKind::Refund) {
            payout_of_row = vec![NONE; self.flows.len()];
            for (p, &r) in self.payout_row.iter().enumerate() {
                if let Some(slot) = payout_of_row.get_mut(ix(r)) {
                    *slot = u32::try_from(p).unwrap_or(NONE);
                }
            }
        }
        let mut out = Vec::new();
        for g in 0..groups.len() {
            let members = groups.members(u32::try_from(g).unwrap_or(NONE));
            if members.len() < 2 {
                continue;
            }
            let first = self.flows[ix(members[0])];
            let explained = if first.kind == FlowKind::Refund {
                let pays_after_sale = members
                    .iter()
                    .filter_map(|&m| payout_of_row.get(ix(m)).copied())
                    .filter(|&p| p != NONE)
                    .any(|p| self.refunds.payout_group[ix(p)] != NONE);
                if pays_after_sale {
                    continue;
                }
                1
            } else {
                self.explained_by_lines(ctx, members[0])
            };
            out.push(Repeated {
                members: members.to_vec(),
                explained,
            });
        }
        out
    }

    /// How many rows like flow row `f` (same business id, kind and amount) its order's lines
    /// explain. Fees, commissions and income are charged per line in proportion to what the
    /// buyer paid for the line: a second line explains a second row only when the amount is
    /// that line's share too. The share is taken at the configured rate of the kind, or at
    /// the rate the event's own rows imply (the largest row over a line's paid amount),
    /// whichever fits every row of the event; a line explains one row at most, and the rate
    /// that explains the most rows decides.
    /// When no rate fits every row (lines of different fee rates) or a line's paid amount is
    /// unknown, the amounts cannot be weighed but the rows can still be counted: each line
    /// explains one row of the kind at most, and every row of another amount takes a line of
    /// its own, so the rows of this amount explained are the lines left over (one at least).
    /// Rows of one kind are those the provider names alike (type text and the memo's leading
    /// words: 天猫佣金 apart from 淘宝客佣金).
    fn explained_by_lines(&self, ctx: &Ctx<'_>, f: u32) -> usize {
        let row = self.flows[ix(f)];
        let o = self.row_order[ix(f)];
        if o == NONE {
            return 1;
        }
        let lines = self.orders[ix(o)].lines();
        if lines.len() <= 1 {
            return 1;
        }
        // The event's rows of this kind, whatever their amount.
        let amounts: Vec<i64> = self
            .rows_of_order
            .members(o)
            .iter()
            .map(|&r| ix(r))
            .filter(|&r| r < self.flows.len())
            .map(|r| self.flows[r])
            .filter(|r| {
                r.kind == row.kind
                    && r.kind_text == row.kind_text
                    && r.business_no == row.business_no
                    && memo_kind(r) == memo_kind(row)
            })
            .map(|r| r.amount.get().abs())
            .collect();
        // A line whose paid amount is unknown cannot be weighed: any line may explain a row.
        let bases: Vec<i64> = lines
            .iter()
            .map(|l| l.paid.map(|p| p.get()))
            .collect::<Option<Vec<i64>>>()
            .unwrap_or_default();
        let largest = amounts.iter().copied().max().unwrap_or(0);
        let mut shares: Vec<Vec<i64>> = Vec::new();
        if let Some(rate) = super::fees::configured_rate(ctx, row.kind) {
            shares.push(
                bases
                    .iter()
                    .map(|&b| rate.apply(Fen::new(b)).get().abs())
                    .collect(),
            );
        }
        for &partner in &bases {
            if partner > 0 && largest > 0 {
                shares.push(bases.iter().map(|&b| ratio(largest, b, partner)).collect());
            }
        }
        // One 分 of rounding per line.
        let fits = |share: i64, amount: i64| (share - amount).abs() <= 1;
        // Under each rate, the rows of this amount explained are those that get a line of
        // their own beyond what the event's other rows take (so a line shared by two
        // amounts within a 分 is not counted twice).
        let amount = row.amount.get().abs();
        let others: Vec<i64> = amounts.iter().copied().filter(|&a| a != amount).collect();
        shares
            .iter()
            .filter(|s| amounts.iter().all(|&a| s.iter().any(|&x| fits(x, a))))
            .map(|s| {
                one_line_each(&amounts, s, fits).saturating_sub(one_line_each(&others, s, fits))
            })
            .max()
            .unwrap_or_else(|| lines.len().saturating_sub(others.len()))
            .max(1)
    }
}

/// The words a fee row's memo opens with, before any bracket or number (`天猫佣金` of
/// `天猫佣金（类目：居家日用）{…}扣款`): what kind of fee the provider says it is.
fn memo_kind(r: &FundFlowRow) -> &str {
    let memo = r.memo.as_deref().unwrap_or("").trim();
    let end = memo
        .find(|c: char| c.is_ascii_digit() || "（({[【".contains(c))
        .unwrap_or(memo.len());
    &memo[..end]
}

/// The most rows that can each be given a line of their own whose share fits the row
/// (maximum bipartite matching by augmenting paths; an order has a handful of lines).
fn one_line_each(rows: &[i64], shares: &[i64], fits: impl Fn(i64, i64) -> bool) -> usize {
    fn augment(
        row: usize,
        rows: &[i64],
        shares: &[i64],
        fits: &dyn Fn(i64, i64) -> bool,
        seen: &mut [bool],
        line_row: &mut [Option<usize>],
    ) -> bool {
        for (l, &share) in shares.iter().enumerate() {
            if seen[l] || !fits(share, rows[row]) {
                continue;
            }
            seen[l] = true;
            let free = match line_row[l] {
                None => true,
                Some(other) => augment(other, rows, shares, fits, seen, line_row),
            };
            if free {
                line_row[l] = Some(row);
                return true;
            }
        }
        false
    }
    let mut line_row = vec![None; shares.len()];
    (0..rows.len())
        .filter(|&r| {
            let mut seen = vec![false; shares.len()];
            augment(r, rows, shares, &fits, &mut seen, &mut line_row)
        })
        .count()
}

/// `amount × base / partner`, rounded half away from zero (the share of a line of `base`
/// when a line of `partner` bears `amount`).
fn ratio(amount: i64, base: i64, partner: i64) -> i64 {
    let n = i128::from(amount) * i128::from(base);
    let d = i128::from(partner);
    let q = (2 * n + d) / (2 * d);
    i64::try_from(q).unwrap_or(i64::MAX)
}
