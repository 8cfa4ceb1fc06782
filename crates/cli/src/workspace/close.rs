//! `duizhang close ...` (结账, by two people) and `duizhang archive ...` (a closed period as one
//! zip with a manifest of hashes; verified without the database).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use duizhang_store::archive::verify_archive;

use super::{Who, print_json, refused, signed_in};

#[derive(Subcommand)]
pub enum CloseCommand {
    /// 提交结账（由另一位财务主管或管理员审核后生效）
    Request {
        #[arg(long)]
        company: String,
        #[arg(long)]
        period: String,
    },
    /// 审核结账：期间锁定，之后不能再导入、对账或改动其中的案件
    Approve {
        #[arg(long)]
        company: String,
        #[arg(long)]
        period: String,
    },
    /// 查看期间的结账状态
    Status {
        #[arg(long)]
        company: String,
        #[arg(long)]
        period: String,
    },
}

#[derive(Subcommand)]
pub enum ArchiveCommand {
    /// 把已结账的期间导出为一个 zip：原始文件、每次对账的结果、案件及全部处理记录、审计日志、哈希清单
    Export {
        #[arg(long)]
        company: String,
        #[arg(long)]
        period: String,
        /// 输出的 zip 文件
        #[arg(long)]
        out: PathBuf,
    },
    /// 校验归档 zip：每个文件与清单的哈希相符、没有多出或缺少的文件、审计日志的哈希链完整（无需数据库）
    Verify { zip: PathBuf },
}

pub fn close(command: CloseCommand, who: &Who) -> anyhow::Result<ExitCode> {
    let (mut ws, by) = signed_in(who)?;
    let close = match command {
        CloseCommand::Request { company, period } => {
            let close = ws
                .request_close(&company, &checked(&period)?, &by)
                .map_err(refused)?;
            if !who.json {
                println!("已提交 {period} 期间结账，等待另一位财务主管或管理员审核");
            }
            Some(close)
        }
        CloseCommand::Approve { company, period } => {
            let close = ws
                .approve_close(&company, &checked(&period)?, &by)
                .map_err(refused)?;
            if !who.json {
                let head = close
                    .audit_head
                    .clone()
                    .unwrap_or_else(duizhang_workflow::ChainHead::genesis);
                println!(
                    "{period} 期间已结账（{} 提交，{by} 审核），期间已锁定。审计链尾 {}:{}",
                    close.prepared_by, head.seq, head.hash
                );
            }
            Some(close)
        }
        CloseCommand::Status { company, period } => {
            let close = ws
                .period_close(&company, &checked(&period)?)
                .map_err(refused)?;
            if !who.json {
                match &close {
                    None => println!("{period} 期间未结账"),
                    Some(c) => println!(
                        "{period} 期间：{}（{} 于 {} 提交{}）",
                        c.state.zh(),
                        c.prepared_by,
                        c.prepared_at,
                        c.approved_by
                            .as_deref()
                            .map(|a| format!("，{a} 审核"))
                            .unwrap_or_default()
                    ),
                }
            }
            close
        }
    };
    if who.json {
        print_json(&close)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn checked(period: &str) -> anyhow::Result<String> {
    crate::period::month(period, "结账和归档").map(|p| p.to_string())
}

pub fn archive(command: ArchiveCommand, who: &Who) -> anyhow::Result<ExitCode> {
    match command {
        ArchiveCommand::Export {
            company,
            period,
            out,
        } => {
            let (mut ws, by) = signed_in(who)?;
            let archive = ws
                .archive(&company, &checked(&period)?, &by)
                .map_err(refused)?;
            write_zip(&out, &archive.members)?;
            println!(
                "已导出 {period} 期间归档 {}（{} 个文件）。可用 duizhang archive verify 校验",
                out.display(),
                archive.members.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        ArchiveCommand::Verify { zip } => {
            let members = read_zip(&zip)?;
            match verify_archive(&members) {
                Ok(check) => {
                    if who.json {
                        print_json(&check)?;
                    } else {
                        println!(
                            "归档完整：账套“{}”{} 期间，{} 个文件与清单相符，审计日志 {} 条哈希链完整",
                            check.company, check.period, check.members, check.audit_entries
                        );
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(problem) => {
                    println!("归档校验未通过：{}", problem.zh());
                    Ok(ExitCode::from(1))
                }
            }
        }
    }
}

/// Writes the zip under a temporary name and renames it into place, so a kill leaves no
/// half-written archive under the name asked for. Fixed member times: the same archive gives
/// the same bytes.
fn write_zip(out: &Path, members: &[(String, Vec<u8>)]) -> anyhow::Result<()> {
    let partial = out.with_extension("zip.partial");
    let file = std::fs::File::create(&partial)
        .map_err(|e| anyhow::anyhow!("无法写入 {}：{e}", partial.display()))?;
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let written: anyhow::Result<()> = (|| {
        for (path, bytes) in members {
            zip.start_file(path.as_str(), options)?;
            zip.write_all(bytes)?;
        }
        zip.finish()?.sync_all()?;
        Ok(())
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        anyhow::bail!("归档 {} 未写完，已删除：{e}", out.display());
    }
    std::fs::rename(&partial, out)
        .map_err(|e| anyhow::anyhow!("无法写入 {}：{e}", out.display()))?;
    Ok(())
}

/// An archive's members; a member larger than its manifest could name is refused by size.
fn read_zip(path: &Path) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let file = std::fs::File::open(path)
        .map_err(|e| anyhow::anyhow!("无法打开 {}：{e}", path.display()))?;
    let mut zip = zip::ZipArchive::new(file)
        .map_err(|e| anyhow::anyhow!("{} 不是有效的 zip：{e}", path.display()))?;
    const LIMIT: u64 = 8 << 30;
    let mut members = Vec::new();
    for index in 0..zip.len() {
        let mut member = zip.by_index(index)?;
        if member.is_dir() {
            continue;
        }
        let name = member.name()?.to_string();
        let mut bytes = Vec::new();
        (&mut member).take(LIMIT).read_to_end(&mut bytes)?;
        members.push((name, bytes));
    }
    Ok(members)
}
