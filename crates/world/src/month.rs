//! One shop's month: the stories, the records they leave in each source, and running them
//! through the real pipeline (files on disk → import → engine), as a user's run would.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use duizhang_core::{
    AfterSale, Dataset, ErpOrder, Fen, Finding, FundFlowRow, Order, PaymentRow, Period, Platform,
    ReturnReceipt, SettlementRow, Shipment,
};
use duizhang_engine::settings::ShopSettings;
use duizhang_engine::{Outcome, Settings};

use crate::story::{Clock, Deal};

/// The shop as its seller would name it in settings: id, name, platform, fund accounts.
#[derive(Clone, Debug)]
pub struct Shop {
    pub id: &'static str,
    pub name: &'static str,
    pub platform: Platform,
    pub accounts: Vec<String>,
}

impl Shop {
    /// Settings that name only the shop and its accounts: nothing else a user must know.
    pub fn settings(&self) -> Settings {
        Settings {
            shops: vec![ShopSettings {
                id: self.id.into(),
                name: Some(self.name.into()),
                platform: self.platform,
                aliases: Vec::new(),
                fund_accounts: self.accounts.clone(),
                payment_fee_rate: None,
                commission_rate: None,
                checks: Default::default(),
            }],
            checks: Default::default(),
        }
    }
}

/// A month's files: name and bytes.
pub type Files = Vec<(String, Vec<u8>)>;

/// What every source holds at the cut-off, before it is written into files.
#[derive(Clone, Debug)]
pub struct Month {
    pub clock: Clock,
    pub shop: Shop,
    pub deals: Vec<Deal>,
    pub orders: Vec<Order>,
    /// The platform's after-sales export (Taobao 退款报表), where the platform has one.
    pub after_sales: Vec<AfterSale>,
    pub flows: Vec<FundFlowRow>,
    /// Opening balance of the fund account: each row's balance follows from it.
    pub opening: Fen,
    /// A planted break: the balance written on this row (by txn_no) is off by this much.
    pub balance_break: Option<(String, Fen)>,
    pub payments: Vec<PaymentRow>,
    pub settlements: Vec<SettlementRow>,
    pub erp_orders: Vec<ErpOrder>,
    pub erp_after_sales: Vec<AfterSale>,
    pub shipments: Vec<Shipment>,
    pub receipts: Vec<ReturnReceipt>,
}

impl Month {
    /// A month with no records yet.
    pub fn new(clock: Clock, shop: Shop, deals: Vec<Deal>, opening: Fen) -> Month {
        Month {
            clock,
            shop,
            deals,
            orders: Vec::new(),
            after_sales: Vec::new(),
            flows: Vec::new(),
            opening,
            balance_break: None,
            payments: Vec::new(),
            settlements: Vec::new(),
            erp_orders: Vec::new(),
            erp_after_sales: Vec::new(),
            shipments: Vec::new(),
            receipts: Vec::new(),
        }
    }

    pub fn period(&self) -> Period {
        self.clock.period
    }

    /// The fund flow in file order (by time), with each row's balance.
    pub fn flows_with_balances(&self) -> Vec<FundFlowRow> {
        let mut rows = self.flows.clone();
        rows.sort_by(|a, b| (a.occurred_at, &a.txn_no).cmp(&(b.occurred_at, &b.txn_no)));
        let mut balance = self.opening;
        for r in &mut rows {
            balance += r.amount;
            r.balance = Some(balance);
            if let Some((txn, off)) = &self.balance_break
                && r.txn_no == txn.as_str()
            {
                r.balance = Some(balance + *off);
            }
        }
        rows
    }
}

/// The result of running a month: findings and everything else the engine said.
pub struct Ran {
    pub outcome: Outcome,
    pub data: Dataset,
}

impl Ran {
    pub fn findings(&self) -> &[Finding] {
        &self.outcome.findings
    }
}

static RUNS: AtomicU64 = AtomicU64::new(0);

/// Writes the files into a fresh folder, imports them as `duizhang reconcile` does and runs
/// the engine with settings that name only the shop and its accounts. Panics on any import
/// problem: the world writes real shapes, so a problem is the world's bug.
pub fn run(month: &Month, files: &[(String, Vec<u8>)]) -> Ran {
    let dir = std::env::temp_dir().join(format!(
        "duizhang-world-{}-{}",
        std::process::id(),
        RUNS.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut paths: Vec<PathBuf> = Vec::new();
    for (name, bytes) in files {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        paths.push(path);
    }
    paths.sort();
    let importers = duizhang_import::builtin_importers();
    let (data, reports) = duizhang_import::inputs::load(&paths, &importers, |_, _| {});
    let _ = std::fs::remove_dir_all(&dir);
    for r in &reports {
        assert!(
            r.format.is_some(),
            "{}: not recognised ({:?})",
            r.name,
            r.problems.first()
        );
        let errors: Vec<_> = r.problems.iter().filter(|p| p.is_error()).collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", r.name);
    }
    let outcome = duizhang_engine::reconcile(&data, &month.shop.settings(), month.period());
    Ran { outcome, data }
}

/// Runs the month's files, downloaded at the span's end, as the run of `span` (a day or an ISO
/// week): through `duizhang_pipeline` as `duizhang reconcile --period 2026-10-15` runs them,
/// month-to-date with the carry of the month before (none here: see [`run_carried`]).
/// Panics on any import problem, as [`run`] does.
pub fn run_span(month: &Month, files: &[(String, Vec<u8>)], span: Period) -> Ran {
    run_carried(month, files, span, &duizhang_engine::CarryIn::none()).ran
}

/// A run through the pipeline with what it carries out.
pub struct Chained {
    pub ran: Ran,
    /// The run's carry.json, read back as `--carry-in` reads it.
    pub carry_out: duizhang_engine::CarryIn,
    /// What became of the items carried in (none when nothing was).
    pub carried: Option<duizhang_pipeline::carry::CarryAccount>,
}

/// Runs `files` as the run of `period` through `duizhang_pipeline`, as `duizhang reconcile
/// --period 2026-11 --carry-in 结果/2026-10` runs them, with `carry` (the month before's
/// carry.json, or none). Panics on any import problem, as [`run`] does.
pub fn run_carried(
    month: &Month,
    files: &[(String, Vec<u8>)],
    period: Period,
    carry: &duizhang_engine::CarryIn,
) -> Chained {
    let importers = duizhang_import::builtin_importers();
    let sources = files
        .iter()
        .map(|(name, bytes)| duizhang_pipeline::Source::Bytes {
            name: name.clone(),
            bytes: bytes.clone(),
        })
        .collect();
    let settings = month.shop.settings();
    let result = duizhang_pipeline::run(
        duizhang_pipeline::Run {
            sources,
            exclude: Vec::new(),
            importers: &importers,
            settings: &settings,
            period,
            carry,
            books: None,
            journal: None,
            history: &[],
            options: duizhang_pipeline::Options {
                threads: 1,
                metrics: false,
                ..duizhang_pipeline::Options::default()
            },
        },
        &duizhang_pipeline::Silent,
    )
    .unwrap_or_else(|e| panic!("{period}: {e}"));
    for f in &result.files {
        let errors: Vec<_> = f.problems.iter().filter(|p| p.is_error()).collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", f.name);
    }
    let carry_json = result
        .outputs
        .get("carry.json")
        .unwrap_or_else(|| panic!("{period}: no carry.json"));
    let carry_out = duizhang_engine::CarryIn::from_json(
        std::str::from_utf8(carry_json).unwrap_or_else(|e| panic!("{period}: carry.json: {e}")),
    )
    .unwrap_or_else(|e| panic!("{period}: carry.json: {e}"));
    Chained {
        ran: Ran {
            outcome: result.outcome,
            data: result.data,
        },
        carry_out,
        carried: result.carried,
    }
}
