//! The internal voucher (记账凭证) model every generator, export and import shares
//! (accounting.md §3.7), and the invariants checked before any voucher leaves the system.

use std::collections::{BTreeMap, BTreeSet};

// Lookup only; never decides an order.
use foldhash::HashMap;

use duizhang_core::{Fen, Period, RecordKind, SourceRef};
use jiff::civil::Date;

use crate::chart::{AuxDim, Chart};
use crate::error::BooksError;
use crate::rules::EventClass;

/// Auxiliary items (辅助核算) of a line: only the dimensions its account requires are set.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Aux {
    pub shop: Option<String>,
    /// 客户: the platform as the books name it.
    pub customer: Option<String>,
    pub department: Option<String>,
}

impl Aux {
    pub fn get(&self, dim: AuxDim) -> Option<&str> {
        match dim {
            AuxDim::Shop => self.shop.as_deref(),
            AuxDim::Platform => self.customer.as_deref(),
            AuxDim::Department => self.department.as_deref(),
        }
    }
}

/// One entry (分录): exactly one of debit and credit is non-zero — positive, or negative on
/// a red reversal (红字冲销, see [`Voucher::is_red`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VoucherLine {
    pub summary: String,
    /// Last-level account code.
    pub account: String,
    pub debit: Fen,
    pub credit: Fen,
    pub aux: Aux,
}

/// Whether a source is what the voucher books (at most one voucher per source) or a document
/// that supports it (the after-sale behind a refund row, the shipments behind a cost).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LinkRole {
    Primary,
    Supporting,
}

impl LinkRole {
    pub fn zh(self) -> &'static str {
        match self {
            LinkRole::Primary => "入账",
            LinkRole::Supporting => "附件",
        }
    }
}

/// A link from a voucher to a source document, by its business key (账务流水号, 售后单号 …),
/// which survives export and import; the file position is known only within a run.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceLink {
    pub kind: RecordKind,
    pub key: duizhang_core::Text,
    pub role: LinkRole,
    pub source: Option<SourceRef>,
    /// The name of the file the source was read from, as the journal's 来源单据 sheet keeps
    /// it beside the line (`source` is only meaningful within the run that read the file).
    pub file: Option<duizhang_core::Label>,
}

/// Something a reviewer must look at on a generated voucher.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Flag {
    /// A refund or return whose sale is in an earlier period (J11), booked in this one.
    CrossPeriod { refund_no: String },
    /// 企业会计准则: a refund of a prior-year sale before the annual report is approved, a
    /// candidate 资产负债表日后调整事项 (J11) that the accountant must decide.
    SubsequentEvent { refund_no: String },
    /// A refund outflow with no after-sale behind it, booked by the 仅退款 policy.
    RefundWithoutAfterSale { txn_no: String },
    /// A 仅退款 whose reason names the carrier (J10b): the 快递公司 may owe compensation.
    /// `claim_booked` when the claim is on the voucher as 其他应收款—快递公司.
    CarrierClaim {
        refund_no: String,
        keyword: String,
        claim_booked: bool,
    },
    /// A 尾差 line was added.
    Rounding { fen: i64 },
}

impl Flag {
    pub fn zh(&self) -> String {
        match self {
            Flag::CrossPeriod { refund_no } => format!("跨期退款 {refund_no}：在退款当期冲减"),
            Flag::SubsequentEvent { refund_no } => {
                format!(
                    "{refund_no} 退回上年度销售，年报批准前发生，请判断是否按资产负债表日后调整事项处理"
                )
            }
            Flag::RefundWithoutAfterSale { txn_no } => {
                format!("退款流水 {txn_no} 无对应售后单，按仅退款政策入账")
            }
            Flag::CarrierClaim {
                refund_no,
                keyword,
                claim_booked: false,
            } => format!(
                "{refund_no} 退款原因含“{keyword}”，属快递丢件/破损：可向快递公司索赔，赔款到账时另行入账"
            ),
            Flag::CarrierClaim {
                refund_no,
                keyword,
                claim_booked: true,
            } => format!(
                "{refund_no} 退款原因含“{keyword}”，已挂其他应收款—快递公司待索赔；索赔不成时请冲回"
            ),
            Flag::Rounding { fen } => format!("含尾差 {}", Fen::new(*fen)),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Voucher {
    pub date: Date,
    pub period: Period,
    /// 凭证字 (记/收/付/转).
    pub word: String,
    /// Continuous per 凭证字 per period, from 1.
    pub number: u32,
    /// 附单据数.
    pub attachments: u32,
    /// 制单人 (for generated vouchers the system identity that prepared them).
    pub preparer: String,
    /// 审核人, once approved; never the preparer.
    pub reviewer: Option<String>,
    /// Fingerprint of the rules and policy that generated the voucher (财会〔2024〕11号 §17:
    /// automated rules must be traceable), none for an imported voucher.
    pub rules_version: Option<String>,
    pub shop: Option<String>,
    /// Event class of a generated voucher; none for an imported one.
    pub class: Option<EventClass>,
    pub lines: Vec<VoucherLine>,
    pub links: Vec<SourceLink>,
    pub flags: Vec<Flag>,
}

impl Voucher {
    /// `记-12`.
    pub fn label(&self) -> String {
        format!("{}-{}", self.word, self.number)
    }

    /// A red reversal (红字冲销): the entry booked in error repeated with negative amounts on
    /// the same sides, as 用友 U8/T+ and 金蝶 KIS/K3 import it. Every amount of a red voucher
    /// is negative, every amount of a blue one positive; [`Voucher::check_balanced`] refuses a
    /// mix.
    pub fn is_red(&self) -> bool {
        self.lines
            .first()
            .is_some_and(|l| l.debit.get() < 0 || l.credit.get() < 0)
    }

    pub fn total_debit(&self) -> Fen {
        self.lines.iter().map(|l| l.debit).sum()
    }

    pub fn total_credit(&self) -> Fen {
        self.lines.iter().map(|l| l.credit).sum()
    }

    /// Approves (审核) the voucher: the reviewer must be named and must not be its preparer
    /// (会计法 第二十五条 separation of duties; 制单人与审核人不能为同一人).
    pub fn approve(&mut self, reviewer: &str) -> Result<(), BooksError> {
        let reviewer = reviewer.trim();
        let label = PeriodLabel(self);
        if reviewer.is_empty() {
            return Err(BooksError::voucher(
                format!("审核凭证 {label} 须填写审核人"),
                "empty reviewer",
            ));
        }
        if reviewer == self.preparer.trim() {
            return Err(BooksError::voucher(
                format!("凭证 {label} 的制单人与审核人不能为同一人（{reviewer}）"),
                format!("voucher {label}: reviewer is the preparer"),
            ));
        }
        if let Some(done) = &self.reviewer {
            return Err(BooksError::voucher(
                format!("凭证 {label} 已由 {done} 审核"),
                format!("voucher {label} already approved"),
            ));
        }
        self.reviewer = Some(reviewer.to_string());
        Ok(())
    }

    /// Shape and balance, without a chart: lines exist, one side per line, Σ借 = Σ贷.
    pub fn check_balanced(&self) -> Result<(), BooksError> {
        let label = PeriodLabel(self);
        if self.lines.is_empty() {
            return Err(BooksError::voucher(
                format!("凭证 {label} 没有分录"),
                format!("voucher {label} has no lines"),
            ));
        }
        let red = self.is_red();
        for (i, line) in self.lines.iter().enumerate() {
            let n = i + 1;
            let signed = |fen: Fen| if red { fen.get() < 0 } else { fen.get() > 0 };
            let one_side = (signed(line.debit) && line.credit.get() == 0)
                || (signed(line.credit) && line.debit.get() == 0);
            if !one_side {
                let (zh, en) = if red {
                    ("红字凭证每行借方与贷方必须有且只有一方为负数", "negative")
                } else {
                    ("借方与贷方必须有且只有一方大于0", "positive")
                };
                return Err(BooksError::voucher(
                    format!(
                        "凭证 {label} 第{n}行：{zh}（借 {}，贷 {}）",
                        line.debit, line.credit
                    ),
                    format!("voucher {label} line {n}: one side must be {en}, the other 0"),
                ));
            }
            if line.summary.trim().is_empty() {
                return Err(BooksError::voucher(
                    format!("凭证 {label} 第{n}行缺少摘要"),
                    format!("voucher {label} line {n}: empty summary"),
                ));
            }
        }
        let (d, c) = (self.total_debit(), self.total_credit());
        if d != c {
            return Err(BooksError::voucher(
                format!(
                    "凭证 {label} 借贷不平：借方合计 {d}，贷方合计 {c}，差额 {}",
                    d - c
                ),
                format!("voucher {label} unbalanced: debit {d} credit {c}"),
            ));
        }
        if !Period::of(duizhang_core::BeijingTime::start_of(self.date)).eq(&self.period) {
            return Err(BooksError::voucher(
                format!(
                    "凭证 {label} 的日期 {} 不在会计期间 {} 内",
                    self.date, self.period
                ),
                format!("voucher {label} date outside its period"),
            ));
        }
        Ok(())
    }

    /// Everything an accounting system checks on import: balance, accounts that exist in the
    /// chart and are last-level, the aux items their accounts require.
    pub fn validate(&self, chart: &Chart) -> Result<(), BooksError> {
        self.check_balanced()?;
        let label = PeriodLabel(self);
        for (i, line) in self.lines.iter().enumerate() {
            let n = i + 1;
            let account = chart.require_leaf(&line.account).map_err(|e| {
                BooksError::voucher(
                    format!("凭证 {label} 第{n}行：{}", e.message),
                    format!("voucher {label} line {n}: {}", e.detail),
                )
            })?;
            for dim in &account.aux {
                if line.aux.get(*dim).is_none_or(|v| v.trim().is_empty()) {
                    return Err(BooksError::voucher(
                        format!(
                            "凭证 {label} 第{n}行：科目“{} {}”要求辅助核算“{}”，但未提供",
                            account.code,
                            account.name,
                            dim.zh()
                        ),
                        format!("voucher {label} line {n}: missing aux {dim:?}"),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// `2026-10 记-12`, written only when a message needs it (a big month has a million vouchers).
struct PeriodLabel<'v>(&'v Voucher);

impl std::fmt::Display for PeriodLabel<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}-{}", self.0.period, self.0.word, self.0.number)
    }
}

/// Numbers run 1..n without gaps or repeats per 凭证字 per period (财会〔2024〕12号 §21(三)).
pub fn check_numbering(vouchers: &[Voucher]) -> Result<(), BooksError> {
    numbering(vouchers, true)
}

/// No period may receive vouchers once closed (结账): every voucher must be after `closed_through`.
pub fn check_open(vouchers: &[Voucher], closed_through: Period) -> Result<(), BooksError> {
    match vouchers.iter().find(|v| v.period <= closed_through) {
        Some(v) => Err(BooksError::voucher(
            format!("会计期间 {} 已结账，凭证 {} 不能记入", v.period, v.label()),
            format!("voucher {} in closed period {}", v.label(), v.period),
        )),
        None => Ok(()),
    }
}

/// Continuous numbers per 凭证字 per period; `from_one` when the set is a whole period (an
/// imported file may hold a later part of it).
pub(crate) fn numbering(vouchers: &[Voucher], from_one: bool) -> Result<(), BooksError> {
    for ((period, word), numbers) in &unique_numbers(vouchers)? {
        let start = if from_one {
            1
        } else {
            numbers.first().copied().unwrap_or(1)
        };
        for (expected, n) in (start..).zip(numbers) {
            if *n != expected {
                return Err(BooksError::voucher(
                    format!("凭证断号：{period} {word}字缺少第{expected}号"),
                    format!("voucher numbering gap: {period} {word} misses {expected}"),
                ));
            }
        }
    }
    Ok(())
}

/// The numbers per 凭证字 per period, refused when one repeats.
fn unique_numbers(
    vouchers: &[Voucher],
) -> Result<BTreeMap<(Period, &str), BTreeSet<u32>>, BooksError> {
    let mut seen: BTreeMap<(Period, &str), BTreeSet<u32>> = BTreeMap::new();
    for v in vouchers {
        if v.number == 0 {
            return Err(BooksError::voucher(
                format!("凭证 {} 没有凭证号", PeriodLabel(v)),
                format!("voucher {} has no number", v.label()),
            ));
        }
        if !seen
            .entry((v.period, v.word.as_str()))
            .or_default()
            .insert(v.number)
        {
            return Err(BooksError::voucher(
                format!("凭证号重复：{} {}", v.period, v.label()),
                format!("duplicate voucher number {} {}", v.period, v.label()),
            ));
        }
    }
    Ok(seen)
}

/// Validates vouchers that are part of a period's before export — a batch numbered around
/// the period's correcting vouchers, or those vouchers alone: each voucher, no number twice, no
/// primary source twice. Whether the period's numbers run without gaps is the numbering's
/// owner's to guarantee (the generator from 1, the workspace across batches and corrections).
pub fn validate_part(vouchers: &[Voucher], chart: &Chart) -> Result<(), BooksError> {
    for v in vouchers {
        v.validate(chart)?;
    }
    unique_numbers(vouchers)?;
    no_source_twice(vouchers)
}

/// Validates a whole set before export: each voucher, numbering, no primary source twice.
pub fn validate_all(vouchers: &[Voucher], chart: &Chart) -> Result<(), BooksError> {
    validate_as_booked(vouchers, chart)?;
    no_source_twice(vouchers)
}

/// What an accounting system enforces on the vouchers it holds: each voucher valid, numbering
/// continuous. Nothing stops it holding a source twice (SOURCE_BOOKED_TWICE looks for that).
pub fn validate_as_booked(vouchers: &[Voucher], chart: &Chart) -> Result<(), BooksError> {
    for v in vouchers {
        v.validate(chart)?;
    }
    check_numbering(vouchers)
}

fn no_source_twice(vouchers: &[Voucher]) -> Result<(), BooksError> {
    let links = vouchers.iter().map(|v| v.links.len()).sum();
    let mut primary: HashMap<(RecordKind, &str), &Voucher> =
        HashMap::with_capacity_and_hasher(links, Default::default());
    for v in vouchers {
        for link in v.links.iter().filter(|l| l.role == LinkRole::Primary) {
            if let Some(other) = primary.insert((link.kind, link.key.as_str()), v) {
                let other = other.label();
                return Err(BooksError::voucher(
                    format!(
                        "{}“{}”同时入账于凭证 {} 和 {}",
                        link.kind.zh(),
                        link.key,
                        other,
                        v.label()
                    ),
                    format!("source {} booked twice", link.key),
                ));
            }
        }
    }
    Ok(())
}
