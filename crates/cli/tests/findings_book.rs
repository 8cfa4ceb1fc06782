//! findings.xlsx as a person works it: a summary first, shops by name, the most severe and
//! largest problems at the top of each owner's sheet, real dates, and the pending items and
//! checks not run on their own sheets.

#![allow(clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use calamine::{Data, DataType, Reader};
use support::{demo, scratch, text};

/// The demo month's findings workbook, written once.
fn book() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = scratch("demo");
        let out = demo(&dir, "400", "9");
        assert!(out.status.success(), "{}", text(&out.stderr));
        dir.join("results/findings.xlsx")
    })
}

fn open() -> calamine::Xlsx<std::io::BufReader<std::fs::File>> {
    calamine::open_workbook(book()).unwrap()
}

fn column(header: &[Data], name: &str) -> usize {
    header
        .iter()
        .position(|h| h.as_string().as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no column {name}"))
}

#[test]
fn the_summary_comes_first_and_pending_and_not_run_have_their_sheets() {
    assert_eq!(
        open().sheet_names(),
        vec!["汇总", "财务", "客服", "仓储", "在途", "未运行的检查"]
    );
}

#[test]
fn each_owner_s_sheet_lists_the_most_severe_then_the_largest_first() {
    let mut x = open();
    let rank = |s: &str| {
        ["低", "中", "高", "严重"]
            .iter()
            .position(|r| *r == s)
            .unwrap()
    };
    for owner in ["财务", "客服", "仓储"] {
        let range = x.worksheet_range(owner).unwrap();
        let mut rows = range.rows();
        let header = rows.next().unwrap().to_vec();
        let (sev, diff) = (column(&header, "严重程度"), column(&header, "差额（元）"));
        let keys: Vec<(usize, f64)> = rows
            .map(|r| {
                let d = r[diff].as_f64().map_or(0.0, f64::abs);
                (rank(&r[sev].to_string()), d)
            })
            .collect();
        assert!(!keys.is_empty(), "{owner} has no findings in the demo");
        for w in keys.windows(2) {
            assert!(
                w[0].0 > w[1].0 || (w[0].0 == w[1].0 && w[0].1 >= w[1].1),
                "{owner}: {:?} before {:?}",
                w[0],
                w[1]
            );
        }
    }
}

#[test]
fn shops_are_named_as_the_settings_name_them() {
    let mut x = open();
    let range = x.worksheet_range("财务").unwrap();
    let mut rows = range.rows();
    let header = rows.next().unwrap().to_vec();
    let shop = column(&header, "店铺");
    let names: Vec<String> = rows.map(|r| r[shop].to_string()).collect();
    assert!(names.iter().all(|n| n.starts_with("禾木家居")), "{names:?}");
}

#[test]
fn times_are_excel_dates() {
    let mut x = open();
    let range = x.worksheet_range("财务").unwrap();
    let mut rows = range.rows();
    let header = rows.next().unwrap().to_vec();
    let at = column(&header, "发生时间");
    for r in rows {
        let cell = &r[at];
        assert!(matches!(cell, Data::DateTime(_)), "{cell:?} is not a date");
        let Data::DateTime(t) = cell else { continue };
        // Serial days since 1899-12-30: October 2026 is 46296 to 46326, the cut-off the next.
        assert!((46_296.0..46_328.0).contains(&t.as_f64()), "{t:?}");
    }
}

#[test]
fn pending_items_and_checks_not_run_are_listed() {
    let mut x = open();
    let pending = x.worksheet_range("在途").unwrap();
    assert!(
        pending.rows().count() > 1,
        "the demo month has pending items"
    );
    let not_run = x.worksheet_range("未运行的检查").unwrap();
    let reasons: Vec<String> = not_run.rows().skip(1).map(|r| r[3].to_string()).collect();
    assert!(
        reasons.iter().any(|r| r.starts_with("缺少数据")),
        "{reasons:?}"
    );
}
