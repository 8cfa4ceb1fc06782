//! Orders, status and goods (订单、状态与货物).

use super::CheckFn;

pub fn implementation(code: &str) -> Option<CheckFn> {
    let _ = code;
    None
}
