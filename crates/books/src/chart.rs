//! The chart of accounts (会计科目表) of one 账套: a preset for 小企业会计准则 or 企业会计准则
//! (level-1 codes of accounting.md §1 plus the sub-accounts e-commerce books need), then the
//! seller's own accounts, names, auxiliary dimensions and role mapping from the 账套 TOML.
//!
//! Voucher rules never name codes: they name *roles* (`revenue`, `fund`, `sell_commission` …)
//! and the chart maps each role to one last-level (末级) code of the seller's books.

use std::collections::{BTreeMap, BTreeSet};

use duizhang_core::FundProvider;
use serde::{Deserialize, Serialize};

use crate::error::BooksError;

/// The accounting standard the 账套 follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standard {
    /// 小企业会计准则: P&L 5xxx, equity 3xxx, no 以前年度损益调整.
    #[serde(alias = "小企业会计准则")]
    Small,
    /// 企业会计准则: P&L 6xxx, equity 4xxx.
    #[serde(alias = "企业会计准则")]
    Enterprise,
}

impl Standard {
    pub fn zh(self) -> &'static str {
        match self {
            Standard::Small => "小企业会计准则",
            Standard::Enterprise => "企业会计准则",
        }
    }
}

/// Kind of account, derived from the code (for Beancount roots and reports).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    Asset,
    Liability,
    Equity,
    Cost,
    Income,
    Expense,
}

impl Category {
    /// From the first digits of the code, per standard (accounting.md §1).
    pub fn of(standard: Standard, code: &str) -> Option<Category> {
        let head = code.get(..4)?;
        let first = head.chars().next()?;
        Some(match (standard, first) {
            (_, '1') => Category::Asset,
            (_, '2') => Category::Liability,
            (Standard::Small, '3') | (Standard::Enterprise, '4') => Category::Equity,
            (Standard::Small, '4') | (Standard::Enterprise, '5') => Category::Cost,
            (Standard::Small, '5') => {
                if matches!(head, "5001" | "5051" | "5111" | "5301") {
                    Category::Income
                } else {
                    Category::Expense
                }
            }
            (Standard::Enterprise, '6') => {
                if matches!(head, "6001" | "6051" | "6101" | "6111" | "6115" | "6301") {
                    Category::Income
                } else {
                    Category::Expense
                }
            }
            _ => return None,
        })
    }
}

/// An auxiliary dimension (辅助核算) a line on an account must carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuxDim {
    /// 店铺
    Shop,
    /// 平台 / 客户 (the marketplace as the customer the books track)
    Platform,
    /// 部门
    Department,
}

impl AuxDim {
    pub fn zh(self) -> &'static str {
        match self {
            AuxDim::Shop => "店铺",
            AuxDim::Platform => "客户",
            AuxDim::Department => "部门",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub code: String,
    pub name: String,
    pub aux: Vec<AuxDim>,
}

/// Every role a voucher rule may name, with what it is for.
pub const ROLES: &[(&str, &str)] = &[
    ("bank", "银行存款（提现到账）"),
    ("fund_alipay", "其他货币资金—支付宝"),
    ("fund_wechat", "其他货币资金—微信"),
    ("fund_pdd", "其他货币资金—拼多多钱包"),
    ("fund_jd", "其他货币资金—京东钱包"),
    ("fund_douyin", "其他货币资金—抖店账户"),
    ("sale_receivable", "应收账款—平台（发货确认收入时）"),
    ("subsidy_receivable", "应收账款—平台补贴"),
    ("deposit", "其他应收款—平台保证金/年费"),
    ("commission_receivable", "其他应收款—平台佣金（待取得发票）"),
    ("carrier_receivable", "其他应收款—快递公司（丢件/破损索赔）"),
    ("inventory", "库存商品"),
    ("goods_shipped", "发出商品"),
    ("pending_loss", "待处理财产损溢"),
    ("advance", "预收账款 / 合同负债"),
    ("output_vat", "应交税费—应交增值税（销项税额）"),
    ("revenue", "主营业务收入"),
    ("cogs", "主营业务成本"),
    ("sell_commission", "销售费用—平台佣金"),
    ("sell_platform_fee", "销售费用—技术服务费"),
    ("sell_points", "销售费用—返点积分"),
    ("sell_freight", "销售费用—运费"),
    ("sell_insurance", "销售费用—运费险"),
    ("sell_after_sales", "销售费用—售后服务费"),
    ("sell_compensation", "销售费用—售后赔付"),
    ("sell_cashback", "销售费用—返现"),
    ("sell_penalty", "销售费用—平台违约金"),
    ("fin_fee", "财务费用—手续费"),
    ("fin_discount", "财务费用—现金折扣"),
    ("rounding", "尾差"),
    ("non_operating_income", "营业外收入"),
    ("non_operating_expense", "营业外支出"),
    ("prior_year_adjustment", "以前年度损益调整"),
];

pub fn is_role(name: &str) -> bool {
    ROLES.iter().any(|(r, _)| *r == name)
}

/// The fund-account role of a provider (`fund_alipay` …).
pub fn fund_role(provider: FundProvider) -> &'static str {
    match provider {
        FundProvider::Alipay => "fund_alipay",
        FundProvider::Wechat => "fund_wechat",
        FundProvider::Pdd => "fund_pdd",
        FundProvider::Jd => "fund_jd",
        FundProvider::Douyin => "fund_douyin",
    }
}

type Preset = (&'static str, &'static str);

const COMMON_ASSETS_LIABILITIES: &[Preset] = &[
    ("1001", "库存现金"),
    ("1002", "银行存款"),
    ("1012", "其他货币资金"),
    ("101201", "支付宝"),
    ("101202", "微信"),
    ("101203", "拼多多钱包"),
    ("101204", "京东钱包"),
    ("101205", "抖店账户"),
    ("1122", "应收账款"),
    ("112201", "平台"),
    ("112202", "平台补贴"),
    ("1123", "预付账款"),
    ("1221", "其他应收款"),
    ("122101", "平台保证金"),
    ("122102", "平台佣金"),
    ("122103", "快递公司"),
    ("1405", "库存商品"),
    ("1406", "发出商品"),
    ("1901", "待处理财产损溢"),
    ("2202", "应付账款"),
    ("2203", "预收账款"),
    ("2221", "应交税费"),
    ("222101", "应交增值税"),
    ("2241", "其他应付款"),
];

const SMALL: &[Preset] = &[
    ("3001", "实收资本"),
    ("3103", "本年利润"),
    ("3104", "利润分配"),
    ("5001", "主营业务收入"),
    ("5051", "其他业务收入"),
    ("5301", "营业外收入"),
    ("5401", "主营业务成本"),
    ("5403", "税金及附加"),
    ("5601", "销售费用"),
    ("5602", "管理费用"),
    ("5603", "财务费用"),
    ("5711", "营业外支出"),
    ("5801", "所得税费用"),
];

const ENTERPRISE: &[Preset] = &[
    // CAS 14 合同负债 has no code in the 2006 list; 2204 is a common choice (company-chosen).
    ("2204", "合同负债"),
    ("2801", "预计负债"),
    ("4001", "实收资本"),
    ("4103", "本年利润"),
    ("4104", "利润分配"),
    ("6001", "主营业务收入"),
    ("6051", "其他业务收入"),
    ("6301", "营业外收入"),
    ("6401", "主营业务成本"),
    ("6403", "税金及附加"),
    ("6601", "销售费用"),
    ("6602", "管理费用"),
    ("6603", "财务费用"),
    ("6711", "营业外支出"),
    ("6801", "所得税费用"),
    ("6901", "以前年度损益调整"),
];

/// Sub-accounts of 销售费用 (5601/6601) and 财务费用 (5603/6603), suffix and name.
const SELLING_SUBS: &[(&str, &str, &str)] = &[
    ("01", "平台佣金", "sell_commission"),
    ("02", "技术服务费", "sell_platform_fee"),
    ("03", "返点积分", "sell_points"),
    ("04", "运费", "sell_freight"),
    ("05", "运费险", "sell_insurance"),
    ("06", "售后服务费", "sell_after_sales"),
    ("07", "售后赔付", "sell_compensation"),
    ("08", "返现", "sell_cashback"),
    ("09", "平台违约金", "sell_penalty"),
];
const FINANCE_SUBS: &[(&str, &str, &str)] = &[
    ("01", "手续费", "fin_fee"),
    ("02", "现金折扣", "fin_discount"),
    ("03", "尾差", "rounding"),
];

/// How the seller pays VAT: decides the 应交税费 sub-accounts of the preset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Taxpayer {
    /// 一般纳税人: 应交税费—应交增值税—销项税额 (22210105).
    General,
    /// 小规模纳税人: 应交税费—应交增值税 without the 销项/进项 split.
    SmallScale,
    /// Books without VAT lines (e.g. 免税): revenue at the gross amount.
    None,
}

/// The chart part of the 账套 TOML.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartConfig {
    /// Accounts to add, or to rename / give aux dimensions when the code exists.
    #[serde(default)]
    pub accounts: Vec<AccountConfig>,
    /// Role → the seller's last-level code.
    #[serde(default)]
    pub roles: BTreeMap<String, String>,
    /// Sub-accounts per fund account (one Alipay account per shop …): first match wins,
    /// before the provider's `fund_*` role.
    #[serde(default)]
    pub fund_accounts: Vec<FundAccountConfig>,
    /// Department (部门) per shop id, for accounts with the `department` dimension.
    #[serde(default)]
    pub departments: BTreeMap<String, String>,
    /// Platform → customer (客户) aux value; defaults to the platform's Chinese name.
    #[serde(default)]
    pub customers: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountConfig {
    pub code: String,
    pub name: Option<String>,
    #[serde(default)]
    pub aux: Vec<AuxDim>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundAccountConfig {
    pub provider: FundProvider,
    /// The account as the bill names it (Alipay 账号, 商户号); none = every account of the provider.
    pub account: Option<String>,
    /// Shop id; none = every shop.
    pub shop: Option<String>,
    pub code: String,
}

/// A built, validated chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chart {
    pub standard: Standard,
    accounts: BTreeMap<String, Account>,
    roles: BTreeMap<String, String>,
    funds: Vec<FundAccountConfig>,
    departments: BTreeMap<String, String>,
    customers: BTreeMap<String, String>,
}

impl Chart {
    /// The preset of a standard and taxpayer kind, then the seller's configuration.
    pub fn build(
        standard: Standard,
        taxpayer: Taxpayer,
        config: &ChartConfig,
    ) -> Result<Chart, BooksError> {
        let mut accounts: BTreeMap<String, Account> = BTreeMap::new();
        let mut add = |code: &str, name: &str| {
            accounts.insert(
                code.to_string(),
                Account {
                    code: code.to_string(),
                    name: name.to_string(),
                    aux: Vec::new(),
                },
            );
        };
        let specific = match standard {
            Standard::Small => SMALL,
            Standard::Enterprise => ENTERPRISE,
        };
        for (code, name) in COMMON_ASSETS_LIABILITIES.iter().chain(specific) {
            add(code, name);
        }
        let (selling, finance, p) = match standard {
            Standard::Small => ("5601", "5603", '5'),
            Standard::Enterprise => ("6601", "6603", '6'),
        };
        let mut roles: BTreeMap<String, String> = BTreeMap::new();
        for (parent, subs) in [(selling, SELLING_SUBS), (finance, FINANCE_SUBS)] {
            for (suffix, name, role) in subs {
                let code = format!("{parent}{suffix}");
                add(&code, name);
                roles.insert((*role).to_string(), code);
            }
        }
        if taxpayer == Taxpayer::General {
            add("22210105", "销项税额");
            add("22210101", "进项税额");
            roles.insert("output_vat".into(), "22210105".into());
        } else {
            roles.insert("output_vat".into(), "222101".into());
        }
        let code = |tail: &str| format!("{p}{tail}");
        for (role, c) in [
            ("bank", "1002".to_string()),
            ("fund_alipay", "101201".into()),
            ("fund_wechat", "101202".into()),
            ("fund_pdd", "101203".into()),
            ("fund_jd", "101204".into()),
            ("fund_douyin", "101205".into()),
            ("sale_receivable", "112201".into()),
            ("subsidy_receivable", "112202".into()),
            ("deposit", "122101".into()),
            ("commission_receivable", "122102".into()),
            ("carrier_receivable", "122103".into()),
            ("inventory", "1405".into()),
            ("goods_shipped", "1406".into()),
            ("pending_loss", "1901".into()),
            ("revenue", code("001")),
            ("cogs", code("401")),
            ("non_operating_income", code("301")),
            ("non_operating_expense", code("711")),
        ] {
            roles.insert(role.to_string(), c);
        }
        match standard {
            Standard::Small => {
                roles.insert("advance".into(), "2203".into());
            }
            Standard::Enterprise => {
                roles.insert("advance".into(), "2204".into());
                roles.insert("prior_year_adjustment".into(), "6901".into());
            }
        }

        for a in &config.accounts {
            validate_code(&a.code)?;
            if Category::of(standard, &a.code).is_none() {
                return Err(BooksError::config(
                    format!("科目编码“{}”不属于{}的任何类别", a.code, standard.zh()),
                    format!("account code {} has no category", a.code),
                ));
            }
            match accounts.get_mut(&a.code) {
                Some(existing) => {
                    if let Some(name) = &a.name {
                        existing.name.clone_from(name);
                    }
                    existing.aux.clone_from(&a.aux);
                }
                None => {
                    let name = a.name.clone().ok_or_else(|| {
                        BooksError::config(
                            format!("新增科目“{}”缺少名称（name）", a.code),
                            format!("new account {} needs a name", a.code),
                        )
                    })?;
                    accounts.insert(
                        a.code.clone(),
                        Account {
                            code: a.code.clone(),
                            name,
                            aux: a.aux.clone(),
                        },
                    );
                }
            }
        }
        for (role, code) in &config.roles {
            if !is_role(role) {
                return Err(BooksError::config(
                    format!("未知的科目用途“{role}”"),
                    format!("unknown role {role:?}"),
                ));
            }
            roles.insert(role.clone(), code.clone());
        }
        // A provider role whose account the seller split into sub-accounts (one per shop or
        // account) is no longer usable by itself: rows must match a `fund_accounts` entry.
        let split: Vec<String> = roles
            .iter()
            .filter(|(role, code)| {
                role.starts_with("fund_")
                    && !config.roles.contains_key(role.as_str())
                    && config
                        .fund_accounts
                        .iter()
                        .any(|f| f.code.starts_with(code.as_str()) && f.code != **code)
            })
            .map(|(role, _)| role.clone())
            .collect();
        for role in split {
            roles.remove(&role);
        }
        let chart = Chart {
            standard,
            accounts,
            roles,
            funds: config.fund_accounts.clone(),
            departments: config.departments.clone(),
            customers: config.customers.clone(),
        };
        for (role, code) in &chart.roles {
            chart.require_leaf(code).map_err(|e| {
                BooksError::config(
                    format!("科目用途“{role}”：{}", e.message),
                    format!("role {role}: {}", e.detail),
                )
            })?;
        }
        for f in &chart.funds {
            chart.require_leaf(&f.code)?;
        }
        for platform in chart.customers.keys() {
            if duizhang_core::Platform::parse(platform).is_none() {
                return Err(BooksError::config(
                    format!("客户对照中的平台“{platform}”无法识别"),
                    format!("unknown platform {platform:?} in customers"),
                ));
            }
        }
        Ok(chart)
    }

    pub fn account(&self, code: &str) -> Option<&Account> {
        self.accounts.get(code)
    }

    pub fn accounts(&self) -> impl Iterator<Item = &Account> {
        self.accounts.values()
    }

    /// A last-level (末级) account: no other account's code extends this one.
    pub fn is_leaf(&self, code: &str) -> bool {
        self.accounts
            .range::<str, _>((std::ops::Bound::Excluded(code), std::ops::Bound::Unbounded))
            .next()
            .is_none_or(|(next, _)| !next.starts_with(code))
    }

    /// The parent account (longest existing code that is a strict prefix).
    pub fn parent(&self, code: &str) -> Option<&Account> {
        (1..code.len())
            .rev()
            .filter_map(|n| code.get(..n))
            .find_map(|prefix| self.accounts.get(prefix))
    }

    /// `其他货币资金—支付宝`: the names from level 1 down.
    pub fn full_name(&self, code: &str) -> String {
        let mut names = Vec::new();
        let mut current = self.accounts.get(code);
        while let Some(a) = current {
            names.push(a.name.as_str());
            current = self.parent(&a.code);
        }
        names.reverse();
        names.join("—")
    }

    pub fn require_leaf(&self, code: &str) -> Result<&Account, BooksError> {
        let account = self.accounts.get(code).ok_or_else(|| {
            BooksError::config(
                format!("科目“{code}”不在科目表中"),
                format!("account {code} not in the chart"),
            )
        })?;
        if !self.is_leaf(code) {
            return Err(BooksError::config(
                format!("科目“{code} {}”不是末级科目", account.name),
                format!("account {code} is not last-level"),
            ));
        }
        Ok(account)
    }

    /// The code of a role.
    pub fn role(&self, role: &str) -> Option<&str> {
        self.roles.get(role).map(String::as_str)
    }

    /// The fund sub-account of a row: the first configured fund account that matches
    /// provider, account and shop, else the provider's role.
    pub fn fund_code(
        &self,
        provider: FundProvider,
        account: Option<&str>,
        shop: &str,
    ) -> Option<&str> {
        self.funds
            .iter()
            .find(|f| {
                f.provider == provider
                    && f.account.as_deref().is_none_or(|a| Some(a) == account)
                    && f.shop.as_deref().is_none_or(|s| s == shop)
            })
            .map(|f| f.code.as_str())
            .or_else(|| self.role(fund_role(provider)))
    }

    /// Every fund-account code (configured sub-accounts and provider roles).
    pub fn fund_codes(&self) -> BTreeSet<&str> {
        let mut codes: BTreeSet<&str> = self.funds.iter().map(|f| f.code.as_str()).collect();
        for p in [
            FundProvider::Alipay,
            FundProvider::Wechat,
            FundProvider::Pdd,
            FundProvider::Jd,
            FundProvider::Douyin,
        ] {
            if let Some(c) = self.role(fund_role(p)) {
                codes.insert(c);
            }
        }
        codes
    }

    pub fn department(&self, shop: &str) -> Option<&str> {
        self.departments.get(shop).map(String::as_str)
    }

    /// The customer (客户) aux value of a platform.
    pub fn customer(&self, platform: duizhang_core::Platform) -> String {
        self.customers
            .iter()
            .find(|(p, _)| duizhang_core::Platform::parse(p) == Some(platform))
            .map_or_else(|| platform.zh().to_string(), |(_, c)| c.clone())
    }
}

fn validate_code(code: &str) -> Result<(), BooksError> {
    if code.len() < 4 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(BooksError::config(
            format!("科目编码“{code}”须为至少4位数字"),
            format!("account code {code:?} must be 4+ digits"),
        ));
    }
    Ok(())
}
