//! Cases, their queue and their history.

use duizhang_core::Finding;
use duizhang_store::codec::{self, CASE_ORDER};
use duizhang_store::{CaseEvent, CaseFilter, CaseRecord, StoreError};
use duizhang_workflow::sync::{CaseKey, KnownCase};
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{ToSql, Type};
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

/// The columns a new case is copied in with, in order, and their types.
const CASE_COPY: [(&str, Type); 24] = [
    ("id", Type::INT8),
    ("company_id", Type::INT8),
    ("period", Type::TEXT),
    ("code", Type::TEXT),
    ("shop", Type::TEXT),
    ("key", Type::TEXT),
    ("sku", Type::TEXT),
    ("severity", Type::TEXT),
    ("severity_rank", Type::INT8),
    ("owner", Type::TEXT),
    ("state", Type::TEXT),
    ("working_role", Type::TEXT),
    ("assignee", Type::TEXT),
    ("prepared_by", Type::TEXT),
    ("approved_by", Type::TEXT),
    ("resolution", Type::TEXT),
    ("closed_by_run", Type::INT8),
    ("expected_fen", Type::INT8),
    ("actual_fen", Type::INT8),
    ("diff_fen", Type::INT8),
    ("finding", Type::TEXT),
    ("due_at", Type::TEXT),
    ("created_at", Type::TEXT),
    ("updated_at", Type::TEXT),
];

/// New cases: their ids are drawn from the cases' sequence first, in order, then every case
/// goes to the server in one binary `COPY` (a big month's first run opens tens of thousands;
/// a statement each was a round trip each).
pub(crate) fn insert_cases(
    tx: &mut Transaction<'_>,
    company: i64,
    cases: &[CaseRecord],
) -> Result<Vec<u64>, StoreError> {
    if cases.is_empty() {
        return Ok(Vec::new());
    }
    let count = i64::try_from(cases.len()).unwrap_or(i64::MAX);
    let mut ids: Vec<i64> = tx
        .query(
            "SELECT nextval(pg_get_serial_sequence('cases', 'id')) FROM generate_series(1, $1::bigint)",
            &[&count],
        )
        .map_err(db)?
        .iter()
        .map(|r| r.get(0))
        .collect();
    ids.sort_unstable();
    let columns: Vec<&str> = CASE_COPY.iter().map(|(name, _)| *name).collect();
    let types: Vec<Type> = CASE_COPY.iter().map(|(_, ty)| ty.clone()).collect();
    let sink = tx
        .copy_in(&format!(
            "COPY cases ({}) FROM STDIN (FORMAT binary)",
            columns.join(", ")
        ))
        .map_err(db)?;
    let mut writer = BinaryCopyInWriter::new(sink, &types);
    for (id, case) in ids.iter().zip(cases) {
        let f = &case.facts;
        writer
            .write(&[
                id,
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
            ])
            .map_err(db)?;
    }
    writer.finish().map_err(db)?;
    Ok(ids.into_iter().map(id_u64).collect())
}

/// Cases found again: one statement over arrays of their ids and findings.
pub(crate) fn refresh_cases(
    tx: &mut Transaction<'_>,
    company: i64,
    found: &[(u64, &Finding)],
    at: &str,
) -> Result<(), StoreError> {
    if found.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = found.iter().map(|(id, _)| id_i64(*id)).collect();
    let expected: Vec<Option<i64>> = found.iter().map(|(_, f)| f.expected_fen).collect();
    let actual: Vec<Option<i64>> = found.iter().map(|(_, f)| f.actual_fen).collect();
    let diff: Vec<Option<i64>> = found.iter().map(|(_, f)| f.diff_fen).collect();
    let findings: Vec<String> = found.iter().map(|(_, f)| codec::finding_text(f)).collect();
    let changed = tx
        .execute(
            "UPDATE cases SET expected_fen = u.expected_fen, actual_fen = u.actual_fen, \
             diff_fen = u.diff_fen, finding = u.finding, updated_at = $2 \
             FROM unnest($3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::text[]) \
             AS u(id, expected_fen, actual_fen, diff_fen, finding) \
             WHERE cases.company_id = $1 AND cases.id = u.id",
            &[&company, &at, &ids, &expected, &actual, &diff, &findings],
        )
        .map_err(db)?;
    if changed == u64::try_from(found.len()).unwrap_or(u64::MAX) {
        return Ok(());
    }
    // Which one the company has no case of, for the message.
    for (id, _) in found {
        if case(tx, company, *id)?.is_none() {
            return Err(StoreError::UnknownCase(*id));
        }
    }
    Err(StoreError::Database(format!(
        "{changed} of {} cases refreshed",
        found.len()
    )))
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

/// Events, in order, in one binary `COPY`.
pub(crate) fn insert_case_events(
    tx: &mut Transaction<'_>,
    company: i64,
    events: &[(u64, CaseEvent)],
) -> Result<(), StoreError> {
    if events.is_empty() {
        return Ok(());
    }
    let sink = tx
        .copy_in(
            "COPY case_events (company_id, case_id, at, actor, action, from_state, to_state, \
             note) FROM STDIN (FORMAT binary)",
        )
        .map_err(db)?;
    let mut writer = BinaryCopyInWriter::new(
        sink,
        &[
            Type::INT8,
            Type::INT8,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
        ],
    );
    for (case, event) in events {
        writer
            .write(&[
                &company,
                &id_i64(*case),
                &event.at,
                &event.actor,
                &event.action,
                &event.from.map(|s| s.code()),
                &event.to.code(),
                &event.note,
            ])
            .map_err(db)?;
    }
    writer.finish().map_err(db)?;
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
