//! How the records' enums and nested values are written into columns, the same on every
//! backend (so a database moved between them reads the same).

use duizhang_core::{Finding, FindingSeverity, Owner};
use duizhang_workflow::{CaseState, Resolution, Role};

use crate::error::StoreError;

pub fn roles_text(roles: &[Role]) -> String {
    roles.iter().map(|r| r.code()).collect::<Vec<_>>().join(",")
}

pub fn roles_parse(text: &str) -> Vec<Role> {
    text.split(',').filter_map(Role::parse).collect()
}

pub fn severity_code(severity: FindingSeverity) -> &'static str {
    match severity {
        FindingSeverity::Low => "low",
        FindingSeverity::Medium => "medium",
        FindingSeverity::High => "high",
        FindingSeverity::Critical => "critical",
    }
}

/// For ordering: critical first.
pub fn severity_rank(severity: FindingSeverity) -> i64 {
    match severity {
        FindingSeverity::Low => 1,
        FindingSeverity::Medium => 2,
        FindingSeverity::High => 3,
        FindingSeverity::Critical => 4,
    }
}

pub fn severity_parse(text: &str) -> Result<FindingSeverity, StoreError> {
    FindingSeverity::parse(text).ok_or_else(|| corrupt("severity", text))
}

pub fn owner_code(owner: Owner) -> &'static str {
    match owner {
        Owner::Finance => "finance",
        Owner::Service => "service",
        Owner::Warehouse => "warehouse",
    }
}

pub fn owner_parse(text: &str) -> Result<Owner, StoreError> {
    match text {
        "finance" => Ok(Owner::Finance),
        "service" => Ok(Owner::Service),
        "warehouse" => Ok(Owner::Warehouse),
        _ => Err(corrupt("owner", text)),
    }
}

pub fn state_parse(text: &str) -> Result<CaseState, StoreError> {
    CaseState::parse(text).ok_or_else(|| corrupt("state", text))
}

pub fn role_parse(text: &str) -> Result<Role, StoreError> {
    Role::parse(text).ok_or_else(|| corrupt("role", text))
}

pub fn resolution_text(resolution: &Option<Resolution>) -> Option<String> {
    resolution
        .as_ref()
        .and_then(|r| serde_json::to_string(r).ok())
}

pub fn resolution_parse(text: Option<String>) -> Result<Option<Resolution>, StoreError> {
    text.map(|t| serde_json::from_str(&t).map_err(|_| corrupt("resolution", &t)))
        .transpose()
}

pub fn finding_text(finding: &Finding) -> String {
    serde_json::to_string(finding).unwrap_or_default()
}

pub fn finding_parse(text: &str) -> Result<Finding, StoreError> {
    serde_json::from_str(text).map_err(|_| corrupt("finding", text))
}

pub fn strings_text(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_default()
}

pub fn strings_parse(text: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(text).map_err(|_| corrupt("list", text))
}

fn corrupt(what: &str, text: &str) -> StoreError {
    let shown: String = text.chars().take(80).collect();
    StoreError::Database(format!("stored {what} unreadable: {shown:?}"))
}

/// The condition "still asks somebody to act", as the queue indexes state it.
pub const OPEN_STATES: &str = "state IN ('open', 'in_progress', 'pending_review')";

/// Orders a case list: severity first, then due date, then id. Qualified, because the listed
/// `id` is cast to text: a bare `id` here would sort by that text and miss the queue indexes.
pub const CASE_ORDER: &str = "cases.severity_rank DESC, cases.due_at, cases.id";

/// The schema version this program writes; older databases are migrated forward to it.
pub const SCHEMA_VERSION: i64 = 14;
/// Marks a database as the workspace's (the `meta` table's `app` row).
pub const APP_MARK: &str = "duizhang-workspace";

/// A case from its columns as text, in this order: id, period, code, shop, key, sku,
/// severity, owner, state, working_role, assignee, prepared_by, approved_by, resolution,
/// closed_by_run, finding, due_at, created_at, updated_at.
pub fn case_from_cells(
    cells: [Option<String>; 19],
) -> Result<crate::records::CaseRecord, StoreError> {
    let [
        id,
        period,
        code,
        shop,
        key,
        sku,
        severity,
        owner,
        state,
        working_role,
        assignee,
        prepared_by,
        approved_by,
        resolution,
        closed_by_run,
        finding,
        due_at,
        created_at,
        updated_at,
    ] = cells;
    let text = |cell: Option<String>, what: &str| {
        cell.ok_or_else(|| StoreError::Database(format!("case {what} missing")))
    };
    let id = text(id, "id")?;
    Ok(crate::records::CaseRecord {
        id: id.parse().map_err(|_| corrupt("case id", &id))?,
        period: text(period, "period")?,
        code: text(code, "code")?,
        shop: text(shop, "shop")?,
        key: text(key, "key")?,
        sku: text(sku, "sku")?,
        severity: severity_parse(&text(severity, "severity")?)?,
        owner: owner_parse(&text(owner, "owner")?)?,
        facts: duizhang_workflow::CaseFacts {
            state: state_parse(&text(state, "state")?)?,
            working_role: role_parse(&text(working_role, "working role")?)?,
            assignee,
            prepared_by,
            approved_by,
            resolution: resolution_parse(resolution)?,
            closed_by_run: text(closed_by_run, "closed_by_run")? != "0",
        },
        finding: finding_parse(&text(finding, "finding")?)?,
        due_at: text(due_at, "due_at")?,
        created_at: text(created_at, "created_at")?,
        updated_at: text(updated_at, "updated_at")?,
    })
}

/// The `AND ...` conditions of a case filter with numbered placeholders from 2 on (1 is the
/// company), and their values in order.
pub fn case_conditions(
    filter: &crate::records::CaseFilter,
    placeholder: impl Fn(usize) -> String,
) -> (String, Vec<String>) {
    let mut sql = String::new();
    let mut values: Vec<String> = Vec::new();
    let bind = |value: String, values: &mut Vec<String>| {
        values.push(value);
        placeholder(values.len() + 1)
    };
    if !filter.states.is_empty() {
        // The open states are named with the literals of the queue's partial indexes (migration
        // 0003), which a database uses only when the query states the same condition.
        if filter.states.iter().all(|s| s.is_open()) {
            sql.push_str(&format!(" AND {OPEN_STATES}"));
        }
        if !CaseState::ALL
            .iter()
            .filter(|s| s.is_open())
            .all(|s| filter.states.contains(s))
        {
            let marks: Vec<String> = filter
                .states
                .iter()
                .map(|state| bind(state.code().to_string(), &mut values))
                .collect();
            sql.push_str(&format!(" AND state IN ({})", marks.join(", ")));
        }
    }
    let equal = [
        ("period", filter.period.clone()),
        ("code", filter.code.clone()),
        ("shop", filter.shop.clone()),
        ("assignee", filter.assignee.clone()),
    ];
    for (column, value) in equal {
        if let Some(value) = value {
            let mark = bind(value, &mut values);
            sql.push_str(&format!(" AND {column} = {mark}"));
        }
    }
    // By rank, so the queue indexes serve it (rank follows severity one to one); a number of
    // our own, written into the SQL so both backends compare it as an integer.
    if let Some(severity) = filter.severity {
        sql.push_str(&format!(" AND severity_rank = {}", severity_rank(severity)));
    }
    (sql, values)
}

/// A voucher batch from its columns (both backends); `superseded` is worked out by the caller.
#[allow(clippy::too_many_arguments)]
pub fn voucher_batch_from(
    run_id: i64,
    period: String,
    state: &str,
    vouchers: i64,
    debit_fen: i64,
    prepared_by: String,
    prepared_at: String,
    approved_by: Option<String>,
    approved_at: Option<String>,
) -> Result<crate::records::VoucherBatch, StoreError> {
    Ok(crate::records::VoucherBatch {
        run_id,
        period,
        state: crate::records::BatchState::parse(state)
            .ok_or_else(|| corrupt("voucher batch state", state))?,
        vouchers,
        debit_fen,
        prepared_by,
        prepared_at,
        approved_by,
        approved_at,
        superseded: false,
        numbers: Vec::new(),
    })
}

/// A period's close from its columns (both backends).
#[allow(clippy::too_many_arguments)]
pub fn period_close_from(
    period: String,
    state: &str,
    prepared_by: String,
    prepared_at: String,
    approved_by: Option<String>,
    approved_at: Option<String>,
    head_seq: Option<i64>,
    head_hash: Option<String>,
) -> Result<crate::records::PeriodClose, StoreError> {
    let state =
        crate::records::PeriodState::parse(state).ok_or_else(|| corrupt("period state", state))?;
    let audit_head = match (head_seq, head_hash) {
        (Some(seq), Some(hash)) => Some(duizhang_workflow::ChainHead {
            seq: u64::try_from(seq).map_err(|_| corrupt("audit head", &seq.to_string()))?,
            hash,
        }),
        _ => None,
    };
    Ok(crate::records::PeriodClose {
        period,
        state,
        prepared_by,
        prepared_at,
        approved_by,
        approved_at,
        audit_head,
    })
}

/// A chain head as its two nullable columns.
pub fn head_columns(head: Option<&duizhang_workflow::ChainHead>) -> (Option<i64>, Option<String>) {
    match head {
        Some(h) => (i64::try_from(h.seq).ok(), Some(h.hash.clone())),
        None => (None, None),
    }
}

/// A correcting voucher as its `body` column keeps it (JSON of the whole voucher).
pub fn adjustment_body(adjustment: &crate::records::Adjustment) -> Result<String, StoreError> {
    serde_json::to_string(adjustment).map_err(|e| StoreError::Database(e.to_string()))
}

/// A correcting voucher from its `body` column and its id.
pub fn adjustment_from(id: i64, body: &str) -> Result<crate::records::Adjustment, StoreError> {
    let adjustment: crate::records::Adjustment = serde_json::from_str(body)
        .map_err(|e| StoreError::Database(format!("adjustment {id}: {e}")))?;
    Ok(crate::records::Adjustment { id, ..adjustment })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queue_condition_names_exactly_the_open_states() {
        let open: Vec<String> = CaseState::ALL
            .iter()
            .filter(|s| s.is_open())
            .map(|s| format!("'{}'", s.code()))
            .collect();
        assert_eq!(OPEN_STATES, format!("state IN ({})", open.join(", ")));
        for migration in [
            include_str!("../../store-sqlite/migrations/0003_case_queue.sql"),
            include_str!("../../store-postgres/migrations/0003_case_queue.sql"),
        ] {
            assert_eq!(migration.matches(OPEN_STATES).count(), 5);
        }
    }
}
