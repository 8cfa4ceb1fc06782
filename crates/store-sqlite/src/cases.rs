//! Cases, their queue and their history.

use duizhang_core::Finding;
use duizhang_store::codec::{self, CASE_ORDER};
use duizhang_store::{CaseEvent, CaseFilter, CaseRecord, StoreError};
use duizhang_workflow::sync::{CaseKey, KnownCase};
use rusqlite::{OptionalExtension, Row, Transaction, params};

use crate::{db, id_i64, id_u64};

const CASE_COLUMNS: &str = "id, period, code, shop, key, sku, severity, owner, state, working_role, \
     assignee, prepared_by, approved_by, resolution, closed_by_run, finding, due_at, created_at, updated_at";

fn case_row(row: &Row<'_>) -> rusqlite::Result<[Option<String>; 19]> {
    let mut out: [Option<String>; 19] = Default::default();
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = match row.get_ref(i)? {
            rusqlite::types::ValueRef::Null => None,
            rusqlite::types::ValueRef::Integer(n) => Some(n.to_string()),
            other => Some(other.as_str()?.to_string()),
        };
    }
    Ok(out)
}

/// A case from its 19 columns (in `CASE_COLUMNS` order), shared text form on both backends.
fn case_from(cells: [Option<String>; 19]) -> Result<CaseRecord, StoreError> {
    duizhang_store::codec::case_from_cells(cells)
}

pub(crate) fn refresh_case_statistics(tx: &Transaction<'_>) -> Result<(), StoreError> {
    tx.execute_batch("ANALYZE cases;").map_err(db)
}

pub(crate) fn known_cases(
    tx: &Transaction<'_>,
    company: i64,
    period: &str,
) -> Result<Vec<KnownCase>, StoreError> {
    let mut stmt = tx
        .prepare(
            "SELECT id, period, code, shop, key, sku, state, closed_by_run, expected_fen, \
             actual_fen, diff_fen FROM cases WHERE company_id = ?1 AND period = ?2",
        )
        .map_err(db)?;
    let rows = stmt
        .query_map(params![company, period], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                CaseKey {
                    period: r.get(1)?,
                    code: r.get(2)?,
                    shop: r.get(3)?,
                    key: r.get(4)?,
                    sku: r.get(5)?,
                },
                r.get::<_, String>(6)?,
                r.get::<_, i64>(7)?,
                (r.get(8)?, r.get(9)?, r.get(10)?),
            ))
        })
        .map_err(db)?;
    let mut out = Vec::new();
    for row in rows {
        let (id, key, state, closed_by_run, amounts) = row.map_err(db)?;
        out.push(KnownCase {
            id: id_u64(id),
            key,
            state: codec::state_parse(&state)?,
            closed_by_run: closed_by_run != 0,
            amounts,
        });
    }
    Ok(out)
}

pub(crate) fn insert_case(
    tx: &Transaction<'_>,
    company: i64,
    case: &CaseRecord,
) -> Result<u64, StoreError> {
    let f = &case.facts;
    tx.prepare_cached(
            "INSERT INTO cases (company_id, period, code, shop, key, sku, severity, severity_rank, \
             owner, state, working_role, assignee, prepared_by, approved_by, resolution, \
             closed_by_run, expected_fen, actual_fen, diff_fen, finding, due_at, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, \
             ?18, ?19, ?20, ?21, ?22, ?23)",
        )
        .and_then(|mut stmt| stmt.execute(
            params![
                company,
                case.period,
                case.code,
                case.shop,
                case.key,
                case.sku,
                codec::severity_code(case.severity),
                codec::severity_rank(case.severity),
                codec::owner_code(case.owner),
                f.state.code(),
                f.working_role.code(),
                f.assignee,
                f.prepared_by,
                f.approved_by,
                codec::resolution_text(&f.resolution),
                i64::from(f.closed_by_run),
                case.finding.expected_fen,
                case.finding.actual_fen,
                case.finding.diff_fen,
                codec::finding_text(&case.finding),
                case.due_at,
                case.created_at,
                case.updated_at
            ],
        ))
        .map_err(db)?;
    Ok(id_u64(tx.last_insert_rowid()))
}

pub(crate) fn update_case(
    tx: &Transaction<'_>,
    company: i64,
    case: &CaseRecord,
) -> Result<(), StoreError> {
    let f = &case.facts;
    let changed = tx
        .execute(
            "UPDATE cases SET state = ?3, working_role = ?4, assignee = ?5, prepared_by = ?6, \
             approved_by = ?7, resolution = ?8, closed_by_run = ?9, expected_fen = ?10, \
             actual_fen = ?11, diff_fen = ?12, finding = ?13, updated_at = ?14 \
             WHERE company_id = ?1 AND id = ?2",
            params![
                company,
                id_i64(case.id),
                f.state.code(),
                f.working_role.code(),
                f.assignee,
                f.prepared_by,
                f.approved_by,
                codec::resolution_text(&f.resolution),
                i64::from(f.closed_by_run),
                case.finding.expected_fen,
                case.finding.actual_fen,
                case.finding.diff_fen,
                codec::finding_text(&case.finding),
                case.updated_at
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
    tx: &Transaction<'_>,
    company: i64,
    id: u64,
) -> Result<Option<CaseRecord>, StoreError> {
    let sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE company_id = ?1 AND id = ?2");
    let cells = tx
        .query_row(&sql, params![company, id_i64(id)], case_row)
        .optional()
        .map_err(db)?;
    cells.map(case_from).transpose()
}

pub(crate) fn list_cases(
    tx: &Transaction<'_>,
    company: i64,
    filter: &CaseFilter,
) -> Result<Vec<CaseRecord>, StoreError> {
    let (conditions, values) = codec::case_conditions(filter, |n| format!("?{n}"));
    let sql = format!(
        "SELECT {CASE_COLUMNS} FROM cases WHERE company_id = ?1{conditions} ORDER BY {CASE_ORDER} \
         LIMIT {} OFFSET {}",
        filter.limit.unwrap_or(100),
        filter.offset.unwrap_or(0)
    );
    let mut stmt = tx.prepare(&sql).map_err(db)?;
    let mut bound: Vec<&dyn rusqlite::ToSql> = vec![&company];
    for value in &values {
        bound.push(value);
    }
    let rows = stmt.query_map(bound.as_slice(), case_row).map_err(db)?;
    let mut out = Vec::new();
    for row in rows {
        out.push(case_from(row.map_err(db)?)?);
    }
    Ok(out)
}

pub(crate) fn refresh_cases(
    tx: &Transaction<'_>,
    company: i64,
    found: &[(u64, &Finding)],
    at: &str,
) -> Result<(), StoreError> {
    let mut stmt = tx
        .prepare_cached(
            "UPDATE cases SET expected_fen = ?3, actual_fen = ?4, diff_fen = ?5, finding = ?6, \
             updated_at = ?7 WHERE company_id = ?1 AND id = ?2",
        )
        .map_err(db)?;
    for (id, finding) in found {
        let changed = stmt
            .execute(params![
                company,
                id_i64(*id),
                finding.expected_fen,
                finding.actual_fen,
                finding.diff_fen,
                codec::finding_text(finding),
                at
            ])
            .map_err(db)?;
        if changed != 1 {
            return Err(StoreError::UnknownCase(*id));
        }
    }
    Ok(())
}

pub(crate) fn insert_case_event(
    tx: &Transaction<'_>,
    company: i64,
    case: u64,
    event: &CaseEvent,
) -> Result<(), StoreError> {
    tx
        .execute(
            "INSERT INTO case_events (company_id, case_id, at, actor, action, from_state, to_state, note) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                company,
                id_i64(case),
                event.at,
                event.actor,
                event.action,
                event.from.map(|s| s.code()),
                event.to.code(),
                event.note
            ],
        )
        .map_err(db)?;
    Ok(())
}

pub(crate) fn case_events(
    tx: &Transaction<'_>,
    company: i64,
    case: u64,
) -> Result<Vec<CaseEvent>, StoreError> {
    let mut stmt = tx
        .prepare(
            "SELECT at, actor, action, from_state, to_state, note FROM case_events \
             WHERE company_id = ?1 AND case_id = ?2 ORDER BY id",
        )
        .map_err(db)?;
    let rows = stmt
        .query_map(params![company, id_i64(case)], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })
        .map_err(db)?;
    let mut out = Vec::new();
    for row in rows {
        let (at, actor, action, from, to, note) = row.map_err(db)?;
        out.push(CaseEvent {
            at,
            actor,
            action,
            from: from.map(|s| codec::state_parse(&s)).transpose()?,
            to: codec::state_parse(&to)?,
            note,
        });
    }
    Ok(out)
}
