//! `duizhang`: the command line. Thin: parsing arguments, calling the library crates,
//! printing. Messages for people are in Chinese; logs (RUST_LOG, stderr) are in English.

mod books;
mod carry_report;
mod demo;
mod inspect;
mod load;
mod period;
mod progress;
mod publish;
mod reconcile;
mod report;
mod term;
mod vouchers;
mod workspace;

use term::{note, say};

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use duizhang_core::FindingSeverity;

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
        /// 映射配置（TOML，见 docs/mapping-profiles.md），可多次指定
        #[arg(long = "profile")]
        profiles: Vec<PathBuf>,
    },
    /// 对账：导入文件或文件夹，核对差异，写出 findings.jsonl、summary.json、findings.xlsx、vouchers.xlsx
    Reconcile {
        /// 文件或文件夹（文件夹内的 .csv .txt .xlsx .xls .zip .json .jsonl 会全部导入）
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// 对账期间，如 2026-10
        #[arg(long)]
        period: String,
        /// 设置文件（TOML，见 duizhang init）
        #[arg(long)]
        config: Option<PathBuf>,
        /// 输出目录
        #[arg(long)]
        out: PathBuf,
        /// 存在该级别及以上的问题时以状态 1 退出（低/中/高/严重 或 low/medium/high/critical），便于定时任务
        #[arg(long, value_parser = parse_severity)]
        fail_on: Option<FindingSeverity>,
        /// 映射配置（TOML，见 docs/mapping-profiles.md），可多次指定
        #[arg(long = "profile")]
        profiles: Vec<PathBuf>,
        /// 上月的结果目录（或其中的 carry.json）：结转上月在途事项（须为上一个月的整月结果；按周、按日对账时为所在月份的上一个月）
        #[arg(long)]
        carry_in: Option<PathBuf>,
        /// 允许结转文件来自更早的期间（中间跳过了若干期），默认拒绝
        #[arg(long)]
        allow_carry_gap: bool,
        /// 跳过无法识别格式的文件（列出它们），而不是停止对账
        #[arg(long)]
        skip_unknown: bool,
        /// 账套文件（TOML，见 docs/vouchers.md）；不指定时按小企业会计准则预设
        #[arg(long)]
        books: Option<PathBuf>,
        /// 凭证规则文件（TOML）：覆盖内置规则的分类或分录（见 docs/vouchers.md）
        #[arg(long)]
        rules: Option<PathBuf>,
        /// 记账系统导出的账簿（通用 Excel 凭证表或用友凭证文本）：账务检查据此核对，而非本次生成的凭证
        #[arg(long)]
        journal: Option<PathBuf>,
        /// 同时写出月度对账报告 report.xlsx 与 report.html（有 --carry-in 时与上期比较）
        #[arg(long)]
        report: bool,
        /// 使用的线程数（默认 2，单核机器为 1）；线程数不影响结果
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..=64))]
        threads: Option<u16>,
    },
    /// 月度对账报告：由对账结果目录（给出前几期的目录即显示环比与趋势）或工作区里账套的对账运行（--company，前几期的运行自动用于环比与趋势）写出 report.xlsx 与 report.html
    Report {
        /// 报告期间，如 2026-10
        #[arg(long)]
        period: String,
        /// 结果目录（duizhang reconcile 的 --out），本期一个，前几期可选
        #[arg(required_unless_present = "company", conflicts_with = "company")]
        results: Vec<PathBuf>,
        /// 工作区里的账套：用它本期最近一次对账运行，以及前几期各自最近一次运行
        #[arg(long)]
        company: Option<String>,
        /// 报告写到的目录
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        who: workspace::Who,
    },
    /// 生成记账凭证：导入文件或文件夹，按账套规则生成、校验，写出记账软件可导入的文件
    Vouchers {
        /// 文件或文件夹（同 reconcile）
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// 会计期间，如 2026-10
        #[arg(long)]
        period: String,
        /// 输出目录
        #[arg(long)]
        out: PathBuf,
        /// 设置文件（TOML，见 duizhang init）：店铺与资金账户
        #[arg(long)]
        config: Option<PathBuf>,
        /// 账套文件（TOML，见 docs/vouchers.md）；不指定时按小企业会计准则预设
        #[arg(long)]
        books: Option<PathBuf>,
        /// 凭证规则文件（TOML）：覆盖内置规则的分类或分录（见 docs/vouchers.md）
        #[arg(long)]
        rules: Option<PathBuf>,
        /// 导出格式，可多次指定或用逗号分隔；默认 excel 与 beancount
        #[arg(long = "format", value_enum, value_delimiter = ',')]
        formats: Vec<vouchers::Format>,
        /// 记账软件的导入模板（畅捷通 / 金蝶 KIS：首行列名；金蝶云星空：引入模板）
        #[arg(long)]
        template: Option<PathBuf>,
        /// 映射配置（TOML，见 docs/mapping-profiles.md），可多次指定
        #[arg(long = "profile")]
        profiles: Vec<PathBuf>,
        /// 金蝶云星空：账簿编码
        #[arg(long)]
        kingdee_book: Option<String>,
        /// 金蝶云星空：核算组织编码
        #[arg(long)]
        kingdee_org: Option<String>,
        /// 金蝶云星空：凭证字编码，写作 凭证字=编码（记=PRE001 已内置），可多次指定
        #[arg(long = "kingdee-word")]
        kingdee_words: Vec<String>,
        /// 跳过无法识别格式的文件（列出它们），而不是停止
        #[arg(long)]
        skip_unknown: bool,
    },
    /// 写出带注释的默认设置文件
    Init {
        /// 设置文件路径
        #[arg(default_value = "duizhang.toml")]
        path: PathBuf,
        /// 覆盖已有文件
        #[arg(long)]
        force: bool,
    },
    /// 生成一个仿真的月度数据（各平台真实格式的文件，埋入各类问题），并对它对账
    Demo {
        /// 输出目录（演示文件写在 files/，结果写在 results/）
        #[arg(long, default_value = "demo-out")]
        out: PathBuf,
        /// 订单数（50 至 2000000）
        #[arg(long, default_value_t = 2000)]
        orders: usize,
        /// 随机种子（相同种子生成相同数据）
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// 列出支持的文件格式
    Formats,
    #[command(flatten)]
    Workspace(workspace::Command),
}

fn parse_severity(text: &str) -> Result<FindingSeverity, String> {
    FindingSeverity::parse(text).ok_or_else(|| {
        format!("“{text}”不是严重程度（低/中/高/严重，或 low/medium/high/critical）")
    })
}

/// The built-in importers plus the user's mapping profiles (theirs first).
pub fn importers(profiles: &[PathBuf]) -> anyhow::Result<Vec<Box<dyn duizhang_import::Importer>>> {
    duizhang_import::importers_with_profiles(profiles).map_err(|p| anyhow::anyhow!("{}", p.zh()))
}

/// The commented default settings written by `duizhang init`.
pub const DEFAULT_SETTINGS: &str = include_str!("default-settings.toml");

fn init(path: &std::path::Path, force: bool) -> anyhow::Result<ExitCode> {
    if path.exists() && !force {
        anyhow::bail!("{} 已存在；如要覆盖请加 --force", path.display());
    }
    std::fs::write(path, DEFAULT_SETTINGS)?;
    say!(
        "已写出设置文件 {}（内含说明，按需修改店铺与检查设置）",
        path.display()
    );
    Ok(ExitCode::SUCCESS)
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
            profiles,
        } => inspect::run(&files, json, max_errors, &profiles),
        Command::Reconcile {
            inputs,
            period,
            config,
            out,
            fail_on,
            profiles,
            carry_in,
            allow_carry_gap,
            skip_unknown,
            books,
            rules,
            journal,
            report,
            threads,
        } => reconcile::run_with_books(
            reconcile::Args {
                inputs,
                period,
                config,
                out,
                fail_on,
                profiles,
                carry_in,
                allow_carry_gap,
                skip_unknown,
                report,
                threads: threads.map(usize::from),
            },
            reconcile::BooksArgs {
                books,
                rules,
                journal,
            },
        ),
        Command::Vouchers {
            inputs,
            period,
            out,
            config,
            books,
            rules,
            formats,
            template,
            profiles,
            kingdee_book,
            kingdee_org,
            kingdee_words,
            skip_unknown,
        } => vouchers::run(vouchers::Args {
            inputs,
            period,
            config,
            books,
            rules,
            out,
            formats,
            template,
            profiles,
            kingdee_book,
            kingdee_org,
            kingdee_words,
            skip_unknown,
        }),
        Command::Report {
            period,
            results,
            company: Some(company),
            out,
            who,
        } if results.is_empty() => report::run_workspace(&company, &period, &out, &who),
        Command::Report {
            period,
            results,
            out,
            ..
        } => report::run(&period, &results, &out),
        Command::Init { path, force } => init(&path, force),
        Command::Demo { out, orders, seed } => demo::run(&out, orders, seed),
        Command::Formats => inspect::formats(),
        Command::Workspace(command) => workspace::run(command),
    };
    match result {
        Ok(code) => code,
        // Whoever read the output went away (`| head`): nothing to say, nothing went wrong.
        Err(e) if closed_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            note!("错误：{e:#}");
            ExitCode::from(2)
        }
    }
}

fn closed_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_default_settings_file_is_valid_settings() {
        let parsed = duizhang_engine::Settings::from_toml(super::DEFAULT_SETTINGS);
        assert!(parsed.is_ok(), "{parsed:?}");
    }
}
