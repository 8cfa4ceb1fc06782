//! Case attachments: the bytes once per content, linked to each case.

use duizhang_store::{Attachment, StoreError};
use rusqlite::{OptionalExtension, Transaction, params};

use crate::{db, id_i64};

pub(crate) fn insert_attachment(
    tx: &Transaction<'_>,
    company: i64,
    attachment: &Attachment,
    bytes: &[u8],
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO attachment_blobs (company_id, sha256, bytes) VALUES (?1, ?2, ?3) \
             ON CONFLICT DO NOTHING",
        params![company, attachment.sha256, bytes],
    )
    .map_err(db)?;
    tx.execute(
        "INSERT INTO case_attachments (company_id, case_id, n, name, sha256, size, \
             added_by, added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            company,
            id_i64(attachment.case_id),
            attachment.n,
            attachment.name,
            attachment.sha256,
            attachment.size,
            attachment.added_by,
            attachment.added_at
        ],
    )
    .map_err(db)?;
    Ok(())
}

pub(crate) fn attachments(
    tx: &Transaction<'_>,
    company: i64,
    case: u64,
) -> Result<Vec<Attachment>, StoreError> {
    let mut stmt = tx
        .prepare(
            "SELECT n, name, sha256, size, added_by, added_at FROM case_attachments \
             WHERE company_id = ?1 AND case_id = ?2 ORDER BY n",
        )
        .map_err(db)?;
    let rows = stmt
        .query_map(params![company, id_i64(case)], |r| {
            Ok(Attachment {
                case_id: case,
                n: r.get(0)?,
                name: r.get(1)?,
                sha256: r.get(2)?,
                size: r.get(3)?,
                added_by: r.get(4)?,
                added_at: r.get(5)?,
            })
        })
        .map_err(db)?;
    rows.collect::<Result<_, _>>().map_err(db)
}

pub(crate) fn attachment_bytes(
    tx: &Transaction<'_>,
    company: i64,
    sha256: &str,
) -> Result<Option<Vec<u8>>, StoreError> {
    tx.query_row(
        "SELECT bytes FROM attachment_blobs WHERE company_id = ?1 AND sha256 = ?2",
        params![company, sha256],
        |r| r.get(0),
    )
    .optional()
    .map_err(db)
}
