//! `kill -9` at random moments during `duizhang import` and `duizhang run`, on SQLite and on
//! PostgreSQL: the workspace holds either the whole batch or none of it, either the whole run
//! with its cases or none of it, and the next complete run gives the same cases as a clean one.
//! `DUIZHANG_KILL_TRIALS` sets the number of kills per operation and backend (default 3; docs/workspace.md gives a run of 50).

#![allow(clippy::unwrap_used)]

mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{as_user, command_as, ok, scratch};

const COMPANY: &str = "禾木家居";

/// `duizhang ARGS --db DB` in `dir` as `user`.
fn command(dir: &Path, db: &str, user: &str, args: &[&str]) -> Command {
    let mut with_db = args.to_vec();
    with_db.extend(["--db", db]);
    command_as(dir, Some(user), &with_db)
}

/// A workspace with the admin, an accountant and the company, and no files yet.
fn prepare(dir: &Path, db: &str) {
    let first = command_as(
        dir,
        None,
        &["users", "add", "admin", "--name", "管理员", "--db", db],
    )
    .env("DUIZHANG_NEW_PASSWORD", "pw-admin-2026")
    .output()
    .unwrap();
    ok(first);
    ok(command(dir, db, "admin", &["companies", "add", COMPANY])
        .output()
        .unwrap());
    ok(command(
        dir,
        db,
        "admin",
        &[
            "users",
            "add",
            "li",
            "--name",
            "李会计",
            "--company",
            COMPANY,
            "--role",
            "会计",
        ],
    )
    .env("DUIZHANG_NEW_PASSWORD", "pw-li-2026")
    .output()
    .unwrap());
}

const IMPORT: &[&str] = &[
    "import",
    "--company",
    COMPANY,
    "--period",
    "2026-10",
    "demo/files",
];
const RUN: &[&str] = &[
    "run",
    "--company",
    COMPANY,
    "--period",
    "2026-10",
    "--config",
    "demo/duizhang.toml",
];

/// A case as the trials compare it: code, shop, key, state.
type CaseKey = (String, String, String, String);

/// (imports, runs, cases) recorded, read through the binary.
fn state(dir: &Path, db: &str) -> (usize, usize, Vec<CaseKey>) {
    let cases: serde_json::Value = serde_json::from_str(&ok(command(
        dir,
        db,
        "li",
        &[
            "cases",
            "list",
            "--company",
            COMPANY,
            "--state",
            "all",
            "--limit",
            "100000",
            "--json",
        ],
    )
    .output()
    .unwrap()))
    .unwrap();
    let mut keys: Vec<CaseKey> = cases
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["code"].as_str().unwrap().to_string(),
                c["shop"].as_str().unwrap().to_string(),
                c["key"].as_str().unwrap().to_string(),
                c["facts"]["state"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    keys.sort();
    let audit: serde_json::Value = serde_json::from_str(&ok(command(
        dir,
        db,
        "li",
        &["audit", "verify", "--company", COMPANY, "--json"],
    )
    .output()
    .unwrap()))
    .unwrap();
    assert_eq!(audit["ok"], true, "the audit chain holds after a kill");
    let export = dir.join("audit-now.jsonl");
    ok(command(
        dir,
        db,
        "li",
        &[
            "audit",
            "export",
            "--company",
            COMPANY,
            "--out",
            export.to_str().unwrap(),
        ],
    )
    .output()
    .unwrap());
    let log = std::fs::read_to_string(&export).unwrap();
    let count = |action: &str| log.matches(&format!("\"action\":\"{action}\"")).count();
    (count("import"), count("run"), keys)
}

/// Starts `args`, kills it after `after`, and reports whether it had already finished.
fn kill_after(dir: &Path, db: &str, args: &[&str], after: Duration) -> bool {
    let mut child = command(dir, db, "li", args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(after);
    let finished = child.try_wait().unwrap().is_some();
    let _ = child.kill();
    let _ = child.wait();
    finished
}

fn timed(dir: &Path, db: &str, args: &[&str]) -> Duration {
    let started = Instant::now();
    ok(command(dir, db, "li", args).output().unwrap());
    started.elapsed()
}

/// Deterministic spread of kill moments over `span`.
fn moments(trials: usize, span: Duration) -> Vec<Duration> {
    let mut x: u64 = 0x2026_1007;
    (0..trials)
        .map(|_| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            span.mul_f64(f64::from(u32::try_from(x >> 40).unwrap()) / f64::from(1u32 << 24))
        })
        .collect()
}

fn trials() -> usize {
    std::env::var("DUIZHANG_KILL_TRIALS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(3)
}

/// The whole trial on one backend: `fresh(i)` gives the database of trial `i`, prepared.
fn kill_trials(dir: &Path, mut fresh: impl FnMut(&str) -> String) {
    // A clean reference: import and run without interruption.
    let reference_db = fresh("reference");
    let import_time = timed(dir, &reference_db, IMPORT);
    let run_time = timed(dir, &reference_db, RUN);
    let (_, _, clean) = state(dir, &reference_db);
    assert!(!clean.is_empty());

    let mut cut = [0usize; 2];
    for (i, moment) in moments(trials(), import_time.mul_f64(1.2))
        .into_iter()
        .enumerate()
    {
        let db = fresh(&format!("import{i}"));
        if !kill_after(dir, &db, IMPORT, moment) {
            cut[0] += 1;
        }
        let (imports, runs, cases) = state(dir, &db);
        assert!(
            imports <= 1 && runs == 0 && cases.is_empty(),
            "after a kill in import"
        );
        // Whatever the kill left, importing again and running gives the clean result.
        ok(command(dir, &db, "li", IMPORT).output().unwrap());
        ok(command(dir, &db, "li", RUN).output().unwrap());
        assert_eq!(state(dir, &db).2, clean, "import killed at {moment:?}");
    }
    for (i, moment) in moments(trials(), run_time.mul_f64(1.2))
        .into_iter()
        .enumerate()
    {
        let db = fresh(&format!("run{i}"));
        ok(command(dir, &db, "li", IMPORT).output().unwrap());
        if !kill_after(dir, &db, RUN, moment) {
            cut[1] += 1;
        }
        let (_, runs, cases) = state(dir, &db);
        match runs {
            0 => assert!(cases.is_empty(), "no run, no cases"),
            1 => assert_eq!(cases, clean, "a run is stored whole with its cases"),
            _ => panic!("one run started, {runs} recorded"),
        }
        ok(command(dir, &db, "li", RUN).output().unwrap());
        assert_eq!(state(dir, &db).2, clean, "run killed at {moment:?}");
    }
    eprintln!(
        "{} kills during import ({} before it ended), {} during run ({} before it ended); import {import_time:?}, run {run_time:?}",
        trials(),
        cut[0],
        trials(),
        cut[1]
    );
}

fn demo_in(dir: &Path) {
    let demo = as_user(
        dir,
        None,
        &["demo", "--out", "demo", "--orders", "300", "--seed", "11"],
    );
    assert!(demo.status.success());
}

#[test]
fn kills_during_import_and_run_leave_sqlite_whole() {
    let dir = scratch("kills-sqlite");
    demo_in(&dir);
    let base = dir.join("base.db");
    prepare(&dir, base.to_str().unwrap());
    kill_trials(&dir, |name| {
        let db = dir.join(format!("{name}.db"));
        std::fs::copy(&base, &db).unwrap();
        db.to_str().unwrap().to_string()
    });
}

#[test]
fn kills_during_import_and_run_leave_postgresql_whole() {
    if std::env::var("DUIZHANG_TEST_POSTGRES").as_deref() == Ok("skip") {
        eprintln!("PostgreSQL kill trials skipped: DUIZHANG_TEST_POSTGRES=skip");
        return;
    }
    let server = std::env::var("DUIZHANG_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "host=127.0.0.1 port=5432 user=postgres dbname=test".to_string());
    let dir = scratch("kills-postgres");
    demo_in(&dir);
    let mut admin = postgres::Client::connect(&server, postgres::NoTls).unwrap();
    let prefix = format!("duizhang_kill_{}", std::process::id());
    let mut made = Vec::new();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        kill_trials(&dir, |name| {
            let db = format!("{prefix}_{name}");
            admin
                .batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
                .unwrap();
            admin
                .batch_execute(&format!("CREATE DATABASE {db}"))
                .unwrap();
            made.push(db.clone());
            let url = format!("{server} dbname={db}");
            prepare(&dir, &url);
            url
        });
    }));
    for db in &made {
        let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"));
    }
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}
