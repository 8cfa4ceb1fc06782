//! The check catalog of CHECKS.md: codes, default severity, owner, the data each check needs,
//! and default tolerances and windows. Codes are a contract: never renamed or reused.

use duizhang_core::{FindingSeverity, Owner};

/// A kind of input data a check needs; a check whose data is absent for a shop is "not run".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Data {
    Orders,
    OrderLines,
    AfterSales,
    AfterSaleLines,
    /// Fund flow or, for direct-payment shops, the payment bill.
    FundFlow,
    PaymentBill,
    Settlements,
    ErpOrders,
    Shipments,
    ReturnReceipts,
    Vouchers,
}

impl Data {
    pub fn zh(self) -> &'static str {
        match self {
            Data::Orders => "订单",
            Data::OrderLines => "订单明细（子订单）",
            Data::AfterSales => "售后单",
            Data::AfterSaleLines => "售后单商品明细",
            Data::FundFlow => "资金流水",
            Data::PaymentBill => "支付账单",
            Data::Settlements => "结算单",
            Data::ErpOrders => "ERP订单",
            Data::Shipments => "ERP发货单",
            Data::ReturnReceipts => "ERP退货入库单",
            Data::Vouchers => "凭证",
        }
    }
}

/// One entry of the catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckDef {
    pub code: &'static str,
    pub zh: &'static str,
    pub severity: FindingSeverity,
    pub owner: Owner,
    /// All of these must be present for the shop.
    pub needs: &'static [Data],
    /// Default absolute tolerance in 分.
    pub tolerance_fen: i64,
    /// Default window in days (0 = none).
    pub window_days: i64,
}

use Data::*;
use FindingSeverity::{Critical, High, Low, Medium};
use Owner::{Finance, Service, Warehouse};

const fn def(
    code: &'static str,
    zh: &'static str,
    severity: FindingSeverity,
    owner: Owner,
    needs: &'static [Data],
    tolerance_fen: i64,
    window_days: i64,
) -> CheckDef {
    CheckDef {
        code,
        zh,
        severity,
        owner,
        needs,
        tolerance_fen,
        window_days,
    }
}

/// Every check, in CHECKS.md order.
pub const CATALOG: &[CheckDef] = &[
    def(
        "PAYMENT_MISSING",
        "已成交订单无收款流水",
        High,
        Finance,
        &[Orders, FundFlow],
        0,
        15,
    ),
    def(
        "PAYMENT_AMOUNT_MISMATCH",
        "收款金额与订单实收不符",
        High,
        Finance,
        &[Orders, FundFlow],
        1,
        0,
    ),
    def(
        "PAYMENT_ORPHAN",
        "收款流水无对应订单",
        Medium,
        Finance,
        &[FundFlow, Orders],
        0,
        0,
    ),
    def(
        "REFUND_UNPAID",
        "退款成功但资金流水无退款",
        High,
        Finance,
        &[AfterSales, FundFlow],
        0,
        3,
    ),
    def(
        "REFUND_ORPHAN",
        "资金退款无对应售后单",
        Critical,
        Finance,
        &[FundFlow, AfterSales],
        0,
        0,
    ),
    def(
        "REFUND_AMOUNT_MISMATCH",
        "退款金额与售后单不符",
        High,
        Finance,
        &[AfterSales, FundFlow],
        1,
        0,
    ),
    def(
        "REFUND_EXCEEDS_PAID",
        "累计退款超过实付",
        Critical,
        Finance,
        &[Orders, AfterSales],
        0,
        0,
    ),
    def(
        "REFUND_DUPLICATE",
        "重复退款",
        Critical,
        Finance,
        &[AfterSales, FundFlow],
        0,
        0,
    ),
    def(
        "FLOW_DUPLICATE",
        "重复扣款/重复入账",
        Medium,
        Finance,
        &[FundFlow],
        0,
        0,
    ),
    def(
        "BALANCE_BREAK",
        "账户余额不连续",
        High,
        Finance,
        &[FundFlow],
        0,
        0,
    ),
    def(
        "FEE_MISMATCH",
        "手续费/佣金与费率不符",
        Medium,
        Finance,
        &[FundFlow],
        1,
        0,
    ),
    def(
        "SETTLEMENT_MISMATCH",
        "结算单与到账不符",
        High,
        Finance,
        &[Settlements, FundFlow],
        1,
        0,
    ),
    def(
        "ORDER_AMOUNT_ERROR",
        "订单金额计算不符",
        Medium,
        Finance,
        &[Orders],
        1,
        0,
    ),
    def(
        "DISCOUNT_ALLOCATION_ERROR",
        "优惠分摊不符",
        Medium,
        Finance,
        &[Orders, OrderLines],
        1,
        0,
    ),
    def(
        "DISCOUNT_EXCESSIVE",
        "优惠超限",
        Medium,
        Service,
        &[Orders],
        0,
        0,
    ),
    def(
        "STATUS_MISMATCH",
        "平台与ERP订单状态不一致",
        High,
        Service,
        &[Orders, ErpOrders],
        0,
        1,
    ),
    def(
        "SHIPPED_AFTER_REFUND",
        "退款后仍发货",
        Critical,
        Warehouse,
        &[AfterSales, Shipments],
        0,
        0,
    ),
    def(
        "DUPLICATE_SHIPMENT",
        "重复发货",
        Critical,
        Warehouse,
        &[Orders, Shipments],
        0,
        0,
    ),
    def(
        "RESHIP_UNLINKED",
        "补发无售后依据",
        Medium,
        Service,
        &[Shipments, AfterSales],
        0,
        0,
    ),
    def(
        "RETURN_NOT_RECEIVED",
        "退货退款已退款但未入库",
        High,
        Warehouse,
        &[AfterSales, ReturnReceipts],
        0,
        7,
    ),
    def(
        "RECEIVED_NOT_REFUNDED",
        "已入库未退款",
        Medium,
        Service,
        &[ReturnReceipts, AfterSales],
        0,
        2,
    ),
    def(
        "RETURN_MISMATCH",
        "退货商品与售后单不符",
        High,
        Warehouse,
        &[AfterSaleLines, ReturnReceipts],
        0,
        0,
    ),
    def(
        "REFUND_ONLY_SHIPPED",
        "已发货仅退款",
        Low,
        Service,
        &[AfterSales, Shipments],
        0,
        0,
    ),
    def(
        "AFTERSALE_OVERDUE",
        "售后超时未处理",
        Medium,
        Service,
        &[AfterSales],
        0,
        3,
    ),
    def(
        "EXCHANGE_OPEN",
        "换货未闭环",
        Medium,
        Service,
        &[AfterSales, Shipments],
        0,
        7,
    ),
    def(
        "REFUND_NOT_BOOKED",
        "退款未入账",
        High,
        Finance,
        &[AfterSales, Vouchers],
        0,
        0,
    ),
    def(
        "FLOW_NOT_BOOKED",
        "资金流水未入账",
        Medium,
        Finance,
        &[FundFlow, Vouchers],
        0,
        0,
    ),
    def(
        "SOURCE_BOOKED_TWICE",
        "原始单据重复入账",
        Critical,
        Finance,
        &[Vouchers],
        0,
        0,
    ),
];

pub fn lookup(code: &str) -> Option<&'static CheckDef> {
    CATALOG.iter().find(|c| c.code == code)
}
