//! `duizhang cases ...`: the exception queue and each case's workflow. Actions take several
//! case ids at once (a promotion month brings hundreds of the same kind); each id is its own
//! transaction, and each refusal is printed with the id it concerns.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use duizhang_core::{Fen, FindingSeverity};
use duizhang_store::{Adjustment, Attachment, CaseFilter, CaseRecord};
use duizhang_workflow::{Action, CaseState, Resolution};

use super::{Who, print_json, refused, signed_in};

#[derive(Subcommand)]
pub enum CasesCommand {
    /// 列出案件（默认未结案件；按严重程度、到期时间排序）
    List {
        #[arg(long)]
        company: String,
        /// 状态：待处理/处理中/待审核/已解决/已核销/已关闭（或英文代码），可多次指定；all 为全部
        #[arg(long = "state")]
        states: Vec<String>,
        #[arg(long)]
        period: Option<String>,
        /// 检查代码，如 REFUND_UNPAID
        #[arg(long)]
        code: Option<String>,
        #[arg(long)]
        shop: Option<String>,
        /// 处理人登录名
        #[arg(long)]
        assignee: Option<String>,
        /// 只看分派给自己的
        #[arg(long)]
        mine: bool,
        /// 严重程度：严重/高/中/低
        #[arg(long, value_parser = parse_severity)]
        severity: Option<FindingSeverity>,
        #[arg(long, default_value_t = 100)]
        limit: u32,
        #[arg(long, default_value_t = 0)]
        offset: u32,
    },
    /// 查看案件：问题、证据、状态与全部处理记录
    Show {
        id: u64,
        #[arg(long)]
        company: String,
    },
    /// 分派案件给某人
    Assign {
        #[arg(required = true)]
        ids: Vec<u64>,
        #[arg(long)]
        company: String,
        #[arg(long)]
        to: String,
    },
    /// 开始处理
    Start {
        #[arg(required = true)]
        ids: Vec<u64>,
        #[arg(long)]
        company: String,
    },
    /// 添加备注（如与客服、仓库核对的结果）
    Comment {
        id: u64,
        #[arg(long)]
        company: String,
        #[arg(long)]
        text: String,
    },
    /// 提交处理结果，送审：原因取自账套的原因列表（见 docs/workspace.md）；核销需 --write-off 金额（元）
    Resolve {
        #[arg(required = true)]
        ids: Vec<u64>,
        #[arg(long)]
        company: String,
        /// 原因：如 平台延迟到账、线下已退款、已补录凭证、客服已追回、核销：小额差异
        #[arg(long)]
        reason: String,
        #[arg(long, default_value = "")]
        note: String,
        /// 核销金额（元），仅核销类原因
        #[arg(long)]
        write_off: Option<String>,
    },
    /// 审核通过（不能审核自己提交的）；影响账务的处理结果同时生成待审核的调整凭证，科目取账套设置的科目表
    /// （duizhang companies books），未设置时用小企业会计准则预设科目
    Approve {
        #[arg(required = true)]
        ids: Vec<u64>,
        #[arg(long)]
        company: String,
    },
    /// 给案件添加证据附件（聊天截图、快递面单、银行回单等，单个不超过 20 MB）
    Attach {
        id: u64,
        /// 附件文件
        file: PathBuf,
        #[arg(long)]
        company: String,
    },
    /// 取回案件的第 N 个附件（与添加时逐字节相同）
    Attachment {
        id: u64,
        /// 附件序号（见 cases show）
        n: i64,
        #[arg(long)]
        company: String,
        /// 写到此文件
        #[arg(long)]
        out: PathBuf,
    },
    /// 退回重办，须写明原因
    Reject {
        id: u64,
        #[arg(long)]
        company: String,
        #[arg(long)]
        reason: String,
    },
    /// 撤回自己提交的处理结果
    Withdraw {
        id: u64,
        #[arg(long)]
        company: String,
    },
    /// 关闭已解决/已核销的案件
    Close {
        #[arg(required = true)]
        ids: Vec<u64>,
        #[arg(long)]
        company: String,
    },
    /// 重新打开，须写明原因
    Reopen {
        id: u64,
        #[arg(long)]
        company: String,
        #[arg(long)]
        reason: String,
    },
}

fn parse_severity(text: &str) -> Result<FindingSeverity, String> {
    FindingSeverity::parse(text).ok_or_else(|| format!("“{text}”不是严重程度（严重/高/中/低）"))
}

pub fn run(command: CasesCommand, who: &Who) -> anyhow::Result<ExitCode> {
    let (mut ws, me) = signed_in(who)?;
    let (company, ids, action, note) = match command {
        CasesCommand::List {
            company,
            states,
            period,
            code,
            shop,
            assignee,
            mine,
            severity,
            limit,
            offset,
        } => {
            let states = parse_states(&states)?;
            let filter = CaseFilter {
                states,
                period,
                code,
                shop,
                assignee: if mine { Some(me.clone()) } else { assignee },
                severity,
                limit: Some(limit),
                offset: Some(offset),
            };
            let cases = ws.cases(&company, &filter, &me).map_err(refused)?;
            if who.json {
                print_json(&cases)?;
            } else {
                print_list(&cases);
            }
            return Ok(ExitCode::SUCCESS);
        }
        CasesCommand::Show { id, company } => {
            let (case, history) = ws.case(&company, id, &me).map_err(refused)?;
            let lines = evidence_lines(&mut ws, &company, &case, &me)?;
            let attachments = ws.attachments(&company, id, &me).map_err(refused)?;
            let adjustments = ws.adjustments(&company, Some(id), &me).map_err(refused)?;
            if who.json {
                print_json(&serde_json::json!({
                    "case": case,
                    "history": history,
                    "evidence_lines": lines,
                    "attachments": attachments,
                    "adjustments": adjustments,
                }))?;
            } else {
                print_case(&case, &history, &lines);
                print_attachments(&attachments);
                super::batches::print_adjustments(&adjustments);
            }
            return Ok(ExitCode::SUCCESS);
        }
        CasesCommand::Attach { id, file, company } => {
            let bytes = std::fs::read(&file)
                .map_err(|e| anyhow::anyhow!("无法读取附件 {}：{e}", file.display()))?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| file.display().to_string());
            let added = ws
                .attach(&company, id, &name, &bytes, &me)
                .map_err(refused)?;
            if who.json {
                print_json(&added)?;
            } else {
                println!(
                    "案件 {id}：已添加附件 {}「{}」（{} 字节，SHA-256 {}）",
                    added.n, added.name, added.size, added.sha256
                );
            }
            return Ok(ExitCode::SUCCESS);
        }
        CasesCommand::Attachment {
            id,
            n,
            company,
            out,
        } => {
            let (attachment, bytes) = ws.attachment(&company, id, n, &me).map_err(refused)?;
            std::fs::write(&out, &bytes)
                .map_err(|e| anyhow::anyhow!("无法写入 {}：{e}", out.display()))?;
            if who.json {
                print_json(&attachment)?;
            } else {
                println!(
                    "案件 {id} 的附件 {n}「{}」已写到 {}（{} 字节）",
                    attachment.name,
                    out.display(),
                    bytes.len()
                );
            }
            return Ok(ExitCode::SUCCESS);
        }
        CasesCommand::Assign { ids, company, to } => {
            (company, ids, Action::Assign { to }, String::new())
        }
        CasesCommand::Start { ids, company } => (company, ids, Action::Start, String::new()),
        CasesCommand::Comment { id, company, text } => (company, vec![id], Action::Comment, text),
        CasesCommand::Resolve {
            ids,
            company,
            reason,
            note,
            write_off,
        } => {
            let write_off = write_off
                .map(|text| {
                    Fen::parse_yuan(&text).map_err(|_| {
                        anyhow::anyhow!("核销金额“{text}”不是金额（元，最多两位小数）")
                    })
                })
                .transpose()?;
            let resolution = Resolution {
                reason,
                note: note.clone(),
                write_off,
            };
            (company, ids, Action::Submit { resolution }, note)
        }
        CasesCommand::Approve { ids, company } => (company, ids, Action::Approve, String::new()),
        CasesCommand::Reject {
            id,
            company,
            reason,
        } => (company, vec![id], Action::Reject { reason }, String::new()),
        CasesCommand::Withdraw { id, company } => {
            (company, vec![id], Action::Withdraw, String::new())
        }
        CasesCommand::Close { ids, company } => (company, ids, Action::Close, String::new()),
        CasesCommand::Reopen {
            id,
            company,
            reason,
        } => (company, vec![id], Action::Reopen { reason }, String::new()),
    };
    let mut refused_count = 0usize;
    let mut done = Vec::new();
    for id in &ids {
        match ws.act(&company, *id, &action, &note, &me) {
            Ok(case) => {
                if !who.json {
                    println!("案件 {id}：{}", case.facts.state.zh());
                    if action == Action::Approve {
                        print_made_adjustment(&mut ws, &company, *id, &me)?;
                    }
                }
                done.push(case);
            }
            Err(e) => {
                refused_count += 1;
                eprintln!("案件 {id}：{}", e.zh());
            }
        }
    }
    if who.json {
        print_json(&done)?;
    }
    if ids.len() > 1 {
        println!(
            "共 {} 件：完成 {}，未完成 {refused_count}",
            ids.len(),
            done.len()
        );
    }
    Ok(if refused_count == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Tells the approver which correcting voucher the approval made, if any.
fn print_made_adjustment<B: duizhang_store::backend::Backend>(
    ws: &mut duizhang_store::Workspace<B>,
    company: &str,
    id: u64,
    me: &str,
) -> anyhow::Result<()> {
    let made: Vec<Adjustment> = ws.adjustments(company, Some(id), me).map_err(refused)?;
    if let Some(a) = made.first().filter(|a| a.approved_by.is_none()) {
        println!(
            "  已生成{} {}（{} 期间，借方 {} 元，制单 {}），待制单人以外的人审核：duizhang adjustments approve {}",
            a.kind.zh(),
            a.label(),
            a.period,
            Fen::new(a.debit_fen()).to_yuan_string(),
            a.prepared_by,
            a.id
        );
    }
    Ok(())
}

fn print_attachments(attachments: &[Attachment]) {
    if attachments.is_empty() {
        return;
    }
    println!("  附件：");
    for a in attachments {
        println!(
            "    {} {}（{} 字节，{} 于 {} 添加）",
            a.n, a.name, a.size, a.added_by, a.added_at
        );
    }
}

fn parse_states(texts: &[String]) -> anyhow::Result<Vec<CaseState>> {
    if texts.is_empty() {
        return Ok(vec![
            CaseState::Open,
            CaseState::InProgress,
            CaseState::PendingReview,
        ]);
    }
    if texts.iter().any(|t| t == "all" || t == "全部") {
        return Ok(Vec::new());
    }
    texts
        .iter()
        .map(|t| {
            CaseState::parse(t).ok_or_else(|| {
                anyhow::anyhow!("“{t}”不是案件状态（待处理/处理中/待审核/已解决/已核销/已关闭）")
            })
        })
        .collect()
}

fn yuan(fen: Option<i64>) -> String {
    fen.map(|f| Fen::new(f).to_yuan_string())
        .unwrap_or_else(|| "-".to_string())
}

fn print_list(cases: &[CaseRecord]) {
    if cases.is_empty() {
        println!("没有符合条件的案件");
        return;
    }
    println!("编号\t状态\t严重\t到期\t处理人\t检查\t店铺\t单号\t差额（元）");
    for c in cases {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            c.id,
            c.facts.state.zh(),
            c.severity.zh(),
            c.due_at,
            c.facts.assignee.as_deref().unwrap_or("-"),
            c.code,
            c.shop,
            if c.key.is_empty() { "-" } else { &c.key },
            yuan(c.finding.diff_fen)
        );
    }
}

/// Each evidence line as the kept file has it (in evidence order; `None` where the file or
/// line is no longer among the period's files), so a person sees the source without the download.
/// A line of the case's order is found through the order index (a few bytes read); any other
/// is read from its whole kept file.
fn evidence_lines<B: duizhang_store::backend::Backend>(
    ws: &mut duizhang_store::Workspace<B>,
    company: &str,
    case: &CaseRecord,
    me: &str,
) -> anyhow::Result<Vec<Option<String>>> {
    let files = ws
        .files_for_period(company, &case.period)
        .map_err(refused)?;
    let indexed = match &case.finding.order_no {
        Some(no) => ws
            .order(company, duizhang_core::normalize_order_no(no), me)
            .map_err(refused)?
            .into_iter()
            .filter(|hit| files.iter().any(|f| f.sha256 == hit.sha256))
            .collect(),
        None => Vec::new(),
    };
    // The evidence the index holds is read by its spans in one pass (each file's head once).
    let held: Vec<Option<&duizhang_store::OrderHit>> = case
        .finding
        .evidence
        .iter()
        .map(|e| {
            indexed
                .iter()
                .find(|h| h.part == e.file && h.line == i64::from(e.line))
        })
        .collect();
    let hits: Vec<duizhang_store::OrderHit> = held.iter().flatten().map(|h| (*h).clone()).collect();
    let mut texts = super::order::hit_texts(ws, company, &hits)?.into_iter();
    let mut kept = Vec::new();
    let mut lines = Vec::new();
    for (e, hit) in case.finding.evidence.iter().zip(&held) {
        if hit.is_some() {
            lines.push(texts.next().flatten());
            continue;
        }
        let holder = files
            .iter()
            .find(|f| duizhang_import::source_line::is_within(&f.name, &e.file));
        let Some(holder) = holder else {
            lines.push(None);
            continue;
        };
        let bytes = super::order::fetched_once(&mut kept, &holder.sha256, || {
            ws.file_bytes(company, &holder.sha256).map_err(refused)
        })?;
        lines.push(duizhang_import::source_line::source_line(
            &holder.name,
            bytes,
            &e.file,
            e.line,
        ));
    }
    Ok(lines)
}

fn print_case(c: &CaseRecord, history: &[duizhang_store::CaseEvent], lines: &[Option<String>]) {
    println!("案件 {}（{} 期间）", c.id, c.period);
    println!("  问题：{} {}", c.code, c.finding.message);
    println!(
        "  店铺：{}　单号：{}　商品：{}",
        c.shop,
        if c.key.is_empty() { "-" } else { &c.key },
        if c.sku.is_empty() { "-" } else { &c.sku }
    );
    println!(
        "  应为 {} 元，实际 {} 元，差额 {} 元",
        yuan(c.finding.expected_fen),
        yuan(c.finding.actual_fen),
        yuan(c.finding.diff_fen)
    );
    println!(
        "  状态：{}　严重程度：{}　负责：{}　处理人：{}　到期：{}",
        c.facts.state.zh(),
        c.severity.zh(),
        c.owner.zh(),
        c.facts.assignee.as_deref().unwrap_or("未分派"),
        c.due_at
    );
    if let Some(r) = &c.facts.resolution {
        let amount = r
            .write_off
            .map(|f| format!("，核销 {} 元", f.to_yuan_string()))
            .unwrap_or_default();
        println!("  处理结果：{}{amount}（{}）", r.reason, r.note);
    }
    println!("  证据：");
    for (index, e) in c.finding.evidence.iter().enumerate() {
        println!("    {} 第 {} 行（{}）", e.file, e.line, e.kind.zh());
        if let Some(Some(text)) = lines.get(index) {
            let shown: String = text.chars().take(300).collect();
            let more = if shown.len() < text.len() {
                "……"
            } else {
                ""
            };
            println!("      原文：{shown}{more}");
        }
    }
    println!("  处理记录：");
    for e in history {
        let from = e.from.map(|s| format!("{} → ", s.zh())).unwrap_or_default();
        println!(
            "    {} {} {}（{}{}）{}",
            e.at,
            e.actor,
            e.action,
            from,
            e.to.zh(),
            if e.note.is_empty() {
                String::new()
            } else {
                format!("：{}", e.note)
            }
        );
    }
}
