//! The import layer: every file a seller downloads, read by content into normalised records.
//!
//! Entry point: [`import_path`] / [`import_bytes`] detect what a file is (CSV in any encoding,
//! XLSX/XLS, ZIP of either, or JSON of the Taobao trade API: [`json`]), pick the importer whose
//! header matches, and stream its rows as
//! [`duizhang_core::Record`]s into a sink, returning what was learnt about the file
//! ([`ImportedFile`]): format, encoding, counts, totals, control totals and problems.

pub mod container;
pub mod control;
pub mod csv_lines;
pub mod formats;
pub mod inputs;
pub mod json;
pub mod limits;
pub mod parsed;
pub mod personal;
mod pipe;
pub mod problem;
pub mod profile;
pub mod registry;
pub mod source_line;
pub mod table;
pub mod text;
mod utf16;

pub use container::{import_bytes, import_path};
pub use control::ControlCheck;
pub use problem::{Problem, ProblemCode, Severity};
pub use profile::{AmountScope, Profile, load_profile};
pub use registry::{Detection, FileMeta, Importer, Output, Stats};
pub use text::TextEncoding;

use duizhang_core::FileId;
use serde::{Deserialize, Serialize};

/// What was learnt about one input table (a CSV file, a ZIP member or a workbook sheet).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ImportedFile {
    pub id: FileId,
    /// Path as given, with `!member` or `#sheet` for parts of archives and workbooks.
    pub name: String,
    /// Stable format id (`alipay.fund_flow`), `None` if not recognised.
    pub format: Option<String>,
    pub format_zh: Option<String>,
    pub variant: Option<String>,
    pub encoding: Option<TextEncoding>,
    pub header_line: Option<u32>,
    pub meta: FileMeta,
    pub stats: Stats,
    pub control: Vec<ControlCheck>,
    pub problems: Vec<Problem>,
    pub problems_dropped: u64,
}

impl ImportedFile {
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error) || self.problems_dropped > 0
    }

    pub fn error_count(&self) -> u64 {
        u64::try_from(self.problems.iter().filter(|p| p.is_error()).count()).unwrap_or(u64::MAX)
            + self.problems_dropped
    }
}

/// Every importer built in, plus the ready mapping profiles shipped with the product.
pub fn builtin_importers() -> Vec<Box<dyn Importer>> {
    let mut all = formats::all();
    all.extend(
        profile::shipped_profiles()
            .into_iter()
            .map(|p| -> Box<dyn Importer> { Box::new(p) }),
    );
    all
}

/// The importers for a run with the user's mapping profiles (`--profile`): the user's first, in
/// the order given, so that on an equal detection score a user's profile wins over a built-in;
/// a user profile with the id of a shipped profile replaces it. A profile that cannot be loaded
/// is an error naming its file, line and column.
pub fn importers_with_profiles<P: AsRef<std::path::Path>>(
    paths: &[P],
) -> Result<Vec<Box<dyn Importer>>, Problem> {
    let mut user: Vec<Profile> = Vec::with_capacity(paths.len());
    for path in paths {
        user.push(load_profile(path.as_ref())?);
    }
    Ok(with_user_profiles(user))
}

/// Like [`importers_with_profiles`], for profiles already loaded (an upload, a test).
pub fn with_user_profiles(user: Vec<Profile>) -> Vec<Box<dyn Importer>> {
    let mut all: Vec<Box<dyn Importer>> = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    for p in user {
        ids.push(p.id().to_string());
        all.push(Box::new(p));
    }
    all.extend(
        builtin_importers()
            .into_iter()
            .filter(|imp| !ids.iter().any(|id| id == imp.id())),
    );
    all
}
