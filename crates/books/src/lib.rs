//! The accounting side of duizhang (accounting.md §1–§3, §6): the chart of accounts of a 账套,
//! voucher rules as data, voucher generation from a reconciled period, exports to the import
//! formats of accounting software, journal import, and the books checks of CHECKS.md.
//!
//! Pure: nothing here reads or writes files; exports render bytes.

pub mod chart;
pub mod checks;
pub mod config;
pub mod error;
pub mod export;
pub mod generate;
pub mod import;
pub mod renumber;
pub mod rules;
pub mod voucher;

pub use chart::{Account, AuxDim, Chart, ChartConfig, Standard, Taxpayer};
pub use config::{Books, BooksConfig, Policy};
pub use error::BooksError;
pub use generate::{
    Generated, Issue, RecordRef, ShopName, ShopOf, generate, generate_named, source_key,
};
pub use renumber::{HeldNumbers, number_around, number_ranges};
pub use rules::{EventClass, EventId, Rules};
pub use voucher::{
    Aux, Flag, LinkRole, SourceLink, Voucher, VoucherLine, check_numbering, check_open,
    validate_all, validate_as_booked, validate_part,
};
