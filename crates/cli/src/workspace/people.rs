//! `duizhang users ...` and `duizhang companies ...`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use duizhang_workflow::Role;

use super::{Who, db, print_json, refused, signed_in};

#[derive(Subcommand)]
pub enum UsersCommand {
    /// 添加用户。工作区还没有任何用户时，第一位用户无需 --as；之后由账套管理员添加，并用 --company/--role 授予角色
    Add {
        /// 登录名
        login: String,
        /// 姓名
        #[arg(long)]
        name: String,
        /// 授予角色的账套
        #[arg(long)]
        company: Option<String>,
        /// 角色：管理员/会计/财务主管/客服/仓储/审计（或 admin/accountant/reviewer/service/warehouse/auditor），可多次指定
        #[arg(long = "role", value_parser = parse_role)]
        roles: Vec<Role>,
    },
    /// 设置用户在账套中的角色（覆盖原有角色；不给角色即移出账套）
    Grant {
        login: String,
        #[arg(long)]
        company: String,
        #[arg(long = "role", value_parser = parse_role)]
        roles: Vec<Role>,
    },
    /// 列出账套成员与角色
    List {
        #[arg(long)]
        company: String,
    },
}

#[derive(Subcommand)]
pub enum CompaniesCommand {
    /// 新建账套；操作人成为该账套的管理员
    Add { name: String },
    /// 列出账套
    List,
    /// 设置或查看账套的账套文件（科目表与凭证设置，TOML，见 docs/vouchers.md）：调整凭证和对账生成的凭证都用它。
    /// 只有管理员或会计可以设置，每次更改（含更改前后的内容）记入审计日志。不给 --books 时显示当前设置
    Books {
        /// 账套名称
        name: String,
        /// 账套文件（TOML）
        #[arg(long)]
        books: Option<PathBuf>,
    },
}

pub fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| {
        format!("“{text}”不是角色：可用 管理员/会计/财务主管/客服/仓储/审计 或 admin/accountant/reviewer/service/warehouse/auditor")
    })
}

/// The new user's password: `DUIZHANG_NEW_PASSWORD`, else asked twice on the terminal.
fn new_password(login: &str) -> anyhow::Result<String> {
    if let Ok(password) = std::env::var("DUIZHANG_NEW_PASSWORD") {
        return Ok(password);
    }
    let first = rpassword::prompt_password(format!("为 {login} 设置密码："))?;
    let again = rpassword::prompt_password("再输入一次：")?;
    if first != again {
        anyhow::bail!("两次输入的密码不一致");
    }
    if first.chars().count() < 8 {
        anyhow::bail!("密码至少 8 个字符");
    }
    Ok(first)
}

pub fn users(command: UsersCommand, who: &Who) -> anyhow::Result<ExitCode> {
    match command {
        UsersCommand::Add {
            login,
            name,
            company,
            roles,
        } => {
            if who.user.is_none() {
                let mut ws = db::open(&who.db)?;
                let password = new_password(&login)?;
                ws.add_first_user(&login, &name, &password)
                    .map_err(refused)?;
                println!(
                    "已添加第一位用户 {login}（{name}）。接着用 --as {login} 新建账套：duizhang companies add 账套名称 --as {login}"
                );
                return Ok(ExitCode::SUCCESS);
            }
            let (mut ws, by) = signed_in(who)?;
            let company = company.ok_or_else(|| {
                anyhow::anyhow!("请用 --company 指明新用户加入的账套（只有该账套的管理员能添加）")
            })?;
            if roles.is_empty() {
                anyhow::bail!("请用 --role 给新用户至少一个角色");
            }
            let password = new_password(&login)?;
            ws.add_member(&company, &login, &name, &password, &roles, &by)
                .map_err(refused)?;
            println!(
                "已添加用户 {login}（{name}），在账套“{company}”中的角色：{}",
                roles_zh(&roles)
            );
        }
        UsersCommand::Grant {
            login,
            company,
            roles,
        } => {
            let (mut ws, by) = signed_in(who)?;
            ws.grant(&company, &login, &roles, &by).map_err(refused)?;
            if roles.is_empty() {
                println!("已将 {login} 移出账套“{company}”");
            } else {
                println!("{login} 在账套“{company}”中的角色：{}", roles_zh(&roles));
            }
        }
        UsersCommand::List { company } => {
            let (mut ws, _) = signed_in(who)?;
            let members = ws.members(&company).map_err(refused)?;
            if who.json {
                print_json(&members)?;
            } else {
                for m in &members {
                    println!(
                        "{}\t{}\t{}",
                        m.user.login,
                        m.user.display_name,
                        roles_zh(&m.roles)
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn companies(command: CompaniesCommand, who: &Who) -> anyhow::Result<ExitCode> {
    let (mut ws, by) = signed_in(who)?;
    match command {
        CompaniesCommand::Add { name } => {
            ws.create_company(&name, &by).map_err(refused)?;
            println!("已新建账套“{name}”，{by} 是它的管理员");
        }
        CompaniesCommand::List => {
            let companies = ws.companies().map_err(refused)?;
            if who.json {
                print_json(&companies)?;
            } else {
                for c in &companies {
                    println!("{}\t建于 {}", c.name, c.created_at);
                }
            }
        }
        CompaniesCommand::Books {
            name,
            books: Some(path),
        } => {
            let toml = std::fs::read_to_string(&path)
                .map_err(|e| anyhow::anyhow!("无法读取账套文件 {}：{e}", path.display()))?;
            let set = ws
                .set_company_books(&name, &toml, &by)
                .map_err(|e| anyhow::anyhow!("账套文件 {}：{}", path.display(), e.zh()))?;
            if who.json {
                print_json(&set)?;
            } else {
                println!(
                    "已为账套“{name}”设置账套文件 {}：此后的调整凭证和对账凭证都用它的科目表（{by} 于 {} 设置，已记入审计日志）",
                    path.display(),
                    set.set_at
                );
            }
        }
        CompaniesCommand::Books { name, books: None } => {
            let current = ws.company_books(&name, &by).map_err(refused)?;
            if who.json {
                print_json(&current)?;
            } else {
                match current {
                    None => println!(
                        "账套“{name}”未设置账套文件：凭证按小企业会计准则预设科目（一般纳税人）生成。可用 duizhang companies books {name} --books 账套.toml 设置"
                    ),
                    Some(b) => {
                        println!(
                            "账套“{name}”的账套文件（{} 于 {} 设置）：",
                            b.set_by, b.set_at
                        );
                        print!("{}", b.toml);
                    }
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn roles_zh(roles: &[Role]) -> String {
    roles.iter().map(|r| r.zh()).collect::<Vec<_>>().join("、")
}
