//! `duizhang reconcile`: import → match and check → findings.jsonl, summary.json, findings.xlsx.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use duizhang_core::{Finding, FindingSeverity, Period};
use duizhang_engine::Settings;
use duizhang_import::{ImportedFile, ProblemCode};

use crate::{load, output};

pub struct Args {
    pub inputs: Vec<PathBuf>,
    pub period: String,
    pub config: Option<PathBuf>,
    pub out: PathBuf,
    pub fail_on: Option<FindingSeverity>,
    pub profiles: Vec<PathBuf>,
}

pub fn read_settings(path: Option<&Path>) -> anyhow::Result<Settings> {
    match path {
        None => Ok(Settings::default()),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("无法读取设置文件 {}", p.display()))?;
            Settings::from_toml(&text).map_err(|e| anyhow::anyhow!("{}：{e}", p.display()))
        }
    }
}

/// Import problems that make a run's results untrustworthy (everything but a control-total
/// difference, which is itself reported as a finding).
fn blocking_problems(files: &[ImportedFile]) -> Vec<String> {
    files
        .iter()
        .flat_map(|f| f.problems.iter())
        .filter(|p| p.is_error() && p.code != ProblemCode::ControlTotal)
        .map(|p| p.zh())
        .collect()
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let period = Period::parse(&args.period).ok_or_else(|| {
        anyhow::anyhow!("期间“{}”格式不对，应为 YYYY-MM（如 2026-10）", args.period)
    })?;
    let settings = read_settings(args.config.as_deref())?;
    let paths = load::expand_inputs(&args.inputs)?;
    if paths.is_empty() {
        anyhow::bail!("没有找到可导入的文件（支持 .csv .txt .xlsx .xls .zip）");
    }
    let importers = crate::importers(&args.profiles)?;
    let (data, files) = load::load(&paths, &importers, |p| {
        tracing::info!("importing {}", p.display())
    });
    let blocking = blocking_problems(&files);
    if !blocking.is_empty() {
        eprintln!(
            "导入时发现 {} 个错误，已停止对账（结果会不完整）。请修正文件后重试：",
            blocking.len()
        );
        for p in blocking.iter().take(30) {
            eprintln!("  {p}");
        }
        if blocking.len() > 30 {
            eprintln!(
                "  ……其余 {} 条可用 duizhang inspect --json 查看",
                blocking.len() - 30
            );
        }
        return Ok(ExitCode::from(2));
    }
    let outcome = duizhang_engine::reconcile(&data, &settings, period);
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("无法创建输出目录 {}", args.out.display()))?;
    output::write_findings_jsonl(&args.out.join("findings.jsonl"), &outcome.findings)?;
    output::write_findings_xlsx(&args.out.join("findings.xlsx"), &outcome.findings)?;
    print_summary(&outcome.findings, &outcome.not_run, &args.out)?;
    let fail = args
        .fail_on
        .is_some_and(|level| outcome.findings.iter().any(|f| f.severity >= level));
    Ok(if fail {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_summary(
    findings: &[Finding],
    not_run: &[duizhang_engine::NotRun],
    out: &Path,
) -> std::io::Result<()> {
    let stdout = std::io::stdout();
    let mut o = stdout.lock();
    let mut by_code: std::collections::BTreeMap<&str, (u64, i64)> =
        std::collections::BTreeMap::new();
    for f in findings {
        let e = by_code.entry(f.code.as_str()).or_default();
        e.0 += 1;
        e.1 += f.diff_fen.unwrap_or(0).abs();
    }
    writeln!(o, "发现问题 {} 条：", findings.len())?;
    for (code, (n, amount)) in &by_code {
        let zh = duizhang_engine::catalog::lookup(code).map_or("", |d| d.zh);
        writeln!(
            o,
            "  {code:<26} {zh:<16} {n:>6} 条  差额 {} 元",
            duizhang_core::Fen(*amount)
        )?;
    }
    if !not_run.is_empty() {
        writeln!(o, "未运行的检查 {} 项（详见 summary.json）", not_run.len())?;
    }
    writeln!(o, "结果已写入 {}", out.display())
}
