#!/usr/bin/env bash
# Harness overhead: what does coldstart cost on top of spawning the interpreter itself?
#
#   scripts/bench/overhead.sh [--quick]
#
# Side by side in one session, in rotation (10 rotations, 2 with --quick; N = 50, 10 with --quick),
# all from an empty directory with the same interpreter (python3 resolved past the pyenv shim) and
# the same environment (every PYTHON* variable removed except the bytecode ones, as coldstart's
# `--pyc as-is` does):
#   - coldstart run json --runs N --warmup 0 --pyc as-is --no-anchor --tree-runs 0 --quiet
#     (N samples, plus 1 identify and 5 bare start-up children coldstart always runs);
#   - a plain shell loop spawning `python -c 'import json'` N times;
#   - the same loop with `python -c pass` (prices coldstart's 6 extra children);
#   - hyperfine -N --runs N --warmup 0 (Debian's package: installed with apt-get when missing and
#     running as root; its column is skipped when that fails).
# Reported: raw totals, the per-child ratio, and the ratio with the 6 extra children priced at the
# `-c pass` loop's per-child cost and subtracted.
# Target: that accounted ratio at most 1.10 (median over the rotations).
# Writes benchmark_results/bench_overhead.{json,md}; exits 1 when the target is missed.
source "$(dirname "$0")/lib.sh"

N=50
REPS=10
if [ "$QUICK" = 1 ]; then
    N=10
    REPS=2
fi
STMT='import json'
EXTRA=6 # PythonProbe::new identifies the interpreter once, then STARTUP_RUNS = 5 bare start-ups

bench_begin
empty="$SCRATCH/empty"
mkdir -p "$empty"
# The child environment coldstart builds with --pyc as-is: the caller's, minus PYTHON* except
# PYTHONDONTWRITEBYTECODE and PYTHONPYCACHEPREFIX.
unset_py=()
while IFS= read -r var; do
    case "$var" in
        PYTHONDONTWRITEBYTECODE | PYTHONPYCACHEPREFIX) ;;
        PYTHON*) unset_py+=(-u "$var") ;;
    esac
done < <(compgen -e)
loop='i=0; while [ "$i" -lt "$1" ]; do "$2" -c "$3" </dev/null >/dev/null 2>&1; i=$((i + 1)); done'
if ! command -v hyperfine >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "overhead: hyperfine missing, trying apt-get install -y hyperfine" >&2
    apt-get install -y -qq hyperfine >/dev/null 2>&1 ||
        { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq hyperfine >/dev/null 2>&1; } || true
fi
have_hyperfine=0
command -v hyperfine >/dev/null 2>&1 && have_hyperfine=1
[ "$have_hyperfine" = 1 ] || echo "overhead: hyperfine not available, its column is skipped" >&2
"$PY" - "$WORK/params.json" "$N" "$EXTRA" "$STMT" "$PY" "$REPS" "$have_hyperfine" <<'EOF'
import json, sys
out, n, extra, stmt, py, reps, hf = sys.argv[1:]
json.dump({"samples": int(n), "extra_children": int(extra), "statement": stmt, "python": py,
           "rotations": int(reps), "hyperfine": hf == "1"}, open(out, "w"), indent=2)
EOF

phases=(coldstart loop loop_pass)
[ "$have_hyperfine" = 1 ] && phases+=(hyperfine)
for rep in $(seq 1 "$REPS"); do
    # Rotate the order so no phase always runs first (or right after another).
    k=$(((rep - 1) % ${#phases[@]}))
    order=("${phases[@]:k}" "${phases[@]:0:k}")
    for phase in "${order[@]}"; do
        case "$phase" in
            coldstart)
                timed "coldstart#$rep" --cwd "$empty" --stdout /dev/null -- \
                    env ${unset_py[@]+"${unset_py[@]}"} "$CS" run json --python "$PY" --runs "$N" \
                    --warmup 0 --pyc as-is --no-anchor --tree-runs 0 --quiet --color never \
                    --output-dir "$WORK/out/$rep"
                ;;
            loop)
                timed "loop#$rep" --cwd "$empty" -- \
                    env ${unset_py[@]+"${unset_py[@]}"} sh -c "$loop" sh "$N" "$PY" "$STMT"
                ;;
            loop_pass)
                timed "loop_pass#$rep" --cwd "$empty" -- \
                    env ${unset_py[@]+"${unset_py[@]}"} sh -c "$loop" sh "$N" "$PY" pass
                ;;
            hyperfine)
                timed "hyperfine#$rep" --cwd "$empty" --stdout /dev/null -- \
                    env ${unset_py[@]+"${unset_py[@]}"} hyperfine -N --runs "$N" --warmup 0 \
                    --style none --export-json "$WORK/hyperfine_$rep.json" "$PY -c '$STMT'"
                ;;
        esac
    done
done
bench_end
