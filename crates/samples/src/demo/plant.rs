//! The planted problems: which codes, in which shop, and how each is made. Every planted
//! deal starts clean (paid in the first week, finished and released well before the
//! cut-off, so that every window has passed) and gets exactly one defect.

use duizhang_core::{
    AfterSaleKind, AfterSaleStatus, ErpOrderStatus, Fen, OrderStatus, RatePpm, ShipmentKind,
};

use super::deal::{self, After, Deal};
use super::emit::{self, Ctx};
use super::ids::{DAY, HOUR, MINUTE, Secs};
use super::{Planted, Shop};

use Shop::{Douyin, Jd, Pdd, Taobao, Tmall, Wechat};

/// Every code planted, with the shops it is planted in (in turn). The JD shop gets the codes
/// its files can show: its order export states no goods total or discounts (so no order
/// amount codes), its money arrives through settlements (so no fee or flow-level codes), and
/// its planted refunds are all made before settlement (its clean data also has refunds
/// clawed back after the settlement, which must produce no finding).
pub const PLANTED_CODES: &[(&str, &[Shop])] = &[
    ("PAYMENT_MISSING", &[Tmall, Pdd, Wechat, Jd]),
    ("PAYMENT_AMOUNT_MISMATCH", &[Pdd, Tmall, Taobao]),
    ("PAYMENT_ORPHAN", &[Tmall, Pdd]),
    ("REFUND_UNPAID", &[Wechat, Tmall, Pdd, Taobao]),
    ("REFUND_ORPHAN", &[Tmall, Pdd]),
    ("REFUND_AMOUNT_MISMATCH", &[Tmall, Pdd, Taobao]),
    ("REFUND_EXCEEDS_PAID", &[Jd, Tmall]),
    ("REFUND_DUPLICATE", &[Pdd, Tmall]),
    ("FLOW_DUPLICATE", &[Tmall]),
    ("BALANCE_BREAK", &[Tmall]),
    ("FEE_MISMATCH", &[Wechat, Tmall, Pdd, Taobao]),
    ("ORDER_AMOUNT_ERROR", &[Wechat]),
    // Only the Taobao shop's trades (through the Open Platform) state each line's allocation.
    ("DISCOUNT_ALLOCATION_ERROR", &[Taobao]),
    ("DISCOUNT_EXCESSIVE", &[Pdd, Wechat]),
    ("STATUS_MISMATCH", &[Pdd, Jd, Tmall, Taobao]),
    ("SHIPPED_AFTER_REFUND", &[Tmall]),
    // Not the mini-program: its orders (in the ERP) have no lines, so no ordered quantity.
    ("DUPLICATE_SHIPMENT", &[Jd, Tmall, Pdd]),
    ("RESHIP_UNLINKED", &[Tmall, Pdd, Wechat, Jd]),
    ("RETURN_NOT_RECEIVED", &[Tmall, Jd, Pdd, Wechat]),
    ("RECEIVED_NOT_REFUNDED", &[Wechat, Pdd, Jd]),
    ("RETURN_MISMATCH", &[Pdd, Wechat, Jd]),
    ("REFUND_ONLY_SHIPPED", &[Tmall, Pdd, Jd, Wechat]),
    ("AFTERSALE_OVERDUE", &[Pdd, Wechat, Tmall, Jd]),
    ("EXCHANGE_OPEN", &[Jd, Wechat, Pdd, Tmall]),
    ("SETTLEMENT_MISMATCH", &[Douyin, Jd]),
];

/// Catalog codes the demo does not plant, and why.
pub const NOT_PLANTED: &[(&str, &str)] = &[
    (
        "REFUND_NOT_BOOKED",
        "needs a journal: `duizhang demo` plants it in the journal it writes beside the files",
    ),
    (
        "FLOW_NOT_BOOKED",
        "needs a journal: `duizhang demo` plants it in the journal it writes beside the files",
    ),
    (
        "SOURCE_BOOKED_TWICE",
        "needs a journal: `duizhang demo` plants it in the journal it writes beside the files",
    ),
];

/// Codes about the account rather than an order; planted on withdrawals.
const ACCOUNT_CODES: &[&str] = &["FLOW_DUPLICATE", "BALANCE_BREAK", "PAYMENT_ORPHAN"];

/// At most this many problems per account-level code (one withdrawal a day carries them).
const MAX_ACCOUNT_PLANTS: usize = 10;

/// The plan: (code, shop) pairs, about one per hundred orders, at least one per code.
pub fn schedule(orders: usize) -> Vec<(&'static str, Shop)> {
    let per_code = (orders / (100 * PLANTED_CODES.len())).max(1);
    let mut plan = Vec::new();
    for (code, shops) in PLANTED_CODES {
        let n = if matches!(*code, "FLOW_DUPLICATE" | "BALANCE_BREAK") {
            per_code.min(MAX_ACCOUNT_PLANTS)
        } else {
            per_code
        };
        for k in 0..n {
            plan.push((*code, shops[k % shops.len()]));
        }
    }
    plan
}

pub fn needs_order(code: &str) -> bool {
    !ACCOUNT_CODES.contains(&code)
}

/// A clean deal to plant into: one line, paid in the first week, shipped, finished and
/// released with every window long past at the cut-off.
fn base(c: &mut Ctx<'_>, shop: Shop, qty: Option<i64>) -> Deal {
    let mut d = deal::amounts(c.rng, shop, 1, qty);
    let paid_at = c.rng.range(HOUR, 6 * DAY);
    deal::timeline(&mut d, c.rng, c.nums, c.clock, paid_at);
    let shipped = paid_at + c.rng.range(6 * HOUR, 20 * HOUR);
    let finished = shipped + c.rng.range(3 * DAY, 5 * DAY);
    d.shipped = Some(shipped);
    d.finished = Some(finished);
    d.status = OrderStatus::Finished;
    d.release = Some(deal::release_time(shop, finished, c.rng, c.clock));
    d
}

/// A refund after delivery, `closed` then: JD completes and settles the order only after it
/// (see [`deal::complete_after_return`]); the others refund after the release, out of the
/// money released.
fn refund_after_delivery(c: &mut Ctx<'_>, d: &mut Deal, closed: Secs) {
    if d.shop == Jd {
        deal::complete_after_return(d, Some(closed), c.rng, c.clock);
    }
}

/// When an after-sale of the delivered goods is applied for: JD's the day after delivery,
/// before 确认收货; the others' the day after the release.
fn applied_after_delivery(d: &Deal) -> Secs {
    if d.shop == Jd {
        d.shipped.unwrap_or(d.paid_at) + DAY
    } else {
        d.release.unwrap_or(d.paid_at) + DAY
    }
}

fn after(c: &mut Ctx<'_>, d: &Deal, kind: AfterSaleKind, applied: Secs) -> After {
    After {
        no: deal::after_number(d.shop, c.nums, c.clock, applied, kind),
        kind,
        on_sale: false,
        line: 0,
        qty: 1,
        refund: Fen::ZERO,
        applied,
        received: None,
        received_qty: 1,
        done: None,
        status: AfterSaleStatus::Completed,
        ship: None,
        reason: "7天无理由退换货",
        after_settlement: false,
    }
}

/// A return of `qty` refunded in full after the goods came back.
fn completed_return(c: &mut Ctx<'_>, d: &mut Deal, qty: i64) -> After {
    let applied = applied_after_delivery(d);
    let mut a = after(c, d, AfterSaleKind::ReturnAndRefund, applied);
    a.qty = qty;
    a.received_qty = qty;
    a.refund = d.line_refund(0, qty);
    a.received = Some(applied + 2 * DAY);
    a.done = Some(applied + 2 * DAY + 3 * HOUR);
    refund_after_delivery(c, d, applied + 2 * DAY + 3 * HOUR);
    a
}

/// A refund-only before shipment, completed within the hour.
fn pre_shipment_refund(c: &mut Ctx<'_>, d: &mut Deal) -> After {
    let applied = d.paid_at + 30 * MINUTE;
    let mut a = after(c, d, AfterSaleKind::RefundOnly, applied);
    a.on_sale = true;
    a.qty = d.lines[0].qty;
    a.refund = d.paid;
    a.done = Some(applied + HOUR);
    a.reason = "不想要了";
    d.status = OrderStatus::Refunded;
    d.shipped = None;
    d.finished = None;
    d.release = None;
    a
}

fn yuan_part(amount: Fen, percent: i64) -> Fen {
    Fen::new((amount.get() * percent / 100 / 100).max(1) * 100)
}

/// Builds and emits one planted problem, returning what a reconciliation must find.
pub fn plant(c: &mut Ctx<'_>, code: &'static str, shop: Shop, serial: usize) -> Planted {
    let mut p = Planted {
        code,
        shop: shop.id().to_string(),
        order_no: None,
        refund_no: None,
        txn_no: None,
        sku: None,
        note: String::new(),
    };
    if !needs_order(code) {
        account_plant(c, &mut p, shop, serial);
        return p;
    }
    let qty = match code {
        "REFUND_DUPLICATE" | "RESHIP_UNLINKED" | "RETURN_MISMATCH" | "ORDER_AMOUNT_ERROR" => {
            Some(2)
        }
        _ => Some(1),
    };
    let mut d = base(c, shop, qty);
    let sku = d.lines[0].product.sku;
    p.order_no = Some(d.no.clone());
    let release = d.release.unwrap_or(d.paid_at);
    match code {
        "PAYMENT_MISSING" => {
            emit::platform_order(c, &d);
            emit::erp_order(c, &d, None);
            emit::shipments(c, &d);
            p.note = format!(
                "订单 {} 已确认收货（实付 {} 元），资金流水中没有收款",
                d.no, d.paid
            );
        }
        "PAYMENT_AMOUNT_MISMATCH" => {
            let short = yuan_part(d.income(), 10);
            emit::platform_order(c, &d);
            emit::erp_order(c, &d, None);
            emit::shipments(c, &d);
            emit::money(c, &d, d.income() - short, None, None);
            p.note = format!(
                "订单 {} 应收 {} 元，实际到账少 {} 元",
                d.no,
                d.income(),
                short
            );
        }
        "REFUND_UNPAID" => {
            let a = completed_return(c, &mut d, 1);
            emit::platform_order(c, &d);
            emit::erp_order(c, &d, None);
            emit::shipments(c, &d);
            emit::money(c, &d, d.income(), None, None);
            emit::after_sale(c, &d, &a);
            emit::goods_of_after_sale(c, &d, &a);
            p.refund_no = Some(a.no.clone());
            p.note = format!(
                "售后单 {} 已退款 {} 元，资金流水中没有退款支出",
                a.no, a.refund
            );
        }
        "REFUND_ORPHAN" => {
            let amount = yuan_part(d.paid, 30);
            emit::clean(c, &d);
            let at = release + 2 * DAY + c.rng.range(0, 6 * HOUR);
            let txn = match shop {
                Pdd => emit::pdd_refund(c, &d.no, at, amount),
                _ => emit::alipay_refund(c, &d, at, amount),
            };
            p.txn_no = Some(txn);
            p.note = format!(
                "订单 {} 有一笔 {} 元的退款支出，没有任何售后单",
                d.no, amount
            );
        }
        "REFUND_AMOUNT_MISMATCH" => {
            let a = completed_return(c, &mut d, 1);
            let short = yuan_part(a.refund, 20)
                .min(a.refund - Fen::new(100))
                .max(Fen::new(100));
            emit_with_after(c, &d, &a);
            emit::refund_money(c, &d, &a, a.refund - short);
            p.refund_no = Some(a.no.clone());
            p.note = format!(
                "售后单 {} 退款 {} 元，资金流水只退了 {} 元",
                a.no,
                a.refund,
                a.refund - short
            );
        }
        "REFUND_EXCEEDS_PAID" => {
            let mut a = completed_return(c, &mut d, 1);
            let extra = Fen::new(c.rng.range(10, 30) * 100);
            a.refund = d.paid + extra;
            emit_with_after(c, &d, &a);
            emit::refund_money(c, &d, &a, a.refund);
            p.note = format!(
                "订单 {} 实付 {} 元，售后单 {} 退款 {} 元",
                d.no, d.paid, a.no, a.refund
            );
        }
        "REFUND_DUPLICATE" => {
            let a = completed_return(c, &mut d, 1);
            emit_with_after(c, &d, &a);
            emit::refund_money(c, &d, &a, a.refund);
            let again = a.done.unwrap_or(release) + DAY + c.rng.range(0, 4 * HOUR);
            match shop {
                Pdd => {
                    emit::pdd_refund(c, &d.no, again, a.refund);
                }
                _ => {
                    emit::alipay_refund(c, &d, again, a.refund);
                }
            }
            p.refund_no = Some(a.no.clone());
            p.note = format!("售后单 {} 的退款 {} 元被支付了两次", a.no, a.refund);
        }
        "FEE_MISMATCH" => {
            let (rate, what) = match shop {
                Tmall => (RatePpm(60_000), "天猫佣金按 6% 扣取（约定 5%）"),
                Taobao => (RatePpm(15_000), "花呗服务费按 1.5% 扣取（约定 1%）"),
                Pdd => (RatePpm(10_000), "技术服务费按 1% 扣取（约定 0.6%）"),
                // The mini-program; never planted in the Douyin shop, which pays no fees.
                Wechat | Douyin | Jd => (RatePpm(10_000), "微信支付手续费按 1% 扣取（约定 0.6%）"),
            };
            // The C店's only charge is the 花呗 one.
            d.credit_fee |= shop == Taobao;
            emit::platform_order(c, &d);
            emit::erp_order(c, &d, None);
            emit::shipments(c, &d);
            emit::money(c, &d, d.income(), Some(rate), None);
            p.note = format!("订单 {}：{what}", d.no);
        }
        "ORDER_AMOUNT_ERROR" => {
            // The coupon was taken off twice at checkout; the ERP records it once.
            let coupon = Fen::new(1000);
            d.seller_discount = coupon;
            d.postage = Fen::ZERO;
            d.allocate();
            d.paid -= coupon;
            emit::clean(c, &d);
            p.note = format!(
                "订单 {}：商品 {} 元 − 优惠 {} 元 ≠ 实付 {} 元（优惠券重复抵扣）",
                d.no, d.goods, coupon, d.paid
            );
        }
        "DISCOUNT_ALLOCATION_ERROR" => {
            // A 店铺满减 whose share on the sub-order is short: the lines carry less discount
            // (and more 实付) than the trade.
            let discount = yuan_part(d.goods, 20);
            d.seller_discount = discount;
            d.allocate();
            let gap = yuan_part(discount, 50);
            d.lines[0].discount -= gap;
            d.lines[0].paid += gap;
            emit::clean(c, &d);
            p.note = format!(
                "订单 {} 店铺优惠 {} 元，子订单分摊合计只有 {} 元（子订单实付合计多出 {} 元）",
                d.no,
                discount,
                discount - gap,
                gap
            );
        }
        "DISCOUNT_EXCESSIVE" => {
            let total = Fen::new(d.goods.get() * 60 / 100 / 100 * 100);
            d.platform_discount = if shop == Pdd {
                Fen::new(300)
            } else {
                Fen::ZERO
            };
            d.seller_discount = total - d.platform_discount;
            d.postage = if shop == Wechat && (d.goods - d.seller_discount).get() < 9_900 {
                Fen::new(800)
            } else {
                Fen::ZERO
            };
            d.allocate();
            emit::clean(c, &d);
            p.note = format!(
                "订单 {} 商品 {} 元，优惠叠加 {} 元（超过 50%）",
                d.no, d.goods, total
            );
        }
        "STATUS_MISMATCH" => {
            let a = pre_shipment_refund(c, &mut d);
            let done = a.done.unwrap_or(d.paid_at);
            emit::platform_order(c, &d);
            emit::erp_order(c, &d, Some((ErpOrderStatus::Shipped, done + 2 * HOUR)));
            emit::after_sale(c, &d, &a);
            p.note = format!("订单 {} 发货前已全额退款关闭，ERP 仍为已发货", d.no);
        }
        "SHIPPED_AFTER_REFUND" => {
            let a = pre_shipment_refund(c, &mut d);
            let done = a.done.unwrap_or(d.paid_at);
            emit::platform_order(c, &d);
            emit::erp_order(c, &d, None);
            emit::after_sale(c, &d, &a);
            emit::shipment(
                c,
                &d,
                sku,
                d.lines[0].qty,
                done + 3 * HOUR,
                ShipmentKind::Normal,
                None,
            );
            p.refund_no = Some(a.no.clone());
            p.sku = Some(sku.to_string());
            p.note = format!(
                "订单 {} 发货前已退款（售后单 {}），仓库仍发出 {}",
                d.no, a.no, sku
            );
        }
        "DUPLICATE_SHIPMENT" => {
            emit::clean(c, &d);
            let again = d.shipped.unwrap_or(d.paid_at) + DAY + c.rng.range(0, 3 * HOUR);
            emit::shipment(
                c,
                &d,
                sku,
                d.lines[0].qty,
                again,
                ShipmentKind::Normal,
                None,
            );
            p.sku = Some(sku.to_string());
            p.note = format!("订单 {} 的 {} 发了两次货", d.no, sku);
        }
        "RESHIP_UNLINKED" => {
            let shipped = d.shipped.unwrap_or(d.paid_at);
            emit::platform_order(c, &d);
            emit::erp_order(c, &d, None);
            emit::money(c, &d, d.income(), None, None);
            emit::shipment(c, &d, sku, 1, shipped, ShipmentKind::Normal, None);
            emit::shipment(c, &d, sku, 1, shipped + 2 * DAY, ShipmentKind::Reship, None);
            p.sku = Some(sku.to_string());
            p.note = format!("订单 {} 漏发 1 件 {}，补发时没有建售后单", d.no, sku);
        }
        "RETURN_NOT_RECEIVED" => {
            let mut a = completed_return(c, &mut d, 1);
            a.received = None;
            emit_with_after(c, &d, &a);
            emit::refund_money(c, &d, &a, a.refund);
            p.refund_no = Some(a.no.clone());
            p.note = format!("售后单 {} 已退款 {} 元，退货没有入库", a.no, a.refund);
        }
        "RECEIVED_NOT_REFUNDED" => {
            let mut a = completed_return(c, &mut d, 1);
            a.status = AfterSaleStatus::Closed;
            a.done = a.received.map(|r| r + DAY);
            emit_with_after(c, &d, &a);
            p.refund_no = Some(a.no.clone());
            p.note = format!("售后单 {} 的退货已入库，售后单被关闭、没有退款", a.no);
        }
        "RETURN_MISMATCH" => {
            let mut a = completed_return(c, &mut d, 2);
            a.received_qty = 1;
            emit_with_after(c, &d, &a);
            emit::refund_money(c, &d, &a, a.refund);
            p.refund_no = Some(a.no.clone());
            p.sku = Some(sku.to_string());
            p.note = format!("售后单 {} 退货 2 件 {}，只入库 1 件", a.no, sku);
        }
        "REFUND_ONLY_SHIPPED" => {
            let applied = applied_after_delivery(&d);
            let mut a = after(c, &d, AfterSaleKind::RefundOnly, applied);
            a.refund = yuan_part(d.lines[0].paid, 25).min(Fen::new(2000));
            a.done = Some(applied + 5 * HOUR);
            refund_after_delivery(c, &mut d, applied + 5 * HOUR);
            a.reason = "商品破损，仅退款补偿";
            emit_with_after(c, &d, &a);
            emit::refund_money(c, &d, &a, a.refund);
            p.refund_no = Some(a.no.clone());
            p.sku = Some(sku.to_string());
            p.note = format!(
                "订单 {} 已发货，售后单 {} 仅退款 {} 元，货未退回",
                d.no, a.no, a.refund
            );
        }
        "AFTERSALE_OVERDUE" => {
            let applied = release + DAY;
            let mut a = after(c, &d, AfterSaleKind::ReturnAndRefund, applied);
            a.refund = d.lines[0].paid;
            a.status = AfterSaleStatus::PendingReview;
            emit_with_after(c, &d, &a);
            p.refund_no = Some(a.no.clone());
            p.note = format!("售后单 {} 申请后一直待审核，到月末未处理", a.no);
        }
        "EXCHANGE_OPEN" => {
            let applied = release + DAY;
            let mut a = after(c, &d, AfterSaleKind::Exchange, applied);
            a.reason = "质量问题";
            a.received = Some(applied + 2 * DAY);
            a.done = Some(applied + 2 * DAY + HOUR);
            emit_with_after(c, &d, &a);
            p.refund_no = Some(a.no.clone());
            p.note = format!("换货单 {} 已收到退回的 {}，没有发出换货", a.no, sku);
        }
        "SETTLEMENT_MISMATCH" if shop == Jd => {
            // The wallet took off a charge the statement does not list.
            let short = Fen::new(c.rng.range(3, 12) * 100);
            emit::platform_order(c, &d);
            emit::erp_order(c, &d, None);
            emit::shipments(c, &d);
            emit::jd_settlement(c, &d, release, d.income(), short);
            let net = d.income() - emit::JD_COMMISSION.apply(d.income());
            p.note = format!(
                "订单 {} 结算单货款 {} 元扣佣金后净额 {} 元，京东钱包资金表只入账 {} 元，少 {} 元",
                d.no,
                d.income(),
                net,
                net - short,
                short
            );
        }
        "SETTLEMENT_MISMATCH" => {
            // The statement's net is 5 元 more than its goods money (a negative 支出合计 no
            // fee explains), and only the goods money arrived.
            let extra = Fen::new(500);
            emit::platform_order(c, &d);
            emit::erp_order(c, &d, None);
            emit::shipments(c, &d);
            emit::douyin_settlement(c, &d, release, d.income(), d.income() + extra, d.income());
            p.note = format!(
                "订单 {} 结算单净额 {} 元（比收入合计多 {} 元），资金流水到账 {} 元",
                d.no,
                d.income() + extra,
                extra,
                d.income()
            );
        }
        other => unreachable!("no plant for {other}"),
    }
    p
}

/// A deal's records with its after-sale and goods movements, without refund money.
fn emit_with_after(c: &mut Ctx<'_>, d: &Deal, a: &After) {
    emit::platform_order(c, d);
    emit::erp_order(c, d, None);
    emit::shipments(c, d);
    emit::money(c, d, d.income(), None, Some(a));
    emit::after_sale(c, d, a);
    emit::goods_of_after_sale(c, d, a);
}

/// Problems of the account: a withdrawal booked twice, a balance that does not follow, an
/// income for an order nobody knows. `serial` spreads them over the month.
fn account_plant(c: &mut Ctx<'_>, p: &mut Planted, shop: Shop, serial: usize) {
    let k = i64::try_from(serial).unwrap_or(0);
    match p.code {
        "FLOW_DUPLICATE" => {
            let at = (2 + 3 * k) * DAY + 9 * HOUR + 30 * MINUTE;
            let biz = c.nums.alipay_biz(c.clock, at);
            emit::alipay_withdrawal(c, shop, at, &biz);
            let again = emit::alipay_withdrawal(c, shop, at + 2 * MINUTE, &biz);
            p.txn_no = Some(again);
            p.note = format!("提现（业务流水号 {biz}）被扣了两次");
        }
        "BALANCE_BREAK" => {
            let at = (3 + 3 * k) * DAY + 9 * HOUR + 30 * MINUTE;
            let biz = c.nums.alipay_biz(c.clock, at);
            let txn = emit::alipay_withdrawal(c, shop, at, &biz);
            let gap = Fen::new(c.rng.range(100, 500) * 100);
            c.out.breaks.push((txn.clone(), -gap));
            p.txn_no = Some(txn);
            p.note = format!("账户余额在这笔提现处少了 {gap} 元，与上一行余额不连续");
        }
        _ => {
            // PAYMENT_ORPHAN: money for an order that is in no order file.
            let at = c.rng.range(3 * DAY, 25 * DAY);
            let amount = Fen::new(c.rng.range(59, 199) * 100);
            let (no, txn) = match shop {
                Pdd => {
                    let no = c.nums.pdd(c.clock, at - 8 * DAY);
                    let txn = emit::pdd_row(
                        c,
                        at,
                        &no,
                        duizhang_core::FlowKind::Income,
                        "交易收入",
                        "0010002",
                        None,
                        "交易收入-订单收入",
                        amount,
                    );
                    (no, txn)
                }
                _ => {
                    let no = c.nums.tid();
                    let biz = c.nums.alipay_biz(c.clock, at);
                    let txn = emit::alipay_row(
                        c,
                        shop,
                        at,
                        &biz,
                        Some(&no),
                        duizhang_core::FlowKind::Income,
                        "交易付款",
                        amount,
                        "*伟(139****2046)",
                        None,
                    );
                    (no, txn)
                }
            };
            p.order_no = Some(no.clone());
            p.txn_no = Some(txn);
            p.note = format!("收到订单 {no} 的货款 {amount} 元，订单报表中没有这个订单");
        }
    }
}

/// Days of the month whose withdrawal carries an account-level plant.
pub fn planted_withdrawal_day(day: i64, plan: &[(&str, Shop)]) -> bool {
    let count =
        |code: &str| i64::try_from(plan.iter().filter(|(c, _)| *c == code).count()).unwrap_or(0);
    let in_series =
        |start: i64, n: i64| day >= start && (day - start) % 3 == 0 && (day - start) / 3 < n;
    in_series(2, count("FLOW_DUPLICATE")) || in_series(3, count("BALANCE_BREAK"))
}
