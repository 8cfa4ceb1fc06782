//! The books side of the command line: the 账套 (a file, or the 小企业会计准则 preset), a
//! journal read back from the accounting system, what was generated told on the console, and
//! the voucher files written by `vouchers`. Generation and the books checks are the pipeline's.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anyhow::Context;
use duizhang_books::export::{EXCEL_SOURCES_CSV, ExcelJournal};
use duizhang_books::{Books, BooksConfig, Generated, Rules, Standard, Voucher};
use duizhang_core::{Dataset, Fen, Period};
pub use duizhang_pipeline::books::{ISSUES_FILE, VOUCHERS_XLSX, generate};

/// A validated 账套 and how to name it to the user.
pub struct LoadedBooks {
    pub books: Books,
    /// One line for people: which 账套, or that the preset is in use.
    pub describe: String,
}

/// The 账套 of `path`, or the 小企业会计准则 preset; the default voucher rules with the
/// seller's rules file (`rules`) over them.
pub fn read_books(path: Option<&Path>, rules: Option<&Path>) -> anyhow::Result<LoadedBooks> {
    match path {
        None => preset_or_text(None, rules),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("无法读取账套文件 {}", path.display()))?;
            preset_or_text(Some((&text, &path.display().to_string())), rules)
        }
    }
}

/// The 账套 of `books` (its TOML and where it came from: a file, the workspace), or the
/// 小企业会计准则 preset; with the rules as [`read_books`] takes them.
pub fn preset_or_text(
    books: Option<(&str, &str)>,
    rules: Option<&Path>,
) -> anyhow::Result<LoadedBooks> {
    let mut defaults = Rules::defaults().map_err(|e| anyhow::anyhow!("{}", e.message))?;
    if let Some(p) = rules {
        let text = std::fs::read_to_string(p)
            .with_context(|| format!("无法读取凭证规则文件 {}", p.display()))?;
        defaults = defaults
            .with_overrides(&text)
            .map_err(|e| anyhow::anyhow!("凭证规则文件 {}：{}", p.display(), e.message))?;
    }
    let rules = defaults;
    let Some((text, origin)) = books else {
        let books = Books::new(BooksConfig::preset(Standard::Small), rules)
            .map_err(|e| anyhow::anyhow!("{}", e.message))?;
        return Ok(LoadedBooks {
            books,
            describe: "未指定账套（--books），按小企业会计准则预设生成：一般纳税人，增值税 13%，预设科目，未设单位成本（不生成成本分录）".into(),
        });
    };
    let books = BooksConfig::from_toml(text)
        .and_then(|c| Books::new(c, rules))
        .map_err(|e| anyhow::anyhow!("账套文件 {origin}：{}", e.message))?;
    let name = books
        .config
        .name
        .clone()
        .unwrap_or_else(|| origin.to_string());
    let describe = format!("账套：{name}（{}）", books.chart.standard.zh());
    Ok(LoadedBooks { books, describe })
}

/// A journal exported from the accounting system: the generic Excel journal (a ZIP container,
/// by its first bytes; its links CSV read from beside it when it names one), or 用友 凭证引入
/// text whose optional fields follow the 账套's `[u8] fields`.
pub fn read_journal(path: &Path, books: &Books) -> anyhow::Result<Vec<Voucher>> {
    let bytes =
        std::fs::read(path).with_context(|| format!("无法读取账簿文件 {}", path.display()))?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let read = if bytes.starts_with(b"PK\x03\x04") {
        use duizhang_books::import;
        match import::excel_sources_file(&bytes, &name) {
            Ok(Some(csv_name)) => {
                let csv_path = path.with_file_name(&csv_name);
                let csv = std::fs::read(&csv_path).with_context(|| {
                    format!(
                        "账簿 {} 的来源单据写在同目录的 {csv_name} 中，但无法读取 {}",
                        path.display(),
                        csv_path.display()
                    )
                })?;
                import::excel_with_sources(&bytes, &name, Some((&csv, &csv_name)))
            }
            Ok(None) => import::excel(&bytes, &name),
            Err(e) => Err(e),
        }
    } else {
        duizhang_books::import::u8_text_with(&bytes, &name, &books.u8)
    };
    read.map_err(|e| anyhow::anyhow!("账簿文件读取失败：{}", e.message))
}

/// Prints what was generated: vouchers per 凭证字, lines, the totals, what a reviewer must look
/// at and the records not booked with the reason.
pub fn print_generated(
    o: &mut impl Write,
    generated: &Generated,
    data: &Dataset,
    max_issues: usize,
) -> std::io::Result<()> {
    let vouchers = &generated.vouchers;
    let lines: usize = vouchers.iter().map(|v| v.lines.len()).sum();
    writeln!(o, "凭证 {} 张，分录 {lines} 行。", vouchers.len())?;
    let mut words: BTreeMap<(Period, &str), Vec<u32>> = BTreeMap::new();
    for v in vouchers {
        words
            .entry((v.period, v.word.as_str()))
            .or_default()
            .push(v.number);
    }
    for ((period, word), numbers) in &words {
        let first = numbers.iter().min().copied().unwrap_or(0);
        let last = numbers.iter().max().copied().unwrap_or(0);
        writeln!(
            o,
            "  {period} {word}字 {} 张（第 {first}–{last} 号）",
            numbers.len()
        )?;
    }
    let debit: Fen = vouchers.iter().map(Voucher::total_debit).sum();
    let credit: Fen = vouchers.iter().map(Voucher::total_credit).sum();
    let relation = if debit == credit { "=" } else { "≠" };
    writeln!(
        o,
        "借方合计 {} 元 {relation} 贷方合计 {} 元",
        debit.to_yuan_string(),
        credit.to_yuan_string()
    )?;
    let flagged = vouchers.iter().filter(|v| !v.flags.is_empty()).count();
    if flagged > 0 {
        writeln!(
            o,
            "需复核的凭证 {flagged} 张（跨期退款、尾差等，见凭证表“提示”列）。"
        )?;
    }
    let issues = &generated.issues;
    if !issues.is_empty() {
        writeln!(o, "未入账或未完整入账的记录 {} 条：", issues.len())?;
        for i in issues.iter().take(max_issues) {
            writeln!(o, "  {}", duizhang_pipeline::books::issue_line(i, data))?;
        }
        if issues.len() > max_issues {
            writeln!(
                o,
                "  ……其余 {} 条见 {ISSUES_FILE}",
                issues.len() - max_issues
            )?;
        }
    }
    Ok(())
}

/// Writes the generic Excel journal into `out` as `vouchers.xlsx`, with its links in
/// `vouchers-sources.csv` beside it when they exceed a worksheet (a stale CSV from an earlier
/// run is removed otherwise). Returns the files written.
pub fn write_excel_journal(out: &Path, journal: &ExcelJournal<'_>) -> anyhow::Result<Vec<String>> {
    let csv_path = out.join(EXCEL_SOURCES_CSV);
    let mut written = vec![VOUCHERS_XLSX.to_string()];
    match &journal.sources {
        Some(sources) => {
            let file = std::fs::File::create(&csv_path)
                .with_context(|| format!("无法写入 {}", csv_path.display()))?;
            sources
                .write_to(file)
                .with_context(|| format!("无法写入 {}", csv_path.display()))?;
            written.push(EXCEL_SOURCES_CSV.to_string());
        }
        None if csv_path.exists() => std::fs::remove_file(&csv_path)
            .with_context(|| format!("无法删除 {}", csv_path.display()))?,
        None => {}
    }
    write_file(&out.join(VOUCHERS_XLSX), &journal.workbook)?;
    Ok(written)
}

/// The records not booked, when there are any (a stale list from an earlier run is removed).
pub fn write_issues(
    out: &Path,
    generated: &Generated,
    data: &Dataset,
) -> anyhow::Result<Option<String>> {
    let path = out.join(ISSUES_FILE);
    if generated.issues.is_empty() {
        if path.exists() {
            std::fs::remove_file(&path).with_context(|| format!("无法删除 {}", path.display()))?;
        }
        return Ok(None);
    }
    write_file(
        &path,
        duizhang_pipeline::books::issues_text(generated, data).as_bytes(),
    )?;
    Ok(Some(ISSUES_FILE.to_string()))
}

pub fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("无法写入 {}", path.display()))
}
