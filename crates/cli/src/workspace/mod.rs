//! The workspace commands: people and companies, imports kept in the store, runs whose
//! findings become cases, the cases' workflow, and the audit log. Every command names who acts
//! (`--as`, with the password from `DUIZHANG_PASSWORD` or asked on the terminal): the store
//! decides what that person may do.

mod audit;
mod batches;
mod cases;
mod close;
mod db;
mod files;
mod order;
mod order_index;
mod people;
mod run;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

/// Where the workspace is and who acts; shared by every workspace command.
#[derive(Args, Clone, Debug)]
pub struct Who {
    /// 工作区数据库：SQLite 文件路径（默认 ./duizhang.db）或 PostgreSQL 地址（postgres://…）
    #[arg(
        long,
        env = "DUIZHANG_DATABASE_URL",
        default_value = "duizhang.db",
        global = true
    )]
    pub db: String,
    /// 操作人（登录名）；密码取自环境变量 DUIZHANG_PASSWORD，未设置时在终端输入
    #[arg(long = "as", env = "DUIZHANG_USER", global = true)]
    pub user: Option<String>,
    /// 输出 JSON（供程序读取）
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Subcommand)]
pub enum Command {
    /// 用户：添加用户、设置角色、列出账套成员
    Users {
        #[command(subcommand)]
        command: people::UsersCommand,
        #[command(flatten)]
        who: Who,
    },
    /// 账套：新建、列出（一个工作区可有多个账套，代账公司每个客户一个）
    Companies {
        #[command(subcommand)]
        command: people::CompaniesCommand,
        #[command(flatten)]
        who: Who,
    },
    /// 把文件导入工作区（按内容去重保存，同一文件再导入不变），作为某期间的对账数据
    Import {
        /// 账套名称
        #[arg(long)]
        company: String,
        /// 这些文件属于的期间，如 2026-10
        #[arg(long)]
        period: String,
        /// 文件或文件夹
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// 映射配置（TOML），可多次指定
        #[arg(long = "profile")]
        profiles: Vec<PathBuf>,
        /// 读取文件的线程数（默认同对账：至多 2）；线程数不影响结果
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..=64))]
        threads: Option<u16>,
        #[command(flatten)]
        who: Who,
    },
    /// 对账：用工作区里该期间的文件对账，保存结果，并把问题变成案件（新开、刷新、自动关闭、重新打开）
    Run {
        #[arg(long)]
        company: String,
        #[arg(long)]
        period: String,
        /// 设置文件（TOML，见 duizhang init）
        #[arg(long)]
        config: Option<PathBuf>,
        /// 账套文件（TOML，见 docs/vouchers.md）；不指定时按小企业会计准则预设生成凭证并做账务检查
        #[arg(long)]
        books: Option<PathBuf>,
        /// 凭证规则文件（TOML），覆盖默认规则
        #[arg(long)]
        rules: Option<PathBuf>,
        /// 映射配置（TOML），可多次指定
        #[arg(long = "profile")]
        profiles: Vec<PathBuf>,
        #[command(flatten)]
        who: Who,
    },
    /// 查订单：列出工作区导入的全部文件（跨期间）中某订单的每一条记录：文件、行号、类型与原文
    Order {
        /// 订单号（支付宝的 T200P… 写法也可）
        order_no: String,
        #[arg(long)]
        company: String,
        #[command(flatten)]
        who: Who,
    },
    /// 案件：列出、查看、分派、处理、提交、审核、退回、重新打开
    Cases {
        #[command(subcommand)]
        command: cases::CasesCommand,
        #[command(flatten)]
        who: Who,
    },
    /// 凭证批次：每次对账运行生成的凭证为一批，经制单人以外的人审核后才能导出
    Batches {
        #[command(subcommand)]
        command: batches::BatchCommand,
        #[command(flatten)]
        who: Who,
    },
    /// 调整凭证：影响账务的案件处理结果生成的红字冲销 / 补充凭证；列出、审核（制单与审核分离）、导出
    Adjustments {
        #[command(subcommand)]
        command: batches::AdjustmentCommand,
        #[command(flatten)]
        who: Who,
    },
    /// 结账：提交、审核（制单与审核分离）、查看状态；结账后期间锁定
    Close {
        #[command(subcommand)]
        command: close::CloseCommand,
        #[command(flatten)]
        who: Who,
    },
    /// 归档：把已结账的期间导出为带哈希清单的 zip，或校验一个归档
    Archive {
        #[command(subcommand)]
        command: close::ArchiveCommand,
        #[command(flatten)]
        who: Who,
    },
    /// 审计日志：校验哈希链、导出
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
        #[command(flatten)]
        who: Who,
    },
}

pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Users { command, who } => people::users(command, &who),
        Command::Companies { command, who } => people::companies(command, &who),
        Command::Import {
            company,
            period,
            inputs,
            profiles,
            threads,
            who,
        } => files::import(
            &company,
            &period,
            &inputs,
            &profiles,
            threads.map_or_else(files::default_readers, usize::from),
            &who,
        ),
        Command::Run {
            company,
            period,
            config,
            books,
            rules,
            profiles,
            who,
        } => run::run(
            &company,
            &period,
            config.as_deref(),
            (books.as_deref(), rules.as_deref()),
            &profiles,
            &who,
        ),
        Command::Cases { command, who } => cases::run(command, &who),
        Command::Order {
            order_no,
            company,
            who,
        } => order::order(&company, &order_no, &who),
        Command::Audit { command, who } => audit::run(command, &who),
        Command::Batches { command, who } => batches::run(command, &who),
        Command::Adjustments { command, who } => batches::adjustments(command, &who),
        Command::Close { command, who } => close::close(command, &who),
        Command::Archive { command, who } => close::archive(command, &who),
    }
}

/// Opens the workspace and signs the acting person in; returns their login.
pub(crate) fn signed_in(
    who: &Who,
) -> anyhow::Result<(duizhang_store::Workspace<db::AnyBackend>, String)> {
    let mut ws = db::open(&who.db)?;
    let login = who
        .user
        .clone()
        .ok_or_else(|| anyhow::anyhow!("请用 --as 登录名（或环境变量 DUIZHANG_USER）指明操作人"))?;
    let password = password_of(&login)?;
    ws.authenticate(&login, &password)
        .map_err(|e| anyhow::anyhow!("{}", e.zh()))?;
    Ok((ws, login))
}

/// `DUIZHANG_PASSWORD`, else asked on the terminal without echo.
fn password_of(login: &str) -> anyhow::Result<String> {
    if let Ok(password) = std::env::var("DUIZHANG_PASSWORD") {
        return Ok(password);
    }
    rpassword::prompt_password(format!("{login} 的密码："))
        .map_err(|e| anyhow::anyhow!("无法读取密码（可设置环境变量 DUIZHANG_PASSWORD）：{e}"))
}

/// The company's 账套 as the workspace keeps it (`companies books`), else the preset; with
/// the seller's rules file over the default rules.
pub(crate) fn company_books(
    ws: &mut duizhang_store::Workspace<db::AnyBackend>,
    company: &str,
    by: &str,
    rules: Option<&std::path::Path>,
) -> anyhow::Result<crate::books::LoadedBooks> {
    let kept = ws.company_books(company, by).map_err(refused)?;
    let origin = format!("账套“{company}”的设置（duizhang companies books）");
    crate::books::preset_or_text(
        kept.as_ref().map(|k| (k.toml.as_str(), origin.as_str())),
        rules,
    )
}

/// A store refusal as the user reads it.
pub(crate) fn refused(e: duizhang_store::StoreError) -> anyhow::Error {
    anyhow::anyhow!("{}", e.zh())
}

fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}
