#!/usr/bin/env bash
# Drop-in replacement for the old stash-and-checkout benchmark script, with the same interface:
#
#   ./scripts/benchmark_cold_start.sh [BASELINE [OPTIMIZED]]
#
# BASELINE defaults to `main`; OPTIMIZED defaults to your working tree (uncommitted changes
# included). Unlike the old script it never stashes, checks out or reinstalls anything in your
# checkout: `coldstart branches` builds each revision in its own directory and environment.
# Targets come from [tool.coldstart] in pyproject.toml, or from COLDSTART_TARGETS="pkg pkg.sub".
# Extra flags go in COLDSTART_ARGS (e.g. "--pairs 40 --forbid paramiko").
# Exit codes: 0 no regression, 1 regression, 2 error.
set -euo pipefail

if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
fi
if [ $# -gt 2 ]; then
    echo "usage: $0 [BASELINE [OPTIMIZED]]" >&2
    exit 2
fi

here="$(cd "$(dirname "$0")/.." && pwd)"
if [ -n "${COLDSTART:-}" ]; then
    coldstart=("$COLDSTART")
elif command -v coldstart >/dev/null 2>&1; then
    coldstart=(coldstart)
elif [ -x "$here/target/release/coldstart" ]; then
    coldstart=("$here/target/release/coldstart")
else
    coldstart=(cargo run --quiet --release --manifest-path "$here/Cargo.toml" --)
fi

args=(branches "${1:-main}")
[ $# -ge 2 ] && args+=("$2")
read -r -a targets <<< "${COLDSTART_TARGETS:-}"
read -r -a extra <<< "${COLDSTART_ARGS:-}"
exec "${coldstart[@]}" "${args[@]}" ${targets[@]+"${targets[@]}"} ${extra[@]+"${extra[@]}"}
