//! The monthly 对账报告: [`build`] turns a run's results (metrics, summary, findings, pending
//! items) and earlier periods' metrics into a [`Report`]; [`xlsx::workbook`] and [`html::page`]
//! render it. No file I/O: the caller reads the results and writes the bytes.

pub mod build;
pub mod html;
pub mod model;
pub mod svg;
pub mod xlsx;

use duizhang_core::Finding;
use duizhang_engine::{PendingItem, Summary};
use duizhang_metrics::Metrics;

pub use build::build;
pub use model::Report;

/// What a report is made of.
pub struct Inputs<'a> {
    pub metrics: &'a Metrics,
    pub summary: &'a Summary,
    pub pending: &'a [PendingItem],
    pub findings: &'a [Finding],
    /// Earlier periods' metrics, any order (the report sorts them by period).
    pub history: &'a [Metrics],
}
