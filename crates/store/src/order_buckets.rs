//! The order index as buckets: a kept file's index entries grouped by a stable hash of their
//! order number into [`BUCKETS`] blobs, one row per (file, bucket) instead of one row per record.
//!
//! A 2,000,000-order month has about 11 million records that name an order. As rows, writing
//! them (sorting by text keys, binding, inserting into a B-tree) was half of the import's CPU.
//! As buckets it is some four thousand rows per file, and a lookup reads one bucket of each
//! file (a few kilobytes each) and keeps the entries of its order. The blob's layout is this
//! module's alone: a version byte, then a zstd frame of postcard of [`Blob`].

use serde::{Deserialize, Serialize};

use crate::error::StoreError;
use crate::records::{ByteSpan, OrderRef};

/// How many buckets an order number hashes into. Stored data depends on it: never change it
/// without a migration that rewrites the buckets.
pub const BUCKETS: u32 = 4096;

/// The layout version written as the blob's first byte: 2 is a zstd frame of [`Blob`]; 1 (read,
/// no longer written) was [`BlobV1`] as it is.
const LAYOUT: u8 = 2;
const LAYOUT_V1: u8 = 1;

/// zstd's level for a bucket: its fastest ordinary one. Order numbers sorted within a bucket
/// and the few kinds and parts they repeat shrink a blob to about a third.
const LEVEL: i32 = 1;

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

/// One bucket of one file: the parts and the kinds its entries name, then the entries in index
/// order.
#[derive(Serialize, Deserialize)]
struct Blob<'a> {
    #[serde(borrow)]
    parts: Vec<&'a str>,
    #[serde(borrow)]
    kinds: Vec<&'a str>,
    #[serde(borrow)]
    entries: Vec<Entry<'a>>,
}

#[derive(Serialize, Deserialize)]
struct Entry<'a> {
    order_no: &'a str,
    /// Index into the blob's `parts`.
    part: u32,
    line: i64,
    /// Index into the blob's `kinds`.
    kind: u32,
    text: Option<&'a str>,
    span: Option<(i64, i64)>,
}

/// Layout 1: the kind written out in every entry, the blob not compressed.
#[derive(Serialize, Deserialize)]
struct BlobV1<'a> {
    #[serde(borrow)]
    parts: Vec<&'a str>,
    #[serde(borrow)]
    entries: Vec<EntryV1<'a>>,
}

#[derive(Serialize, Deserialize)]
struct EntryV1<'a> {
    order_no: &'a str,
    part: u32,
    line: i64,
    kind: &'a str,
    text: Option<&'a str>,
    span: Option<(i64, i64)>,
}

/// The distinct values of `texts`, sorted, and each text's index among them: comparing the
/// indexes orders as comparing the texts.
fn ranks<'a>(texts: impl Iterator<Item = &'a str> + Clone) -> (Vec<&'a str>, Vec<u32>) {
    let mut distinct: Vec<&str> = texts.clone().collect();
    distinct.sort_unstable();
    distinct.dedup();
    let index = texts
        .map(|t| u32::try_from(distinct.binary_search(&t).unwrap_or(0)).unwrap_or(u32::MAX))
        .collect();
    (distinct, index)
}

/// A file's index entries as (bucket, blob) pairs in bucket order. Inside a bucket the entries
/// are in the index's key order (order number, part, line, kind), each record once: a record
/// the reader listed twice is one entry of the lookup.
pub(crate) fn encode(refs: &[OrderRef]) -> Result<Vec<(u32, Vec<u8>)>, StoreError> {
    // A file has a few parts and kinds and millions of entries: compared as ranks, only the
    // order number is compared as text.
    let (parts, part_of) = ranks(refs.iter().map(|r| r.part.as_str()));
    let (kinds, kind_of) = ranks(refs.iter().map(|r| r.kind.as_str()));
    let key = |i: usize| {
        (
            refs[i].order_no.as_str(),
            part_of[i],
            refs[i].line,
            kind_of[i],
        )
    };
    // Entries go to their bucket by counting (one pass), then each bucket is sorted alone.
    let slot = |b: u32| usize::try_from(b).unwrap_or(usize::MAX);
    let bucket: Vec<usize> = refs.iter().map(|r| slot(bucket_of(&r.order_no))).collect();
    let mut starts = vec![0usize; slot(BUCKETS) + 1];
    for &b in &bucket {
        starts[b + 1] += 1;
    }
    for b in 1..starts.len() {
        starts[b] += starts[b - 1];
    }
    let mut next = starts.clone();
    let mut by_bucket = vec![0usize; refs.len()];
    for (i, &b) in bucket.iter().enumerate() {
        by_bucket[next[b]] = i;
        next[b] += 1;
    }
    let mut compressor = zstd::bulk::Compressor::new(LEVEL)
        .map_err(|e| StoreError::Database(format!("order index: zstd: {e}")))?;
    let mut out = Vec::new();
    for b in 0..BUCKETS {
        let members = &mut by_bucket[starts[slot(b)]..starts[slot(b) + 1]];
        if members.is_empty() {
            continue;
        }
        members.sort_unstable_by(|&x, &y| key(x).cmp(&key(y)));
        let mut blob = Blob {
            parts: Vec::new(),
            kinds: Vec::new(),
            entries: Vec::with_capacity(members.len()),
        };
        let mut last = None;
        for &i in members.iter() {
            if last == Some(key(i)) {
                continue;
            }
            last = Some(key(i));
            let r = &refs[i];
            blob.entries.push(Entry {
                order_no: &r.order_no,
                part: position(&mut blob.parts, parts[slot(part_of[i])]),
                line: r.line,
                kind: position(&mut blob.kinds, kinds[slot(kind_of[i])]),
                text: r.text.as_deref(),
                span: r.span.map(|s| (s.at, s.len)),
            });
        }
        let plain = postcard::to_stdvec(&blob)
            .map_err(|e| StoreError::Database(format!("order index bucket {b}: {e}")))?;
        let mut bytes = vec![LAYOUT];
        bytes.extend(
            compressor
                .compress(&plain)
                .map_err(|e| StoreError::Database(format!("order index bucket {b}: {e}")))?,
        );
        out.push((b, bytes));
    }
    Ok(out)
}

/// The index of `text` in `table`, added at its end when new.
fn position<'a>(table: &mut Vec<&'a str>, text: &'a str) -> u32 {
    let i = match table.iter().position(|t| *t == text) {
        Some(i) => i,
        None => {
            table.push(text);
            table.len() - 1
        }
    };
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// The entries of `order_no` in one bucket blob.
pub(crate) fn entries_of(blob: &[u8], order_no: &str) -> Result<Vec<OrderRef>, StoreError> {
    let broken =
        |why: String| StoreError::Database(format!("order index bucket unreadable: {why}"));
    let Some((&layout, rest)) = blob.split_first() else {
        return Err(broken("empty".to_string()));
    };
    let entry = |parts: &[&str],
                 kind: &str,
                 e_part: u32,
                 line: i64,
                 text: Option<&str>,
                 span: Option<(i64, i64)>| {
        let part = usize::try_from(e_part)
            .ok()
            .and_then(|i| parts.get(i))
            .ok_or_else(|| broken(format!("part {e_part} of {}", parts.len())))?;
        Ok(OrderRef {
            order_no: order_no.to_string(),
            part: (*part).to_string(),
            line,
            kind: kind.to_string(),
            text: text.map(str::to_string),
            span: span.map(|(at, len)| ByteSpan { at, len }),
        })
    };
    match layout {
        LAYOUT => {
            let plain = zstd::stream::decode_all(rest).map_err(|e| broken(e.to_string()))?;
            let blob: Blob = postcard::from_bytes(&plain).map_err(|e| broken(e.to_string()))?;
            blob.entries
                .iter()
                .filter(|e| e.order_no == order_no)
                .map(|e| {
                    let kind = usize::try_from(e.kind)
                        .ok()
                        .and_then(|i| blob.kinds.get(i))
                        .ok_or_else(|| {
                            broken(format!("kind {} of {}", e.kind, blob.kinds.len()))
                        })?;
                    entry(&blob.parts, kind, e.part, e.line, e.text, e.span)
                })
                .collect()
        }
        LAYOUT_V1 => {
            let blob: BlobV1 = postcard::from_bytes(rest).map_err(|e| broken(e.to_string()))?;
            blob.entries
                .iter()
                .filter(|e| e.order_no == order_no)
                .map(|e| entry(&blob.parts, e.kind, e.part, e.line, e.text, e.span))
                .collect()
        }
        other => Err(broken(format!(
            "layout {other}, this program reads {LAYOUT_V1} and {LAYOUT}"
        ))),
    }
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
    fn a_bucket_written_in_the_first_layout_is_still_read() {
        let old = BlobV1 {
            parts: vec!["f.csv"],
            entries: vec![
                EntryV1 {
                    order_no: "A1",
                    part: 0,
                    line: 3,
                    kind: "order",
                    text: None,
                    span: Some((300, 99)),
                },
                EntryV1 {
                    order_no: "B2",
                    part: 0,
                    line: 4,
                    kind: "order",
                    text: None,
                    span: Some((400, 99)),
                },
            ],
        };
        let mut blob = vec![LAYOUT_V1];
        blob.extend(postcard::to_stdvec(&old).expect("encodes"));
        assert_eq!(
            entries_of(&blob, "A1").expect("decodes"),
            vec![entry("A1", "f.csv", 3, None)]
        );
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
