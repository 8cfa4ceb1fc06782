//! The generic Excel journal: sheet 凭证 (one row per entry) and sheet 来源单据 (the source
//! documents each voucher books or rests on). It is also the format `import::excel` reads back.

use super::sheet::{Cell, Grid, render};
use crate::chart::Chart;
use crate::error::BooksError;
use crate::voucher::Voucher;

pub const EXCEL_LINES_SHEET: &str = "凭证";
pub const EXCEL_SOURCES_SHEET: &str = "来源单据";

const LINE_HEADERS: [&str; 18] = [
    "日期",
    "会计期间",
    "凭证字",
    "凭证号",
    "附单据数",
    "分录号",
    "摘要",
    "科目编码",
    "科目名称",
    "借方金额",
    "贷方金额",
    "店铺",
    "客户",
    "部门",
    "制单人",
    "审核人",
    "规则版本",
    "提示",
];
/// 文件 and 行号 say where a person finds the source: the file as it was read, and the
/// physical line (CSV) or row (workbook) in it.
const SOURCE_HEADERS: [&str; 8] = [
    "会计期间",
    "凭证字",
    "凭证号",
    "单据类型",
    "单据号",
    "关系",
    "文件",
    "行号",
];

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn opt(s: &Option<String>) -> Cell {
    s.as_ref().map_or(Cell::Empty, |v| text(v.clone()))
}

/// Rows a worksheet holds below its header (Excel's limit is 1,048,575 rows).
const SHEET_ROWS: usize = 1_048_575;

/// The sheet that replaces 来源单据 when the links are written to a CSV file beside the
/// workbook; its second row names that file, so the journal import can find it.
pub const EXCEL_SOURCES_NOTE_SHEET: &str = "来源单据说明";
/// The CSV file holding the links of a workbook whose links exceed one worksheet.
pub const EXCEL_SOURCES_CSV: &str = "vouchers-sources.csv";

/// `来源单据`, and `来源单据2`, `来源单据3` … of journals written before the links moved to CSV.
pub fn is_sources_sheet(name: &str) -> bool {
    name.strip_prefix(EXCEL_SOURCES_SHEET)
        .is_some_and(|rest| rest.is_empty() || rest.bytes().all(|b| b.is_ascii_digit()))
}

/// The generic Excel journal as written. A month whose source links fit one worksheet is one
/// self-contained workbook; a larger one (millions of links at a big seller) gets its links in
/// a CSV file beside the workbook: a list that size is read by programs, not by people, and
/// Excel opens neither a multi-sheet 来源单据 nor a workbook of hundreds of MB usefully.
#[derive(Debug)]
pub struct ExcelJournal<'v> {
    pub workbook: Vec<u8>,
    /// The links, when they go to [`EXCEL_SOURCES_CSV`] instead of the workbook.
    pub sources: Option<SourcesCsv<'v>>,
}

/// The source links of a set of vouchers as CSV (UTF-8 with BOM, so Excel reads the Chinese
/// text; the columns of sheet 来源单据). Streamed to a writer: no copy of the list is built.
#[derive(Debug)]
pub struct SourcesCsv<'v> {
    vouchers: &'v [Voucher],
}

impl SourcesCsv<'_> {
    pub fn rows(&self) -> usize {
        link_count(self.vouchers)
    }

    pub fn write_to(&self, mut out: impl std::io::Write) -> std::io::Result<()> {
        out.write_all("\u{feff}".as_bytes())?;
        let mut csv = csv::WriterBuilder::new()
            .buffer_capacity(1 << 20)
            .from_writer(out);
        csv.write_record(SOURCE_HEADERS)?;
        for v in self.vouchers {
            let period = v.period.to_string();
            let number = v.number.to_string();
            for link in &v.links {
                let line = link.source.map(|s| s.line.to_string()).unwrap_or_default();
                csv.write_record([
                    period.as_str(),
                    v.word.as_str(),
                    number.as_str(),
                    link.kind.zh(),
                    link.key.as_str(),
                    link.role.zh(),
                    link.file.as_deref().unwrap_or(""),
                    line.as_str(),
                ])?;
            }
        }
        csv.flush()
    }
}

fn link_count(vouchers: &[Voucher]) -> usize {
    vouchers.iter().map(|v| v.links.len()).sum()
}

pub fn excel<'v>(vouchers: &'v [Voucher], chart: &Chart) -> Result<ExcelJournal<'v>, BooksError> {
    excel_with_sheet_rows(vouchers, chart, SHEET_ROWS)
}

/// [`excel`] with a chosen sheet size (tests use a small one to exercise the CSV links).
pub fn excel_with_sheet_rows<'v>(
    vouchers: &'v [Voucher],
    chart: &Chart,
    sheet_rows: usize,
) -> Result<ExcelJournal<'v>, BooksError> {
    super::validated(vouchers, chart)?;
    render_journal(vouchers, chart, sheet_rows)
}

/// The generic Excel journal of vouchers as an accounting system holds them, checked only as
/// it checks them ([`crate::voucher::validate_as_booked`]): a source may stand behind two
/// vouchers. It is the journal `--journal` reads back, with whatever slips it has (the demo
/// writes one); generated vouchers are exported through [`excel`].
pub fn excel_as_booked<'v>(
    vouchers: &'v [Voucher],
    chart: &Chart,
) -> Result<ExcelJournal<'v>, BooksError> {
    super::not_empty(vouchers)?;
    super::validate_as_booked(vouchers, chart)?;
    render_journal(vouchers, chart, SHEET_ROWS)
}

fn render_journal<'v>(
    vouchers: &'v [Voucher],
    chart: &Chart,
    sheet_rows: usize,
) -> Result<ExcelJournal<'v>, BooksError> {
    // Checked before anything is built: a month too large for one sheet is said at once.
    let line_rows: usize = vouchers.iter().map(|v| v.lines.len()).sum();
    if line_rows > SHEET_ROWS {
        return Err(BooksError::voucher(
            format!(
                "凭证分录 {line_rows} 行，超过 Excel 单个工作表 {SHEET_ROWS} 行的上限；请改用 beancount 或 u8 格式导出"
            ),
            format!("{line_rows} lines exceed one sheet"),
        ));
    }
    let mut lines = Vec::new();
    for v in vouchers {
        let flags: Vec<String> = v.flags.iter().map(|f| f.zh()).collect();
        for (i, l) in (1i64..).zip(&v.lines) {
            lines.push(vec![
                text(v.date.to_string()),
                text(v.period.to_string()),
                text(v.word.clone()),
                Cell::Int(i64::from(v.number)),
                Cell::Int(i64::from(v.attachments)),
                Cell::Int(i),
                text(l.summary.clone()),
                text(l.account.clone()),
                text(chart.full_name(&l.account)),
                Cell::Money(l.debit),
                Cell::Money(l.credit),
                opt(&l.aux.shop),
                opt(&l.aux.customer),
                opt(&l.aux.department),
                text(v.preparer.clone()),
                opt(&v.reviewer),
                opt(&v.rules_version),
                if i == 1 && !flags.is_empty() {
                    text(flags.join("；"))
                } else {
                    Cell::Empty
                },
            ]);
        }
    }
    let links = link_count(vouchers);
    let in_csv = links > sheet_rows;
    let sources = if in_csv {
        Grid {
            name: EXCEL_SOURCES_NOTE_SHEET.into(),
            headers: vec![vec!["来源单据文件".into(), "行数".into(), "说明".into()]],
            rows: vec![vec![
                text(EXCEL_SOURCES_CSV),
                Cell::Int(i64::try_from(links).unwrap_or(i64::MAX)),
                text(format!(
                    "来源单据超过一个工作表的容量（{sheet_rows} 行），写在与本工作簿同一目录的 {EXCEL_SOURCES_CSV} 中；移动本工作簿时请一并移动"
                )),
            ]],
        }
    } else {
        let mut rows = Vec::with_capacity(links);
        for v in vouchers {
            for link in &v.links {
                rows.push(vec![
                    text(v.period.to_string()),
                    text(v.word.clone()),
                    Cell::Int(i64::from(v.number)),
                    text(link.kind.zh()),
                    text(link.key.clone()),
                    text(link.role.zh()),
                    link.file.as_ref().map_or(Cell::Empty, |f| text(f.as_str())),
                    link.source
                        .map_or(Cell::Empty, |s| Cell::Int(i64::from(s.line))),
                ]);
            }
        }
        Grid {
            name: EXCEL_SOURCES_SHEET.into(),
            headers: vec![SOURCE_HEADERS.iter().map(|s| s.to_string()).collect()],
            rows,
        }
    };
    let created = vouchers.iter().map(|v| v.date).max().unwrap_or_default();
    let workbook = render(
        &[
            Grid {
                name: EXCEL_LINES_SHEET.into(),
                headers: vec![LINE_HEADERS.iter().map(|s| s.to_string()).collect()],
                rows: lines,
            },
            sources,
        ],
        created,
    )?;
    Ok(ExcelJournal {
        workbook,
        sources: in_csv.then_some(SourcesCsv { vouchers }),
    })
}
