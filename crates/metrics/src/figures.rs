//! The integer figures a group of records adds up to; every metric is computed from them.

use serde::{Deserialize, Serialize};

/// Counts and amounts (分, seconds) of one group. Adding figures is adding fields.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    /// Paid orders (not 未付款 / 已取消) dated in the period.
    pub orders: i64,
    /// Σ what the buyers paid for them.
    pub gmv_fen: i64,
    /// After-sales applied for in the period.
    pub after_sales: i64,
    /// Distinct orders with at least one of them.
    pub after_sale_orders: i64,
    /// Distinct orders with a 退货退款 after-sale.
    pub return_orders: i64,
    /// 仅退款 after-sales, and what they refunded.
    pub refund_only: i64,
    pub refund_only_fen: i64,
    /// Σ refunded by the after-sales.
    pub refund_fen: i64,
    /// Completed after-sales with both an application and a completion time, and Σ the
    /// seconds between them.
    pub handled: i64,
    pub handling_secs: i64,
    /// Customer-service tickets of the kind 投诉.
    pub complaints: i64,
    /// 仅退款 after-sales of goods already shipped: the goods are gone with the money.
    pub shipped_refund_only_fen: i64,
    /// Postage paid out for returns and reships, as the fund flows name it (positive).
    pub postage_fen: i64,
    /// Compensation received (carrier or platform 赔付), as the fund flows name it.
    pub claims_fen: i64,
    /// Reship shipments (补发) in the period: their cost is not in any file.
    pub reships: i64,
}
