//! `--fail-on` for scheduled runs: the level in Chinese or English, and a failing run says why.

#![allow(clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use support::{demo, duizhang, scratch};

/// The demo month the tests reconcile.
fn demo_month() -> PathBuf {
    let dir = scratch("demo");
    assert!(demo(&dir, "200", "4").status.success());
    dir
}

fn reconcile(demo: &Path, out: &str, level: &str) -> Output {
    duizhang(&[
        "reconcile",
        demo.join("files").to_str().unwrap(),
        "--period",
        "2026-10",
        "--config",
        demo.join("duizhang.toml").to_str().unwrap(),
        "--out",
        demo.join(out).to_str().unwrap(),
        "--fail-on",
        level,
    ])
}

#[test]
fn a_run_with_problems_at_the_level_fails_and_says_how_many_and_where() {
    let demo = demo_month();
    // The demo plants high-severity problems (payments missing, refunds unpaid).
    let out = reconcile(&demo, "high", "高");
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("严重程度为“高”及以上的问题"), "{said}");
    assert!(said.contains("findings.xlsx"), "{said}");
    // The same level written in English fails the same way.
    assert_eq!(reconcile(&demo, "high_en", "high").status.code(), Some(1));
    // A level that is not one is refused before anything runs, in Chinese.
    let out = reconcile(&demo, "bad", "很高");
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("不是严重程度（低/中/高/严重"), "{said}");
}
