//! Reconciliation settings (TOML): shops, fund accounts, fee rates, and per-check tolerances,
//! windows, severities and switches, globally and per shop. Unknown keys are errors.

use std::collections::BTreeMap;

use duizhang_core::{FindingSeverity, FundProvider, Owner, Platform, RatePpm};
use serde::{Deserialize, Serialize};

use crate::catalog::{CATALOG, CheckDef, lookup};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The seller's shops. Without any, one shop per platform is assumed (named after it).
    #[serde(default)]
    pub shops: Vec<ShopSettings>,
    /// Per-check settings for every shop, keyed by check code.
    #[serde(default)]
    pub checks: BTreeMap<String, CheckSettings>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShopSettings {
    /// The shop id used in findings (`shop`).
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    pub platform: Platform,
    /// Shop names as files write them (订单报表 店铺名称, ERP 店铺).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Fund accounts that belong to the shop: Alipay 账号, WeChat 商户号, …
    #[serde(default)]
    pub fund_accounts: Vec<String>,
    /// Payment fee rate when the bill states none, e.g. "0.6%".
    #[serde(default)]
    pub payment_fee_rate: Option<String>,
    /// Platform commission rate, e.g. "5%".
    #[serde(default)]
    pub commission_rate: Option<String>,
    /// Per-check settings for this shop only (over the global ones).
    #[serde(default)]
    pub checks: BTreeMap<String, CheckSettings>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSettings {
    pub enabled: Option<bool>,
    /// `high` or 高 …
    #[serde(default, deserialize_with = "severity")]
    pub severity: Option<FindingSeverity>,
    /// Who handles the check's findings: `finance` / 财务, `service` / 客服,
    /// `warehouse` / 仓储.
    #[serde(default, deserialize_with = "owner")]
    pub owner: Option<Owner>,
    /// Absolute tolerance in 分 (0 to [`MAX_TOLERANCE_FEN`]).
    #[serde(default, deserialize_with = "tolerance_fen")]
    pub tolerance_fen: Option<i64>,
    /// Relative tolerance in percent of the expected amount (the check's base), e.g. "0.5"
    /// (0 to 100).
    pub tolerance_percent: Option<String>,
    /// Days (0 to [`MAX_WINDOW_DAYS`]).
    #[serde(default, deserialize_with = "window_days")]
    pub window_days: Option<i64>,
    /// A limit in percent (DISCOUNT_EXCESSIVE: total discount / goods total; 0 to 100).
    #[serde(default, deserialize_with = "limit_percent")]
    pub limit_percent: Option<i64>,
}

/// The longest window a check may wait: a year. Longer is a typing slip, not a rule.
pub const MAX_WINDOW_DAYS: i64 = 366;
/// The largest difference a check may tolerate: 100 万元.
pub const MAX_TOLERANCE_FEN: i64 = 100_000_000;

/// The range and unit of each integer setting of a check.
fn range_of(key: &str) -> (std::ops::RangeInclusive<i64>, &'static str) {
    match key {
        "window_days" => (0..=MAX_WINDOW_DAYS, "天"),
        "tolerance_fen" => (0..=MAX_TOLERANCE_FEN, "分"),
        _ => (0..=100, "百分比"),
    }
}

fn out_of_range(key: &str, v: i64) -> Option<String> {
    let (range, unit) = range_of(key);
    (!range.contains(&v)).then(|| {
        format!(
            "{key} 应为 {} 至 {} 之间的整数（{unit}），而不是 {v}",
            range.start(),
            range.end()
        )
    })
}

/// An integer setting within its range, refused where it is written otherwise (the parser
/// then names the line).
fn ranged<'de, D: serde::Deserializer<'de>>(d: D, key: &str) -> Result<Option<i64>, D::Error> {
    let v = i64::deserialize(d)?;
    match out_of_range(key, v) {
        None => Ok(Some(v)),
        Some(why) => Err(serde::de::Error::custom(why)),
    }
}

/// A severity in English or Chinese, refused in Chinese where it is written otherwise.
fn severity<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<FindingSeverity>, D::Error> {
    let text = String::deserialize(d)?;
    FindingSeverity::parse(&text).map(Some).ok_or_else(|| {
        serde::de::Error::custom(format!(
            "severity 应为 低/中/高/严重（或 low/medium/high/critical），而不是“{text}”"
        ))
    })
}

/// An owner in English or Chinese, refused in Chinese where it is written otherwise.
fn owner<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Owner>, D::Error> {
    let text = String::deserialize(d)?;
    Owner::parse(&text).map(Some).ok_or_else(|| {
        serde::de::Error::custom(format!(
            "owner 应为 财务/客服/仓储（或 finance/service/warehouse），而不是“{text}”"
        ))
    })
}

fn tolerance_fen<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    ranged(d, "tolerance_fen")
}

fn window_days<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    ranged(d, "window_days")
}

fn limit_percent<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    ranged(d, "limit_percent")
}

/// A rate (`"0.6%"`) or a percent (`"0.5"`) setting between 0 and 100 %.
fn percent_in_range(rate: &str) -> Option<RatePpm> {
    RatePpm::parse(rate)
        .ok()
        .filter(|r| (0..=1_000_000).contains(&r.0))
}

/// A check's settings after defaults, global and per-shop values are combined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Effective {
    pub def: &'static CheckDef,
    pub enabled: bool,
    pub severity: FindingSeverity,
    /// Who handles the findings: the catalog's owner unless the settings say otherwise.
    pub owner: Owner,
    pub tolerance_fen: i64,
    /// Relative tolerance in parts per million of the base.
    pub tolerance_ppm: i64,
    pub window_days: i64,
    pub limit_percent: i64,
}

impl Effective {
    /// The tolerance for an amount: max(absolute, percent × |base|).
    pub fn tolerance_for(&self, base_fen: i64) -> i64 {
        let relative = i128::from(base_fen.abs()) * i128::from(self.tolerance_ppm) / 1_000_000;
        self.tolerance_fen
            .max(i64::try_from(relative).unwrap_or(i64::MAX))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SettingsError(pub String);

impl Settings {
    /// Parses and validates a settings file; errors are in Chinese and name the line, the
    /// key and the range a value must keep.
    pub fn from_toml(text: &str) -> Result<Settings, SettingsError> {
        let settings: Settings = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map_or_else(String::new, |span| at_line(text, span.start));
            SettingsError(format!("设置文件有误{at}：{}", e.message().trim()))
        })?;
        settings.validate().map_err(|SettingsError(message)| {
            // Point at the value the message quotes, where the file has it.
            let at = message
                .split('“')
                .skip(1)
                .filter_map(|rest| rest.split('”').next())
                .find_map(|value| line_quoting(text, value))
                .map_or_else(String::new, |i| at_line(text, i));
            SettingsError(message.replacen("设置文件有误", &format!("设置文件有误{at}"), 1))
        })?;
        Ok(settings)
    }

    pub fn validate(&self) -> Result<(), SettingsError> {
        let mut all = vec![("", &self.checks)];
        all.extend(self.shops.iter().map(|s| (s.id.as_str(), &s.checks)));
        for (shop, checks) in all {
            for (code, c) in checks {
                if lookup(code).is_none() {
                    return Err(SettingsError(format!(
                        "设置文件有误：未知的检查代码“{code}”{}",
                        in_shop(shop)
                    )));
                }
                if let Some(p) = &c.tolerance_percent
                    && percent_in_range(&format!("{p}%")).is_none()
                {
                    return Err(SettingsError(format!(
                        "设置文件有误：检查 {code}{} 的 tolerance_percent “{p}” 应为 0 至 100 之间的百分数（如 \"0.5\"）",
                        in_shop(shop)
                    )));
                }
                for (key, value) in [
                    ("window_days", c.window_days),
                    ("tolerance_fen", c.tolerance_fen),
                    ("limit_percent", c.limit_percent),
                ] {
                    if let Some(why) = value.and_then(|v| out_of_range(key, v)) {
                        return Err(SettingsError(format!(
                            "设置文件有误：检查 {code}{} 的 {why}",
                            in_shop(shop)
                        )));
                    }
                }
            }
        }
        let mut ids = std::collections::BTreeSet::new();
        for s in &self.shops {
            // An empty name would match every record whose file leaves the shop blank.
            let names = s.aliases.iter().map(|a| ("aliases", a));
            let blank = std::iter::once(("id", &s.id))
                .chain(s.name.iter().map(|n| ("name", n)))
                .chain(names)
                .chain(s.fund_accounts.iter().map(|a| ("fund_accounts", a)))
                .find(|(_, v)| v.trim().is_empty());
            if let Some((key, _)) = blank {
                return Err(SettingsError(format!(
                    "设置文件有误：店铺 “{}” 的 {key} 有空值；请删去空值或写上名称",
                    s.id
                )));
            }
            if !ids.insert(s.id.as_str()) {
                return Err(SettingsError(format!(
                    "设置文件有误：店铺 id “{}” 重复",
                    s.id
                )));
            }
            for (key, rate) in [
                ("payment_fee_rate", &s.payment_fee_rate),
                ("commission_rate", &s.commission_rate),
            ] {
                if let Some(r) = rate
                    && percent_in_range(r).is_none()
                {
                    return Err(SettingsError(format!(
                        "设置文件有误：店铺 {} 的 {key} “{r}” 应为 0 至 100% 之间的费率（例：0.6%）",
                        s.id
                    )));
                }
            }
        }
        // A fund account belongs to one shop: two shops sharing one would make every row of it
        // belong to whichever shop is listed first. (Shop names may repeat across platforms:
        // one brand often has a shop of its name on each.)
        let mut owners: BTreeMap<&str, &str> = BTreeMap::new();
        for s in &self.shops {
            for account in &s.fund_accounts {
                if let Some(other) = owners.insert(account.trim(), &s.id)
                    && other != s.id
                {
                    return Err(SettingsError(format!(
                        "设置文件有误：fund_accounts 中的资金账户“{}”同时属于店铺 {other} 和 {}；一个资金账户只能属于一个店铺",
                        account.trim(),
                        s.id
                    )));
                }
            }
        }
        Ok(())
    }

    /// The effective settings of `code` for `shop`.
    pub fn check(&self, shop: &str, code: &str) -> Option<Effective> {
        let def = lookup(code)?;
        let mut e = Effective {
            def,
            enabled: true,
            severity: def.severity,
            owner: def.owner,
            tolerance_fen: def.tolerance_fen,
            tolerance_ppm: 0,
            window_days: def.window_days,
            limit_percent: if code == "DISCOUNT_EXCESSIVE" { 50 } else { 0 },
        };
        let layers = [
            self.checks.get(code),
            self.shop(shop).and_then(|s| s.checks.get(code)),
        ];
        for c in layers.into_iter().flatten() {
            if let Some(v) = c.enabled {
                e.enabled = v;
            }
            if let Some(v) = c.severity {
                e.severity = v;
            }
            if let Some(v) = c.owner {
                e.owner = v;
            }
            if let Some(v) = c.tolerance_fen {
                e.tolerance_fen = v;
            }
            if let Some(v) = &c.tolerance_percent {
                e.tolerance_ppm = RatePpm::parse(&format!("{v}%")).map_or(0, |r| r.0);
            }
            if let Some(v) = c.window_days {
                e.window_days = v;
            }
            if let Some(v) = c.limit_percent {
                e.limit_percent = v;
            }
        }
        Some(e)
    }

    pub fn shop(&self, id: &str) -> Option<&ShopSettings> {
        self.shops.iter().find(|s| s.id == id)
    }

    /// The shop a record belongs to: by the shop name the file gives (id, name or alias), else
    /// by fund account; with no shops configured, a shop named after the platform; else, for a
    /// record that names neither a shop nor an account the settings do not know, the only
    /// configured shop of the platform. Never guessed: a shop name or fund account that no
    /// shop is configured with belongs to a shop the settings do not know (`None`, reported
    /// by the shop partition), not to another shop of the platform.
    pub fn resolve_shop(
        &self,
        platform: Platform,
        shop_text: Option<&str>,
        account: Option<&str>,
    ) -> Option<String> {
        if let Some(text) = shop_text {
            let t = text.trim();
            if let Some(s) = self.shops.iter().find(|s| {
                s.id == t || s.name.as_deref() == Some(t) || s.aliases.iter().any(|a| a == t)
            }) {
                return Some(s.id.clone());
            }
        }
        if let Some(acc) = account
            && let Some(s) = self
                .shops
                .iter()
                .find(|s| s.fund_accounts.iter().any(|a| a == acc))
        {
            return Some(s.id.clone());
        }
        if self.shops.is_empty() {
            // No shops configured: one shop per platform, whatever names the files use, so a
            // Tmall order and the Alipay row that pays it meet in the same shop.
            return Some(platform_family(platform).code().to_string());
        }
        if shop_text.is_some_and(|t| !t.trim().is_empty()) {
            return None;
        }
        let same_platform: Vec<&ShopSettings> = self
            .shops
            .iter()
            .filter(|s| platform_family(s.platform) == platform_family(platform))
            .collect();
        match same_platform.as_slice() {
            // An account is told only by fund_accounts once the shop lists any.
            [only]
                if account.is_none_or(|a| a.trim().is_empty()) || only.fund_accounts.is_empty() =>
            {
                Some(only.id.clone())
            }
            _ => None,
        }
    }
}

/// `（第 N 行）` for a byte offset into the settings text.
fn at_line(text: &str, offset: usize) -> String {
    let line = text
        .get(..offset)
        .map_or(1, |before| before.matches('\n').count() + 1);
    format!("（第 {line} 行）")
}

/// The byte offset of the last line that writes `value` quoted (`"value"` or `'value'`):
/// for a value met twice, the second place is the one to fix.
fn line_quoting(text: &str, value: &str) -> Option<usize> {
    ["\"", "'"]
        .iter()
        .filter_map(|q| text.rfind(&format!("{q}{value}{q}")))
        .max()
}

fn in_shop(shop: &str) -> String {
    if shop.is_empty() {
        String::new()
    } else {
        format!("（店铺 {shop}）")
    }
}

/// Taobao and Tmall shops share one Alipay account family: a Tmall shop's records may be
/// labelled Taobao by files that cannot tell them apart.
pub fn platform_family(p: Platform) -> Platform {
    match p {
        Platform::Tmall => Platform::Taobao,
        other => other,
    }
}

/// The platform whose money a fund provider holds (for shop resolution of fund rows).
pub fn provider_platform(p: FundProvider) -> Platform {
    match p {
        FundProvider::Alipay => Platform::Taobao,
        FundProvider::Wechat => Platform::Wechat,
        FundProvider::Pdd => Platform::Pdd,
        FundProvider::Jd => Platform::Jd,
        FundProvider::Douyin => Platform::Douyin,
    }
}

/// Every catalog code, for documentation and `init`.
pub fn all_codes() -> impl Iterator<Item = &'static str> {
    CATALOG.iter().map(|c| c.code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str) -> String {
        match Settings::from_toml(text) {
            Ok(s) => panic!("accepted: {s:?}"),
            Err(SettingsError(message)) => message,
        }
    }

    #[test]
    fn negative_windows_tolerances_and_limits_are_refused_naming_line_and_key() {
        let m = refused("[checks.REFUND_UNPAID]\nwindow_days = -3\n");
        assert!(
            m.contains("第 2 行") && m.contains("window_days") && m.contains("0 至 366"),
            "{m}"
        );
        let m = refused("\n[checks.FEE_MISMATCH]\ntolerance_fen = -1\n");
        assert!(m.contains("第 3 行") && m.contains("tolerance_fen"), "{m}");
        let m = refused("[checks.DISCOUNT_EXCESSIVE]\nlimit_percent = 101\n");
        assert!(m.contains("limit_percent") && m.contains("0 至 100"), "{m}");
        let m = refused("[checks.FEE_MISMATCH]\ntolerance_percent = \"-0.5\"\n");
        assert!(
            m.contains("第 2 行") && m.contains("tolerance_percent"),
            "{m}"
        );
    }

    #[test]
    fn a_window_of_ten_million_days_is_refused_not_a_panic() {
        let m = refused("[checks.AFTERSALE_OVERDUE]\nwindow_days = 10000000\n");
        assert!(m.contains("window_days"), "{m}");
    }

    #[test]
    fn the_edges_of_each_range_are_accepted() {
        let ok = Settings::from_toml(
            "[checks.AFTERSALE_OVERDUE]\nwindow_days = 0\n[checks.REFUND_UNPAID]\nwindow_days = 366\n\
             [checks.FEE_MISMATCH]\ntolerance_fen = 0\ntolerance_percent = \"100\"\n\
             [checks.DISCOUNT_EXCESSIVE]\nlimit_percent = 100\n",
        );
        assert!(ok.is_ok(), "{ok:?}");
    }

    #[test]
    fn a_rate_below_zero_or_above_all_is_refused() {
        for rate in ["-5%", "101%"] {
            let m = refused(&format!(
                "[[shops]]\nid = \"t\"\nplatform = \"tmall\"\ncommission_rate = \"{rate}\"\n"
            ));
            assert!(
                m.contains("第 4 行") && m.contains("commission_rate"),
                "{m}"
            );
        }
    }

    #[test]
    fn two_shops_sharing_one_fund_account_are_refused() {
        let m = refused(
            "[[shops]]\nid = \"tmall\"\nplatform = \"tmall\"\nfund_accounts = [\"2088001\"]\n\n\
             [[shops]]\nid = \"taobao\"\nplatform = \"taobao\"\nfund_accounts = [\"2088001\"]\n",
        );
        assert!(
            m.contains("第 9 行") && m.contains("2088001") && m.contains("tmall"),
            "{m}"
        );
    }

    #[test]
    fn a_blank_alias_or_account_is_refused() {
        for line in ["aliases = [\"\"]", "fund_accounts = [\" \"]", "name = \"\""] {
            let text = format!("[[shops]]\nid = \"tb\"\nplatform = \"taobao\"\n{line}\n");
            assert!(Settings::from_toml(&text).is_err(), "{line}");
        }
        let m = refused("[[shops]]\nid = \"\"\nplatform = \"taobao\"\n");
        assert!(m.contains("id 有空值"), "{m}");
    }

    #[test]
    fn one_brand_name_on_shops_of_two_platforms_is_accepted() {
        let ok = Settings::from_toml(
            "[[shops]]\nid = \"tmall\"\nname = \"禾木家居\"\nplatform = \"tmall\"\nfund_accounts = [\"2088001\"]\n\n\
             [[shops]]\nid = \"pdd\"\nname = \"禾木家居\"\nplatform = \"pdd\"\n",
        );
        assert!(ok.is_ok(), "{ok:?}");
    }

    #[test]
    fn severity_and_owner_are_read_in_chinese_as_in_english() {
        let s = Settings::from_toml(
            "[checks.REFUND_ONLY_SHIPPED]\nseverity = \"高\"\nowner = \"仓储\"\n\n\
             [checks.FEE_MISMATCH]\nseverity = \"critical\"\nowner = \"finance\"\n",
        )
        .expect("settings");
        let e = s.check("any", "REFUND_ONLY_SHIPPED").expect("check");
        assert_eq!(
            (e.severity, e.owner),
            (FindingSeverity::High, Owner::Warehouse)
        );
        let e = s.check("any", "FEE_MISMATCH").expect("check");
        assert_eq!(
            (e.severity, e.owner),
            (FindingSeverity::Critical, Owner::Finance)
        );
    }

    #[test]
    fn a_shop_may_hand_a_check_to_another_role() {
        let s = Settings::from_toml(
            "[[shops]]\nid = \"pdd\"\nplatform = \"pdd\"\n\n\
             [shops.checks.RETURN_NOT_RECEIVED]\nowner = \"客服\"\n",
        )
        .expect("settings");
        let owner = |shop: &str| s.check(shop, "RETURN_NOT_RECEIVED").expect("check").owner;
        assert_eq!(owner("pdd"), Owner::Service);
        assert_eq!(owner("tmall"), Owner::Warehouse);
    }

    #[test]
    fn an_unknown_severity_or_owner_is_explained_in_chinese_with_its_line() {
        let m = refused("[checks.FEE_MISMATCH]\ntolerance_fen = 1\nseverity = \"很高\"\n");
        assert!(m.contains("第 3 行"), "{m}");
        assert!(m.contains("severity 应为 低/中/高/严重"), "{m}");
        let m = refused("[checks.FEE_MISMATCH]\nowner = \"老板\"\n");
        assert!(m.contains("owner 应为 财务/客服/仓储"), "{m}");
        assert!(m.contains("“老板”"), "{m}");
    }
}
