#!/usr/bin/env bash
# Integrity stress (not in CI): 20 concurrent `run`s into one directory, 30 random kill -9 during
# `run` and 5 during `branches`, then a normal run; prints one line per check with its count.
# Usage: scripts/bench/integrity.sh [COLDSTART_BINARY]
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$root/target/debug/coldstart}
pkgs=$root/tests/fixtures/pkgs
work=$(mktemp -d)
export TMPDIR=$work/tmp XDG_CACHE_HOME=$work/cache
mkdir -p "$TMPDIR" "$XDG_CACHE_HOME"
out=$work/results
# exec: `$!` of `run ... &` is then coldstart itself, not a subshell.
run() { exec "$bin" run "$@" --python python3 --path "$pkgs" --no-anchor --tree-runs 0 -q --output-dir "$out" >/dev/null 2>&1; }

for _ in $(seq 20); do run emptypkg --runs 2 --warmup 0 & done
wait
for _ in $(seq 30); do
  run spawner --runs 50 --warmup 0 --env SPAWNER_PIDS="$work/pids" & pid=$!
  sleep "0.$((RANDOM % 10))$((RANDOM % 10))"; kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
done
repo=$work/repo
cp -r "$root/tests/fixtures/projects/tinyproj" "$repo"
git -C "$repo" init -q && git -C "$repo" add -A && git -C "$repo" -c user.name=x -c user.email=x@x commit -qm init
for _ in $(seq 5); do
  (cd "$repo" && exec "$bin" branches HEAD HEAD tinyproj --python python3 --setup 'sleep 30 & wait' -q >/dev/null 2>&1) & pid=$!
  sleep "$((1 + RANDOM % 3))"; kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
done
(run emptypkg --runs 2 --warmup 0); final=$?
sleep 1

json=$(find "$out" -name '*.json' | wc -l)
bad=0
for f in "$out"/*.json; do python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$f" 2>/dev/null || bad=$((bad + 1)); done
# Every process started under this script has $work in its environment (TMPDIR).
owners=0
for e in /proc/[0-9]*/environ; do
  p=${e#/proc/}; p=${p%/environ}
  [ "$p" = $$ ] || [ "$p" = "$BASHPID" ] && continue
  grep -qs "$work" "$e" && owners=$((owners + 1)) && echo "  still running: $(tr '\0' ' ' < /proc/$p/cmdline | cut -c1-80)"
done
spawned=0
for p in $(cat "$work/pids" 2>/dev/null); do [ -d "/proc/$p" ] && ! grep -q '^State:.Z' "/proc/$p/status" 2>/dev/null && spawned=$((spawned + 1)); done
echo "final run exit status: $final"
echo "result files (20 concurrent + 1 final runs, each 1 file; latest extra): $json"
echo "invalid JSON files: $bad"
echo "temp files in the output dir: $(find "$out" -name '.*' -type f | wc -l)"
echo "surviving processes of killed runs (spawned by the target): $spawned"
echo "other processes started under this script still running: $owners"
echo "leftovers in TMPDIR: $(find "$TMPDIR" -mindepth 1 -maxdepth 1 | wc -l) $(ls "$TMPDIR" | sed 's/-[0-9]*-[0-9]*-.*//' | sort | uniq -c | tr '\n' ' ')"
echo "leftover build dirs in the cache: $(find "$XDG_CACHE_HOME"/coldstart/tmp -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)"
rm -rf "$work"
