#!/usr/bin/env bash
# Wall time of one `coldstart ab --metric instructions` verdict, two builds side by side (stop 21:
# the two sides' counted children run at once). Two venvs whose package `instrloop` runs a loop of
# 20,000 and 20,400 iterations at import (the fixture of tests/it/instructions.rs); RUNS rounds
# (default 3), each running OLD then NEW; prints every run and the median wall time of each.
#
#   scripts/bench/count_sides.sh OLD_COLDSTART NEW_COLDSTART [RUNS]
#
# Needs valgrind. Build OLD from an earlier commit, e.g.
#   git worktree add /tmp/old 84bb910 && (cd /tmp/old && cargo build --release)
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
old=$1 new=$2 runs=${3:-3}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for side in base:20000 plus:20400; do
    name=${side%%:*} iterations=${side##*:}
    mkdir -p "$scratch/$name-pkg/instrloop"
    printf '_t = 0\nfor _i in range(%s):\n    _t += _i\n' "$iterations" \
        > "$scratch/$name-pkg/instrloop/__init__.py"
    python3 -m venv --without-pip "$scratch/$name"
    site=$(echo "$scratch/$name"/lib/python3*/site-packages)
    echo "$scratch/$name-pkg" > "$site/instrloop_fixture.pth"
done
for _ in $(seq "$runs"); do
    for build in old new; do
        binary=${!build}
        start=$(date +%s.%N)
        "$binary" ab instrloop --metric instructions --baseline "$scratch/base/bin/python" \
            --candidate "$scratch/plus/bin/python" --output-dir "$scratch/out" --quiet \
            --format json > /dev/null || [ $? -eq 1 ] # exit 1: the +2 % regression
        echo "$build $(echo "$(date +%s.%N) - $start" | bc)"
    done
done | tee "$scratch/times" 
python3 - "$scratch/times" <<'EOF'
import statistics, sys
times = {}
for line in open(sys.argv[1]):
    build, seconds = line.split()
    times.setdefault(build, []).append(float(seconds))
old, new = (statistics.median(times[b]) for b in ("old", "new"))
print(f"median wall time: old {old:.2f} s, new {new:.2f} s, old/new {old / new:.2f}x")
EOF
