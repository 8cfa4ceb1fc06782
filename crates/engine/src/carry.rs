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
use crate::catalog::Data;
use crate::shops::ShopData;

/// What a carry file says it is (`"format"`): other JSON (a summary.json, `[]`) is refused.
pub const CARRY_FORMAT: &str = "duizhang-carry";

/// What the previous run left open: its pending items and the records behind them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarryIn {
    /// [`CARRY_FORMAT`] in a carry file; empty for [`CarryIn::none`].
    #[serde(default)]
    pub format: String,
    /// The period the items come from (`2026-10`): the next run must be the period after it.
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

/// Why a carry file cannot be used for a run (the message is Chinese, for users).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CarryError(pub String);

impl CarryIn {
    /// Nothing carried (the first run).
    pub fn none() -> CarryIn {
        CarryIn::default()
    }

    /// Reads a carry file (`carry.json`, with or without a UTF-8 BOM). Only a file that names
    /// itself a carry file and its period is one: any other JSON is refused, never read as an
    /// empty carry.
    pub fn from_json(text: &str) -> Result<CarryIn, CarryError> {
        let not_carry = || {
            CarryError(
                "不是 duizhang 的结转文件（应为上期 reconcile 写出的 carry.json；较早版本写出的，请用本版本重新运行上一期）"
                    .to_string(),
            )
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            CarryError(format!(
                "不是有效的 JSON（第 {} 行第 {} 列：{e}）",
                e.line(),
                e.column()
            ))
        })?;
        if value.get("format").and_then(serde_json::Value::as_str) != Some(CARRY_FORMAT) {
            return Err(not_carry());
        }
        let carry: CarryIn = serde_json::from_value(value)
            .map_err(|e| CarryError(format!("结转文件内容有误：{e}")))?;
        if carry.from_period().is_none() {
            return Err(CarryError(format!(
                "结转文件没有写明期间（period：{}）",
                carry.period.as_deref().unwrap_or("无")
            )));
        }
        Ok(carry)
    }

    /// The period the carry comes from.
    pub fn from_period(&self) -> Option<Period> {
        self.period.as_deref().and_then(Period::parse)
    }

    /// Whether this carry may open `period`: it must come from the month before (see
    /// [`carried_from`]). A carry of a week or a day, of the same or a later month is always
    /// refused; an earlier month that skips months only when `allow_gap` (a deliberate skip),
    /// with what was skipped in the `Ok`.
    pub fn check_follows(
        &self,
        period: Period,
        allow_gap: bool,
    ) -> Result<Option<String>, CarryError> {
        let Some(from) = self.from_period() else {
            return Ok(None);
        };
        let wanted = carried_from(period);
        // Only a month's end is a point every later run starts from: a week's or a day's run
        // reads its month from the first day, so a carry of a week or a day would judge the
        // days between twice.
        if !from.is_month() {
            return Err(CarryError(format!(
                "结转文件来自 {from}（按{}）：结转只能来自整月对账的结果，本次期间 {period} 应结转上月（{wanted}）的结果{}",
                from.kind().zh(),
                if period.is_month() {
                    ""
                } else {
                    "（按周、按日对账从月初算起，本月此前的记录会重新读取）"
                }
            )));
        }
        if from > wanted {
            return Err(CarryError(format!(
                "结转文件来自 {from}，不早于本次期间 {period}：结转只能从上月（{wanted}）带入"
            )));
        }
        if from == wanted {
            return Ok(None);
        }
        let gap = if from.next() == wanted {
            from.next().to_string()
        } else {
            format!("{} 至 {}", from.next(), wanted)
        };
        let skipped =
            format!("结转文件来自 {from}，与本次期间 {period} 之间隔了 {gap}（其间的结果未结转）");
        if allow_gap {
            Ok(Some(skipped))
        } else {
            Err(CarryError(format!(
                "{skipped}。请依次结转每一期；确需跳过时加 --allow-carry-gap"
            )))
        }
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

/// The month whose carry opens `period`: the month before it, or for a week or a day the month
/// before its accounting month (the one it starts in). A week's or a day's run is month-to-date:
/// it reads its month from the first day, so only what the month before left pending comes in.
pub fn carried_from(period: Period) -> Period {
    Period::of(period.start()).previous()
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

/// The shops whose own files (this period's) hold after-sales, taken before the carried
/// records join. An after-sale carried while still open (待审核, 待退货 …) has a status that
/// moves: without this period's after-sales export its newer status is unknown, and judging it
/// would report last month's status as today's. Checks that read after-sales then do not run
/// ("not run": 缺少数据) and their items stay pending. Other carried records are facts that do
/// not change (a fund-flow row, a shipment) or final (a completed after-sale): checks may use
/// them with this period's data.
#[derive(Debug, Default)]
pub(crate) struct FreshAfterSales(BTreeSet<String>);

impl FreshAfterSales {
    pub fn of(shops: &[ShopData<'_>]) -> FreshAfterSales {
        FreshAfterSales(
            shops
                .iter()
                .filter(|s| !s.after_sales.is_empty())
                .map(|s| s.id.clone())
                .collect(),
        )
    }
}

/// Which carried records may still raise which checks.
#[derive(Debug, Default)]
pub(crate) struct Carried {
    /// Files with ids from here on are carried; `None` when nothing is carried.
    pub base: Option<u32>,
    pub live: BTreeMap<(FileId, u32, RecordKind), BTreeSet<String>>,
    fresh: FreshAfterSales,
}

impl Carried {
    /// Whether `shop` has `data` that the checks may judge this period (see
    /// [`FreshAfterSales`]).
    pub fn has(&self, shop: &ShopData<'_>, data: Data) -> bool {
        let reads_after_sales = matches!(data, Data::AfterSales | Data::AfterSaleLines);
        shop.has(data)
            && (!reads_after_sales
                || self.fresh.0.contains(&shop.id)
                || shop.after_sales.iter().all(|a| !a.status.is_open()))
    }

    pub fn new(carry: &CarryIn, carried: &Dataset, base: usize, fresh: FreshAfterSales) -> Carried {
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
            fresh,
        }
    }

    /// Whether a record was carried in (no file of this period holds it: a record this
    /// period's files hold is kept over its carried copy, see [`merge`]).
    pub fn is_carried(&self, source: SourceRef) -> bool {
        self.base.is_some_and(|base| source.file.0 >= base)
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
    let awaiting = awaiting_release(period, sources);
    if !wanted.is_empty() || !awaiting.is_empty() {
        let hit = |s: SourceRef, k: RecordKind| wanted.contains(&(s.file, s.line, k));
        // An order may be spread over several records (订单报表 + 宝贝报表): carry them all.
        let mut order_keys: HashSet<(Platform, &str)> = awaiting.clone();
        for d in sources {
            for o in &d.orders {
                if hit(o.source, RecordKind::Order) {
                    order_keys.insert((o.platform, o.order_no.as_str()));
                }
            }
            // A statement carried for the money still on its way (settled at 23:59, in the
            // account after midnight) goes with the order it settled: next month's fund-flow
            // row for it is then not a payment for an unknown order.
            for s in &d.settlements {
                if hit(s.source, RecordKind::Settlement) {
                    order_keys.insert((s.platform, s.order_no.as_str()));
                }
            }
        }
        // With an order whose money the platform still holds go the refunds already made on
        // it: the release that comes next month is net of them.
        let settled_sale = |a: &AfterSale| {
            !a.status.is_open() && awaiting.contains(&(a.platform, a.order_no.as_str()))
        };
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
            for r in &d.after_sales {
                if hit(r.source, RecordKind::AfterSale) || settled_sale(r) {
                    push(r.source, Record::AfterSale(r.clone()));
                }
            }
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
        format: CARRY_FORMAT.to_string(),
        period: Some(period.to_string()),
        pending: pending.to_vec(),
        records,
    }
}

/// The orders whose money the platform still held at the cut-off (CHECKS.md "Money timing":
/// paid, maybe shipped, not yet confirmed or settled; none of their income seen, not refunded
/// in full), paid in the period or the month before it. Their release comes in a later month's
/// fund flow or statement, which holds no order of theirs: the carry takes them (and the
/// refunds already made on them) so that the next run knows the order the release is for,
/// rather than reporting it as a payment with no order (`PAYMENT_ORPHAN`) or a refund from
/// held money as unpaid (`REFUND_UNPAID`). They are no pending item: nothing is due for them
/// until they are confirmed.
fn awaiting_release<'a>(period: Period, sources: &[&'a Dataset]) -> HashSet<(Platform, &'a str)> {
    let since = Period::of(period.start()).previous().start();
    let mut released: HashSet<&str> = HashSet::default();
    let mut refunded: BTreeMap<&str, Fen> = BTreeMap::new();
    for d in sources {
        for f in &d.fund_flows {
            // Alipay writes a Tmall order as T200P…: compared as the order exports write it.
            if f.kind == FlowKind::Income
                && let Some(o) = f.order_no.as_deref()
            {
                released.insert(normalize_order_no(o));
            }
        }
        for s in &d.settlements {
            if s.refund_no.is_none() {
                released.insert(normalize_order_no(&s.order_no));
            }
        }
        for a in &d.after_sales {
            if !a.status.is_open() {
                *refunded
                    .entry(normalize_order_no(&a.order_no))
                    .or_insert(Fen::ZERO) += a.refunded;
            }
        }
    }
    let mut out = HashSet::default();
    for d in sources {
        for o in &d.orders {
            let waiting = matches!(o.status, OrderStatus::Paid | OrderStatus::Shipped);
            let recent = o.paid_at.or(o.created_at).is_some_and(|t| t >= since);
            let no = normalize_order_no(&o.order_no);
            let refunded_whole = o
                .paid
                .is_some_and(|p| refunded.get(no).is_some_and(|r| *r >= p && p.get() > 0));
            if waiting && recent && !released.contains(no) && !refunded_whole {
                out.insert((o.platform, o.order_no.as_str()));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn october_carry() -> String {
        format!(
            "{{\"format\": \"{CARRY_FORMAT}\", \"period\": \"2026-10\", \"pending\": [], \"records\": []}}"
        )
    }

    fn period(text: &str) -> Period {
        Period::parse(text).unwrap_or_else(|| unreachable!())
    }

    #[test]
    fn json_that_is_not_a_carry_file_is_refused_not_read_as_empty() {
        let summary = r#"{"period": "2026-10", "checks": [], "pending": [], "findings": 10}"#;
        for text in [summary, "[]", "{}", "null", "\"carry\""] {
            let e = CarryIn::from_json(text).err();
            assert!(
                e.as_ref()
                    .is_some_and(|e| e.0.contains("不是 duizhang 的结转文件")),
                "{text}: {e:?}"
            );
        }
        assert!(CarryIn::from_json("{\"format\": ").is_err());
    }

    #[test]
    fn a_carry_file_with_a_byte_order_mark_is_read() {
        let text = format!("\u{feff}{}", october_carry());
        let carry = CarryIn::from_json(&text);
        assert_eq!(
            carry.ok().and_then(|c| c.from_period()),
            Some(period("2026-10"))
        );
    }

    #[test]
    fn a_carry_file_without_its_period_is_refused() {
        let text = format!("{{\"format\": \"{CARRY_FORMAT}\", \"pending\": []}}");
        assert!(CarryIn::from_json(&text).is_err());
    }

    #[test]
    fn a_carry_opens_only_the_month_after_its_own() {
        let carry = CarryIn::from_json(&october_carry()).unwrap_or_default();
        assert_eq!(carry.check_follows(period("2026-11"), false), Ok(None));
        for same_or_later in ["2026-10", "2026-09", "2025-11"] {
            let e = carry.check_follows(period(same_or_later), true).err();
            assert!(
                e.is_some_and(|e| e.0.contains("不早于本次期间")),
                "{same_or_later}"
            );
        }
        let gap = carry.check_follows(period("2027-01"), false).err();
        assert!(gap.is_some_and(
            |e| e.0.contains("2026-11 至 2026-12") && e.0.contains("--allow-carry-gap")
        ));
        let allowed = carry.check_follows(period("2027-01"), true);
        assert!(allowed.is_ok_and(|skipped| skipped.is_some()));
        let december =
            CarryIn::from_json(&october_carry().replace("2026-10", "2026-12")).unwrap_or_default();
        assert_eq!(december.check_follows(period("2027-01"), false), Ok(None));
    }

    #[test]
    fn a_week_or_a_day_opens_with_the_carry_of_the_month_before_its_own() {
        let october = CarryIn::from_json(&october_carry()).unwrap_or_default();
        for span in ["2026-11-01", "2026-11-15", "2026-W46"] {
            assert_eq!(carried_from(period(span)), period("2026-10"), "{span}");
            assert_eq!(
                october.check_follows(period(span), false),
                Ok(None),
                "{span}"
            );
        }
        // Week 44 runs from 26 October: its month is October, its carry September's.
        assert_eq!(carried_from(period("2026-W44")), period("2026-09"));
        let own_month = october.check_follows(period("2026-10-20"), true).err();
        assert!(own_month.is_some_and(|e| e.0.contains("从上月（2026-09）带入")));
        // Yesterday's carry would judge the month's first days twice.
        let yesterday = CarryIn::from_json(&october_carry().replace("2026-10", "2026-11-14"))
            .unwrap_or_default();
        let e = yesterday.check_follows(period("2026-11-15"), true).err();
        assert!(e.is_some_and(
            |e| e.0.contains("结转只能来自整月对账的结果") && e.0.contains("上月（2026-10）")
        ),);
    }
}
