//! Runs of an ISO week or a day over the demo month's files, from the command line: what a
//! week judges and counts, how a daily run in the workspace carries yesterday's pending items
//! by itself, and what stays monthly (vouchers, close).

#![allow(clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use support::{add_user, as_user, first_user, ok_all, refused, scratch};

/// The demo month (October 2026) written into `dir/demo`.
fn demo(dir: &Path) {
    ok_all(as_user(
        dir,
        None,
        &["demo", "--out", "demo", "--orders", "150", "--seed", "11"],
    ));
}

fn reconcile(dir: &Path, period: &str, out: &str, carry: Option<&str>) -> Output {
    let mut args = vec![
        "reconcile",
        "demo/files",
        "--period",
        period,
        "--config",
        "demo/duizhang.toml",
        "--out",
        out,
    ];
    if let Some(c) = carry {
        args.extend(["--carry-in", c]);
    }
    as_user(dir, None, &args)
}

fn orders_counted(dir: &Path, out: &str) -> u64 {
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(out).join("metrics.json")).unwrap())
            .unwrap();
    let total = m["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["dimension"] == "total")
        .unwrap();
    total["figures"]["orders"].as_u64().unwrap()
}

#[test]
fn a_week_run_over_the_months_files_judges_and_counts_only_that_week() {
    let dir = scratch("periods-week");
    demo(&dir);
    ok_all(reconcile(&dir, "2026-10", "month", None));
    let said = ok_all(reconcile(&dir, "2026-W42", "w42", None));
    assert!(said.contains("2026-W42") || dir.join("w42/summary.json").exists());
    let summary = std::fs::read_to_string(dir.join("w42/summary.json")).unwrap();
    assert!(summary.contains("\"2026-W42\""), "{summary}");
    // A week books nothing: vouchers belong to the accounting month.
    assert!(dir.join("month/vouchers.xlsx").exists());
    assert!(!dir.join("w42/vouchers.xlsx").exists());
    // October told as its days and weeks: 1–4 October, weeks 41 to 43 (5–25 October), 26–31
    // October. Each of the month's orders is counted exactly once. (Weeks 40 and 44 reach into
    // September and November, whose orders the month's files hold too: refunds of orders sold
    // before the month.)
    let mut spans: Vec<String> = (1..=4).map(|d| format!("2026-10-{d:02}")).collect();
    spans.extend(["2026-W41", "2026-W42", "2026-W43"].map(String::from));
    spans.extend((26..=31).map(|d| format!("2026-10-{d:02}")));
    let mut counted = 0;
    for span in &spans {
        ok_all(reconcile(&dir, span, span, None));
        counted += orders_counted(&dir, span);
    }
    let month = orders_counted(&dir, "month");
    assert!(orders_counted(&dir, "2026-W42") < month);
    assert_eq!(counted, month);
}

#[test]
fn a_week_carries_only_last_weeks_results_not_a_months() {
    let dir = scratch("periods-carry-kind");
    demo(&dir);
    ok_all(reconcile(&dir, "2026-09", "september", None));
    ok_all(reconcile(&dir, "2026-W41", "w41", None));
    let carried = ok_all(reconcile(&dir, "2026-W42", "w42", Some("w41")));
    assert!(carried.contains("2026-W41"), "{carried}");
    let wrong = refused(reconcile(&dir, "2026-W40", "w40", Some("september")));
    assert!(
        wrong.contains("结转只能来自同类的上一期（2026-W39）"),
        "{wrong}"
    );
}

#[test]
fn impossible_periods_are_refused_before_anything_is_read() {
    let dir = scratch("periods-refused");
    demo(&dir);
    let week = refused(reconcile(&dir, "2026-W54", "x", None));
    assert!(week.contains("2026 年只有 53 周"), "{week}");
    let day = refused(reconcile(&dir, "2026-02-30", "x", None));
    assert!(day.contains("2026 年 2 月只有 28 天"), "{day}");
    assert!(!dir.join("x").exists());
}

/// A workspace with the demo month imported by 李会计 (会计) and 王主管 (财务主管) to approve.
fn workspace(name: &str) -> PathBuf {
    let dir = scratch(name);
    demo(&dir);
    ok_all(first_user(&dir));
    ok_all(as_user(
        &dir,
        Some("admin"),
        &["companies", "add", "禾木家居"],
    ));
    for (login, name, role) in [("li", "李会计", "会计"), ("wang", "王主管", "财务主管")]
    {
        ok_all(add_user(&dir, login, name, role));
    }
    ok_all(as_user(
        &dir,
        Some("li"),
        &[
            "import",
            "--company",
            "禾木家居",
            "--period",
            "2026-10",
            "demo/files",
        ],
    ));
    dir
}

fn run(dir: &Path, period: &str) -> Output {
    as_user(
        dir,
        Some("li"),
        &[
            "run",
            "--company",
            "禾木家居",
            "--period",
            period,
            "--config",
            "demo/duizhang.toml",
        ],
    )
}

#[test]
fn a_daily_run_in_the_workspace_carries_yesterdays_pending_items_by_itself() {
    let dir = workspace("periods-daily");
    let first = ok_all(run(&dir, "2026-10-14"));
    assert!(
        first.contains("上期（2026-10-13）在工作区里没有对账运行"),
        "{first}"
    );
    let next = ok_all(run(&dir, "2026-10-15"));
    assert!(next.contains("结转上期（2026-10-14）对账运行"), "{next}");
    // A day's run is a check run: no voucher batch waits for approval.
    let batches = ok_all(as_user(
        &dir,
        Some("wang"),
        &["batches", "list", "--company", "禾木家居"],
    ));
    assert!(!batches.contains("待审核"), "{batches}");
    // Importing is by month.
    let import = refused(as_user(
        &dir,
        Some("li"),
        &[
            "import",
            "--company",
            "禾木家居",
            "--period",
            "2026-10-15",
            "demo/files",
        ],
    ));
    assert!(import.contains("导入按会计月份进行"), "{import}");
}

#[test]
fn a_closed_month_refuses_a_run_of_one_of_its_days_and_a_week_cannot_be_closed() {
    let dir = workspace("periods-closed");
    ok_all(run(&dir, "2026-10"));
    let week = refused(as_user(
        &dir,
        Some("li"),
        &[
            "close",
            "request",
            "--company",
            "禾木家居",
            "--period",
            "2026-W42",
        ],
    ));
    assert!(week.contains("结账和归档按会计月份进行"), "{week}");
    ok_all(as_user(
        &dir,
        Some("li"),
        &[
            "close",
            "request",
            "--company",
            "禾木家居",
            "--period",
            "2026-10",
        ],
    ));
    ok_all(as_user(
        &dir,
        Some("wang"),
        &[
            "close",
            "approve",
            "--company",
            "禾木家居",
            "--period",
            "2026-10",
        ],
    ));
    let day = refused(run(&dir, "2026-10-15"));
    assert!(day.contains("2026-10 期间已结账"), "{day}");
}
