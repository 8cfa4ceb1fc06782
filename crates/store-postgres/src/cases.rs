//! Cases, their queue and their history.

use duizhang_store::codec::{self, CASE_ORDER};
use duizhang_store::{CaseEvent, CaseFilter, CaseRecord, StoreError};
use duizhang_workflow::sync::{CaseKey, KnownCase};
use postgres::types::ToSql;
use postgres::{Row, Transaction};

use crate::{db, id_i64, id_u64};

const CASE_COLUMNS: &str = "id::text, period, code, shop, key, sku, severity, owner, state, working_role, \
     assignee, prepared_by, approved_by, resolution, closed_by_run::text, finding, due_at, created_at, updated_at";

fn case_from(row: &Row) -> Result<CaseRecord, StoreError> {
    let mut cells: [Option<String>; 19] = Default::default();
    for (i, cell) in cells.iter_mut().enumerate() {
        *cell = row.try_get(i).map_err(db)?;
    }
    codec::case_from_cells(cells)
}

pub(crate) fn refresh_case_statistics(tx: &mut Transaction<'_>) -> Result<(), StoreError> {
    tx.batch_execute("ANALYZE cases").map_err(db)
}

pub(crate) fn known_cases(
    tx: &mut Transaction<'_>,
    company: i64,
    period: &str,
) -> Result<Vec<KnownCase>, StoreError> {
    let rows = tx
        .query(
            "SELECT id, period, code, shop, key, sku, state, closed_by_run, expected_fen, \
             actual_fen, diff_fen FROM cases WHERE company_id = $1 AND period = $2",
            &[&company, &period],
        )
        .map_err(db)?;
    rows.iter()
        .map(|r| {
            Ok(KnownCase {
                id: id_u64(r.get(0)),
                key: CaseKey {
                    period: r.get(1),
                    code: r.get(2),
                    shop: r.get(3),
                    key: r.get(4),
                    sku: r.get(5),
                },
                state: codec::state_parse(&r.get::<_, String>(6))?,
                closed_by_run: r.get::<_, i64>(7) != 0,
                amounts: (r.get(8), r.get(9), r.get(10)),
            })
        })
        .collect()
}

pub(crate) fn insert_case(
    tx: &mut Transaction<'_>,
    company: i64,
    case: &CaseRecord,
) -> Result<u64, StoreError> {
    let f = &case.facts;
    let row = tx
        .query_one(
            "INSERT INTO cases (company_id, period, code, shop, key, sku, severity, severity_rank, \
             owner, state, working_role, assignee, prepared_by, approved_by, resolution, \
             closed_by_run, expected_fen, actual_fen, diff_fen, finding, due_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
             $18, $19, $20, $21, $22, $23) RETURNING id",
            &[
                &company,
                &case.period,
                &case.code,
                &case.shop,
                &case.key,
                &case.sku,
                &codec::severity_code(case.severity),
                &codec::severity_rank(case.severity),
                &codec::owner_code(case.owner),
                &f.state.code(),
                &f.working_role.code(),
                &f.assignee,
                &f.prepared_by,
                &f.approved_by,
                &codec::resolution_text(&f.resolution),
                &i64::from(f.closed_by_run),
                &case.finding.expected_fen,
                &case.finding.actual_fen,
                &case.finding.diff_fen,
                &codec::finding_text(&case.finding),
                &case.due_at,
                &case.created_at,
                &case.updated_at,
            ],
        )
        .map_err(db)?;
    Ok(id_u64(row.get(0)))
}

pub(crate) fn update_case(
    tx: &mut Transaction<'_>,
    company: i64,
    case: &CaseRecord,
) -> Result<(), StoreError> {
    let f = &case.facts;
    let changed = tx
        .execute(
            "UPDATE cases SET state = $3, working_role = $4, assignee = $5, prepared_by = $6, \
             approved_by = $7, resolution = $8, closed_by_run = $9, expected_fen = $10, \
             actual_fen = $11, diff_fen = $12, finding = $13, updated_at = $14 \
             WHERE company_id = $1 AND id = $2",
            &[
                &company,
                &id_i64(case.id),
                &f.state.code(),
                &f.working_role.code(),
                &f.assignee,
                &f.prepared_by,
                &f.approved_by,
                &codec::resolution_text(&f.resolution),
                &i64::from(f.closed_by_run),
                &case.finding.expected_fen,
                &case.finding.actual_fen,
                &case.finding.diff_fen,
                &codec::finding_text(&case.finding),
                &case.updated_at,
            ],
        )
        .map_err(db)?;
    if changed == 1 {
        Ok(())
    } else {
        Err(StoreError::UnknownCase(case.id))
    }
}

pub(crate) fn case(
    tx: &mut Transaction<'_>,
    company: i64,
    id: u64,
) -> Result<Option<CaseRecord>, StoreError> {
    let sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE company_id = $1 AND id = $2");
    let row = tx.query_opt(&sql, &[&company, &id_i64(id)]).map_err(db)?;
    row.as_ref().map(case_from).transpose()
}

pub(crate) fn list_cases(
    tx: &mut Transaction<'_>,
    company: i64,
    filter: &CaseFilter,
) -> Result<Vec<CaseRecord>, StoreError> {
    let (conditions, values) = codec::case_conditions(filter, |n| format!("${n}"));
    let sql = format!(
        "SELECT {CASE_COLUMNS} FROM cases WHERE company_id = $1{conditions} ORDER BY {CASE_ORDER} \
         LIMIT {} OFFSET {}",
        filter.limit.unwrap_or(100),
        filter.offset.unwrap_or(0)
    );
    let mut bound: Vec<&(dyn ToSql + Sync)> = vec![&company];
    for value in &values {
        bound.push(value);
    }
    let rows = tx.query(&sql, &bound).map_err(db)?;
    rows.iter().map(case_from).collect()
}

pub(crate) fn insert_case_event(
    tx: &mut Transaction<'_>,
    company: i64,
    case: u64,
    event: &CaseEvent,
) -> Result<(), StoreError> {
    tx
        .execute(
            "INSERT INTO case_events (company_id, case_id, at, actor, action, from_state, to_state, note) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                &company,
                &id_i64(case),
                &event.at,
                &event.actor,
                &event.action,
                &event.from.map(|s| s.code()),
                &event.to.code(),
                &event.note,
            ],
        )
        .map_err(db)?;
    Ok(())
}

pub(crate) fn case_events(
    tx: &mut Transaction<'_>,
    company: i64,
    case: u64,
) -> Result<Vec<CaseEvent>, StoreError> {
    let rows = tx
        .query(
            "SELECT at, actor, action, from_state, to_state, note FROM case_events \
             WHERE company_id = $1 AND case_id = $2 ORDER BY id",
            &[&company, &id_i64(case)],
        )
        .map_err(db)?;
    rows.iter()
        .map(|r| {
            Ok(CaseEvent {
                at: r.get(0),
                actor: r.get(1),
                action: r.get(2),
                from: r
                    .get::<_, Option<String>>(3)
                    .map(|s| codec::state_parse(&s))
                    .transpose()?,
                to: codec::state_parse(&r.get::<_, String>(4))?,
                note: r.get(5),
            })
        })
        .collect()
}
