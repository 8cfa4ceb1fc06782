//! A run's voucher batch and its files.

use duizhang_store::codec;
use duizhang_store::compression::{Codec, Stored};
use duizhang_store::{NumberRange, StoreError, VoucherBatch};
use postgres::Transaction;

use crate::db;

pub(crate) fn insert_voucher_batch(
    tx: &mut Transaction<'_>,
    company: i64,
    batch: &VoucherBatch,
    files: &[(String, Stored)],
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO voucher_batches (company_id, run_id, period, state, vouchers, debit_fen, \
             prepared_by, prepared_at, approved_by, approved_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        &[
            &company,
            &batch.run_id,
            &batch.period,
            &batch.state.code(),
            &batch.vouchers,
            &batch.debit_fen,
            &batch.prepared_by,
            &batch.prepared_at,
            &batch.approved_by,
            &batch.approved_at,
        ],
    )
    .map_err(db)?;
    for (name, stored) in files {
        tx.execute(
            "INSERT INTO voucher_batch_files (company_id, run_id, name, codec, bytes) \
                 VALUES ($1, $2, $3, $4, $5)",
            &[
                &company,
                &batch.run_id,
                name,
                &i32::try_from(stored.codec.code()).unwrap_or(i32::MAX),
                &stored.bytes,
            ],
        )
        .map_err(db)?;
    }
    Ok(())
}

pub(crate) fn voucher_batches(
    tx: &mut Transaction<'_>,
    company: i64,
) -> Result<Vec<VoucherBatch>, StoreError> {
    let rows = tx
        .query(
            "SELECT run_id, period, state, vouchers, debit_fen, prepared_by, prepared_at, \
             approved_by, approved_at FROM voucher_batches WHERE company_id = $1 ORDER BY run_id",
            &[&company],
        )
        .map_err(db)?;
    rows.iter()
        .map(|r| {
            codec::voucher_batch_from(
                r.get(0),
                r.get(1),
                r.get::<_, &str>(2),
                r.get(3),
                r.get(4),
                r.get(5),
                r.get(6),
                r.get(7),
                r.get(8),
            )
        })
        .collect()
}

pub(crate) fn approve_voucher_batch(
    tx: &mut Transaction<'_>,
    company: i64,
    run: i64,
    by: &str,
    at: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE voucher_batches SET state = 'approved', approved_by = $3, approved_at = $4 \
             WHERE company_id = $1 AND run_id = $2",
        &[&company, &run, &by, &at],
    )
    .map_err(db)?;
    Ok(())
}

pub(crate) fn voucher_batch_files(
    tx: &mut Transaction<'_>,
    company: i64,
    run: i64,
) -> Result<Vec<(String, Stored)>, StoreError> {
    let rows = tx
        .query(
            "SELECT name, codec, bytes FROM voucher_batch_files \
             WHERE company_id = $1 AND run_id = $2 ORDER BY name",
            &[&company, &run],
        )
        .map_err(db)?;
    rows.iter()
        .map(|r| {
            Ok((
                r.get(0),
                Stored {
                    codec: Codec::from_code(i64::from(r.get::<_, i32>(1)))?,
                    bytes: r.get(2),
                },
            ))
        })
        .collect()
}

pub(crate) fn insert_voucher_numbers(
    tx: &mut Transaction<'_>,
    company: i64,
    run: i64,
    numbers: &[NumberRange],
) -> Result<(), StoreError> {
    for r in numbers {
        tx.execute(
            "INSERT INTO voucher_numbers (company_id, run_id, word, first_no, last_no) \
             VALUES ($1, $2, $3, $4, $5)",
            &[&company, &run, &r.word, &r.first, &r.last],
        )
        .map_err(db)?;
    }
    Ok(())
}

pub(crate) fn voucher_numbers(
    tx: &mut Transaction<'_>,
    company: i64,
) -> Result<Vec<(i64, NumberRange)>, StoreError> {
    let rows = tx
        .query(
            "SELECT run_id, word, first_no, last_no FROM voucher_numbers WHERE company_id = $1 \
             ORDER BY run_id, word, first_no",
            &[&company],
        )
        .map_err(db)?;
    Ok(rows
        .iter()
        .map(|r| {
            (
                r.get(0),
                NumberRange {
                    word: r.get(1),
                    first: r.get(2),
                    last: r.get(3),
                },
            )
        })
        .collect())
}
