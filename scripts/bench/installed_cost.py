#!/usr/bin/env python3
"""What listing the installed distributions (src/probe/installed.py, once per side) costs.

Builds a venv, copies the *.dist-info directories of N distributions (their real METADATA, long
descriptions included) from this interpreter's site-packages into it, then times, in interleaved
rounds, three fresh interpreters of that venv: `-c pass`, `-c "from importlib import metadata"`
and the listing script itself (its report on an inherited fd 3, as coldstart runs it). Prints the
median wall and CPU time of each and the cost above a bare start (CPU time is the steadier figure
on a loaded machine).

    python3 scripts/bench/installed_cost.py --distributions 50 --rounds 30
"""
import argparse
import glob
import os
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "..", "src", "probe", "installed.py")


def wall(cmd, env, pass_fd=None):
    """Wall and CPU (user + system) milliseconds of one run of `cmd`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, pass_fds=(pass_fd,) if pass_fd else (),
                   stdout=subprocess.DEVNULL)
    elapsed = (time.perf_counter() - start) * 1e3
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1e3
    return elapsed, cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--distributions", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=30)
    args = ap.parse_args()
    source = sysconfig.get_paths()["purelib"]
    infos = sorted(glob.glob(os.path.join(source, "*.dist-info")))[: args.distributions]
    if len(infos) < args.distributions:
        sys.exit("only %d distributions in %s" % (len(infos), source))
    with tempfile.TemporaryDirectory() as tmp:
        venv = os.path.join(tmp, "venv")
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
        python = os.path.join(venv, "bin", "python")
        site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              check=True, capture_output=True, text=True).stdout.strip()
        for info in infos:
            shutil.copytree(info, os.path.join(site, os.path.basename(info)))
        script = open(SCRIPT).read()
        env = {"PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1"}
        report = os.open(tmp, os.O_TMPFILE | os.O_RDWR)
        os.dup2(report, 3)
        kinds = {
            "-c pass": lambda: wall([python, "-c", "pass"], env),
            "import importlib.metadata": lambda: wall(
                [python, "-c", "from importlib import metadata"], env),
            "listing (installed.py)": lambda: wall([python, "-c", script, "3", "5000"], env, 3),
        }
        times = {k: [] for k in kinds}
        for _ in range(args.rounds):
            for k, run in kinds.items():
                os.ftruncate(3, 0)
                times[k].append(run())
        os.lseek(3, 0, 0)
        listed = os.read(3, 1 << 24).decode().count('],[') + 1
        print("%s, %d distributions copied (%d listed), %d interleaved rounds, load %.1f" % (
            sys.version.split()[0], len(infos), listed, args.rounds, os.getloadavg()[0]))
        med = {k: [statistics.median(x[i] for x in v) for i in (0, 1)] for k, v in times.items()}
        base = med["-c pass"]
        for k, (w, c) in med.items():
            print("  %-26s wall %6.1f ms (+%5.1f)   CPU %6.1f ms (+%5.1f)" % (
                k, w, w - base[0], c, c - base[1]))


if __name__ == "__main__":
    main()
