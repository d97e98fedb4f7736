#!/usr/bin/env python3
"""How much does `-X importtime` inflate an import, and how far are its tree figures from the
timed median that `coldstart run` reports?

    python3 scripts/bench/importtime_overhead.py [--rounds N] [--python PY] MODULE...

For each module, N interleaved rounds (the modules and both modes rotate inside each round, so
machine drift hits every cell alike) of a fresh interpreter started from an empty directory:

- plain: the in-child `perf_counter_ns` around `import MODULE` (coldstart's primary metric);
- importtime: the same clock in a child run with `-X importtime`, and the cumulative time that
  the `-X importtime` line of MODULE itself reports (what the tree pass of `coldstart` shows).

Prints, per module, the three medians and two ratios: the instrumentation overhead (clock under
importtime / plain) and the tree's reading against the timed median (tree cumulative / plain).
Bytecode is warmed first (PYTHONDONTWRITEBYTECODE removed), as in coldstart's default mode.
Standard library only; not run in CI (timing).
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile

SNIPPET = (
    "import time\n"
    "t = time.perf_counter_ns()\n"
    "import {module}\n"
    "print(time.perf_counter_ns() - t)\n"
)


def child_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    return env


def run_once(python, module, importtime, cwd):
    args = [python]
    if importtime:
        args += ["-X", "importtime"]
    args += ["-c", SNIPPET.format(module=module)]
    done = subprocess.run(args, cwd=cwd, env=child_env(), capture_output=True, text=True, check=True)
    clock_ms = int(done.stdout.strip().splitlines()[-1]) / 1e6
    tree_ms = None
    if importtime:
        for line in done.stderr.splitlines():
            parts = line.split("|")
            if len(parts) == 3 and parts[2].strip() == module and parts[2].startswith(" " + module):
                # Level 0 (no indent beyond the separator's space): the module's own line.
                tree_ms = int(parts[1].strip()) / 1e3
        if tree_ms is None:
            raise SystemExit(f"no -X importtime line for {module}: is it imported at start-up?")
    return clock_ms, tree_ms


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="+")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args()
    data = {m: {"plain": [], "clock_it": [], "tree": []} for m in args.modules}
    with tempfile.TemporaryDirectory(prefix="coldstart-importtime-") as cwd:
        for m in args.modules:  # warm the bytecode cache, discarded
            run_once(args.python, m, False, cwd)
            run_once(args.python, m, True, cwd)
        for r in range(args.rounds):
            order = args.modules[r % len(args.modules):] + args.modules[: r % len(args.modules)]
            for m in order:
                modes = (False, True) if r % 2 == 0 else (True, False)
                for importtime in modes:
                    clock, tree = run_once(args.python, m, importtime, cwd)
                    if importtime:
                        data[m]["clock_it"].append(clock)
                        data[m]["tree"].append(tree)
                    else:
                        data[m]["plain"].append(clock)
    print(f"{args.rounds} interleaved rounds, {args.python}")
    print(f"{'module':<16} {'plain':>9} {'clock -X':>9} {'tree cum':>9} {'overhead':>9} {'tree/plain':>10}")
    for m in args.modules:
        plain = statistics.median(data[m]["plain"])
        clock = statistics.median(data[m]["clock_it"])
        tree = statistics.median(data[m]["tree"])
        print(
            f"{m:<16} {plain:8.1f}ms {clock:8.1f}ms {tree:8.1f}ms "
            f"{(clock / plain - 1) * 100:+8.1f}% {(tree / plain - 1) * 100:+9.1f}%"
        )


if __name__ == "__main__":
    main()
