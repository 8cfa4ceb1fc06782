//! A period's close.

use duizhang_store::codec;
use duizhang_store::{PeriodClose, StoreError};
use rusqlite::{OptionalExtension, Transaction, params};

use crate::db;

pub(crate) fn period_close(
    tx: &Transaction<'_>,
    company: i64,
    period: &str,
) -> Result<Option<PeriodClose>, StoreError> {
    let row = tx
        .query_row(
            "SELECT period, state, prepared_by, prepared_at, approved_by, approved_at, \
             audit_head_seq, audit_head_hash FROM periods WHERE company_id = ?1 AND period = ?2",
            params![company, period],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<i64>>(6)?,
                    r.get::<_, Option<String>>(7)?,
                ))
            },
        )
        .optional()
        .map_err(db)?;
    row.map(
        |(period, state, prepared_by, prepared_at, approved_by, approved_at, seq, hash)| {
            codec::period_close_from(
                period,
                &state,
                prepared_by,
                prepared_at,
                approved_by,
                approved_at,
                seq,
                hash,
            )
        },
    )
    .transpose()
}

pub(crate) fn put_period_close(
    tx: &Transaction<'_>,
    company: i64,
    close: &PeriodClose,
) -> Result<(), StoreError> {
    let (seq, hash) = codec::head_columns(close.audit_head.as_ref());
    tx
        .execute(
            "INSERT INTO periods (company_id, period, state, prepared_by, prepared_at, approved_by, \
             approved_at, audit_head_seq, audit_head_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) \
             ON CONFLICT (company_id, period) DO UPDATE SET state = excluded.state, \
             prepared_by = excluded.prepared_by, prepared_at = excluded.prepared_at, \
             approved_by = excluded.approved_by, approved_at = excluded.approved_at, \
             audit_head_seq = excluded.audit_head_seq, audit_head_hash = excluded.audit_head_hash",
            params![
                company,
                close.period,
                close.state.code(),
                close.prepared_by,
                close.prepared_at,
                close.approved_by,
                close.approved_at,
                seq,
                hash
            ],
        )
        .map_err(db)?;
    Ok(())
}
