//! A run's inputs as the command line names them, and what becomes of an import that stopped.

use std::path::{Path, PathBuf};

use duizhang_pipeline::{Error, Loaded, Progress, Source};

use crate::progress::{Console, print_blocked};

/// Paths named on the command line as the run's sources.
pub fn sources(inputs: &[PathBuf]) -> Vec<Source> {
    inputs.iter().cloned().map(Source::Path).collect()
}

/// Expands and imports the inputs with progress (the output folder `out` is never read as
/// input). `None` when import errors make the results untrustworthy: they are printed, naming
/// what (`task`, e.g. 生成凭证) was stopped.
pub fn import_inputs(
    inputs: &[PathBuf],
    profiles: &[PathBuf],
    task: &'static str,
    out: &Path,
    skip_unknown: bool,
) -> anyhow::Result<Option<Loaded>> {
    let importers = crate::importers(profiles)?;
    let console = Console::new(task, false);
    let loaded = duizhang_pipeline::load(
        sources(inputs),
        &[out.to_path_buf()],
        &importers,
        duizhang_pipeline::default_threads(),
        skip_unknown,
        &console,
    );
    let loaded = stopped(loaded, task)?;
    if let Some(l) = &loaded {
        console.imported(&l.notes);
    }
    Ok(loaded)
}

/// A run's result, or `None` when import errors stopped it (they are printed, naming `task`).
pub fn stopped<T>(result: Result<T, Error>, task: &str) -> anyhow::Result<Option<T>> {
    match result {
        Ok(t) => Ok(Some(t)),
        Err(Error::Import(blocked)) => {
            print_blocked(&blocked, task);
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}
