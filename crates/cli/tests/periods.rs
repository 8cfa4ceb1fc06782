//! Runs of an ISO week or a day over the demo month's files, from the command line: each is the
//! month's reconciliation as it stood at the span's end (month-to-date), carrying what the month
//! before left pending; its cases are the month's; what stays monthly (vouchers, close).

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
fn a_week_run_books_nothing_and_its_metrics_count_only_that_weeks_orders() {
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

/// The identities (CHECKS.md) of the findings in `dir/out/findings.jsonl`.
fn identities(dir: &Path, out: &str) -> std::collections::BTreeSet<String> {
    std::fs::read_to_string(dir.join(out).join("findings.jsonl"))
        .unwrap()
        .lines()
        .map(|line| {
            let f: serde_json::Value = serde_json::from_str(line).unwrap();
            let key = ["refund_no", "order_no", "txn_no"]
                .iter()
                .find_map(|k| f[*k].as_str())
                .unwrap_or("");
            format!("{} {} {key} {}", f["code"], f["shop"], f["sku"])
        })
        .collect()
}

#[test]
fn chained_weeks_report_no_payment_the_month_does_not_and_the_last_day_reports_the_month() {
    let dir = scratch("periods-chain");
    demo(&dir);
    ok_all(reconcile(&dir, "2026-10", "month", None));
    let month = identities(&dir, "month");
    assert!(!month.is_empty());
    // Weeks 40 to 44 one after the other, as a seller checks every Monday: an order sold in
    // one week and paid out in the next (a PDD payout after confirmation) is the month's order,
    // not a payment without an order.
    for week in ["2026-W40", "2026-W41", "2026-W42", "2026-W43", "2026-W44"] {
        ok_all(reconcile(&dir, week, week, None));
        let extra: Vec<String> = identities(&dir, week).difference(&month).cloned().collect();
        assert!(extra.is_empty(), "{week}: {extra:?}");
    }
    // The last day's cut-off is the month's: the same findings, byte for byte.
    ok_all(reconcile(&dir, "2026-10-31", "last-day", None));
    assert_eq!(
        std::fs::read(dir.join("last-day/findings.jsonl")).unwrap(),
        std::fs::read(dir.join("month/findings.jsonl")).unwrap()
    );
}

#[test]
fn a_week_carries_the_month_befores_results_not_last_weeks() {
    let dir = scratch("periods-carry-kind");
    demo(&dir);
    ok_all(reconcile(&dir, "2026-09", "september", None));
    ok_all(reconcile(&dir, "2026-W41", "w41", None));
    let carried = ok_all(reconcile(&dir, "2026-W42", "w42", Some("september")));
    assert!(carried.contains("上期（2026-09）结转在途"), "{carried}");
    let summary = std::fs::read_to_string(dir.join("w42/summary.json")).unwrap();
    assert!(summary.contains("\"from\": \"2026-09\""), "{summary}");
    let weekly = refused(reconcile(&dir, "2026-W42", "x", Some("w41")));
    assert!(
        weekly.contains("结转只能来自整月对账的结果") && weekly.contains("上月（2026-09）"),
        "{weekly}"
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

/// The number written right after `label` in `said`.
fn number_after(said: &str, label: &str) -> usize {
    let at = said
        .find(label)
        .unwrap_or_else(|| panic!("{label}: {said}"))
        + label.len();
    said[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

/// The company's cases as `cases list --json` gives them.
fn cases(dir: &Path) -> Vec<serde_json::Value> {
    let out = ok_all(as_user(
        dir,
        Some("li"),
        &["cases", "list", "--company", "禾木家居", "--json"],
    ));
    let start = out.find('[').unwrap();
    let end = out.rfind(']').unwrap();
    serde_json::from_str::<serde_json::Value>(&out[start..=end])
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn day_runs_and_the_months_run_in_the_workspace_share_one_case_per_finding() {
    let dir = workspace("periods-daily");
    let first = ok_all(run(&dir, "2026-10-14"));
    assert!(
        first.contains("上月（2026-09）在工作区里没有整月对账运行"),
        "{first}"
    );
    let on_14th = cases(&dir).len();
    assert!(on_14th > 0, "{first}");
    ok_all(run(&dir, "2026-10-15"));
    let on_15th = cases(&dir).len();
    assert!(on_15th >= on_14th);
    // A day's run is a check run: no voucher batch waits for approval.
    let batches = ok_all(as_user(
        &dir,
        Some("wang"),
        &["batches", "list", "--company", "禾木家居"],
    ));
    assert!(!batches.contains("待审核"), "{batches}");
    // The day's cases are the month's: filed under 2026-10 and found again by the month's run,
    // which opens only what the 15th had not yet found.
    let month = ok_all(run(&dir, "2026-10"));
    let found: usize = number_after(&month, "发现 ");
    assert_eq!(number_after(&month, "新开 "), found - on_15th, "{month}");
    assert_eq!(number_after(&month, "仍存在 "), on_15th, "{month}");
    let all = cases(&dir);
    assert_eq!(all.len(), found, "one case per finding of the month");
    assert!(all.iter().all(|c| c["period"] == "2026-10"), "{all:?}");
    assert!(
        all.iter().all(|c| c["facts"]["state"] == "open"),
        "nothing the 15th found is gone by the month's end: {all:?}"
    );
    // Checking an earlier day after the month's run changes no case: the month stands later,
    // and what only came due since is no problem gone.
    let earlier = ok_all(run(&dir, "2026-10-10"));
    assert!(
        earlier.contains("案件未更新：本月已有截止时点更晚的对账运行"),
        "{earlier}"
    );
    assert!(number_after(&earlier, "发现 ") < found, "{earlier}");
    let after = cases(&dir);
    assert_eq!(after.len(), found);
    assert!(after.iter().all(|c| c["facts"]["state"] == "open"));
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
    // The month's vouchers are approved first: a close waits for them.
    ok_all(as_user(
        &dir,
        Some("wang"),
        &["batches", "approve", "1", "--company", "禾木家居"],
    ));
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
