//! Writing run outputs: findings.jsonl for programs, findings.xlsx for people.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use duizhang_core::{Fen, Finding, Owner, Period};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook};

/// One finding per line, in the engine's deterministic order.
pub fn write_findings_jsonl(path: &Path, findings: &[Finding]) -> anyhow::Result<()> {
    let write = || -> anyhow::Result<()> {
        let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
        for f in findings {
            serde_json::to_writer(&mut out, f)?;
            out.write_all(b"\n")?;
        }
        out.into_inner()
            .map_err(std::io::IntoInnerError::into_error)?;
        Ok(())
    };
    write().with_context(|| format!("无法写入 {}", path.display()))
}

/// A JSON file (summary.json, carry.json), pretty-printed.
pub fn write_json(path: &Path, value: &impl serde::Serialize) -> anyhow::Result<()> {
    let write = || -> anyhow::Result<()> {
        let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
        serde_json::to_writer_pretty(&mut out, value)?;
        out.write_all(b"\n")?;
        out.into_inner()
            .map_err(std::io::IntoInnerError::into_error)?;
        Ok(())
    };
    write().with_context(|| format!("无法写入 {}", path.display()))
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
    ("店铺", 14.0),
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

/// One sheet per owner (财务 / 客服 / 仓储) with Chinese headers, amounts in 元, a frozen header
/// row and filters; each finding lists its evidence rows. The workbook's creation date is the
/// period's first day, not the clock: the same findings give the same bytes.
pub fn write_findings_xlsx(
    path: &Path,
    findings: &[Finding],
    period: Period,
) -> anyhow::Result<()> {
    let mut workbook = Workbook::new();
    let created =
        ExcelDateTime::from_ymd(u16::try_from(period.year)?, u8::try_from(period.month)?, 1)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let header = Format::new()
        .set_bold()
        .set_background_color(0xDDEBF7)
        .set_align(FormatAlign::Center);
    let money = Format::new().set_num_format("#,##0.00");
    let wrap = Format::new().set_text_wrap();
    for owner in [Owner::Finance, Owner::Service, Owner::Warehouse] {
        let rows: Vec<&Finding> = findings.iter().filter(|f| f.owner == owner).collect();
        let sheet = workbook.add_worksheet();
        sheet.set_name(owner.zh())?;
        for (col, (title, width)) in HEADERS.iter().enumerate() {
            let col = u16::try_from(col)?;
            sheet.write_string_with_format(0, col, *title, &header)?;
            sheet.set_column_width(col, *width)?;
        }
        for (i, f) in rows.iter().enumerate() {
            let r = u32::try_from(i + 1)?;
            let name = duizhang_engine::catalog::lookup(&f.code).map_or("", |d| d.zh);
            sheet.write_number(r, 0, u32::try_from(i + 1)?)?;
            sheet.write_string(r, 1, &f.code)?;
            sheet.write_string(r, 2, name)?;
            sheet.write_string(r, 3, f.severity.zh())?;
            sheet.write_string(r, 4, f.platform.zh())?;
            sheet.write_string(r, 5, &f.shop)?;
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
            sheet.write_string(r, 13, f.occurred_at.replacen('T', " ", 1))?;
            sheet.write_string_with_format(r, 14, &f.message, &wrap)?;
            let evidence: Vec<String> = f
                .evidence
                .iter()
                .map(|e| format!("{} 第{}行 {}", e.file, e.line, e.kind.zh()))
                .collect();
            sheet.write_string_with_format(r, 15, evidence.join("\n"), &wrap)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        let last_col = u16::try_from(HEADERS.len() - 1)?;
        sheet.autofilter(0, 0, u32::try_from(rows.len())?, last_col)?;
    }
    workbook
        .save(path)
        .with_context(|| format!("无法写入 {}", path.display()))?;
    Ok(())
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    /// `/dev/full` fails every write as a full disk does.
    #[test]
    fn a_full_disk_is_an_error_naming_the_file() {
        let rows: Vec<u32> = (0..100_000).collect();
        let e = super::write_json(std::path::Path::new("/dev/full"), &rows).err();
        let message = e.map(|e| format!("{e:#}")).unwrap_or_default();
        assert!(message.contains("无法写入 /dev/full"), "{message}");
    }
}
