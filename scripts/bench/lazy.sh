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
# the status with the expected one. A `coldstart run` of the three modules and of an empty one
# (`registry`) in the same venv then measures what each module costs to import alone on this
# machine at this time (median minus the empty module's): the sleep plus what the machine adds
# (a loaded machine wakes a sleeper late), a second truth to compare the estimates with.
# Target: every status as expected, |estimate - alone| <= max(1 ms, 5 % of it) in every run,
# and the interval containing it in all runs but one.
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
timed run -- "$CS" run heavy_unused heavy_attr heavy_late registry --python "$venv" \
    --runs "$((REPEATS * 10))" --no-anchor --tree-runs 0 --output-dir "$WORK/out" --label lazy \
    --quiet --color never --format json --output "$WORK/alone.json" > /dev/null
"$PY" "$BENCH_DIR/lazy_report.py" --work "$WORK" --results "$RESULTS" --quick "$QUICK"
