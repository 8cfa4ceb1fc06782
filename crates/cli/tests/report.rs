//! `duizhang report` and `reconcile --report` on the demo month: the report exists in both
//! forms, and its figures agree with counts made here straight from the demo's files.

#![allow(clippy::unwrap_used)]

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use calamine::Reader;
use support::{add_user, as_user, duizhang, first_user, ok, s, scratch, text};

/// The demo month, reconciled with its report, once for all tests.
fn demo() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = scratch("demo");
        let out = support::demo(&dir, "600", "3");
        assert!(out.status.success(), "{}", text(&out.stderr));
        dir
    })
}

fn metrics() -> serde_json::Value {
    let text = std::fs::read_to_string(demo().join("results/metrics.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The figures of one group of metrics.json.
fn figures(m: &serde_json::Value, dimension: &str, key: &str) -> serde_json::Value {
    m["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["dimension"] == dimension && g["key"] == key)
        .unwrap_or_else(|| panic!("no group {dimension} {key}"))["figures"]
        .clone()
}

/// Rows of a demo CSV (GBK or UTF-8) as header → cell maps.
fn csv_rows(name: &str) -> Vec<BTreeMap<String, String>> {
    let bytes = std::fs::read(demo().join("files").join(name)).unwrap();
    let decoded = match std::str::from_utf8(&bytes) {
        Ok(t) => t.to_string(),
        Err(_) => encoding_rs::GB18030.decode(&bytes).0.into_owned(),
    };
    let mut lines = decoded.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .trim_start_matches('\u{feff}')
        .split(',')
        .map(str::to_string)
        .collect();
    // The demo's cells hold no commas inside quotes in the columns used here.
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(|c| c.trim_matches('"').to_string()))
                .collect()
        })
        .collect()
}

/// `12.34` → 1234 分 (the demo writes two decimals).
fn fen(text: &str) -> i64 {
    let t = text.trim().trim_start_matches('¥');
    let (yuan, cents) = t.split_once('.').unwrap_or((t, "0"));
    let cents = format!("{cents:0<2}");
    yuan.parse::<i64>().unwrap() * 100 + cents[..2].parse::<i64>().unwrap()
}

fn october(time: &str) -> bool {
    time.starts_with("2026-10")
}

#[test]
fn the_demo_month_has_its_report_as_a_workbook_and_a_page() {
    let results = demo().join("results");
    let xlsx = std::fs::read(results.join("report.xlsx")).unwrap();
    assert!(xlsx.starts_with(b"PK"));
    let html = std::fs::read_to_string(results.join("report.html")).unwrap();
    assert!(html.contains("2026年10月 售后对账报告"));
    assert!(html.contains("<svg"));
    // The manifest vouches for the report and the metrics like every other result.
    let manifest = std::fs::read_to_string(results.join("manifest.json")).unwrap();
    for name in ["report.xlsx", "report.html", "metrics.json"] {
        assert!(manifest.contains(name), "{name} not in the manifest");
    }
}

#[test]
fn pinduoduo_orders_and_what_buyers_paid_agree_with_the_order_export() {
    let rows = csv_rows("拼多多订单导出_202610.csv");
    // The export lists paid orders only; a 已取消 row was paid and refunded before shipping.
    let october_rows: Vec<_> = rows
        .iter()
        .filter(|r| october(&r["订单成交时间"]))
        .collect();
    let orders: BTreeSet<&str> = october_rows.iter().map(|r| r["订单号"].as_str()).collect();
    let paid: i64 = october_rows
        .iter()
        .map(|r| fen(&r["用户实付金额(元)"]))
        .sum();
    let f = figures(&metrics(), "shop", "pdd");
    assert_eq!(f["orders"], orders.len());
    assert_eq!(f["gmv_fen"], paid);
}

#[test]
fn after_sales_of_erp_shops_agree_with_the_erp_after_sale_file() {
    let rows = csv_rows("ERP售后单_202610.csv");
    let m = metrics();
    for (shop, name) in [
        ("pdd", "拼多多店"),
        ("jd", "京东旗舰店"),
        ("wechat", "小程序商城"),
    ] {
        let mine: Vec<_> = rows
            .iter()
            .filter(|r| r["店铺"] == name && october(&r["申请时间"]))
            .collect();
        let numbers: BTreeSet<&str> = mine.iter().map(|r| r["售后单号"].as_str()).collect();
        let orders: BTreeSet<&str> = mine.iter().map(|r| r["订单号"].as_str()).collect();
        let refunded: i64 = mine.iter().map(|r| fen(&r["退款金额"])).sum();
        let refund_only = mine.iter().filter(|r| r["售后类型"] == "仅退款").count();
        let f = figures(&m, "shop", shop);
        assert_eq!(f["after_sales"], numbers.len(), "{shop}");
        assert_eq!(f["after_sale_orders"], orders.len(), "{shop}");
        assert_eq!(f["refund_fen"], refunded, "{shop}");
        assert_eq!(f["refund_only"], refund_only, "{shop}");
    }
}

#[test]
fn after_sales_of_the_month_are_the_erp_s_and_the_refund_report_s_together() {
    let mut numbers: BTreeSet<String> = csv_rows("ERP售后单_202610.csv")
        .iter()
        .filter(|r| october(&r["申请时间"]))
        .map(|r| r["售后单号"].clone())
        .collect();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook(demo().join("files/退款报表_202610.xlsx")).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let mut rows = sheet.rows();
    let header: Vec<String> = rows
        .next()
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (no, applied) = (col("退款编号"), col("退款的申请时间"));
    for r in rows {
        if october(&r[applied].to_string()) {
            numbers.insert(r[no].to_string());
        }
    }
    let total = figures(&metrics(), "total", "");
    assert_eq!(total["after_sales"], numbers.len());
}

#[test]
fn complaints_are_the_tickets_of_the_complaint_kind() {
    let tickets = csv_rows("客服工单_202610.csv");
    let complaints = tickets
        .iter()
        .filter(|r| r["类型"] == "投诉" && october(&r["创建时间"]))
        .count();
    assert!(complaints > 0);
    assert_eq!(figures(&metrics(), "total", "")["complaints"], complaints);
}

#[test]
fn the_report_counts_every_planted_problem_and_nothing_else() {
    let planted: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(demo().join("planted.json")).unwrap())
            .unwrap();
    let html = std::fs::read_to_string(demo().join("results/report.html")).unwrap();
    assert!(
        html.contains(&format!("发现问题 {} 条", planted.len())),
        "the report does not say {} problems",
        planted.len()
    );
    assert_eq!(metrics()["reconciliation"]["total"]["found"], planted.len());
}

#[test]
fn report_of_two_months_shows_the_change_on_last_month() {
    let dir = scratch("two_months");
    let results = demo().join("results");
    // A second period's folder: the same run relabelled as September is refused (its manifest
    // says October), so September is written by `reconcile` of the same files.
    let september = dir.join("2026-09");
    let out = duizhang(&[
        "reconcile",
        s(&demo().join("files")),
        "--period",
        "2026-09",
        "--config",
        s(&demo().join("duizhang.toml")),
        "--out",
        s(&september),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = dir.join("report");
    let out = duizhang(&[
        "report",
        "--period",
        "2026-10",
        s(&results),
        s(&september),
        "--out",
        s(&report),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("与 1 个前期比较"));
    let html = std::fs::read_to_string(report.join("report.html")).unwrap();
    assert!(html.contains("2026年9月"), "no column for last month");
    assert!(html.contains("各月售后率"), "no month-on-month chart");
}

#[test]
fn a_report_without_the_period_s_results_says_which_period_is_missing() {
    let out = duizhang(&[
        "report",
        "--period",
        "2026-11",
        s(&demo().join("results")),
        "--out",
        s(&scratch("missing")),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("没有 2026-11 的结果"),
        "{}",
        text(&out.stderr)
    );
}

/// `duizhang ARGS` in `dir` as `user` of a workspace there (password `pw-<user>-2026`).
fn in_workspace(dir: &Path, user: &str, args: &[&str]) -> String {
    ok(as_user(dir, Some(user), args))
}

/// The sections of a report page, by their anchor (`s0` 汇总 … `s8` 指标口径).
fn sections(page: &Path) -> BTreeMap<String, String> {
    let html = std::fs::read_to_string(page).unwrap();
    let mut out = BTreeMap::new();
    for part in html.split("<section id=\"").skip(1) {
        let (id, body) = part.split_once("\">").unwrap();
        let body = body.split("</section>").next().unwrap();
        out.insert(id.to_string(), body.to_string());
    }
    out
}

#[test]
fn a_workspace_report_uses_the_stored_runs_of_the_month_and_of_the_months_before() {
    let dir = scratch("workspace");
    let files = demo().join("files");
    let config = demo().join("duizhang.toml");
    ok(first_user(&dir));
    in_workspace(&dir, "admin", &["companies", "add", "禾木家居"]);
    ok(add_user(&dir, "li", "李会计", "会计"));
    // October, and November from the same downloads (its orders are all of October).
    for period in ["2026-10", "2026-11"] {
        in_workspace(
            &dir,
            "li",
            &[
                "import",
                "--company",
                "禾木家居",
                "--period",
                period,
                s(&files),
            ],
        );
        in_workspace(
            &dir,
            "li",
            &[
                "run",
                "--company",
                "禾木家居",
                "--period",
                period,
                "--config",
                s(&config),
            ],
        );
    }
    let said = in_workspace(
        &dir,
        "li",
        &[
            "report",
            "--company",
            "禾木家居",
            "--period",
            "2026-10",
            "--out",
            "十月",
        ],
    );
    assert!(said.contains("不显示环比"), "{said}");
    // The stored October run reports what `reconcile --report` on the same files reports (the
    // books checked against the generated vouchers, as a run does): every section but the
    // largest problems, whose evidence names the kept files without the download folder.
    let reconciled = duizhang(&[
        "reconcile",
        s(&files),
        "--period",
        "2026-10",
        "--config",
        s(&config),
        "--out",
        s(&dir.join("plain")),
        "--report",
    ]);
    assert!(reconciled.status.success(), "{}", text(&reconciled.stderr));
    let plain = sections(&dir.join("plain/report.html"));
    let stored = sections(&dir.join("十月/report.html"));
    assert_eq!(plain.len(), 9);
    // The after-sales section's note says where the records behind the figures are.
    let figures_of = |body: &str| {
        body.split("<p class=\"note\">")
            .map(|part| part.split_once("</p>").map_or(part, |(_, rest)| rest))
            .collect::<String>()
    };
    for (id, body) in &plain {
        if id != "s7" {
            assert_eq!(
                Some(figures_of(body)),
                stored.get(id).map(|b| figures_of(b)),
                "section {id}"
            );
        }
    }
    assert!(
        stored["s5"].contains("工作区只保存各组数字"),
        "{}",
        stored["s5"]
    );

    let said = in_workspace(
        &dir,
        "li",
        &[
            "report",
            "--company",
            "禾木家居",
            "--period",
            "2026-11",
            "--out",
            "十一月",
        ],
    );
    assert!(said.contains("与 1 个前期比较（2026-10）"), "{said}");
    let november = sections(&dir.join("十一月/report.html"));
    // The trend by month lists October's orders from its stored run; November has none.
    let orders = figures(&metrics(), "total", "")["orders"].as_u64().unwrap();
    let trend = &november["s6"];
    assert!(trend.contains("2026年10月"), "{trend}");
    assert!(trend.contains(&format!(">{orders}<")), "{trend}");

    // A period never run is refused with what to do.
    let out = as_user(
        &dir,
        Some("li"),
        &[
            "report",
            "--company",
            "禾木家居",
            "--period",
            "2026-09",
            "--out",
            "九月",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("2026-09 期间在工作区里还没有对账运行"),
        "{}",
        text(&out.stderr)
    );
}
