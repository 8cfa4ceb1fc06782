//! Every file variant of the research notes' formats.md (kept for users in docs/formats.md),
//! imported from small files written by hand in exactly the shape the notes print: preamble,
//! header, guards, footer. Expected amounts, times and kinds are worked out by hand from the
//! platforms' rules, not from the importers or the sample writers. Where the notes mark a fact
//! UNCONFIRMED or PARTIAL, the test shows the defensive reading (an unknown extra column is
//! ignored, a missing required column stops the file with a message naming it).

#![allow(clippy::unwrap_used)]

#[path = "formats_md/alipay.rs"]
mod alipay;
#[path = "formats_md/douyin.rs"]
mod douyin;
#[path = "formats_md/jd.rs"]
mod jd;
#[path = "formats_md/pdd.rs"]
mod pdd;
#[path = "formats_md/quirks.rs"]
mod quirks;
#[path = "formats_md/taobao.rs"]
mod taobao;
#[path = "formats_md/wechat.rs"]
mod wechat;

use duizhang_core::{BeijingTime, Dataset, Fen, FileId, SourceRef};
use duizhang_import::{ImportedFile, Problem, ProblemCode, builtin_importers, import_bytes};

/// What importing one input gave: its tables and their records.
pub struct Read {
    pub files: Vec<ImportedFile>,
    pub data: Dataset,
}

impl Read {
    /// The only table read, asserting there is exactly one.
    pub fn file(&self) -> &ImportedFile {
        assert_eq!(self.files.len(), 1, "{:#?}", self.files);
        &self.files[0]
    }

    /// The problems of every table.
    pub fn problems(&self) -> Vec<&Problem> {
        self.files.iter().flat_map(|f| f.problems.iter()).collect()
    }

    /// The one problem of every table together, asserting there is exactly one.
    pub fn only_problem(&self) -> &Problem {
        let problems = self.problems();
        assert_eq!(problems.len(), 1, "{problems:#?}");
        problems[0]
    }
}

/// Imports bytes as a user's file called `name`.
pub fn import(name: &str, bytes: Vec<u8>) -> Read {
    let importers = builtin_importers();
    let mut files = Vec::new();
    let mut data = Dataset::default();
    import_bytes(name, bytes, &importers, &mut files, &mut |r| data.push(r));
    Read { files, data }
}

/// Imports and asserts one table recognised as `format`, with no problem at all and every
/// control total the file states holding.
pub fn clean(name: &str, bytes: Vec<u8>, format: &str) -> Read {
    let read = import(name, bytes);
    let file = read.file();
    assert_eq!(file.format.as_deref(), Some(format), "{file:#?}");
    assert!(file.problems.is_empty(), "{:#?}", file.problems);
    assert!(
        file.control.iter().all(|c| c.holds()),
        "{:#?}",
        file.control
    );
    read
}

/// GBK bytes (Alipay, PDD and Taobao CSVs).
pub fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable, "text not writable in GBK");
    bytes.into_owned()
}

/// UTF-8 with a byte-order mark (商户平台 and 抖店 downloads).
pub fn bom(text: &str) -> Vec<u8> {
    let mut v = b"\xEF\xBB\xBF".to_vec();
    v.extend_from_slice(text.as_bytes());
    v
}

/// The text as written, with `⇥` standing for a TAB as in formats.md.
pub fn tabs(text: &str) -> String {
    text.replace('⇥', "\t")
}

/// Lines joined with CRLF, as files made on Windows end them.
pub fn crlf(lines: &[&str]) -> String {
    lines.iter().map(|l| format!("{l}\r\n")).collect()
}

/// Lines joined with LF.
pub fn lf(lines: &[&str]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

pub fn fen(v: i64) -> Fen {
    Fen::new(v)
}

pub fn t(text: &str) -> BeijingTime {
    BeijingTime::parse(text).unwrap()
}

pub fn t_opt(text: &str) -> Option<BeijingTime> {
    Some(t(text))
}

/// Line `line` of the first table.
pub fn at(line: u32) -> SourceRef {
    SourceRef {
        file: FileId(0),
        line,
    }
}

/// Asserts a problem's place and that its Chinese message says `says`.
pub fn assert_problem(p: &Problem, code: ProblemCode, line: u32, column_name: &str, says: &str) {
    assert_eq!(p.code, code, "{p:#?}");
    assert_eq!(p.line, Some(line), "{p:#?}");
    assert_eq!(p.column_name.as_deref(), Some(column_name), "{p:#?}");
    assert!(p.message.contains(says), "{}", p.message);
    assert!(p.zh().contains(&format!("第 {line} 行")), "{}", p.zh());
}

/// Asserts the file was stopped for a missing column named `column`.
pub fn assert_missing_column(read: &Read, column: &str) {
    let problems = read.problems();
    let p = problems
        .iter()
        .find(|p| p.code == ProblemCode::MissingColumn || p.code == ProblemCode::UnknownFormat)
        .unwrap_or_else(|| panic!("a missing column expected: {problems:#?}"));
    assert!(p.zh().contains(column), "{}", p.zh());
    assert!(p.is_error());
}
