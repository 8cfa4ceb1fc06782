//! The workspace store on PostgreSQL, by URL (`postgres://user@host/db`). Each operation is
//! one transaction; writers of one company are serialised by a transaction-scoped advisory
//! lock, so two processes running the same company queue instead of interleaving.

#![forbid(unsafe_code)]

use duizhang_store::backend::{Backend, RunRow, Tx};
use duizhang_store::codec::{self, APP_MARK, CASE_ORDER, SCHEMA_VERSION};
use duizhang_store::{
    Adjustment, Attachment, CaseEvent, CaseFilter, CaseRecord, Company, CompanyBooks, FileInfo,
    Member, NumberRange, OrderRef, PeriodClose, RunPayload, RunRecord, StoreError, User,
    VoucherBatch,
};
use duizhang_workflow::sync::{CaseKey, KnownCase};
use duizhang_workflow::{AuditEntry, ChainHead, NewAuditEntry, Role};
use postgres::types::ToSql;
use postgres::{Client, NoTls, Row};

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

/// Namespaces the advisory locks of this program (the first key of the two-key form).
const LOCK_SPACE: i32 = 0x0064_7a68; // "dzh"

pub struct PostgresBackend {
    client: Client,
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
        for (index, sql) in MIGRATIONS.iter().enumerate() {
            let step = i64::try_from(index).unwrap_or(i64::MAX) + 1;
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

impl Backend for PostgresBackend {
    fn begin(&mut self) -> Result<Box<dyn Tx + '_>, StoreError> {
        let tx = self.client.transaction().map_err(db)?;
        Ok(Box::new(PgTx { tx }))
    }
}

struct PgTx<'c> {
    tx: postgres::Transaction<'c>,
}

fn db(e: postgres::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

fn id_u64(id: i64) -> u64 {
    u64::try_from(id).unwrap_or_default()
}

fn id_i64(id: u64) -> i64 {
    i64::try_from(id).unwrap_or(i64::MAX)
}

const CASE_COLUMNS: &str = "id::text, period, code, shop, key, sku, severity, owner, state, working_role, \
     assignee, prepared_by, approved_by, resolution, closed_by_run::text, finding, due_at, created_at, updated_at";

fn case_from(row: &Row) -> Result<CaseRecord, StoreError> {
    let mut cells: [Option<String>; 19] = Default::default();
    for (i, cell) in cells.iter_mut().enumerate() {
        *cell = row.try_get(i).map_err(db)?;
    }
    codec::case_from_cells(cells)
}

fn company_of(row: &Row) -> Company {
    Company {
        id: row.get(0),
        name: row.get(1),
        created_at: row.get(2),
    }
}

fn user_of(row: &Row) -> User {
    User {
        id: row.get(0),
        login: row.get(1),
        display_name: row.get(2),
        created_at: row.get(3),
    }
}

impl Tx for PgTx<'_> {
    fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.tx.commit().map_err(db)
    }

    fn lock_company(&mut self, company: i64) -> Result<(), StoreError> {
        let key = i32::try_from(company.rem_euclid(i64::from(i32::MAX))).unwrap_or_default();
        self.tx
            .execute("SELECT pg_advisory_xact_lock($1, $2)", &[&LOCK_SPACE, &key])
            .map_err(db)?;
        Ok(())
    }

    fn refresh_case_statistics(&mut self) -> Result<(), StoreError> {
        self.tx.batch_execute("ANALYZE cases").map_err(db)
    }

    fn insert_company(&mut self, name: &str, at: &str) -> Result<Company, StoreError> {
        let row = self
            .tx
            .query_one(
                "INSERT INTO companies (name, created_at) VALUES ($1, $2) RETURNING id, name, created_at",
                &[&name, &at],
            )
            .map_err(db)?;
        Ok(company_of(&row))
    }

    fn company_by_name(&mut self, name: &str) -> Result<Option<Company>, StoreError> {
        let row = self
            .tx
            .query_opt(
                "SELECT id, name, created_at FROM companies WHERE name = $1",
                &[&name],
            )
            .map_err(db)?;
        Ok(row.as_ref().map(company_of))
    }

    fn companies(&mut self) -> Result<Vec<Company>, StoreError> {
        let rows = self
            .tx
            .query(
                "SELECT id, name, created_at FROM companies ORDER BY name",
                &[],
            )
            .map_err(db)?;
        Ok(rows.iter().map(company_of).collect())
    }

    fn insert_user(
        &mut self,
        login: &str,
        display_name: &str,
        password_hash: &str,
        at: &str,
    ) -> Result<User, StoreError> {
        let row = self
            .tx
            .query_one(
                "INSERT INTO users (login, display_name, password_hash, created_at) \
                 VALUES ($1, $2, $3, $4) RETURNING id, login, display_name, created_at",
                &[&login, &display_name, &password_hash, &at],
            )
            .map_err(db)?;
        Ok(user_of(&row))
    }

    fn user_count(&mut self) -> Result<i64, StoreError> {
        Ok(self
            .tx
            .query_one("SELECT count(*) FROM users", &[])
            .map_err(db)?
            .get(0))
    }

    fn user_by_login(&mut self, login: &str) -> Result<Option<(User, String)>, StoreError> {
        let row = self
            .tx
            .query_opt(
                "SELECT id, login, display_name, created_at, password_hash FROM users WHERE login = $1",
                &[&login],
            )
            .map_err(db)?;
        Ok(row.map(|r| (user_of(&r), r.get(4))))
    }

    fn set_roles(&mut self, company: i64, user: i64, roles: &[Role]) -> Result<(), StoreError> {
        if roles.is_empty() {
            self.tx
                .execute(
                    "DELETE FROM members WHERE company_id = $1 AND user_id = $2",
                    &[&company, &user],
                )
                .map_err(db)?;
        } else {
            self.tx
                .execute(
                    "INSERT INTO members (company_id, user_id, roles) VALUES ($1, $2, $3) \
                     ON CONFLICT (company_id, user_id) DO UPDATE SET roles = excluded.roles",
                    &[&company, &user, &codec::roles_text(roles)],
                )
                .map_err(db)?;
        }
        Ok(())
    }

    fn roles(&mut self, company: i64, user: i64) -> Result<Vec<Role>, StoreError> {
        let row = self
            .tx
            .query_opt(
                "SELECT roles FROM members WHERE company_id = $1 AND user_id = $2",
                &[&company, &user],
            )
            .map_err(db)?;
        Ok(row
            .map(|r| codec::roles_parse(&r.get::<_, String>(0)))
            .unwrap_or_default())
    }

    fn members(&mut self, company: i64) -> Result<Vec<Member>, StoreError> {
        let rows = self
            .tx
            .query(
                "SELECT u.id, u.login, u.display_name, u.created_at, m.roles FROM members m \
                 JOIN users u ON u.id = m.user_id WHERE m.company_id = $1 ORDER BY u.login",
                &[&company],
            )
            .map_err(db)?;
        Ok(rows
            .iter()
            .map(|r| Member {
                user: user_of(r),
                roles: codec::roles_parse(&r.get::<_, String>(4)),
            })
            .collect())
    }

    fn file_exists(&mut self, company: i64, sha256: &str) -> Result<bool, StoreError> {
        let row = self
            .tx
            .query_opt(
                "SELECT 1 FROM files WHERE company_id = $1 AND sha256 = $2",
                &[&company, &sha256],
            )
            .map_err(db)?;
        Ok(row.is_some())
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

    fn files(&mut self, company: i64) -> Result<Vec<FileInfo>, StoreError> {
        let rows = self
            .tx
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

    fn file_bytes(&mut self, company: i64, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let row = self
            .tx
            .query_opt(
                "SELECT bytes FROM files WHERE company_id = $1 AND sha256 = $2",
                &[&company, &sha256],
            )
            .map_err(db)?;
        Ok(row.map(|r| r.get(0)))
    }

    fn insert_import(
        &mut self,
        company: i64,
        at: &str,
        actor: &str,
        period: &str,
        files: &[String],
    ) -> Result<i64, StoreError> {
        let row = self
            .tx
            .query_one(
                "INSERT INTO imports (company_id, at, actor, period, files) VALUES ($1, $2, $3, $4, $5) \
                 RETURNING id",
                &[&company, &at, &actor, &period, &codec::strings_text(files)],
            )
            .map_err(db)?;
        Ok(row.get(0))
    }

    fn files_for_period(&mut self, company: i64, period: &str) -> Result<Vec<String>, StoreError> {
        let rows = self
            .tx
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

    fn insert_order_refs(
        &mut self,
        company: i64,
        sha256: &str,
        refs: &[OrderRef],
    ) -> Result<(), StoreError> {
        // Multi-row INSERTs of up to ROWS rows: one round trip per chunk instead of per row.
        const ROWS: usize = 2_000;
        for chunk in refs.chunks(ROWS) {
            let mut sql = String::from(
                "INSERT INTO order_index (company_id, order_no, sha256, part, line, kind, text) \
                 VALUES ",
            );
            let mut params: Vec<&(dyn ToSql + Sync)> = vec![&company, &sha256];
            for (i, r) in chunk.iter().enumerate() {
                let base = 3 + i * 5;
                if i > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!(
                    "($1, ${}, $2, ${}, ${}, ${}, ${})",
                    base,
                    base + 1,
                    base + 2,
                    base + 3,
                    base + 4
                ));
                params.push(&r.order_no);
                params.push(&r.part);
                params.push(&r.line);
                params.push(&r.kind);
                params.push(&r.text);
            }
            sql.push_str(" ON CONFLICT DO NOTHING");
            self.tx.execute(sql.as_str(), &params).map_err(db)?;
        }
        Ok(())
    }

    fn order_refs(
        &mut self,
        company: i64,
        order_no: &str,
    ) -> Result<Vec<(String, OrderRef)>, StoreError> {
        let rows = self
            .tx
            .query(
                "SELECT sha256, part, line, kind, text FROM order_index \
                 WHERE company_id = $1 AND order_no = $2 ORDER BY sha256, part, line",
                &[&company, &order_no],
            )
            .map_err(db)?;
        Ok(rows
            .iter()
            .map(|r| {
                (
                    r.get(0),
                    OrderRef {
                        order_no: order_no.to_string(),
                        part: r.get(1),
                        line: r.get(2),
                        kind: r.get(3),
                        text: r.get(4),
                    },
                )
            })
            .collect())
    }

    fn imported_periods(&mut self, company: i64) -> Result<Vec<(String, String)>, StoreError> {
        let rows = self
            .tx
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

    fn insert_run(&mut self, company: i64, run: &RunRow<'_>) -> Result<i64, StoreError> {
        let row = self
            .tx
            .query_one(
                "INSERT INTO runs (company_id, period, at, actor, inputs, settings, program_version, \
                 summary, findings, finding_count, pending, metrics) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                &[
                    &company,
                    &run.period,
                    &run.at,
                    &run.actor,
                    &codec::strings_text(run.inputs),
                    &run.settings,
                    &run.program_version,
                    &run.summary,
                    &run.findings,
                    &run.finding_count,
                    &run.pending,
                    &run.metrics,
                ],
            )
            .map_err(db)?;
        Ok(row.get(0))
    }

    fn runs(&mut self, company: i64) -> Result<Vec<RunRecord>, StoreError> {
        let rows = self
            .tx
            .query(
                "SELECT id, period, at, actor, inputs, program_version, finding_count, summary \
                 FROM runs WHERE company_id = $1 ORDER BY id",
                &[&company],
            )
            .map_err(db)?;
        rows.iter()
            .map(|r| {
                Ok(RunRecord {
                    id: r.get(0),
                    period: r.get(1),
                    at: r.get(2),
                    actor: r.get(3),
                    inputs: codec::strings_parse(&r.get::<_, String>(4))?,
                    program_version: r.get(5),
                    finding_count: r.get(6),
                    summary: r.get(7),
                })
            })
            .collect()
    }

    fn run_payload(&mut self, company: i64, run: i64) -> Result<Option<RunPayload>, StoreError> {
        let row = self
            .tx
            .query_opt(
                "SELECT settings, summary, findings, pending, metrics FROM runs WHERE company_id = $1 AND id = $2",
                &[&company, &run],
            )
            .map_err(db)?;
        Ok(row.map(|r| RunPayload {
            settings: r.get(0),
            summary: r.get(1),
            findings: r.get(2),
            pending: r.get(3),
            metrics: r.get(4),
        }))
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
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                &[
                    &company,
                    &batch.run_id,
                    &batch.period,
                    &batch.state.code(),
                    &batch.vouchers,
                    &batch.debit_fen,
                    &batch.prepared_by,
                    &batch.prepared_at,
                    &batch.approved_by,
                    &batch.approved_at,
                ],
            )
            .map_err(db)?;
        for (name, bytes) in files {
            self.tx
                .execute(
                    "INSERT INTO voucher_batch_files (company_id, run_id, name, bytes) \
                     VALUES ($1, $2, $3, $4)",
                    &[&company, &batch.run_id, name, bytes],
                )
                .map_err(db)?;
        }
        Ok(())
    }

    fn voucher_batches(&mut self, company: i64) -> Result<Vec<VoucherBatch>, StoreError> {
        let rows = self
            .tx
            .query(
                "SELECT run_id, period, state, vouchers, debit_fen, prepared_by, prepared_at, \
                 approved_by, approved_at FROM voucher_batches WHERE company_id = $1 ORDER BY run_id",
                &[&company],
            )
            .map_err(db)?;
        rows.iter()
            .map(|r| {
                codec::voucher_batch_from(
                    r.get(0),
                    r.get(1),
                    r.get::<_, &str>(2),
                    r.get(3),
                    r.get(4),
                    r.get(5),
                    r.get(6),
                    r.get(7),
                    r.get(8),
                )
            })
            .collect()
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
                "UPDATE voucher_batches SET state = 'approved', approved_by = $3, approved_at = $4 \
                 WHERE company_id = $1 AND run_id = $2",
                &[&company, &run, &by, &at],
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
            .query_one(
                "SELECT COALESCE(MAX(id), 0) + 1 FROM adjustments WHERE company_id = $1",
                &[&company],
            )
            .map_err(db)?
            .get(0);
        let stored = Adjustment {
            id,
            ..adjustment.clone()
        };
        self.tx
            .execute(
                "INSERT INTO adjustments (company_id, id, case_id, period, word, number, state, body) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                &[
                    &company,
                    &id,
                    &id_i64(adjustment.case_id),
                    &adjustment.period,
                    &adjustment.word,
                    &adjustment.number,
                    &adjustment.state.code(),
                    &codec::adjustment_body(&stored)?,
                ],
            )
            .map_err(db)?;
        Ok(id)
    }

    fn adjustments(&mut self, company: i64) -> Result<Vec<Adjustment>, StoreError> {
        let rows = self
            .tx
            .query(
                "SELECT id, body FROM adjustments WHERE company_id = $1 ORDER BY id",
                &[&company],
            )
            .map_err(db)?;
        rows.iter()
            .map(|r| codec::adjustment_from(r.get(0), r.get::<_, &str>(1)))
            .collect()
    }

    fn update_adjustment(
        &mut self,
        company: i64,
        adjustment: &Adjustment,
    ) -> Result<(), StoreError> {
        self.tx
            .execute(
                "UPDATE adjustments SET state = $3, body = $4 WHERE company_id = $1 AND id = $2",
                &[
                    &company,
                    &adjustment.id,
                    &adjustment.state.code(),
                    &codec::adjustment_body(adjustment)?,
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
                "INSERT INTO attachment_blobs (company_id, sha256, bytes) VALUES ($1, $2, $3) \
                 ON CONFLICT DO NOTHING",
                &[&company, &attachment.sha256, &bytes],
            )
            .map_err(db)?;
        self.tx
            .execute(
                "INSERT INTO case_attachments (company_id, case_id, n, name, sha256, size, \
                 added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                &[
                    &company,
                    &id_i64(attachment.case_id),
                    &attachment.n,
                    &attachment.name,
                    &attachment.sha256,
                    &attachment.size,
                    &attachment.added_by,
                    &attachment.added_at,
                ],
            )
            .map_err(db)?;
        Ok(())
    }

    fn attachments(&mut self, company: i64, case: u64) -> Result<Vec<Attachment>, StoreError> {
        let rows = self
            .tx
            .query(
                "SELECT n, name, sha256, size, added_by, added_at FROM case_attachments \
                 WHERE company_id = $1 AND case_id = $2 ORDER BY n",
                &[&company, &id_i64(case)],
            )
            .map_err(db)?;
        Ok(rows
            .iter()
            .map(|r| Attachment {
                case_id: case,
                n: r.get(0),
                name: r.get(1),
                sha256: r.get(2),
                size: r.get(3),
                added_by: r.get(4),
                added_at: r.get(5),
            })
            .collect())
    }

    fn attachment_bytes(
        &mut self,
        company: i64,
        sha256: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let row = self
            .tx
            .query_opt(
                "SELECT bytes FROM attachment_blobs WHERE company_id = $1 AND sha256 = $2",
                &[&company, &sha256],
            )
            .map_err(db)?;
        Ok(row.map(|r| r.get(0)))
    }

    fn voucher_batch_files(
        &mut self,
        company: i64,
        run: i64,
    ) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let rows = self
            .tx
            .query(
                "SELECT name, bytes FROM voucher_batch_files WHERE company_id = $1 AND run_id = $2 \
                 ORDER BY name",
                &[&company, &run],
            )
            .map_err(db)?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
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
                     VALUES ($1, $2, $3, $4, $5)",
                    &[&company, &run, &r.word, &r.first, &r.last],
                )
                .map_err(db)?;
        }
        Ok(())
    }

    fn voucher_numbers(&mut self, company: i64) -> Result<Vec<(i64, NumberRange)>, StoreError> {
        let rows = self
            .tx
            .query(
                "SELECT run_id, word, first_no, last_no FROM voucher_numbers WHERE company_id = $1 \
                 ORDER BY run_id, word, first_no",
                &[&company],
            )
            .map_err(db)?;
        Ok(rows
            .iter()
            .map(|r| {
                (
                    r.get(0),
                    NumberRange {
                        word: r.get(1),
                        first: r.get(2),
                        last: r.get(3),
                    },
                )
            })
            .collect())
    }

    fn company_books(&mut self, company: i64) -> Result<Option<CompanyBooks>, StoreError> {
        let row = self
            .tx
            .query_opt(
                "SELECT toml, set_by, set_at FROM company_books WHERE company_id = $1",
                &[&company],
            )
            .map_err(db)?;
        Ok(row.map(|r| CompanyBooks {
            toml: r.get(0),
            set_by: r.get(1),
            set_at: r.get(2),
        }))
    }

    fn put_company_books(&mut self, company: i64, books: &CompanyBooks) -> Result<(), StoreError> {
        self.tx
            .execute(
                "INSERT INTO company_books (company_id, toml, set_by, set_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (company_id) DO UPDATE SET toml = excluded.toml, \
                 set_by = excluded.set_by, set_at = excluded.set_at",
                &[&company, &books.toml, &books.set_by, &books.set_at],
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
            .query_opt(
                "SELECT period, state, prepared_by, prepared_at, approved_by, approved_at, \
                 audit_head_seq, audit_head_hash FROM periods WHERE company_id = $1 AND period = $2",
                &[&company, &period],
            )
            .map_err(db)?;
        row.map(|r| {
            codec::period_close_from(
                r.get(0),
                &r.get::<_, String>(1),
                r.get(2),
                r.get(3),
                r.get(4),
                r.get(5),
                r.get(6),
                r.get(7),
            )
        })
        .transpose()
    }

    fn put_period_close(&mut self, company: i64, close: &PeriodClose) -> Result<(), StoreError> {
        let (seq, hash) = codec::head_columns(close.audit_head.as_ref());
        self.tx
            .execute(
                "INSERT INTO periods (company_id, period, state, prepared_by, prepared_at, approved_by, \
                 approved_at, audit_head_seq, audit_head_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 ON CONFLICT (company_id, period) DO UPDATE SET state = excluded.state, \
                 prepared_by = excluded.prepared_by, prepared_at = excluded.prepared_at, \
                 approved_by = excluded.approved_by, approved_at = excluded.approved_at, \
                 audit_head_seq = excluded.audit_head_seq, audit_head_hash = excluded.audit_head_hash",
                &[
                    &company,
                    &close.period,
                    &close.state.code(),
                    &close.prepared_by,
                    &close.prepared_at,
                    &close.approved_by,
                    &close.approved_at,
                    &seq,
                    &hash,
                ],
            )
            .map_err(db)?;
        Ok(())
    }

    fn known_cases(&mut self, company: i64, period: &str) -> Result<Vec<KnownCase>, StoreError> {
        let rows = self
            .tx
            .query(
                "SELECT id, period, code, shop, key, sku, state, closed_by_run, expected_fen, \
                 actual_fen, diff_fen FROM cases WHERE company_id = $1 AND period = $2",
                &[&company, &period],
            )
            .map_err(db)?;
        rows.iter()
            .map(|r| {
                Ok(KnownCase {
                    id: id_u64(r.get(0)),
                    key: CaseKey {
                        period: r.get(1),
                        code: r.get(2),
                        shop: r.get(3),
                        key: r.get(4),
                        sku: r.get(5),
                    },
                    state: codec::state_parse(&r.get::<_, String>(6))?,
                    closed_by_run: r.get::<_, i64>(7) != 0,
                    amounts: (r.get(8), r.get(9), r.get(10)),
                })
            })
            .collect()
    }

    fn insert_case(&mut self, company: i64, case: &CaseRecord) -> Result<u64, StoreError> {
        let f = &case.facts;
        let row = self
            .tx
            .query_one(
                "INSERT INTO cases (company_id, period, code, shop, key, sku, severity, severity_rank, \
                 owner, state, working_role, assignee, prepared_by, approved_by, resolution, \
                 closed_by_run, expected_fen, actual_fen, diff_fen, finding, due_at, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
                 $18, $19, $20, $21, $22, $23) RETURNING id",
                &[
                    &company,
                    &case.period,
                    &case.code,
                    &case.shop,
                    &case.key,
                    &case.sku,
                    &codec::severity_code(case.severity),
                    &codec::severity_rank(case.severity),
                    &codec::owner_code(case.owner),
                    &f.state.code(),
                    &f.working_role.code(),
                    &f.assignee,
                    &f.prepared_by,
                    &f.approved_by,
                    &codec::resolution_text(&f.resolution),
                    &i64::from(f.closed_by_run),
                    &case.finding.expected_fen,
                    &case.finding.actual_fen,
                    &case.finding.diff_fen,
                    &codec::finding_text(&case.finding),
                    &case.due_at,
                    &case.created_at,
                    &case.updated_at,
                ],
            )
            .map_err(db)?;
        Ok(id_u64(row.get(0)))
    }

    fn update_case(&mut self, company: i64, case: &CaseRecord) -> Result<(), StoreError> {
        let f = &case.facts;
        let changed = self
            .tx
            .execute(
                "UPDATE cases SET state = $3, working_role = $4, assignee = $5, prepared_by = $6, \
                 approved_by = $7, resolution = $8, closed_by_run = $9, expected_fen = $10, \
                 actual_fen = $11, diff_fen = $12, finding = $13, updated_at = $14 \
                 WHERE company_id = $1 AND id = $2",
                &[
                    &company,
                    &id_i64(case.id),
                    &f.state.code(),
                    &f.working_role.code(),
                    &f.assignee,
                    &f.prepared_by,
                    &f.approved_by,
                    &codec::resolution_text(&f.resolution),
                    &i64::from(f.closed_by_run),
                    &case.finding.expected_fen,
                    &case.finding.actual_fen,
                    &case.finding.diff_fen,
                    &codec::finding_text(&case.finding),
                    &case.updated_at,
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
        let sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE company_id = $1 AND id = $2");
        let row = self
            .tx
            .query_opt(&sql, &[&company, &id_i64(id)])
            .map_err(db)?;
        row.as_ref().map(case_from).transpose()
    }

    fn list_cases(
        &mut self,
        company: i64,
        filter: &CaseFilter,
    ) -> Result<Vec<CaseRecord>, StoreError> {
        let (conditions, values) = codec::case_conditions(filter, |n| format!("${n}"));
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM cases WHERE company_id = $1{conditions} ORDER BY {CASE_ORDER} \
             LIMIT {} OFFSET {}",
            filter.limit.unwrap_or(100),
            filter.offset.unwrap_or(0)
        );
        let mut bound: Vec<&(dyn ToSql + Sync)> = vec![&company];
        for value in &values {
            bound.push(value);
        }
        let rows = self.tx.query(&sql, &bound).map_err(db)?;
        rows.iter().map(case_from).collect()
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
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                &[
                    &company,
                    &id_i64(case),
                    &event.at,
                    &event.actor,
                    &event.action,
                    &event.from.map(|s| s.code()),
                    &event.to.code(),
                    &event.note,
                ],
            )
            .map_err(db)?;
        Ok(())
    }

    fn case_events(&mut self, company: i64, case: u64) -> Result<Vec<CaseEvent>, StoreError> {
        let rows = self
            .tx
            .query(
                "SELECT at, actor, action, from_state, to_state, note FROM case_events \
                 WHERE company_id = $1 AND case_id = $2 ORDER BY id",
                &[&company, &id_i64(case)],
            )
            .map_err(db)?;
        rows.iter()
            .map(|r| {
                Ok(CaseEvent {
                    at: r.get(0),
                    actor: r.get(1),
                    action: r.get(2),
                    from: r
                        .get::<_, Option<String>>(3)
                        .map(|s| codec::state_parse(&s))
                        .transpose()?,
                    to: codec::state_parse(&r.get::<_, String>(4))?,
                    note: r.get(5),
                })
            })
            .collect()
    }

    fn audit_head(&mut self, chain: i64) -> Result<ChainHead, StoreError> {
        let row = self
            .tx
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

    fn insert_audit(&mut self, chain: i64, entry: &AuditEntry) -> Result<(), StoreError> {
        let e = &entry.entry;
        self.tx
            .execute(
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

    fn audit_log(&mut self, chain: i64) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = self
            .tx
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
}
