//! `duizhang report`: the monthly 对账报告 (report.xlsx, report.html)
//! from a run's results and, for the change on last period and the trend, earlier periods'
//! result folders (their metrics.json).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use duizhang_core::{Finding, Period};
use duizhang_engine::{PendingItem, Summary};
use duizhang_metrics::Metrics;
use duizhang_pipeline::metrics::{
    METRICS_JSON, REPORT_HTML, REPORT_XLSX, ReportInputs, render_report,
};
use serde::Deserialize;

use crate::publish::Edited;
use crate::term::say;

/// summary.json as the report reads it: the engine's summary and the pending list.
#[derive(Deserialize)]
struct RunSummary {
    #[serde(flatten)]
    summary: Summary,
    pending: Vec<PendingItem>,
}

/// A result folder's file, checked against its manifest.
fn read_result(dir: &Path, name: &str, what: &str) -> anyhow::Result<String> {
    let path = dir.join(name);
    if !path.is_file() {
        anyhow::bail!(
            "{} 中没有 {name}：请给出 duizhang reconcile 的结果目录（本版本的对账会写出 {name}）",
            dir.display()
        );
    }
    crate::publish::verify(&path, what, Edited::Refuse)?;
    std::fs::read_to_string(&path).with_context(|| format!("无法读取 {}", path.display()))
}

fn read_metrics(dir: &Path) -> anyhow::Result<Metrics> {
    let text = read_result(dir, METRICS_JSON, "指标文件")?;
    serde_json::from_str(&text)
        .with_context(|| format!("{} 不是对账指标文件", dir.join(METRICS_JSON).display()))
}

/// Whether `text` is a period before `period` of its kind: a month's trend is of months, a
/// week's of weeks, a day's of days.
fn earlier_of_kind(text: &str, period: Period) -> bool {
    Period::parse(text).is_some_and(|p| p.kind() == period.kind() && p < period)
}

/// The earlier periods' metrics found in `dirs` (the current period's folder excluded).
pub fn history(dirs: &[PathBuf], period: Period) -> anyhow::Result<Vec<Metrics>> {
    let mut out = Vec::new();
    for d in dirs {
        let m = read_metrics(d)?;
        if earlier_of_kind(&m.period, period) {
            out.push(m);
        }
    }
    Ok(out)
}

/// `duizhang report --company C --period P`: the report of period P from the workspace: the
/// latest run of P (its summary, findings, pending items and metrics) with the latest run of
/// each earlier period as history. Runs stored before runs kept their metrics are left out of
/// the history, and said so.
pub fn run_workspace(
    company: &str,
    period: &str,
    out: &Path,
    who: &crate::workspace::Who,
) -> anyhow::Result<ExitCode> {
    let period = crate::period::any(period)?;
    let (mut ws, by) = crate::workspace::signed_in(who)?;
    let mut runs = ws
        .latest_runs(company, &period.to_string(), &by)
        .map_err(crate::workspace::refused)?;
    let Some((run, payload)) = runs.pop().filter(|(r, _)| r.period == period.to_string()) else {
        anyhow::bail!(
            "账套“{company}”{period} 期间在工作区里还没有对账运行：先用 duizhang run --company {company} --period {period} 对账"
        );
    };
    let Some(metrics) = payload.metrics.as_deref() else {
        anyhow::bail!(
            "对账运行 {} 是旧版本程序保存的，没有指标：请用 duizhang run 重新对账 {period} 后再生成报告",
            run.id
        );
    };
    let stored = |what: &str, e: serde_json::Error| {
        anyhow::anyhow!("对账运行 {} 保存的{what}无法读取：{e}", run.id)
    };
    let metrics: Metrics = serde_json::from_str(metrics).map_err(|e| stored("指标", e))?;
    let summary: Summary = serde_json::from_str(&payload.summary).map_err(|e| stored("汇总", e))?;
    let carry = duizhang_engine::carry::CarryIn::from_json(&payload.pending)
        .map_err(|e| anyhow::anyhow!("对账运行 {} 保存的在途事项无法读取：{}", run.id, e.0))?;
    let findings: Vec<Finding> = payload
        .findings
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()
        .map_err(|e| stored("问题清单", e))?;
    let mut history = Vec::new();
    let mut without = Vec::new();
    runs.retain(|(r, _)| earlier_of_kind(&r.period, period));
    for (earlier, payload) in &runs {
        match payload
            .metrics
            .as_deref()
            .map(serde_json::from_str::<Metrics>)
        {
            Some(Ok(m)) => history.push(m),
            Some(Err(e)) => {
                return Err(anyhow::anyhow!(
                    "对账运行 {} 保存的指标无法读取：{e}",
                    earlier.id
                ));
            }
            None => without.push(earlier.period.clone()),
        }
    }
    std::fs::create_dir_all(out).with_context(|| format!("无法创建目录 {}", out.display()))?;
    write_report(
        out,
        &ReportInputs {
            metrics: &metrics,
            summary: &summary,
            pending: &carry.pending,
            findings: &findings,
            history: &history,
        },
    )?;
    say!(
        "对账报告已写入 {}：{REPORT_XLSX}（汇总在第一张表）、{REPORT_HTML}（可直接打印为 A4 PDF）。本期取对账运行 {}。{}",
        out.display(),
        run.id,
        if history.is_empty() {
            "工作区里没有前几期带指标的对账运行，不显示环比。".to_string()
        } else {
            format!(
                "与 {} 个前期比较（{}）。",
                history.len(),
                history
                    .iter()
                    .map(|m| m.period.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            )
        }
    );
    if !without.is_empty() {
        say!(
            "{} 的对账运行是旧版本程序保存的，没有指标，未计入趋势（重新 duizhang run 即可补上）。",
            without.join("、")
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `duizhang report --period P DIR...`: the report of period P from its result folder, with
/// the other folders' periods as history.
pub fn run(period: &str, dirs: &[PathBuf], out: &Path) -> anyhow::Result<ExitCode> {
    let period = crate::period::any(period)?;
    let mut current: Option<(PathBuf, Metrics)> = None;
    let mut history = Vec::new();
    for d in dirs {
        let m = read_metrics(d)?;
        if m.period == period.to_string() {
            if current.is_some() {
                anyhow::bail!("给出了两个 {period} 的结果目录，只能给一个");
            }
            current = Some((d.clone(), m));
        } else if earlier_of_kind(&m.period, period) {
            history.push(m);
        }
    }
    let Some((dir, metrics)) = current else {
        anyhow::bail!("给出的结果目录中没有 {period} 的结果（各目录的 metrics.json 写明了期间）");
    };
    let summary: RunSummary = serde_json::from_str(&read_result(&dir, "summary.json", "汇总文件")?)
        .with_context(|| format!("{} 不是对账汇总文件", dir.join("summary.json").display()))?;
    let findings: Vec<Finding> = read_result(&dir, "findings.jsonl", "问题清单")?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()
        .with_context(|| format!("{} 无法读取", dir.join("findings.jsonl").display()))?;
    std::fs::create_dir_all(out).with_context(|| format!("无法创建目录 {}", out.display()))?;
    write_report(
        out,
        &ReportInputs {
            metrics: &metrics,
            summary: &summary.summary,
            pending: &summary.pending,
            findings: &findings,
            history: &history,
        },
    )?;
    say!(
        "对账报告已写入 {}：{REPORT_XLSX}（汇总在第一张表）、{REPORT_HTML}（可直接打印为 A4 PDF）。{}",
        out.display(),
        if history.is_empty() {
            "未给出上期结果，不显示环比。".to_string()
        } else {
            format!("与 {} 个前期比较。", history.len())
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// report.xlsx and report.html written into `out`.
fn write_report(out: &Path, inputs: &ReportInputs) -> anyhow::Result<()> {
    for (name, bytes) in render_report(inputs)? {
        let path = out.join(name);
        std::fs::write(&path, bytes).with_context(|| format!("无法写入 {}", path.display()))?;
    }
    Ok(())
}
