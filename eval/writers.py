"""Files in the shapes sellers download (formats.md), written from the world model."""

import datetime as dt
import os
import zipfile
import zlib

from world import CUTOFF, ERP_PLATFORM, PERIOD_START, UNKNOWN_ERP_SHOP, erp_status, platform_status

D = dt.timedelta
TAB = "\t"


def yuan(fen):
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return "%s%d.%02d" % (sign, fen // 100, fen % 100)


def yuan_sep(fen):
    """Thousands separator, as Excel-made ERP exports show amounts."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return "%s%s.%02d" % (sign, "{:,}".format(fen // 100), fen % 100)


def ts(t):
    return t.strftime("%Y-%m-%d %H:%M:%S") if t else ""


def in_period(t):
    return t is not None and PERIOD_START <= t < CUTOFF


def round_rate(fen, per_mille10k):
    """fen × rate, rounded half up; rate in 1/10000."""
    return (fen * per_mille10k + 5000) // 10000


def csv_cell(v):
    v = "" if v is None else str(v)
    if v.startswith('="') and v.endswith('"') and "," not in v:
        return v  # JD's Excel guard is written bare: ="300000000001"
    if any(c in v for c in ',"\n'):
        return '"' + v.replace('"', '""') + '"'
    return v


def write(path, lines, encoding, bom=False, eol="\r\n"):
    data = eol.join(lines) + eol
    raw = data.encode(encoding)
    if bom:
        raw = b"\xef\xbb\xbf" + raw
    with open(path, "wb") as f:
        f.write(raw)


def row(cells):
    return ",".join(csv_cell(c) for c in cells)


class Seq:
    def __init__(self, prefix, start):
        self.prefix, self.n = prefix, start

    def __call__(self):
        self.n += 1
        return "%s%d" % (self.prefix, self.n)


def money_split(o, line=None):
    """Refunds netted at release vs. refunds paid out after it, per CHECKS.md Money timing."""
    rel = o.release_at()
    before, after = [], []
    for a in o.refunds():
        if line is not None and a.line is not line:
            continue
        (before if rel is None or a.done_at < rel else after).append(a)
    return before, after


# ---------------------------------------------------------------- Alipay 账务明细 (Tmall)

def alipay(out, orders, shop, rng, truths, zipped=False):
    """Tmall pays 交易分账 commission (5%) per order; a Taobao C店 pays none. `zipped`: the
    `.csv.zip` Alipay delivers (GBK member names, the 汇总 member first)."""
    acct = shop[3]
    ev = []  # (time, kind, order, income, outgo, memo, biz)
    for o in orders:
        rel = o.release_at()
        before, after = money_split(o)
        tid = o.no
        if in_period(rel) and not o.flags.get("no_income"):
            income = o.paid - sum(a.amount for a in before) + o.flags.get("income_delta", 0)
            if income > 0:
                ev.append((rel, "交易付款", o, income, 0, "", None))
                if shop[1] == "tmall":
                    fee = round_rate(income, 500) + o.flags.get("fee_delta", 0)
                    ev.append((rel + D(seconds=1), "交易分账", o, 0, fee, "天猫佣金（类目：服饰）{%s}扣款" % tid, "dupe" if o.flags.get("dup_fee_row") else None))
        for a in after:
            if in_period(a.done_at) and a.pay_out:
                amt = a.amount + a.outflow_delta
                ev.append((a.done_at + D(minutes=2), "交易退款", o, 0, amt, "售后退款-%s" % tid, None))
                if a.outflow_twice:
                    ev.append((a.done_at + D(hours=1, minutes=7), "交易退款", o, 0, amt, "售后退款-%s" % tid, None))
        if "orphan_refund" in o.flags:
            amt, _ = o.flags["orphan_refund"]
            ev.append((rel + D(days=3), "交易退款", o, 0, amt, "售后退款-%s" % tid, None))
        if "orphan_income" in o.flags:
            ev.append((rel + D(hours=2), "交易付款", o.flags["orphan_income"], 15800, 0, "", None))
    for d in range(5, 31, 7):
        ev.append((dt.datetime(2026, 10, d, 10, 0), "提现", None, 0, None, "提现", None))
    ev.sort(key=lambda e: (e[0], e[1]))
    bal = 5000000
    # Alipay numbers are unique across accounts
    base = 12345600 if shop[1] == "tmall" else 52345600
    txn = Seq("2026100100000", base)
    biz = Seq("202610012000400111008800", base - 2345600)
    rows, withdrawals = [], 0
    n_in = n_out = s_in = s_out = 0
    break_at = None
    for t, kind, o, inc, out_, memo, flag in ev:
        if kind == "提现":
            out_ = bal * 3 // 10
            withdrawals += 1
        if isinstance(o, str):
            ref, title, who = "T200P" + o, "休闲长裤 30码", "*李(139****1234)"
        elif o is None:
            ref, title, who = "", "", "某某服饰有限公司(6222****0001)"
        else:
            ref, title, who = "T200P" + o.no, o.lines[0].title, "*明(138****0000)" if kind != "交易分账" else "天猫技术有限公司"
        bal += inc - out_
        b = biz()
        rid = txn()
        if kind == "提现" and withdrawals == 2 and break_at is None:
            # a row is missing before this one: the balance jumps by 100.00
            break_at = rid
            truths.append({"code": "BALANCE_BREAK", "shop": shop[0], "platform": shop[1], "refund_no": None, "order_no": None, "txn_no": rid, "sku": None, "note": "balance jumps by 100.00 at a withdrawal row"})
        shown = bal + (10000 if break_at is not None else 0)
        line = [rid + TAB, b + TAB, ref + TAB, title + TAB, ts(t), who + TAB, yuan(inc), yuan(-out_) if out_ else "0.00", yuan(shown), "淘宝" if o is not None else "支付宝", kind, memo]
        rows.append(line)
        if inc:
            n_in += 1
            s_in += inc
        else:
            n_out += 1
            s_out += out_
        if flag == "dupe":
            # the same business event recorded twice: same 业务流水号, a new 账务流水号
            bal += inc - out_
            shown = bal + (10000 if break_at is not None else 0)
            rows.append([txn() + TAB, b + TAB, ref + TAB, title + TAB, ts(t + D(seconds=3)), who + TAB, yuan(inc), yuan(-out_), yuan(shown), "淘宝", kind, memo])
            n_out += 1
            s_out += out_
    wide = rng.random() < 0.5  # the 16-column layout of newer Taobao/Tmall downloads
    if wide:
        for r in rows:
            ref = r[2].strip()
            tid = ref[5:] if ref.startswith("T200P") else ""
            r += ["", "", tid + TAB if tid else "", ""]
    head = [
        "#支付宝账务明细查询",
        "#账号：[%s]" % acct,
        "#起始日期：[2026年10月01日 00:00:00]   终止日期：[2026年11月01日 00:00:00]",
        "#-----------------------------------------账务明细列表----------------------------------------",
        "账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注" + (",业务描述,业务账单来源,业务基础订单号,业务订单号" if wide else ""),
    ]
    foot = [
        "#----------------------------------------账务明细列表结束-------------------------------------",
        "#支出合计：%d笔，共%s元" % (n_out, yuan(-s_out)),
        "#收入合计：%d笔，共%s元" % (n_in, yuan(s_in)),
        "#导出时间：[2026年11月02日 06:12:40]",
    ]
    if rng.random() < 0.5:  # after an Excel round trip the footer lines are padded with commas
        foot = [f + "," * (len(rows[0]) - 1) if f.startswith("#") and "合计" in f else f for f in foot]
    eol = "\n" if rng.random() < 0.5 else "\r\n"
    name = "%s_202610_账务明细.csv" % acct
    lines = head + [row(r) for r in rows] + foot
    if not zipped:
        write(os.path.join(out, name), lines, "gbk", eol=eol)
        return
    kinds = {}
    for r in rows:
        k = kinds.setdefault(r[10], [0, 0, 0, 0])
        inc, outg = fen(r[6]), -fen(r[7])
        if inc:
            k[0], k[1] = k[0] + 1, k[1] + inc
        else:
            k[2], k[3] = k[2] + 1, k[3] + outg
    summary = head[:3] + ["类型,收入笔数,收入金额（+元）,支出笔数,支出金额（-元）,总金额（元）"]
    for k, (ni, si, no, so) in kinds.items():
        summary.append(row([k, ni, yuan(si), no, yuan(-so), yuan(si - so)]))
    summary.append(row(["合计", n_in, yuan(s_in), n_out, yuan(-s_out), yuan(s_in - s_out)]))
    with zipfile.ZipFile(os.path.join(out, "%s_202610.csv.zip" % acct), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(GbkName("%s_202610_账务明细(汇总).csv" % acct), (eol.join(summary) + eol).encode("gbk"))
        z.writestr(GbkName(name), (eol.join(lines) + eol).encode("gbk"))


def fen(yuan_text):
    whole, _, cents = yuan_text.lstrip("-").partition(".")
    v = int(whole) * 100 + int((cents + "00")[:2])
    return -v if yuan_text.startswith("-") else v


class GbkName(zipfile.ZipInfo):
    """A ZIP entry named in GBK without the UTF-8 flag, as Alipay writes them."""

    def __init__(self, name):
        super().__init__(name, date_time=(2026, 11, 2, 6, 12, 40))
        self.compress_type = zipfile.ZIP_DEFLATED

    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk"), self.flag_bits


# ---------------------------------------------------------------- Tmall 订单报表 + 宝贝报表 + 退款报表

def tmall_orders(out, orders, shop):
    head = "订单编号,买家会员名,买家支付宝账号,买家应付货款,买家应付邮费,买家支付积分,总金额,返点积分,买家实际支付金额,买家实际支付积分,订单状态,买家留言,收货人姓名,收货地址,运送方式,联系电话,联系手机,订单创建时间,订单付款时间,宝贝标题,宝贝种类,物流单号,物流公司,订单备注,宝贝总数量,店铺Id,店铺名称,订单关闭原因,卖家服务费,买家服务费,发票抬头,是否手机订单,分阶段订单信息,定金排名,修改后的sku,修改后的收货地址,异常信息,天猫卡券抵扣,集分宝抵扣,是否是O2O交易,支付单号,确认收货时间,退款金额,打款商家金额"
    rows = [head]
    items = ["订单编号,标题,价格,购买数量,外部系统编号,商品属性,套餐信息,备注,订单状态,商家编码"]
    for o in orders:
        before, after = money_split(o)
        refunded = sum(a.amount for a in o.refunds() if in_period(a.done_at) or a.done_at < CUTOFF)
        released = (o.paid - sum(a.amount for a in before)) if o.confirm_at else 0
        status = platform_status(o)
        goods = o.goods
        rows.append(row([
            o.no, "t**%s" % o.no[-3:], "", yuan(goods - o.disc), yuan(o.postage), "0", yuan(goods - o.disc + o.postage), "0", yuan(o.paid), "0", status, "",
            "张**", "浙江省杭州市**", "快递", "", "138****0000", ts(o.paid_at - D(minutes=2)), ts(o.paid_at), o.lines[0].title, len(o.lines),
            ("YT%s" % o.no[-10:]) if o.ship_at else "", "圆通速递" if o.ship_at else "", "", sum(l.qty for l in o.lines), "100200300", shop[2],
            "买家申请退款" if o.closed() else "", "0.00", "0.00", "", "是", "", "", "", "", "", "0.00", "0.00", "否",
            o.pay_no, ts(o.confirm_at), yuan(refunded), yuan(released),
        ]))
        for l in o.lines:
            items.append(row([o.no, l.title, yuan(l.price), l.qty, "", "颜色分类：默认", "", "", status, l.sku]))
    write(os.path.join(out, "ExportOrderList202611020901.csv"), rows, "gbk")
    write(os.path.join(out, "ExportOrderDetailList202611020901.csv"), items, "gbk")


TMALL_REFUND_STATUS = {"待审核": "买家已经申请退款，等待卖家同意", "待收货": "买家已经退货，等待卖家确认收货", "待退款": "买家已经退货，等待卖家确认收货"}


REFUND_HEAD_B = "订单编号,退款编号,支付宝交易号,订单付款时间,商品编码,退款完结时间,买家实际支付金额,宝贝标题,买家退款金额,手工退款/系统退款,是否需要退货,退款的申请时间,超时时间,退款状态,货物状态,退货物流信息,发货物流信息,客服介入状态,卖家真实姓名,卖家真实姓名新,卖家退货地址,卖家邮编,卖家电话,卖家手机,退货物流单号,退货物流公司,买家退款原因,买家退款说明,买家退货时间,责任方,售中或售后,商家备注,完结时间,部分退款/全部退款,审核操作人,举证超时,是否零秒响应,退款操作人,退款原因标签,业务类型,是否帮他退款,帮他退款操作账号"
# variant A (older): 退款编号 first, 买家会员名称, 商家编码
REFUND_HEAD_A = "退款编号,订单编号,支付宝交易号,订单付款时间,商家编码,退款完结时间,买家会员名称,买家实际支付金额,宝贝标题,买家退款金额,手工退款/系统退款,是否需要退货,退款的申请时间,超时时间,退款状态,货物状态,退货物流信息,发货物流信息,客服介入状态,卖家真实姓名,卖家退货地址,卖家邮编,卖家电话,卖家手机,退货物流单号,退货物流公司,买家退款原因,买家退款说明,买家退货时间,责任方,售中或售后,商家备注,完结时间,部分退款/全部退款,审核操作人,举证超时,是否零秒响应,退款操作人,退款原因标签"
# variant C (≈2024–2025): 支付单号, 商品id, 售后类型 instead of 是否需要退货
REFUND_HEAD_C = "订单编号,退款编号,支付单号,订单付款时间,商品id,商品编码,退款完结时间,买家实际支付金额,宝贝标题,买家退款金额,手工退款/系统退款,售后类型,退款的申请时间,超时时间,退款状态,货物状态,退货物流信息,发货物流信息,客服介入状态,卖家真实姓名,卖家真实姓名新,卖家退货地址,卖家邮编,卖家电话,卖家手机,退货物流单号,退货物流公司,买家退款原因,买家退款说明,买家退货时间,责任方,售中或售后,备注标签,商家备注,完结时间,部分退款/全部退款,审核操作人,审核操作人新会员名,举证超时,是否零秒响应,退款操作人,退款操作人新会员名,退款原因标签,业务类型,是否帮他退款,帮他退款操作账号,小额收款,淘特订单,百亿补贴超链退款信息,智能退款策略,执行方案"


def tmall_refunds(out, orders, head=REFUND_HEAD_B, name="退款管理导出_202610.csv"):
    """退款报表 (formats.md §3.1), cells by header name so every variant is one table."""
    cols = head.split(",")
    rows = [head]
    for o in orders:
        for a in o.afters:
            if a.kind not in ("仅退款", "退货退款"):
                continue
            l = a.line
            paid_line = o.paid if len(o.lines) == 1 else l.paid
            done = a.done_at is not None
            ret = a.kind == "退货退款"
            v = {
                "订单编号": o.no, "退款编号": a.no, "支付宝交易号": o.pay_no, "支付单号": o.pay_no, "订单付款时间": ts(o.paid_at),
                "商品编码": l.sku, "商家编码": l.sku, "商品id": "6%011d" % zlib.crc32(l.sku.encode()), "退款完结时间": ts(a.done_at),
                "买家会员名称": "t**%s" % o.no[-3:], "买家实际支付金额": yuan(paid_line), "宝贝标题": l.title, "买家退款金额": yuan(a.amount),
                "手工退款/系统退款": "系统退款" if done else "", "是否需要退货": "是" if ret else "否", "售后类型": a.kind,
                "退款的申请时间": ts(a.apply_at), "超时时间": ts(a.apply_at + D(days=7)),
                "退款状态": "退款成功" if done else TMALL_REFUND_STATUS[a.status],
                "货物状态": "买家已退货" if ret else ("买家未收到货" if a.phase == "售中" else "买家已收到货"),
                "退货物流信息": "中通快递:73%s" % a.no[-11:] if ret else "", "客服介入状态": "不需要客服介入",
                "卖家真实姓名": "某某服饰", "卖家真实姓名新": "某某服饰", "卖家退货地址": "浙江省杭州市余杭区某路1号", "卖家邮编": "311100",
                "卖家电话": "0571-00000000", "卖家手机": "13800000000", "退货物流单号": "73%s" % a.no[-11:] if ret else "",
                "退货物流公司": "中通快递" if ret else "", "买家退款原因": "7天无理由退换货" if ret else "不想要了",
                "买家退货时间": ts(a.apply_at + D(hours=5)) if ret else "", "责任方": "买家", "售中或售后": a.phase,
                "完结时间": ts(a.done_at), "部分退款/全部退款": "全部退款" if a.amount >= paid_line else "部分退款",
                "审核操作人": "店小二A" if done else "", "是否零秒响应": "否", "退款操作人": "店小二A" if done else "",
                "是否帮他退款": "否", "小额收款": "否", "淘特订单": "否",
            }
            rows.append(row([v.get(c, "") for c in cols]))
    write(os.path.join(out, name), rows, "gbk")


# ---------------------------------------------------------------- Taobao 订单导出 (千牛, one row per sub-order)

SUB_ORDER_HEAD = "子订单编号,主订单编号,标题,价格,购买数量,外部系统编号,商品属性,套餐信息,联系方式备注,订单状态,商家编码,支付单号,买家应付货款,买家实际支付金额,退款状态,退款金额,订单创建时间,订单付款时间,商品id,分阶段订单信息,备注标签,商家备注,主订单买家留言,发货时间,物流单号,物流公司,是否赔付,延迟发货主动赔付金额,赔付出账时间"


def taobao_sub_orders(out, orders):
    """formats.md §3.2b: xlsx, every cell text, `null` for empty, `无退款申请` for no refund."""
    table = [SUB_ORDER_HEAD.split(",")]
    for o in orders:
        status = platform_status(o)
        for l in o.lines:
            refunded = sum(a.amount for a in o.refunds() if a.line is l)
            shipped = o.ship_at is not None
            table.append([
                l.sub_no, o.no, l.title, yuan(l.price), str(l.qty), "null", "颜色分类：默认", "null", "null", status, l.sku, o.pay_no,
                yuan(l.goods), yuan(l.paid), "退款成功" if refunded else "没有申请退款", yuan(refunded) if refunded else "无退款申请",
                ts(o.paid_at - D(minutes=2)), ts(o.paid_at), "6%011d" % zlib.crc32(l.sku.encode()), "null", "null", "null", "null",
                ts(o.ship_at) if shipped else "null", ("YT%s" % o.no[-10:]) if shipped else "null", "圆通速递" if shipped else "null",
                "否", "null", "null",
            ])
    write_xlsx(os.path.join(out, "ExportOrderList_千牛_202611020901.xlsx"), "ExportOrderList_千牛_202611020901", table)


def write_xlsx(path, sheet, table):
    """A minimal workbook of inline text cells and no styles part, as 千牛 writes it."""
    def esc(v):
        return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def col(i):
        s = ""
        i += 1
        while i:
            i, r = divmod(i - 1, 26)
            s = chr(65 + r) + s
        return s

    body = []
    for r, cells in enumerate(table, 1):
        body.append('<row r="%d">%s</row>' % (r, "".join('<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>' % (col(i), r, esc(v)) for i, v in enumerate(cells))))
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="%s/officeDocument" Target="xl/workbook.xml"/></Relationships>' % rel,
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook %s xmlns:r="%s"><sheets><sheet name="%s" sheetId="1" r:id="rId1"/></sheets></workbook>' % (ns, rel, esc(sheet[:31])),
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="%s/worksheet" Target="worksheets/sheet1.xml"/></Relationships>' % rel,
        "xl/worksheets/sheet1.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet %s><sheetData>%s</sheetData></worksheet>' % (ns, "".join(body)),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data.encode("utf-8"))


# ---------------------------------------------------------------- Pinduoduo

def pdd_orders(out, orders):
    head = "商品,订单号,订单状态,商品总价(元),邮费(元),店铺优惠折扣(元),平台优惠折扣(元),多多支付立减金额(元),用户实付金额(元),商家实收金额(元),商品数量(件),发货时间,确认收货时间,商品id,商品规格,样式ID,商家编码-规格维度,商家编码-商品维度,商家备注,售后状态,快递单号,快递公司,订单成交时间"
    rows = [head]
    for o in orders:
        l = o.lines[0]
        if any(a.done_at for a in o.refunds()):
            after = "退款成功"
        elif any(a.done_at is None and a.kind in ("仅退款", "退货退款") for a in o.afters):
            after = "售后处理中"
        else:
            after = "无售后或售后取消"
        rows.append(row([
            l.title, o.no, platform_status(o), yuan(l.goods), yuan(o.postage), yuan(l.disc + o.flags.get("shown_discount_delta", 0)), "0.00", "0.00",
            yuan(o.paid), yuan(o.paid), l.qty, ts(o.ship_at), ts(o.confirm_at), "5%08d" % (zlib.crc32(l.sku.encode()) % 10**8), "默认", "", l.sku, l.sku.split("-")[0], "", after,
            ("YT%s" % o.no[-10:]) if o.ship_at else "", "圆通快递" if o.ship_at else "", ts(o.paid_at),
        ]))
    write(os.path.join(out, "拼多多订单导出_202610.csv"), rows, "gbk")


def pdd_funds(out, orders, rng):
    ev = []
    for o in orders:
        rel = o.release_at()
        before, after = money_split(o)
        if in_period(rel) and not o.flags.get("no_income"):
            income = o.paid - sum(a.amount for a in before) + o.flags.get("income_delta", 0)
            if income > 0:
                ev.append((rel, o.no, income, "交易收入", "-", "0010002|交易收入-订单收入"))
                ev.append((rel, o.no, -round_rate(income, 60) - o.flags.get("fee_delta", 0), "技术服务费", "基础技术服务费", "0030002|技术服务费-基础技术服务费"))
        for a in after:
            if in_period(a.done_at) and a.pay_out:
                ev.append((a.done_at + D(minutes=1), o.no, -(a.amount + a.outflow_delta), "交易退款", "-", "0020002|交易退款-订单退款"))
        if "orphan_refund" in o.flags:
            ev.append((rel + D(days=3), o.no, -o.flags["orphan_refund"][0], "交易退款", "-", "0020002|交易退款-订单退款"))
        if "orphan_income" in o.flags:
            ev.append((rel + D(hours=2), o.flags["orphan_income"], 4990, "交易收入", "-", "0010002|交易收入-订单收入"))
    ev.sort()
    rows = [
        "拼多多店铺账务明细查询",
        "",
        "起始时间：2026-10-01 00:00:00  终止时间：2026-10-31 23:59:59",
        "----------交易记录明细列表---------",
        "商户订单号,发生时间,收入金额（+元）,支出金额（-元）,账务类型,备注,业务描述",
    ]
    if rng.random() < 0.5:  # some versions lack the blank line and name the column differently
        del rows[1]
        rows[-1] = rows[-1].replace("商户订单号", "商户订单号或商品订单号", 1)
    n_in = n_out = s_in = s_out = 0
    for t, no, amt, kind, memo, desc in ev:
        rows.append(row([no, ts(t), yuan(amt) if amt > 0 else "0", yuan(amt) if amt < 0 else "0", kind, memo, desc]))
        if amt > 0:
            n_in, s_in = n_in + 1, s_in + amt
        else:
            n_out, s_out = n_out + 1, s_out + amt
    rows += [
        "#支出合计：%d笔%s元" % (n_out, yuan(s_out)),
        "#收入合计：%d笔%s元" % (n_in, yuan(s_in)),
        "#总计：%d笔%s元" % (n_in + n_out, yuan(s_in + s_out)),
        "#导出时间：2026-11-02 09:00:00",
    ]
    write(os.path.join(out, "拼多多货款明细_202610.csv"), rows, "gbk")


# ---------------------------------------------------------------- WeChat Pay (mini-program shop)

def wechat(out, orders, shop, ids, truths):
    mch = shop[3]
    appid = "wx1234567890abcdef"
    trade = []  # (time, cells)
    fund_ev = []  # (time, bizno, name, type, dir, amount, applicant, memo, voucher, flag)
    wxno = lambda: ids.digits("42000020262026", 14)
    for o in orders:
        tx = wxno()
        if in_period(o.paid_at) and not o.flags.get("no_income"):
            settle = o.paid + o.flags.get("income_delta", 0)
            fee = round_rate(settle, 60) + o.flags.get("fee_delta", 0)
            trade.append((o.paid_at, [ts(o.paid_at), appid, mch, "0", "", tx, o.pay_no, "oAbC%s" % o.no[-8:], "JSAPI", "SUCCESS", "OTHERS", "CNY", yuan(settle), "0.00", "0", "0", "0.00", "0.00", "", "", o.lines[0].title, "", "%s000" % yuan(fee), "0.60%", yuan(settle), "0.00", ""]))
            fund_ev.append((o.paid_at + D(seconds=1), tx, "交易", "交易", "收入", settle, "system", "", o.pay_no, None))
            fund_ev.append((o.paid_at + D(seconds=1), tx, "交易", "扣除交易手续费", "支出", fee, "system", "", o.pay_no, "dupe" if o.flags.get("dup_fee_row") else None))
        refunds = [(a.no, a.amount + a.outflow_delta, a.done_at, a) for a in o.refunds() if a.pay_out and in_period(a.done_at)]
        if "orphan_refund" in o.flags:
            amt, ghost = o.flags["orphan_refund"]
            refunds.append((ghost, amt, o.paid_at + D(days=3), None))
        for rno, amt, at, a in refunds:
            for k in range(2 if a is not None and a.outflow_twice else 1):
                at_k = at + D(hours=k)
                rfee = round_rate(amt, 60)
                wx_refund = ids.digits("503000020262026", 14)
                trade.append((at_k, [ts(at_k), appid, mch, "0", "", tx, o.pay_no, "oAbC%s" % o.no[-8:], "JSAPI", "REFUND", "OTHERS", "CNY", "0.00", "0.00", wx_refund, rno, yuan(amt), "0.00", "ORIGINAL", "SUCCESS", o.lines[0].title, "", "-%s000" % yuan(rfee), "0.60%", "0.00", yuan(amt), ""]))
                fund_ev.append((at_k + D(seconds=1), wx_refund, "退款", "退款", "支出", amt - rfee, "%sAPI" % mch, "退款总金额%s元;含手续费%s元" % (yuan(amt), yuan(rfee)), rno, None))
        if "orphan_income" in o.flags:
            ghost = o.flags["orphan_income"]
            t = o.paid_at + D(hours=3)
            gtx = wxno()
            trade.append((t, [ts(t), appid, mch, "0", "", gtx, ghost, "oAbCzz%s" % ghost[-6:], "JSAPI", "SUCCESS", "OTHERS", "CNY", "128.00", "0.00", "0", "0", "0.00", "0.00", "", "", "帆布托特包", "", "0.77000", "0.60%", "128.00", "0.00", ""]))
            fund_ev.append((t + D(seconds=1), gtx, "交易", "交易", "收入", 12800, "system", "", ghost, None))
            fund_ev.append((t + D(seconds=1), gtx, "交易", "扣除交易手续费", "支出", 77, "system", "", ghost, None))
    for d in range(6, 31, 7):
        fund_ev.append((dt.datetime(2026, 10, d, 11, 0), ids.digits("W2026", 12), "提现", "提现", "支出", None, "system", "提现至银行卡", "", None))
    trade.sort(key=lambda x: x[0])
    fund_ev.sort(key=lambda x: x[0])
    head = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"
    lines = [head] + [",".join("`" + c for c in cells) for _, cells in trade]
    n = len(trade)
    settle_sum = sum(int(c[12].replace(".", "")) for _, c in trade)
    refund_sum = sum(int(c[16].replace(".", "")) for _, c in trade)
    fee_sum = sum(int(c[22].replace(".", "").replace("-", "")) * (-1 if c[22].startswith("-") else 1) for _, c in trade)
    lines.append("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额")
    fee_txt = ("-" if fee_sum < 0 else "") + "%d.%05d" % (abs(fee_sum) // 100000, abs(fee_sum) % 100000)
    lines.append(",".join("`" + c for c in [str(n), yuan(settle_sum), yuan(refund_sum), "0.00", fee_txt, yuan(settle_sum), yuan(refund_sum)]))
    write(os.path.join(out, "%s_All_20261001-20261031.csv" % mch), lines, "utf-8", bom=True)

    bal = 2000000
    seq = Seq(mch + "2026100", 10000000)
    flines = ["记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额（元）,账户结余（元）,资金变更提交申请人,备注,业务凭证号"]
    if ids.rng.random() < 0.5:  # SDK fixtures write half-width parentheses
        flines[0] = flines[0].replace("（元）", "(元)")
    n_in = n_out = s_in = s_out = 0
    wd = 0
    shift = 0
    for t, biz, name, typ, d, amt, who, memo, voucher, flag in fund_ev:
        if amt is None:
            amt = bal * 3 // 10
        for k in range(2 if flag == "dupe" else 1):
            bal += amt if d == "收入" else -amt
            rid = seq()
            if name == "提现":
                wd += 1
                if wd == 2:
                    shift = 10000
                    truths.append({"code": "BALANCE_BREAK", "shop": shop[0], "platform": "wechat", "refund_no": None, "order_no": None, "txn_no": rid, "sku": None, "note": "资金账单 balance jumps by 100.00 at a withdrawal"})
            flines.append(",".join("`" + c for c in [ts(t + D(seconds=k)), biz, rid, name, typ, d, yuan(amt), yuan(bal + shift), who, memo, voucher]))
            if d == "收入":
                n_in, s_in = n_in + 1, s_in + amt
            else:
                n_out, s_out = n_out + 1, s_out + amt
    flines.append("资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额")
    flines.append(",".join("`" + c for c in [str(n_in + n_out), str(n_in), yuan(s_in), str(n_out), yuan(s_out)]))
    write(os.path.join(out, "%s_资金账单_基本账户_20261001-20261031.csv" % mch), flines, "utf-8", bom=True)


# ---------------------------------------------------------------- JD POP

def jd(out, orders, shop, ids):
    head = "订单号,商品ID,商品名称,订购数量,支付方式,下单时间,京东价,订单金额,结算金额,余额支付,应付金额,订单状态,订单类型,下单帐号,客户姓名,客户地址,联系电话,订单备注,发票类型,发票抬头,发票内容,商家备注,商家备注等级（等级1-5为由高到低）,运费金额,付款确认时间,增值税发票,货号,订单完成时间,订单来源,订单渠道,商家SKUID"
    rows = [head]
    for o in orders:
        for l in o.lines:
            rows.append(row([
                '="%s"' % o.no, '="1000%08d"' % (zlib.crc32(l.sku.encode()) % 10**8), l.title, l.qty, "在线支付", ts(o.paid_at - D(minutes=1)), yuan(l.price), yuan(l.goods),
                yuan(l.paid), "0.00", yuan(l.paid), platform_status(o), "SOP", "jd_****", "王**", "北京市**", "", "", "电子发票", "个人", "明细", "", "",
                "0.00", ts(o.paid_at), "否", l.sku, ts(o.confirm_at), "京东商城", "APP", l.sku,
            ]))
    write(os.path.join(out, "京东订单导出_202610.csv"), rows, "gbk")

    stl = ["订单编号,父单号,订单状态,订单下单时间,订单完成时间,售后服务单号,售后退款时间,商品编号,商品名称,商品数量,扣点类型,佣金比例,费用名称,应结金额,币种,收支方向,结算状态,预计结算时间,账单生成时间,到账时间,商户订单号,资金动账备注"]
    wallet_ev = []
    for o in orders:
        rel = o.release_at()
        if in_period(rel) and not o.flags.get("no_income"):
            batch = ids.digits("2026%s0000113326" % rel.strftime("%m%d"), 11)
            net = 0
            for l in o.lines:
                before, _ = money_split(o, l)
                goods = l.paid - sum(a.amount for a in before)
                if goods <= 0:
                    continue
                fee = round_rate(goods, 500)
                net += goods - fee
                base = [o.no, o.no, "完成", ts(o.paid_at), ts(o.confirm_at), "", "", "1000%08d" % (zlib.crc32(l.sku.encode()) % 10**8), l.title, l.qty, "基础扣点", "0.05"]
                stl.append(row(base + ["货款", yuan(goods), "CNY", "收入", "已结算", ts(rel), rel.strftime("%Y%m%d"), ts(rel), batch, ""]))
                stl.append(row(base + ["佣金", yuan(-fee), "CNY", "支出", "已结算", ts(rel), rel.strftime("%Y%m%d"), ts(rel), batch, ""]))
            if net:
                wallet_ev.append((rel, batch, net + o.flags.get("arrival_delta", 0), "货款结算"))
        _, after = money_split(o)
        for a in after:
            if in_period(a.done_at) and a.pay_out:
                t = a.done_at + D(hours=1)
                batch = ids.digits("2026%s0000113327" % t.strftime("%m%d"), 11)
                l = a.line
                base = [o.no, o.no, "完成", ts(o.paid_at), ts(o.confirm_at), a.no, ts(a.done_at), "1000%08d" % (zlib.crc32(l.sku.encode()) % 10**8), l.title, a.qty, "基础扣点", "0.05"]
                stl.append(row(base + ["货款", yuan(-(a.amount)), "CNY", "支出", "已结算", ts(t), t.strftime("%Y%m%d"), ts(t), batch, "售后退款扣回"]))
                # JD gives the commission on refunded goods back in the same statement
                back = round_rate(a.amount, 500)
                stl.append(row(base + ["佣金", yuan(back), "CNY", "收入", "已结算", ts(t), t.strftime("%Y%m%d"), ts(t), batch, "售后退款退佣"]))
                wallet_ev.append((t, batch, -(a.amount + a.outflow_delta) + back, "售后退款"))
    write(os.path.join(out, "京东对账表_202610.csv"), stl, "utf-8", bom=True)
    wallet_ev.sort()
    bal = 3000000
    wl = ["商户号,账户代码,账户名称,日期,商户订单号,账户余额(元),收入金额(元),支出金额(元),交易备注,账单日期"]
    for t, batch, amt, memo in wallet_ev:
        bal += amt
        wl.append(row([shop[3], "0001", "钱包余额", ts(t), batch, yuan(bal), yuan(amt) if amt > 0 else "0.00", yuan(-amt) if amt < 0 else "0.00", memo, t.strftime("%Y%m%d")]))
    write(os.path.join(out, "京东钱包资金表_202610.csv"), wl, "utf-8", bom=True)


# ---------------------------------------------------------------- Douyin

def q(v):
    return '"\t%s"' % v


def douyin(out, orders, shop, ids):
    head = "主订单编号,子订单编号,选购商品,商品规格,商品数量,商家编码,商品单价,订单应付金额,运费,收件人,收件人手机号,详细地址,订单提交时间,支付完成时间,商家备注,订单完成时间,订单状态,售后状态,取消原因,发货时间,平台实际承担优惠金额,商家实际承担优惠金额,达人实际承担优惠金额"
    rows = [head]
    for o in orders:
        for k, l in enumerate(o.lines):
            refunded = [a for a in o.refunds() if a.line is l]
            shown_disc = l.disc + (o.flags.get("shown_discount_delta", 0) if k == 0 else 0)
            rows.append(",".join([
                q(o.no), q(l.sub_no), q(l.title), q("默认"), str(l.qty), q(l.sku), yuan(l.price), yuan(l.paid), "0.00", "##密文", "$$密文", "##密文",
                ts(o.paid_at - D(minutes=1)), ts(o.paid_at), "-", ts(o.confirm_at) or "-", platform_status(o), "退款成功" if refunded else "-",
                "主品订单售后完成" if o.closed() else "", ts(o.ship_at) or "-", "0.00", yuan(shown_disc), "0.00",
            ]))
    write(os.path.join(out, "抖店订单导出_202610.csv"), rows, "utf-8", bom=True)

    stl = ["结算时间,订单号,子订单号,结算金额,结算账户,结算单类型,有结算前退款,下单时间,收入合计,支出合计,平台服务费,达人佣金", " , , ,收入+支出, , , , , , , , "]
    flow = ["动账时间,动帐流水号,动账方向,动账金额,动账账户,动账场景,计费类型,子订单号,订单号,订单实付应结,运费实付,实际平台补贴,订单退款,平台服务费,佣金,招商服务费,站外推广费,售后编号,备注"]
    ev = []
    for o in orders:
        rel = o.release_at()
        for l in o.lines:
            before, after = money_split(o, l)
            if in_period(rel):
                income = l.paid - sum(a.amount for a in before)
                if income > 0:
                    fee = round_rate(income, 500)
                    net = income - fee
                    stl.append(",".join([ts(rel), "'" + o.no, "'" + l.sub_no, yuan(net), "聚合账户", "已结算", "是" if before else "否", ts(o.paid_at - D(minutes=1)), yuan(income), yuan(fee), yuan(fee), "0.00"]))
                    ev.append((rel + D(minutes=1), "入账", net + o.flags.get("arrival_delta", 0), "货款结算入账", l.sub_no, o.no, income, -sum(a.amount for a in before), fee, ""))
            for a in after:
                if in_period(a.done_at) and a.pay_out:
                    t = a.done_at + D(minutes=5)
                    stl.append(",".join([ts(t), "'" + o.no, "'" + l.sub_no, yuan(-a.amount), "聚合账户", "结算后退款-非原路退回", "否", ts(o.paid_at - D(minutes=1)), "0.00", yuan(a.amount), "0.00", "0.00"]))
                    ev.append((t, "出账", a.amount + a.outflow_delta, "退款-结算后退款-退用户", l.sub_no, o.no, 0, -a.amount, 0, a.no))
    write(os.path.join(out, "抖店结算账单_202610.csv"), stl, "utf-8", bom=True)
    ev.sort()
    seq = Seq("'7%s" % "20261000", 10000000000)
    for t, d, amt, scene, sub, no, income, refund, fee, ano in ev:
        flow.append(",".join([ts(t), seq(), d, yuan(amt), "聚合账户", scene, "小店自卖", "'" + sub, "'" + no, yuan(income), "0.00", "0.00", yuan(refund), yuan(-fee), "0.00", "0.00", "0.00", ano, ""]))
    write(os.path.join(out, "抖店资金流水_202610.csv"), flow, "utf-8", bom=True)


# ---------------------------------------------------------------- ERP (通用ERP格式)

def erp(out, orders, ids, rng, unknown_shop=False):
    o_rows = ["店铺,平台,订单号,ERP单号,订单状态,更新时间,付款时间,商品金额,运费,优惠金额,实付金额,支付方式,支付单号"]
    a_rows = ["店铺,平台,订单号,售后单号,售后类型,状态,申请时间,完成时间,申请金额,退款金额,商家编码,数量,原因"]
    s_rows = ["店铺,订单号,子订单号,商家编码,数量,发货时间,物流公司,运单号,发货类型,售后单号"]
    r_rows = ["店铺,订单号,售后单号,商家编码,数量,入库时间,质检结果"]
    c_rows = ["店铺,订单号,工单号,类型,创建时间,原因"]
    waybill = Seq("YT", 7300000000000)
    for o in orders:
        shopname, plat = o.shop[2], ERP_PLATFORM[o.platform]
        times = [o.paid_at, o.ship_at, o.confirm_at] + [a.done_at for a in o.afters] + [a.apply_at for a in o.afters]
        updated = max(t for t in times if t is not None and t < CUTOFF)
        if o.erp_status:
            updated = o.paid_at + D(hours=3)  # the ERP record went stale after payment
        pay = ["", "", "", "", "", ""]
        if o.platform == "wechat":
            disc = o.disc + o.flags.get("shown_discount_delta", 0)
            pay = [ts(o.paid_at), yuan_sep(o.goods), yuan(o.postage), yuan(disc), yuan_sep(o.paid), "微信支付", o.pay_no]
        else:
            pay = [""] * 7
        o_rows.append(row([shopname, plat, o.no, ids.digits("XD", 10), erp_status(o), ts(updated)] + pay))
        if o.ship_at is not None and not o.flags.get("no_erp_ship"):
            pre_refunded = {a.line.sku for a in o.afters if a.phase == "售中" and a.done_at and not o.flags.get("planted") == "shipped_after_refund"}
            for l in o.lines:
                if l.sku in pre_refunded:
                    continue
                s_rows.append(row([shopname, o.no, l.sub_no, l.sku, l.qty, ts(o.ship_at), "圆通速递", waybill(), "正常", ""]))
        for line, qty, at, kind, ano in o.extra_ships:
            s_rows.append(row([shopname, o.no, line.sub_no, line.sku, qty, ts(at), "圆通速递", waybill(), kind, ano or ""]))
        for a in o.afters:
            if o.platform not in ("tmall", "taobao") or a.kind in ("换货", "补发"):
                if a.kind in ("换货", "补发"):
                    status = a.status if a.status != "已完成" else ("已完成" if a.ship_at else "已同意")
                    done = a.ship_at
                else:
                    status = a.status if a.done_at is None else "已完成"
                    done = a.done_at
                a_rows.append(row([shopname, plat, o.no, a.no, a.kind, status, ts(a.apply_at), ts(done), yuan(a.amount), yuan(a.amount if a.done_at else 0), a.line.sku, a.qty,
                                   {"仅退款": "不想要了", "退货退款": "七天无理由", "换货": "尺码不合适", "补发": "少件"}[a.kind]]))
            if a.ship_at is not None:
                s_rows.append(row([shopname, o.no, a.line.sub_no, a.line.sku, a.qty, ts(a.ship_at), "顺丰速运", waybill(), a.kind, a.no]))
            if a.receipt is not None and a.receipt[2] < CUTOFF:
                sku, qty, at = a.receipt
                r_rows.append(row([shopname, o.no, a.no, sku, qty, ts(at), "良品"]))
        if rng.random() < 0.02 and o.ship_at is not None:
            c_rows.append(row([shopname, o.no, ids.digits("GD", 8), "投诉", ts(o.ship_at + D(days=1)), "物流慢"]))
    if unknown_shop:
        # an order and its shipment from a shop the settings do not name (an ERP shop of no
        # configured platform may be any shop's: the matching checks then do not run)
        ghost = ids.digits("25", 17)  # 快手 order number
        o_rows.append(row([UNKNOWN_ERP_SHOP, "其他", ghost, ids.digits("XD", 10), "已发货", ts(dt.datetime(2026, 10, 10, 9, 0))] + [""] * 7))
        s_rows.append(row([UNKNOWN_ERP_SHOP, ghost, ghost, "HAT-KNIT", 1, ts(dt.datetime(2026, 10, 10, 9, 0)), "圆通速递", waybill(), "正常", ""]))
    write(os.path.join(out, "ERP订单_202610.csv"), o_rows, "utf-8", bom=True)
    write(os.path.join(out, "ERP售后单_202610.csv"), a_rows, "gbk")
    write(os.path.join(out, "ERP发货单_202610.csv"), s_rows, "utf-8", bom=True)
    write(os.path.join(out, "ERP退货入库单_202610.csv"), r_rows, "utf-8")
    write(os.path.join(out, "客服工单_202610.csv"), c_rows, "utf-8", bom=True)
