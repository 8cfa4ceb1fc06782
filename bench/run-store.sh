#!/usr/bin/env bash
# The workspace benchmark: `duizhang import` + `duizhang run` of a month through the store, on
# SQLite and on PostgreSQL, against `duizhang reconcile` of the same files; and the order
# lookup across two months.
#
#   bench/run-store.sh DEMO_DIR [SECOND_MONTH_DIR] [RUNS]
#
#   DEMO_DIR          written by `duizhang demo --out DEMO_DIR --orders N` (files/, duizhang.toml)
#   SECOND_MONTH_DIR  another such folder, imported as 2026-11 for the lookup (optional)
#   RUNS              rounds, default 3; medians are reported
#
# Environment: WORK (scratch folder, default a new temp dir), BUILD=0 to skip the release
# build, PG (a PostgreSQL server URL without database, default postgres://postgres@127.0.0.1:5432;
# the database `duizhang_bench` is dropped and made anew each round; PG=none skips it),
# ORDER (the order number to look up; default the first order of the ERP export).
#
# Each round runs reconcile, then SQLite (a fresh workspace: import, run), then PostgreSQL,
# so a shared machine's changing load falls on all alike. Reported: median wall time, CPU time
# (user + system) and peak RSS of each command, and import + run against reconcile.
set -euo pipefail

if [[ $# -lt 1 ]]; then
    sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
DEMO=$1
SECOND=${2:-}
RUNS=${3:-3}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$(mktemp -d -t duizhang-store.XXXXXX)}
mkdir -p "$WORK"
[[ -d $DEMO/files && -f $DEMO/duizhang.toml ]] || { echo "not a demo folder: $DEMO" >&2; exit 2; }

if [[ ${BUILD:-1} != 0 ]]; then
    (cd "$ROOT" && cargo build --release -q -p duizhang)
fi
DUIZHANG=$ROOT/target/release/duizhang
export DUIZHANG_PASSWORD=bench-password DUIZHANG_NEW_PASSWORD=bench-password

# shellcheck source=bench/measure.sh
source "$ROOT/bench/measure.sh"

# A new workspace at $1 with the user admin and the company 禾木家居.
fresh() {
    local db=$1
    case $db in
    postgres://*)
        psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS duizhang_bench" -c "CREATE DATABASE duizhang_bench" >/dev/null
        ;;
    *) rm -f "$db" "$db-wal" "$db-shm" ;;
    esac
    "$DUIZHANG" users add admin --name 管理员 --db "$db" >/dev/null
    "$DUIZHANG" companies add 禾木家居 --db "$db" --as admin >/dev/null
}

ORDER=${ORDER:-$(awk -F, 'NR == 2 { print $3 }' "$DEMO/files/ERP订单_202610.csv" 2>/dev/null || true)}
backends=(sqlite)
[[ $PG != none ]] && backends+=(postgres)
echo "inputs: $DEMO/files ($(du -sh "$DEMO/files" | cut -f1)), $RUNS rounds, scratch $WORK"
for i in $(seq "$RUNS"); do
    rm -rf "$WORK/out"
    measure "$WORK/reconcile.txt" "$DUIZHANG" reconcile --period 2026-10 "$DEMO/files" \
        --config "$DEMO/duizhang.toml" --out "$WORK/out"
    echo "  round $i reconcile: $(tail -1 "$WORK/reconcile.txt")"
    for b in "${backends[@]}"; do
        db=$WORK/ws.db
        [[ $b == postgres ]] && db=$PG/duizhang_bench
        fresh "$db"
        measure "$WORK/$b-import.txt" "$DUIZHANG" import --company 禾木家居 --period 2026-10 \
            "$DEMO/files" --db "$db" --as admin
        measure "$WORK/$b-run.txt" "$DUIZHANG" run --company 禾木家居 --period 2026-10 \
            --config "$DEMO/duizhang.toml" --db "$db" --as admin
        echo "  round $i $b import: $(tail -1 "$WORK/$b-import.txt"); run: $(tail -1 "$WORK/$b-run.txt")"
        if [[ -n $SECOND && -n $ORDER ]]; then
            "$DUIZHANG" import --company 禾木家居 --period 2026-11 "$SECOND/files" --db "$db" --as admin >/dev/null
            for _ in 1 2 3 4 5; do
                measure "$WORK/$b-order.txt" "$DUIZHANG" order "$ORDER" --company 禾木家居 --db "$db" --as admin
            done
        fi
    done
done

model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
echo
echo "machine: $(nproc) cores, ${model:-unknown CPU}, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
row() { # label file
    printf '%-34s %10s %10s %14.0f\n' "$1" "$(median "$2" 1)" "$(median "$2" 3)" \
        "$(median "$2" 2 | awk '{ print $1 / 1024 }')"
}
printf '%-34s %10s %10s %14s\n' "median of $RUNS rounds" "wall (s)" "CPU (s)" "peak RSS (MiB)"
row "reconcile" "$WORK/reconcile.txt"
for b in "${backends[@]}"; do
    row "$b import" "$WORK/$b-import.txt"
    row "$b run" "$WORK/$b-run.txt"
    paste -d' ' "$WORK/$b-import.txt" "$WORK/$b-run.txt" | awk '{ print $1 + $4, ($2 > $5 ? $2 : $5), $3 + $6 }' >"$WORK/$b-both.txt"
    row "$b import + run" "$WORK/$b-both.txt"
    printf '%-34s %10.2f×\n' "$b import + run / reconcile" \
        "$(awk -v a="$(median "$WORK/$b-both.txt" 1)" -v b="$(median "$WORK/reconcile.txt" 1)" 'BEGIN { print a / b }')"
    [[ -f $WORK/$b-order.txt ]] && row "$b order lookup (whole command)" "$WORK/$b-order.txt"
done
