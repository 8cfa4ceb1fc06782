//! Numbering generated vouchers around numbers their period already holds. The generator
//! numbers a period from 1; when the period's correcting vouchers (or an approved, possibly
//! posted batch) already hold some numbers, the vouchers take the free ones instead, in order,
//! so the period's numbers stay continuous and none is given twice.

use std::collections::BTreeMap;

use crate::error::BooksError;
use crate::voucher::Voucher;

/// Held numbers per 凭证字 as sorted, non-overlapping ranges `(first, last)`.
pub type HeldNumbers = BTreeMap<String, Vec<(i64, i64)>>;

/// Gives each voucher, in order, per 凭证字, the lowest number no earlier voucher took and
/// `held` does not name.
pub fn number_around(vouchers: &mut [Voucher], held: &HeldNumbers) -> Result<(), BooksError> {
    // Per word: the next candidate and the index of the first held range not passed yet.
    let mut cursor: BTreeMap<String, (i64, usize)> = BTreeMap::new();
    for v in vouchers.iter_mut() {
        let (next, at) = cursor.entry(v.word.clone()).or_insert((1, 0));
        if let Some(ranges) = held.get(&v.word) {
            while let Some(&(first, last)) = ranges.get(*at) {
                if last < *next {
                    *at += 1;
                } else if first <= *next {
                    *next = last + 1;
                    *at += 1;
                } else {
                    break;
                }
            }
        }
        v.number = u32::try_from(*next).map_err(|_| {
            BooksError::voucher(
                format!("{} {}字凭证号超出范围", v.period, v.word),
                format!("voucher number {next} out of range"),
            )
        })?;
        *next += 1;
    }
    Ok(())
}

/// The numbers the vouchers carry, per 凭证字, as ranges `(word, first, last)` in order.
pub fn number_ranges(vouchers: &[Voucher]) -> Vec<(String, i64, i64)> {
    let mut numbers: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for v in vouchers {
        numbers
            .entry(v.word.as_str())
            .or_default()
            .push(i64::from(v.number));
    }
    let mut ranges = Vec::new();
    for (word, mut list) in numbers {
        list.sort_unstable();
        for n in list {
            match ranges.last_mut() {
                Some((w, _, last)) if w == word && *last + 1 == n => *last = n,
                _ => ranges.push((word.to_string(), n, n)),
            }
        }
    }
    ranges
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::voucher::VoucherLine;
    use duizhang_core::{Fen, Period};

    fn voucher(word: &str) -> Voucher {
        Voucher {
            date: jiff::civil::date(2026, 10, 31),
            period: Period::parse("2026-10").unwrap(),
            word: word.into(),
            number: 0,
            attachments: 1,
            preparer: "duizhang".into(),
            reviewer: None,
            rules_version: None,
            shop: None,
            class: None,
            lines: vec![VoucherLine {
                summary: "销售收入".into(),
                account: "1012".into(),
                debit: Fen::new(5_900),
                credit: Fen::ZERO,
                aux: Default::default(),
            }],
            links: Vec::new(),
            flags: Vec::new(),
        }
    }

    #[test]
    fn a_rerun_steps_over_the_numbers_of_the_periods_correcting_vouchers() {
        let mut vouchers: Vec<Voucher> = (0..8).map(|_| voucher("记")).collect();
        vouchers.push(voucher("付"));
        let held = HeldNumbers::from([("记".to_string(), vec![(3, 4), (6, 6)])]);
        number_around(&mut vouchers, &held).unwrap();
        let numbers: Vec<u32> = vouchers.iter().map(|v| v.number).collect();
        assert_eq!(numbers, [1, 2, 5, 7, 8, 9, 10, 11, 1]);
        assert_eq!(
            number_ranges(&vouchers),
            [
                ("付".to_string(), 1, 1),
                ("记".to_string(), 1, 2),
                ("记".to_string(), 5, 5),
                ("记".to_string(), 7, 11),
            ]
        );
    }

    #[test]
    fn with_nothing_held_the_numbers_run_from_one() {
        let mut vouchers: Vec<Voucher> = (0..3).map(|_| voucher("记")).collect();
        number_around(&mut vouchers, &HeldNumbers::new()).unwrap();
        assert_eq!(number_ranges(&vouchers), [("记".to_string(), 1, 3)]);
    }
}
