#!/usr/bin/env bash
# Smoke test of the independent evaluation world: two seeds of ~1500 orders, reconciled with
# the built binary, scored per check code. Exits non-zero on any false or missed finding.
#
#   eval/run.sh                      # uses target/release/duizhang, else target/debug/duizhang
#   DUIZHANG=path/to/duizhang eval/run.sh
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
bin="${DUIZHANG:-}"
if [[ -z "$bin" ]]; then
    if [[ -x "$root/target/release/duizhang" ]]; then bin="$root/target/release/duizhang"; else bin="$root/target/debug/duizhang"; fi
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

status=0
for seed in 1 2; do
    out="$work/seed$seed"
    python3 "$here/generate.py" --seed "$seed" --orders 1500 --out "$out"
    "$bin" reconcile "$out/files" --period 2026-10 --config "$out/settings.toml" --out "$out/out" >"$out/reconcile.log" 2>&1 \
        || { echo "reconcile failed for seed $seed:"; tail -20 "$out/reconcile.log"; exit 2; }
    echo "== seed $seed"
    python3 "$here/score.py" "$out/truth.json" "$out/out/findings.jsonl" || status=1
done
exit $status
