//! `duizhang run`: reconciles a company's period from the files kept in the workspace, stores
//! the run (inputs, settings, program version, findings, pending items, summary) and brings the
//! cases in line with the findings, all in one transaction.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use duizhang_engine::carry::CarryIn;
use duizhang_engine::catalog::CATALOG;
use duizhang_engine::file_totals::broken_total_findings;
use duizhang_engine::shops::ShopNames;
use duizhang_engine::summary::Summary;
use duizhang_store::{NewRun, NewVoucherBatch};

use crate::carry_report::CarryAccount;
use crate::note;

use super::{Who, print_json, refused, signed_in};

pub fn run(
    company: &str,
    period_text: &str,
    config: Option<&Path>,
    (books, rules): (Option<&Path>, Option<&Path>),
    profiles: &[PathBuf],
    who: &Who,
) -> anyhow::Result<ExitCode> {
    let period = duizhang_core::Period::parse(period_text).ok_or_else(|| {
        anyhow::anyhow!("期间“{period_text}”格式不对，应为 YYYY-MM（如 2026-10）")
    })?;
    let settings_text = match config {
        Some(p) => std::fs::read_to_string(p)
            .map_err(|e| anyhow::anyhow!("无法读取设置文件 {}：{e}", p.display()))?,
        None => String::new(),
    };
    let settings = crate::reconcile::read_settings(config)?;
    let (mut ws, by) = signed_in(who)?;
    let files = ws
        .files_for_period(company, &period.to_string())
        .map_err(refused)?;
    if files.is_empty() {
        anyhow::bail!(
            "账套“{company}”{period} 期间还没有导入文件：先用 duizhang import --period {period} 导入"
        );
    }
    // The kept bytes are laid out under their own names (one folder each, so two files of one
    // name stay apart) and read by the same import path as `reconcile`.
    let staging = Staging::new()?;
    let mut paths = Vec::new();
    for (index, file) in files.iter().enumerate() {
        let folder = staging.dir.join(index.to_string());
        std::fs::create_dir_all(&folder)?;
        let path = folder.join(&file.name);
        std::fs::write(
            &path,
            ws.file_bytes(company, &file.sha256).map_err(refused)?,
        )?;
        paths.push(path);
    }
    let Some(imported) =
        crate::load::import_inputs(&paths, profiles, "对账", &staging.dir.join("out"), false)?
    else {
        return Ok(ExitCode::from(2));
    };
    let carry = match ws
        .pending_of(company, &period.previous().to_string())
        .map_err(refused)?
    {
        Some((run_id, pending)) => {
            let carry = CarryIn::from_json(&pending).map_err(|e| {
                anyhow::anyhow!("上期对账运行 {run_id} 的在途事项无法读取：{}", e.0)
            })?;
            note!(
                "结转上期（{}）对账运行 {run_id} 的在途事项。",
                period.previous()
            );
            carry
        }
        None => {
            note!(
                "上期（{}）在工作区里没有对账运行，本期不结转在途事项。",
                period.previous()
            );
            CarryIn::none()
        }
    };
    let data = &imported.data;
    let mut outcome = duizhang_engine::reconcile_carried(data, &settings, period, &carry);
    outcome
        .findings
        .extend(broken_total_findings(&settings, period, &imported.broken));
    // The books checks run against the vouchers this run generates, as `reconcile` does
    // without `--journal`: the findings are the same as that command's on the same files.
    let loaded = crate::books::read_books(books, rules)?;
    let names = ShopNames::of(data, &settings);
    let generated = crate::books::generate(&loaded.books, data, period, &settings, &names)
        .map_err(|e| anyhow::anyhow!("凭证校验未通过：{}", e.message))?;
    crate::books::check_books(
        &mut outcome,
        data,
        &settings,
        period,
        &generated.vouchers,
        &names,
    );
    // Evidence names the kept file as it was imported, not the private folder it was read from.
    let prefix = format!("{}{}", staging.dir.display(), std::path::MAIN_SEPARATOR);
    let kept_name = |file: &mut String| {
        if let Some(rest) = file.strip_prefix(&prefix) {
            let name = rest
                .split_once(std::path::MAIN_SEPARATOR)
                .map_or(rest, |(_, name)| name);
            *file = name.to_string();
        }
    };
    for finding in &mut outcome.findings {
        for evidence in &mut finding.evidence {
            kept_name(&mut evidence.file);
        }
    }
    let vouchers = voucher_batch(&generated, &loaded, data)?;
    duizhang_engine::sort_findings(&mut outcome.findings);
    // The run keeps its metrics: the monthly report of this period and the trend of later ones
    // read them from the workspace. Not the record behind each figure (one per after-sale and
    // ticket, tens of MB at a large seller): the report reads the groups, and the records are
    // in the kept files.
    let mut metrics = crate::report::with_outcome(
        crate::report::metrics_of(
            data,
            &settings,
            &names,
            &outcome.shops,
            period,
            &generated.vouchers,
        ),
        &outcome,
        &settings,
    );
    metrics.records = Vec::new();
    let carried = CarryAccount::of(&carry, &outcome);
    let summary = Summary::build(&outcome, period);
    let mut ran = BTreeSet::new();
    for shop in &outcome.shops {
        for check in CATALOG {
            let not_run = outcome
                .not_run
                .iter()
                .any(|n| n.shop == shop.id && n.code == check.code);
            if !not_run {
                ran.insert((shop.id.clone(), check.code.to_string()));
            }
        }
    }
    let mut inputs: Vec<String> = files.iter().map(|f| f.sha256.clone()).collect();
    inputs.sort();
    let new_run = NewRun {
        period: period.to_string(),
        inputs,
        settings: settings_text,
        program_version: env!("CARGO_PKG_VERSION").to_string(),
        summary: serde_json::to_string(&summary)?,
        findings: outcome.findings.clone(),
        pending: serde_json::to_string(&outcome.carry_out)?,
        ran,
        vouchers,
        metrics: Some(serde_json::to_string(&metrics)?),
    };
    let (run_id, changes) = ws.record_run(company, &new_run, &by).map_err(refused)?;
    if who.json {
        print_json(&serde_json::json!({
            "run": run_id,
            "findings": outcome.findings.len(),
            "pending": outcome.pending.len(),
            "cases": changes,
        }))?;
    } else {
        println!(
            "对账运行 {run_id}：{} 个文件，发现 {} 个问题，在途 {} 项",
            files.len(),
            outcome.findings.len(),
            outcome.pending.len()
        );
        println!(
            "案件：新开 {}，仍存在 {}，问题消失自动关闭 {}，再次出现重新打开 {}",
            changes.opened, changes.refreshed, changes.closed, changes.reopened
        );
        if let Some(account) = &carried {
            account.print()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The run's vouchers rendered as `reconcile` writes them (the generic Excel journal, its links
/// CSV when they exceed a sheet, the list of records not booked), kept as one batch for
/// approval; `None` when the period made no voucher.
fn voucher_batch(
    generated: &duizhang_books::Generated,
    loaded: &crate::books::LoadedBooks,
    data: &duizhang_core::Dataset,
) -> anyhow::Result<Option<NewVoucherBatch>> {
    if generated.vouchers.is_empty() {
        return Ok(None);
    }
    let files = crate::books::render_vouchers_xlsx(generated, &loaded.books, data)?;
    let mut debit = duizhang_core::Fen::ZERO;
    for line in generated.vouchers.iter().flat_map(|v| &v.lines) {
        debit = debit
            .checked_add(line.debit)
            .ok_or_else(|| anyhow::anyhow!("凭证借方合计超出可表示的范围"))?;
    }
    Ok(Some(NewVoucherBatch {
        vouchers: i64::try_from(generated.vouchers.len()).unwrap_or(i64::MAX),
        debit_fen: debit.get(),
        files,
    }))
}

/// A private folder for one run's inputs, removed when the run ends.
struct Staging {
    dir: PathBuf,
}

impl Staging {
    fn new() -> anyhow::Result<Staging> {
        let dir = std::env::temp_dir().join(format!(
            "duizhang-run-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default()
        ));
        std::fs::create_dir_all(&dir)?;
        Ok(Staging { dir })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
