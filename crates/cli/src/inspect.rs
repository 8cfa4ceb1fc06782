//! `duizhang inspect`: what each file is, read in streaming mode (records are counted and
//! summed, never kept), so a multi-gigabyte bill needs little memory.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use std::collections::BTreeMap;

use duizhang_core::{FileId, Record, RecordRef};
use duizhang_engine::shops;
use duizhang_import::{ImportedFile, builtin_importers, import_path};
use serde::Serialize;

pub fn run(
    paths: &[PathBuf],
    json: bool,
    max_errors: usize,
    profiles: &[PathBuf],
) -> anyhow::Result<ExitCode> {
    let importers = crate::importers(profiles)?;
    let mut files: Vec<ImportedFile> = Vec::new();
    let mut carried: BTreeMap<FileId, Carried> = BTreeMap::new();
    for path in paths {
        import_path(path, &importers, &mut files, &mut |record| {
            carried
                .entry(record.source().file)
                .or_default()
                .add(&record);
        });
    }
    for f in &files {
        for p in &f.problems {
            tracing::warn!("{}", p.en());
        }
    }
    let mut out = crate::term::stdout();
    let none = Carried::default();
    let carried_by = |f: &ImportedFile| carried.get(&f.id).unwrap_or(&none);
    if json {
        let mut list = Vec::with_capacity(files.len());
        for f in &files {
            let mut v = serde_json::to_value(f)?;
            if let Some(map) = v.as_object_mut() {
                let c = carried_by(f);
                map.insert("shops".into(), serde_json::to_value(named_list(&c.shops))?);
                map.insert(
                    "fund_accounts".into(),
                    serde_json::to_value(named_list(&c.fund_accounts))?,
                );
            }
            list.push(v);
        }
        serde_json::to_writer_pretty(&mut out, &list)?;
        writeln!(out)?;
    } else {
        for f in &files {
            print_file(&mut out, f, carried_by(f), max_errors)?;
        }
    }
    let failed = files.iter().any(ImportedFile::has_errors);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The shop names and fund accounts a file's records carry, with how many records carry each:
/// what a user writes into the settings' `aliases` and `fund_accounts`.
#[derive(Default)]
struct Carried {
    shops: BTreeMap<String, u64>,
    fund_accounts: BTreeMap<String, u64>,
}

impl Carried {
    fn add(&mut self, record: &Record) {
        let (shop, account) = shops::names_carried(borrowed(record));
        if let Some(s) = shop {
            bump(&mut self.shops, s);
        }
        if let Some(a) = account {
            bump(&mut self.fund_accounts, a);
        }
    }
}

fn borrowed(record: &Record) -> RecordRef<'_> {
    match record {
        Record::Order(r) => RecordRef::Order(r),
        Record::AfterSale(r) => RecordRef::AfterSale(r),
        Record::FundFlow(r) => RecordRef::FundFlow(r),
        Record::Payment(r) => RecordRef::Payment(r),
        Record::Settlement(r) => RecordRef::Settlement(r),
        Record::ErpOrder(r) => RecordRef::ErpOrder(r),
        Record::Shipment(r) => RecordRef::Shipment(r),
        Record::ReturnReceipt(r) => RecordRef::ReturnReceipt(r),
        Record::Complaint(r) => RecordRef::Complaint(r),
    }
}

/// Counts one more record naming `name` (allocating only for a name not met yet: a file
/// names a handful).
fn bump(map: &mut BTreeMap<String, u64>, name: &str) {
    match map.get_mut(name) {
        Some(n) => *n += 1,
        None => {
            map.insert(name.to_string(), 1);
        }
    }
}

#[derive(Serialize)]
struct Named<'a> {
    name: &'a str,
    records: u64,
}

fn named_list(map: &BTreeMap<String, u64>) -> Vec<Named<'_>> {
    map.iter()
        .map(|(name, n)| Named { name, records: *n })
        .collect()
}

/// `A（120 条）、B（3 条）`.
fn names_text(map: &BTreeMap<String, u64>) -> String {
    map.iter()
        .map(|(name, n)| format!("{name}（{n} 条）"))
        .collect::<Vec<_>>()
        .join("、")
}

fn print_file(
    out: &mut impl Write,
    f: &ImportedFile,
    carried: &Carried,
    max_errors: usize,
) -> std::io::Result<()> {
    writeln!(out, "文件：{}", f.name)?;
    match (&f.format_zh, &f.format) {
        (Some(zh), Some(id)) => {
            let variant = f
                .variant
                .as_deref()
                .map(|v| format!("，{v}"))
                .unwrap_or_default();
            writeln!(out, "  格式：{zh}（{id}{variant}）")?;
        }
        _ => writeln!(out, "  格式：未识别")?,
    }
    if let Some(e) = f.encoding {
        let header = f
            .header_line
            .map(|l| format!("；表头在第 {l} 行"))
            .unwrap_or_default();
        writeln!(out, "  编码：{}{header}", e.label())?;
    }
    if let Some(acc) = &f.meta.account {
        writeln!(out, "  账户：{acc}")?;
    }
    if let (Some(a), Some(b)) = (f.meta.period_from, f.meta.period_to) {
        writeln!(out, "  文件声明的期间：{a} 至 {b}")?;
    }
    if f.format.is_some() {
        let rows: Vec<String> = f
            .stats
            .rows
            .iter()
            .map(|(k, n)| format!("{} {n} 条", k.zh()))
            .collect();
        writeln!(
            out,
            "  记录：{}",
            if rows.is_empty() {
                "无".to_string()
            } else {
                rows.join("，")
            }
        )?;
        if let (Some(a), Some(b)) = (f.stats.first, f.stats.last) {
            writeln!(out, "  日期范围：{a} 至 {b}")?;
        }
        // What the settings must name for these records to find their shop.
        if !carried.shops.is_empty() {
            writeln!(
                out,
                "  店铺名称：{}（设置里店铺的 name / aliases）",
                names_text(&carried.shops)
            )?;
        }
        if !carried.fund_accounts.is_empty() {
            writeln!(
                out,
                "  资金账户：{}（设置里店铺的 fund_accounts）",
                names_text(&carried.fund_accounts)
            )?;
        }
        if !f.stats.amounts.is_empty() {
            writeln!(out, "  金额合计（元）：")?;
            for (k, v) in &f.stats.amounts {
                writeln!(out, "    {k}：{v}")?;
            }
        }
        if f.control.is_empty() {
            writeln!(out, "  控制合计：文件未声明")?;
        } else {
            for c in &f.control {
                let mark = if c.holds() { "相符" } else { "不符" };
                writeln!(out, "  控制合计 {mark}：{}", c.describe_zh())?;
            }
        }
    }
    let errors = f.error_count();
    let warnings = f.problems.iter().filter(|p| !p.is_error()).count();
    if f.problems.is_empty() {
        writeln!(out, "  问题：无")?;
    } else {
        writeln!(out, "  问题：错误 {errors} 条，提示 {warnings} 条")?;
        for p in f.problems.iter().take(max_errors) {
            let tag = if p.is_error() { "错误" } else { "提示" };
            writeln!(out, "    [{tag}] {}", p.zh())?;
        }
        if f.problems.len() > max_errors {
            writeln!(
                out,
                "    ……其余 {} 条见 --json 输出",
                f.problems.len() - max_errors
            )?;
        }
    }
    writeln!(out)
}

pub fn formats() -> anyhow::Result<ExitCode> {
    let importers = builtin_importers();
    let mut out = crate::term::stdout();
    writeln!(out, "支持的格式（按文件内容识别，与文件名无关）：")?;
    for imp in &importers {
        writeln!(out, "  {:<28} {}", imp.id(), imp.name_zh())?;
        writeln!(out, "  {:<28}   识别列：{}", "", imp.signature().join("、"))?;
    }
    for (id, name, identified) in duizhang_import::json::FORMATS {
        writeln!(out, "  {id:<28} {name}")?;
        writeln!(out, "  {:<28}   识别：{identified}", "")?;
    }
    writeln!(
        out,
        "\n其他系统导出的 CSV/XLSX 可用映射配置读取，见 docs/mapping-profiles.md。"
    )?;
    Ok(ExitCode::SUCCESS)
}
