//! The audit chains (one per company; chain 0 for the workspace itself).

use duizhang_store::StoreError;
use duizhang_workflow::{AuditEntry, ChainHead, NewAuditEntry};
use rusqlite::{OptionalExtension, Transaction, params};

use crate::{db, id_i64, id_u64};

pub(crate) fn audit_head(tx: &Transaction<'_>, chain: i64) -> Result<ChainHead, StoreError> {
    let head = tx
        .query_row(
            "SELECT seq, hash FROM audit WHERE chain_id = ?1 ORDER BY seq DESC LIMIT 1",
            params![chain],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
        )
        .optional()
        .map_err(db)?;
    Ok(match head {
        Some((seq, hash)) => ChainHead {
            seq: id_u64(seq),
            hash,
        },
        None => ChainHead::genesis(),
    })
}

pub(crate) fn insert_audit(
    tx: &Transaction<'_>,
    chain: i64,
    entry: &AuditEntry,
) -> Result<(), StoreError> {
    let e = &entry.entry;
    tx.execute(
        "INSERT INTO audit (chain_id, seq, at, company, actor, action, subject, before, after, \
             prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            chain,
            id_i64(entry.seq),
            e.at,
            e.company,
            e.actor,
            e.action,
            e.subject,
            e.before,
            e.after,
            entry.prev_hash,
            entry.hash
        ],
    )
    .map_err(db)?;
    Ok(())
}

pub(crate) fn audit_log(tx: &Transaction<'_>, chain: i64) -> Result<Vec<AuditEntry>, StoreError> {
    let mut stmt = tx
        .prepare(
            "SELECT seq, at, company, actor, action, subject, before, after, prev_hash, hash \
             FROM audit WHERE chain_id = ?1 ORDER BY seq",
        )
        .map_err(db)?;
    let rows = stmt
        .query_map(params![chain], |r| {
            Ok(AuditEntry {
                seq: id_u64(r.get(0)?),
                entry: NewAuditEntry {
                    at: r.get(1)?,
                    company: r.get(2)?,
                    actor: r.get(3)?,
                    action: r.get(4)?,
                    subject: r.get(5)?,
                    before: r.get(6)?,
                    after: r.get(7)?,
                },
                prev_hash: r.get(8)?,
                hash: r.get(9)?,
            })
        })
        .map_err(db)?;
    rows.collect::<Result<_, _>>().map_err(db)
}
