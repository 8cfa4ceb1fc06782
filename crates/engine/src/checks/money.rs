//! Money against the platform (资金): payments, refunds, duplicates, balances, fees, settlements.

use super::CheckFn;

pub fn implementation(code: &str) -> Option<CheckFn> {
    let _ = code;
    None
}
