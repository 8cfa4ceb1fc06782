//! `duizhang audit ...`: verifying and exporting the hash-chained audit log.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use duizhang_workflow::ChainHead;

use super::{Who, print_json, refused, signed_in};

#[derive(Subcommand)]
pub enum AuditCommand {
    /// 校验审计日志的哈希链：任何一条被改动、删除、插入或调换都会被发现，并指出在哪里断开
    Verify {
        /// 账套名称；不写时校验工作区自身的日志（用户的添加）
        #[arg(long)]
        company: Option<String>,
        /// 此前记下的链尾（序号:哈希，如 128:9f3c…），用来发现尾部被截掉或整体被改写
        #[arg(long)]
        head: Option<String>,
    },
    /// 导出账套的审计日志（JSON Lines，每行一条，含哈希），交给审计
    Export {
        #[arg(long)]
        company: String,
        #[arg(long)]
        out: PathBuf,
    },
}

fn parse_head(text: &str) -> anyhow::Result<ChainHead> {
    let (seq, hash) = text
        .split_once(':')
        .ok_or_else(|| anyhow::anyhow!("链尾“{text}”应写作 序号:哈希"))?;
    let seq = seq
        .trim()
        .parse()
        .map_err(|_| anyhow::anyhow!("链尾的序号“{seq}”不是数字"))?;
    let hash = hash.trim();
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        anyhow::bail!("链尾的哈希应为 64 位十六进制");
    }
    Ok(ChainHead {
        seq,
        hash: hash.to_ascii_lowercase(),
    })
}

pub fn run(command: AuditCommand, who: &Who) -> anyhow::Result<ExitCode> {
    let (mut ws, _) = signed_in(who)?;
    match command {
        AuditCommand::Verify { company, head } => {
            let anchor = head.as_deref().map(parse_head).transpose()?;
            let name = company.unwrap_or_default();
            let verdict = ws.verify_audit(&name, anchor.as_ref()).map_err(refused)?;
            match verdict {
                Ok(head) => {
                    if who.json {
                        print_json(&serde_json::json!({"ok": true, "head": head}))?;
                    } else {
                        println!(
                            "审计日志完整：共 {} 条，链尾 {}:{}（请另行保存，下次校验时用 --head 给出）",
                            head.seq, head.seq, head.hash
                        );
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(broken) => {
                    if who.json {
                        print_json(&serde_json::json!({"ok": false, "break": broken}))?;
                    } else {
                        println!("{}", broken.zh());
                    }
                    Ok(ExitCode::from(1))
                }
            }
        }
        AuditCommand::Export { company, out } => {
            let log = ws.audit_log(&company).map_err(refused)?;
            let mut text = String::new();
            for entry in &log {
                text.push_str(&serde_json::to_string(entry)?);
                text.push('\n');
            }
            std::fs::write(&out, text)
                .map_err(|e| anyhow::anyhow!("无法写入 {}：{e}", out.display()))?;
            println!("已导出 {} 条审计记录到 {}", log.len(), out.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}
