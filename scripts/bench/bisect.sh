#!/usr/bin/env bash
# bisect and history on the 32-commit test repository (tests/fixtures/bisect_repo.py: commit 9
# sleeps 30 ms at import, commit 21 imports xml.dom.minidom eagerly; the project installs offline).
#
#   scripts/bench/bisect.sh [--quick]
#
# With one fresh environment cache, in this order:
#   1. coldstart bisect first main bisectproj --forbid xml.dom.minidom   (exact, 1 sample a commit)
#   2. coldstart bisect first main bisectproj --slower 10                 (paired gate against GOOD)
#   3. coldstart history first..main bisectproj --max-count 8             (fresh result store)
#   4. the same history again                                             (everything stored)
# Reports per run: the commit found, measured commits, environments built / cloned / reused, wall
# time (read from each run's JSON report). --quick uses --max-count 4 and fewer pairs/runs.
# Targets: bisect names commit 21 and commit 9 with at most ceil(log2 32) + 1 = 6 measured commits
# after GOOD each; the second history measures nothing.
# Writes benchmark_results/bench_bisect.{json,md}; exits 1 when a target is missed.
source "$(dirname "$0")/lib.sh"

COUNT=8
PAIRS=()
RUNS=()
if [ "$QUICK" = 1 ]; then
    COUNT=4
    PAIRS=(--pairs 10 --max-pairs 20)
    RUNS=(--runs 5)
fi

echo "scripts/bench/bisect.sh$([ "$QUICK" = 1 ] && echo ' --quick')" > "$WORK/command.txt"
"$CS" --version > "$WORK/coldstart_version.txt"
echo "bisect: started $(date -u +%FT%TZ) ($(uptime))" >&2

repo="$SCRATCH/repo"
"$PY" "$ROOT/tests/fixtures/bisect_repo.py" "$repo"
cache="$SCRATCH/cache"
common=(--cache-dir "$cache" --format json --color never -q)

run() {
    local name="$1"
    shift
    local t0 t1 code=0
    t0=$(date +%s.%N)
    (cd "$repo" && "$CS" "$@" "${common[@]}" --output "$WORK/$name.json" > /dev/null 2> "$WORK/$name.stderr") || code=$?
    t1=$(date +%s.%N)
    echo "{\"name\": \"$name\", \"exit\": $code, \"wall_s\": $("$PY" -c "print($t1 - $t0)")}" >> "$WORK/runs.jsonl"
    if [ "$code" -gt 1 ]; then
        echo "bisect: '$name' failed (exit $code):" >&2
        cat "$WORK/$name.stderr" >&2
        exit 2
    fi
    echo "bisect: $name done (exit $code)" >&2
}

run bisect-forbid bisect first main bisectproj --forbid xml.dom.minidom
run bisect-slower bisect first main bisectproj --slower 10 ${PAIRS[@]+"${PAIRS[@]}"}
run history-first history first..main bisectproj --max-count "$COUNT" ${RUNS[@]+"${RUNS[@]}"} \
    --store "$SCRATCH/store" --svg "$WORK/history.svg"
run history-again history first..main bisectproj --max-count "$COUNT" ${RUNS[@]+"${RUNS[@]}"} \
    --store "$SCRATCH/store"

"$PY" - "$WORK" "$RESULTS" "$COUNT" <<'EOF'
import json, math, os, sys

work, results, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
runs = [json.loads(line) for line in open(os.path.join(work, "runs.jsonl"))]
rows, failures = [], []
for r in runs:
    doc = json.load(open(os.path.join(work, r["name"] + ".json")))
    env = doc["environments"]
    row = {"run": r["name"], "exit": r["exit"], "wall_s": round(r["wall_s"], 2),
           "built": env["built"], "cloned": env["cloned"], "reused": env["reused"],
           "failed": env["failed"]}
    if doc["kind"] == "bisect":
        found = (doc.get("first_bad") or {}).get("commit", {}).get("subject")
        row["found"] = found
        row["measured"] = sum(1 for s in doc["steps"] if s["role"] != "good")
        row["measured_with_good"] = len(doc["steps"])
        want = "commit 21:" if r["name"] == "bisect-forbid" else "commit 9:"
        bound = math.ceil(math.log2(32)) + 1
        if not (found or "").startswith(want):
            failures.append("%s found %r, expected %s" % (r["name"], found, want))
        if row["measured"] > bound:
            failures.append("%s measured %d commits after GOOD (> %d)" % (r["name"], row["measured"], bound))
    else:
        row["found"] = "%d commits" % len(doc["commits"])
        row["measured"] = doc["measured"]
        row["stored"] = doc["stored"]
        if r["name"] == "history-again" and doc["measured"] != 0:
            failures.append("the second history measured %d commits" % doc["measured"])
    rows.append(row)

head = "| run | result | measured commits | environments built / cloned / reused | wall time |\n|---|---|---|---|---|\n"
md = head + "".join(
    "| `%s` | %s | %s | %d / %d / %d | %.1f s |\n" % (
        r["run"], r["found"],
        "%d (+ GOOD)" % r["measured"] if r["run"].startswith("bisect") else "%d (%d stored)" % (r["measured"], r["stored"]),
        r["built"], r["cloned"], r["reused"], r["wall_s"])
    for r in rows)
md += "\n" + ("all targets met" if not failures else "MISSED: " + "; ".join(failures)) + "\n"
print(md)
os.makedirs(results, exist_ok=True)
json.dump({"study": "bisect", "max_count": count, "runs": rows, "failures": failures,
           "command": open(os.path.join(work, "command.txt")).read().strip(),
           "coldstart": open(os.path.join(work, "coldstart_version.txt")).read().strip()},
          open(os.path.join(results, "bench_bisect.json"), "w"), indent=2)
open(os.path.join(results, "bench_bisect.md"), "w").write("# bisect and history\n\n" + md)
sys.exit(1 if failures else 0)
EOF
