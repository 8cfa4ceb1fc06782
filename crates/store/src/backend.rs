//! The one trait a database implements. Plain records in and out; each method one statement
//! or a few, always scoped by company; the rules live in [`crate::Workspace`], not here.

use duizhang_core::Finding;
use duizhang_workflow::{AuditEntry, ChainHead, Role, sync::KnownCase};

use crate::compression::Stored;
use crate::error::StoreError;
use crate::kept_chunks::StoredChunk;
use crate::records::{
    Adjustment, Attachment, CaseEvent, CaseFilter, CaseRecord, Company, CompanyBooks, FileInfo,
    Member, NumberRange, OrderRef, PeriodClose, RunPayload, RunRecord, User, VoucherBatch,
};

/// A database: hands out transactions. Everything the workspace does happens inside one, so
/// a kill at any moment leaves all of an operation or none of it.
pub trait Backend {
    /// Begins a transaction that takes the write lock at once (SQLite `BEGIN IMMEDIATE`,
    /// PostgreSQL an advisory lock per company where the operation names one), so two
    /// processes working on one company queue instead of interleaving.
    fn begin(&mut self) -> Result<Box<dyn Tx + '_>, StoreError>;
}

/// The row operations of one transaction. Dropping it without [`Tx::commit`] rolls back.
pub trait Tx {
    fn commit(self: Box<Self>) -> Result<(), StoreError>;

    /// Serialises writers of one company across processes (PostgreSQL); a no-op where the
    /// transaction already holds the database's write lock (SQLite).
    fn lock_company(&mut self, company: i64) -> Result<(), StoreError>;

    /// Brings the planner's statistics of the case table up to date, after a change large
    /// enough to make them wrong (a first run of a big month): stale counts make a database
    /// sort every open case for a page it could read in order from an index.
    fn refresh_case_statistics(&mut self) -> Result<(), StoreError>;

    fn insert_company(&mut self, name: &str, at: &str) -> Result<Company, StoreError>;
    fn company_by_name(&mut self, name: &str) -> Result<Option<Company>, StoreError>;
    fn companies(&mut self) -> Result<Vec<Company>, StoreError>;

    fn insert_user(
        &mut self,
        login: &str,
        display_name: &str,
        password_hash: &str,
        at: &str,
    ) -> Result<User, StoreError>;
    fn user_count(&mut self) -> Result<i64, StoreError>;
    /// The user and their password hash.
    fn user_by_login(&mut self, login: &str) -> Result<Option<(User, String)>, StoreError>;
    fn set_roles(&mut self, company: i64, user: i64, roles: &[Role]) -> Result<(), StoreError>;
    fn roles(&mut self, company: i64, user: i64) -> Result<Vec<Role>, StoreError>;
    fn members(&mut self, company: i64) -> Result<Vec<Member>, StoreError>;

    fn file_exists(&mut self, company: i64, sha256: &str) -> Result<bool, StoreError>;
    /// A kept file's row; its bytes follow as chunks ([`Tx::insert_file_chunk`]).
    fn insert_file(&mut self, company: i64, file: &FileInfo) -> Result<(), StoreError>;
    /// One chunk of a kept file's bytes ([`crate::kept_chunks`]).
    fn insert_file_chunk(
        &mut self,
        company: i64,
        sha256: &str,
        chunk: &StoredChunk,
    ) -> Result<(), StoreError>;
    fn files(&mut self, company: i64) -> Result<Vec<FileInfo>, StoreError>;
    /// A kept file's size and its chunks in order; `None` for a file the company has not kept.
    fn file_chunks(
        &mut self,
        company: i64,
        sha256: &str,
    ) -> Result<Option<(i64, Vec<StoredChunk>)>, StoreError>;
    /// The chunks (offset, bytes) of a kept file that hold bytes `at..end`: the last chunk
    /// starting at or before `at` and every later one starting before `end`.
    fn file_chunks_over(
        &mut self,
        company: i64,
        sha256: &str,
        at: i64,
        end: i64,
    ) -> Result<Vec<StoredChunk>, StoreError>;
    /// Whether what reading a kept file gave is kept under the key `reader`.
    fn parsed_exists(
        &mut self,
        company: i64,
        sha256: &str,
        reader: &str,
    ) -> Result<bool, StoreError>;
    /// Forgets what reading a kept file gave, under every key.
    fn delete_parsed(&mut self, company: i64, sha256: &str) -> Result<(), StoreError>;
    /// What reading a kept file gave under the key `reader`, from offset `at` on.
    fn insert_parsed_chunk(
        &mut self,
        company: i64,
        sha256: &str,
        reader: &str,
        at: i64,
        bytes: &[u8],
    ) -> Result<(), StoreError>;
    /// What reading a kept file gave under the key `reader`, its chunks joined; `None` when
    /// nothing is kept under that key.
    fn parsed(
        &mut self,
        company: i64,
        sha256: &str,
        reader: &str,
    ) -> Result<Option<Vec<u8>>, StoreError>;
    /// Writes a new file's order index: one blob per bucket its entries fall in (see
    /// `order_buckets`), given in bucket order.
    fn insert_order_buckets(
        &mut self,
        company: i64,
        sha256: &str,
        buckets: &[(u32, Vec<u8>)],
    ) -> Result<(), StoreError>;
    /// The blobs of one bucket, one per file that has entries in it: (file SHA-256, blob).
    fn order_bucket(
        &mut self,
        company: i64,
        bucket: u32,
    ) -> Result<Vec<(String, Vec<u8>)>, StoreError>;
    /// Every record of one order in the index rows imports wrote before the index was kept in
    /// buckets (workspaces of schema 11 and older; nothing writes these rows any more):
    /// (file SHA-256, where).
    fn order_refs(
        &mut self,
        company: i64,
        order_no: &str,
    ) -> Result<Vec<(String, OrderRef)>, StoreError>;
    /// (period, file SHA-256) of every import of the company.
    fn imported_periods(&mut self, company: i64) -> Result<Vec<(String, String)>, StoreError>;
    /// Records an import of `files` (their SHA-256) for a period.
    fn insert_import(
        &mut self,
        company: i64,
        at: &str,
        actor: &str,
        period: &str,
        files: &[String],
    ) -> Result<i64, StoreError>;
    /// The SHA-256 of every file imported for `period`, sorted.
    fn files_for_period(&mut self, company: i64, period: &str) -> Result<Vec<String>, StoreError>;

    fn insert_run(&mut self, company: i64, run: &RunRow<'_>) -> Result<i64, StoreError>;
    fn runs(&mut self, company: i64) -> Result<Vec<RunRecord>, StoreError>;
    fn run_payload(&mut self, company: i64, run: i64) -> Result<Option<RunPayload>, StoreError>;

    /// Stores a run's batch (its `superseded` is not stored: it follows from later runs).
    fn insert_voucher_batch(
        &mut self,
        company: i64,
        batch: &VoucherBatch,
        files: &[(String, Stored)],
    ) -> Result<(), StoreError>;
    /// Every batch of the company, by run.
    fn voucher_batches(&mut self, company: i64) -> Result<Vec<VoucherBatch>, StoreError>;
    fn approve_voucher_batch(
        &mut self,
        company: i64,
        run: i64,
        by: &str,
        at: &str,
    ) -> Result<(), StoreError>;
    /// A batch's files as stored (name, value), by name.
    fn voucher_batch_files(
        &mut self,
        company: i64,
        run: i64,
    ) -> Result<Vec<(String, Stored)>, StoreError>;
    /// Keeps the voucher numbers of a run's batch.
    fn insert_voucher_numbers(
        &mut self,
        company: i64,
        run: i64,
        numbers: &[NumberRange],
    ) -> Result<(), StoreError>;
    /// The voucher numbers of every batch of the company: (run, range).
    fn voucher_numbers(&mut self, company: i64) -> Result<Vec<(i64, NumberRange)>, StoreError>;

    /// The company's 账套, when one was set.
    fn company_books(&mut self, company: i64) -> Result<Option<CompanyBooks>, StoreError>;
    /// Inserts or replaces the company's 账套.
    fn put_company_books(&mut self, company: i64, books: &CompanyBooks) -> Result<(), StoreError>;

    fn period_close(
        &mut self,
        company: i64,
        period: &str,
    ) -> Result<Option<PeriodClose>, StoreError>;
    /// Inserts or replaces a period's close.
    fn put_period_close(&mut self, company: i64, close: &PeriodClose) -> Result<(), StoreError>;

    /// Every case of a period, as sync needs them.
    fn known_cases(&mut self, company: i64, period: &str) -> Result<Vec<KnownCase>, StoreError>;
    /// Inserts cases (their `id` is ignored) and returns their ids, in the same order.
    fn insert_cases(&mut self, company: i64, cases: &[CaseRecord]) -> Result<Vec<u64>, StoreError>;
    /// Cases a run found again: each one's finding (and the amounts read from it) replaced,
    /// `updated_at` set to `at`; an id the company has no case of is an error.
    fn refresh_cases(
        &mut self,
        company: i64,
        found: &[(u64, &Finding)],
        at: &str,
    ) -> Result<(), StoreError>;
    /// Writes the case's facts, finding and times (by id, within the company).
    fn update_case(&mut self, company: i64, case: &CaseRecord) -> Result<(), StoreError>;
    fn case(&mut self, company: i64, id: u64) -> Result<Option<CaseRecord>, StoreError>;
    fn list_cases(
        &mut self,
        company: i64,
        filter: &CaseFilter,
    ) -> Result<Vec<CaseRecord>, StoreError>;
    /// Appends events, each to its case, in order.
    fn insert_case_events(
        &mut self,
        company: i64,
        events: &[(u64, CaseEvent)],
    ) -> Result<(), StoreError>;
    fn insert_case_event(
        &mut self,
        company: i64,
        case: u64,
        event: &CaseEvent,
    ) -> Result<(), StoreError> {
        self.insert_case_events(company, &[(case, event.clone())])
    }
    fn case_events(&mut self, company: i64, case: u64) -> Result<Vec<CaseEvent>, StoreError>;

    /// Stores a correcting voucher (its `id` is ignored) and returns its id.
    fn insert_adjustment(
        &mut self,
        company: i64,
        adjustment: &Adjustment,
    ) -> Result<i64, StoreError>;
    /// Every correcting voucher of the company, by id.
    fn adjustments(&mut self, company: i64) -> Result<Vec<Adjustment>, StoreError>;
    /// Writes an adjustment's state and approval (by id, within the company).
    fn update_adjustment(
        &mut self,
        company: i64,
        adjustment: &Adjustment,
    ) -> Result<(), StoreError>;

    /// Keeps an attachment's bytes (once per content) and links it to its case.
    fn insert_attachment(
        &mut self,
        company: i64,
        attachment: &Attachment,
        bytes: &[u8],
    ) -> Result<(), StoreError>;
    /// A case's attachments, by number.
    fn attachments(&mut self, company: i64, case: u64) -> Result<Vec<Attachment>, StoreError>;
    fn attachment_bytes(
        &mut self,
        company: i64,
        sha256: &str,
    ) -> Result<Option<Vec<u8>>, StoreError>;

    /// The head of a company's audit chain (company 0: the workspace's own events — users).
    fn audit_head(&mut self, company: i64) -> Result<ChainHead, StoreError>;
    fn insert_audit(&mut self, company: i64, entry: &AuditEntry) -> Result<(), StoreError>;
    /// The company's audit log in seq order.
    fn audit_log(&mut self, company: i64) -> Result<Vec<AuditEntry>, StoreError>;
}

/// A run as stored (the rules fill it from a [`crate::NewRun`]).
#[derive(Clone, Debug)]
pub struct RunRow<'a> {
    pub period: &'a str,
    pub at: &'a str,
    pub actor: &'a str,
    pub inputs: &'a [String],
    pub settings: &'a str,
    pub program_version: &'a str,
    pub summary: &'a str,
    /// findings.jsonl
    pub findings: &'a str,
    pub finding_count: i64,
    /// carry.json as text, empty when it is stored compressed in `pending_packed`.
    pub pending: &'a str,
    /// carry.json compressed ([`crate::compression`]): hundreds of MB of text at a large
    /// seller's month (the orders still awaiting their money go with it).
    pub pending_packed: Option<&'a [u8]>,
    pub metrics: Option<&'a str>,
}
