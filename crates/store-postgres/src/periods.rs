//! A period's close.

use duizhang_store::codec;
use duizhang_store::{PeriodClose, StoreError};
use postgres::Transaction;

use crate::db;

pub(crate) fn period_close(
    tx: &mut Transaction<'_>,
    company: i64,
    period: &str,
) -> Result<Option<PeriodClose>, StoreError> {
    let row = tx
        .query_opt(
            "SELECT period, state, prepared_by, prepared_at, approved_by, approved_at, \
             audit_head_seq, audit_head_hash FROM periods WHERE company_id = $1 AND period = $2",
            &[&company, &period],
        )
        .map_err(db)?;
    row.map(|r| {
        codec::period_close_from(
            r.get(0),
            &r.get::<_, String>(1),
            r.get(2),
            r.get(3),
            r.get(4),
            r.get(5),
            r.get(6),
            r.get(7),
        )
    })
    .transpose()
}

pub(crate) fn put_period_close(
    tx: &mut Transaction<'_>,
    company: i64,
    close: &PeriodClose,
) -> Result<(), StoreError> {
    let (seq, hash) = codec::head_columns(close.audit_head.as_ref());
    tx
        .execute(
            "INSERT INTO periods (company_id, period, state, prepared_by, prepared_at, approved_by, \
             approved_at, audit_head_seq, audit_head_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (company_id, period) DO UPDATE SET state = excluded.state, \
             prepared_by = excluded.prepared_by, prepared_at = excluded.prepared_at, \
             approved_by = excluded.approved_by, approved_at = excluded.approved_at, \
             audit_head_seq = excluded.audit_head_seq, audit_head_hash = excluded.audit_head_hash",
            &[
                &company,
                &close.period,
                &close.state.code(),
                &close.prepared_by,
                &close.prepared_at,
                &close.approved_by,
                &close.approved_at,
                &seq,
                &hash,
            ],
        )
        .map_err(db)?;
    Ok(())
}
