#!/usr/bin/env bash
# coldstart's self-benchmarks: accuracy, harness overhead, gate quality, environment cache.
#
#   scripts/bench/all.sh [--quick] [--save-baseline] [STUDY...]
#
# Runs the studies (the four below by default, or the STUDYs named: accuracy overhead gate envcache,
# and instructions and compare, which run only when named)
# one after the other, each printing its table and writing benchmark_results/bench_<study>.json
# and .md (raw data under benchmark_results/bench_raw/<study>/), then benchmark_results/
# bench_summary.md with the tables of every study found there (each names its own date and commit). Exits 1 when any study missed its target (2 when one could
# not run). Full mode takes about 12 minutes on 2 CPUs (longer on a noisy machine, where ab takes more pairs); --quick (few samples) about 2 minutes and
# only checks that the scripts work. Close other programs first: the machine's noise is recorded
# with every study, but it still moves the numbers.
#
# --save-baseline copies the results of the studies that ran to benchmark_results/baselines/ (the
# reference copy kept in git); refused with --quick.
# The coldstart binary is $COLDSTART, else target/release/coldstart built by `cargo build --release`.
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
results="${BENCH_RESULTS:-$root/benchmark_results}"
quick=()
save=0
studies=()
for arg in "$@"; do
    case "$arg" in
        --quick) quick=(--quick) ;;
        --save-baseline) save=1 ;;
        accuracy | overhead | gate | envcache | instructions | compare) studies+=("$arg") ;;
        -h | --help)
            awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"
            exit 0
            ;;
        *) echo "all.sh: unknown argument $arg (try --help)" >&2; exit 2 ;;
    esac
done
[ ${#studies[@]} -eq 0 ] && studies=(accuracy overhead gate envcache)
if [ "$save" = 1 ] && [ ${#quick[@]} -gt 0 ]; then
    echo "all.sh: --save-baseline needs a full run (drop --quick)" >&2
    exit 2
fi

if [ -z "${COLDSTART:-}" ]; then
    (cd "$root" && cargo build --release --quiet) || exit 2
    export COLDSTART="$root/target/release/coldstart"
fi

status=0
summary=()
for study in "${studies[@]}"; do
    echo "=== $study ===" >&2
    start=$SECONDS
    "$here/$study.sh" ${quick[@]+"${quick[@]}"}
    rc=$?
    took=$((SECONDS - start))
    case "$rc" in
        0) summary+=("$study: target met (${took} s)") ;;
        1) summary+=("$study: TARGET MISSED (${took} s)"); [ "$status" = 0 ] && status=1 ;;
        *) summary+=("$study: FAILED TO RUN, exit $rc (${took} s)"); status=2 ;;
    esac
done

{
    echo "## Self-benchmarks ($(date -u +%FT%TZ)${quick[*]:+, quick mode})"
    echo
    for study in accuracy overhead gate envcache instructions compare; do
        [ -f "$results/bench_$study.md" ] && cat "$results/bench_$study.md" && echo
    done
} > "$results/bench_summary.md"

if [ "$save" = 1 ]; then
    mkdir -p "$results/baselines"
    for study in "${studies[@]}"; do
        for ext in json md; do
            [ -f "$results/bench_$study.$ext" ] && cp "$results/bench_$study.$ext" "$results/baselines/"
        done
    done
    cp "$results/bench_summary.md" "$results/baselines/"
    echo "all.sh: copied to $results/baselines/" >&2
fi

echo >&2
printf '%s\n' "${summary[@]}" >&2
exit "$status"
