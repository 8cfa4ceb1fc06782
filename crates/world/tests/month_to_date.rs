//! A seller who downloads the month's files every morning (or every Monday) and runs that day
//! (or week): the files hold the month up to the span's end and nothing after it — orders
//! paid late unshipped, refunds open, payouts not yet made, a payout's later rows missing. Run
//! as the span's month-to-date run through the pipeline (`--period 2026-10-15`, `2026-W42`),
//! a clean month gives no finding at any cut-off, and a planted problem gives exactly its code.
//! `DUIZHANG_WORLD_MTD_ORDERS` sets the orders of each download (default 1,500).

use duizhang_core::{Period, Platform};
use duizhang_world::month::{self, Month, Ran};
use duizhang_world::plant::plant;
use duizhang_world::story::Clock;
use duizhang_world::world::{World, run_planted_in};
use duizhang_world::{gaps, platform, verdict};

fn orders() -> usize {
    std::env::var("DUIZHANG_WORLD_MTD_ORDERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_500)
}

fn period(text: &str) -> Period {
    Period::parse(text).unwrap_or_else(|| panic!("{text}"))
}

/// The ISO week a day of `month` falls in.
fn week_of(month: Period, day: i64) -> Period {
    let w = month.start().plus_days(day - 1).date().iso_week_date();
    Period::week(w.year(), w.week()).unwrap_or_else(|| panic!("week of {month} day {day}"))
}

/// The downloads of a month and the span each is run as: the 1st, the 10th, the 15th and the
/// last day, the ISO week of the 15th (which ends inside the month) and the week of the last
/// day (which ends in the next month), that one with the month's files alone and with the
/// next month's files beside them.
fn downloads(month: Period) -> Vec<(Period, Clock)> {
    let mut out: Vec<(Period, Clock)> = [1, 10, 15, month.days()]
        .into_iter()
        .map(|d| period(&format!("{}-{d:02}", month)))
        .map(|day| (day, Clock::downloaded(month, day.end())))
        .collect();
    let inside = week_of(month, 15);
    assert!(inside.end() <= month.end(), "{inside} ends inside {month}");
    out.push((inside, Clock::downloaded(month, inside.end())));
    let crossing = week_of(month, month.days());
    assert!(
        crossing.end() > month.end(),
        "{crossing} crosses {month}'s end"
    );
    out.push((crossing, Clock::downloaded(month, crossing.end())));
    out.push((crossing, Clock::downloaded_with_next(month, crossing.end())));
    out
}

/// October 2026 (its last week ends on 1 November), February 2026 (28 days, its last week
/// ends on 1 March) and December 2025 (its last week is 2026's first).
const MONTHS: [&str; 3] = ["2026-10", "2026-02", "2025-12"];

/// A clean month of `world` downloaded at `clock`'s cut-off, and its run as `span`.
fn download_and_run(world: World, seed: u64, span: Period, clock: Clock) -> (Month, Ran) {
    let m = (world.month)(seed, clock, orders());
    let files = (world.files)(&m);
    let ran = month::run_span(&m, &files, span);
    (m, ran)
}

fn assert_clean_at_every_cut_off(world: World, seed: u64) {
    let mut wrong = Vec::new();
    for (k, text) in MONTHS.iter().enumerate() {
        for (j, (span, clock)) in downloads(period(text)).into_iter().enumerate() {
            let seed = seed * 100 + u64::try_from(k * 10 + j).unwrap_or(0);
            let (m, ran) = download_and_run(world, seed, span, clock);
            // The download holds the month up to the cut-off, and the run judged it.
            assert!(
                !ran.data.orders.is_empty() || !ran.data.erp_orders.is_empty(),
                "{span}: no order judged"
            );
            let cut = span.end();
            assert!(
                ran.data.fund_flows.iter().all(|f| f.occurred_at < cut),
                "{span}: a row after the cut-off"
            );
            let month_end = m.clock.period.start().seconds_until(m.clock.period.end());
            assert_eq!(
                m.deals.iter().any(|d| d.paid_at >= month_end),
                clock.next_month_orders,
                "{span}: the next month's orders are there with its files only"
            );
            let v = verdict::clean(&m, &ran, world.platform);
            if !v.unexplained.is_empty() {
                wrong.push(format!(
                    "{:?} {span}{} (seed {seed}, {} orders):\n{}",
                    world.platform,
                    if clock.next_month_orders {
                        " with the next month's files"
                    } else {
                        ""
                    },
                    orders(),
                    v.summary()
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "findings on clean months downloaded early:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn a_tmall_month_downloaded_on_any_day_or_week_gives_no_finding_that_day() {
    assert_clean_at_every_cut_off(platform::tmall::WORLD, 21);
}

#[test]
fn a_taobao_month_downloaded_on_any_day_or_week_gives_no_finding_that_day() {
    assert_clean_at_every_cut_off(platform::tmall::TAOBAO_WORLD, 22);
}

#[test]
fn a_pdd_month_downloaded_on_any_day_or_week_gives_no_finding_that_day() {
    assert_clean_at_every_cut_off(platform::pdd::WORLD, 23);
}

#[test]
fn a_wechat_month_downloaded_on_any_day_or_week_gives_no_finding_that_day() {
    assert_clean_at_every_cut_off(platform::wechat::WORLD, 24);
}

#[test]
fn a_jd_month_downloaded_on_any_day_or_week_gives_no_finding_that_day() {
    assert_clean_at_every_cut_off(platform::jd::WORLD, 25);
}

#[test]
fn a_douyin_month_downloaded_on_any_day_or_week_gives_no_finding_that_day() {
    assert_clean_at_every_cut_off(platform::douyin::WORLD, 26);
}

/// Planted problems whose story needs more of the month than a fortnight holds: an order
/// released 20 days before the cut-off (PAYMENT_MISSING), goods delivered long enough ago for
/// a refund-only after delivery (REFUND_ONLY_SHIPPED).
const NEED_MORE_OF_THE_MONTH: [&str; 2] = ["PAYMENT_MISSING", "REFUND_ONLY_SHIPPED"];

/// The failures of planting each of `codes` (but those of [`NEED_MORE_OF_THE_MONTH`]) in
/// `world`'s files downloaded at `span`'s end and run as `span`: each must give exactly its
/// code that day.
fn planted_in(world: World, codes: &[&str], span: Period) -> Vec<String> {
    let mut failures = Vec::new();
    for code in codes.iter().filter(|c| !NEED_MORE_OF_THE_MONTH.contains(c)) {
        let p = plant(code).unwrap_or_else(|| panic!("no plant for {code}"));
        let result = run_planted_in(world, p, 7, span);
        match (result, gaps::missed(code, world.platform)) {
            (Ok(()), true) => failures.push(format!(
                "{code} on {:?} is listed as missed but is now found",
                world.platform
            )),
            (Err(e), false) => failures.push(e),
            _ => {}
        }
    }
    failures
}

#[test]
fn problems_planted_in_the_files_downloaded_on_the_15th_or_after_week_42_are_found_then() {
    let mut failures = Vec::new();
    for p in platform::ALL {
        let world = platform::world(p).unwrap_or_else(|| panic!("{p:?}"));
        let codes = match p {
            Platform::Tmall => platform::tmall::PLANTED,
            Platform::Taobao => platform::tmall::TAOBAO_PLANTED,
            Platform::Pdd => platform::pdd::PLANTED,
            Platform::Wechat => platform::wechat::PLANTED,
            Platform::Jd => platform::jd::PLANTED,
            _ => platform::douyin::PLANTED,
        };
        for span in ["2026-10-15", "2026-W42"] {
            failures.extend(planted_in(world, codes, period(span)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The month's files downloaded at its end and run as each of its days: a day's run judges
/// what had happened by its cut-off, so it finds nothing the month's run does not (in a clean
/// month, nothing), and the last day's run is the month's run, its pending items the same.
fn assert_month_end_files_run_as_each_day(world: World, seed: u64) {
    let month = period("2026-10");
    let m = (world.month)(seed, Clock::new(month), orders());
    let files = (world.files)(&m);
    let whole = month::run_span(&m, &files, month);
    assert!(
        verdict::clean(&m, &whole, world.platform)
            .unexplained
            .is_empty(),
        "{:?}: the month itself is not clean",
        world.platform
    );
    assert!(
        !whole.outcome.pending.is_empty(),
        "a month ends with items in transit"
    );
    let mut wrong = Vec::new();
    for day in 1..=month.days() {
        let span = period(&format!("{month}-{day:02}"));
        let ran = month::run_span(&m, &files, span);
        let v = verdict::clean(&m, &ran, world.platform);
        if !v.unexplained.is_empty() {
            wrong.push(format!("{:?} {span}:\n{}", world.platform, v.summary()));
        }
        if day == month.days() {
            assert_eq!(ran.outcome.pending, whole.outcome.pending, "{span}");
        }
    }
    assert!(
        wrong.is_empty(),
        "a day's run over the month's files finds what the month does not:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn a_month_downloaded_at_its_end_and_run_as_each_earlier_day_gives_no_finding() {
    for (k, p) in platform::ALL.into_iter().enumerate() {
        let world = platform::world(p).unwrap_or_else(|| panic!("{p:?}"));
        assert_month_end_files_run_as_each_day(world, 31 + u64::try_from(k).unwrap_or(0));
    }
}
