//! The order index: where each order's records are in the kept files, one blob per (file,
//! bucket) as `duizhang_store` encodes them. `order_refs` reads the per-record rows imports
//! wrote before the buckets (their file and part named by a number from `order_index_parts`).

use duizhang_store::{ByteSpan, OrderRef, StoreError};
use postgres::Transaction;
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::Type;

use crate::db;

pub(crate) fn insert_order_buckets(
    tx: &mut Transaction<'_>,
    company: i64,
    sha256: &str,
    buckets: &[(u32, Vec<u8>)],
) -> Result<(), StoreError> {
    // COPY in binary form: one stream for the file's few thousand rows.
    let sink = tx
        .copy_in(
            "COPY order_buckets (company_id, bucket, sha256, entries) FROM STDIN (FORMAT binary)",
        )
        .map_err(db)?;
    let mut writer =
        BinaryCopyInWriter::new(sink, &[Type::INT8, Type::INT4, Type::TEXT, Type::BYTEA]);
    for (bucket, entries) in buckets {
        let bucket = i32::try_from(*bucket)
            .map_err(|_| StoreError::Database(format!("bucket {bucket} out of range")))?;
        writer
            .write(&[&company, &bucket, &sha256, entries])
            .map_err(db)?;
    }
    writer.finish().map_err(db)?;
    Ok(())
}

pub(crate) fn order_bucket(
    tx: &mut Transaction<'_>,
    company: i64,
    bucket: u32,
) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
    let bucket = i32::try_from(bucket)
        .map_err(|_| StoreError::Database(format!("bucket {bucket} out of range")))?;
    let rows = tx
        .query(
            "SELECT sha256, entries FROM order_buckets WHERE company_id = $1 AND bucket = $2 \
             ORDER BY sha256",
            &[&company, &bucket],
        )
        .map_err(db)?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

pub(crate) fn order_refs(
    tx: &mut Transaction<'_>,
    company: i64,
    order_no: &str,
) -> Result<Vec<(String, OrderRef)>, StoreError> {
    let rows = tx
        .query(
            "SELECT p.sha256, p.part, o.line, o.kind, o.text, o.at_byte, o.byte_len FROM order_index o \
             JOIN order_index_parts p ON p.id = o.part_id \
             WHERE o.company_id = $1 AND o.order_no = $2 ORDER BY p.sha256, p.part, o.line",
            &[&company, &order_no],
        )
        .map_err(db)?;
    Ok(rows
        .iter()
        .map(|r| {
            (
                r.get(0),
                OrderRef {
                    order_no: order_no.to_string(),
                    part: r.get(1),
                    line: r.get(2),
                    kind: r.get(3),
                    text: r.get(4),
                    span: span(r.get(5), r.get(6)),
                },
            )
        })
        .collect())
}

/// An index row's byte span, when it has one.
fn span(at: Option<i64>, len: Option<i64>) -> Option<ByteSpan> {
    Some(ByteSpan { at: at?, len: len? })
}
