//! Kept files (by SHA-256, per company) and the imports that name them for a period.

use duizhang_store::codec;
use duizhang_store::{FileInfo, StoreError};
use rusqlite::{OptionalExtension, Transaction, params};

use crate::db;

pub(crate) fn file_exists(
    tx: &Transaction<'_>,
    company: i64,
    sha256: &str,
) -> Result<bool, StoreError> {
    tx.query_row(
        "SELECT 1 FROM files WHERE company_id = ?1 AND sha256 = ?2",
        params![company, sha256],
        |_| Ok(()),
    )
    .optional()
    .map(|found| found.is_some())
    .map_err(db)
}

pub(crate) fn insert_file(
    tx: &Transaction<'_>,
    company: i64,
    file: &FileInfo,
    bytes: &[u8],
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO files (company_id, sha256, name, size, inspect, bytes, imported_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            company,
            file.sha256,
            file.name,
            file.size,
            file.inspect,
            bytes,
            file.imported_at
        ],
    )
    .map_err(db)?;
    Ok(())
}

pub(crate) fn files(tx: &Transaction<'_>, company: i64) -> Result<Vec<FileInfo>, StoreError> {
    let mut stmt = tx
        .prepare(
            "SELECT sha256, name, size, inspect, imported_at FROM files WHERE company_id = ?1 \
             ORDER BY imported_at, name, sha256",
        )
        .map_err(db)?;
    let rows = stmt
        .query_map(params![company], |r| {
            Ok(FileInfo {
                sha256: r.get(0)?,
                name: r.get(1)?,
                size: r.get(2)?,
                inspect: r.get(3)?,
                imported_at: r.get(4)?,
            })
        })
        .map_err(db)?;
    rows.collect::<Result<_, _>>().map_err(db)
}

pub(crate) fn file_bytes(
    tx: &Transaction<'_>,
    company: i64,
    sha256: &str,
) -> Result<Option<Vec<u8>>, StoreError> {
    tx.query_row(
        "SELECT bytes FROM files WHERE company_id = ?1 AND sha256 = ?2",
        params![company, sha256],
        |r| r.get(0),
    )
    .optional()
    .map_err(db)
}

pub(crate) fn insert_import(
    tx: &Transaction<'_>,
    company: i64,
    at: &str,
    actor: &str,
    period: &str,
    files: &[String],
) -> Result<i64, StoreError> {
    tx.execute(
        "INSERT INTO imports (company_id, at, actor, period, files) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![company, at, actor, period, codec::strings_text(files)],
    )
    .map_err(db)?;
    Ok(tx.last_insert_rowid())
}

pub(crate) fn files_for_period(
    tx: &Transaction<'_>,
    company: i64,
    period: &str,
) -> Result<Vec<String>, StoreError> {
    let mut stmt = tx
        .prepare("SELECT files FROM imports WHERE company_id = ?1 AND period = ?2")
        .map_err(db)?;
    let rows = stmt
        .query_map(params![company, period], |r| r.get::<_, String>(0))
        .map_err(db)?;
    let mut all = Vec::new();
    for row in rows {
        all.extend(codec::strings_parse(&row.map_err(db)?)?);
    }
    all.sort();
    all.dedup();
    Ok(all)
}

pub(crate) fn imported_periods(
    tx: &Transaction<'_>,
    company: i64,
) -> Result<Vec<(String, String)>, StoreError> {
    let mut stmt = tx
        .prepare("SELECT period, files FROM imports WHERE company_id = ?1")
        .map_err(db)?;
    let rows = stmt
        .query_map(params![company], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })
        .map_err(db)?;
    let mut out = Vec::new();
    for row in rows {
        let (period, files) = row.map_err(db)?;
        for sha in codec::strings_parse(&files)? {
            out.push((period.clone(), sha));
        }
    }
    Ok(out)
}
