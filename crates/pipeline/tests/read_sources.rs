//! A month whose files were read once and kept as records (what a workspace's import keeps)
//! runs as the month read from its files: same findings, pending items and outputs.

#![allow(clippy::unwrap_used)]

mod support;

use std::path::Path;

use duizhang_core::{Dataset, RecordKind};
use duizhang_import::inputs::read_one;
use duizhang_import::{Importer, parsed};
use duizhang_pipeline::{Options, Source};
use proptest::prelude::*;
use support::{assert_same_outputs, month, run_month};

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
    let (scenario, dir) = month("read_same", 300, 11);
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
    let read = run_month(&scenario, from_bytes, &importers, Options::default()).unwrap();
    let taken = run_month(&scenario, from_records, &importers, Options::default()).unwrap();
    assert_eq!(read.data, taken.data, "the records the checks judged");
    assert_eq!(
        format!("{:?}", read.files),
        format!("{:?}", taken.files),
        "reports and their file ids"
    );
    assert_same_outputs(&read, &taken);
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
    let (_, dir) = month("read_kinds", 300, 11);
    let seen = each_file_comes_back(&dir).unwrap();
    let mut all = RecordKind::ALL.to_vec();
    all.sort();
    assert_eq!(seen, all);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 5, ..ProptestConfig::default() })]

    #[test]
    fn every_file_of_any_demo_month_comes_back_as_read(orders in 40usize..300, seed in 0u64..1000) {
        let (_, dir) = month(&format!("read_prop_{orders}_{seed}"), orders, seed);
        each_file_comes_back(&dir)?;
        std::fs::remove_dir_all(&dir).ok();
    }
}
