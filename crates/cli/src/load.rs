//! Reading a run's inputs: files and folders into one `Dataset` (shared with the benchmark
//! tools, so it lives in the import crate).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::term::note;
use duizhang_core::{Dataset, FileId, FundProvider};
use duizhang_engine::file_totals::BrokenTotal;
pub use duizhang_import::inputs::{expand_inputs_skipping, load};
use duizhang_import::{ImportedFile, ProblemCode};

/// A run's inputs, imported: the dataset, the per-file reports and the file totals that did
/// not hold (findings of BALANCE_BREAK for reconcile).
pub struct Imported {
    pub data: Dataset,
    pub files: Vec<ImportedFile>,
    pub broken: Vec<BrokenTotal>,
}

/// Expands and imports the inputs with progress. `None` when import errors make the results
/// untrustworthy: they are printed, naming what (`task`, e.g. 对账) was stopped. With
/// `skip_unknown`, files no importer recognises are listed and left out instead.
pub fn import_inputs(
    inputs: &[PathBuf],
    profiles: &[PathBuf],
    task: &str,
    out: &Path,
    skip_unknown: bool,
) -> anyhow::Result<Option<Imported>> {
    // The output folder may sit inside an input folder (`reconcile 十月 --out 十月/结果`): a
    // second run must not read the first one's findings and vouchers as input.
    let mut paths = expand_inputs_skipping(inputs, &[out.to_path_buf()])?;
    // The same files give the same results whatever order they were named in: file ids, the
    // order records are met in and which of two repeated records is kept follow this order.
    canonical_order(&mut paths);
    if paths.is_empty() {
        anyhow::bail!("没有找到可导入的文件（支持 .csv .txt .xlsx .xls .zip .json .jsonl）");
    }
    let importers = crate::importers(profiles)?;
    let progress = crate::progress::Files::new(&paths);
    let started = std::time::Instant::now();
    let (data, files) = load(&paths, &importers, |p, step| progress.step(p, step));
    tracing::info!("import: {:?}", started.elapsed());
    progress.finish();
    let (broken, blocking) = triage(&files, &data, skip_unknown);
    let unknown = unrecognised(&files);
    if skip_unknown && !unknown.is_empty() {
        note!(
            "已跳过 {} 个无法识别格式或不是商家账单的文件（--skip-unknown），它们未参与{task}：",
            unknown.len()
        );
        for name in &unknown {
            note!("  {name}");
        }
    }
    if !blocking.is_empty() {
        note!(
            "导入时发现 {} 个错误，已停止{task}（结果会不完整）。请修正文件后重试：",
            blocking.len()
        );
        for p in blocking.iter().take(30) {
            note!("  {p}");
        }
        if blocking.len() > 30 {
            note!(
                "  ……其余 {} 条可用 duizhang inspect --json 查看",
                blocking.len() - 30
            );
        }
        if !skip_unknown && !unknown.is_empty() {
            note!(
                "其中 {} 个文件无法识别格式或不是商家账单（{}）。若它们与{task}无关（工作底稿、说明、个人账单等），可加 --skip-unknown 跳过它们（会列出跳过了哪些）。",
                unknown.len(),
                unknown.join("、")
            );
        }
        return Ok(None);
    }
    // Records counted once because another file already gave them: said, so a seller who
    // loaded the same days twice knows it did not double anything.
    for f in &files {
        for p in f
            .problems
            .iter()
            .filter(|p| p.code == duizhang_import::ProblemCode::Duplicate && !p.is_error())
        {
            note!("注意：{}：{}", f.name, p.message);
        }
    }
    Ok(Some(Imported {
        data,
        files,
        broken,
    }))
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
/// and everything else, which makes a run's results untrustworthy and stops it (files of an
/// unknown format only without `skip_unknown`).
fn triage(
    files: &[ImportedFile],
    data: &Dataset,
    skip_unknown: bool,
) -> (Vec<BrokenTotal>, Vec<String>) {
    let providers = providers(data);
    let mut broken = Vec::new();
    let mut blocking = Vec::new();
    for f in files {
        for p in f.problems.iter().filter(|p| p.is_error()) {
            let skipped = skip_unknown && not_a_bill(p.code);
            if p.code != ProblemCode::ControlTotal && !skipped {
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

/// Files (or members of an archive) that no importer recognised, or that are recognised as
/// not being a seller's bill (a personal bill).
fn unrecognised(files: &[ImportedFile]) -> Vec<String> {
    files
        .iter()
        .filter(|f| {
            f.problems
                .iter()
                .any(|p| p.is_error() && not_a_bill(p.code))
        })
        .map(|f| f.name.clone())
        .collect()
}

/// Problems that `--skip-unknown` may leave out: the file is no input of a reconciliation.
fn not_a_bill(code: ProblemCode) -> bool {
    matches!(
        code,
        ProblemCode::UnknownFormat | ProblemCode::WrongDownload
    )
}

/// Sorts input files by name, then by their full path (two folders may hold files of one
/// name): the order the user named them in must not reach the results.
fn canonical_order(paths: &mut [PathBuf]) {
    paths.sort_by(|a, b| (a.file_name(), a).cmp(&(b.file_name(), b)));
}
