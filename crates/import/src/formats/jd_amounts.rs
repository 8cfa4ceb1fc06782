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

#[cfg(test)]
mod tests {
    use super::*;
    use duizhang_core::{FileId, OrderLine, OrderStatus, Platform, SourceRef};

    /// One row of order 1: the line's goods (京东价 × 订购数量, if stated) and its 应付金额.
    fn row(goods: Option<i64>, paid: i64) -> Order {
        let source = SourceRef {
            file: FileId(0),
            line: 2,
        };
        Order {
            platform: Platform::Jd,
            shop: None,
            order_no: "1".into(),
            status: OrderStatus::Finished,
            status_text: "完成".into(),
            created_at: None,
            paid_at: None,
            shipped_at: None,
            finished_at: None,
            goods: None,
            postage: None,
            seller_discount: None,
            platform_discount: None,
            other_discount: None,
            paid: Some(Fen::new(paid)),
            seller_receivable: None,
            refunded: None,
            payment_no: None,
            lines: vec![OrderLine {
                sub_order_no: None,
                sku: None,
                title: None,
                quantity: 1,
                unit_price: goods.map(Fen::new),
                goods: goods.map(Fen::new),
                discount: None,
                paid: None,
                source,
            }],
            source,
        }
    }

    #[test]
    fn amounts_that_differ_are_per_line() {
        let rows = [row(Some(8800), 8000), row(Some(3900), 3900)];
        assert_eq!(reading_of(&rows), Some(Reading::PerLine));
    }

    #[test]
    fn one_amount_above_a_lines_goods_is_the_orders_total() {
        let rows = [row(Some(8800), 12700), row(Some(3900), 12700)];
        assert_eq!(reading_of(&rows), Some(Reading::OrderTotal));
    }

    #[test]
    fn one_amount_no_line_is_below_is_per_line() {
        let rows = [row(Some(3900), 3900), row(Some(3900), 3900)];
        assert_eq!(reading_of(&rows), Some(Reading::PerLine));
    }

    #[test]
    fn one_amount_without_prices_cannot_tell() {
        let rows = [row(None, 12700), row(None, 12700)];
        assert_eq!(reading_of(&rows), None);
        assert_eq!(reading_of(&rows[..1]), Some(Reading::PerLine));
    }

    #[test]
    fn a_total_is_counted_once_and_line_amounts_are_added() {
        let total = join(
            vec![row(Some(8800), 12700), row(Some(3900), 12700)],
            Reading::OrderTotal,
        );
        assert_eq!(total.and_then(|o| o.paid), Some(Fen::new(12700)));
        let lines = join(
            vec![row(Some(8800), 8000), row(Some(3900), 3900)],
            Reading::PerLine,
        );
        assert_eq!(lines.as_ref().and_then(|o| o.paid), Some(Fen::new(11900)));
        assert_eq!(lines.map(|o| o.lines.len()), Some(2));
    }
}
