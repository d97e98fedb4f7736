"""Typed read-only views over the JSON documents of docs/results-format.md.

Every view keeps the document it was built from in ``.raw``: fields this module does not name
stay reachable, and nothing is lost by a round trip through :meth:`Result.save`.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Iterator, List, Mapping, Optional

__all__ = [
    "BudgetExceeded",
    "Check",
    "CheckReport",
    "Comparison",
    "Modules",
    "Result",
    "Stats",
    "Target",
    "TargetComparison",
    "Timing",
    "chain",
]

#: The newest ``format_version`` this package reads.
FORMAT_VERSION = 2


class Stats:
    """A summary of samples in ms (or KiB for memory): ``n, min, max, mean, median, stddev, mad, p95``."""

    __slots__ = ("n", "min", "max", "mean", "median", "stddev", "mad", "p95")

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.n: int = int(raw["n"])
        self.min: float = float(raw["min"])
        self.max: float = float(raw["max"])
        self.mean: float = float(raw["mean"])
        self.median: float = float(raw["median"])
        self.stddev: float = float(raw["stddev"])
        self.mad: float = float(raw["mad"])
        self.p95: float = float(raw["p95"])

    def __repr__(self) -> str:
        return f"Stats(median={self.median:.3f}, p95={self.p95:.3f}, n={self.n})"


class Modules:
    """Module counts of a target: ``total``, ``startup``, ``by_package``, ``loaded``, ``varying``."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.total: int = int(raw["total"])
        self.startup: int = int(raw["startup"])
        self.by_package: Dict[str, int] = dict(raw["by_package"])
        self.loaded: List[str] = list(raw["loaded"])
        self.varying: List[str] = list(raw["varying"])

    def __repr__(self) -> str:
        return f"Modules(total={self.total}, by_package={self.by_package})"


class Target:
    """One measured target of a :class:`Result`."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw
        self.name: str = raw["name"]
        self.statement: str = raw["statement"]
        summary = raw["summary"]
        self.import_ms = Stats(summary["import_ms"])
        self.import_cpu_ms = Stats(summary["import_cpu_ms"])
        self.wall_ms = Stats(summary["wall_ms"])
        self.cpu_ms = Stats(summary["cpu_ms"])
        self.peak_rss_kib: Optional[Stats] = Stats(summary["peak_rss_kib"]) if summary.get("peak_rss_kib") else None
        self.modules = Modules(raw["modules"])
        self.forbidden: Dict[str, bool] = dict(raw["forbidden"])
        self.warnings: List[str] = list(raw["warnings"])
        self.samples: List[Dict[str, Any]] = list(raw["samples"])

    def loaded(self, module: str) -> bool:
        """Whether ``module`` was loaded after the import (in any sample when it was ``forbid``den)."""
        if module in self.forbidden:
            return self.forbidden[module]
        return module in self.modules.loaded

    def chain(self, module: str) -> Optional[List[str]]:
        """The import chain that loaded ``module`` (``["pkg", "pkg.cli", "paramiko"]``), from the
        ``-X importtime`` tree; ``None`` when the tree was not recorded or does not hold it."""
        return chain(self.raw.get("import_tree"), module)

    def __repr__(self) -> str:
        return f"Target({self.name!r}, import_ms={self.import_ms!r}, modules={self.modules.total})"


def chain(tree: Optional[Mapping[str, Any]], module: str) -> Optional[List[str]]:
    """Walks ``parent`` links of an ``import_tree`` from ``module`` up to the target."""
    if not tree:
        return None
    parents = {m["name"]: m.get("parent") for m in tree.get("modules", [])}
    if module not in parents:
        return None
    links = [module]
    while parents.get(links[-1]) is not None and len(links) <= len(parents):
        links.append(parents[links[-1]])
    return list(reversed(links))


class Result:
    """A result document (what ``coldstart run`` writes): ``result["pkg"]`` is a :class:`Target`."""

    def __init__(self, raw: Mapping[str, Any], path: Optional[str] = None) -> None:
        if not isinstance(raw, Mapping) or "format_version" not in raw:
            raise ValueError("not a coldstart result file (it has no format_version); pass a file written by `coldstart run`")
        version = raw.get("format_version")
        if not isinstance(version, int) or version > FORMAT_VERSION:
            raise ValueError(
                f"result format_version {version!r} is not one this coldstart package reads "
                f"(up to {FORMAT_VERSION}); upgrade the coldstart package"
            )
        self.raw = raw
        #: The file the result was read from or written to, if any.
        self.path = path
        self.targets: List[Target] = [Target(t) for t in raw["targets"]]
        self.python: Dict[str, str] = dict(raw["environment"]["python"])
        dists = raw["environment"].get("distributions")
        #: Installed distributions the target saw, name -> version (names as their metadata spells
        #: them); ``None`` when not recorded (format version 1, or the listing failed).
        self.distributions: Optional[Dict[str, str]] = (
            None if dists is None else {d["name"]: d["version"] for d in dists}
        )
        self.warnings: List[str] = list(raw["warnings"])

    def __getitem__(self, name: str) -> Target:
        for t in self.targets:
            if t.name == name:
                return t
        raise KeyError(f"no target {name!r} in this result (targets: {', '.join(self.names)})")

    def __iter__(self) -> Iterator[Target]:
        return iter(self.targets)

    def __len__(self) -> int:
        return len(self.targets)

    def __contains__(self, name: object) -> bool:
        return any(t.name == name for t in self.targets)

    @property
    def names(self) -> List[str]:
        return [t.name for t in self.targets]

    def save(self, path: str) -> str:
        """Write the document to ``path`` (atomically: a temporary file, then a rename)."""
        tmp = f"{path}.tmp{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(self.raw, f, indent=2)
        os.replace(tmp, path)
        return path

    def check(self, **budgets: Any) -> "CheckReport":
        """Assert budgets with ``coldstart check`` (see :func:`coldstart.check` for the keywords).

        Returns the report when every budget holds; raises :class:`BudgetExceeded` otherwise.
        """
        from ._api import check

        return check(self, **budgets)

    def __repr__(self) -> str:
        return f"Result(targets={self.names}, python={self.python.get('version')!r})"


def _actual_text(raw: Mapping[str, Any]) -> str:
    """The measured value of one check as the terminal report prints it (``50.58 ms``, ``103``)."""
    kind = raw.get("kind")
    if kind in ("import_ms", "wall_ms"):
        return f"{raw['actual_ms']:.2f} ms"
    if kind == "peak_rss_mib":
        return "not measured" if raw["actual_mib"] is None else f"{raw['actual_mib']:.1f} MiB"
    if kind in ("modules", "total_modules", "package_modules"):
        return str(raw["actual_modules"])
    if kind == "forbidden":
        return "loaded" if raw["loaded"] else "not loaded"
    return str(raw.get("actual", ""))


class Check:
    """One budget line: ``target``, ``budget`` (``median import <= 300 ms``), ``kind``
    (``import_ms``, ``wall_ms``, ``peak_rss_mib``, ``modules``, ``package_modules``,
    ``forbidden``), ``limit`` and ``value`` (numbers in the kind's unit; for ``forbidden``,
    ``value`` is whether the module was loaded), ``actual`` (the value as text) and ``passed``."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw
        self.target: str = raw["target"]
        self.budget: str = raw["budget"]
        self.kind: str = raw["kind"]
        unit = {"import_ms": "ms", "wall_ms": "ms", "peak_rss_mib": "mib"}.get(self.kind, "modules")
        self.limit: Optional[float] = raw.get(f"limit_{unit}")
        self.value: Any = raw["loaded"] if self.kind == "forbidden" else raw.get(f"actual_{unit}")
        self.actual: str = _actual_text(raw)
        self.passed: bool = bool(raw["passed"])
        #: For a loaded forbidden module: the chain that loaded it, when the tree shows it.
        self.chain: Optional[List[str]] = None

    def __str__(self) -> str:
        mark = "ok  " if self.passed else "FAIL"
        line = f"{mark} {self.target}: {self.budget} (actual {self.actual})"
        if self.chain:
            line += "\n       loaded by " + " -> ".join(self.chain)
        return line


class CheckReport:
    """The budget report of ``coldstart check --format json``."""

    def __init__(self, raw: Mapping[str, Any], result: Optional[Result] = None) -> None:
        self.raw = raw
        self.statistic: str = raw["statistic"]
        self.checks: List[Check] = [Check(c) for c in raw["checks"]]
        for c in self.checks:
            if c.kind == "forbidden" and not c.passed and result is not None and c.target in result:
                c.chain = result[c.target].chain(c.raw["module"])

    @property
    def failed(self) -> List[Check]:
        return [c for c in self.checks if not c.passed]

    @property
    def passed(self) -> bool:
        """The document's own ``passed``: every budget held."""
        return bool(self.raw["passed"])

    def __str__(self) -> str:
        head = f"coldstart budgets ({self.statistic}): {len(self.failed)} of {len(self.checks)} exceeded"
        return "\n".join([head, *("  " + str(c) for c in self.checks)])


class BudgetExceeded(AssertionError):
    """A budget was exceeded; ``report`` is the :class:`CheckReport`, ``str()`` its text with the
    chain that loaded each forbidden module."""

    def __init__(self, report: CheckReport) -> None:
        super().__init__(str(report))
        self.report = report


class Timing:
    """The comparison of one metric: medians, the ratio estimate and its bounds, the verdict."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw
        self.baseline_median_ms: float = raw["baseline_median_ms"]
        self.candidate_median_ms: float = raw["candidate_median_ms"]
        self.delta_ms: float = raw["delta_ms"]
        self.ratio: float = raw["ratio"]
        self.ratio_low: float = raw["ratio_low"]
        self.ratio_high: float = raw["ratio_high"]
        self.verdict: str = raw["verdict"]

    def __repr__(self) -> str:
        return f"Timing({self.verdict}, ratio={self.ratio:.3f} [{self.ratio_low:.3f}, {self.ratio_high:.3f}])"


class TargetComparison:
    """One target of a :class:`Comparison`; ``verdict`` is the import-time verdict."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw
        self.name: str = raw["name"]
        self.import_ = Timing(raw["import"])
        self.wall = Timing(raw["wall"])
        self.cpu = Timing(raw["cpu"])
        self.verdict: str = self.import_.verdict
        self.modules: Dict[str, Any] = dict(raw["modules"])
        self.forbidden: List[Dict[str, Any]] = list(raw["forbidden"])
        self.chains: List[List[str]] = [[link["module"] for link in c["links"]] for c in raw["chains"]]

    def __repr__(self) -> str:
        return f"TargetComparison({self.name!r}, {self.verdict})"


class Comparison:
    """A comparison document (``ab``, ``branches``, ``compare``): ``verdict``, ``failed``, ``failures``."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw
        self.method: str = raw["method"]
        self.targets: List[TargetComparison] = [TargetComparison(t) for t in raw["targets"]]
        #: One line per failed gate; empty when the comparison passes.
        self.failures: List[str] = list(raw["failures"])
        self.warnings: List[str] = list(raw["warnings"])
        dists = raw.get("distributions")
        #: Installed distributions that differ, ``[{name, baseline, candidate}]`` (a version is
        #: ``None`` on the side without it); ``None`` when a side did not record them.
        self.distribution_changes: Optional[List[Dict[str, Optional[str]]]] = (
            None if dists is None else [dict(c) for c in dists["changes"]]
        )

    @property
    def failed(self) -> bool:
        """Whether a gate failed (the binary's exit code 1)."""
        return bool(self.failures)

    @property
    def verdict(self) -> str:
        """The worst import verdict over the targets: ``regression`` > ``inconclusive`` >
        ``improvement`` > ``unchanged``."""
        order = ["regression", "inconclusive", "improvement", "unchanged"]
        verdicts = [t.verdict for t in self.targets] or ["unchanged"]
        return min(verdicts, key=lambda v: order.index(v) if v in order else len(order))

    def __getitem__(self, name: str) -> TargetComparison:
        for t in self.targets:
            if t.name == name:
                return t
        raise KeyError(f"no target {name!r} in this comparison")

    def __repr__(self) -> str:
        return f"Comparison({self.verdict}, failed={self.failed}, targets={[t.name for t in self.targets]})"
