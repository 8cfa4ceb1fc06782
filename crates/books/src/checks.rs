//! The books checks of CHECKS.md (账务): REFUND_NOT_BOOKED, FLOW_NOT_BOOKED and
//! SOURCE_BOOKED_TWICE, as pure functions of the period's data and a journal (generated, or
//! imported back from the accounting system). A source counts as booked when a voucher links
//! it; an imported journal without links (用友 text) is searched for the document number in
//! its 摘要, the way an accountant would.

use std::collections::{BTreeMap, BTreeSet};

// Lookup-only indexes use fast hashing; findings are ordered by the BTreeMaps and sorts.
use foldhash::fast::FixedState;
use foldhash::{HashMap, HashSet};
use std::hash::BuildHasher;

use duizhang_core::timing::{self, PaidFrom, Release, Released};
use duizhang_core::{
    AfterSale, AfterSaleStatus, Dataset, Evidence, Fen, Finding, FindingSeverity, FundFlowRow,
    FundProvider, Order, OrderStatus, Owner, Period, Platform, Record, RecordKind, SourceRef,
};

use crate::generate::{Clawbacks, provider_platform, source_key};
pub use crate::generate::{RecordRef, ShopOf};
use crate::voucher::{LinkRole, Voucher};

/// What a journal books in one period: built once, read by [`refund_not_booked`] and
/// [`flow_not_booked`].
pub struct Booked<'v> {
    period: Period,
    keys: HashSet<(RecordKind, &'v str)>,
    /// Document numbers written in 摘要 (split at anything that cannot be part of one).
    tokens: HashSet<&'v str>,
    vouchers: usize,
}

impl<'v> Booked<'v> {
    pub fn of(journal: &'v [Voucher], period: Period) -> Booked<'v> {
        let vouchers = || journal.iter().filter(move |v| v.period == period);
        let links: usize = vouchers().map(|v| v.links.len()).sum();
        let mut keys = HashSet::with_capacity_and_hasher(links, Default::default());
        let mut tokens = HashSet::default();
        for v in vouchers() {
            for l in &v.links {
                keys.insert((l.kind, l.key.as_str()));
            }
            for l in &v.lines {
                tokens.extend(
                    l.summary
                        .split(|c: char| !(c.is_ascii_alphanumeric() || "/-_.#".contains(c)))
                        .filter(|t| !t.is_empty()),
                );
            }
        }
        Booked {
            period,
            keys,
            tokens,
            vouchers: vouchers().count(),
        }
    }

    /// Whether the journal can say which rows it books: some voucher of the period links a
    /// source, or names in its 摘要 a 流水号, 退款单号 or 订单号 of the data. A journal of
    /// summarised entries ("10月天猫销售回款", as accountants often write) cannot: checking it
    /// row by row would call every row unbooked.
    pub fn traces_any(&self, data: &Dataset) -> bool {
        !self.keys.is_empty()
            || data.fund_flows.iter().any(|r| {
                self.tokens.contains(r.txn_no.as_str())
                    || r.order_no
                        .as_deref()
                        .is_some_and(|o| self.tokens.contains(o))
            })
            || data
                .after_sales
                .iter()
                .any(|a| self.tokens.contains(a.refund_no.as_str()))
    }

    /// Whether the journal holds any voucher of the period.
    pub fn is_empty(&self) -> bool {
        self.vouchers == 0
    }

    fn has(&self, kind: RecordKind, key: &str) -> bool {
        !key.is_empty() && (self.keys.contains(&(kind, key)) || self.tokens.contains(key))
    }
}

fn evidence(data: &Dataset, source: SourceRef, kind: RecordKind) -> Evidence {
    duizhang_core::finding::evidence(data.file_name(source.file), source, kind)
}

/// REFUND_NOT_BOOKED: an after-sale refunded in the period with no voucher of the period
/// behind it, neither the after-sale itself nor a refund row of it. Refunds made before the
/// funds reached the seller (paid from escrow or before settlement, nothing in the fund flow;
/// CHECKS.md "Money timing") need no entry (J7) and are skipped.
pub fn refund_not_booked(data: &Dataset, booked: &Booked<'_>, shop_of: ShopOf<'_>) -> Vec<Finding> {
    let period = booked.period;
    let merged = data.merged_orders();
    // The last order of a number stands (as a map collected from them keeps it).
    let mut orders: HashMap<&str, &Order> =
        HashMap::with_capacity_and_hasher(merged.len(), Default::default());
    for o in merged.iter() {
        orders.insert(o.order_no.as_str(), o);
    }
    // Refund outflows by refund number, and those naming only an order by order number; an
    // outflow that names neither (京东钱包 资金表) by the order of the statement that clawed
    // the refund back.
    let clawbacks = Clawbacks::of(data);
    let mut by_refund: HashMap<&str, Vec<&FundFlowRow>> = HashMap::default();
    let mut by_order: HashMap<&str, Vec<&FundFlowRow>> = HashMap::default();
    for r in data.fund_flows.iter().filter(|r| r.amount.get() < 0) {
        let clawed = clawbacks.behind(r);
        // Only refund outflows: commissions and fees of the same order are negative too, and
        // must not stand in for a refund's booking.
        if r.kind != duizhang_core::FlowKind::Refund && clawed.is_empty() {
            continue;
        }
        let order = r.order_no.as_deref().or_else(|| clawbacks.order_of(r));
        match (r.refund_no.as_deref(), order) {
            (Some(refund), _) => by_refund.entry(refund).or_default().push(r),
            (None, Some(order)) => by_order.entry(order).or_default().push(r),
            (None, None) => {}
        }
    }
    let mut out = Vec::new();
    let mut seen = HashSet::default();
    let mut rows: Vec<&FundFlowRow> = Vec::new();
    for a in &data.after_sales {
        let Some(done) = a.completed_at else { continue };
        if a.status != AfterSaleStatus::Completed || a.refunded.get() <= 0 || !period.contains(done)
        {
            continue;
        }
        if !seen.insert(a.refund_no.as_str()) {
            continue;
        }
        rows.clear();
        rows.extend(
            by_refund
                .get(a.refund_no.as_str())
                .into_iter()
                .chain(by_order.get(a.order_no.as_str()))
                .flatten()
                .copied(),
        );
        // No refund left the account: with the fund flow at hand, a refund owed but not (yet)
        // paid is REFUND_UNPAID's (or pending), and one settled before the platform released
        // the money moved nothing to book. Without any fund flow, the money timing decides: a
        // refund paid from the money the platform held books nothing (the generator makes no
        // voucher for it), one paid from the seller's account needs its voucher.
        if rows.is_empty()
            && (!data.fund_flows.is_empty()
                || paid_from(a, orders.get(a.order_no.as_str()).copied()) == PaidFrom::Held)
        {
            continue;
        }
        if booked.has(RecordKind::AfterSale, &a.refund_no)
            || rows
                .iter()
                .any(|r| booked.has(RecordKind::FundFlow, &r.txn_no))
        {
            continue;
        }
        let sold = orders
            .get(a.order_no.as_str())
            .and_then(|o| o.finished_at.or(o.shipped_at).or(o.paid_at));
        let cross = sold.is_some_and(|t| t < period.start());
        let mut message = format!(
            "售后单 {}（订单 {}）于 {} 退款 {} 元，本期凭证中没有入账",
            a.refund_no, a.order_no, done, a.refunded
        );
        if let Some(t) = sold.filter(|_| cross) {
            message.push_str(&format!(
                "；原销售在 {}，属跨期退款，应在退款当期冲减收入",
                duizhang_core::Period::of(t)
            ));
        }
        let mut ev = vec![evidence(data, a.source, RecordKind::AfterSale)];
        ev.extend(
            rows.iter()
                .map(|r| evidence(data, r.source, RecordKind::FundFlow)),
        );
        out.push(Finding {
            code: "REFUND_NOT_BOOKED".into(),
            severity: FindingSeverity::High,
            owner: Owner::Finance,
            platform: a.platform,
            shop: shop_of(RecordRef::AfterSale(a)).unwrap_or_default(),
            order_no: Some(a.order_no.to_string()),
            refund_no: Some(a.refund_no.to_string()),
            txn_no: None,
            sku: None,
            expected_fen: Some(a.refunded.get()),
            actual_fen: Some(0),
            diff_fen: Some(-a.refunded.get()),
            occurred_at: done.iso(),
            message,
            evidence: ev,
        });
    }
    out
}

/// Where an after-sale's refund came from, by the money timing, as far as the order tells
/// without a fund flow: 确认收货 stands for the release (a settlement never comes before it, so
/// a refund before it was surely paid from the held money); a trade finished at a time the
/// file does not give was released at an unknown time.
fn paid_from(a: &AfterSale, order: Option<&Order>) -> PaidFrom {
    let (release, released) = match order {
        Some(o) => (
            Release::of(o.platform),
            match (o.finished_at, o.status) {
                (Some(t), _) => Released::At(t),
                (None, OrderStatus::Finished) => Released::Unknown,
                (None, _) => Released::NotYet,
            },
        ),
        None => (Release::of(a.platform), Released::Unknown),
    };
    timing::refund_paid_from(release, released, a.phase, a.completed_at)
}

/// FLOW_NOT_BOOKED: a fund-flow row of the period that no voucher of the period covers (rows
/// of 0.00 need none).
pub fn flow_not_booked(data: &Dataset, booked: &Booked<'_>, shop_of: ShopOf<'_>) -> Vec<Finding> {
    let period = booked.period;
    // Built at the first unbooked row: a journal that books everything needs neither.
    let platforms: std::cell::OnceCell<HashMap<&str, Platform>> = std::cell::OnceCell::new();
    // Unbooked rows already reported (the same row met twice is one row). A repeat of a
    // booked row is booked too, so only unbooked rows need remembering.
    let mut seen: HashSet<(FundProvider, Option<&str>, &str)> = HashSet::default();
    let mut out = Vec::new();
    for r in &data.fund_flows {
        // A row of 0.00 moves no money: there is no line to book it with.
        if r.amount.is_zero()
            || !period.contains(r.occurred_at)
            || booked.has(RecordKind::FundFlow, &r.txn_no)
            || !seen.insert((r.provider, r.account.as_deref(), r.txn_no.as_str()))
        {
            continue;
        }
        let platforms = platforms.get_or_init(|| {
            data.orders
                .iter()
                .map(|o| (o.order_no.as_str(), o.platform))
                .collect()
        });
        out.push(Finding {
            code: "FLOW_NOT_BOOKED".into(),
            severity: FindingSeverity::Medium,
            owner: Owner::Finance,
            platform: r
                .order_no
                .as_deref()
                .and_then(|o| platforms.get(o).copied())
                .unwrap_or_else(|| provider_platform(r.provider)),
            shop: shop_of(RecordRef::FundFlow(r)).unwrap_or_default(),
            order_no: r.order_no.as_ref().map(|o| o.to_string()),
            refund_no: r.refund_no.as_ref().map(|o| o.to_string()),
            txn_no: Some(r.txn_no.to_string()),
            sku: None,
            expected_fen: Some(r.amount.get()),
            actual_fen: Some(0),
            diff_fen: Some(-r.amount.get()),
            occurred_at: r.occurred_at.iso(),
            message: format!(
                "{}流水 {}（{}，{} 元，{}）没有被任何凭证入账",
                r.provider.zh(),
                r.txn_no,
                r.kind_text,
                r.amount,
                r.occurred_at
            ),
            evidence: vec![evidence(data, r.source, RecordKind::FundFlow)],
        });
    }
    out
}

/// SOURCE_BOOKED_TWICE: one source booked by two vouchers (its primary link twice, or an
/// after-sale behind two vouchers), across every period of the journal.
pub fn source_booked_twice<'v>(
    data: &Dataset,
    journal: &'v [Voucher],
    shop_of: ShopOf<'_>,
) -> Vec<Finding> {
    // Sources of each voucher (once per voucher).
    let sources = |v: &'v Voucher| {
        v.links
            .iter()
            .filter(|l| l.role == LinkRole::Primary || l.kind == RecordKind::AfterSale)
            .map(|l| (l.kind, l.key.as_str()))
    };
    // Candidates first, from (hash of a source, voucher) pairs sorted: a hash behind two
    // vouchers may be a source booked twice (or two sources that collide, told apart below).
    // A few bytes per link, where a map entry per source would take tens.
    let hasher = &FixedState::default();
    let mut pairs: Vec<(u64, usize)> = journal
        .iter()
        .enumerate()
        .flat_map(|(i, v)| sources(v).map(move |k| (hasher.hash_one(k), i)))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let candidates: HashSet<u64> = pairs
        .windows(2)
        .filter(|w| w[0].0 == w[1].0)
        .map(|w| w[0].0)
        .collect();
    drop(pairs);
    let mut by_source: BTreeMap<(RecordKind, &str), Vec<&Voucher>> = BTreeMap::new();
    if !candidates.is_empty() {
        for v in journal {
            let keys: BTreeSet<(RecordKind, &str)> = sources(v)
                .filter(|k| candidates.contains(&hasher.hash_one(k)))
                .collect();
            for k in keys {
                by_source.entry(k).or_default().push(v);
            }
        }
    }
    let records = find(data, by_source.keys().copied());
    let mut out = Vec::new();
    for ((kind, key), vouchers) in by_source {
        if vouchers.len() < 2 {
            continue;
        }
        let labels: Vec<String> = vouchers
            .iter()
            .map(|v| format!("{} {}", v.period, v.label()))
            .collect();
        let record = records.get(&(kind, key)).copied();
        let (platform, shop, order_no, refund_no, txn_no, amount, at, ev) = match record {
            Some(found) => {
                let r = &found.to_record();
                let (platform, order_no, refund_no, txn_no, amount) = facts(r);
                (
                    platform,
                    shop_of(found).unwrap_or_default(),
                    order_no,
                    refund_no,
                    txn_no,
                    amount,
                    r.occurred_at().map(|t| t.iso()),
                    vec![evidence(data, r.source(), r.kind())],
                )
            }
            None => (
                Platform::Other,
                String::new(),
                None,
                None,
                None,
                None,
                None,
                Vec::new(),
            ),
        };
        let (txn_no, refund_no, order_no) = match kind {
            RecordKind::FundFlow => (txn_no.or(Some(key.to_string())), refund_no, order_no),
            RecordKind::AfterSale => (txn_no, Some(key.to_string()), order_no),
            RecordKind::Order => (txn_no, refund_no, order_no.or(Some(key.to_string()))),
            _ => (txn_no.or(Some(key.to_string())), refund_no, order_no),
        };
        let first = vouchers[0];
        out.push(Finding {
            code: "SOURCE_BOOKED_TWICE".into(),
            severity: FindingSeverity::Critical,
            owner: Owner::Finance,
            platform,
            shop,
            order_no,
            refund_no,
            txn_no,
            sku: None,
            expected_fen: amount.map(|a| a.get()),
            actual_fen: amount.map(|a| a.get() * i64::try_from(vouchers.len()).unwrap_or(i64::MAX)),
            diff_fen: amount
                .map(|a| a.get() * i64::try_from(vouchers.len() - 1).unwrap_or(i64::MAX)),
            occurred_at: at
                .unwrap_or_else(|| duizhang_core::BeijingTime::start_of(first.date).iso()),
            message: format!("{}“{key}”重复入账于凭证 {}", kind.zh(), labels.join("、")),
            evidence: ev,
        });
    }
    out
}

type Facts = (
    Platform,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<Fen>,
);

fn facts(r: &Record) -> Facts {
    match r {
        Record::FundFlow(f) => (
            provider_platform(f.provider),
            f.order_no.as_ref().map(|s| s.to_string()),
            f.refund_no.as_ref().map(|s| s.to_string()),
            Some(f.txn_no.to_string()),
            Some(f.amount),
        ),
        Record::AfterSale(a) => (
            a.platform,
            Some(a.order_no.to_string()),
            Some(a.refund_no.to_string()),
            None,
            Some(a.refunded),
        ),
        Record::Settlement(s) => (
            s.platform,
            Some(s.order_no.to_string()),
            s.refund_no.as_ref().map(|x| x.to_string()),
            None,
            Some(s.amount),
        ),
        Record::Order(o) => (o.platform, Some(o.order_no.to_string()), None, None, o.paid),
        Record::Shipment(s) => (
            Platform::Other,
            Some(s.order_no.to_string()),
            s.refund_no.as_ref().map(|x| x.to_string()),
            None,
            None,
        ),
        Record::ReturnReceipt(s) => (
            Platform::Other,
            Some(s.order_no.to_string()),
            Some(s.refund_no.to_string()),
            None,
            None,
        ),
        _ => (Platform::Other, None, None, None, None),
    }
}

/// The first record of the dataset with each of `wanted`'s kind and key.
fn find<'d, 'k>(
    data: &'d Dataset,
    wanted: impl Iterator<Item = (RecordKind, &'k str)>,
) -> HashMap<(RecordKind, &'k str), RecordRef<'d>> {
    let mut keys: BTreeMap<RecordKind, HashSet<&'k str>> = BTreeMap::new();
    for (kind, key) in wanted {
        keys.entry(kind).or_default().insert(key);
    }
    let mut found = HashMap::default();
    for (kind, wanted) in keys {
        let records: Box<dyn Iterator<Item = RecordRef<'d>>> = match kind {
            RecordKind::FundFlow => Box::new(data.fund_flows.iter().map(RecordRef::FundFlow)),
            RecordKind::AfterSale => Box::new(data.after_sales.iter().map(RecordRef::AfterSale)),
            RecordKind::Order => Box::new(data.orders.iter().map(RecordRef::Order)),
            RecordKind::Shipment => Box::new(data.shipments.iter().map(RecordRef::Shipment)),
            RecordKind::ReturnReceipt => {
                Box::new(data.return_receipts.iter().map(RecordRef::ReturnReceipt))
            }
            RecordKind::Settlement => Box::new(data.settlements.iter().map(RecordRef::Settlement)),
            _ => continue,
        };
        for r in records {
            let key = source_key(r);
            if let Some(k) = wanted.get(key.as_str()) {
                found.entry((kind, *k)).or_insert(r);
            }
        }
    }
    found
}
