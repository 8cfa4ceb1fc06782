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
    /// `(seed, period, orders)` of a month that shows it.
    pub seed: (u64, &'static str, usize),
}

pub const KNOWN_GAPS: &[Gap] = &[Gap {
    code: "SETTLEMENT_MISMATCH",
    platform: Platform::Jd,
    stories: "an order settled, or a refund clawed back, in the last 30 seconds before the cut-off",
    story: |d, cut| {
        d.released_at.is_some_and(|r| r < cut && r + 30 >= cut)
            || d.sales
                .iter()
                .any(|s| s.done_at.is_some_and(|t| t + 60 < cut && t + 90 >= cut))
    },
    rule: "a statement settled just before the cut-off whose money reaches the wallet just after it is in transit (在途), not a difference: it should be pending until the 资金表 of the next days",
    seed: (14005, "2025-06", 5000),
}];

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

pub const KNOWN_MISSES: &[Miss] = &[
    Miss {
        code: "FLOW_DUPLICATE",
        plant: "commission_twice_on_several_lines",
        platform: Platform::Tmall,
        rule: "one sub-order's 天猫佣金 交易分账 row twice (new 账务流水号, same 业务流水号 and amount) on an order of two lines with different fees: the per-line fees explain two rows, not three, yet nothing is reported (with no commission rate in the settings FEE_MISMATCH cannot say it either)",
        seed: 9,
    },
    Miss {
        code: "PAYMENT_AMOUNT_MISMATCH",
        plant: "PAYMENT_AMOUNT_MISMATCH",
        platform: Platform::Douyin,
        rule: "the 结算账单 settles a 子订单 5 元 less than its 订单应付金额 less its refunds (the 资金流水 agrees with the statement): what Douyin released is short, yet nothing is reported",
        seed: 7,
    },
];

/// Whether the plant `plant` on `platform` is a listed miss.
pub fn missed(plant: &str, platform: Platform) -> bool {
    KNOWN_MISSES
        .iter()
        .any(|g| g.plant == plant && g.platform == platform)
}
