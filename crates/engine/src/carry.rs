//! Carrying pending items (在途) from one run to the next.
//!
//! A run ends with items still inside their window; the next run receives them with the
//! records behind them ([`CarryIn`]). The carried records join the shop's data so that what
//! arrives in the new period (a refund paid on the 2nd) closes them; an item whose window has
//! passed with nothing closing it becomes a finding. Carried records only ever speak for the
//! items they were carried for: a finding that rests on carried records alone is kept only
//! for a check one of them was pending for (the rest was judged in the earlier run).

use std::collections::{BTreeMap, BTreeSet};
use std::hash::Hash;

use duizhang_core::*;
use foldhash::HashSet;
use serde::{Deserialize, Serialize};

use crate::PendingItem;
use crate::shops::ShopData;

/// What the previous run left open: its pending items and the records behind them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarryIn {
    /// The period the items come from (`2026-10`), for people reading the file.
    #[serde(default)]
    pub period: Option<String>,
    #[serde(default)]
    pub pending: Vec<PendingItem>,
    #[serde(default)]
    pub records: Vec<CarriedRecord>,
}

/// A record carried over, with the name of the file it was read from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarriedRecord {
    pub file: String,
    pub record: Record,
}

impl CarryIn {
    /// Nothing carried (the first run).
    pub fn none() -> CarryIn {
        CarryIn::default()
    }

    /// The carried records as a dataset whose file ids start at `base` (after the run's own
    /// files), so evidence names the original files.
    pub(crate) fn dataset(&self, base: usize) -> Dataset {
        let mut data = Dataset::default();
        let mut ids: BTreeMap<&str, FileId> = BTreeMap::new();
        for c in &self.records {
            let next = FileId(u32::try_from(base + ids.len()).unwrap_or(u32::MAX));
            let id = *ids.entry(c.file.as_str()).or_insert(next);
            let mut record = c.record.clone();
            set_file(&mut record, id);
            data.push(record);
        }
        let mut files: Vec<SourceFile> = ids
            .into_iter()
            .map(|(name, id)| SourceFile {
                id,
                name: name.to_string(),
                format: "carried".into(),
            })
            .collect();
        files.sort_by_key(|f| f.id);
        data.files = files;
        data
    }
}

/// Points a record (and its lines) at another file.
fn set_file(record: &mut Record, file: FileId) {
    match record {
        Record::Order(r) => {
            r.source.file = file;
            for l in &mut r.lines {
                l.source.file = file;
            }
        }
        Record::AfterSale(r) => {
            r.source.file = file;
            for l in &mut r.lines {
                l.source.file = file;
            }
        }
        Record::FundFlow(r) => r.source.file = file,
        Record::Payment(r) => r.source.file = file,
        Record::Settlement(r) => r.source.file = file,
        Record::ErpOrder(r) => r.source.file = file,
        Record::Shipment(r) => r.source.file = file,
        Record::ReturnReceipt(r) => r.source.file = file,
        Record::Complaint(r) => r.source.file = file,
    }
}

/// Which carried records may still raise which checks.
#[derive(Debug, Default)]
pub(crate) struct Carried {
    /// Files with ids from here on are carried; `None` when nothing is carried.
    pub base: Option<u32>,
    pub live: BTreeMap<(FileId, u32, RecordKind), BTreeSet<String>>,
}

impl Carried {
    pub fn new(carry: &CarryIn, carried: &Dataset, base: usize) -> Carried {
        let ids: BTreeMap<&str, FileId> = carried
            .files
            .iter()
            .map(|f| (f.name.as_str(), f.id))
            .collect();
        let mut live: BTreeMap<(FileId, u32, RecordKind), BTreeSet<String>> = BTreeMap::new();
        for p in &carry.pending {
            for e in &p.evidence {
                if let Some(&id) = ids.get(e.file.as_str()) {
                    live.entry((id, e.line, e.kind))
                        .or_default()
                        .insert(p.code.clone());
                }
            }
        }
        Carried {
            base: (!carried.files.is_empty()).then(|| u32::try_from(base).unwrap_or(u32::MAX)),
            live,
        }
    }

    /// A finding or pending item resting on carried records only, for a check none of them
    /// was pending for: already judged in the earlier run.
    pub fn suppresses(&self, code: &str, evidence: &[(SourceRef, RecordKind)]) -> bool {
        let Some(base) = self.base else { return false };
        if evidence.is_empty() || evidence.iter().any(|(s, _)| s.file.0 < base) {
            return false;
        }
        !evidence.iter().any(|(s, k)| {
            self.live
                .get(&(s.file, s.line, *k))
                .is_some_and(|codes| codes.contains(code))
        })
    }
}

/// Adds the carried shops' records to this run's shops, skipping records this run already has
/// (an after-sale exported again, the same fund-flow row).
pub(crate) fn merge<'a>(shops: &mut Vec<ShopData<'a>>, carried: Vec<ShopData<'a>>) {
    for c in carried {
        let Some(s) = shops.iter_mut().find(|s| s.id == c.id) else {
            shops.push(c);
            continue;
        };
        add_absent(&mut s.orders, c.orders, |o| {
            (o.platform, o.order_no.as_str())
        });
        add_absent(&mut s.after_sales, c.after_sales, |a| {
            (a.platform, a.refund_no.as_str())
        });
        add_absent(&mut s.fund_flows, c.fund_flows, |r| {
            (r.provider, r.account.as_deref(), r.txn_no.as_str())
        });
        add_absent(&mut s.payments, c.payments, |r| {
            (
                r.provider,
                r.txn_no.as_str(),
                r.kind,
                r.out_refund_no.as_deref(),
            )
        });
        add_absent(&mut s.settlements, c.settlements, |r| {
            (
                r.order_no.as_str(),
                r.sub_order_no.as_deref(),
                r.item.as_str(),
                r.amount,
                r.settled_at,
            )
        });
        add_absent(&mut s.erp_orders, c.erp_orders, |r| {
            (r.platform, r.order_no.as_str())
        });
        add_absent(&mut s.shipments, c.shipments, |r| {
            (
                r.order_no.as_str(),
                r.sku.as_str(),
                r.quantity,
                r.shipped_at,
                r.kind,
            )
        });
        add_absent(&mut s.return_receipts, c.return_receipts, |r| {
            (
                r.refund_no.as_str(),
                r.sku.as_str(),
                r.quantity,
                r.received_at,
            )
        });
        add_absent(&mut s.complaints, c.complaints, |r| r.ticket_no.as_str());
    }
    shops.sort_by(|a, b| a.id.cmp(&b.id));
}

/// Appends the carried records whose key no current record has. The carried side is small:
/// only its keys are hashed, the current side is scanned once. Keys borrow from the records.
fn add_absent<'a, T, K: Hash + Eq>(
    current: &mut Vec<&'a T>,
    carried: Vec<&'a T>,
    key: impl Fn(&'a T) -> K,
) {
    if carried.is_empty() {
        return;
    }
    let keys: HashSet<K> = carried.iter().map(|&c| key(c)).collect();
    let present: HashSet<K> = current
        .iter()
        .map(|&c| key(c))
        .filter(|k| keys.contains(k))
        .collect();
    current.extend(carried.into_iter().filter(|&c| !present.contains(&key(c))));
}

/// The carry-over for the next run: `pending` and every record its evidence names, looked up
/// in this run's data and in what was carried into it.
pub(crate) fn carry_out(
    period: Period,
    pending: &[PendingItem],
    sources: &[&Dataset],
    files: &[SourceFile],
) -> CarryIn {
    let mut wanted: HashSet<(FileId, u32, RecordKind)> = HashSet::default();
    let by_name: BTreeMap<&str, Vec<FileId>> = files.iter().fold(BTreeMap::new(), |mut m, f| {
        m.entry(f.name.as_str()).or_insert_with(Vec::new).push(f.id);
        m
    });
    for p in pending {
        for e in &p.evidence {
            for &id in by_name.get(e.file.as_str()).into_iter().flatten() {
                wanted.insert((id, e.line, e.kind));
            }
        }
    }
    let name = |id: FileId| {
        files
            .get(usize::try_from(id.0).unwrap_or(usize::MAX))
            .map_or_else(|| "?".to_string(), |f| f.name.clone())
    };
    let mut records: Vec<CarriedRecord> = Vec::new();
    if !wanted.is_empty() {
        let hit = |s: SourceRef, k: RecordKind| wanted.contains(&(s.file, s.line, k));
        // An order may be spread over several records (订单报表 + 宝贝报表): carry them all.
        let mut order_keys: HashSet<(Platform, &str)> = HashSet::default();
        for d in sources {
            for o in &d.orders {
                if hit(o.source, RecordKind::Order) {
                    order_keys.insert((o.platform, o.order_no.as_str()));
                }
            }
        }
        for d in sources {
            let mut push = |source: SourceRef, record: Record| {
                let mut record = record;
                set_file(&mut record, FileId(0));
                records.push(CarriedRecord {
                    file: name(source.file),
                    record,
                });
            };
            for o in &d.orders {
                if order_keys.contains(&(o.platform, o.order_no.as_str())) {
                    push(o.source, Record::Order(o.clone()));
                }
            }
            macro_rules! scan {
                ($field:ident, $kind:ident) => {
                    for r in &d.$field {
                        if hit(r.source, RecordKind::$kind) {
                            push(r.source, Record::$kind(r.clone()));
                        }
                    }
                };
            }
            scan!(after_sales, AfterSale);
            scan!(fund_flows, FundFlow);
            scan!(payments, Payment);
            scan!(settlements, Settlement);
            scan!(erp_orders, ErpOrder);
            scan!(shipments, Shipment);
            scan!(return_receipts, ReturnReceipt);
            scan!(complaints, Complaint);
        }
    }
    records.sort_by(|a, b| {
        (&a.file, a.record.source().line, a.record.kind()).cmp(&(
            &b.file,
            b.record.source().line,
            b.record.kind(),
        ))
    });
    records.dedup_by(|a, b| {
        a.file == b.file
            && a.record.source().line == b.record.source().line
            && a.record.kind() == b.record.kind()
    });
    CarryIn {
        period: Some(period.to_string()),
        pending: pending.to_vec(),
        records,
    }
}
