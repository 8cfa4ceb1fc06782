//! Runs: what was checked, with which inputs and settings, and what was found.

use duizhang_store::backend::RunRow;
use duizhang_store::codec;
use duizhang_store::compression;
use duizhang_store::{RunPayload, RunRecord, StoreError};
use postgres::Transaction;

use crate::db;

pub(crate) fn insert_run(
    tx: &mut Transaction<'_>,
    company: i64,
    run: &RunRow<'_>,
) -> Result<i64, StoreError> {
    let row = tx
        .query_one(
            "INSERT INTO runs (company_id, period, at, actor, inputs, settings, program_version, \
             summary, findings, finding_count, pending, pending_packed, metrics) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
            &[
                &company,
                &run.period,
                &run.at,
                &run.actor,
                &codec::strings_text(run.inputs),
                &run.settings,
                &run.program_version,
                &run.summary,
                &run.findings,
                &run.finding_count,
                &run.pending,
                &run.pending_packed,
                &run.metrics,
            ],
        )
        .map_err(db)?;
    Ok(row.get(0))
}

pub(crate) fn runs(tx: &mut Transaction<'_>, company: i64) -> Result<Vec<RunRecord>, StoreError> {
    let rows = tx
        .query(
            "SELECT id, period, at, actor, inputs, program_version, finding_count, summary \
             FROM runs WHERE company_id = $1 ORDER BY id",
            &[&company],
        )
        .map_err(db)?;
    rows.iter()
        .map(|r| {
            Ok(RunRecord {
                id: r.get(0),
                period: r.get(1),
                at: r.get(2),
                actor: r.get(3),
                inputs: codec::strings_parse(&r.get::<_, String>(4))?,
                program_version: r.get(5),
                finding_count: r.get(6),
                summary: r.get(7),
            })
        })
        .collect()
}

pub(crate) fn run_payload(
    tx: &mut Transaction<'_>,
    company: i64,
    run: i64,
) -> Result<Option<RunPayload>, StoreError> {
    let row = tx
        .query_opt(
            "SELECT settings, summary, findings, pending, pending_packed, metrics FROM runs \
             WHERE company_id = $1 AND id = $2",
            &[&company, &run],
        )
        .map_err(db)?;
    row.map(|r| {
        Ok(RunPayload {
            settings: r.get(0),
            summary: r.get(1),
            findings: r.get(2),
            pending: compression::text_of(r.get(3), r.get(4))?,
            metrics: r.get(5),
        })
    })
    .transpose()
}
