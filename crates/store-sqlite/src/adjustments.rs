//! Correcting vouchers (adjustments) raised from cases.

use duizhang_store::codec;
use duizhang_store::{Adjustment, StoreError};
use rusqlite::{Transaction, params};

use crate::{db, id_i64};

pub(crate) fn insert_adjustment(
    tx: &Transaction<'_>,
    company: i64,
    adjustment: &Adjustment,
) -> Result<i64, StoreError> {
    let id: i64 = tx
        .query_row(
            "SELECT COALESCE(MAX(id), 0) + 1 FROM adjustments WHERE company_id = ?1",
            params![company],
            |r| r.get(0),
        )
        .map_err(db)?;
    let stored = Adjustment {
        id,
        ..adjustment.clone()
    };
    tx.execute(
        "INSERT INTO adjustments (company_id, id, case_id, period, word, number, state, body) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            company,
            id,
            id_i64(adjustment.case_id),
            adjustment.period,
            adjustment.word,
            adjustment.number,
            adjustment.state.code(),
            codec::adjustment_body(&stored)?
        ],
    )
    .map_err(db)?;
    Ok(id)
}

pub(crate) fn adjustments(
    tx: &Transaction<'_>,
    company: i64,
) -> Result<Vec<Adjustment>, StoreError> {
    let mut stmt = tx
        .prepare("SELECT id, body FROM adjustments WHERE company_id = ?1 ORDER BY id")
        .map_err(db)?;
    let rows = stmt
        .query_map(params![company], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })
        .map_err(db)?;
    let mut out = Vec::new();
    for row in rows {
        let (id, body) = row.map_err(db)?;
        out.push(codec::adjustment_from(id, &body)?);
    }
    Ok(out)
}

pub(crate) fn update_adjustment(
    tx: &Transaction<'_>,
    company: i64,
    adjustment: &Adjustment,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE adjustments SET state = ?3, body = ?4 WHERE company_id = ?1 AND id = ?2",
        params![
            company,
            adjustment.id,
            adjustment.state.code(),
            codec::adjustment_body(adjustment)?
        ],
    )
    .map_err(db)?;
    Ok(())
}
