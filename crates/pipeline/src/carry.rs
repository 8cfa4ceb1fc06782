//! What became of the items carried in from the previous run: closed, turned into findings, or
//! still pending (and, when their check could not run this period, which data was missing).

use duizhang_core::Finding;
use duizhang_engine::{CarryIn, Outcome, PendingItem};
use serde::Serialize;

/// How one carried item ended in this run.
#[derive(Debug, PartialEq, Eq)]
enum Fate<'a> {
    Closed,
    Found,
    Pending,
    /// Still pending because its check did not run for its shop: the reason (missing data).
    NotJudged(&'a str),
}

fn same_item(a: &PendingItem, b: &PendingItem) -> bool {
    (&a.shop, &a.code, &a.order_no, &a.refund_no, &a.txn_no)
        == (&b.shop, &b.code, &b.order_no, &b.refund_no, &b.txn_no)
}

/// A finding of the item's check for the same shop that names what the item named.
fn found_as(item: &PendingItem, f: &Finding) -> bool {
    let names = |mine: &Option<String>, theirs: &Option<String>| {
        mine.is_none() || mine.as_deref() == theirs.as_deref()
    };
    f.shop == item.shop
        && f.code == item.code
        && names(&item.order_no, &f.order_no)
        && names(&item.refund_no, &f.refund_no)
        && names(&item.txn_no, &f.txn_no)
}

fn fate<'a>(item: &PendingItem, outcome: &'a Outcome) -> Fate<'a> {
    if let Some(n) = outcome
        .not_run
        .iter()
        .find(|n| n.shop == item.shop && n.code == item.code)
    {
        return Fate::NotJudged(&n.reason);
    }
    if outcome.pending.iter().any(|p| same_item(p, item)) {
        Fate::Pending
    } else if outcome.findings.iter().any(|f| found_as(item, f)) {
        Fate::Found
    } else {
        Fate::Closed
    }
}

/// What became of the carried items, for summary.json (`carried`) and the console.
#[derive(Debug, Default, Serialize)]
pub struct CarryAccount {
    /// The period the items were carried from.
    pub from: String,
    pub items: usize,
    pub closed: usize,
    pub found: usize,
    pub pending: usize,
    /// Items whose check did not run this period, per shop and check, with the reason.
    pub not_judged: Vec<NotJudged>,
}

#[derive(Debug, Serialize)]
pub struct NotJudged {
    pub shop: String,
    pub code: String,
    pub reason: String,
    pub items: usize,
}

impl CarryAccount {
    /// `None` when nothing was carried in.
    pub fn of(carry: &CarryIn, outcome: &Outcome) -> Option<CarryAccount> {
        if carry.pending.is_empty() {
            return None;
        }
        let mut account = CarryAccount {
            from: carry.period.clone().unwrap_or_default(),
            items: carry.pending.len(),
            ..CarryAccount::default()
        };
        for item in &carry.pending {
            match fate(item, outcome) {
                Fate::Closed => account.closed += 1,
                Fate::Found => account.found += 1,
                Fate::Pending => account.pending += 1,
                Fate::NotJudged(reason) => match account
                    .not_judged
                    .iter_mut()
                    .find(|n| n.shop == item.shop && n.code == item.code)
                {
                    Some(n) => n.items += 1,
                    None => account.not_judged.push(NotJudged {
                        shop: item.shop.clone(),
                        code: item.code.clone(),
                        reason: reason.to_string(),
                        items: 1,
                    }),
                },
            }
        }
        Some(account)
    }
}
