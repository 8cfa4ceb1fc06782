//! The workspace store on SQLite: one file (`./duizhang.db` unless told otherwise), WAL mode,
//! each operation one `BEGIN IMMEDIATE` transaction, so a second process waits for the first
//! (up to the busy timeout) instead of interleaving with it, and a kill at any moment leaves
//! the previous state whole.

#![forbid(unsafe_code)]

use std::path::Path;
use std::time::Duration;

use duizhang_store::backend::{Backend, RunRow, Tx};
use duizhang_store::codec::{self, APP_MARK, CASE_ORDER, SCHEMA_VERSION};
use duizhang_store::{
    Adjustment, Attachment, CaseEvent, CaseFilter, CaseRecord, Company, CompanyBooks, FileInfo,
    Member, NumberRange, OrderRef, PeriodClose, RunPayload, RunRecord, StoreError, User,
    VoucherBatch,
};
use duizhang_workflow::sync::{CaseKey, KnownCase};
use duizhang_workflow::{AuditEntry, ChainHead, NewAuditEntry, Role};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

/// The migrations, in order; migration `n` brings the schema to version `n`.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_workspace.sql"),
    include_str!("../migrations/0002_periods.sql"),
    include_str!("../migrations/0003_case_queue.sql"),
    include_str!("../migrations/0004_voucher_batches.sql"),
    include_str!("../migrations/0005_adjustments_attachments.sql"),
    include_str!("../migrations/0006_order_index.sql"),
    include_str!("../migrations/0007_run_metrics.sql"),
    include_str!("../migrations/0008_order_index_text.sql"),
    include_str!("../migrations/0009_voucher_numbers_company_books.sql"),
];

pub struct SqliteBackend {
    conn: Connection,
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
            backend.initialise()?;
        } else {
            backend.check_and_migrate()?;
        }
        backend
            .conn
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
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
    for (index, sql) in MIGRATIONS.iter().enumerate() {
        let version = i64::try_from(index).unwrap_or(i64::MAX) + 1;
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

impl Backend for SqliteBackend {
    fn begin(&mut self) -> Result<Box<dyn Tx + '_>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db)?;
        Ok(Box::new(SqliteTx { tx }))
    }
}

struct SqliteTx<'c> {
    tx: rusqlite::Transaction<'c>,
}

fn db(e: rusqlite::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

fn foreign(e: &rusqlite::Error) -> StoreError {
    StoreError::ForeignDatabase(e.to_string())
}

fn id_u64(id: i64) -> u64 {
    u64::try_from(id).unwrap_or_default()
}

fn id_i64(id: u64) -> i64 {
    i64::try_from(id).unwrap_or(i64::MAX)
}

const CASE_COLUMNS: &str = "id, period, code, shop, key, sku, severity, owner, state, working_role, \
     assignee, prepared_by, approved_by, resolution, closed_by_run, finding, due_at, created_at, updated_at";

fn case_row(row: &Row<'_>) -> rusqlite::Result<[Option<String>; 19]> {
    let mut out: [Option<String>; 19] = Default::default();
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = match row.get_ref(i)? {
            rusqlite::types::ValueRef::Null => None,
            rusqlite::types::ValueRef::Integer(n) => Some(n.to_string()),
            other => Some(other.as_str()?.to_string()),
        };
    }
    Ok(out)
}

/// A case from its 19 columns (in `CASE_COLUMNS` order), shared text form on both backends.
fn case_from(cells: [Option<String>; 19]) -> Result<CaseRecord, StoreError> {
    duizhang_store::codec::case_from_cells(cells)
}

impl Tx for SqliteTx<'_> {
    fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.tx.commit().map_err(db)
    }

    fn lock_company(&mut self, _company: i64) -> Result<(), StoreError> {
        Ok(()) // BEGIN IMMEDIATE already holds the database's write lock
    }

    fn refresh_case_statistics(&mut self) -> Result<(), StoreError> {
        self.tx.execute_batch("ANALYZE cases;").map_err(db)
    }

    fn insert_company(&mut self, name: &str, at: &str) -> Result<Company, StoreError> {
        self.tx
            .execute(
                "INSERT INTO companies (name, created_at) VALUES (?1, ?2)",
                params![name, at],
            )
            .map_err(db)?;
        Ok(Company {
            id: self.tx.last_insert_rowid(),
            name: name.to_string(),
            created_at: at.to_string(),
        })
    }

    fn company_by_name(&mut self, name: &str) -> Result<Option<Company>, StoreError> {
        self.tx
            .query_row(
                "SELECT id, name, created_at FROM companies WHERE name = ?1",
                params![name],
                |r| {
                    Ok(Company {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        created_at: r.get(2)?,
                    })
                },
            )
            .optional()
            .map_err(db)
    }

    fn companies(&mut self) -> Result<Vec<Company>, StoreError> {
        let mut stmt = self
            .tx
            .prepare("SELECT id, name, created_at FROM companies ORDER BY name")
            .map_err(db)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Company {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    created_at: r.get(2)?,
                })
            })
            .map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }

    fn insert_user(
        &mut self,
        login: &str,
        display_name: &str,
        password_hash: &str,
        at: &str,
    ) -> Result<User, StoreError> {
        self.tx
            .execute(
                "INSERT INTO users (login, display_name, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![login, display_name, password_hash, at],
            )
            .map_err(db)?;
        Ok(User {
            id: self.tx.last_insert_rowid(),
            login: login.to_string(),
            display_name: display_name.to_string(),
            created_at: at.to_string(),
        })
    }

    fn user_count(&mut self) -> Result<i64, StoreError> {
        self.tx
            .query_row("SELECT count(*) FROM users", [], |r| r.get(0))
            .map_err(db)
    }

    fn user_by_login(&mut self, login: &str) -> Result<Option<(User, String)>, StoreError> {
        self.tx
            .query_row(
                "SELECT id, login, display_name, created_at, password_hash FROM users WHERE login = ?1",
                params![login],
                |r| {
                    Ok((
                        User {
                            id: r.get(0)?,
                            login: r.get(1)?,
                            display_name: r.get(2)?,
                            created_at: r.get(3)?,
                        },
                        r.get(4)?,
                    ))
                },
            )
            .optional()
            .map_err(db)
    }

    fn set_roles(&mut self, company: i64, user: i64, roles: &[Role]) -> Result<(), StoreError> {
        if roles.is_empty() {
            self.tx
                .execute(
                    "DELETE FROM members WHERE company_id = ?1 AND user_id = ?2",
                    params![company, user],
                )
                .map_err(db)?;
        } else {
            self.tx
                .execute(
                    "INSERT INTO members (company_id, user_id, roles) VALUES (?1, ?2, ?3) \
                     ON CONFLICT (company_id, user_id) DO UPDATE SET roles = excluded.roles",
                    params![company, user, codec::roles_text(roles)],
                )
                .map_err(db)?;
        }
        Ok(())
    }

    fn roles(&mut self, company: i64, user: i64) -> Result<Vec<Role>, StoreError> {
        let text: Option<String> = self
            .tx
            .query_row(
                "SELECT roles FROM members WHERE company_id = ?1 AND user_id = ?2",
                params![company, user],
                |r| r.get(0),
            )
            .optional()
            .map_err(db)?;
        Ok(text.map(|t| codec::roles_parse(&t)).unwrap_or_default())
    }

    fn members(&mut self, company: i64) -> Result<Vec<Member>, StoreError> {
        let mut stmt = self
            .tx
            .prepare(
                "SELECT u.id, u.login, u.display_name, u.created_at, m.roles FROM members m \
                 JOIN users u ON u.id = m.user_id WHERE m.company_id = ?1 ORDER BY u.login",
            )
            .map_err(db)?;
        let rows = stmt
            .query_map(params![company], |r| {
                Ok(Member {
                    user: User {
                        id: r.get(0)?,
                        login: r.get(1)?,
                        display_name: r.get(2)?,
                        created_at: r.get(3)?,
                    },
                    roles: codec::roles_parse(&r.get::<_, String>(4)?),
                })
            })
            .map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }

    fn file_exists(&mut self, company: i64, sha256: &str) -> Result<bool, StoreError> {
        self.tx
            .query_row(
                "SELECT 1 FROM files WHERE company_id = ?1 AND sha256 = ?2",
                params![company, sha256],
                |_| Ok(()),
            )
            .optional()
            .map(|found| found.is_some())
            .map_err(db)
    }

    fn insert_file(
        &mut self,
        company: i64,
        file: &FileInfo,
        bytes: &[u8],
    ) -> Result<(), StoreError> {
        self.tx
            .execute(
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

    fn files(&mut self, company: i64) -> Result<Vec<FileInfo>, StoreError> {
        let mut stmt = self
            .tx
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

    fn file_bytes(&mut self, company: i64, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.tx
            .query_row(
                "SELECT bytes FROM files WHERE company_id = ?1 AND sha256 = ?2",
                params![company, sha256],
                |r| r.get(0),
            )
            .optional()
            .map_err(db)
    }

    fn insert_import(
        &mut self,
        company: i64,
        at: &str,
        actor: &str,
        period: &str,
        files: &[String],
    ) -> Result<i64, StoreError> {
        self.tx
            .execute(
                "INSERT INTO imports (company_id, at, actor, period, files) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![company, at, actor, period, codec::strings_text(files)],
            )
            .map_err(db)?;
        Ok(self.tx.last_insert_rowid())
    }

    fn files_for_period(&mut self, company: i64, period: &str) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .tx
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

    fn insert_order_refs(
        &mut self,
        company: i64,
        sha256: &str,
        refs: &[OrderRef],
    ) -> Result<(), StoreError> {
        // One prepared statement, many executions, inside the import's transaction.
        let mut stmt = self
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO order_index \
                 (company_id, order_no, sha256, part, line, kind, text) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .map_err(db)?;
        for r in refs {
            stmt.execute(params![
                company, r.order_no, sha256, r.part, r.line, r.kind, r.text
            ])
            .map_err(db)?;
        }
        Ok(())
    }

    fn order_refs(
        &mut self,
        company: i64,
        order_no: &str,
    ) -> Result<Vec<(String, OrderRef)>, StoreError> {
        let mut stmt = self
            .tx
            .prepare(
                "SELECT sha256, part, line, kind, text FROM order_index \
                 WHERE company_id = ?1 AND order_no = ?2 ORDER BY sha256, part, line",
            )
            .map_err(db)?;
        let rows = stmt
            .query_map(params![company, order_no], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    OrderRef {
                        order_no: order_no.to_string(),
                        part: r.get(1)?,
                        line: r.get(2)?,
                        kind: r.get(3)?,
                        text: r.get(4)?,
                    },
                ))
            })
            .map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }

    fn imported_periods(&mut self, company: i64) -> Result<Vec<(String, String)>, StoreError> {
        let mut stmt = self
            .tx
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

    fn insert_run(&mut self, company: i64, run: &RunRow<'_>) -> Result<i64, StoreError> {
        self.tx
            .execute(
                "INSERT INTO runs (company_id, period, at, actor, inputs, settings, program_version, \
                 summary, findings, finding_count, pending, metrics) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    company,
                    run.period,
                    run.at,
                    run.actor,
                    codec::strings_text(run.inputs),
                    run.settings,
                    run.program_version,
                    run.summary,
                    run.findings,
                    run.finding_count,
                    run.pending,
                    run.metrics
                ],
            )
            .map_err(db)?;
        Ok(self.tx.last_insert_rowid())
    }

    fn runs(&mut self, company: i64) -> Result<Vec<RunRecord>, StoreError> {
        let mut stmt = self
            .tx
            .prepare(
                "SELECT id, period, at, actor, inputs, program_version, finding_count, summary \
                 FROM runs WHERE company_id = ?1 ORDER BY id",
            )
            .map_err(db)?;
        let rows = stmt
            .query_map(params![company], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, i64>(6)?,
                    r.get::<_, String>(7)?,
                ))
            })
            .map_err(db)?;
        let mut out = Vec::new();
        for row in rows {
            let (id, period, at, actor, inputs, program_version, finding_count, summary) =
                row.map_err(db)?;
            out.push(RunRecord {
                id,
                period,
                at,
                actor,
                inputs: codec::strings_parse(&inputs)?,
                program_version,
                finding_count,
                summary,
            });
        }
        Ok(out)
    }

    fn run_payload(&mut self, company: i64, run: i64) -> Result<Option<RunPayload>, StoreError> {
        self.tx
            .query_row(
                "SELECT settings, summary, findings, pending, metrics FROM runs WHERE company_id = ?1 AND id = ?2",
                params![company, run],
                |r| {
                    Ok(RunPayload {
                        settings: r.get(0)?,
                        summary: r.get(1)?,
                        findings: r.get(2)?,
                        pending: r.get(3)?,
                        metrics: r.get(4)?,
                    })
                },
            )
            .optional()
            .map_err(db)
    }

    fn insert_voucher_batch(
        &mut self,
        company: i64,
        batch: &VoucherBatch,
        files: &[(String, Vec<u8>)],
    ) -> Result<(), StoreError> {
        self.tx
            .execute(
                "INSERT INTO voucher_batches (company_id, run_id, period, state, vouchers, debit_fen, \
                 prepared_by, prepared_at, approved_by, approved_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    company,
                    batch.run_id,
                    batch.period,
                    batch.state.code(),
                    batch.vouchers,
                    batch.debit_fen,
                    batch.prepared_by,
                    batch.prepared_at,
                    batch.approved_by,
                    batch.approved_at
                ],
            )
            .map_err(db)?;
        for (name, bytes) in files {
            self.tx
                .execute(
                    "INSERT INTO voucher_batch_files (company_id, run_id, name, bytes) \
                     VALUES (?1, ?2, ?3, ?4)",
                    params![company, batch.run_id, name, bytes],
                )
                .map_err(db)?;
        }
        Ok(())
    }

    fn voucher_batches(&mut self, company: i64) -> Result<Vec<VoucherBatch>, StoreError> {
        let mut stmt = self
            .tx
            .prepare(
                "SELECT run_id, period, state, vouchers, debit_fen, prepared_by, prepared_at, \
                 approved_by, approved_at FROM voucher_batches WHERE company_id = ?1 ORDER BY run_id",
            )
            .map_err(db)?;
        let rows = stmt
            .query_map(params![company], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, Option<String>>(7)?,
                    r.get::<_, Option<String>>(8)?,
                ))
            })
            .map_err(db)?;
        let mut out = Vec::new();
        for row in rows {
            let (
                run_id,
                period,
                state,
                vouchers,
                debit_fen,
                prepared_by,
                prepared_at,
                approved_by,
                approved_at,
            ) = row.map_err(db)?;
            out.push(codec::voucher_batch_from(
                run_id,
                period,
                &state,
                vouchers,
                debit_fen,
                prepared_by,
                prepared_at,
                approved_by,
                approved_at,
            )?);
        }
        Ok(out)
    }

    fn approve_voucher_batch(
        &mut self,
        company: i64,
        run: i64,
        by: &str,
        at: &str,
    ) -> Result<(), StoreError> {
        self.tx
            .execute(
                "UPDATE voucher_batches SET state = 'approved', approved_by = ?3, approved_at = ?4 \
                 WHERE company_id = ?1 AND run_id = ?2",
                params![company, run, by, at],
            )
            .map_err(db)?;
        Ok(())
    }

    fn insert_adjustment(
        &mut self,
        company: i64,
        adjustment: &Adjustment,
    ) -> Result<i64, StoreError> {
        let id: i64 = self
            .tx
            .query_row(
                "SELECT COALESCE(MAX(id), 0) + 1 FROM adjustments WHERE company_id = ?1",
                params![company],
                |r| r.get(0),
            )
            .map_err(db)?;
        let stored = Adjustment {
            id,
            ..adjustment.clone()
        };
        self.tx
            .execute(
                "INSERT INTO adjustments (company_id, id, case_id, period, word, number, state, body) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    company,
                    id,
                    id_i64(adjustment.case_id),
                    adjustment.period,
                    adjustment.word,
                    adjustment.number,
                    adjustment.state.code(),
                    codec::adjustment_body(&stored)?
                ],
            )
            .map_err(db)?;
        Ok(id)
    }

    fn adjustments(&mut self, company: i64) -> Result<Vec<Adjustment>, StoreError> {
        let mut stmt = self
            .tx
            .prepare("SELECT id, body FROM adjustments WHERE company_id = ?1 ORDER BY id")
            .map_err(db)?;
        let rows = stmt
            .query_map(params![company], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })
            .map_err(db)?;
        let mut out = Vec::new();
        for row in rows {
            let (id, body) = row.map_err(db)?;
            out.push(codec::adjustment_from(id, &body)?);
        }
        Ok(out)
    }

    fn update_adjustment(
        &mut self,
        company: i64,
        adjustment: &Adjustment,
    ) -> Result<(), StoreError> {
        self.tx
            .execute(
                "UPDATE adjustments SET state = ?3, body = ?4 WHERE company_id = ?1 AND id = ?2",
                params![
                    company,
                    adjustment.id,
                    adjustment.state.code(),
                    codec::adjustment_body(adjustment)?
                ],
            )
            .map_err(db)?;
        Ok(())
    }

    fn insert_attachment(
        &mut self,
        company: i64,
        attachment: &Attachment,
        bytes: &[u8],
    ) -> Result<(), StoreError> {
        self.tx
            .execute(
                "INSERT INTO attachment_blobs (company_id, sha256, bytes) VALUES (?1, ?2, ?3) \
                 ON CONFLICT DO NOTHING",
                params![company, attachment.sha256, bytes],
            )
            .map_err(db)?;
        self.tx
            .execute(
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

    fn attachments(&mut self, company: i64, case: u64) -> Result<Vec<Attachment>, StoreError> {
        let mut stmt = self
            .tx
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

    fn attachment_bytes(
        &mut self,
        company: i64,
        sha256: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        self.tx
            .query_row(
                "SELECT bytes FROM attachment_blobs WHERE company_id = ?1 AND sha256 = ?2",
                params![company, sha256],
                |r| r.get(0),
            )
            .optional()
            .map_err(db)
    }

    fn voucher_batch_files(
        &mut self,
        company: i64,
        run: i64,
    ) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let mut stmt = self
            .tx
            .prepare(
                "SELECT name, bytes FROM voucher_batch_files WHERE company_id = ?1 AND run_id = ?2 \
                 ORDER BY name",
            )
            .map_err(db)?;
        let rows = stmt
            .query_map(params![company, run], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(db)?;
        rows.map(|r| r.map_err(db)).collect()
    }

    fn insert_voucher_numbers(
        &mut self,
        company: i64,
        run: i64,
        numbers: &[NumberRange],
    ) -> Result<(), StoreError> {
        for r in numbers {
            self.tx
                .execute(
                    "INSERT INTO voucher_numbers (company_id, run_id, word, first_no, last_no) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![company, run, r.word, r.first, r.last],
                )
                .map_err(db)?;
        }
        Ok(())
    }

    fn voucher_numbers(&mut self, company: i64) -> Result<Vec<(i64, NumberRange)>, StoreError> {
        let mut stmt = self
            .tx
            .prepare(
                "SELECT run_id, word, first_no, last_no FROM voucher_numbers WHERE company_id = ?1 \
                 ORDER BY run_id, word, first_no",
            )
            .map_err(db)?;
        let rows = stmt
            .query_map(params![company], |r| {
                Ok((
                    r.get(0)?,
                    NumberRange {
                        word: r.get(1)?,
                        first: r.get(2)?,
                        last: r.get(3)?,
                    },
                ))
            })
            .map_err(db)?;
        rows.map(|r| r.map_err(db)).collect()
    }

    fn company_books(&mut self, company: i64) -> Result<Option<CompanyBooks>, StoreError> {
        self.tx
            .query_row(
                "SELECT toml, set_by, set_at FROM company_books WHERE company_id = ?1",
                params![company],
                |r| {
                    Ok(CompanyBooks {
                        toml: r.get(0)?,
                        set_by: r.get(1)?,
                        set_at: r.get(2)?,
                    })
                },
            )
            .optional()
            .map_err(db)
    }

    fn put_company_books(&mut self, company: i64, books: &CompanyBooks) -> Result<(), StoreError> {
        self.tx
            .execute(
                "INSERT INTO company_books (company_id, toml, set_by, set_at) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (company_id) DO UPDATE SET toml = excluded.toml, \
                 set_by = excluded.set_by, set_at = excluded.set_at",
                params![company, books.toml, books.set_by, books.set_at],
            )
            .map_err(db)?;
        Ok(())
    }

    fn period_close(
        &mut self,
        company: i64,
        period: &str,
    ) -> Result<Option<PeriodClose>, StoreError> {
        let row = self
            .tx
            .query_row(
                "SELECT period, state, prepared_by, prepared_at, approved_by, approved_at, \
                 audit_head_seq, audit_head_hash FROM periods WHERE company_id = ?1 AND period = ?2",
                params![company, period],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, Option<String>>(5)?,
                        r.get::<_, Option<i64>>(6)?,
                        r.get::<_, Option<String>>(7)?,
                    ))
                },
            )
            .optional()
            .map_err(db)?;
        row.map(
            |(period, state, prepared_by, prepared_at, approved_by, approved_at, seq, hash)| {
                codec::period_close_from(
                    period,
                    &state,
                    prepared_by,
                    prepared_at,
                    approved_by,
                    approved_at,
                    seq,
                    hash,
                )
            },
        )
        .transpose()
    }

    fn put_period_close(&mut self, company: i64, close: &PeriodClose) -> Result<(), StoreError> {
        let (seq, hash) = codec::head_columns(close.audit_head.as_ref());
        self.tx
            .execute(
                "INSERT INTO periods (company_id, period, state, prepared_by, prepared_at, approved_by, \
                 approved_at, audit_head_seq, audit_head_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) \
                 ON CONFLICT (company_id, period) DO UPDATE SET state = excluded.state, \
                 prepared_by = excluded.prepared_by, prepared_at = excluded.prepared_at, \
                 approved_by = excluded.approved_by, approved_at = excluded.approved_at, \
                 audit_head_seq = excluded.audit_head_seq, audit_head_hash = excluded.audit_head_hash",
                params![
                    company,
                    close.period,
                    close.state.code(),
                    close.prepared_by,
                    close.prepared_at,
                    close.approved_by,
                    close.approved_at,
                    seq,
                    hash
                ],
            )
            .map_err(db)?;
        Ok(())
    }

    fn known_cases(&mut self, company: i64, period: &str) -> Result<Vec<KnownCase>, StoreError> {
        let mut stmt = self
            .tx
            .prepare(
                "SELECT id, period, code, shop, key, sku, state, closed_by_run, expected_fen, \
                 actual_fen, diff_fen FROM cases WHERE company_id = ?1 AND period = ?2",
            )
            .map_err(db)?;
        let rows = stmt
            .query_map(params![company, period], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    CaseKey {
                        period: r.get(1)?,
                        code: r.get(2)?,
                        shop: r.get(3)?,
                        key: r.get(4)?,
                        sku: r.get(5)?,
                    },
                    r.get::<_, String>(6)?,
                    r.get::<_, i64>(7)?,
                    (r.get(8)?, r.get(9)?, r.get(10)?),
                ))
            })
            .map_err(db)?;
        let mut out = Vec::new();
        for row in rows {
            let (id, key, state, closed_by_run, amounts) = row.map_err(db)?;
            out.push(KnownCase {
                id: id_u64(id),
                key,
                state: codec::state_parse(&state)?,
                closed_by_run: closed_by_run != 0,
                amounts,
            });
        }
        Ok(out)
    }

    fn insert_case(&mut self, company: i64, case: &CaseRecord) -> Result<u64, StoreError> {
        let f = &case.facts;
        self.tx
            .execute(
                "INSERT INTO cases (company_id, period, code, shop, key, sku, severity, severity_rank, \
                 owner, state, working_role, assignee, prepared_by, approved_by, resolution, \
                 closed_by_run, expected_fen, actual_fen, diff_fen, finding, due_at, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, \
                 ?18, ?19, ?20, ?21, ?22, ?23)",
                params![
                    company,
                    case.period,
                    case.code,
                    case.shop,
                    case.key,
                    case.sku,
                    codec::severity_code(case.severity),
                    codec::severity_rank(case.severity),
                    codec::owner_code(case.owner),
                    f.state.code(),
                    f.working_role.code(),
                    f.assignee,
                    f.prepared_by,
                    f.approved_by,
                    codec::resolution_text(&f.resolution),
                    i64::from(f.closed_by_run),
                    case.finding.expected_fen,
                    case.finding.actual_fen,
                    case.finding.diff_fen,
                    codec::finding_text(&case.finding),
                    case.due_at,
                    case.created_at,
                    case.updated_at
                ],
            )
            .map_err(db)?;
        Ok(id_u64(self.tx.last_insert_rowid()))
    }

    fn update_case(&mut self, company: i64, case: &CaseRecord) -> Result<(), StoreError> {
        let f = &case.facts;
        let changed = self
            .tx
            .execute(
                "UPDATE cases SET state = ?3, working_role = ?4, assignee = ?5, prepared_by = ?6, \
                 approved_by = ?7, resolution = ?8, closed_by_run = ?9, expected_fen = ?10, \
                 actual_fen = ?11, diff_fen = ?12, finding = ?13, updated_at = ?14 \
                 WHERE company_id = ?1 AND id = ?2",
                params![
                    company,
                    id_i64(case.id),
                    f.state.code(),
                    f.working_role.code(),
                    f.assignee,
                    f.prepared_by,
                    f.approved_by,
                    codec::resolution_text(&f.resolution),
                    i64::from(f.closed_by_run),
                    case.finding.expected_fen,
                    case.finding.actual_fen,
                    case.finding.diff_fen,
                    codec::finding_text(&case.finding),
                    case.updated_at
                ],
            )
            .map_err(db)?;
        if changed == 1 {
            Ok(())
        } else {
            Err(StoreError::UnknownCase(case.id))
        }
    }

    fn case(&mut self, company: i64, id: u64) -> Result<Option<CaseRecord>, StoreError> {
        let sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE company_id = ?1 AND id = ?2");
        let cells = self
            .tx
            .query_row(&sql, params![company, id_i64(id)], case_row)
            .optional()
            .map_err(db)?;
        cells.map(case_from).transpose()
    }

    fn list_cases(
        &mut self,
        company: i64,
        filter: &CaseFilter,
    ) -> Result<Vec<CaseRecord>, StoreError> {
        let (conditions, values) = codec::case_conditions(filter, |n| format!("?{n}"));
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM cases WHERE company_id = ?1{conditions} ORDER BY {CASE_ORDER} \
             LIMIT {} OFFSET {}",
            filter.limit.unwrap_or(100),
            filter.offset.unwrap_or(0)
        );
        let mut stmt = self.tx.prepare(&sql).map_err(db)?;
        let mut bound: Vec<&dyn rusqlite::ToSql> = vec![&company];
        for value in &values {
            bound.push(value);
        }
        let rows = stmt.query_map(bound.as_slice(), case_row).map_err(db)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(case_from(row.map_err(db)?)?);
        }
        Ok(out)
    }

    fn insert_case_event(
        &mut self,
        company: i64,
        case: u64,
        event: &CaseEvent,
    ) -> Result<(), StoreError> {
        self.tx
            .execute(
                "INSERT INTO case_events (company_id, case_id, at, actor, action, from_state, to_state, note) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    company,
                    id_i64(case),
                    event.at,
                    event.actor,
                    event.action,
                    event.from.map(|s| s.code()),
                    event.to.code(),
                    event.note
                ],
            )
            .map_err(db)?;
        Ok(())
    }

    fn case_events(&mut self, company: i64, case: u64) -> Result<Vec<CaseEvent>, StoreError> {
        let mut stmt = self
            .tx
            .prepare(
                "SELECT at, actor, action, from_state, to_state, note FROM case_events \
                 WHERE company_id = ?1 AND case_id = ?2 ORDER BY id",
            )
            .map_err(db)?;
        let rows = stmt
            .query_map(params![company, id_i64(case)], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })
            .map_err(db)?;
        let mut out = Vec::new();
        for row in rows {
            let (at, actor, action, from, to, note) = row.map_err(db)?;
            out.push(CaseEvent {
                at,
                actor,
                action,
                from: from.map(|s| codec::state_parse(&s)).transpose()?,
                to: codec::state_parse(&to)?,
                note,
            });
        }
        Ok(out)
    }

    fn audit_head(&mut self, chain: i64) -> Result<ChainHead, StoreError> {
        let head = self
            .tx
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

    fn insert_audit(&mut self, chain: i64, entry: &AuditEntry) -> Result<(), StoreError> {
        let e = &entry.entry;
        self.tx
            .execute(
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

    fn audit_log(&mut self, chain: i64) -> Result<Vec<AuditEntry>, StoreError> {
        let mut stmt = self
            .tx
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
}
