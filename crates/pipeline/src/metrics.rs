//! The period's metrics (metrics.json) and the monthly 对账报告 (report.xlsx, report.html)
//! rendered from them.

use duizhang_core::{Dataset, Period};
use duizhang_engine::shops::ShopNames;
use duizhang_engine::{Outcome, Settings};
use duizhang_metrics::{Metrics, VoucherFigures};

use crate::error::{self, Error};

pub const REPORT_XLSX: &str = "report.xlsx";
pub const REPORT_HTML: &str = "report.html";
pub const METRICS_JSON: &str = "metrics.json";

/// The period's metrics of the records, with the vouchers the run generated (none when the
/// books are off); the reconciliation's figures are added by [`with_outcome`] once the
/// outcome is complete.
pub fn metrics_of(
    data: &Dataset,
    settings: &Settings,
    names: &ShopNames,
    shops: &[duizhang_engine::ShopInfo],
    period: Period,
    vouchers: Option<&[duizhang_books::Voucher]>,
) -> Metrics {
    let mut m = duizhang_metrics::compute::of_records(data, settings, names, shops, period);
    m.vouchers = vouchers.map(voucher_figures);
    m
}

/// Adds the outcome's matched / pending / found figures.
pub fn with_outcome(mut m: Metrics, outcome: &Outcome, settings: &Settings) -> Metrics {
    m.reconciliation = duizhang_metrics::reconciliation::of(outcome, settings);
    m
}

/// How many vouchers, their debit total, and each 凭证字's number range (`记 1–812`).
fn voucher_figures(vouchers: &[duizhang_books::Voucher]) -> VoucherFigures {
    let mut ranges: std::collections::BTreeMap<&str, (u32, u32)> = Default::default();
    let mut debit = 0i64;
    for v in vouchers {
        debit += v.total_debit().get();
        let r = ranges
            .entry(v.word.as_str())
            .or_insert((v.number, v.number));
        r.0 = r.0.min(v.number);
        r.1 = r.1.max(v.number);
    }
    VoucherFigures {
        count: u64::try_from(vouchers.len()).unwrap_or(u64::MAX),
        debit_fen: debit,
        numbers: (!ranges.is_empty()).then(|| {
            ranges
                .iter()
                .map(|(w, (a, b))| format!("{w} {a}–{b}"))
                .collect::<Vec<_>>()
                .join("、")
        }),
    }
}

/// What the monthly report is made of (the report crate's own inputs).
pub use duizhang_report::Inputs as ReportInputs;

/// report.xlsx and report.html, as (name, bytes).
pub fn render_report(inputs: &ReportInputs<'_>) -> Result<[(String, Vec<u8>); 2], Error> {
    let report = duizhang_report::build(inputs);
    let xlsx = duizhang_report::xlsx::workbook(&report)
        .map_err(|e| error::render(REPORT_XLSX, format!("对账报告工作簿生成失败：{e}")))?;
    let html = duizhang_report::html::page(&report).into_bytes();
    Ok([
        (REPORT_XLSX.to_string(), xlsx),
        (REPORT_HTML.to_string(), html),
    ])
}
