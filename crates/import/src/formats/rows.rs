//! Reading the data rows of plain exports (no preamble or footer), and joining order exports
//! that write one row per goods line (子订单) into one [`Order`] whose amounts are the sums of
//! its rows and whose lines are the rows.
//!
//! Exports list an order's rows next to each other, so a running group is enough and memory
//! stays constant. Should an order's rows ever be apart, two records of the same order are
//! emitted and [`duizhang_core::Dataset::merged_orders`] combines them.

use duizhang_core::{Fen, Order, OrderStatus, Record};

use super::{SumOverflow, sum_present};
use crate::problem::Problem;
use crate::registry::Output;
use crate::table::{Cells, Header, Table};

/// Reads every data row of a table with `read`, skipping blank lines: what `read` returns is
/// emitted, its error reported (the row is then not read).
pub fn read_rows(
    table: &mut Table,
    header: &Header,
    out: &mut Output<'_>,
    mut read: impl FnMut(&Cells<'_>, &mut Output<'_>) -> Result<Option<Record>, Problem>,
) -> Result<(), Problem> {
    let file = out.name.clone();
    while let Some(row) = table.next_row()? {
        if row.is_blank() {
            continue;
        }
        let cells = Cells::new(row, header, &file);
        match read(&cells, out) {
            Ok(Some(record)) => out.emit(record),
            Ok(None) => {}
            Err(p) => out.problem(p),
        }
    }
    Ok(())
}

/// Reads an order export that writes one row per goods line: each row is read as an order
/// with that one line by `read`, and consecutive rows of one order are joined (see [`OrderGroup`]).
pub fn read_grouped_orders(
    table: &mut Table,
    header: &Header,
    out: &mut Output<'_>,
    mut read: impl FnMut(&Cells<'_>, &mut Output<'_>) -> Result<Order, Problem>,
) -> Result<(), Problem> {
    let mut group = OrderGroup::default();
    // Orders already emitted from this file: a later row of one of them would have to be added
    // to an order already handed on, so it is reported instead of silently losing its amounts.
    let mut emitted: foldhash::HashSet<duizhang_core::Text> = foldhash::HashSet::default();
    read_rows(table, header, out, |c, out| {
        let order = read(c, out)?;
        let continues = group
            .current
            .as_ref()
            .is_some_and(|g| g.platform == order.platform && g.order_no == order.order_no);
        if !continues && emitted.contains(&order.order_no) {
            return Err(Problem::new(
                crate::ProblemCode::BadValue,
                c.file,
                format!("订单 {} 的明细行不相邻（本文件前面已出现过这个订单），无法确定金额如何合并：请按订单号排序后重新导出", order.order_no),
                format!("rows of order {} are not consecutive", order.order_no),
            )
            .at_line(c.line()));
        }
        let done = group.push(order).map_err(|o| o.at(c))?;
        if let Some(d) = &done {
            emitted.insert(d.order_no.clone());
        }
        Ok(done.map(Record::Order))
    })?;
    if let Some(done) = group.finish() {
        out.emit(Record::Order(done));
    }
    Ok(())
}

/// The order being assembled from consecutive rows.
#[derive(Default)]
pub struct OrderGroup {
    current: Option<Order>,
}

impl OrderGroup {
    /// Adds one row read as an order with a single line. Returns the previous order when this
    /// row starts another one.
    pub fn push(&mut self, row: Order) -> Result<Option<Order>, SumOverflow> {
        match self.current.as_mut() {
            Some(current)
                if current.platform == row.platform && current.order_no == row.order_no =>
            {
                join(current, row)?;
                Ok(None)
            }
            _ => Ok(self.current.replace(row)),
        }
    }

    /// The last order, at the end of the file.
    pub fn finish(&mut self) -> Option<Order> {
        self.current.take()
    }
}

fn add(total: &mut Option<Fen>, more: Option<Fen>) -> Result<(), SumOverflow> {
    *total = sum_present(*total, more)?;
    Ok(())
}

fn fill<T>(a: &mut Option<T>, b: Option<T>) {
    if a.is_none() {
        *a = b;
    }
}

/// Adds a further row of the same order: amounts are summed, missing times filled, and the
/// status is that of the goods still alive (one refunded line does not close the order).
fn join(order: &mut Order, row: Order) -> Result<(), SumOverflow> {
    add(&mut order.goods, row.goods)?;
    add(&mut order.postage, row.postage)?;
    add(&mut order.seller_discount, row.seller_discount)?;
    add(&mut order.platform_discount, row.platform_discount)?;
    add(&mut order.other_discount, row.other_discount)?;
    add(&mut order.paid, row.paid)?;
    add(&mut order.seller_receivable, row.seller_receivable)?;
    add(&mut order.refunded, row.refunded)?;
    fill(&mut order.shop, row.shop);
    fill(&mut order.created_at, row.created_at);
    fill(&mut order.paid_at, row.paid_at);
    fill(&mut order.shipped_at, row.shipped_at);
    fill(&mut order.finished_at, row.finished_at);
    fill(&mut order.payment_no, row.payment_no);
    let closed = |s: OrderStatus| {
        matches!(
            s,
            OrderStatus::Refunded | OrderStatus::Cancelled | OrderStatus::Unknown
        )
    };
    if closed(order.status) && !closed(row.status) {
        order.status = row.status;
        order.status_text = row.status_text;
    }
    order.lines.extend(row.lines);
    Ok(())
}
