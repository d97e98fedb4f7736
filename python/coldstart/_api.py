"""The functions of the API: each runs the binary with ``--format json`` and reads that JSON."""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any, Iterable, List, Mapping, Optional, Sequence, Union

from ._binary import Error, invoke
from ._model import BudgetExceeded, CheckReport, Comparison, Result

__all__ = ["ab", "check", "compare", "load", "run", "why"]

Targets = Union[str, Sequence[str]]
#: A budget for every target (``300``) or per target (``{"pkg": 300, "pkg.cli": 150}``).
Budget = Union[float, Mapping[str, float]]
PathLike = Union[str, "os.PathLike[str]"]


def _names(targets: Targets) -> List[str]:
    return [targets] if isinstance(targets, str) else list(targets)


def _target_args(
    stmts: Iterable[str],
    packages: Iterable[str],
    forbid: Iterable[str],
    pyc: Optional[str],
    env: Optional[Mapping[str, str]],
    path: Iterable[PathLike],
    timeout: Optional[float],
    anchor: Union[None, bool, str],
    tree_runs: Optional[int],
) -> List[str]:
    args: List[str] = []
    for s in stmts:
        args += ["--stmt", s]
    for p in packages:
        args += ["--package", p]
    for m in forbid:
        args += ["--forbid", m]
    if pyc is not None:
        args += ["--pyc", pyc]
    for k, v in (env or {}).items():
        args += ["--env", f"{k}={v}"]
    for d in path:
        args += ["--path", os.fspath(d)]
    if timeout is not None:
        args += ["--timeout", str(timeout)]
    if anchor is False:
        args.append("--no-anchor")
    elif isinstance(anchor, str):
        args += ["--anchor", anchor]
    if tree_runs is not None:
        args += ["--tree-runs", str(tree_runs)]
    return args


def _json(stdout: str, what: str) -> Any:
    try:
        return json.loads(stdout)
    except ValueError as e:
        raise Error(f"coldstart {what} printed no JSON document ({e}); is the binary older than this package?") from e


def run(
    targets: Targets = (),
    *,
    stmts: Iterable[str] = (),
    python: Optional[PathLike] = None,
    runs: Optional[int] = None,
    warmup: Optional[int] = None,
    forbid: Iterable[str] = (),
    packages: Iterable[str] = (),
    pyc: Optional[str] = None,
    env: Optional[Mapping[str, str]] = None,
    path: Iterable[PathLike] = (),
    timeout: Optional[float] = None,
    anchor: Union[None, bool, str] = None,
    tree_runs: Optional[int] = None,
    output_dir: Optional[PathLike] = None,
    label: Optional[str] = None,
    args: Sequence[str] = (),
    cwd: Optional[PathLike] = None,
) -> Result:
    """Measure the import of ``targets`` (module names) and ``stmts`` in fresh interpreters.

    Options left ``None`` take the value of ``[tool.coldstart]`` / ``coldstart.toml`` in ``cwd``
    or its nearest parent up to the repository root, else the binary's default (``python``: see "default interpreter" in the README). ``anchor``
    is a statement, or ``False`` for ``--no-anchor``. ``args`` are extra command-line flags.
    The result file goes to ``output_dir`` (default: the binary's, ``benchmark_results``).
    Raises :class:`coldstart.Error` with the binary's message on a usage or runtime error.
    """
    cmd = ["run", *_names(targets), *_target_args(stmts, packages, forbid, pyc, env, path, timeout, anchor, tree_runs)]
    if python is not None:
        cmd += ["--python", os.fspath(python)]
    if runs is not None:
        cmd += ["--runs", str(runs)]
    if warmup is not None:
        cmd += ["--warmup", str(warmup)]
    if output_dir is not None:
        cmd += ["--output-dir", os.fspath(output_dir)]
    if label is not None:
        cmd += ["--label", label]
    cmd += [*args, "--format", "json", "--quiet", "--color", "never"]
    proc = invoke(cmd, cwd=_cwd(cwd))
    return Result(_json(proc.stdout, "run"))


def load(path: PathLike) -> Result:
    """Read a result file (``benchmark_results/cold_start_latest.json``)."""
    p = os.fspath(path)
    try:
        with open(p, encoding="utf-8") as f:
            raw = json.load(f)
    except (OSError, ValueError) as e:
        raise Error(f"cannot read result file {p!r}: {e}") from e
    try:
        return Result(raw, path=p)
    except (KeyError, TypeError) as e:
        raise Error(f"{p!r} is not a coldstart result file (missing {e}); pass a file written by `coldstart run`") from e
    except ValueError as e:
        raise Error(f"{p!r}: {e}") from e


def _cwd(cwd: Optional[PathLike]) -> Optional[str]:
    return None if cwd is None else os.fspath(cwd)


def _budget_args(flag: str, value: Optional[Budget]) -> List[str]:
    if value is None:
        return []
    if isinstance(value, Mapping):
        return [a for k, v in value.items() for a in (flag, f"{k}={v}")]
    return [flag, str(value)]


def check(
    result: Union[Result, PathLike],
    *,
    max_import_ms: Optional[Budget] = None,
    max_wall_ms: Optional[Budget] = None,
    max_modules: Optional[Budget] = None,
    max_total_modules: Optional[Budget] = None,
    max_package_modules: Optional[Mapping[str, int]] = None,
    max_peak_rss_mib: Optional[Budget] = None,
    forbid: Iterable[str] = (),
    statistic: Optional[str] = None,
    raise_on_failure: bool = True,
    cwd: Optional[PathLike] = None,
) -> CheckReport:
    """Check absolute budgets with ``coldstart check`` on a :class:`Result` or a result file.

    A number is a budget for every target, a mapping one per target; ``max_package_modules``
    maps a package prefix to its limit; ``statistic`` is ``median`` (default), ``mean``, ``p95``
    or ``max``. ``max_modules`` counts the modules the import loaded beyond interpreter start-up,
    ``max_total_modules`` all of ``sys.modules`` after it. Budgets of ``[tool.coldstart.budgets]`` in ``cwd`` apply where none is given.
    Raises :class:`BudgetExceeded` (its text names each exceeded budget and the chain that loaded
    each forbidden module) unless ``raise_on_failure`` is false.
    """
    res = result if isinstance(result, Result) else load(result)
    cmd: List[str] = []
    cmd += _budget_args("--max-import-ms", max_import_ms)
    cmd += _budget_args("--max-wall-ms", max_wall_ms)
    cmd += _budget_args("--max-modules", max_modules)
    cmd += _budget_args("--max-total-modules", max_total_modules)
    cmd += _budget_args("--max-package-modules", max_package_modules)
    cmd += _budget_args("--max-peak-rss-mib", max_peak_rss_mib)
    for m in forbid:
        cmd += ["--forbid", m]
    if statistic is not None:
        cmd += ["--statistic", statistic]
    with tempfile.TemporaryDirectory(prefix="coldstart-check-") as tmp:
        file = res.path if res.path and os.path.isfile(res.path) else res.save(os.path.join(tmp, "result.json"))
        proc = invoke(["check", file, *cmd, "--format", "json", "--color", "never"], cwd=_cwd(cwd), ok=(0, 1))
    report = CheckReport(_json(proc.stdout, "check"), result=res)
    if raise_on_failure and not report.passed:
        raise BudgetExceeded(report)
    return report


def ab(
    targets: Targets = (),
    *,
    baseline: PathLike,
    candidate: PathLike,
    stmts: Iterable[str] = (),
    pairs: Optional[int] = None,
    max_pairs: Optional[int] = None,
    threshold: Optional[float] = None,
    min_effect: Optional[float] = None,
    fail_on_new_modules: bool = False,
    forbid: Iterable[str] = (),
    packages: Iterable[str] = (),
    pyc: Optional[str] = None,
    env: Optional[Mapping[str, str]] = None,
    path: Iterable[PathLike] = (),
    timeout: Optional[float] = None,
    anchor: Union[None, bool, str] = None,
    tree_runs: Optional[int] = None,
    output_dir: Optional[PathLike] = None,
    args: Sequence[str] = (),
    cwd: Optional[PathLike] = None,
) -> Comparison:
    """Compare two interpreters or environments in interleaved pairs (``coldstart ab``).

    ``threshold`` is in percent (5 means 5 %). The :class:`Comparison` tells ``.verdict`` and
    ``.failed`` (a gate failed: exit 1 of the binary); it never raises for a failed gate.
    """
    cmd = ["ab", *_names(targets), "--baseline", os.fspath(baseline), "--candidate", os.fspath(candidate)]
    cmd += _target_args(stmts, packages, forbid, pyc, env, path, timeout, anchor, tree_runs)
    for flag, value in (("--pairs", pairs), ("--max-pairs", max_pairs), ("--threshold", threshold), ("--min-effect", min_effect)):
        if value is not None:
            cmd += [flag, str(value)]
    if fail_on_new_modules:
        cmd.append("--fail-on-new-modules")
    if output_dir is not None:
        cmd += ["--output-dir", os.fspath(output_dir)]
    cmd += [*args, "--format", "json", "--quiet", "--color", "never"]
    proc = invoke(cmd, cwd=_cwd(cwd), ok=(0, 1))
    return Comparison(_json(proc.stdout, "ab"))


def compare(baseline: PathLike, candidate: PathLike, *, args: Sequence[str] = (), cwd: Optional[PathLike] = None) -> Comparison:
    """Compare two stored result files (``coldstart compare``), normalised through their anchors."""
    cmd = ["compare", os.fspath(baseline), os.fspath(candidate), *args, "--format", "json", "--color", "never"]
    proc = invoke(cmd, cwd=_cwd(cwd), ok=(0, 1))
    return Comparison(_json(proc.stdout, "compare"))


def why(
    name: str,
    targets: Targets = (),
    *,
    python: Optional[PathLike] = None,
    path: Iterable[PathLike] = (),
    env: Optional[Mapping[str, str]] = None,
    args: Sequence[str] = (),
    cwd: Optional[PathLike] = None,
) -> List[List[str]]:
    """The import chains that load module ``name`` from ``targets`` (``coldstart why --format json``),
    e.g. ``[["pkg", "pkg.cli", "paramiko"]]``; an empty list when no target loads it."""
    cmd = ["why", name, *_names(targets), *_target_args((), (), (), None, env, path, None, None, None)]
    if python is not None:
        cmd += ["--python", os.fspath(python)]
    cmd += [*args, "--format", "json"]
    proc = invoke(cmd, cwd=_cwd(cwd), ok=(0, 1))
    if proc.returncode == 1 and not proc.stdout.strip():
        return []
    return _chains(_json(proc.stdout, "why"))


def _chains(doc: Any) -> List[List[str]]:
    """Every chain in a ``why`` document: objects with ``links: [{module, ...}]`` or ``chain: [...]``."""
    found: List[List[str]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("links", "chain"):
                links = node.get(key)
                if isinstance(links, list) and links:
                    found.append([link["module"] if isinstance(link, dict) else str(link) for link in links])
                    return
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)
    return found


