//! Refusals of the workflow rules, as stable codes (for the API and scripts) with an HTTP
//! status and a Chinese message. One table: a new refusal is a new row here, never a string
//! written elsewhere.

use crate::case::CaseState;
use crate::role::Role;

/// A stable code of a refusal. Codes are a contract: never renamed or reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    NotPermitted,
    ReadOnly,
    OwnWorkNotApprovable,
    InvalidTransition,
    ResolutionRequired,
    UnknownResolutionReason,
    WriteOffAmountRequired,
    WriteOffAmountNotAllowed,
    ReasonTextRequired,
    NotAssignee,
}

/// (code, API text, HTTP status). The API text is the code in snake case.
const TABLE: &[(ErrorCode, &str, u16)] = &[
    (ErrorCode::NotPermitted, "not_permitted", 403),
    (ErrorCode::ReadOnly, "read_only", 403),
    (
        ErrorCode::OwnWorkNotApprovable,
        "own_work_not_approvable",
        403,
    ),
    (ErrorCode::InvalidTransition, "invalid_transition", 409),
    (ErrorCode::ResolutionRequired, "resolution_required", 422),
    (
        ErrorCode::UnknownResolutionReason,
        "unknown_resolution_reason",
        422,
    ),
    (
        ErrorCode::WriteOffAmountRequired,
        "write_off_amount_required",
        422,
    ),
    (
        ErrorCode::WriteOffAmountNotAllowed,
        "write_off_amount_not_allowed",
        422,
    ),
    (ErrorCode::ReasonTextRequired, "reason_text_required", 422),
    (ErrorCode::NotAssignee, "not_assignee", 403),
];

impl ErrorCode {
    pub const ALL: [ErrorCode; 10] = [
        ErrorCode::NotPermitted,
        ErrorCode::ReadOnly,
        ErrorCode::OwnWorkNotApprovable,
        ErrorCode::InvalidTransition,
        ErrorCode::ResolutionRequired,
        ErrorCode::UnknownResolutionReason,
        ErrorCode::WriteOffAmountRequired,
        ErrorCode::WriteOffAmountNotAllowed,
        ErrorCode::ReasonTextRequired,
        ErrorCode::NotAssignee,
    ];

    fn row(self) -> (ErrorCode, &'static str, u16) {
        TABLE
            .iter()
            .copied()
            .find(|(code, ..)| *code == self)
            .unwrap_or((self, "internal", 500))
    }

    pub fn as_str(self) -> &'static str {
        self.row().1
    }

    pub fn http_status(self) -> u16 {
        self.row().2
    }
}

/// Why the rules refused an action. `zh()` is what a user reads.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("{actor} may not {action}: needs one of {needed:?}")]
    NotPermitted {
        actor: String,
        action: &'static str,
        needed: Vec<Role>,
    },
    #[error("{actor} is read-only")]
    ReadOnly { actor: String },
    #[error("{actor} prepared this and may not approve it")]
    OwnWorkNotApprovable { actor: String },
    #[error("cannot {action} a case that is {from:?}")]
    InvalidTransition {
        action: &'static str,
        from: CaseState,
    },
    #[error("a resolution is required")]
    ResolutionRequired,
    #[error("unknown resolution reason {0:?}")]
    UnknownResolutionReason(String),
    #[error("a write-off needs a positive amount")]
    WriteOffAmountRequired,
    #[error("reason {0:?} is not a write-off and takes no amount")]
    WriteOffAmountNotAllowed(String),
    #[error("{action} needs a reason in words")]
    ReasonTextRequired { action: &'static str },
    #[error("{actor} is not the assignee ({assignee})")]
    NotAssignee { actor: String, assignee: String },
}

impl WorkflowError {
    pub fn code(&self) -> ErrorCode {
        match self {
            WorkflowError::NotPermitted { .. } => ErrorCode::NotPermitted,
            WorkflowError::ReadOnly { .. } => ErrorCode::ReadOnly,
            WorkflowError::OwnWorkNotApprovable { .. } => ErrorCode::OwnWorkNotApprovable,
            WorkflowError::InvalidTransition { .. } => ErrorCode::InvalidTransition,
            WorkflowError::ResolutionRequired => ErrorCode::ResolutionRequired,
            WorkflowError::UnknownResolutionReason(_) => ErrorCode::UnknownResolutionReason,
            WorkflowError::WriteOffAmountRequired => ErrorCode::WriteOffAmountRequired,
            WorkflowError::WriteOffAmountNotAllowed(_) => ErrorCode::WriteOffAmountNotAllowed,
            WorkflowError::ReasonTextRequired { .. } => ErrorCode::ReasonTextRequired,
            WorkflowError::NotAssignee { .. } => ErrorCode::NotAssignee,
        }
    }

    /// The message a user reads, in Chinese, naming the person or the case state.
    pub fn zh(&self) -> String {
        match self {
            WorkflowError::NotPermitted {
                actor,
                action,
                needed,
            } => {
                let roles: Vec<&str> = needed.iter().map(|role| role.zh()).collect();
                format!(
                    "用户 {actor} 无权{}：需要以下角色之一：{}",
                    action_zh(action),
                    roles.join("、")
                )
            }
            WorkflowError::ReadOnly { actor } => format!("用户 {actor} 只有查看权限，不能修改"),
            WorkflowError::OwnWorkNotApprovable { actor } => {
                format!("不能审核自己经办的事项：{actor} 是经办人，须由另一位审核人审核")
            }
            WorkflowError::InvalidTransition { action, from } => {
                format!("状态为“{}”的案件不能{}", from.zh(), action_zh(action))
            }
            WorkflowError::ResolutionRequired => "提交审核时必须填写处理结果和原因".to_string(),
            WorkflowError::UnknownResolutionReason(code) => {
                format!("处理原因“{code}”不在本账套的原因列表中")
            }
            WorkflowError::WriteOffAmountRequired => "核销必须填写大于 0 的核销金额".to_string(),
            WorkflowError::WriteOffAmountNotAllowed(code) => {
                format!("处理原因“{code}”不是核销，不能填写核销金额")
            }
            WorkflowError::ReasonTextRequired { action } => {
                format!("{}必须写明原因", action_zh(action))
            }
            WorkflowError::NotAssignee { actor, assignee } => {
                format!("案件已分派给 {assignee}，{actor} 不是处理人")
            }
        }
    }
}

/// The Chinese verb of an action name used in refusals.
fn action_zh(action: &str) -> &'static str {
    match action {
        "assign" => "分派案件",
        "start" => "开始处理",
        "comment" => "添加备注",
        "attach" => "添加附件",
        "submit" => "提交审核",
        "approve" => "审核通过",
        "reject" => "退回",
        "close" => "关闭案件",
        "reopen" => "重新打开",
        "approve write-off" => "审核核销",
        "approve adjustment" => "审核调整凭证",
        "approve voucher batch" => "审核凭证",
        "approve period close" => "审核结账",
        "grant" => "设置账套成员与角色",
        "import" => "导入文件",
        "run" => "运行对账",
        "request close" => "提交结账",
        "archive" => "导出归档",
        _ => "执行此操作",
    }
}
