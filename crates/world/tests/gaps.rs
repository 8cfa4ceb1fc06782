//! Every known gap still shows at its seed: when the engine is fixed, this fails and the gap
//! is to be removed from `gaps::KNOWN_GAPS` (so the list never hides a closed gap).

use duizhang_core::Period;
use duizhang_world::story::Clock;
use duizhang_world::{gaps, month, platform, verdict};

#[test]
fn every_known_gap_still_shows_at_its_seed() {
    let mut closed = Vec::new();
    for g in gaps::KNOWN_GAPS {
        let world = platform::world(g.platform).expect("a world for the gap's platform");
        let (seed, period, n) = g.seed;
        let span = Period::parse(period).expect("period");
        let clock = Clock::downloaded(Period::of(span.start()), span.end());
        let m = (world.month)(seed, clock, n);
        let files = (world.files)(&m);
        let ran = if span.is_month() {
            month::run(&m, &files)
        } else {
            month::run_span(&m, &files, span)
        };
        let v = verdict::clean(&m, &ran, world.platform);
        if v.gaps.get(g.code).copied().unwrap_or(0) == 0 {
            closed.push(format!("{} on {:?} ({})", g.code, g.platform, g.stories));
        }
    }
    assert!(
        closed.is_empty(),
        "gaps no longer seen, remove them from KNOWN_GAPS:\n{}",
        closed.join("\n")
    );
}
