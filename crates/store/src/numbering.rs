//! Voucher numbers (凭证号) per company, period and 凭证字: continuous, and never given to two
//! vouchers that may have left the workspace. The store allocates them; nothing else does.
//!
//! A number is *held* by
//! - every correcting voucher (调整凭证) of the period, pending or approved;
//! - every approved voucher batch of the period, current or superseded: once approved it may
//!   have been exported and posted, so its numbers are spent for good;
//! - the period's current batch while it is pending — except for the new run that replaces it.
//!
//! A pending batch a later run superseded was never exported (export needs approval): its
//! numbers were never issued and go back to the period. Every new voucher takes the lowest
//! number nobody holds — the highest held + 1 when there is no hole — so a re-run's batch fills
//! what its predecessor left and steps over the adjustments made since.

use std::collections::BTreeMap;

use crate::backend::Tx;
use crate::error::StoreError;
use crate::records::{BatchState, NumberRange, VoucherBatch};

/// Held numbers per 凭证字, as sorted, merged ranges `(first, last)`.
pub type Held = BTreeMap<String, Vec<(i64, i64)>>;

/// Who the numbers are for: a new run replaces the period's pending batch, an adjustment
/// does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Claimant {
    NewRun,
    Adjustment,
}

/// The numbers of the accounting month `period` a new voucher of `claimant` must not take.
pub(crate) fn held(
    tx: &mut dyn Tx,
    company: i64,
    period: &str,
    claimant: Claimant,
) -> Result<Held, StoreError> {
    let runs = tx.runs(company)?;
    let latest = runs
        .iter()
        .filter(|r| r.period == period)
        .map(|r| r.id)
        .max();
    let mut ranges: Vec<NumberRange> = Vec::new();
    let batches = tx.voucher_batches(company)?;
    for batch in numbered(tx, company, batches)? {
        if batch.period != period {
            continue;
        }
        let current = Some(batch.run_id) == latest;
        let holds =
            batch.state == BatchState::Approved || (current && claimant == Claimant::Adjustment);
        if holds {
            ranges.extend(batch.numbers);
        }
    }
    for a in tx.adjustments(company)? {
        if a.month() == period {
            ranges.push(NumberRange {
                word: a.word.clone(),
                first: a.number,
                last: a.number,
            });
        }
    }
    Ok(merge(ranges))
}

/// The batches with the numbers their vouchers carry.
pub(crate) fn numbered(
    tx: &mut dyn Tx,
    company: i64,
    mut batches: Vec<VoucherBatch>,
) -> Result<Vec<VoucherBatch>, StoreError> {
    let stored = tx.voucher_numbers(company)?;
    for batch in &mut batches {
        batch.numbers = stored
            .iter()
            .filter(|(run, _)| *run == batch.run_id)
            .map(|(_, r)| r.clone())
            .collect();
        if batch.numbers.is_empty() {
            // Batches stored before numbers were kept were numbered 记-1..N by their run.
            batch.numbers.push(NumberRange {
                word: "记".into(),
                first: 1,
                last: batch.vouchers,
            });
        }
    }
    Ok(batches)
}

/// The lowest number of `word` nobody holds.
pub(crate) fn lowest_free(held: &Held, word: &str) -> i64 {
    let mut next = 1;
    for &(first, last) in held.get(word).map(Vec::as_slice).unwrap_or_default() {
        if first > next {
            break;
        }
        next = next.max(last + 1);
    }
    next
}

/// The first number of `numbers` someone already holds, as (凭证字, number).
pub(crate) fn first_clash(held: &Held, numbers: &[NumberRange]) -> Option<(String, i64)> {
    numbers.iter().find_map(|r| {
        held.get(&r.word)?
            .iter()
            .find(|(first, last)| *first <= r.last && r.first <= *last)
            .map(|(first, _)| (r.word.clone(), (*first).max(r.first)))
    })
}

fn merge(mut ranges: Vec<NumberRange>) -> Held {
    ranges.sort();
    let mut held = Held::new();
    for r in ranges.into_iter().filter(|r| r.first <= r.last) {
        let list = held.entry(r.word).or_default();
        match list.last_mut() {
            Some((_, last)) if r.first <= *last + 1 => *last = (*last).max(r.last),
            _ => list.push((r.first, r.last)),
        }
    }
    held
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(word: &str, first: i64, last: i64) -> NumberRange {
        NumberRange {
            word: word.into(),
            first,
            last,
        }
    }

    #[test]
    fn the_next_number_fills_the_first_hole_else_follows_the_highest() {
        let held = merge(vec![
            range("记", 1, 5),
            range("记", 7, 7),
            range("收", 1, 2),
        ]);
        assert_eq!(lowest_free(&held, "记"), 6);
        let held = merge(vec![range("记", 1, 5), range("记", 6, 6)]);
        assert_eq!(lowest_free(&held, "记"), 7);
        assert_eq!(lowest_free(&held, "转"), 1);
        let held = merge(vec![range("记", 3, 4)]);
        assert_eq!(lowest_free(&held, "记"), 1);
    }

    #[test]
    fn a_batch_reaching_an_adjustments_number_clashes_on_that_number() {
        let held = merge(vec![range("记", 6, 6)]);
        assert_eq!(
            first_clash(&held, &[range("记", 1, 8)]),
            Some(("记".into(), 6))
        );
        assert_eq!(
            first_clash(&held, &[range("记", 1, 5), range("记", 7, 9)]),
            None
        );
        assert_eq!(first_clash(&held, &[range("收", 1, 8)]), None);
    }
}
