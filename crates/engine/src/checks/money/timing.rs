//! Money timing applied to one shop's money (the rule itself is [`duizhang_core::timing`]):
//! when each order's money was released, whether each refund was paid from money the platform
//! still held, and so what the release of an order should have been.

use duizhang_core::timing::{self, PaidFrom, Release, Released};
use duizhang_core::*;

use super::view::Money;
use super::{ix, order_ref};
use crate::matching::NONE;

impl<'a> Money<'a> {
    /// When order `o`'s money was released, as far as the data tells. Where a file states
    /// the release (Taobao's 确认收货时间) that time; else the first income row of the order
    /// or the settlement time of the statement that paid it; else, for an order confirmed
    /// before the period, its
    /// confirmation (settled in a period whose fund flow is not here). A Taobao trade that
    /// finished (交易成功) at a time no file gives was released then: when is unknown.
    pub(super) fn released(&self, o: u32) -> Released {
        let Some(order) = self.orders.get(ix(o)) else {
            return Released::Unknown;
        };
        let confirmed = order.confirmed_at();
        let escrow = order.release() == Release::AtConfirmation;
        let stated = confirmed.filter(|_| escrow);
        let earlier = confirmed.filter(|&c| c < self.period_start);
        match stated.or(self.first_income[ix(o)]).or(earlier) {
            Some(t) => Released::At(t),
            None if escrow && order.finished() => Released::Unknown,
            None => Released::NotYet,
        }
    }

    /// Where the refund of after-sale `s` (a position in `after_sales`) came from.
    pub(super) fn paid_from(&self, s: usize) -> PaidFrom {
        let a = self.after_sales[s];
        let o = self.sale_order[s];
        let (release, released) = if o == NONE {
            // An order no file holds: released when the fund flow shows its income, if it does.
            let income = order_ref(Some(&a.order_no)).and_then(|k| self.unheld_income.get(k));
            (
                Release::of(a.platform),
                income.map_or(Released::Unknown, |&t| Released::At(t)),
            )
        } else {
            (self.orders[ix(o)].release(), self.released(o))
        };
        timing::refund_paid_from(release, released, a.phase, a.completed_at)
    }

    /// The completed refunds of order `o` paid from the money the platform held: the release
    /// is net of them. Their sum and the after-sales behind them. A refund the after-sale
    /// shows done (已完成 / 退款成功) without its time still counts where the release cannot
    /// have come first (the platform still holds the money).
    pub(super) fn refunds_from_held(&self, o: u32) -> (Fen, Vec<&'a AfterSale>) {
        let sales: Vec<&AfterSale> = self
            .sales_of_order
            .members(o)
            .iter()
            .filter(|&&s| {
                let a = self.after_sales[ix(s)];
                a.refunded.get() > 0
                    && (a.completed_at.is_some() || a.status == AfterSaleStatus::Completed)
                    && self.paid_from(ix(s)) == PaidFrom::Held
            })
            .map(|&s| self.after_sales[ix(s)])
            .collect();
        (sales.iter().map(|a| a.refunded).sum(), sales)
    }
}
