#!/usr/bin/env bash
# Lazy-import savings: does `coldstart lazy` estimate what deferring a module really saves?
#
#   scripts/bench/lazy.sh [--quick]
#
# The fixture packages of tests/fixtures/lazy/: `pkg` imports heavy_unused (sleeps 40 ms at
# import, never touched), heavy_attr (20 ms, read by pkg at import: deferring it saves nothing)
# and heavy_late (20 ms, touched only by pkg.main()). `coldstart lazy pkg --workload 'pkg.main()'`
# runs 5 times (2 with --quick), each with default settings (30 pairs per candidate, more while
# unsettled), in a venv that sees the fixtures through a .pth file. For each candidate and for the
# combination, the estimated saving is compared with the known sleep (40, 0, 20 and 60 ms) and
# the status with the expected one.
# Target: every status as expected, |estimate - truth| <= max(1 ms, 5 % of the truth) in every
# run, and the interval containing the truth in at least 4 of 5 runs.
# Writes benchmark_results/bench_lazy.{json,md}; exits 1 when the target is missed.
source "$(dirname "$0")/lib.sh"

REPEATS=5
[ "$QUICK" = 1 ] && REPEATS=2

bench_begin
cp -r "$ROOT/tests/fixtures/lazy" "$SCRATCH/lazy"
venv="$(make_venv "$SCRATCH/venv" "$SCRATCH/lazy")"
extra=()
[ "$QUICK" = 1 ] && extra=(--pairs 10 --max-pairs 10)
for i in $(seq 1 "$REPEATS"); do
    timed "lazy-$i" -- "$CS" lazy pkg --workload 'pkg.main()' --python "$venv" --quiet \
        --color never --format json --output "$WORK/lazy_$i.json" ${extra[@]+"${extra[@]}"} \
        > "$WORK/lazy_$i.txt"
done
"$PY" "$BENCH_DIR/lazy_report.py" --work "$WORK" --results "$RESULTS" --quick "$QUICK"
