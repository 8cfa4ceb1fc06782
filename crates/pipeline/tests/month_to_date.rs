//! Week and day runs over the demo month's files, as a seller runs them every morning: each is
//! the month's reconciliation as it stood at the span's end, so chaining them never reports
//! what the month's run would not, and the month's last day reports what the month does.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use duizhang_core::{Finding, FlowKind, Period, Platform};
use duizhang_engine::CarryIn;
use duizhang_import::Importer;
use duizhang_pipeline::{Options, Run, RunResult, Silent, Source};
use duizhang_samples::demo::{Scenario, generate, write_scenario};

/// The demo month (October 2026: six shops, payment bills, ERP records, planted problems)
/// written in the platforms' file formats.
fn demo_month(name: &str) -> (Scenario, PathBuf) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("mtd_{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    let scenario = generate(300, 11);
    let files = write_scenario(&scenario, &dir).unwrap();
    (scenario, files)
}

fn run(
    scenario: &Scenario,
    files: &Path,
    importers: &[Box<dyn Importer>],
    period: &str,
) -> RunResult {
    duizhang_pipeline::run(
        Run {
            sources: vec![Source::Path(files.to_path_buf())],
            exclude: Vec::new(),
            importers,
            settings: &scenario.settings,
            period: Period::parse(period).unwrap(),
            carry: &CarryIn::none(),
            books: None,
            journal: None,
            history: &[],
            options: Options {
                threads: 1,
                ..Options::default()
            },
        },
        &Silent,
    )
    .unwrap_or_else(|e| panic!("{period}: {e}"))
}

type Identity = (String, String, String, String);

fn identities(findings: &[Finding]) -> BTreeSet<Identity> {
    findings.iter().map(Finding::identity).collect()
}

fn days_of_october() -> Vec<String> {
    (1..=31).map(|d| format!("2026-10-{d:02}")).collect()
}

#[test]
fn chained_day_runs_find_nothing_the_month_does_not_and_the_last_day_finds_what_the_month_does() {
    let (scenario, files) = demo_month("days");
    let importers = duizhang_import::builtin_importers();
    let month = run(&scenario, &files, &importers, "2026-10");
    let month_ids = identities(&month.outcome.findings);
    assert!(month_ids.len() >= 10, "the demo month plants problems");
    let mut seen_before: BTreeSet<Identity> = BTreeSet::new();
    let mut last = None;
    for day in days_of_october() {
        let result = run(&scenario, &files, &importers, &day);
        let ids = identities(&result.outcome.findings);
        let extra: Vec<&Identity> = ids.difference(&month_ids).collect();
        assert!(
            extra.is_empty(),
            "{day} reports what October does not: {extra:?}"
        );
        // Month-to-date: what a day found stays found on the later days, unless the record
        // that closes it arrived since (none does in the demo month).
        let lost: Vec<&Identity> = seen_before.difference(&ids).collect();
        assert!(lost.is_empty(), "{day} lost {lost:?}");
        seen_before = ids;
        last = Some(result);
    }
    // The last day's cut-off is the month's: every window is judged at the same moment, so the
    // findings are the month's, byte for byte (no window of the month's findings ends later).
    let last = last.unwrap();
    assert_eq!(last.outcome.findings, month.outcome.findings);
    assert_eq!(
        last.outputs.get("findings.jsonl"),
        month.outputs.get("findings.jsonl")
    );
    assert_eq!(last.outcome.pending, month.outcome.pending);
    // The earlier days found fewer: a problem is reported once its window has passed.
    let mid = run(&scenario, &files, &importers, "2026-10-10");
    assert!(mid.outcome.findings.len() < month.outcome.findings.len());
    assert!(!mid.outcome.pending.is_empty());
}

#[test]
fn chained_week_runs_find_nothing_the_month_does_not() {
    let (scenario, files) = demo_month("weeks");
    let importers = duizhang_import::builtin_importers();
    let month = run(&scenario, &files, &importers, "2026-10");
    let month_ids = identities(&month.outcome.findings);
    // Weeks 40 to 44: 28 September to 1 November.
    for week in ["2026-W40", "2026-W41", "2026-W42", "2026-W43", "2026-W44"] {
        let result = run(&scenario, &files, &importers, week);
        let ids = identities(&result.outcome.findings);
        let extra: Vec<&Identity> = ids.difference(&month_ids).collect();
        assert!(
            extra.is_empty(),
            "{week} reports what October does not: {extra:?}"
        );
        // A week books nothing: vouchers are the month's.
        assert!(result.generated.is_none());
        assert!(result.outputs.get("vouchers.xlsx").is_none());
    }
    // Week 44 ends a day after October: it sees the month whole, and its findings are the
    // month's (only their 截至 time says 2 November).
    let w44 = run(&scenario, &files, &importers, "2026-W44");
    assert_eq!(identities(&w44.outcome.findings), month_ids);
}

#[test]
fn a_pdd_order_paid_out_in_a_later_week_than_it_was_sold_is_no_orphan_payment_there() {
    let (scenario, files) = demo_month("pdd_payout");
    let importers = duizhang_import::builtin_importers();
    let month = run(&scenario, &files, &importers, "2026-10");
    // PDD orders of the month whose payout (货款) row falls in a later ISO week than the sale.
    let data = &month.data;
    let mut later: Vec<(String, Period)> = Vec::new();
    for order in data.orders.iter().filter(|o| o.platform == Platform::Pdd) {
        let Some(sold) = order.paid_at.or(order.created_at) else {
            continue;
        };
        let sold_week = week_of(sold);
        for flow in &data.fund_flows {
            let pays_it = flow.kind == FlowKind::Income
                && flow.order_no.as_ref().map(|n| n.as_str()) == Some(order.order_no.as_str());
            let week = week_of(flow.occurred_at);
            if pays_it && week > sold_week && week.start() < month_end() {
                later.push((order.order_no.as_str().to_string(), week));
            }
        }
    }
    assert!(
        !later.is_empty(),
        "the demo month has PDD payouts after the week of sale"
    );
    let weeks: BTreeSet<Period> = later.iter().map(|(_, w)| *w).collect();
    for week in weeks {
        let result = run(&scenario, &files, &importers, &week.to_string());
        for (order, _) in later.iter().filter(|(_, w)| *w == week) {
            let orphan = result
                .outcome
                .findings
                .iter()
                .find(|f| f.code == "PAYMENT_ORPHAN" && f.order_no.as_deref() == Some(order));
            assert!(orphan.is_none(), "{week}: {orphan:?}");
        }
        assert!(
            !result
                .outcome
                .findings
                .iter()
                .any(|f| f.code == "PAYMENT_ORPHAN"
                    && !month
                        .outcome
                        .findings
                        .iter()
                        .any(|m| m.identity() == f.identity())),
            "{week}"
        );
    }
}

/// The ISO week a moment falls in.
fn week_of(t: duizhang_core::BeijingTime) -> Period {
    let w = t.date().iso_week_date();
    Period::week(w.year(), w.week()).unwrap()
}

fn month_end() -> duizhang_core::BeijingTime {
    Period::parse("2026-10").unwrap().end()
}
