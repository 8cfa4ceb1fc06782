"""Planted problems: each takes a clean order of a platform, breaks it the way the catalog
describes, and says which finding (code, shop, ids, sku) the product owes."""

import datetime as dt

from world import CUTOFF, AfterSale, CATALOG, Line, Order, SHOPS

D = dt.timedelta


def truth(code, o, refund_no=None, order_no=None, txn_no=None, sku=None, note=""):
    return {
        "code": code,
        "shop": o.shop[0] if isinstance(o, Order) else o,
        "platform": o.platform if isinstance(o, Order) else None,
        "refund_no": refund_no,
        "order_no": order_no,
        "txn_no": txn_no,
        "sku": sku,
        "note": note,
    }


def clean(o):
    return not o.afters and not o.flags and o.erp_status is None


def confirmed_early(o, last=CUTOFF - D(days=17)):
    return o.confirm_at is not None and dt.datetime(2026, 10, 1, 12) <= o.release_at() <= last


def paid_in_period(o, last=CUTOFF - D(days=17)):
    return dt.datetime(2026, 10, 1, 12) <= o.paid_at <= last


def money_released_in_period(o):
    """Order whose income row falls in October, well before the window ends."""
    if o.platform == "wechat":
        return paid_in_period(o)
    if o.platform == "taobao":
        # 千牛's export states no 确认收货时间: only an order paid in the period is known to
        # have been released in it
        return confirmed_early(o) and o.paid_at >= dt.datetime(2026, 10, 1)
    return confirmed_early(o)


def single(o):
    return len(o.lines) == 1


# ---- money -------------------------------------------------------------------------

def payment_missing(ids, o):
    o.flags["no_income"] = True
    return [truth("PAYMENT_MISSING", o, order_no=o.no)]


def payment_amount(ids, o):
    o.flags["income_delta"] = -500
    return [truth("PAYMENT_AMOUNT_MISMATCH", o, order_no=o.no)]


def payment_orphan(ids, o):
    # WeChat rows name the payment (商户订单号), the others the platform order
    ghost = ids.digits("MP" + o.paid_at.strftime("%Y%m%d"), 10) if o.platform == "wechat" else ids.order(o.platform, o.paid_at)
    o.flags["orphan_income"] = ghost
    return [truth("PAYMENT_ORPHAN", o, order_no=ghost)]


def _after_release_return(ids, o, amount_extra=0):
    line = o.lines[0]
    apply = o.release_at() + D(days=1)
    a = AfterSale(ids.after(o.platform), "退货退款", line, line.qty, line.paid + amount_extra, apply)
    a.receipt = (line.sku, line.qty, apply + D(days=2))
    a.done_at = apply + D(days=2, hours=3)
    o.afters.append(a)
    return a


def refund_unpaid(ids, o):
    a = _after_release_return(ids, o)
    a.pay_out = False
    return [truth("REFUND_UNPAID", o, refund_no=a.no, order_no=o.no)]


def refund_amount(ids, o):
    a = _after_release_return(ids, o)
    a.outflow_delta = -300
    return [truth("REFUND_AMOUNT_MISMATCH", o, refund_no=a.no, order_no=o.no)]


def refund_exceeds(ids, o):
    # single-line orders: the order is the line (a WeChat ERP order states no lines)
    _after_release_return(ids, o, amount_extra=1000 + o.postage)
    return [truth("REFUND_EXCEEDS_PAID", o, order_no=o.no)]


def refund_duplicate(ids, o):
    a = _after_release_return(ids, o)
    a.outflow_twice = True
    return [truth("REFUND_DUPLICATE", o, refund_no=a.no, order_no=o.no)]


def refund_orphan(ids, o):
    ghost = ids.after(o.platform) if o.platform == "wechat" else None
    o.flags["orphan_refund"] = (2000, ghost)
    return [truth("REFUND_ORPHAN", o, refund_no=ghost, order_no=o.no)]


def flow_duplicate(ids, o):
    o.flags["dup_fee_row"] = True
    return [truth("FLOW_DUPLICATE", o, order_no=o.no)]


def fee_mismatch(ids, o):
    o.flags["fee_delta"] = 5
    return [truth("FEE_MISMATCH", o, order_no=o.no)]


def settlement_mismatch(ids, o):
    o.flags["arrival_delta"] = -200
    return [truth("SETTLEMENT_MISMATCH", o, order_no=o.no)]


# ---- orders, status, goods ---------------------------------------------------------

def order_amount(ids, o):
    o.flags["shown_discount_delta"] = 300
    # the first line's discount is shown too high: on a multi-line order that line is wrong
    sku = o.lines[0].sku if len(o.lines) > 1 and o.platform == "douyin" else None
    return [truth("ORDER_AMOUNT_ERROR", o, order_no=o.no, sku=sku)]


def discount_excessive(ids, o):
    line = o.lines[0]
    line.disc = line.goods * 6 // 10
    return [truth("DISCOUNT_EXCESSIVE", o, order_no=o.no)]


def status_mismatch_closed(ids, o):
    line = o.lines[0]
    a = AfterSale(ids.after(o.platform), "仅退款", line, line.qty, line.paid + o.postage, o.paid_at + D(minutes=20))
    a.phase = "售中"
    a.done_at = o.paid_at + D(hours=1)
    o.afters.append(a)
    o.ship_at = o.confirm_at = None
    o.flags["closed"] = True
    o.erp_status = "已发货"
    return [truth("STATUS_MISMATCH", o, order_no=o.no)]


def status_mismatch_unshipped(ids, o):
    o.erp_status = "待发货"
    o.flags["no_erp_ship"] = True
    return [truth("STATUS_MISMATCH", o, order_no=o.no)]


def shipped_after_refund(ids, o):
    line = o.lines[1]
    a = AfterSale(ids.after(o.platform), "仅退款", line, line.qty, line.paid, o.paid_at + D(minutes=30))
    a.phase = "售中"
    a.done_at = o.paid_at + D(hours=1)
    o.afters.append(a)
    if o.ship_at < a.done_at + D(hours=2):
        o.ship_at = a.done_at + D(hours=2)
    return [truth("SHIPPED_AFTER_REFUND", o, refund_no=a.no, order_no=o.no, sku=line.sku)]


def duplicate_shipment(ids, o):
    line = o.lines[0]
    o.extra_ships.append((line, line.qty, o.ship_at + D(hours=5), "正常", None))
    return [truth("DUPLICATE_SHIPMENT", o, order_no=o.no, sku=line.sku)]


def reship_unlinked(ids, o):
    line = o.lines[0]
    o.extra_ships.append((line, 1, o.ship_at + D(days=2), "补发", None))
    out = [truth("RESHIP_UNLINKED", o, order_no=o.no, sku=line.sku)]
    if o.platform != "wechat":
        # shipped > ordered + approved reships (CHECKS.md, literally): the line is over-shipped too
        out.append(truth("DUPLICATE_SHIPMENT", o, order_no=o.no, sku=line.sku, note="unlinked reship over-ships the line"))
    return out


def return_not_received(ids, o):
    line = o.lines[0]
    apply = o.confirm_at + D(days=1)
    a = AfterSale(ids.after(o.platform), "退货退款", line, line.qty, line.paid, apply)
    a.done_at = apply + D(hours=6)
    o.afters.append(a)
    return [truth("RETURN_NOT_RECEIVED", o, refund_no=a.no, order_no=o.no)]


def received_not_refunded(ids, o):
    line = o.lines[0]
    apply = dt.datetime(2026, 10, 29, 1, 10)
    a = AfterSale(ids.after(o.platform), "退货退款", line, line.qty, line.paid, apply)
    a.receipt = (line.sku, line.qty, dt.datetime(2026, 10, 29, 19, 30))
    a.status = "待收货"
    o.afters.append(a)
    return [truth("RECEIVED_NOT_REFUNDED", o, refund_no=a.no, order_no=o.no)]


def return_mismatch(ids, o):
    line = o.lines[0]
    apply = o.confirm_at + D(days=1)
    a = AfterSale(ids.after(o.platform), "退货退款", line, line.qty, line.paid, apply)
    other = next(c for c in CATALOG if c[0] not in {l.sku for l in o.lines})
    a.receipt = (other[0], line.qty, apply + D(days=2))
    a.done_at = apply + D(days=2, hours=2)
    o.afters.append(a)
    # per SKU: the wrong SKU came in, and the after-sale's SKU did not
    return [truth("RETURN_MISMATCH", o, refund_no=a.no, order_no=o.no, sku=other[0]),
            truth("RETURN_MISMATCH", o, refund_no=a.no, order_no=o.no, sku=line.sku, note="after-sale SKU not received")]


def refund_only_shipped(ids, o):
    line = o.lines[1]
    apply = o.ship_at + D(hours=20)
    a = AfterSale(ids.after(o.platform), "仅退款", line, line.qty, line.paid, apply)
    a.done_at = apply + D(hours=3)
    o.afters.append(a)
    return [truth("REFUND_ONLY_SHIPPED", o, refund_no=a.no, order_no=o.no, sku=line.sku)]


def aftersale_overdue(ids, o):
    line = o.lines[0]
    apply = dt.datetime(2026, 10, 24, 15, 0)
    a = AfterSale(ids.after(o.platform), "退货退款", line, line.qty, line.paid, apply)
    a.status = "待审核"
    o.afters.append(a)
    return [truth("AFTERSALE_OVERDUE", o, refund_no=a.no, order_no=o.no)]


def exchange_open(ids, o):
    line = o.lines[0]
    apply = o.confirm_at + D(days=1)
    a = AfterSale(ids.after(o.platform), "换货", line, 1, 0, apply)
    a.receipt = (line.sku, 1, apply + D(days=2))
    a.status = "已同意"
    o.afters.append(a)
    return [truth("EXCHANGE_OPEN", o, refund_no=a.no, order_no=o.no)]


# ---- which plants where -------------------------------------------------------------

ALL = ("tmall", "pdd", "wechat", "jd", "douyin", "taobao")
DIRECT_FUNDS = ("tmall", "pdd", "wechat", "taobao")


def _confirmed_by(day):
    return lambda o: o.confirm_at is not None and o.confirm_at <= dt.datetime(2026, 10, day) and o.confirm_at >= dt.datetime(2026, 10, 1, 12)


PLANTS = [
    # code function, platforms, order predicate
    (payment_missing, DIRECT_FUNDS + ("jd",), money_released_in_period),
    (payment_amount, DIRECT_FUNDS, money_released_in_period),
    (payment_orphan, DIRECT_FUNDS, money_released_in_period),
    (refund_unpaid, DIRECT_FUNDS, lambda o: money_released_in_period(o) and o.confirm_at is not None and o.release_at() < dt.datetime(2026, 10, 20)),
    (refund_amount, DIRECT_FUNDS, lambda o: money_released_in_period(o) and o.confirm_at is not None and o.release_at() < dt.datetime(2026, 10, 20)),
    (refund_exceeds, DIRECT_FUNDS, lambda o: single(o) and money_released_in_period(o) and o.confirm_at is not None and o.release_at() < dt.datetime(2026, 10, 20)),
    (refund_duplicate, ("tmall", "wechat", "taobao"), lambda o: money_released_in_period(o) and o.confirm_at is not None and o.release_at() < dt.datetime(2026, 10, 20)),
    (refund_orphan, DIRECT_FUNDS, money_released_in_period),
    (flow_duplicate, ("tmall", "wechat"), lambda o: single(o) and money_released_in_period(o)),
    (fee_mismatch, ("wechat", "tmall", "pdd"), money_released_in_period),
    (settlement_mismatch, ("jd", "douyin"), money_released_in_period),
    (order_amount, ("pdd", "wechat", "douyin"), lambda o: o.paid_at >= dt.datetime(2026, 10, 1)),
    (discount_excessive, ("pdd", "wechat", "douyin", "taobao"), lambda o: single(o) and o.paid_at >= dt.datetime(2026, 10, 1) and o.confirm_at is None and o.lines[0].qty == 1 and o.postage == 0),
    (status_mismatch_closed, ("tmall", "pdd", "taobao"), lambda o: o.paid_at >= dt.datetime(2026, 10, 2) and o.paid_at <= dt.datetime(2026, 10, 25) and single(o)),
    # JD's export states no ship time: keep the platform's last change (完成) days before the cut-off
    (status_mismatch_unshipped, ("jd", "douyin"), lambda o: o.ship_at is not None and o.ship_at <= dt.datetime(2026, 10, 25) and o.paid_at >= dt.datetime(2026, 10, 1) and (o.confirm_at is None or o.confirm_at <= dt.datetime(2026, 10, 28))),
    (shipped_after_refund, ("tmall", "pdd", "wechat", "taobao"), lambda o: len(o.lines) > 1 and o.paid_at >= dt.datetime(2026, 10, 1) and o.ship_at is not None and o.ship_at < dt.datetime(2026, 10, 28)),
    # a WeChat ERP order states no lines: the ordered quantity is unknown
    (duplicate_shipment, ("tmall", "pdd", "jd", "douyin", "taobao"), lambda o: o.ship_at is not None and o.paid_at >= dt.datetime(2026, 10, 1) and o.ship_at < dt.datetime(2026, 10, 28)),
    (reship_unlinked, ALL, lambda o: o.ship_at is not None and o.paid_at >= dt.datetime(2026, 10, 1) and o.ship_at < dt.datetime(2026, 10, 28)),
    (return_not_received, ALL, _confirmed_by(18)),
    (received_not_refunded, ALL, lambda o: o.confirm_at is not None and o.confirm_at < dt.datetime(2026, 10, 27) and o.paid_at >= dt.datetime(2026, 10, 1)),
    (return_mismatch, ALL, _confirmed_by(20)),
    (refund_only_shipped, ALL, lambda o: len(o.lines) > 1 and o.ship_at is not None and o.confirm_at is not None and o.paid_at >= dt.datetime(2026, 10, 1) and o.ship_at + D(hours=23) < o.confirm_at),
    (aftersale_overdue, ALL, lambda o: o.confirm_at is not None and o.confirm_at < dt.datetime(2026, 10, 22) and o.paid_at >= dt.datetime(2026, 10, 1)),
    (exchange_open, ALL, _confirmed_by(20)),
]

PLANTS_PDD_SINGLE_LINE = {shipped_after_refund, refund_only_shipped}


def plant_all(rng, ids, orders, per_code=2):
    truths = []
    for fn, platforms, pred in PLANTS:
        for plat in platforms:
            pool = [o for o in orders if o.platform == plat and clean(o) and o.paid_at >= dt.datetime(2026, 9, 25) and pred(o)]
            rng.shuffle(pool)
            for o in pool[:per_code]:
                truths += fn(ids, o)
                o.flags["planted"] = fn.__name__
    return truths
