#!/usr/bin/env python3
"""Runs bench/duckdb/checks.sql over the clean CSVs of `duizhang-bench export-clean`.

Requires DuckDB from PyPI (this script installs nothing):

    pip install duckdb

Usage:

    python3 bench/duckdb/run.py CLEAN_DIR --period 2026-10 --out findings.csv [--threads N]

Reading the CSVs is part of the measured time, as a user would run it: the wall time printed
at the end covers connecting, loading every CSV into tables, running the checks and writing
the findings. Per-phase times are printed too.
"""

import argparse
import datetime
import os
import sys
import time

import duckdb

HERE = os.path.dirname(os.path.abspath(__file__))

TABLES = [
    "orders",
    "order_lines",
    "after_sales",
    "after_sale_lines",
    "fund_flows",
    "payments",
    "settlements",
    "erp_orders",
    "shipments",
    "return_receipts",
]

# Defaults of CHECKS.md: money tolerance and windows in days.
PARAMETERS = {
    "tol_fen": 1,
    "w_payment": 15,
    "w_refund": 3,
    "w_return": 7,
    "w_received": 2,
    "w_aftersale": 3,
    "w_status": 1,
}


def column_type(name):
    """Column types from the export's naming: amounts in 分, times, counts, else text."""
    if name.endswith("_fen") or name in ("quantity", "line"):
        return "BIGINT"
    if name.endswith("_at"):
        return "TIMESTAMP"
    return "VARCHAR"


def cut_off(period):
    """The first moment after a period `YYYY-MM`."""
    year, month = (int(p) for p in period.split("-"))
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return datetime.datetime(year, month, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clean_dir")
    parser.add_argument("--period", required=True, help="e.g. 2026-10")
    parser.add_argument("--out", required=True, help="findings CSV to write")
    parser.add_argument("--threads", type=int, help="DuckDB threads (default: all cores)")
    args = parser.parse_args()

    start = time.perf_counter()
    con = duckdb.connect()
    if args.threads:
        con.execute(f"SET threads = {args.threads}")
    rows = {}
    for table in TABLES:
        path = os.path.join(args.clean_dir, table + ".csv")
        with open(path, encoding="utf-8") as f:
            header = f.readline().rstrip("\r\n").split(",")
        columns = ", ".join(f"'{c}': '{column_type(c)}'" for c in header)
        con.execute(
            f"CREATE TABLE {table} AS SELECT * FROM read_csv(?, header = true, "
            f"columns = {{{columns}}}, timestampformat = '%Y-%m-%d %H:%M:%S')",
            [path],
        )
        rows[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    loaded = time.perf_counter()

    con.execute("SET VARIABLE cut_off = ?::TIMESTAMP", [cut_off(args.period)])
    for name, value in PARAMETERS.items():
        con.execute(f"SET VARIABLE {name} = {int(value)}")
    with open(os.path.join(HERE, "checks.sql"), encoding="utf-8") as f:
        con.execute(f.read())
    checked = time.perf_counter()

    con.execute("COPY findings TO ? (HEADER, DELIMITER ',')", [args.out])
    counts = con.execute(
        "SELECT code, count(*) FROM findings GROUP BY code ORDER BY code"
    ).fetchall()
    end = time.perf_counter()

    loaded_rows = ", ".join(f"{t} {n}" for t, n in rows.items())
    print(f"loaded: {loaded_rows}", file=sys.stderr)
    for code, n in counts:
        print(f"  {code:<26} {n}", file=sys.stderr)
    print(
        f"load {loaded - start:.3f} s, checks {checked - loaded:.3f} s, "
        f"write {end - checked:.3f} s"
    )
    print(f"wall {end - start:.3f} s, {sum(n for _, n in counts)} findings -> {args.out}")


if __name__ == "__main__":
    main()
