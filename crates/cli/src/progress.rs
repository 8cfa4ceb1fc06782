//! Progress on long imports: a bar over the input files' bytes, on stderr, only when stderr is
//! a terminal (cron runs get the plain summary only).

use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Files {
    bar: ProgressBar,
    sizes: Vec<(PathBuf, u64)>,
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
        Files { bar, sizes }
    }

    /// Marks the files before `path` as done and shows `path` as current.
    pub fn start(&self, path: &Path) {
        let done: u64 = self
            .sizes
            .iter()
            .take_while(|(p, _)| p != path)
            .map(|(_, s)| s)
            .sum();
        self.bar.set_position(done);
        self.bar.set_message(
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
