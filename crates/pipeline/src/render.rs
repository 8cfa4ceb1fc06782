//! Rendering a run's outputs (to bytes, or into a writer): findings.jsonl and JSON files for programs,
//! findings.xlsx for people.

use std::collections::BTreeMap;
use std::io::Write;

use duizhang_core::{Fen, Finding, Owner, Period};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, XlsxError};

/// One finding per line, in the engine's deterministic order.
pub fn write_findings_jsonl(findings: &[Finding], out: &mut dyn Write) -> std::io::Result<()> {
    for f in findings {
        serde_json::to_writer(&mut *out, f)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// A JSON file (summary.json, carry.json), pretty-printed, with a final newline.
pub fn json_pretty(value: &impl serde::Serialize) -> serde_json::Result<Vec<u8>> {
    let mut out = serde_json::to_vec_pretty(value)?;
    out.push(b'\n');
    Ok(out)
}

/// A large JSON file (metrics.json, whose records run to hundreds of thousands at a big
/// seller's month) without indentation, with a final newline.
pub fn write_json_compact(
    value: &impl serde::Serialize,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}

/// 元 as an Excel number (Excel keeps numbers as doubles; the text form is exact).
fn yuan_number(fen: i64) -> f64 {
    Fen::new(fen).to_string().parse().unwrap_or(0.0)
}

const HEADERS: &[(&str, f64)] = &[
    ("序号", 6.0),
    ("检查代码", 24.0),
    ("问题", 22.0),
    ("严重程度", 9.0),
    ("平台", 8.0),
    ("店铺", 20.0),
    ("订单号", 24.0),
    ("售后单号", 22.0),
    ("流水号", 24.0),
    ("商家编码", 14.0),
    ("应为（元）", 12.0),
    ("实际（元）", 12.0),
    ("差额（元）", 12.0),
    ("发生时间", 19.0),
    ("说明", 60.0),
    ("证据（文件 行号 种类）", 60.0),
];

/// What the findings workbook shows besides the findings: the pending items, the checks that
/// did not run, and each shop's display name.
pub struct FindingsBook<'a> {
    pub findings: &'a [Finding],
    pub pending: &'a [duizhang_engine::PendingItem],
    pub not_run: &'a [duizhang_engine::NotRun],
    /// Shop id → the name people know it by.
    pub shop_names: &'a BTreeMap<String, String>,
    pub period: Period,
}

impl FindingsBook<'_> {
    fn shop(&self, id: &str) -> String {
        if id.is_empty() {
            return "（全部）".into();
        }
        self.shop_names
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }
}

/// `2026-10-03T10:00:00` as an Excel date-time (a real date a filter and a sort understand).
fn excel_time(iso: &str) -> Option<ExcelDateTime> {
    let t = duizhang_core::BeijingTime::parse(&iso.replacen('T', " ", 1)).ok()?;
    let d = t.datetime();
    ExcelDateTime::from_ymd(
        u16::try_from(d.year()).ok()?,
        u8::try_from(d.month()).ok()?,
        u8::try_from(d.day()).ok()?,
    )
    .ok()?
    .and_hms(
        u16::try_from(d.hour()).ok()?,
        u8::try_from(d.minute()).ok()?,
        u8::try_from(d.second()).ok()?,
    )
    .ok()
}

/// The findings workbook: 汇总 first (by owner, check and shop), then one sheet per owner
/// (财务 / 客服 / 仓储) sorted by severity then amount, then 在途 and 未运行的检查. Shops by
/// name, amounts in 元, times as Excel dates, a frozen header row and filters; each finding
/// lists its evidence rows. The workbook's creation date is the period's first day, not the
/// clock: the same findings give the same bytes.
pub fn findings_xlsx(book: &FindingsBook<'_>) -> Result<Vec<u8>, XlsxError> {
    let period = book.period;
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(number(period.year())?, number(period.month())?, 1)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let header = Format::new()
        .set_bold()
        .set_background_color(0xDDEBF7)
        .set_align(FormatAlign::Center);
    let money = Format::new().set_num_format("#,##0.00");
    let date = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let wrap = Format::new().set_text_wrap();
    let bold = Format::new().set_bold();

    summary_sheet(&mut workbook, book, &header, &money, &bold)?;
    for owner in [Owner::Finance, Owner::Service, Owner::Warehouse] {
        let mut rows: Vec<&Finding> = book.findings.iter().filter(|f| f.owner == owner).collect();
        // Most severe first, then the largest difference; the engine's order breaks ties.
        rows.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| b.diff_fen.map(i64::abs).cmp(&a.diff_fen.map(i64::abs)))
        });
        let sheet = workbook.add_worksheet();
        sheet.set_name(owner.zh())?;
        for (col, (title, width)) in HEADERS.iter().enumerate() {
            let col = number::<u16, _>(col)?;
            sheet.write_string_with_format(0, col, *title, &header)?;
            sheet.set_column_width(col, *width)?;
        }
        for (i, f) in rows.iter().enumerate() {
            let r = number::<u32, _>(i + 1)?;
            let name = duizhang_engine::catalog::lookup(&f.code).map_or("", |d| d.zh);
            sheet.write_number(r, 0, number::<u32, _>(i + 1)?)?;
            sheet.write_string(r, 1, &f.code)?;
            sheet.write_string(r, 2, name)?;
            sheet.write_string(r, 3, f.severity.zh())?;
            sheet.write_string(r, 4, f.platform.zh())?;
            sheet.write_string(r, 5, book.shop(&f.shop))?;
            for (col, v) in [
                (6u16, &f.order_no),
                (7, &f.refund_no),
                (8, &f.txn_no),
                (9, &f.sku),
            ] {
                if let Some(v) = v {
                    sheet.write_string(r, col, v)?;
                }
            }
            for (col, v) in [
                (10u16, f.expected_fen),
                (11, f.actual_fen),
                (12, f.diff_fen),
            ] {
                if let Some(v) = v {
                    sheet.write_number_with_format(r, col, yuan_number(v), &money)?;
                }
            }
            match excel_time(&f.occurred_at) {
                Some(t) => sheet.write_datetime_with_format(r, 13, &t, &date)?,
                None => sheet.write_string(r, 13, f.occurred_at.replacen('T', " ", 1))?,
            };
            sheet.write_string_with_format(r, 14, &f.message, &wrap)?;
            let evidence: Vec<String> = f
                .evidence
                .iter()
                .map(|e| format!("{} 第{}行 {}", e.file, e.line, e.kind.zh()))
                .collect();
            sheet.write_string_with_format(r, 15, evidence.join("\n"), &wrap)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        let last_col = number::<u16, _>(HEADERS.len() - 1)?;
        sheet.autofilter(0, 0, number::<u32, _>(rows.len())?, last_col)?;
    }
    pending_sheet(&mut workbook, book, &header, &money, &date, &wrap)?;
    not_run_sheet(&mut workbook, book, &header, &wrap)?;
    workbook.save_to_buffer()
}

/// A count or an index as the workbook's integer type; past its range is an error, not a
/// wrapped number.
fn number<T: TryFrom<U>, U>(n: U) -> Result<T, XlsxError> {
    T::try_from(n).map_err(|_| XlsxError::ParameterError("数值超出工作表范围".into()))
}

/// Counts and amounts by owner, by check and by shop.
fn summary_sheet(
    workbook: &mut Workbook,
    book: &FindingsBook<'_>,
    header: &Format,
    money: &Format,
    bold: &Format,
) -> Result<(), XlsxError> {
    let sheet = workbook.add_worksheet();
    sheet.set_name("汇总")?;
    for (col, width) in [(0u16, 26.0), (1, 24.0), (2, 10.0), (3, 10.0), (4, 16.0)] {
        sheet.set_column_width(col, width)?;
    }
    sheet.write_string_with_format(
        0,
        0,
        format!(
            "{period} 发现问题 {} 条，在途 {} 项，未运行的检查 {} 项",
            book.findings.len(),
            book.pending.len(),
            book.not_run.len(),
            period = book.period
        ),
        bold,
    )?;
    let mut by_owner: BTreeMap<Owner, (u32, i64)> = BTreeMap::new();
    let mut by_check: BTreeMap<&str, (u32, i64)> = BTreeMap::new();
    let mut by_shop: BTreeMap<String, (u32, i64)> = BTreeMap::new();
    for f in book.findings {
        let fen = f.diff_fen.map_or(0, i64::abs);
        for e in [
            by_owner.entry(f.owner).or_default(),
            by_check.entry(f.code.as_str()).or_default(),
            by_shop.entry(book.shop(&f.shop)).or_default(),
        ] {
            e.0 += 1;
            e.1 += fen;
        }
    }
    let mut r = 2u32;
    sheet.write_string_with_format(r, 0, "负责人", header)?;
    sheet.write_string_with_format(r, 2, "条数", header)?;
    sheet.write_string_with_format(r, 4, "差额合计（元）", header)?;
    for owner in [Owner::Finance, Owner::Service, Owner::Warehouse] {
        r += 1;
        let (n, fen) = by_owner.get(&owner).copied().unwrap_or_default();
        sheet.write_string(r, 0, owner.zh())?;
        sheet.write_number(r, 2, n)?;
        sheet.write_number_with_format(r, 4, yuan_number(fen), money)?;
    }
    r += 2;
    for (col, title) in ["检查代码", "问题", "负责人", "条数", "差额合计（元）"]
        .iter()
        .enumerate()
    {
        sheet.write_string_with_format(r, number::<u16, _>(col)?, *title, header)?;
    }
    for (code, (n, fen)) in &by_check {
        r += 1;
        let def = duizhang_engine::catalog::lookup(code);
        sheet.write_string(r, 0, *code)?;
        sheet.write_string(r, 1, def.map_or("", |d| d.zh))?;
        sheet.write_string(r, 2, def.map_or("", |d| d.owner.zh()))?;
        sheet.write_number(r, 3, *n)?;
        sheet.write_number_with_format(r, 4, yuan_number(*fen), money)?;
    }
    r += 2;
    sheet.write_string_with_format(r, 0, "店铺", header)?;
    sheet.write_string_with_format(r, 3, "条数", header)?;
    sheet.write_string_with_format(r, 4, "差额合计（元）", header)?;
    for (shop, (n, fen)) in &by_shop {
        r += 1;
        sheet.write_string(r, 0, shop)?;
        sheet.write_number(r, 3, *n)?;
        sheet.write_number_with_format(r, 4, yuan_number(*fen), money)?;
    }
    Ok(())
}

/// The items still inside their window at the cut-off, carried to the next period.
fn pending_sheet(
    workbook: &mut Workbook,
    book: &FindingsBook<'_>,
    header: &Format,
    money: &Format,
    date: &Format,
    wrap: &Format,
) -> Result<(), XlsxError> {
    let sheet = workbook.add_worksheet();
    sheet.set_name("在途")?;
    let columns: [(&str, f64); 10] = [
        ("检查代码", 24.0),
        ("问题", 22.0),
        ("店铺", 20.0),
        ("订单号", 24.0),
        ("售后单号", 22.0),
        ("流水号", 24.0),
        ("金额（元）", 12.0),
        ("到期时间", 19.0),
        ("说明", 60.0),
        ("证据（文件 行号 种类）", 60.0),
    ];
    for (col, (title, width)) in columns.iter().enumerate() {
        let col = number::<u16, _>(col)?;
        sheet.write_string_with_format(0, col, *title, header)?;
        sheet.set_column_width(col, *width)?;
    }
    for (i, p) in book.pending.iter().enumerate() {
        let r = number::<u32, _>(i + 1)?;
        sheet.write_string(r, 0, &p.code)?;
        sheet.write_string(
            r,
            1,
            duizhang_engine::catalog::lookup(&p.code).map_or("", |d| d.zh),
        )?;
        sheet.write_string(r, 2, book.shop(&p.shop))?;
        for (col, v) in [(3u16, &p.order_no), (4, &p.refund_no), (5, &p.txn_no)] {
            if let Some(v) = v {
                sheet.write_string(r, col, v)?;
            }
        }
        if let Some(v) = p.amount_fen {
            sheet.write_number_with_format(r, 6, yuan_number(v), money)?;
        }
        match excel_time(&p.due) {
            Some(t) => sheet.write_datetime_with_format(r, 7, &t, date)?,
            None => sheet.write_string(r, 7, p.due.replacen('T', " ", 1))?,
        };
        sheet.write_string_with_format(r, 8, &p.message, wrap)?;
        let evidence: Vec<String> = p
            .evidence
            .iter()
            .map(|e| format!("{} 第{}行 {}", e.file, e.line, e.kind.zh()))
            .collect();
        sheet.write_string_with_format(r, 9, evidence.join("\n"), wrap)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, number::<u32, _>(book.pending.len())?, 9)?;
    Ok(())
}

/// The checks that did not run, and why.
fn not_run_sheet(
    workbook: &mut Workbook,
    book: &FindingsBook<'_>,
    header: &Format,
    wrap: &Format,
) -> Result<(), XlsxError> {
    let sheet = workbook.add_worksheet();
    sheet.set_name("未运行的检查")?;
    for (col, (title, width)) in [
        ("店铺", 20.0),
        ("检查代码", 24.0),
        ("检查", 22.0),
        ("原因", 70.0),
    ]
    .iter()
    .enumerate()
    {
        let col = number::<u16, _>(col)?;
        sheet.write_string_with_format(0, col, *title, header)?;
        sheet.set_column_width(col, *width)?;
    }
    for (i, n) in book.not_run.iter().enumerate() {
        let r = number::<u32, _>(i + 1)?;
        sheet.write_string(r, 0, book.shop(&n.shop))?;
        sheet.write_string(r, 1, &n.code)?;
        sheet.write_string(
            r,
            2,
            duizhang_engine::catalog::lookup(&n.code).map_or("", |d| d.zh),
        )?;
        sheet.write_string_with_format(r, 3, &n.reason, wrap)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}
