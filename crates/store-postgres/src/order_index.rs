//! The order index: where each order's records are in the kept files.

use duizhang_store::{OrderRef, StoreError};
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
            "INSERT INTO order_index (company_id, order_no, sha256, part, line, kind, text) \
             VALUES ",
        );
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![&company, &sha256];
        for (i, r) in chunk.iter().enumerate() {
            let base = 3 + i * 5;
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "($1, ${}, $2, ${}, ${}, ${}, ${})",
                base,
                base + 1,
                base + 2,
                base + 3,
                base + 4
            ));
            params.push(&r.order_no);
            params.push(&r.part);
            params.push(&r.line);
            params.push(&r.kind);
            params.push(&r.text);
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
            "SELECT sha256, part, line, kind, text FROM order_index \
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
                },
            )
        })
        .collect())
}
