//! After-sales ageing: AFTERSALE_OVERDUE.

use duizhang_core::*;

use super::{AfterSales, settle};
use crate::{Ctx, Sink};

/// An after-sale still open (待审核 / 已同意 / 待退货 / 待收货) at the cut-off, past its limit
/// counted from the application; an exchange only while it awaits review. One carried open from last month that this month's
/// after-sales files do not hold is not judged from its stale status: it stays pending.
pub fn aftersale_overdue(ctx: &Ctx<'_>, sink: &mut Sink) {
    const CODE: &str = "AFTERSALE_OVERDUE";
    let Some(e) = ctx.check(CODE) else {
        return;
    };
    let views = AfterSales::new(ctx);
    for v in &views.list {
        let a = v.rec;
        if !a.status.is_open() {
            sink.matched(CODE, a.refunded);
            continue;
        }
        // An exchange past review waits for its replacement: EXCHANGE_OPEN's, with its own
        // window, not a second finding here.
        if a.kind == AfterSaleKind::Exchange && a.status != AfterSaleStatus::PendingReview {
            continue;
        }
        let Some(applied) = a.applied_at else {
            continue;
        };
        let due = applied.plus_days(e.window_days);
        if ctx.carried.is_carried(a.source) {
            // Open last month, and absent from this month's after-sales files: its newer
            // status is missing, not stale. Not judged; it stays pending until a file has it.
            let d = ctx
                .finding(CODE)
                .order(&a.order_no)
                .refund(&a.refund_no)
                .at(applied)
                .message(format!(
                    "{}售后单 {}（订单 {}）上期结转时为“{}”，本期导入的售后单中没有它，最新状态未知：未判断是否超时（缺少数据：本期售后单文件中的这张售后单，请导出包含它的售后单，例如按更新时间导出）。",
                    a.kind.zh(),
                    a.refund_no,
                    a.order_no,
                    a.status_text
                ));
            sink.pending(ctx, v.evidence(d), due.max(ctx.cut_off));
            continue;
        }
        let mut d = ctx
            .finding(CODE)
            .order(&a.order_no)
            .refund(&a.refund_no)
            .at(applied)
            .message(format!(
                "{}售后单 {}（订单 {}）于 {applied} 申请，截至 {} 仍为“{}”（{}），处理时限为申请后 {} 天（{due}）。",
                a.kind.zh(),
                a.refund_no,
                a.order_no,
                ctx.cut_off,
                a.status_text,
                a.status.zh(),
                e.window_days
            ));
        d.expected = a.requested;
        settle(ctx, sink, v.evidence(d), due);
    }
}
