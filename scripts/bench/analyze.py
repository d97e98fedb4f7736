#!/usr/bin/env python3
"""Helpers of coldstart's self-benchmarks (scripts/bench/*.sh). Python 3 standard library only.

Subcommands:

  timed    --log FILE --name NAME [--cwd DIR] -- CMD...
           Run CMD, append one JSON line to FILE: wall time, CPU of CMD and its children, the
           machine's foreign CPU while it ran (/proc/stat busy time minus ours, per second, the
           way coldstart's `noise.foreign_cpus` is computed), load average, exit code. Exits with
           CMD's exit code.
  snapshot --out FILE   Machine description and `uptime` (load averages), as JSON.
  report   STUDY --work DIR --results DIR [--quick]
           Read the raw data a study left in DIR, write DIR/../bench_STUDY.{json,md} under the
           results directory, print the Markdown table, exit 1 when the study's target is missed.
  calibrate RESULT.json --target-ms MS
           Gate study: from a `coldstart run` of `import benchwork` (0 iterations) and of
           `work(CAL_ITER)`, print the loop count that makes the base import take MS and the
           per-iteration cost.
  calibrate-probe COMPARISON.json --delta-iter N
           Gate study: from the `coldstart ab` of the base against a probe with N more iterations,
           print the base's median import time and the cost of one iteration inside the import.
  iterations --base-iter N --ns-per-iter C --base-ms T --percent P
           Gate study: the loop count of a candidate P % slower than a base of T ms.

Statistics (no numpy/scipy):

* Student's two-sample t-test with pooled variance (what pyperf's `is_significant` does), two-
  sided p-value from the regularised incomplete beta function I_x(df/2, 1/2) with x = df/(df+t^2),
  evaluated with the continued fraction of Numerical Recipes (betacf); exact for any df.
* Medians, means, MAD from `statistics`.
"""
import argparse
import glob
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone

# --------------------------------------------------------------------------------------------
# statistics


def _betacf(a, b, x):
    """Continued fraction of the incomplete beta function (Numerical Recipes, 2nd ed., 6.4)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        de = d * c
        h *= de
        if abs(de - 1.0) < 3e-14:
            break
    return h


def betai(a, b, x):
    """Regularised incomplete beta I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    lbt = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    bt = math.exp(lbt)
    if x < (a + 1.0) / (a + b + 2.0):
        return bt * _betacf(a, b, x) / a
    return 1.0 - bt * _betacf(b, a, 1.0 - x) / b


def t_two_sided_p(t, df):
    """P(|T| >= |t|) for Student's t with df degrees of freedom."""
    if not math.isfinite(t):
        return 0.0
    return betai(df / 2.0, 0.5, df / (df + t * t))


def student_t(a, b):
    """Pooled-variance two-sample t-test of b against a: (t, df, two-sided p)."""
    na, nb = len(a), len(b)
    ma, mb = statistics.fmean(a), statistics.fmean(b)
    va, vb = statistics.variance(a), statistics.variance(b)
    df = na + nb - 2
    pooled = ((na - 1) * va + (nb - 1) * vb) / df
    se = math.sqrt(pooled * (1.0 / na + 1.0 / nb))
    if se == 0.0:
        t = 0.0 if mb == ma else math.copysign(math.inf, mb - ma)
    else:
        t = (mb - ma) / se
    return t, df, t_two_sided_p(t, df)


def _self_test():
    # Two-sided p-values, checked against a direct numerical integration of the t density:
    # (2, 10) 0.0733880348, (1, 1) 0.5 (Cauchy), (2.045229642, 29) 0.05 (the 97.5 % quantile),
    # (3, 58) 0.0039742722, (5, 3) 0.0153924381.
    for t, df, p in [(2.0, 10, 0.0733880348), (1.0, 1, 0.5), (2.045229642, 29, 0.05),
                     (3.0, 58, 0.0039742722), (5.0, 3, 0.0153924381)]:
        got = t_two_sided_p(t, df)
        assert abs(got - p) < 1e-8, (t, df, got, p)


# --------------------------------------------------------------------------------------------
# machine and noise


def _cpu_busy_s():
    with open("/proc/stat") as f:
        fields = f.readline().split()
    # user nice system idle iowait irq softirq steal: busy = everything but idle and iowait,
    # the same sum coldstart's host.rs uses.
    v = [int(x) for x in fields[1:9]]
    busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7]
    return busy / os.sysconf("SC_CLK_TCK")


def _ours_s():
    s = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def _loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def cmd_timed(args):
    cmd = args.cmd[1:] if args.cmd and args.cmd[0] == "--" else args.cmd
    load = _loadavg()
    busy0, ours0 = _cpu_busy_s(), _ours_s()
    c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    stdout = open(args.stdout, "w") if args.stdout else None
    stderr = open(args.stderr, "w") if args.stderr else None
    rc = subprocess.call(cmd, cwd=args.cwd, stdout=stdout, stderr=stderr)
    wall = time.perf_counter() - t0
    c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy1, ours1 = _cpu_busy_s(), _ours_s()
    foreign = max(0.0, ((busy1 - busy0) - (ours1 - ours0)) / wall) if wall > 0 else 0.0
    rec = {
        "name": args.name,
        "cmd": cmd,
        "exit_code": rc,
        "wall_s": wall,
        "cpu_s": (c1.ru_utime + c1.ru_stime) - (c0.ru_utime + c0.ru_stime),
        "foreign_cpus": foreign,
        "load_avg_before": load,
        "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    with open(args.log, "a") as f:
        f.write(json.dumps(rec) + "\n")
    return rc


def _read(path, default=""):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return default


def _cmd_out(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def machine():
    model = None
    for line in _read("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    osname = None
    for line in _read("/etc/os-release").splitlines():
        if line.startswith("PRETTY_NAME="):
            osname = line.split("=", 1)[1].strip('"')
    mem_kib = None
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            mem_kib = int(line.split()[1])
    return {
        "cpu_model": model,
        "cpus": os.cpu_count(),
        "mem_gib": round(mem_kib / 2**20, 1) if mem_kib else None,
        "os": osname,
        "kernel": platform.release(),
        "arch": platform.machine(),
    }


def cmd_snapshot(args):
    snap = {
        "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "uptime": _cmd_out(["uptime"]),
        "load_avg": _loadavg(),
        "machine": machine(),
    }
    with open(args.out, "w") as f:
        json.dump(snap, f, indent=2)
    return 0


# --------------------------------------------------------------------------------------------
# reading a study's work directory


def load_json(path):
    with open(path) as f:
        return json.load(f)


def timings(work):
    path = os.path.join(work, "timings.jsonl")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def result_files(directory):
    """coldstart result files under `directory` (not `latest`, not comparisons)."""
    out = []
    for p in sorted(glob.glob(os.path.join(directory, "**", "cold_start_*.json"), recursive=True)):
        if p.endswith(("_latest.json", "_comparison.json", "_instructions.json")):
            continue
        out.append(p)
    return out


def noise_summary(work, extra_foreign=()):
    """The machine's noise during a study: load before/after, foreign CPUs of every timed command
    and of every coldstart result file."""
    before = load_json(os.path.join(work, "before.json"))
    after = load_json(os.path.join(work, "after.json"))
    timed = [t["foreign_cpus"] for t in timings(work)]
    files = []
    for p in result_files(work):
        n = load_json(p).get("noise")
        if n:
            files.append(n["foreign_cpus"])
    files.extend(extra_foreign)

    def stats(v):
        if not v:
            return None
        return {"n": len(v), "median": statistics.median(v), "max": max(v), "min": min(v)}

    return {
        "uptime_before": before["uptime"],
        "uptime_after": after["uptime"],
        "load_avg_before": before["load_avg"],
        "load_avg_after": after["load_avg"],
        "foreign_cpus_timed_commands": stats(timed),
        "foreign_cpus_coldstart_files": stats(files),
    }


def noise_line(n):
    def fmt(s):
        return "n/a" if not s else f"median {s['median']:.2f}, max {s['max']:.2f} (n={s['n']})"

    lb, la = n["load_avg_before"], n["load_avg_after"]
    return (
        f"Noise: foreign CPUs (coldstart's `noise.foreign_cpus`) {fmt(n['foreign_cpus_coldstart_files'])}; "
        f"foreign CPUs around each timed command {fmt(n['foreign_cpus_timed_commands'])}; "
        f"load average before {lb[0]:.2f} {lb[1]:.2f} {lb[2]:.2f}, after {la[0]:.2f} {la[1]:.2f} {la[2]:.2f}."
    )


def machine_line(m, python):
    mm = m["machine"]
    return (
        f"Machine: {mm['cpu_model']}, {mm['cpus']} CPUs, {mm['mem_gib']} GiB, {mm['os']}, "
        f"Linux {mm['kernel']} {mm['arch']}; {python}."
    )


def md_table(headers, rows):
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(out)


def f1(x):
    return f"{x:.1f}"


def f2(x):
    return f"{x:.2f}"


def pct(x, digits=1):
    return f"{x:+.{digits}f} %"


# --------------------------------------------------------------------------------------------
# studies


def report_accuracy(work, quick):
    """Median import time of sleep_N minus that of sleep_0 against N, in-child clock and outer
    wall clock, from one interleaved `coldstart run` of the four fixtures."""
    files = result_files(os.path.join(work, "out"))
    assert len(files) == 1, files
    r = load_json(files[0])
    by = {t["name"]: t for t in r["targets"]}
    ref = by["sleep_0ms"]

    def med(t, key):
        return statistics.median(s[key] for s in t["samples"])

    def mad(t, key):
        v = [s[key] for s in t["samples"]]
        m = statistics.median(v)
        return statistics.median(abs(x - m) for x in v)

    rows, data, ok = [], [], True
    for delay in (0, 10, 50, 100):
        t = by[f"sleep_{delay}ms"]
        measured = med(t, "import_ms") - med(ref, "import_ms")
        err = measured - delay
        wall_measured = med(t, "wall_ms") - med(ref, "wall_ms")
        wall_err = wall_measured - delay
        tol = max(ACCURACY_TOL_MS, ACCURACY_TOL_PCT / 100 * delay)
        hit = delay == 0 or abs(err) <= tol
        ok &= hit
        data.append({
            "fixture": f"sleep_{delay}ms",
            "delay_ms": delay,
            "n": len(t["samples"]),
            "import_median_ms": med(t, "import_ms"),
            "import_mad_ms": mad(t, "import_ms"),
            "measured_delay_ms": measured,
            "error_ms": err,
            "error_pct": err / delay * 100 if delay else None,
            "wall_median_ms": med(t, "wall_ms"),
            "wall_measured_delay_ms": wall_measured,
            "wall_error_ms": wall_err,
            "tolerance_ms": tol if delay else None,
            "within_tolerance": hit,
        })
        rows.append([
            f"`sleep_{delay}ms`", delay, f2(med(t, "import_ms")), f2(mad(t, "import_ms")),
            "(reference)" if delay == 0 else f2(measured),
            "" if delay == 0 else f"{err:+.2f}",
            "" if delay == 0 else pct(err / delay * 100, 2),
            "" if delay == 0 else f"{wall_err:+.2f}",
            "" if delay == 0 else ("yes" if hit else "**NO**") + f" (±{tol:.2f})",
        ])
    table = md_table(
        ["fixture", "delay ms", "median import ms", "MAD ms", "measured delay ms", "error ms",
         "error %", "error ms (outer wall clock)", "within target"],
        rows,
    )
    target = (
        f"Target: |error| <= max({ACCURACY_TOL_MS} ms, {ACCURACY_TOL_PCT:g} % of the delay) for every delay, "
        f"in-child clock (the primary metric). {len(ref['samples'])} samples per fixture, interleaved."
    )
    return {"rows": data, "settings": r["settings"], "python": r["environment"]["python"]}, table, target, ok, []


ACCURACY_TOL_MS = 0.5
ACCURACY_TOL_PCT = 2.0
OVERHEAD_TARGET = 1.10


def report_overhead(work, quick):
    """Side by side, in rotation: `coldstart run` with N samples, a shell loop of N children, a
    shell loop of N bare `-c pass` children (to price coldstart's start-up/identify children), and
    hyperfine with N runs."""
    params = load_json(os.path.join(work, "params.json"))
    n, extra = params["samples"], params["extra_children"]
    reps = {}
    for t in timings(work):
        phase, rep = t["name"].rsplit("#", 1)
        if t["exit_code"] != 0:
            raise SystemExit(f"overhead: {t['name']} failed with exit code {t['exit_code']}")
        reps.setdefault(int(rep), {})[phase] = t
    per_rep = []
    for rep in sorted(reps):
        p = reps[rep]
        cs, loop, bare = p["coldstart"]["wall_s"], p["loop"]["wall_s"], p["loop_pass"]["wall_s"]
        row = {
            "rep": rep,
            "coldstart_s": cs,
            "loop_s": loop,
            "loop_pass_s": bare,
            "ratio_raw": cs / loop,
            "ratio_per_child": (cs / (n + extra)) / (loop / n),
            "ratio_accounted": (cs - extra * bare / n) / loop,
            "foreign_cpus": {k: v["foreign_cpus"] for k, v in p.items()},
        }
        if "hyperfine" in p:
            hf = p["hyperfine"]["wall_s"]
            row["hyperfine_s"] = hf
            row["ratio_accounted_vs_hyperfine"] = (cs - extra * bare / n) / hf
            row["loop_vs_hyperfine"] = loop / hf
        per_rep.append(row)

    def med(key):
        v = [r[key] for r in per_rep if key in r]
        return (statistics.median(v), min(v), max(v)) if v else None

    def cell(key, fmt=f2):
        m = med(key)
        return "n/a" if m is None else f"{fmt(m[0])} ({fmt(m[1])}..{fmt(m[2])})"

    has_hf = any("hyperfine_s" in r for r in per_rep)
    rows = [
        ["`coldstart run` (N samples + %d start-up/identify children)" % extra, cell("coldstart_s"),
         f"{med('coldstart_s')[0] / (n + extra) * 1000:.1f}", "", ""],
        ["plain shell loop (N children)", cell("loop_s"), f"{med('loop_s')[0] / n * 1000:.1f}",
         cell("ratio_raw"), cell("ratio_accounted")],
        ["plain shell loop of `-c pass` (N children, prices the extra ones)", cell("loop_pass_s"),
         f"{med('loop_pass_s')[0] / n * 1000:.1f}", "", ""],
    ]
    if has_hf:
        rows.append(["hyperfine -N --runs N", cell("hyperfine_s"), f"{med('hyperfine_s')[0] / n * 1000:.1f}",
                     "", cell("ratio_accounted_vs_hyperfine")])
    else:
        rows.append(["hyperfine", "not installed: column skipped", "", "", ""])
    table = md_table(
        ["command", "total wall s, median (min..max)", "ms per child", "coldstart / this, raw",
         "coldstart / this, start-up children accounted"],
        rows,
    )
    table += (
        f"\n\nPer-child ratio (coldstart total / {n + extra} children against loop total / {n}): "
        f"{cell('ratio_per_child', lambda x: f'{x:.3f}')}."
    )
    acc = med("ratio_accounted")[0]
    ok = acc <= OVERHEAD_TARGET
    target = (
        f"Target: coldstart's wall time, its {extra} extra children priced at the `-c pass` loop's "
        f"per-child cost and subtracted, at most {OVERHEAD_TARGET:.2f}x the plain loop (median of "
        f"{len(per_rep)} rotations): {acc:.3f} -> {'met' if ok else 'MISSED'}. N = {n}; statement "
        f"`{params['statement']}`; interpreter {params['python']}."
    )
    return {"params": params, "per_rep": per_rep, "ratio_accounted_median": acc,
            "hyperfine": has_hf}, table, target, ok, []


def _rules(a, b):
    ma, mb = statistics.fmean(a), statistics.fmean(b)
    t, df, p = student_t(a, b)
    return {
        "mean_ratio": mb / ma,
        "median_ratio": statistics.median(b) / statistics.median(a),
        "t": t,
        "df": df,
        "p": p,
        "pytest_benchmark_mean_5pct": mb > ma * 1.05,
        "pyperf_t_test": p < 0.05 and mb > ma,
        "original_any_mean_increase": mb > ma,
    }


GATE_LEVELS = [0, 5, 10, 20]
GATE_FALSE_MAX = 0
GATE_DETECT_MIN = 0.95
GATE_MIN_RUNS = 30


def report_gate(work, quick):
    params = load_json(os.path.join(work, "params.json"))
    codes = {t["name"]: t for t in timings(work)}
    runs = []
    for d in sorted(glob.glob(os.path.join(work, "ab", "*", "*"))):
        level = int(os.path.basename(os.path.dirname(d)))
        rep = int(os.path.basename(d))
        comp = glob.glob(os.path.join(d, "*_comparison.json"))
        base = glob.glob(os.path.join(d, "*_baseline.json"))
        cand = glob.glob(os.path.join(d, "*_candidate.json"))
        if not (len(comp) == len(base) == len(cand) == 1):
            raise SystemExit(f"gate: expected one comparison, baseline and candidate file in {d}")
        c, a_r, b_r = load_json(comp[0]), load_json(base[0]), load_json(cand[0])
        a = [s["import_ms"] for s in a_r["targets"][0]["samples"]]
        b = [s["import_ms"] for s in b_r["targets"][0]["samples"]]
        imp = c["targets"][0]["import"]
        rec = codes.get(f"ab-{level}#{rep}")
        run = {
            "level": level,
            "rep": rep,
            "pairs": len(a),
            "verdict": imp["verdict"],
            "exit_code": rec["exit_code"] if rec else None,
            "wall_s": rec["wall_s"] if rec else None,
            "hl_ratio": imp["ratio"],
            "ratio_low": imp["ratio_low"],
            "ratio_high": imp["ratio_high"],
            "noise": imp["noise"],
            "mde_ratio": imp["mde_ratio"],
            "foreign_cpus": (a_r.get("noise") or {}).get("foreign_cpus"),
            "baseline_median_ms": statistics.median(a),
        }
        run.update(_rules(a, b))
        runs.append(run)

    problems = []
    for r in runs:
        expect = 1 if r["verdict"] == "regression" else 0
        if r["exit_code"] is not None and r["exit_code"] != expect:
            problems.append(
                f"ab +{r['level']} % run {r['rep']}: verdict {r['verdict']} but exit code {r['exit_code']}"
            )

    rows, levels, ok = [], [], True
    notes = []
    for level in GATE_LEVELS:
        rs = [r for r in runs if r["level"] == level]
        if not rs:
            continue
        n = len(rs)

        def count(pred):
            return sum(1 for r in rs if pred(r))

        cs = count(lambda r: r["verdict"] == "regression")
        inc = count(lambda r: r["verdict"] == "inconclusive")
        imp = count(lambda r: r["verdict"] == "improvement")
        pb = count(lambda r: r["pytest_benchmark_mean_5pct"])
        tt = count(lambda r: r["pyperf_t_test"])
        orig = count(lambda r: r["original_any_mean_increase"])
        achieved = statistics.median(r["hl_ratio"] for r in rs)
        achieved_mean = statistics.median(r["mean_ratio"] for r in rs)
        noise = statistics.median(r["noise"] for r in rs)
        mde = statistics.median(r["mde_ratio"] for r in rs)
        pairs = statistics.median(r["pairs"] for r in rs)
        pairs_range = (min(r["pairs"] for r in rs), max(r["pairs"] for r in rs))
        walls = [r["wall_s"] for r in rs if r["wall_s"] is not None]
        wall_med = statistics.median(walls) if walls else None
        fc = [r["foreign_cpus"] for r in rs if r["foreign_cpus"] is not None]
        lv = {
            "level_pct": level, "runs": n, "achieved_hl_ratio_median": achieved,
            "achieved_mean_ratio_median": achieved_mean,
            "achieved_hl_ratio_range": [min(r["hl_ratio"] for r in rs), max(r["hl_ratio"] for r in rs)],
            "coldstart_regression": cs, "coldstart_inconclusive": inc, "coldstart_improvement": imp,
            "pytest_benchmark_mean_5pct": pb, "pyperf_t_test": tt, "original_any_mean_increase": orig,
            "noise_median": noise, "mde_ratio_median": mde, "pairs_median": pairs,
            "pairs_range": list(pairs_range), "wall_s_median": wall_med,
            "foreign_cpus_median": statistics.median(fc) if fc else None,
        }
        levels.append(lv)

        def frac(k):
            return f"{k}/{n} ({k / n * 100:.0f} %)"

        rows.append([
            "A/A (identical)" if level == 0 else f"+{level} %",
            f"{(achieved - 1) * 100:+.1f} % ({(lv['achieved_hl_ratio_range'][0] - 1) * 100:+.1f}..{(lv['achieved_hl_ratio_range'][1] - 1) * 100:+.1f})",
            f"{pairs:g} ({pairs_range[0]}..{pairs_range[1]})",
            "" if wall_med is None else f"{wall_med:.2f} s",
            f"{noise * 100:.1f} % / {(mde - 1) * 100:.1f} %",
            frac(cs) + (f", {inc} inconclusive" if inc else ""),
            frac(pb), frac(tt), frac(orig),
            "" if not fc else f2(statistics.median(fc)),
        ])
        if level == 0:
            if cs > GATE_FALSE_MAX:
                ok = False
                notes.append(f"A/A: {cs} false regressions (target {GATE_FALSE_MAX})")
            if n < GATE_MIN_RUNS and not quick:
                ok = False
                notes.append(f"A/A: only {n} runs (target at least {GATE_MIN_RUNS})")
        if level == 10:
            rate = cs / n
            if rate < GATE_DETECT_MIN:
                ok = False
                notes.append(f"+10 %: detected {cs}/{n} = {rate * 100:.0f} % (target {GATE_DETECT_MIN * 100:.0f} %)")
            if n < GATE_MIN_RUNS and not quick:
                ok = False
                notes.append(f"+10 %: only {n} runs (target at least {GATE_MIN_RUNS})")
    ok = ok and not problems

    # Diagnostics. Machine-speed phases: this VM's host contention slows every child without
    # showing up as foreign CPU, so runs whose baseline median sits far above the study's are
    # counted. And the gate's minimum-effect check uses the difference of the two sides' unpaired
    # medians: runs where it vetoed a paired estimate above the threshold are counted.
    all_base = statistics.median(r["baseline_median_ms"] for r in runs)
    slow = [r for r in runs if r["baseline_median_ms"] > 1.2 * all_base]
    diag = {"study_baseline_median_ms": all_base, "slow_phase_runs": len(slow)}
    lines = [f"Machine-speed phases: {len(slow)} of {len(runs)} runs had a baseline median more than 20 % above "
             f"the study's {all_base:.1f} ms (host contention that foreign CPU does not show)."]
    r10 = [r for r in runs if r["level"] == 10]
    if r10:
        normal = [r for r in r10 if r["baseline_median_ms"] <= 1.2 * all_base]
        hit = sum(1 for r in normal if r["verdict"] == "regression")
        diag["detected_10pct_normal_speed"] = [hit, len(normal)]
        lines.append(f"At +10 %, in the runs at normal speed: {hit}/{len(normal)} detected.")
    threshold = math.log(params.get("threshold_pct", 5.0) / 100 + 1)
    vetoed = [r for r in runs if r["level"] > 0 and r["verdict"] == "unchanged"
              and math.log(r["hl_ratio"]) > threshold
              and r["baseline_median_ms"] * (r["hl_ratio"] - 1) > 1.0]
    diag["unchanged_by_unpaired_median_diff"] = [f"+{r['level']} % run {r['rep']}" for r in vetoed]
    if vetoed:
        lines.append(
            f"{len(vetoed)} injected runs ended UNCHANGED (not INCONCLUSIVE, so no extra pairs) although the paired "
            f"estimate exceeded 5 % and > 1 ms, because the difference of the unpaired medians was <= 1 ms: "
            + ", ".join(diag["unchanged_by_unpaired_median_diff"]) + ".")
    table_notes = "\n\n" + " ".join(lines)
    table = md_table(
        ["injected", "achieved (median HL ratio of the runs, min..max)", "pairs (median, min..max)",
         "wall time per verdict (median)",
         "noise / min. detectable (median)", "coldstart ab: REGRESSION",
         "mean +5 % (pytest-benchmark)", "t-test p<0.05 (pyperf)", "any mean increase (original)",
         "foreign CPUs (median)"],
        rows,
    ) + table_notes
    target = (
        f"Targets: A/A false regressions {GATE_FALSE_MAX} of at least {GATE_MIN_RUNS} runs; +10 % detected in at "
        f"least {GATE_DETECT_MIN * 100:.0f} % of at least {GATE_MIN_RUNS} runs -> "
        + ("met." if ok else "MISSED: " + "; ".join(notes + problems) + ".")
        + f" Base import: median {statistics.median(r['baseline_median_ms'] for r in runs if r['level'] == 0):.1f} ms "
        f"({params['base_iterations']} loop iterations, {params['ns_per_iter']:.1f} ns each); candidates add "
        + ", ".join(f"+{k} % -> {v} iterations" for k, v in sorted(params['candidate_iterations'].items(), key=lambda kv: int(kv[0])))
        + ". The simpler rules are applied to the same samples of each `ab` run."
    )
    x2, x2_table, x2_ok, x2_notes = _report_gate_2x(work, codes, quick)
    if x2 is not None:
        table += "\n\n" + x2_table
        target += " 2x change: " + ("met." if x2_ok else "MISSED: " + "; ".join(x2_notes) + ".")
        ok = ok and x2_ok
    return {"params": params, "levels": levels, "runs": runs, "problems": problems,
            "diagnostics": diag, "x2": x2}, table, target, ok, []


GATE_X2_PAIRS = 10
GATE_X2_DECIDED_MIN = 0.90
GATE_X2_SPEEDUP = 3.0


def _report_gate_2x(work, codes, quick):
    """Time to a verdict on a 2x change: new defaults against the old fixed design, run side by
    side in the same rounds (gate.sh's x2-new / x2-old runs)."""
    runs = []
    for d in sorted(glob.glob(os.path.join(work, "ab2x", "*", "*"))):
        design, rep = os.path.basename(os.path.dirname(d)), int(os.path.basename(d))
        comp = glob.glob(os.path.join(d, "*_comparison.json"))
        rec = codes.get(f"x2-{design}#{rep}")
        if len(comp) != 1 or rec is None:
            continue
        imp = load_json(comp[0])["targets"][0]["import"]
        runs.append({"design": design, "rep": rep, "pairs": imp["n_baseline"], "verdict": imp["verdict"],
                     "ratio": imp["ratio"], "wall_s": rec["wall_s"], "exit_code": rec["exit_code"]})
    if not runs:
        return None, "", True, []
    out, rows, ok, notes = {"runs": runs}, [], True, []
    for design, label in (("old", "old fixed design: `--min-pairs 30 --anchor-every 1`"),
                          ("new", "new defaults: early looks from 8 pairs, anchor every 3rd pair")):
        rs = [r for r in runs if r["design"] == design]
        if not rs:
            continue
        n = len(rs)
        decided = sum(1 for r in rs if r["verdict"] == "regression" and r["pairs"] <= GATE_X2_PAIRS)
        reg = sum(1 for r in rs if r["verdict"] == "regression")
        pairs = [r["pairs"] for r in rs]
        walls = [r["wall_s"] for r in rs]
        out[design] = {"runs": n, "regression": reg, "decided_within_10_pairs": decided,
                       "pairs_median": statistics.median(pairs), "pairs_range": [min(pairs), max(pairs)],
                       "wall_s_median": statistics.median(walls), "wall_s_range": [min(walls), max(walls)],
                       "achieved_ratio_median": statistics.median(r["ratio"] for r in rs)}
        rows.append([label, n, f"{reg}/{n}", f"{decided}/{n} ({decided / n * 100:.0f} %)",
                     f"{statistics.median(pairs):g} ({min(pairs)}..{max(pairs)})",
                     f"{statistics.median(walls):.2f} s ({min(walls):.2f}..{max(walls):.2f})"])
    if "new" in out and "old" in out:
        by_rep = {}
        for r in runs:
            by_rep.setdefault(r["rep"], {})[r["design"]] = r["wall_s"]
        ratios = [v["old"] / v["new"] for v in by_rep.values() if "old" in v and "new" in v]
        speedup = out["old"]["wall_s_median"] / out["new"]["wall_s_median"]
        out["speedup_of_medians"] = speedup
        out["speedup_per_round_median"] = statistics.median(ratios) if ratios else None
        rate = out["new"]["decided_within_10_pairs"] / out["new"]["runs"]
        if rate < GATE_X2_DECIDED_MIN:
            ok = False
            notes.append(f"decided within {GATE_X2_PAIRS} pairs in {rate * 100:.0f} % of runs (target {GATE_X2_DECIDED_MIN * 100:.0f} %)")
        # Side by side: each round runs both designs one after the other, so the per-round ratio
        # cancels the machine's slow phases that the medians over rounds mix in.
        per_round = out["speedup_per_round_median"] or 0.0
        if per_round < GATE_X2_SPEEDUP:
            ok = False
            notes.append(f"wall time per round {per_round:.2f}x below the old design's (target {GATE_X2_SPEEDUP:g}x)")
        if out["new"]["runs"] < GATE_MIN_RUNS and not quick:
            ok = False
            notes.append(f"only {out['new']['runs']} runs (target at least {GATE_MIN_RUNS})")
        rows.append(["old / new", "", "", "", "",
                     f"**{out['speedup_per_round_median']:.2f}x** median of the per-round ratios "
                     f"(ratio of the medians {speedup:.2f}x)"])
    else:
        ok = False
        notes.append("the old and the new design did not both run")
    table = md_table(["2x change (+100 %): `coldstart ab benchwork`", "runs", "REGRESSION",
                      f"decided within {GATE_X2_PAIRS} pairs", "pairs (median, min..max)",
                      "wall time per verdict (median, min..max)"], rows)
    return out, table, ok, notes


COMPARE_VARIANTS = [
    ("every1", "as-is", "anchor every pair (old schedule), each sample / its round's anchor"),
    ("every1", "thin2", "the same files, anchors of every 2nd pair kept"),
    ("every1", "thin3", "the same files, anchors of every 3rd pair kept"),
    ("every1", "thin4", "the same files, anchors of every 4th pair kept"),
    ("every1", "shift3", "the same files, anchors of every 3rd pair kept, compared by anchor shift"),
    ("every3", "as-is", "measured with --anchor-every 3 (new default)"),
    ("every3", "shift", "the same --anchor-every 3 files, compared by anchor shift"),
    ("every1", "raw", "every-pair files without their anchor (raw times)"),
    ("every3", "raw", "--anchor-every 3 files without their anchor (raw times)"),
]
COMPARE_MIN_AA = 30


def report_compare(work, quick):
    params = load_json(os.path.join(work, "params.json"))
    path = os.path.join(work, "comparisons.jsonl")
    with open(path) as f:
        rows_in = [json.loads(line) for line in f if line.strip()]
    tim = timings(work)
    wall = {}
    for t in tim:
        kind = t["name"].split("#")[0].replace("ab-", "")
        wall.setdefault(kind, []).append(t["wall_s"])
    rows, levels, ok, notes = [], [], True, []
    for kind, name, label in COMPARE_VARIANTS:
        rs = [r for r in rows_in if r["kind"] == kind and r["variant"] == name]
        if not rs:
            continue
        aa = [r for r in rs if r["case"] == "aa"]
        ch = [r for r in rs if r["case"] == "change"]

        def count(v, verdict):
            return sum(1 for r in v if r["verdict"] == verdict)

        def width(v):
            return statistics.median(r["ratio_high"] / r["ratio_low"] for r in v) if v else float("nan")

        err = statistics.median(abs(math.log(r["ratio"] / r["true_ratio"])) for r in ch) if ch else float("nan")
        lv = {
            "kind": kind, "variant": name, "label": label,
            "methods": sorted({r["method"] for r in rs}),
            "aa_runs": len(aa), "aa_regression": count(aa, "regression"),
            "aa_inconclusive": count(aa, "inconclusive"), "aa_improvement": count(aa, "improvement"),
            "aa_interval_width_median": width(aa),
            "change_runs": len(ch), "change_regression": count(ch, "regression"),
            "change_inconclusive": count(ch, "inconclusive"),
            "change_true_ratio_median": statistics.median(r["true_ratio"] for r in ch) if ch else None,
            "change_interval_width_median": width(ch),
            "change_abs_log_error_median": err,
        }
        levels.append(lv)
        anchored = name != "raw"
        if anchored and lv["aa_regression"] > 0:
            ok = False
            notes.append(f"{kind} {name}: {lv['aa_regression']} false regressions in {len(aa)} A/A comparisons")
        if anchored and len(aa) < COMPARE_MIN_AA and not quick:
            ok = False
            notes.append(f"{kind} {name}: only {len(aa)} A/A comparisons (target at least {COMPARE_MIN_AA})")
        rows.append([
            label, "/".join(lv["methods"]),
            f"{lv['aa_regression']}/{len(aa)}" + (f", {lv['aa_inconclusive']} inconclusive" if lv['aa_inconclusive'] else "")
            + (f", {lv['aa_improvement']} improvement" if lv['aa_improvement'] else ""),
            f"±{(math.sqrt(lv['aa_interval_width_median']) - 1) * 100:.1f} %",
            f"{lv['change_regression']}/{len(ch)}" + (f", {lv['change_inconclusive']} inconclusive" if lv['change_inconclusive'] else ""),
            f"±{(math.sqrt(lv['change_interval_width_median']) - 1) * 100:.1f} %",
            f"{err * 100:.1f} %",
        ])
    table = md_table(
        ["files", "method", "A/A: REGRESSION", "A/A interval (median half-width)",
         "real change: REGRESSION", "interval (median half-width)", "median |estimate - paired truth|"],
        rows,
    )
    truth = [lv["change_true_ratio_median"] for lv in levels if lv["change_true_ratio_median"]]
    w1, w3 = (statistics.median(wall.get(k, [float("nan")])) for k in ("every1", "every3"))
    target = (
        f"Target: 0 false regressions in at least {COMPARE_MIN_AA} A/A comparisons of every anchored variant -> "
        + ("met." if ok else "MISSED: " + "; ".join(notes) + ".")
        + f" {params['sessions']} sessions of each schedule, {params['pairs']} pairs each; comparisons pair sessions "
        f"pairwise (every earlier session against every later one; the comparisons share sessions, so they are "
        f"not independent); compare's default threshold (10 %). Real change: candidate with "
        f"{params['candidate_iterations']} instead of {params['base_iterations']} loop iterations, paired estimate "
        + (f"{(statistics.median(truth) - 1) * 100:+.1f} % (median of the sessions)." if truth else "n/a.")
        + f" Median wall time of one {params['pairs']}-pair `ab` session: anchor every pair {w1:.1f} s,"
        f" every 3rd pair {w3:.1f} s."
    )
    return {"params": params, "variants": levels, "wall_s_median": {"every1": w1, "every3": w3}}, table, target, ok, []


ENVCACHE_MIN_SPEEDUP = 5.0
SETUP_RESOLUTION_S = 0.05  # coldstart prints setup times with one decimal


def _env_lines(path):
    """{name: (outcome, seconds)} from coldstart's `environment for X: outcome in N s` lines."""
    import re

    out = []
    for line in _read(path).splitlines():
        m = re.match(r"environment for (.+): (\w+) in ([0-9.]+) s$", line.strip())
        if m:
            out.append({"revision": m.group(1), "outcome": m.group(2), "seconds": float(m.group(3))})
    return out


def report_envcache(work, quick):
    params = load_json(os.path.join(work, "params.json"))
    tim = {t["name"]: t for t in timings(work)}
    reps = sorted({int(t["name"].rsplit("#", 1)[1]) for t in tim.values()})
    per_rep, problems = [], []
    scenarios = [
        ("scratch", "from scratch: `python -m venv` + `pip install` per revision"),
        ("first", "`branches A B`, empty cache (A built, B same dependencies)"),
        ("second", "`branches A B` again (same cache)"),
        ("newrev", "`branches A C`, C a new commit with the same dependencies"),
    ]
    for rep in reps:
        row = {"rep": rep}
        scratch = [t for k, t in tim.items() if k.startswith("scratch-") and k.endswith(f"#{rep}")]
        for t in scratch:
            if t["exit_code"] != 0:
                problems.append(f"{t['name']} exited {t['exit_code']}")
        row["scratch"] = {"setup_s": sum(t["wall_s"] for t in scratch),
                          "detail": {t["name"].split("#")[0]: t["wall_s"] for t in scratch}}
        for key in ("first", "second", "newrev"):
            t = tim.get(f"{key}#{rep}")
            if t is None:
                continue
            if t["exit_code"] != 0:
                problems.append(f"{key} run {rep}: coldstart branches exited {t['exit_code']}")
            lines = _env_lines(os.path.join(work, f"{key}-{rep}.stderr"))
            if len(lines) != 2:
                problems.append(f"{key} run {rep}: expected 2 `environment for` lines, found {len(lines)}")
            row[key] = {
                "setup_s": sum(x["seconds"] for x in lines),
                "outcomes": [f"{x['revision']}: {x['outcome']} {x['seconds']:.1f} s" for x in lines],
                "outcome_names": [x["outcome"] for x in lines],
                "wall_s": t["wall_s"],
                "foreign_cpus": t["foreign_cpus"],
            }
        per_rep.append(row)

    def med(key, field="setup_s"):
        v = [r[key][field] for r in per_rep if key in r and field in r[key]]
        return statistics.median(v) if v else None

    rows = []
    for key, label in scenarios:
        outcomes = ""
        if key != "scratch":
            seen = sorted({", ".join(r[key]["outcome_names"]) for r in per_rep if key in r})
            outcomes = "; ".join(seen)
        setup = med(key)
        wall = med(key, "wall_s") if key != "scratch" else setup
        shown = (f"< {SETUP_RESOLUTION_S}" if setup is not None and setup < SETUP_RESOLUTION_S else f2(setup))
        rows.append([label, outcomes, shown, f2(wall)])
    first, second, scratch = med("first"), med("second"), med("scratch")
    speedup = first / max(second, SETUP_RESOLUTION_S)
    ok = speedup >= ENVCACHE_MIN_SPEEDUP and not problems
    expected = {"first": ["built", "cloned"], "second": ["reused", "reused"], "newrev": ["reused", "cloned"]}
    for r in per_rep:
        for k, want in expected.items():
            if k in r and r[k]["outcome_names"] != want:
                problems.append(f"{k} run {r['rep']}: outcomes {r[k]['outcome_names']}, expected {want}")
    ok = ok and not problems
    table = md_table(["scenario", "coldstart's outcome per revision", "setup s (median)",
                      "whole command s (median)"], rows)
    target = (
        f"Target: second run's setup at least {ENVCACHE_MIN_SPEEDUP:g}x less than the first's: "
        f"{first:.2f} s / {'<' if second < SETUP_RESOLUTION_S else ''}{max(second, SETUP_RESOLUTION_S):.2f} s = "
        f"{'>=' if second < SETUP_RESOLUTION_S else ''}{speedup:.0f}x -> {'met' if ok else 'MISSED'}"
        + (f" ({'; '.join(problems)})" if problems else "")
        + f". From scratch {scratch:.2f} s for two revisions. {len(per_rep)} repetitions, each with a fresh "
        f"cache; setup times are coldstart's `environment for X: ... in N s` lines (0.1 s resolution), "
        f"from scratch is wall time. Project: {params['project']}; {params['pairs']} pairs, no anchor, no tree pass."
    )
    return {"params": params, "per_rep": per_rep, "speedup_second_vs_first": speedup,
            "problems": problems}, table, target, ok, []


INSTR_LEVELS = [("aa", "A/A, identical"), ("2", "+2 % (1.02 N iterations)"), ("0.5", "+0.5 % (1.005 N iterations)")]


def report_instructions(work, quick):
    """Instruction-count gate under CPU load: verdicts, achieved change, samples, wall per verdict."""
    params = load_json(os.path.join(work, "params.json"))
    tim = {t["name"]: t for t in timings(work)}
    per_level, rows, problems = {}, [], []
    for level, label in INSTR_LEVELS:
        runs = []
        for path in sorted(glob.glob(os.path.join(work, "ab", level, "*", "cold_start_*_instructions.json"))):
            rep = int(os.path.basename(os.path.dirname(path)))
            doc = load_json(path)
            t = doc["targets"][0]
            g = t["gate"]
            timing = tim.get(f"ab-{level}#{rep}", {})
            runs.append({"rep": rep, "verdict": g["verdict"], "change_percent": (g["ratio"] - 1) * 100,
                         "samples": [g["baseline"]["n"], g["candidate"]["n"]],
                         "spread": [g["baseline"]["spread"], g["candidate"]["spread"]],
                         "wall_s": timing.get("wall_s"), "cpu_s": timing.get("cpu_s"),
                         "foreign_cpus": timing.get("foreign_cpus"), "explanation": t.get("explanation")})
        missing = [n for n, t in tim.items() if n.startswith(f"ab-{level}#") and t["exit_code"] not in (0, 1)]
        problems += [f"{n} exited {tim[n]['exit_code']}" for n in missing]
        per_level[level] = runs
        count = lambda v: sum(r["verdict"] == v for r in runs)
        ch = [r["change_percent"] for r in runs]
        walls = [r["wall_s"] for r in runs if r["wall_s"] is not None]
        samples = [max(r["samples"]) for r in runs]
        spreads = [max(r["spread"]) * 100 for r in runs]
        rows.append([
            label,
            f"{statistics.median(ch):+.3f} % ({min(ch):+.3f}..{max(ch):+.3f})" if ch else "",
            f"{count('regression')}/{len(runs)}", count("unchanged"), count("inconclusive"),
            f"{statistics.median(samples):g} (max {max(samples)})" if samples else "",
            f"{max(spreads):.4f} %" if spreads else "",
            f"{statistics.median(walls):.1f} s (max {max(walls):.1f})" if walls else "",
        ])
    aa, p2, p05 = per_level["aa"], per_level["2"], per_level["0.5"]
    need = 2 if quick else 30
    ok = (len(aa) >= need and not any(r["verdict"] == "regression" for r in aa)
          and len(p2) >= need and all(r["verdict"] == "regression" for r in p2)
          and len(p05) >= need and not any(r["verdict"] == "regression" for r in p05) and not problems)
    table = md_table(["candidate", "achieved change (median, min..max)", "regression", "unchanged",
                      "inconclusive", "samples per side", "largest spread in a side", "wall per verdict"], rows)
    target = (
        f"Targets: at least {need} runs per level; A/A 0 false regressions ({sum(r['verdict'] == 'regression' for r in aa)}/{len(aa)}), "
        f"+2 % detected in every run ({sum(r['verdict'] == 'regression' for r in p2)}/{len(p2)}), "
        f"+0.5 % never a regression ({sum(r['verdict'] == 'regression' for r in p05)}/{len(p05)}) -> {'met' if ok else 'MISSED'}"
        + (f" ({'; '.join(problems)})" if problems else "")
        + f". Base N = {params['base_iterations']} iterations; `{params['ab']}`; a CPU load of "
        f"{params['load_processes']} busy processes ran throughout."
    )
    return {"params": params, "per_level": per_level, "problems": problems}, table, target, ok, []


STUDIES = {
    "accuracy": ("Accuracy: known import delays", report_accuracy),
    "overhead": ("Harness overhead: coldstart run against a plain loop", report_overhead),
    "gate": ("Gate quality: false regressions and detection", report_gate),
    "envcache": ("Environment cache: setup time of branches", report_envcache),
    "compare": ("compare of result files: A/A and the price of the anchor", report_compare),
    "instructions": ("Instruction counts: the gate under CPU load", report_instructions),
}


def cmd_report(args):
    title, fn = STUDIES[args.study]
    work = args.work
    data, table, target, ok, extra = fn(work, args.quick)
    noise = noise_summary(work, extra)
    before = load_json(os.path.join(work, "before.json"))
    params_path = os.path.join(work, "command.txt")
    command = _read(params_path).strip()
    python = _read(os.path.join(work, "python.txt")).strip() or "python3"
    elapsed = load_json(os.path.join(work, "after.json"))["elapsed_s"] if "elapsed_s" in load_json(
        os.path.join(work, "after.json")) else None
    doc = {
        "study": args.study,
        "title": title,
        "mode": "quick" if args.quick else "full",
        "target_met": ok,
        "target": target,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "duration_s": elapsed,
        "command": command,
        "coldstart": _read(os.path.join(work, "coldstart_version.txt")).strip(),
        "git_commit": _read(os.path.join(work, "git_commit.txt")).strip(),
        "machine": before["machine"],
        "python": python,
        "noise": noise,
        "data": data,
    }
    md = [
        f"### {title}" + (" (quick mode)" if args.quick else ""),
        "",
        table,
        "",
        target,
        "",
        machine_line(before, python),
        noise_line(noise),
        f"Command: `{command}` ({elapsed:.0f} s; {doc['coldstart']}, commit {doc['git_commit'][:12]}, {doc['created_at']})."
        if elapsed is not None else f"Command: `{command}`.",
        "",
    ]
    os.makedirs(args.results, exist_ok=True)
    base = os.path.join(args.results, f"bench_{args.study}")
    with open(base + ".json", "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    with open(base + ".md", "w") as f:
        f.write("\n".join(md))
    print("\n".join(md))
    print(f"{'PASS' if ok else 'FAIL'}: {args.study} -> {base}.json, {base}.md")
    return 0 if ok else 1


# --------------------------------------------------------------------------------------------
# gate calibration


def cmd_calibrate(args):
    r = load_json(args.result)
    med = {t["name"]: statistics.median(s["import_ms"] for s in t["samples"]) for t in r["targets"]}
    t0 = med["import benchwork"]
    loop = [v for k, v in med.items() if k != "import benchwork"][0]
    ns_per_iter = max((loop - t0) * 1e6 / args.cal_iter, 1.0)
    iters = max(0, round((args.target_ms - t0) * 1e6 / ns_per_iter))
    print(json.dumps({"t0_ms": t0, "ns_per_iter": ns_per_iter, "base_iterations": iters,
                      "base_ms_estimate": t0 + iters * ns_per_iter / 1e6}))
    return 0


def cmd_calibrate_probe(args):
    c = load_json(args.comparison)
    imp = c["targets"][0]["import"]
    base_ms = imp["baseline_median_ms"]
    extra_ms = (imp["ratio"] - 1.0) * base_ms
    print(json.dumps({"base_ms": base_ms, "probe_hl_ratio": imp["ratio"], "probe_extra_ms": extra_ms,
                      "delta_iterations": args.delta_iter,
                      "ns_per_iter": max(extra_ms * 1e6 / args.delta_iter, 1.0)}))
    return 0


def cmd_iterations(args):
    extra = args.percent / 100 * args.base_ms * 1e6 / args.ns_per_iter
    print(args.base_iter + round(extra))
    return 0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("timed")
    t.add_argument("--log", required=True)
    t.add_argument("--name", required=True)
    t.add_argument("--cwd")
    t.add_argument("--stdout")
    t.add_argument("--stderr")
    t.add_argument("cmd", nargs=argparse.REMAINDER)
    s = sub.add_parser("snapshot")
    s.add_argument("--out", required=True)
    s.add_argument("--elapsed", type=float)
    r = sub.add_parser("report")
    r.add_argument("study", choices=sorted(STUDIES))
    r.add_argument("--work", required=True)
    r.add_argument("--results", required=True)
    r.add_argument("--quick", action="store_true")
    c = sub.add_parser("calibrate")
    c.add_argument("result")
    c.add_argument("--target-ms", type=float, required=True)
    c.add_argument("--cal-iter", type=int, required=True)
    cp = sub.add_parser("calibrate-probe")
    cp.add_argument("comparison")
    cp.add_argument("--delta-iter", type=int, required=True)
    i = sub.add_parser("iterations")
    i.add_argument("--base-iter", type=int, required=True)
    i.add_argument("--ns-per-iter", type=float, required=True)
    i.add_argument("--base-ms", type=float, required=True)
    i.add_argument("--percent", type=float, required=True)
    sub.add_parser("selftest")
    a = p.parse_args(argv)
    if a.command == "timed":
        return cmd_timed(a)
    if a.command == "snapshot":
        rc = cmd_snapshot(a)
        if a.elapsed is not None:
            d = load_json(a.out)
            d["elapsed_s"] = a.elapsed
            with open(a.out, "w") as f:
                json.dump(d, f, indent=2)
        return rc
    if a.command == "report":
        return cmd_report(a)
    if a.command == "calibrate":
        return cmd_calibrate(a)
    if a.command == "calibrate-probe":
        return cmd_calibrate_probe(a)
    if a.command == "iterations":
        return cmd_iterations(a)
    if a.command == "selftest":
        _self_test()
        print("t-distribution self-test passed")
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
