//! The order index: where each order's records are in the kept files, one blob per (file,
//! bucket) as `duizhang_store` encodes them. `order_refs` reads the per-record rows imports
//! wrote before the buckets (their file and part named by a number from `order_index_parts`).

use duizhang_store::{ByteSpan, OrderRef, StoreError};
use rusqlite::{Transaction, params};

use crate::db;

pub(crate) fn insert_order_buckets(
    tx: &Transaction<'_>,
    company: i64,
    sha256: &str,
    buckets: &[(u32, Vec<u8>)],
) -> Result<(), StoreError> {
    let mut stmt = tx
        .prepare_cached(
            "INSERT INTO order_buckets (company_id, bucket, sha256, entries) VALUES (?1, ?2, ?3, ?4)",
        )
        .map_err(db)?;
    for (bucket, entries) in buckets {
        stmt.execute(params![company, bucket, sha256, entries])
            .map_err(db)?;
    }
    Ok(())
}

pub(crate) fn order_bucket(
    tx: &Transaction<'_>,
    company: i64,
    bucket: u32,
) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
    let mut stmt = tx
        .prepare_cached(
            "SELECT sha256, entries FROM order_buckets WHERE company_id = ?1 AND bucket = ?2 \
             ORDER BY sha256",
        )
        .map_err(db)?;
    let rows = stmt
        .query_map(params![company, bucket], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(db)?;
    rows.collect::<Result<_, _>>().map_err(db)
}

pub(crate) fn order_refs(
    tx: &Transaction<'_>,
    company: i64,
    order_no: &str,
) -> Result<Vec<(String, OrderRef)>, StoreError> {
    // CROSS JOIN fixes SQLite's join order: the order's one index range first, then each
    // row's part by its number (with few parts, statistics would otherwise favour probing the
    // index once per part).
    let mut stmt = tx
        .prepare(
            "SELECT p.sha256, p.part, o.line, o.kind, o.text, o.at_byte, o.byte_len FROM order_index o \
             CROSS JOIN order_index_parts p ON p.id = o.part_id \
             WHERE o.company_id = ?1 AND o.order_no = ?2 ORDER BY p.sha256, p.part, o.line",
        )
        .map_err(db)?;
    let rows = stmt
        .query_map(params![company, order_no], |r| {
            Ok((
                r.get::<_, String>(0)?,
                OrderRef {
                    order_no: order_no.to_string(),
                    part: r.get(1)?,
                    line: r.get(2)?,
                    kind: r.get(3)?,
                    text: r.get(4)?,
                    span: span(r.get(5)?, r.get(6)?),
                },
            ))
        })
        .map_err(db)?;
    rows.collect::<Result<_, _>>().map_err(db)
}

/// An index row's byte span, when it has one.
fn span(at: Option<i64>, len: Option<i64>) -> Option<ByteSpan> {
    Some(ByteSpan { at: at?, len: len? })
}
