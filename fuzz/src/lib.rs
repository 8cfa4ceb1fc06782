//! Shared driver of the fuzz targets: each family's target puts its format's real preamble and
//! header in front of the fuzzer's bytes, so the fuzzer spends its time inside that importer's
//! row parsing instead of failing detection.

use duizhang_core::Dataset;
use duizhang_import::{ImportedFile, builtin_importers, import_bytes};

/// Imports `head` followed by `data`, in UTF-8 or GBK; must return, never panic.
pub fn import_with_head(head: &str, data: &[u8], gbk: bool) {
    let mut bytes = if gbk {
        encoding_rs::GBK.encode(head).0.into_owned()
    } else {
        head.as_bytes().to_vec()
    };
    bytes.extend_from_slice(data);
    import_any(bytes);
}

/// One of a family's layouts, chosen by the fuzzer's first byte: `(head, gbk)` as for
/// [`import_with_head`], the rest of the bytes after it.
pub fn import_with_one_of(heads: &[(&str, bool)], data: &[u8]) {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let (head, gbk) = heads[usize::from(*first) % heads.len()];
    import_with_head(head, rest, gbk);
}

pub fn import_any(bytes: Vec<u8>) {
    let importers = builtin_importers();
    let mut files = Vec::new();
    import_bytes("fuzz.csv", bytes, &importers, &mut files, &mut |_| {});
}

/// Imports any bytes as a file and returns its tables and records.
pub fn read_file(bytes: Vec<u8>) -> (Vec<ImportedFile>, Dataset) {
    let importers = builtin_importers();
    let mut files = Vec::new();
    let mut data = Dataset::default();
    import_bytes("fuzz.csv", bytes, &importers, &mut files, &mut |r| {
        data.push(r)
    });
    (files, data)
}
