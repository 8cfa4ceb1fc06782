//! The order index: where each order's records are in the kept files. A row names its file and
//! part by a number from `order_index_parts` (one row per part of a file), not by repeating the
//! SHA-256 and the part name a million times.

use std::collections::BTreeMap;

use duizhang_store::{ByteSpan, OrderRef, StoreError};
use postgres::Transaction;
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::Type;

use crate::db;

pub(crate) fn insert_order_refs(
    tx: &mut Transaction<'_>,
    company: i64,
    sha256: &str,
    refs: &[&OrderRef],
) -> Result<(), StoreError> {
    let mut parts: BTreeMap<&str, i64> = refs.iter().map(|r| (r.part.as_str(), 0)).collect();
    for (part, id) in &mut parts {
        *id = tx
            .query_one(
                "INSERT INTO order_index_parts (company_id, sha256, part) VALUES ($1, $2, $3) \
                 RETURNING id",
                &[&company, &sha256, part],
            )
            .map_err(db)?
            .get(0);
    }
    // COPY in binary form: one stream for the whole file, no per-row statement and no text
    // escaping of the lines (a tab-separated download holds tabs). The rows come sorted and
    // without repeats (COPY has no ON CONFLICT).
    let sink = tx
        .copy_in(
            "COPY order_index \
             (company_id, order_no, part_id, line, kind, text, at_byte, byte_len) \
             FROM STDIN (FORMAT binary)",
        )
        .map_err(db)?;
    let types = [
        Type::INT8,
        Type::TEXT,
        Type::INT8,
        Type::INT8,
        Type::TEXT,
        Type::TEXT,
        Type::INT8,
        Type::INT8,
    ];
    let mut writer = BinaryCopyInWriter::new(sink, &types);
    for r in refs {
        let part = parts
            .get(r.part.as_str())
            .copied()
            .ok_or_else(|| StoreError::Database(format!("no part number for {:?}", r.part)))?;
        let (at, len) = (r.span.map(|s| s.at), r.span.map(|s| s.len));
        writer
            .write(&[
                &company,
                &r.order_no,
                &part,
                &r.line,
                &r.kind,
                &r.text,
                &at,
                &len,
            ])
            .map_err(db)?;
    }
    writer.finish().map_err(db)?;
    Ok(())
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
