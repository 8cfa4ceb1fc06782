//! The property runs: many clean months per platform, and single planted problems.

use duizhang_core::{Period, Platform};

use crate::month::{self, Files, Month};
use crate::rng::Rng;
use crate::story::Clock;
use crate::verdict;

/// A platform as the tests drive it: its month generator and its file writer.
#[derive(Clone, Copy)]
pub struct World {
    pub platform: Platform,
    /// A month of n orders downloaded at the clock's cut-off.
    pub month: fn(u64, Clock, usize) -> Month,
    /// Every source's records of a month's stories at its clock's cut-off (what `month` does
    /// after drawing the stories): the records of given stories, as `crate::months` needs.
    pub render: fn(&mut Month, &mut Rng),
    pub files: fn(&Month) -> Files,
}

/// Lifecycles per platform in a run: `DUIZHANG_WORLD_LIFECYCLES`, else 100,000.
pub fn lifecycles() -> usize {
    std::env::var("DUIZHANG_WORLD_LIFECYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

/// Orders per month in the clean runs.
pub const MONTH_ORDERS: usize = 5_000;

/// The months of a run: consecutive, from 2025-01, so month lengths and year ends vary.
pub fn periods(count: usize) -> impl Iterator<Item = Period> {
    let mut p = Period::year_month(2025, 1).unwrap_or_else(|| unreachable!());
    (0..count).map(move |_| {
        let this = p;
        p = p.next();
        this
    })
}

/// Runs `total` clean lifecycles in months of [`MONTH_ORDERS`]; returns the lifecycles run
/// and, per month, the unexplained findings (empty when the engine agrees with the world).
pub fn run_clean(world: World, seed: u64, total: usize) -> (usize, Vec<String>) {
    let months = total.div_ceil(MONTH_ORDERS).max(1);
    let mut run = 0;
    let mut wrong = Vec::new();
    for (k, period) in periods(months).enumerate() {
        let n = MONTH_ORDERS.min(total - run).max(1);
        let seed = seed
            .wrapping_mul(1000)
            .wrapping_add(u64::try_from(k).unwrap_or(0));
        let m = (world.month)(seed, Clock::new(period), n);
        let files = (world.files)(&m);
        let ran = month::run(&m, &files);
        let v = verdict::clean(&m, &ran, world.platform);
        if !v.unexplained.is_empty() {
            wrong.push(format!(
                "seed {seed}, {period}, {n} orders:\n{}",
                v.summary()
            ));
        }
        run += n;
    }
    (run, wrong)
}

/// Orders of a month with one planted problem.
pub const PLANTED_ORDERS: usize = 800;

/// Plants `plant` in a clean month and runs it: `Ok` when the findings (known gaps set
/// aside) are exactly the planted code, about the planted order.
pub fn run_planted(world: World, plant: &crate::plant::Plant, seed: u64) -> Result<(), String> {
    let period = Period::year_month(2026, 10).unwrap_or_else(|| unreachable!());
    run_planted_in(world, plant, seed, period)
}

/// [`run_planted`] in the month's files downloaded at the end of `span` (a day or an ISO week
/// of October 2026, or the month itself), run as that span's month-to-date run.
pub fn run_planted_in(
    world: World,
    plant: &crate::plant::Plant,
    seed: u64,
    span: Period,
) -> Result<(), String> {
    let period = Period::of(span.start());
    let clock = Clock::downloaded(period, span.end());
    for attempt in 0..5 {
        let seed = seed + attempt;
        let mut m = (world.month)(seed, clock, PLANTED_ORDERS);
        let Some(order) = (plant.apply)(&mut m) else {
            continue;
        };
        let files = (world.files)(&m);
        let ran = if span.is_month() {
            month::run(&m, &files)
        } else {
            month::run_span(&m, &files, span)
        };
        let v = verdict::clean(&m, &ran, world.platform);
        let about_it = |f: &duizhang_core::Finding| {
            f.order_no.as_deref() == Some(order.as_str())
                || m.deals.iter().any(|d| {
                    d.order_no == order
                        && !d.payment_no.is_empty()
                        && f.order_no.as_deref() == Some(d.payment_no.as_str())
                })
                || m.deals.iter().any(|d| {
                    d.order_no == order
                        && d.sales
                            .iter()
                            .any(|s| f.refund_no.as_deref() == Some(s.refund_no.as_str()))
                })
                || f.order_no.is_none()
        };
        let right: Vec<_> = v
            .unexplained
            .iter()
            .filter(|(f, _)| f.code == plant.code && about_it(f))
            .collect();
        let others: Vec<_> = v
            .unexplained
            .iter()
            .filter(|(f, _)| !(f.code == plant.code && about_it(f)))
            .collect();
        if right.is_empty() || !others.is_empty() {
            return Err(format!(
                "{:?} {} in {span} (seed {seed}, order {order}): found {} of it; other findings:\n{}",
                world.platform,
                plant.code,
                right.len(),
                verdict::Verdict {
                    unexplained: others.into_iter().cloned().collect(),
                    gaps: Default::default(),
                }
                .summary()
            ));
        }
        return Ok(());
    }
    Err(format!(
        "{:?} {}: no story to plant it in",
        world.platform, plant.code
    ))
}
