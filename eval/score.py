#!/usr/bin/env python3
"""Score findings.jsonl against truth.json, per check code.

Identity (CHECKS.md): (code, shop, the most specific of refund_no / order_no / txn_no, sku).
Shops may be written by id or by name: both map to the shop id of truth.json.

    eval/score.py truth.json findings.jsonl      # exit 1 on any false or missed finding
"""

import json
import os
import sys
from collections import defaultdict

SCORED_OUT = {"REFUND_NOT_BOOKED", "FLOW_NOT_BOOKED", "SOURCE_BOOKED_TWICE"}  # books: not planted


def key(f, shop_ids):
    shop = shop_ids.get(f.get("shop"), f.get("shop"))
    ident = f.get("refund_no") or f.get("order_no") or f.get("txn_no")
    return (f["code"], shop, ident, f.get("sku"))


def main():
    truth_path, findings_path = sys.argv[1], sys.argv[2]
    truth = json.load(open(truth_path, encoding="utf-8"))
    shop_ids = {}
    for sid, s in truth["shops"].items():
        shop_ids[sid] = sid
        shop_ids[s["name"]] = sid
    expected = defaultdict(list)
    for t in truth["findings"]:
        expected[key(t, shop_ids)].append(t)
    found = defaultdict(list)
    for line in open(findings_path, encoding="utf-8"):
        if line.strip():
            f = json.loads(line)
            if f["code"] in SCORED_OUT:
                continue
            found[key(f, shop_ids)].append(f)

    codes = sorted({k[0] for k in expected} | {k[0] for k in found})
    tp, fp, fn = defaultdict(int), defaultdict(int), defaultdict(int)
    false_, missed = [], []
    for k in set(expected) | set(found):
        if k in expected and k in found:
            tp[k[0]] += 1
        elif k in found:
            fp[k[0]] += 1
            false_.append((k, found[k][0]))
        else:
            fn[k[0]] += 1
            missed.append((k, expected[k][0]))

    print("%-26s %5s %5s %5s %9s %7s" % ("code", "tp", "fp", "fn", "precision", "recall"))
    for c in codes:
        p = tp[c] / (tp[c] + fp[c]) if tp[c] + fp[c] else 1.0
        r = tp[c] / (tp[c] + fn[c]) if tp[c] + fn[c] else 1.0
        print("%-26s %5d %5d %5d %9.3f %7.3f" % (c, tp[c], fp[c], fn[c], p, r))
    T, F, M = sum(tp.values()), sum(fp.values()), sum(fn.values())
    print("%-26s %5d %5d %5d %9.3f %7.3f" % ("ALL", T, F, M, T / (T + F) if T + F else 1, T / (T + M) if T + M else 1))

    # near misses: same code, shop and one id, different identity (helps to tell id rules from real misses)
    by_loose = defaultdict(list)
    for k, f in false_:
        for idv in (f.get("refund_no"), f.get("order_no"), f.get("txn_no")):
            if idv:
                by_loose[(k[0], k[1], idv)].append(k)
    for k, f in sorted(false_, key=lambda x: str(x[0])):
        print("FALSE  %s %s | %s" % (k, f.get("occurred_at"), f.get("message", "")[:160]))
    for k, t in sorted(missed, key=lambda x: str(x[0])):
        near = []
        for idv in (t.get("refund_no"), t.get("order_no"), t.get("txn_no")):
            if idv:
                near += by_loose.get((k[0], k[1], idv), [])
        print("MISSED %s %s%s" % (k, t.get("note", ""), ("  (reported as %r)" % (near[0],)) if near else ""))
    # records of a shop the settings do not name: reported once as unassigned, never guessed
    bad_unassigned = False
    summary_path = os.path.join(os.path.dirname(findings_path), "summary.json")
    if "unassigned" in truth and os.path.exists(summary_path):
        got = json.load(open(summary_path, encoding="utf-8")).get("unassigned")
        bad_unassigned = got != truth["unassigned"]
        print("unassigned records: %s (planted %d)%s" % (got, truth["unassigned"], "  WRONG" if bad_unassigned else ""))
    sys.exit(1 if F or M or bad_unassigned else 0)


if __name__ == "__main__":
    main()
