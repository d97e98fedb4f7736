#!/usr/bin/env bash
# Gate quality: does `coldstart ab` stay quiet on identical environments and catch real
# regressions, and what would simpler rules have said on the same samples?
#
#   scripts/bench/gate.sh [--quick]
#
# The fixture scripts/bench/fixtures/work/benchwork imports json and decimal and runs a CPU loop
# whose length each environment sets in its own benchwork_cfg.py. Calibration: a `coldstart run`
# estimates the loop's cost and picks the length that makes the base import take about 30 ms; an
# interleaved `coldstart ab` of the base against a probe with ~20 % more iterations measures the
# base's import time and the cost of an iteration inside the import; each candidate gets exactly
# the extra iterations worth +5, +10 and +20 % of that measured time. Then, 30
# times (2 with --quick), in rotation: `coldstart ab benchwork` (30 pairs, default gate: 5 %
# threshold, 1 ms minimum effect, extended while unsettled: up to 60 pairs for a too-wide "unchanged", up to 160 while inconclusive; no anchor, no tree pass)
# of the base against an identical second environment (A/A) and against each candidate.
# The achieved regression is reported (median Hodges-Lehmann ratio of the runs), and on the same
# samples of every run: mean +5 % (pytest-benchmark --fail=mean:5%), Student's t-test p < 0.05 with
# the mean up (pyperf), any mean increase (the original tool).
# Time to a verdict (issue 14): every round also runs a 2x candidate (+100 %) twice, side by side:
# with the new defaults (early looks from 8 pairs, the anchor every 3rd pair, the import-tree
# pass) and with the old fixed design (`--min-pairs 30 --anchor-every 1`, otherwise the same).
# Each run's pairs and wall time are reported.
# Targets: 0 false regressions in at least 30 A/A runs; +10 % detected in at least 95 % of at
# least 30 runs; the 2x change decided within 10 pairs in at least 90 % of its runs, and its
# median wall time at least 3x below the old design's. GATE_RUNS=N overrides the 30 rounds.
# Writes benchmark_results/bench_gate.{json,md}; exits 1 when a target is missed.
source "$(dirname "$0")/lib.sh"

RUNS="${GATE_RUNS:-30}"
CAL_RUNS=30
[ "$QUICK" = 1 ] && RUNS=2 && CAL_RUNS=10
TARGET_MS=30
CAL_ITER=200000
LEVELS=(0 5 10 20)
X2=100 # the 2x candidate, percent

bench_begin
fx="$(fixtures_copy)"
cfg() { # cfg NAME ITERATIONS: a directory holding benchwork_cfg.py
    mkdir -p "$SCRATCH/cfg/$1"
    echo "ITERATIONS = $2" > "$SCRATCH/cfg/$1/benchwork_cfg.py"
}
run_args=(--no-anchor --tree-runs 0 --quiet --color never --format json)

# 1. Calibration: the loop's cost per iteration and the import's cost without it.
cfg cal 0
cal_py="$(make_venv "$SCRATCH/venv-cal" "$fx/work" "$SCRATCH/cfg/cal")"
timed calibrate --stdout /dev/null -- "$CS" run --python "$cal_py" --stmt 'import benchwork' \
    --stmt "from benchwork import work; work($CAL_ITER)" --runs "$CAL_RUNS" "${run_args[@]}" \
    --output-dir "$WORK/calibration/1"
cal="$("${ANALYZE[@]}" calibrate "$WORK"/calibration/1/cold_start_2*.json --target-ms "$TARGET_MS" --cal-iter "$CAL_ITER")"
field() { "$PY" -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$cal" "$1"; }
base_iter="$(field base_iterations)"
ns_per_iter="$(field ns_per_iter)"

# 2. The cost of an iteration where it matters: inside the import, in a fresh process. An
# interleaved `ab` of the base against a probe with 20 % more iterations (by the first estimate)
# gives the base's median and, from the paired ratio, the probe's extra milliseconds.
cfg base "$base_iter"
cfg aa "$base_iter"
probe_delta="$("$PY" -c 'import sys; print(round(0.2 * float(sys.argv[1]) * 1e6 / float(sys.argv[2])))' "$(field base_ms_estimate)" "$ns_per_iter")"
cfg probe "$((base_iter + probe_delta))"
base_py="$(make_venv "$SCRATCH/venv-base" "$fx/work" "$SCRATCH/cfg/base")"
probe_py="$(make_venv "$SCRATCH/venv-probe" "$fx/work" "$SCRATCH/cfg/probe")"
timed calibrate-probe --stdout /dev/null -- "$CS" ab benchwork --baseline "$base_py" \
    --candidate "$probe_py" --pairs "$((2 * CAL_RUNS))" --max-pairs "$((2 * CAL_RUNS))" "${run_args[@]}" --output-dir "$WORK/calibration/2" || true
cal2="$("${ANALYZE[@]}" calibrate-probe "$WORK"/calibration/2/cold_start_2*_comparison.json --delta-iter "$probe_delta")"
base_ms="$("$PY" -c 'import json, sys; print(json.loads(sys.argv[1])["base_ms"])' "$cal2")"
ns_per_iter="$("$PY" -c 'import json, sys; print(json.loads(sys.argv[1])["ns_per_iter"])' "$cal2")"

declare -A py
py[0]="$(make_venv "$SCRATCH/venv-aa" "$fx/work" "$SCRATCH/cfg/aa")"
cand_json="{"
for level in "${LEVELS[@]:1}"; do
    iters="$("${ANALYZE[@]}" iterations --base-iter "$base_iter" --ns-per-iter "$ns_per_iter" --base-ms "$base_ms" --percent "$level")"
    cfg "c$level" "$iters"
    py[$level]="$(make_venv "$SCRATCH/venv-c$level" "$fx/work" "$SCRATCH/cfg/c$level")"
    cand_json="$cand_json\"$level\": $iters, "
done
iters="$("${ANALYZE[@]}" iterations --base-iter "$base_iter" --ns-per-iter "$ns_per_iter" --base-ms "$base_ms" --percent "$X2")"
cfg "c$X2" "$iters"
py[$X2]="$(make_venv "$SCRATCH/venv-c$X2" "$fx/work" "$SCRATCH/cfg/c$X2")"
cand_json="$cand_json\"$X2\": $iters, "
cand_json="${cand_json%, }}"
"$PY" - "$WORK/params.json" "$cal" "$cal2" "$cand_json" "$RUNS" <<'EOF'
import json, sys
out, cal, cal2, cand, runs = sys.argv[1:]
cal, cal2 = json.loads(cal), json.loads(cal2)
json.dump({"calibration": cal, "calibration_probe": cal2, "base_iterations": cal["base_iterations"],
           "ns_per_iter": cal2["ns_per_iter"], "base_measured_ms": cal2["base_ms"], "candidate_iterations": json.loads(cand),
           "runs_per_level": int(runs), "ab": "coldstart ab benchwork --no-anchor --tree-runs 0 (defaults otherwise)",
           "ab_2x_new": "coldstart ab benchwork (defaults)", "ab_2x_old": "coldstart ab benchwork --min-pairs 30 --anchor-every 1"},
          open(out, "w"), indent=2)
EOF
echo "gate: base ${base_ms} ms with $base_iter iterations (${ns_per_iter} ns each); candidates $cand_json" >&2

# 3. The ab runs, levels in rotation so that drift spreads over all of them; the 2x pair of runs
# (new defaults, old design) takes part in the rotation as two more levels.
x2_args=(--quiet --color never --format json)
ab_run() { # ab_run LEVEL REP
    case "$1" in
        x2-new) timed "x2-new#$2" --stdout /dev/null -- "$CS" ab benchwork --baseline "$base_py" \
            --candidate "${py[$X2]}" "${x2_args[@]}" --output-dir "$WORK/ab2x/new/$2" || true ;;
        x2-old) timed "x2-old#$2" --stdout /dev/null -- "$CS" ab benchwork --baseline "$base_py" \
            --candidate "${py[$X2]}" --min-pairs 30 --anchor-every 1 "${x2_args[@]}" \
            --output-dir "$WORK/ab2x/old/$2" || true ;;
        *) timed "ab-$1#$2" --stdout /dev/null -- "$CS" ab benchwork --baseline "$base_py" \
            --candidate "${py[$1]}" "${run_args[@]}" --output-dir "$WORK/ab/$1/$2" || true ;;
    esac
}
ROTATION=("${LEVELS[@]}" x2-new x2-old)
for rep in $(seq 1 "$RUNS"); do
    k=$(((rep - 1) % ${#ROTATION[@]}))
    for level in "${ROTATION[@]:k}" "${ROTATION[@]:0:k}"; do
        ab_run "$level" "$rep"
    done
    echo "gate: round $rep/$RUNS done ($(uptime))" >&2
done
bench_end
