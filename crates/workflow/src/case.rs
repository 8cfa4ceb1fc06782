//! A case: one finding carried to its resolution. Its states and the only moves between them:
//!
//! ```text
//! 待处理 ──start──▶ 处理中 ──submit──▶ 待审核 ──approve──▶ 已解决 / 已核销 ──close──▶ 已关闭
//!    └──────────submit──────────────▲      │ reject / withdraw ▲                        │
//!                                        ▼                                           │
//!                                      处理中                     reopen ◀────────────┘
//! any open state ──(run: finding gone)──▶ 已关闭 ──(run: finding back)──▶ 待处理
//! ```
//!
//! Who may make each move is decided here, from the actor's roles, the case's assignee and
//! who prepared the resolution under review.

use serde::{Deserialize, Serialize};

use crate::approval::{ApprovalKind, approve};
use crate::error::WorkflowError;
use crate::resolution::{Resolution, ResolutionReasons};
use crate::role::{Actor, Role};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    Open,
    InProgress,
    PendingReview,
    Resolved,
    WrittenOff,
    Closed,
}

impl CaseState {
    pub const ALL: [CaseState; 6] = [
        CaseState::Open,
        CaseState::InProgress,
        CaseState::PendingReview,
        CaseState::Resolved,
        CaseState::WrittenOff,
        CaseState::Closed,
    ];

    pub fn zh(self) -> &'static str {
        match self {
            CaseState::Open => "待处理",
            CaseState::InProgress => "处理中",
            CaseState::PendingReview => "待审核",
            CaseState::Resolved => "已解决",
            CaseState::WrittenOff => "已核销",
            CaseState::Closed => "已关闭",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            CaseState::Open => "open",
            CaseState::InProgress => "in_progress",
            CaseState::PendingReview => "pending_review",
            CaseState::Resolved => "resolved",
            CaseState::WrittenOff => "written_off",
            CaseState::Closed => "closed",
        }
    }

    /// Accepts the code or the Chinese name.
    pub fn parse(text: &str) -> Option<CaseState> {
        let text = text.trim();
        CaseState::ALL
            .into_iter()
            .find(|state| state.code() == text || state.zh() == text)
    }

    /// Still asks somebody to act.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            CaseState::Open | CaseState::InProgress | CaseState::PendingReview
        )
    }
}

/// What a transition needs to know of a case (the store keeps more).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFacts {
    pub state: CaseState,
    /// The role that works the case (from the finding's owner; configurable per check).
    pub working_role: Role,
    pub assignee: Option<String>,
    /// Who submitted the resolution now under review (or approved last).
    pub prepared_by: Option<String>,
    pub resolution: Option<Resolution>,
    pub approved_by: Option<String>,
    /// Closed by a run because its finding no longer appeared (reopens by itself if it comes back).
    pub closed_by_run: bool,
}

impl CaseFacts {
    /// A new case of a finding, as a run creates it.
    pub fn new(working_role: Role, assignee: Option<String>) -> CaseFacts {
        CaseFacts {
            state: CaseState::Open,
            working_role,
            assignee,
            prepared_by: None,
            resolution: None,
            approved_by: None,
            closed_by_run: false,
        }
    }
}

/// A requested move.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    Assign {
        to: String,
    },
    Start,
    Comment,
    Attach,
    Submit {
        resolution: Resolution,
    },
    Approve,
    Reject {
        reason: String,
    },
    Withdraw,
    Close,
    Reopen {
        reason: String,
    },
    /// A run no longer finds the case's finding (the refund arrived).
    RunClose,
    /// A run finds again the finding of a case it had closed, or finds a resolved case's
    /// finding with other amounts than were resolved.
    RunReopen,
}

impl Action {
    /// The action's name in refusals and the audit log.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Assign { .. } => "assign",
            Action::Start => "start",
            Action::Comment => "comment",
            Action::Attach => "attach",
            Action::Submit { .. } => "submit",
            Action::Approve => "approve",
            Action::Reject { .. } => "reject",
            Action::Withdraw => "withdraw",
            Action::Close => "close",
            Action::Reopen { .. } => "reopen",
            Action::RunClose => "run close",
            Action::RunReopen => "run reopen",
        }
    }
}

/// A permitted move: the facts after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transition {
    pub from: CaseState,
    pub after: CaseFacts,
}

/// Who leads the team's work: may assign anyone and take any case.
const LEADS: &[Role] = &[Role::Admin, Role::Reviewer, Role::Accountant];

/// Applies `action` by `actor` to a case, or says why not. Pure: the store persists the result.
pub fn transition(
    case: &CaseFacts,
    action: &Action,
    actor: &Actor,
    reasons: &ResolutionReasons,
) -> Result<Transition, WorkflowError> {
    if !actor.may_change_anything() {
        return Err(WorkflowError::ReadOnly {
            actor: actor.id().to_string(),
        });
    }
    let from = case.state;
    let invalid = || WorkflowError::InvalidTransition {
        action: action.name(),
        from,
    };
    let mut after = case.clone();
    match action {
        Action::Assign { to } => {
            if !from.is_open() {
                return Err(invalid());
            }
            let taking_it_myself = actor.is(to) && actor.has(case.working_role);
            if !taking_it_myself {
                require(actor, LEADS, action)?;
            }
            after.assignee = Some(to.clone());
        }
        Action::Start => {
            if from != CaseState::Open {
                return Err(invalid());
            }
            require_worker(case, actor, action)?;
            after.state = CaseState::InProgress;
            after.assignee = Some(actor.id().to_string());
        }
        Action::Comment | Action::Attach => {
            require_person(actor, action)?;
        }
        Action::Submit { resolution } => {
            if !matches!(from, CaseState::Open | CaseState::InProgress) {
                return Err(invalid());
            }
            require_worker(case, actor, action)?;
            reasons.validate(resolution)?;
            after.state = CaseState::PendingReview;
            after.prepared_by = Some(actor.id().to_string());
            after.resolution = Some(resolution.clone());
            after.approved_by = None;
            if after.assignee.is_none() {
                after.assignee = Some(actor.id().to_string());
            }
        }
        Action::Approve => {
            if from != CaseState::PendingReview {
                return Err(invalid());
            }
            let resolution = case
                .resolution
                .as_ref()
                .ok_or(WorkflowError::ResolutionRequired)?;
            let write_off = reasons
                .find(&resolution.reason)
                .is_some_and(|reason| reason.write_off);
            let kind = if write_off {
                ApprovalKind::WriteOff
            } else {
                ApprovalKind::Resolution
            };
            approve(kind, case.prepared_by.as_deref().unwrap_or_default(), actor)?;
            after.state = if write_off {
                CaseState::WrittenOff
            } else {
                CaseState::Resolved
            };
            after.approved_by = Some(actor.id().to_string());
        }
        Action::Reject { reason } => {
            if from != CaseState::PendingReview {
                return Err(invalid());
            }
            require_text(reason, action)?;
            // Sending back is a reviewer's act on someone else's work, like approving.
            approve(
                ApprovalKind::Resolution,
                case.prepared_by.as_deref().unwrap_or_default(),
                actor,
            )?;
            after.state = CaseState::InProgress;
        }
        Action::Withdraw => {
            if from != CaseState::PendingReview {
                return Err(invalid());
            }
            if case.prepared_by.as_deref() != Some(actor.id()) {
                return Err(WorkflowError::NotAssignee {
                    actor: actor.id().to_string(),
                    assignee: case.prepared_by.clone().unwrap_or_default(),
                });
            }
            after.state = CaseState::InProgress;
        }
        Action::Close => {
            if !matches!(from, CaseState::Resolved | CaseState::WrittenOff) {
                return Err(invalid());
            }
            if *actor != Actor::System {
                require(actor, &[Role::Reviewer, Role::Admin], action)?;
            }
            after.state = CaseState::Closed;
        }
        Action::Reopen { reason } => {
            if !matches!(
                from,
                CaseState::Resolved | CaseState::WrittenOff | CaseState::Closed
            ) {
                return Err(invalid());
            }
            require(actor, &[Role::Reviewer, Role::Admin], action)?;
            require_text(reason, action)?;
            reopen(&mut after);
        }
        Action::RunClose => {
            if *actor != Actor::System || from == CaseState::Closed {
                return Err(invalid());
            }
            after.state = CaseState::Closed;
            after.closed_by_run = true;
        }
        Action::RunReopen => {
            // When a run may reopen (its finding came back after the run closed it, or came back
            // with other amounts than those resolved) is `sync`'s decision; here only its form.
            let finished = matches!(
                from,
                CaseState::Resolved | CaseState::WrittenOff | CaseState::Closed
            );
            if *actor != Actor::System || !finished {
                return Err(invalid());
            }
            reopen(&mut after);
        }
    }
    Ok(Transition { from, after })
}

fn reopen(case: &mut CaseFacts) {
    case.state = CaseState::Open;
    case.closed_by_run = false;
    case.approved_by = None;
    case.prepared_by = None;
    case.resolution = None;
}

fn require(actor: &Actor, roles: &[Role], action: &Action) -> Result<(), WorkflowError> {
    if actor.has_any(roles) {
        Ok(())
    } else {
        Err(WorkflowError::NotPermitted {
            actor: actor.id().to_string(),
            action: action.name(),
            needed: roles.to_vec(),
        })
    }
}

fn require_person(actor: &Actor, action: &Action) -> Result<(), WorkflowError> {
    match actor {
        Actor::User { .. } => Ok(()),
        Actor::System => Err(WorkflowError::NotPermitted {
            actor: actor.id().to_string(),
            action: action.name(),
            needed: Vec::new(),
        }),
    }
}

/// Working a case: its assignee, or — while nobody is assigned — anyone of its working role;
/// team leads always.
fn require_worker(case: &CaseFacts, actor: &Actor, action: &Action) -> Result<(), WorkflowError> {
    if actor.has_any(LEADS) {
        return Ok(());
    }
    match &case.assignee {
        Some(assignee) if actor.is(assignee) => Ok(()),
        Some(assignee) => Err(WorkflowError::NotAssignee {
            actor: actor.id().to_string(),
            assignee: assignee.clone(),
        }),
        None => require(actor, &[case.working_role], action),
    }
}

fn require_text(reason: &str, action: &Action) -> Result<(), WorkflowError> {
    if reason.trim().is_empty() {
        Err(WorkflowError::ReasonTextRequired {
            action: action.name(),
        })
    } else {
        Ok(())
    }
}
