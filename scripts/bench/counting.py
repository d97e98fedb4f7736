#!/usr/bin/env python3
"""How should `--metric instructions` count the statement? Measures the candidates on this machine.

    python3 scripts/bench/counting.py [--runs N] [--out FILE]

Every sample is one fresh interpreter under `valgrind --tool=callgrind`, running coldstart's own
child script (src/probe/child.py) from an empty temporary working directory, with a minimal
environment (PATH, HOME, PYTHONHASHSEED) and warm bytecode (each statement is imported natively
first). The interpreter is a venv of `python3` whose site-packages holds a .pth file pointing at
scripts/bench/fixtures/instr (the `instrloop` fixture, ITERATIONS = 100000).

Methods, each giving the statement's instruction count:

  markers    `--dump-before=sched_get_priority_max --dump-before=sched_get_priority_min`: the child
             calls those two libc functions just before and after the statement (nothing else
             calls them), callgrind writes a dump on entering each, and the statement's count is
             the part that ends at the second marker. One child per sample.
  toggle     `--collect-atstart=no --toggle-collect=_PyEval_CallTracing` with the statement run
             through `sys.call_tracing(exec, ...)`: collects only inside that call. Needs an
             interpreter whose libpython keeps its local symbols (pyenv builds do; Debian's
             stripped /usr/bin/python3.11 has only exported ones); skipped when absent.
  subtract   the whole child's count minus that of the same child with `pass` as the statement
             (same harness, environment, seed, cwd length): two children per sample.

Conditions: `seed0` (PYTHONHASHSEED=0, a fresh working directory each sample), `padded` (seed 0
and an extra 1 KiB environment variable: a different environment block and stack layout),
`random` (no PYTHONHASHSEED: hash randomisation on), `threads` (the statement starts a thread that
runs alongside the import) and `urandom` (the import's work depends on os.urandom).
Prints one line per sample (count, CPU seconds of valgrind and the child, wall seconds) and a
summary per (statement, method, condition): distinct counts, spread (max-min)/min, median CPU.
Python 3 standard library only.
"""
import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CHILD = open(os.path.join(ROOT, "src", "probe", "child.py")).read()
TOGGLE_CHILD = CHILD.replace(
    "exec(_cs_code, _cs_globals)", "sys.call_tracing(exec, (_cs_code, _cs_globals))"
)
assert TOGGLE_CHILD != CHILD
THREADS = (
    "import threading\n"
    "def _w():\n    s = 0\n    for i in range(200000): s += i\n"
    "t = threading.Thread(target=_w); t.start()\nimport instrloop\nt.join()"
)
URANDOM = "import os\nfor _ in range(os.urandom(1)[0] * 100): pass"


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def totals(path):
    """(part, trigger, totals) of one callgrind dump file."""
    part, trigger, total = None, None, None
    with open(path) as f:
        for line in f:
            if line.startswith("part:"):
                part = int(line.split()[1])
            elif line.startswith("desc: Trigger:"):
                trigger = line.split(":", 2)[2].strip()
            elif line.startswith("totals:"):
                total = int(line.split()[1])
    return part, trigger, total


def run_child(py, env, stmt, valgrind_args, script, mark):
    """Runs one child under callgrind; returns the list of (part, trigger, totals), CPU s, wall s."""
    d = tempfile.mkdtemp(prefix="coldstart-counting-")
    try:
        cwd = os.path.join(d, "cwd")
        os.mkdir(cwd)
        out = os.path.join(d, "cg")
        cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out, *valgrind_args,
               py, "-c", script, os.path.join(d, "result"), stmt, "0", "1" if mark else "0"]
        c0, t0 = cpu_children(), time.monotonic()
        p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        c1, t1 = cpu_children(), time.monotonic()
        if p.returncode != 0:
            sys.exit("valgrind failed: " + p.stderr[-2000:])
        result = open(os.path.join(d, "result")).read()
        if "\nerror\t\n" not in result:
            sys.exit("the statement failed: " + result[:500])
        parts = sorted(totals(os.path.join(d, f)) for f in os.listdir(d) if f.startswith("cg"))
        return parts, c1 - c0, t1 - t0
    finally:
        shutil.rmtree(d)


def statement_count(method, py, env, stmt):
    """(count, cpu_s, wall_s) of the statement by one method."""
    if method == "markers":
        args = ["--dump-before=sched_get_priority_max", "--dump-before=sched_get_priority_min",
                "--dump-line=no"]
        parts, cpu, wall = run_child(py, env, stmt, args, CHILD, True)
        ends = [p for p in parts if p[1].endswith("sched_get_priority_min")]
        starts = [p for p in parts if p[1].endswith("sched_get_priority_max")]
        assert len(ends) == 1 and len(starts) == 1, parts
        return ends[0][2], cpu, wall
    if method == "toggle":
        args = ["--collect-atstart=no", "--toggle-collect=_PyEval_CallTracing"]
        parts, cpu, wall = run_child(py, env, stmt, args, TOGGLE_CHILD, False)
        return parts[0][2], cpu, wall
    if method == "subtract":
        full, cpu1, wall1 = run_child(py, env, stmt, [], CHILD, False)
        empty, cpu2, wall2 = run_child(py, env, "pass", [], CHILD, False)
        return full[0][2] - empty[0][2], cpu1 + cpu2, wall1 + wall2
    raise ValueError(method)


def has_local_symbol(py, name):
    """Whether the interpreter's libpython (or the binary itself) has the symbol `name`."""
    real = subprocess.run([py, "-c", "import sys, sysconfig; print(sys.executable); "
                           "print(sysconfig.get_config_var('LIBDIR') or ''); "
                           "print(sysconfig.get_config_var('INSTSONAME') or '')"],
                          capture_output=True, text=True).stdout.split("\n")
    candidates = [os.path.realpath(real[0]), os.path.join(real[1], real[2])]
    for path in candidates:
        if os.path.isfile(path):
            nm = subprocess.run(["nm", path], capture_output=True, text=True).stdout
            if re.search(r"\s%s$" % re.escape(name), nm, re.M):
                return True
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", default=os.path.join(ROOT, "benchmark_results", "counting.json"))
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("counting.py needs valgrind (e.g. apt-get install valgrind)")
    base = subprocess.run(["python3", "-c", "import sys; print(sys.executable)"],
                          capture_output=True, text=True).stdout.strip()
    scratch = tempfile.mkdtemp(prefix="coldstart-counting-venv-")
    try:
        venv = os.path.join(scratch, "venv")
        subprocess.run([base, "-m", "venv", "--without-pip", venv], check=True)
        site = subprocess.run([os.path.join(venv, "bin", "python"), "-c",
                               "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              capture_output=True, text=True, check=True).stdout.strip()
        fixtures = os.path.join(scratch, "instr")
        shutil.copytree(os.path.join(HERE, "fixtures", "instr"), fixtures)
        with open(os.path.join(fixtures, "instrloop_cfg.py"), "w") as f:
            f.write("ITERATIONS = 100000\n")
        with open(os.path.join(site, "coldstart_bench.pth"), "w") as f:
            f.write(fixtures + "\n")
        py = os.path.join(venv, "bin", "python")
        plain = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/")}
        seed0 = dict(plain, PYTHONHASHSEED="0")
        conditions = {"seed0": seed0, "padded": dict(seed0, COLDSTART_PAD="x" * 1024),
                      "random": plain}
        # Warm bytecode: write every .pyc natively once per statement.
        for stmt in ["import instrloop", "import email.message", THREADS, URANDOM]:
            subprocess.run([py, "-c", stmt], env=seed0, check=True, cwd=scratch)
        toggle_ok = has_local_symbol(base, "_PyEval_CallTracing")
        plan = []
        for stmt, label in [("import instrloop", "instrloop"), ("import email.message", "email.message"),
                            ("pass", "pass")]:
            for method in ["markers", "toggle", "subtract"]:
                if method == "toggle" and not toggle_ok:
                    continue
                if method == "subtract" and stmt == "pass":
                    continue
                plan.append((label, stmt, method, "seed0", args.runs))
            plan.append((label, stmt, "markers", "padded", 3))
            if stmt != "pass":
                plan.append((label, stmt, "markers", "random", args.runs))
        plan.append(("threads", THREADS, "markers", "seed0", args.runs))
        plan.append(("urandom", URANDOM, "markers", "seed0", args.runs))
        native = []
        for _ in range(args.runs):
            c0, t0 = cpu_children(), time.monotonic()
            subprocess.run([py, "-c", CHILD, os.path.join(scratch, "r"), "import instrloop", "0"],
                           env=seed0, check=True, cwd=scratch)
            native.append((cpu_children() - c0, time.monotonic() - t0))
        rows = []
        for label, stmt, method, cond, runs in plan:
            for i in range(runs):
                count, cpu, wall = statement_count(method, py, conditions[cond], stmt)
                rows.append({"statement": label, "method": method, "condition": cond, "count": count,
                             "cpu_s": round(cpu, 3), "wall_s": round(wall, 3)})
                print("%-14s %-9s %-7s %12d  cpu %6.2f s  wall %6.2f s" % (label, method, cond, count, cpu, wall),
                      flush=True)
        summary = []
        groups = {}
        for r in rows:
            groups.setdefault((r["statement"], r["method"], r["condition"]), []).append(r)
        print()
        print("| statement | method | condition | runs | counts | spread | CPU per sample |")
        print("|---|---|---|---|---|---|---|")
        for (label, method, cond), rs in groups.items():
            counts = [r["count"] for r in rs]
            lo, hi = min(counts), max(counts)
            spread = (hi - lo) / lo * 100 if lo else 0.0
            distinct = sorted(set(counts))
            shown = ", ".join("{:,}".format(c) for c in distinct[:3]) + (" ..." if len(distinct) > 3 else "")
            cpu = statistics.median(r["cpu_s"] for r in rs)
            summary.append({"statement": label, "method": method, "condition": cond, "runs": len(rs),
                            "distinct": distinct, "spread_percent": spread, "median_cpu_s": cpu})
            print("| %s | %s | %s | %d | %s | %.4f %% | %.2f s |" % (label, method, cond, len(rs), shown, spread, cpu))
        ncpu = statistics.median(c for c, _ in native)
        print("| instrloop | native, no valgrind | seed0 | %d | | | %.3f s |" % (len(native), ncpu))
        os.makedirs(os.path.dirname(args.out), exist_ok=True)
        with open(args.out, "w") as f:
            json.dump({"python": base, "toggle_available": toggle_ok, "rows": rows, "summary": summary,
                       "native_cpu_s": [c for c, _ in native], "loadavg": open("/proc/loadavg").read().split()[:3]},
                      f, indent=1)
        print("\nwritten: " + args.out)
    finally:
        shutil.rmtree(scratch)


if __name__ == "__main__":
    main()
