//! Correcting vouchers (adjustments) raised from cases.

use duizhang_store::codec;
use duizhang_store::{Adjustment, StoreError};
use postgres::Transaction;

use crate::{db, id_i64};

pub(crate) fn insert_adjustment(
    tx: &mut Transaction<'_>,
    company: i64,
    adjustment: &Adjustment,
) -> Result<i64, StoreError> {
    let id: i64 = tx
        .query_one(
            "SELECT COALESCE(MAX(id), 0) + 1 FROM adjustments WHERE company_id = $1",
            &[&company],
        )
        .map_err(db)?
        .get(0);
    let stored = Adjustment {
        id,
        ..adjustment.clone()
    };
    tx.execute(
        "INSERT INTO adjustments (company_id, id, case_id, period, word, number, state, body) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[
            &company,
            &id,
            &id_i64(adjustment.case_id),
            &adjustment.period,
            &adjustment.word,
            &adjustment.number,
            &adjustment.state.code(),
            &codec::adjustment_body(&stored)?,
        ],
    )
    .map_err(db)?;
    Ok(id)
}

pub(crate) fn adjustments(
    tx: &mut Transaction<'_>,
    company: i64,
) -> Result<Vec<Adjustment>, StoreError> {
    let rows = tx
        .query(
            "SELECT id, body FROM adjustments WHERE company_id = $1 ORDER BY id",
            &[&company],
        )
        .map_err(db)?;
    rows.iter()
        .map(|r| codec::adjustment_from(r.get(0), r.get::<_, &str>(1)))
        .collect()
}

pub(crate) fn update_adjustment(
    tx: &mut Transaction<'_>,
    company: i64,
    adjustment: &Adjustment,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE adjustments SET state = $3, body = $4 WHERE company_id = $1 AND id = $2",
        &[
            &company,
            &adjustment.id,
            &adjustment.state.code(),
            &codec::adjustment_body(adjustment)?,
        ],
    )
    .map_err(db)?;
    Ok(())
}
