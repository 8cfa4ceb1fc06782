//! The order index: where each order's records are in the kept files. A row names its file and
//! part by a number from `order_index_parts` (one row per part of a file), not by repeating the
//! SHA-256 and the part name a million times.

use std::collections::BTreeMap;

use duizhang_store::{ByteSpan, OrderRef, StoreError};
use rusqlite::{Transaction, params};

use crate::db;

pub(crate) fn insert_order_refs(
    tx: &Transaction<'_>,
    company: i64,
    sha256: &str,
    refs: &[&OrderRef],
) -> Result<(), StoreError> {
    let mut parts: BTreeMap<&str, i64> = refs.iter().map(|r| (r.part.as_str(), 0)).collect();
    for (part, id) in &mut parts {
        tx.execute(
            "INSERT INTO order_index_parts (company_id, sha256, part) VALUES (?1, ?2, ?3)",
            params![company, sha256, part],
        )
        .map_err(db)?;
        *id = tx.last_insert_rowid();
    }
    // One prepared statement, many executions, inside the import's transaction; the rows come
    // in key order, so each lands next to the one before it in the index's B-tree.
    let mut stmt = tx
        .prepare_cached(
            "INSERT INTO order_index \
             (company_id, order_no, part_id, line, kind, text, at_byte, byte_len) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .map_err(db)?;
    for r in refs {
        let part = parts
            .get(r.part.as_str())
            .copied()
            .ok_or_else(|| StoreError::Database(format!("no part number for {:?}", r.part)))?;
        stmt.execute(params![
            company,
            r.order_no,
            part,
            r.line,
            r.kind,
            r.text,
            r.span.map(|s| s.at),
            r.span.map(|s| s.len)
        ])
        .map_err(db)?;
    }
    Ok(())
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
