//! One module per platform family; each importer reads one format by its header names.
//!
//! To add a format: write an [`Importer`](crate::Importer) here (detect by header, read rows
//! through [`Cells`](crate::table::Cells) so errors name line and column), register it in
//! [`all`], and add a fixture writer and tests in `duizhang-samples`.

pub mod alipay;
pub mod douyin;
pub mod pdd;
mod rows;

use crate::registry::{Detection, Importer};
use crate::table::{Header, Row};

/// Every built-in format importer, in detection-priority order.
pub fn all() -> Vec<Box<dyn Importer>> {
    vec![
        Box::new(alipay::AlipayFundFlow),
        Box::new(alipay::AlipayFundSummary),
        Box::new(pdd::PddFundFlow),
        Box::new(pdd::PddOrders),
        Box::new(douyin::DouyinOrders),
        Box::new(douyin::DouyinFundFlow),
        Box::new(douyin::DouyinSettlement),
    ]
}

/// A column and its other spellings across versions.
pub type Column = &'static [&'static str];

/// Finds the first peeked row holding all `required` columns; the score is the number of
/// `required` and `optional` columns found, plus `bonus` (for a recognised title line).
pub fn detect_header(
    rows: &[Row],
    required: &[Column],
    optional: &[Column],
    bonus: u32,
) -> Option<(usize, Header, u32)> {
    for (index, row) in rows.iter().enumerate() {
        let header = Header::from_row(row);
        if header.count_matching(required) == required.len() {
            let found = required.len() + header.count_matching(optional);
            let score = u32::try_from(found).unwrap_or(0) * 10 + bonus;
            return Some((index, header, score));
        }
    }
    None
}

/// Builds a detection.
pub fn detection(variant: impl Into<String>, header_index: usize, score: u32) -> Option<Detection> {
    Some(Detection {
        variant: variant.into(),
        header_index,
        score,
    })
}

/// The signature list of a format for "closest format" hints.
pub fn signature_of(required: &[Column]) -> Vec<String> {
    required
        .iter()
        .filter_map(|aliases| aliases.first().map(|s| s.to_string()))
        .collect()
}

/// True if any peeked row before the header starts with `title` (after `#` and guards).
pub fn has_title(rows: &[Row], header_index: usize, title: &str) -> bool {
    rows.iter()
        .take(header_index)
        .any(|r| r.cell(0).trim_start_matches('#').trim() == title)
}

/// Extracts the first run of at least `min_len` ASCII digits from text (order ids in memos).
pub fn digits_in(text: &str, min_len: usize) -> Option<&str> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i - start >= min_len {
                return text.get(start..i);
            }
        } else {
            i += 1;
        }
    }
    None
}
