//! The domain core of duizhang: exact money ([`Fen`]), Beijing time ([`BeijingTime`]), the
//! normalised records that importers produce ([`Record`]), a period's [`Dataset`], and the
//! [`Finding`] contract of CHECKS.md. No I/O lives here.

pub mod dataset;
pub mod finding;
pub mod label;
mod label_wire;
pub mod model;
pub mod money;
pub mod period;
pub mod time;
pub mod timing;

pub use dataset::{Dataset, Repeat, SourceFile};
pub use finding::{Evidence, Finding, FindingSeverity, Owner};
pub use label::Label;
pub use model::*;
pub use money::{Fen, MoneyError, RatePpm};
pub use period::{Period, PeriodError, PeriodKind};
pub use time::{BeijingTime, TimeError};
