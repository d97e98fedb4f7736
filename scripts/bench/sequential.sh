#!/usr/bin/env bash
# Error rates of the pair designs, by seeded simulation (no interpreter involved): the fixed
# design (30 pairs, +10 up to 60 while unsettled, reference 95 % bounds), the sequential one up to
# 60 pairs (exact bounds; looks at 8, 10, ..., 28 pairs at 0.5 % each, then 30, 40, 50, 60 at 4 %)
# and the shipped default ("sequential": the same, and past 60 pairs only while inconclusive, up
# to --max-pairs 160 at 0.75 % per look), on the same simulated pairs, for identical sides, a true
# change exactly at the 5 % threshold (the worst case for a false regression), +10 % and a 2x
# change, under normal, Student-t (3 degrees of freedom) and spiky noise (src/stats/simulate.rs).
#
#   scripts/bench/sequential.sh [--quick] [--reps N] [--seed S]
#
# Targets: false regressions on identical sides in at most 0.1 % of runs at noise up to twice the
# threshold (10 %; the 15 % rows are reported, not held to it); at the threshold, the shipped
# design calls no more regressions than the fixed one under every noise model; a 2x change
# decided within 10 pairs in at least 90 % of runs. Writes benchmark_results/bench_sequential.{json,md} (or under
# $BENCH_RESULTS); exits 1 when a target is missed.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
RESULTS="${BENCH_RESULTS:-$ROOT/benchmark_results}"
reps=4000
seed=1
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) reps=200 ;;
        --reps) reps="$2"; shift ;;
        --seed) seed="$2"; shift ;;
        -h | --help) awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; exit 0 ;;
        *) echo "sequential: unknown argument $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done
mkdir -p "$RESULTS"
(cd "$ROOT" && cargo build --release --quiet --example sequential_mc)
tmp="$(mktemp "${TMPDIR:-/tmp}/coldstart-sequential.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
"$ROOT/target/release/examples/sequential_mc" --reps "$reps" --seed "$seed" --json "$tmp" \
    > "$RESULTS/bench_sequential.md"
cp "$tmp" "$RESULTS/bench_sequential.json"
cat "$RESULTS/bench_sequential.md"
python3 - "$RESULTS/bench_sequential.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))["rows"]
by = {(r["scenario"], r["noise"], r["design"]): r for r in rows}
missed = []
for (sc, noise, design), r in by.items():
    if sc == "A/A" and "15 %" not in noise and r["regression"] > 0.001 * r["runs"]:
        missed.append(f"A/A {noise} {design}: {r['regression']} false regressions of {r['runs']}")
    if sc.startswith("threshold") and design == "sequential":
        fixed = by[(sc, noise, "fixed 30+10..60")]
        if r["regression"] > fixed["regression"]:
            missed.append(f"threshold {noise}: sequential {r['regression']} > fixed {fixed['regression']}")
    if sc.startswith("2x") and design == "sequential" and r["within_10"] < 0.9:
        missed.append(f"2x {noise}: decided within 10 pairs in {100 * r['within_10']:.1f} % only")
for m in missed:
    print("sequential: target missed:", m, file=sys.stderr)
sys.exit(1 if missed else 0)
PY
