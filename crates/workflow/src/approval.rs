//! Maker–checker (制单 ≠ 审核): whatever is approved — a write-off, a correcting voucher, a
//! voucher batch, a period close — is approved by a reviewer who did not prepare it. An admin
//! is no exception. The store calls this inside the transaction that records the approval.

use serde::{Deserialize, Serialize};

use crate::error::WorkflowError;
use crate::role::{Actor, Role};

/// What needs a second person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalKind {
    /// A case resolved with a write-off (核销).
    WriteOff,
    /// A case's resolution (other than a write-off), approved into 已解决.
    Resolution,
    /// A correcting voucher (红字冲销 / 补充凭证) made by a resolution.
    Adjustment,
    /// A run's vouchers, released for export.
    VoucherBatch,
    /// The close of a period (结账).
    PeriodClose,
}

impl ApprovalKind {
    fn action(self) -> &'static str {
        match self {
            ApprovalKind::WriteOff => "approve write-off",
            ApprovalKind::Resolution => "approve",
            ApprovalKind::Adjustment => "approve adjustment",
            ApprovalKind::VoucherBatch => "approve voucher batch",
            ApprovalKind::PeriodClose => "approve period close",
        }
    }
}

/// Who may approve: a reviewer (财务主管) or an admin.
pub const APPROVERS: &[Role] = &[Role::Reviewer, Role::Admin];

/// Refuses unless `approver` may approve `kind` and is not `prepared_by`.
pub fn approve(
    kind: ApprovalKind,
    prepared_by: &str,
    approver: &Actor,
) -> Result<(), WorkflowError> {
    let Actor::User { id, .. } = approver else {
        // The program never approves: approval is a person's act.
        return Err(WorkflowError::NotPermitted {
            actor: approver.id().to_string(),
            action: kind.action(),
            needed: APPROVERS.to_vec(),
        });
    };
    if !approver.has_any(APPROVERS) {
        return Err(WorkflowError::NotPermitted {
            actor: id.clone(),
            action: kind.action(),
            needed: APPROVERS.to_vec(),
        });
    }
    if id == prepared_by {
        return Err(WorkflowError::OwnWorkNotApprovable { actor: id.clone() });
    }
    Ok(())
}
