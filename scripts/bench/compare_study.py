#!/usr/bin/env python3
"""The compare study's middle step (scripts/bench/compare.sh): makes the file variants and runs
`coldstart compare` on every pair of sessions (each earlier session's baseline file against a later
session's baseline, A/A, and candidate, a real change), one JSON line per comparison in
WORK/comparisons.jsonl (analyze.py's `report compare` reads it).

Variants of a file measured with the anchor in every pair (`every1`):
  as-is      each sample divided by its own round's anchor (compare's `anchored` method)
  thin2/3/4  only the anchors of every 2nd/3rd/4th pair kept (anchor samples dropped, target
             samples of the other rounds unlinked): the `block-anchored` method on the same samples
  shift3     as thin3, with every target sample unlinked from its anchor: the `anchor-shift`
             method (the one before blocks) on the same samples
  raw        the anchor removed: raw times
and of a file measured with `--anchor-every 3` (`every3`): as-is (block-anchored), shift (its
samples unlinked: anchor-shift), raw.
"""
import argparse
import glob
import json
import os
import subprocess

VARIANTS = {"every1": ["as-is", "thin2", "thin3", "thin4", "shift3", "raw"],
            "every3": ["as-is", "shift", "raw"]}


def load(path):
    with open(path) as f:
        return json.load(f)


def variant(doc, name):
    """A copy of result file `doc` with the anchor thinned (`thinN`) or removed (`raw`)."""
    doc = json.loads(json.dumps(doc))
    if name == "as-is":
        return doc
    if name == "raw":
        doc["anchor"] = None
        for t in doc["targets"]:
            for s in t["samples"]:
                s["anchor_index"] = None
        return doc
    if name.startswith("shift"):
        doc = variant(doc, "thin" + name[len("shift"):]) if name != "shift" else doc
        for t in doc["targets"]:
            for s in t["samples"]:
                s["anchor_index"] = None
        return doc
    every = int(name[len("thin"):])
    old = doc["anchor"]["samples"]
    keep = [i for i in range(len(old)) if i % every == 0]
    new_index = {i: k for k, i in enumerate(keep)}
    doc["anchor"]["samples"] = [old[i] for i in keep]
    for t in doc["targets"]:
        for s in t["samples"]:
            i = s.get("anchor_index")
            s["anchor_index"] = new_index.get(i) if i is not None else None
    return doc


def sessions(work, kind):
    """{rep: (baseline file, candidate file, paired import ratio of the ab session)}."""
    out = {}
    for d in glob.glob(os.path.join(work, "ab", kind, "*")):
        rep = int(os.path.basename(d))
        files = {k: glob.glob(os.path.join(d, f"cold_start_*_{k}.json")) for k in ("baseline", "candidate", "comparison")}
        if not all(len(v) == 1 for v in files.values()):
            continue  # a failed session: counted by the report as missing
        ratio = load(files["comparison"][0])["targets"][0]["import"]["ratio"]
        out[rep] = (files["baseline"][0], files["candidate"][0], ratio)
    return out


def run_compare(cs, a, b):
    p = subprocess.run([cs, "compare", a, b, "--format", "json", "--quiet", "--color", "never"],
                       capture_output=True, text=True)
    if p.returncode not in (0, 1):
        raise SystemExit(f"compare_study: coldstart compare {a} {b} failed ({p.returncode}): {p.stderr.strip()}")
    c = json.loads(p.stdout)
    imp = c["targets"][0]["import"]
    return {"method": c["method"], "verdict": imp["verdict"], "ratio": imp["ratio"],
            "ratio_low": imp["ratio_low"], "ratio_high": imp["ratio_high"],
            "exit_code": p.returncode}


def cmd_compare(args):
    out = open(os.path.join(args.work, "comparisons.jsonl"), "w")
    vdir = os.path.join(args.scratch, "variants")
    os.makedirs(vdir, exist_ok=True)
    for kind, names in VARIANTS.items():
        runs = sessions(args.work, kind)
        reps = sorted(runs)
        for name in names:
            cache = {}

            def path(rep, side):
                key = (rep, side)
                if key not in cache:
                    src = runs[rep][0 if side == "baseline" else 1]
                    p = os.path.join(vdir, f"{kind}_{name}_{rep}_{side}.json")
                    with open(p, "w") as f:
                        json.dump(variant(load(src), name), f)
                    cache[key] = p
                return cache[key]

            for i, rep in enumerate(reps):
                for other in reps[i + 1:]:
                    gap = other - rep
                    for case, side in (("aa", "baseline"), ("change", "candidate")):
                        r = run_compare(args.coldstart, path(rep, "baseline"), path(other, side))
                        r.update({"kind": kind, "variant": name, "gap": gap, "case": case,
                                  "sessions": [rep, other],
                                  "true_ratio": runs[other][2] if case == "change" else 1.0})
                        out.write(json.dumps(r) + "\n")
    out.close()
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("compare")
    c.add_argument("--work", required=True)
    c.add_argument("--coldstart", required=True)
    c.add_argument("--scratch", required=True)
    a = p.parse_args()
    return cmd_compare(a)


if __name__ == "__main__":
    raise SystemExit(main())
