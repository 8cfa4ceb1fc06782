//! Where the engine disagrees with the platforms' rules today: each gap names the code, the
//! platform, the story shape it shows on, the rule it breaks and a seed that reproduces it.
//! The tests skip exactly these findings (that code, that platform, that shape) and count them.

use duizhang_core::Platform;

use crate::story::Shape;

#[derive(Clone, Copy, Debug)]
pub struct Gap {
    pub code: &'static str,
    pub platform: Platform,
    /// The story shapes the false finding appears on (a clean world).
    pub shapes: &'static [Shape],
    pub rule: &'static str,
    /// `(seed, period, orders)` of a month that shows it.
    pub seed: (u64, &'static str, usize),
}

pub const KNOWN_GAPS: &[Gap] = &[Gap {
    code: "REFUND_UNPAID",
    platform: Platform::Tmall,
    shapes: &[Shape::Several],
    rule: "a line refunded from escrow before 确认收货 and another line of the same amount returned after it: the one 交易退款 outflow is the later refund's (the earlier one was paid from escrow), yet it is taken for the earlier one and the later refund is reported unpaid",
    seed: (1, "2026-10", 2000),
}];

/// The gap that explains a false finding of `code` on a clean story of `shape`, if any.
pub fn known(code: &str, platform: Platform, shape: Shape) -> Option<&'static Gap> {
    KNOWN_GAPS
        .iter()
        .find(|g| g.code == code && g.platform == platform && g.shapes.contains(&shape))
}

/// A planted problem the engine does not report as its code alone (missed, or reported with
/// another code beside it).
#[derive(Clone, Copy, Debug)]
pub struct Miss {
    pub code: &'static str,
    pub platform: Platform,
    pub rule: &'static str,
    /// The plant's seed (`world::run_planted`).
    pub seed: u64,
}

pub const KNOWN_MISSES: &[Miss] = &[];
