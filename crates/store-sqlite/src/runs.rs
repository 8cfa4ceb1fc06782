//! Runs: what was checked, with which inputs and settings, and what was found.

use duizhang_store::backend::RunRow;
use duizhang_store::codec;
use duizhang_store::compression;
use duizhang_store::{RunPayload, RunRecord, StoreError};
use rusqlite::{OptionalExtension, Transaction, params};

use crate::db;

pub(crate) fn insert_run(
    tx: &Transaction<'_>,
    company: i64,
    run: &RunRow<'_>,
) -> Result<i64, StoreError> {
    tx.execute(
        "INSERT INTO runs (company_id, period, at, actor, inputs, settings, program_version, \
             summary, findings, finding_count, pending, pending_packed, metrics) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            company,
            run.period,
            run.at,
            run.actor,
            codec::strings_text(run.inputs),
            run.settings,
            run.program_version,
            run.summary,
            run.findings,
            run.finding_count,
            run.pending,
            run.pending_packed,
            run.metrics
        ],
    )
    .map_err(db)?;
    Ok(tx.last_insert_rowid())
}

pub(crate) fn runs(tx: &Transaction<'_>, company: i64) -> Result<Vec<RunRecord>, StoreError> {
    let mut stmt = tx
        .prepare(
            "SELECT id, period, at, actor, inputs, program_version, finding_count, summary \
             FROM runs WHERE company_id = ?1 ORDER BY id",
        )
        .map_err(db)?;
    let rows = stmt
        .query_map(params![company], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, String>(7)?,
            ))
        })
        .map_err(db)?;
    let mut out = Vec::new();
    for row in rows {
        let (id, period, at, actor, inputs, program_version, finding_count, summary) =
            row.map_err(db)?;
        out.push(RunRecord {
            id,
            period,
            at,
            actor,
            inputs: codec::strings_parse(&inputs)?,
            program_version,
            finding_count,
            summary,
        });
    }
    Ok(out)
}

pub(crate) fn run_payload(
    tx: &Transaction<'_>,
    company: i64,
    run: i64,
) -> Result<Option<RunPayload>, StoreError> {
    let row = tx
        .query_row(
            "SELECT settings, summary, findings, pending, pending_packed, metrics FROM runs \
             WHERE company_id = ?1 AND id = ?2",
            params![company, run],
            |r| {
                Ok((
                    RunPayload {
                        settings: r.get(0)?,
                        summary: r.get(1)?,
                        findings: r.get(2)?,
                        pending: r.get(3)?,
                        metrics: r.get(5)?,
                    },
                    r.get::<_, Option<Vec<u8>>>(4)?,
                ))
            },
        )
        .optional()
        .map_err(db)?;
    row.map(|(payload, packed)| {
        Ok(RunPayload {
            pending: compression::text_of(payload.pending, packed)?,
            ..payload
        })
    })
    .transpose()
}
