//! Money timing (担保交易 and settlement): when the buyer's money reaches the seller's fund
//! account, and so whether a refund leaves that account or is paid from money the platform
//! still holds. One rule per platform (CHECKS.md, "Money timing"); the money checks and the
//! books both ask it, so it lives here, free of any data structure of theirs.
//!
//! | platform | money reaches the seller | a refund before that | a refund after that |
//! |---|---|---|---|
//! | Taobao / Tmall | at 确认收货: one 交易付款 row of 实付 − refunds made | paid from escrow, no row; a full refund closes the trade (no income row) | 交易退款 outflow |
//! | Pinduoduo, Douyin, JD | at settlement | netted in the settlement | an outflow / deduction / clawback |
//! | WeChat Pay direct, ERP-kept direct orders | at payment | — | a refund outflow |

use crate::{AfterSalePhase, BeijingTime, Platform};

/// When the buyer's money reaches the seller's fund account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Release {
    /// Paid straight into the merchant's account (WeChat Pay direct, own mall).
    AtPayment,
    /// Held in Alipay escrow (担保交易) until 确认收货, by the buyer or automatically.
    AtConfirmation,
    /// Held by the platform (货款 pending / 待结算) until it settles the order.
    AtSettlement,
}

impl Release {
    /// The platform's rule. A platform the project does not know is taken as holding the
    /// money until the fund flow shows it released: the order of events then decides.
    pub fn of(platform: Platform) -> Release {
        match platform {
            Platform::Wechat => Release::AtPayment,
            Platform::Taobao | Platform::Tmall => Release::AtConfirmation,
            Platform::Pdd | Platform::Douyin | Platform::Jd | Platform::Other => {
                Release::AtSettlement
            }
        }
    }
}

/// What the data says of when one order's money was released.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Released {
    /// At this time: the release time a file states (Taobao's 确认收货时间, a settlement
    /// date), else the first income row of the order in the fund flow.
    At(BeijingTime),
    /// The order is known and nothing shows its money released: the platform still holds it.
    NotYet,
    /// Released at a time the data does not give (交易成功 without 确认收货时间), or no file of
    /// the period holds the order (a refund of an earlier period's sale).
    Unknown,
}

/// Where a refund's money came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaidFrom {
    /// From the buyer's money the platform still held: no outflow from the seller's fund
    /// account, and the release (if any) is net of it.
    Held,
    /// From the seller's fund account: an outflow is due.
    SellerAccount,
}

/// A refund of an order: where its money came from.
///
/// The times decide where the data has them (CHECKS.md: a stated release time, else the order
/// of events in the fund flow): a refund completed before the release was paid from the held
/// money, and so was any refund of an order whose money the data shows still held. Only where
/// the times cannot tell (an order no file holds, a release at an unknown time, a refund
/// without its completion time) does `phase`, the platform's own word, decide: Taobao's
/// 售中 is before 交易成功, so from escrow; its 售后 after it, so from the seller's Alipay.
/// Elsewhere 售后 means after shipment, which says nothing of the settlement.
pub fn refund_paid_from(
    release: Release,
    released: Released,
    phase: Option<AfterSalePhase>,
    completed_at: Option<BeijingTime>,
) -> PaidFrom {
    if release == Release::AtPayment {
        return PaidFrom::SellerAccount;
    }
    match (released, completed_at) {
        (Released::At(r), Some(c)) => {
            return if c < r {
                PaidFrom::Held
            } else {
                PaidFrom::SellerAccount
            };
        }
        (Released::NotYet, _) => return PaidFrom::Held,
        _ => {}
    }
    match phase {
        Some(AfterSalePhase::OnSale) => PaidFrom::Held,
        // Released at a time the data does not give, or an order no file holds: taken as
        // released (the common case for a sale old enough to have left the period).
        _ => PaidFrom::SellerAccount,
    }
}

/// Days a settlement statement's money may take to reach the seller's fund account after
/// the settlement time the statement states (在途); a statement row settled less than this
/// before the cut-off whose money is not yet in the fund flow is pending, not a difference.
///
/// 京东钱包: the 结算单's 费用结算时间 comes first and the money is booked in the 资金表 later
/// (the 对账表 states 到账时间 up to a day after it, formats.md §4.2).
///
/// 抖店: the 资金流水 books 货款结算入账 (and a 结算后退款's 出账) just after the 结算账单's
/// 结算时间, seconds in practice, but no source states how long after (formats.md §6.2/§6.3),
/// so a download cut between the two rows must not read as money lost. One day: long enough
/// for any booking lag seen, and on the safe side of a guess, since a row still missing when
/// it has passed is a difference in the next run (carried), only a day late, never lost.
pub fn settlement_transit_days(platform: Platform) -> i64 {
    match platform {
        Platform::Jd | Platform::Douyin => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> BeijingTime {
        BeijingTime::parse(s).expect("a test time")
    }

    #[test]
    fn a_direct_payment_refund_always_leaves_the_sellers_account() {
        for phase in [None, Some(AfterSalePhase::OnSale)] {
            assert_eq!(
                refund_paid_from(Release::AtPayment, Released::NotYet, phase, None),
                PaidFrom::SellerAccount
            );
        }
    }

    #[test]
    fn a_taobao_refund_before_confirmation_is_paid_from_escrow_and_after_it_is_not() {
        let confirmed = Released::At(t("2026-10-10 12:00:00"));
        let before = Some(t("2026-10-09 08:00:00"));
        let after = Some(t("2026-10-12 08:00:00"));
        let tb = Release::AtConfirmation;
        assert_eq!(
            refund_paid_from(tb, confirmed, None, before),
            PaidFrom::Held
        );
        assert_eq!(
            refund_paid_from(tb, confirmed, None, after),
            PaidFrom::SellerAccount
        );
        assert_eq!(
            refund_paid_from(tb, Released::NotYet, None, after),
            PaidFrom::Held
        );
        // Where the times tell, they decide; where they cannot, the platform's 售中 / 售后.
        assert_eq!(
            refund_paid_from(tb, confirmed, Some(AfterSalePhase::OnSale), after),
            PaidFrom::SellerAccount
        );
        assert_eq!(
            refund_paid_from(tb, Released::Unknown, Some(AfterSalePhase::OnSale), after),
            PaidFrom::Held
        );
        assert_eq!(
            refund_paid_from(
                tb,
                Released::Unknown,
                Some(AfterSalePhase::AfterSale),
                before
            ),
            PaidFrom::SellerAccount
        );
    }

    #[test]
    fn after_shipment_says_nothing_of_a_settlement() {
        let settled = Released::At(t("2026-10-20 03:00:00"));
        let before = Some(t("2026-10-15 08:00:00"));
        assert_eq!(
            refund_paid_from(
                Release::AtSettlement,
                settled,
                Some(AfterSalePhase::AfterSale),
                before
            ),
            PaidFrom::Held
        );
    }

    #[test]
    fn a_refund_of_an_order_no_file_holds_is_taken_as_after_release() {
        assert_eq!(
            refund_paid_from(Release::AtSettlement, Released::Unknown, None, None),
            PaidFrom::SellerAccount
        );
    }
}
