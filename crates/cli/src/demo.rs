//! `duizhang demo`: writes a realistic month of a seller's files with planted problems, runs
//! `reconcile` on them exactly as a user would, and compares what was found with what was
//! planted.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use duizhang_core::Finding;
use duizhang_samples::demo::{generate, write_scenario};

use crate::reconcile;

pub fn run(out: &Path, orders: usize, seed: u64) -> anyhow::Result<ExitCode> {
    eprintln!("正在生成演示数据（{orders} 笔订单，随机种子 {seed}）……");
    let scenario = generate(orders, seed);
    let files =
        write_scenario(&scenario, out).map_err(|e| anyhow::anyhow!("写出演示文件失败：{e}"))?;
    println!(
        "演示数据：卖家“禾木家居”{} 的 5 个店铺（天猫、微信小程序、拼多多、抖店、京东）与 ERP，共 {} 个文件，写在 {}",
        scenario.period,
        scenario.files.len(),
        files.display()
    );
    let results = out.join("results");
    let code = reconcile::run(reconcile::Args {
        inputs: vec![files],
        period: scenario.period.to_string(),
        config: Some(out.join("duizhang.toml")),
        out: results.clone(),
        fail_on: None,
        profiles: Vec::new(),
        carry_in: None,
    })?;
    if code != ExitCode::SUCCESS {
        return Ok(code);
    }
    compare(
        &scenario.planted,
        &results.join("findings.jsonl"),
        &out.join("planted.json"),
    )?;
    println!(
        "\n下一步：用 Excel 打开 {}，或查看 summary.json。",
        results.join("findings.xlsx").display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Prints how the findings compare with the planted problems, by finding identity.
fn compare(
    planted: &[duizhang_samples::demo::Planted],
    findings_path: &PathBuf,
    planted_path: &Path,
) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(findings_path)
        .with_context(|| format!("无法读取 {}", findings_path.display()))?;
    let mut found = BTreeSet::new();
    for line in text.lines() {
        let f: Finding = serde_json::from_str(line)?;
        if !is_books_code(&f.code) {
            found.insert(f.identity());
        }
    }
    let wanted: BTreeSet<_> = planted.iter().map(|p| p.identity()).collect();
    let missed: Vec<_> = wanted.difference(&found).collect();
    let extra: Vec<_> = found.difference(&wanted).collect();
    println!(
        "\n埋入的问题 {} 个（清单见 {}）：找到 {} 个，漏报 {} 个，多报 {} 个。",
        wanted.len(),
        planted_path.display(),
        wanted.len() - missed.len(),
        missed.len(),
        extra.len()
    );
    for (code, shop, key, sku) in missed.iter().take(10) {
        println!("  漏报：{code} {shop} {key} {sku}");
    }
    for (code, shop, key, sku) in extra.iter().take(10) {
        println!("  多报：{code} {shop} {key} {sku}");
    }
    Ok(())
}

/// Findings of the books checks depend on vouchers, which the demo does not plant.
fn is_books_code(code: &str) -> bool {
    use duizhang_engine::catalog::{Data, lookup};
    lookup(code).is_some_and(|d| d.needs.contains(&Data::Vouchers))
}
