//! Connecting to a workspace database: refusing a foreign or newer one, creating or migrating
//! the schema.

use duizhang_store::StoreError;
use duizhang_store::codec::{APP_MARK, SCHEMA_VERSION};
use postgres::{Client, NoTls};

use crate::db;

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

/// Namespaces the advisory locks of this program (the first key of the two-key form).
pub(crate) const LOCK_SPACE: i32 = 0x0064_7a68; // "dzh"

pub struct PostgresBackend {
    pub(crate) client: Client,
}

impl PostgresBackend {
    /// Connects, refuses a database that holds other tables but no workspace, or one written
    /// by a newer program, and migrates an older workspace forward.
    pub fn connect(url: &str) -> Result<PostgresBackend, StoreError> {
        let client = Client::connect(url, NoTls).map_err(db)?;
        let mut backend = PostgresBackend { client };
        backend.prepare_schema()?;
        Ok(backend)
    }

    fn prepare_schema(&mut self) -> Result<(), StoreError> {
        let mut tx = self.client.transaction().map_err(db)?;
        // One process migrates at a time.
        tx.execute("SELECT pg_advisory_xact_lock($1, 0)", &[&LOCK_SPACE])
            .map_err(db)?;
        let has_meta: bool = tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_name = 'meta')",
                &[],
            )
            .map_err(db)?
            .get(0);
        let version = if has_meta {
            let app: Option<String> = tx
                .query_opt("SELECT value FROM meta WHERE key = 'app'", &[])
                .map_err(db)?
                .map(|r| r.get(0));
            if app.as_deref() != Some(APP_MARK) {
                return Err(StoreError::ForeignDatabase(
                    "a meta table without the duizhang workspace mark".to_string(),
                ));
            }
            let text: String = tx
                .query_one("SELECT value FROM meta WHERE key = 'schema_version'", &[])
                .map_err(db)?
                .get(0);
            text.parse::<i64>()
                .map_err(|_| StoreError::ForeignDatabase(format!("schema version {text:?}")))?
        } else {
            let tables: i64 = tx
                .query_one(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()",
                    &[],
                )
                .map_err(db)?
                .get(0);
            if tables > 0 {
                return Err(StoreError::ForeignDatabase(format!(
                    "the database has {tables} other tables and no duizhang workspace"
                )));
            }
            tx.batch_execute(
                "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); \
                 INSERT INTO meta (key, value) VALUES ('schema_version', '0');",
            )
            .map_err(db)?;
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('app', $1)",
                &[&APP_MARK],
            )
            .map_err(db)?;
            0
        };
        if version > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        for &(step, sql) in MIGRATIONS {
            if step > version {
                tx.batch_execute(sql).map_err(db)?;
                tx.execute(
                    "UPDATE meta SET value = $1 WHERE key = 'schema_version'",
                    &[&step.to_string()],
                )
                .map_err(db)?;
            }
        }
        tx.commit().map_err(db)
    }
}
