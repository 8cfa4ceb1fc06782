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

pub const KNOWN_GAPS: &[Gap] = &[];

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
