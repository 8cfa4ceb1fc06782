//! Turns deals into the records each file holds, as its importer will read them.

use duizhang_core::*;

use super::deal::{After, Deal, Line};
use super::ids::{Clock, HOUR, MINUTE, Numbers, Secs};
use super::rng::Rng;
use super::{FileSlot, Shop};

/// Accounts and names of the demo seller.
pub const ALIPAY_ACCOUNT: &str = "20880000000000000156";
pub const WECHAT_MCH: &str = "1900000109";
pub const TMALL_NAME: &str = "禾木家居天猫旗舰店";
pub const TMALL_ERP: &str = "天猫旗舰店";
/// The Taobao shop (C店): its own Alipay account; its trades come through the Open Platform.
pub const TAOBAO_NAME: &str = "禾木家居淘宝店";
pub const TAOBAO_ERP: &str = "淘宝店";
pub const TAOBAO_ALIPAY: &str = "20880000000000000271";
pub const PDD_NAME: &str = "禾木家居拼多多店";
pub const PDD_ERP: &str = "拼多多店";
pub const WECHAT_NAME: &str = "禾木家居微信小程序商城";
pub const WECHAT_ERP: &str = "小程序商城";
pub const DOUYIN_NAME: &str = "禾木家居抖音小店";
pub const DOUYIN_ERP: &str = "抖音小店";
/// Douyin's 动账账户 / 结算账户 for the shop's money.
pub const DOUYIN_ACCOUNT: &str = "聚合账户";
pub const JD_NAME: &str = "禾木家居京东旗舰店";
pub const JD_ERP: &str = "京东旗舰店";
/// The 京东钱包 商户号 the JD shop's money settles into.
pub const JD_MERCHANT: &str = "111004265001";

/// Rates the seller pays (also written into the settings).
pub const TMALL_COMMISSION: RatePpm = RatePpm(50_000);
pub const TMALL_CREDIT_FEE: RatePpm = RatePpm(10_000);
pub const PDD_SERVICE_FEE: RatePpm = RatePpm(6_000);
pub const WECHAT_FEE: RatePpm = RatePpm(6_000);
/// JD's 佣金 (扣点) for the home-goods category, deducted in the 结算单.
pub const JD_COMMISSION: RatePpm = RatePpm(60_000);

/// Records per file slot, each with the moment that orders it in its file.
pub struct Out {
    pub files: Vec<Vec<Record>>,
    pub times: Vec<Vec<Secs>>,
    /// Withdrawal rows whose balance is off by the amount (BALANCE_BREAK), by 账务流水号.
    pub breaks: Vec<(String, Fen)>,
}

impl Out {
    /// Room for about `orders` orders, so that large scenarios do not grow by copying.
    pub fn new(orders: usize) -> Out {
        // Records per order in each file, from the clean mix (see `super::FILES`).
        const PER_100_ORDERS: [usize; FileSlot::COUNT] = [
            76, 44, 63, 6, 18, 34, 46, 31, 100, 11, 128, 9, 3, 11, 11, 11, 13, 18, 10, 8, 12,
        ];
        let cap = |per: usize| orders / 100 * per + 64;
        Out {
            files: PER_100_ORDERS
                .iter()
                .map(|p| Vec::with_capacity(cap(*p)))
                .collect(),
            times: PER_100_ORDERS
                .iter()
                .map(|p| Vec::with_capacity(cap(*p)))
                .collect(),
            breaks: Vec::new(),
        }
    }

    pub fn push(&mut self, slot: FileSlot, at: Secs, record: Record) {
        self.files[slot.index()].push(record);
        self.times[slot.index()].push(at);
    }
}

/// A placeholder source; the real file and line are set once each file is sorted.
/// A goods line as an export that lists only the price gives it (Taobao 宝贝报表, JD 订单导出):
/// no discount or paid amount of its own.
fn listed_line(l: &Line) -> OrderLine {
    OrderLine {
        sub_order_no: None,
        sku: Some(label(l.product.sku)),
        title: Some(label(l.product.title)),
        quantity: l.qty,
        unit_price: Some(l.product.price),
        goods: Some(l.goods),
        discount: None,
        paid: None,
        source: here(),
    }
}

pub fn here() -> SourceRef {
    SourceRef {
        file: FileId(0),
        line: 0,
    }
}

fn text(s: &str) -> Text {
    Text::from(s)
}

/// Text that needs no allocation (fixed identifiers and notes).
fn fixed(s: &'static str) -> Text {
    Text::const_new(s)
}

/// A shop, status, SKU, title …: shared by every record of the scenario that carries it.
fn label(s: &str) -> Label {
    Label::from(s)
}

/// Everything the emitters need besides the deal.
pub struct Ctx<'a> {
    pub clock: &'a Clock,
    pub nums: &'a mut Numbers,
    pub rng: &'a mut Rng,
    pub out: &'a mut Out,
}

impl Ctx<'_> {
    pub fn at(&self, s: Secs) -> BeijingTime {
        self.clock.at(s)
    }
}

pub fn erp_shop(shop: Shop) -> &'static str {
    match shop {
        Shop::Tmall => TMALL_ERP,
        Shop::Taobao => TAOBAO_ERP,
        Shop::Pdd => PDD_ERP,
        Shop::Wechat => WECHAT_ERP,
        Shop::Douyin => DOUYIN_ERP,
        Shop::Jd => JD_ERP,
    }
}

fn platform(shop: Shop) -> Platform {
    match shop {
        Shop::Tmall => Platform::Tmall,
        Shop::Taobao => Platform::Taobao,
        Shop::Pdd => Platform::Pdd,
        Shop::Wechat => Platform::Wechat,
        Shop::Douyin => Platform::Douyin,
        Shop::Jd => Platform::Jd,
    }
}

/// The platform's own order records (the mini-program has none: its orders are the ERP's).
pub fn platform_order(c: &mut Ctx<'_>, d: &Deal) {
    let paid_at = c.at(d.paid_at);
    match d.shop {
        Shop::Tmall => {
            let (status, status_text) = match d.status {
                OrderStatus::Finished => (OrderStatus::Finished, "交易成功"),
                OrderStatus::Shipped => (OrderStatus::Shipped, "卖家已发货，等待买家确认"),
                OrderStatus::Refunded => (OrderStatus::Refunded, "交易关闭"),
                _ => (OrderStatus::Paid, "买家已付款，等待卖家发货"),
            };
            let order = Order {
                platform: Platform::Taobao,
                shop: Some(label(TMALL_NAME)),
                order_no: text(&d.no),
                status,
                status_text: label(status_text),
                created_at: Some(c.at(d.paid_at - 2 * MINUTE)),
                paid_at: Some(paid_at),
                shipped_at: None,
                finished_at: d.finished.map(|f| c.at(f)),
                goods: Some(d.goods),
                postage: Some(d.postage),
                seller_discount: None,
                platform_discount: None,
                other_discount: None,
                paid: Some(d.paid),
                seller_receivable: None,
                refunded: None,
                payment_no: Some(text(&d.pay_no)),
                lines: Vec::new(),
                source: here(),
            };
            c.out
                .push(FileSlot::TaobaoOrders, d.paid_at, Record::Order(order));
            // The item file cannot tell a refunded 交易关闭 from a cancelled one.
            let item_status = if status == OrderStatus::Refunded {
                OrderStatus::Unknown
            } else {
                status
            };
            for l in &d.lines {
                let item = Order {
                    platform: Platform::Taobao,
                    shop: None,
                    order_no: text(&d.no),
                    status: item_status,
                    status_text: label(status_text),
                    created_at: None,
                    paid_at: None,
                    shipped_at: None,
                    finished_at: None,
                    goods: None,
                    postage: None,
                    seller_discount: None,
                    platform_discount: None,
                    other_discount: None,
                    paid: None,
                    seller_receivable: None,
                    refunded: None,
                    payment_no: None,
                    lines: vec![listed_line(l)],
                    source: here(),
                };
                c.out
                    .push(FileSlot::TaobaoItems, d.paid_at, Record::Order(item));
            }
        }
        Shop::Pdd => {
            let (status, status_text) = match d.status {
                OrderStatus::Finished => (OrderStatus::Finished, "已收货"),
                OrderStatus::Shipped => (OrderStatus::Shipped, "已发货，待收货"),
                OrderStatus::Refunded => (OrderStatus::Refunded, "已取消"),
                _ => (OrderStatus::Paid, "待发货"),
            };
            let l = &d.lines[0];
            let order = Order {
                platform: Platform::Pdd,
                shop: None,
                order_no: text(&d.no),
                status,
                status_text: label(status_text),
                created_at: None,
                paid_at: Some(paid_at),
                shipped_at: d.shipped.map(|s| c.at(s)),
                finished_at: d.finished.map(|f| c.at(f)),
                goods: Some(d.goods),
                postage: Some(d.postage),
                seller_discount: Some(d.seller_discount),
                platform_discount: Some(d.platform_discount),
                other_discount: None,
                paid: Some(d.paid),
                seller_receivable: Some(d.income()),
                refunded: None,
                payment_no: None,
                lines: vec![OrderLine {
                    sub_order_no: None,
                    sku: Some(label(l.product.sku)),
                    title: Some(label(l.product.title)),
                    quantity: l.qty,
                    unit_price: None,
                    goods: Some(l.goods),
                    discount: Some(l.discount),
                    paid: Some(l.paid),
                    source: here(),
                }],
                source: here(),
            };
            c.out
                .push(FileSlot::PddOrders, d.paid_at, Record::Order(order));
        }
        Shop::Douyin => {
            let (status, status_text) = match d.status {
                OrderStatus::Finished => (OrderStatus::Finished, "已完成"),
                OrderStatus::Shipped => (OrderStatus::Shipped, "已发货"),
                _ => (OrderStatus::Paid, "待发货"),
            };
            let l = &d.lines[0];
            let order = Order {
                platform: Platform::Douyin,
                shop: None,
                order_no: text(&d.no),
                status,
                status_text: label(status_text),
                // The export's columns (formats.md §6.1) have neither 支付完成时间 nor 商品金额.
                created_at: Some(c.at(d.paid_at - MINUTE)),
                paid_at: None,
                shipped_at: d.shipped.map(|s| c.at(s)),
                finished_at: d.finished.map(|f| c.at(f)),
                goods: None,
                postage: Some(d.postage),
                seller_discount: Some(d.seller_discount),
                platform_discount: Some(d.platform_discount),
                other_discount: Some(Fen::ZERO),
                paid: Some(d.paid),
                seller_receivable: None,
                refunded: None,
                payment_no: None,
                lines: vec![OrderLine {
                    // One goods line: the 子订单编号 is the order's own number.
                    sub_order_no: Some(text(&d.no)),
                    sku: Some(label(l.product.sku)),
                    title: Some(label(l.product.title)),
                    quantity: l.qty,
                    unit_price: None,
                    goods: None,
                    discount: Some(l.discount),
                    paid: Some(l.paid),
                    source: here(),
                }],
                source: here(),
            };
            c.out
                .push(FileSlot::DouyinOrders, d.paid_at, Record::Order(order));
        }
        Shop::Jd => jd_order(c, d),
        Shop::Taobao => taobao_trade(c, d),
        Shop::Wechat => {}
    }
}

/// A Taobao trade as the Open Platform returns it: API status codes, the order's discount as
/// the trade's 店铺优惠 (`discount_fee`) and each line's share of it (`part_mjz_discount`), the
/// line's 实付 after allocation (`divide_order_fee`). One-line trades use the trade's number
/// for the sub-order.
fn taobao_trade(c: &mut Ctx<'_>, d: &Deal) {
    let status_text = match d.status {
        OrderStatus::Finished => "TRADE_FINISHED",
        OrderStatus::Shipped => "WAIT_BUYER_CONFIRM_GOODS",
        OrderStatus::Refunded => "TRADE_CLOSED",
        _ => "WAIT_SELLER_SEND_GOODS",
    };
    let status = match d.status {
        OrderStatus::Finished | OrderStatus::Shipped | OrderStatus::Refunded => d.status,
        _ => OrderStatus::Paid,
    };
    let single = d.lines.len() == 1;
    let lines = d
        .lines
        .iter()
        .map(|l| OrderLine {
            sub_order_no: Some(text(&if single { d.no.clone() } else { c.nums.tid() })),
            discount: Some(l.discount),
            paid: Some(l.paid),
            ..listed_line(l)
        })
        .collect();
    let order = Order {
        platform: Platform::Taobao,
        shop: Some(label(TAOBAO_NAME)),
        order_no: text(&d.no),
        status,
        status_text: label(status_text),
        created_at: Some(c.at(d.paid_at - 2 * MINUTE)),
        paid_at: Some(c.at(d.paid_at)),
        shipped_at: d.shipped.map(|s| c.at(s)),
        finished_at: d
            .finished
            .filter(|_| status == OrderStatus::Finished)
            .map(|f| c.at(f)),
        goods: Some(d.goods),
        postage: Some(d.postage),
        seller_discount: Some(Fen::ZERO),
        platform_discount: None,
        other_discount: Some(d.seller_discount),
        paid: Some(d.paid),
        seller_receivable: None,
        refunded: None,
        payment_no: Some(text(&d.pay_no)),
        lines,
        source: here(),
    };
    c.out
        .push(FileSlot::TaobaoTrades, d.paid_at, Record::Order(order));
}

/// JD's order export: one row per goods line, the order's amounts and times repeated on each.
fn jd_order(c: &mut Ctx<'_>, d: &Deal) {
    let (status, status_text) = match d.status {
        OrderStatus::Finished => (OrderStatus::Finished, "完成"),
        OrderStatus::Shipped => (OrderStatus::Shipped, "等待确认收货"),
        // Refunded before shipment: JD cancels the order.
        OrderStatus::Refunded => (OrderStatus::Cancelled, "已取消"),
        _ => (OrderStatus::Paid, "等待出库"),
    };
    // 结算金额: what JD will settle, net of its commission; nothing for a cancelled order.
    let receivable = if status == OrderStatus::Cancelled {
        Fen::ZERO
    } else {
        d.income() - JD_COMMISSION.apply(d.income())
    };
    for l in &d.lines {
        let row = Order {
            platform: Platform::Jd,
            shop: None,
            order_no: text(&d.no),
            status,
            status_text: label(status_text),
            created_at: Some(c.at(d.paid_at - MINUTE)),
            paid_at: Some(c.at(d.paid_at)),
            shipped_at: None,
            finished_at: d.finished.map(|f| c.at(f)),
            goods: None,
            postage: Some(d.postage),
            seller_discount: None,
            platform_discount: None,
            other_discount: None,
            paid: Some(d.paid),
            seller_receivable: Some(receivable),
            refunded: None,
            payment_no: None,
            lines: vec![listed_line(l)],
            source: here(),
        };
        c.out
            .push(FileSlot::JdOrders, d.paid_at, Record::Order(row));
    }
}

/// The ERP's view of the order; `status` overrides what the platform's status implies.
pub fn erp_order(c: &mut Ctx<'_>, d: &Deal, status: Option<(ErpOrderStatus, Secs)>) {
    let (status, updated) = status.unwrap_or(match d.status {
        OrderStatus::Finished => (ErpOrderStatus::Completed, d.finished.unwrap_or(d.paid_at)),
        OrderStatus::Shipped => (ErpOrderStatus::Shipped, d.shipped.unwrap_or(d.paid_at)),
        OrderStatus::Refunded => (
            ErpOrderStatus::Refunded,
            d.after.as_ref().and_then(|a| a.done).unwrap_or(d.paid_at),
        ),
        _ => (ErpOrderStatus::WaitingShipment, d.paid_at + 2 * MINUTE),
    });
    let wechat = d.shop == Shop::Wechat;
    let money = |v: duizhang_core::Fen| wechat.then_some(v);
    let order = ErpOrder {
        shop: label(erp_shop(d.shop)),
        platform: platform(d.shop),
        order_no: text(&d.no),
        erp_no: Some(text(&d.erp_no)),
        status,
        updated_at: c.at(updated),
        paid_at: wechat.then(|| c.at(d.paid_at)),
        goods: money(d.goods),
        postage: money(d.postage),
        discount: money(d.seller_discount + d.platform_discount),
        paid: money(d.paid),
        payment_method: wechat.then(|| label("微信支付")),
        payment_no: wechat.then(|| text(&d.no)),
        source: here(),
    };
    c.out
        .push(FileSlot::ErpOrders, d.paid_at, Record::ErpOrder(order));
}

/// One shipment line.
pub fn shipment(
    c: &mut Ctx<'_>,
    d: &Deal,
    sku: &'static str,
    qty: i64,
    at: Secs,
    kind: ShipmentKind,
    refund_no: Option<&str>,
) {
    let pick = c.rng.below(4);
    let (carrier, waybill) = c.nums.waybill(pick);
    let s = Shipment {
        shop: label(erp_shop(d.shop)),
        order_no: text(&d.no),
        sub_order_no: None,
        sku: label(sku),
        quantity: qty,
        shipped_at: c.at(at),
        carrier: Some(label(carrier)),
        waybill: Some(text(&waybill)),
        kind,
        refund_no: refund_no.map(text),
        source: here(),
    };
    c.out.push(FileSlot::ErpShipments, at, Record::Shipment(s));
}

/// The normal shipment of every line, when the order was shipped.
pub fn shipments(c: &mut Ctx<'_>, d: &Deal) {
    if let Some(at) = d.shipped {
        for l in &d.lines {
            shipment(c, d, l.product.sku, l.qty, at, ShipmentKind::Normal, None);
        }
    }
}

/// The after-sale record: Taobao's 退款报表 for Tmall refunds, the ERP for everything else.
pub fn after_sale(c: &mut Ctx<'_>, d: &Deal, a: &After) {
    let sku = d.lines[a.line].product.sku;
    let refunded = if a.status == AfterSaleStatus::Completed {
        a.refund
    } else {
        Fen::ZERO
    };
    let taobao = d.shop == Shop::Tmall
        && matches!(
            a.kind,
            AfterSaleKind::RefundOnly | AfterSaleKind::ReturnAndRefund
        );
    let record = if taobao {
        let status_text = match a.status {
            AfterSaleStatus::Completed => "退款成功",
            AfterSaleStatus::Closed => "退款关闭",
            AfterSaleStatus::PendingReview => "买家已经申请退款，等待卖家同意",
            AfterSaleStatus::WaitingReturn => "卖家已经同意退款，等待买家退货",
            _ => "买家已经退货，等待卖家确认收货",
        };
        let status = match a.status {
            AfterSaleStatus::Approved => AfterSaleStatus::WaitingReceive,
            s => s,
        };
        AfterSale {
            platform: Platform::Taobao,
            shop: None,
            order_no: text(&d.no),
            refund_no: text(&a.no),
            kind: a.kind,
            phase: Some(if a.on_sale {
                AfterSalePhase::OnSale
            } else {
                AfterSalePhase::AfterSale
            }),
            status,
            status_text: label(status_text),
            paid: Some(if a.on_sale {
                d.paid
            } else {
                d.lines[a.line].paid
            }),
            requested: Some(a.refund),
            refunded,
            applied_at: Some(c.at(a.applied)),
            completed_at: (status == AfterSaleStatus::Completed)
                .then(|| a.done.map(|t| c.at(t)))
                .flatten(),
            reason: Some(label(a.reason)),
            payment_no: Some(text(&d.pay_no)),
            lines: vec![AfterSaleLine {
                sub_order_no: None,
                sku: Some(label(sku)),
                quantity: None,
                refund: None,
                source: here(),
            }],
            source: here(),
        }
    } else {
        // In the ERP an after-sale whose goods are back waits for its refund (待退款).
        let status = match a.status {
            AfterSaleStatus::WaitingReceive if a.received.is_some() => AfterSaleStatus::Approved,
            s => s,
        };
        AfterSale {
            platform: platform(d.shop),
            shop: Some(label(erp_shop(d.shop))),
            order_no: text(&d.no),
            refund_no: text(&a.no),
            kind: a.kind,
            phase: None,
            status,
            status_text: label(status.zh()),
            paid: None,
            requested: Some(a.refund),
            refunded,
            applied_at: Some(c.at(a.applied)),
            completed_at: a.done.map(|t| c.at(t)),
            reason: Some(label(a.reason)),
            payment_no: None,
            lines: vec![AfterSaleLine {
                sub_order_no: None,
                sku: Some(label(sku)),
                quantity: Some(a.qty),
                // The generic ERP format states amounts per row.
                refund: Some(refunded),
                source: here(),
            }],
            source: here(),
        }
    };
    let slot = if taobao {
        FileSlot::TaobaoRefunds
    } else {
        FileSlot::ErpAfterSales
    };
    c.out.push(slot, a.applied, Record::AfterSale(record));
}

pub fn receipt(c: &mut Ctx<'_>, d: &Deal, a: &After, sku: &'static str, qty: i64, at: Secs) {
    let quality = if c.rng.chance(15) {
        QualityResult::Defective
    } else {
        QualityResult::Good
    };
    let r = ReturnReceipt {
        shop: label(erp_shop(d.shop)),
        order_no: text(&d.no),
        refund_no: text(&a.no),
        sku: label(sku),
        quantity: qty,
        received_at: c.at(at),
        quality: Some(quality),
        source: here(),
    };
    c.out
        .push(FileSlot::ErpReceipts, at, Record::ReturnReceipt(r));
}

pub fn complaint(c: &mut Ctx<'_>, d: &Deal, at: Secs) {
    let (kind, reason) = *c.rng.pick(&[
        (ComplaintKind::Complaint, "物流太慢"),
        (ComplaintKind::Complaint, "客服回复不及时"),
        (ComplaintKind::Inquiry, "询问发货时间"),
        (ComplaintKind::Inquiry, "咨询尺寸"),
        (ComplaintKind::Other, "修改收货地址"),
    ]);
    let ticket = c.nums.ticket(c.clock, at);
    let r = Complaint {
        shop: label(erp_shop(d.shop)),
        order_no: Some(text(&d.no)),
        ticket_no: text(&ticket),
        kind,
        created_at: c.at(at),
        reason: Some(label(reason)),
        source: here(),
    };
    c.out
        .push(FileSlot::ErpComplaints, at, Record::Complaint(r));
}

// ---------------------------------------------------------------------------------------------
// Money

/// An Alipay 账务明细 row; returns its 账务流水号.
#[allow(clippy::too_many_arguments)]
pub fn alipay_row(
    c: &mut Ctx<'_>,
    shop: Shop,
    at: Secs,
    biz: &str,
    order: Option<&str>,
    kind: FlowKind,
    kind_text: &'static str,
    amount: Fen,
    counterparty: &str,
    memo: Option<String>,
) -> String {
    let txn = c.nums.alipay_txn(c.clock, at);
    let (account, slot) = alipay_account(shop);
    let row = FundFlowRow {
        provider: FundProvider::Alipay,
        account: Some(label(account)),
        txn_no: text(&txn),
        business_no: Some(text(biz)),
        order_no: order.map(text),
        merchant_ref: order.map(|o| Text::from(format!("T200P{o}"))),
        refund_no: None,
        kind,
        kind_text: label(kind_text),
        amount,
        balance: None,
        occurred_at: c.at(at),
        counterparty: Some(text(counterparty)),
        memo: memo.map(Text::from),
        refund_total: None,
        source: here(),
    };
    c.out.push(slot, at, Record::FundFlow(row));
    txn
}

/// The Alipay account a Taobao-family shop's money moves through, and its 账务明细 file.
fn alipay_account(shop: Shop) -> (&'static str, FileSlot) {
    match shop {
        Shop::Taobao => (TAOBAO_ALIPAY, FileSlot::TaobaoAlipayFunds),
        _ => (ALIPAY_ACCOUNT, FileSlot::AlipayFunds),
    }
}

/// A buyer's masked Alipay name, as 对方账号 shows it.
fn buyer(rng: &mut Rng) -> String {
    let name = *rng.pick(&["明", "华", "芳", "伟", "静", "磊", "婷", "强"]);
    format!(
        "*{name}(1{:02}****{:04})",
        rng.range(30, 99),
        rng.range(0, 9999)
    )
}

/// The rows of a Taobao-family order at its release: 交易付款, 交易分账 (Tmall's commission;
/// a Taobao C店 pays none) and, for 花呗 / credit-card payments, 收费 at `credit_fee`.
/// Returns the income row's 账务流水号.
pub fn alipay_release(
    c: &mut Ctx<'_>,
    d: &Deal,
    at: Secs,
    income: Fen,
    commission: Option<RatePpm>,
    credit_fee: RatePpm,
) -> String {
    let biz = c.nums.alipay_biz(c.clock, at);
    let who = buyer(c.rng);
    let txn = alipay_row(
        c,
        d.shop,
        at,
        &biz,
        Some(&d.no),
        FlowKind::Income,
        "交易付款",
        income,
        &who,
        None,
    );
    if let Some(rate) = commission {
        alipay_row(
            c,
            d.shop,
            at + 1,
            &biz,
            Some(&d.no),
            FlowKind::Commission,
            "交易分账",
            -rate.apply(income),
            "天猫技术有限公司",
            Some(format!("天猫佣金（类目：家居日用）{{{}}}扣款", d.no)),
        );
    }
    if d.credit_fee {
        alipay_row(
            c,
            d.shop,
            at + 2,
            &biz,
            Some(&d.no),
            FlowKind::Fee,
            "收费",
            -credit_fee.apply(income),
            "支付宝（中国）网络技术有限公司",
            Some(format!("花呗支付服务费[{}]", d.no)),
        );
    }
    txn
}

/// A Taobao-family refund paid out of the shop's Alipay balance (after the release).
/// Returns its 账务流水号.
pub fn alipay_refund(c: &mut Ctx<'_>, d: &Deal, at: Secs, amount: Fen) -> String {
    let biz = c.nums.alipay_biz(c.clock, at);
    let who = buyer(c.rng);
    alipay_row(
        c,
        d.shop,
        at,
        &biz,
        Some(&d.no),
        FlowKind::Refund,
        "交易退款",
        -amount,
        &who,
        Some(format!("售后退款-{}", d.no)),
    )
}

/// A withdrawal from the shop's Alipay account to the bank; the amount is set from the
/// balance when the file is sorted.
pub fn alipay_withdrawal(c: &mut Ctx<'_>, shop: Shop, at: Secs, biz: &str) -> String {
    alipay_row(
        c,
        shop,
        at,
        biz,
        None,
        FlowKind::Withdrawal,
        "提现",
        Fen::ZERO,
        "招商银行(尾号6688)",
        Some("余额提现".to_string()),
    )
}

/// A Pinduoduo 货款明细 row; its id is built the way the importer builds it.
#[allow(clippy::too_many_arguments)]
pub fn pdd_row(
    c: &mut Ctx<'_>,
    at: Secs,
    order: &str,
    kind: FlowKind,
    kind_text: &'static str,
    code: &str,
    remark: Option<&str>,
    desc: &str,
    amount: Fen,
) -> String {
    let stamp: String = c
        .at(at)
        .to_string()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let desc = format!("{code}|{desc}");
    let memo = match remark {
        Some(r) => format!("{r}；{desc}"),
        None => desc,
    };
    let txn = format!("{order}#{code}#{stamp}#1");
    let row = FundFlowRow {
        provider: FundProvider::Pdd,
        account: None,
        txn_no: text(&txn),
        business_no: None,
        order_no: Some(text(order)),
        merchant_ref: Some(text(order)),
        refund_no: None,
        kind,
        kind_text: label(kind_text),
        amount,
        balance: None,
        occurred_at: c.at(at),
        counterparty: None,
        memo: Some(Text::from(memo)),
        refund_total: None,
        source: here(),
    };
    c.out.push(FileSlot::PddFunds, at, Record::FundFlow(row));
    txn
}

pub fn pdd_income(
    c: &mut Ctx<'_>,
    order: &str,
    at: Secs,
    income: Fen,
    fee_rate: RatePpm,
) -> String {
    let txn = pdd_row(
        c,
        at,
        order,
        FlowKind::Income,
        "交易收入",
        "0010002",
        None,
        "交易收入-订单收入",
        income,
    );
    let fee = fee_rate.apply(income);
    pdd_row(
        c,
        at,
        order,
        FlowKind::Fee,
        "技术服务费",
        "0030002",
        Some("基础技术服务费"),
        "技术服务费-基础技术服务费",
        -fee,
    );
    txn
}

pub fn pdd_refund(c: &mut Ctx<'_>, order: &str, at: Secs, amount: Fen) -> String {
    pdd_row(
        c,
        at,
        order,
        FlowKind::Refund,
        "交易退款",
        "0020002",
        None,
        "交易退款-订单退款",
        -amount,
    )
}

/// The WeChat Pay rows of a payment: the 交易账单 SUCCESS row and the 资金账单 交易 and
/// 扣除交易手续费 rows.
pub fn wechat_payment(c: &mut Ctx<'_>, d: &Deal, at: Secs, fee: Fen) {
    let pay = PaymentRow {
        provider: FundProvider::Wechat,
        account: Some(label(WECHAT_MCH)),
        kind: PaymentKind::Payment,
        txn_no: text(&d.pay_no),
        out_trade_no: Some(text(&d.no)),
        refund_id: None,
        out_refund_no: None,
        order_amount: Some(d.paid),
        settled: d.paid,
        refund: Fen::ZERO,
        fee,
        rate: Some(WECHAT_FEE),
        status_text: label("SUCCESS"),
        occurred_at: c.at(at),
        refund_succeeded_at: None,
        title: Some(label(d.lines[0].product.title)),
        source: here(),
    };
    c.out.push(FileSlot::WechatTrade, at, Record::Payment(pay));
    wechat_flow(
        c,
        at + 1,
        &d.pay_no,
        Some(&d.no),
        None,
        FlowKind::Income,
        "交易",
        d.paid,
        None,
        None,
    );
    wechat_flow(
        c,
        at + 1,
        &d.pay_no,
        Some(&d.no),
        None,
        FlowKind::Fee,
        "扣除交易手续费",
        -fee,
        None,
        None,
    );
}

/// A refund through WeChat Pay: the 交易账单 REFUND row (fee returned, negative) and the
/// 资金账单 退款 row. Whether that row's 收支金额 is the refund or the refund net of the
/// returned fee is UNCONFIRMED (formats.md §2.3); the demo writes the refund and names the
/// fee in the memo (`退款总金额…元;含手续费…元`).
pub fn wechat_refund(c: &mut Ctx<'_>, d: &Deal, a: &After, at: Secs, amount: Fen) {
    let refund_id = c.nums.wx_refund(c.clock, at);
    let fee = WECHAT_FEE.apply(amount);
    let row = PaymentRow {
        provider: FundProvider::Wechat,
        account: Some(label(WECHAT_MCH)),
        kind: PaymentKind::Refund,
        txn_no: text(&d.pay_no),
        out_trade_no: Some(text(&d.no)),
        refund_id: Some(text(&refund_id)),
        out_refund_no: Some(text(&a.no)),
        order_amount: Some(Fen::ZERO),
        settled: Fen::ZERO,
        refund: amount,
        fee: -fee,
        rate: Some(WECHAT_FEE),
        // 交易状态 / 退款状态, as the importer keeps them.
        status_text: label("REFUND/SUCCESS"),
        occurred_at: c.at(at),
        refund_succeeded_at: None,
        title: Some(label(d.lines[0].product.title)),
        source: here(),
    };
    c.out.push(FileSlot::WechatTrade, at, Record::Payment(row));
    let memo = format!("退款总金额{amount}元;含手续费{fee}元");
    // What the importer reads from the 备注: the refund, here the whole outflow.
    wechat_flow(
        c,
        at + 1,
        &refund_id,
        None,
        Some(&a.no),
        FlowKind::Refund,
        "退款",
        -amount,
        Some(memo),
        Some(amount),
    );
}

/// A 资金账单 row of the demo's merchant, numbered in turn; `refund_total` is the refund a
/// refund row's 备注 states.
#[allow(clippy::too_many_arguments)]
pub fn wechat_flow(
    c: &mut Ctx<'_>,
    at: Secs,
    biz: &str,
    order: Option<&str>,
    refund: Option<&str>,
    kind: FlowKind,
    kind_text: &'static str,
    amount: Fen,
    memo: Option<String>,
    refund_total: Option<Fen>,
) {
    let txn = c.nums.wx_flow(c.clock, at, WECHAT_MCH);
    let row = FundFlowRow {
        provider: FundProvider::Wechat,
        account: None,
        txn_no: text(&txn),
        business_no: Some(text(biz)),
        order_no: order.map(text),
        merchant_ref: order.or(refund).map(text),
        refund_no: refund.map(text),
        kind,
        kind_text: label(kind_text),
        amount,
        balance: None,
        occurred_at: c.at(at),
        counterparty: None,
        memo: memo.map(Text::from),
        refund_total,
        source: here(),
    };
    c.out.push(FileSlot::WechatFunds, at, Record::FundFlow(row));
}

/// Money, goods and paperwork of a deal as its shop's files record them. Planted deals pass
/// through [`super::plant::emit`] instead, which calls the same pieces.
pub fn clean(c: &mut Ctx<'_>, d: &Deal) {
    platform_order(c, d);
    erp_order(c, d, None);
    shipments(c, d);
    money(c, d, d.income(), None, d.after.as_ref());
    if let Some(a) = &d.after {
        after_sale(c, d, a);
        goods_of_after_sale(c, d, a);
        refund_money(c, d, a, a.refund);
    }
    if let Some(at) = d.complaint {
        complaint(c, d, at);
    }
}

/// Release or payment rows of the order; `fee_rate` overrides the shop's rate; `after` is the
/// order's after-sale (JD settles net of refunds made before the settlement).
pub fn money(
    c: &mut Ctx<'_>,
    d: &Deal,
    income: Fen,
    fee_rate: Option<RatePpm>,
    after: Option<&After>,
) {
    match d.shop {
        Shop::Tmall => {
            if let Some(at) = d.release {
                let commission = fee_rate.unwrap_or(TMALL_COMMISSION);
                alipay_release(c, d, at, income, Some(commission), TMALL_CREDIT_FEE);
            }
        }
        // A C店 pays no commission: a planted fee rate is the 花呗 charge's.
        Shop::Taobao => {
            if let Some(at) = d.release {
                let credit_fee = fee_rate.unwrap_or(TMALL_CREDIT_FEE);
                alipay_release(c, d, at, income, None, credit_fee);
            }
        }
        Shop::Pdd => {
            if let Some(at) = d.release {
                pdd_income(c, &d.no, at, income, fee_rate.unwrap_or(PDD_SERVICE_FEE));
            }
        }
        Shop::Wechat => {
            let at = d.paid_at + 3 + c.rng.range(0, 20);
            let fee = fee_rate.unwrap_or(WECHAT_FEE).apply(d.paid);
            wechat_payment(c, d, at, fee);
        }
        Shop::Douyin => {
            if let Some(at) = d.release {
                douyin_settlement(c, d, at, income, income, income);
            }
        }
        Shop::Jd => {
            if let Some(at) = d.release {
                // JD settles the goods net of what was refunded before the order completed.
                let refunded = after
                    .filter(|a| a.status == AfterSaleStatus::Completed)
                    .filter(|a| a.done.is_some_and(|t| t < at))
                    .map_or(Fen::ZERO, |a| a.refund);
                let goods = income - refunded;
                if goods.get() > 0 {
                    jd_settlement(c, d, at, goods, Fen::ZERO);
                }
            }
        }
    }
}

/// A JD order's settlement: the 结算单 rows (货款, 佣金) under a new 商户订单号 and the 资金表
/// row of their net arriving in the wallet, `short` less than stated.
pub fn jd_settlement(c: &mut Ctx<'_>, d: &Deal, at: Secs, goods: Fen, short: Fen) {
    let commission = JD_COMMISSION.apply(goods);
    let reference = jd_statement(
        c,
        d,
        at,
        [
            ("货款", FlowKind::Income, goods),
            ("佣金", FlowKind::Commission, -commission),
        ],
    );
    let arrived = at + c.rng.range(1, 30);
    jd_funds(
        c,
        arrived,
        &reference,
        FlowKind::Income,
        goods - commission - short,
        "货款结算",
    );
}

/// A JD refund after the settlement, clawed back from the wallet: the 结算单's 货款 支出
/// (negative) and the commission on it given back, under a new 商户订单号, and the 资金表 row
/// of their net leaving the wallet under that number.
pub fn jd_clawback(c: &mut Ctx<'_>, d: &Deal, at: Secs, refund: Fen) {
    let commission = JD_COMMISSION.apply(refund);
    let reference = jd_statement(
        c,
        d,
        at,
        [
            ("货款", FlowKind::Refund, -refund),
            ("佣金", FlowKind::Commission, commission),
        ],
    );
    let left = at + c.rng.range(1, 30);
    jd_funds(
        c,
        left,
        &reference,
        FlowKind::Refund,
        commission - refund,
        "售后退款",
    );
}

/// 结算单 rows of the order under a new 商户订单号, which it returns.
fn jd_statement<const N: usize>(
    c: &mut Ctx<'_>,
    d: &Deal,
    at: Secs,
    rows: [(&'static str, FlowKind, Fen); N],
) -> String {
    let reference = c.nums.jd_wallet(c.clock, at);
    for (item, kind, amount) in rows {
        let row = SettlementRow {
            platform: Platform::Jd,
            order_no: text(&d.no),
            sub_order_no: None,
            item: label(item),
            kind,
            amount,
            settled_at: Some(c.at(at)),
            account: None,
            refund_no: None,
            payment_ref: Some(text(&reference)),
            rate: None,
            goods: None,
            source: here(),
        };
        c.out
            .push(FileSlot::JdWalletBill, at, Record::Settlement(row));
    }
    reference
}

/// A 京东钱包 资金表 row. Its row id is made of 商户订单号 and the line (see `finish`).
fn jd_funds(
    c: &mut Ctx<'_>,
    at: Secs,
    reference: &str,
    kind: FlowKind,
    amount: Fen,
    memo: &'static str,
) {
    let row = FundFlowRow {
        provider: FundProvider::Jd,
        account: Some(label(JD_MERCHANT)),
        txn_no: text(reference),
        business_no: None,
        order_no: None,
        merchant_ref: Some(text(reference)),
        refund_no: None,
        kind,
        kind_text: label(memo),
        amount,
        balance: None,
        occurred_at: c.at(at),
        counterparty: None,
        memo: Some(fixed(memo)),
        refund_total: None,
        source: here(),
    };
    c.out
        .push(FileSlot::JdWalletFunds, at, Record::FundFlow(row));
}

/// A withdrawal from the 京东钱包 to the bank; the amount is set from the balance.
pub fn jd_withdrawal(c: &mut Ctx<'_>, at: Secs) {
    let reference = c.nums.jd_wallet(c.clock, at);
    jd_funds(
        c,
        at,
        &reference,
        FlowKind::Withdrawal,
        Fen::ZERO,
        "提现到银行卡",
    );
}

/// A Douyin order's settlement: the 结算账单 row (its 收入合计 `goods` and net `statement`)
/// and the 资金流水 row of the money that arrived (`arrived`). The shop is exempt from
/// commission (免佣), so all three are the released amount when nothing is wrong.
pub fn douyin_settlement(
    c: &mut Ctx<'_>,
    d: &Deal,
    at: Secs,
    goods: Fen,
    statement: Fen,
    arrived: Fen,
) {
    let settlement = SettlementRow {
        platform: Platform::Douyin,
        order_no: text(&d.no),
        sub_order_no: Some(text(&d.no)),
        item: label("已结算"),
        kind: FlowKind::Income,
        amount: statement,
        settled_at: Some(c.at(at)),
        account: Some(label(DOUYIN_ACCOUNT)),
        refund_no: None,
        payment_ref: None,
        rate: None,
        goods: Some(goods),
        source: here(),
    };
    c.out.push(
        FileSlot::DouyinSettlements,
        at,
        Record::Settlement(settlement),
    );
    let txn = c.nums.douyin_txn(c.clock, at);
    let row = FundFlowRow {
        provider: FundProvider::Douyin,
        account: Some(label(DOUYIN_ACCOUNT)),
        txn_no: text(&txn),
        // The importer ties a sub-order's rows by its 子订单号.
        business_no: Some(text(&d.no)),
        order_no: Some(text(&d.no)),
        merchant_ref: Some(text(&d.no)),
        refund_no: None,
        kind: FlowKind::Income,
        kind_text: label("货款结算入账"),
        amount: arrived,
        balance: None,
        occurred_at: c.at(at),
        counterparty: None,
        memo: None,
        refund_total: None,
        source: here(),
    };
    c.out.push(FileSlot::DouyinFunds, at, Record::FundFlow(row));
}

/// Return receipts and replacement shipments of an after-sale.
pub fn goods_of_after_sale(c: &mut Ctx<'_>, d: &Deal, a: &After) {
    let sku = d.lines[a.line].product.sku;
    if let Some(at) = a.received {
        receipt(c, d, a, sku, a.received_qty, at);
    }
    if let Some(at) = a.ship {
        let kind = if a.kind == AfterSaleKind::Exchange {
            ShipmentKind::Exchange
        } else {
            ShipmentKind::Reship
        };
        shipment(c, d, sku, a.qty, at, kind, Some(&a.no));
    }
}

/// The refund outflow of a completed refund: from the platform account after the release,
/// through WeChat Pay for the mini-program; nothing for a refund before the release (the
/// platform never released that money).
pub fn refund_money(c: &mut Ctx<'_>, d: &Deal, a: &After, amount: Fen) {
    let Some(done) = a.done else {
        return;
    };
    if a.status != AfterSaleStatus::Completed || a.refund.is_zero() {
        return;
    }
    // Paid out within the minute; on the last evening some wait for the next day's batch
    // (pending: REFUND_UNPAID allows 3 days).
    let late = done >= c.clock.cut_off - 6 * HOUR && c.rng.chance(50);
    let at = if late {
        done + c.rng.range(6 * HOUR, 30 * HOUR)
    } else {
        done + c.rng.range(5, MINUTE)
    };
    if at >= c.clock.cut_off {
        return;
    }
    match d.shop {
        Shop::Tmall | Shop::Taobao => {
            if d.release.is_some_and(|r| r <= done) {
                alipay_refund(c, d, at, amount);
            }
        }
        Shop::Pdd => {
            if d.release.is_some_and(|r| r <= done) {
                pdd_refund(c, &d.no, at, amount);
            }
        }
        Shop::Wechat => {
            let requested = done - c.rng.range(MINUTE, 5 * MINUTE);
            wechat_refund(c, d, a, requested, amount);
        }
        // JD's refunds before the settlement come out of the money JD still holds (see
        // `deal::complete_after_return`); those after it are clawed back from the wallet.
        Shop::Jd => {
            if d.release.is_some_and(|r| r <= done) {
                jd_clawback(c, d, at, amount);
            }
        }
        // The demo's Douyin shop has no after-sales.
        Shop::Douyin => {}
    }
}
