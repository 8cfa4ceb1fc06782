//! The order index: where each order's records are in the kept files.

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
    // COPY in binary form: one stream for the whole file, no per-row statement and no text
    // escaping of the lines (a tab-separated download holds tabs). The rows come sorted by the
    // primary key and without repeats, so COPY (which has no ON CONFLICT) cannot fail on one.
    let sink = tx
        .copy_in(
            "COPY order_index \
             (company_id, order_no, sha256, part, line, kind, text, at_byte, byte_len) \
             FROM STDIN (FORMAT binary)",
        )
        .map_err(db)?;
    let types = [
        Type::INT8,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::INT8,
        Type::TEXT,
        Type::TEXT,
        Type::INT8,
        Type::INT8,
    ];
    let mut writer = BinaryCopyInWriter::new(sink, &types);
    for r in refs {
        let (at, len) = (r.span.map(|s| s.at), r.span.map(|s| s.len));
        writer
            .write(&[
                &company,
                &r.order_no,
                &sha256,
                &r.part,
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
            "SELECT sha256, part, line, kind, text, at_byte, byte_len FROM order_index \
             WHERE company_id = $1 AND order_no = $2 ORDER BY sha256, part, line",
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
