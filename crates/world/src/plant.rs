//! Planted problems, one per code, each from the catalog's definition (CHECKS.md): a clean
//! month with exactly one thing broken. A plant picks a story it can break honestly, breaks
//! it in the records the sources hold, and says which order it broke.

use duizhang_core::{
    AfterSaleKind, AfterSaleStatus, BeijingTime, ErpOrderStatus, Fen, FlowKind, FundFlowRow, Label,
    ShipmentKind,
};

use crate::month::Month;
use crate::story::{DAY, Deal, HOUR, SaleKind, Shape};

/// A planting function: breaks one story of the month, returns its order number (or `None`
/// when the month has no story it can break).
pub type PlantFn = fn(&mut Month) -> Option<String>;

#[derive(Clone, Copy)]
pub struct Plant {
    pub code: &'static str,
    /// What is broken, in the catalog's words.
    pub what: &'static str,
    pub apply: PlantFn,
}

fn find(m: &Month, ok: impl Fn(&Deal) -> bool) -> Option<usize> {
    m.deals.iter().position(ok)
}

fn before(m: &Month, t: Option<i64>, days: i64) -> bool {
    t.is_some_and(|t| t < m.clock.cut_off - days * DAY)
}

/// The fund-flow rows of an order of a kind.
fn flow_of(m: &Month, order: &str, kind: FlowKind) -> Option<usize> {
    m.flows
        .iter()
        .position(|f| f.kind == kind && f.order_no.as_deref() == Some(order))
}

/// The same row again under a new row id, a second later (as a double charge is booked).
fn twin(row: &FundFlowRow, suffix: &str) -> FundFlowRow {
    let mut r = row.clone();
    r.txn_no = format!("{}{suffix}", row.txn_no).into();
    r.occurred_at = BeijingTime::from_datetime(
        row.occurred_at
            .datetime()
            .checked_add(jiff::Span::new().seconds(1))
            .unwrap_or(row.occurred_at.datetime()),
    );
    r
}

/// A payment bill's fee on a refund row follows the refund (the fee given back).
fn refund_fee(p: &duizhang_core::PaymentRow) -> Fen {
    -p.rate.map_or(Fen::ZERO, |r| r.apply(p.refund))
}

/// A refund after the release, completed more than `days` before the cut-off, with its
/// outflow in the fund flow: (deal, sale index, flow row).
fn refund_after_release(m: &Month, days: i64) -> Option<(usize, usize, usize)> {
    refund_after_release_where(m, days, |_, _| true)
}

/// [`refund_after_release`] of a sale `ok` accepts.
fn refund_after_release_where(
    m: &Month,
    days: i64,
    ok: impl Fn(&Deal, &crate::story::Sale) -> bool,
) -> Option<(usize, usize, usize)> {
    for (i, d) in m.deals.iter().enumerate() {
        if d.shape != Shape::ReturnAfterRelease {
            continue;
        }
        for (k, s) in d.sales.iter().enumerate() {
            if s.is_refund()
                && ok(d, s)
                && before(m, s.done_at, days)
                && s.received_at.is_some()
                && let Some(f) = m.flows.iter().position(|f| {
                    f.kind == FlowKind::Refund
                        && f.order_no.as_deref() == Some(d.order_no.as_str())
                        && (f.refund_no.as_deref() == Some(s.refund_no.as_str())
                            || f.refund_no.is_none() && f.amount == -s.amount)
                })
            {
                return Some((i, k, f));
            }
        }
    }
    None
}

fn refund_unpaid(m: &mut Month) -> Option<String> {
    let (d, k, f) = refund_after_release(m, 5)?;
    m.flows.remove(f);
    let refund = m.deals[d].sales[k].refund_no.clone();
    m.payments
        .retain(|p| p.out_refund_no.as_deref() != Some(refund.as_str()));
    // Nor did the platform's statement pay it (it would not match the money otherwise).
    m.settlements
        .retain(|s| s.refund_no.as_deref() != Some(refund.as_str()));
    Some(m.deals[d].order_no.clone())
}

fn refund_amount_mismatch(m: &mut Month) -> Option<String> {
    let (d, _k, f) = refund_after_release(m, 5)?;
    if m.flows[f].amount.get() > -500 {
        return None;
    }
    m.flows[f].amount += Fen::new(300);
    let refund = m.deals[d].sales[_k].refund_no.clone();
    for p in &mut m.payments {
        if p.out_refund_no.as_deref() == Some(refund.as_str()) {
            p.refund -= Fen::new(300);
            p.fee = refund_fee(p);
        }
    }
    for s in &mut m.settlements {
        if s.refund_no.as_deref() == Some(refund.as_str()) && s.kind == FlowKind::Refund {
            s.amount += Fen::new(300);
        }
    }
    Some(m.deals[d].order_no.clone())
}

fn refund_duplicate(m: &mut Month) -> Option<String> {
    let (d, _, f) = refund_after_release(m, 5)?;
    let mut again = twin(&m.flows[f], "77");
    again.occurred_at = m.clock.at(m.flows[f].occurred_at.local_seconds()
        - m.clock.period.start().local_seconds()
        + 2 * HOUR);
    again.business_no = again.business_no.map(|b| format!("{b}2").into());
    m.flows.push(again);
    Some(m.deals[d].order_no.clone())
}

fn refund_orphan(m: &mut Month) -> Option<String> {
    let d = find(m, |d| {
        d.shape == Shape::Plain && before(m, d.released_at, 4)
    })?;
    let order = m.deals[d].order_no.clone();
    let f = flow_of(m, &order, FlowKind::Income)?;
    let mut r = twin(&m.flows[f], "88");
    r.kind = FlowKind::Refund;
    r.kind_text = refund_text(m);
    r.amount = -Fen::new(1000);
    r.business_no = r.business_no.map(|b| format!("{b}9").into());
    r.occurred_at = m.clock.at(m.deals[d].released_at? + DAY);
    m.flows.push(r);
    Some(order)
}

fn refund_text(m: &Month) -> Label {
    m.flows
        .iter()
        .find(|f| f.kind == FlowKind::Refund)
        .map_or_else(|| "交易退款".into(), |f| f.kind_text.clone())
}

/// The statement rows that settled a fund-flow income row (same 商户订单号 or 子订单).
fn settles(s: &duizhang_core::SettlementRow, f: &FundFlowRow) -> bool {
    s.refund_no.is_none()
        && f.order_no.as_deref() == Some(s.order_no.as_str())
        && (s.payment_ref.is_some() && s.payment_ref == f.merchant_ref
            || s.sub_order_no.is_some() && s.sub_order_no == f.merchant_ref)
}

fn payment_missing(m: &mut Month) -> Option<String> {
    let d = find(m, |d| {
        d.shape == Shape::Plain && before(m, d.released_at, 20)
    })?;
    let order = m.deals[d].order_no.clone();
    let f = flow_of(m, &order, FlowKind::Income)?;
    // Never settled: no statement either.
    m.settlements.retain(|s| s.order_no != order.as_str());
    m.flows.remove(f);
    let paid_under = m.deals[d].payment_no.clone();
    m.payments.retain(|p| {
        p.kind != duizhang_core::PaymentKind::Payment
            || p.out_trade_no.as_deref() != Some(paid_under.as_str())
    });
    if !m.payments.is_empty() {
        // Nothing was paid: no fee either.
        m.flows.retain(|x| {
            !(x.kind == FlowKind::Fee && x.order_no.as_deref() == Some(order.as_str()))
        });
    }
    Some(order)
}

fn payment_amount_mismatch(m: &mut Month) -> Option<String> {
    let d = find(m, |d| {
        d.shape == Shape::Plain && before(m, d.released_at, 2) && d.paid().get() > 2000
    })?;
    let order = m.deals[d].order_no.clone();
    let f = flow_of(m, &order, FlowKind::Income)?;
    m.flows[f].amount -= Fen::new(500);
    // The statement says the same short amount (what reached the account is what it settled).
    let income = m.flows[f].clone();
    for s in &mut m.settlements {
        if settles(s, &income) && s.kind == FlowKind::Income {
            s.amount -= Fen::new(500);
        }
    }
    Some(order)
}

fn payment_orphan(m: &mut Month) -> Option<String> {
    let d = find(m, |d| {
        d.shape == Shape::Plain && before(m, d.released_at, 2)
    })?;
    let order = m.deals[d].order_no.clone();
    let f = flow_of(m, &order, FlowKind::Income)?;
    let mut r = twin(&m.flows[f], "66");
    // Same shape of number, a range no order of the month uses.
    let stranger = format!("{}{}", &order[..2], "9".repeat(order.len() - 2));
    r.order_no = Some(stranger.as_str().into());
    r.merchant_ref = r.merchant_ref.map(|x| {
        if x.contains(order.as_str()) {
            x.replace(order.as_str(), &stranger).into()
        } else {
            // A settlement's own reference (JD's 商户订单号): a new one.
            format!("{x}9").into()
        }
    });
    r.business_no = r.business_no.map(|b| format!("{b}7").into());
    // Where a statement settled the money, it says the same of the stranger order.
    let settled: Vec<_> = m
        .settlements
        .iter()
        .filter(|s| settles(s, &m.flows[f]))
        .cloned()
        .collect();
    for mut s in settled {
        s.order_no = stranger.as_str().into();
        s.sub_order_no = s
            .sub_order_no
            .map(|x| x.replace(order.as_str(), &stranger).into());
        if s.payment_ref.is_some() {
            s.payment_ref = r.merchant_ref.clone();
        }
        m.settlements.push(s);
    }
    m.flows.push(r);
    Some(stranger)
}

fn balance_break(m: &mut Month) -> Option<String> {
    let d = find(m, |d| {
        d.shape == Shape::Plain && before(m, d.released_at, 2)
    })?;
    let order = m.deals[d].order_no.clone();
    let f = flow_of(m, &order, FlowKind::Income)?;
    m.balance_break = Some((m.flows[f].txn_no.to_string(), Fen::new(100)));
    Some(order)
}

fn flow_duplicate(m: &mut Month) -> Option<String> {
    let d = find(m, |d| {
        d.shape == Shape::Plain && d.lines.len() == 1 && before(m, d.released_at, 2)
    })?;
    let order = m.deals[d].order_no.clone();
    let kind = if flow_of(m, &order, FlowKind::Commission).is_some() {
        FlowKind::Commission
    } else {
        FlowKind::Fee
    };
    let f = flow_of(m, &order, kind)?;
    let again = twin(&m.flows[f], "55");
    m.flows.push(again);
    Some(order)
}

/// Tmall's commission on one sub-order of several taken twice: a second order line does not
/// explain it when the amounts fit the per-line fees without it.
pub fn commission_twice_on_several_lines(m: &mut Month) -> Option<String> {
    let d = find(m, |d| {
        d.shape == Shape::Plain
            && d.lines.len() > 1
            && before(m, d.released_at, 2)
            && d.lines[0].paid != d.lines[1].paid
    })?;
    let order = m.deals[d].order_no.clone();
    let f = flow_of(m, &order, FlowKind::Commission)?;
    let again = twin(&m.flows[f], "56");
    m.flows.push(again);
    Some(order)
}

fn return_mismatch(m: &mut Month) -> Option<String> {
    let d = find(m, |d| {
        d.sales
            .iter()
            .any(|s| s.kind == SaleKind::Return && s.received_at.is_some())
    })?;
    let deal = &m.deals[d];
    let s = deal
        .sales
        .iter()
        .find(|s| s.kind == SaleKind::Return && s.received_at.is_some())?;
    let r = m
        .receipts
        .iter_mut()
        .find(|r| r.refund_no == s.refund_no.as_str())?;
    // Another SKU, one the order does not hold.
    r.sku = if r.sku.as_str() == "HM-BOX-L" {
        "HM-LAMP"
    } else {
        "HM-BOX-L"
    }
    .into();
    if deal.lines.iter().any(|l| l.sku == r.sku.as_str()) {
        r.sku = "HM-UNKNOWN-9".into();
    }
    Some(deal.order_no.clone())
}

/// A return refunded more than `days` before the cut-off, its goods received: (deal, sale).
fn completed_return(m: &Month, days: i64) -> Option<(usize, usize)> {
    m.deals.iter().enumerate().find_map(|(i, d)| {
        d.sales
            .iter()
            .position(|s| {
                s.kind == SaleKind::Return && before(m, s.done_at, days) && s.received_at.is_some()
            })
            .map(|k| (i, k))
    })
}

fn return_not_received(m: &mut Month) -> Option<String> {
    let (d, k) = completed_return(m, 9)?;
    let refund = m.deals[d].sales[k].refund_no.clone();
    m.receipts.retain(|r| r.refund_no != refund.as_str());
    Some(m.deals[d].order_no.clone())
}

fn shipped_after_refund(m: &mut Month) -> Option<String> {
    let d = find(m, |d| {
        d.shape == Shape::CancelAll && before(m, d.closed_at, 2) && d.shipped_at.is_none()
    })?;
    let deal = &m.deals[d];
    let t = deal.closed_at? + 6 * HOUR;
    for l in &deal.lines {
        m.shipments.push(duizhang_core::Shipment {
            shop: m.shop.name.into(),
            order_no: deal.order_no.as_str().into(),
            sub_order_no: Some(l.sub_no.as_str().into()),
            sku: l.sku.into(),
            quantity: l.qty,
            shipped_at: m.clock.at(t),
            carrier: Some("中通快递".into()),
            waybill: Some(format!("ZT9{}", &deal.order_no[deal.order_no.len() - 9..]).into()),
            kind: ShipmentKind::Normal,
            refund_no: None,
            source: crate::erp::src(),
        });
    }
    Some(deal.order_no.clone())
}

fn duplicate_shipment(m: &mut Month) -> Option<String> {
    let d = find(m, |d| d.shape == Shape::Plain && before(m, d.shipped_at, 3))?;
    let order = m.deals[d].order_no.clone();
    let s = m
        .shipments
        .iter()
        .position(|s| s.order_no == order.as_str())?;
    let mut again = m.shipments[s].clone();
    again.shipped_at = again.shipped_at.plus_days(1);
    again.waybill = again.waybill.map(|w| format!("{w}2").into());
    m.shipments.push(again);
    Some(order)
}

fn status_mismatch(m: &mut Month) -> Option<String> {
    let d = find(m, |d| {
        d.shape == Shape::Plain && before(m, d.shipped_at, 3) && d.confirmed_at.is_none()
    })?;
    let order = m.deals[d].order_no.clone();
    let e = m
        .erp_orders
        .iter_mut()
        .find(|e| e.order_no == order.as_str())?;
    e.status = ErpOrderStatus::WaitingShipment;
    e.updated_at = m.clock.at(m.deals[d].paid_at);
    Some(order)
}

fn refund_only_shipped(m: &mut Month) -> Option<String> {
    let (d, k, _) = refund_after_release(m, 9)?;
    let refund = m.deals[d].sales[k].refund_no.clone();
    m.receipts.retain(|r| r.refund_no != refund.as_str());
    for a in m.after_sales.iter_mut().chain(m.erp_after_sales.iter_mut()) {
        if a.refund_no == refund.as_str() {
            a.kind = AfterSaleKind::RefundOnly;
            a.reason = Some("商品破损".into());
        }
    }
    Some(m.deals[d].order_no.clone())
}

fn refund_exceeds_paid(m: &mut Month) -> Option<String> {
    // A return of the whole line: a refund of more than the line's paid amount reads as all
    // of its units coming back where the after-sale states no quantity (Taobao's 退款报表),
    // and a partial return would then be a RETURN_MISMATCH too.
    let (d, k, f) = refund_after_release_where(m, 5, |d, s| s.qty == d.lines[s.line].qty)?;
    let refund = m.deals[d].sales[k].refund_no.clone();
    // More than the buyer paid for the whole order, other refunds counted.
    let deal = &m.deals[d];
    let others: Fen = deal
        .sales
        .iter()
        .enumerate()
        .filter(|(j, s)| *j != k && s.is_refund() && s.done_at.is_some())
        .map(|(_, s)| s.amount)
        .sum();
    let over = deal.paid() - others + Fen::new(1500);
    m.flows[f].amount = -over;
    for p in &mut m.payments {
        if p.out_refund_no.as_deref() == Some(refund.as_str()) {
            p.refund = over;
            p.fee = refund_fee(p);
        }
    }
    for a in m.after_sales.iter_mut().chain(m.erp_after_sales.iter_mut()) {
        if a.refund_no == refund.as_str() {
            a.requested = Some(over);
            a.refunded = over;
            for l in &mut a.lines {
                if l.refund.is_some() {
                    l.refund = Some(over);
                }
            }
        }
    }
    Some(m.deals[d].order_no.clone())
}

fn aftersale_overdue(m: &mut Month) -> Option<String> {
    let cut = m.clock.cut_off;
    let d = find(m, |d| {
        d.shape == Shape::Plain && d.shipped_at.is_some_and(|s| s < cut - 8 * DAY)
    })?;
    let deal = m.deals[d].clone();
    let applied = cut - 6 * DAY;
    let s = crate::story::Sale {
        refund_no: format!("{}5", &deal.order_no[1..]),
        kind: SaleKind::Return,
        line: 0,
        qty: deal.lines[0].qty,
        amount: deal.lines[0].paid,
        applied_at: applied,
        received_at: None,
        received_sku: deal.lines[0].sku,
        received_qty: deal.lines[0].qty,
        done_at: None,
    };
    let mut a = crate::erp::after_sale(&deal, &s, m.shop.platform, &m.shop.name.into(), &m.clock);
    a.status = AfterSaleStatus::WaitingReturn;
    a.status_text = if m.after_sales.is_empty() {
        AfterSaleStatus::WaitingReturn.zh().into()
    } else {
        "卖家已经同意退款，等待买家退货".into()
    };
    if m.after_sales.is_empty() {
        m.erp_after_sales.push(a);
    } else {
        a.shop = None;
        a.payment_no = Some(deal.payment_no.as_str().into());
        a.lines[0].sub_order_no = None;
        a.lines[0].quantity = None;
        a.lines[0].refund = None;
        m.after_sales.push(a);
    }
    Some(deal.order_no)
}

fn received_not_refunded(m: &mut Month) -> Option<String> {
    let cut = m.clock.cut_off;
    let d = find(m, |d| {
        d.shape == Shape::Plain && d.shipped_at.is_some_and(|s| s < cut - 8 * DAY)
    })?;
    let deal = m.deals[d].clone();
    let applied = cut - 3 * DAY + 4 * HOUR;
    let received = applied + 16 * HOUR;
    let s = crate::story::Sale {
        refund_no: format!("{}6", &deal.order_no[1..]),
        kind: SaleKind::Return,
        line: 0,
        qty: deal.lines[0].qty,
        amount: deal.lines[0].paid,
        applied_at: applied,
        received_at: Some(received),
        received_sku: deal.lines[0].sku,
        received_qty: deal.lines[0].qty,
        done_at: None,
    };
    let mut a = crate::erp::after_sale(&deal, &s, m.shop.platform, &m.shop.name.into(), &m.clock);
    a.status = AfterSaleStatus::WaitingReceive;
    m.receipts.push(duizhang_core::ReturnReceipt {
        shop: m.shop.name.into(),
        order_no: deal.order_no.as_str().into(),
        refund_no: s.refund_no.as_str().into(),
        sku: deal.lines[0].sku.into(),
        quantity: deal.lines[0].qty,
        received_at: m.clock.at(received),
        quality: Some(duizhang_core::QualityResult::Good),
        source: crate::erp::src(),
    });
    if m.after_sales.is_empty() {
        a.status_text = AfterSaleStatus::WaitingReceive.zh().into();
        m.erp_after_sales.push(a);
    } else {
        a.status_text = "买家已经退货，等待卖家确认收货".into();
        a.shop = None;
        a.payment_no = Some(deal.payment_no.as_str().into());
        a.lines[0].sub_order_no = None;
        a.lines[0].quantity = None;
        a.lines[0].refund = None;
        m.after_sales.push(a);
    }
    Some(deal.order_no)
}

fn exchange_open(m: &mut Month) -> Option<String> {
    let d = find(m, |d| {
        d.shape == Shape::Exchange
            && d.sales
                .iter()
                .any(|s| s.kind == SaleKind::Exchange && before(m, s.done_at, 9))
    })?;
    let refund = m.deals[d]
        .sales
        .iter()
        .find(|s| s.kind == SaleKind::Exchange)?
        .refund_no
        .clone();
    m.shipments
        .retain(|s| s.refund_no.as_deref() != Some(refund.as_str()));
    Some(m.deals[d].order_no.clone())
}

/// An order with no money released yet (shipped, not confirmed), its record's index.
fn unreleased_order(m: &Month) -> Option<(usize, usize)> {
    let d = find(m, |d| {
        d.shape == Shape::Plain && d.shipped_at.is_some() && d.confirmed_at.is_none()
    })?;
    order_row(m, d)
}

fn order_row(m: &Month, d: usize) -> Option<(usize, usize)> {
    let o = m
        .orders
        .iter()
        .position(|o| o.order_no == m.deals[d].order_no.as_str())?;
    Some((d, o))
}

fn order_amount_error(m: &mut Month) -> Option<String> {
    let (d, o) = unreleased_order(m)?;
    let order = &mut m.orders[o];
    // The stated discount does not explain what the buyer paid.
    order.seller_discount = Some(order.seller_discount.unwrap_or(Fen::ZERO) + Fen::new(300));
    Some(m.deals[d].order_no.clone())
}

fn discount_excessive(m: &mut Month) -> Option<String> {
    // A one-line order: the plant changes the order's amounts and its one line's alike (an
    // export of one row per line states each line's own).
    let d = find(m, |d| {
        d.shape == Shape::Plain
            && d.shipped_at.is_some()
            && d.confirmed_at.is_none()
            && d.lines.len() == 1
    })?;
    let (d, o) = order_row(m, d)?;
    let order = &mut m.orders[o];
    let goods = order.goods?;
    // Stacked coupons: 60 % off, and the amounts agree with it.
    let discount = Fen::new(goods.get() * 6 / 10);
    let postage = order.postage.unwrap_or(Fen::ZERO);
    order.seller_discount = Some(discount);
    order.paid = Some(goods - discount + postage);
    order.seller_receivable = order.paid;
    if let [line] = order.lines.as_mut_slice() {
        line.discount = Some(discount);
        line.paid = order.paid;
    }
    Some(m.deals[d].order_no.clone())
}

/// Every plant that any platform's world supports; a platform's list picks from these.
pub const PLANTS: &[Plant] = &[
    Plant {
        code: "REFUND_UNPAID",
        what: "a refund after the release with no outflow",
        apply: refund_unpaid,
    },
    Plant {
        code: "REFUND_AMOUNT_MISMATCH",
        what: "the refund outflow is 3 元 short of the after-sale",
        apply: refund_amount_mismatch,
    },
    Plant {
        code: "REFUND_DUPLICATE",
        what: "one after-sale paid out twice, two hours apart",
        apply: refund_duplicate,
    },
    Plant {
        code: "REFUND_ORPHAN",
        what: "a 10 元 refund outflow on an order with no after-sale",
        apply: refund_orphan,
    },
    Plant {
        code: "REFUND_EXCEEDS_PAID",
        what: "a return refunded 15 元 more than the order's 实付 less its other refunds (after-sale and outflow agree)",
        apply: refund_exceeds_paid,
    },
    Plant {
        code: "PAYMENT_MISSING",
        what: "an order released 20 days before the cut-off with no income row",
        apply: payment_missing,
    },
    Plant {
        code: "PAYMENT_AMOUNT_MISMATCH",
        what: "an income row 5 元 short",
        apply: payment_amount_mismatch,
    },
    Plant {
        code: "PAYMENT_ORPHAN",
        what: "an income row naming an order no file holds",
        apply: payment_orphan,
    },
    Plant {
        code: "BALANCE_BREAK",
        what: "one row's balance 1 元 off",
        apply: balance_break,
    },
    Plant {
        code: "FLOW_DUPLICATE",
        what: "a one-line order's commission / fee row twice (new row id)",
        apply: flow_duplicate,
    },
    Plant {
        code: "RETURN_MISMATCH",
        what: "the warehouse received a SKU the order does not hold",
        apply: return_mismatch,
    },
    Plant {
        code: "RETURN_NOT_RECEIVED",
        what: "a return refunded 9 days before the cut-off, never received",
        apply: return_not_received,
    },
    Plant {
        code: "RECEIVED_NOT_REFUNDED",
        what: "goods received 2½ days before the cut-off, the return still unrefunded",
        apply: received_not_refunded,
    },
    Plant {
        code: "REFUND_ONLY_SHIPPED",
        what: "a 仅退款 on delivered goods (nothing came back)",
        apply: refund_only_shipped,
    },
    Plant {
        code: "AFTERSALE_OVERDUE",
        what: "a return waiting for the buyer's goods for 6 days at the cut-off",
        apply: aftersale_overdue,
    },
    Plant {
        code: "SHIPPED_AFTER_REFUND",
        what: "the ERP ships an order cancelled and refunded before shipment",
        apply: shipped_after_refund,
    },
    Plant {
        code: "DUPLICATE_SHIPMENT",
        what: "a line shipped twice",
        apply: duplicate_shipment,
    },
    Plant {
        code: "STATUS_MISMATCH",
        what: "shipped on the platform 3 days ago, 待发货 in the ERP",
        apply: status_mismatch,
    },
    Plant {
        code: "EXCHANGE_OPEN",
        what: "an exchange done 9 days ago whose replacement never shipped",
        apply: exchange_open,
    },
    Plant {
        code: "ORDER_AMOUNT_ERROR",
        what: "an order whose stated discount is 3 元 more than goods + postage − paid",
        apply: order_amount_error,
    },
    Plant {
        code: "DISCOUNT_EXCESSIVE",
        what: "an order 60 % off its goods (amounts consistent)",
        apply: discount_excessive,
    },
];

pub fn plant(code: &str) -> Option<&'static Plant> {
    PLANTS.iter().find(|p| p.code == code)
}

/// The release of `order` never reaches the account: its income rows and the statement rows
/// that settled it are taken out of the month (for a release that falls in a later month's
/// files, call it on each month). Returns whether the month held any of them.
pub fn release_never_comes(m: &mut Month, order: &str) -> bool {
    let before = m.flows.len() + m.settlements.len();
    m.settlements
        .retain(|s| !(s.order_no == order && s.refund_no.is_none()));
    m.flows
        .retain(|f| !(f.kind == FlowKind::Income && f.order_no.as_deref() == Some(order)));
    m.flows.len() + m.settlements.len() < before
}
