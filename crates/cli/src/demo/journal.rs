//! The demo seller's journal: the month's vouchers as the accountant booked them in the
//! accounting system, with the slips that happen when a voucher workbook is imported by hand.
//! One refund voucher was left out (its refunds and their outflows are unbooked:
//! REFUND_NOT_BOOKED and FLOW_NOT_BOOKED), one withdrawal voucher was left out
//! (FLOW_NOT_BOOKED) and another was imported twice (SOURCE_BOOKED_TWICE). The accounting
//! system numbers what it holds without gaps, so the rest are renumbered.
//!
//! Pure: vouchers and the period's records in, the journal and what must be found out. Each
//! slip is a whole voucher whose every source no other voucher links, so what it leaves
//! unbooked (or books twice) follows from the voucher alone.

use std::collections::{BTreeMap, BTreeSet};

use duizhang_books::Voucher;
use duizhang_books::voucher::LinkRole;
use duizhang_core::{AfterSale, AfterSaleStatus, Dataset, FlowKind, FundFlowRow, RecordKind};
use duizhang_samples::demo::Planted;

/// The journal as booked, and the findings its slips must produce.
pub struct Slips {
    pub journal: Vec<Voucher>,
    pub planted: Vec<Planted>,
}

/// The records a voucher's links name.
struct Sources<'d> {
    flows: BTreeMap<&'d str, &'d FundFlowRow>,
    sales: BTreeMap<&'d str, &'d AfterSale>,
}

impl<'d> Sources<'d> {
    fn of(data: &'d Dataset) -> Sources<'d> {
        Sources {
            flows: data
                .fund_flows
                .iter()
                .map(|f| (f.txn_no.as_str(), f))
                .collect(),
            sales: data
                .after_sales
                .iter()
                .map(|a| (a.refund_no.as_str(), a))
                .collect(),
        }
    }

    /// The fund-flow rows a voucher links (`None` for a key the month does not hold).
    fn flows_of(&self, v: &Voucher) -> Vec<Option<&'d FundFlowRow>> {
        v.links
            .iter()
            .filter(|l| l.kind == RecordKind::FundFlow)
            .map(|l| self.flows.get(l.key.as_str()).copied())
            .collect()
    }
}

/// Plants the three slips in `vouchers` (the month as generated from `data`). A slip whose
/// kind of voucher the month does not have is left out (a month with no refunds, say).
pub fn plant(vouchers: &[Voucher], data: &Dataset) -> Slips {
    let sources = Sources::of(data);
    // How many vouchers link each source.
    let mut linked: BTreeMap<(RecordKind, &str), usize> = BTreeMap::new();
    for v in vouchers {
        let keys: BTreeSet<(RecordKind, &str)> =
            v.links.iter().map(|l| (l.kind, l.key.as_str())).collect();
        for k in keys {
            *linked.entry(k).or_default() += 1;
        }
    }
    let only_here = |v: &Voucher| {
        v.links
            .iter()
            .all(|l| linked.get(&(l.kind, l.key.as_str())) == Some(&1))
    };
    // Refund outflows by the refund and by the order they name, over the whole month.
    let mut refund_rows: BTreeMap<&str, usize> = BTreeMap::new();
    for f in data
        .fund_flows
        .iter()
        .filter(|f| f.kind == FlowKind::Refund)
    {
        for key in [f.refund_no.as_deref(), f.order_no.as_deref()]
            .into_iter()
            .flatten()
        {
            *refund_rows.entry(key).or_default() += 1;
        }
    }

    let withdrawal = |v: &Voucher| {
        !v.links.is_empty()
            && only_here(v)
            && v.links.iter().all(|l| l.role == LinkRole::Primary)
            && sources
                .flows_of(v)
                .iter()
                .all(|f| f.is_some_and(|f| f.kind == FlowKind::Withdrawal))
    };
    let refund = |v: &Voucher| refund_voucher(v, &sources, &refund_rows) && only_here(v);
    let smallest = |pick: &dyn Fn(&Voucher) -> bool, not: &[usize]| {
        vouchers
            .iter()
            .enumerate()
            .filter(|(i, v)| !not.contains(i) && pick(v))
            .min_by_key(|(i, v)| (v.links.len(), *i))
            .map(|(i, _)| i)
    };
    let left_out_refund = smallest(&refund, &[]);
    let left_out_withdrawal = smallest(&withdrawal, &[]);
    let twice = left_out_withdrawal.and_then(|w| {
        // Another shop's withdrawal, where there is one.
        let other_shop = |v: &Voucher| withdrawal(v) && v.shop != vouchers[w].shop;
        smallest(&other_shop, &[w]).or_else(|| smallest(&withdrawal, &[w]))
    });

    let mut planted = Vec::new();
    if let Some(i) = left_out_refund {
        let v = &vouchers[i];
        for l in v.links.iter().filter(|l| l.kind == RecordKind::AfterSale) {
            if let Some(a) = sources.sales.get(l.key.as_str()) {
                planted.push(Planted {
                    code: "REFUND_NOT_BOOKED",
                    shop: shop(v),
                    order_no: Some(a.order_no.to_string()),
                    refund_no: Some(a.refund_no.to_string()),
                    txn_no: None,
                    sku: None,
                    note: format!(
                        "记账系统漏记了凭证“{}”：售后单 {} 的退款 {} 元没有入账",
                        summary(v),
                        a.refund_no,
                        a.refunded
                    ),
                });
            }
        }
        planted.extend(unbooked_flows(v, &sources));
    }
    if let Some(i) = left_out_withdrawal {
        planted.extend(unbooked_flows(&vouchers[i], &sources));
    }
    if let Some(i) = twice {
        let v = &vouchers[i];
        for f in sources.flows_of(v).into_iter().flatten() {
            planted.push(Planted {
                note: format!(
                    "凭证“{}”在记账系统中导入了两次：资金流水 {}（{} 元）重复入账",
                    summary(v),
                    f.txn_no,
                    f.amount
                ),
                ..flow_planted("SOURCE_BOOKED_TWICE", v, f)
            });
        }
    }

    let left_out: BTreeSet<usize> = [left_out_refund, left_out_withdrawal]
        .into_iter()
        .flatten()
        .collect();
    let mut journal: Vec<Voucher> = vouchers
        .iter()
        .enumerate()
        .filter(|(i, _)| !left_out.contains(i))
        .map(|(_, v)| v.clone())
        .collect();
    journal.extend(twice.map(|i| vouchers[i].clone()));
    renumber(&mut journal);
    Slips { journal, planted }
}

/// A refund voucher whose every after-sale was refunded through outflows it books itself, and
/// whose every outflow refunds one of them: leaving it out leaves exactly these unbooked.
fn refund_voucher(v: &Voucher, sources: &Sources<'_>, refund_rows: &BTreeMap<&str, usize>) -> bool {
    let sales: Vec<&AfterSale> = v
        .links
        .iter()
        .filter(|l| l.kind == RecordKind::AfterSale)
        .filter_map(|l| sources.sales.get(l.key.as_str()).copied())
        .collect();
    let Some(flows) = sources
        .flows_of(v)
        .into_iter()
        .collect::<Option<Vec<&FundFlowRow>>>()
    else {
        return false;
    };
    let sale_links = v
        .links
        .iter()
        .filter(|l| l.kind == RecordKind::AfterSale)
        .count();
    if sales.is_empty() || sales.len() != sale_links || flows.is_empty() {
        return false;
    }
    let pays = |f: &FundFlowRow, a: &AfterSale| {
        f.refund_no.as_deref() == Some(a.refund_no.as_str())
            || (f.refund_no.is_none() && f.order_no.as_deref() == Some(a.order_no.as_str()))
    };
    let here = |key: &str| {
        flows
            .iter()
            .filter(|f| f.refund_no.as_deref() == Some(key) || f.order_no.as_deref() == Some(key))
            .count()
    };
    sales.iter().all(|a| {
        a.status == AfterSaleStatus::Completed
            && a.refunded.get() > 0
            && flows.iter().any(|f| pays(f, a))
            // No outflow of this refund or its order is booked elsewhere.
            && [a.refund_no.as_str(), a.order_no.as_str()]
                .iter()
                .all(|k| refund_rows.get(k).copied().unwrap_or(0) == here(k))
    }) && flows
        .iter()
        .all(|f| f.kind == FlowKind::Refund && sales.iter().any(|a| pays(f, a)))
}

fn shop(v: &Voucher) -> String {
    v.shop.clone().unwrap_or_default()
}

/// The voucher's 摘要 (its first line's), which names its day, shop and event.
fn summary(v: &Voucher) -> &str {
    v.lines.first().map_or("", |l| l.summary.as_str())
}

fn flow_planted(code: &'static str, v: &Voucher, f: &FundFlowRow) -> Planted {
    Planted {
        code,
        shop: shop(v),
        order_no: f.order_no.as_ref().map(ToString::to_string),
        refund_no: f.refund_no.as_ref().map(ToString::to_string),
        txn_no: Some(f.txn_no.to_string()),
        sku: None,
        note: String::new(),
    }
}

/// FLOW_NOT_BOOKED for each fund-flow row a left-out voucher booked.
fn unbooked_flows(v: &Voucher, sources: &Sources<'_>) -> Vec<Planted> {
    sources
        .flows_of(v)
        .into_iter()
        .flatten()
        .map(|f| Planted {
            note: format!(
                "记账系统漏记了凭证“{}”：资金流水 {}（{}，{} 元）没有入账",
                summary(v),
                f.txn_no,
                f.kind_text,
                f.amount
            ),
            ..flow_planted("FLOW_NOT_BOOKED", v, f)
        })
        .collect()
}

/// Numbers each period's vouchers of each 凭证字 from 1 in journal order, as the accounting
/// system does on import.
fn renumber(journal: &mut [Voucher]) {
    let mut next: BTreeMap<(duizhang_core::Period, String), u32> = BTreeMap::new();
    for v in journal {
        let n = next.entry((v.period, v.word.clone())).or_insert(0);
        *n += 1;
        v.number = *n;
    }
}
