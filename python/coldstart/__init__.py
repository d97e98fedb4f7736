"""coldstart: measure, explain and gate the import time of Python packages in fresh interpreters.

A typed, dependency-free API over the ``coldstart`` binary installed with this package. Every
function runs the binary and reads only the JSON it writes (docs/results-format.md)::

    import coldstart
    result = coldstart.run(["mypkg", "mypkg.cli"], runs=10, forbid=["paramiko"])
    t = result["mypkg"]
    t.import_ms.median, t.import_ms.p95, t.modules.total, t.modules.by_package["mypkg"]
    t.loaded("paramiko")
    result.check(max_import_ms=300, max_modules=600, forbid=["paramiko"])  # raises BudgetExceeded
    coldstart.load("benchmark_results/cold_start_latest.json")
    coldstart.ab("mypkg", baseline=".venv-main/bin/python", candidate=".venv/bin/python").verdict
    coldstart.why("paramiko", "mypkg")  # [["mypkg", "mypkg.cli", "paramiko"]]
"""

from __future__ import annotations

from ._api import ab, check, compare, load, run, why
from ._binary import Error, find_coldstart_bin
from ._model import (
    BudgetExceeded,
    Check,
    CheckReport,
    Comparison,
    Modules,
    Result,
    Stats,
    Target,
    TargetComparison,
    Timing,
)

__all__ = [
    "BudgetExceeded",
    "Check",
    "CheckReport",
    "Comparison",
    "Error",
    "Modules",
    "Result",
    "Stats",
    "Target",
    "TargetComparison",
    "Timing",
    "ab",
    "check",
    "compare",
    "find_coldstart_bin",
    "load",
    "run",
    "why",
]


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("coldstart")
    except Exception:  # not installed (a source checkout on sys.path)
        return "unknown"


__version__ = _version()
