//! Problems found while reading a file: each names the file, line and column, in Chinese for
//! users and in English for logs.

use std::fmt;

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The row (or the file) was not read; results would be wrong without it.
    Error,
    /// Read, but a person should look (an unknown status text, say).
    Warning,
}

/// One problem with one file, located as precisely as the problem allows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
            message: message.into(),
            detail: detail.into(),
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

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.zh())
    }
}
