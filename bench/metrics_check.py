#!/usr/bin/env python3
"""Recomputes the after-sales metrics of a month from its files, independently of duizhang,
and compares them with the run's metrics.json by shop, SKU, reason and after-sale type.

Standard library only. The files are read as the platforms and the generic ERP format write
them (docs/formats.md, crates/import/profiles/*.toml) and the metrics follow docs/report.md
("指标口径"), not the engine's code:

    python3 bench/metrics_check.py 文件夹 metrics.json --config duizhang.toml --period 2026-10

Read: the ERP 售后单 (店铺, 售后单号, 售后类型, 状态, 申请时间, 完成时间, 退款金额, 商家编码, 原因),
Taobao / Tmall 退款报表 (.xlsx; its shop from the order's shop in the order exports), the
order exports that name a shop (Tmall ExportOrderList 店铺名称, Taobao trade JSON seller_nick)
and the 客服工单 (类型 投诉). Exit status 0 when every compared figure agrees, 1 otherwise.
"""

import argparse
import csv
import io
import json
import re
import sys
import tomllib
import zipfile
from collections import defaultdict
from datetime import datetime
from pathlib import Path

NO_SKU = "（未注明商品）"
UNSPLIT = "（多个商品，未分摊）"
NO_REASON = "（未填写原因）"
NO_SHOP = "（未分配店铺）"

FIGURES = [
    "orders",
    "gmv_fen",
    "after_sales",
    "after_sale_orders",
    "return_orders",
    "refund_only",
    "refund_only_fen",
    "refund_fen",
    "handled",
    "handling_secs",
    "complaints",
]


def fen(text):
    """Yuan text to integer fen, exactly (no float)."""
    text = text.strip().replace(",", "")
    if not text:
        return 0
    neg = text.startswith("-")
    text = text.lstrip("+-")
    whole, _, frac = text.partition(".")
    if len(frac) > 2 and frac[2:].strip("0"):
        raise ValueError(f"金额 {text} 精确到分以下")
    value = int(whole or "0") * 100 + int((frac + "00")[:2])
    return -value if neg else value


def when(text):
    text = text.strip()
    if not text or text == "-":
        return None
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")


def read_text(path):
    data = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ValueError(f"{path}: 无法识别编码")


def clean(cell):
    """Cell text without the marks exports put before numbers (', `, =\"…\", tabs)."""
    cell = cell.strip().strip("\t")
    if cell.startswith('="') and cell.endswith('"'):
        cell = cell[2:-1]
    return cell.lstrip("'`\t").strip()


def csv_rows(path):
    """(physical line, row dict) of a CSV file whose header is its first line."""
    text = read_text(path)
    reader = csv.reader(io.StringIO(text))
    header = None
    for row in reader:
        line = reader.line_num
        if header is None:
            header = [clean(h) for h in row]
            continue
        if not any(c.strip() for c in row):
            continue
        yield line, {h: clean(c) for h, c in zip(header, row)}


def xlsx_rows(path):
    """(row number, row dict) of the first sheet of a workbook."""
    z = zipfile.ZipFile(path)
    strings = []
    if "xl/sharedStrings.xml" in z.namelist():
        xml = z.read("xl/sharedStrings.xml").decode()
        for si in re.findall(r"<si>(.*?)</si>", xml, re.S):
            strings.append(unescape("".join(re.findall(r"<t[^>]*>(.*?)</t>", si, re.S))))
    xml = z.read("xl/worksheets/sheet1.xml").decode()
    header = None
    for number, body in re.findall(r'<row r="(\d+)"[^>]*>(.*?)</row>', xml, re.S):
        cells = {}
        for col, attrs, inner in re.findall(r'<c r="([A-Z]+)\d+"([^>]*?)(?:/>|>(.*?)</c>)', body, re.S):
            v = re.search(r"<v>(.*?)</v>", inner or "", re.S)
            t = re.search(r"<t[^>]*>(.*?)</t>", inner or "", re.S)
            if 't="s"' in attrs and v:
                value = strings[int(v.group(1))]
            elif v:
                value = unescape(v.group(1))
            elif t:
                value = unescape(t.group(1))
            else:
                value = ""
            cells[col] = value.strip()
        if header is None:
            header = cells
            continue
        yield int(number), {header[c]: v for c, v in cells.items() if c in header}


def unescape(s):
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


class Shops:
    """The settings' shops: a shop name or alias names a shop id."""

    def __init__(self, config):
        self.by_name = {}
        self.names = {}
        # The one shop of a platform whose order export names no shop.
        self.of_platform = {}
        for s in config.get("shops", []):
            self.of_platform.setdefault(s.get("platform"), s["id"])
            self.names[s["id"]] = s.get("name") or s["id"]
            for n in [s["id"], s.get("name")] + s.get("aliases", []):
                if n:
                    self.by_name[n.strip()] = s["id"]

    def of(self, name):
        return self.by_name.get((name or "").strip(), NO_SHOP)


def read_month(folder, shops, start, end):
    """The after-sales and complaints of the month, and the shops of the orders that name one."""
    order_shop = {}
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    for p in files:
        if p.suffix == ".jsonl":
            for line in p.read_text(encoding="utf-8").splitlines():
                if not line.strip():
                    continue
                trade = json.loads(line).get("trade_fullinfo_get_response", {}).get("trade", {})
                if trade.get("tid_str"):
                    order_shop[trade["tid_str"]] = shops.of(trade.get("seller_nick"))
        elif p.suffix == ".csv":
            head = read_text(p).split("\n", 1)[0]
            if "店铺名称" in head and "订单编号" in head:
                for _, r in csv_rows(p):
                    order_shop[r["订单编号"]] = shops.of(r["店铺名称"])

    after_sales = []  # dicts in file order
    complaints = []
    for p in files:
        if p.suffix == ".csv":
            head = read_text(p).split("\n", 1)[0]
            cols = [clean(h) for h in head.strip().split(",")]
            if {"售后单号", "售后类型", "退款金额", "申请时间"} <= set(cols):
                by_no = {}
                for line, r in csv_rows(p):
                    a = by_no.get(r["售后单号"])
                    if a is None:
                        a = {
                            "refund_no": r["售后单号"],
                            "order_no": r["订单号"],
                            "shop": shops.of(r["店铺"]),
                            "kind": r["售后类型"],
                            "completed": r["状态"] == "已完成",
                            "applied": when(r["申请时间"]),
                            "finished": when(r["完成时间"]),
                            "refunded": 0,
                            "lines": [],
                            "reason": r.get("原因", "").strip() or None,
                            "file": p.name,
                            "line": line,
                        }
                        by_no[r["售后单号"]] = a
                        after_sales.append(a)
                    amount = fen(r["退款金额"])
                    a["refunded"] += amount
                    # The generic ERP format states amounts per row: each row is its SKU's.
                    a["lines"].append((r["商家编码"] or None, amount))
            elif {"工单号", "类型", "创建时间"} <= set(cols):
                for line, r in csv_rows(p):
                    if r["类型"] != "投诉":
                        continue
                    complaints.append(
                        {
                            "shop": shops.of(r["店铺"]),
                            "at": when(r["创建时间"]),
                            "reason": r.get("原因", "").strip() or None,
                        }
                    )
        elif p.suffix == ".xlsx":
            rows = list(xlsx_rows(p))
            if not rows or "退款编号" not in rows[0][1]:
                continue
            for number, r in rows:
                success = r.get("退款状态") == "退款成功"
                kind = r.get("售后类型") or ("退货退款" if r.get("是否需要退货") == "是" else "仅退款")
                after_sales.append(
                    {
                        "refund_no": r["退款编号"],
                        "order_no": r["订单编号"],
                        "shop": order_shop.get(r["订单编号"], NO_SHOP),
                        "kind": kind,
                        "completed": success,
                        "applied": when(r.get("退款的申请时间", "")),
                        "finished": when(r.get("退款完结时间", "")),
                        # 买家退款金额 is what was asked; it was paid only when the refund succeeded.
                        "refunded": fen(r.get("买家退款金额", "")) if success else 0,
                        "lines": [(r.get("商品编码") or None, None)],
                        "reason": (r.get("买家退款原因") or "").strip() or None,
                        "file": p.name,
                        "line": number,
                    }
                )
    return after_sales, complaints


def read_orders(folder, shops, platform_shop):
    """The month's orders sold, as (order no, shop, time, paid fen), by the platforms' rules:
    not paid or cancelled is no order; Taobao's 交易关闭 after payment is a refunded order
    (sold); a Pinduoduo order 已取消 whose 售后状态 says 退款成功 was paid and refunded. JD repeats
    the order's amounts on each goods row. A shop with no platform order file (the WeChat
    mini-program) has its orders only in the ERP: 待审核 and 已取消 are not sold."""
    orders = {}

    def add(platform, no, shop, at, paid):
        orders.setdefault((platform, no), (shop, at, paid))

    files = sorted(p for p in folder.rglob("*") if p.is_file())
    for p in files:
        if p.suffix == ".jsonl":
            for line in p.read_text(encoding="utf-8").splitlines():
                t = json.loads(line).get("trade_fullinfo_get_response", {}).get("trade") if line.strip() else None
                if not t or t["status"] in ("WAIT_BUYER_PAY", "TRADE_NO_CREATE_PAY", "TRADE_CLOSED_BY_TAOBAO"):
                    continue
                at = when(t.get("pay_time") or "") or when(t.get("created") or "")
                add("taobao", t["tid_str"], shops.of(t.get("seller_nick")), at, fen(t.get("payment", "")))
            continue
        if p.suffix != ".csv":
            continue
        cols = set(clean(h) for h in read_text(p).split("\n", 1)[0].strip().split(","))
        if {"订单编号", "店铺名称", "买家实际支付金额"} <= cols:
            for _, r in csv_rows(p):
                paid_at = when(r["订单付款时间"])
                if r["订单状态"] == "等待买家付款" or (r["订单状态"] == "交易关闭" and not paid_at):
                    continue
                add("tmall", r["订单编号"], shops.of(r["店铺名称"]), paid_at or when(r["订单创建时间"]), fen(r["买家实际支付金额"]))
        elif {"订单号", "用户实付金额(元)", "订单成交时间"} <= cols:
            for _, r in csv_rows(p):
                st = r["订单状态"]
                if st in ("待付款", "未付款", "待支付"):
                    continue
                if st in ("已取消", "已关闭", "交易关闭") and "退款成功" not in r.get("售后状态", ""):
                    continue
                add("pdd", r["订单号"], platform_shop.get("pdd", NO_SHOP), when(r["订单成交时间"]), fen(r["用户实付金额(元)"]))
        elif {"主订单编号", "子订单编号", "订单应付金额"} <= cols:
            by = {}
            for _, r in csv_rows(p):
                if r["订单状态"] in ("已关闭", "已取消", "待支付", "待付款"):
                    continue
                o = by.setdefault(r["主订单编号"], [when(r["订单提交时间"]), 0])
                o[1] += fen(r["订单应付金额"])
            for no, (at, paid) in by.items():
                add("douyin", no, platform_shop.get("douyin", NO_SHOP), at, paid)
        elif {"订单号", "京东价", "应付金额", "下单时间"} <= cols:
            for _, r in csv_rows(p):
                if r["订单状态"] in ("已取消", "取消"):
                    continue
                at = when(r["付款确认时间"]) or when(r["下单时间"])
                add("jd", r["订单号"], platform_shop.get("jd", NO_SHOP), at, fen(r["应付金额"]))
    with_file = {shop for shop, _, _ in orders.values()}
    for p in files:
        if p.suffix == ".csv" and {"ERP单号", "订单状态", "实付金额"} <= set(
            clean(h) for h in read_text(p).split("\n", 1)[0].strip().split(",")
        ):
            for _, r in csv_rows(p):
                shop = shops.of(r["店铺"])
                if shop in with_file or r["订单状态"] in ("待审核", "已取消"):
                    continue
                at = when(r["付款时间"]) or when(r["更新时间"])
                add("erp", r["订单号"], shop, at, fen(r["实付金额"]))
    return list(orders.values())


def sku_split(a):
    """Per-SKU refund: by line amounts when the file gives them, else all to the one SKU."""
    if any(amount is not None for _, amount in a["lines"]):
        by = defaultdict(int)
        for sku, amount in a["lines"]:
            by[sku or NO_SKU] += amount or 0
        return sorted(by.items())
    skus = {sku for sku, _ in a["lines"] if sku}
    if not skus:
        return [(NO_SKU, a["refunded"])]
    if len(skus) == 1:
        return [(skus.pop(), a["refunded"])]
    return [(UNSPLIT, a["refunded"])]


def recompute(orders, after_sales, complaints, start, end):
    figures = defaultdict(lambda: defaultdict(int))
    for shop, at, paid in orders:
        if at is not None and not (start <= at < end):
            continue
        for g in [("total", ""), ("shop", shop)]:
            figures[g]["orders"] += 1
            figures[g]["gmv_fen"] += paid
    orders_seen = defaultdict(set)
    returns_seen = defaultdict(set)
    seen = set()
    for a in after_sales:
        at = a["applied"] or a["finished"]
        if at is not None and not (start <= at < end):
            continue
        if (a["shop"], a["refund_no"]) in seen:
            continue  # the same after-sale in the ERP and the platform's report counts once
        seen.add((a["shop"], a["refund_no"]))
        groups = [
            (("total", ""), a["refunded"]),
            (("shop", a["shop"]), a["refunded"]),
            (("reason", a["reason"] or NO_REASON), a["refunded"]),
            (("kind", a["kind"]), a["refunded"]),
        ] + [(("sku", sku), amount) for sku, amount in sku_split(a)]
        handled = a["completed"] and a["applied"] and a["finished"]
        for g, amount in groups:
            f = figures[g]
            f["after_sales"] += 1
            f["refund_fen"] += amount
            if a["kind"] == "仅退款":
                f["refund_only"] += 1
                f["refund_only_fen"] += amount
            if handled:
                f["handled"] += 1
                f["handling_secs"] += int((a["finished"] - a["applied"]).total_seconds())
            if a["order_no"] not in orders_seen[g]:
                orders_seen[g].add(a["order_no"])
                f["after_sale_orders"] += 1
            if a["kind"] == "退货退款" and a["order_no"] not in returns_seen[g]:
                returns_seen[g].add(a["order_no"])
                f["return_orders"] += 1
    for c in complaints:
        if not (start <= c["at"] < end):
            continue
        for g in [("total", ""), ("shop", c["shop"]), ("reason", c["reason"] or NO_REASON)]:
            figures[g]["complaints"] += 1
    return figures


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path, help="the month's files (duizhang demo: demo-out/files)")
    ap.add_argument("metrics", type=Path, help="the run's metrics.json")
    ap.add_argument("--config", type=Path, required=True, help="the settings file (duizhang.toml)")
    ap.add_argument("--period", required=True, help="YYYY-MM")
    args = ap.parse_args()
    year, month = map(int, args.period.split("-"))
    start = datetime(year, month, 1)
    end = datetime(year + month // 12, month % 12 + 1, 1)
    shops = Shops(tomllib.loads(args.config.read_text(encoding="utf-8")))
    after_sales, complaints = read_month(args.folder, shops, start, end)
    orders = read_orders(args.folder, shops, shops.of_platform)
    mine = recompute(orders, after_sales, complaints, start, end)

    metrics = json.loads(args.metrics.read_text(encoding="utf-8"))
    theirs = {}
    for g in metrics["groups"]:
        if g["dimension"] in ("total", "shop", "reason", "kind", "sku"):
            key = g["key"] if g["dimension"] != "kind" else g["label"]
            theirs[(g["dimension"], key)] = g["figures"]

    compared = disagreements = 0
    for g in sorted(set(mine) | set(theirs)):
        expected = mine.get(g, {})
        actual = theirs.get(g, {})
        for name in FIGURES:
            e, a = expected.get(name, 0), actual.get(name, 0)
            if g[0] in ("kind", "sku") and name == "complaints":
                continue  # tickets name no goods and no after-sale type
            if g[0] not in ("total", "shop") and name in ("orders", "gmv_fen"):
                continue  # orders are compared by shop and in total
            compared += 1
            if e != a:
                disagreements += 1
                print(f"不一致 {g[0]}={g[1]} {name}: 重算 {e}，metrics.json {a}")
    print(
        f"{len(orders)} 张订单、{len(after_sales)} 条售后记录、{len(complaints)} 张投诉工单；"
        f"比较 {compared} 个数字（按全部、店铺、商品、原因、售后类型），不一致 {disagreements} 个"
    )
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
