//! JSON inputs: what the Taobao/Tmall Open Platform (TOP) returns, as sellers' ISV tools and
//! their own paging scripts save it (formats.md §3.4).
//!
//! A file is JSON when its first bytes say so ([`looks_like_json`]); it is then read as a
//! stream, never as a tree: `serde_json` walks the responses with seeds
//! ([`crate::formats::taobao_api`]) and each trade object alone is kept long enough to be
//! turned into an [`duizhang_core::Order`]. A file may hold one response, a JSON array of
//! responses, or several responses one after another (JSON Lines): paging scripts write all
//! three.
//!
//! Line numbers: `serde_json` reads an `io::Read` one byte at a time, so a reader that counts
//! the newlines it hands out knows, at any point of the parse, how many lines lie behind it.

use std::cell::Cell;
use std::io::{self, BufRead, BufReader, Read};

use duizhang_core::{FileId, Record};
use serde::de::DeserializeSeed;

use crate::ImportedFile;
use crate::formats::taobao_api::{self, State};
use crate::problem::{Problem, ProblemCode};
use crate::registry::Output;
use crate::text::TextEncoding;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The JSON formats, for `duizhang formats`: (id, Chinese name, what identifies it).
pub const FORMATS: &[(&str, &str, &str)] = &[(
    taobao_api::ID,
    taobao_api::NAME_ZH,
    "JSON：trades_sold_get_response / trade_fullinfo_get_response（或 simplify=true 的 trades / trade）",
)];

/// True when a file's first bytes are JSON: after an optional UTF-8 BOM and whitespace, `{`
/// followed by `"` or `}`, or `[` followed by `{`, `[` or `]`. Text tables never start so.
pub fn looks_like_json(sample: &[u8]) -> bool {
    let bytes = sample.strip_prefix(BOM).unwrap_or(sample);
    let mut rest = bytes
        .iter()
        .copied()
        .filter(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'));
    matches!(
        (rest.next(), rest.next()),
        (Some(b'{'), Some(b'"' | b'}')) | (Some(b'['), Some(b'{' | b'[' | b']'))
    )
}

/// Hands bytes to the parser from a buffer and counts the newlines among them. The parser
/// asks for one byte at a time, so that case is served without a general copy or search.
struct CountingReader<'c, R> {
    inner: R,
    newlines: &'c Cell<u64>,
}

impl<R: BufRead> Read for CountingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.inner.fill_buf()?;
        let (n, seen) = match (buf, available) {
            (_, []) | ([], _) => return Ok(0),
            ([to], [from, ..]) => {
                *to = *from;
                (1, usize::from(*from == b'\n'))
            }
            (to, from) => {
                let n = to.len().min(from.len());
                let (to, from) = (&mut to[..n], &from[..n]);
                to.copy_from_slice(from);
                (n, memchr::memchr_iter(b'\n', from).count())
            }
        };
        self.inner.consume(n);
        self.newlines
            .set(self.newlines.get() + u64::try_from(seen).unwrap_or(0));
        Ok(n)
    }
}

/// Reads a JSON file (detected by [`looks_like_json`]) into records; one report for the file.
pub fn import_json(
    name: &str,
    id: FileId,
    reader: impl Read,
    sink: &mut dyn FnMut(Record),
) -> ImportedFile {
    let mut reader = BufReader::with_capacity(64 * 1024, reader);
    let bom = match reader.fill_buf() {
        Ok(buf) => buf.starts_with(BOM),
        Err(_) => false,
    };
    if bom {
        reader.consume(BOM.len());
    }
    let newlines = Cell::new(0u64);
    let counting = CountingReader {
        inner: reader,
        newlines: &newlines,
    };
    let mut de = serde_json::Deserializer::from_reader(counting);
    let mut state = State::new(Output::new(id, name, sink), &newlines);
    let mut values: u32 = 0;
    let result = loop {
        match de.end() {
            Ok(()) => break Ok(()),
            // Something follows the last value: the next response (JSON Lines), or garbage
            // that the next parse reports with its position.
            Err(e) if e.classify() == serde_json::error::Category::Syntax => {}
            Err(e) => break Err(e),
        }
        values = values.saturating_add(1);
        if let Err(e) = taobao_api::TopLevel::new(&mut state).deserialize(&mut de) {
            break Err(e);
        }
    };
    if let Err(e) = result {
        let problem = match state.take_fatal() {
            Some(p) => p,
            // A value that is no object (a number, an array of strings) before any response.
            None if e.classify() == serde_json::error::Category::Data && !state.recognised() => {
                at_position(
                    taobao_api::unknown_format(name, "最外层不是 JSON 对象或对象的数组"),
                    &e,
                )
            }
            None => parse_problem(name, &e),
        };
        state.out.problem(problem);
    }
    if !state.recognised() && state.out.problems.is_empty() {
        // `[]`: nothing that says what the file is; never taken as an empty page.
        let p = taobao_api::unknown_format(name, "文件中没有任何对象");
        state.out.problem(p);
    }
    state.finish(values);
    let (format, variant) = state.format();
    let output = state.out;
    ImportedFile {
        id,
        name: name.to_string(),
        format_zh: format.map(|_| taobao_api::NAME_ZH.to_string()),
        format: format.map(str::to_string),
        variant,
        encoding: Some(if bom {
            TextEncoding::Utf8Bom
        } else {
            TextEncoding::Utf8
        }),
        header_line: None,
        meta: output.meta,
        stats: output.stats,
        control: output.control,
        problems: output.problems,
        problems_dropped: output.problems_dropped,
    }
}

/// A parse error as a problem with the line and column `serde_json` found it at.
fn parse_problem(name: &str, e: &serde_json::Error) -> Problem {
    use serde_json::error::Category;
    let text = e.to_string();
    // serde_json appends " at line L column C"; the position goes into the problem's fields.
    let what = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(what, _)| what);
    let (code, zh) = match e.classify() {
        Category::Eof => (
            ProblemCode::Truncated,
            format!(
                "JSON 在此处意外结束（{what}）：文件不完整，可能下载或拉取时被截断，请重新获取"
            ),
        ),
        Category::Syntax => (
            ProblemCode::Syntax,
            format!(
                "JSON 格式错误（{what}）：文件已损坏或被编辑过；JSON 文件须为 UTF-8 编码。此处之后的内容没有读入"
            ),
        ),
        Category::Data => (
            ProblemCode::BadValue,
            format!("JSON 结构与淘宝/天猫交易接口的返回不符（{what}）。此处之后的内容没有读入"),
        ),
        Category::Io => (ProblemCode::Io, format!("读取失败：{what}")),
    };
    at_position(Problem::new(code, name, zh, text.clone()), e)
}

/// The problem at the line and column of a parse error.
fn at_position(mut p: Problem, e: &serde_json::Error) -> Problem {
    if e.line() > 0 {
        p = p.at_line(u32::try_from(e.line()).unwrap_or(u32::MAX));
        p.column = u32::try_from(e.column()).ok();
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_told_from_text_tables() {
        assert!(looks_like_json(b"{\"trades_sold_get_response\":{}}"));
        assert!(looks_like_json(b"\xEF\xBB\xBF\r\n  {\n \"a\":1}"));
        assert!(looks_like_json(b"[\n  {\"a\":1}]"));
        assert!(looks_like_json(b"[]"));
        assert!(looks_like_json(b"{}"));
        assert!(!looks_like_json("[导出时间],2026-10-01".as_bytes()));
        assert!(!looks_like_json("#支付宝账务明细查询\r\n".as_bytes()));
        assert!(!looks_like_json(b"{abc"));
        assert!(!looks_like_json(b""));
        assert!(!looks_like_json(b"  \n"));
    }
}
