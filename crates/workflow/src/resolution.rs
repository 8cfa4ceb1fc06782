//! How a case ends: a reason from the company's list (a documented default list, extendable per
//! company), a note, and for a write-off (核销) the amount written off.

use duizhang_core::Fen;
use serde::{Deserialize, Serialize};

use crate::error::WorkflowError;

/// One reason a case may be resolved with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolutionReason {
    /// Stable code (`platform_delay`), what scripts and the API send.
    pub code: String,
    /// What people read (`平台延迟到账`).
    pub zh: String,
    /// A write-off: the difference is accepted as a loss or gain and booked by a correcting
    /// voucher; it needs an amount and a second person's approval.
    pub write_off: bool,
    /// The resolution changes the books (a voucher was missing or wrong): a correcting voucher
    /// is made in the open period.
    pub adjusts_books: bool,
}

/// The default reasons every company starts with (docs/workspace.md lists them).
const DEFAULT_REASONS: &[(&str, &str, bool, bool)] = &[
    ("platform_delay", "平台延迟到账", false, false),
    ("refunded_offline", "线下已退款", false, true),
    ("voucher_added", "已补录凭证", false, true),
    ("recovered_by_service", "客服已追回", false, false),
    ("shipping_insurance", "运费险赔付", false, true),
    ("carrier_claim", "快递理赔", false, true),
    ("buyer_fault_no_refund", "买家原因不予退款", false, false),
    ("data_error_corrected", "数据有误已更正", false, false),
    ("duplicate_reversed", "重复款项已冲回", false, true),
    ("goods_received_late", "退货已补收入库", false, false),
    ("write_off_loss", "核销：确认损失", true, true),
    ("write_off_small_difference", "核销：小额差异", true, true),
];

/// A company's list of reasons.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolutionReasons(Vec<ResolutionReason>);

impl Default for ResolutionReasons {
    fn default() -> Self {
        ResolutionReasons(
            DEFAULT_REASONS
                .iter()
                .map(|(code, zh, write_off, adjusts_books)| ResolutionReason {
                    code: (*code).to_string(),
                    zh: (*zh).to_string(),
                    write_off: *write_off,
                    adjusts_books: *adjusts_books,
                })
                .collect(),
        )
    }
}

impl ResolutionReasons {
    pub fn all(&self) -> &[ResolutionReason] {
        &self.0
    }

    /// Adds a company's own reason; a code already present is replaced (renaming its text).
    pub fn add(&mut self, reason: ResolutionReason) {
        match self.0.iter_mut().find(|r| r.code == reason.code) {
            Some(existing) => *existing = reason,
            None => self.0.push(reason),
        }
    }

    /// Finds a reason by code or by its Chinese text.
    pub fn find(&self, code_or_zh: &str) -> Option<&ResolutionReason> {
        let key = code_or_zh.trim();
        self.0.iter().find(|r| r.code == key || r.zh == key)
    }

    /// Checks a proposed resolution against the list: the reason exists, a write-off has a
    /// positive amount and nothing else has one.
    pub fn validate(&self, resolution: &Resolution) -> Result<(), WorkflowError> {
        let reason = self
            .find(&resolution.reason)
            .ok_or_else(|| WorkflowError::UnknownResolutionReason(resolution.reason.clone()))?;
        match (reason.write_off, resolution.write_off) {
            (true, Some(amount)) if amount.get() > 0 => Ok(()),
            (true, _) => Err(WorkflowError::WriteOffAmountRequired),
            (false, Some(_)) => Err(WorkflowError::WriteOffAmountNotAllowed(
                resolution.reason.clone(),
            )),
            (false, None) => Ok(()),
        }
    }
}

/// What the person working a case proposes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    /// A reason code (or its Chinese text) of the company's list.
    pub reason: String,
    pub note: String,
    /// The amount written off, for a write-off reason only.
    pub write_off: Option<Fen>,
}
