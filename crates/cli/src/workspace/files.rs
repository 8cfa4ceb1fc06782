//! `duizhang import`: files into the workspace, kept by content. A batch is refused whole when
//! any file in it cannot be read cleanly (nothing is stored), so what is kept always runs.

use std::path::PathBuf;
use std::process::ExitCode;

use duizhang_import::{ImportedFile, import_path};
use duizhang_store::NewFile;

use super::{Who, print_json, refused, signed_in};

pub fn import(
    company: &str,
    period: &str,
    inputs: &[PathBuf],
    profiles: &[PathBuf],
    who: &Who,
) -> anyhow::Result<ExitCode> {
    let period_checked = crate::period::month(period, "导入")?;
    let (mut ws, by) = signed_in(who)?;
    let paths = duizhang_import::inputs::expand_inputs(inputs)?;
    if paths.is_empty() {
        anyhow::bail!("没有找到可导入的文件（支持 .csv .txt .xlsx .xls .zip .json .jsonl .gz）");
    }
    let importers = crate::importers(profiles)?;
    let mut batch = Vec::new();
    let mut problems = Vec::new();
    for path in &paths {
        let mut inspected: Vec<ImportedFile> = Vec::new();
        let mut records = Vec::new();
        import_path(path, &importers, &mut inspected, &mut |record| {
            if super::order::order_of(&record).is_some() {
                records.push(record);
            }
        });
        for file in &inspected {
            problems.extend(
                file.problems
                    .iter()
                    .filter(|p| p.is_error())
                    .map(|p| p.zh()),
            );
        }
        let bytes =
            std::fs::read(path).map_err(|e| anyhow::anyhow!("无法读取 {}：{e}", path.display()))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Evidence names a part by the kept file's name, then `!member` or `#sheet`.
        let given = path.display().to_string();
        let part_of = |record: &duizhang_core::Record| {
            let file = inspected.iter().find(|f| f.id == record.source().file)?;
            Some(match file.name.strip_prefix(&given) {
                Some(inner) => format!("{name}{inner}"),
                None => file.name.clone(),
            })
        };
        let orders = super::order::refs_of(&name, &bytes, &records, &part_of);
        batch.push(NewFile {
            bytes,
            inspect: serde_json::to_string(&inspected)?,
            orders,
            name,
        });
    }
    if !problems.is_empty() {
        eprintln!(
            "有 {} 个错误，本批文件一个也没有导入。请修正后重试：",
            problems.len()
        );
        for p in problems.iter().take(30) {
            eprintln!("  {p}");
        }
        return Ok(ExitCode::from(2));
    }
    let outcome = ws
        .import(company, &period_checked.to_string(), &batch, &by)
        .map_err(refused)?;
    if who.json {
        print_json(&outcome)?;
    } else {
        for f in &outcome.added {
            println!("已导入 {}（{}…）", f.name, &f.sha256[..12]);
        }
        if !outcome.known.is_empty() {
            println!("{} 个文件此前已导入过，未重复保存", outcome.known.len());
        }
        println!(
            "账套“{company}”{period_checked} 期间的导入批次 {}",
            outcome.batch
        );
    }
    Ok(ExitCode::SUCCESS)
}
