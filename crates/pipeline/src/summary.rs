//! summary.json: the engine's summary plus the pending list and what was imported.

use duizhang_engine::PendingItem;
use duizhang_engine::summary::Summary;
use duizhang_import::ImportedFile;
use serde::Serialize;

use crate::carry::CarryAccount;

#[derive(Serialize)]
pub struct RunSummary<'a> {
    #[serde(flatten)]
    pub summary: &'a Summary,
    pub findings: usize,
    pub pending: &'a [PendingItem],
    /// What became of the items carried in (absent when nothing was carried).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carried: Option<&'a CarryAccount>,
    pub inputs: Vec<InputSummary<'a>>,
}

#[derive(Serialize)]
pub struct InputSummary<'a> {
    pub file: &'a str,
    pub format: Option<&'a str>,
    pub variant: Option<&'a str>,
    pub records: u64,
    pub control_totals_hold: bool,
}

impl<'a> InputSummary<'a> {
    pub fn of(f: &'a ImportedFile) -> InputSummary<'a> {
        InputSummary {
            file: &f.name,
            format: f.format.as_deref(),
            variant: f.variant.as_deref(),
            records: f.stats.rows.values().sum(),
            control_totals_hold: f.control.iter().all(|c| c.holds()),
        }
    }
}
