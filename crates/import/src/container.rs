//! Opening inputs: plain CSV streams (also gzip-compressed, also UTF-16), ZIP archives (GBK
//! member names, members streamed), spreadsheets, and JSON (the trade API's responses,
//! [`crate::json`]). Every container is held to the limits of [`crate::limits`].

use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek};
use std::path::Path;

use duizhang_core::{FileId, Record};

use crate::ImportedFile;
use crate::limits::{
    ArchiveBudget, Bounded, LimitExceeded, MAX_BUFFERED_BYTES, MAX_NESTING, size_text,
};
use crate::problem::{Problem, ProblemCode};
use crate::registry::{Importer, Output, detect};
use crate::table::{Header, Table, read_problem};

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
    let mut reports = Reports {
        first_id,
        list: files,
    };
    let mut cx = Cx {
        importers,
        files: &mut reports,
        sink,
    };
    let name = path.display().to_string();
    // Regular files only: opening a named pipe blocks until someone writes, and a device such
    // as /dev/zero never ends.
    let size = match std::fs::metadata(path) {
        Ok(m) if m.is_file() => m.len(),
        Ok(_) => {
            cx.io_failure(
                &name,
                "不是普通文件（命名管道、设备或文件夹），不能作为输入读取".to_string(),
                "not a regular file".to_string(),
            );
            return;
        }
        Err(e) => {
            cx.io_failure(
                &name,
                format!("无法打开文件：{e}"),
                format!("cannot open: {e}"),
            );
            return;
        }
    };
    let opened = File::open(path).and_then(|mut f| {
        let mut sample = vec![0u8; SNIFF_BYTES];
        let n = read_full(&mut f, &mut sample)?;
        sample.truncate(n);
        Ok((f, sample))
    });
    let (mut file, sample) = match opened {
        Ok(v) => v,
        Err(e) => {
            cx.io_failure(
                &name,
                format!("无法打开文件：{e}"),
                format!("cannot open: {e}"),
            );
            return;
        }
    };
    // An archive on disk is read in place, member by member; a workbook inside it is
    // buffered by `read_stream` like any other.
    if is_zip(&sample) && file.rewind().is_ok() {
        let mut archive = match zip::ZipArchive::new(BufReader::new(file)) {
            Ok(a) => a,
            Err(e) => {
                cx.io_failure(
                    &name,
                    format!("不是有效的 ZIP 压缩包（文件已损坏或不完整）：{e}"),
                    format!("bad zip: {e}"),
                );
                return;
            }
        };
        if !is_spreadsheet_zip(&mut archive) {
            cx.import_zip(&name, archive, size, 0);
            return;
        }
        let mut file = archive.into_inner().into_inner();
        match file.rewind() {
            Ok(()) => cx.read_stream(&name, Box::new(file), size, 0),
            Err(e) => cx.io_failure(&name, format!("读取失败：{e}"), format!("rewind: {e}")),
        }
        return;
    }
    cx.read_stream(&name, Box::new(Cursor::new(sample).chain(file)), size, 0);
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
    import_bytes_numbered(name, bytes, importers, 0, files, sink);
}

/// Like [`import_bytes`], with ids assigned from `first_id + files.len()` on.
pub(crate) fn import_bytes_numbered(
    name: &str,
    bytes: Vec<u8>,
    importers: &[Box<dyn Importer>],
    first_id: usize,
    files: &mut Vec<ImportedFile>,
    sink: &mut dyn FnMut(Record),
) {
    let mut reports = Reports {
        first_id,
        list: files,
    };
    let mut cx = Cx {
        importers,
        files: &mut reports,
        sink,
    };
    cx.read_bytes(name, bytes, 0);
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

/// What reading one input needs at every level of its containers.
struct Cx<'a, 'f> {
    importers: &'a [Box<dyn Importer>],
    files: &'a mut Reports<'f>,
    sink: &'a mut dyn FnMut(Record),
}

impl Cx<'_, '_> {
    /// Records a file that could not be read at all (open, archive or sheet errors).
    fn io_failure(&mut self, name: &str, zh: String, en: String) {
        self.fail(name, Problem::new(ProblemCode::Io, name, zh, en));
    }

    fn fail(&mut self, name: &str, problem: Problem) {
        let f = failed(self.files, name, problem);
        self.files.push(f);
    }

    /// Refuses a container nested deeper than [`MAX_NESTING`]; `true` when it may be opened.
    fn may_open(&mut self, name: &str, depth: u32) -> bool {
        if depth < MAX_NESTING {
            return true;
        }
        self.fail(
            name,
            Problem::new(
                ProblemCode::Limit,
                name,
                format!("压缩包嵌套超过 {MAX_NESTING} 层，不再打开（请解压后导入里面的账单文件）"),
                format!("archives nested deeper than {MAX_NESTING}"),
            ),
        );
        false
    }

    /// Reads a stream whose kind its first bytes tell: gzip is unpacked as it is read, an
    /// archive or a workbook is held whole (within [`MAX_BUFFERED_BYTES`]), JSON and CSV are
    /// streamed. `compressed` is the size the stream came from, for the ratio limit of gzip.
    fn read_stream(
        &mut self,
        name: &str,
        mut reader: Box<dyn Read + Send>,
        compressed: u64,
        depth: u32,
    ) {
        let mut sample = vec![0u8; SNIFF_BYTES];
        let n = match read_full(&mut reader, &mut sample) {
            Ok(n) => n,
            Err(e) => {
                self.fail(name, read_problem(name, &e));
                return;
            }
        };
        sample.truncate(n);
        if is_zip(&sample) || is_ole(&sample) {
            let mut bytes = sample;
            let budget = MAX_BUFFERED_BYTES.saturating_sub(u64::try_from(n).unwrap_or(0));
            match reader
                .take(budget.saturating_add(1))
                .read_to_end(&mut bytes)
            {
                Ok(_) if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > MAX_BUFFERED_BYTES => {
                    self.fail(
                        name,
                        Problem::new(
                            ProblemCode::Limit,
                            name,
                            format!(
                                "压缩包或工作簿超过 {} 的上限（须整体读入内存），请解压或拆分后导入",
                                size_text(MAX_BUFFERED_BYTES)
                            ),
                            format!("container above {MAX_BUFFERED_BYTES} bytes"),
                        ),
                    );
                }
                Ok(_) => self.read_bytes(name, bytes, depth),
                Err(e) => self.fail(name, read_problem(name, &e)),
            }
        } else if is_gzip(&sample) {
            if !self.may_open(name, depth) {
                return;
            }
            let gz = flate2::read::MultiGzDecoder::new(Cursor::new(sample).chain(reader));
            let bounded = Damaged {
                inner: Bounded::new(gz, compressed, None, "gzip 压缩的内容"),
                what: "gzip 压缩的内容",
            };
            self.read_stream(name, Box::new(bounded), compressed, depth + 1);
        } else if is_tar(&sample) {
            self.io_failure(
                name,
                "这是 tar 归档：请先解压，再导入其中的账单文件".to_string(),
                "tar archive".to_string(),
            );
        } else if crate::json::looks_like_json(&sample) {
            let id = file_id(self.files.next_id());
            let f =
                crate::json::import_json(name, id, Cursor::new(sample).chain(reader), self.sink);
            self.files.push(f);
        } else {
            self.import_table(Table::csv(name, sample, reader));
        }
    }

    fn read_bytes(&mut self, name: &str, bytes: Vec<u8>, depth: u32) {
        if is_zip(&bytes) {
            let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
            let mut archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
                Ok(a) => a,
                Err(e) => {
                    self.io_failure(
                        name,
                        format!("不是有效的 ZIP 压缩包（文件已损坏或不完整）：{e}"),
                        format!("bad zip: {e}"),
                    );
                    return;
                }
            };
            if is_spreadsheet_zip(&mut archive) {
                self.import_spreadsheet(name, archive.into_inner().into_inner());
            } else {
                self.import_zip(name, archive, size, depth);
            }
        } else if is_ole(&bytes) {
            self.import_spreadsheet(name, bytes);
        } else {
            let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
            self.read_stream(name, Box::new(Cursor::new(bytes)), size, depth);
        }
    }

    /// Reads every file member of an archive, in name order, each streamed from its
    /// decompression (on a helper thread that borrows the archive) within the limits.
    fn import_zip<R: Read + Seek + Send>(
        &mut self,
        name: &str,
        mut archive: zip::ZipArchive<R>,
        size: u64,
        depth: u32,
    ) {
        if !self.may_open(name, depth) {
            return;
        }
        // Members in name order: the archive's own order is not guaranteed (formats.md §1.1).
        let mut members: Vec<(String, usize, u64)> = Vec::new();
        for i in 0..archive.len() {
            if let Ok(entry) = archive.by_index_raw(i)
                && entry.is_file()
            {
                members.push((member_name(entry.name_raw()), i, entry.compressed_size()));
            }
        }
        if members.is_empty() {
            self.io_failure(
                name,
                "压缩包里没有任何文件（空压缩包，或只有文件夹）：请检查下载是否完整".to_string(),
                "archive holds no file".to_string(),
            );
            return;
        }
        members.sort();
        let budget = ArchiveBudget::new(size);
        for (member, index, compressed) in members {
            let full = format!("{name}!{member}");
            let (tx, pipe) = crate::pipe::pipe();
            let archive = &mut archive;
            let budget = &budget;
            let what = format!("压缩包成员 {member} ");
            std::thread::scope(|s| {
                s.spawn(move || match archive.by_index(index) {
                    Ok(entry) => crate::pipe::pump(
                        Damaged {
                            inner: Bounded::new(entry, compressed, Some(budget), what),
                            what: "压缩包成员",
                        },
                        tx,
                    ),
                    Err(e) => {
                        let _ = tx.send(Err(std::io::Error::other(format!(
                            "压缩包成员无法读取（已损坏或不支持的压缩方式）：{e}"
                        ))));
                    }
                });
                self.read_stream(&full, Box::new(pipe), compressed, depth + 1);
            });
        }
    }
}

/// Says "damaged" for the read errors of compressed data that are not a limit (a bad
/// checksum, a cut stream), in the words a user reads: `what` is `压缩包成员` or the like.
struct Damaged<R> {
    inner: R,
    what: &'static str,
}

impl<R: Read> Read for Damaged<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            if LimitExceeded::of(&e).is_some() {
                e
            } else {
                std::io::Error::other(format!("{}已损坏或不完整（{e}）", self.what))
            }
        })
    }
}

fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        let n = match reader.read(&mut buf[filled..]) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
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

pub(crate) fn is_ole(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

/// gzip's magic and its one compression method (deflate): WeChat Pay's bill download API.
fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1F, 0x8B, 0x08])
}

/// A POSIX tar archive (`ustar` at offset 257), as a `.tar.gz` unpacks to.
fn is_tar(bytes: &[u8]) -> bool {
    bytes.get(257..262) == Some(b"ustar")
}

pub(crate) fn is_spreadsheet_zip<R: Read + Seek>(archive: &mut zip::ZipArchive<R>) -> bool {
    archive.by_name("[Content_Types].xml").is_ok()
        && (archive.by_name("xl/workbook.xml").is_ok()
            || archive.by_name("xl/workbook.bin").is_ok())
}

pub(crate) fn file_id(index: usize) -> FileId {
    FileId(u32::try_from(index).unwrap_or(u32::MAX))
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

/// Text of a spreadsheet cell as the formats expect it, appended to `out`: numbers in their
/// shortest exact decimal form (money parsing then rejects binary noise such as
/// `0.30000000000000004`), date-times as `yyyy-MM-dd HH:mm:ss` in the file's own (Beijing)
/// clock, counted from the workbook's epoch (`date1904`: Excel for Mac's 1904 system).
pub(crate) fn write_cell(cell: &calamine::Data, date1904: bool, out: &mut String) {
    use calamine::Data;
    use std::fmt::Write;
    // Writing into a String cannot fail.
    let _ = match cell {
        Data::Empty => Ok(()),
        Data::String(s) | Data::DurationIso(s) => {
            out.push_str(s);
            Ok(())
        }
        // An integral number past 2^53 has lost digits in the workbook (a 19-digit order
        // number typed as a number): it is written in scientific notation, which no amount
        // column accepts and an identifier column reports, instead of digits that look exact.
        Data::Float(f) if f.fract() == 0.0 && f.abs() >= 9_007_199_254_740_992.0 => {
            write!(out, "{f:E}")
        }
        Data::Float(f) => write!(out, "{f}"),
        Data::Int(i) => write!(out, "{i}"),
        Data::Bool(b) => {
            out.push_str(if *b { "是" } else { "否" });
            Ok(())
        }
        Data::DateTime(dt) => {
            out.push_str(&excel_serial_to_text(dt.as_f64(), date1904));
            Ok(())
        }
        Data::DateTimeIso(s) => {
            out.push_str(&s.replacen('T', " ", 1));
            Ok(())
        }
        Data::Error(e) => write!(out, "#{e:?}"),
    };
}

/// Excel's serial date (days since the workbook's epoch, fraction = time of day) to text; a
/// serial outside Excel's range stays a number, which no time column accepts.
pub fn excel_serial_to_text(serial: f64, date1904: bool) -> String {
    match duizhang_core::BeijingTime::from_excel_serial(serial, date1904) {
        Some(t) => t.to_string(),
        None => format!("{serial}"),
    }
}

/// Whether a workbook counts its dates from 1904 (`workbookPr date1904`, Excel for Mac).
pub(crate) fn date1904<RS: Read + Seek>(workbook: &calamine::Sheets<RS>) -> bool {
    match workbook {
        calamine::Sheets::Xls(w) => w.has_1904_epoch(),
        calamine::Sheets::Xlsx(w) => w.has_1904_epoch(),
        calamine::Sheets::Xlsb(w) => w.has_1904_epoch(),
        calamine::Sheets::Ods(_) => false,
    }
}

impl Cx<'_, '_> {
    fn import_spreadsheet(&mut self, name: &str, bytes: Vec<u8>) {
        let mut workbook = match calamine::open_workbook_auto_from_rs(Cursor::new(bytes)) {
            Ok(w) => w,
            Err(e) => {
                self.io_failure(
                    name,
                    format!("无法打开电子表格（文件已损坏或不完整）：{e}"),
                    format!("spreadsheet: {e}"),
                );
                return;
            }
        };
        let date1904 = date1904(&workbook);
        let sheets = calamine::Reader::sheet_names(&workbook);
        let single = sheets.len() == 1;
        let before = self.files.list.len();
        for sheet in sheets {
            let full = if single {
                name.to_string()
            } else {
                format!("{name}#{sheet}")
            };
            let range = match calamine::Reader::worksheet_range(&mut workbook, &sheet) {
                Ok(r) => r,
                Err(e) => {
                    self.io_failure(
                        &full,
                        format!("工作表已损坏，无法读取：{e}"),
                        format!("sheet: {e}"),
                    );
                    continue;
                }
            };
            if range.is_empty() {
                continue;
            }
            let table = Table::sheet(&full, range, date1904);
            // In a workbook, sheets that are notes or pivots are not errors if another sheet
            // is read.
            let mut part = Vec::new();
            import_table_into(
                table,
                self.importers,
                self.files.next_id(),
                &mut part,
                self.sink,
            );
            for f in part {
                let personal = f
                    .problems
                    .iter()
                    .any(|p| p.code == ProblemCode::WrongDownload);
                if f.format.is_none() && !single && !personal {
                    continue;
                }
                self.files.push(f);
            }
        }
        if self.files.list.len() == before {
            let problem = unknown_format_problem(name, self.importers, &[]);
            self.fail(name, problem);
        }
    }

    fn import_table(&mut self, table: Table) {
        let mut part = Vec::new();
        import_table_into(
            table,
            self.importers,
            self.files.next_id(),
            &mut part,
            self.sink,
        );
        self.files.list.extend(part);
    }
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
    // A personal bill is answered with what to download instead, before any importer sees
    // it (its 交易时间 and 金额 columns could look like something a profile maps).
    if let Some(bill) = crate::personal::recognise(&peeked) {
        base.problems.push(Problem::new(
            ProblemCode::WrongDownload,
            &name,
            bill.message_zh(),
            format!("personal {} bill, not a merchant bill", bill.provider_zh),
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
