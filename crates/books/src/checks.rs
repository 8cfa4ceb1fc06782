//! The books checks of CHECKS.md (账务): REFUND_NOT_BOOKED, FLOW_NOT_BOOKED and
//! SOURCE_BOOKED_TWICE, as pure functions of the period's data and a journal (generated, or
//! imported back from the accounting system). A source counts as booked when a voucher links
//! it; an imported journal without links (用友 text) is searched for the document number in
//! its 摘要, the way an accountant would.

use std::collections::{BTreeMap, BTreeSet};

// Lookup-only indexes use fast hashing; findings are ordered by the BTreeMaps and sorts.
use foldhash::{HashMap, HashSet};

use duizhang_core::{
    AfterSalePhase, AfterSaleStatus, Dataset, Evidence, Fen, Finding, FindingSeverity,
    FundProvider, Owner, Period, Platform, Record, RecordKind, SourceRef,
};

use crate::generate::provider_platform;
use crate::voucher::{LinkRole, Voucher};

pub type ShopOf<'a> = &'a dyn Fn(&Record) -> Option<String>;

struct Booked<'v> {
    keys: HashSet<(RecordKind, &'v str)>,
    /// Document numbers written in 摘要 (split at anything that cannot be part of one).
    tokens: HashSet<&'v str>,
}

impl<'v> Booked<'v> {
    fn of(journal: &'v [Voucher], period: Period) -> Booked<'v> {
        let mut keys = HashSet::default();
        let mut tokens = HashSet::default();
        for v in journal.iter().filter(|v| v.period == period) {
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
        Booked { keys, tokens }
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
/// funds reached the seller (售中, nothing in the fund flow) need no entry (J7) and are skipped.
pub fn refund_not_booked(
    data: &Dataset,
    period: Period,
    journal: &[Voucher],
    shop_of: ShopOf<'_>,
) -> Vec<Finding> {
    let booked = Booked::of(journal, period);
    let orders: HashMap<String, duizhang_core::Order> = data
        .merged_orders()
        .iter()
        .cloned()
        .map(|o| (o.order_no.to_string(), o))
        .collect();
    // Refund outflows by refund number, and those naming only an order by order number.
    let mut by_refund: HashMap<&str, Vec<&duizhang_core::FundFlowRow>> = HashMap::default();
    let mut by_order: HashMap<&str, Vec<&duizhang_core::FundFlowRow>> = HashMap::default();
    // Only refund outflows: commissions and fees of the same order are negative too, and must
    // not stand in for a refund's booking.
    for r in data
        .fund_flows
        .iter()
        .filter(|r| r.amount.0 < 0 && r.kind == duizhang_core::FlowKind::Refund)
    {
        match (r.refund_no.as_deref(), r.order_no.as_deref()) {
            (Some(refund), _) => by_refund.entry(refund).or_default().push(r),
            (None, Some(order)) => by_order.entry(order).or_default().push(r),
            (None, None) => {}
        }
    }
    let mut out = Vec::new();
    let mut seen = HashSet::default();
    for a in &data.after_sales {
        let Some(done) = a.completed_at else { continue };
        if a.status != AfterSaleStatus::Completed || a.refunded.0 <= 0 || !period.contains(done) {
            continue;
        }
        if !seen.insert(a.refund_no.as_str()) {
            continue;
        }
        let rows: Vec<&duizhang_core::FundFlowRow> = by_refund
            .get(a.refund_no.as_str())
            .into_iter()
            .chain(by_order.get(a.order_no.as_str()))
            .flatten()
            .copied()
            .collect();
        if a.phase == Some(AfterSalePhase::OnSale) && rows.is_empty() {
            continue;
        }
        // No refund left the account: with the fund flow at hand, a refund owed but not (yet)
        // paid is REFUND_UNPAID's (or pending), and one settled before the platform released
        // the money moved nothing to book. Without any fund flow, the after-sale alone decides.
        if rows.is_empty() && !data.fund_flows.is_empty() {
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
            shop: shop_of(&Record::AfterSale(a.clone())).unwrap_or_default(),
            order_no: Some(a.order_no.to_string()),
            refund_no: Some(a.refund_no.to_string()),
            txn_no: None,
            sku: None,
            expected_fen: Some(a.refunded.0),
            actual_fen: Some(0),
            diff_fen: Some(-a.refunded.0),
            occurred_at: done.iso(),
            message,
            evidence: ev,
        });
    }
    out
}

/// FLOW_NOT_BOOKED: a fund-flow row of the period that no voucher of the period covers.
pub fn flow_not_booked(
    data: &Dataset,
    period: Period,
    journal: &[Voucher],
    shop_of: ShopOf<'_>,
) -> Vec<Finding> {
    let booked = Booked::of(journal, period);
    let platforms: HashMap<&str, Platform> = data
        .orders
        .iter()
        .map(|o| (o.order_no.as_str(), o.platform))
        .collect();
    let mut seen: HashSet<(FundProvider, Option<&str>, &str)> = HashSet::default();
    let mut out = Vec::new();
    for r in &data.fund_flows {
        if !period.contains(r.occurred_at)
            || !seen.insert((r.provider, r.account.as_deref(), r.txn_no.as_str()))
        {
            continue;
        }
        if booked.has(RecordKind::FundFlow, &r.txn_no) {
            continue;
        }
        out.push(Finding {
            code: "FLOW_NOT_BOOKED".into(),
            severity: FindingSeverity::Medium,
            owner: Owner::Finance,
            platform: r
                .order_no
                .as_deref()
                .and_then(|o| platforms.get(o).copied())
                .unwrap_or_else(|| provider_platform(r.provider)),
            shop: shop_of(&Record::FundFlow(r.clone())).unwrap_or_default(),
            order_no: r.order_no.as_ref().map(|o| o.to_string()),
            refund_no: r.refund_no.as_ref().map(|o| o.to_string()),
            txn_no: Some(r.txn_no.to_string()),
            sku: None,
            expected_fen: Some(r.amount.0),
            actual_fen: Some(0),
            diff_fen: Some(-r.amount.0),
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
pub fn source_booked_twice(
    data: &Dataset,
    journal: &[Voucher],
    shop_of: ShopOf<'_>,
) -> Vec<Finding> {
    let mut by_source: BTreeMap<(RecordKind, &str), Vec<&Voucher>> = BTreeMap::new();
    for v in journal {
        let mut keys: BTreeSet<(RecordKind, &str)> = BTreeSet::new();
        for l in &v.links {
            if l.role == LinkRole::Primary || l.kind == RecordKind::AfterSale {
                keys.insert((l.kind, l.key.as_str()));
            }
        }
        for k in keys {
            by_source.entry(k).or_default().push(v);
        }
    }
    let mut out = Vec::new();
    for ((kind, key), vouchers) in by_source {
        if vouchers.len() < 2 {
            continue;
        }
        let labels: Vec<String> = vouchers
            .iter()
            .map(|v| format!("{} {}", v.period, v.label()))
            .collect();
        let record = find(data, kind, key);
        let (platform, shop, order_no, refund_no, txn_no, amount, at, ev) = match &record {
            Some(r) => {
                let (platform, order_no, refund_no, txn_no, amount) = facts(r);
                (
                    platform,
                    shop_of(r).unwrap_or_default(),
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
            expected_fen: amount.map(|a| a.0),
            actual_fen: amount.map(|a| a.0 * i64::try_from(vouchers.len()).unwrap_or(i64::MAX)),
            diff_fen: amount.map(|a| a.0 * i64::try_from(vouchers.len() - 1).unwrap_or(i64::MAX)),
            occurred_at: at
                .unwrap_or_else(|| duizhang_core::BeijingTime(first.date.at(0, 0, 0, 0)).iso()),
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

fn find(data: &Dataset, kind: RecordKind, key: &str) -> Option<Record> {
    let records: Box<dyn Iterator<Item = Record> + '_> = match kind {
        RecordKind::FundFlow => Box::new(data.fund_flows.iter().cloned().map(Record::FundFlow)),
        RecordKind::AfterSale => Box::new(data.after_sales.iter().cloned().map(Record::AfterSale)),
        RecordKind::Order => Box::new(data.orders.iter().cloned().map(Record::Order)),
        RecordKind::Shipment => Box::new(data.shipments.iter().cloned().map(Record::Shipment)),
        RecordKind::ReturnReceipt => Box::new(
            data.return_receipts
                .iter()
                .cloned()
                .map(Record::ReturnReceipt),
        ),
        RecordKind::Settlement => {
            Box::new(data.settlements.iter().cloned().map(Record::Settlement))
        }
        _ => return None,
    };
    let mut records = records;
    records.find(|r| crate::generate::source_key(r) == key)
}
