//! The order index as buckets: a kept file's index entries grouped by a stable hash of their
//! order number into [`BUCKETS`] blobs, one row per (file, bucket) instead of one row per record.
//!
//! A 2,000,000-order month has about 11 million records that name an order. As rows, writing
//! them (sorting by text keys, binding, inserting into a B-tree) was half of the import's CPU.
//! As buckets it is some four thousand rows per file, and a lookup reads one bucket of each
//! file (a few kilobytes each) and keeps the entries of its order. The blob's layout is this
//! module's alone: a version byte, then postcard of [`Blob`].

use serde::{Deserialize, Serialize};

use crate::error::StoreError;
use crate::records::{ByteSpan, OrderRef};

/// How many buckets an order number hashes into. Stored data depends on it: never change it
/// without a migration that rewrites the buckets.
pub const BUCKETS: u32 = 4096;

/// The layout version written as the blob's first byte.
const LAYOUT: u8 = 1;

/// The bucket of an order number: FNV-1a (64 bit) of its bytes, modulo [`BUCKETS`]. Spelled out
/// here rather than taken from a hashing crate, whose output may change between versions.
pub fn bucket_of(order_no: &str) -> u32 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in order_no.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    u32::try_from(hash % u64::from(BUCKETS)).unwrap_or(0)
}

/// One bucket of one file: the parts its entries name, then the entries in index order.
#[derive(Serialize, Deserialize)]
struct Blob<'a> {
    #[serde(borrow)]
    parts: Vec<&'a str>,
    #[serde(borrow)]
    entries: Vec<Entry<'a>>,
}

#[derive(Serialize, Deserialize)]
struct Entry<'a> {
    order_no: &'a str,
    /// Index into the blob's `parts`.
    part: u32,
    line: i64,
    kind: &'a str,
    text: Option<&'a str>,
    span: Option<(i64, i64)>,
}

/// The index's key inside a bucket.
fn key(r: &OrderRef) -> (&str, &str, i64, &str) {
    (&r.order_no, &r.part, r.line, &r.kind)
}

/// A file's index entries as (bucket, blob) pairs in bucket order. Inside a bucket the entries
/// are in the index's key order (order number, part, line, kind), each record once: a record
/// the reader listed twice is one entry of the lookup.
pub(crate) fn encode(refs: &[OrderRef]) -> Result<Vec<(u32, Vec<u8>)>, StoreError> {
    let mut by_bucket: Vec<(u32, &OrderRef)> =
        refs.iter().map(|r| (bucket_of(&r.order_no), r)).collect();
    by_bucket.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| key(a.1).cmp(&key(b.1))));
    by_bucket.dedup_by(|a, b| a.0 == b.0 && key(a.1) == key(b.1));
    let mut out = Vec::new();
    for group in by_bucket.chunk_by(|a, b| a.0 == b.0) {
        let Some(&(bucket, _)) = group.first() else {
            continue;
        };
        let mut blob = Blob {
            parts: Vec::new(),
            entries: Vec::with_capacity(group.len()),
        };
        for (_, r) in group {
            let part = match blob.parts.iter().position(|p| *p == r.part) {
                Some(i) => i,
                None => {
                    blob.parts.push(&r.part);
                    blob.parts.len() - 1
                }
            };
            blob.entries.push(Entry {
                order_no: &r.order_no,
                part: u32::try_from(part).unwrap_or(u32::MAX),
                line: r.line,
                kind: &r.kind,
                text: r.text.as_deref(),
                span: r.span.map(|s| (s.at, s.len)),
            });
        }
        let mut bytes = vec![LAYOUT];
        bytes = postcard::to_extend(&blob, bytes)
            .map_err(|e| StoreError::Database(format!("order index bucket {bucket}: {e}")))?;
        out.push((bucket, bytes));
    }
    Ok(out)
}

/// The entries of `order_no` in one bucket blob.
pub(crate) fn entries_of(blob: &[u8], order_no: &str) -> Result<Vec<OrderRef>, StoreError> {
    let broken =
        |why: String| StoreError::Database(format!("order index bucket unreadable: {why}"));
    let Some((&layout, rest)) = blob.split_first() else {
        return Err(broken("empty".to_string()));
    };
    if layout != LAYOUT {
        return Err(broken(format!(
            "layout {layout}, this program reads {LAYOUT}"
        )));
    }
    let blob: Blob = postcard::from_bytes(rest).map_err(|e| broken(e.to_string()))?;
    blob.entries
        .iter()
        .filter(|e| e.order_no == order_no)
        .map(|e| {
            let part = usize::try_from(e.part)
                .ok()
                .and_then(|i| blob.parts.get(i))
                .ok_or_else(|| broken(format!("part {} of {}", e.part, blob.parts.len())))?;
            Ok(OrderRef {
                order_no: e.order_no.to_string(),
                part: (*part).to_string(),
                line: e.line,
                kind: e.kind.to_string(),
                text: e.text.map(str::to_string),
                span: e.span.map(|(at, len)| ByteSpan { at, len }),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(order_no: &str, part: &str, line: i64, text: Option<&str>) -> OrderRef {
        OrderRef {
            order_no: order_no.to_string(),
            part: part.to_string(),
            line,
            kind: "order".to_string(),
            text: text.map(str::to_string),
            span: text.is_none().then_some(ByteSpan {
                at: line * 100,
                len: 99,
            }),
        }
    }

    #[test]
    fn bucket_numbers_never_change_once_stored() {
        // Kept workspaces hold these: a different hash would make their orders unfindable.
        assert_eq!(u64::from(bucket_of("")), 0xcbf2_9ce4_8422_2325 % 4096);
        assert_eq!(
            bucket_of("4000129903547827844"),
            bucket_of("4000129903547827844")
        );
        let spread: std::collections::BTreeSet<u32> = (0..10_000u64)
            .map(|i| bucket_of(&format!("4000{:015}", 129_903_547_000 + i)))
            .collect();
        assert!(
            spread.len() > 3_500,
            "consecutive order numbers spread over the buckets"
        );
        assert_eq!(u64::from(bucket_of("a")), 0xaf63_dc4c_8601_ec8c % 4096);
    }

    #[test]
    fn an_order_is_found_in_its_bucket_with_every_part_line_text_and_span() {
        let rows = [
            entry("A1", "f.zip!a.csv", 3, None),
            entry("A1", "f.zip!b.csv", 7, Some("A1,交易成功,12.00")),
            entry("B2", "f.zip!a.csv", 4, None),
        ];
        let buckets = encode(&rows).expect("encodes");
        let a1 = buckets
            .iter()
            .find(|(b, _)| *b == bucket_of("A1"))
            .expect("A1's bucket");
        let found = entries_of(&a1.1, "A1").expect("decodes");
        assert_eq!(found, vec![rows[0].clone(), rows[1].clone()]);
        assert!(entries_of(&a1.1, "C3").expect("decodes").is_empty());
    }

    #[test]
    fn a_record_listed_twice_is_one_entry_and_entries_come_in_line_order() {
        let rows = [
            entry("A1", "f.csv", 9, None),
            entry("A1", "f.csv", 3, None),
            entry("A1", "f.csv", 9, None),
        ];
        let (_, blob) = encode(&rows).expect("encodes").remove(0);
        let lines: Vec<i64> = entries_of(&blob, "A1")
            .expect("decodes")
            .iter()
            .map(|r| r.line)
            .collect();
        assert_eq!(lines, vec![3, 9]);
    }

    #[test]
    fn a_blob_of_another_layout_is_refused_not_misread() {
        let refs = [entry("A1", "f.csv", 3, None)];
        let mut blob = encode(&refs).expect("encodes").remove(0).1;
        blob[0] = 9;
        assert!(entries_of(&blob, "A1").is_err());
        assert!(entries_of(&[], "A1").is_err());
    }
}
