//! Tables in the two shapes marketplaces hand them out: CSV text and XLSX workbooks.
//!
//! A format writer builds its rows once as [`Cell`]s; [`Shape::render`] turns them into CSV
//! (amounts as `59.00`, the chosen encoding and line ending) or into a workbook (amounts as
//! numbers, ids and times as text, as the exports do).

use duizhang_core::{BeijingTime, Fen};
use rust_xlsxwriter::{Workbook, XlsxError};

use crate::bytes::{Encoding, TextFile};

/// One cell of a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    /// An amount in 元: `59.00` in CSV, a number in a workbook.
    Amount(Fen),
    /// A count: a number in a workbook.
    Int(i64),
}

impl Cell {
    pub fn empty() -> Cell {
        Cell::Text(String::new())
    }

    pub fn opt_text(text: Option<&str>) -> Cell {
        Cell::Text(text.unwrap_or("").to_string())
    }

    pub fn opt_amount(amount: Option<Fen>) -> Cell {
        amount.map_or_else(Cell::empty, Cell::Amount)
    }

    pub fn opt_time(time: Option<BeijingTime>) -> Cell {
        Cell::Text(time.map(|t| t.to_string()).unwrap_or_default())
    }

    /// The cell as CSV text (`59.00` for an amount).
    pub(crate) fn csv_text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Amount(a) => a.to_string(),
            Cell::Int(i) => i.to_string(),
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

/// A named sheet of rows (the name matters in workbooks only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    pub fn new(name: &str) -> Sheet {
        Sheet {
            name: name.to_string(),
            rows: Vec::new(),
        }
    }

    pub fn push<C: Into<Cell>>(&mut self, cells: impl IntoIterator<Item = C>) {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }
}

/// The file shape to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Csv { encoding: Encoding, crlf: bool },
    Xlsx,
}

impl Shape {
    /// GBK with CRLF, the shape of Taobao's and JD's CSV downloads.
    pub const GBK_CSV: Shape = Shape::Csv {
        encoding: Encoding::Gbk,
        crlf: true,
    };

    /// Renders the sheets: a CSV holds the first sheet only, a workbook holds all of them.
    pub fn render(self, sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
        match self {
            Shape::Csv { .. } => {
                let mut w = SheetWriter::new(self, "");
                for row in sheets.first().map_or(&[][..], |s| s.rows.as_slice()) {
                    w.push(row.iter().cloned());
                }
                w.finish()
            }
            Shape::Xlsx => xlsx(sheets),
        }
    }
}

/// One sheet written row by row: CSV rows go straight into the text, so a large file is
/// never held twice; workbook rows are kept until [`SheetWriter::finish`].
pub struct SheetWriter {
    csv: Option<TextFile>,
    sheet: Sheet,
}

impl SheetWriter {
    pub fn new(shape: Shape, name: &str) -> SheetWriter {
        let csv = match shape {
            Shape::Csv { encoding, crlf } => Some(TextFile::new(encoding, crlf)),
            Shape::Xlsx => None,
        };
        SheetWriter {
            csv,
            sheet: Sheet::new(name),
        }
    }

    pub fn push<C: Into<Cell>>(&mut self, cells: impl IntoIterator<Item = C>) {
        match &mut self.csv {
            Some(f) => {
                let cells: Vec<String> = cells
                    .into_iter()
                    .map(|c| csv_quote(c.into().csv_text()))
                    .collect();
                f.cells(&cells);
            }
            None => self.sheet.push(cells),
        }
    }

    pub fn finish(self) -> Result<Vec<u8>, XlsxError> {
        match self.csv {
            Some(f) => Ok(f.into_bytes()),
            None => xlsx(&[self.sheet]),
        }
    }
}

/// Quotes a CSV cell only where a reader needs it (a separator, a line break, a leading
/// quote): the `="…"` guard stays bare, as the exports write it so that Excel evaluates it.
fn csv_quote(cell: String) -> String {
    if cell.contains([',', '\n', '\r']) || cell.starts_with('"') {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell
    }
}

/// A workbook with one worksheet per sheet; empty text cells are left blank.
pub fn xlsx(sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    for sheet in sheets {
        let ws = workbook.add_worksheet();
        ws.set_name(sheet.name.as_str())?;
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = u32::try_from(r).map_err(|_| XlsxError::RowColumnLimitError)?;
            for (c, cell) in row.iter().enumerate() {
                let c = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
                let number = match cell {
                    Cell::Text(s) if s.is_empty() => continue,
                    Cell::Text(s) => {
                        ws.write_string(r, c, s.as_str())?;
                        continue;
                    }
                    Cell::Amount(a) => a.to_string(),
                    Cell::Int(i) => i.to_string(),
                };
                // Through the decimal text: exact for every amount a file holds.
                match number.parse::<f64>() {
                    Ok(n) => ws.write_number(r, c, n)?,
                    Err(_) => ws.write_string(r, c, number)?,
                };
            }
        }
    }
    workbook.save_to_buffer()
}
