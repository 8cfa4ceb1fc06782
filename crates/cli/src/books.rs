//! The books side shared by `vouchers` and `reconcile`: the 账套 (a file, or the 小企业会计准则
//! preset), records to shops as the engine assigns them, voucher generation, a journal read
//! back from the accounting system, and the books checks of CHECKS.md against a journal.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;

use anyhow::Context;
use duizhang_books::checks::{Booked, flow_not_booked, refund_not_booked, source_booked_twice};
use duizhang_books::export::{EXCEL_SOURCES_CSV, ExcelJournal};
use duizhang_books::{Books, BooksConfig, Generated, RecordRef, Rules, Standard, Voucher};
use duizhang_core::{Dataset, Fen, Period};
use duizhang_engine::catalog::Data;
use duizhang_engine::shops::{self, ShopNames};
use duizhang_engine::{NotRun, Outcome, Settings};

/// Why the row-by-row books checks did not run against an imported journal.
pub const UNTRACEABLE_JOURNAL: &str = "导入的账簿既没有来源单据，摘要里也没有任何流水号、退款单号或订单号，无法逐条核对是否入账：请导出通用 Excel 凭证表（含来源单据），或在凭证规则的摘要中加入 {ref} 后再导出用友文本";

/// The books checks of CHECKS.md, in catalog order.
pub const CHECK_CODES: [&str; 3] = [
    "REFUND_NOT_BOOKED",
    "FLOW_NOT_BOOKED",
    "SOURCE_BOOKED_TWICE",
];

/// A validated 账套 and how to name it to the user.
pub struct LoadedBooks {
    pub books: Books,
    /// One line for people: which 账套, or that the preset is in use.
    pub describe: String,
}

/// The 账套 of `path`, or the 小企业会计准则 preset; the default voucher rules with the
/// seller's rules file (`rules`) over them.
pub fn read_books(path: Option<&Path>, rules: Option<&Path>) -> anyhow::Result<LoadedBooks> {
    let mut defaults = Rules::defaults().map_err(|e| anyhow::anyhow!("{}", e.message))?;
    if let Some(p) = rules {
        let text = std::fs::read_to_string(p)
            .with_context(|| format!("无法读取凭证规则文件 {}", p.display()))?;
        defaults = defaults
            .with_overrides(&text)
            .map_err(|e| anyhow::anyhow!("凭证规则文件 {}：{}", p.display(), e.message))?;
    }
    let rules = defaults;
    let Some(path) = path else {
        let books = Books::new(BooksConfig::preset(Standard::Small), rules)
            .map_err(|e| anyhow::anyhow!("{}", e.message))?;
        return Ok(LoadedBooks {
            books,
            describe: "未指定账套（--books），按小企业会计准则预设生成：一般纳税人，增值税 13%，预设科目，未设单位成本（不生成成本分录）".into(),
        });
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("无法读取账套文件 {}", path.display()))?;
    let books = BooksConfig::from_toml(&text)
        .and_then(|c| Books::new(c, rules))
        .map_err(|e| anyhow::anyhow!("账套文件 {}：{}", path.display(), e.message))?;
    let name = books
        .config
        .name
        .clone()
        .unwrap_or_else(|| path.display().to_string());
    let describe = format!("账套：{name}（{}）", books.chart.standard.zh());
    Ok(LoadedBooks { books, describe })
}

/// The period's vouchers, checked against every invariant an export enforces. Reads only
/// shared references, so it may run beside the engine's checks on another thread.
pub fn generate(
    books: &Books,
    data: &Dataset,
    period: Period,
    settings: &Settings,
    names: &ShopNames,
) -> Result<Generated, duizhang_books::BooksError> {
    let generated = duizhang_books::generate_named(
        books,
        data,
        period,
        &|r| shops::shop_of(settings, names, r),
        &|id| settings.shop(id).and_then(|s| s.name.clone()),
    );
    if !generated.vouchers.is_empty() {
        duizhang_books::validate_all(&generated.vouchers, &books.chart)?;
    }
    Ok(generated)
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

/// Runs the books checks against `journal` and adds their findings to the outcome, each with
/// the severity and switch the settings give its shop. The engine marked these checks "not
/// run" (it has no vouchers); that is replaced by what actually ran.
pub fn check_books(
    outcome: &mut Outcome,
    data: &Dataset,
    settings: &Settings,
    period: Period,
    journal: &[Voucher],
    names: &ShopNames,
) {
    let shop = |r: RecordRef<'_>| shops::shop_of(settings, names, r);
    let booked = Booked::of(journal, period);
    // A journal that names no source row cannot be checked row by row: every row would look
    // unbooked. The two checks are then "not run, and why" instead of a flood of false findings.
    let traceable = booked.is_empty() || booked.traces_any(data);
    let mut found = Vec::new();
    if traceable {
        found.extend(refund_not_booked(data, &booked, &shop));
        found.extend(flow_not_booked(data, &booked, &shop));
    }
    drop(booked);
    found.extend(source_booked_twice(data, journal, &shop));
    for mut f in found {
        // A record of no known shop is reported once as unassigned, never as a finding.
        if f.shop.is_empty() {
            continue;
        }
        match settings.check(&f.shop, &f.code) {
            Some(e) if !e.enabled => continue,
            Some(e) => {
                f.severity = e.severity;
                f.owner = e.owner;
            }
            None => {}
        }
        outcome.findings.push(f);
    }
    let switched_off = "已在设置中关闭";
    outcome.not_run.retain(|n| {
        !CHECK_CODES.contains(&n.code.as_str()) || n.reason == switched_off || n.shop.is_empty()
    });
    // Shops without the data a check reads: it ran, and could find nothing there. Looking
    // stops once every shop has both kinds.
    let mut has: BTreeSet<(String, Data)> = BTreeSet::new();
    let wanted = 2 * outcome.shops.len();
    let mut note = |s: Option<String>, need: Data| {
        if let Some(s) = s
            && outcome.shops.iter().any(|o| o.id == s)
        {
            has.insert((s, need));
        }
        has.len() < wanted
    };
    let more = data.after_sales.iter().all(|r| {
        note(
            shops::shop_of(settings, names, RecordRef::AfterSale(r)),
            Data::AfterSales,
        )
    }) && data.fund_flows.iter().all(|r| {
        note(
            shops::shop_of(settings, names, RecordRef::FundFlow(r)),
            Data::FundFlow,
        )
    });
    if more {
        for r in &data.payments {
            let s = shops::shop_of(settings, names, RecordRef::Payment(r));
            if !note(s, Data::FundFlow) {
                break;
            }
        }
    }
    for s in &outcome.shops {
        for (code, need) in [
            ("REFUND_NOT_BOOKED", Data::AfterSales),
            ("FLOW_NOT_BOOKED", Data::FundFlow),
        ] {
            let off = settings.check(&s.id, code).is_some_and(|e| !e.enabled);
            if !off && !traceable {
                outcome.not_run.push(NotRun {
                    shop: s.id.clone(),
                    code: code.into(),
                    reason: UNTRACEABLE_JOURNAL.into(),
                });
            } else if !off && !has.contains(&(s.id.clone(), need)) {
                outcome.not_run.push(NotRun {
                    shop: s.id.clone(),
                    code: code.into(),
                    reason: format!("缺少数据：{}", need.zh()),
                });
            }
        }
    }
    outcome
        .not_run
        .sort_by(|a, b| (&a.shop, &a.code).cmp(&(&b.shop, &b.code)));
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
            writeln!(o, "  {}", issue_line(i, data))?;
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

/// Every record not booked, one per line, beside the vouchers.
pub const ISSUES_FILE: &str = "vouchers-issues.txt";

fn issue_line(i: &duizhang_books::Issue, data: &Dataset) -> String {
    format!(
        "{} 第{}行 {}：{}",
        data.file_name(i.source.file),
        i.source.line,
        i.kind.zh(),
        i.message
    )
}

/// Writes `vouchers.xlsx` (the generic Excel journal) into `out` when there are vouchers, and
/// the list of records not booked when there are any. Returns the files written.
pub fn write_vouchers_xlsx(
    out: &Path,
    generated: &Generated,
    books: &Books,
    data: &Dataset,
) -> anyhow::Result<Vec<String>> {
    let mut written = Vec::new();
    if !generated.vouchers.is_empty() {
        let started = std::time::Instant::now();
        let journal = duizhang_books::export::excel(&generated.vouchers, &books.chart)
            .map_err(|e| anyhow::anyhow!("凭证导出失败：{}", e.message))?;
        written = write_excel_journal(out, &journal)?;
        tracing::info!("{VOUCHERS_XLSX}: {:?}", started.elapsed());
    }
    written.extend(write_issues(out, generated, data)?);
    Ok(written)
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

pub const VOUCHERS_XLSX: &str = "vouchers.xlsx";

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
    write_file(&path, issues_text(generated, data).as_bytes())?;
    Ok(Some(ISSUES_FILE.to_string()))
}

/// The records not booked, one per line, as `ISSUES_FILE` holds them.
fn issues_text(generated: &Generated, data: &Dataset) -> String {
    let mut text = String::new();
    for i in &generated.issues {
        text.push_str(&issue_line(i, data));
        text.push('\n');
    }
    text
}

/// The files [`write_vouchers_xlsx`] writes, as (name, bytes) in name order, for a caller that
/// keeps them elsewhere (the workspace's voucher batches); nothing when no voucher was made.
pub fn render_vouchers_xlsx(
    generated: &Generated,
    books: &Books,
    data: &Dataset,
) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    if generated.vouchers.is_empty() {
        return Ok(files);
    }
    let journal = duizhang_books::export::excel(&generated.vouchers, &books.chart)
        .map_err(|e| anyhow::anyhow!("凭证导出失败：{}", e.message))?;
    if let Some(sources) = &journal.sources {
        let mut csv = Vec::new();
        sources
            .write_to(&mut csv)
            .context("凭证来源单据表生成失败")?;
        files.push((EXCEL_SOURCES_CSV.to_string(), csv));
    }
    files.push((VOUCHERS_XLSX.to_string(), journal.workbook));
    if !generated.issues.is_empty() {
        files.push((
            ISSUES_FILE.to_string(),
            issues_text(generated, data).into_bytes(),
        ));
    }
    files.sort();
    Ok(files)
}

pub fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("无法写入 {}", path.display()))
}
