//! `duizhang batches ...`: each stored run's vouchers as one batch (凭证批次) — listed, approved
//! by a second person (制单 ≠ 审核), and only then exported for the accounting system; and
//! `duizhang adjustments ...`, the correcting vouchers, exported in the same formats.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use duizhang_core::Fen;
use duizhang_pipeline::exports::render_exports;
use duizhang_store::{Adjustment, BatchState, NumberRange, VoucherBatch};

use super::{Who, print_json, refused, signed_in};
use crate::vouchers::{Format, TemplateChoice, templates};

#[derive(Subcommand)]
pub enum BatchCommand {
    /// 列出凭证批次（每次对账运行一批）：状态、凭证数、借方合计、制单人与审核人
    List {
        #[arg(long)]
        company: String,
    },
    /// 审核一批凭证（须为制单人以外的财务主管或管理员；只能审核期间内最近一次运行的凭证）
    Approve {
        /// 对账运行编号（见 batches list）
        run: i64,
        #[arg(long)]
        company: String,
    },
    /// 导出已审核的凭证批次：vouchers.xlsx（通用 Excel 凭证表）等，与运行时生成的完全相同
    Export {
        run: i64,
        #[arg(long)]
        company: String,
        /// 输出目录
        #[arg(long)]
        out: PathBuf,
    },
}

pub fn run(command: BatchCommand, who: &Who) -> anyhow::Result<ExitCode> {
    let (mut ws, by) = signed_in(who)?;
    match command {
        BatchCommand::List { company } => {
            let batches = ws.voucher_batches(&company, &by).map_err(refused)?;
            if who.json {
                print_json(&batches)?;
            } else {
                print_list(&batches);
            }
        }
        BatchCommand::Approve { run, company } => {
            let batch = ws
                .approve_voucher_batch(&company, run, &by)
                .map_err(refused)?;
            if who.json {
                print_json(&batch)?;
            } else {
                println!(
                    "已审核对账运行 {run}（{} 期间）的 {} 张凭证（{}），借方合计 {} 元；可用 duizhang batches export 导出",
                    batch.period,
                    batch.vouchers,
                    number_text(&batch.numbers),
                    Fen::new(batch.debit_fen).to_yuan_string()
                );
            }
        }
        BatchCommand::Export { run, company, out } => {
            let (batch, files) = ws
                .voucher_batch_files(&company, run, &by)
                .map_err(refused)?;
            std::fs::create_dir_all(&out)
                .map_err(|e| anyhow::anyhow!("无法创建输出目录 {}：{e}", out.display()))?;
            let mut names = Vec::new();
            for (name, bytes) in &files {
                let path = out.join(name);
                std::fs::write(&path, bytes)
                    .map_err(|e| anyhow::anyhow!("无法写入 {}：{e}", path.display()))?;
                names.push(name.clone());
            }
            if who.json {
                print_json(&serde_json::json!({"batch": batch, "files": names}))?;
            } else {
                println!(
                    "已导出对账运行 {run}（{} 期间，审核人 {}）的凭证到 {}：{}",
                    batch.period,
                    batch.approved_by.as_deref().unwrap_or("-"),
                    out.display(),
                    names.join("、")
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `记-1～记-5、记-7～记-9`: the numbers a batch's vouchers carry.
fn number_text(numbers: &[NumberRange]) -> String {
    let parts: Vec<String> = numbers
        .iter()
        .map(|r| {
            if r.first == r.last {
                format!("{}-{}", r.word, r.first)
            } else {
                format!("{w}-{}～{w}-{}", r.first, r.last, w = r.word)
            }
        })
        .collect();
    parts.join("、")
}

fn print_list(batches: &[VoucherBatch]) {
    println!("运行\t期间\t状态\t凭证数\t凭证号\t借方合计（元）\t制单\t审核");
    for b in batches {
        let state = if b.superseded {
            format!("{}（已被新运行取代）", b.state.zh())
        } else {
            b.state.zh().to_string()
        };
        println!(
            "{}\t{}\t{state}\t{}\t{}\t{}\t{} {}\t{}",
            b.run_id,
            b.period,
            b.vouchers,
            number_text(&b.numbers),
            Fen::new(b.debit_fen).to_yuan_string(),
            b.prepared_by,
            b.prepared_at,
            b.approved_by.as_deref().unwrap_or("-")
        );
    }
}

/// `duizhang adjustments ...`: the correcting vouchers (调整凭证) resolutions made.
#[derive(Subcommand)]
pub enum AdjustmentCommand {
    /// 列出调整凭证（红字冲销 / 补充凭证）：凭证号、案件、状态、分录
    List {
        #[arg(long)]
        company: String,
        #[arg(long)]
        period: Option<String>,
    },
    /// 审核调整凭证（须为制单人以外的财务主管或管理员；已结账期间的不能再审核）
    Approve {
        #[arg(required = true)]
        ids: Vec<i64>,
        #[arg(long)]
        company: String,
    },
    /// 导出某会计月份已审核的调整凭证（按凭证日期所在月份，含该月中按周、按日对账的案件生成的）：adjustments.csv（UTF-8，每行一条分录）以及所选财务软件的导入格式
    /// （与对账凭证相同：excel、beancount、u8、chanjet、kis、kingdee-cloud；红字冲销为同方向负数）
    Export {
        #[arg(long)]
        company: String,
        #[arg(long)]
        period: String,
        /// 输出目录
        #[arg(long)]
        out: PathBuf,
        /// 导出格式，可多次指定或用逗号分隔；默认 excel（adjustments.csv 总是写出）
        #[arg(long = "format", value_enum, value_delimiter = ',')]
        formats: Vec<Format>,
        /// 记账软件的导入模板（畅捷通 / 金蝶 KIS：首行列名；金蝶云星空：引入模板）
        #[arg(long)]
        template: Option<PathBuf>,
        /// 金蝶云星空：账簿编码
        #[arg(long)]
        kingdee_book: Option<String>,
        /// 金蝶云星空：核算组织编码
        #[arg(long)]
        kingdee_org: Option<String>,
        /// 金蝶云星空：凭证字编码，写作 凭证字=编码（记=PRE001 已内置），可多次指定
        #[arg(long = "kingdee-word")]
        kingdee_words: Vec<String>,
    },
}

pub fn adjustments(command: AdjustmentCommand, who: &Who) -> anyhow::Result<ExitCode> {
    let (mut ws, by) = signed_in(who)?;
    match command {
        AdjustmentCommand::List { company, period } => {
            let mut list = ws.adjustments(&company, None, &by).map_err(refused)?;
            list.retain(|a| {
                period
                    .as_ref()
                    .is_none_or(|p| *p == a.period || p == a.month())
            });
            if who.json {
                print_json(&list)?;
            } else if list.is_empty() {
                println!("没有调整凭证");
            } else {
                print_adjustments(&list);
            }
        }
        AdjustmentCommand::Approve { ids, company } => {
            let mut failed = 0usize;
            let mut done = Vec::new();
            for id in &ids {
                match ws.approve_adjustment(&company, *id, &by) {
                    Ok(a) => {
                        if !who.json {
                            println!(
                                "调整凭证 {id}（{} {}，案件 {}）：已审核",
                                a.period,
                                a.label(),
                                a.case_id
                            );
                        }
                        done.push(a);
                    }
                    Err(e) => {
                        failed += 1;
                        eprintln!("调整凭证 {id}：{}", e.zh());
                    }
                }
            }
            if who.json {
                print_json(&done)?;
            }
            if failed > 0 {
                return Ok(ExitCode::from(1));
            }
        }
        AdjustmentCommand::Export {
            company,
            period,
            out,
            formats,
            template,
            kingdee_book,
            kingdee_org,
            kingdee_words,
        } => {
            let period = crate::period::month(&period, "调整凭证导出")?.to_string();
            let mut formats = if formats.is_empty() {
                vec![Format::Excel]
            } else {
                formats
            };
            formats.sort();
            formats.dedup();
            let templates = templates(
                &TemplateChoice {
                    template: template.as_deref(),
                    kingdee_book: kingdee_book.as_deref(),
                    kingdee_org: kingdee_org.as_deref(),
                    kingdee_words: &kingdee_words,
                },
                &formats,
            )?;
            let mut list = ws.adjustments(&company, None, &by).map_err(refused)?;
            list.retain(|a| a.month() == period && a.state == BatchState::Approved);
            list.sort_by_key(|a| (a.word.clone(), a.number));
            let mut files = vec![(ADJUSTMENTS_CSV.to_string(), adjustments_csv(&list))];
            if !list.is_empty() {
                files.extend(rendered(
                    &mut ws, &company, &by, &list, &formats, &templates,
                )?);
            }
            std::fs::create_dir_all(&out)
                .map_err(|e| anyhow::anyhow!("无法创建输出目录 {}：{e}", out.display()))?;
            let mut names = Vec::new();
            for (name, bytes) in &files {
                let path = out.join(name);
                std::fs::write(&path, bytes)
                    .map_err(|e| anyhow::anyhow!("无法写入 {}：{e}", path.display()))?;
                names.push(name.clone());
            }
            if who.json {
                print_json(&serde_json::json!({"files": names, "adjustments": list}))?;
            } else {
                println!(
                    "已导出 {period} 期间已审核的调整凭证 {} 张到 {}：{}",
                    list.len(),
                    out.display(),
                    names.join("、")
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub const ADJUSTMENTS_CSV: &str = "adjustments.csv";

/// The approved correcting vouchers in the accounting systems' formats, checked against the
/// company's 账套 (the chart they were booked with); named like the run's voucher files with
/// `adjustments` for `vouchers`, so both fit in one folder.
fn rendered(
    ws: &mut duizhang_store::Workspace<super::db::AnyBackend>,
    company: &str,
    by: &str,
    list: &[Adjustment],
    formats: &[Format],
    templates: &duizhang_pipeline::exports::Templates,
) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let loaded = super::company_books(ws, company, by, None)?;
    let vouchers = list
        .iter()
        .map(Adjustment::voucher)
        .collect::<Result<Vec<_>, _>>()
        .map_err(refused)?;
    let exports: Vec<_> = formats.iter().map(|f| f.export()).collect();
    let files = render_exports(&exports, &vouchers, &loaded.books, templates).map_err(|e| {
        anyhow::anyhow!(
            "调整凭证无法导出为 {}：{}",
            e.format.file().replacen("vouchers", "adjustments", 1),
            e.error.message
        )
    })?;
    Ok(files
        .into_iter()
        .map(|(name, bytes)| (name.replacen("vouchers", "adjustments", 1), bytes))
        .collect())
}

/// One row per entry, UTF-8 with a BOM (Excel opens it as UTF-8); red amounts stay negative.
fn adjustments_csv(list: &[Adjustment]) -> Vec<u8> {
    let mut out = String::from(
        "\u{feff}日期,凭证字,凭证号,类型,摘要,科目编码,科目名称,借方金额,贷方金额,制单人,审核人,案件\n",
    );
    for a in list {
        for line in &a.lines {
            let cells = [
                a.date.clone(),
                a.word.clone(),
                a.number.to_string(),
                a.kind.zh().to_string(),
                line.summary.clone(),
                line.account.clone(),
                line.account_name.clone(),
                Fen::new(line.debit_fen).to_yuan_string(),
                Fen::new(line.credit_fen).to_yuan_string(),
                a.prepared_by.clone(),
                a.approved_by.clone().unwrap_or_default(),
                a.case_id.to_string(),
            ];
            let row: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
            out.push_str(&row.join(","));
            out.push('\n');
        }
    }
    out.into_bytes()
}

fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// Correcting vouchers with their entries, for people.
pub fn print_adjustments(list: &[Adjustment]) {
    for a in list {
        println!(
            "  调整凭证 {}：{} {} {}（案件 {}，{}，制单 {}，审核 {}）",
            a.id,
            a.period,
            a.label(),
            a.kind.zh(),
            a.case_id,
            a.state.zh(),
            a.prepared_by,
            a.approved_by.as_deref().unwrap_or("-")
        );
        for line in &a.lines {
            let (side, fen) = if line.debit_fen != 0 {
                ("借", line.debit_fen)
            } else {
                ("贷", line.credit_fen)
            };
            println!(
                "    {side} {} {} {} 元　{}",
                line.account,
                line.account_name,
                Fen::new(fen).to_yuan_string(),
                line.summary
            );
        }
    }
}
