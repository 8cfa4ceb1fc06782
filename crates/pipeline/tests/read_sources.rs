//! A month whose files were read once and kept as records (what a workspace's import keeps)
//! runs as the month read from its files: same findings, pending items and outputs.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use duizhang_books::{Books, BooksConfig, Rules, Standard};
use duizhang_core::{Dataset, RecordKind};
use duizhang_engine::CarryIn;
use duizhang_import::inputs::read_one;
use duizhang_import::{Importer, parsed};
use duizhang_pipeline::{Options, Run, RunResult, Silent, Source};
use duizhang_samples::demo::{Scenario, generate, write_scenario};
use proptest::prelude::*;

fn month(name: &str, orders: usize, seed: u64) -> (Scenario, PathBuf) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("pipeline_read_{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    let scenario = generate(orders, seed);
    let files = write_scenario(&scenario, &dir).unwrap();
    (scenario, files)
}

fn run_month(
    scenario: &Scenario,
    sources: Vec<Source>,
    importers: &[Box<dyn Importer>],
) -> RunResult {
    let books = Books::new(
        BooksConfig::preset(Standard::Small),
        Rules::defaults().unwrap(),
    )
    .unwrap();
    duizhang_pipeline::run(
        Run {
            sources,
            exclude: Vec::new(),
            importers,
            settings: &scenario.settings,
            period: scenario.period,
            carry: &CarryIn::none(),
            books: Some(&books),
            journal: None,
            history: &[],
            options: Options::default(),
        },
        &Silent,
    )
    .unwrap()
}

/// The folder's data files as (name, bytes), named by their file name as a workspace keeps them.
fn kept(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    out.sort();
    out
}

/// Each file read alone, encoded as kept and decoded again.
fn read_and_kept(
    name: &str,
    bytes: &[u8],
    importers: &[Box<dyn Importer>],
) -> (Vec<duizhang_import::ImportedFile>, Dataset, Source) {
    let read = Source::Bytes {
        name: name.to_string(),
        bytes: bytes.to_vec(),
    };
    let (files, data) = read_one(read, importers, |_| {});
    let (back_files, back_data) = parsed::decode(&parsed::encode(&files, &data).unwrap()).unwrap();
    let source = Source::Read {
        name: name.to_string(),
        size: u64::try_from(bytes.len()).unwrap(),
        files: back_files,
        data: back_data,
    };
    (files, data, source)
}

fn kinds(data: &Dataset) -> Vec<RecordKind> {
    let counts = [
        (RecordKind::Order, data.orders.len()),
        (RecordKind::AfterSale, data.after_sales.len()),
        (RecordKind::FundFlow, data.fund_flows.len()),
        (RecordKind::Payment, data.payments.len()),
        (RecordKind::Settlement, data.settlements.len()),
        (RecordKind::ErpOrder, data.erp_orders.len()),
        (RecordKind::Shipment, data.shipments.len()),
        (RecordKind::ReturnReceipt, data.return_receipts.len()),
        (RecordKind::Complaint, data.complaints.len()),
    ];
    counts
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, _)| k)
        .collect()
}

#[test]
fn a_month_from_kept_records_gives_the_findings_and_outputs_of_its_files() {
    let (scenario, dir) = month("same", 300, 11);
    let importers = duizhang_import::builtin_importers();
    let files = kept(&dir);
    let from_bytes: Vec<Source> = files
        .iter()
        .map(|(name, bytes)| Source::Bytes {
            name: name.clone(),
            bytes: bytes.clone(),
        })
        .collect();
    // Given in another order than the names': the run puts them in its own order, and numbers
    // the files of each record as it reads them.
    let from_records: Vec<Source> = files
        .iter()
        .rev()
        .map(|(name, bytes)| read_and_kept(name, bytes, &importers).2)
        .collect();
    let read = run_month(&scenario, from_bytes, &importers);
    let taken = run_month(&scenario, from_records, &importers);
    assert!(!read.outcome.findings.is_empty());
    assert_eq!(read.data, taken.data, "the records the checks judged");
    assert_eq!(read.outcome.findings, taken.outcome.findings);
    assert_eq!(read.outcome.pending, taken.outcome.pending);
    assert_eq!(
        format!("{:?}", read.files),
        format!("{:?}", taken.files),
        "reports and their file ids"
    );
    let names: Vec<&str> = read.outputs.iter().map(|(n, _)| n).collect();
    for name in [
        "carry.json",
        "findings.jsonl",
        "findings.xlsx",
        "metrics.json",
        "summary.json",
        "vouchers.xlsx",
    ] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
        assert_eq!(
            read.outputs.get(name),
            taken.outputs.get(name),
            "{name} differs"
        );
    }
}

/// Each file of `dir` read, kept and read back equals what was read; the kinds of record met.
fn each_file_comes_back(dir: &Path) -> Result<Vec<RecordKind>, TestCaseError> {
    let importers = duizhang_import::builtin_importers();
    let mut seen = Vec::new();
    for (name, bytes) in kept(dir) {
        let (files, data, source) = read_and_kept(&name, &bytes, &importers);
        let Source::Read {
            files: back_files,
            data: back_data,
            ..
        } = source
        else {
            unreachable!()
        };
        prop_assert_eq!(&back_data, &data, "{}", name);
        prop_assert_eq!(format!("{back_files:?}"), format!("{files:?}"), "{}", name);
        seen.extend(kinds(&data));
    }
    seen.sort();
    seen.dedup();
    Ok(seen)
}

#[test]
fn every_record_kind_of_the_demo_month_comes_back_as_read() {
    // Orders with their lines, after-sales, fund flows, payments, settlements, ERP orders,
    // shipments, return receipts and tickets, from CSV, JSON lines and a workbook.
    let (_, dir) = month("kinds", 300, 11);
    let seen = each_file_comes_back(&dir).unwrap();
    let mut all = RecordKind::ALL.to_vec();
    all.sort();
    assert_eq!(seen, all);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 5, ..ProptestConfig::default() })]

    #[test]
    fn every_file_of_any_demo_month_comes_back_as_read(orders in 40usize..300, seed in 0u64..1000) {
        let (_, dir) = month(&format!("prop_{orders}_{seed}"), orders, seed);
        each_file_comes_back(&dir)?;
        std::fs::remove_dir_all(&dir).ok();
    }
}
