//! A file as a table of text rows, whatever it came as (CSV in any encoding, or a spreadsheet
//! sheet), read one row at a time so that large bills stream in constant memory.

use std::collections::VecDeque;
use std::io::Read;

use duizhang_core::{BeijingTime, Fen};

use crate::csv_lines::CsvLines;
use crate::limits::{LimitExceeded, MAX_CELL_BYTES, check_amount, clip, size_text};
use crate::problem::{Problem, ProblemCode};
use crate::text::{TextEncoding, clean_cell, is_blank_value, normalize_header};

/// One physical row: its line number and its cells as decoded text.
#[derive(Clone, Debug, Default)]
pub struct Row {
    pub line: u32,
    text: String,
    bounds: Vec<(usize, usize)>,
}

impl Row {
    pub fn from_cells(line: u32, cells: &[&str]) -> Row {
        let mut row = Row {
            line,
            ..Row::default()
        };
        for c in cells {
            row.push(c);
        }
        row
    }

    fn clear(&mut self, line: u32) {
        self.line = line;
        self.text.clear();
        self.bounds.clear();
    }

    fn push(&mut self, cell: &str) {
        self.push_with(|text| text.push_str(cell));
    }

    /// Adds a cell written by `write` straight into the row's text.
    fn push_with(&mut self, write: impl FnOnce(&mut String)) {
        let start = self.text.len();
        write(&mut self.text);
        self.bounds.push((start, self.text.len()));
    }

    pub fn len(&self) -> usize {
        self.bounds.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bounds.is_empty()
    }

    /// The cell as written, guards included; "" past the end.
    pub fn raw(&self, index: usize) -> &str {
        self.bounds
            .get(index)
            .and_then(|&(a, b)| self.text.get(a..b))
            .unwrap_or("")
    }

    /// The cell with anti-Excel guards removed; "" past the end.
    pub fn cell(&self, index: usize) -> &str {
        clean_cell(self.raw(index))
    }

    pub fn cells(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.cell(i))
    }

    /// Every cell blank (an empty line, or a line of commas).
    pub fn is_blank(&self) -> bool {
        self.cells().all(str::is_empty)
    }

    /// The whole line with cells re-joined by commas and trailing empty cells dropped:
    /// for preamble and footer lines (`#支出合计：2笔，共-12.60元,,,,`).
    pub fn joined(&self) -> String {
        let last = (0..self.len())
            .rev()
            .find(|&i| !self.cell(i).is_empty())
            .map_or(0, |i| i + 1);
        (0..last)
            .map(|i| self.raw(i).trim())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// A comment line of the kind bills use for preambles and footers (`#…`).
    pub fn is_comment(&self) -> bool {
        self.raw(0)
            .trim_start_matches(['\u{FEFF}', ' '])
            .starts_with('#')
    }
}

enum Backend {
    Csv {
        reader: CsvLines,
    },
    /// A sheet's cells as the workbook gave them; rows are turned into text one at a time, so
    /// a sheet is never held twice.
    Sheet {
        range: calamine::Range<calamine::Data>,
        /// Index of the next row within the range.
        next: usize,
        /// The workbook counts dates from 1904 (Excel for Mac), not from 1900.
        date1904: bool,
    },
}

/// The rows of one file (or one sheet of a workbook).
pub struct Table {
    pub name: String,
    pub encoding: TextEncoding,
    backend: Backend,
    replay: VecDeque<Row>,
    current: Row,
    finished: bool,
    /// Column names once the header is known, so errors raised while decoding name the column.
    column_names: Vec<String>,
}

impl Table {
    /// A CSV stream whose first bytes are `sample` (used to decide the encoding) followed by `rest`.
    pub fn csv(name: &str, sample: Vec<u8>, rest: Box<dyn Read + Send>) -> Table {
        let encoding = crate::text::sniff_encoding(&sample);
        let separator = crate::text::sniff_separator(&sample, encoding);
        let stream = std::io::Cursor::new(sample).chain(rest);
        let reader: Box<dyn Read + Send> = match encoding {
            TextEncoding::Utf16Le | TextEncoding::Utf16Be => Box::new(
                crate::utf16::Utf16Reader::new(stream, encoding == TextEncoding::Utf16Be),
            ),
            _ => Box::new(stream),
        };
        Table {
            name: name.to_string(),
            encoding,
            backend: Backend::Csv {
                reader: CsvLines::with_separator(reader, separator),
            },
            replay: VecDeque::new(),
            current: Row::default(),
            finished: false,
            column_names: Vec::new(),
        }
    }

    /// A workbook's sheet; rows are numbered as the spreadsheet numbers them. `date1904`: the
    /// workbook's dates count from 1904 (its `workbookPr date1904`).
    pub fn sheet(name: &str, range: calamine::Range<calamine::Data>, date1904: bool) -> Table {
        Table {
            name: name.to_string(),
            encoding: TextEncoding::Spreadsheet,
            backend: Backend::Sheet {
                range,
                next: 0,
                date1904,
            },
            replay: VecDeque::new(),
            current: Row::default(),
            finished: false,
            column_names: Vec::new(),
        }
    }

    /// Reads the next row into `row`, refusing a cell longer than [`MAX_CELL_BYTES`].
    fn read_into(&mut self, row: &mut Row) -> Result<bool, Problem> {
        let more = self.read_raw(row)?;
        if more && let Some(index) = row.bounds.iter().position(|&(a, b)| b - a > MAX_CELL_BYTES) {
            let cell = row.raw(index);
            return Err(Problem::new(
                ProblemCode::Limit,
                &self.name,
                format!(
                    "单元格长 {} 字节，超过 {} 的上限（开头：“{}”）",
                    cell.len(),
                    size_text(crate::limits::usize_bytes(MAX_CELL_BYTES)),
                    clip(cell, 50)
                ),
                format!("cell of {} bytes, limit {MAX_CELL_BYTES}", cell.len()),
            )
            .at_line(row.line)
            .at_column(
                index,
                self.column_names.get(index).map_or("", String::as_str),
            ));
        }
        Ok(more)
    }

    fn read_raw(&mut self, row: &mut Row) -> Result<bool, Problem> {
        if self.finished {
            return Ok(false);
        }
        match &mut self.backend {
            Backend::Sheet {
                range,
                next,
                date1904,
            } => {
                let (height, width) = range.get_size();
                if *next >= height {
                    self.finished = true;
                    return Ok(false);
                }
                let (first_row, first_col) = range.start().unwrap_or((0, 0));
                let line = u32::try_from(*next)
                    .unwrap_or(u32::MAX)
                    .saturating_add(first_row)
                    .saturating_add(1);
                row.clear(line);
                // Columns left of the range are empty cells, so indexes match the sheet's.
                for _ in 0..first_col {
                    row.push("");
                }
                for cell in (0..width).filter_map(|col| range.get((*next, col))) {
                    row.push_with(|text| crate::container::write_cell(cell, *date1904, text));
                }
                *next += 1;
                Ok(true)
            }
            Backend::Csv { reader } => {
                let more = reader
                    .next_record()
                    .map_err(|e| read_problem(&self.name, &e).at_line(reader.current_line()))?;
                if !more {
                    self.finished = true;
                    return Ok(false);
                }
                row.clear(reader.start_line);
                // Decode the whole record at once when possible (all ASCII, or valid UTF-8);
                // only a record that fails is decoded cell by cell to name the bad column.
                let whole = if reader.cells.is_ascii() {
                    std::str::from_utf8(&reader.cells).ok()
                } else if self.encoding == TextEncoding::Gb18030 {
                    None
                } else {
                    std::str::from_utf8(&reader.cells).ok()
                };
                if let Some(text) = whole {
                    row.text.push_str(text);
                    row.bounds.extend_from_slice(&reader.bounds);
                    return Ok(true);
                }
                for index in 0..reader.bounds.len() {
                    let field = reader.cell(index);
                    let decoded = match self.encoding {
                        TextEncoding::Gb18030 if !field.is_ascii() => encoding_rs::GB18030
                            .decode_without_bom_handling_and_without_replacement(field),
                        _ => std::str::from_utf8(field)
                            .ok()
                            .map(std::borrow::Cow::Borrowed),
                    };
                    let Some(text) = decoded else {
                        return Err(Problem::new(
                            ProblemCode::Encoding,
                            &self.name,
                            format!(
                                "含有不是 {} 编码的字节（文件编码不一致或已损坏）",
                                self.encoding.label()
                            ),
                            format!("bytes invalid in {}", self.encoding.label()),
                        )
                        .at_line(row.line)
                        .at_column(
                            index,
                            self.column_names.get(index).map_or("", String::as_str),
                        ));
                    };
                    row.push(&text);
                }
                Ok(true)
            }
        }
    }

    /// Reads ahead up to `n` rows without consuming them (for format detection).
    pub fn peek(&mut self, n: usize) -> Result<&VecDeque<Row>, Problem> {
        while self.replay.len() < n {
            let mut row = Row::default();
            if !self.read_into(&mut row)? {
                break;
            }
            self.replay.push_back(row);
        }
        Ok(&self.replay)
    }

    /// The next row, or `None` at the end.
    pub fn next_row(&mut self) -> Result<Option<&Row>, Problem> {
        if let Some(row) = self.replay.pop_front() {
            self.current = row;
            return Ok(Some(&self.current));
        }
        let mut row = std::mem::take(&mut self.current);
        let more = self.read_into(&mut row)?;
        self.current = row;
        Ok(more.then_some(&self.current))
    }

    /// Consumes the rows before the header (returned, for their metadata) and the header.
    pub fn take_header(&mut self, header_index: usize) -> Result<(Vec<Row>, Header), Problem> {
        let mut preamble = Vec::with_capacity(header_index);
        for _ in 0..header_index {
            match self.next_row()? {
                Some(row) => preamble.push(row.clone()),
                None => break,
            }
        }
        let row = self.next_row()?.cloned().ok_or_else(|| {
            Problem::new(
                ProblemCode::Truncated,
                &self.name,
                "文件没有表头行",
                "no header row",
            )
        })?;
        let header = Header::from_row(&row);
        self.column_names.clone_from(&header.names);
        Ok((preamble, header))
    }
}

/// A read error of a file as a problem: a limit it went past ([`crate::limits`]) says so;
/// anything else is an I/O failure.
pub fn read_problem(file: &str, error: &std::io::Error) -> Problem {
    match LimitExceeded::of(error) {
        Some(limit) => Problem::new(ProblemCode::Limit, file, &limit.zh, &limit.en),
        None => Problem::new(
            ProblemCode::Io,
            file,
            format!("读取失败：{error}"),
            format!("read error: {error}"),
        ),
    }
}

/// A table's header: the column names as written and as compared.
#[derive(Clone, Debug)]
pub struct Header {
    pub line: u32,
    pub names: Vec<String>,
    normalized: Vec<String>,
    /// A free-text column whose unescaped commas may split it into several cells (WeChat's
    /// 商品名称): rows longer than the header are re-joined there.
    overflow_column: Option<usize>,
    /// The columns whose values identify something ([`is_identifier_column`]), found once.
    identifiers: Vec<usize>,
}

impl Header {
    pub fn from_row(row: &Row) -> Header {
        let names: Vec<String> = row.cells().map(str::to_string).collect();
        let normalized = names.iter().map(|n| normalize_header(n)).collect();
        let identifiers = (0..names.len())
            .filter(|&i| is_identifier_column(&names[i]))
            .collect();
        Header {
            line: row.line,
            names,
            normalized,
            overflow_column: None,
            identifiers,
        }
    }

    pub fn len(&self) -> usize {
        // Trailing empty header cells (a trailing comma) are not columns.
        self.normalized
            .iter()
            .rposition(|n| !n.is_empty())
            .map_or(0, |i| i + 1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The first column whose name equals one of `names` (compared normalised).
    pub fn find(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|name| {
            let wanted = normalize_header(name);
            self.normalized.iter().position(|n| *n == wanted)
        })
    }

    /// Like [`Header::find`], but a missing column is an error naming the header line.
    pub fn require(&self, file: &str, names: &[&str]) -> Result<usize, Problem> {
        self.find(names).ok_or_else(|| {
            Problem::new(
                ProblemCode::MissingColumn,
                file,
                format!("缺少必需的列“{}”", names.first().copied().unwrap_or("")),
                format!(
                    "missing required column {:?}",
                    names.first().copied().unwrap_or("")
                ),
            )
            .at_line(self.line)
        })
    }

    pub fn set_overflow_column(&mut self, column: Option<usize>) {
        self.overflow_column = column;
    }

    pub fn name(&self, index: usize) -> &str {
        self.names.get(index).map_or("", String::as_str)
    }

    /// How many of `columns` (each a list of aliases) the header has.
    pub fn count_matching(&self, columns: &[&[&str]]) -> usize {
        columns
            .iter()
            .filter(|aliases| self.find(aliases).is_some())
            .count()
    }
}

/// A number written in scientific notation (`4.01235E+18`, `3E+14`, `4.012345678901236E18`):
/// what Excel makes of a long number, or what a spreadsheet number past 2^53 is written as.
pub fn lost_digits(text: &str) -> bool {
    let Some((mantissa, exponent)) = text.trim().split_once(['E', 'e']) else {
        return false;
    };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    !exponent.is_empty() && digits(exponent) && !int.is_empty() && digits(int) && digits(frac)
}

/// A column whose values identify something: its name holds `号` (订单号, 订单编号, 流水号,
/// 单据编号) or ends in `ID`/`id` (商品ID).
fn is_identifier_column(name: &str) -> bool {
    name.contains('号') || name.to_ascii_lowercase().trim_end().ends_with("id")
}

/// Finds the first of `rows` that holds every one of `required` (each a list of aliases)
/// and returns its index.
pub fn find_header_row<'a>(
    rows: impl IntoIterator<Item = &'a Row>,
    required: &[&[&str]],
) -> Option<usize> {
    rows.into_iter().position(|row| {
        let header = Header::from_row(row);
        header.count_matching(required) == required.len()
    })
}

/// Typed access to one data row under its header; every failure is a [`Problem`] naming the
/// file, line and column.
pub struct Cells<'a> {
    pub row: &'a Row,
    pub header: &'a Header,
    pub file: &'a str,
    extra: usize,
}

impl<'a> Cells<'a> {
    pub fn new(row: &'a Row, header: &'a Header, file: &'a str) -> Cells<'a> {
        let extra = match header.overflow_column {
            Some(_) => row.len().saturating_sub(header.len()),
            None => 0,
        };
        Cells {
            row,
            header,
            file,
            extra,
        }
    }

    pub fn line(&self) -> u32 {
        self.row.line
    }

    /// Errors if the row is not whole: shorter than the header (a cut-off file or a broken
    /// line), or with an identifier Excel cut short ([`Cells::identifier_problem`]) in any
    /// column that identifies something, required or not — an optional 商户订单号 written as
    /// `4.00013E+18` would tie the row to no order, silently.
    pub fn require_complete(&self) -> Result<(), Problem> {
        for &col in &self.header.identifiers {
            if let Some(text) = self.opt(Some(col))
                && let Some(problem) = self.identifier_problem(col, &text)
            {
                return Err(problem);
            }
        }
        // Trailing empty cells may be dropped by some writers; a missing non-empty column is not.
        let needed = self.header.len();
        if self.row.len() < needed && !self.row.is_blank() {
            return Err(Problem::new(
                ProblemCode::Truncated,
                self.file,
                format!(
                    "本行只有 {} 列，表头有 {} 列（文件可能被截断或行已损坏）",
                    self.row.len(),
                    needed
                ),
                format!("row has {} cells, header has {}", self.row.len(), needed),
            )
            .at_line(self.row.line));
        }
        Ok(())
    }

    fn physical(&self, col: usize) -> usize {
        match self.header.overflow_column {
            Some(k) if col > k => col + self.extra,
            _ => col,
        }
    }

    /// The cleaned cell text ("" when absent).
    pub fn text(&self, col: usize) -> std::borrow::Cow<'a, str> {
        if let Some(k) = self.header.overflow_column
            && col == k
            && self.extra > 0
        {
            let parts: Vec<&str> = (k..=k + self.extra).map(|i| self.row.raw(i)).collect();
            return std::borrow::Cow::Owned(clean_cell(&parts.join(",")).to_string());
        }
        std::borrow::Cow::Borrowed(self.row.cell(self.physical(col)))
    }

    /// The cell text, `None` when blank (`""`, `-`).
    pub fn opt(&self, col: Option<usize>) -> Option<std::borrow::Cow<'a, str>> {
        let t = self.text(col?);
        (!is_blank_value(&t)).then_some(t)
    }

    pub fn problem(
        &self,
        col: usize,
        code: ProblemCode,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Problem {
        Problem::new(code, self.file, zh, en)
            .at_line(self.row.line)
            .at_column(self.physical(col), self.header.name(col))
    }

    /// A required cell. In a column of numbers that identify something (its name holds `号` or
    /// ends in `ID`: 订单编号, 流水号, 商品ID), a number Excel rewrote in scientific notation
    /// (`4.01235E+18`) is an error: its last digits are gone, and reading it would tie the row
    /// to no order, or to the wrong one.
    pub fn req(&self, col: usize) -> Result<std::borrow::Cow<'a, str>, Problem> {
        let text = self.opt(Some(col)).ok_or_else(|| {
            self.problem(
                col,
                ProblemCode::MissingValue,
                "必填的单元格为空",
                "required cell is empty",
            )
        })?;
        if is_identifier_column(self.header.name(col))
            && let Some(problem) = self.identifier_problem(col, &text)
        {
            return Err(problem);
        }
        Ok(text)
    }

    /// A number Excel rewrote in scientific notation (`4.01235E+18`) in a column that
    /// identifies something: its last digits are gone.
    fn identifier_problem(&self, col: usize, text: &str) -> Option<Problem> {
        lost_digits(text).then(|| {
            self.problem(
                col,
                ProblemCode::BadValue,
                format!(
                    "编号“{text}”已被 Excel 改写成科学计数法，后面的位数已经丢失，无法还原：请从平台重新下载原始文件，不要用 Excel 打开后保存（或导入 Excel 时把这一列设为“文本”）"
                ),
                format!("identifier in scientific notation, digits lost: {text:?}"),
            )
        })
    }

    pub fn fen(&self, col: Option<usize>) -> Result<Option<Fen>, Problem> {
        let Some(text) = self.opt(col) else {
            return Ok(None);
        };
        let col = col.unwrap_or(0);
        let amount = Fen::parse_yuan(&text)
            .map_err(|e| self.problem(col, ProblemCode::BadAmount, e.zh(), e.to_string()))?;
        check_amount(amount)
            .map(Some)
            .map_err(|(zh, en)| self.problem(col, ProblemCode::BadAmount, zh, en))
    }

    pub fn req_fen(&self, col: usize) -> Result<Fen, Problem> {
        self.fen(Some(col))?.ok_or_else(|| {
            self.problem(
                col,
                ProblemCode::MissingValue,
                "金额为空",
                "amount is empty",
            )
        })
    }

    pub fn time(&self, col: Option<usize>) -> Result<Option<BeijingTime>, Problem> {
        let Some(text) = self.opt(col) else {
            return Ok(None);
        };
        let col = col.unwrap_or(0);
        BeijingTime::parse(&text)
            .map(Some)
            .map_err(|e| self.problem(col, ProblemCode::BadTime, e.zh(), e.to_string()))
    }

    pub fn req_time(&self, col: usize) -> Result<BeijingTime, Problem> {
        self.time(Some(col))?.ok_or_else(|| {
            self.problem(col, ProblemCode::MissingValue, "时间为空", "time is empty")
        })
    }

    /// An integer count (quantities); `2.0` from spreadsheets is accepted.
    pub fn int(&self, col: Option<usize>) -> Result<Option<i64>, Problem> {
        let Some(text) = self.opt(col) else {
            return Ok(None);
        };
        let col = col.unwrap_or(0);
        let t = text.trim();
        let t = t
            .strip_suffix(".0")
            .or_else(|| t.strip_suffix(".00"))
            .unwrap_or(t);
        t.parse::<i64>().map(Some).map_err(|_| {
            self.problem(
                col,
                ProblemCode::BadValue,
                format!("“{text}”不是整数"),
                format!("not an integer: {text:?}"),
            )
        })
    }

    pub fn req_int(&self, col: usize) -> Result<i64, Problem> {
        self.int(Some(col))?.ok_or_else(|| {
            self.problem(
                col,
                ProblemCode::MissingValue,
                "数量为空",
                "quantity is empty",
            )
        })
    }

    /// An unknown enum text: an error naming the values that are understood.
    pub fn bad_value(&self, col: usize, value: &str, known: &[&str]) -> Problem {
        self.problem(
            col,
            ProblemCode::BadValue,
            format!("无法识别的取值“{value}”（可识别：{}）", known.join("、")),
            format!("unknown value {value:?}"),
        )
    }
}
