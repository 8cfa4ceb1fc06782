//! One module per platform family; each importer reads one format by its header names.
//!
//! To add a format: declare a [`HeaderFormat`] here (its columns; detection by header comes
//! with it) that reads rows through [`Cells`] so errors name line and column, register it in
//! [`all`], and add a fixture writer and tests in `duizhang-samples`.

pub mod alipay;
pub mod douyin;
pub mod jd;
mod jd_amounts;
pub mod pdd;
mod rows;
pub mod taobao;
pub mod taobao_api;
pub mod taobao_sub_orders;
pub mod wechat;
mod wechat_refund_memo;

use duizhang_core::{Fen, Record, Text, normalize_order_no};

use crate::problem::{Problem, ProblemCode};
use crate::registry::{Detection, Importer, Output};
use crate::table::{Cells, Header, Row, Table};

/// Every built-in format importer, in detection-priority order.
pub fn all() -> Vec<Box<dyn Importer>> {
    vec![
        Box::new(alipay::AlipayFundFlow),
        Box::new(alipay::AlipayFundSummary),
        Box::new(alipay::AlipayTradeBill),
        Box::new(alipay::AlipayTradeSummary),
        Box::new(wechat::WechatTradeBill),
        Box::new(wechat::WechatFundBill),
        Box::new(wechat::WechatShopFundFlow),
        Box::new(taobao::TaobaoRefunds),
        Box::new(taobao::TaobaoOrders),
        Box::new(taobao::TaobaoOrderItems),
        Box::new(taobao_sub_orders::TaobaoSubOrders),
        Box::new(jd::JdOrders),
        Box::new(jd::JdWalletBill),
        Box::new(jd::JdWalletFunds),
        Box::new(jd::JdStatement),
        Box::new(pdd::PddFundFlow),
        Box::new(pdd::PddOrders),
        Box::new(douyin::DouyinOrders),
        Box::new(douyin::DouyinFundFlow),
        Box::new(douyin::DouyinSettlement),
    ]
}

/// A column and its other spellings across versions.
pub type Column = &'static [&'static str];

/// A built-in format recognised by its header names. It declares its id, names, columns and
/// how to read it; detection (the first row holding every required column, scored by the
/// columns found plus a recognised title line) and the signature are the same for all, in the
/// [`Importer`] every `HeaderFormat` is.
pub trait HeaderFormat: Send + Sync {
    /// Stable id, e.g. `alipay.fund_flow`.
    const ID: &'static str;
    /// Chinese name, e.g. `支付宝账务明细`.
    const NAME_ZH: &'static str;
    /// Columns every file of the format has (its signature).
    const REQUIRED: &'static [Column];
    /// Further columns that raise the detection score.
    const OPTIONAL: &'static [Column];
    /// A title line some files write above the header (`#支付宝账务明细查询`).
    const TITLE: Option<&'static str> = None;

    /// The layout a detected header belongs to; by default its column count (`12列`).
    fn variant(&self, header: &Header) -> String {
        format!("{}列", header.len())
    }

    /// Reads the whole table (see [`Importer::read`]).
    fn read_table(
        &self,
        table: &mut Table,
        detection: &Detection,
        out: &mut Output<'_>,
    ) -> Result<(), Problem>;
}

impl<F: HeaderFormat> Importer for F {
    fn id(&self) -> &str {
        F::ID
    }

    fn name_zh(&self) -> &str {
        F::NAME_ZH
    }

    fn signature(&self) -> Vec<String> {
        signature_of(F::REQUIRED)
    }

    fn detect(&self, rows: &[Row]) -> Option<Detection> {
        let (index, header, score) = detect_header(rows, F::REQUIRED, F::OPTIONAL, 0)?;
        let bonus = F::TITLE.map_or(0, |title| title_bonus(rows, index, title));
        detection(self.variant(&header), index, score + bonus)
    }

    fn read(
        &self,
        table: &mut Table,
        detection: &Detection,
        out: &mut Output<'_>,
    ) -> Result<(), Problem> {
        self.read_table(table, detection, out)
    }
}

/// Finds the first peeked row holding all `required` columns; the score is the number of
/// `required` and `optional` columns found, plus `bonus` (for a recognised title line).
pub fn detect_header(
    rows: &[Row],
    required: &[Column],
    optional: &[Column],
    bonus: u32,
) -> Option<(usize, Header, u32)> {
    for (index, row) in rows.iter().enumerate() {
        let header = Header::from_row(row);
        if header.count_matching(required) == required.len() {
            let found = required.len() + header.count_matching(optional);
            let score = u32::try_from(found).unwrap_or(0) * 10 + bonus;
            return Some((index, header, score));
        }
    }
    None
}

/// Builds a detection.
pub fn detection(variant: impl Into<String>, header_index: usize, score: u32) -> Option<Detection> {
    Some(Detection {
        variant: variant.into(),
        header_index,
        score,
    })
}

/// The signature list of a format for "closest format" hints.
pub fn signature_of(required: &[Column]) -> Vec<String> {
    required
        .iter()
        .filter_map(|aliases| aliases.first().map(|s| s.to_string()))
        .collect()
}

/// The detection bonus for a recognised title line above the header.
pub fn title_bonus(rows: &[Row], header_index: usize, title: &str) -> u32 {
    if has_title(rows, header_index, title) {
        5
    } else {
        0
    }
}

/// True if any peeked row before the header starts with `title` (after `#` and guards).
pub fn has_title(rows: &[Row], header_index: usize, title: &str) -> bool {
    rows.iter()
        .take(header_index)
        .any(|r| r.cell(0).trim_start_matches('#').trim() == title)
}

/// Extracts the first run of at least `min_len` ASCII digits from text (order ids in memos).
pub fn digits_in(text: &str, min_len: usize) -> Option<&str> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i - start >= min_len {
                return text.get(start..i);
            }
        } else {
            i += 1;
        }
    }
    None
}

/// Looks a status text up in a table of (text, value); ASCII commas compare equal to the
/// full-width ones the platforms write (`买家已付款,等待卖家发货`).
pub fn lookup_text<T: Copy>(table: &[(&str, T)], text: &str) -> Option<T> {
    let wanted = text.trim().replace(',', "，");
    table
        .iter()
        .find(|(known, _)| *known == wanted)
        .map(|&(_, value)| value)
}

/// The Chinese texts of a lookup table, for "known values" in users' error messages (API
/// codes in the same table are accepted but not listed).
pub fn known_texts<'a, T>(table: &[(&'a str, T)]) -> Vec<&'a str> {
    table
        .iter()
        .map(|(text, _)| *text)
        .filter(|text| !text.is_ascii())
        .collect()
}

/// Looks a cell up in a table; unknown text is a [`ProblemCode::BadValue`] listing known values.
pub fn enum_cell<T: Copy>(c: &Cells<'_>, col: usize, table: &[(&str, T)]) -> Result<T, Problem> {
    let text = c.req(col)?;
    lookup_text(table, &text).ok_or_else(|| c.bad_value(col, &text, &known_texts(table)))
}

/// The sum of two optional amounts: `None` only when both are absent.
pub fn add_present(a: Option<Fen>, b: Option<Fen>) -> Option<Fen> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a + b),
        (a, b) => a.or(b),
    }
}

/// A sum over the rows of one order or after-sale that left the 64-bit range: no real file
/// gets there, and it is refused rather than wrapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SumOverflow;

impl SumOverflow {
    /// The problem, at the row that made the sum overflow.
    pub fn at(self, c: &Cells<'_>) -> Problem {
        Problem::new(
            ProblemCode::BadAmount,
            c.file,
            "与同一单据前面各行的金额相加后超出可表示的范围：文件不可能是真实账单，或已损坏",
            "sum over rows overflows 64 bits",
        )
        .at_line(c.line())
    }
}

/// [`add_present`] for sums that grow with the rows of a file: an overflow is an error.
pub fn sum_present(a: Option<Fen>, b: Option<Fen>) -> Result<Option<Fen>, SumOverflow> {
    match (a, b) {
        (Some(a), Some(b)) => a.checked_add(b).map(Some).ok_or(SumOverflow),
        (a, b) => Ok(a.or(b)),
    }
}

/// Reports an unknown status text as a warning: the row is still read with an unknown status.
pub fn warn_unknown(c: &Cells<'_>, out: &mut Output<'_>, col: usize, text: &str, known: &[&str]) {
    out.problem(c.bad_value(col, text, known).warning());
}

/// A required count of goods that must be positive.
pub fn positive_quantity(c: &Cells<'_>, col: usize) -> Result<i64, Problem> {
    let quantity = c.req_int(col)?;
    if quantity <= 0 {
        return Err(c.bad_value(col, &quantity.to_string(), &["正整数"]));
    }
    Ok(quantity)
}

/// The goods amount of a line, unit price × quantity; an overflow is reported at `col` with
/// the price column's name (`price_zh`).
pub fn line_goods(
    c: &Cells<'_>,
    col: usize,
    price_zh: &str,
    unit_price: Fen,
    quantity: i64,
) -> Result<Fen, Problem> {
    unit_price
        .get()
        .checked_mul(quantity)
        .map(Fen::new)
        .ok_or_else(|| {
            c.problem(
                col,
                ProblemCode::BadAmount,
                format!("{price_zh} × 数量 超出可表示的范围"),
                "price × quantity overflows",
            )
        })
}

/// The signed amount of a row with separate 收入 and 支出 columns: at most one may be non-zero,
/// and 支出 is an outflow whether it is written negative (`（-元）`) or positive.
pub fn income_or_expense(
    c: &Cells<'_>,
    expense_col: usize,
    income: Fen,
    expense: Fen,
) -> Result<Fen, Problem> {
    if !income.is_zero() && !expense.is_zero() {
        return Err(c.problem(
            expense_col,
            ProblemCode::BadAmount,
            format!("同一行收入（{income}）与支出（{expense}）都不为零"),
            "both income and expense set",
        ));
    }
    Ok(if expense.is_zero() {
        income
    } else {
        -expense.abs()
    })
}

/// The 收入 and 支出 cells of a row; one may be blank (the unused side, `0.00` or empty),
/// both blank is an error: such a row moved no money anyone can tell (never read as 0.00).
pub fn income_expense_cells(
    c: &Cells<'_>,
    income_col: usize,
    expense_col: usize,
) -> Result<(Fen, Fen), Problem> {
    let income = c.fen(Some(income_col))?;
    let expense = c.fen(Some(expense_col))?;
    if income.is_none() && expense.is_none() {
        return Err(c.problem(
            income_col,
            ProblemCode::MissingValue,
            format!(
                "收入与支出（{}）金额都为空：这一行的金额无法确定",
                c.header.name(expense_col)
            ),
            "both income and expense are blank",
        ));
    }
    Ok((income.unwrap_or(Fen::ZERO), expense.unwrap_or(Fen::ZERO)))
}

/// Rejects a negative amount in a 收入 column.
pub fn reject_negative_income(
    c: &Cells<'_>,
    income_col: usize,
    income: Fen,
) -> Result<(), Problem> {
    if income.get() < 0 {
        return Err(c.problem(
            income_col,
            ProblemCode::BadAmount,
            format!("收入金额为负数（{income}）"),
            "negative income",
        ));
    }
    Ok(())
}

/// A required order number, guards (`'`, `="…"`) and prefixes (`T200P`) removed.
pub fn order_no_cell(c: &Cells<'_>, col: usize) -> Result<Text, Problem> {
    Ok(normalize_order_no(&c.req(col)?).into())
}

/// An optional text cell.
pub fn opt_text(c: &Cells<'_>, col: Option<usize>) -> Option<Text> {
    c.opt(col).map(|s| s.as_ref().into())
}

/// Reads every data row of a table with `read_row` (blank rows skipped, short rows rejected).
pub fn read_rows(
    table: &mut Table,
    detection: &Detection,
    out: &mut Output<'_>,
    mut read_row: impl FnMut(&Cells<'_>, &mut Output<'_>) -> Result<Record, Problem>,
) -> Result<(), Problem> {
    let (_, header) = table.take_header(detection.header_index)?;
    rows::read_rows(table, &header, out, |cells, out| {
        cells.require_complete()?;
        read_row(cells, out).map(Some)
    })
}

/// The header row of a table, without consuming anything.
pub fn peek_header(table: &mut Table, detection: &Detection) -> Result<Header, Problem> {
    let rows = table.peek(detection.header_index + 1)?;
    rows.get(detection.header_index)
        .map(Header::from_row)
        .ok_or_else(|| {
            Problem::new(
                ProblemCode::Truncated,
                &table.name,
                "文件没有表头行",
                "no header row",
            )
        })
}
