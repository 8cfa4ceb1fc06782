//! The workspace store. [`Backend`] is the one trait a database implements (SQLite by default,
//! PostgreSQL for teams: one crate each, with their own migrations); [`Workspace`] holds the
//! operations people and runs perform, each one transaction, with the rules of
//! `duizhang-workflow` applied inside it — so maker ≠ checker, case states and the audit chain
//! hold whatever backend is underneath, and no backend repeats them.
//!
//! Every row belongs to a company (账套) and every read and write names one: the backends scope
//! each statement by company, so nothing crosses companies.

#![forbid(unsafe_code)]

pub mod backend;
pub mod codec;
pub mod error;
pub mod password;
pub mod records;
pub mod workspace;

mod adjustments;
pub mod archive;
pub mod attachments;
mod cases;
mod company_books;
pub mod compression;
mod imports;
pub mod kept_chunks;
mod numbering;
mod order_buckets;
mod periods;
mod vouchers;

pub use backend::{Backend, Tx};
pub use error::StoreError;
pub use imports::{ImportBatch, PreparedFile};
pub use numbering::Held;
pub use records::*;
pub use workspace::Workspace;
