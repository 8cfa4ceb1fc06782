//! How the amounts of a JD order export's rows add up to the order's (formats.md §4.1).
//!
//! The export writes one row per SKU. Whether 订单金额 / 应付金额 / 结算金额 / 商家应收 are the
//! line's own amount or the order's total repeated on every row differs between export
//! versions, so it is decided from the data: rows that all carry one value larger than a
//! line's 京东价 × 订购数量 repeat the order total (counted once); values that differ are per
//! line (summed). Equal values that no price can place are decided by the other orders of the
//! file.

use duizhang_core::{Fen, Order};

/// What the amount cells of one order's rows are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// The order's total, repeated on every row: counted once.
    OrderTotal,
    /// Each row's own amount: summed.
    PerLine,
}

/// How an order's rows read, from their amounts alone; `None` when they cannot tell (one
/// value repeated, and no 京东价 to compare it with).
pub fn reading_of(rows: &[Order]) -> Option<Reading> {
    if rows.len() < 2 {
        return Some(Reading::PerLine);
    }
    // The buyer's amount decides where the file has it, else the seller's.
    let values: Vec<Fen> = match column(rows, |o| o.paid) {
        Some(v) => v,
        None => column(rows, |o| o.seller_receivable)?,
    };
    if values.iter().any(|v| *v != values[0]) {
        return Some(Reading::PerLine);
    }
    // A line's amount is at most its goods (discounts only lower it): a value above some
    // line's goods is more than that line, so it is the order's.
    let goods: Option<Vec<Fen>> = rows
        .iter()
        .map(|o| o.lines.first().and_then(|l| l.goods))
        .collect();
    let smallest = goods?.into_iter().min()?;
    Some(if values[0] > smallest {
        Reading::OrderTotal
    } else {
        Reading::PerLine
    })
}

/// The value of one amount column on every row, when every row has it.
fn column(rows: &[Order], pick: impl Fn(&Order) -> Option<Fen>) -> Option<Vec<Fen>> {
    rows.iter().map(pick).collect()
}

/// Joins an order's rows (each read as an order with one line) into the order, reading its
/// amounts as `reading` says. 运费金额 is a charge of the order: one value repeated is taken
/// once, values that differ are summed.
pub fn join(rows: Vec<Order>, reading: Reading) -> Option<Order> {
    let postages: Vec<Option<Fen>> = rows.iter().map(|o| o.postage).collect();
    let mut rows = rows.into_iter();
    let mut order = rows.next()?;
    for row in rows {
        if reading == Reading::PerLine {
            order.paid = add(order.paid, row.paid);
            order.seller_receivable = add(order.seller_receivable, row.seller_receivable);
        }
        order.created_at = order.created_at.or(row.created_at);
        order.paid_at = order.paid_at.or(row.paid_at);
        order.finished_at = order.finished_at.or(row.finished_at);
        order.lines.extend(row.lines);
    }
    if postages.iter().any(|p| *p != postages[0]) {
        order.postage = postages.into_iter().fold(None, add);
    }
    Some(order)
}

fn add(a: Option<Fen>, b: Option<Fen>) -> Option<Fen> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a + b),
        (a, b) => a.or(b),
    }
}
