#!/usr/bin/env bash
# Environment cache: how much setup time does `coldstart branches` save?
#
#   scripts/bench/envcache.sh [--quick]
#
# A temporary git repository holds tests/fixtures/projects/tinyproj (it installs offline: its
# build backend is in-tree) on three branches whose dependencies are identical: a, b and c (each
# changes only the package's code). Per repetition (3, 1 with --quick), with a fresh cache:
#   - from scratch: `python3 -m venv` + `pip install` of a and of b (what the old script did);
#   - first run:  coldstart branches a b tinyproj (a is built, b cloned from it);
#   - second run: the same command again (both reused);
#   - new revision: coldstart branches a c tinyproj (a reused, c cloned: same dependencies);
# all with --pairs 5 --no-anchor --tree-runs 0 --report-only. Setup times are read from the
# `environment for X: built|cloned|reused in N s` lines coldstart prints on stderr.
# Target: the second run's setup at least 5x less than the first's.
# Writes benchmark_results/bench_envcache.{json,md}; exits 1 when the target is missed.
source "$(dirname "$0")/lib.sh"

REPS=3
[ "$QUICK" = 1 ] && REPS=1
PAIRS=5

bench_begin
"$PY" - "$WORK/params.json" "$PAIRS" "$REPS" <<'EOF'
import json, sys
out, pairs, reps = sys.argv[1:]
json.dump({"project": "tests/fixtures/projects/tinyproj (no dependencies, in-tree PEP 517 backend)",
           "pairs": int(pairs), "repetitions": int(reps),
           "branches": "coldstart branches a b tinyproj --pairs %s --no-anchor --tree-runs 0 --report-only --cache-dir FRESH" % pairs},
          open(out, "w"), indent=2)
EOF

repo="$SCRATCH/repo"
mkdir -p "$repo"
cp -r "$ROOT/tests/fixtures/projects/tinyproj/." "$repo/"
(
    cd "$repo"
    export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@localhost
    export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@localhost
    git init -q -b a .
    git add -A
    git commit -q -m "tinyproj"
    for rev in b c; do
        git checkout -q -b "$rev" a
        echo "REVISION = '$rev'" >> src/tinyproj/__init__.py
        git commit -q -am "revision $rev: code change only"
    done
    git checkout -q a
)
for rev in a b; do
    mkdir -p "$SCRATCH/src-$rev"
    git -C "$repo" archive "$rev" | tar -x -C "$SCRATCH/src-$rev"
done

# The installer coldstart uses without uv: python -m venv, then pip install of the project.
pip_install=(-m pip install --no-input --disable-pip-version-check)
for rep in $(seq 1 "$REPS"); do
    for rev in a b; do
        env_dir="$SCRATCH/scratch-$rep-$rev"
        timed "scratch-venv-$rev#$rep" --cwd "$SCRATCH/src-$rev" --stdout "$WORK/scratch.log" -- \
            "$PY" -m venv "$env_dir"
        timed "scratch-pip-$rev#$rep" --cwd "$SCRATCH/src-$rev" --stdout "$WORK/scratch.log" -- \
            "$env_dir/bin/python" "${pip_install[@]}" "$SCRATCH/src-$rev"
    done
    cache="$SCRATCH/cache-$rep"
    for run in first:b second:b newrev:c; do
        name="${run%%:*}"
        cand="${run##*:}"
        timed "$name#$rep" --cwd "$repo" --stdout /dev/null --stderr "$WORK/$name-$rep.stderr" -- \
            "$CS" branches a "$cand" tinyproj --pairs "$PAIRS" --no-anchor --tree-runs 0 \
            --report-only --cache-dir "$cache" --output-dir "$WORK/out/$name-$rep" --color never ||
            { cat "$WORK/$name-$rep.stderr" >&2; exit 2; }
    done
    echo "envcache: repetition $rep/$REPS done" >&2
done
bench_end
