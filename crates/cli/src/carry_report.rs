//! What became of the items carried in from the previous run: closed, turned into findings, or
//! still pending (and, when their check could not run this period, which data was missing).

use std::io::Write;

use duizhang_core::Finding;
use duizhang_engine::{CarryIn, Outcome, PendingItem};

/// How one carried item ended in this run.
#[derive(Debug, PartialEq, Eq)]
enum Fate<'a> {
    Closed,
    Found,
    Pending,
    /// Still pending because its check did not run for its shop: the reason (missing data).
    NotJudged(&'a str),
}

fn same_item(a: &PendingItem, b: &PendingItem) -> bool {
    (&a.shop, &a.code, &a.order_no, &a.refund_no, &a.txn_no)
        == (&b.shop, &b.code, &b.order_no, &b.refund_no, &b.txn_no)
}

/// A finding of the item's check for the same shop that names what the item named.
fn found_as(item: &PendingItem, f: &Finding) -> bool {
    let names = |mine: &Option<String>, theirs: &Option<String>| {
        mine.is_none() || mine.as_deref() == theirs.as_deref()
    };
    f.shop == item.shop
        && f.code == item.code
        && names(&item.order_no, &f.order_no)
        && names(&item.refund_no, &f.refund_no)
        && names(&item.txn_no, &f.txn_no)
}

fn fate<'a>(item: &PendingItem, outcome: &'a Outcome) -> Fate<'a> {
    if let Some(n) = outcome
        .not_run
        .iter()
        .find(|n| n.shop == item.shop && n.code == item.code)
    {
        return Fate::NotJudged(&n.reason);
    }
    if outcome.pending.iter().any(|p| same_item(p, item)) {
        Fate::Pending
    } else if outcome.findings.iter().any(|f| found_as(item, f)) {
        Fate::Found
    } else {
        Fate::Closed
    }
}

/// Prints one line of counts and, for items left unjudged, the checks and missing data.
pub fn print(carry: &CarryIn, outcome: &Outcome) -> std::io::Result<()> {
    if carry.pending.is_empty() {
        return Ok(());
    }
    let fates: Vec<Fate<'_>> = carry.pending.iter().map(|p| fate(p, outcome)).collect();
    let count = |wanted: fn(&Fate<'_>) -> bool| fates.iter().filter(|f| wanted(f)).count();
    let mut o = crate::term::stdout();
    writeln!(
        o,
        "上期（{}）结转在途 {} 项：已了结 {} 项，转为问题 {} 项，仍在途 {} 项，未判断 {} 项。",
        carry.period.as_deref().unwrap_or("?"),
        carry.pending.len(),
        count(|f| *f == Fate::Closed),
        count(|f| *f == Fate::Found),
        count(|f| *f == Fate::Pending),
        count(|f| matches!(f, Fate::NotJudged(_))),
    )?;
    let mut unjudged: Vec<(&str, &str, &str, usize)> = Vec::new();
    for (item, f) in carry.pending.iter().zip(&fates) {
        if let Fate::NotJudged(reason) = f {
            match unjudged
                .iter_mut()
                .find(|u| (u.0, u.1) == (item.shop.as_str(), item.code.as_str()))
            {
                Some(u) => u.3 += 1,
                None => unjudged.push((&item.shop, &item.code, reason, 1)),
            }
        }
    }
    for (shop, code, reason, n) in unjudged {
        let zh = duizhang_engine::catalog::lookup(code).map_or("", |d| d.zh);
        writeln!(
            o,
            "  店铺 {shop} 的 {n} 项 {code}（{zh}）本期未判断，仍在途：{reason}（上期的状态不作为本期的结论）。"
        )?;
    }
    Ok(())
}
