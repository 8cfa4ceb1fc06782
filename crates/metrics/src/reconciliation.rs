//! The reconciliation's own figures: matched / pending / found with amounts, per shop and per
//! owner (who must act).

use std::collections::BTreeMap;

use duizhang_core::Owner;
use duizhang_engine::{Outcome, Settings, Tally};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reconciliation {
    pub total: Tally,
    pub shops: Vec<ShopTally>,
    pub owners: Vec<OwnerTally>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopTally {
    pub shop: String,
    /// The shop's display name (settings' `name`, else its id).
    pub name: String,
    pub platform: String,
    #[serde(flatten)]
    pub tally: Tally,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerTally {
    pub owner: Owner,
    pub found: u64,
    /// Σ |difference| of their findings.
    pub found_fen: i64,
}

fn add(into: &mut Tally, t: &Tally) {
    into.matched += t.matched;
    into.matched_fen += t.matched_fen;
    into.pending += t.pending;
    into.pending_fen += t.pending_fen;
    into.found += t.found;
    into.found_fen += t.found_fen;
}

/// Matched and pending as the checks tallied them; found from the findings (the books checks'
/// and the file totals' included), per shop and per owner.
pub fn of(outcome: &Outcome, settings: &Settings) -> Reconciliation {
    let mut shops: BTreeMap<&str, Tally> = outcome
        .shops
        .iter()
        .map(|s| (s.id.as_str(), Tally::default()))
        .collect();
    let mut total = Tally::default();
    for ((shop, _), t) in &outcome.tallies {
        add(shops.entry(shop.as_str()).or_default(), t);
        add(&mut total, t);
    }
    // Found is counted from the findings themselves: the books checks and broken file totals
    // add findings that no check tallied.
    for t in shops.values_mut().chain(std::iter::once(&mut total)) {
        t.found = 0;
        t.found_fen = 0;
    }
    for f in &outcome.findings {
        let fen = f.diff_fen.map_or(0, i64::abs);
        for t in [shops.entry(f.shop.as_str()).or_default(), &mut total] {
            t.found += 1;
            t.found_fen += fen;
        }
    }
    let mut owners: BTreeMap<Owner, OwnerTally> = BTreeMap::new();
    for f in &outcome.findings {
        let o = owners.entry(f.owner).or_insert(OwnerTally {
            owner: f.owner,
            found: 0,
            found_fen: 0,
        });
        o.found += 1;
        o.found_fen += f.diff_fen.map_or(0, i64::abs);
    }
    Reconciliation {
        total,
        shops: shops
            .into_iter()
            .map(|(shop, tally)| ShopTally {
                shop: shop.to_string(),
                name: crate::compute::shop_name(settings, shop),
                platform: outcome
                    .shops
                    .iter()
                    .find(|s| s.id == shop)
                    .map_or("", |s| s.platform.zh())
                    .to_string(),
                tally,
            })
            .collect(),
        owners: owners.into_values().collect(),
    }
}
