//! Control totals: the counts and sums a file states about itself, checked against its rows.

use duizhang_core::Fen;
use serde::{Deserialize, Serialize};

/// One stated total and what the rows add up to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlCheck {
    /// What the total is, in Chinese (`支出合计`).
    pub label: String,
    pub line: Option<u32>,
    pub stated_count: Option<u64>,
    pub stated_amount: Option<Fen>,
    pub counted: u64,
    pub summed: Fen,
    /// The rows' sum left the range of an amount ([`crate::limits::MAX_AMOUNT_FEN`]): the
    /// file cannot be true.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub overflowed: bool,
}

impl ControlCheck {
    pub fn holds(&self) -> bool {
        !self.overflowed
            && self.stated_count.is_none_or(|c| c == self.counted)
            && self.stated_amount.is_none_or(|a| a == self.summed)
    }

    pub fn describe_zh(&self) -> String {
        let mut parts = Vec::new();
        if let Some(c) = self.stated_count {
            parts.push(format!("声明 {c} 笔，实际 {} 笔", self.counted));
        }
        if let Some(a) = self.stated_amount {
            parts.push(format!("声明 {a} 元，实际 {} 元", self.summed));
        }
        format!("{}：{}", self.label, parts.join("；"))
    }
}

/// A running count and sum for one control total. A sum that leaves the 64-bit range is not
/// wrapped: it is remembered as overflowed, and the check says so.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub count: u64,
    pub sum: Fen,
    pub overflowed: bool,
}

impl Tally {
    pub fn add(&mut self, amount: Fen) {
        self.add_many(1, amount);
    }

    /// Adds a line that stands for `count` rows (a per-type line of a 汇总 file).
    pub fn add_many(&mut self, count: u64, amount: Fen) {
        self.count = self.count.saturating_add(count);
        match self.sum.checked_add(amount) {
            Some(sum) => self.sum = sum,
            None => self.overflowed = true,
        }
    }

    /// Checks what a footer or summary line (at `line`) states against this tally.
    pub fn check(
        self,
        label: impl Into<String>,
        line: u32,
        stated_count: Option<u64>,
        stated_amount: Option<Fen>,
    ) -> ControlCheck {
        ControlCheck {
            label: label.into(),
            line: Some(line),
            stated_count,
            stated_amount,
            counted: self.count,
            summed: self.sum,
            // Past the range of one amount is as impossible for a file's total as for a cell,
            // and keeps the difference to the stated total inside 64 bits.
            overflowed: self.overflowed || crate::limits::check_amount(self.sum).is_err(),
        }
    }
}

/// Reads the count and amount of a footer such as `#支出合计：2笔，共-12.60元`,
/// `#支出合计：3485笔-59276.09元`, `#交易合计：6笔，商家实收共0.06元，商家优惠共0.00元`:
/// the first `N笔` and the first amount after it followed by `元`.
pub fn parse_count_and_amount(line: &str) -> Option<(u64, Fen)> {
    let body = line.trim_start_matches('#');
    let (_, after_colon) = body.split_once(['：', ':'])?;
    let (count_text, rest) = after_colon.split_once('笔')?;
    let count: u64 = count_text.trim().parse().ok()?;
    let amount_text = rest.split('元').next()?;
    let start = amount_text.find(|c: char| c.is_ascii_digit() || c == '-' || c == '+')?;
    let amount = Fen::parse_yuan(amount_text.get(start..)?.trim()).ok()?;
    Some((count, amount))
}

/// The label before the colon of a footer line (`支出合计`).
pub fn footer_label(line: &str) -> &str {
    let body = line.trim_start_matches('#');
    body.split(['：', ':']).next().unwrap_or(body).trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_footer_shapes() {
        assert_eq!(
            parse_count_and_amount("#支出合计：2笔，共-12.60元"),
            Some((2, Fen::new(-1260)))
        );
        assert_eq!(
            parse_count_and_amount("#支出合计：3485笔-59276.09元"),
            Some((3485, Fen::new(-5927609)))
        );
        assert_eq!(
            parse_count_and_amount("#收入合计：3笔，共307.80元,,,,"),
            Some((3, Fen::new(30780)))
        );
        assert_eq!(
            parse_count_and_amount("#交易合计：6笔，商家实收共0.06元，商家优惠共0.00元"),
            Some((6, Fen::new(6)))
        );
        assert_eq!(
            parse_count_and_amount("#总计:3笔33.93元"),
            Some((3, Fen::new(3393)))
        );
        assert_eq!(
            parse_count_and_amount("#导出时间：[2019年09月17日 05:46:49]"),
            None
        );
        assert_eq!(footer_label("#支出合计：2笔，共-12.60元"), "支出合计");
    }

    #[test]
    fn a_sum_past_the_64_bit_range_is_refused_not_wrapped() {
        let mut tally = Tally::default();
        tally.add(Fen::new(i64::MAX - 10));
        tally.add(Fen::new(100));
        assert!(tally.overflowed);
        let check = tally.check("收入合计", 9, Some(2), Some(Fen::new(5)));
        assert!(!check.holds());
        assert!(check.overflowed);
    }
}
