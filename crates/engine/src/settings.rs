//! Reconciliation settings (TOML): shops, fund accounts, fee rates, and per-check tolerances,
//! windows, severities and switches, globally and per shop. Unknown keys are errors.

use std::collections::BTreeMap;

use duizhang_core::{FindingSeverity, FundProvider, Platform, RatePpm};
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
    pub severity: Option<FindingSeverity>,
    /// Absolute tolerance in 分.
    pub tolerance_fen: Option<i64>,
    /// Relative tolerance in percent of the expected amount (the check's base), e.g. "0.5".
    pub tolerance_percent: Option<String>,
    pub window_days: Option<i64>,
    /// A limit in percent (DISCOUNT_EXCESSIVE: total discount / goods total).
    pub limit_percent: Option<i64>,
}

/// A check's settings after defaults, global and per-shop values are combined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Effective {
    pub def: &'static CheckDef,
    pub enabled: bool,
    pub severity: FindingSeverity,
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
    /// Parses and validates a settings file; errors are in Chinese and name the position.
    pub fn from_toml(text: &str) -> Result<Settings, SettingsError> {
        let settings: Settings =
            toml::from_str(text).map_err(|e| SettingsError(format!("设置文件有误：{e}")))?;
        settings.validate()?;
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
                if let Some(p) = &c.tolerance_percent {
                    RatePpm::parse(&format!("{p}%")).map_err(|_| {
                        SettingsError(format!(
                            "设置文件有误：检查 {code} 的 tolerance_percent “{p}” 不是数字"
                        ))
                    })?;
                }
            }
        }
        let mut ids = std::collections::BTreeSet::new();
        for s in &self.shops {
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
                if let Some(r) = rate {
                    RatePpm::parse(r).map_err(|_| {
                        SettingsError(format!(
                            "设置文件有误：店铺 {} 的 {key} “{r}” 不是费率（例：0.6%）",
                            s.id
                        ))
                    })?;
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
