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
    source_lines(name, bytes, evidence_file, &[line])
        .pop()
        .flatten()
}

/// The texts of many lines of one evidence file, in the order of `lines`: the file (or its
/// member, or its sheet) is opened and decoded once, so an import can keep the text of every
/// line it indexes.
pub fn source_lines(
    name: &str,
    bytes: &[u8],
    evidence_file: &str,
    lines: &[u32],
) -> Vec<Option<String>> {
    let none = || vec![None; lines.len()];
    if evidence_file == name {
        return whole_file_lines(bytes, None, lines);
    }
    if !is_within(name, evidence_file) {
        return none();
    }
    let Some(rest) = evidence_file.strip_prefix(name) else {
        return none();
    };
    if let Some(sheet) = rest.strip_prefix('#') {
        return whole_file_lines(bytes, Some(sheet), lines);
    }
    let Some(inner) = rest.strip_prefix('!') else {
        return none();
    };
    member_lines(bytes, inner, lines).unwrap_or_else(none)
}

/// The lines of the ZIP member whose name starts `inner` (a ZIP inside a ZIP names its own
/// members after it).
fn member_lines(bytes: &[u8], inner: &str, lines: &[u32]) -> Option<Vec<Option<String>>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
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
        return Some(source_lines(&member, &data, inner, lines));
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

/// Lines of a whole file: a workbook's rows (of `sheet`, or its only sheet), or a text file's
/// lines.
fn whole_file_lines(bytes: &[u8], sheet: Option<&str>, lines: &[u32]) -> Vec<Option<String>> {
    let ole = is_ole(bytes);
    let workbook_zip = zip::ZipArchive::new(Cursor::new(bytes))
        .is_ok_and(|mut archive| is_spreadsheet_zip(&mut archive));
    if ole || workbook_zip {
        return sheet_rows(bytes, sheet, lines);
    }
    let head = bytes.get(..SNIFF).unwrap_or(bytes);
    spans_in(bytes, lines)
        .into_iter()
        .map(|span| {
            let (start, end) = span?;
            Some(decode_line(&bytes[start..end], head))
        })
        .collect()
}

/// How much of a text file's start decides its encoding for showing a line.
const SNIFF: usize = 8192;

/// One line's bytes as text: GB18030 when the file's first bytes (`head`) say so, else UTF-8;
/// a line ending and a byte-order mark are not part of it.
pub fn decode_line(raw: &[u8], head: &[u8]) -> String {
    let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
    let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
    let gb18030 = matches!(
        sniff_encoding(head.get(..SNIFF).unwrap_or(head)),
        TextEncoding::Gb18030
    );
    let text = if gb18030 {
        encoding_rs::GB18030
            .decode_without_bom_handling(raw)
            .0
            .into_owned()
    } else {
        String::from_utf8_lossy(raw).into_owned()
    };
    text.trim_start_matches('\u{feff}').to_string()
}

/// The first bytes of a kept file that [`decode_line`] needs as its `head`.
pub const HEAD_LEN: usize = SNIFF;

/// Where each of `lines` (1-based) of `evidence_file` lies in the kept file's own bytes, as
/// (offset, length without the line ending), when the evidence is the file itself and the file
/// is plain text in UTF-8 or GB18030: a lookup then reads those bytes alone and decodes them
/// with [`decode_line`]. `None` for anything else (a workbook, an archive or its member, gzip,
/// UTF-16), whose lines can only be kept as text.
pub fn line_spans(
    name: &str,
    bytes: &[u8],
    evidence_file: &str,
    lines: &[u32],
) -> Option<Vec<Option<(u64, u32)>>> {
    let head = bytes.get(..SNIFF).unwrap_or(bytes);
    let plain = evidence_file == name
        && !is_ole(bytes)
        && !head.starts_with(b"PK\x03\x04")
        && !head.starts_with(&[0x1f, 0x8b])
        && matches!(
            sniff_encoding(head),
            TextEncoding::Utf8 | TextEncoding::Utf8Bom | TextEncoding::Gb18030
        );
    if !plain {
        return None;
    }
    Some(
        spans_in(bytes, lines)
            .into_iter()
            .map(|span| {
                let (start, end) = span?;
                Some((u64::try_from(start).ok()?, u32::try_from(end - start).ok()?))
            })
            .collect(),
    )
}

/// Each of `lines` (1-based) as the range of its bytes without the line ending, found in one
/// pass of `memchr` up to the last line asked.
fn spans_in(bytes: &[u8], lines: &[u32]) -> Vec<Option<(usize, usize)>> {
    let last = usize::try_from(lines.iter().copied().max().unwrap_or(0)).unwrap_or(usize::MAX);
    // Line n starts after the (n-1)th newline.
    let mut starts: Vec<usize> = vec![0];
    for at in memchr::memchr_iter(b'\n', bytes) {
        if starts.len() >= last {
            break;
        }
        starts.push(at + 1);
    }
    lines
        .iter()
        .map(|&line| {
            let start = *starts.get(usize::try_from(line.checked_sub(1)?).ok()?)?;
            if start >= bytes.len() && line > 1 {
                return None;
            }
            let rest = &bytes[start..];
            let mut end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
            if rest[..end].ends_with(b"\r") {
                end -= 1;
            }
            Some((start, start + end))
        })
        .collect()
}

fn sheet_rows(bytes: &[u8], sheet: Option<&str>, lines: &[u32]) -> Vec<Option<String>> {
    use calamine::Reader;
    let range = (|| {
        let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).ok()?;
        let date1904 = date1904(&workbook);
        let names = workbook.sheet_names();
        let sheet = match sheet {
            Some(s) => s.to_string(),
            None => names.first()?.clone(),
        };
        Some((workbook.worksheet_range(&sheet).ok()?, date1904))
    })();
    let Some((range, date1904)) = range else {
        return vec![None; lines.len()];
    };
    lines
        .iter()
        .map(|line| {
            sheet_row(
                &range,
                date1904,
                usize::try_from(line.checked_sub(1)?).ok()?,
            )
        })
        .collect()
}

fn sheet_row(
    range: &calamine::Range<calamine::Data>,
    date1904: bool,
    index: usize,
) -> Option<String> {
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

    #[test]
    fn many_lines_of_one_bill_are_read_in_the_order_asked_with_missing_ones_empty() {
        let text = "\u{feff}#抖店资金流水\r\n动账时间,订单号\r\n2026-10-01 08:00:00,6900001\r\n2026-10-02 09:30:00,6900002";
        let asked = [4, 2, 9, 3, 4];
        assert_eq!(
            source_lines("flow.csv", text.as_bytes(), "flow.csv", &asked),
            vec![
                Some("2026-10-02 09:30:00,6900002".to_string()),
                Some("动账时间,订单号".to_string()),
                None,
                Some("2026-10-01 08:00:00,6900001".to_string()),
                Some("2026-10-02 09:30:00,6900002".to_string()),
            ]
        );
        for line in [1, 2, 3, 4, 5] {
            assert_eq!(
                source_lines("flow.csv", text.as_bytes(), "flow.csv", &[line])
                    .pop()
                    .flatten(),
                source_line("flow.csv", text.as_bytes(), "flow.csv", line)
            );
        }
        assert_eq!(
            source_line("flow.csv", text.as_bytes(), "flow.csv", 1).as_deref(),
            Some("#抖店资金流水")
        );
    }

    #[test]
    fn a_plain_bill_line_read_back_by_its_span_is_the_line_as_the_file_has_it() {
        let text =
            "#支付宝账务明细查询\r\n账务流水号,业务流水号\r\n2026001,退款\r\n2026002,交易付款";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let lines = [3, 1, 4, 7];
        let spans = line_spans("bill.csv", &gbk, "bill.csv", &lines).expect("a plain file");
        let shown: Vec<Option<String>> = spans
            .iter()
            .map(|span| {
                let (at, len) = (*span)?;
                let at = usize::try_from(at).ok()?;
                let end = at + usize::try_from(len).ok()?;
                Some(decode_line(&gbk[at..end], &gbk))
            })
            .collect();
        assert_eq!(shown, source_lines("bill.csv", &gbk, "bill.csv", &lines));
        assert_eq!(shown[0].as_deref(), Some("2026001,退款"));
        assert_eq!(shown[3], None);
    }

    #[test]
    fn a_workbook_or_an_archive_member_has_no_spans() {
        let mut zipped = Vec::new();
        {
            let mut writer = zip::ZipWriter::new(Cursor::new(&mut zipped));
            writer
                .start_file("a.csv", zip::write::SimpleFileOptions::default())
                .expect("member");
            std::io::Write::write_all(&mut writer, b"a,b\n1,2\n").expect("write");
            writer.finish().expect("finish");
        }
        assert_eq!(line_spans("d.zip", &zipped, "d.zip!a.csv", &[2]), None);
        assert_eq!(line_spans("d.zip", &zipped, "d.zip", &[2]), None);
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("a,b\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(line_spans("u.txt", &utf16, "u.txt", &[1]), None);
    }
}
