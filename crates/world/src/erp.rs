//! What the seller's ERP holds of each story: the order's status as the platform last showed
//! it, the shipments (正常 / 补发 / 换货), the warehouse's return receipts and the after-sales
//! (all of them, or only exchanges and reships where the platform exports its refunds).

use duizhang_core::{
    AfterSale, AfterSaleKind, AfterSaleLine, AfterSalePhase, AfterSaleStatus, ErpOrder,
    ErpOrderStatus, Fen, FileId, Label, Platform, QualityResult, ReturnReceipt, Shipment,
    ShipmentKind, SourceRef,
};

use crate::month::Month;
use crate::story::{Deal, SaleKind};

pub fn src() -> SourceRef {
    SourceRef {
        file: FileId(0),
        line: 0,
    }
}

/// The ERP's status of an order at the cut-off, and when it last changed.
pub fn status(deal: &Deal, cut: i64) -> (ErpOrderStatus, i64) {
    if let Some(t) = deal.closed_at {
        if deal.shipped_at.is_some() {
            return (ErpOrderStatus::Refunded, t);
        }
        return (ErpOrderStatus::Cancelled, t);
    }
    if let Some(t) = deal.confirmed_at.filter(|&t| t < cut) {
        return (ErpOrderStatus::Completed, t);
    }
    if let Some(t) = deal.shipped_at {
        return (ErpOrderStatus::Shipped, t);
    }
    (ErpOrderStatus::WaitingShipment, deal.paid_at)
}

pub fn kind(k: SaleKind) -> AfterSaleKind {
    match k {
        SaleKind::RefundOnly => AfterSaleKind::RefundOnly,
        SaleKind::Return => AfterSaleKind::ReturnAndRefund,
        SaleKind::Exchange => AfterSaleKind::Exchange,
        SaleKind::Reship => AfterSaleKind::Reship,
    }
}

/// Fills the ERP's records of the month. `all_sales`: the ERP holds every after-sale (the
/// platform has no after-sales export the seller uses); otherwise only exchanges and reships.
pub fn fill(month: &mut Month, all_sales: bool) {
    let clock = month.clock;
    let shop: Label = month.shop.name.into();
    let platform = month.shop.platform;
    for deal in &month.deals {
        let (status, updated) = status(deal, clock.cut_off);
        month.erp_orders.push(ErpOrder {
            shop: shop.clone(),
            platform,
            order_no: deal.order_no.as_str().into(),
            erp_no: None,
            status,
            updated_at: clock.at(updated),
            paid_at: None,
            goods: None,
            postage: None,
            discount: None,
            paid: None,
            payment_method: None,
            payment_no: None,
            source: src(),
        });
        if let Some(ship) = deal.shipped_at {
            for (i, line) in deal.lines.iter().enumerate() {
                if deal.cancelled(i) {
                    continue;
                }
                month.shipments.push(Shipment {
                    shop: shop.clone(),
                    order_no: deal.order_no.as_str().into(),
                    sub_order_no: Some(line.sub_no.as_str().into()),
                    sku: line.sku.into(),
                    quantity: line.qty,
                    shipped_at: clock.at(ship),
                    carrier: Some("中通快递".into()),
                    waybill: Some(
                        format!("ZT7{}", &deal.order_no[deal.order_no.len() - 9..]).into(),
                    ),
                    kind: ShipmentKind::Normal,
                    refund_no: None,
                    source: src(),
                });
            }
        }
        for s in &deal.sales {
            let line = &deal.lines[s.line];
            if let Some(t) = s.received_at {
                month.receipts.push(ReturnReceipt {
                    shop: shop.clone(),
                    order_no: deal.order_no.as_str().into(),
                    refund_no: s.refund_no.as_str().into(),
                    sku: s.received_sku.into(),
                    quantity: s.received_qty,
                    received_at: clock.at(t),
                    quality: Some(QualityResult::Good),
                    source: src(),
                });
            }
            let replacement = match s.kind {
                SaleKind::Exchange => Some(ShipmentKind::Exchange),
                SaleKind::Reship => Some(ShipmentKind::Reship),
                _ => None,
            };
            if let (Some(k), Some(t)) = (replacement, s.done_at) {
                month.shipments.push(Shipment {
                    shop: shop.clone(),
                    order_no: deal.order_no.as_str().into(),
                    sub_order_no: Some(line.sub_no.as_str().into()),
                    sku: line.sku.into(),
                    quantity: s.qty,
                    shipped_at: clock.at(t),
                    carrier: Some("中通快递".into()),
                    waybill: Some(format!("ZT8{}", &s.refund_no[s.refund_no.len() - 9..]).into()),
                    kind: k,
                    refund_no: Some(s.refund_no.as_str().into()),
                    source: src(),
                });
            }
            if !all_sales && s.is_refund() {
                continue;
            }
            month
                .erp_after_sales
                .push(after_sale(deal, s, platform, &shop, &clock));
        }
    }
}

/// An after-sale as the generic ERP format holds it.
pub fn after_sale(
    deal: &Deal,
    s: &crate::story::Sale,
    platform: Platform,
    shop: &Label,
    clock: &crate::story::Clock,
) -> AfterSale {
    let line = &deal.lines[s.line];
    let status = match (s.done_at, s.kind) {
        (Some(_), _) => AfterSaleStatus::Completed,
        (None, SaleKind::RefundOnly) => AfterSaleStatus::PendingReview,
        (None, SaleKind::Return | SaleKind::Exchange) if s.received_at.is_some() => {
            AfterSaleStatus::Approved
        }
        (None, SaleKind::Return | SaleKind::Exchange) => AfterSaleStatus::WaitingReceive,
        (None, SaleKind::Reship) => AfterSaleStatus::Approved,
    };
    let phase = if deal.confirmed_at.is_some_and(|c| c < s.applied_at) {
        AfterSalePhase::AfterSale
    } else {
        AfterSalePhase::OnSale
    };
    let refunded = if s.done_at.is_some() {
        s.amount
    } else {
        Fen::ZERO
    };
    AfterSale {
        platform,
        shop: Some(shop.clone()),
        order_no: deal.order_no.as_str().into(),
        refund_no: s.refund_no.as_str().into(),
        kind: kind(s.kind),
        phase: Some(phase),
        status,
        status_text: status.zh().into(),
        paid: Some(line.paid),
        requested: Some(s.amount),
        refunded,
        applied_at: Some(clock.at(s.applied_at)),
        completed_at: s.done_at.map(|t| clock.at(t)),
        reason: Some(
            match s.kind {
                SaleKind::RefundOnly => "不想要了",
                SaleKind::Return => "7天无理由退换货",
                SaleKind::Exchange => "尺码不合适",
                SaleKind::Reship => "少件/漏发",
            }
            .into(),
        ),
        payment_no: None,
        lines: vec![AfterSaleLine {
            sku: Some(line.sku.into()),
            sub_order_no: Some(line.sub_no.as_str().into()),
            quantity: Some(s.qty),
            refund: Some(s.amount),
            source: src(),
        }],
        source: src(),
    }
}
