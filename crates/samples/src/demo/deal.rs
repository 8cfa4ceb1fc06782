//! One order's life in the period: amounts, times, its after-sale (if any) and the problem
//! planted in it (if any). Clean deals are drawn at random within rules that keep every
//! check quiet; planted deals are shaped by [`super::plant`].

use duizhang_core::{AfterSaleKind, AfterSaleStatus, Fen, OrderStatus};

use super::Shop;
use super::ids::{Clock, DAY, HOUR, MINUTE, Numbers, PRODUCTS, Product, Secs};
use super::rng::Rng;

/// Discounts never exceed this share of the goods in clean data (DISCOUNT_EXCESSIVE: 50 %).
const CLEAN_DISCOUNT_CAP_PERCENT: i64 = 35;

/// After-sales not finished at the cut-off are applied for no earlier than this before it,
/// so that none is overdue (AFTERSALE_OVERDUE: 3 days) or received and left unrefunded
/// (RECEIVED_NOT_REFUNDED: 2 days after receipt).
pub const IN_FLIGHT_SINCE: Secs = 3 * DAY - HOUR;

pub struct Line {
    pub product: &'static Product,
    pub qty: i64,
    pub goods: Fen,
    pub discount: Fen,
    pub paid: Fen,
}

pub struct After {
    pub no: String,
    pub kind: AfterSaleKind,
    /// 售中: refunded before anything was shipped.
    pub on_sale: bool,
    pub line: usize,
    pub qty: i64,
    /// Amount asked for; paid out when `status` is Completed (0 for exchanges and reships).
    pub refund: Fen,
    pub applied: Secs,
    /// Return receipt, when the goods came back before the cut-off.
    pub received: Option<Secs>,
    pub received_qty: i64,
    /// Completion (refund paid, replacement shipped) before the cut-off.
    pub done: Option<Secs>,
    pub status: AfterSaleStatus,
    /// Replacement / reship shipment time.
    pub ship: Option<Secs>,
    pub reason: &'static str,
    /// JD: applied for after JD settled the order, so its refund is clawed back from the
    /// wallet (`emit::jd_clawback`) instead of holding the order's completion.
    pub after_settlement: bool,
}

pub struct Deal {
    pub shop: Shop,
    pub no: String,
    pub erp_no: String,
    /// Alipay 交易号 (Tmall, Taobao) or 微信订单号 (mini-program); empty for the others.
    pub pay_no: String,
    pub lines: Vec<Line>,
    pub goods: Fen,
    pub postage: Fen,
    pub seller_discount: Fen,
    pub platform_discount: Fen,
    pub paid: Fen,
    pub paid_at: Secs,
    pub shipped: Option<Secs>,
    pub finished: Option<Secs>,
    pub status: OrderStatus,
    /// When the platform releases the order's money to the seller's account (Tmall, PDD);
    /// `None` when that is after the cut-off (pending) or never.
    pub release: Option<Secs>,
    /// The buyer paid with 花呗 / credit card: the 1 % 收费 applies (Tmall, Taobao).
    pub credit_fee: bool,
    pub after: Option<After>,
    pub complaint: Option<Secs>,
}

impl Deal {
    /// What the platform releases: 实付 + platform-funded discount (no pre-release refund
    /// ever leaves a deal finished).
    pub fn income(&self) -> Fen {
        self.paid + self.platform_discount
    }
}

/// Draws the amounts of an order with `lines` goods lines.
pub fn amounts(rng: &mut Rng, shop: Shop, lines: usize, qty: Option<i64>) -> Deal {
    let mut picked: Vec<Line> = Vec::with_capacity(lines);
    while picked.len() < lines {
        let product = rng.pick(PRODUCTS);
        if picked.iter().any(|l| l.product.sku == product.sku) {
            continue;
        }
        let q = qty.unwrap_or_else(|| match rng.below(20) {
            0 => 3,
            1..=4 => 2,
            _ => 1,
        });
        picked.push(Line {
            product,
            qty: q,
            goods: Fen::new(product.price.get() * q),
            discount: Fen::ZERO,
            paid: Fen::ZERO,
        });
    }
    let goods: Fen = picked.iter().map(|l| l.goods).sum();
    let roll = rng.below(100);
    let mut seller = match roll {
        0..=39 => Fen::ZERO,
        // 满减 where the goods reach the threshold, else a 5 元 shop coupon.
        40..=69 if goods.get() >= 19_900 => Fen::new(2000),
        40..=69 if goods.get() >= 9_900 => Fen::new(1000),
        40..=84 => Fen::new(500),
        // 9折
        _ => Fen::new((goods.get() + 5) / 10),
    };
    let cap = Fen::new(goods.get() * CLEAN_DISCOUNT_CAP_PERCENT / 100);
    seller = seller.min(cap);
    let subsidised = matches!(shop, Shop::Pdd | Shop::Douyin);
    let platform = if subsidised && rng.chance(30) {
        Fen::new(rng.range(2, 10) * 100).min(Fen::new(goods.get() * 15 / 100))
    } else {
        Fen::ZERO
    };
    let seller = seller.min(cap - platform);
    let postage = if shop == Shop::Wechat && (goods - seller).get() < 9_900 {
        Fen::new(800)
    } else {
        Fen::ZERO
    };
    let mut deal = Deal {
        shop,
        no: String::new(),
        erp_no: String::new(),
        pay_no: String::new(),
        lines: picked,
        goods,
        postage,
        seller_discount: seller,
        platform_discount: platform,
        paid: Fen::ZERO,
        paid_at: 0,
        shipped: None,
        finished: None,
        status: OrderStatus::Paid,
        release: None,
        credit_fee: false,
        after: None,
        complaint: None,
    };
    deal.allocate();
    deal
}

impl Deal {
    /// Spreads the order's discount over its lines by goods amount (the remainder on the
    /// last line) and sets 实付.
    pub fn allocate(&mut self) {
        let discount = self.seller_discount + self.platform_discount;
        let mut left = discount;
        let n = self.lines.len();
        for (i, line) in self.lines.iter_mut().enumerate() {
            line.discount = if i + 1 == n {
                left
            } else {
                Fen::new(discount.get() * line.goods.get() / self.goods.get().max(1))
            };
            left -= line.discount;
            line.paid = line.goods - line.discount;
        }
        self.paid = self.goods + self.postage - discount;
    }

    /// Refund of `qty` of line `line`: its allocated 实付, pro rata.
    pub fn line_refund(&self, line: usize, qty: i64) -> Fen {
        let l = &self.lines[line];
        Fen::new(l.paid.get() * qty / l.qty.max(1))
    }
}

/// A time of day weighted like a shop's traffic (busy evenings, quiet nights).
fn time_of_day(rng: &mut Rng) -> Secs {
    const HOURS: [i64; 24] = [
        3, 2, 1, 1, 1, 1, 2, 4, 6, 8, 9, 9, 10, 9, 8, 8, 8, 9, 10, 12, 14, 14, 11, 6,
    ];
    let total: i64 = HOURS.iter().sum();
    let mut r = rng.range(0, total - 1);
    let mut hour = 0;
    for (h, w) in HOURS.iter().enumerate() {
        if r < *w {
            hour = i64::try_from(h).unwrap_or(0);
            break;
        }
        r -= w;
    }
    hour * HOUR + rng.range(0, HOUR - 1)
}

/// Numbers and timeline of an order paid at `paid_at`; sets status, shipping, finishing
/// and money release as of the cut-off.
pub fn timeline(deal: &mut Deal, rng: &mut Rng, nums: &mut Numbers, clock: &Clock, paid_at: Secs) {
    deal.paid_at = paid_at;
    deal.no = match deal.shop {
        Shop::Tmall | Shop::Taobao => nums.tid(),
        Shop::Pdd => nums.pdd(clock, paid_at),
        Shop::Wechat => nums.wechat(clock, paid_at),
        Shop::Douyin => nums.douyin(),
        Shop::Jd => nums.jd(),
    };
    deal.erp_no = nums.erp(clock, paid_at);
    deal.pay_no = match deal.shop {
        Shop::Tmall | Shop::Taobao => nums.alipay_trade(clock, paid_at),
        Shop::Pdd | Shop::Douyin | Shop::Jd => String::new(),
        Shop::Wechat => nums.wx_txn(clock, paid_at),
    };
    let shipped = paid_at + rng.range(4 * HOUR, 40 * HOUR);
    let finished = shipped + rng.range(3 * DAY, 9 * DAY);
    deal.shipped = (shipped < clock.cut_off).then_some(shipped);
    deal.finished = (finished < clock.cut_off).then_some(finished);
    deal.status = match (deal.shipped, deal.finished) {
        (_, Some(_)) => OrderStatus::Finished,
        (Some(_), None) => OrderStatus::Shipped,
        _ => OrderStatus::Paid,
    };
    deal.release = deal
        .finished
        .map(|f| release_time(deal.shop, f, rng, clock))
        .filter(|at| *at < clock.cut_off);
    deal.credit_fee = matches!(deal.shop, Shop::Tmall | Shop::Taobao) && rng.chance(30);
}

/// When the platform releases the money of an order finished at `finished`: Tmall,
/// Pinduoduo and Douyin within minutes of 确认收货 (in the month's last two days some a day
/// or two later); JD in its settlement run early the next morning.
pub fn release_time(shop: Shop, finished: Secs, rng: &mut Rng, clock: &Clock) -> Secs {
    if shop == Shop::Jd {
        return (finished.div_euclid(DAY) + 1) * DAY + rng.range(HOUR, 5 * HOUR);
    }
    if finished >= clock.cut_off - 2 * DAY && rng.chance(40) {
        finished + rng.range(DAY, 2 * DAY)
    } else {
        finished + rng.range(5, 5 * MINUTE)
    }
}

/// A clean order: random amounts, time and after-sale, nothing any check should report.
pub fn clean(rng: &mut Rng, nums: &mut Numbers, clock: &Clock, shop: Shop) -> Deal {
    let lines = if matches!(shop, Shop::Pdd | Shop::Douyin) {
        1
    } else {
        match rng.below(20) {
            0..=1 => 3,
            2..=6 => 2,
            _ => 1,
        }
    };
    let mut deal = amounts(rng, shop, lines, None);
    let day = rng.range(0, clock.cut_off / DAY - 1);
    let paid_at = (day * DAY + time_of_day(rng)).min(clock.cut_off - 2 * HOUR);
    timeline(&mut deal, rng, nums, clock, paid_at);
    // The Douyin shop is new: no after-sales yet.
    if shop != Shop::Douyin {
        deal.after = after_sale(&deal, rng, nums, clock);
    }
    let jd_return = deal
        .after
        .as_ref()
        .filter(|a| shop == Shop::Jd && a.kind == AfterSaleKind::ReturnAndRefund)
        .filter(|a| !a.after_settlement)
        .map(|a| a.done.filter(|_| a.status == AfterSaleStatus::Completed));
    if let Some(closed) = jd_return {
        complete_after_return(&mut deal, closed, rng, clock);
    }
    if let Some(a) = &deal.after {
        if a.on_sale && a.status == AfterSaleStatus::Completed {
            deal.status = OrderStatus::Refunded;
            deal.shipped = None;
            deal.finished = None;
            deal.release = None;
        } else if a.on_sale {
            // Held while the buyer's request is open.
            deal.status = OrderStatus::Paid;
            deal.shipped = None;
            deal.finished = None;
            deal.release = None;
        }
    }
    if rng.chance(2) {
        let at = paid_at + rng.range(HOUR, 4 * DAY);
        deal.complaint = (at < clock.cut_off).then_some(at);
    }
    deal
}

/// A JD order with a refund after delivery completes only once the refund is `closed`, and
/// JD settles it net of the refund (returns applied for soon after delivery, before 确认收货,
/// see `after_sale`); an open one (`None`) holds the order at 等待确认收货. Returns applied for
/// after the settlement leave the order as it was (`After::after_settlement`).
pub fn complete_after_return(deal: &mut Deal, closed: Option<Secs>, rng: &mut Rng, clock: &Clock) {
    deal.finished = closed
        .map(|t| t + rng.range(2 * HOUR, 2 * DAY))
        .filter(|f| *f < clock.cut_off);
    deal.status = if deal.finished.is_some() {
        OrderStatus::Finished
    } else {
        OrderStatus::Shipped
    };
    deal.release = deal
        .finished
        .map(|f| release_time(deal.shop, f, rng, clock))
        .filter(|at| *at < clock.cut_off);
}

/// The number an after-sale of `kind` gets in `shop`: Taobao 退款编号 for Taobao-family refunds,
/// JD's 服务单号, the ERP's own number for the rest.
pub fn after_number(
    shop: Shop,
    nums: &mut Numbers,
    clock: &Clock,
    at: Secs,
    kind: AfterSaleKind,
) -> String {
    match (shop, kind) {
        (
            Shop::Tmall | Shop::Taobao,
            AfterSaleKind::RefundOnly | AfterSaleKind::ReturnAndRefund,
        ) => nums.taobao_refund(),
        (Shop::Tmall | Shop::Taobao, _) => nums.service(clock, at, "SH"),
        (Shop::Pdd, _) => nums.pdd_refund(),
        (Shop::Jd, _) => nums.jd_service(),
        (Shop::Wechat | Shop::Douyin, _) => nums.service(clock, at, "RF"),
    }
}

/// Draws the after-sale of a clean deal (about one order in five has one), keeping only
/// those whose state at the cut-off no check should report.
fn after_sale(deal: &Deal, rng: &mut Rng, nums: &mut Numbers, clock: &Clock) -> Option<After> {
    let cut = clock.cut_off;
    let roll = rng.below(100);
    let kind = match roll {
        0..=6 => AfterSaleKind::RefundOnly,
        7..=15 => AfterSaleKind::ReturnAndRefund,
        16..=17 => AfterSaleKind::Exchange,
        18..=19 => AfterSaleKind::Reship,
        _ => return None,
    };
    let line =
        usize::try_from(rng.below(u64::try_from(deal.lines.len()).unwrap_or(1))).unwrap_or(0);
    let in_flight_ok = |applied: Secs| applied >= cut - IN_FLIGHT_SINCE;
    let mut a = After {
        no: String::new(),
        kind,
        on_sale: false,
        line,
        qty: 1,
        refund: Fen::ZERO,
        applied: 0,
        received: None,
        received_qty: 1,
        done: None,
        status: AfterSaleStatus::Completed,
        ship: None,
        reason: "",
        after_settlement: false,
    };
    match kind {
        AfterSaleKind::RefundOnly => {
            // Only before shipment, and only of whole single-line orders: a refund-only on
            // shipped goods is REFUND_ONLY_SHIPPED.
            if deal.lines.len() != 1 {
                return None;
            }
            let ship = deal.paid_at + 4 * HOUR;
            a.on_sale = true;
            a.qty = deal.lines[0].qty;
            a.refund = deal.paid;
            a.applied = deal.paid_at + rng.range(10 * MINUTE, 3 * HOUR);
            let done = a.applied + rng.range(5 * MINUTE, ship - a.applied);
            a.reason = *rng.pick(&["不想要了", "拍错/多拍", "地址信息填写错误", "协商一致退款"]);
            if done < cut {
                a.done = Some(done);
            } else if in_flight_ok(a.applied) {
                a.status = AfterSaleStatus::PendingReview;
            } else {
                return None;
            }
        }
        AfterSaleKind::ReturnAndRefund | AfterSaleKind::Exchange => {
            // JD returns mostly come back before the order completes
            // (`complete_after_return`); some are applied for after JD settled the order and
            // clawed back from the wallet. The other platforms' come after the release.
            let jd_return = deal.shop == Shop::Jd && kind == AfterSaleKind::ReturnAndRefund;
            a.after_settlement = jd_return && deal.release.is_some() && rng.chance(35);
            let since = if jd_return && !a.after_settlement {
                deal.shipped? + DAY
            } else {
                deal.release?
            };
            let full = kind == AfterSaleKind::ReturnAndRefund && rng.chance(30);
            a.qty = if full { deal.lines[line].qty } else { 1 };
            a.received_qty = a.qty;
            a.applied = since + rng.range(2 * HOUR, 3 * DAY);
            let back = a.applied + rng.range(DAY, 3 * DAY);
            if kind == AfterSaleKind::ReturnAndRefund {
                a.refund = deal.line_refund(line, a.qty);
                a.reason = *rng.pick(&[
                    "7天无理由退换货",
                    "尺寸/规格不合适",
                    "质量问题",
                    "与商品描述不符",
                ]);
                // 极速退款: refunded on the courier's pickup, goods arrive later.
                let express = rng.chance(10);
                let done = if express {
                    a.applied + rng.range(HOUR, 6 * HOUR)
                } else {
                    back + rng.range(HOUR, 20 * HOUR)
                };
                if done < cut {
                    a.done = Some(done);
                    if back < cut {
                        a.received = Some(back);
                    } else if done < cut - 7 * DAY + HOUR {
                        return None;
                    }
                } else if in_flight_ok(a.applied) {
                    a.status = if back < cut {
                        a.received = Some(back);
                        AfterSaleStatus::WaitingReceive
                    } else {
                        AfterSaleStatus::WaitingReturn
                    };
                } else {
                    return None;
                }
            } else {
                a.reason = *rng.pick(&["质量问题", "商品破损", "做工瑕疵"]);
                let ship = back + rng.range(2 * HOUR, DAY);
                if ship < cut {
                    a.received = Some(back);
                    a.ship = Some(ship);
                    a.done = Some(ship);
                } else if in_flight_ok(a.applied) {
                    a.status = if back < cut {
                        a.received = Some(back);
                        AfterSaleStatus::WaitingReceive
                    } else {
                        AfterSaleStatus::WaitingReturn
                    };
                } else {
                    return None;
                }
            }
        }
        AfterSaleKind::Reship => {
            let shipped = deal.shipped?;
            a.applied = shipped + rng.range(DAY, 3 * DAY);
            a.reason = *rng.pick(&["少件/漏发", "商品破损", "配件缺失"]);
            let ship = a.applied + rng.range(2 * HOUR, DAY);
            if ship < cut {
                a.ship = Some(ship);
                a.done = Some(ship);
            } else if in_flight_ok(a.applied) {
                a.status = AfterSaleStatus::Approved;
            } else {
                return None;
            }
        }
    }
    if a.applied >= cut {
        return None;
    }
    a.no = after_number(deal.shop, nums, clock, a.applied, kind);
    Some(a)
}
