#!/usr/bin/env python3
"""Compares the engine's findings.jsonl with the SQL findings CSV of run.py.

Usage:

    python3 bench/duckdb/compare.py OUT_DIR/findings.jsonl SQL_FINDINGS.csv

Findings are keyed by (code, shop, order_no, txn_no, sku) and compared with their amounts;
refund numbers are shown but not keyed (the engine may quote a reference as the file wrote it).
Only the codes checks.sql implements are compared. Prints per code how many findings both
sides have, and lists up to 10 findings only one side has. Exit status 0 either way: the
comparison is information, not a test.
"""

import collections
import csv
import json
import sys

CODES = {
    "PAYMENT_MISSING", "PAYMENT_AMOUNT_MISMATCH", "PAYMENT_ORPHAN", "REFUND_UNPAID",
    "REFUND_ORPHAN", "REFUND_AMOUNT_MISMATCH", "REFUND_EXCEEDS_PAID", "REFUND_DUPLICATE",
    "FLOW_DUPLICATE", "BALANCE_BREAK", "DUPLICATE_SHIPMENT", "RETURN_NOT_RECEIVED",
    "RECEIVED_NOT_REFUNDED", "RETURN_MISMATCH", "AFTERSALE_OVERDUE", "STATUS_MISMATCH",
    "ORDER_AMOUNT_ERROR",
}


def key(f):
    return tuple(f.get(k) or None for k in ("code", "shop", "order_no", "txn_no", "sku"))


def amounts(f):
    def num(v):
        return None if v in (None, "") else int(v)
    return num(f.get("expected_fen")), num(f.get("actual_fen"))


def load_engine(path):
    out = collections.Counter()
    money = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            f = json.loads(line)
            if f["code"] in CODES:
                out[key(f)] += 1
                money[key(f)] = amounts(f)
    return out, money


def load_sql(path):
    out = collections.Counter()
    money = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for f in csv.DictReader(fh):
            out[key(f)] += 1
            money[key(f)] = amounts(f)
    return out, money


def main():
    engine, engine_money = load_engine(sys.argv[1])
    sql, sql_money = load_sql(sys.argv[2])
    codes = sorted({k[0] for k in engine} | {k[0] for k in sql})
    print(f"{'code':<26} {'engine':>8} {'sql':>8} {'both':>8}")
    for code in codes:
        e = sum(n for k, n in engine.items() if k[0] == code)
        s = sum(n for k, n in sql.items() if k[0] == code)
        both = sum(min(n, sql[k]) for k, n in engine.items() if k[0] == code)
        print(f"{code:<26} {e:>8} {s:>8} {both:>8}")
    only_engine = [k for k in engine if k not in sql]
    only_sql = [k for k in sql if k not in engine]
    differ = [k for k in engine if k in sql and engine_money[k] != sql_money[k]
              and None not in engine_money[k] + sql_money[k]]
    for title, keys in (("only in the engine", only_engine), ("only in SQL", only_sql)):
        print(f"{title}: {len(keys)}")
        for k in sorted(keys, key=lambda k: tuple(x or "" for x in k))[:10]:
            print("  ", k)
    print(f"same finding, other amounts: {len(differ)}")
    for k in differ[:10]:
        print("  ", k, "engine", engine_money[k], "sql", sql_money[k])


if __name__ == "__main__":
    main()
