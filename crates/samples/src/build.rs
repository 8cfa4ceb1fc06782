//! Record builders with realistic defaults, for tests and the demo: write only what a case
//! is about (`flow("T1").order("4012…").income(5900)`), the rest is filled plausibly.

use duizhang_core::*;

/// `2026-10-03 10:00:00`-style shorthand: panics on an impossible literal (test data only).
pub fn at(text: &str) -> BeijingTime {
    BeijingTime::parse(text).unwrap_or_else(|e| panic!("bad test time {text:?}: {e}"))
}

pub fn yuan(text: &str) -> Fen {
    Fen::parse_yuan(text).unwrap_or_else(|e| panic!("bad test amount {text:?}: {e}"))
}

/// A source in file 0 at `line`.
pub fn src(line: u32) -> SourceRef {
    SourceRef {
        file: FileId(0),
        line,
    }
}

pub fn order(platform: Platform, order_no: &str, paid: Fen) -> Order {
    Order {
        platform,
        shop: None,
        order_no: order_no.into(),
        status: OrderStatus::Finished,
        status_text: "交易成功".into(),
        created_at: Some(at("2026-10-03 09:58:00")),
        paid_at: Some(at("2026-10-03 10:00:00")),
        shipped_at: Some(at("2026-10-03 18:00:00")),
        finished_at: Some(at("2026-10-08 10:00:00")),
        goods: Some(paid),
        postage: Some(Fen::ZERO),
        seller_discount: Some(Fen::ZERO),
        platform_discount: Some(Fen::ZERO),
        other_discount: None,
        paid: Some(paid),
        seller_receivable: None,
        refunded: None,
        payment_no: None,
        lines: Vec::new(),
        source: src(2),
    }
}

pub fn order_line(sku: &str, quantity: i64, paid: Fen) -> OrderLine {
    OrderLine {
        sub_order_no: None,
        sku: Some(sku.into()),
        title: Some("纯棉T恤 白色 L".into()),
        quantity,
        unit_price: None,
        goods: Some(paid),
        discount: Some(Fen::ZERO),
        paid: Some(paid),
        source: src(2),
    }
}

pub fn after_sale(
    platform: Platform,
    order_no: &str,
    refund_no: &str,
    kind: AfterSaleKind,
    refunded: Fen,
) -> AfterSale {
    AfterSale {
        platform,
        shop: None,
        order_no: order_no.into(),
        refund_no: refund_no.into(),
        kind,
        phase: Some(AfterSalePhase::AfterSale),
        status: AfterSaleStatus::Completed,
        status_text: "退款成功".into(),
        paid: None,
        requested: Some(refunded),
        refunded,
        applied_at: Some(at("2026-10-10 09:00:00")),
        completed_at: Some(at("2026-10-11 10:00:00")),
        reason: Some("7天无理由退换货".into()),
        payment_no: None,
        lines: Vec::new(),
        source: src(2),
    }
}

pub fn after_sale_line(sku: &str, quantity: i64) -> AfterSaleLine {
    AfterSaleLine {
        sku: Some(sku.into()),
        sub_order_no: None,
        quantity: Some(quantity),
        refund: None,
        source: src(2),
    }
}

pub fn flow(
    provider: FundProvider,
    txn_no: &str,
    kind: FlowKind,
    amount: Fen,
    occurred_at: &str,
) -> FundFlowRow {
    flow_at(provider, txn_no, kind, amount, at(occurred_at))
}

/// [`flow`] at a time already known.
pub fn flow_at(
    provider: FundProvider,
    txn_no: &str,
    kind: FlowKind,
    amount: Fen,
    occurred_at: BeijingTime,
) -> FundFlowRow {
    FundFlowRow {
        provider,
        account: None,
        txn_no: txn_no.into(),
        business_no: None,
        order_no: None,
        merchant_ref: None,
        refund_no: None,
        kind,
        kind_text: kind.zh().into(),
        amount,
        balance: None,
        occurred_at,
        counterparty: None,
        memo: None,
        refund_total: None,
        source: src(2),
    }
}

pub fn payment(
    provider: FundProvider,
    txn_no: &str,
    out_trade_no: &str,
    kind: PaymentKind,
    amount: Fen,
    occurred_at: &str,
) -> PaymentRow {
    let (settled, refund) = match kind {
        PaymentKind::Refund => (Fen::ZERO, amount),
        _ => (amount, Fen::ZERO),
    };
    PaymentRow {
        provider,
        account: None,
        kind,
        txn_no: txn_no.into(),
        out_trade_no: Some(out_trade_no.into()),
        refund_id: None,
        out_refund_no: None,
        order_amount: Some(settled),
        settled,
        refund,
        fee: Fen::ZERO,
        rate: None,
        status_text: "SUCCESS".into(),
        occurred_at: at(occurred_at),
        refund_succeeded_at: None,
        title: None,
        source: src(2),
    }
}

pub fn settlement(
    platform: Platform,
    order_no: &str,
    kind: FlowKind,
    amount: Fen,
    settled_at: &str,
) -> SettlementRow {
    SettlementRow {
        platform,
        order_no: order_no.into(),
        sub_order_no: None,
        item: kind.zh().into(),
        kind,
        amount,
        settled_at: Some(at(settled_at)),
        account: None,
        refund_no: None,
        payment_ref: None,
        rate: None,
        goods: None,
        source: src(2),
    }
}

pub fn erp_order(
    shop: &str,
    platform: Platform,
    order_no: &str,
    status: ErpOrderStatus,
    updated_at: &str,
) -> ErpOrder {
    ErpOrder {
        shop: shop.into(),
        platform,
        order_no: order_no.into(),
        erp_no: None,
        status,
        updated_at: at(updated_at),
        paid_at: None,
        goods: None,
        postage: None,
        discount: None,
        paid: None,
        payment_method: None,
        payment_no: None,
        source: src(2),
    }
}

pub fn shipment(
    shop: &str,
    order_no: &str,
    sku: &str,
    quantity: i64,
    kind: ShipmentKind,
    shipped_at: &str,
) -> Shipment {
    Shipment {
        shop: shop.into(),
        order_no: order_no.into(),
        sub_order_no: None,
        sku: sku.into(),
        quantity,
        shipped_at: at(shipped_at),
        carrier: Some("中通快递".into()),
        waybill: Some("7300000000001".into()),
        kind,
        refund_no: None,
        source: src(2),
    }
}

pub fn return_receipt(
    shop: &str,
    order_no: &str,
    refund_no: &str,
    sku: &str,
    quantity: i64,
    received_at: &str,
) -> ReturnReceipt {
    ReturnReceipt {
        shop: shop.into(),
        order_no: order_no.into(),
        refund_no: refund_no.into(),
        sku: sku.into(),
        quantity,
        received_at: at(received_at),
        quality: Some(QualityResult::Good),
        source: src(2),
    }
}

/// A dataset with one file per record kind, so evidence names are meaningful.
pub fn dataset() -> Dataset {
    Dataset {
        files: vec![SourceFile {
            id: FileId(0),
            name: "test.csv".into(),
            format: "test".into(),
        }],
        ..Dataset::default()
    }
}

/// Moves a record to another line of file 0, so that evidence can tell records apart:
/// `shipment(…).on_line(7)`.
pub trait OnLine: Sized {
    fn on_line(self, line: u32) -> Self;
}

macro_rules! on_line {
    ($($t:ty),*) => {$(
        impl OnLine for $t {
            fn on_line(mut self, line: u32) -> Self {
                self.source = src(line);
                self
            }
        }
    )*};
}

on_line!(
    Order,
    OrderLine,
    AfterSale,
    AfterSaleLine,
    FundFlowRow,
    PaymentRow,
    SettlementRow,
    ErpOrder,
    Shipment,
    ReturnReceipt,
    Complaint
);
/// An Alipay 账务明细 row as the importer normalises it: 业务类型 text, order number without
/// `T200P`, the merchant reference as written.
pub fn alipay_row(
    txn_no: &str,
    kind: FlowKind,
    kind_text: &str,
    amount: Fen,
    occurred_at: &str,
    order_no: Option<&str>,
) -> FundFlowRow {
    FundFlowRow {
        account: Some("shop@example.com".into()),
        business_no: Some(format!("2026{txn_no}").into()),
        order_no: order_no.map(Into::into),
        merchant_ref: order_no.map(|o| format!("T200P{o}").into()),
        kind_text: kind_text.into(),
        ..flow(FundProvider::Alipay, txn_no, kind, amount, occurred_at)
    }
}
