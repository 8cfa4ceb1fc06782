//! What the store refuses or fails with. Each has a stable code and a Chinese message naming
//! the thing (company, user, case, file); workflow refusals pass through with their own codes.

use duizhang_workflow::WorkflowError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("company {0:?} not found")]
    UnknownCompany(String),
    #[error("company {0:?} exists already")]
    CompanyExists(String),
    #[error("user {0:?} not found")]
    UnknownUser(String),
    #[error("user {0:?} exists already")]
    UserExists(String),
    #[error("the workspace has users already: an admin adds people")]
    NotFirstUser,
    #[error("user {login:?} is not a member of company {company:?}")]
    NotMember { login: String, company: String },
    #[error("wrong password for {0:?}")]
    WrongPassword(String),
    #[error("case {0} not found in this company")]
    UnknownCase(u64),
    #[error("file {0} not found in this company")]
    UnknownFile(String),
    #[error("period {0} is closed")]
    PeriodClosed(String),
    #[error("period {0} has no close requested")]
    CloseNotRequested(String),
    #[error("period {0} is not closed")]
    PeriodNotClosed(String),
    #[error("run {0} made no voucher batch in this company")]
    UnknownBatch(i64),
    #[error("voucher batch of run {run} is out of date: run {latest} of the period replaced it")]
    BatchSuperseded { run: i64, latest: i64 },
    #[error("voucher batch of run {0} is approved already")]
    BatchApproved(i64),
    #[error("voucher batch of run {0} is not approved")]
    BatchNotApproved(i64),
    #[error("correcting voucher {0} not found in this company")]
    UnknownAdjustment(i64),
    #[error("correcting voucher {0} is approved already")]
    AdjustmentApproved(String),
    #[error("case {0}: the finding states no amount to correct")]
    AdjustmentWithoutAmount(u64),
    #[error("case {case}: reason {reason} changes the books but has no voucher rule")]
    AdjustmentWithoutRule { case: u64, reason: String },
    #[error("the chart has no account for role {0}")]
    AccountMissing(String),
    #[error("voucher number {word}-{number} of {period} is held already")]
    VoucherNumberHeld {
        period: String,
        word: String,
        number: i64,
    },
    #[error(
        "period {period} has vouchers waiting for approval: batches {batches:?}, adjustments {adjustments:?}"
    )]
    PendingApprovals {
        period: String,
        /// Runs whose current batch is pending.
        batches: Vec<i64>,
        /// (id, label) of pending correcting vouchers.
        adjustments: Vec<(i64, String)>,
    },
    #[error("a voucher batch of {vouchers} vouchers carries {numbered} numbers")]
    BatchNumbersMismatch { vouchers: i64, numbered: i64 },
    #[error("books file invalid: {detail}")]
    BooksInvalid { message: String, detail: String },
    #[error("case {case} has no attachment {n}")]
    UnknownAttachment { case: u64, n: i64 },
    #[error("attachment {name} is {size} bytes, over the limit of {limit}")]
    AttachmentTooLarge { name: String, size: u64, limit: u64 },
    #[error(transparent)]
    Workflow(#[from] WorkflowError),
    #[error("not a duizhang database: {0}")]
    ForeignDatabase(String),
    #[error("database schema version {found} is newer than this program's {supported}")]
    NewerSchema { found: i64, supported: i64 },
    #[error("database error: {0}")]
    Database(String),
}

impl StoreError {
    /// A stable code for scripts and the API.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::UnknownCompany(_) => "unknown_company",
            StoreError::CompanyExists(_) => "company_exists",
            StoreError::UnknownUser(_) => "unknown_user",
            StoreError::UserExists(_) => "user_exists",
            StoreError::NotFirstUser => "not_first_user",
            StoreError::NotMember { .. } => "not_member",
            StoreError::WrongPassword(_) => "wrong_password",
            StoreError::UnknownCase(_) => "unknown_case",
            StoreError::UnknownFile(_) => "unknown_file",
            StoreError::PeriodClosed(_) => "period_closed",
            StoreError::CloseNotRequested(_) => "close_not_requested",
            StoreError::PeriodNotClosed(_) => "period_not_closed",
            StoreError::UnknownBatch(_) => "unknown_batch",
            StoreError::BatchSuperseded { .. } => "batch_superseded",
            StoreError::BatchApproved(_) => "batch_approved",
            StoreError::BatchNotApproved(_) => "batch_not_approved",
            StoreError::UnknownAdjustment(_) => "unknown_adjustment",
            StoreError::AdjustmentApproved(_) => "adjustment_approved",
            StoreError::AdjustmentWithoutAmount(_) => "adjustment_without_amount",
            StoreError::AdjustmentWithoutRule { .. } => "adjustment_without_rule",
            StoreError::AccountMissing(_) => "account_missing",
            StoreError::VoucherNumberHeld { .. } => "voucher_number_held",
            StoreError::PendingApprovals { .. } => "pending_approvals",
            StoreError::BatchNumbersMismatch { .. } => "batch_numbers_mismatch",
            StoreError::BooksInvalid { .. } => "books_invalid",
            StoreError::UnknownAttachment { .. } => "unknown_attachment",
            StoreError::AttachmentTooLarge { .. } => "attachment_too_large",
            StoreError::Workflow(e) => e.code().as_str(),
            StoreError::ForeignDatabase(_) => "foreign_database",
            StoreError::NewerSchema { .. } => "newer_schema",
            StoreError::Database(_) => "database",
        }
    }

    /// What a user reads.
    pub fn zh(&self) -> String {
        match self {
            StoreError::UnknownCompany(name) => format!("没有名为“{name}”的账套"),
            StoreError::CompanyExists(name) => format!("账套“{name}”已存在"),
            StoreError::UnknownUser(login) => format!("没有用户“{login}”"),
            StoreError::UserExists(login) => format!("用户“{login}”已存在"),
            StoreError::NotFirstUser => {
                "工作区已有用户：请由账套管理员用 --as 登录后添加用户".to_string()
            }
            StoreError::NotMember { login, company } => {
                format!("用户“{login}”不是账套“{company}”的成员")
            }
            StoreError::WrongPassword(login) => format!("用户“{login}”的密码不正确"),
            StoreError::UnknownCase(id) => format!("本账套没有编号为 {id} 的案件"),
            StoreError::UnknownFile(sha) => format!("本账套没有文件 {sha}"),
            StoreError::PeriodClosed(period) => format!("{period} 期间已结账，不能再修改"),
            StoreError::PeriodNotClosed(period) => {
                format!("{period} 期间尚未结账：结账（经审核）后才能归档")
            }
            StoreError::CloseNotRequested(period) => {
                format!("{period} 期间还没有人提交结账，无可审核")
            }
            StoreError::UnknownBatch(run) => {
                format!("对账运行 {run} 没有生成凭证批次（或不属于本账套）")
            }
            StoreError::BatchSuperseded { run, latest } => format!(
                "对账运行 {run} 的凭证已被同期间更新的对账运行 {latest} 取代，不能再审核或导出：请审核运行 {latest} 的凭证"
            ),
            StoreError::BatchApproved(run) => format!("对账运行 {run} 的凭证已审核过"),
            StoreError::BatchNotApproved(run) => format!(
                "对账运行 {run} 的凭证尚未审核：须由制单人以外的财务主管或管理员审核后才能导出"
            ),
            StoreError::UnknownAdjustment(id) => format!("本账套没有编号为 {id} 的调整凭证"),
            StoreError::AdjustmentApproved(label) => format!("调整凭证 {label} 已审核过"),
            StoreError::AdjustmentWithoutAmount(case) => format!(
                "案件 {case} 的问题没有金额，无法生成调整凭证：请改用不影响账务的原因，或以核销金额处理"
            ),
            StoreError::AdjustmentWithoutRule { case, reason } => {
                format!("案件 {case} 的处理原因“{reason}”影响账务，但没有对应的调整凭证规则")
            }
            StoreError::AccountMissing(role) => {
                format!("账套科目表中没有“{role}”对应的科目，无法生成调整凭证")
            }
            StoreError::VoucherNumberHeld {
                period,
                word,
                number,
            } => format!(
                "{period} 期间的凭证号 {word}-{number} 已被占用（对账期间有人生成了调整凭证或审核了凭证批次），本次对账未保存：请重新运行"
            ),
            StoreError::PendingApprovals {
                period,
                batches,
                adjustments,
            } => {
                let mut pending = Vec::new();
                if !batches.is_empty() {
                    let runs: Vec<String> = batches.iter().map(ToString::to_string).collect();
                    pending.push(format!("凭证批次（对账运行 {}）", runs.join("、")));
                }
                if !adjustments.is_empty() {
                    let list: Vec<String> = adjustments
                        .iter()
                        .map(|(id, label)| format!("{id}（{label}）"))
                        .collect();
                    pending.push(format!("调整凭证 {}", list.join("、")));
                }
                format!(
                    "{period} 期间还有待审核的凭证，不能结账：{}。请先由制单人以外的财务主管或管理员审核（duizhang batches approve、duizhang adjustments approve）",
                    pending.join("；")
                )
            }
            StoreError::BatchNumbersMismatch { vouchers, numbered } => format!(
                "凭证批次有 {vouchers} 张凭证，却带有 {numbered} 个凭证号，未保存（程序错误，请报告）"
            ),
            StoreError::BooksInvalid { message, .. } => format!("账套文件有误：{message}"),
            StoreError::UnknownAttachment { case, n } => {
                format!("案件 {case} 没有第 {n} 个附件")
            }
            StoreError::AttachmentTooLarge { name, size, limit } => format!(
                "附件“{name}”有 {size} 字节，超过上限 {limit} 字节（{} MB）",
                limit / 1024 / 1024
            ),
            StoreError::Workflow(e) => e.zh(),
            StoreError::ForeignDatabase(detail) => {
                format!("这不是 duizhang 的数据库，或文件已损坏，未做任何修改（{detail}）")
            }
            StoreError::NewerSchema { found, supported } => format!(
                "数据库由更新版本的 duizhang 创建（结构版本 {found}，本程序支持到 {supported}），请升级程序"
            ),
            StoreError::Database(detail) => format!("数据库出错：{detail}"),
        }
    }
}
