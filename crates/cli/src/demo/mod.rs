//! `duizhang demo`: writes a realistic month of a seller's files with planted problems and
//! the seller's journal (the month's vouchers as booked, with slips planted in it), runs
//! `reconcile` on them exactly as a user would, and compares what was found with what was
//! planted.

mod journal;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use duizhang_core::Finding;
use duizhang_samples::demo::{Planted, generate, write_planted, write_scenario};

use crate::reconcile;
use crate::term::{note, say};

/// The folder of the demo's journal (beside `files`, so that it is not read as a download).
const JOURNAL_DIR: &str = "账簿";

pub fn run(out: &Path, orders: usize, seed: u64) -> anyhow::Result<ExitCode> {
    note!("正在生成演示数据（{orders} 笔订单，随机种子 {seed}）……");
    let scenario = generate(orders, seed);
    let files =
        write_scenario(&scenario, out).map_err(|e| anyhow::anyhow!("写出演示文件失败：{e}"))?;
    say!(
        "演示数据：卖家“禾木家居”{} 的 6 个店铺（天猫、淘宝、微信小程序、拼多多、抖店、京东）与 ERP，共 {} 个文件，写在 {}",
        scenario.period,
        scenario.files.len(),
        files.display()
    );
    let (period, settings) = (scenario.period, scenario.settings.clone());
    let mut planted = scenario.planted.clone();
    // The journal is generated from the same records the files hold; the scenario is not
    // needed after that.
    let data = scenario.into_dataset();
    let books = crate::books::read_books(None, None)?;
    let names = duizhang_engine::shops::ShopNames::of(&data, &settings);
    let generated = crate::books::generate(&books.books, &data, period, &settings, &names)
        .map_err(|e| anyhow::anyhow!("演示凭证校验未通过：{}", e.message))?;
    let slips = journal::plant(&generated.vouchers, &data);
    drop(generated);
    let journal_dir = out.join(JOURNAL_DIR);
    std::fs::create_dir_all(&journal_dir)
        .with_context(|| format!("无法创建目录 {}", journal_dir.display()))?;
    let workbook = duizhang_books::export::excel_as_booked(&slips.journal, &books.books.chart)
        .map_err(|e| anyhow::anyhow!("演示账簿导出失败：{}", e.message))?;
    crate::books::write_excel_journal(&journal_dir, &workbook)?;
    drop(workbook);
    drop(data);
    let journal_file = journal_dir.join(crate::books::VOUCHERS_XLSX);
    say!(
        "演示账簿：记账系统中的 {period} 凭证 {} 张（漏记 2 张、重复导入 1 张），写在 {}",
        slips.journal.len(),
        journal_file.display()
    );
    planted.extend(slips.planted);
    write_planted(out, &planted).map_err(|e| anyhow::anyhow!("写出演示文件失败：{e}"))?;
    let results = out.join("results");
    let code = reconcile::run_with_books(
        reconcile::Args {
            inputs: vec![files],
            period: period.to_string(),
            config: Some(out.join("duizhang.toml")),
            out: results.clone(),
            fail_on: None,
            profiles: Vec::new(),
            carry_in: None,
            allow_carry_gap: false,
            skip_unknown: false,
            report: true,
            threads: None,
        },
        reconcile::BooksArgs {
            journal: Some(journal_file),
            ..reconcile::BooksArgs::default()
        },
    )?;
    if code != ExitCode::SUCCESS {
        return Ok(code);
    }
    compare(
        &planted,
        &results.join("findings.jsonl"),
        &out.join("planted.json"),
    )?;
    say!(
        "\n下一步：用 Excel 打开 {}，或查看 summary.json。",
        results.join("findings.xlsx").display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Prints how the findings compare with the planted problems, by finding identity.
fn compare(
    planted: &[Planted],
    findings_path: &PathBuf,
    planted_path: &Path,
) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(findings_path)
        .with_context(|| format!("无法读取 {}", findings_path.display()))?;
    let mut found = BTreeSet::new();
    for line in text.lines() {
        let f: Finding = serde_json::from_str(line)?;
        found.insert(f.identity());
    }
    let wanted: BTreeSet<_> = planted.iter().map(|p| p.identity()).collect();
    let missed: Vec<_> = wanted.difference(&found).collect();
    let extra: Vec<_> = found.difference(&wanted).collect();
    say!(
        "\n埋入的问题 {} 个（清单见 {}）：找到 {} 个，漏报 {} 个，多报 {} 个。",
        wanted.len(),
        planted_path.display(),
        wanted.len() - missed.len(),
        missed.len(),
        extra.len()
    );
    for (code, shop, key, sku) in missed.iter().take(10) {
        say!("  漏报：{code} {shop} {key} {sku}");
    }
    for (code, shop, key, sku) in extra.iter().take(10) {
        say!("  多报：{code} {shop} {key} {sku}");
    }
    Ok(())
}
