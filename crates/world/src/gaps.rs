//! Where the engine disagrees with the platforms' rules today: each gap names the code, the
//! platform, the story shape it shows on, the rule it breaks and a seed that reproduces it.
//! The tests skip exactly these findings (that code, that platform, that shape) and count them.

use duizhang_core::Platform;

use crate::story::Deal;

#[derive(Clone, Copy, Debug)]
pub struct Gap {
    pub code: &'static str,
    pub platform: Platform,
    /// The stories the false finding appears on (a clean world), in words and as a test.
    pub stories: &'static str,
    /// The story and the cut-off (seconds from the period's start).
    pub story: fn(&Deal, i64) -> bool,
    pub rule: &'static str,
    /// `(seed, period, orders)` of a month that shows it; a day or a week: the month's files
    /// downloaded at its end, run as that span.
    pub seed: (u64, &'static str, usize),
}

pub const KNOWN_GAPS: &[Gap] = &[Gap {
    code: "SETTLEMENT_MISMATCH",
    platform: Platform::Douyin,
    stories: "an order settled (or refunded after settlement) in the last seconds before the \
              cut-off, whose 资金流水 row comes a few seconds after the 结算账单's row, past the cut-off",
    story: douyin_split_at_cut_off,
    rule: "formats.md §6.2/6.3 do not say how long after the 结算账单's 结算时间 the 资金流水 books \
           货款结算入账 (or the 结算后退款's 出账); the engine assumes no delay for Douyin \
           (core timing::settlement_transit_days = 0), so a download between the two rows \
           shows the statement's money as not arrived (or a refund as not paid out) at once. \
           A Douyin transit window would settle it, but no source gives its length",
    seed: (2601, "2026-10-10", 1500),
}];

/// A Douyin story whose settlement (or refund after settlement) is in the statement at the
/// cut-off and its fund-flow row not yet.
fn douyin_split_at_cut_off(d: &Deal, cut: i64) -> bool {
    use crate::platform::douyin::{
        FLOW_LAG, REFUND_FLOW_LAG, REFUND_STATEMENT_LAG, line_settled_at,
    };
    d.released_at.is_some_and(|r| {
        (0..d.lines.len())
            .map(|i| line_settled_at(r, i))
            .any(|r| r < cut && r + FLOW_LAG >= cut)
    }) || d.sales.iter().any(|s| {
        s.is_refund()
            && s.done_at
                .is_some_and(|t| t + REFUND_STATEMENT_LAG < cut && t + REFUND_FLOW_LAG >= cut)
    })
}

/// The gap that explains a false finding of `code` on a clean story, if any.
pub fn known(code: &str, platform: Platform, deal: &Deal, cut_off: i64) -> Option<&'static Gap> {
    KNOWN_GAPS
        .iter()
        .find(|g| g.code == code && g.platform == platform && (g.story)(deal, cut_off))
}

/// A planted problem the engine does not report as its code alone (missed, or reported with
/// another code beside it).
#[derive(Clone, Copy, Debug)]
pub struct Miss {
    pub code: &'static str,
    /// The plant: its code for the plant of `plant::PLANTS`, else the planting function's name.
    pub plant: &'static str,
    pub platform: Platform,
    pub rule: &'static str,
    /// The plant's seed (`world::run_planted`).
    pub seed: u64,
}

pub const KNOWN_MISSES: &[Miss] = &[];

/// Whether the plant `plant` on `platform` is a listed miss.
pub fn missed(plant: &str, platform: Platform) -> bool {
    KNOWN_MISSES
        .iter()
        .any(|g| g.plant == plant && g.platform == platform)
}
