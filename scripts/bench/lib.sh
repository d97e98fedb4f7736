# Shared set-up of the self-benchmark scripts (sourced by accuracy.sh, overhead.sh, gate.sh,
# envcache.sh; not run on its own).
#
# Provides: BENCH_DIR, ROOT, RESULTS (benchmark_results/, or $BENCH_RESULTS), QUICK (0/1), PY (the
# resolved python3, no pyenv shim), CS (the coldstart binary: $COLDSTART, else a fresh
# `cargo build --release`), WORK (benchmark_results/bench_raw/<study>/: raw data, git-ignored,
# replaced on every run), SCRATCH (a temporary directory removed on exit) and the functions below.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/../.." && pwd)"
RESULTS="${BENCH_RESULTS:-$ROOT/benchmark_results}"
STUDY="$(basename "$0" .sh)"
QUICK=0

bench_help() {
    # The script's header comment, without the shebang.
    awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"
}

for arg in "$@"; do
    case "$arg" in
        --quick) QUICK=1 ;;
        -h | --help) bench_help; exit 0 ;;
        *) echo "$STUDY: unknown argument $arg (try --help)" >&2; exit 2 ;;
    esac
done

PY="$(python3 -c 'import sys; print(sys.executable)')"
ANALYZE=("$PY" "$BENCH_DIR/analyze.py")

if [ -n "${COLDSTART:-}" ]; then
    CS="$COLDSTART"
else
    (cd "$ROOT" && cargo build --release --quiet)
    CS="$ROOT/target/release/coldstart"
fi

WORK="$RESULTS/bench_raw/$STUDY"
rm -rf "$WORK"
mkdir -p "$WORK"
SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/coldstart-bench-$STUDY.XXXXXX")"
trap 'rm -rf "$SCRATCH"' EXIT

# Records what the report needs besides the data: the command line, versions, the machine and its
# load before the study.
bench_begin() {
    local cmd="scripts/bench/$STUDY.sh"
    [ "$QUICK" = 1 ] && cmd="$cmd --quick"
    echo "$cmd" > "$WORK/command.txt"
    "$PY" -c 'import sys; print("CPython %d.%d.%d" % sys.version_info[:3])' > "$WORK/python.txt"
    "$CS" --version > "$WORK/coldstart_version.txt"
    git -C "$ROOT" rev-parse HEAD > "$WORK/git_commit.txt" 2>/dev/null || echo unknown > "$WORK/git_commit.txt"
    "${ANALYZE[@]}" snapshot --out "$WORK/before.json"
    BENCH_T0=$(date +%s.%N)
    echo "$STUDY: started $(date -u +%FT%TZ) ($(uptime))" >&2
}

# Snapshot after, then the report: prints the table, writes bench_<study>.{json,md}, and returns
# the study's exit status (1 when its target is missed).
bench_end() {
    local elapsed
    elapsed=$("$PY" -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$BENCH_T0" "$(date +%s.%N)")
    "${ANALYZE[@]}" snapshot --out "$WORK/after.json" --elapsed "$elapsed"
    local quick=()
    [ "$QUICK" = 1 ] && quick=(--quick)
    "${ANALYZE[@]}" report "$STUDY" --work "$WORK" --results "$RESULTS" ${quick[@]+"${quick[@]}"}
}

# timed NAME [analyze.py timed options] -- CMD...: runs CMD, logs wall time, CPU, foreign CPU and
# its exit code to $WORK/timings.jsonl, and returns CMD's exit code.
timed() {
    local name="$1"
    shift
    "${ANALYZE[@]}" timed --log "$WORK/timings.jsonl" --name "$name" "$@"
}

# make_venv DIR LINE...: a venv without pip whose site-packages holds a .pth file with LINEs
# (directories added to sys.path, the trick of tests/it/support/mod.rs `venv_with`). Prints its python.
make_venv() {
    local dir="$1"
    shift
    "$PY" -m venv --without-pip "$dir"
    local site
    site="$(echo "$dir"/lib/python*/site-packages)"
    printf '%s\n' "$@" > "$site/coldstart_bench.pth"
    echo "$dir/bin/python"
}

# Copies the fixture packages to SCRATCH (so bytecode caches are not written into the checkout)
# and prints the copy's directory.
fixtures_copy() {
    cp -r "$BENCH_DIR/fixtures" "$SCRATCH/fixtures"
    echo "$SCRATCH/fixtures"
}
