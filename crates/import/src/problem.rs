//! Problems found while reading a file: each names the file, line and column, in Chinese for
//! users and in English for logs.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    /// The file matches no known format or profile.
    UnknownFormat,
    /// Bytes that are not valid in the file's encoding.
    Encoding,
    /// A required column is absent from the header.
    MissingColumn,
    /// A required cell is empty.
    MissingValue,
    /// A cell that should hold an amount does not.
    BadAmount,
    /// A cell that should hold a date-time does not.
    BadTime,
    /// A cell holds a value outside the known set (status, type …).
    BadValue,
    /// A row has fewer cells than the header, or the file's end marker is missing.
    Truncated,
    /// The file's own totals disagree with its rows.
    ControlTotal,
    /// The file could not be read at all.
    Io,
    /// A mapping profile is malformed.
    Profile,
    /// A JSON file that does not parse (broken or cut off): line and column of the fault.
    Syntax,
    /// The same record twice in one file (overlapping pages of an API download); the second
    /// is not read.
    Duplicate,
    /// The file goes past a limit on what one input may cost (line or cell length,
    /// decompressed size, archive nesting): see [`crate::limits`].
    Limit,
    /// A file people have that is not the one to reconcile with (a personal bill): the
    /// message says what to download instead.
    WrongDownload,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The row (or the file) was not read; results would be wrong without it.
    Error,
    /// Read, but a person should look (an unknown status text, say).
    Warning,
}

/// One problem with one file, located as precisely as the problem allows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub code: ProblemCode,
    pub severity: Severity,
    pub file: String,
    /// 1-based physical line (CSV) or row number (XLSX).
    pub line: Option<u32>,
    /// 1-based column number.
    pub column: Option<u32>,
    pub column_name: Option<String>,
    /// For users, in Chinese.
    pub message: String,
    /// For logs, in English.
    pub detail: String,
}

impl Problem {
    pub fn new(
        code: ProblemCode,
        file: &str,
        message: impl Into<String>,
        detail: impl Into<String>,
    ) -> Problem {
        Problem {
            code,
            severity: Severity::Error,
            file: file.to_string(),
            line: None,
            column: None,
            column_name: None,
            message: clip_quoted(&message.into()),
            detail: crate::limits::clip(&detail.into(), DETAIL_CHARS).into_owned(),
        }
    }

    pub fn at_line(mut self, line: u32) -> Problem {
        self.line = Some(line);
        self
    }

    pub fn at_column(mut self, index: usize, name: &str) -> Problem {
        self.column = u32::try_from(index + 1).ok();
        self.column_name = Some(name.to_string());
        self
    }

    pub fn warning(mut self) -> Problem {
        self.severity = Severity::Warning;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `文件 x.csv 第 12 行 第 7 列（收入金额（+元））：“abc”不是有效金额`
    pub fn zh(&self) -> String {
        let mut s = format!("文件 {}", self.file);
        if let Some(line) = self.line {
            s.push_str(&format!(" 第 {line} 行"));
        }
        if let Some(col) = self.column {
            s.push_str(&format!(" 第 {col} 列"));
            if let Some(name) = self.column_name.as_deref().filter(|n| !n.is_empty()) {
                s.push_str(&format!("（{name}）"));
            }
        }
        s.push('：');
        s.push_str(&self.message);
        s
    }

    /// The English form, for logs.
    pub fn en(&self) -> String {
        let mut s = self.file.to_string();
        if let Some(line) = self.line {
            s.push_str(&format!(":{line}"));
        }
        if let Some(col) = self.column {
            s.push_str(&format!(":{col}"));
            if let Some(name) = self.column_name.as_deref().filter(|n| !n.is_empty()) {
                s.push_str(&format!(" ({name})"));
            }
        }
        s.push_str(&format!(": {:?}: {}", self.code, self.detail));
        s
    }
}

/// Characters of a cell echoed in a message (inside “…”), and of an English detail.
const ECHO_CHARS: usize = 50;
const DETAIL_CHARS: usize = 300;

/// Cuts every quoted echo (`“…”`) longer than [`ECHO_CHARS`] to its start and its length: a
/// bad cell of megabytes is reported, not repeated.
fn clip_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(1024));
    let mut rest = message;
    while let Some(open) = rest.find('“') {
        let (before, quoted) = rest.split_at(open + '“'.len_utf8());
        out.push_str(before);
        let (inner, after) = match quoted.find('”') {
            Some(close) => quoted.split_at(close),
            None => (quoted, ""),
        };
        out.push_str(&crate::limits::clip(inner, ECHO_CHARS));
        rest = after;
        if let Some(close) = rest.strip_prefix('”') {
            out.push('”');
            rest = close;
        }
    }
    out.push_str(rest);
    out
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.zh())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_bad_cell_is_echoed_cut_with_its_length() {
        let cell = "9".repeat(10_000);
        let p = Problem::new(
            ProblemCode::BadAmount,
            "x.csv",
            format!("“{cell}”不是有效金额"),
            format!("not an amount: {cell:?}"),
        );
        assert_eq!(
            p.message,
            format!("“{}…（共 10000 字）”不是有效金额", "9".repeat(50))
        );
        assert!(p.detail.chars().count() < 400, "{}", p.detail);
        let short = Problem::new(ProblemCode::BadAmount, "x.csv", "“abc”不是有效金额", "");
        assert_eq!(short.message, "“abc”不是有效金额");
    }
}
