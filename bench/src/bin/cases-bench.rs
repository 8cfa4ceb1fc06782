//! `cases-bench`: the workspace's case queue at scale. Records one run of N findings (N cases)
//! into a fresh workspace, then times the queue queries a team runs all day (open cases, by
//! check, by shop, by severity, a later page), each many times: median and p95.
//!
//! ```text
//! cargo run --release -p duizhang-bench --bin cases-bench -- sqlite /tmp/cases.db 1000000
//! cargo run --release -p duizhang-bench --bin cases-bench -- postgres "host=127.0.0.1 user=postgres dbname=bench" 1000000
//! ```

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use duizhang_core::{Finding, FindingSeverity, Owner, Platform};
use duizhang_store::backend::Backend;
use duizhang_store::{CaseFilter, NewRun, Workspace};
use duizhang_workflow::{CaseState, Role};

const CODES: &[(&str, FindingSeverity, Owner)] = &[
    ("REFUND_UNPAID", FindingSeverity::High, Owner::Finance),
    (
        "PAYMENT_AMOUNT_MISMATCH",
        FindingSeverity::High,
        Owner::Finance,
    ),
    ("AFTERSALE_OVERDUE", FindingSeverity::Medium, Owner::Service),
    (
        "RETURN_NOT_RECEIVED",
        FindingSeverity::High,
        Owner::Warehouse,
    ),
    ("REFUND_ONLY_SHIPPED", FindingSeverity::Low, Owner::Service),
    (
        "DUPLICATE_SHIPMENT",
        FindingSeverity::Critical,
        Owner::Warehouse,
    ),
    ("FEE_MISMATCH", FindingSeverity::Medium, Owner::Finance),
    ("FLOW_NOT_BOOKED", FindingSeverity::Medium, Owner::Finance),
];
const SHOPS: &[&str] = &[
    "天猫旗舰店",
    "淘宝C店",
    "拼多多店",
    "抖店",
    "京东店",
    "小程序",
];

fn finding(i: usize) -> Finding {
    let (code, severity, owner) = CODES[i % CODES.len()];
    Finding {
        code: code.to_string(),
        severity,
        owner,
        platform: Platform::Tmall,
        shop: SHOPS[(i / 7) % SHOPS.len()].to_string(),
        order_no: Some(format!("40{:017}", i * 7919 % 1_000_000_007)),
        refund_no: Some(format!("RF{i:012}")),
        txn_no: None,
        sku: None,
        expected_fen: Some(i64::try_from(i % 50_000).unwrap_or_default() + 100),
        actual_fen: Some(0),
        diff_fen: Some(-(i64::try_from(i % 50_000).unwrap_or_default() + 100)),
        occurred_at: "2026-10-20T10:00:00".to_string(),
        message: "售后单退款成功但资金流水中没有退款".to_string(),
        evidence: Vec::new(),
    }
}

fn bench<B: Backend>(backend: B, n: usize) -> anyhow::Result<()> {
    let minutes = std::sync::atomic::AtomicU64::new(0);
    let mut ws = Workspace::new(
        backend,
        Box::new(move || {
            let m = minutes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            format!("2026-11-02 {:02}:{:02}:00", 9 + (m / 60) % 14, m % 60)
        }),
    );
    let e = |e: duizhang_store::StoreError| anyhow::anyhow!("{}", e.zh());
    // A workspace this benchmark filled before is queried as it is (recording a million cases
    // takes minutes on PostgreSQL).
    if ws.companies().map_err(e)?.is_empty() {
        record(&mut ws, n)?;
    }
    query(&mut ws)
}

fn record<B: Backend>(ws: &mut Workspace<B>, n: usize) -> anyhow::Result<()> {
    let e = |e: duizhang_store::StoreError| anyhow::anyhow!("{}", e.zh());
    ws.add_first_user("admin", "管理员", "pw").map_err(e)?;
    ws.create_company("禾木家居", "admin").map_err(e)?;
    ws.add_member(
        "禾木家居",
        "li",
        "李会计",
        "pw",
        &[Role::Accountant],
        "admin",
    )
    .map_err(e)?;
    let findings: Vec<Finding> = (0..n).map(finding).collect();
    let ran: BTreeSet<(String, String)> = SHOPS
        .iter()
        .flat_map(|s| CODES.iter().map(|c| (s.to_string(), c.0.to_string())))
        .collect();
    let started = Instant::now();
    let (_, changes) = ws
        .record_run(
            "禾木家居",
            &NewRun {
                period: "2026-10".into(),
                inputs: Vec::new(),
                settings: String::new(),
                program_version: "bench".into(),
                vouchers: None,
                metrics: None,
                summary: "{}".into(),
                findings,
                pending: "[]".into(),
                ran,
            },
            "li",
        )
        .map_err(e)?;
    println!(
        "recorded a run of {n} findings → {} cases in {:.1} s",
        changes.opened,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn query<B: Backend>(ws: &mut Workspace<B>) -> anyhow::Result<()> {
    let e = |e: duizhang_store::StoreError| anyhow::anyhow!("{}", e.zh());
    let open = vec![
        CaseState::Open,
        CaseState::InProgress,
        CaseState::PendingReview,
    ];
    let queries: Vec<(&str, CaseFilter)> = vec![
        (
            "open cases, first page",
            CaseFilter {
                states: open.clone(),
                ..CaseFilter::default()
            },
        ),
        (
            "open cases of one check",
            CaseFilter {
                states: open.clone(),
                code: Some("REFUND_UNPAID".into()),
                ..CaseFilter::default()
            },
        ),
        (
            "open cases of one shop and check",
            CaseFilter {
                states: open.clone(),
                code: Some("AFTERSALE_OVERDUE".into()),
                shop: Some("拼多多店".into()),
                ..CaseFilter::default()
            },
        ),
        (
            "critical open cases",
            CaseFilter {
                states: open.clone(),
                severity: Some(FindingSeverity::Critical),
                ..CaseFilter::default()
            },
        ),
        (
            "open cases, page 50",
            CaseFilter {
                states: open.clone(),
                offset: Some(5_000),
                ..CaseFilter::default()
            },
        ),
        (
            "cases assigned to one person",
            CaseFilter {
                states: open,
                assignee: Some("li".into()),
                ..CaseFilter::default()
            },
        ),
    ];
    println!("| query | rows | median | p95 |");
    println!("|---|---|---|---|");
    for (name, filter) in &queries {
        let mut times: Vec<Duration> = Vec::new();
        let mut rows = 0;
        for _ in 0..60 {
            let t = Instant::now();
            rows = ws.cases("禾木家居", filter, "li").map_err(e)?.len();
            times.push(t.elapsed());
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "| {name} | {rows} | {:.1} ms | {:.1} ms |",
            ms(times[times.len() / 2]),
            ms(times[times.len() * 95 / 100])
        );
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args
        .get(2)
        .map(|t| t.parse())
        .transpose()
        .context("N")?
        .unwrap_or(1_000_000);
    match args.first().map(String::as_str) {
        Some("sqlite") => {
            let path = std::path::PathBuf::from(args.get(1).context("PATH")?);
            let _ = std::fs::remove_file(&path);
            bench(
                duizhang_store_sqlite::SqliteBackend::open(&path)
                    .map_err(|e| anyhow::anyhow!("{}", e.zh()))?,
                n,
            )
        }
        Some("postgres") => bench(
            duizhang_store_postgres::PostgresBackend::connect(args.get(1).context("URL")?)
                .map_err(|e| anyhow::anyhow!("{}", e.zh()))?,
            n,
        ),
        _ => bail!("usage: cases-bench (sqlite PATH | postgres URL) [N]"),
    }
}
