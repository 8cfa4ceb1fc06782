//! The period's vouchers in the import formats of accounting systems, rendered to bytes.

use duizhang_books::export::{
    CloudSettings, CloudTemplate, ColumnTemplate, EXCEL_SOURCES_CSV, TextEncoding, beancount,
    chanjet, excel, kingdee_cloud, kis, u8_text,
};
use duizhang_books::{Books, BooksError, Voucher};

use crate::books::VOUCHERS_XLSX;

/// An import format of an accounting system.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExportFormat {
    /// 通用 Excel 凭证表 (read back by `--journal`).
    Excel,
    Beancount,
    /// 用友 U8/T3/T6 凭证引入文本 (GBK).
    U8,
    /// 畅捷通 T+ / 好会计.
    Chanjet,
    /// 金蝶 KIS 标准版.
    Kis,
    /// 金蝶云星空 凭证引入模板.
    KingdeeCloud,
}

impl ExportFormat {
    /// The file it is written as.
    pub fn file(self) -> &'static str {
        match self {
            ExportFormat::Excel => VOUCHERS_XLSX,
            ExportFormat::Beancount => "vouchers.beancount",
            ExportFormat::U8 => "vouchers-u8.txt",
            ExportFormat::Chanjet => "vouchers-chanjet.xlsx",
            ExportFormat::Kis => "vouchers-kis.xlsx",
            ExportFormat::KingdeeCloud => "vouchers-kingdee-cloud.xlsx",
        }
    }

    /// Whether the seller's import template shapes it.
    pub fn uses_template(self) -> bool {
        matches!(
            self,
            ExportFormat::Chanjet | ExportFormat::Kis | ExportFormat::KingdeeCloud
        )
    }
}

/// What the template-driven exports follow: the seller's templates (the system's defaults
/// when none) and the 金蝶云星空 codes.
#[derive(Clone, Debug, Default)]
pub struct Templates {
    /// 畅捷通 / 金蝶 KIS: the template's columns.
    pub columns: Option<ColumnTemplate>,
    /// 金蝶云星空: the 引入模板.
    pub cloud: Option<CloudTemplate>,
    pub cloud_settings: CloudSettings,
}

/// An export that could not be rendered, and which.
#[derive(Debug)]
pub struct ExportError {
    pub format: ExportFormat,
    pub error: BooksError,
}

/// The vouchers in each format, as (file name, bytes) in the order given; the Excel journal
/// is followed by its links CSV when its links exceed a worksheet.
pub fn render_exports(
    formats: &[ExportFormat],
    vouchers: &[Voucher],
    books: &Books,
    templates: &Templates,
) -> Result<Vec<(String, Vec<u8>)>, ExportError> {
    let mut files = Vec::new();
    for &format in formats {
        let failed = |error| ExportError { format, error };
        let chart = &books.chart;
        let bytes = match format {
            ExportFormat::Excel => {
                let journal = excel(vouchers, chart).map_err(failed)?;
                files.push((format.file().to_string(), journal.workbook));
                if let Some(sources) = &journal.sources {
                    let mut csv = Vec::new();
                    sources.write_to(&mut csv).map_err(|e| {
                        failed(BooksError::export(
                            format!("凭证来源单据表生成失败：{e}"),
                            format!("{EXCEL_SOURCES_CSV}: {e}"),
                        ))
                    })?;
                    files.push((EXCEL_SOURCES_CSV.to_string(), csv));
                }
                continue;
            }
            ExportFormat::Beancount => beancount(vouchers, chart),
            ExportFormat::U8 => u8_text(vouchers, chart, &books.u8, TextEncoding::Gbk),
            ExportFormat::Chanjet => chanjet(
                vouchers,
                chart,
                &templates
                    .columns
                    .clone()
                    .unwrap_or_else(ColumnTemplate::chanjet_default),
            ),
            ExportFormat::Kis => kis(
                vouchers,
                chart,
                &templates
                    .columns
                    .clone()
                    .unwrap_or_else(ColumnTemplate::kis_default),
            ),
            ExportFormat::KingdeeCloud => kingdee_cloud(
                vouchers,
                chart,
                &templates
                    .cloud
                    .clone()
                    .unwrap_or_else(CloudTemplate::default_columns),
                &templates.cloud_settings,
            ),
        };
        files.push((format.file().to_string(), bytes.map_err(failed)?));
    }
    Ok(files)
}
