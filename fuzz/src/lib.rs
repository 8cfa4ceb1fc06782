//! Shared driver of the fuzz targets: each family's target puts its format's real preamble and
//! header in front of the fuzzer's bytes, so the fuzzer spends its time inside that importer's
//! row parsing instead of failing detection.

use duizhang_import::{builtin_importers, import_bytes};

/// Imports `head` followed by `data`, in UTF-8 or GBK; must return, never panic.
pub fn import_with_head(head: &str, data: &[u8], gbk: bool) {
    let mut bytes = if gbk { encoding_rs::GBK.encode(head).0.into_owned() } else { head.as_bytes().to_vec() };
    bytes.extend_from_slice(data);
    import_any(bytes);
}

pub fn import_any(bytes: Vec<u8>) {
    let importers = builtin_importers();
    let mut files = Vec::new();
    import_bytes("fuzz.csv", bytes, &importers, &mut files, &mut |_| {});
}
