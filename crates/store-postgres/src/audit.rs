//! The audit chains (one per company; chain 0 for the workspace itself).

use duizhang_store::StoreError;
use duizhang_workflow::{AuditEntry, ChainHead, NewAuditEntry};
use postgres::Transaction;

use crate::{db, id_i64, id_u64};

pub(crate) fn audit_head(tx: &mut Transaction<'_>, chain: i64) -> Result<ChainHead, StoreError> {
    let row = tx
        .query_opt(
            "SELECT seq, hash FROM audit WHERE chain_id = $1 ORDER BY seq DESC LIMIT 1",
            &[&chain],
        )
        .map_err(db)?;
    Ok(match row {
        Some(r) => ChainHead {
            seq: id_u64(r.get(0)),
            hash: r.get(1),
        },
        None => ChainHead::genesis(),
    })
}

pub(crate) fn insert_audit(
    tx: &mut Transaction<'_>,
    chain: i64,
    entry: &AuditEntry,
) -> Result<(), StoreError> {
    let e = &entry.entry;
    tx.execute(
        "INSERT INTO audit (chain_id, seq, at, company, actor, action, subject, before, after, \
             prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        &[
            &chain,
            &id_i64(entry.seq),
            &e.at,
            &e.company,
            &e.actor,
            &e.action,
            &e.subject,
            &e.before,
            &e.after,
            &entry.prev_hash,
            &entry.hash,
        ],
    )
    .map_err(db)?;
    Ok(())
}

pub(crate) fn audit_log(
    tx: &mut Transaction<'_>,
    chain: i64,
) -> Result<Vec<AuditEntry>, StoreError> {
    let rows = tx
        .query(
            "SELECT seq, at, company, actor, action, subject, before, after, prev_hash, hash \
             FROM audit WHERE chain_id = $1 ORDER BY seq",
            &[&chain],
        )
        .map_err(db)?;
    Ok(rows
        .iter()
        .map(|r| AuditEntry {
            seq: id_u64(r.get(0)),
            entry: NewAuditEntry {
                at: r.get(1),
                company: r.get(2),
                actor: r.get(3),
                action: r.get(4),
                subject: r.get(5),
                before: r.get(6),
                after: r.get(7),
            },
            prev_hash: r.get(8),
            hash: r.get(9),
        })
        .collect())
}
