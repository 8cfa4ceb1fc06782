//! A run's voucher batch and its files.

use duizhang_store::codec;
use duizhang_store::compression::{Codec, Stored};
use duizhang_store::{NumberRange, StoreError, VoucherBatch};
use rusqlite::{Transaction, params};

use crate::db;

pub(crate) fn insert_voucher_batch(
    tx: &Transaction<'_>,
    company: i64,
    batch: &VoucherBatch,
    files: &[(String, Stored)],
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO voucher_batches (company_id, run_id, period, state, vouchers, debit_fen, \
             prepared_by, prepared_at, approved_by, approved_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            company,
            batch.run_id,
            batch.period,
            batch.state.code(),
            batch.vouchers,
            batch.debit_fen,
            batch.prepared_by,
            batch.prepared_at,
            batch.approved_by,
            batch.approved_at
        ],
    )
    .map_err(db)?;
    for (name, stored) in files {
        tx.execute(
            "INSERT INTO voucher_batch_files (company_id, run_id, name, codec, bytes) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                company,
                batch.run_id,
                name,
                stored.codec.code(),
                stored.bytes
            ],
        )
        .map_err(db)?;
    }
    Ok(())
}

pub(crate) fn voucher_batches(
    tx: &Transaction<'_>,
    company: i64,
) -> Result<Vec<VoucherBatch>, StoreError> {
    let mut stmt = tx
        .prepare(
            "SELECT run_id, period, state, vouchers, debit_fen, prepared_by, prepared_at, \
             approved_by, approved_at FROM voucher_batches WHERE company_id = ?1 ORDER BY run_id",
        )
        .map_err(db)?;
    let rows = stmt
        .query_map(params![company], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, Option<String>>(8)?,
            ))
        })
        .map_err(db)?;
    let mut out = Vec::new();
    for row in rows {
        let (
            run_id,
            period,
            state,
            vouchers,
            debit_fen,
            prepared_by,
            prepared_at,
            approved_by,
            approved_at,
        ) = row.map_err(db)?;
        out.push(codec::voucher_batch_from(
            run_id,
            period,
            &state,
            vouchers,
            debit_fen,
            prepared_by,
            prepared_at,
            approved_by,
            approved_at,
        )?);
    }
    Ok(out)
}

pub(crate) fn approve_voucher_batch(
    tx: &Transaction<'_>,
    company: i64,
    run: i64,
    by: &str,
    at: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE voucher_batches SET state = 'approved', approved_by = ?3, approved_at = ?4 \
             WHERE company_id = ?1 AND run_id = ?2",
        params![company, run, by, at],
    )
    .map_err(db)?;
    Ok(())
}

pub(crate) fn voucher_batch_files(
    tx: &Transaction<'_>,
    company: i64,
    run: i64,
) -> Result<Vec<(String, Stored)>, StoreError> {
    let mut stmt = tx
        .prepare(
            "SELECT name, codec, bytes FROM voucher_batch_files \
             WHERE company_id = ?1 AND run_id = ?2 ORDER BY name",
        )
        .map_err(db)?;
    let rows = stmt
        .query_map(params![company, run], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get(2)?))
        })
        .map_err(db)?;
    rows.map(|r| {
        let (name, codec, bytes) = r.map_err(db)?;
        Ok((
            name,
            Stored {
                codec: Codec::from_code(codec)?,
                bytes,
            },
        ))
    })
    .collect()
}

pub(crate) fn insert_voucher_numbers(
    tx: &Transaction<'_>,
    company: i64,
    run: i64,
    numbers: &[NumberRange],
) -> Result<(), StoreError> {
    for r in numbers {
        tx.execute(
            "INSERT INTO voucher_numbers (company_id, run_id, word, first_no, last_no) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![company, run, r.word, r.first, r.last],
        )
        .map_err(db)?;
    }
    Ok(())
}

pub(crate) fn voucher_numbers(
    tx: &Transaction<'_>,
    company: i64,
) -> Result<Vec<(i64, NumberRange)>, StoreError> {
    let mut stmt = tx
        .prepare(
            "SELECT run_id, word, first_no, last_no FROM voucher_numbers WHERE company_id = ?1 \
             ORDER BY run_id, word, first_no",
        )
        .map_err(db)?;
    let rows = stmt
        .query_map(params![company], |r| {
            Ok((
                r.get(0)?,
                NumberRange {
                    word: r.get(1)?,
                    first: r.get(2)?,
                    last: r.get(3)?,
                },
            ))
        })
        .map_err(db)?;
    rows.map(|r| r.map_err(db)).collect()
}
