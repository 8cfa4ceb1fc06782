//! Record matching: pure, set-based, deterministic.
//!
//! Every matcher works on hash indexes and sorted runs, never on a nested loop over both sides,
//! and assigns each record to at most one group. Inputs are plain views (keys, amounts, times)
//! so the invariants can be tested apart from the records; callers pass one shop's data only,
//! so nothing can match across shops. Ties are broken by input position: callers sort their
//! records canonically (by source) first, which makes the result independent of import order.

use foldhash::{HashMap, HashMapExt};

/// "No group / not matched" in the assignment vectors.
pub const NONE: u32 = u32::MAX;

fn idx(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(NONE)
}

fn at(v: u32) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}

/// Members of groups in compressed form: `members(g)` lists the items assigned to group `g`,
/// in item order. Built in O(n) from an assignment vector, without one allocation per group.
#[derive(Clone, Debug, Default)]
pub struct Groups {
    offsets: Vec<u32>,
    items: Vec<u32>,
}

impl Groups {
    /// `assignment[item]` = group id or [`NONE`]; `count` = number of groups.
    pub fn build(assignment: &[u32], count: usize) -> Groups {
        let mut offsets = vec![0u32; count + 1];
        for &g in assignment {
            if g != NONE {
                offsets[at(g) + 1] += 1;
            }
        }
        for i in 0..count {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets.clone();
        let mut items = vec![0u32; at(offsets[count])];
        for (item, &g) in assignment.iter().enumerate() {
            if g != NONE {
                let slot = &mut fill[at(g)];
                items[at(*slot)] = idx(item);
                *slot += 1;
            }
        }
        Groups { offsets, items }
    }

    pub fn members(&self, group: u32) -> &[u32] {
        let g = at(group);
        match (self.offsets.get(g), self.offsets.get(g + 1)) {
            (Some(&a), Some(&b)) => &self.items[at(a)..at(b)],
            _ => &[],
        }
    }

    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Assigns keys to dense slot ids in order of first appearance.
struct Slots<'a> {
    map: HashMap<&'a str, u32>,
}

impl<'a> Slots<'a> {
    fn with_capacity(n: usize) -> Self {
        Slots {
            map: HashMap::with_capacity(n),
        }
    }

    fn slot(&mut self, key: &'a str) -> u32 {
        let next = idx(self.map.len());
        *self.map.entry(key).or_insert(next)
    }

    fn len(&self) -> usize {
        self.map.len()
    }
}

// ---------------------------------------------------------------------------------------------
// Deduplication

/// For each of `n` keys, the position of the first key equal to it (itself when it is the
/// first). The table holds 64-bit hashes and positions only, so probes do not chase the
/// records; keys are compared on a hash hit, and true collisions go to an exact table.
pub fn first_occurrence<K: std::hash::Hash + Eq>(n: usize, key: impl Fn(usize) -> K) -> Vec<u32> {
    use std::hash::BuildHasher;
    let hasher = foldhash::fast::FixedState::with_seed(0x6475_697a_6861_6e67);
    let mut by_hash: HashMap<u64, u32> = HashMap::with_capacity(n);
    let mut exact: HashMap<K, u32> = HashMap::new();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let k = key(i);
        let h = hasher.hash_one(&k);
        let me = idx(i);
        let first = match by_hash.entry(h) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(me);
                me
            }
            std::collections::hash_map::Entry::Occupied(o) => {
                let f = *o.get();
                if key(at(f)) == k {
                    f
                } else {
                    *exact.entry(k).or_insert(me)
                }
            }
        };
        out.push(first);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Orders ↔ money rows

/// An order as the matcher sees it: its number and, optionally, the payment reference that
/// money rows may use instead (商户订单号 of a direct-payment shop, 支付单号).
#[derive(Clone, Copy, Debug)]
pub struct OrderKey<'a> {
    pub order_no: &'a str,
    pub payment_no: Option<&'a str>,
}

/// An index from order numbers and payment references to orders. Order numbers win over
/// payment references; among equal keys the first order wins.
pub struct OrderIndex<'a> {
    map: HashMap<&'a str, u32>,
}

impl<'a> OrderIndex<'a> {
    pub fn build(orders: &[OrderKey<'a>]) -> OrderIndex<'a> {
        let mut map: HashMap<&'a str, u32> = HashMap::with_capacity(orders.len() * 2);
        for (i, o) in orders.iter().enumerate() {
            map.entry(o.order_no).or_insert(idx(i));
        }
        for (i, o) in orders.iter().enumerate() {
            if let Some(p) = o.payment_no.filter(|p| !p.is_empty()) {
                map.entry(p).or_insert(idx(i));
            }
        }
        OrderIndex { map }
    }

    pub fn get(&self, key: &str) -> Option<u32> {
        self.map.get(key).copied()
    }
}

/// For each row's order reference, the order it belongs to (or [`NONE`]). Many rows may belong
/// to one order (a payment in parts, a subsidy row); each row belongs to at most one order.
pub fn match_rows_to_orders(index: &OrderIndex<'_>, row_refs: &[Option<&str>]) -> Vec<u32> {
    row_refs
        .iter()
        .map(|r| r.and_then(|k| index.get(k)).unwrap_or(NONE))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// After-sales ↔ refund outflows

/// An after-sale's refund as the matcher sees it.
#[derive(Clone, Copy, Debug)]
pub struct Claim<'a> {
    pub refund_no: &'a str,
    /// Canonical order number (the matched order's number where known).
    pub order: &'a str,
    /// Refunded amount in 分, positive.
    pub amount: i64,
    /// Completion (or application) time in local seconds.
    pub at: Option<i64>,
}

/// A refund outflow as the matcher sees it.
#[derive(Clone, Copy, Debug)]
pub struct Payout<'a> {
    pub refund_no: Option<&'a str>,
    pub order: Option<&'a str>,
    /// Amount paid out in 分, positive.
    pub amount: i64,
    pub at: i64,
}

/// How a refund group was formed (the strongest evidence first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchedBy {
    /// The outflow names the after-sale's refund number.
    RefundNo,
    /// Same order, amount within tolerance.
    OrderAmount,
    /// Same order, several after-sales and/or outflows whose sums agree (refunds in parts).
    OrderParts,
    /// Same order, paired by time within the window (amounts disagree).
    OrderTime,
}

/// The result of [`match_refunds`]: groups of after-sales and outflows.
#[derive(Clone, Debug, Default)]
pub struct RefundMatching {
    /// Group of each claim, or [`NONE`].
    pub claim_group: Vec<u32>,
    /// Group of each payout, or [`NONE`].
    pub payout_group: Vec<u32>,
    /// How each group was formed.
    pub groups: Vec<MatchedBy>,
    /// Payouts attached to a group as a second payment of the same refund (same order and
    /// amount as an already paid after-sale): candidates for a duplicate refund.
    pub repeated: Vec<u32>,
}

impl RefundMatching {
    pub fn claims(&self) -> Groups {
        Groups::build(&self.claim_group, self.groups.len())
    }

    pub fn payouts(&self) -> Groups {
        Groups::build(&self.payout_group, self.groups.len())
    }
}

/// Pass 2a of [`match_refunds`]: for each amount that more open claims than open payouts of
/// one order share exactly, pairs each payout (in time order) with the latest unpaired claim
/// done no later than `window_secs` after it, else the earliest one left.
fn exact_by_time(
    claims: &[Claim<'_>],
    payouts: &[Payout<'_>],
    open_c: &[u32],
    open_p: &[u32],
    window_secs: i64,
    m: &mut RefundMatching,
) {
    let mut amounts: Vec<i64> = open_p.iter().map(|&p| payouts[at(p)].amount).collect();
    amounts.sort_unstable();
    amounts.dedup();
    for amount in amounts {
        let mut cs: Vec<u32> = open_c
            .iter()
            .copied()
            .filter(|&c| claims[at(c)].amount == amount)
            .collect();
        let mut ps: Vec<u32> = open_p
            .iter()
            .copied()
            .filter(|&p| payouts[at(p)].amount == amount)
            .collect();
        if cs.len() <= ps.len() {
            continue;
        }
        cs.sort_by_key(|&c| (claims[at(c)].at, c));
        ps.sort_by_key(|&p| (payouts[at(p)].at, p));
        for p in ps {
            let by = payouts[at(p)].at.saturating_add(window_secs);
            let latest_done = cs
                .iter()
                .rposition(|&c| claims[at(c)].at.is_some_and(|t| t <= by));
            let pick = latest_done.unwrap_or(0);
            let c = cs.remove(pick);
            let g = idx(m.groups.len());
            m.groups.push(MatchedBy::OrderAmount);
            m.claim_group[at(c)] = g;
            m.payout_group[at(p)] = g;
        }
    }
}

/// Matches after-sales (claims) to refund outflows (payouts), in passes:
/// 1. refund number (one after-sale may receive several outflows);
/// 2. same order and amount within `tolerance` (sorted two-pointer, exact first);
/// 3. same order, the rest: all of them as one group when their sums agree (partial refunds,
///    one-to-many, many-to-one), else paired in time order within `window_secs`;
/// 4. an outflow left over whose order and amount equal an already paid after-sale of that
///    order joins its group as a repeated payment.
pub fn match_refunds(
    claims: &[Claim<'_>],
    payouts: &[Payout<'_>],
    tolerance: i64,
    window_secs: i64,
) -> RefundMatching {
    let mut m = RefundMatching {
        claim_group: vec![NONE; claims.len()],
        payout_group: vec![NONE; payouts.len()],
        groups: Vec::new(),
        repeated: Vec::new(),
    };

    // Pass 1: refund number.
    let mut by_refund_no: HashMap<&str, u32> = HashMap::with_capacity(claims.len());
    for (i, c) in claims.iter().enumerate() {
        if !c.refund_no.is_empty() {
            by_refund_no.entry(c.refund_no).or_insert(idx(i));
        }
    }
    for (p, payout) in payouts.iter().enumerate() {
        let Some(c) = payout.refund_no.and_then(|r| by_refund_no.get(r)).copied() else {
            continue;
        };
        let ci = at(c);
        if m.claim_group[ci] == NONE {
            m.claim_group[ci] = idx(m.groups.len());
            m.groups.push(MatchedBy::RefundNo);
        }
        m.payout_group[p] = m.claim_group[ci];
    }

    // Passes 2–4 work per order on what is left.
    let mut slots = Slots::with_capacity(claims.len());
    let mut claim_slot = vec![NONE; claims.len()];
    for (i, c) in claims.iter().enumerate() {
        if !c.order.is_empty() {
            claim_slot[i] = slots.slot(c.order);
        }
    }
    let mut payout_slot = vec![NONE; payouts.len()];
    for (p, payout) in payouts.iter().enumerate() {
        if m.payout_group[p] != NONE {
            continue;
        }
        if let Some(o) = payout.order.filter(|o| !o.is_empty()) {
            // Orders without any after-sale cannot match: do not create slots for them.
            if let Some(&s) = slots.map.get(o) {
                payout_slot[p] = s;
            }
        }
    }
    let claims_of = Groups::build(&claim_slot, slots.len());
    let payouts_of = Groups::build(&payout_slot, slots.len());

    let mut open_c: Vec<u32> = Vec::new();
    let mut open_p: Vec<u32> = Vec::new();
    for s in 0..slots.len() {
        let s = idx(s);
        let ps = payouts_of.members(s);
        if ps.is_empty() {
            continue;
        }
        open_c.clear();
        open_c.extend(
            claims_of
                .members(s)
                .iter()
                .copied()
                .filter(|&c| m.claim_group[at(c)] == NONE),
        );
        open_p.clear();
        open_p.extend_from_slice(ps);

        // Pass 2a: where more after-sales than outflows share one exact amount (a line refunded
        // from escrow before the release, another of the same amount paid out after it), each
        // outflow pays the latest of them done by its time: the earlier one may never have been
        // paid from the account at all.
        exact_by_time(claims, payouts, &open_c, &open_p, window_secs, &mut m);
        open_c.retain(|&c| m.claim_group[at(c)] == NONE);
        open_p.retain(|&p| m.payout_group[at(p)] == NONE);

        // Pass 2: amount within tolerance, by sorted two-pointer (exact matches first).
        open_c.sort_by_key(|&c| (claims[at(c)].amount, claims[at(c)].at, c));
        open_p.sort_by_key(|&p| (payouts[at(p)].amount, payouts[at(p)].at, p));
        for tol in [0, tolerance.max(0)] {
            let (mut i, mut j) = (0usize, 0usize);
            while i < open_c.len() && j < open_p.len() {
                let (c, p) = (open_c[i], open_p[j]);
                if m.claim_group[at(c)] != NONE {
                    i += 1;
                    continue;
                }
                if m.payout_group[at(p)] != NONE {
                    j += 1;
                    continue;
                }
                let (a, b) = (claims[at(c)].amount, payouts[at(p)].amount);
                if (a - b).abs() <= tol {
                    let g = idx(m.groups.len());
                    m.groups.push(MatchedBy::OrderAmount);
                    m.claim_group[at(c)] = g;
                    m.payout_group[at(p)] = g;
                    i += 1;
                    j += 1;
                } else if a < b {
                    i += 1;
                } else {
                    j += 1;
                }
            }
        }
        open_c.retain(|&c| m.claim_group[at(c)] == NONE);
        open_p.retain(|&p| m.payout_group[at(p)] == NONE);

        // Pass 3: parts whose sums agree, else time pairing.
        if !open_c.is_empty() && !open_p.is_empty() {
            let sum_c: i64 = open_c.iter().map(|&c| claims[at(c)].amount).sum();
            let sum_p: i64 = open_p.iter().map(|&p| payouts[at(p)].amount).sum();
            if (sum_c - sum_p).abs() <= tolerance.max(0) {
                let g = idx(m.groups.len());
                m.groups.push(MatchedBy::OrderParts);
                for &c in &open_c {
                    m.claim_group[at(c)] = g;
                }
                for &p in &open_p {
                    m.payout_group[at(p)] = g;
                }
            } else {
                open_c.sort_by_key(|&c| (claims[at(c)].at, c));
                open_p.sort_by_key(|&p| (payouts[at(p)].at, p));
                let (mut i, mut j) = (0usize, 0usize);
                while i < open_c.len() && j < open_p.len() {
                    let (c, p) = (open_c[i], open_p[j]);
                    let Some(ct) = claims[at(c)].at else {
                        i += 1;
                        continue;
                    };
                    let pt = payouts[at(p)].at;
                    if pt < ct - window_secs {
                        j += 1;
                    } else if pt > ct + window_secs {
                        i += 1;
                    } else {
                        let g = idx(m.groups.len());
                        m.groups.push(MatchedBy::OrderTime);
                        m.claim_group[at(c)] = g;
                        m.payout_group[at(p)] = g;
                        i += 1;
                        j += 1;
                    }
                }
            }
            open_p.retain(|&p| m.payout_group[at(p)] == NONE);
        }

        // Pass 4: a leftover outflow repeating an already paid after-sale of the order.
        if !open_p.is_empty() {
            let mut paid: Vec<(i64, u32)> = claims_of
                .members(s)
                .iter()
                .filter(|&&c| m.claim_group[at(c)] != NONE)
                .map(|&c| (claims[at(c)].amount, c))
                .collect();
            paid.sort_unstable();
            for &p in &open_p {
                let amount = payouts[at(p)].amount;
                let k = paid.partition_point(|&(a, _)| a < amount);
                if let Some(&(_, c)) = paid.get(k).filter(|&&(a, _)| a == amount) {
                    m.payout_group[at(p)] = m.claim_group[at(c)];
                    m.repeated.push(p);
                }
            }
        }
    }
    m.repeated.sort_unstable();
    m
}

/// How the outflows of one after-sale add up, in time order: the payments up to the one that
/// reaches the refunded amount (within `tolerance`) settle it; any after that are paid twice.
/// Returns the number of settling payments when there are extra ones.
pub fn repeated_after(claim: i64, payouts_in_time_order: &[i64], tolerance: i64) -> Option<usize> {
    let mut sum = 0i64;
    for (k, &p) in payouts_in_time_order.iter().enumerate() {
        sum += p;
        if (sum - claim).abs() <= tolerance {
            let rest: i64 = payouts_in_time_order[k + 1..].iter().sum();
            return (k + 1 < payouts_in_time_order.len() && rest > 0).then_some(k + 1);
        }
        if sum > claim + tolerance {
            return None;
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Settlement rows ↔ fund flow

/// The result of [`match_settlements`]: settlement rows and fund-flow rows grouped by the
/// reference that ties them (payment reference first, else order number).
#[derive(Clone, Debug, Default)]
pub struct SettlementMatching {
    pub settlement_group: Vec<u32>,
    pub flow_group: Vec<u32>,
    pub groups: usize,
}

/// Groups settlement rows by `payment_ref` (else `order`), and gives each group the fund-flow
/// rows whose merchant reference equals its payment reference, or, for groups keyed by order,
/// whose order equals it. A flow row joins at most one group.
pub fn match_settlements(
    settlements: &[(Option<&str>, &str)],
    flows: &[(Option<&str>, Option<&str>)],
) -> SettlementMatching {
    let mut by_ref = Slots::with_capacity(settlements.len());
    let mut out = SettlementMatching {
        settlement_group: vec![NONE; settlements.len()],
        flow_group: vec![NONE; flows.len()],
        groups: 0,
    };
    for (i, (r, _)) in settlements.iter().enumerate() {
        if let Some(r) = r.filter(|r| !r.is_empty()) {
            out.settlement_group[i] = by_ref.slot(r);
        }
    }
    let base = by_ref.len();
    let mut by_order = Slots::with_capacity(settlements.len());
    for (i, (r, o)) in settlements.iter().enumerate() {
        if r.is_none_or(str::is_empty) && !o.is_empty() {
            out.settlement_group[i] = idx(base) + by_order.slot(o);
        }
    }
    for (f, (merchant_ref, _)) in flows.iter().enumerate() {
        if let Some(&g) = merchant_ref.and_then(|r| by_ref.map.get(r)) {
            out.flow_group[f] = g;
        }
    }
    for (f, (_, order)) in flows.iter().enumerate() {
        if out.flow_group[f] != NONE {
            continue;
        }
        if let Some(&g) = order.and_then(|o| by_order.map.get(o)) {
            out.flow_group[f] = idx(base) + g;
        }
    }
    out.groups = base + by_order.len();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_list_members_in_item_order() {
        let g = Groups::build(&[1, NONE, 0, 1], 2);
        assert_eq!(g.members(0), &[2]);
        assert_eq!(g.members(1), &[0, 3]);
        assert!(g.members(5).is_empty());
    }

    #[test]
    fn one_outflow_pays_the_latest_refund_done_by_its_time() {
        // A line refunded from escrow on day 2 (never paid from the account) and another line
        // of the same amount returned on day 9, paid out on day 9: the outflow is day 9's.
        let day = 86_400;
        let claims = [
            Claim {
                refund_no: "R1",
                order: "O1",
                amount: 5900,
                at: Some(2 * day),
            },
            Claim {
                refund_no: "R2",
                order: "O1",
                amount: 5900,
                at: Some(9 * day),
            },
        ];
        let payouts = [Payout {
            refund_no: None,
            order: Some("O1"),
            amount: 5900,
            at: 9 * day + 60,
        }];
        let m = match_refunds(&claims, &payouts, 1, 3 * day);
        assert_eq!(m.claim_group[0], NONE);
        assert_ne!(m.claim_group[1], NONE);
        assert_eq!(m.claim_group[1], m.payout_group[0]);
    }

    #[test]
    fn repeated_payment_is_found_after_the_settling_one() {
        assert_eq!(repeated_after(5900, &[5900, 5900], 1), Some(1));
        assert_eq!(repeated_after(5900, &[3000, 2900], 1), None);
        assert_eq!(repeated_after(5900, &[3000, 2900, 2900], 1), Some(2));
        assert_eq!(repeated_after(5900, &[6000], 1), None);
    }
}
