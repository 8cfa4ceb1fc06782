//! Kept files (by SHA-256, per company) and the imports that name them for a period.

use duizhang_store::codec;
use duizhang_store::compression::Codec;
use duizhang_store::kept_chunks::StoredChunk;
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
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO files (company_id, sha256, name, size, inspect, bytes, imported_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, x'', ?6)",
        params![
            company,
            file.sha256,
            file.name,
            file.size,
            file.inspect,
            file.imported_at
        ],
    )
    .map_err(db)?;
    Ok(())
}

pub(crate) fn insert_file_chunk(
    tx: &Transaction<'_>,
    company: i64,
    sha256: &str,
    chunk: &StoredChunk,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO file_chunks (company_id, sha256, at_byte, codec, bytes) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![
            company,
            sha256,
            chunk.at,
            chunk.codec.code(),
            chunk.bytes
        ])
    })
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

pub(crate) fn file_chunks(
    tx: &Transaction<'_>,
    company: i64,
    sha256: &str,
) -> Result<Option<(i64, Vec<StoredChunk>)>, StoreError> {
    let size: Option<i64> = tx
        .query_row(
            "SELECT size FROM files WHERE company_id = ?1 AND sha256 = ?2",
            params![company, sha256],
            |r| r.get(0),
        )
        .optional()
        .map_err(db)?;
    let Some(size) = size else {
        return Ok(None);
    };
    let mut stmt = tx
        .prepare(
            "SELECT at_byte, codec, bytes FROM file_chunks WHERE company_id = ?1 AND sha256 = ?2 \
             ORDER BY at_byte",
        )
        .map_err(db)?;
    let rows = stmt
        .query_map(params![company, sha256], chunk_of)
        .map_err(db)?;
    let chunks = rows.collect::<Result<Vec<_>, _>>().map_err(db)?;
    Ok(Some((size, chunks.into_iter().collect::<Result<_, _>>()?)))
}

/// A `file_chunks` row (at_byte, codec, bytes) as a chunk.
fn chunk_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<StoredChunk, StoreError>> {
    let (at, codec, bytes): (i64, i64, Vec<u8>) = (r.get(0)?, r.get(1)?, r.get(2)?);
    Ok(Codec::from_code(codec).map(|codec| StoredChunk { at, codec, bytes }))
}

/// The chunks holding bytes `at..end`: the last one starting at or before `at`, then every
/// one starting before `end`.
pub(crate) fn file_chunks_over(
    tx: &Transaction<'_>,
    company: i64,
    sha256: &str,
    at: i64,
    end: i64,
) -> Result<Vec<StoredChunk>, StoreError> {
    let mut stmt = tx
        .prepare_cached(
            "SELECT at_byte, codec, bytes FROM file_chunks WHERE company_id = ?1 AND sha256 = ?2 \
             AND at_byte < ?4 AND at_byte >= (SELECT coalesce(max(at_byte), 0) FROM file_chunks \
             WHERE company_id = ?1 AND sha256 = ?2 AND at_byte <= ?3) ORDER BY at_byte",
        )
        .map_err(db)?;
    let rows = stmt
        .query_map(params![company, sha256, at, end], chunk_of)
        .map_err(db)?;
    let chunks = rows.collect::<Result<Vec<_>, _>>().map_err(db)?;
    chunks.into_iter().collect()
}

pub(crate) fn parsed_exists(
    tx: &Transaction<'_>,
    company: i64,
    sha256: &str,
    reader: &str,
) -> Result<bool, StoreError> {
    tx.query_row(
        "SELECT 1 FROM parsed_chunks WHERE company_id = ?1 AND sha256 = ?2 AND reader = ?3 LIMIT 1",
        params![company, sha256, reader],
        |_| Ok(()),
    )
    .optional()
    .map(|found| found.is_some())
    .map_err(db)
}

pub(crate) fn delete_parsed(
    tx: &Transaction<'_>,
    company: i64,
    sha256: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM parsed_chunks WHERE company_id = ?1 AND sha256 = ?2",
        params![company, sha256],
    )
    .map_err(db)?;
    Ok(())
}

pub(crate) fn insert_parsed_chunk(
    tx: &Transaction<'_>,
    company: i64,
    sha256: &str,
    reader: &str,
    at: i64,
    bytes: &[u8],
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO parsed_chunks (company_id, sha256, reader, at_byte, bytes) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .and_then(|mut stmt| stmt.execute(params![company, sha256, reader, at, bytes]))
    .map_err(db)?;
    Ok(())
}

pub(crate) fn parsed(
    tx: &Transaction<'_>,
    company: i64,
    sha256: &str,
    reader: &str,
) -> Result<Option<Vec<u8>>, StoreError> {
    let mut stmt = tx
        .prepare(
            "SELECT bytes FROM parsed_chunks WHERE company_id = ?1 AND sha256 = ?2 AND reader = ?3 \
             ORDER BY at_byte",
        )
        .map_err(db)?;
    let mut rows = stmt.query(params![company, sha256, reader]).map_err(db)?;
    let mut bytes: Option<Vec<u8>> = None;
    while let Some(row) = rows.next().map_err(db)? {
        bytes
            .get_or_insert_default()
            .extend_from_slice(row.get_ref(0).and_then(|v| Ok(v.as_blob()?)).map_err(db)?);
    }
    Ok(bytes)
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
