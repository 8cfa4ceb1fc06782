//! The plain records the store keeps. Money in 分 (`i64`), times as Beijing civil time text
//! `YYYY-MM-DD HH:MM:SS` (it sorts as time does, on every backend).

use duizhang_core::{Finding, FindingSeverity, Owner};
use duizhang_workflow::{CaseFacts, CaseState, Role};
use serde::{Deserialize, Serialize};

/// A company (账套): every other record belongs to one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Company {
    pub id: i64,
    pub name: String,
    pub created_at: String,
}

/// A person who can sign in (to any company they are a member of).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub created_at: String,
}

/// A user's roles in one company.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub user: User,
    pub roles: Vec<Role>,
}

/// A file as handed to an import: its name and bytes, and what `inspect` said of it (JSON).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewFile {
    pub name: String,
    pub bytes: Vec<u8>,
    pub inspect: String,
    /// Where each order's records are in the file (the order index), as the import read them.
    pub orders: Vec<OrderRef>,
    /// What reading the file gave, for runs to take instead of reading it again; `None` keeps
    /// nothing (runs then read the file).
    pub parsed: Option<Parsed>,
}

/// What reading a file gave (its reports and records, encoded by the program that read them),
/// under the key of what could change how the same bytes are read (the program's version, the
/// encoding's, the mapping profiles). Derived data: a run uses it only under its own key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    pub reader: String,
    pub bytes: Vec<u8>,
}

/// One record of an order in a kept file: the order lookup's index entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRef {
    pub order_no: String,
    /// The file as evidence names it: the file, or `file!member` / `file#sheet` inside it.
    pub part: String,
    pub line: i64,
    /// The record's kind (`order`, `fund_flow` …).
    pub kind: String,
    /// The line as the file has it, kept so the lookup need not read the file back; `None`
    /// when it could not be read, or for an index written before the text was kept.
    #[serde(default)]
    pub text: Option<String>,
    /// Where the line lies in the kept file's bytes, for a line of a plain text file: the
    /// lookup reads those bytes instead of a copy of the line kept in the index.
    #[serde(default)]
    pub span: Option<ByteSpan>,
}

/// A range of a kept file's bytes: `len` bytes from offset `at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ByteSpan {
    pub at: i64,
    pub len: i64,
}

/// A record of an order found by the lookup: which kept file and where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderHit {
    pub sha256: String,
    /// The kept file's name.
    pub file: String,
    pub part: String,
    pub line: i64,
    pub kind: String,
    /// The periods the file was imported for.
    pub periods: Vec<String>,
    /// The line's text as kept in the index (see [`OrderRef::text`]).
    #[serde(skip)]
    pub text: Option<String>,
    /// Where the line lies in the kept file (see [`OrderRef::span`]).
    #[serde(skip)]
    pub span: Option<ByteSpan>,
}

/// A file kept by the store, addressed by the SHA-256 of its bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileInfo {
    pub sha256: String,
    pub name: String,
    pub size: i64,
    /// What `inspect` said: format, variant, rows, control totals (JSON).
    pub inspect: String,
    pub imported_at: String,
}

/// What an import did: files new to the company, and files it had already (unchanged).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOutcome {
    pub batch: i64,
    pub added: Vec<FileInfo>,
    pub known: Vec<String>,
}

/// A run's inputs and results, as the pipeline produced them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRun {
    /// `2026-10`, `2026-W42` or `2026-10-15`.
    pub period: String,
    /// SHA-256 of each input file, sorted.
    pub inputs: Vec<String>,
    /// The settings as used (TOML text).
    pub settings: String,
    pub program_version: String,
    pub summary: String,
    pub findings: Vec<Finding>,
    /// Pending items carried forward (the carry's JSON).
    pub pending: String,
    /// The (shop, code) pairs whose check ran: only there may absence close a case.
    pub ran: std::collections::BTreeSet<(String, String)>,
    /// The run's vouchers, kept as one batch for approval (none when no voucher was made).
    pub vouchers: Option<NewVoucherBatch>,
    /// The run's metrics.json, for the monthly report and the trend across periods.
    pub metrics: Option<String>,
}

/// A run's vouchers as rendered for the accounting system.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewVoucherBatch {
    pub vouchers: i64,
    /// The sum of the debit side of every voucher, in 分.
    pub debit_fen: i64,
    /// The rendered files (name, bytes), e.g. `vouchers.xlsx`.
    pub files: Vec<(String, Vec<u8>)>,
    /// The voucher numbers the batch's vouchers carry, per 凭证字 (see [`NumberRange`]).
    pub numbers: Vec<NumberRange>,
}

/// Consecutive voucher numbers `first..=last` of one 凭证字 in a period.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NumberRange {
    pub word: String,
    pub first: i64,
    pub last: i64,
}

/// Where a voucher batch stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchState {
    /// 待审核: made by a run, not yet released.
    Prepared,
    /// 已审核: released for export by a second person.
    Approved,
}

impl BatchState {
    pub fn code(self) -> &'static str {
        match self {
            BatchState::Prepared => "prepared",
            BatchState::Approved => "approved",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            BatchState::Prepared => "待审核",
            BatchState::Approved => "已审核",
        }
    }

    pub fn parse(text: &str) -> Option<BatchState> {
        [BatchState::Prepared, BatchState::Approved]
            .into_iter()
            .find(|s| s.code() == text)
    }
}

/// A stored voucher batch: one per run that made vouchers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoucherBatch {
    pub run_id: i64,
    pub period: String,
    pub state: BatchState,
    pub vouchers: i64,
    pub debit_fen: i64,
    pub prepared_by: String,
    pub prepared_at: String,
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
    /// Whether a later run of the same period made this batch out of date (it can no longer be
    /// approved or exported).
    pub superseded: bool,
    /// The voucher numbers its vouchers carry, per 凭证字 (filled by the workspace's reads).
    #[serde(default)]
    pub numbers: Vec<NumberRange>,
}

/// A stored run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRecord {
    pub id: i64,
    pub period: String,
    pub at: String,
    pub actor: String,
    pub inputs: Vec<String>,
    pub program_version: String,
    pub finding_count: i64,
    pub summary: String,
}

/// What a run did to the cases.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseChanges {
    pub opened: u64,
    pub refreshed: u64,
    pub closed: u64,
    pub reopened: u64,
    /// A week's or a day's run that left the cases alone because this run of its month, with a
    /// later cut-off, was already recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overtaken_by: Option<i64>,
}

/// A case with its finding as last seen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRecord {
    pub id: u64,
    pub period: String,
    pub code: String,
    pub shop: String,
    /// The most specific of refund / order / txn number.
    pub key: String,
    pub sku: String,
    pub severity: FindingSeverity,
    pub owner: Owner,
    pub facts: CaseFacts,
    pub finding: Finding,
    pub due_at: String,
    pub created_at: String,
    pub updated_at: String,
}

/// One line of a case's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseEvent {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub from: Option<CaseState>,
    pub to: CaseState,
    /// A comment, a reason, or the resolution's note.
    pub note: String,
}

/// Which cases to list. Every condition is optional; `limit` defaults to 100.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFilter {
    pub states: Vec<CaseState>,
    pub period: Option<String>,
    pub code: Option<String>,
    pub shop: Option<String>,
    pub assignee: Option<String>,
    pub severity: Option<FindingSeverity>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

/// Where a period stands in its close.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodState {
    /// Close requested, waiting for a second person's approval.
    Closing,
    /// Closed and locked: no run, import or case change in it any more.
    Closed,
}

impl PeriodState {
    pub fn code(self) -> &'static str {
        match self {
            PeriodState::Closing => "closing",
            PeriodState::Closed => "closed",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            PeriodState::Closing => "结账待审核",
            PeriodState::Closed => "已结账",
        }
    }

    pub fn parse(text: &str) -> Option<PeriodState> {
        match text {
            "closing" => Some(PeriodState::Closing),
            "closed" => Some(PeriodState::Closed),
            _ => None,
        }
    }
}

/// A period's close.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodClose {
    pub period: String,
    pub state: PeriodState,
    pub prepared_by: String,
    pub prepared_at: String,
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
    /// The company's audit chain head when the close was approved.
    pub audit_head: Option<duizhang_workflow::ChainHead>,
}

/// A stored run's full results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunPayload {
    pub settings: String,
    pub summary: String,
    /// findings.jsonl
    pub findings: String,
    pub pending: String,
    /// metrics.json; `None` for runs stored before runs kept their metrics.
    pub metrics: Option<String>,
}

/// One entry of a correcting voucher: an account of the company's chart, one side non-zero
/// (negative on a red reversal).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdjustmentLine {
    pub summary: String,
    pub account: String,
    /// The account's full name (`应收账款—平台`).
    pub account_name: String,
    pub debit_fen: i64,
    pub credit_fen: i64,
}

/// A correcting voucher (红字冲销 / 补充凭证) a case's resolution made in the open period. It
/// needs a second person's approval like any voucher; its number continues the period's
/// numbering of its 凭证字.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjustment {
    pub id: i64,
    pub case_id: u64,
    pub period: String,
    pub kind: duizhang_workflow::adjustment::AdjustmentKind,
    /// 凭证字.
    pub word: String,
    pub number: i64,
    /// The voucher's date (`YYYY-MM-DD`): when the resolution was approved.
    pub date: String,
    pub summary: String,
    pub lines: Vec<AdjustmentLine>,
    pub state: BatchState,
    /// 制单: who proposed the resolution.
    pub prepared_by: String,
    pub prepared_at: String,
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
}

impl Adjustment {
    /// `记-13`.
    pub fn label(&self) -> String {
        format!("{}-{}", self.word, self.number)
    }

    /// The accounting month it is booked in (`YYYY-MM`, its date's): a week's or a day's case
    /// corrects the books of the month its voucher is dated in, and is numbered there.
    pub fn month(&self) -> &str {
        self.date.get(..7).unwrap_or(&self.date)
    }

    pub fn debit_fen(&self) -> i64 {
        self.lines.iter().map(|l| l.debit_fen).sum()
    }
}

/// An evidence file a person added to a case, kept by the SHA-256 of its bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub case_id: u64,
    /// 1, 2, … within the case.
    pub n: i64,
    pub name: String,
    pub sha256: String,
    pub size: i64,
    pub added_by: String,
    pub added_at: String,
}

/// A company's 账套 file (TOML: standard, taxpayer, chart, voucher settings), kept so every
/// correcting voucher of the company uses the same chart. Changed by an admin or 会计, each
/// change in the audit log with the text before and after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyBooks {
    pub toml: String,
    pub set_by: String,
    pub set_at: String,
}
