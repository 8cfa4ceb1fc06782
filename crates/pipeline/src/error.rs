//! Why a run gave no result, in the user's words (Chinese), keeping file, line and column.

use duizhang_import::Problem;

/// A run that could not give a trustworthy result.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No data file among the inputs.
    #[error("没有找到可导入的文件（支持 .csv .txt .xlsx .xls .zip .json .jsonl）")]
    NoInputs,
    /// An input path could not be expanded (missing, a link out of its folder, a pipe).
    #[error("{0}")]
    Inputs(#[source] std::io::Error),
    /// Import errors that make the results untrustworthy: the run stopped.
    #[error("{0}")]
    Import(Blocked),
    /// The generated vouchers broke an invariant every export enforces.
    #[error("凭证校验未通过：{0}")]
    Vouchers(String),
    /// An output could not be rendered.
    #[error("{file} 生成失败：{message}")]
    Render { file: String, message: String },
    /// An output could not be written where the caller puts it (a full disk, a folder gone).
    #[error("无法写入 {file}：{source}")]
    Write {
        file: String,
        #[source]
        source: std::io::Error,
    },
}

/// What stopped a run at import.
#[derive(Debug)]
pub struct Blocked {
    /// Every error, with file, line and column.
    pub errors: Vec<Blocking>,
    /// Files no importer recognised, or that are no seller's bill (a personal bill).
    pub unknown: Vec<String>,
    /// Whether such files were left out (`skip_unknown`): then they are not among `errors`.
    pub skipped_unknown: bool,
}

impl std::fmt::Display for Blocked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "导入时发现 {} 个错误（结果会不完整）", self.errors.len())?;
        if let Some(first) = self.errors.first() {
            write!(f, "，第一个：{}", first.zh())?;
        }
        Ok(())
    }
}

/// One import error that stops a run.
#[derive(Debug)]
pub enum Blocking {
    /// A problem of the importer (file, line, column, message).
    Problem(Problem),
    /// A summary file whose stated total does not hold and that has no rows of its own: no
    /// shop can own the difference.
    SummaryTotal { file: String, described: String },
}

impl Blocking {
    /// For people: the file, line and column, then what is wrong.
    pub fn zh(&self) -> String {
        match self {
            Blocking::Problem(p) => p.zh(),
            Blocking::SummaryTotal { file, described } => {
                format!("文件 {file}：文件自带的合计与明细不符：{described}")
            }
        }
    }

    /// The file the error is in.
    pub fn file(&self) -> &str {
        match self {
            Blocking::Problem(p) => &p.file,
            Blocking::SummaryTotal { file, .. } => file,
        }
    }
}

/// An output the xlsx writer could not render.
pub(crate) fn render(file: &str, e: impl std::fmt::Display) -> Error {
    Error::Render {
        file: file.to_string(),
        message: e.to_string(),
    }
}

/// An output the caller's sink could not take.
pub(crate) fn write(file: &str, source: std::io::Error) -> Error {
    Error::Write {
        file: file.to_string(),
        source,
    }
}
