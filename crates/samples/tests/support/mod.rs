//! Shared helpers for the import tests: import bytes as a user's file would be imported.

#![allow(dead_code, clippy::unwrap_used)]

use duizhang_core::{BeijingTime, Dataset, Fen, FileId, Record, SourceRef};
use duizhang_import::{ImportedFile, Problem, ProblemCode, builtin_importers, import_bytes};

/// Imports one file's bytes; returns what was learnt about it and its records.
pub fn import(name: &str, bytes: Vec<u8>) -> (Vec<ImportedFile>, Vec<Record>) {
    let importers = builtin_importers();
    let mut files = Vec::new();
    let mut records = Vec::new();
    import_bytes(name, bytes, &importers, &mut files, &mut |r| {
        records.push(r)
    });
    (files, records)
}

/// Imports and asserts the file was recognised as `format` with no problems.
pub fn import_clean(name: &str, bytes: Vec<u8>, format: &str) -> (ImportedFile, Dataset) {
    let (mut files, records) = import(name, bytes);
    assert_eq!(files.len(), 1, "one table expected: {files:#?}");
    let file = files.remove(0);
    assert_eq!(file.format.as_deref(), Some(format), "{file:#?}");
    assert!(
        file.problems.is_empty(),
        "unexpected problems: {:#?}",
        file.problems
    );
    let mut data = Dataset::default();
    for r in records {
        data.push(r);
    }
    (file, data)
}

/// Encodes text as GBK (what Alipay, PDD and Taobao CSVs use).
pub fn gbk(text: &str) -> Vec<u8> {
    encoding_rs::GBK.encode(text).0.into_owned()
}

/// Prefixes the UTF-8 byte-order mark (what 商户平台 and 抖店 downloads start with).
pub fn bom(text: &str) -> Vec<u8> {
    let mut v = b"\xEF\xBB\xBF".to_vec();
    v.extend_from_slice(text.as_bytes());
    v
}

/// A Beijing time written as in the files (`2026-10-03 10:00:12`).
pub fn t(text: &str) -> BeijingTime {
    BeijingTime::parse(text).unwrap()
}

/// Where a record comes from: line `line` of the first file imported.
pub fn at(line: u32) -> SourceRef {
    SourceRef {
        file: FileId(0),
        line,
    }
}

/// The codes of a file's problems, in order.
pub fn codes(file: &ImportedFile) -> Vec<ProblemCode> {
    file.problems.iter().map(|p| p.code).collect()
}

/// The one problem of a file (asserting there is exactly one).
pub fn only_problem(file: &ImportedFile) -> &Problem {
    assert_eq!(file.problems.len(), 1, "{:#?}", file.problems);
    &file.problems[0]
}

/// The first problem of a file with `code` (asserting there is one).
pub fn problem_with(file: &ImportedFile, code: ProblemCode) -> &Problem {
    file.problems
        .iter()
        .find(|p| p.code == code)
        .unwrap_or_else(|| panic!("{code:?} expected: {:#?}", file.problems))
}

/// A control total as (label, stated count, stated amount, counted, summed).
pub type Control<'a> = (&'a str, Option<u64>, Option<Fen>, u64, Fen);

/// A file's control totals, in order.
pub fn controls(file: &ImportedFile) -> Vec<Control<'_>> {
    file.control
        .iter()
        .map(|c| {
            (
                c.label.as_str(),
                c.stated_count,
                c.stated_amount,
                c.counted,
                c.summed,
            )
        })
        .collect()
}
