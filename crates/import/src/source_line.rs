//! The source line behind a piece of evidence, read back from the kept file: a finding names a
//! file (`bill.csv`, `bills.zip!bill.csv`, `book.xlsx#Sheet1`) and a line, and a person checking
//! it wants to see that line as the file has it, without opening the download.

use std::io::{Cursor, Read};

use crate::container::{date1904, is_ole, is_spreadsheet_zip, member_name, write_cell};
use crate::text::{TextEncoding, sniff_encoding};

/// A ZIP member is read back only up to this size; the evidence of a larger one is shown by
/// its name and line alone.
const MEMBER_LIMIT: u64 = 256 * 1024 * 1024;

/// The text of line `line` (1-based) of `evidence_file`, found in the kept file `name` with
/// `bytes`: a text file's line decoded from its encoding, a sheet's row as its cells joined by
/// tabs. `None` when the evidence is not in this file, or the line is not there.
pub fn source_line(name: &str, bytes: &[u8], evidence_file: &str, line: u32) -> Option<String> {
    if evidence_file == name {
        return whole_file_line(bytes, None, line);
    }
    if !is_within(name, evidence_file) {
        return None;
    }
    let rest = evidence_file.strip_prefix(name)?;
    if let Some(sheet) = rest.strip_prefix('#') {
        return whole_file_line(bytes, Some(sheet), line);
    }
    let inner = rest.strip_prefix('!')?;
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    // The member whose name starts the rest: a ZIP inside a ZIP names its own members after it.
    for index in 0..archive.len() {
        let member = {
            let entry = archive.by_index_raw(index).ok()?;
            if !entry.is_file() || entry.size() > MEMBER_LIMIT {
                continue;
            }
            member_name(entry.name_raw())
        };
        let matches = inner == member
            || inner.starts_with(&format!("{member}!"))
            || inner.starts_with(&format!("{member}#"));
        if !matches {
            continue;
        }
        let mut data = Vec::new();
        archive
            .by_index(index)
            .ok()?
            .take(MEMBER_LIMIT)
            .read_to_end(&mut data)
            .ok()?;
        return source_line(&member, &data, inner, line);
    }
    None
}

/// Whether the evidence file `evidence_file` is the file `name` itself, or a member (`!`) or
/// sheet (`#`) inside it.
pub fn is_within(name: &str, evidence_file: &str) -> bool {
    evidence_file
        .strip_prefix(name)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('!') || rest.starts_with('#'))
}

/// Line `line` of a whole file: a workbook's row (of `sheet`, or its only sheet), or a text
/// file's line.
fn whole_file_line(bytes: &[u8], sheet: Option<&str>, line: u32) -> Option<String> {
    let index = usize::try_from(line.checked_sub(1)?).ok()?;
    let ole = is_ole(bytes);
    let workbook_zip = zip::ZipArchive::new(Cursor::new(bytes))
        .is_ok_and(|mut archive| is_spreadsheet_zip(&mut archive));
    if ole || workbook_zip {
        return sheet_row(bytes, sheet, index);
    }
    let raw = bytes.split(|b| *b == b'\n').nth(index)?;
    let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
    let text = match sniff_encoding(bytes.get(..8192).unwrap_or(bytes)) {
        TextEncoding::Gb18030 => encoding_rs::GB18030
            .decode_without_bom_handling(raw)
            .0
            .into_owned(),
        _ => String::from_utf8_lossy(raw).into_owned(),
    };
    Some(text.trim_start_matches('\u{feff}').to_string())
}

fn sheet_row(bytes: &[u8], sheet: Option<&str>, index: usize) -> Option<String> {
    use calamine::Reader;
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).ok()?;
    let date1904 = date1904(&workbook);
    let names = workbook.sheet_names();
    let sheet = match sheet {
        Some(s) => s.to_string(),
        None => names.first()?.clone(),
    };
    let range = workbook.worksheet_range(&sheet).ok()?;
    let (first_row, first_col) = range.start()?;
    let row = index.checked_sub(usize::try_from(first_row).ok()?)?;
    let width = range.get_size().1;
    let mut cells = vec![String::new(); usize::try_from(first_col).ok()?];
    for col in 0..width {
        let mut text = String::new();
        if let Some(cell) = range.get((row, col)) {
            write_cell(cell, date1904, &mut text);
        }
        cells.push(text);
    }
    while cells.last().is_some_and(String::is_empty) {
        cells.pop();
    }
    Some(cells.join("\t"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gbk_bill_line_is_shown_as_the_file_has_it() {
        let text = "#支付宝账务明细查询\n账务流水号,业务流水号\n2026001,退款\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert_eq!(
            source_line("bill.csv", &gbk, "bill.csv", 3).as_deref(),
            Some("2026001,退款")
        );
        assert_eq!(source_line("bill.csv", &gbk, "bill.csv", 9), None);
        assert_eq!(source_line("bill.csv", &gbk, "other.csv", 3), None);
    }

    #[test]
    fn a_line_of_a_zip_member_is_found_by_the_member_name() {
        let mut zipped = Vec::new();
        {
            let mut writer = zip::ZipWriter::new(Cursor::new(&mut zipped));
            let options = zip::write::SimpleFileOptions::default();
            writer.start_file("账务明细.csv", options).expect("member");
            std::io::Write::write_all(&mut writer, "a,b\r\n1,2\r\n".as_bytes()).expect("write");
            writer.finish().expect("finish");
        }
        assert_eq!(
            source_line("d.zip", &zipped, "d.zip!账务明细.csv", 2).as_deref(),
            Some("1,2")
        );
    }
}
