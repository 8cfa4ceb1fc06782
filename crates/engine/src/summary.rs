//! The run's summary (`summary.json`): matched / pending / found per check, per shop and per
//! platform; checks not run and why; duplicates removed; unassigned records; and each fund
//! account's roll-forward.

use std::collections::BTreeMap;

use duizhang_core::{Period, Platform};
use serde::{Deserialize, Serialize};

use crate::catalog::lookup;
use crate::{AccountRollForward, NotRun, Outcome, Tally};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// `2026-10`.
    pub period: String,
    /// Totals over all shops, per check code (catalog order).
    pub checks: Vec<CheckTally>,
    pub shops: Vec<ShopSummary>,
    pub platforms: Vec<PlatformSummary>,
    pub not_run: Vec<NotRun>,
    /// Fund-flow rows met twice in overlapping exports and counted once (not findings).
    pub flow_duplicates_removed: u64,
    /// Records no shop could be determined for.
    pub unassigned: u64,
    /// What those records name, and the setting that would place them (in Chinese).
    pub unassigned_names: Vec<crate::shops::UnassignedName>,
    pub fund_accounts: Vec<AccountRollForward>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckTally {
    pub code: String,
    /// The check's Chinese name.
    pub zh: String,
    #[serde(flatten)]
    pub tally: Tally,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopSummary {
    pub shop: String,
    pub platform: Platform,
    pub checks: Vec<CheckTally>,
    pub flow_duplicates_removed: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformSummary {
    pub platform: Platform,
    pub checks: Vec<CheckTally>,
}

fn add(into: &mut Tally, t: &Tally) {
    into.matched += t.matched;
    into.matched_fen += t.matched_fen;
    into.pending += t.pending;
    into.pending_fen += t.pending_fen;
    into.found += t.found;
    into.found_fen += t.found_fen;
}

/// Tallies keyed by code, listed in catalog order (unknown codes last, by name).
fn listed(by_code: BTreeMap<&str, Tally>) -> Vec<CheckTally> {
    let position = |code: &str| {
        crate::catalog::CATALOG
            .iter()
            .position(|c| c.code == code)
            .unwrap_or(usize::MAX)
    };
    let mut out: Vec<CheckTally> = by_code
        .into_iter()
        .map(|(code, tally)| CheckTally {
            code: code.to_string(),
            zh: lookup(code).map_or_else(String::new, |d| d.zh.to_string()),
            tally,
        })
        .collect();
    out.sort_by(|a, b| (position(&a.code), &a.code).cmp(&(position(&b.code), &b.code)));
    out
}

impl Summary {
    pub fn build(outcome: &Outcome, period: Period) -> Summary {
        let platform_of: BTreeMap<&str, Platform> = outcome
            .shops
            .iter()
            .map(|s| (s.id.as_str(), s.platform))
            .collect();
        let mut all: BTreeMap<&str, Tally> = BTreeMap::new();
        let mut per_shop: BTreeMap<&str, BTreeMap<&str, Tally>> = BTreeMap::new();
        let mut per_platform: BTreeMap<Platform, BTreeMap<&str, Tally>> = BTreeMap::new();
        for s in &outcome.shops {
            per_shop.entry(s.id.as_str()).or_default();
        }
        for ((shop, code), t) in &outcome.tallies {
            add(all.entry(code.as_str()).or_default(), t);
            add(
                per_shop
                    .entry(shop.as_str())
                    .or_default()
                    .entry(code.as_str())
                    .or_default(),
                t,
            );
            let platform = platform_of
                .get(shop.as_str())
                .copied()
                .unwrap_or(Platform::Other);
            add(
                per_platform
                    .entry(platform)
                    .or_default()
                    .entry(code.as_str())
                    .or_default(),
                t,
            );
        }
        Summary {
            period: period.to_string(),
            checks: listed(all),
            shops: per_shop
                .into_iter()
                .map(|(shop, checks)| ShopSummary {
                    shop: shop.to_string(),
                    platform: platform_of.get(shop).copied().unwrap_or(Platform::Other),
                    checks: listed(checks),
                    flow_duplicates_removed: outcome
                        .flow_duplicates_removed
                        .get(shop)
                        .copied()
                        .unwrap_or(0),
                })
                .collect(),
            platforms: per_platform
                .into_iter()
                .map(|(platform, checks)| PlatformSummary {
                    platform,
                    checks: listed(checks),
                })
                .collect(),
            not_run: outcome.not_run.clone(),
            flow_duplicates_removed: outcome.flow_duplicates_removed.values().sum(),
            unassigned: outcome.unassigned,
            unassigned_names: outcome.unassigned_names.clone(),
            fund_accounts: outcome.fund_accounts.clone(),
        }
    }
}
