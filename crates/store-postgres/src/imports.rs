//! Kept files (by SHA-256, per company) and the imports that name them for a period.

use duizhang_store::codec;
use duizhang_store::compression::Codec;
use duizhang_store::kept_chunks::StoredChunk;
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
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO files (company_id, sha256, name, size, inspect, bytes, imported_at) \
             VALUES ($1, $2, $3, $4, $5, '\\x'::bytea, $6)",
        &[
            &company,
            &file.sha256,
            &file.name,
            &file.size,
            &file.inspect,
            &file.imported_at,
        ],
    )
    .map_err(db)?;
    Ok(())
}

pub(crate) fn insert_file_chunk(
    tx: &mut Transaction<'_>,
    company: i64,
    sha256: &str,
    chunk: &StoredChunk,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO file_chunks (company_id, sha256, at_byte, codec, bytes) \
         VALUES ($1, $2, $3, $4, $5)",
        &[
            &company,
            &sha256,
            &chunk.at,
            &i32::try_from(chunk.codec.code()).unwrap_or(i32::MAX),
            &chunk.bytes,
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

pub(crate) fn file_chunks(
    tx: &mut Transaction<'_>,
    company: i64,
    sha256: &str,
) -> Result<Option<(i64, Vec<StoredChunk>)>, StoreError> {
    let Some(size) = tx
        .query_opt(
            "SELECT size FROM files WHERE company_id = $1 AND sha256 = $2",
            &[&company, &sha256],
        )
        .map_err(db)?
        .map(|r| r.get::<_, i64>(0))
    else {
        return Ok(None);
    };
    let rows = tx
        .query(
            "SELECT at_byte, codec, bytes FROM file_chunks WHERE company_id = $1 AND sha256 = $2 \
             ORDER BY at_byte",
            &[&company, &sha256],
        )
        .map_err(db)?;
    Ok(Some((
        size,
        rows.iter().map(chunk_of).collect::<Result<_, _>>()?,
    )))
}

/// A `file_chunks` row (at_byte, codec, bytes) as a chunk.
fn chunk_of(r: &postgres::Row) -> Result<StoredChunk, StoreError> {
    Ok(StoredChunk {
        at: r.get(0),
        codec: Codec::from_code(i64::from(r.get::<_, i32>(1)))?,
        bytes: r.get(2),
    })
}

/// The chunks holding bytes `at..end`: the last one starting at or before `at`, then every
/// one starting before `end`.
pub(crate) fn file_chunks_over(
    tx: &mut Transaction<'_>,
    company: i64,
    sha256: &str,
    at: i64,
    end: i64,
) -> Result<Vec<StoredChunk>, StoreError> {
    let rows = tx
        .query(
            "SELECT at_byte, codec, bytes FROM file_chunks WHERE company_id = $1 AND sha256 = $2 \
             AND at_byte < $4 AND at_byte >= (SELECT coalesce(max(at_byte), 0) FROM file_chunks \
             WHERE company_id = $1 AND sha256 = $2 AND at_byte <= $3) ORDER BY at_byte",
            &[&company, &sha256, &at, &end],
        )
        .map_err(db)?;
    rows.iter().map(chunk_of).collect()
}

pub(crate) fn parsed_exists(
    tx: &mut Transaction<'_>,
    company: i64,
    sha256: &str,
    reader: &str,
) -> Result<bool, StoreError> {
    tx.query_opt(
        "SELECT 1 FROM parsed_chunks WHERE company_id = $1 AND sha256 = $2 AND reader = $3 LIMIT 1",
        &[&company, &sha256, &reader],
    )
    .map(|found| found.is_some())
    .map_err(db)
}

pub(crate) fn delete_parsed(
    tx: &mut Transaction<'_>,
    company: i64,
    sha256: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM parsed_chunks WHERE company_id = $1 AND sha256 = $2",
        &[&company, &sha256],
    )
    .map_err(db)?;
    Ok(())
}

pub(crate) fn insert_parsed_chunk(
    tx: &mut Transaction<'_>,
    company: i64,
    sha256: &str,
    reader: &str,
    at: i64,
    bytes: &[u8],
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO parsed_chunks (company_id, sha256, reader, at_byte, bytes) \
         VALUES ($1, $2, $3, $4, $5)",
        &[&company, &sha256, &reader, &at, &bytes],
    )
    .map_err(db)?;
    Ok(())
}

pub(crate) fn parsed(
    tx: &mut Transaction<'_>,
    company: i64,
    sha256: &str,
    reader: &str,
) -> Result<Option<Vec<u8>>, StoreError> {
    let rows = tx
        .query(
            "SELECT bytes FROM parsed_chunks WHERE company_id = $1 AND sha256 = $2 AND reader = $3 \
             ORDER BY at_byte",
            &[&company, &sha256, &reader],
        )
        .map_err(db)?;
    if rows.is_empty() {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    for row in &rows {
        bytes.extend_from_slice(row.get::<_, &[u8]>(0));
    }
    Ok(Some(bytes))
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
