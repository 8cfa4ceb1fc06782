//! What a mapping profile can map: the fields of each record kind, their types, and the
//! enum values ("targets") that status and type columns are mapped to.

use duizhang_core::{
    AfterSaleKind, AfterSalePhase, AfterSaleStatus, ComplaintKind, ErpOrderStatus, FlowKind,
    FundProvider, OrderStatus, Platform, QualityResult, RecordKind, ShipmentKind,
};

/// The enums a column can be mapped to, one per enum-typed field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    Platform,
    AfterSaleKind,
    AfterSaleStatus,
    AfterSalePhase,
    OrderStatus,
    ErpOrderStatus,
    ShipmentKind,
    Quality,
    ComplaintKind,
    FlowKind,
    Provider,
}

/// The type of a field's cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    Text,
    /// An amount in 元 (read into exact 分).
    Money,
    Time,
    /// A whole number (quantities).
    Int,
    Choice(Choice),
}

/// One field of a record kind that a column can be mapped to.
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub zh: &'static str,
    pub ty: Ty,
    /// The record cannot be built without it.
    pub required: bool,
}

const fn f(name: &'static str, zh: &'static str, ty: Ty, required: bool) -> Field {
    Field {
        name,
        zh,
        ty,
        required,
    }
}

use Ty::{Int, Money, Text, Time};

const PLATFORM: Field = f("platform", "平台", Ty::Choice(Choice::Platform), true);

pub const AFTER_SALE: &[Field] = &[
    PLATFORM,
    f("shop", "店铺", Text, false),
    f("order_no", "订单号", Text, true),
    f("refund_no", "售后单号", Text, true),
    f("kind", "售后类型", Ty::Choice(Choice::AfterSaleKind), true),
    f(
        "status",
        "售后状态",
        Ty::Choice(Choice::AfterSaleStatus),
        true,
    ),
    f(
        "phase",
        "售中/售后",
        Ty::Choice(Choice::AfterSalePhase),
        false,
    ),
    f("paid", "实付金额", Money, false),
    f("requested", "申请金额", Money, false),
    f("refunded", "退款金额", Money, true),
    f("applied_at", "申请时间", Time, false),
    f("completed_at", "完成时间", Time, false),
    f("reason", "原因", Text, false),
    f("payment_no", "支付退款单号", Text, false),
    f("sku", "商家编码", Text, false),
    f("sub_order_no", "子订单号", Text, false),
    f("quantity", "数量", Int, false),
];

pub const ORDER: &[Field] = &[
    PLATFORM,
    f("shop", "店铺", Text, false),
    f("order_no", "订单号", Text, true),
    f("status", "订单状态", Ty::Choice(Choice::OrderStatus), true),
    f("created_at", "下单时间", Time, false),
    f("paid_at", "付款时间", Time, false),
    f("shipped_at", "发货时间", Time, false),
    f("finished_at", "确认收货时间", Time, false),
    f("goods", "商品总额", Money, false),
    f("postage", "运费", Money, false),
    f("seller_discount", "商家优惠", Money, false),
    f("platform_discount", "平台优惠", Money, false),
    f("other_discount", "其他优惠", Money, false),
    f("paid", "实付金额", Money, false),
    f("seller_receivable", "商家实收", Money, false),
    f("refunded", "已退款金额", Money, false),
    f("payment_no", "支付单号", Text, false),
    f("sub_order_no", "子订单号", Text, false),
    f("sku", "商家编码", Text, false),
    f("title", "商品名称", Text, false),
    f("quantity", "数量", Int, false),
    f("unit_price", "单价", Money, false),
    f("line_goods", "行商品金额", Money, false),
    f("line_discount", "行优惠", Money, false),
    f("line_paid", "行实付", Money, false),
];

/// Order fields that describe the row's goods line (one line per row).
pub const ORDER_LINE_FIELDS: &[&str] = &[
    "sub_order_no",
    "sku",
    "title",
    "quantity",
    "unit_price",
    "line_goods",
    "line_discount",
    "line_paid",
];

pub const ERP_ORDER: &[Field] = &[
    f("shop", "店铺", Text, true),
    PLATFORM,
    f("order_no", "订单号", Text, true),
    f("erp_no", "ERP单号", Text, false),
    f(
        "status",
        "订单状态",
        Ty::Choice(Choice::ErpOrderStatus),
        true,
    ),
    f("updated_at", "更新时间", Time, true),
    f("paid_at", "付款时间", Time, false),
    f("goods", "商品金额", Money, false),
    f("postage", "运费", Money, false),
    f("discount", "优惠金额", Money, false),
    f("paid", "实付金额", Money, false),
    f("payment_method", "支付方式", Text, false),
    f("payment_no", "支付单号", Text, false),
];

pub const SHIPMENT: &[Field] = &[
    f("shop", "店铺", Text, true),
    f("order_no", "订单号", Text, true),
    f("sub_order_no", "子订单号", Text, false),
    f("sku", "商家编码", Text, true),
    f("quantity", "数量", Int, true),
    f("shipped_at", "发货时间", Time, true),
    f("carrier", "物流公司", Text, false),
    f("waybill", "运单号", Text, false),
    f("kind", "发货类型", Ty::Choice(Choice::ShipmentKind), true),
    f("refund_no", "售后单号", Text, false),
];

pub const RETURN_RECEIPT: &[Field] = &[
    f("shop", "店铺", Text, true),
    f("order_no", "订单号", Text, true),
    f("refund_no", "售后单号", Text, true),
    f("sku", "商家编码", Text, true),
    f("quantity", "数量", Int, true),
    f("received_at", "入库时间", Time, true),
    f("quality", "质检结果", Ty::Choice(Choice::Quality), false),
];

pub const COMPLAINT: &[Field] = &[
    f("shop", "店铺", Text, true),
    f("order_no", "订单号", Text, false),
    f("ticket_no", "工单号", Text, true),
    f("kind", "工单类型", Ty::Choice(Choice::ComplaintKind), true),
    f("created_at", "创建时间", Time, true),
    f("reason", "原因", Text, false),
];

pub const FUND_FLOW: &[Field] = &[
    f(
        "provider",
        "资金账户类型",
        Ty::Choice(Choice::Provider),
        true,
    ),
    f("account", "账户", Text, false),
    f("txn_no", "流水号", Text, true),
    f("business_no", "业务流水号", Text, false),
    f("order_no", "订单号", Text, false),
    f("merchant_ref", "商户订单号", Text, false),
    f("refund_no", "退款单号", Text, false),
    f("kind", "收支类型", Ty::Choice(Choice::FlowKind), true),
    f("amount", "金额（带正负号）", Money, false),
    f("income", "收入金额", Money, false),
    f("expense", "支出金额", Money, false),
    f("balance", "余额", Money, false),
    f("occurred_at", "发生时间", Time, true),
    f("counterparty", "对方", Text, false),
    f("memo", "备注", Text, false),
];

/// The record kinds a profile can produce, with their `record = "…"` names.
pub const RECORDS: &[(&str, RecordKind)] = &[
    ("order", RecordKind::Order),
    ("after_sale", RecordKind::AfterSale),
    ("erp_order", RecordKind::ErpOrder),
    ("shipment", RecordKind::Shipment),
    ("return_receipt", RecordKind::ReturnReceipt),
    ("complaint", RecordKind::Complaint),
    ("fund_flow", RecordKind::FundFlow),
];

/// The fields of a record kind (empty for kinds no profile can produce).
pub fn fields_of(kind: RecordKind) -> &'static [Field] {
    match kind {
        RecordKind::Order => ORDER,
        RecordKind::AfterSale => AFTER_SALE,
        RecordKind::ErpOrder => ERP_ORDER,
        RecordKind::Shipment => SHIPMENT,
        RecordKind::ReturnReceipt => RETURN_RECEIPT,
        RecordKind::Complaint => COMPLAINT,
        RecordKind::FundFlow => FUND_FLOW,
        RecordKind::Payment | RecordKind::Settlement => &[],
    }
}

/// An enum that cells are mapped to: its snake_case names (as in the records' JSON) and the
/// standard Chinese texts understood without a `[values]` table.
pub trait Target: Copy + 'static {
    const ALL: &'static [Self];
    fn code(self) -> &'static str;
    fn zh(self) -> &'static str;
    /// The standard texts: the core's own parser where it has one, else code or Chinese name.
    fn parse_std(text: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.code() == text || v.zh() == text)
    }
    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.code() == code)
    }
}

impl Target for Platform {
    const ALL: &'static [Self] = &[
        Platform::Taobao,
        Platform::Tmall,
        Platform::Jd,
        Platform::Pdd,
        Platform::Douyin,
        Platform::Wechat,
        Platform::Other,
    ];
    fn code(self) -> &'static str {
        Platform::code(self)
    }
    fn zh(self) -> &'static str {
        Platform::zh(self)
    }
    fn parse_std(text: &str) -> Option<Self> {
        Platform::parse(text)
    }
}

impl Target for AfterSaleKind {
    const ALL: &'static [Self] = &[
        AfterSaleKind::RefundOnly,
        AfterSaleKind::ReturnAndRefund,
        AfterSaleKind::Exchange,
        AfterSaleKind::Reship,
    ];
    fn code(self) -> &'static str {
        match self {
            AfterSaleKind::RefundOnly => "refund_only",
            AfterSaleKind::ReturnAndRefund => "return_and_refund",
            AfterSaleKind::Exchange => "exchange",
            AfterSaleKind::Reship => "reship",
        }
    }
    fn zh(self) -> &'static str {
        AfterSaleKind::zh(self)
    }
    fn parse_std(text: &str) -> Option<Self> {
        AfterSaleKind::parse(text)
    }
}

impl Target for AfterSaleStatus {
    const ALL: &'static [Self] = &[
        AfterSaleStatus::PendingReview,
        AfterSaleStatus::Approved,
        AfterSaleStatus::WaitingReturn,
        AfterSaleStatus::WaitingReceive,
        AfterSaleStatus::Completed,
        AfterSaleStatus::Rejected,
        AfterSaleStatus::Closed,
    ];
    fn code(self) -> &'static str {
        match self {
            AfterSaleStatus::PendingReview => "pending_review",
            AfterSaleStatus::Approved => "approved",
            AfterSaleStatus::WaitingReturn => "waiting_return",
            AfterSaleStatus::WaitingReceive => "waiting_receive",
            AfterSaleStatus::Completed => "completed",
            AfterSaleStatus::Rejected => "rejected",
            AfterSaleStatus::Closed => "closed",
        }
    }
    fn zh(self) -> &'static str {
        AfterSaleStatus::zh(self)
    }
    fn parse_std(text: &str) -> Option<Self> {
        AfterSaleStatus::parse(text)
    }
}

impl Target for AfterSalePhase {
    const ALL: &'static [Self] = &[AfterSalePhase::OnSale, AfterSalePhase::AfterSale];
    fn code(self) -> &'static str {
        match self {
            AfterSalePhase::OnSale => "on_sale",
            AfterSalePhase::AfterSale => "after_sale",
        }
    }
    fn zh(self) -> &'static str {
        match self {
            AfterSalePhase::OnSale => "售中",
            AfterSalePhase::AfterSale => "售后",
        }
    }
}

impl Target for OrderStatus {
    const ALL: &'static [Self] = &[
        OrderStatus::Unpaid,
        OrderStatus::Paid,
        OrderStatus::Shipped,
        OrderStatus::Finished,
        OrderStatus::Refunded,
        OrderStatus::Cancelled,
        OrderStatus::Unknown,
    ];
    fn code(self) -> &'static str {
        match self {
            OrderStatus::Unpaid => "unpaid",
            OrderStatus::Paid => "paid",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Finished => "finished",
            OrderStatus::Refunded => "refunded",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Unknown => "unknown",
        }
    }
    fn zh(self) -> &'static str {
        OrderStatus::zh(self)
    }
}

impl Target for ErpOrderStatus {
    const ALL: &'static [Self] = &[
        ErpOrderStatus::PendingReview,
        ErpOrderStatus::WaitingShipment,
        ErpOrderStatus::Shipped,
        ErpOrderStatus::Completed,
        ErpOrderStatus::Cancelled,
        ErpOrderStatus::Refunded,
    ];
    fn code(self) -> &'static str {
        match self {
            ErpOrderStatus::PendingReview => "pending_review",
            ErpOrderStatus::WaitingShipment => "waiting_shipment",
            ErpOrderStatus::Shipped => "shipped",
            ErpOrderStatus::Completed => "completed",
            ErpOrderStatus::Cancelled => "cancelled",
            ErpOrderStatus::Refunded => "refunded",
        }
    }
    fn zh(self) -> &'static str {
        ErpOrderStatus::zh(self)
    }
    fn parse_std(text: &str) -> Option<Self> {
        ErpOrderStatus::parse(text)
    }
}

impl Target for ShipmentKind {
    const ALL: &'static [Self] = &[
        ShipmentKind::Normal,
        ShipmentKind::Reship,
        ShipmentKind::Exchange,
    ];
    fn code(self) -> &'static str {
        match self {
            ShipmentKind::Normal => "normal",
            ShipmentKind::Reship => "reship",
            ShipmentKind::Exchange => "exchange",
        }
    }
    fn zh(self) -> &'static str {
        ShipmentKind::zh(self)
    }
    fn parse_std(text: &str) -> Option<Self> {
        ShipmentKind::parse(text)
    }
}

impl Target for QualityResult {
    const ALL: &'static [Self] = &[QualityResult::Good, QualityResult::Defective];
    fn code(self) -> &'static str {
        match self {
            QualityResult::Good => "good",
            QualityResult::Defective => "defective",
        }
    }
    fn zh(self) -> &'static str {
        match self {
            QualityResult::Good => "良品",
            QualityResult::Defective => "次品",
        }
    }
    fn parse_std(text: &str) -> Option<Self> {
        QualityResult::parse(text)
    }
}

impl Target for ComplaintKind {
    const ALL: &'static [Self] = &[
        ComplaintKind::Complaint,
        ComplaintKind::Inquiry,
        ComplaintKind::Other,
    ];
    fn code(self) -> &'static str {
        match self {
            ComplaintKind::Complaint => "complaint",
            ComplaintKind::Inquiry => "inquiry",
            ComplaintKind::Other => "other",
        }
    }
    fn zh(self) -> &'static str {
        match self {
            ComplaintKind::Complaint => "投诉",
            ComplaintKind::Inquiry => "咨询",
            ComplaintKind::Other => "其他",
        }
    }
    fn parse_std(text: &str) -> Option<Self> {
        ComplaintKind::parse(text)
    }
}

impl Target for FlowKind {
    const ALL: &'static [Self] = &FlowKind::ALL;
    fn code(self) -> &'static str {
        FlowKind::code(self)
    }
    fn zh(self) -> &'static str {
        FlowKind::zh(self)
    }
}

impl Target for FundProvider {
    const ALL: &'static [Self] = &[
        FundProvider::Alipay,
        FundProvider::Wechat,
        FundProvider::Pdd,
        FundProvider::Jd,
        FundProvider::Douyin,
    ];
    fn code(self) -> &'static str {
        match self {
            FundProvider::Alipay => "alipay",
            FundProvider::Wechat => "wechat",
            FundProvider::Pdd => "pdd",
            FundProvider::Jd => "jd",
            FundProvider::Douyin => "douyin",
        }
    }
    fn zh(self) -> &'static str {
        FundProvider::zh(self)
    }
}

/// Calls a generic function with the [`Target`] type behind a [`Choice`].
macro_rules! with_target {
    ($choice:expr, $func:ident ( $($arg:expr),* )) => {
        match $choice {
            Choice::Platform => $func::<duizhang_core::Platform>($($arg),*),
            Choice::AfterSaleKind => $func::<duizhang_core::AfterSaleKind>($($arg),*),
            Choice::AfterSaleStatus => $func::<duizhang_core::AfterSaleStatus>($($arg),*),
            Choice::AfterSalePhase => $func::<duizhang_core::AfterSalePhase>($($arg),*),
            Choice::OrderStatus => $func::<duizhang_core::OrderStatus>($($arg),*),
            Choice::ErpOrderStatus => $func::<duizhang_core::ErpOrderStatus>($($arg),*),
            Choice::ShipmentKind => $func::<duizhang_core::ShipmentKind>($($arg),*),
            Choice::Quality => $func::<duizhang_core::QualityResult>($($arg),*),
            Choice::ComplaintKind => $func::<duizhang_core::ComplaintKind>($($arg),*),
            Choice::FlowKind => $func::<duizhang_core::FlowKind>($($arg),*),
            Choice::Provider => $func::<duizhang_core::FundProvider>($($arg),*),
        }
    };
}
pub(crate) use with_target;

/// The snake_case names of a target enum.
pub fn codes<T: Target>() -> Vec<&'static str> {
    T::ALL.iter().map(|v| v.code()).collect()
}

/// True if `text` is a standard text of the enum (understood without a `[values]` table).
pub fn is_std<T: Target>(text: &str) -> bool {
    T::parse_std(text).is_some()
}

/// The standard Chinese texts of a target enum, for error messages.
pub fn std_texts<T: Target>() -> Vec<&'static str> {
    T::ALL.iter().map(|v| v.zh()).collect()
}
