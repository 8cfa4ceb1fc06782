//! Progress on long imports: a bar over the input files' bytes, on stderr, only when stderr is
//! a terminal (cron runs get the plain summary only).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use duizhang_import::inputs::FileStep;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Files {
    bar: ProgressBar,
    sizes: Vec<(PathBuf, u64)>,
    /// Names of the files being read now (files are read two at a time).
    reading: Mutex<Vec<String>>,
}

impl Files {
    pub fn new(paths: &[PathBuf]) -> Files {
        let sizes: Vec<(PathBuf, u64)> = paths
            .iter()
            .map(|p| (p.clone(), std::fs::metadata(p).map_or(0, |m| m.len())))
            .collect();
        let total = sizes.iter().map(|(_, s)| s).sum();
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("导入 {bar:30} {bytes}/{total_bytes} {msg}")
        {
            bar.set_style(style);
        }
        Files {
            bar,
            sizes,
            reading: Mutex::new(Vec::new()),
        }
    }

    /// Shows the files being read; a finished file's bytes count as done.
    pub fn step(&self, path: &Path, step: FileStep) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut reading = self.reading.lock().unwrap_or_else(PoisonError::into_inner);
        match step {
            FileStep::Started => reading.push(name),
            FileStep::Finished => {
                if let Some(i) = reading.iter().position(|n| *n == name) {
                    reading.remove(i);
                }
                let size = self
                    .sizes
                    .iter()
                    .find(|(p, _)| p == path)
                    .map_or(0, |(_, s)| *s);
                self.bar.inc(size);
            }
        }
        self.bar.set_message(reading.join("、"));
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
