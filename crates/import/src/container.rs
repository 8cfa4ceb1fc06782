//! Opening inputs: plain CSV streams, ZIP archives (GBK member names), spreadsheets, and JSON
//! (the trade API's responses, [`crate::json`]).

use std::fs::File;
use std::io::{Cursor, Read};
use std::path::Path;

use duizhang_core::{FileId, Record};

use crate::ImportedFile;
use crate::problem::{Problem, ProblemCode};
use crate::registry::{Importer, Output, detect};
use crate::table::{Header, Table};

/// Rows looked at to recognise a format (preambles are at most ~25 lines).
const SNIFF_ROWS: usize = 40;
/// Bytes looked at to decide the encoding.
const SNIFF_BYTES: usize = 64 * 1024;

/// Imports a file from disk. A ZIP or a workbook gives one [`ImportedFile`] per member or sheet;
/// ids are assigned from `files.len()` on.
pub fn import_path(
    path: &Path,
    importers: &[Box<dyn Importer>],
    files: &mut Vec<ImportedFile>,
    sink: &mut dyn FnMut(Record),
) {
    import_path_numbered(path, importers, 0, files, sink);
}

/// Like [`import_path`], with ids assigned from `first_id + files.len()` on: a file read apart
/// from the ones before it (on another thread) numbers its tables where they will end up.
pub(crate) fn import_path_numbered(
    path: &Path,
    importers: &[Box<dyn Importer>],
    first_id: usize,
    files: &mut Vec<ImportedFile>,
    sink: &mut dyn FnMut(Record),
) {
    let mut files = Reports {
        first_id,
        list: files,
    };
    let files = &mut files;
    let name = path.display().to_string();
    let opened = File::open(path).and_then(|mut f| {
        let mut sample = vec![0u8; SNIFF_BYTES];
        let n = read_full(&mut f, &mut sample)?;
        sample.truncate(n);
        Ok((f, sample))
    });
    let (mut file, sample) = match opened {
        Ok(v) => v,
        Err(e) => {
            io_failure(
                files,
                &name,
                format!("无法打开文件：{e}"),
                format!("cannot open: {e}"),
            );
            return;
        }
    };
    if crate::json::looks_like_json(&sample) {
        let id = file_id(files.next_id());
        let reader = Cursor::new(sample).chain(file);
        files.push(crate::json::import_json(&name, id, reader, sink));
    } else if is_zip(&sample) || is_ole(&sample) {
        let mut bytes = sample;
        if let Err(e) = file.read_to_end(&mut bytes) {
            io_failure(
                files,
                &name,
                format!("读取失败：{e}"),
                format!("read error: {e}"),
            );
            return;
        }
        read_bytes(&name, bytes, importers, files, sink);
    } else {
        let table = Table::csv(&name, sample, Box::new(file));
        import_table(table, importers, files, sink);
    }
}

/// Imports a file already in memory (a ZIP member, an upload); ids are assigned from
/// `files.len()` on.
pub fn import_bytes(
    name: &str,
    bytes: Vec<u8>,
    importers: &[Box<dyn Importer>],
    files: &mut Vec<ImportedFile>,
    sink: &mut dyn FnMut(Record),
) {
    let mut files = Reports {
        first_id: 0,
        list: files,
    };
    read_bytes(name, bytes, importers, &mut files, sink);
}

/// The reports of the tables read so far; the next table's id is `first_id + list.len()`.
struct Reports<'f> {
    first_id: usize,
    list: &'f mut Vec<ImportedFile>,
}

impl Reports<'_> {
    fn next_id(&self) -> usize {
        self.first_id.saturating_add(self.list.len())
    }

    fn push(&mut self, file: ImportedFile) {
        self.list.push(file);
    }
}

fn read_bytes(
    name: &str,
    bytes: Vec<u8>,
    importers: &[Box<dyn Importer>],
    files: &mut Reports<'_>,
    sink: &mut dyn FnMut(Record),
) {
    if is_zip(&bytes) {
        if is_spreadsheet_zip(&bytes) {
            import_spreadsheet(name, bytes, importers, files, sink);
        } else {
            import_zip(name, bytes, importers, files, sink);
        }
    } else if is_ole(&bytes) {
        import_spreadsheet(name, bytes, importers, files, sink);
    } else if crate::json::looks_like_json(&bytes) {
        let id = file_id(files.next_id());
        files.push(crate::json::import_json(name, id, Cursor::new(bytes), sink));
    } else {
        let split = bytes.len().min(SNIFF_BYTES);
        let mut sample = bytes;
        let rest = sample.split_off(split);
        let table = Table::csv(name, sample, Box::new(Cursor::new(rest)));
        import_table(table, importers, files, sink);
    }
}

fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        let n = reader.read(&mut buf[filled..])?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    Ok(filled)
}

fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

fn is_ole(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

pub(crate) fn is_spreadsheet_zip(bytes: &[u8]) -> bool {
    zip::ZipArchive::new(Cursor::new(bytes)).is_ok_and(|mut a| {
        a.by_name("[Content_Types].xml").is_ok()
            && (a.by_name("xl/workbook.xml").is_ok() || a.by_name("xl/workbook.bin").is_ok())
    })
}

pub(crate) fn file_id(index: usize) -> FileId {
    FileId(u32::try_from(index).unwrap_or(u32::MAX))
}

/// Records a file that could not be read at all (open, archive or sheet errors).
fn io_failure(files: &mut Reports<'_>, name: &str, zh: String, en: String) {
    let problem = Problem::new(ProblemCode::Io, name, zh, en);
    files.push(failed(files, name, problem));
}

fn failed(files: &Reports<'_>, name: &str, problem: Problem) -> ImportedFile {
    ImportedFile {
        id: file_id(files.next_id()),
        name: name.to_string(),
        format: None,
        format_zh: None,
        variant: None,
        encoding: None,
        header_line: None,
        meta: Default::default(),
        stats: Default::default(),
        control: Vec::new(),
        problems: vec![problem],
        problems_dropped: 0,
    }
}

/// Decodes a ZIP member name: UTF-8 when flagged or valid, else GBK (Alipay's archives).
pub(crate) fn member_name(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling(raw)
            .0
            .into_owned(),
    }
}

fn import_zip(
    name: &str,
    bytes: Vec<u8>,
    importers: &[Box<dyn Importer>],
    files: &mut Reports<'_>,
    sink: &mut dyn FnMut(Record),
) {
    let mut archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(a) => a,
        Err(e) => {
            io_failure(
                files,
                name,
                format!("不是有效的 ZIP 压缩包：{e}"),
                format!("bad zip: {e}"),
            );
            return;
        }
    };
    // Members in name order: the archive's own order is not guaranteed (formats.md §1.1).
    let mut members: Vec<(String, usize)> = Vec::new();
    for i in 0..archive.len() {
        if let Ok(entry) = archive.by_index_raw(i)
            && entry.is_file()
        {
            members.push((member_name(entry.name_raw()), i));
        }
    }
    members.sort();
    for (member, index) in members {
        let full = format!("{name}!{member}");
        let mut data = Vec::new();
        let read = archive.by_index(index).and_then(|mut e| {
            e.read_to_end(&mut data)
                .map_err(zip::result::ZipError::from)
        });
        match read {
            Ok(_) => read_bytes(&full, data, importers, files, sink),
            Err(e) => io_failure(
                files,
                &full,
                format!("压缩包成员读取失败：{e}"),
                format!("zip member: {e}"),
            ),
        }
    }
}

fn import_spreadsheet(
    name: &str,
    bytes: Vec<u8>,
    importers: &[Box<dyn Importer>],
    files: &mut Reports<'_>,
    sink: &mut dyn FnMut(Record),
) {
    let mut workbook = match calamine::open_workbook_auto_from_rs(Cursor::new(bytes)) {
        Ok(w) => w,
        Err(e) => {
            io_failure(
                files,
                name,
                format!("无法打开电子表格：{e}"),
                format!("spreadsheet: {e}"),
            );
            return;
        }
    };
    let sheets = calamine::Reader::sheet_names(&workbook);
    let single = sheets.len() == 1;
    let before = files.list.len();
    for sheet in sheets {
        let full = if single {
            name.to_string()
        } else {
            format!("{name}#{sheet}")
        };
        let range = match calamine::Reader::worksheet_range(&mut workbook, &sheet) {
            Ok(r) => r,
            Err(e) => {
                io_failure(
                    files,
                    &full,
                    format!("工作表读取失败：{e}"),
                    format!("sheet: {e}"),
                );
                continue;
            }
        };
        if range.is_empty() {
            continue;
        }
        let table = Table::sheet(&full, range);
        // In a workbook, sheets that are notes or pivots are not errors if another sheet is read.
        let mut part = Vec::new();
        import_table_into(table, importers, files.next_id(), &mut part, sink);
        for f in part {
            if f.format.is_none() && !single {
                continue;
            }
            files.push(f);
        }
    }
    if files.list.len() == before {
        files.push(failed(
            files,
            name,
            unknown_format_problem(name, importers, &[]),
        ));
    }
}

/// Text of a spreadsheet cell as the formats expect it, appended to `out`: numbers in their
/// shortest exact decimal form (money parsing then rejects binary noise such as
/// `0.30000000000000004`), date-times as `yyyy-MM-dd HH:mm:ss` in the file's own (Beijing)
/// clock.
pub(crate) fn write_cell(cell: &calamine::Data, out: &mut String) {
    use calamine::Data;
    use std::fmt::Write;
    // Writing into a String cannot fail.
    let _ = match cell {
        Data::Empty => Ok(()),
        Data::String(s) | Data::DurationIso(s) => {
            out.push_str(s);
            Ok(())
        }
        Data::Float(f) => write!(out, "{f}"),
        Data::Int(i) => write!(out, "{i}"),
        Data::Bool(b) => {
            out.push_str(if *b { "是" } else { "否" });
            Ok(())
        }
        Data::DateTime(dt) => {
            out.push_str(&excel_serial_to_text(dt.as_f64()));
            Ok(())
        }
        Data::DateTimeIso(s) => {
            out.push_str(&s.replacen('T', " ", 1));
            Ok(())
        }
        Data::Error(e) => write!(out, "#{e:?}"),
    };
}

/// Excel's serial date (days since 1899-12-30, fraction = time of day) to text.
pub fn excel_serial_to_text(serial: f64) -> String {
    if !serial.is_finite() || !(0.0..2_958_466.0).contains(&serial) {
        return format!("{serial}");
    }
    // Round to the second: the fraction is binary and 0.5 s noise is common.
    let total_seconds = (serial * 86_400.0).round();
    let Ok(total_seconds) = format!("{total_seconds:.0}").parse::<i64>() else {
        return format!("{serial}");
    };
    let days = total_seconds.div_euclid(86_400);
    let secs = total_seconds.rem_euclid(86_400);
    let base = jiff::civil::date(1899, 12, 30);
    let Ok(date) = base.checked_add(jiff::Span::new().days(days)) else {
        return format!("{serial}");
    };
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        date.year(),
        date.month(),
        date.day(),
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    )
}

fn import_table(
    table: Table,
    importers: &[Box<dyn Importer>],
    files: &mut Reports<'_>,
    sink: &mut dyn FnMut(Record),
) {
    let mut part = Vec::new();
    import_table_into(table, importers, files.next_id(), &mut part, sink);
    files.list.extend(part);
}

fn import_table_into(
    mut table: Table,
    importers: &[Box<dyn Importer>],
    first_id: usize,
    out: &mut Vec<ImportedFile>,
    sink: &mut dyn FnMut(Record),
) {
    let name = table.name.clone();
    let id = file_id(first_id);
    let mut base = ImportedFile {
        id,
        name: name.clone(),
        format: None,
        format_zh: None,
        variant: None,
        encoding: Some(table.encoding),
        header_line: None,
        meta: Default::default(),
        stats: Default::default(),
        control: Vec::new(),
        problems: Vec::new(),
        problems_dropped: 0,
    };
    let peeked: Vec<crate::table::Row> = match table.peek(SNIFF_ROWS) {
        Ok(rows) => rows.iter().cloned().collect(),
        Err(p) => {
            base.problems.push(p);
            out.push(base);
            return;
        }
    };
    if peeked.iter().all(|r| r.is_blank()) {
        base.problems.push(Problem::new(
            ProblemCode::Truncated,
            &name,
            "文件为空",
            "file is empty",
        ));
        out.push(base);
        return;
    }
    let Some((importer, detection)) = detect(importers, &peeked) else {
        base.problems
            .push(unknown_format_problem(&name, importers, &peeked));
        out.push(base);
        return;
    };
    base.format = Some(importer.id().to_string());
    base.format_zh = Some(importer.name_zh().to_string());
    base.variant = Some(detection.variant.clone());
    base.header_line = peeked.get(detection.header_index).map(|r| r.line);
    let mut output = Output::new(id, &name, sink);
    if let Err(p) = importer.read(&mut table, &detection, &mut output) {
        output.problem(p);
    }
    base.encoding = Some(table.encoding);
    base.meta = output.meta;
    base.stats = output.stats;
    base.control = output.control;
    base.problems = output.problems;
    base.problems_dropped = output.problems_dropped;
    out.push(base);
}

/// "Not recognised": says which formats came closest and how to write a mapping profile.
fn unknown_format_problem(
    name: &str,
    importers: &[Box<dyn Importer>],
    rows: &[crate::table::Row],
) -> Problem {
    let mut candidates: Vec<(usize, usize, &str, Vec<String>)> = importers
        .iter()
        .map(|imp| {
            let signature = imp.signature();
            let best_row = rows
                .iter()
                .map(|r| {
                    let header = Header::from_row(r);
                    let missing: Vec<String> = signature
                        .iter()
                        .filter(|s| header.find(&[s.as_str()]).is_none())
                        .cloned()
                        .collect();
                    (signature.len() - missing.len(), missing)
                })
                .max_by_key(|(found, _)| *found)
                .unwrap_or((0, signature.clone()));
            (best_row.0, signature.len(), imp.name_zh(), best_row.1)
        })
        .filter(|(found, _, _, _)| *found > 0)
        .collect();
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.2.cmp(b.2)));
    let mut zh = String::from("无法识别文件格式（按内容识别，与文件名无关）。");
    if candidates.is_empty() {
        zh.push_str("表头与任何已知格式都不相符。");
    } else {
        zh.push_str("最接近的格式：");
        let hints: Vec<String> = candidates
            .iter()
            .take(3)
            .map(|(found, total, fmt, missing)| {
                let shown: Vec<&str> = missing.iter().take(5).map(String::as_str).collect();
                format!(
                    "{fmt}（{found}/{total} 列相符，缺少：{}）",
                    shown.join("、")
                )
            })
            .collect();
        zh.push_str(&hints.join("；"));
        zh.push('。');
    }
    zh.push_str("支持的格式见 `duizhang formats`；其他系统导出的 CSV/XLSX 可编写映射配置（列名对应关系），见 docs/mapping-profiles.md，用 --profile 指定。");
    Problem::new(
        ProblemCode::UnknownFormat,
        name,
        zh,
        "unknown format: no importer recognised the header",
    )
}
