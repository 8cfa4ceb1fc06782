//! A period's imported records, grouped by kind, with the table of files they came from.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::model::*;

/// An input file as later layers cite it in evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    pub id: FileId,
    /// Path as given (with `!member` / `#sheet` for archive members and sheets).
    pub name: String,
    /// Stable format id (`alipay.fund_flow`).
    pub format: String,
}

/// Everything imported for a run. Order within each vector is import order (file, then line);
/// consumers that need another order sort explicitly.
///
/// Orders: the same (platform, order number) may arrive from several files (Taobao's 订单报表
/// carries amounts, its 宝贝报表 the lines); [`Dataset::merged_orders`] combines them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dataset {
    pub files: Vec<SourceFile>,
    pub orders: Vec<Order>,
    pub after_sales: Vec<AfterSale>,
    pub fund_flows: Vec<FundFlowRow>,
    pub payments: Vec<PaymentRow>,
    pub settlements: Vec<SettlementRow>,
    pub erp_orders: Vec<ErpOrder>,
    pub shipments: Vec<Shipment>,
    pub return_receipts: Vec<ReturnReceipt>,
    pub complaints: Vec<Complaint>,
}

impl Dataset {
    pub fn push(&mut self, record: Record) {
        match record {
            Record::Order(r) => self.orders.push(r),
            Record::AfterSale(r) => self.after_sales.push(r),
            Record::FundFlow(r) => self.fund_flows.push(r),
            Record::Payment(r) => self.payments.push(r),
            Record::Settlement(r) => self.settlements.push(r),
            Record::ErpOrder(r) => self.erp_orders.push(r),
            Record::Shipment(r) => self.shipments.push(r),
            Record::ReturnReceipt(r) => self.return_receipts.push(r),
            Record::Complaint(r) => self.complaints.push(r),
        }
    }

    pub fn file(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(usize::try_from(id.0).ok()?)
    }

    /// File name for evidence; `?` if the id is unknown (never expected).
    pub fn file_name(&self, id: FileId) -> &str {
        self.file(id).map_or("?", |f| f.name.as_str())
    }

    /// Orders with records of the same (platform, order number) merged: the first record's
    /// scalar fields win where set, later records fill what is missing, lines are
    /// concatenated. Result sorted by (platform, order number). Borrowed when the orders are
    /// already merged (after [`Dataset::merge_orders`], as every import does), so the
    /// consumers of a large month share one copy.
    pub fn merged_orders(&self) -> Cow<'_, [Order]> {
        if self.orders_are_merged() {
            return Cow::Borrowed(&self.orders);
        }
        let mut sorted: Vec<&Order> = self.orders.iter().collect();
        sorted.sort_by(|a, b| order_key(a).cmp(&order_key(b)));
        let mut out: Vec<Order> = Vec::with_capacity(sorted.len());
        for order in sorted {
            match out.last_mut() {
                Some(last) if same_order(last, order) => last.absorb(order),
                _ => out.push(order.clone()),
            }
        }
        Cow::Owned(out)
    }

    /// Merges the orders in place (see [`Dataset::merged_orders`]) without copying them, and
    /// trims each order's lines to their length: readers grow them a row at a time, and the
    /// doubling's spare room (up to four lines' worth per order) adds up at millions of orders.
    pub fn merge_orders(&mut self) {
        if !self.orders_are_merged() {
            let mut orders = std::mem::take(&mut self.orders);
            sort_by_order_key(&mut orders);
            let mut out: Vec<Order> = Vec::with_capacity(orders.len());
            for order in orders {
                match out.last_mut() {
                    Some(last) if same_order(last, &order) => last.absorb(&order),
                    _ => out.push(order),
                }
            }
            out.shrink_to_fit();
            self.orders = out;
        }
        for order in &mut self.orders {
            order.lines.shrink_to_fit();
        }
    }

    /// True when the orders are sorted by (platform, order number) with no number twice.
    fn orders_are_merged(&self) -> bool {
        self.orders
            .windows(2)
            .all(|w| (w[0].platform, &w[0].order_no) < (w[1].platform, &w[1].order_no))
    }
}

fn order_key(o: &Order) -> (Platform, &Text, SourceRef) {
    (o.platform, &o.order_no, o.source)
}

/// Bytes of an order number compared in place: numbers up to this long (every platform's)
/// need no look at the order itself.
const PREFIX: usize = 24;

/// Sorts orders by [`order_key`] (a total order: a source is one record) through small keys
/// holding the platform and the number's first [`PREFIX`] bytes, then moves each order once.
/// Sorting the orders themselves would move each ~200-byte record many times, and comparing
/// through indexes alone would miss the cache on every comparison.
fn sort_by_order_key(orders: &mut [Order]) {
    let mut keys: Vec<(Platform, [u8; PREFIX], usize)> = orders
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let mut prefix = [0u8; PREFIX];
            let bytes = o.order_no.as_bytes();
            let n = bytes.len().min(PREFIX);
            if let (Some(to), Some(from)) = (prefix.get_mut(..n), bytes.get(..n)) {
                to.copy_from_slice(from);
            }
            (o.platform, prefix, i)
        })
        .collect();
    // Zero padding keeps the order of the numbers: a number that is a proper prefix of another
    // sorts first, or ties and is decided in full.
    keys.sort_unstable_by(|a, b| {
        (a.0, &a.1)
            .cmp(&(b.0, &b.1))
            .then_with(|| match (orders.get(a.2), orders.get(b.2)) {
                (Some(x), Some(y)) => order_key(x).cmp(&order_key(y)),
                _ => a.2.cmp(&b.2),
            })
    });
    let from: Vec<usize> = keys.into_iter().map(|(_, _, i)| i).collect();
    permute(orders, &from);
}

/// Rearranges `items` so that position `i` holds what was at `from[i]` (`from` is a
/// permutation of the positions), moving each item once along the permutation's cycles.
pub fn permute<T>(items: &mut [T], from: &[usize]) {
    let mut placed = vec![false; items.len()];
    for start in 0..items.len() {
        let mut at = start;
        while !placed.get(at).copied().unwrap_or(true) {
            if let Some(p) = placed.get_mut(at) {
                *p = true;
            }
            let Some(&next) = from.get(at) else { break };
            if next == start {
                break;
            }
            items.swap(at, next);
            at = next;
        }
    }
}

fn same_order(a: &Order, b: &Order) -> bool {
    a.platform == b.platform && a.order_no == b.order_no
}

impl Order {
    /// Fills this order's missing fields from another record of the same order.
    pub fn absorb(&mut self, other: &Order) {
        fn fill<T: Clone>(a: &mut Option<T>, b: &Option<T>) {
            if a.is_none() {
                a.clone_from(b);
            }
        }
        fill(&mut self.shop, &other.shop);
        if self.status == OrderStatus::Unknown {
            self.status = other.status;
            self.status_text.clone_from(&other.status_text);
        }
        fill(&mut self.created_at, &other.created_at);
        fill(&mut self.paid_at, &other.paid_at);
        fill(&mut self.shipped_at, &other.shipped_at);
        fill(&mut self.finished_at, &other.finished_at);
        fill(&mut self.goods, &other.goods);
        fill(&mut self.postage, &other.postage);
        fill(&mut self.seller_discount, &other.seller_discount);
        fill(&mut self.platform_discount, &other.platform_discount);
        fill(&mut self.other_discount, &other.other_discount);
        fill(&mut self.paid, &other.paid);
        fill(&mut self.seller_receivable, &other.seller_receivable);
        fill(&mut self.refunded, &other.refunded);
        fill(&mut self.payment_no, &other.payment_no);
        // An overlapping export (two downloads of the same days, or the trade API beside the
        // 宝贝报表) repeats an order's lines: a line another file already gave is not added
        // twice, or the order would seem to hold twice the goods. Lines within one file are
        // all kept (the same SKU may stand twice in an order).
        for line in &other.lines {
            let repeated = self
                .lines
                .iter()
                .any(|l| l.source.file != line.source.file && l.same_line(line));
            if !repeated {
                self.lines.push(line.clone());
            }
        }
    }
}

impl OrderLine {
    /// The same goods line of an order as another file reports it: the same sub-order when
    /// both name one; otherwise the same SKU and quantity, with the amounts both give equal.
    fn same_line(&self, other: &OrderLine) -> bool {
        fn agree<T: PartialEq>(a: &Option<T>, b: &Option<T>) -> bool {
            match (a, b) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
        }
        if let (Some(a), Some(b)) = (&self.sub_order_no, &other.sub_order_no) {
            return a == b;
        }
        self.sku.is_some()
            && self.sku == other.sku
            && self.quantity == other.quantity
            && agree(&self.unit_price, &other.unit_price)
            && agree(&self.goods, &other.goods)
    }
}

/// A record another file already gave, dropped by [`Dataset::drop_repeated_across_files`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Repeat {
    pub kind: RecordKind,
    /// The line dropped.
    pub source: SourceRef,
    /// The line of the same record in the file read first.
    pub first: SourceRef,
}

impl Dataset {
    /// Drops records another file already gave, identical in every field but their source
    /// line: a second download over the same days, or the same file saved twice. Counting them
    /// twice would report every shipment as sent twice and every refund as paid twice. Within
    /// one file nothing is dropped (a repeated row there is what the duplicate checks look
    /// for). Orders are merged instead ([`Dataset::merge_orders`]); fund-flow rows carry their
    /// own 流水号, which the engine deduplicates with a finding.
    pub fn drop_repeated_across_files(&mut self) -> Vec<Repeat> {
        let mut repeats = Vec::new();
        let flags = repeated(
            &self.after_sales,
            RecordKind::AfterSale,
            &mut repeats,
            |a| a.source,
            |a| {
                let AfterSale {
                    platform,
                    shop,
                    order_no,
                    refund_no,
                    kind,
                    phase,
                    status,
                    status_text,
                    paid,
                    requested,
                    refunded,
                    applied_at,
                    completed_at,
                    reason,
                    payment_no,
                    lines,
                    source: _,
                } = a;
                let lines: Vec<_> = lines
                    .iter()
                    .map(|l| (&l.sku, &l.sub_order_no, l.quantity, l.refund))
                    .collect();
                (
                    (platform, shop, order_no, refund_no, kind, phase, status),
                    (
                        status_text,
                        paid,
                        requested,
                        refunded,
                        applied_at,
                        completed_at,
                    ),
                    (reason, payment_no, lines),
                )
            },
        );
        retain_unflagged(&mut self.after_sales, &flags);
        let flags = repeated(
            &self.payments,
            RecordKind::Payment,
            &mut repeats,
            |p| p.source,
            |p| {
                let PaymentRow {
                    provider,
                    account,
                    kind,
                    txn_no,
                    out_trade_no,
                    refund_id,
                    out_refund_no,
                    order_amount,
                    settled,
                    refund,
                    fee,
                    rate,
                    status_text,
                    occurred_at,
                    refund_succeeded_at,
                    title,
                    source: _,
                } = p;
                (
                    (provider, account, kind, txn_no, out_trade_no, refund_id),
                    (out_refund_no, order_amount, settled, refund, fee, rate),
                    (status_text, occurred_at, refund_succeeded_at, title),
                )
            },
        );
        retain_unflagged(&mut self.payments, &flags);
        let flags = repeated(
            &self.settlements,
            RecordKind::Settlement,
            &mut repeats,
            |s| s.source,
            |s| {
                let SettlementRow {
                    platform,
                    order_no,
                    sub_order_no,
                    item,
                    kind,
                    amount,
                    settled_at,
                    account,
                    refund_no,
                    payment_ref,
                    rate,
                    goods,
                    source: _,
                } = s;
                (
                    (platform, order_no, sub_order_no, item, kind, amount),
                    (settled_at, account, refund_no, payment_ref, rate, goods),
                )
            },
        );
        retain_unflagged(&mut self.settlements, &flags);
        let flags = repeated(
            &self.erp_orders,
            RecordKind::ErpOrder,
            &mut repeats,
            |e| e.source,
            |e| {
                let ErpOrder {
                    shop,
                    platform,
                    order_no,
                    erp_no,
                    status,
                    updated_at,
                    paid_at,
                    goods,
                    postage,
                    discount,
                    paid,
                    payment_method,
                    payment_no,
                    source: _,
                } = e;
                (
                    (
                        shop, platform, order_no, erp_no, status, updated_at, paid_at,
                    ),
                    (goods, postage, discount, paid, payment_method, payment_no),
                )
            },
        );
        retain_unflagged(&mut self.erp_orders, &flags);
        let flags = repeated(
            &self.shipments,
            RecordKind::Shipment,
            &mut repeats,
            |s| s.source,
            |s| {
                let Shipment {
                    shop,
                    order_no,
                    sub_order_no,
                    sku,
                    quantity,
                    shipped_at,
                    carrier,
                    waybill,
                    kind,
                    refund_no,
                    source: _,
                } = s;
                (
                    (shop, order_no, sub_order_no, sku, quantity, shipped_at),
                    (carrier, waybill, kind, refund_no),
                )
            },
        );
        retain_unflagged(&mut self.shipments, &flags);
        let flags = repeated(
            &self.return_receipts,
            RecordKind::ReturnReceipt,
            &mut repeats,
            |r| r.source,
            |r| {
                let ReturnReceipt {
                    shop,
                    order_no,
                    refund_no,
                    sku,
                    quantity,
                    received_at,
                    quality,
                    source: _,
                } = r;
                (
                    shop,
                    order_no,
                    refund_no,
                    sku,
                    quantity,
                    received_at,
                    quality,
                )
            },
        );
        retain_unflagged(&mut self.return_receipts, &flags);
        let flags = repeated(
            &self.complaints,
            RecordKind::Complaint,
            &mut repeats,
            |c| c.source,
            |c| {
                let Complaint {
                    shop,
                    order_no,
                    ticket_no,
                    kind,
                    created_at,
                    reason,
                    source: _,
                } = c;
                (shop, order_no, ticket_no, kind, created_at, reason)
            },
        );
        retain_unflagged(&mut self.complaints, &flags);
        repeats
    }
}

/// For each record, whether a record of an earlier-read, different file has its `key` (each
/// such record is also noted in `repeats`).
fn repeated<'a, T, K: std::hash::Hash + Eq>(
    records: &'a [T],
    kind: RecordKind,
    repeats: &mut Vec<Repeat>,
    source: impl Fn(&T) -> SourceRef,
    key: impl Fn(&'a T) -> K,
) -> Vec<bool> {
    // Records of one file never repeat another's: no need to key them (the ERP's exports are
    // one file per kind, millions of rows).
    let one_file = records
        .first()
        .map(|r| source(r).file)
        .is_none_or(|file| records.iter().all(|r| source(r).file == file));
    if one_file {
        return vec![false; records.len()];
    }
    // Lookup only (never iterated), so the fast hasher's random seed changes no output.
    let mut first: foldhash::HashMap<K, SourceRef> =
        foldhash::HashMap::with_capacity_and_hasher(records.len(), Default::default());
    records
        .iter()
        .map(|r| {
            let at = source(r);
            let first_at = *first.entry(key(r)).or_insert(at);
            let repeated = first_at.file != at.file;
            if repeated {
                repeats.push(Repeat {
                    kind,
                    source: at,
                    first: first_at,
                });
            }
            repeated
        })
        .collect()
}

fn retain_unflagged<T>(records: &mut Vec<T>, flags: &[bool]) {
    if flags.iter().any(|f| *f) {
        let mut flags = flags.iter();
        records.retain(|_| !flags.next().copied().unwrap_or(false));
    }
}
