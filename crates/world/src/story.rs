//! What happens to an order, independent of any file: the lifecycle a platform's rules allow
//! (pay → ship → confirm/settle → release; refunds before and after the release; returns,
//! exchanges and reships), cut at the period's end. Each platform renders a story into its
//! own files; the ERP renders it into its records.
//!
//! Times are seconds from the period's start ([`Clock`]); anything at or after the cut-off has
//! not happened yet when the files are downloaded.

use duizhang_core::{BeijingTime, Fen, Period};

use crate::rng::Rng;

pub const MINUTE: i64 = 60;
pub const HOUR: i64 = 3600;
pub const DAY: i64 = 86_400;

/// Seconds from a period's start to Beijing time.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    /// The accounting month whose orders the stories are.
    pub period: Period,
    /// When the files were downloaded, in seconds from the month's start: the month's end, or
    /// a day's or a week's end inside it (or, for a week that crosses into the next month,
    /// after it).
    pub cut_off: i64,
    /// Move some releases and refunds to the last minute or two before the cut-off, so that
    /// the rows a platform writes seconds after them (a commission, a statement's net, a
    /// refund's outflow) fall after it: the download holds only a payout's first rows.
    pub edges: bool,
    /// The download holds the orders paid in the next month's first days too (a week that
    /// crosses into it, its files of both months): orders are paid up to the cut-off.
    pub next_month_orders: bool,
    /// The stories run over several months ([`Clock::months`]) and each month's end is a
    /// cut-off too: an after-sale still open at any month's end was applied for within that
    /// month's last days.
    pub month_ends: bool,
}

impl Clock {
    /// The month's files downloaded at its end.
    pub fn new(period: Period) -> Clock {
        Clock {
            period,
            cut_off: period.start().seconds_until(period.end()),
            edges: false,
            next_month_orders: false,
            month_ends: false,
        }
    }

    /// Consecutive months from `first`, `count` of them, lived to the last one's end: orders
    /// are paid in any of them, and each month's end is a cut-off its files are downloaded at
    /// (see `crate::months`).
    pub fn months(first: Period, count: usize) -> Clock {
        let mut last = first;
        for _ in 1..count {
            last = last.next();
        }
        Clock {
            period: first,
            cut_off: first.start().seconds_until(last.end()),
            edges: false,
            next_month_orders: true,
            month_ends: true,
        }
    }

    /// The ends of the months before the cut-off, in seconds from the period's start (with
    /// [`Clock::month_ends`]; else none).
    pub fn inner_cut_offs(&self) -> Vec<i64> {
        let mut out = Vec::new();
        if !self.month_ends {
            return out;
        }
        let mut p = self.period;
        loop {
            let end = self.period.start().seconds_until(p.end());
            if end >= self.cut_off {
                return out;
            }
            out.push(end);
            p = p.next();
        }
    }

    /// The month's files downloaded at `at`: a seller who downloads every day (or week) holds
    /// on the 15th what happened up to the 15th's end, and nothing after it.
    pub fn downloaded(period: Period, at: BeijingTime) -> Clock {
        Clock {
            period,
            cut_off: period.start().seconds_until(at),
            edges: true,
            next_month_orders: false,
            month_ends: false,
        }
    }

    /// [`Clock::downloaded`] at a cut-off in the next month, with the files of both months:
    /// the next month's first orders are there too.
    pub fn downloaded_with_next(period: Period, at: BeijingTime) -> Clock {
        Clock {
            next_month_orders: true,
            ..Clock::downloaded(period, at)
        }
    }

    /// For some events at `t` near the cut-off (when [`Clock::edges`]), a moment in the last
    /// 90 seconds before it instead; never before `after`.
    fn edge(&self, rng: &mut Rng, t: i64, after: i64) -> Option<i64> {
        let near = (t - self.cut_off).abs() < 3 * DAY && after < self.cut_off - 2 * MINUTE;
        (self.edges && near && rng.chance(30)).then(|| self.cut_off - rng.range(1, 90))
    }

    /// The moment of the cut-off.
    pub fn cut_off_time(&self) -> BeijingTime {
        self.at(self.cut_off)
    }

    /// The end of the time the month's orders are paid in: the month's end, or the cut-off
    /// when it comes earlier.
    pub fn sales_end(&self) -> i64 {
        if self.next_month_orders {
            return self.cut_off;
        }
        self.cut_off
            .min(self.period.start().seconds_until(self.period.end()))
    }

    pub fn at(&self, s: i64) -> BeijingTime {
        let start = self.period.start().datetime();
        BeijingTime::from_datetime(
            start
                .checked_add(jiff::Span::new().seconds(s))
                .unwrap_or(start),
        )
    }

    /// `Some(t)` when `t` happened before the cut-off.
    pub fn seen(&self, t: Option<i64>) -> Option<i64> {
        t.filter(|&t| t < self.cut_off)
    }
}

/// The goods a seller sells: 商家编码, title, list price in 分.
pub const CATALOG: &[(&str, &str, i64)] = &[
    ("HM-TS-WH-L", "纯棉T恤 白色 L", 5900),
    ("HM-TS-BK-M", "纯棉T恤 黑色 M", 5900),
    ("HM-CUP-500", "保温杯 500ml", 8800),
    ("HM-CUP-350", "保温杯 350ml", 6900),
    ("HM-TOWEL-2", "纯棉毛巾 两条装", 3990),
    ("HM-PILLOW", "乳胶枕 标准款", 19900),
    ("HM-SLIPPER-40", "居家拖鞋 40码", 2990),
    ("HM-SLIPPER-42", "居家拖鞋 42码", 2990),
    ("HM-BOX-L", "收纳箱 大号", 4590),
    ("HM-LAMP", "护眼台灯", 12900),
];

/// One line (子订单) of an order.
#[derive(Clone, Debug)]
pub struct Line {
    pub sub_no: String,
    pub sku: &'static str,
    pub title: &'static str,
    pub qty: i64,
    pub price: Fen,
    /// price × qty
    pub goods: Fen,
    /// The seller's discount allocated to this line.
    pub discount: Fen,
    /// goods − discount
    pub paid: Fen,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaleKind {
    /// 仅退款: only before shipment in a clean world (after it, goods are lost).
    RefundOnly,
    /// 退货退款
    Return,
    /// 换货
    Exchange,
    /// 补发
    Reship,
}

/// An after-sale of one order line.
#[derive(Clone, Debug)]
pub struct Sale {
    pub refund_no: String,
    pub kind: SaleKind,
    pub line: usize,
    pub qty: i64,
    /// Money back to the buyer (zero for exchanges and reships).
    pub amount: Fen,
    pub applied_at: i64,
    /// The warehouse received the goods back (returns, exchanges).
    pub received_at: Option<i64>,
    /// The SKU the warehouse received (the line's, unless a problem is planted).
    pub received_sku: &'static str,
    pub received_qty: i64,
    /// Refund completed / replacement shipped. `None` while open.
    pub done_at: Option<i64>,
}

impl Sale {
    pub fn is_refund(&self) -> bool {
        matches!(self.kind, SaleKind::RefundOnly | SaleKind::Return)
    }
}

/// Which lifecycle a story follows: gaps and reports name stories by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Shape {
    /// Paid, shipped, confirmed, released.
    Plain,
    /// The whole order refunded before shipment: closed, nothing shipped.
    CancelAll,
    /// One line of several refunded before shipment, the rest shipped.
    CancelLine,
    /// One line returned and refunded before the release.
    ReturnBeforeRelease,
    /// Every line of a one-line order returned before the release: closed.
    ReturnAllBeforeRelease,
    /// One line (all or part of its quantity) returned after the release.
    ReturnAfterRelease,
    /// One line exchanged (goods back, replacement out).
    Exchange,
    /// One unit reshipped.
    Reship,
    /// A line cancelled before shipment and another returned after the release.
    Several,
}

impl Shape {
    pub const ALL: [Shape; 9] = [
        Shape::Plain,
        Shape::CancelAll,
        Shape::CancelLine,
        Shape::ReturnBeforeRelease,
        Shape::ReturnAllBeforeRelease,
        Shape::ReturnAfterRelease,
        Shape::Exchange,
        Shape::Reship,
        Shape::Several,
    ];
}

/// One order's story.
#[derive(Clone, Debug)]
pub struct Deal {
    pub order_no: String,
    /// The payment provider's trade number (支付宝交易号 / 支付单号 / 商户订单号).
    pub payment_no: String,
    pub lines: Vec<Line>,
    pub postage: Fen,
    pub created_at: i64,
    pub paid_at: i64,
    /// Lines refunded in full before shipment are not shipped.
    pub shipped_at: Option<i64>,
    /// 确认收货 (buyer or automatic), when it happened before the cut-off.
    pub confirmed_at: Option<i64>,
    /// The platform's release of the money (settlement), possibly after the cut-off.
    pub released_at: Option<i64>,
    /// When everything was refunded before release: the trade closed.
    pub closed_at: Option<i64>,
    pub sales: Vec<Sale>,
    pub shape: Shape,
}

impl Deal {
    pub fn paid(&self) -> Fen {
        self.lines.iter().map(|l| l.paid).sum::<Fen>() + self.postage
    }

    pub fn goods(&self) -> Fen {
        self.lines.iter().map(|l| l.goods).sum()
    }

    pub fn discount(&self) -> Fen {
        self.lines.iter().map(|l| l.discount).sum()
    }

    /// Refunds completed before `t`.
    pub fn refunded_before(&self, t: i64) -> Fen {
        self.sales
            .iter()
            .filter(|s| s.is_refund() && s.done_at.is_some_and(|d| d < t))
            .map(|s| s.amount)
            .sum()
    }

    /// Refunds completed by the cut-off.
    pub fn refunded(&self, clock: &Clock) -> Fen {
        self.refunded_before(clock.cut_off)
    }

    /// Lines refunded in full before shipment (not shipped).
    pub fn cancelled(&self, line: usize) -> bool {
        self.sales.iter().any(|s| {
            s.kind == SaleKind::RefundOnly
                && s.line == line
                && self.shipped_at.is_none_or(|t| s.applied_at < t)
        })
    }

    /// The story as it stood at `t` (seconds on the same clock): what happened before `t`
    /// and nothing after it; `None` when the order was not yet paid.
    pub fn as_at(&self, t: i64) -> Option<Deal> {
        if self.paid_at >= t {
            return None;
        }
        let seen = |x: Option<i64>| x.filter(|&x| x < t);
        let mut d = self.clone();
        d.shipped_at = seen(d.shipped_at);
        d.confirmed_at = seen(d.confirmed_at);
        if d.confirmed_at.is_none() {
            // The release follows the confirmation (it may still fall after `t`).
            d.released_at = None;
        }
        d.closed_at = seen(d.closed_at);
        d.sales.retain(|s| s.applied_at < t);
        for s in &mut d.sales {
            s.received_at = seen(s.received_at);
            s.done_at = seen(s.done_at);
        }
        Some(d)
    }

    /// The story on a clock that starts `by` seconds later (a later month's clock).
    pub fn shifted(&self, by: i64) -> Deal {
        let mut d = self.clone();
        let at = |x: &mut i64| *x -= by;
        let opt = |x: &mut Option<i64>| {
            if let Some(t) = x {
                *t -= by;
            }
        };
        at(&mut d.created_at);
        at(&mut d.paid_at);
        opt(&mut d.shipped_at);
        opt(&mut d.confirmed_at);
        opt(&mut d.released_at);
        opt(&mut d.closed_at);
        for s in &mut d.sales {
            at(&mut s.applied_at);
            opt(&mut s.received_at);
            opt(&mut s.done_at);
        }
        d
    }

    /// A line's refunds completed before `t`.
    pub fn line_refunded_before(&self, line: usize, t: i64) -> Fen {
        self.sales
            .iter()
            .filter(|s| s.is_refund() && s.line == line && s.done_at.is_some_and(|d| d < t))
            .map(|s| s.amount)
            .sum()
    }
}

/// Platform facts a story depends on.
#[derive(Clone, Copy, Debug)]
pub struct Rules {
    /// Orders may carry postage (运费).
    pub postage: bool,
    /// Days after shipment the buyer (or the platform, automatically) confirms.
    pub confirm_days: (i64, i64),
    /// Seconds from confirmation to the money's release (settlement lag).
    pub release_lag: (i64, i64),
    /// Orders hold one goods line (Pinduoduo: one goods per order).
    pub one_line: bool,
}

/// Splits `total` over weights in proportion, the rounding remainder on the last share.
fn allocate(total: i64, weights: &[i64]) -> Vec<i64> {
    let sum: i64 = weights.iter().sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let mut out: Vec<i64> = weights.iter().map(|w| total * w / sum).collect();
    let given: i64 = out.iter().sum();
    if let Some(last) = out.last_mut() {
        *last += total - given;
    }
    out
}

/// Number source for ids unique within a world.
pub struct Ids {
    pub prefix: &'static str,
    pub next: u64,
}

impl Ids {
    pub fn take(&mut self) -> u64 {
        self.next += 1;
        self.next
    }
}

fn shape_of(rng: &mut Rng) -> Shape {
    match rng.range(0, 99) {
        0..=44 => Shape::Plain,
        45..=51 => Shape::CancelAll,
        52..=58 => Shape::CancelLine,
        59..=66 => Shape::ReturnBeforeRelease,
        67..=71 => Shape::ReturnAllBeforeRelease,
        72..=81 => Shape::ReturnAfterRelease,
        82..=87 => Shape::Exchange,
        88..=93 => Shape::Reship,
        _ => Shape::Several,
    }
}

/// Generates `n` stories of orders paid in the clock's period before its cut-off.
pub fn deals(
    rng: &mut Rng,
    clock: &Clock,
    rules: &Rules,
    n: usize,
    order_no: &mut dyn FnMut(&mut Rng, i64) -> String,
    refund_no: &mut dyn FnMut(&mut Rng) -> String,
) -> Vec<Deal> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let mut shape = shape_of(rng);
        let paid_at = rng.range(10 * MINUTE, clock.sales_end() - HOUR);
        let created_at = paid_at - rng.range(5, 10 * MINUTE);
        let no = order_no(rng, paid_at);
        if rules.one_line && matches!(shape, Shape::CancelLine | Shape::Several) {
            shape = Shape::ReturnAfterRelease;
        }
        let n_lines = if rules.one_line {
            1
        } else if matches!(shape, Shape::CancelLine | Shape::Several) {
            rng.range(2, 3)
        } else {
            match rng.range(0, 9) {
                0..=6 => 1,
                7..=8 => 2,
                _ => 3,
            }
        };
        if shape == Shape::ReturnAllBeforeRelease {
            // A one-line order: returning its line closes the trade.
            shape = if n_lines == 1 {
                shape
            } else {
                Shape::ReturnBeforeRelease
            };
        }
        let mut lines = Vec::new();
        let mut skus: Vec<usize> = Vec::new();
        for k in 0..n_lines {
            let mut i = usize::try_from(rng.range(0, 9)).unwrap_or(0);
            while skus.contains(&i) {
                i = (i + 1) % CATALOG.len();
            }
            skus.push(i);
            let (sku, title, price) = CATALOG[i];
            let qty = if rng.chance(20) { 2 } else { 1 };
            lines.push(Line {
                sub_no: if n_lines == 1 {
                    no.clone()
                } else {
                    format!("{no}{k:02}")
                },
                sku,
                title,
                qty,
                price: Fen::new(price),
                goods: Fen::new(price * qty),
                discount: Fen::ZERO,
                paid: Fen::new(price * qty),
            });
        }
        if rng.chance(35) {
            // 店铺优惠: a coupon on the order, allocated to its lines by goods.
            let goods: Vec<i64> = lines.iter().map(|l| l.goods.get()).collect();
            let total: i64 = goods.iter().sum();
            let coupon = [300, 500, 1000, 2000]
                .into_iter()
                .filter(|c| c * 4 < total)
                .max_by_key(|_| rng.next_u64())
                .unwrap_or(0);
            for (l, d) in lines.iter_mut().zip(allocate(coupon, &goods)) {
                l.discount = Fen::new(d);
                l.paid = l.goods - l.discount;
            }
        }
        let postage = if rules.postage && rng.chance(25) {
            Fen::new(*rng.pick(&[600, 800, 1000]))
        } else {
            Fen::ZERO
        };
        let mut deal = Deal {
            order_no: no,
            payment_no: String::new(),
            lines,
            postage,
            created_at,
            paid_at,
            shipped_at: None,
            confirmed_at: None,
            released_at: None,
            closed_at: None,
            sales: Vec::new(),
            shape,
        };
        live(rng, clock, rules, &mut deal, refund_no);
        out.push(deal);
    }
    out
}

/// An after-sale's steps, compressed where needed so that one still open at the cut-off was
/// applied for within its last days (an older open one would be overdue: a problem, not a
/// clean story).
fn steps(clock: &Clock, applied: i64, mut gaps: Vec<i64>) -> Vec<i64> {
    let total: i64 = gaps.iter().sum();
    let crosses = |cut: i64| applied + total >= cut && applied < cut - 2 * DAY;
    if crosses(clock.cut_off) || clock.inner_cut_offs().into_iter().any(crosses) {
        for g in &mut gaps {
            *g = (*g).min(6 * HOUR);
        }
    }
    let mut t = applied;
    gaps.into_iter()
        .map(|g| {
            t += g;
            t
        })
        .collect()
}

fn sale(
    refund_no: String,
    kind: SaleKind,
    deal: &Deal,
    line: usize,
    qty: i64,
    applied_at: i64,
) -> Sale {
    let l = &deal.lines[line];
    let amount = match kind {
        SaleKind::RefundOnly | SaleKind::Return => {
            if qty == l.qty {
                l.paid
            } else {
                Fen::new(l.paid.get() * qty / l.qty)
            }
        }
        _ => Fen::ZERO,
    };
    Sale {
        refund_no,
        kind,
        line,
        qty,
        amount,
        applied_at,
        received_at: None,
        received_sku: l.sku,
        received_qty: qty,
        done_at: None,
    }
}

/// Plays the story forward from payment.
fn live(
    rng: &mut Rng,
    clock: &Clock,
    rules: &Rules,
    deal: &mut Deal,
    refund_no: &mut dyn FnMut(&mut Rng) -> String,
) {
    let cut = clock.cut_off;
    let ship = deal.paid_at + rng.range(2 * HOUR, 40 * HOUR);
    let confirm_after = |rng: &mut Rng, t: i64| {
        t + rng.range(rules.confirm_days.0 * DAY, rules.confirm_days.1 * DAY)
            + rng.range(0, 12 * HOUR)
    };
    match deal.shape {
        Shape::CancelAll => {
            // The buyer cancels before shipment: every line refunded, nothing shipped.
            let applied = deal.paid_at + rng.range(10 * MINUTE, 20 * HOUR);
            let done = steps(clock, applied, vec![rng.range(5 * MINUTE, 10 * HOUR)])[0];
            for line in 0..deal.lines.len() {
                let qty = deal.lines[line].qty;
                let mut s = sale(
                    refund_no(rng),
                    SaleKind::RefundOnly,
                    deal,
                    line,
                    qty,
                    applied.min(cut - 1),
                );
                s.done_at = clock.seen(Some(done));
                deal.sales.push(s);
            }
            if deal.sales.iter().all(|s| s.done_at.is_some()) {
                deal.closed_at = Some(done);
            }
            if applied >= cut {
                deal.sales.clear();
                deal.shape = Shape::Plain;
            }
            return;
        }
        Shape::CancelLine | Shape::Several => {
            let line = deal.lines.len() - 1;
            let applied = deal.paid_at + rng.range(10 * MINUTE, ship - deal.paid_at - MINUTE);
            let done = applied + rng.range(MINUTE, 30 * MINUTE);
            if done < ship && done < cut {
                let qty = deal.lines[line].qty;
                let mut s = sale(
                    refund_no(rng),
                    SaleKind::RefundOnly,
                    deal,
                    line,
                    qty,
                    applied,
                );
                s.done_at = Some(done);
                deal.sales.push(s);
            }
        }
        _ => {}
    }
    if ship >= cut {
        if deal.sales.is_empty() {
            deal.shape = Shape::Plain;
        }
        return;
    }
    deal.shipped_at = Some(ship);
    let mut confirm = confirm_after(rng, ship);
    match deal.shape {
        Shape::ReturnBeforeRelease | Shape::ReturnAllBeforeRelease => {
            // Applied after delivery, before confirming; the confirmation waits for the
            // after-sale to close.
            let line =
                usize::try_from(rng.range(0, i64::try_from(deal.lines.len()).unwrap_or(1) - 1))
                    .unwrap_or(0);
            let applied = ship + rng.range(DAY, 3 * DAY);
            if applied < cut {
                let qty = deal.lines[line].qty;
                let mut s = sale(refund_no(rng), SaleKind::Return, deal, line, qty, applied);
                let t = steps(
                    clock,
                    applied,
                    vec![rng.range(DAY, 3 * DAY), rng.range(HOUR, DAY)],
                );
                s.received_at = clock.seen(Some(t[0]));
                s.done_at = if s.received_at.is_some() {
                    clock.seen(Some(t[1]))
                } else {
                    None
                };
                let done = t[1];
                deal.sales.push(s);
                if deal.shape == Shape::ReturnAllBeforeRelease {
                    if done < cut {
                        deal.closed_at = Some(done);
                    }
                    return;
                }
                confirm = confirm.max(done + rng.range(HOUR, 3 * DAY));
            } else {
                deal.shape = Shape::Plain;
            }
        }
        Shape::Exchange | Shape::Reship => {
            let line =
                usize::try_from(rng.range(0, i64::try_from(deal.lines.len()).unwrap_or(1) - 1))
                    .unwrap_or(0);
            let applied = ship + rng.range(DAY, 3 * DAY);
            if applied < cut {
                let kind = if deal.shape == Shape::Exchange {
                    SaleKind::Exchange
                } else {
                    SaleKind::Reship
                };
                let mut s = sale(refund_no(rng), kind, deal, line, 1, applied);
                if kind == SaleKind::Exchange {
                    let t = steps(
                        clock,
                        applied,
                        vec![rng.range(DAY, 2 * DAY), rng.range(HOUR, 20 * HOUR)],
                    );
                    s.received_at = clock.seen(Some(t[0]));
                    s.done_at = s.received_at.and(clock.seen(Some(t[1])));
                } else {
                    let t = steps(clock, applied, vec![rng.range(HOUR, DAY)]);
                    s.done_at = clock.seen(Some(t[0]));
                }
                deal.sales.push(s);
            } else {
                deal.shape = Shape::Plain;
            }
        }
        _ => {}
    }
    let mut release = confirm + rng.range(rules.release_lag.0, rules.release_lag.1);
    // Near the cut-off, the confirmation and its release moved together (the platform's lag
    // kept), still a day after shipment and after every after-sale closed.
    let lag = release - confirm;
    let settled = deal
        .sales
        .iter()
        .filter_map(|s| s.done_at)
        .max()
        .unwrap_or(0);
    if let Some(moved) = clock.edge(rng, release, (ship + DAY).max(settled + HOUR) + lag) {
        confirm = moved - lag;
        release = moved;
    }
    if confirm < cut && deal.sales.iter().all(|s| s.done_at.is_some()) {
        // Settled money is released before the cut-off, or after it (pending).
        deal.confirmed_at = Some(confirm);
        deal.released_at = Some(release);
    } else if deal.shape == Shape::ReturnAfterRelease || deal.shape == Shape::Several {
        if deal.sales.is_empty() {
            deal.shape = Shape::Plain;
        }
        return;
    }
    if matches!(deal.shape, Shape::ReturnAfterRelease | Shape::Several) {
        let Some(release) = deal.released_at.filter(|&r| r < cut) else {
            return;
        };
        let shipped: Vec<usize> = (0..deal.lines.len())
            .filter(|&l| !deal.cancelled(l))
            .collect();
        let line = *rng.pick(&shipped);
        let applied = release + rng.range(HOUR, 4 * DAY);
        if applied >= cut {
            if deal.sales.is_empty() {
                deal.shape = Shape::Plain;
            }
            return;
        }
        let qty = if deal.lines[line].qty > 1 && rng.chance(50) {
            1
        } else {
            deal.lines[line].qty
        };
        let mut s = sale(refund_no(rng), SaleKind::Return, deal, line, qty, applied);
        let t = steps(
            clock,
            applied,
            vec![rng.range(DAY, 3 * DAY), rng.range(HOUR, DAY)],
        );
        s.received_at = clock.seen(Some(t[0]));
        // Refunded in the last seconds before the cut-off, within a day of the goods' receipt.
        let done = match s.received_at {
            Some(received) if received > cut - 20 * HOUR => {
                clock.edge(rng, t[1], received).unwrap_or(t[1])
            }
            _ => t[1],
        };
        s.done_at = s.received_at.and(clock.seen(Some(done)));
        deal.sales.push(s);
    }
}
