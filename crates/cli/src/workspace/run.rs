//! `duizhang run`: reconciles a company's period from the files kept in the workspace, stores
//! the run (inputs, settings, program version, findings, pending items, summary) and brings the
//! cases in line with the findings, all in one transaction.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Mutex, mpsc};

use duizhang_books::export::EXCEL_SOURCES_CSV;
use duizhang_engine::carry::CarryIn;
use duizhang_engine::catalog::CATALOG;
use duizhang_import::parsed;
use duizhang_pipeline::Source;
use duizhang_pipeline::books::VOUCHERS_XLSX;
use duizhang_pipeline::exports::{ExportFormat, Templates, render_exports};
use duizhang_store::{NewRun, NewVoucherBatch, NumberRange};

use crate::note;
use crate::progress::Console;

use super::{Who, print_json, refused, signed_in};

pub fn run(
    company: &str,
    period_text: &str,
    config: Option<&Path>,
    (books, rules): (Option<&Path>, Option<&Path>),
    profiles: &[PathBuf],
    who: &Who,
) -> anyhow::Result<ExitCode> {
    let period = crate::period::any(period_text)?;
    let settings_text = match config {
        Some(p) => std::fs::read_to_string(p)
            .map_err(|e| anyhow::anyhow!("无法读取设置文件 {}：{e}", p.display()))?,
        None => String::new(),
    };
    let settings = crate::reconcile::read_settings(config)?;
    let (mut ws, by) = signed_in(who)?;
    // Files are imported by month: a week's or a day's run reads those of the months it lies
    // in, and judges what existed at its cut-off. A closed month takes its weeks and days along.
    let mut files = Vec::new();
    for month in period.months() {
        let month = month.to_string();
        if !period.is_month()
            && let Some(close) = ws.period_close(company, &month).map_err(refused)?
            && close.state == duizhang_store::PeriodState::Closed
        {
            anyhow::bail!("{month} 期间已结账，不能再对其中的 {period} 对账");
        }
        for file in ws.files_for_period(company, &month).map_err(refused)? {
            if !files
                .iter()
                .any(|f: &duizhang_store::FileInfo| f.sha256 == file.sha256)
            {
                files.push(file);
            }
        }
    }
    if files.is_empty() {
        anyhow::bail!(
            "账套“{company}”{period} 期间还没有导入文件：先用 duizhang import --period {} 导入",
            period.months()[0]
        );
    }
    // What the month before left pending: a week's or a day's run reads its month from the
    // first day, so it carries what the month's run (not yesterday's) left, as the month does.
    let from = duizhang_engine::carry::carried_from(period);
    let carry = match ws.pending_of(company, &from.to_string()).map_err(refused)? {
        Some((run_id, pending)) => {
            let carry = CarryIn::from_json(&pending).map_err(|e| {
                anyhow::anyhow!("上月对账运行 {run_id} 的在途事项无法读取：{}", e.0)
            })?;
            note!("结转上月（{from}）对账运行 {run_id} 的在途事项。");
            carry
        }
        None => {
            note!("上月（{from}）在工作区里没有整月对账运行，本次不结转在途事项。");
            CarryIn::none()
        }
    };
    // What the import read of each file is taken as it is, else the kept bytes are read under
    // the names they were imported with, so evidence names the kept file; the books checks run
    // against the vouchers this run generates, as `reconcile` does without `--journal`: the
    // findings are the same as that command's on the same files.
    let sources = kept_sources(
        &mut ws,
        company,
        &files,
        &super::files::reader_key(profiles)?,
    )?;
    // `--books` for this run, else the company's 账套 (the chart its correcting vouchers use),
    // else the preset.
    let loaded = match books {
        Some(path) => crate::books::read_books(Some(path), rules)?,
        None => super::company_books(&mut ws, company, &by, rules)?,
    };
    note!("{}", loaded.describe);
    let importers = crate::importers(profiles)?;
    let result = duizhang_pipeline::run(
        duizhang_pipeline::Run {
            sources,
            exclude: Vec::new(),
            importers: &importers,
            settings: &settings,
            period,
            carry: &carry,
            books: Some(&loaded.books),
            journal: None,
            history: &[],
            options: duizhang_pipeline::Options {
                metrics: false,
                keep_metrics: true,
                findings_files: false,
                ..duizhang_pipeline::Options::default()
            },
        },
        &Console::new("对账", false),
    );
    let Some(mut result) = crate::load::stopped(result, "对账")? else {
        return Ok(ExitCode::from(2));
    };
    // The records are not needed any more: millions of them are freed on another thread while
    // this one stores the run.
    let records = std::mem::take(&mut result.data);
    std::thread::spawn(move || drop(records));
    let started = std::time::Instant::now();
    let held = ws
        .voucher_numbers_held(company, &period.to_string(), &by)
        .map_err(refused)?;
    let vouchers = voucher_batch(&mut result, &held, &loaded.books)?;
    tracing::info!("voucher batch: {:?}", started.elapsed());
    // The run keeps its metrics: the monthly report of this period and the trend of later ones
    // read them from the workspace. Not the record behind each figure (one per after-sale and
    // ticket, tens of MB at a large seller): the report reads the groups, and the records are
    // in the kept files.
    let mut metrics = result
        .metrics
        .ok_or_else(|| anyhow::anyhow!("对账结果缺少指标"))?;
    metrics.records = Vec::new();
    let (outcome, summary, carried) = (result.outcome, result.summary, result.carried);
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
    tracing::info!("run serialized: {:?}", started.elapsed());
    let (run_id, changes) = ws.record_run(company, &new_run, &by).map_err(refused)?;
    tracing::info!("run stored: {:?}", started.elapsed());
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
        match changes.overtaken_by {
            Some(later) => println!(
                "案件未更新：本月已有截止时点更晚的对账运行 {later}，案件以它为准（本次结果已保存，可查看）。"
            ),
            None => println!(
                "案件：新开 {}，仍存在 {}，问题消失自动关闭 {}，再次出现重新打开 {}",
                changes.opened, changes.refreshed, changes.closed, changes.reopened
            ),
        }
        if let Some(account) = &carried {
            crate::carry_report::print(account)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The run's inputs: for each kept file what its import read, when it is kept under `reader`
/// (decoded on reader threads while the next is fetched), else its bytes. A file whose kept
/// records cannot be decoded is read from its bytes, with a warning in the log.
fn kept_sources(
    ws: &mut duizhang_store::Workspace<super::db::AnyBackend>,
    company: &str,
    files: &[duizhang_store::FileInfo],
    reader: &str,
) -> anyhow::Result<Vec<Source>> {
    let mut sources: Vec<Option<Source>> = files.iter().map(|_| None).collect();
    let mut unread: Vec<usize> = Vec::new();
    let mut damaged: Vec<usize> = Vec::new();
    // Largest first, so that one large file does not finish alone.
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(files[i].size));
    let decoders = duizhang_import::inputs::default_workers()
        .min(files.len())
        .max(1);
    let started = std::time::Instant::now();
    // One encoded file waits while the decoders work: memory holds no more of them.
    let (jobs, queue) = mpsc::sync_channel::<(usize, Vec<u8>)>(1);
    let queue = Mutex::new(queue);
    std::thread::scope(|s| -> anyhow::Result<()> {
        // Owned here, so that leaving early (a fetch that failed) closes the queue and the
        // decoders end before the scope waits for them.
        let jobs = jobs;
        let (done, decoded) = mpsc::channel();
        for _ in 0..decoders {
            let (queue, done) = (&queue, done.clone());
            s.spawn(move || {
                let mut scratch = Vec::new();
                loop {
                    let job = queue
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .recv();
                    let Ok((i, kept)) = job else { break };
                    let read = parsed::decode_with(&kept, &mut scratch);
                    drop(kept);
                    if done.send((i, read)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done);
        for &i in &order {
            match ws
                .parsed(company, &files[i].sha256, reader)
                .map_err(refused)?
            {
                Some(kept) => jobs
                    .send((i, kept))
                    .map_err(|_| anyhow::anyhow!("读取已保存记录的线程意外退出"))?,
                None => unread.push(i),
            }
        }
        drop(jobs);
        for (i, read) in decoded {
            let file = &files[i];
            match read {
                Ok((read, data)) => {
                    sources[i] = Some(Source::Read {
                        name: file.name.clone(),
                        size: u64::try_from(file.size).unwrap_or(0),
                        files: read,
                        data,
                    });
                }
                Err(e) => {
                    tracing::warn!(
                        "{} ({}): kept records not used, reading the file; they are dropped, \
                         the file's next import keeps them anew: {e}",
                        file.name,
                        file.sha256
                    );
                    damaged.push(i);
                    unread.push(i);
                }
            }
        }
        Ok(())
    })?;
    for &i in &damaged {
        ws.forget_parsed(company, &files[i].sha256)
            .map_err(refused)?;
    }
    unread.sort_unstable();
    tracing::info!("kept records: {:?}", started.elapsed());
    note!(
        "{} 个文件取用导入时读出的记录，{} 个文件读取原样字节。",
        files.len() - unread.len(),
        unread.len()
    );
    for i in unread {
        let file = &files[i];
        sources[i] = Some(Source::Bytes {
            name: file.name.clone(),
            bytes: ws.file_bytes(company, &file.sha256).map_err(refused)?,
        });
    }
    Ok(sources.into_iter().flatten().collect())
}

/// The run's vouchers as `reconcile` writes them (the generic Excel journal, its links CSV
/// when they exceed a sheet, the list of records not booked), kept as one batch for approval;
/// `None` when the period made no voucher. Numbered around the numbers the period's
/// correcting vouchers and approved batches hold (the workbook rendered again then), so a
/// re-run never takes a number already given.
fn voucher_batch(
    result: &mut duizhang_pipeline::RunResult,
    held: &duizhang_store::Held,
    books: &duizhang_books::Books,
) -> anyhow::Result<Option<NewVoucherBatch>> {
    let Some(generated) = result.generated.as_mut().filter(|g| !g.vouchers.is_empty()) else {
        return Ok(None);
    };
    // Taken out of the outputs, not copied: the links of a large month are hundreds of MB.
    let mut outputs = std::mem::take(&mut result.outputs).into_inner();
    let mut files: Vec<(String, Vec<u8>)> = result
        .voucher_files
        .iter()
        .filter_map(|name| Some((name.clone(), outputs.remove(name)?)))
        .collect();
    if !held.is_empty() {
        duizhang_books::number_around(&mut generated.vouchers, held)
            .map_err(|e| anyhow::anyhow!("{}", e.message))?;
        let rendered = render_exports(
            &[ExportFormat::Excel],
            &generated.vouchers,
            books,
            &Templates::default(),
        )
        .map_err(|e| anyhow::anyhow!("{}：{}", e.format.file(), e.error.message))?;
        files.retain(|(name, _)| name != VOUCHERS_XLSX && name != EXCEL_SOURCES_CSV);
        files.extend(rendered);
    }
    files.sort();
    let mut debit = duizhang_core::Fen::ZERO;
    for line in generated.vouchers.iter().flat_map(|v| &v.lines) {
        debit = debit
            .checked_add(line.debit)
            .ok_or_else(|| anyhow::anyhow!("凭证借方合计超出可表示的范围"))?;
    }
    let numbers = duizhang_books::number_ranges(&generated.vouchers)
        .into_iter()
        .map(|(word, first, last)| NumberRange { word, first, last })
        .collect();
    Ok(Some(NewVoucherBatch {
        vouchers: i64::try_from(generated.vouchers.len()).unwrap_or(i64::MAX),
        debit_fen: debit.get(),
        files,
        numbers,
    }))
}
