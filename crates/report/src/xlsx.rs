//! The report as an Excel workbook: one sheet per section, 汇总 first; amounts are numbers in
//! 元 (format `#,##0.00`), shares are percentages, so a manager can sum and chart them.

use duizhang_metrics::Value;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, XlsxError};

use crate::model::{Cell, Report};

/// A decimal text as an Excel number (Excel keeps doubles; the text is exact).
fn number(text: &str) -> f64 {
    text.replace(',', "").parse().unwrap_or(0.0)
}

/// Columns a text takes: CJK characters are two wide.
fn width(text: &str) -> usize {
    text.chars()
        .map(|c| if u32::from(c) > 0x2E80 { 2 } else { 1 })
        .sum()
}

/// The workbook's bytes. The creation date is the period's first day, not the clock: the same
/// results give the same bytes.
pub fn workbook(r: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let (y, m) = r.period.split_once('-').unwrap_or(("2000", "1"));
    let created = ExcelDateTime::from_ymd(y.parse().unwrap_or(2000), m.parse().unwrap_or(1), 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(&r.title)
            .set_creation_datetime(&created),
    );
    let font = "Microsoft YaHei";
    let title = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_font_name(font);
    let sub = Format::new()
        .set_bold()
        .set_font_size(12)
        .set_font_name(font);
    let note = Format::new().set_font_color(0x555555).set_font_name(font);
    let header = Format::new()
        .set_bold()
        .set_background_color(0xDDEBF7)
        .set_align(FormatAlign::Center)
        .set_text_wrap()
        .set_font_name(font);
    let text = Format::new().set_font_name(font);
    let money = Format::new().set_num_format("#,##0.00").set_font_name(font);
    let count = Format::new().set_num_format("#,##0").set_font_name(font);
    let percent = Format::new().set_num_format("0.00%").set_font_name(font);
    let hours = Format::new().set_num_format("0.00").set_font_name(font);
    let right = Format::new()
        .set_align(FormatAlign::Right)
        .set_font_name(font);
    let worse = right.clone().set_font_color(0xC0392B);
    for s in &r.sections {
        let sheet = wb.add_worksheet();
        sheet.set_name(&s.sheet)?;
        // Printed on A4 landscape, as wide as one page.
        sheet.set_landscape();
        sheet.set_paper_size(9);
        sheet.set_print_fit_to_pages(1, 0);
        let mut widths: Vec<usize> = Vec::new();
        let mut row: u32 = 0;
        sheet.write_string_with_format(row, 0, &s.title, &title)?;
        row += 1;
        for n in &s.notes {
            sheet.write_string_with_format(row, 0, n, &note)?;
            row += 1;
        }
        for t in &s.tables {
            row += 1;
            sheet.write_string_with_format(row, 0, &t.title, &sub)?;
            row += 1;
            for (c, name) in t.columns.iter().enumerate() {
                let col = u16::try_from(c).unwrap_or(u16::MAX);
                sheet.write_string_with_format(row, col, name, &header)?;
                note_width(&mut widths, c, width(name).min(16));
            }
            row += 1;
            if t.rows.is_empty() {
                sheet.write_string_with_format(row, 0, "（无）", &note)?;
                row += 1;
            }
            let last = t.rows.len().saturating_sub(1);
            for (i, cells) in t.rows.iter().enumerate() {
                let bold = t.total_row && i == last;
                for (c, cell) in cells.iter().enumerate() {
                    let col = u16::try_from(c).unwrap_or(u16::MAX);
                    let pick = |f: &Format| {
                        if bold {
                            f.clone().set_bold()
                        } else {
                            f.clone()
                        }
                    };
                    match cell {
                        Cell::Text(t) => {
                            sheet.write_string_with_format(row, col, t, &pick(&text))?;
                        }
                        Cell::Change(t, w) => {
                            let f = if *w { &worse } else { &right };
                            sheet.write_string_with_format(row, col, t, &pick(f))?;
                        }
                        Cell::Money(f) => {
                            sheet.write_number_with_format(
                                row,
                                col,
                                number(&duizhang_core::Fen::new(*f).to_string()),
                                &pick(&money),
                            )?;
                        }
                        Cell::Count(n) => {
                            sheet.write_number_with_format(
                                row,
                                col,
                                number(&n.to_string()),
                                &pick(&count),
                            )?;
                        }
                        Cell::Metric(v) => match (v, v.scaled()) {
                            (_, None) => {
                                sheet.write_string_with_format(row, col, "—", &pick(&right))?;
                            }
                            (Value::Percent { .. }, Some(bp)) => {
                                // Basis points to a fraction: 1234 → 0.1234.
                                let text = duizhang_metrics::define::hundredths(bp);
                                sheet.write_number_with_format(
                                    row,
                                    col,
                                    number(&text) / 100.0,
                                    &pick(&percent),
                                )?;
                            }
                            (Value::Hours { .. }, Some(h)) => {
                                sheet.write_number_with_format(
                                    row,
                                    col,
                                    number(&duizhang_metrics::define::hundredths(h)),
                                    &pick(&hours),
                                )?;
                            }
                            (Value::Money { fen }, _) => {
                                sheet.write_number_with_format(
                                    row,
                                    col,
                                    number(&duizhang_core::Fen::new(*fen).to_string()),
                                    &pick(&money),
                                )?;
                            }
                            (Value::Count { n }, _) => {
                                sheet.write_number_with_format(
                                    row,
                                    col,
                                    number(&n.to_string()),
                                    &pick(&count),
                                )?;
                            }
                        },
                        Cell::Empty => {}
                    }
                    note_width(&mut widths, c, width(&cell.display()).min(50));
                }
                row += 1;
            }
        }
        for (c, w) in widths.iter().enumerate() {
            let col = u16::try_from(c).unwrap_or(u16::MAX);
            sheet.set_column_width(col, f64::from(u32::try_from(*w + 2).unwrap_or(60)))?;
        }
    }
    wb.save_to_buffer()
}

fn note_width(widths: &mut Vec<usize>, col: usize, w: usize) {
    if widths.len() <= col {
        widths.resize(col + 1, 8);
    }
    if let Some(x) = widths.get_mut(col) {
        *x = (*x).max(w);
    }
}
