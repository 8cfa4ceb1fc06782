//! `duizhang reconcile`: import → match and check → findings.jsonl, summary.json,
//! findings.xlsx and carry.json (the pending items for the next period's `--carry-in`), plus
//! the period's vouchers (vouchers.xlsx) and the books checks against them or `--journal`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use duizhang_core::{Dataset, Fen, Finding, FindingSeverity, Period};
use duizhang_engine::carry::CarryIn;
use duizhang_engine::shops::Unassigned;
use duizhang_engine::{Outcome, Settings};
use duizhang_pipeline::books::UNTRACEABLE_JOURNAL;
use duizhang_pipeline::metrics::{METRICS_JSON, REPORT_HTML, REPORT_XLSX};

use crate::load;
use crate::progress::Console;
use crate::publish::Edited;
use crate::term::{note, say};

pub struct Args {
    pub inputs: Vec<PathBuf>,
    pub period: String,
    pub config: Option<PathBuf>,
    pub out: PathBuf,
    pub fail_on: Option<FindingSeverity>,
    pub profiles: Vec<PathBuf>,
    pub carry_in: Option<PathBuf>,
    /// A carry from an earlier month that skips months is used (it is refused otherwise).
    pub allow_carry_gap: bool,
    /// Files no importer recognises are listed and left out instead of stopping the run.
    pub skip_unknown: bool,
    /// Also write the monthly report (report.xlsx, report.html).
    pub report: bool,
    /// Threads the run uses (the pipeline's default when none).
    pub threads: Option<usize>,
}

/// The books side of a run: the 账套 (the 小企业会计准则 preset when none) and the journal the
/// books checks read (the generated vouchers when none).
#[derive(Default)]
pub struct BooksArgs {
    pub books: Option<PathBuf>,
    pub rules: Option<PathBuf>,
    pub journal: Option<PathBuf>,
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

/// The previous month's carry file: `DIR/carry.json`, or the file itself. It must be whole
/// (its folder's manifest says so), name itself a carry file, and come from the month's run
/// before `period` (for a week or a day, before its accounting month; an earlier month only
/// with `allow_gap`).
fn read_carry(path: Option<&Path>, period: Period, allow_gap: bool) -> anyhow::Result<CarryIn> {
    let Some(p) = path else {
        return Ok(CarryIn::none());
    };
    let file = if p.is_dir() {
        p.join("carry.json")
    } else {
        p.to_path_buf()
    };
    crate::publish::verify(&file, "上期结转文件", Edited::Refuse)?;
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("无法读取上期结转文件 {}", file.display()))?;
    let bad = |e: duizhang_engine::carry::CarryError| {
        anyhow::anyhow!("上期结转文件 {} 不能使用：{e}", file.display())
    };
    let carry = CarryIn::from_json(&text).map_err(bad)?;
    if let Some(skipped) = carry.check_follows(period, allow_gap).map_err(bad)? {
        note!("注意：{skipped}；已按 --allow-carry-gap 结转。");
    }
    Ok(carry)
}

pub fn run_with_books(args: Args, books_args: BooksArgs) -> anyhow::Result<ExitCode> {
    let period = crate::period::any(&args.period)?;
    let settings = read_settings(args.config.as_deref())?;
    let carry = read_carry(args.carry_in.as_deref(), period, args.allow_carry_gap)?;
    let books = crate::books::read_books(books_args.books.as_deref(), books_args.rules.as_deref())?;
    let journal = books_args
        .journal
        .as_deref()
        .map(|p| {
            crate::publish::verify(p, "账簿文件", Edited::Accept)?;
            crate::books::read_journal(p, &books.books)
        })
        .transpose()?;
    // The previous period's metrics, for the report's change on last period.
    let history = match (&args.carry_in, args.report) {
        (Some(dir), true) if dir.join(METRICS_JSON).is_file() => {
            crate::report::history(std::slice::from_ref(dir), period)?
        }
        _ => Vec::new(),
    };
    let out = crate::publish::OutDir::lock(&args.out)?;
    let importers = crate::importers(&args.profiles)?;
    // Nothing of a run whose outputs could not all be written is kept (the staging folder goes
    // with the error); an earlier result in `--out` stays as it was.
    let staging = out.stage()?;
    let result = duizhang_pipeline::run_into(
        duizhang_pipeline::Run {
            sources: load::sources(&args.inputs),
            // The output folder may sit inside an input folder (`reconcile 十月 --out
            // 十月/结果`): a second run must not read the first one's findings and vouchers.
            exclude: vec![out.path().to_path_buf()],
            importers: &importers,
            settings: &settings,
            period,
            carry: &carry,
            books: Some(&books.books),
            journal: journal.as_deref(),
            history: &history,
            options: duizhang_pipeline::Options {
                threads: args
                    .threads
                    .unwrap_or_else(duizhang_pipeline::default_threads),
                report: args.report,
                skip_unknown: args.skip_unknown,
                metrics: true,
                keep_metrics: false,
                findings_files: true,
            },
        },
        &Console::new("对账", true),
        &crate::publish::Folder(staging.path()),
    );
    let result = match result {
        Err(e @ duizhang_pipeline::Error::Write { .. }) => {
            return Err(anyhow::Error::new(e).context("结果未写出，输出目录保持原样"));
        }
        other => other,
    };
    let Some(result) = load::stopped(result, "对账")? else {
        return Ok(ExitCode::from(2));
    };
    staging
        .commit("reconcile", &period.to_string())
        .context("结果未写出，输出目录保持原样")?;
    let outcome = &result.outcome;
    print_summary(outcome, &args.out)?;
    if args.report {
        say!("月度对账报告：{REPORT_XLSX}（汇总在第一张表）、{REPORT_HTML}（可打印为 A4 PDF）。");
    }
    if let Some(account) = &result.carried {
        crate::carry_report::print(account)?;
    }
    if let Some(generated) = &result.generated {
        print_books(
            &books,
            generated,
            &result.data,
            journal.as_deref(),
            &result.voucher_files,
        )?;
    }
    if outcome
        .not_run
        .iter()
        .any(|n| n.reason == UNTRACEABLE_JOURNAL)
    {
        say!("注意：退款未入账、资金流水未入账两项检查未运行。{UNTRACEABLE_JOURNAL}。");
    }
    if let Some(level) = args.fail_on {
        let at_least: Vec<&Finding> = outcome
            .findings
            .iter()
            .filter(|f| f.severity >= level)
            .collect();
        if !at_least.is_empty() {
            note!(
                "有 {} 条严重程度为“{}”及以上的问题（--fail-on {}），以状态 1 退出；问题见 {}。",
                at_least.len(),
                level.zh(),
                level.zh(),
                args.out.join("findings.xlsx").display()
            );
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_books(
    books: &crate::books::LoadedBooks,
    generated: &duizhang_books::Generated,
    data: &Dataset,
    journal: Option<&[duizhang_books::Voucher]>,
    written: &[String],
) -> std::io::Result<()> {
    let mut o = crate::term::stdout();
    writeln!(o, "{}", books.describe)?;
    crate::books::print_generated(&mut o, generated, data, 5)?;
    match journal {
        Some(j) => writeln!(
            o,
            "账务检查（退款/流水未入账、重复入账）依据导入的账簿（{} 张凭证）。",
            j.len()
        )?,
        None => writeln!(
            o,
            "账务检查依据本次生成的凭证；用 --journal 可核对记账系统导出的账簿。"
        )?,
    }
    if !written.is_empty() {
        writeln!(o, "凭证文件：{}", written.join("、"))?;
    }
    Ok(())
}

/// Pads to a terminal width: Chinese characters take two columns.
fn pad(text: &str, width: usize) -> String {
    let w = unicode_width::UnicodeWidthStr::width(text);
    format!("{text}{}", " ".repeat(width.saturating_sub(w)))
}

fn pad_left(text: &str, width: usize) -> String {
    let w = unicode_width::UnicodeWidthStr::width(text);
    format!("{}{text}", " ".repeat(width.saturating_sub(w)))
}

fn print_summary(outcome: &Outcome, out: &Path) -> std::io::Result<()> {
    let mut o = crate::term::stdout();
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
            "  {}{}{}  {}",
            pad("检查", 27),
            pad("问题", 24),
            pad_left("条数", 6),
            pad_left("差额合计（元）", 16)
        )?;
        for (code, (n, amount)) in &by_code {
            let zh = duizhang_engine::catalog::lookup(code).map_or("", |d| d.zh);
            let amount = if *amount == 0 {
                "-".to_string()
            } else {
                Fen::new(*amount).to_string()
            };
            writeln!(
                o,
                "  {}{}{}  {}",
                pad(code, 27),
                pad(zh, 24),
                pad_left(&n.to_string(), 6),
                pad_left(&amount, 16)
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
    for line in Unassigned::describe_zh(outcome.unassigned, &outcome.unassigned_names) {
        writeln!(o, "{line}")?;
    }
    writeln!(
        o,
        "结果已写入 {}：findings.xlsx（按财务/客服/仓储分表）、findings.jsonl、summary.json、metrics.json（售后与对账指标）、carry.json（下期用 --carry-in 结转）。",
        out.display()
    )
}
