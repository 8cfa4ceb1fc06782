//! `duizhang reconcile`: import → match and check → findings.jsonl, summary.json,
//! findings.xlsx and carry.json (the pending items for the next period's `--carry-in`).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use duizhang_core::{Dataset, Fen, FileId, Finding, FindingSeverity, FundProvider, Period};
use duizhang_engine::carry::CarryIn;
use duizhang_engine::file_totals::{BrokenTotal, broken_total_findings};
use duizhang_engine::summary::Summary;
use duizhang_engine::{Outcome, PendingItem, Settings};
use duizhang_import::{ImportedFile, ProblemCode};
use serde::Serialize;

use crate::{load, output};

pub struct Args {
    pub inputs: Vec<PathBuf>,
    pub period: String,
    pub config: Option<PathBuf>,
    pub out: PathBuf,
    pub fail_on: Option<FindingSeverity>,
    pub profiles: Vec<PathBuf>,
    pub carry_in: Option<PathBuf>,
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

/// The previous run's carry file: `DIR/carry.json`, or the file itself.
fn read_carry(path: Option<&Path>) -> anyhow::Result<CarryIn> {
    let Some(p) = path else {
        return Ok(CarryIn::none());
    };
    let file = if p.is_dir() {
        p.join("carry.json")
    } else {
        p.to_path_buf()
    };
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("无法读取上期结转文件 {}", file.display()))?;
    serde_json::from_str(&text).with_context(|| format!("上期结转文件 {} 格式不对", file.display()))
}

/// The fund provider behind each file, from the records it produced.
fn providers(data: &Dataset) -> BTreeMap<FileId, FundProvider> {
    let mut map = BTreeMap::new();
    for r in &data.fund_flows {
        map.entry(r.source.file).or_insert(r.provider);
    }
    for r in &data.payments {
        map.entry(r.source.file).or_insert(r.provider);
    }
    map
}

/// Splits import problems into control totals that did not hold (findings of BALANCE_BREAK)
/// and everything else, which makes a run's results untrustworthy and stops it.
fn triage(files: &[ImportedFile], data: &Dataset) -> (Vec<BrokenTotal>, Vec<String>) {
    let providers = providers(data);
    let mut broken = Vec::new();
    let mut blocking = Vec::new();
    for f in files {
        for p in f.problems.iter().filter(|p| p.is_error()) {
            if p.code != ProblemCode::ControlTotal {
                blocking.push(p.zh());
            }
        }
        for c in f.control.iter().filter(|c| !c.holds()) {
            match providers.get(&f.id) {
                Some(&provider) => broken.push(BrokenTotal {
                    file: f.name.clone(),
                    provider,
                    account: f.meta.account.clone(),
                    label: c.label.clone(),
                    line: c.line,
                    stated_count: c.stated_count,
                    stated: c.stated_amount,
                    counted: c.counted,
                    summed: c.summed,
                }),
                // A summary file without rows of its own: its difference cannot be owned by a
                // shop, so it is shown as the import error it is.
                None => blocking.push(format!(
                    "文件 {}：文件自带的合计与明细不符：{}",
                    f.name,
                    c.describe_zh()
                )),
            }
        }
    }
    (broken, blocking)
}

/// summary.json: the engine's summary plus the pending list and what was imported.
#[derive(Serialize)]
struct RunSummary<'a> {
    #[serde(flatten)]
    summary: Summary,
    findings: usize,
    pending: &'a [PendingItem],
    inputs: Vec<InputSummary<'a>>,
}

#[derive(Serialize)]
struct InputSummary<'a> {
    file: &'a str,
    format: Option<&'a str>,
    variant: Option<&'a str>,
    records: u64,
    control_totals_hold: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let period = Period::parse(&args.period).ok_or_else(|| {
        anyhow::anyhow!("期间“{}”格式不对，应为 YYYY-MM（如 2026-10）", args.period)
    })?;
    let settings = read_settings(args.config.as_deref())?;
    let carry = read_carry(args.carry_in.as_deref())?;
    let paths = load::expand_inputs(&args.inputs)?;
    if paths.is_empty() {
        anyhow::bail!("没有找到可导入的文件（支持 .csv .txt .xlsx .xls .zip）");
    }
    let importers = crate::importers(&args.profiles)?;
    let progress = crate::progress::Files::new(&paths);
    let (data, files) = load::load(&paths, &importers, |p| progress.start(p));
    progress.finish();
    let (broken, blocking) = triage(&files, &data);
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
    eprintln!("正在匹配与检查……");
    let mut outcome = duizhang_engine::reconcile_carried(&data, &settings, period, &carry);
    outcome
        .findings
        .extend(broken_total_findings(&settings, period, &broken));
    duizhang_engine::sort_findings(&mut outcome.findings);
    write_outputs(&args.out, &outcome, period, &files)?;
    print_summary(&outcome, &args.out)?;
    let fail = args
        .fail_on
        .is_some_and(|level| outcome.findings.iter().any(|f| f.severity >= level));
    Ok(if fail {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn write_outputs(
    out: &Path,
    outcome: &Outcome,
    period: Period,
    files: &[ImportedFile],
) -> anyhow::Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("无法创建输出目录 {}", out.display()))?;
    output::write_findings_jsonl(&out.join("findings.jsonl"), &outcome.findings)?;
    output::write_findings_xlsx(&out.join("findings.xlsx"), &outcome.findings)?;
    let summary = RunSummary {
        summary: Summary::build(outcome, period),
        findings: outcome.findings.len(),
        pending: &outcome.pending,
        inputs: files
            .iter()
            .map(|f| InputSummary {
                file: &f.name,
                format: f.format.as_deref(),
                variant: f.variant.as_deref(),
                records: f.stats.rows.values().sum(),
                control_totals_hold: f.control.iter().all(|c| c.holds()),
            })
            .collect(),
    };
    write_json(&out.join("summary.json"), &summary)?;
    write_json(&out.join("carry.json"), &outcome.carry_out)?;
    Ok(())
}

fn write_json(path: &Path, value: &impl Serialize) -> anyhow::Result<()> {
    let file =
        std::fs::File::create(path).with_context(|| format!("无法写入 {}", path.display()))?;
    let mut w = std::io::BufWriter::new(file);
    serde_json::to_writer_pretty(&mut w, value)?;
    w.write_all(b"\n")?;
    w.flush()?;
    Ok(())
}

fn print_summary(outcome: &Outcome, out: &Path) -> std::io::Result<()> {
    let stdout = std::io::stdout();
    let mut o = stdout.lock();
    let findings: &[Finding] = &outcome.findings;
    let mut by_code: BTreeMap<&str, (u64, i64)> = BTreeMap::new();
    for f in findings {
        let e = by_code.entry(f.code.as_str()).or_default();
        e.0 += 1;
        e.1 += f.diff_fen.unwrap_or(0).abs();
    }
    writeln!(
        o,
        "店铺 {} 个；发现问题 {} 条；在途 {} 项。",
        outcome.shops.len(),
        findings.len(),
        outcome.pending.len()
    )?;
    if !by_code.is_empty() {
        writeln!(
            o,
            "  {:<26} {:<20} {:>6}  {:>14}",
            "检查", "问题", "条数", "差额合计（元）"
        )?;
        for (code, (n, amount)) in &by_code {
            let zh = duizhang_engine::catalog::lookup(code).map_or("", |d| d.zh);
            writeln!(
                o,
                "  {code:<26} {zh:<20} {n:>6}  {:>14}",
                Fen(*amount).to_string()
            )?;
        }
    }
    if !outcome.not_run.is_empty() {
        writeln!(
            o,
            "未运行的检查 {} 项（缺少数据或已关闭，原因见 summary.json 的 not_run）。",
            outcome.not_run.len()
        )?;
    }
    if outcome.unassigned > 0 {
        writeln!(
            o,
            "有 {} 条记录无法确定所属店铺，未参与对账：请在设置中为店铺配置 aliases / fund_accounts。",
            outcome.unassigned
        )?;
    }
    writeln!(
        o,
        "结果已写入 {}：findings.xlsx（按财务/客服/仓储分表）、findings.jsonl、summary.json、carry.json（下期用 --carry-in 结转）。",
        out.display()
    )
}
