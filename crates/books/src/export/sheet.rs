//! A small grid model rendered to .xlsx, shared by the Excel exports. Amounts are written as
//! numbers with two decimals (accounting imports expect numeric cells); the number comes from
//! the exact 元 text of the amount, so no arithmetic ever happens in floating point.

use duizhang_core::Fen;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

use crate::error::BooksError;

#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Money(Fen),
    Int(i64),
}

pub struct Grid {
    pub name: String,
    /// Header rows, bold.
    pub headers: Vec<Vec<String>>,
    pub rows: Vec<Vec<Cell>>,
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> BooksError {
    BooksError::export(format!("生成 Excel 文件失败：{e}"), format!("xlsx: {e}"))
}

/// Renders the grids, one sheet each. `created` is written as the document's creation date so
/// that the same vouchers always give the same bytes.
/// Above this many rows a sheet is written in constant-memory mode.
const LARGE_SHEET_ROWS: usize = 100_000;

pub fn render(grids: &[Grid], created: jiff::civil::Date) -> Result<Vec<u8>, BooksError> {
    let mut workbook = Workbook::new();
    let year = u16::try_from(created.year())
        .map_err(|_| BooksError::export("日期超出范围", "year out of range"))?;
    let month = u8::try_from(created.month())
        .map_err(|_| BooksError::export("日期超出范围", "month out of range"))?;
    let day = u8::try_from(created.day())
        .map_err(|_| BooksError::export("日期超出范围", "day out of range"))?;
    let when = ExcelDateTime::from_ymd(year, month, day).map_err(xlsx_error)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&when));
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("0.00");
    for grid in grids {
        // A large sheet (a big month's links) is streamed to a temporary file row by row
        // instead of held in memory; small ones keep the compact shared-string form.
        let sheet = if grid.rows.len() > LARGE_SHEET_ROWS {
            workbook
                .add_worksheet_with_constant_memory()
                .map_err(xlsx_error)?
        } else {
            workbook.add_worksheet()
        };
        sheet.set_name(&grid.name).map_err(xlsx_error)?;
        let mut r: u32 = 0;
        for header in &grid.headers {
            for (c, text) in (0u16..).zip(header) {
                sheet
                    .write_string_with_format(r, c, text, &bold)
                    .map_err(xlsx_error)?;
            }
            r += 1;
        }
        for row in &grid.rows {
            for (c, cell) in (0u16..).zip(row) {
                match cell {
                    Cell::Empty => {}
                    Cell::Text(t) => {
                        sheet.write_string(r, c, t).map_err(xlsx_error)?;
                    }
                    Cell::Money(f) => {
                        sheet
                            .write_number_with_format(r, c, to_number(*f)?, &money)
                            .map_err(xlsx_error)?;
                    }
                    Cell::Int(n) => {
                        sheet
                            .write_number(r, c, to_number(Fen::new(n * 100))?)
                            .map_err(xlsx_error)?;
                    }
                }
            }
            r += 1;
        }
    }
    workbook.save_to_buffer().map_err(xlsx_error)
}

/// The number Excel stores for an amount: parsed from its exact decimal text.
fn to_number(f: Fen) -> Result<f64, BooksError> {
    f.to_yuan_string()
        .parse::<f64>()
        .map_err(|e| BooksError::export(format!("金额 {f} 无法写入 Excel"), format!("{e}")))
}
