//! The reconciliation engine. Pure: `(dataset, settings, period, carry-in) -> outcome`.
//!
//! Flow: [`shops::partition`] splits the records by shop (never matching across shops); each
//! check of [`catalog::CATALOG`] whose data the shop has runs on that shop's [`Ctx`] and pushes
//! findings, pending items (在途: still inside the window at the cut-off) and matched counts
//! into a [`Sink`]; the outcome is sorted so that the same inputs give byte-identical output.

pub mod catalog;
pub mod checks;
pub mod settings;
pub mod shops;

use std::collections::BTreeMap;

use duizhang_core::*;
use serde::{Deserialize, Serialize};

pub use settings::{Effective, Settings, SettingsError};
pub use shops::ShopData;

/// What one check run on one shop sees.
pub struct Ctx<'a> {
    pub shop: &'a ShopData<'a>,
    pub settings: &'a Settings,
    pub period: Period,
    /// The first moment after the period; windows that end after it are pending.
    pub cut_off: BeijingTime,
    pub files: &'a [SourceFile],
}

impl Ctx<'_> {
    pub fn check(&self, code: &str) -> Option<Effective> {
        self.settings.check(&self.shop.id, code)
    }

    pub fn platform(&self) -> Platform {
        self.shop.platform.unwrap_or(Platform::Other)
    }

    pub fn evidence(&self, source: SourceRef, kind: RecordKind) -> Evidence {
        let name = self
            .files
            .get(usize::try_from(source.file.0).unwrap_or(usize::MAX))
            .map_or("?", |f| f.name.as_str());
        Evidence {
            file: name.to_string(),
            line: source.line,
            kind,
        }
    }

    /// A finding of `code` for this shop, to be filled and pushed.
    pub fn finding(&self, code: &'static str) -> Draft {
        Draft {
            code,
            ..Draft::default()
        }
    }
}

/// A finding or pending item under construction.
#[derive(Clone, Debug, Default)]
pub struct Draft {
    pub code: &'static str,
    pub order_no: Option<String>,
    pub refund_no: Option<String>,
    pub txn_no: Option<String>,
    pub sku: Option<String>,
    pub expected: Option<Fen>,
    pub actual: Option<Fen>,
    pub occurred_at: Option<BeijingTime>,
    pub message: String,
    pub evidence: Vec<(SourceRef, RecordKind)>,
}

impl Draft {
    pub fn order(mut self, v: &str) -> Draft {
        self.order_no = Some(v.to_string());
        self
    }
    pub fn refund(mut self, v: &str) -> Draft {
        self.refund_no = Some(v.to_string());
        self
    }
    pub fn txn(mut self, v: &str) -> Draft {
        self.txn_no = Some(v.to_string());
        self
    }
    pub fn sku(mut self, v: &str) -> Draft {
        self.sku = Some(v.to_string());
        self
    }
    pub fn amounts(mut self, expected: Fen, actual: Fen) -> Draft {
        self.expected = Some(expected);
        self.actual = Some(actual);
        self
    }
    pub fn at(mut self, t: BeijingTime) -> Draft {
        self.occurred_at = Some(t);
        self
    }
    pub fn message(mut self, m: impl Into<String>) -> Draft {
        self.message = m.into();
        self
    }
    pub fn evidence(mut self, source: SourceRef, kind: RecordKind) -> Draft {
        self.evidence.push((source, kind));
        self
    }
}

/// An item still inside its window at the cut-off (在途).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingItem {
    pub code: String,
    pub shop: String,
    pub platform: Platform,
    pub order_no: Option<String>,
    pub refund_no: Option<String>,
    pub txn_no: Option<String>,
    pub amount_fen: Option<i64>,
    /// When it becomes a finding if nothing closes it: `YYYY-MM-DDTHH:MM:SS`.
    pub due: String,
    pub message: String,
    pub evidence: Vec<Evidence>,
}

/// Matched / pending / found tallies of one check.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub matched: u64,
    pub matched_fen: i64,
    pub pending: u64,
    pub pending_fen: i64,
    pub found: u64,
    pub found_fen: i64,
}

/// Where checks put what they find.
#[derive(Default)]
pub struct Sink {
    pub findings: Vec<Finding>,
    pub pending: Vec<PendingItem>,
    /// Per (shop, code).
    pub tallies: BTreeMap<(String, String), Tally>,
}

impl Sink {
    fn effective(ctx: &Ctx<'_>, code: &str) -> Option<Effective> {
        ctx.check(code).filter(|e| e.enabled)
    }

    /// Records a finding (dropped if the check is switched off for the shop).
    pub fn found(&mut self, ctx: &Ctx<'_>, d: Draft) {
        let Some(e) = Self::effective(ctx, d.code) else {
            return;
        };
        let diff = match (d.expected, d.actual) {
            (Some(x), Some(a)) => Some(a.0 - x.0),
            _ => None,
        };
        let mut evidence: Vec<Evidence> = d
            .evidence
            .iter()
            .map(|(s, k)| ctx.evidence(*s, *k))
            .collect();
        evidence.sort();
        evidence.dedup();
        let tally = self
            .tallies
            .entry((ctx.shop.id.clone(), d.code.to_string()))
            .or_default();
        tally.found += 1;
        tally.found_fen += diff.map_or(0, i64::abs);
        self.findings.push(Finding {
            code: d.code.to_string(),
            severity: e.severity,
            owner: e.def.owner,
            platform: ctx.platform(),
            shop: ctx.shop.id.clone(),
            order_no: d.order_no,
            refund_no: d.refund_no,
            txn_no: d.txn_no,
            sku: d.sku,
            expected_fen: d.expected.map(|f| f.0),
            actual_fen: d.actual.map(|f| f.0),
            diff_fen: diff,
            occurred_at: d
                .occurred_at
                .map_or_else(|| ctx.cut_off.iso(), BeijingTime::iso),
            message: d.message,
            evidence,
        });
    }

    /// Records an item still inside its window: it becomes a finding at `due` if not closed.
    pub fn pending(&mut self, ctx: &Ctx<'_>, d: Draft, due: BeijingTime) {
        if Self::effective(ctx, d.code).is_none() {
            return;
        }
        let tally = self
            .tallies
            .entry((ctx.shop.id.clone(), d.code.to_string()))
            .or_default();
        tally.pending += 1;
        tally.pending_fen += d.expected.map_or(0, |f| f.0.abs());
        let mut evidence: Vec<Evidence> = d
            .evidence
            .iter()
            .map(|(s, k)| ctx.evidence(*s, *k))
            .collect();
        evidence.sort();
        self.pending.push(PendingItem {
            code: d.code.to_string(),
            shop: ctx.shop.id.clone(),
            platform: ctx.platform(),
            order_no: d.order_no,
            refund_no: d.refund_no,
            txn_no: d.txn_no,
            amount_fen: d.expected.map(|f| f.0),
            due: due.iso(),
            message: d.message,
            evidence,
        });
    }

    /// Counts an item the check found in agreement.
    pub fn matched(&mut self, ctx: &Ctx<'_>, code: &str, amount: Fen) {
        let tally = self
            .tallies
            .entry((ctx.shop.id.clone(), code.to_string()))
            .or_default();
        tally.matched += 1;
        tally.matched_fen += amount.0.abs();
    }

    /// Sorts everything into the deterministic output order.
    pub fn finish(&mut self) {
        self.findings.sort_by(|a, b| {
            (
                &a.shop,
                &a.code,
                &a.order_no,
                &a.refund_no,
                &a.txn_no,
                &a.sku,
                &a.occurred_at,
            )
                .cmp(&(
                    &b.shop,
                    &b.code,
                    &b.order_no,
                    &b.refund_no,
                    &b.txn_no,
                    &b.sku,
                    &b.occurred_at,
                ))
                .then_with(|| a.evidence.cmp(&b.evidence))
        });
        self.pending.sort_by(|a, b| {
            (&a.shop, &a.code, &a.order_no, &a.refund_no, &a.txn_no).cmp(&(
                &b.shop,
                &b.code,
                &b.order_no,
                &b.refund_no,
                &b.txn_no,
            ))
        });
    }
}

/// A check that could not run for a shop, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotRun {
    pub shop: String,
    pub code: String,
    /// In Chinese: which data is missing, or that it is switched off.
    pub reason: String,
}

/// Everything a run produces, in deterministic order.
#[derive(Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub pending: Vec<PendingItem>,
    pub tallies: BTreeMap<(String, String), Tally>,
    pub not_run: Vec<NotRun>,
    /// Records that no shop could be determined for.
    pub unassigned: u64,
}

/// Runs every check of the catalog on every shop of the dataset.
pub fn reconcile(data: &Dataset, settings: &Settings, period: Period) -> Outcome {
    let (shops, unassigned) = shops::partition(data, settings);
    let mut sink = Sink::default();
    let mut not_run = Vec::new();
    for shop in &shops {
        let ctx = Ctx {
            shop,
            settings,
            period,
            cut_off: period.end(),
            files: &data.files,
        };
        for def in catalog::CATALOG {
            let effective = ctx.check(def.code);
            if effective.is_some_and(|e| !e.enabled) {
                not_run.push(NotRun {
                    shop: shop.id.clone(),
                    code: def.code.into(),
                    reason: "已在设置中关闭".into(),
                });
                continue;
            }
            let missing: Vec<&str> = def
                .needs
                .iter()
                .filter(|d| !shop.has(**d))
                .map(|d| d.zh())
                .collect();
            if !missing.is_empty() {
                not_run.push(NotRun {
                    shop: shop.id.clone(),
                    code: def.code.into(),
                    reason: format!("缺少数据：{}", missing.join("、")),
                });
                continue;
            }
            if let Some(run) = checks::implementation(def.code) {
                run(&ctx, &mut sink);
            }
        }
    }
    sink.finish();
    Outcome {
        findings: sink.findings,
        pending: sink.pending,
        tallies: sink.tallies,
        not_run,
        unassigned: unassigned.count,
    }
}
