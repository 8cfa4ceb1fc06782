"""The seller's month as a model: shops, orders, after-sales, shipments, receipts.

Written from PRODUCT.md, CHECKS.md and formats.md only. Lifecycles follow CHECKS.md
"Money timing": each order has a release time (when the money reaches the seller);
a refund completed before it is netted, one after it is an outflow.
"""

import datetime as dt
import random

PERIOD_START = dt.datetime(2026, 10, 1)
CUTOFF = dt.datetime(2026, 11, 1)

SHOPS = [
    # id, platform, name, fund account
    ("tmall-main", "tmall", "某某服饰天猫旗舰店", "20880000000000000156"),
    ("pdd-main", "pdd", "某某拼多多店", None),
    ("wechat-mall", "wechat", "某某小程序商城", "1900000109"),
    ("jd-pop", "jd", "某某京东POP店", "110099887766"),
    ("douyin-main", "douyin", "某某抖音小店", None),
    # a second shop of the Taobao family: a C店 with 千牛's current order export and its own Alipay
    ("taobao-c", "taobao", "某某家居淘宝店", "20880000000000000278"),
]
# an ERP shop (of a platform with no configured shop) the settings do not know: its two
# records are reported once as unassigned, never guessed
UNKNOWN_ERP_SHOP = "某某饰品快手小店"
ERP_PLATFORM = {"tmall": "天猫", "taobao": "淘宝", "pdd": "拼多多", "wechat": "微信小程序", "jd": "京东", "douyin": "抖音"}

CATALOG = [
    ("TS-WHITE-L", "纯棉T恤 白色 L", 5900),
    ("TS-WHITE-M", "纯棉T恤 白色 M", 5900),
    ("TS-BLACK-L", "纯棉T恤 黑色 L", 5900),
    ("CUP-500", "保温杯 500ml", 8800),
    ("CUP-350", "保温杯 350ml", 6900),
    ("JK-DENIM-M", "牛仔夹克 M", 29900),
    ("JK-DENIM-L", "牛仔夹克 L", 29900),
    ("SK-WOOL-3", "羊毛袜 三双装", 3990),
    ("BAG-CANVAS", "帆布托特包", 12800),
    ("SC-CASH", "羊绒围巾", 45900),
    ("PT-CHINO-30", "休闲长裤 30码", 15900),
    ("PT-CHINO-32", "休闲长裤 32码", 15900),
    ("HAT-KNIT", "针织帽", 4900),
    ("DOWN-LONG-L", "长款羽绒服 L", 129900),
]


class Line:
    def __init__(self, sub_no, sku, title, price, qty, disc):
        self.sub_no, self.sku, self.title, self.price, self.qty, self.disc = sub_no, sku, title, price, qty, disc

    @property
    def goods(self):
        return self.price * self.qty

    @property
    def paid(self):
        return self.goods - self.disc


class AfterSale:
    """One after-sale. `kind`: 仅退款/退货退款/换货/补发. Times None when not reached by the cut-off."""

    def __init__(self, no, kind, line, qty, amount, apply_at):
        self.no, self.kind, self.line, self.qty, self.amount, self.apply_at = no, kind, line, qty, amount, apply_at
        self.phase = "售后"
        self.status = "已完成"  # ERP words
        self.done_at = None  # refund completed (退款完结时间)
        self.receipt = None  # (sku, qty, at)
        self.ship_at = None  # 补发/换货 shipment
        self.pay_out = True  # refund outflow written when due
        self.outflow_delta = 0
        self.outflow_twice = False


class Order:
    def __init__(self, shop, no, lines, postage, paid_at):
        self.shop = shop  # tuple from SHOPS
        self.no, self.lines, self.postage, self.paid_at = no, lines, postage, paid_at
        self.ship_at = None
        self.confirm_at = None
        self.afters = []
        self.flags = {}
        self.extra_ships = []  # (line, qty, at, kind, after_no)
        self.erp_status = None
        self.pay_no = None

    @property
    def platform(self):
        return self.shop[1]

    @property
    def goods(self):
        return sum(l.goods for l in self.lines)

    @property
    def disc(self):
        return sum(l.disc for l in self.lines)

    @property
    def paid(self):
        return sum(l.paid for l in self.lines) + self.postage

    def refunds(self):
        return [a for a in self.afters if a.kind in ("仅退款", "退货退款") and a.done_at is not None]

    def release_at(self):
        """When the buyer's money reaches the seller (CHECKS.md Money timing)."""
        p = self.platform
        if p == "wechat":
            return self.paid_at + dt.timedelta(seconds=1)
        if self.confirm_at is None or self.closed():
            return None
        if p in ("tmall", "taobao"):
            return self.confirm_at
        if p == "pdd":
            return self.confirm_at + dt.timedelta(minutes=10)
        return self.confirm_at + dt.timedelta(days=1, hours=2)  # jd, douyin: settlement

    def refunded_before_release(self):
        rel = self.release_at()
        return sum(a.amount for a in self.refunds() if rel is None or a.done_at < rel)

    def closed(self):
        """Fully refunded before shipment: the platform closes the trade."""
        return self.flags.get("closed", False)

    def platform_status(self):
        return platform_status(self)


def platform_status(o):
    p = "tmall" if o.platform == "taobao" else o.platform  # one family, the same texts
    if o.closed():
        return {"tmall": "交易关闭", "pdd": "已取消", "jd": "已取消", "douyin": "已关闭", "wechat": "已退款"}[p]
    if o.confirm_at is not None:
        return {"tmall": "交易成功", "pdd": "已收货", "jd": "完成", "douyin": "已完成", "wechat": "已完成"}[p]
    if o.ship_at is not None:
        return {"tmall": "卖家已发货，等待买家确认", "pdd": "已发货，待收货", "jd": "等待确认收货", "douyin": "已发货", "wechat": "已发货"}[p]
    return {"tmall": "买家已付款，等待卖家发货", "pdd": "待发货", "jd": "等待出库", "douyin": "待发货", "wechat": "待发货"}[p]


def erp_status(o):
    if o.erp_status:
        return o.erp_status
    if o.closed():
        return "已退款"
    if o.confirm_at is not None:
        return "已完成"
    if o.ship_at is not None:
        return "已发货"
    return "待发货"


class Ids:
    """Unique, platform-shaped identifiers."""

    def __init__(self, rng):
        self.rng = rng
        self.used = set()

    def digits(self, prefix, n):
        while True:
            s = prefix + "".join(self.rng.choice("0123456789") for _ in range(n))
            if s not in self.used:
                self.used.add(s)
                return s

    def order(self, platform, paid_at):
        if platform in ("tmall", "taobao"):
            return self.digits("40", 17)
        if platform == "pdd":
            return self.digits(paid_at.strftime("%y%m%d") + "-", 15)
        if platform == "wechat":
            return self.digits("XCX" + paid_at.strftime("%Y%m%d"), 6)
        if platform == "jd":
            return self.digits("3", 11)
        return self.digits("69", 17)

    def after(self, platform):
        return {
            "tmall": lambda: self.digits("20", 16),
            "taobao": lambda: self.digits("20", 16),
            "pdd": lambda: self.digits("", 9).lstrip("0") or self.digits("1", 9),
            "wechat": lambda: self.digits("TK", 12),
            "jd": lambda: self.digits("20", 8),
            "douyin": lambda: self.digits("7", 18),
        }[platform]()


def rand_time(rng, start, end):
    span = int((end - start).total_seconds())
    return start + dt.timedelta(seconds=rng.randrange(span))


def build(rng, n_orders):
    """Clean lifecycles for every shop."""
    ids = Ids(rng)
    orders = []
    weights = [0.26, 0.22, 0.13, 0.13, 0.13, 0.13]
    for i in range(n_orders):
        shop = rng.choices(SHOPS, weights)[0]
        p = shop[1]
        paid_at = rand_time(rng, dt.datetime(2026, 9, 22), dt.datetime(2026, 10, 31, 23, 0))
        n_lines = 1 if p == "pdd" else rng.choices([1, 2, 3], [0.7, 0.22, 0.08])[0]
        picks = rng.sample(CATALOG, n_lines)
        no = ids.order(p, paid_at)
        lines = []
        for k, (sku, title, price) in enumerate(picks):
            qty = rng.choices([1, 2, 3], [0.8, 0.15, 0.05])[0]
            disc = rng.choice([0, 0, 0, 500, 1000, 300]) * qty
            disc = min(disc, price * qty * 3 // 10)
            sub = no if n_lines == 1 else (no[:-2] + "%02d" % (k + 1) if p in ("tmall",) else ids.digits("69", 17) if p == "douyin" else no + "-%d" % (k + 1))
            if p in ("tmall", "taobao") and n_lines > 1:
                sub = ids.digits("40", 17)
            lines.append(Line(sub, sku, title, price, qty, disc))
        postage = rng.choice([0, 0, 0, 600, 1000]) if p in ("tmall", "pdd", "wechat") else 0
        o = Order(shop, no, lines, postage, paid_at)
        o.pay_no = {
            "tmall": ids.digits(paid_at.strftime("%Y%m%d") + "22001", 15),
            "wechat": ids.digits("MP" + paid_at.strftime("%Y%m%d"), 10),
            # 千牛's 支付单号: the 20-digit Alipay trade number
            "taobao": ids.digits(paid_at.strftime("%Y%m%d") + "22001", 7),
        }.get(p)
        ship = paid_at + dt.timedelta(hours=rng.randint(3, 60))
        if ship < CUTOFF:
            o.ship_at = ship
            conf = ship + dt.timedelta(days=rng.randint(2, 10), hours=rng.randint(0, 20))
            if conf < CUTOFF:
                o.confirm_at = conf
        life(rng, ids, o)
        orders.append(o)
    return ids, orders


def life(rng, ids, o):
    """Pick a clean after-sale story for the order (most have none)."""
    r = rng.random()
    line = rng.choice(o.lines)
    if r < 0.05 and o.ship_at is not None and len(o.lines) == 1:
        # 售中 full refund before shipment: trade closed, nothing shipped.
        at = o.paid_at + dt.timedelta(hours=rng.randint(1, 2))
        a = AfterSale(ids.after(o.platform), "仅退款", line, line.qty, line.paid + o.postage, o.paid_at + dt.timedelta(minutes=30))
        a.phase = "售中"
        a.done_at = at
        o.afters.append(a)
        o.ship_at = o.confirm_at = None
        o.flags["closed"] = True
    elif r < 0.12 and o.confirm_at is not None:
        # 退货退款 after 确认收货: refund paid from the seller's account.
        apply = o.confirm_at + dt.timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 12))
        if apply >= CUTOFF - dt.timedelta(days=1):
            return
        a = AfterSale(ids.after(o.platform), "退货退款", line, line.qty, line.paid, apply)
        rec = apply + dt.timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 10))
        if rng.random() < 0.3:
            a.done_at = apply + dt.timedelta(hours=rng.randint(2, 20))  # refunded when the buyer ships
        elif rec < CUTOFF:
            a.done_at = rec + dt.timedelta(hours=rng.randint(1, 20))
        if rec < CUTOFF:
            a.receipt = (line.sku, line.qty, rec)
        if a.done_at is not None and a.done_at >= CUTOFF:
            a.done_at = None
        if a.done_at is None:
            a.status = "待收货" if a.receipt is None else "待退款"
            if a.receipt is not None and a.receipt[2] > CUTOFF - dt.timedelta(days=2) and apply > CUTOFF - dt.timedelta(days=3):
                pass
            else:
                # would be a finding (overdue / received-not-refunded): keep the story clean instead
                return
        o.afters.append(a)
    elif r < 0.15 and o.ship_at is not None and o.confirm_at is None and len(o.lines) > 1:
        # 退货退款 of one line while still in escrow / before settlement: netted.
        apply = o.ship_at + dt.timedelta(hours=rng.randint(10, 30))
        rec = apply + dt.timedelta(days=2)
        done = rec + dt.timedelta(hours=3)
        if done >= CUTOFF:
            return
        a = AfterSale(ids.after(o.platform), "退货退款", line, line.qty, line.paid, apply)
        a.receipt = (line.sku, line.qty, rec)
        a.done_at = done
        o.afters.append(a)
    elif r < 0.18 and o.confirm_at is not None:
        # 换货: the goods come back, the replacement goes out.
        apply = o.confirm_at + dt.timedelta(days=1)
        rec = apply + dt.timedelta(days=2)
        ship = rec + dt.timedelta(hours=5)
        if ship >= CUTOFF:
            return
        a = AfterSale(ids.after(o.platform), "换货", line, 1, 0, apply)
        a.receipt = (line.sku, 1, rec)
        a.ship_at = ship
        a.done_at = None
        o.afters.append(a)
    elif r < 0.20 and o.ship_at is not None:
        # 补发: a missing item sent again.
        apply = o.ship_at + dt.timedelta(days=2)
        ship = apply + dt.timedelta(hours=6)
        if ship >= CUTOFF:
            return
        a = AfterSale(ids.after(o.platform), "补发", line, 1, 0, apply)
        a.ship_at = ship
        o.afters.append(a)
