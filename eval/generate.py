#!/usr/bin/env python3
"""Write an independent evaluation month: files as sellers download them, the settings a
user would write (shop names and fund accounts only), and truth.json of planted problems.

    eval/generate.py --seed 1 --orders 3000 --out /tmp/world
"""

import argparse
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import plants  # noqa: E402
import world  # noqa: E402
import writers  # noqa: E402


def settings_toml():
    out = ["# 对账设置：只有店铺名称与资金账户", ""]
    for sid, plat, name, acct in world.SHOPS:
        out += ["[[shops]]", 'id = "%s"' % sid, 'name = "%s"' % name, 'platform = "%s"' % plat, 'aliases = ["%s"]' % name]
        if acct:
            out.append('fund_accounts = ["%s"]' % acct)
        if plat == "tmall":
            out.append('commission_rate = "5%"  # 天猫佣金，按类目费率')
        if plat == "pdd":
            out.append('payment_fee_rate = "0.6%"  # 技术服务费')
        out.append("")
    return "\n".join(out)


def active_in_period(o):
    times = [o.paid_at, o.ship_at, o.confirm_at] + [a.done_at for a in o.afters] + [a.apply_at for a in o.afters]
    return any(t is not None and t >= world.PERIOD_START for t in times) or any(
        a.done_at is None and a.kind in ("仅退款", "退货退款") for a in o.afters
    )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--orders", type=int, default=3000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--per-code", type=int, default=2, help="plants per code and platform")
    ap.add_argument("--unknown-erp-shop", action="store_true", help="add an ERP order and shipment of a shop the settings do not name")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    ids, orders = world.build(rng, args.orders)
    orders = [o for o in orders if active_in_period(o)]
    truths = plants.plant_all(rng, ids, orders, args.per_code)

    files = os.path.join(args.out, "files")
    os.makedirs(files, exist_ok=True)
    by = {s[1]: [o for o in orders if o.shop is s] for s in world.SHOPS}
    shop = {s[1]: s for s in world.SHOPS}
    writers.tmall_orders(files, by["tmall"], shop["tmall"])
    writers.tmall_refunds(files, by["tmall"])
    writers.alipay(files, by["tmall"], shop["tmall"], rng, truths)
    writers.taobao_sub_orders(files, by["taobao"])
    refund_head = writers.REFUND_HEAD_C if rng.random() < 0.5 else writers.REFUND_HEAD_A
    writers.tmall_refunds(files, by["taobao"], refund_head, "退款报表_淘宝店_202610.csv")
    writers.alipay(files, by["taobao"], shop["taobao"], rng, truths, zipped=True)
    writers.pdd_orders(files, by["pdd"])
    writers.pdd_funds(files, by["pdd"], rng)
    writers.wechat(files, by["wechat"], shop["wechat"], ids, truths)
    writers.jd(files, by["jd"], shop["jd"], ids)
    writers.douyin(files, by["douyin"], shop["douyin"], ids)
    writers.erp(files, orders, ids, rng, args.unknown_erp_shop)

    with open(os.path.join(args.out, "settings.toml"), "w", encoding="utf-8") as f:
        f.write(settings_toml())
    truths.sort(key=lambda t: (t["code"], t["shop"], t["refund_no"] or "", t["order_no"] or "", t["txn_no"] or "", t["sku"] or ""))
    shops = {s[0]: {"platform": s[1], "name": s[2]} for s in world.SHOPS}
    with open(os.path.join(args.out, "truth.json"), "w", encoding="utf-8") as f:
        json.dump({"period": "2026-10", "seed": args.seed, "orders": len(orders), "shops": shops, "unassigned": 2 if args.unknown_erp_shop else 0, "findings": truths}, f, ensure_ascii=False, indent=1)
    print("%d orders, %d planted findings -> %s" % (len(orders), len(truths), args.out))


if __name__ == "__main__":
    main()
