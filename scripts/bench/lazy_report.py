#!/usr/bin/env python3
"""Report of scripts/bench/lazy.sh: estimated savings of `coldstart lazy` against the known sleeps
of the fixtures. Reads WORK/lazy_*.json, prints a Markdown table, writes
RESULTS/bench_lazy.{json,md}, exits 1 when the target is missed. Standard library only."""
import argparse
import glob
import json
import os
import statistics

# name -> (the fixtures' sleep in ms, expected status)
TRUTH = {
    "heavy_unused": (40.0, "saves"),
    "heavy_attr": (0.0, "defeated-at-import"),
    "heavy_late": (20.0, "used-by-workload"),
    "heavy_unused+heavy_late": (60.0, "used-by-workload"),
}


def rows_of(doc):
    target = doc["targets"][0]
    for c in target["candidates"]:
        yield c["name"], c
    combo = target.get("combination")
    if combo:
        yield "+".join(sorted(combo["names"], key=lambda n: list(TRUTH).index(n))), combo


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--results", required=True)
    ap.add_argument("--quick", default="0")
    args = ap.parse_args()
    runs = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(args.work, "lazy_*.json")))]
    per = {name: [] for name in TRUTH}
    for doc in runs:
        for name, c in rows_of(doc):
            if name in per:
                per[name].append(c)
    alone = {}
    alone_path = os.path.join(args.work, "alone.json")
    if os.path.exists(alone_path):
        med = {t["name"]: t["summary"]["import_ms"]["median"]
               for t in json.load(open(alone_path))["targets"]}
        for name in TRUTH:
            parts = name.split("+")
            if all(p in med for p in parts) and "registry" in med:
                alone[name] = sum(med[p] - med["registry"] for p in parts)
    alone["heavy_attr"] = 0.0  # defeated: nothing is saved, whatever it costs
    ok = bool(runs)
    table, out = [], {"runs": len(runs), "candidates": {}}
    for name, (sleep, status) in TRUTH.items():
        truth = alone.get(name, sleep)
        got = per[name]
        est = [c["saving_ms"]["estimate"] for c in got if c.get("saving_ms")]
        covered = sum(1 for c in got if c.get("saving_ms")
                      and c["saving_ms"]["low"] <= truth <= c["saving_ms"]["high"])
        statuses = sorted({c["status"] for c in got})
        tol = max(1.0, 0.05 * truth)
        within = all(abs(e - truth) <= tol for e in est) and len(est) == len(runs)
        good = within and statuses == [status] and covered >= len(runs) - 1
        ok = ok and good
        med = statistics.median(est) if est else float("nan")
        lo = min(est) if est else float("nan")
        hi = max(est) if est else float("nan")
        table.append("| %s | %.0f ms | %.2f ms | %.2f ms (%.2f..%.2f) | %+.2f ms | %+.2f ms | %d/%d | %s | %s |" % (
            name, sleep, truth, med, lo, hi, med - sleep, med - truth, covered, len(runs),
            ", ".join(statuses), "ok" if good else "MISSED"))
        out["candidates"][name] = {"sleep_ms": sleep, "alone_ms": truth, "expected_status": status,
                                   "estimates_ms": est, "statuses": statuses,
                                   "interval_covers": covered, "ok": good}
    md = ["## Lazy-import savings (scripts/bench/lazy.sh%s)" % (" --quick" if args.quick == "1" else ""),
          "", "%d runs of `coldstart lazy pkg --workload 'pkg.main()'`; estimate: median (min..max) "
          "over the runs; alone: the module's own import cost measured by `coldstart run` in the "
          "same session (median minus an empty module's; 0 for the defeated heavy_attr), the "
          "truth the target is judged on; covers: runs whose 90 %% interval contains it."
          % len(runs), "",
          "| candidate | sleep | alone | estimated saving | − sleep | − alone | covers | status | target |",
          "|---|---|---|---|---|---|---|---|---|"] + table
    text = "\n".join(md) + "\n"
    print(text)
    os.makedirs(args.results, exist_ok=True)
    with open(os.path.join(args.results, "bench_lazy.md"), "w") as f:
        f.write(text)
    out["ok"] = ok
    with open(os.path.join(args.results, "bench_lazy.json"), "w") as f:
        json.dump(out, f, indent=2)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
