//! The order index: where each order's records are in the kept files.

use duizhang_store::{ByteSpan, OrderRef, StoreError};
use postgres::Transaction;
use postgres::types::ToSql;

use crate::db;

pub(crate) fn insert_order_refs(
    tx: &mut Transaction<'_>,
    company: i64,
    sha256: &str,
    refs: &[OrderRef],
) -> Result<(), StoreError> {
    // Multi-row INSERTs of up to ROWS rows: one round trip per chunk instead of per row.
    const ROWS: usize = 2_000;
    for chunk in refs.chunks(ROWS) {
        let mut sql = String::from(
            "INSERT INTO order_index \
             (company_id, order_no, sha256, part, line, kind, text, at_byte, byte_len) VALUES ",
        );
        let spans: Vec<(Option<i64>, Option<i64>)> = chunk
            .iter()
            .map(|r| (r.span.map(|s| s.at), r.span.map(|s| s.len)))
            .collect();
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![&company, &sha256];
        for (i, (r, (at, len))) in chunk.iter().zip(&spans).enumerate() {
            let base = 3 + i * 7;
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "($1, ${}, $2, ${}, ${}, ${}, ${}, ${}, ${})",
                base,
                base + 1,
                base + 2,
                base + 3,
                base + 4,
                base + 5,
                base + 6
            ));
            params.push(&r.order_no);
            params.push(&r.part);
            params.push(&r.line);
            params.push(&r.kind);
            params.push(&r.text);
            params.push(at);
            params.push(len);
        }
        sql.push_str(" ON CONFLICT DO NOTHING");
        tx.execute(sql.as_str(), &params).map_err(db)?;
    }
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
