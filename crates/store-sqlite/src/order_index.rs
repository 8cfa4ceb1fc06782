//! The order index: where each order's records are in the kept files.

use duizhang_store::{ByteSpan, OrderRef, StoreError};
use rusqlite::{Transaction, params};

use crate::db;

pub(crate) fn insert_order_refs(
    tx: &Transaction<'_>,
    company: i64,
    sha256: &str,
    refs: &[&OrderRef],
) -> Result<(), StoreError> {
    // One prepared statement, many executions, inside the import's transaction; the rows come
    // in key order, so each lands next to the one before it in the primary key's B-tree.
    let mut stmt = tx
        .prepare_cached(
            "INSERT INTO order_index \
             (company_id, order_no, sha256, part, line, kind, text, at_byte, byte_len) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .map_err(db)?;
    for r in refs {
        stmt.execute(params![
            company,
            r.order_no,
            sha256,
            r.part,
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
    let mut stmt = tx
        .prepare(
            "SELECT sha256, part, line, kind, text, at_byte, byte_len FROM order_index \
             WHERE company_id = ?1 AND order_no = ?2 ORDER BY sha256, part, line",
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
