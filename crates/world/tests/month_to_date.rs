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

/// The downloads of a month: the 1st, the 10th, the 15th and the last day, the ISO week of the
/// 15th (which ends inside the month) and the week of the last day (which ends in the next).
fn spans(month: Period) -> Vec<Period> {
    let mut out: Vec<Period> = [1, 10, 15, month.days()]
        .into_iter()
        .map(|d| period(&format!("{}-{d:02}", month)))
        .collect();
    let inside = week_of(month, 15);
    assert!(inside.end() <= month.end(), "{inside} ends inside {month}");
    let crossing = week_of(month, month.days());
    assert!(
        crossing.end() > month.end(),
        "{crossing} crosses {month}'s end"
    );
    out.push(inside);
    out.push(crossing);
    out
}

/// October 2026 (its last week ends on 1 November), February 2026 (28 days, its last week
/// ends on 1 March) and December 2025 (its last week is 2026's first).
const MONTHS: [&str; 3] = ["2026-10", "2026-02", "2025-12"];

/// A clean month of `world` downloaded at `span`'s end, and its run as that span.
fn download_and_run(world: World, seed: u64, span: Period) -> (Month, Ran) {
    let clock = Clock::downloaded(Period::of(span.start()), span.end());
    let m = (world.month)(seed, clock, orders());
    let files = (world.files)(&m);
    let ran = month::run_span(&m, &files, span);
    (m, ran)
}

fn assert_clean_at_every_cut_off(world: World, seed: u64) {
    let mut wrong = Vec::new();
    for (k, text) in MONTHS.iter().enumerate() {
        for (j, span) in spans(period(text)).into_iter().enumerate() {
            let seed = seed * 100 + u64::try_from(k * 10 + j).unwrap_or(0);
            let (m, ran) = download_and_run(world, seed, span);
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
            let v = verdict::clean(&m, &ran, world.platform);
            if !v.unexplained.is_empty() {
                wrong.push(format!(
                    "{:?} {span} (seed {seed}, {} orders):\n{}",
                    world.platform,
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

/// Problems whose window has passed by the 15th: each planted in the files downloaded that
/// day gives exactly its code in the day's run.
const BY_THE_15TH: [&str; 10] = [
    "REFUND_UNPAID",
    "REFUND_AMOUNT_MISMATCH",
    "REFUND_ORPHAN",
    "PAYMENT_AMOUNT_MISMATCH",
    "BALANCE_BREAK",
    "RETURN_NOT_RECEIVED",
    "RECEIVED_NOT_REFUNDED",
    "AFTERSALE_OVERDUE",
    "STATUS_MISMATCH",
    "DUPLICATE_SHIPMENT",
];

fn assert_planted_on_the_15th(world: World, codes: &[&str]) {
    let day = period("2026-10-15");
    let mut failures = Vec::new();
    for code in BY_THE_15TH.iter().filter(|c| codes.contains(c)) {
        let p = plant(code).unwrap_or_else(|| panic!("no plant for {code}"));
        let result = run_planted_in(world, p, 7, day);
        match (result, gaps::missed(code, world.platform)) {
            (Ok(()), true) => failures.push(format!(
                "{code} on {:?} is listed as missed but is now found",
                world.platform
            )),
            (Err(e), false) => failures.push(e),
            _ => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn problems_planted_in_the_files_downloaded_on_the_15th_are_found_that_day() {
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
        assert_planted_on_the_15th(world, codes);
    }
}
