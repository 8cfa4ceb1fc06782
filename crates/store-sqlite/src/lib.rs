//! The workspace store on SQLite: one file (`./duizhang.db` unless told otherwise), WAL mode,
//! each operation one `BEGIN IMMEDIATE` transaction, so a second process waits for the first
//! (up to the busy timeout) instead of interleaving with it, and a kill at any moment leaves
//! the previous state whole.
//!
//! One module per subject, mirroring the store crate; the `impl Tx` below only delegates.

#![forbid(unsafe_code)]

mod adjustments;
mod attachments;
mod audit;
mod cases;
mod companies;
mod imports;
mod open;
mod order_index;
mod periods;
mod runs;
mod vouchers;

use duizhang_core::Finding;
use duizhang_store::backend::{Backend, RunRow, Tx};
use duizhang_store::compression::Stored;
use duizhang_store::kept_chunks::StoredChunk;
use duizhang_store::{
    Adjustment, Attachment, CaseEvent, CaseFilter, CaseRecord, Company, CompanyBooks, FileInfo,
    Member, NumberRange, OrderRef, PeriodClose, RunPayload, RunRecord, StoreError, User,
    VoucherBatch,
};
use duizhang_workflow::sync::KnownCase;
use duizhang_workflow::{AuditEntry, ChainHead, Role};
use rusqlite::TransactionBehavior;

pub use open::SqliteBackend;

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

pub(crate) fn db(e: rusqlite::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

pub(crate) fn foreign(e: &rusqlite::Error) -> StoreError {
    StoreError::ForeignDatabase(e.to_string())
}

pub(crate) fn id_u64(id: i64) -> u64 {
    u64::try_from(id).unwrap_or_default()
}

pub(crate) fn id_i64(id: u64) -> i64 {
    i64::try_from(id).unwrap_or(i64::MAX)
}

impl Tx for SqliteTx<'_> {
    fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.tx.commit().map_err(db)
    }

    fn lock_company(&mut self, _company: i64) -> Result<(), StoreError> {
        Ok(()) // BEGIN IMMEDIATE already holds the database's write lock
    }

    fn refresh_case_statistics(&mut self) -> Result<(), StoreError> {
        cases::refresh_case_statistics(&self.tx)
    }

    fn insert_company(&mut self, name: &str, at: &str) -> Result<Company, StoreError> {
        companies::insert_company(&self.tx, name, at)
    }

    fn company_by_name(&mut self, name: &str) -> Result<Option<Company>, StoreError> {
        companies::company_by_name(&self.tx, name)
    }

    fn companies(&mut self) -> Result<Vec<Company>, StoreError> {
        companies::companies(&self.tx)
    }

    fn insert_user(
        &mut self,
        login: &str,
        display_name: &str,
        password_hash: &str,
        at: &str,
    ) -> Result<User, StoreError> {
        companies::insert_user(&self.tx, login, display_name, password_hash, at)
    }

    fn user_count(&mut self) -> Result<i64, StoreError> {
        companies::user_count(&self.tx)
    }

    fn user_by_login(&mut self, login: &str) -> Result<Option<(User, String)>, StoreError> {
        companies::user_by_login(&self.tx, login)
    }

    fn set_roles(&mut self, company: i64, user: i64, roles: &[Role]) -> Result<(), StoreError> {
        companies::set_roles(&self.tx, company, user, roles)
    }

    fn roles(&mut self, company: i64, user: i64) -> Result<Vec<Role>, StoreError> {
        companies::roles(&self.tx, company, user)
    }

    fn members(&mut self, company: i64) -> Result<Vec<Member>, StoreError> {
        companies::members(&self.tx, company)
    }

    fn file_exists(&mut self, company: i64, sha256: &str) -> Result<bool, StoreError> {
        imports::file_exists(&self.tx, company, sha256)
    }

    fn insert_file(&mut self, company: i64, file: &FileInfo) -> Result<(), StoreError> {
        imports::insert_file(&self.tx, company, file)
    }

    fn insert_file_chunk(
        &mut self,
        company: i64,
        sha256: &str,
        chunk: &StoredChunk,
    ) -> Result<(), StoreError> {
        imports::insert_file_chunk(&self.tx, company, sha256, chunk)
    }

    fn files(&mut self, company: i64) -> Result<Vec<FileInfo>, StoreError> {
        imports::files(&self.tx, company)
    }

    fn file_chunks(
        &mut self,
        company: i64,
        sha256: &str,
    ) -> Result<Option<(i64, Vec<StoredChunk>)>, StoreError> {
        imports::file_chunks(&self.tx, company, sha256)
    }

    fn file_chunks_over(
        &mut self,
        company: i64,
        sha256: &str,
        at: i64,
        end: i64,
    ) -> Result<Vec<StoredChunk>, StoreError> {
        imports::file_chunks_over(&self.tx, company, sha256, at, end)
    }

    fn parsed_exists(
        &mut self,
        company: i64,
        sha256: &str,
        reader: &str,
    ) -> Result<bool, StoreError> {
        imports::parsed_exists(&self.tx, company, sha256, reader)
    }

    fn delete_parsed(&mut self, company: i64, sha256: &str) -> Result<(), StoreError> {
        imports::delete_parsed(&self.tx, company, sha256)
    }

    fn insert_parsed_chunk(
        &mut self,
        company: i64,
        sha256: &str,
        reader: &str,
        at: i64,
        bytes: &[u8],
    ) -> Result<(), StoreError> {
        imports::insert_parsed_chunk(&self.tx, company, sha256, reader, at, bytes)
    }

    fn parsed(
        &mut self,
        company: i64,
        sha256: &str,
        reader: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        imports::parsed(&self.tx, company, sha256, reader)
    }

    fn insert_import(
        &mut self,
        company: i64,
        at: &str,
        actor: &str,
        period: &str,
        files: &[String],
    ) -> Result<i64, StoreError> {
        imports::insert_import(&self.tx, company, at, actor, period, files)
    }

    fn files_for_period(&mut self, company: i64, period: &str) -> Result<Vec<String>, StoreError> {
        imports::files_for_period(&self.tx, company, period)
    }

    fn insert_order_buckets(
        &mut self,
        company: i64,
        sha256: &str,
        buckets: &[(u32, Vec<u8>)],
    ) -> Result<(), StoreError> {
        order_index::insert_order_buckets(&self.tx, company, sha256, buckets)
    }

    fn order_bucket(
        &mut self,
        company: i64,
        bucket: u32,
    ) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        order_index::order_bucket(&self.tx, company, bucket)
    }

    fn order_refs(
        &mut self,
        company: i64,
        order_no: &str,
    ) -> Result<Vec<(String, OrderRef)>, StoreError> {
        order_index::order_refs(&self.tx, company, order_no)
    }

    fn imported_periods(&mut self, company: i64) -> Result<Vec<(String, String)>, StoreError> {
        imports::imported_periods(&self.tx, company)
    }

    fn insert_run(&mut self, company: i64, run: &RunRow<'_>) -> Result<i64, StoreError> {
        runs::insert_run(&self.tx, company, run)
    }

    fn runs(&mut self, company: i64) -> Result<Vec<RunRecord>, StoreError> {
        runs::runs(&self.tx, company)
    }

    fn run_payload(&mut self, company: i64, run: i64) -> Result<Option<RunPayload>, StoreError> {
        runs::run_payload(&self.tx, company, run)
    }

    fn insert_voucher_batch(
        &mut self,
        company: i64,
        batch: &VoucherBatch,
        files: &[(String, Stored)],
    ) -> Result<(), StoreError> {
        vouchers::insert_voucher_batch(&self.tx, company, batch, files)
    }

    fn voucher_batches(&mut self, company: i64) -> Result<Vec<VoucherBatch>, StoreError> {
        vouchers::voucher_batches(&self.tx, company)
    }

    fn approve_voucher_batch(
        &mut self,
        company: i64,
        run: i64,
        by: &str,
        at: &str,
    ) -> Result<(), StoreError> {
        vouchers::approve_voucher_batch(&self.tx, company, run, by, at)
    }

    fn insert_adjustment(
        &mut self,
        company: i64,
        adjustment: &Adjustment,
    ) -> Result<i64, StoreError> {
        adjustments::insert_adjustment(&self.tx, company, adjustment)
    }

    fn adjustments(&mut self, company: i64) -> Result<Vec<Adjustment>, StoreError> {
        adjustments::adjustments(&self.tx, company)
    }

    fn update_adjustment(
        &mut self,
        company: i64,
        adjustment: &Adjustment,
    ) -> Result<(), StoreError> {
        adjustments::update_adjustment(&self.tx, company, adjustment)
    }

    fn insert_attachment(
        &mut self,
        company: i64,
        attachment: &Attachment,
        bytes: &[u8],
    ) -> Result<(), StoreError> {
        attachments::insert_attachment(&self.tx, company, attachment, bytes)
    }

    fn attachments(&mut self, company: i64, case: u64) -> Result<Vec<Attachment>, StoreError> {
        attachments::attachments(&self.tx, company, case)
    }

    fn attachment_bytes(
        &mut self,
        company: i64,
        sha256: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        attachments::attachment_bytes(&self.tx, company, sha256)
    }

    fn voucher_batch_files(
        &mut self,
        company: i64,
        run: i64,
    ) -> Result<Vec<(String, Stored)>, StoreError> {
        vouchers::voucher_batch_files(&self.tx, company, run)
    }

    fn insert_voucher_numbers(
        &mut self,
        company: i64,
        run: i64,
        numbers: &[NumberRange],
    ) -> Result<(), StoreError> {
        vouchers::insert_voucher_numbers(&self.tx, company, run, numbers)
    }

    fn voucher_numbers(&mut self, company: i64) -> Result<Vec<(i64, NumberRange)>, StoreError> {
        vouchers::voucher_numbers(&self.tx, company)
    }

    fn company_books(&mut self, company: i64) -> Result<Option<CompanyBooks>, StoreError> {
        companies::company_books(&self.tx, company)
    }

    fn put_company_books(&mut self, company: i64, books: &CompanyBooks) -> Result<(), StoreError> {
        companies::put_company_books(&self.tx, company, books)
    }

    fn period_close(
        &mut self,
        company: i64,
        period: &str,
    ) -> Result<Option<PeriodClose>, StoreError> {
        periods::period_close(&self.tx, company, period)
    }

    fn put_period_close(&mut self, company: i64, close: &PeriodClose) -> Result<(), StoreError> {
        periods::put_period_close(&self.tx, company, close)
    }

    fn known_cases(&mut self, company: i64, period: &str) -> Result<Vec<KnownCase>, StoreError> {
        cases::known_cases(&self.tx, company, period)
    }

    fn insert_cases(
        &mut self,
        company: i64,
        records: &[CaseRecord],
    ) -> Result<Vec<u64>, StoreError> {
        records
            .iter()
            .map(|case| cases::insert_case(&self.tx, company, case))
            .collect()
    }

    fn refresh_cases(
        &mut self,
        company: i64,
        found: &[(u64, &Finding)],
        at: &str,
    ) -> Result<(), StoreError> {
        cases::refresh_cases(&self.tx, company, found, at)
    }

    fn update_case(&mut self, company: i64, case: &CaseRecord) -> Result<(), StoreError> {
        cases::update_case(&self.tx, company, case)
    }

    fn case(&mut self, company: i64, id: u64) -> Result<Option<CaseRecord>, StoreError> {
        cases::case(&self.tx, company, id)
    }

    fn list_cases(
        &mut self,
        company: i64,
        filter: &CaseFilter,
    ) -> Result<Vec<CaseRecord>, StoreError> {
        cases::list_cases(&self.tx, company, filter)
    }

    fn insert_case_events(
        &mut self,
        company: i64,
        events: &[(u64, CaseEvent)],
    ) -> Result<(), StoreError> {
        events
            .iter()
            .try_for_each(|(case, event)| cases::insert_case_event(&self.tx, company, *case, event))
    }

    fn case_events(&mut self, company: i64, case: u64) -> Result<Vec<CaseEvent>, StoreError> {
        cases::case_events(&self.tx, company, case)
    }

    fn audit_head(&mut self, chain: i64) -> Result<ChainHead, StoreError> {
        audit::audit_head(&self.tx, chain)
    }

    fn insert_audit(&mut self, chain: i64, entry: &AuditEntry) -> Result<(), StoreError> {
        audit::insert_audit(&self.tx, chain, entry)
    }

    fn audit_log(&mut self, chain: i64) -> Result<Vec<AuditEntry>, StoreError> {
        audit::audit_log(&self.tx, chain)
    }
}
