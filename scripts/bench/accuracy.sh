#!/usr/bin/env bash
# Accuracy: does coldstart measure a known import delay?
#
#   scripts/bench/accuracy.sh [--quick]
#
# Four fixture packages (scripts/bench/fixtures/sleep/) sleep 0, 10, 50 and 100 ms at import. One
# `coldstart run` measures them interleaved (50 samples each, 10 with --quick) in a venv that sees
# them through a .pth file. The measured delay is the median import time of each fixture minus
# that of the 0 ms one; its error against the known delay is reported in ms and %, for the in-child
# clock (coldstart's primary metric) and for the outer spawn-to-exit wall clock.
# Target: |error| <= max(0.5 ms, 2 % of the delay) on the in-child clock.
# Writes benchmark_results/bench_accuracy.{json,md}; exits 1 when the target is missed.
source "$(dirname "$0")/lib.sh"

RUNS=50
[ "$QUICK" = 1 ] && RUNS=10

bench_begin
fx="$(fixtures_copy)"
venv="$(make_venv "$SCRATCH/venv" "$fx/sleep")"
timed run --stdout "$WORK/run.json" -- \
    "$CS" run sleep_0ms sleep_10ms sleep_50ms sleep_100ms --python "$venv" --runs "$RUNS" \
    --no-anchor --tree-runs 0 --output-dir "$WORK/out" --label accuracy --quiet --color never \
    --format json
bench_end
