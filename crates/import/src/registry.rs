//! The importer interface and the table of known formats.

use std::collections::BTreeMap;

use duizhang_core::{BeijingTime, Fen, FileId, FlowKind, Record, RecordKind, SourceRef};
use serde::{Deserialize, Serialize};

use crate::control::ControlCheck;
use crate::problem::{Problem, ProblemCode};
use crate::table::{Row, Table};

/// How sure an importer is that a table is its format, and where the header is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detection {
    /// Variant within the format (`16列`, `ALL`, `C` …), shown by `inspect`.
    pub variant: String,
    /// Index of the header row among the peeked rows.
    pub header_index: usize,
    /// Higher is surer: usually the number of the format's columns found.
    pub score: u32,
}

/// One file format (or one layout of a user's mapping profile).
pub trait Importer: Send + Sync {
    /// Stable id, e.g. `alipay.fund_flow`.
    fn id(&self) -> &str;
    /// Chinese name, e.g. `支付宝账务明细`.
    fn name_zh(&self) -> &str;
    /// Columns that identify the format, listed when a file is not recognised.
    fn signature(&self) -> Vec<String>;
    /// Looks at the first rows of a table.
    fn detect(&self, rows: &[Row]) -> Option<Detection>;
    /// Reads the whole table, emitting records and problems into `out`. An `Err` is a problem
    /// that stops the file (nothing after it is read).
    fn read(
        &self,
        table: &mut Table,
        detection: &Detection,
        out: &mut Output<'_>,
    ) -> Result<(), Problem>;
}

/// Facts a file states about itself (preamble, summary).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileMeta {
    /// Fund account / merchant id the file is for.
    pub account: Option<String>,
    /// Shop named in the file.
    pub shop: Option<String>,
    /// The period the file says it covers.
    pub period_from: Option<BeijingTime>,
    pub period_to: Option<BeijingTime>,
    /// The file ended the way the format says files end (footer / summary seen).
    pub complete: Option<bool>,
}

/// Counts and sums by record kind, for `inspect`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Records per kind.
    pub rows: BTreeMap<RecordKind, u64>,
    /// Amount totals per kind and sub-kind (fund flow by flow kind).
    #[serde(deserialize_with = "known_amounts")]
    pub amounts: BTreeMap<&'static str, Fen>,
    pub first: Option<BeijingTime>,
    pub last: Option<BeijingTime>,
}

impl Stats {
    /// Counts `record` in; `false` when an amount total left the 64-bit range (the sum is
    /// then kept at its last value and the file is in error).
    pub fn observe(&mut self, record: &Record) -> bool {
        *self.rows.entry(record.kind()).or_default() += 1;
        if let Some(t) = record.occurred_at() {
            self.first = Some(self.first.map_or(t, |f| f.min(t)));
            self.last = Some(self.last.map_or(t, |l| l.max(t)));
        }
        let (key, amount): (&'static str, Option<Fen>) = match record {
            Record::FundFlow(r) => (flow_key(r.kind), Some(r.amount)),
            Record::Order(r) => (AMOUNT_KEYS[0], r.paid),
            Record::AfterSale(r) => (AMOUNT_KEYS[1], Some(r.refunded)),
            Record::Payment(r) => match r.kind {
                duizhang_core::PaymentKind::Refund => (AMOUNT_KEYS[2], Some(r.refund)),
                _ => (AMOUNT_KEYS[3], Some(r.settled)),
            },
            Record::Settlement(r) => (settlement_key(r.kind), Some(r.amount)),
            Record::ErpOrder(r) => (AMOUNT_KEYS[4], r.paid),
            _ => return true,
        };
        let mut fits = amount.is_none_or(|a| self.add(key, a));
        if let Record::Payment(r) = record
            && !r.fee.is_zero()
        {
            fits &= self.add(AMOUNT_KEYS[5], r.fee);
        }
        fits
    }

    fn add(&mut self, key: &'static str, amount: Fen) -> bool {
        let total = self.amounts.entry(key).or_default();
        match total.checked_add(amount) {
            Some(sum) => {
                *total = sum;
                true
            }
            None => false,
        }
    }
}

/// The keys of [`Stats::amounts`] other than the fund flows' and settlements' per kind.
const AMOUNT_KEYS: [&str; 6] = [
    "订单/实付",
    "售后单/退款金额",
    "支付账单/退款",
    "支付账单/应结",
    "ERP订单/实付",
    "支付账单/手续费",
];

/// Amount totals read back (a workspace keeps each file's report): each key becomes the static
/// key [`Stats::observe`] uses; a key it never uses is an error.
fn known_amounts<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<&'static str, Fen>, D::Error> {
    let read = BTreeMap::<std::borrow::Cow<'de, str>, Fen>::deserialize(deserializer)?;
    let keys = FlowKind::ALL
        .into_iter()
        .flat_map(|k| [flow_key(k), settlement_key(k)])
        .chain(AMOUNT_KEYS);
    read.into_iter()
        .map(|(text, amount)| match keys.clone().find(|k| *k == text) {
            Some(key) => Ok((key, amount)),
            None => Err(serde::de::Error::custom(format_args!(
                "unknown amount total {text:?}"
            ))),
        })
        .collect()
}

/// Static keys: `observe` runs once per row and must not allocate.
fn flow_key(kind: FlowKind) -> &'static str {
    match kind {
        FlowKind::Income => "资金流水/收入",
        FlowKind::Refund => "资金流水/退款",
        FlowKind::Fee => "资金流水/手续费",
        FlowKind::Commission => "资金流水/佣金",
        FlowKind::Withdrawal => "资金流水/提现",
        FlowKind::Transfer => "资金流水/转账",
        FlowKind::Other => "资金流水/其他",
    }
}

fn settlement_key(kind: FlowKind) -> &'static str {
    match kind {
        FlowKind::Income => "结算单/收入",
        FlowKind::Refund => "结算单/退款",
        FlowKind::Fee => "结算单/手续费",
        FlowKind::Commission => "结算单/佣金",
        FlowKind::Withdrawal => "结算单/提现",
        FlowKind::Transfer => "结算单/转账",
        FlowKind::Other => "结算单/其他",
    }
}

/// Where an importer puts what it reads.
pub struct Output<'s> {
    pub file: FileId,
    pub name: String,
    sink: &'s mut dyn FnMut(Record),
    pub problems: Vec<Problem>,
    pub control: Vec<ControlCheck>,
    pub meta: FileMeta,
    pub stats: Stats,
    /// Problems beyond this many are counted, not kept (a wholly wrong file must not
    /// fill memory with a million errors).
    pub problem_limit: usize,
    pub problems_dropped: u64,
    /// An amount total went out of range (reported once).
    sum_overflowed: bool,
}

impl<'s> Output<'s> {
    pub fn new(file: FileId, name: &str, sink: &'s mut dyn FnMut(Record)) -> Output<'s> {
        Output {
            file,
            name: name.to_string(),
            sink,
            problems: Vec::new(),
            control: Vec::new(),
            meta: FileMeta::default(),
            stats: Stats::default(),
            problem_limit: 1000,
            problems_dropped: 0,
            sum_overflowed: false,
        }
    }

    pub fn source(&self, line: u32) -> SourceRef {
        SourceRef {
            file: self.file,
            line,
        }
    }

    pub fn emit(&mut self, record: Record) {
        if !self.stats.observe(&record) && !self.sum_overflowed {
            self.sum_overflowed = true;
            self.problem(Problem::new(
                ProblemCode::BadAmount,
                &self.name,
                "文件中金额的合计超出可表示的范围（±9.2×10¹⁶ 元）：文件不可能是真实账单，或已损坏",
                "amount total overflows 64 bits",
            ));
        }
        (self.sink)(record);
    }

    pub fn problem(&mut self, problem: Problem) {
        if self.problems.len() < self.problem_limit {
            self.problems.push(problem);
        } else {
            self.problems_dropped += 1;
        }
    }

    /// Emits the record, or records the problem (the row is then not read).
    pub fn row(&mut self, result: Result<Record, Problem>) {
        match result {
            Ok(r) => self.emit(r),
            Err(p) => self.problem(p),
        }
    }

    /// Adds a control total; a difference becomes an error of the file.
    pub fn control(&mut self, check: ControlCheck) {
        if check.overflowed {
            let mut p = Problem::new(
                ProblemCode::BadAmount,
                &self.name,
                format!(
                    "“{}”所核对的明细金额合计超出可表示的范围：文件不可能是真实账单，或已损坏",
                    check.label
                ),
                format!("rows of control total {:?} overflow 64 bits", check.label),
            );
            if let Some(line) = check.line {
                p = p.at_line(line);
            }
            // An error of the file, not a control total to report as a finding.
            self.problem(p);
            return;
        }
        if let Some(Err((zh, en))) = check.stated_amount.map(crate::limits::check_amount) {
            let mut p = Problem::new(
                ProblemCode::BadAmount,
                &self.name,
                format!("“{}”声明的合计：{zh}", check.label),
                en,
            );
            if let Some(line) = check.line {
                p = p.at_line(line);
            }
            self.problem(p);
            return;
        }
        if !check.holds() {
            let mut p = Problem::new(
                ProblemCode::ControlTotal,
                &self.name,
                format!("文件自带的合计与明细不符：{}", check.describe_zh()),
                format!(
                    "control total {:?}: stated {:?}/{:?}, rows {}/{}",
                    check.label,
                    check.stated_count,
                    check.stated_amount,
                    check.counted,
                    check.summed
                ),
            );
            if let Some(line) = check.line {
                p = p.at_line(line);
            }
            self.problem(p);
        }
        self.control.push(check);
    }

    /// Notes that the file lacks the end the format promises (truncated download).
    pub fn truncated(&mut self, what_zh: &str, what_en: &str) {
        self.meta.complete = Some(false);
        self.problem(Problem::new(
            ProblemCode::Truncated,
            &self.name,
            format!("文件不完整：缺少{what_zh}（文件可能被截断，请重新下载）"),
            format!("file incomplete: missing {what_en}"),
        ));
    }
}

/// Picks the importer whose detection is surest; ties go to the earlier importer.
pub fn detect<'a>(
    importers: &'a [Box<dyn Importer>],
    rows: &[Row],
) -> Option<(&'a dyn Importer, Detection)> {
    let mut best: Option<(&dyn Importer, Detection)> = None;
    for importer in importers {
        if let Some(d) = importer.detect(rows)
            && best.as_ref().is_none_or(|(_, b)| d.score > b.score)
        {
            best = Some((importer.as_ref(), d));
        }
    }
    best
}
