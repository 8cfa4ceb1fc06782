#!/usr/bin/env bash
# End-to-end benchmark: `duizhang reconcile` (files in, every output written) against the same
# checks as DuckDB SQL over the same data converted to clean UTF-8 CSV (bench/duckdb).
#
#   bench/run-e2e.sh INPUT_DIR SETTINGS.toml [PERIOD] [RUNS]
#
#   INPUT_DIR   folder of downloaded files (e.g. written by `duizhang demo --orders N`)
#   SETTINGS    the settings file for `duizhang reconcile --config` (shops, accounts)
#   PERIOD      reconciliation period, default 2026-10
#   RUNS        runs of each side, default 3; medians are reported
#
# Environment: WORK (scratch folder, default a new temp dir), BUILD=0 to skip the release
# build, PYTHON (default python3; needs `pip install duckdb`).
#
# Reported per side: median wall time, median CPU time (user + system) and median peak RSS
# (from /usr/bin/time -v). The two sides run in turns (engine, DuckDB, engine, …) so that a
# shared machine's changing load falls on both alike. The DuckDB side's time includes reading
# the CSVs; the one-off conversion to clean CSV (`duizhang-bench export-clean`) is timed and
# shown apart, not added to either side.
set -euo pipefail

if [[ $# -lt 2 ]]; then
    sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
INPUT=$1
SETTINGS=$2
PERIOD=${3:-2026-10}
RUNS=${4:-3}
PYTHON=${PYTHON:-python3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$(mktemp -d -t duizhang-e2e.XXXXXX)}
mkdir -p "$WORK"

[[ -d $INPUT ]] || { echo "no such folder: $INPUT" >&2; exit 2; }
[[ -f $SETTINGS ]] || { echo "no such settings file: $SETTINGS" >&2; exit 2; }
/usr/bin/time --version >/dev/null 2>&1 || [[ -x /usr/bin/time ]] ||
    { echo "needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 2; }
"$PYTHON" -c 'import duckdb' 2>/dev/null ||
    { echo "needs DuckDB for Python: pip install duckdb" >&2; exit 2; }

if [[ ${BUILD:-1} != 0 ]]; then
    (cd "$ROOT" && cargo build --release -q -p duizhang -p duizhang-bench)
fi
DUIZHANG=$ROOT/target/release/duizhang
BENCH=$ROOT/target/release/duizhang-bench

# shellcheck source=bench/measure.sh
source "$ROOT/bench/measure.sh"

size=$(du -sh "$INPUT" | cut -f1)
echo "inputs: $INPUT ($size), period $PERIOD, $RUNS runs each, scratch $WORK"

: >"$WORK/export.txt"
rm -rf "$WORK/clean"
measure "$WORK/export.txt" "$BENCH" export-clean "$WORK/clean" --settings "$SETTINGS" "$INPUT"
echo "  export-clean (once, not counted): $(awk '{ printf "%s s", $1 }' "$WORK/export.txt"), $(du -sh "$WORK/clean" | cut -f1) of CSV"

: >"$WORK/engine.txt"
: >"$WORK/duckdb.txt"
for i in $(seq "$RUNS"); do
    rm -rf "$WORK/out"
    measure "$WORK/engine.txt" "$DUIZHANG" reconcile "$INPUT" --period "$PERIOD" \
        --config "$SETTINGS" --out "$WORK/out"
    echo "  duizhang reconcile run $i: $(tail -1 "$WORK/engine.txt" | awk '{ printf "%s s (CPU %s s), %.0f MiB", $1, $3, $2 / 1024 }')"
    if [[ $i == 1 ]]; then head -1 "$WORK/last.stdout" | sed 's/^/  /'; fi
    measure "$WORK/duckdb.txt" "$PYTHON" "$ROOT/bench/duckdb/run.py" "$WORK/clean" \
        --period "$PERIOD" --out "$WORK/sql-findings.csv"
    echo "  duckdb run.py run $i: $(tail -1 "$WORK/duckdb.txt" | awk '{ printf "%s s (CPU %s s), %.0f MiB", $1, $3, $2 / 1024 }') ($(head -1 "$WORK/last.stdout"))"
done

echo
echo "findings, engine against SQL (codes in checks.sql):"
"$PYTHON" "$ROOT/bench/duckdb/compare.py" "$WORK/out/findings.jsonl" "$WORK/sql-findings.csv" |
    sed 's/^/  /'

model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
duck=$("$PYTHON" -c 'import duckdb; print(duckdb.__version__)')
echo
echo "machine: $(nproc) cores, ${model:-unknown CPU}, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %12s %12s %14s\n' "median of $RUNS runs, in turns" "wall (s)" "CPU (s)" "peak RSS (MiB)"
printf '%-34s %12s %12s %14.0f\n' "duizhang reconcile (files in)" \
    "$(median "$WORK/engine.txt" 1)" "$(median "$WORK/engine.txt" 3)" \
    "$(median "$WORK/engine.txt" 2 | awk '{ print $1 / 1024 }')"
printf '%-34s %12s %12s %14.0f\n' "DuckDB $duck (clean CSV in)" \
    "$(median "$WORK/duckdb.txt" 1)" "$(median "$WORK/duckdb.txt" 3)" \
    "$(median "$WORK/duckdb.txt" 2 | awk '{ print $1 / 1024 }')"
