//! `duizhang batches ...`: each stored run's vouchers as one batch (凭证批次) — listed, approved
//! by a second person (制单 ≠ 审核), and only then exported for the accounting system.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use duizhang_core::Fen;
use duizhang_store::VoucherBatch;

use super::{Who, print_json, refused, signed_in};

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
                    "已审核对账运行 {run}（{} 期间）的 {} 张凭证，借方合计 {} 元；可用 duizhang batches export 导出",
                    batch.period,
                    batch.vouchers,
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

fn print_list(batches: &[VoucherBatch]) {
    println!("运行\t期间\t状态\t凭证数\t借方合计（元）\t制单\t审核");
    for b in batches {
        let state = if b.superseded {
            format!("{}（已被新运行取代）", b.state.zh())
        } else {
            b.state.zh().to_string()
        };
        println!(
            "{}\t{}\t{state}\t{}\t{}\t{} {}\t{}",
            b.run_id,
            b.period,
            b.vouchers,
            Fen::new(b.debit_fen).to_yuan_string(),
            b.prepared_by,
            b.prepared_at,
            b.approved_by.as_deref().unwrap_or("-")
        );
    }
}
