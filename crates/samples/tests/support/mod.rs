//! Shared helpers for the import tests: import bytes as a user's file would be imported.

#![allow(dead_code)]

use duizhang_core::{Dataset, Record};
use duizhang_import::{ImportedFile, builtin_importers, import_bytes};

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
