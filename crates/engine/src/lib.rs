//! The reconciliation engine. Pure: `(dataset, settings, period, carry-in) -> outcome`.
//!
//! Flow: [`shops::partition`] splits the records by shop (never matching across shops); each
//! check of [`catalog::CATALOG`] whose data the shop has runs on that shop's [`Ctx`] and pushes
//! findings, pending items (在途: still inside the window at the cut-off) and matched counts
//! into a [`Sink`]; the outcome is sorted so that the same inputs give byte-identical output.

pub mod carry;
pub mod catalog;
pub mod checks;
pub mod file_totals;
pub mod matching;
pub mod settings;
pub mod shops;
pub mod summary;

use std::collections::BTreeMap;

use duizhang_core::*;
use serde::{Deserialize, Serialize};

pub use carry::{CarriedRecord, CarryIn};
pub use checks::money::AccountRollForward;
pub use settings::{Effective, Settings, SettingsError};
pub use shops::ShopData;
pub use summary::Summary;

/// What one check run on one shop sees.
pub struct Ctx<'a> {
    pub shop: &'a ShopData<'a>,
    pub settings: &'a Settings,
    /// The accounting month judged: a week's or a day's run is month-to-date, judged as its
    /// month's run would be at its cut-off.
    pub period: Period,
    /// The first moment after the run's period; windows that end after it are pending.
    pub cut_off: BeijingTime,
    pub files: &'a [SourceFile],
    /// Records carried in from the previous run, and the checks they may still raise.
    pub(crate) carried: &'a carry::Carried,
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

/// Where the checks of one shop put what they find.
#[derive(Default)]
pub struct Sink {
    pub findings: Vec<Finding>,
    pub pending: Vec<PendingItem>,
    /// Per check code (the shop is the context's).
    pub tallies: BTreeMap<&'static str, Tally>,
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
        if ctx.carried.suppresses(d.code, &d.evidence) {
            return;
        }
        let diff = match (d.expected, d.actual) {
            (Some(x), Some(a)) => Some(a.get() - x.get()),
            _ => None,
        };
        let mut evidence: Vec<Evidence> = d
            .evidence
            .iter()
            .map(|(s, k)| ctx.evidence(*s, *k))
            .collect();
        evidence.sort();
        evidence.dedup();
        let tally = self.tallies.entry(d.code).or_default();
        tally.found += 1;
        tally.found_fen += diff.map_or(0, i64::abs);
        self.findings.push(Finding {
            code: d.code.to_string(),
            severity: e.severity,
            owner: e.owner,
            platform: ctx.platform(),
            shop: ctx.shop.id.clone(),
            order_no: d.order_no,
            refund_no: d.refund_no,
            txn_no: d.txn_no,
            sku: d.sku,
            expected_fen: d.expected.map(|f| f.get()),
            actual_fen: d.actual.map(|f| f.get()),
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
        if Self::effective(ctx, d.code).is_none() || ctx.carried.suppresses(d.code, &d.evidence) {
            return;
        }
        let tally = self.tallies.entry(d.code).or_default();
        tally.pending += 1;
        tally.pending_fen += d.expected.map_or(0, |f| f.get().abs());
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
            amount_fen: d.expected.map(|f| f.get()),
            due: due.iso(),
            message: d.message,
            evidence,
        });
    }

    /// Counts an item the check found in agreement.
    pub fn matched(&mut self, code: &'static str, amount: Fen) {
        self.matched_many(code, 1, amount.get().abs());
    }

    /// Counts `count` items found in agreement, `amount_fen` (absolute) in total.
    pub fn matched_many(&mut self, code: &'static str, count: u64, amount_fen: i64) {
        let tally = self.tallies.entry(code).or_default();
        tally.matched += count;
        tally.matched_fen += amount_fen;
    }
}

/// Sorts a run's pending items into the deterministic output order.
fn sort_pending(pending: &mut [PendingItem]) {
    pending.sort_by(|a, b| {
        (
            &a.shop,
            &a.code,
            &a.order_no,
            &a.refund_no,
            &a.txn_no,
            &a.due,
            &a.evidence,
        )
            .cmp(&(
                &b.shop,
                &b.code,
                &b.order_no,
                &b.refund_no,
                &b.txn_no,
                &b.due,
                &b.evidence,
            ))
    });
}

/// The output order of findings: by shop, code and identity, then time and evidence, so the
/// same inputs give byte-identical files whatever order the records came in.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
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
}

/// A check that could not run for a shop, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotRun {
    pub shop: String,
    pub code: String,
    /// In Chinese: which data is missing, or that it is switched off.
    pub reason: String,
}

/// A shop the run saw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopInfo {
    pub id: String,
    pub platform: Platform,
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
    /// What those records name, and the setting that would place them.
    pub unassigned_names: Vec<shops::UnassignedName>,
    /// The shops reconciled, by id.
    pub shops: Vec<ShopInfo>,
    /// Fund-flow rows met more than once (same provider, account and row id: overlapping
    /// exports), removed before the checks, per shop.
    pub flow_duplicates_removed: BTreeMap<String, u64>,
    /// Each fund account's roll-forward, per shop.
    pub fund_accounts: Vec<AccountRollForward>,
    /// What the next run must receive: this run's pending items and the records behind them.
    pub carry_out: CarryIn,
}

/// Runs every check of the catalog on every shop of the dataset, with nothing carried in from
/// a previous run (see [`reconcile_carried`]).
pub fn reconcile(data: &Dataset, settings: &Settings, period: Period) -> Outcome {
    reconcile_carried(data, settings, period, &CarryIn::none())
}

/// Runs every check of the catalog on every shop of the dataset. `carry` is what the
/// previous run left pending ([`Outcome::carry_out`] of that run; [`CarryIn::none`] at first).
pub fn reconcile_carried(
    data: &Dataset,
    settings: &Settings,
    period: Period,
    carry: &CarryIn,
) -> Outcome {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(2);
    reconcile_carried_on(data, settings, period, carry, threads)
}

/// [`reconcile_carried`] with shops checked on up to `threads` threads (the caller's choice;
/// the outcome is the same for any number).
///
/// A week or a day is judged month-to-date: `data` is its month's records up to its cut-off,
/// the carry is the month before's, and the findings are those the month's run would give at
/// that cut-off (same identities).
pub fn reconcile_carried_on(
    data: &Dataset,
    settings: &Settings,
    period: Period,
    carry: &CarryIn,
    threads: usize,
) -> Outcome {
    let base = data.files.len();
    let carried_data = carry.dataset(base);
    let mut files = data.files.clone();
    files.extend(carried_data.files.iter().cloned());
    let orders = data.merged_orders();
    let carried_orders = carried_data.merged_orders();
    let (mut shops, unassigned) = shops::partition(data, &orders, settings);
    let (carried_shops, _) = shops::partition(&carried_data, &carried_orders, settings);
    let fresh = carry::FreshAfterSales::of(&shops);
    carry::merge(&mut shops, carried_shops);
    let carried = carry::Carried::new(carry, &carried_data, base, fresh);

    let runs = on_threads(&shops, threads, |shop| {
        run_shop(
            &Ctx {
                shop,
                settings,
                period: Period::of(period.start()),
                cut_off: period.end(),
                files: &files,
                carried: &carried,
            },
            &unassigned,
        )
    });

    let mut findings = Vec::new();
    let mut pending = Vec::new();
    let mut tallies: BTreeMap<(String, String), Tally> = BTreeMap::new();
    let mut not_run = Vec::new();
    let mut duplicates = BTreeMap::new();
    let mut fund_accounts = Vec::new();
    for (shop, run) in shops.iter().zip(runs) {
        findings.extend(run.sink.findings);
        pending.extend(run.sink.pending);
        for (code, t) in run.sink.tallies {
            tallies.insert((shop.id.clone(), code.to_string()), t);
        }
        not_run.extend(run.not_run);
        if run.duplicates > 0 {
            duplicates.insert(shop.id.clone(), run.duplicates);
        }
        fund_accounts.extend(run.fund_accounts);
    }
    // Carried items that this run could not judge (their check did not run) stay pending.
    for p in &carry.pending {
        let judged = shops.iter().any(|s| s.id == p.shop)
            && !not_run.iter().any(|n| n.shop == p.shop && n.code == p.code);
        if !judged {
            let tally = tallies.entry((p.shop.clone(), p.code.clone())).or_default();
            tally.pending += 1;
            tally.pending_fen += p.amount_fen.map_or(0, i64::abs);
            pending.push(p.clone());
        }
    }
    // Checks did not see the records no shop could be found for: said once, shop-less.
    not_run.extend(unassigned.not_run());
    sort_findings(&mut findings);
    sort_pending(&mut pending);
    let carry_out = carry::carry_out(period, &pending, &[data, &carried_data], &files);
    Outcome {
        findings,
        pending,
        tallies,
        not_run,
        unassigned: unassigned.count,
        unassigned_names: unassigned.names,
        shops: shops
            .iter()
            .map(|s| ShopInfo {
                id: s.id.clone(),
                platform: s.platform.unwrap_or(Platform::Other),
            })
            .collect(),
        flow_duplicates_removed: duplicates,
        fund_accounts,
        carry_out,
    }
}

/// What the checks made of one shop.
struct ShopRun {
    sink: Sink,
    not_run: Vec<NotRun>,
    /// Fund-flow rows removed as seen twice.
    duplicates: u64,
    fund_accounts: Vec<AccountRollForward>,
}

/// Runs every catalog check whose data the shop has.
fn run_shop(ctx: &Ctx<'_>, unassigned: &shops::Unassigned) -> ShopRun {
    let shop = ctx.shop;
    let mut sink = Sink::default();
    let mut not_run = Vec::new();
    let mut money_codes: Vec<&'static str> = Vec::new();
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
        // Data of the shop's platform that names a shop the settings lack may be this shop's:
        // said first, so that "missing" does not send the user looking for a file they gave.
        if let Some(reason) = unassigned.blocks(shop.platform, def.needs) {
            not_run.push(NotRun {
                shop: shop.id.clone(),
                code: def.code.into(),
                reason,
            });
            continue;
        }
        let missing: Vec<&str> = def
            .needs
            .iter()
            .filter(|d| !ctx.carried.has(shop, **d))
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
        if checks::money::CODES.contains(&def.code) {
            // The money checks share one prepared view of the shop's money.
            money_codes.push(def.code);
        } else if let Some(run) = checks::implementation(def.code) {
            run(ctx, &mut sink);
        }
    }
    let (flows, duplicates) = checks::money::dedup_flows(&shop.fund_flows);
    let fund_accounts = checks::money::roll_forward(&shop.id, &flows);
    checks::money::run_with(ctx, flows, &money_codes, &mut sink);
    ShopRun {
        sink,
        not_run,
        duplicates,
        fund_accounts,
    }
}

/// `f` of every item, in item order. The shops are independent: up to `threads` threads take
/// them, the largest first, and each result is put back at its shop's position, so the outcome
/// does not depend on which thread ran what.
fn on_threads<'a, R: Send>(
    shops: &'a [ShopData<'a>],
    threads: usize,
    f: impl Fn(&'a ShopData<'a>) -> R + Sync,
) -> Vec<R> {
    let threads = threads.min(shops.len());
    if threads <= 1 {
        return shops.iter().map(f).collect();
    }
    let mut largest_first: Vec<usize> = (0..shops.len()).collect();
    largest_first.sort_by_key(|&i| std::cmp::Reverse(shops[i].records()));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(&i) = largest_first.get(k) else {
                return done;
            };
            done.push((i, f(&shops[i])));
        }
    };
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut mine = work();
        // A panic in a check is a bug: let it surface as it would without threads.
        for helper in helpers {
            match helper.join() {
                Ok(theirs) => mine.extend(theirs),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        mine
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}
