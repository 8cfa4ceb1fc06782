//! Progress on long runs: a bar over the input files' bytes, on stderr, only when stderr is a
//! terminal (cron runs get the plain summary only), and the import's notes as they come.

use std::sync::{Mutex, OnceLock, PoisonError};

use duizhang_pipeline::{FileStep, ImportNotes, Progress};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::term::note;

struct Bar {
    bar: ProgressBar,
    files: Vec<(String, u64)>,
    /// Names of the files being read now (files are read two at a time).
    reading: Mutex<Vec<usize>>,
}

/// The console's view of a run: `task` names what an import error stops (对账, 生成凭证).
pub struct Console {
    task: &'static str,
    bar: OnceLock<Bar>,
    /// Whether to say so when most money rows lie outside the period (`reconcile` only).
    period_note: bool,
}

impl Console {
    pub fn new(task: &'static str, period_note: bool) -> Console {
        Console {
            task,
            bar: OnceLock::new(),
            period_note,
        }
    }
}

/// The name a person knows a file by: its last path component.
fn short(name: &str) -> &str {
    name.rsplit(std::path::MAIN_SEPARATOR)
        .next()
        .unwrap_or(name)
}

impl Progress for Console {
    fn reading(&self, files: &[(String, u64)]) {
        let total = files.iter().map(|(_, s)| s).sum();
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("导入 {bar:30} {bytes}/{total_bytes} {msg}")
        {
            bar.set_style(style);
        }
        let _ = self.bar.set(Bar {
            bar,
            files: files.to_vec(),
            reading: Mutex::new(Vec::new()),
        });
    }

    /// Shows the files being read; a finished file's bytes count as done.
    fn file(&self, index: usize, step: FileStep) {
        let Some(b) = self.bar.get() else { return };
        let mut reading = b.reading.lock().unwrap_or_else(PoisonError::into_inner);
        match step {
            FileStep::Started => reading.push(index),
            FileStep::Finished => {
                reading.retain(|&i| i != index);
                b.bar.inc(b.files.get(index).map_or(0, |(_, s)| *s));
            }
        }
        let names: Vec<&str> = reading
            .iter()
            .filter_map(|&i| b.files.get(i).map(|(n, _)| short(n)))
            .collect();
        b.bar.set_message(names.join("、"));
    }

    fn read(&self) {
        if let Some(b) = self.bar.get() {
            b.bar.finish_and_clear();
        }
    }

    fn imported(&self, notes: &ImportNotes) {
        print_skipped(&notes.skipped, self.task);
        // Records counted once because another file already gave them: said, so a seller who
        // loaded the same days twice knows it did not double anything.
        for (file, message) in &notes.repeated {
            note!("注意：{file}：{message}");
        }
        if let Some(m) = notes.period_miss.as_ref().filter(|_| self.period_note) {
            note!(
                "注意：资金流水只有 {} / {} 条在所选期间 {} 内（流水日期 {} 至 {}），请确认 --period 是否选对。",
                m.inside,
                m.all,
                m.period,
                m.first.date(),
                m.last.date()
            );
        }
        if notes.untimed > 0 {
            note!(
                "注意：有 {} 条记录没有可定位的时间：按周、按日对账照常检查它们（与整月对账相同），但不计入本期指标。",
                notes.untimed
            );
        }
    }

    fn checking(&self) {
        note!("正在匹配与检查……");
    }
}

/// Files left out with `--skip-unknown`, listed.
pub fn print_skipped(skipped: &[String], task: &str) {
    if skipped.is_empty() {
        return;
    }
    note!(
        "已跳过 {} 个无法识别格式或不是商家账单的文件（--skip-unknown），它们未参与{task}：",
        skipped.len()
    );
    for name in skipped {
        note!("  {name}");
    }
}

/// The import errors that stopped `task`, at most 30 of them, and what to do about files that
/// are no bill.
pub fn print_blocked(blocked: &duizhang_pipeline::Blocked, task: &str) {
    if blocked.skipped_unknown {
        print_skipped(&blocked.unknown, task);
    }
    let errors = &blocked.errors;
    note!(
        "导入时发现 {} 个错误，已停止{task}（结果会不完整）。请修正文件后重试：",
        errors.len()
    );
    for p in errors.iter().take(30) {
        note!("  {}", p.zh());
    }
    if errors.len() > 30 {
        note!(
            "  ……其余 {} 条可用 duizhang inspect --json 查看",
            errors.len() - 30
        );
    }
    if !blocked.skipped_unknown && !blocked.unknown.is_empty() {
        note!(
            "其中 {} 个文件无法识别格式或不是商家账单（{}）。若它们与{task}无关（工作底稿、说明、个人账单等），可加 --skip-unknown 跳过它们（会列出跳过了哪些）。",
            blocked.unknown.len(),
            blocked.unknown.join("、")
        );
    }
}
