#!/usr/bin/env bash
# Compare's A/A study, and the price of the anchor (issue 14): `ab` and `branches` measure the
# anchor in every 3rd pair only (`--anchor-every 3`), because their paired verdict never uses it;
# does `compare` of their result files, measured at different times, still stay quiet on
# identical code and catch a real change?
#
#   scripts/bench/compare.sh [--quick]
#
# The fixture is the gate study's benchwork (json, decimal and a CPU loop): a base environment
# and a candidate with 25 % more loop iterations. SESSIONS (31; COMPARE_SESSIONS=N overrides, 3
# with --quick) rounds, each running two `coldstart ab benchwork` sessions of base against
# candidate, fixed at 30 pairs (--pairs 30 --min-pairs 30 --max-pairs 30, no tree pass): one
# with the anchor in every pair (`--anchor-every 1`, the old schedule), one with the new default
# (`--anchor-every 3`). Then `compare` of result files from different sessions (consecutive
# sessions, and sessions half the study apart): baseline against baseline (A/A: any REGRESSION
# is false) and baseline against candidate (a real change, its size known from the candidate
# session's own paired estimate), each in these variants:
#   - every-pair files as measured (each sample divided by its own round's anchor);
#   - the same files thinned to the anchors of every 2nd, 3rd and 4th pair (compare then uses the
#     anchor shift of stats/anchor_shift.rs), the same samples with fewer anchors;
#   - the files measured with --anchor-every 3;
#   - both kinds without their anchor (raw times), the weaker comparison the anchor exists to beat.
# Targets: 0 false regressions in the A/A comparisons of every anchored variant, at least 30 of
# them each. Writes benchmark_results/bench_compare.{json,md}; exits 1 when a target is missed.
source "$(dirname "$0")/lib.sh"

SESSIONS="${COMPARE_SESSIONS:-31}"
PAIRS=30
[ "$QUICK" = 1 ] && SESSIONS=3 && PAIRS=8
BASE_ITER=400000
CAND_ITER=500000

bench_begin
fx="$(fixtures_copy)"
cfg() { # cfg NAME ITERATIONS: a directory holding benchwork_cfg.py
    mkdir -p "$SCRATCH/cfg/$1"
    echo "ITERATIONS = $2" > "$SCRATCH/cfg/$1/benchwork_cfg.py"
}
cfg base "$BASE_ITER"
cfg cand "$CAND_ITER"
base_py="$(make_venv "$SCRATCH/venv-base" "$fx/work" "$SCRATCH/cfg/base")"
cand_py="$(make_venv "$SCRATCH/venv-cand" "$fx/work" "$SCRATCH/cfg/cand")"
ab_args=(--pairs "$PAIRS" --min-pairs "$PAIRS" --max-pairs "$PAIRS" --tree-runs 0 --report-only
    --quiet --color never --format json)
"$PY" - "$WORK/params.json" "$SESSIONS" "$PAIRS" "$BASE_ITER" "$CAND_ITER" <<'EOF'
import json, sys
out, sessions, pairs, base, cand = sys.argv[1:]
json.dump({"sessions": int(sessions), "pairs": int(pairs), "base_iterations": int(base),
           "candidate_iterations": int(cand),
           "ab": "coldstart ab benchwork --pairs P --min-pairs P --max-pairs P --tree-runs 0 --anchor-every 1|3"},
          open(out, "w"), indent=2)
EOF

for rep in $(seq 1 "$SESSIONS"); do
    order=(1 3)
    [ $((rep % 2)) = 0 ] && order=(3 1)
    for every in "${order[@]}"; do
        timed "ab-every$every#$rep" --stdout /dev/null -- "$CS" ab benchwork --baseline "$base_py" \
            --candidate "$cand_py" --anchor-every "$every" "${ab_args[@]}" \
            --output-dir "$WORK/ab/every$every/$rep" || true
    done
    echo "compare: session $rep/$SESSIONS done ($(uptime))" >&2
done
"$PY" "$BENCH_DIR/compare_study.py" compare --work "$WORK" --coldstart "$CS" --scratch "$SCRATCH"
bench_end
