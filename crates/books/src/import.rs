//! Journal import: vouchers back from the generic Excel journal and from 用友 U8 text, so the
//! books checks can run against what the accounting system holds. A file that breaks the
//! voucher invariants (unbalanced, both sides on a line, numbering gaps) is rejected whole,
//! with an error naming the place.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use duizhang_core::{BeijingTime, Fen, Period, RecordKind};
use jiff::civil::Date;

use crate::chart::AuxDim;
use crate::error::BooksError;
use crate::export::{EXCEL_LINES_SHEET, EXCEL_SOURCES_NOTE_SHEET, Slot, U8Layout};
use crate::voucher::{Aux, LinkRole, SourceLink, Voucher, VoucherLine, numbering};

fn at(file: &str, line: usize, column: &str, message: String, detail: String) -> BooksError {
    BooksError::import(
        format!("{file} 第{line}行“{column}”列：{message}"),
        format!("{file} line {line} column {column}: {detail}"),
    )
}

/// A cell as text: numbers of whole values without `.0`.
fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        other => other.to_string(),
    }
}

/// An amount cell: text parsed exactly; a numeric cell only when it holds a whole number of 分.
fn money(d: &Data) -> Result<Fen, (String, String)> {
    match d {
        Data::Empty => Ok(Fen::ZERO),
        Data::Int(i) => Ok(Fen::new(i * 100)),
        Data::Float(f) => {
            let text = format!("{f:.2}");
            let fen = Fen::parse_yuan(&text).map_err(|e| (e.zh(), e.to_string()))?;
            let back: f64 = text.parse().unwrap_or(f64::NAN);
            if (back - f).abs() > 1e-9 * f.abs().max(1.0) {
                return Err((
                    format!("金额 {f} 精确到分以下"),
                    format!("sub-fen amount {f}"),
                ));
            }
            Ok(fen)
        }
        Data::String(s) if s.trim().is_empty() => Ok(Fen::ZERO),
        Data::String(s) => Fen::parse_yuan(s).map_err(|e| (e.zh(), e.to_string())),
        other => Err((
            format!("“{other}”不是金额"),
            format!("not an amount: {other:?}"),
        )),
    }
}

/// A date cell, counted from the workbook's epoch when it is a spreadsheet date (`date1904`:
/// Excel for Mac's 1904 system).
fn date_of(d: &Data, date1904: bool) -> Result<Date, (String, String)> {
    if let Data::DateTime(dt) = d {
        let serial = dt.as_f64();
        return BeijingTime::from_excel_serial(serial, date1904)
            .filter(|_| serial >= 1.0)
            .map(BeijingTime::date)
            .ok_or_else(|| ("日期超出范围".into(), format!("date serial {serial}")));
    }
    let text = cell_text(d);
    BeijingTime::parse(&text)
        .map(|t| t.date())
        .map_err(|e| (e.zh(), e.to_string()))
}

fn period_of(text: &str, date: Date) -> Option<Period> {
    if text.trim().is_empty() {
        Some(Period::of(BeijingTime::start_of(date)))
    } else {
        Period::parse(text)
    }
}

struct Columns {
    map: BTreeMap<String, usize>,
}

impl Columns {
    fn new(header: &[Data]) -> Columns {
        let map = header
            .iter()
            .enumerate()
            .map(|(i, d)| (cell_text(d).trim_start_matches('*').to_string(), i))
            .collect();
        Columns { map }
    }

    fn require(&self, file: &str, names: &[&str]) -> Result<(), BooksError> {
        for n in names {
            if !self.map.contains_key(*n) {
                return Err(BooksError::import(
                    format!("{file} 缺少必需的列“{n}”"),
                    format!("{file}: missing column {n}"),
                ));
            }
        }
        Ok(())
    }

    fn get<'r>(&self, row: &'r [Data], name: &str) -> &'r Data {
        static EMPTY: Data = Data::Empty;
        self.map
            .get(name)
            .and_then(|i| row.get(*i))
            .unwrap_or(&EMPTY)
    }
}

/// Reads the generic Excel journal written by [`crate::export::excel`] (sheet 凭证, and the
/// source links of sheet 来源单据 when present). A workbook whose links were written to a CSV
/// file beside it is refused here: read it with [`excel_with_sources`].
pub fn excel(bytes: &[u8], file: &str) -> Result<Vec<Voucher>, BooksError> {
    excel_with_sources(bytes, file, None)
}

fn open_xlsx<'b>(bytes: &'b [u8], file: &str) -> Result<Xlsx<Cursor<&'b [u8]>>, BooksError> {
    Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        BooksError::import(
            format!("{file} 不是有效的 Excel 工作簿（文件已损坏或不完整）：{e}"),
            format!("{file}: {e}"),
        )
    })
}

/// A worksheet the journal needs: absent is one error, present but unreadable another (a
/// damaged workbook must not read as a workbook that lacks the sheet).
fn sheet(
    book: &mut Xlsx<Cursor<&[u8]>>,
    file: &str,
    name: &str,
) -> Result<Option<calamine::Range<Data>>, BooksError> {
    if !book.sheet_names().iter().any(|n| n == name) {
        return Ok(None);
    }
    book.worksheet_range(name).map(Some).map_err(|e| {
        BooksError::import(
            format!("{file} 已损坏：工作表“{name}”无法读取（{e}）"),
            format!("{file}: sheet {name} damaged: {e}"),
        )
    })
}

/// The CSV file a generic Excel journal keeps its links in (named in sheet 来源单据说明), when
/// they were too many for a worksheet. The file sits beside the workbook.
pub fn excel_sources_file(bytes: &[u8], file: &str) -> Result<Option<String>, BooksError> {
    sources_file_of(&mut open_xlsx(bytes, file)?, file)
}

fn sources_file_of(
    book: &mut Xlsx<Cursor<&[u8]>>,
    file: &str,
) -> Result<Option<String>, BooksError> {
    let Some(range) = sheet(book, file, EXCEL_SOURCES_NOTE_SHEET)? else {
        return Ok(None);
    };
    let name = range.get((1, 0)).map(cell_text).unwrap_or_default();
    if name.is_empty() || name.contains(['/', '\\']) {
        return Err(at(
            &format!("{file}#{EXCEL_SOURCES_NOTE_SHEET}"),
            2,
            "来源单据文件",
            "应写来源单据 CSV 文件名（与工作簿同目录）".into(),
            format!("bad sources file name {name:?}"),
        ));
    }
    Ok(Some(name))
}

/// [`excel`] for a workbook whose links are in a CSV file beside it: `sources` gives that
/// file's bytes and name (see [`excel_sources_file`]).
pub fn excel_with_sources(
    bytes: &[u8],
    file: &str,
    sources: Option<(&[u8], &str)>,
) -> Result<Vec<Voucher>, BooksError> {
    let mut book = open_xlsx(bytes, file)?;
    let date1904 = book.has_1904_epoch();
    let sources_file = sources_file_of(&mut book, file)?;
    let range = sheet(&mut book, file, EXCEL_LINES_SHEET)?.ok_or_else(|| {
        BooksError::import(
            format!("{file} 缺少工作表“{EXCEL_LINES_SHEET}”"),
            format!("{file}: no sheet {EXCEL_LINES_SHEET}"),
        )
    })?;
    let mut rows = range.rows();
    let header = rows.next().unwrap_or_default();
    let cols = Columns::new(header);
    let where_ = format!("{file}#{EXCEL_LINES_SHEET}");
    cols.require(
        &where_,
        &[
            "日期",
            "凭证字",
            "凭证号",
            "摘要",
            "科目编码",
            "借方金额",
            "贷方金额",
        ],
    )?;
    let mut lines = Vec::new();
    for (i, row) in rows.enumerate() {
        let n = i + 2;
        if row.iter().all(|d| *d == Data::Empty) {
            continue;
        }
        let text = |name: &str| cell_text(cols.get(row, name));
        let fail = |col: &str, (m, d): (String, String)| at(&where_, n, col, m, d);
        let date = date_of(cols.get(row, "日期"), date1904).map_err(|e| fail("日期", e))?;
        let period = period_of(&text("会计期间"), date)
            .ok_or_else(|| fail("会计期间", ("应写作 YYYY-MM".into(), "bad period".into())))?;
        let number: u32 = text("凭证号").parse().map_err(|_| {
            fail(
                "凭证号",
                (
                    format!("“{}”不是凭证号", text("凭证号")),
                    "bad number".into(),
                ),
            )
        })?;
        let attachments: u32 = match text("附单据数").as_str() {
            "" => 0,
            t => t
                .parse()
                .map_err(|_| fail("附单据数", (format!("“{t}”不是数字"), "bad count".into())))?,
        };
        let opt = |name: &str| Some(text(name)).filter(|s| !s.is_empty());
        lines.push(RawLine {
            at: n,
            date,
            period,
            word: text("凭证字"),
            number,
            attachments,
            preparer: text("制单人"),
            reviewer: opt("审核人"),
            rules_version: opt("规则版本"),
            line: VoucherLine {
                summary: text("摘要"),
                account: text("科目编码"),
                debit: money(cols.get(row, "借方金额")).map_err(|e| fail("借方金额", e))?,
                credit: money(cols.get(row, "贷方金额")).map_err(|e| fail("贷方金额", e))?,
                aux: Aux {
                    shop: opt("店铺"),
                    customer: opt("客户"),
                    department: opt("部门"),
                },
            },
        });
    }
    let mut vouchers = group(&where_, lines)?;
    let mut links = Links::new(&vouchers);
    match (sources_file, sources) {
        (Some(name), None) => {
            return Err(BooksError::import(
                format!("{file} 的来源单据写在同目录的 {name} 中，请把该文件与工作簿放在一起"),
                format!("{file}: links are in {name}, not given"),
            ));
        }
        (Some(_), Some((csv, csv_name))) => links.read_csv(&mut vouchers, csv, csv_name)?,
        (None, _) => {
            // Journals written before the links moved to CSV continued them on 来源单据2, 来源单据3 ….
            let source_sheets: Vec<String> = book
                .sheet_names()
                .into_iter()
                .filter(|n| crate::export::is_sources_sheet(n))
                .collect();
            for sheet_name in source_sheets {
                let Some(range) = sheet(&mut book, file, &sheet_name)? else {
                    continue;
                };
                let sheet = sheet_name;
                let where_ = format!("{file}#{sheet}");
                let mut rows = range.rows();
                let cols = Columns::new(rows.next().unwrap_or_default());
                cols.require(&where_, &LINK_COLUMNS)?;
                for (i, row) in rows.enumerate() {
                    links.add(&mut vouchers, &where_, i + 2, |name| {
                        cell_text(cols.get(row, name))
                    })?;
                }
            }
        }
    }
    Ok(vouchers)
}

const LINK_COLUMNS: [&str; 6] = ["会计期间", "凭证字", "凭证号", "单据类型", "单据号", "关系"];

/// Attaches link rows (sheet 来源单据 or its CSV file) to the vouchers they name.
struct Links {
    index: BTreeMap<(String, String, u32), usize>,
}

impl Links {
    fn new(vouchers: &[Voucher]) -> Links {
        let index = vouchers
            .iter()
            .enumerate()
            .map(|(i, v)| ((v.period.to_string(), v.word.clone(), v.number), i))
            .collect();
        Links { index }
    }

    fn read_csv(
        &mut self,
        vouchers: &mut [Voucher],
        bytes: &[u8],
        file: &str,
    ) -> Result<(), BooksError> {
        let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
        let bad = |line: u64, e: &dyn std::fmt::Display| {
            BooksError::import(
                format!("{file} 第{line}行无法读取：{e}"),
                format!("{file} line {line}: {e}"),
            )
        };
        let header = reader.headers().map_err(|e| bad(1, &e))?.clone();
        let columns: BTreeMap<&str, usize> = header
            .iter()
            .enumerate()
            .map(|(i, h)| (h.trim(), i))
            .collect();
        if let Some(missing) = LINK_COLUMNS.iter().find(|c| !columns.contains_key(*c)) {
            return Err(BooksError::import(
                format!("{file} 缺少必需的列“{missing}”"),
                format!("{file}: missing column {missing}"),
            ));
        }
        let mut record = csv::StringRecord::new();
        loop {
            let line = reader.position().line();
            match reader.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => return Ok(()),
                Err(e) => return Err(bad(line, &e)),
            }
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let n = usize::try_from(line).unwrap_or(usize::MAX);
            self.add(vouchers, file, n, |name| {
                columns
                    .get(name)
                    .and_then(|i| record.get(*i))
                    .unwrap_or("")
                    .trim()
                    .to_string()
            })?;
        }
    }

    /// One link row; `text` reads a column by name.
    fn add(
        &mut self,
        vouchers: &mut [Voucher],
        where_: &str,
        n: usize,
        text: impl Fn(&str) -> String,
    ) -> Result<(), BooksError> {
        let fail = |col: &str, m: String| at(where_, n, col, m.clone(), m);
        let number: u32 = text("凭证号")
            .parse()
            .map_err(|_| fail("凭证号", format!("“{}”不是凭证号", text("凭证号"))))?;
        let v = self
            .index
            .get(&(text("会计期间"), text("凭证字"), number))
            .ok_or_else(|| {
                fail(
                    "凭证号",
                    format!("凭证 {}-{number} 不在“凭证”表中", text("凭证字")),
                )
            })?;
        let kind_text = text("单据类型");
        let kind = RecordKind::ALL
            .iter()
            .find(|k| k.zh() == kind_text || k.code() == kind_text)
            .ok_or_else(|| fail("单据类型", format!("未知的单据类型“{kind_text}”")))?;
        let role = match text("关系").as_str() {
            "入账" => LinkRole::Primary,
            "附件" => LinkRole::Supporting,
            other => return Err(fail("关系", format!("“{other}”应为“入账”或“附件”"))),
        };
        let key = text("单据号");
        if key.is_empty() {
            return Err(fail("单据号", "单据号为空".into()));
        }
        if let Some(voucher) = vouchers.get_mut(*v) {
            voucher.links.push(SourceLink {
                kind: *kind,
                key: key.into(),
                role,
                source: None,
                file: Some(text("文件"))
                    .filter(|f| !f.is_empty())
                    .map(duizhang_core::Label::from),
            });
        }
        Ok(())
    }
}

struct RawLine {
    at: usize,
    date: Date,
    period: Period,
    word: String,
    number: u32,
    attachments: u32,
    preparer: String,
    reviewer: Option<String>,
    rules_version: Option<String>,
    line: VoucherLine,
}

/// Consecutive lines of the same (period, 凭证字, number) form a voucher; the same key again
/// after another voucher is an error (lines of a voucher must be consecutive).
fn group(file: &str, lines: Vec<RawLine>) -> Result<Vec<Voucher>, BooksError> {
    // An empty export is not an empty ledger: every row of the month would look unbooked.
    if lines.is_empty() {
        return Err(BooksError::import(
            format!(
                "{file} 里没有任何凭证行（空文件或只有表头）：不能当作没有凭证的账簿核对，请从记账软件重新导出本期凭证"
            ),
            format!("{file}: no voucher lines"),
        ));
    }
    let mut vouchers: Vec<Voucher> = Vec::new();
    let mut first_line: Vec<usize> = Vec::new();
    for raw in lines {
        let same = vouchers.last().is_some_and(|v| {
            v.period == raw.period && v.word == raw.word && v.number == raw.number
        });
        if same {
            let v = vouchers
                .last_mut()
                .ok_or_else(|| BooksError::import("内部错误", "no voucher"))?;
            if v.date != raw.date {
                return Err(at(
                    file,
                    raw.at,
                    "日期",
                    format!("同一凭证 {} 的日期不一致", v.label()),
                    "date differs within voucher".into(),
                ));
            }
            v.lines.push(raw.line);
            continue;
        }
        vouchers.push(Voucher {
            date: raw.date,
            period: raw.period,
            word: raw.word,
            number: raw.number,
            attachments: raw.attachments,
            preparer: raw.preparer,
            reviewer: raw.reviewer,
            rules_version: raw.rules_version,
            shop: None,
            class: None,
            lines: vec![raw.line],
            links: Vec::new(),
            flags: Vec::new(),
        });
        first_line.push(raw.at);
    }
    for (v, n) in vouchers.iter().zip(&first_line) {
        v.check_balanced().map_err(|e| {
            BooksError::import(
                format!("{file} 第{n}行起：{}", e.message),
                format!("{file} line {n}: {}", e.detail),
            )
        })?;
    }
    numbering(&vouchers, false).map_err(|e| {
        BooksError::import(
            format!("{file}：{}", e.message),
            format!("{file}: {}", e.detail),
        )
    })?;
    Ok(vouchers)
}

/// Reads 用友 U8 凭证引入 text (GBK or UTF-8, with or without BOM): the 8 mandatory fields;
/// fields after them are not read.
pub fn u8_text(bytes: &[u8], file: &str) -> Result<Vec<Voucher>, BooksError> {
    u8_text_with(bytes, file, &U8Layout::default())
}

/// Reads 用友 U8 凭证引入 text whose optional fields follow the 账套's `[u8] fields`: aux items
/// and 制单人 come back from their fields; other and further fields are not read (U8 writes its
/// import results after them).
pub fn u8_text_with(
    bytes: &[u8],
    file: &str,
    layout: &U8Layout,
) -> Result<Vec<Voucher>, BooksError> {
    let text: String = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        String::from_utf8(rest.to_vec()).map_err(|e| {
            BooksError::import(format!("{file} 不是有效的 UTF-8 文本"), e.to_string())
        })?
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        s.to_string()
    } else {
        let (s, _, bad) = encoding_rs::GBK.decode(bytes);
        if bad {
            return Err(BooksError::import(
                format!("{file} 既不是 UTF-8 也不是 GBK 文本"),
                "undecodable text",
            ));
        }
        s.into_owned()
    };
    const NAMES: [&str; 8] = [
        "制单日期",
        "凭证类别字",
        "业务号",
        "附单据数",
        "摘要",
        "科目编码",
        "借方金额",
        "贷方金额",
    ];
    let mut lines = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = raw.split(',').map(str::trim).collect();
        if fields.len() < 8 {
            return Err(at(
                file,
                n,
                NAMES[fields.len().min(7)],
                format!("只有{}个字段，至少需要8个", fields.len()),
                "fewer than 8 fields".into(),
            ));
        }
        let fail = |col: usize, m: String, d: String| at(file, n, NAMES[col], m, d);
        let date = BeijingTime::parse(fields[0])
            .map_err(|e| fail(0, e.zh(), e.to_string()))?
            .date();
        let number: u32 = fields[2].parse().map_err(|_| {
            fail(
                2,
                format!("“{}”不是数字业务号", fields[2]),
                "non-numeric voucher no".into(),
            )
        })?;
        let attachments: u32 = if fields[3].is_empty() {
            0
        } else {
            fields[3]
                .parse()
                .map_err(|_| fail(3, format!("“{}”不是数字", fields[3]), "bad count".into()))?
        };
        let amount = |col: usize| -> Result<Fen, BooksError> {
            if fields[col].is_empty() {
                return Ok(Fen::ZERO);
            }
            Fen::parse_yuan(fields[col]).map_err(|e| fail(col, e.zh(), e.to_string()))
        };
        if fields[1].is_empty() {
            return Err(fail(1, "凭证类别字为空".into(), "empty word".into()));
        }
        if fields[5].is_empty() {
            return Err(fail(5, "科目编码为空".into(), "empty account".into()));
        }
        let mut aux = Aux::default();
        let mut preparer = String::new();
        for (field, value) in layout.fields.iter().zip(&fields[8..]) {
            let value = Some(value.to_string()).filter(|v| !v.is_empty());
            match layout.slot(*field) {
                Some(Slot::Aux(AuxDim::Shop)) => aux.shop = value,
                Some(Slot::Aux(AuxDim::Platform)) => aux.customer = value,
                Some(Slot::Aux(AuxDim::Department)) => aux.department = value,
                Some(Slot::Preparer) => preparer = value.unwrap_or_default(),
                None => {}
            }
        }
        lines.push(RawLine {
            at: n,
            date,
            period: Period::of(BeijingTime::start_of(date)),
            word: fields[1].to_string(),
            number,
            attachments,
            preparer,
            reviewer: None,
            rules_version: None,
            line: VoucherLine {
                summary: fields[4].to_string(),
                account: fields[5].to_string(),
                debit: amount(6)?,
                credit: amount(7)?,
                aux,
            },
        });
    }
    group(file, lines)
}
