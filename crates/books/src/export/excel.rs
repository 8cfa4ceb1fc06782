//! The generic Excel journal: sheet 凭证 (one row per entry) and sheet 来源单据 (the source
//! documents each voucher books or rests on). It is also the format `import::excel` reads back.

use duizhang_core::RecordKind;

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
const SOURCE_HEADERS: [&str; 7] = [
    "会计期间",
    "凭证字",
    "凭证号",
    "单据类型",
    "单据号",
    "关系",
    "行号",
];

pub(crate) const RECORD_KINDS: [RecordKind; 9] = [
    RecordKind::Order,
    RecordKind::AfterSale,
    RecordKind::FundFlow,
    RecordKind::Payment,
    RecordKind::Settlement,
    RecordKind::ErpOrder,
    RecordKind::Shipment,
    RecordKind::ReturnReceipt,
    RecordKind::Complaint,
];

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn opt(s: &Option<String>) -> Cell {
    s.as_ref().map_or(Cell::Empty, |v| text(v.clone()))
}

/// Rows a worksheet holds below its header (Excel's limit is 1,048,576 rows).
const SHEET_ROWS: usize = 1_048_575;

/// The links sheet, continued on `来源单据2`, `来源单据3` … when one sheet cannot hold them.
fn source_grids(mut rows: Vec<Vec<Cell>>, per_sheet: usize) -> Vec<Grid> {
    let mut grids = Vec::new();
    let mut n = 1;
    loop {
        let rest = rows.split_off(rows.len().min(per_sheet.max(1)));
        grids.push(Grid {
            name: if n == 1 {
                EXCEL_SOURCES_SHEET.into()
            } else {
                format!("{EXCEL_SOURCES_SHEET}{n}")
            },
            headers: vec![SOURCE_HEADERS.iter().map(|s| s.to_string()).collect()],
            rows,
        });
        if rest.is_empty() {
            return grids;
        }
        rows = rest;
        n += 1;
    }
}

/// `来源单据`, `来源单据2`, `来源单据3` …
pub fn is_sources_sheet(name: &str) -> bool {
    name.strip_prefix(EXCEL_SOURCES_SHEET)
        .is_some_and(|rest| rest.is_empty() || rest.bytes().all(|b| b.is_ascii_digit()))
}

pub fn excel(vouchers: &[Voucher], chart: &Chart) -> Result<Vec<u8>, BooksError> {
    excel_with_sheet_rows(vouchers, chart, SHEET_ROWS)
}

/// [`excel`] with a chosen sheet size (tests use a small one to exercise continuation sheets).
pub fn excel_with_sheet_rows(
    vouchers: &[Voucher],
    chart: &Chart,
    sheet_rows: usize,
) -> Result<Vec<u8>, BooksError> {
    super::validated(vouchers, chart)?;
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
    let mut sources = Vec::new();
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
        for link in &v.links {
            sources.push(vec![
                text(v.period.to_string()),
                text(v.word.clone()),
                Cell::Int(i64::from(v.number)),
                text(link.kind.zh()),
                text(link.key.clone()),
                text(link.role.zh()),
                link.source
                    .map_or(Cell::Empty, |s| Cell::Int(i64::from(s.line))),
            ]);
        }
    }
    let created = vouchers.iter().map(|v| v.date).max().unwrap_or_default();
    render(
        &[Grid {
            name: EXCEL_LINES_SHEET.into(),
            headers: vec![LINE_HEADERS.iter().map(|s| s.to_string()).collect()],
            rows: lines,
        }]
        .into_iter()
        .chain(source_grids(sources, sheet_rows))
        .collect::<Vec<_>>(),
        created,
    )
}
