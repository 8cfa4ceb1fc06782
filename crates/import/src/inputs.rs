//! Reading a run's inputs: files and folders into one `Dataset`, with every problem kept.
//! Shared by the command line and the benchmark tools, so both read inputs the same way.

use std::path::{Path, PathBuf};

use duizhang_core::{Dataset, SourceFile};

use crate::{ImportedFile, Importer, import_path};

/// Extensions that are data files; anything else inside a folder (notes, outputs) is ignored.
const DATA_EXTENSIONS: &[&str] = &["csv", "txt", "xlsx", "xlsm", "xls", "zip"];

/// Expands folders (recursively, in name order) into data files; files named explicitly are
/// always read.
pub fn expand_inputs(inputs: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            walk(input, &mut out)?;
        } else if input.exists() {
            out.push(input.clone());
        } else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("找不到文件或文件夹：{}", input.display()),
            ));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, out)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| DATA_EXTENSIONS.iter().any(|d| d.eq_ignore_ascii_case(e)))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Imports every file into one dataset. The dataset's file table has one entry per imported
/// table (a ZIP member or a sheet is its own entry), in the same order as the returned reports.
pub fn load(
    paths: &[PathBuf],
    importers: &[Box<dyn Importer>],
    mut on_file: impl FnMut(&Path),
) -> (Dataset, Vec<ImportedFile>) {
    let mut data = Dataset::default();
    let mut files: Vec<ImportedFile> = Vec::new();
    for path in paths {
        on_file(path);
        import_path(path, importers, &mut files, &mut |r| data.push(r));
    }
    data.files = files
        .iter()
        .map(|f| SourceFile {
            id: f.id,
            name: f.name.clone(),
            format: f.format.clone().unwrap_or_default(),
        })
        .collect();
    // Once here, so every consumer borrows the one merged copy (`Dataset::merged_orders`).
    data.merge_orders();
    (data, files)
}
