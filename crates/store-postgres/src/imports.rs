//! Kept files (by SHA-256, per company) and the imports that name them for a period.

use duizhang_store::codec;
use duizhang_store::{FileInfo, StoreError};
use postgres::Transaction;

use crate::db;

pub(crate) fn file_exists(
    tx: &mut Transaction<'_>,
    company: i64,
    sha256: &str,
) -> Result<bool, StoreError> {
    let row = tx
        .query_opt(
            "SELECT 1 FROM files WHERE company_id = $1 AND sha256 = $2",
            &[&company, &sha256],
        )
        .map_err(db)?;
    Ok(row.is_some())
}

pub(crate) fn insert_file(
    tx: &mut Transaction<'_>,
    company: i64,
    file: &FileInfo,
    bytes: &[u8],
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO files (company_id, sha256, name, size, inspect, bytes, imported_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &company,
            &file.sha256,
            &file.name,
            &file.size,
            &file.inspect,
            &bytes,
            &file.imported_at,
        ],
    )
    .map_err(db)?;
    Ok(())
}

pub(crate) fn files(tx: &mut Transaction<'_>, company: i64) -> Result<Vec<FileInfo>, StoreError> {
    let rows = tx
        .query(
            "SELECT sha256, name, size, inspect, imported_at FROM files WHERE company_id = $1 \
             ORDER BY imported_at, name, sha256",
            &[&company],
        )
        .map_err(db)?;
    Ok(rows
        .iter()
        .map(|r| FileInfo {
            sha256: r.get(0),
            name: r.get(1),
            size: r.get(2),
            inspect: r.get(3),
            imported_at: r.get(4),
        })
        .collect())
}

pub(crate) fn file_bytes(
    tx: &mut Transaction<'_>,
    company: i64,
    sha256: &str,
) -> Result<Option<Vec<u8>>, StoreError> {
    let row = tx
        .query_opt(
            "SELECT bytes FROM files WHERE company_id = $1 AND sha256 = $2",
            &[&company, &sha256],
        )
        .map_err(db)?;
    Ok(row.map(|r| r.get(0)))
}

pub(crate) fn insert_import(
    tx: &mut Transaction<'_>,
    company: i64,
    at: &str,
    actor: &str,
    period: &str,
    files: &[String],
) -> Result<i64, StoreError> {
    let row = tx
        .query_one(
            "INSERT INTO imports (company_id, at, actor, period, files) VALUES ($1, $2, $3, $4, $5) \
             RETURNING id",
            &[&company, &at, &actor, &period, &codec::strings_text(files)],
        )
        .map_err(db)?;
    Ok(row.get(0))
}

pub(crate) fn files_for_period(
    tx: &mut Transaction<'_>,
    company: i64,
    period: &str,
) -> Result<Vec<String>, StoreError> {
    let rows = tx
        .query(
            "SELECT files FROM imports WHERE company_id = $1 AND period = $2",
            &[&company, &period],
        )
        .map_err(db)?;
    let mut all = Vec::new();
    for row in rows {
        all.extend(codec::strings_parse(&row.get::<_, String>(0))?);
    }
    all.sort();
    all.dedup();
    Ok(all)
}

pub(crate) fn imported_periods(
    tx: &mut Transaction<'_>,
    company: i64,
) -> Result<Vec<(String, String)>, StoreError> {
    let rows = tx
        .query(
            "SELECT period, files FROM imports WHERE company_id = $1",
            &[&company],
        )
        .map_err(db)?;
    let mut out = Vec::new();
    for row in rows {
        let period: String = row.get(0);
        for sha in codec::strings_parse(&row.get::<_, String>(1))? {
            out.push((period.clone(), sha));
        }
    }
    Ok(out)
}
