#!/usr/bin/env bash
# Instruction counts: does `coldstart ab --metric instructions` stay exact on a loaded machine?
#
#   scripts/bench/instructions.sh [--quick]
#
# The fixture scripts/bench/fixtures/instr/instrloop runs a loop whose length each environment
# sets in its own instrloop_cfg.py: the base and an identical second environment N = 20000
# iterations (the loop is about 95 % of the statement's instructions), the candidates 1.02 N and
# 1.005 N. While two busy processes (one per CPU) load the machine, 30 times (2 with --quick), in
# rotation: `coldstart ab instrloop --metric instructions` (default gate: 1 % threshold, 3
# samples a side while counts agree, up to 9 while they vary) of the base against the A/A twin,
# +2 % and +0.5 %. The achieved change is the measured ratio of median counts.
# Targets: A/A 0 false regressions in at least 30 runs; +2 % a regression in every run; +0.5 %
# never a regression. Wall time per verdict in the table. BENCH_RUNS overrides the run count.
# Writes benchmark_results/bench_instructions.{json,md}; exits 1 when a target is missed.
source "$(dirname "$0")/lib.sh"

RUNS="${BENCH_RUNS:-30}"
[ "$QUICK" = 1 ] && RUNS=2
BASE=20000
LOADERS=2

command -v valgrind >/dev/null || { echo "instructions: needs valgrind (e.g. apt-get install valgrind)" >&2; exit 2; }
bench_begin
fx="$(fixtures_copy)"
cfg() { # cfg NAME ITERATIONS: a directory holding instrloop_cfg.py
    mkdir -p "$SCRATCH/cfg/$1"
    echo "ITERATIONS = $2" > "$SCRATCH/cfg/$1/instrloop_cfg.py"
}
declare -A iters=([base]=$BASE [aa]=$BASE [2]=$((BASE * 102 / 100)) [0.5]=$((BASE * 1005 / 1000)))
declare -A py
for name in base aa 2 0.5; do
    cfg "$name" "${iters[$name]}"
    py[$name]="$(make_venv "$SCRATCH/venv-$name" "$fx/instr" "$SCRATCH/cfg/$name")"
done
ab_args=(--metric instructions --quiet --color never --format json)
"$PY" - "$WORK/params.json" "$BASE" "${iters[2]}" "${iters[0.5]}" "$RUNS" "$LOADERS" <<'PYEOF'
import json, sys
out, base, c2, c05, runs, loaders = sys.argv[1:]
json.dump({"base_iterations": int(base), "candidate_iterations": {"2": int(c2), "0.5": int(c05)},
           "runs_per_level": int(runs), "load_processes": int(loaders),
           "ab": "coldstart ab instrloop --metric instructions (defaults otherwise)"}, open(out, "w"), indent=2)
PYEOF

# The load: busy loops, one per CPU, ended with the study (their PIDs only).
load_pids=()
for _ in $(seq "$LOADERS"); do
    "$PY" -c 'while True: pass' &
    load_pids+=($!)
done
trap 'kill "${load_pids[@]}" 2>/dev/null; rm -rf "$SCRATCH"' EXIT

levels=(aa 2 0.5)
for rep in $(seq 1 "$RUNS"); do
    k=$(((rep - 1) % ${#levels[@]}))
    for level in "${levels[@]:k}" "${levels[@]:0:k}"; do
        timed "ab-$level#$rep" --stdout /dev/null -- "$CS" ab instrloop --baseline "${py[base]}" \
            --candidate "${py[$level]}" "${ab_args[@]}" --output-dir "$WORK/ab/$level/$rep" || true
    done
    echo "instructions: round $rep/$RUNS done ($(uptime))" >&2
done
kill "${load_pids[@]}" 2>/dev/null || true
bench_end
