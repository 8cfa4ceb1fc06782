//! Exports: vouchers rendered to the bytes an accounting system imports. Every export
//! validates the set first (balanced — red reversals in negative amounts included —, last-level
//! accounts of the chart, aux items present, no voucher number twice, no source booked twice)
//! and renders nothing otherwise. A file may hold part of a period (a batch numbered around the
//! period's correcting vouchers, or those alone), so gaps are not its to judge: the generator
//! numbers a whole period from 1 and checks it, the workspace allocates every later number.

mod beancount;
mod excel;
mod sheet;
mod template;
mod u8text;

pub use beancount::beancount;
pub use excel::{
    EXCEL_LINES_SHEET, EXCEL_SOURCES_CSV, EXCEL_SOURCES_NOTE_SHEET, EXCEL_SOURCES_SHEET,
    ExcelJournal, SourcesCsv, excel, excel_as_booked, excel_with_sheet_rows, is_sources_sheet,
};
pub use template::{
    CloudSettings, CloudTemplate, ColumnTemplate, Field, chanjet, kingdee_cloud, kis,
};
pub(crate) use u8text::Slot;
pub use u8text::{TextEncoding, U8Field, U8Layout, u8_text};

use crate::chart::Chart;
use crate::error::BooksError;
pub(crate) use crate::voucher::validate_as_booked;
use crate::voucher::{Voucher, validate_part};

fn validated(vouchers: &[Voucher], chart: &Chart) -> Result<(), BooksError> {
    not_empty(vouchers)?;
    validate_part(vouchers, chart)
}

fn not_empty(vouchers: &[Voucher]) -> Result<(), BooksError> {
    if vouchers.is_empty() {
        return Err(BooksError::export(
            "没有可导出的凭证",
            "no vouchers to export",
        ));
    }
    Ok(())
}
