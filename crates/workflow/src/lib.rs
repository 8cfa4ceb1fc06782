//! The workspace's rules, without storage: what a case is and who may move it where, what an
//! approval needs, which reasons close a case, when a case is due and who gets it, how a run's
//! findings become cases, and how the audit log is chained so that tampering shows.
//!
//! Everything here is a pure function of its inputs. The store crates persist these types and
//! call these functions inside their transactions; the rules are enforced here once, so that no
//! backend, command or screen can skip them (maker ≠ checker above all).

#![forbid(unsafe_code)]

pub mod adjustment;
pub mod approval;
pub mod assign;
pub mod audit;
pub mod case;
pub mod due;
pub mod error;
pub mod resolution;
pub mod role;
pub mod sync;

pub use approval::{ApprovalKind, approve};
pub use audit::{AuditEntry, ChainBreak, ChainHead, NewAuditEntry, chain, verify};
pub use case::{Action, CaseFacts, CaseState, Transition, transition};
pub use error::{ErrorCode, WorkflowError};
pub use resolution::{Resolution, ResolutionReason, ResolutionReasons};
pub use role::{Actor, Role};
