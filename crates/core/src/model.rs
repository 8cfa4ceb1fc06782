//! The normalised records every importer produces and every later layer reads.
//!
//! Records are immutable facts read from a file: each knows where it came from ([`SourceRef`]).
//! Statuses are normalised to small enums; the text the file used is kept beside them so a
//! person can see what the platform said.

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use crate::label::Label;
use crate::money::{Fen, RatePpm};
use crate::time::BeijingTime;

/// Identifies an input file within one import batch (index into the batch's file table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FileId(pub u32);

/// Where a record came from: file and physical line (1-based, as a text editor counts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SourceRef {
    pub file: FileId,
    pub line: u32,
}

pub type Text = CompactString;

/// Marketplace or channel, as findings name it (`platform` in CHECKS.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Taobao,
    Tmall,
    Jd,
    Pdd,
    Douyin,
    Wechat,
    Other,
}

impl Platform {
    pub fn code(self) -> &'static str {
        match self {
            Platform::Taobao => "taobao",
            Platform::Tmall => "tmall",
            Platform::Jd => "jd",
            Platform::Pdd => "pdd",
            Platform::Douyin => "douyin",
            Platform::Wechat => "wechat",
            Platform::Other => "other",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Platform::Taobao => "淘宝",
            Platform::Tmall => "天猫",
            Platform::Jd => "京东",
            Platform::Pdd => "拼多多",
            Platform::Douyin => "抖音",
            Platform::Wechat => "微信",
            Platform::Other => "其他",
        }
    }

    /// Reads a platform as sellers write it in ERP exports and settings.
    pub fn parse(text: &str) -> Option<Platform> {
        let t = text.trim();
        let lower = t.to_ascii_lowercase();
        Some(match lower.as_str() {
            "taobao" | "淘宝" | "淘宝网" | "tb" => Platform::Taobao,
            "tmall" | "天猫" | "天猫商城" | "tm" => Platform::Tmall,
            "jd" | "京东" | "京东pop" | "jingdong" => Platform::Jd,
            "pdd" | "拼多多" | "pinduoduo" => Platform::Pdd,
            "douyin" | "抖音" | "抖店" | "抖音小店" | "doudian" => Platform::Douyin,
            "wechat" | "微信" | "微信小程序" | "小程序" | "微信小店" | "视频号" | "视频号小店"
            | "weixin" => Platform::Wechat,
            "other" | "其他" | "其它" | "线下" | "自营商城" => Platform::Other,
            _ => return None,
        })
    }
}

/// Who keeps the money: the fund account's provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FundProvider {
    Alipay,
    Wechat,
    Pdd,
    Jd,
    Douyin,
}

impl FundProvider {
    pub fn zh(self) -> &'static str {
        match self {
            FundProvider::Alipay => "支付宝",
            FundProvider::Wechat => "微信支付",
            FundProvider::Pdd => "拼多多货款账户",
            FundProvider::Jd => "京东钱包",
            FundProvider::Douyin => "抖店账户",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Orders

/// A platform order's state, normalised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Not yet paid.
    Unpaid,
    /// Paid, waiting to be shipped.
    Paid,
    /// Shipped, waiting for the buyer to confirm.
    Shipped,
    /// Buyer confirmed receipt / trade finished: funds released to the seller.
    Finished,
    /// Closed after payment because everything was refunded.
    Refunded,
    /// Cancelled or closed before payment.
    Cancelled,
    /// A status text the importer does not know.
    Unknown,
}

impl OrderStatus {
    pub fn zh(self) -> &'static str {
        match self {
            OrderStatus::Unpaid => "待付款",
            OrderStatus::Paid => "待发货",
            OrderStatus::Shipped => "已发货",
            OrderStatus::Finished => "已完成",
            OrderStatus::Refunded => "已退款关闭",
            OrderStatus::Cancelled => "已取消",
            OrderStatus::Unknown => "未知状态",
        }
    }
}

/// One line (子订单) of an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    /// 子订单号 where the platform has one.
    pub sub_order_no: Option<Text>,
    /// 商家编码 (the seller's SKU code).
    pub sku: Option<Label>,
    pub title: Option<Label>,
    pub quantity: i64,
    pub unit_price: Option<Fen>,
    /// Goods amount of the line before discounts (price × quantity).
    pub goods: Option<Fen>,
    /// Discount allocated to the line.
    pub discount: Option<Fen>,
    /// What the buyer paid for the line after allocation.
    pub paid: Option<Fen>,
    pub source: SourceRef,
}

/// A marketplace order (or a mini-program shop's order kept in the ERP).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub platform: Platform,
    /// Shop named by the file, if it names one; otherwise settings assign it.
    pub shop: Option<Label>,
    /// Order number without Excel guards or prefixes.
    pub order_no: Text,
    pub status: OrderStatus,
    pub status_text: Label,
    pub created_at: Option<BeijingTime>,
    pub paid_at: Option<BeijingTime>,
    pub shipped_at: Option<BeijingTime>,
    /// 确认收货 / trade finished: when funds are released.
    pub finished_at: Option<BeijingTime>,
    /// Goods total (Σ price × quantity) before discounts.
    pub goods: Option<Fen>,
    pub postage: Option<Fen>,
    pub seller_discount: Option<Fen>,
    pub platform_discount: Option<Fen>,
    /// Discount whose funder the file does not say.
    pub other_discount: Option<Fen>,
    /// 实付: what the buyer paid.
    pub paid: Option<Fen>,
    /// What the platform says the seller receives (商家实收 / 打款商家金额), if stated.
    pub seller_receivable: Option<Fen>,
    /// Refunded total as the order export states it, if stated.
    pub refunded: Option<Fen>,
    /// Payment provider's reference for the payment (支付单号 / 支付宝交易号 / 商户订单号).
    pub payment_no: Option<Text>,
    pub lines: Vec<OrderLine>,
    pub source: SourceRef,
}

// ---------------------------------------------------------------------------------------------
// After-sales

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AfterSaleKind {
    /// 仅退款
    RefundOnly,
    /// 退货退款
    ReturnAndRefund,
    /// 换货
    Exchange,
    /// 补发 / 补寄
    Reship,
}

impl AfterSaleKind {
    pub fn zh(self) -> &'static str {
        match self {
            AfterSaleKind::RefundOnly => "仅退款",
            AfterSaleKind::ReturnAndRefund => "退货退款",
            AfterSaleKind::Exchange => "换货",
            AfterSaleKind::Reship => "补发",
        }
    }

    pub fn parse(text: &str) -> Option<AfterSaleKind> {
        let t = text.trim();
        Some(match t {
            "仅退款" | "未发货仅退款" | "已发货仅退款" | "退款" | "refund_only" => {
                AfterSaleKind::RefundOnly
            }
            "退货退款" | "退货" | "return_and_refund" => AfterSaleKind::ReturnAndRefund,
            "换货" | "exchange" => AfterSaleKind::Exchange,
            "补发" | "补寄" | "缺货补寄" | "reship" => AfterSaleKind::Reship,
            _ => return None,
        })
    }
}

/// 售中 (before shipment / before the trade finished) or 售后.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AfterSalePhase {
    OnSale,
    AfterSale,
}

/// An after-sale's state, normalised (the generic ERP format's states).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AfterSaleStatus {
    /// 待审核: waiting for the seller.
    PendingReview,
    /// 已同意, refund in progress (待退款 / 退款中).
    Approved,
    /// 待退货: waiting for the buyer to send goods back.
    WaitingReturn,
    /// 待收货: goods on their way back, waiting for the seller to receive.
    WaitingReceive,
    /// 已完成: refunded (or exchange/reship done).
    Completed,
    /// 已拒绝
    Rejected,
    /// 已关闭: cancelled or closed without refund.
    Closed,
}

impl AfterSaleStatus {
    pub fn zh(self) -> &'static str {
        match self {
            AfterSaleStatus::PendingReview => "待审核",
            AfterSaleStatus::Approved => "已同意",
            AfterSaleStatus::WaitingReturn => "待退货",
            AfterSaleStatus::WaitingReceive => "待收货",
            AfterSaleStatus::Completed => "已完成",
            AfterSaleStatus::Rejected => "已拒绝",
            AfterSaleStatus::Closed => "已关闭",
        }
    }

    /// Still needs someone to act.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            AfterSaleStatus::PendingReview
                | AfterSaleStatus::Approved
                | AfterSaleStatus::WaitingReturn
                | AfterSaleStatus::WaitingReceive
        )
    }

    pub fn parse(text: &str) -> Option<AfterSaleStatus> {
        Some(match text.trim() {
            "待审核" | "待处理" | "待商家处理" | "pending_review" => {
                AfterSaleStatus::PendingReview
            }
            "已同意" | "待退款" | "退款中" | "approved" => AfterSaleStatus::Approved,
            "待退货" | "waiting_return" => AfterSaleStatus::WaitingReturn,
            "待收货" | "waiting_receive" => AfterSaleStatus::WaitingReceive,
            "已完成" | "退款成功" | "completed" => AfterSaleStatus::Completed,
            "已拒绝" | "rejected" => AfterSaleStatus::Rejected,
            "已关闭" | "退款关闭" | "已取消" | "closed" => AfterSaleStatus::Closed,
            _ => return None,
        })
    }
}

/// A goods line of an after-sale.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AfterSaleLine {
    pub sku: Option<Label>,
    pub sub_order_no: Option<Text>,
    pub quantity: Option<i64>,
    /// Refund amount of this line, when the file states it per line.
    pub refund: Option<Fen>,
    pub source: SourceRef,
}

/// An after-sale (售后单 / 退款单).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AfterSale {
    pub platform: Platform,
    pub shop: Option<Label>,
    pub order_no: Text,
    pub refund_no: Text,
    pub kind: AfterSaleKind,
    pub phase: Option<AfterSalePhase>,
    pub status: AfterSaleStatus,
    pub status_text: Label,
    /// What the buyer paid for what the after-sale covers, when stated.
    pub paid: Option<Fen>,
    pub requested: Option<Fen>,
    /// Refunded amount (0 when nothing was refunded).
    pub refunded: Fen,
    pub applied_at: Option<BeijingTime>,
    /// 退款完结时间 / 完成时间.
    pub completed_at: Option<BeijingTime>,
    pub reason: Option<Label>,
    /// The payment provider's refund reference when stated (支付宝交易号 …).
    pub payment_no: Option<Text>,
    pub lines: Vec<AfterSaleLine>,
    pub source: SourceRef,
}

// ---------------------------------------------------------------------------------------------
// Money movements

/// What a fund-flow row is, for reconciliation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowKind {
    /// Sales money received (交易付款, 交易收入, 货款结算入账 …).
    Income,
    /// Money refunded to a buyer.
    Refund,
    /// Payment / technical service fee (手续费, 技术服务费, 收费 …).
    Fee,
    /// Platform commission or affiliate commission (佣金, 淘宝客, 交易分账 …).
    Commission,
    /// Withdrawal to the bank (提现) or its reversal.
    Withdrawal,
    /// Transfers, deposits, top-ups.
    Transfer,
    /// Anything else (penalties, compensations, adjustments …), kept with its text.
    Other,
}

impl FlowKind {
    pub const ALL: [FlowKind; 7] = [
        FlowKind::Income,
        FlowKind::Refund,
        FlowKind::Fee,
        FlowKind::Commission,
        FlowKind::Withdrawal,
        FlowKind::Transfer,
        FlowKind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            FlowKind::Income => "income",
            FlowKind::Refund => "refund",
            FlowKind::Fee => "fee",
            FlowKind::Commission => "commission",
            FlowKind::Withdrawal => "withdrawal",
            FlowKind::Transfer => "transfer",
            FlowKind::Other => "other",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            FlowKind::Income => "收入",
            FlowKind::Refund => "退款",
            FlowKind::Fee => "手续费",
            FlowKind::Commission => "佣金",
            FlowKind::Withdrawal => "提现",
            FlowKind::Transfer => "转账",
            FlowKind::Other => "其他",
        }
    }

    /// The kind of a row whose type text reads as `self` and that moved `amount` (+ into the
    /// account, − out of it). The type text says what kind of money it is, the amount which
    /// way it went (formats.md §1.4): money out is never sales income (an Alipay `在线支付`
    /// outflow pays a supplier), money in never a refund to a buyer. Such rows are `Other`.
    pub fn as_moved(self, amount: Fen) -> FlowKind {
        match self {
            FlowKind::Income if amount.get() < 0 => FlowKind::Other,
            FlowKind::Refund if amount.get() > 0 => FlowKind::Other,
            kind => kind,
        }
    }
}

/// One row of a fund account's flow (账务明细 / 资金账单 / 货款明细 / 资金流水).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundFlowRow {
    pub provider: FundProvider,
    /// The account (Alipay 账号, WeChat 商户号 …), when the file says it.
    pub account: Option<Label>,
    /// The row's own id (账务流水号, 资金流水单号 …). Unique within an account.
    pub txn_no: Text,
    /// Business id shared by the rows of one business event (业务流水号, 微信支付业务单号).
    pub business_no: Option<Text>,
    /// The platform order number this row refers to, normalised (no `T200P`, no guards).
    pub order_no: Option<Text>,
    /// The merchant reference as the file wrote it (商户订单号, 业务凭证号).
    pub merchant_ref: Option<Text>,
    /// The refund / after-sale number when the row names one.
    pub refund_no: Option<Text>,
    pub kind: FlowKind,
    /// The provider's own type text (业务类型, 账务类型, 动账场景 …).
    pub kind_text: Label,
    /// Signed: income positive, outflow negative.
    pub amount: Fen,
    pub balance: Option<Fen>,
    pub occurred_at: BeijingTime,
    pub counterparty: Option<Text>,
    pub memo: Option<Text>,
    /// What a refund row gave back to the buyer, positive, where the row states it apart from
    /// the money that moved: WeChat's 资金账单 may write the outflow net of the payment fee
    /// WeChat returns with the refund, with the refund itself in 备注
    /// (`退款总金额59.00元;含手续费0.35元` → 59.00). Absent in carry files of earlier versions.
    #[serde(default)]
    pub refund_total: Option<Fen>,
    pub source: SourceRef,
}

/// A row of a payment provider's trade bill (Alipay 业务明细, WeChat 交易账单).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRow {
    pub provider: FundProvider,
    pub account: Option<Label>,
    pub kind: PaymentKind,
    /// Provider's transaction id (微信订单号, 支付宝交易号).
    pub txn_no: Text,
    /// Merchant order number (商户订单号).
    pub out_trade_no: Option<Text>,
    /// Provider refund id and merchant refund id, on refund rows.
    pub refund_id: Option<Text>,
    pub out_refund_no: Option<Text>,
    /// Order total incl. coupons (订单金额).
    pub order_amount: Option<Fen>,
    /// What the merchant settles on a payment row (应结订单金额 / 商家实收); negative on Alipay refunds.
    pub settled: Fen,
    /// Refund amount on refund rows, positive.
    pub refund: Fen,
    /// Fee: positive = charged, negative = returned.
    pub fee: Fen,
    pub rate: Option<RatePpm>,
    pub status_text: Label,
    pub occurred_at: BeijingTime,
    pub refund_succeeded_at: Option<BeijingTime>,
    pub title: Option<Label>,
    pub source: SourceRef,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentKind {
    Payment,
    Refund,
    /// 撤销 (payment code reversal).
    Revoked,
}

/// A platform settlement statement row (Douyin 结算账单, JD 对账表 / 钱包结算单).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettlementRow {
    pub platform: Platform,
    pub order_no: Text,
    pub sub_order_no: Option<Text>,
    /// Fee item or statement type (货款, 佣金, 已结算, 结算后退款 …).
    pub item: Label,
    pub kind: FlowKind,
    /// Signed net amount of the row.
    pub amount: Fen,
    pub settled_at: Option<BeijingTime>,
    pub account: Option<Label>,
    pub refund_no: Option<Text>,
    /// The payment/fund reference the settlement was paid under (商户订单号 …).
    pub payment_ref: Option<Text>,
    /// The commission rate the statement itself states for the row (JD 对账表 佣金比例).
    #[serde(default)]
    pub rate: Option<RatePpm>,
    /// The goods money the row settles before the platform's fees, where the statement states
    /// it beside its net (抖店 收入合计: 订单实付应结 with the platform's subsidies).
    #[serde(default)]
    pub goods: Option<Fen>,
    pub source: SourceRef,
}

// ---------------------------------------------------------------------------------------------
// ERP and warehouse

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErpOrderStatus {
    PendingReview,
    WaitingShipment,
    Shipped,
    Completed,
    Cancelled,
    Refunded,
}

impl ErpOrderStatus {
    pub fn parse(text: &str) -> Option<ErpOrderStatus> {
        Some(match text.trim() {
            "待审核" | "pending_review" => ErpOrderStatus::PendingReview,
            "待发货" | "已审核" | "waiting_shipment" => ErpOrderStatus::WaitingShipment,
            "已发货" | "shipped" => ErpOrderStatus::Shipped,
            "已完成" | "completed" => ErpOrderStatus::Completed,
            "已取消" | "已作废" | "cancelled" => ErpOrderStatus::Cancelled,
            "已退款" | "refunded" => ErpOrderStatus::Refunded,
            _ => return None,
        })
    }

    pub fn zh(self) -> &'static str {
        match self {
            ErpOrderStatus::PendingReview => "待审核",
            ErpOrderStatus::WaitingShipment => "待发货",
            ErpOrderStatus::Shipped => "已发货",
            ErpOrderStatus::Completed => "已完成",
            ErpOrderStatus::Cancelled => "已取消",
            ErpOrderStatus::Refunded => "已退款",
        }
    }
}

/// An order as the ERP sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErpOrder {
    pub shop: Label,
    pub platform: Platform,
    pub order_no: Text,
    pub erp_no: Option<Text>,
    pub status: ErpOrderStatus,
    pub updated_at: BeijingTime,
    pub paid_at: Option<BeijingTime>,
    pub goods: Option<Fen>,
    pub postage: Option<Fen>,
    pub discount: Option<Fen>,
    pub paid: Option<Fen>,
    pub payment_method: Option<Label>,
    /// The payment provider's 商户订单号, for shops whose orders live only in the ERP.
    pub payment_no: Option<Text>,
    pub source: SourceRef,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShipmentKind {
    /// 正常
    Normal,
    /// 补发
    Reship,
    /// 换货
    Exchange,
}

impl ShipmentKind {
    pub fn parse(text: &str) -> Option<ShipmentKind> {
        Some(match text.trim() {
            "正常" | "正常发货" | "normal" => ShipmentKind::Normal,
            "补发" | "补寄" | "reship" => ShipmentKind::Reship,
            "换货" | "换货发货" | "exchange" => ShipmentKind::Exchange,
            _ => return None,
        })
    }

    pub fn zh(self) -> &'static str {
        match self {
            ShipmentKind::Normal => "正常",
            ShipmentKind::Reship => "补发",
            ShipmentKind::Exchange => "换货",
        }
    }
}

/// A shipment line from the ERP / warehouse.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shipment {
    pub shop: Label,
    pub order_no: Text,
    pub sub_order_no: Option<Text>,
    pub sku: Label,
    pub quantity: i64,
    pub shipped_at: BeijingTime,
    pub carrier: Option<Label>,
    pub waybill: Option<Text>,
    pub kind: ShipmentKind,
    pub refund_no: Option<Text>,
    pub source: SourceRef,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QualityResult {
    /// 良品
    Good,
    /// 次品
    Defective,
}

impl QualityResult {
    pub fn parse(text: &str) -> Option<QualityResult> {
        Some(match text.trim() {
            "良品" | "正品" | "good" => QualityResult::Good,
            "次品" | "残次品" | "不良品" | "defective" => QualityResult::Defective,
            _ => return None,
        })
    }
}

/// A return receipt (退货入库单) line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnReceipt {
    pub shop: Label,
    pub order_no: Text,
    pub refund_no: Text,
    pub sku: Label,
    pub quantity: i64,
    pub received_at: BeijingTime,
    pub quality: Option<QualityResult>,
    pub source: SourceRef,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintKind {
    Complaint,
    Inquiry,
    Other,
}

impl ComplaintKind {
    pub fn parse(text: &str) -> Option<ComplaintKind> {
        Some(match text.trim() {
            "投诉" | "complaint" => ComplaintKind::Complaint,
            "咨询" | "inquiry" => ComplaintKind::Inquiry,
            "其他" | "其它" | "other" => ComplaintKind::Other,
            _ => return None,
        })
    }
}

/// A customer-service ticket (客服工单).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Complaint {
    pub shop: Label,
    pub order_no: Option<Text>,
    pub ticket_no: Text,
    pub kind: ComplaintKind,
    pub created_at: BeijingTime,
    pub reason: Option<Label>,
    pub source: SourceRef,
}

/// Any normalised record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case")]
pub enum Record {
    Order(Order),
    AfterSale(AfterSale),
    FundFlow(FundFlowRow),
    Payment(PaymentRow),
    Settlement(SettlementRow),
    ErpOrder(ErpOrder),
    Shipment(Shipment),
    ReturnReceipt(ReturnReceipt),
    Complaint(Complaint),
}

/// A record borrowed from the dataset: asking about it (its shop, its link key) needs no copy.
#[derive(Clone, Copy, Debug)]
pub enum RecordRef<'a> {
    Order(&'a Order),
    AfterSale(&'a AfterSale),
    FundFlow(&'a FundFlowRow),
    Payment(&'a PaymentRow),
    Settlement(&'a SettlementRow),
    ErpOrder(&'a ErpOrder),
    Shipment(&'a Shipment),
    ReturnReceipt(&'a ReturnReceipt),
    Complaint(&'a Complaint),
}

impl RecordRef<'_> {
    /// A copy of the record, for what only [`Record`] answers.
    pub fn to_record(self) -> Record {
        match self {
            RecordRef::Order(r) => Record::Order(r.clone()),
            RecordRef::AfterSale(r) => Record::AfterSale(r.clone()),
            RecordRef::FundFlow(r) => Record::FundFlow(r.clone()),
            RecordRef::Payment(r) => Record::Payment(r.clone()),
            RecordRef::Settlement(r) => Record::Settlement(r.clone()),
            RecordRef::ErpOrder(r) => Record::ErpOrder(r.clone()),
            RecordRef::Shipment(r) => Record::Shipment(r.clone()),
            RecordRef::ReturnReceipt(r) => Record::ReturnReceipt(r.clone()),
            RecordRef::Complaint(r) => Record::Complaint(r.clone()),
        }
    }
}

/// The kind of a record, for counts and evidence (`kind` in findings' evidence).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Order,
    AfterSale,
    FundFlow,
    Payment,
    Settlement,
    ErpOrder,
    Shipment,
    ReturnReceipt,
    Complaint,
}

impl RecordKind {
    /// Every kind, in the order files and outputs list them.
    pub const ALL: [RecordKind; 9] = [
        RecordKind::Order,
        RecordKind::AfterSale,
        RecordKind::FundFlow,
        RecordKind::Payment,
        RecordKind::Settlement,
        RecordKind::ErpOrder,
        RecordKind::Shipment,
        RecordKind::ReturnReceipt,
        RecordKind::Complaint,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RecordKind::Order => "order",
            RecordKind::AfterSale => "after_sale",
            RecordKind::FundFlow => "fund_flow",
            RecordKind::Payment => "payment",
            RecordKind::Settlement => "settlement",
            RecordKind::ErpOrder => "erp_order",
            RecordKind::Shipment => "shipment",
            RecordKind::ReturnReceipt => "return_receipt",
            RecordKind::Complaint => "complaint",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            RecordKind::Order => "订单",
            RecordKind::AfterSale => "售后单",
            RecordKind::FundFlow => "资金流水",
            RecordKind::Payment => "支付账单",
            RecordKind::Settlement => "结算单",
            RecordKind::ErpOrder => "ERP订单",
            RecordKind::Shipment => "发货单",
            RecordKind::ReturnReceipt => "退货入库单",
            RecordKind::Complaint => "客服工单",
        }
    }
}

impl Record {
    pub fn kind(&self) -> RecordKind {
        match self {
            Record::Order(_) => RecordKind::Order,
            Record::AfterSale(_) => RecordKind::AfterSale,
            Record::FundFlow(_) => RecordKind::FundFlow,
            Record::Payment(_) => RecordKind::Payment,
            Record::Settlement(_) => RecordKind::Settlement,
            Record::ErpOrder(_) => RecordKind::ErpOrder,
            Record::Shipment(_) => RecordKind::Shipment,
            Record::ReturnReceipt(_) => RecordKind::ReturnReceipt,
            Record::Complaint(_) => RecordKind::Complaint,
        }
    }

    pub fn source(&self) -> SourceRef {
        match self {
            Record::Order(r) => r.source,
            Record::AfterSale(r) => r.source,
            Record::FundFlow(r) => r.source,
            Record::Payment(r) => r.source,
            Record::Settlement(r) => r.source,
            Record::ErpOrder(r) => r.source,
            Record::Shipment(r) => r.source,
            Record::ReturnReceipt(r) => r.source,
            Record::Complaint(r) => r.source,
        }
    }

    /// The record's main date, for date ranges.
    pub fn occurred_at(&self) -> Option<BeijingTime> {
        match self {
            Record::Order(r) => r.paid_at.or(r.created_at),
            Record::AfterSale(r) => r.completed_at.or(r.applied_at),
            Record::FundFlow(r) => Some(r.occurred_at),
            Record::Payment(r) => Some(r.occurred_at),
            Record::Settlement(r) => r.settled_at,
            Record::ErpOrder(r) => Some(r.updated_at),
            Record::Shipment(r) => Some(r.shipped_at),
            Record::ReturnReceipt(r) => Some(r.received_at),
            Record::Complaint(r) => Some(r.created_at),
        }
    }
}

/// Removes the Alipay `T200P` wrapper and similar prefixes from an order reference:
/// `T200P4012345678901234567` → `4012345678901234567`. Other text is returned trimmed.
pub fn normalize_order_no(text: &str) -> &str {
    let t = text.trim();
    if let Some(rest) = t.strip_prefix('T')
        && let Some(p) = rest.find('P')
    {
        let (digits, tail) = rest.split_at(p);
        let tail = &tail[1..];
        if !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !tail.is_empty()
            && tail.bytes().all(|b| b.is_ascii_digit())
        {
            return tail;
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_t200p() {
        assert_eq!(
            normalize_order_no("T200P4012345678901234567"),
            "4012345678901234567"
        );
        assert_eq!(normalize_order_no(" T100P123 "), "123");
        assert_eq!(normalize_order_no("TEST123"), "TEST123");
        assert_eq!(normalize_order_no("T200P"), "T200P");
        assert_eq!(
            normalize_order_no("260531-662941284701219"),
            "260531-662941284701219"
        );
    }
}
