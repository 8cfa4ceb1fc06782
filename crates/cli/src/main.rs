//! `duizhang`: the command line. Thin: parsing arguments, calling the library crates,
//! printing. Messages for people are in Chinese; logs (RUST_LOG, stderr) are in English.

mod inspect;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "duizhang",
    version,
    about = "电商售后对账：导入平台、支付与ERP文件，核对差异，生成凭证与报告"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 识别文件：格式与版本、编码、行数、日期范围、金额合计、控制合计校验、错误
    Inspect {
        /// 要识别的文件（CSV / XLSX / XLS / ZIP），可多个
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// 输出 JSON（供程序读取）
        #[arg(long)]
        json: bool,
        /// 显示的错误条数上限（每个文件）
        #[arg(long, default_value_t = 10)]
        max_errors: usize,
    },
    /// 列出支持的文件格式
    Formats,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Inspect {
            files,
            json,
            max_errors,
        } => inspect::run(&files, json, max_errors),
        Command::Formats => inspect::formats(),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::from(2)
        }
    }
}
