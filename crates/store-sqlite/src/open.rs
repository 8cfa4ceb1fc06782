//! Opening a workspace file: creating it, refusing a foreign or newer one, migrating an older
//! one forward.

use std::path::Path;
use std::time::Duration;

use duizhang_store::StoreError;
use duizhang_store::codec::{APP_MARK, SCHEMA_VERSION};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::{db, foreign};

/// The migrations, in order, each with the schema version it brings the database to.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/0001_workspace.sql")),
    (2, include_str!("../migrations/0002_periods.sql")),
    (3, include_str!("../migrations/0003_case_queue.sql")),
    (4, include_str!("../migrations/0004_voucher_batches.sql")),
    (
        5,
        include_str!("../migrations/0005_adjustments_attachments.sql"),
    ),
    (6, include_str!("../migrations/0006_order_index.sql")),
    (7, include_str!("../migrations/0007_run_metrics.sql")),
    (8, include_str!("../migrations/0008_order_index_text.sql")),
    (
        9,
        include_str!("../migrations/0009_order_index_lookup_key.sql"),
    ),
    (10, include_str!("../migrations/0010_file_chunks.sql")),
    (
        11,
        include_str!("../migrations/0011_voucher_numbers_company_books.sql"),
    ),
    (12, include_str!("../migrations/0012_order_buckets.sql")),
    (13, include_str!("../migrations/0013_parsed_chunks.sql")),
    (14, include_str!("../migrations/0014_compressed_values.sql")),
];

pub struct SqliteBackend {
    pub(crate) conn: Connection,
}

impl SqliteBackend {
    /// Opens (or creates) the workspace file, refusing a file that is not a workspace or
    /// comes from a newer program, and migrating an older one forward.
    pub fn open(path: &Path) -> Result<SqliteBackend, StoreError> {
        let fresh = !path.exists() || std::fs::metadata(path).is_ok_and(|m| m.len() == 0);
        let conn = Connection::open(path).map_err(|e| foreign(&e))?;
        conn.busy_timeout(Duration::from_secs(60)).map_err(db)?;
        // A foreign or damaged file fails here, before anything is written to it.
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(|e| foreign(&e))?;
        let mut backend = SqliteBackend { conn };
        if fresh || tables == 0 {
            // 16 KiB pages (SQLite's default is 4 KiB), chosen before the first table: kept
            // files are stored as 1 MiB chunks, and a quarter as many pages a chunk means a
            // quarter as many WAL frames and page writes per imported byte. The page size of an
            // existing workspace is what it was created with.
            backend
                .conn
                .execute_batch("PRAGMA page_size = 16384;")
                .map_err(db)?;
            backend.initialise()?;
        } else {
            backend.check_and_migrate()?;
        }
        // A 64 MiB page cache (the default is 2 MiB): an import adds a million rows to the
        // order index in key order, and a cache that holds the index's path keeps a second
        // month's import from re-reading it (measured: 7-8 s instead of 8-11 s, docs/benchmarks.md).
        backend
            .conn
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; \
                 PRAGMA cache_size = -65536;",
            )
            .map_err(db)?;
        Ok(backend)
    }

    /// An in-memory workspace (tests).
    pub fn in_memory() -> Result<SqliteBackend, StoreError> {
        let conn = Connection::open_in_memory().map_err(db)?;
        let mut backend = SqliteBackend { conn };
        backend.initialise()?;
        Ok(backend)
    }

    fn initialise(&mut self) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db)?;
        tx.execute_batch("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);")
            .map_err(db)?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('app', ?1), ('schema_version', '0')",
            params![APP_MARK],
        )
        .map_err(db)?;
        migrate(&tx, 0)?;
        tx.commit().map_err(db)
    }

    fn check_and_migrate(&mut self) -> Result<(), StoreError> {
        let app: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'app'", [], |r| r.get(0))
            .optional()
            .map_err(|e| foreign(&e))?;
        if app.as_deref() != Some(APP_MARK) {
            return Err(StoreError::ForeignDatabase(
                "no duizhang workspace mark".to_string(),
            ));
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db)?;
        let version: String = tx
            .query_row(
                "SELECT value FROM meta WHERE key = 'schema_version'",
                [],
                |r| r.get(0),
            )
            .map_err(db)?;
        let version: i64 = version
            .parse()
            .map_err(|_| StoreError::ForeignDatabase(format!("schema version {version:?}")))?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        migrate(&tx, version)?;
        tx.commit().map_err(db)
    }
}

fn migrate(tx: &rusqlite::Transaction<'_>, from: i64) -> Result<(), StoreError> {
    for &(version, sql) in MIGRATIONS {
        if version > from {
            tx.execute_batch(sql).map_err(db)?;
            tx.execute(
                "UPDATE meta SET value = ?1 WHERE key = 'schema_version'",
                params![version.to_string()],
            )
            .map_err(db)?;
        }
    }
    Ok(())
}
