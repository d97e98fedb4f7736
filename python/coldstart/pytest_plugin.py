"""The pytest plugin of coldstart, registered through the ``pytest11`` entry point of the wheel.

* the ``coldstart`` fixture (session scope): ``coldstart.run(...)`` measures once per session and
  settings and caches the :class:`coldstart.Result`; ``.check``, ``.load``, ``.ab``, ``.why``;
* the ``import_budget`` marker: ``@pytest.mark.import_budget("pkg", max_ms=300, forbid=["x"])``
  measures before the test body runs and fails the test with the budget report;
* ``--coldstart-runs N`` (wins over ``runs=`` in tests and the configuration file) and
  ``--coldstart-report FILE`` (a Markdown report of the session's measurements and budgets).

The interpreter measured is the one running pytest (``sys.executable``) unless ``python=`` or
``python`` in ``[tool.coldstart]`` names another; ``[tool.coldstart]`` of the rootdir's
``pyproject.toml`` (or its ``coldstart.toml``) applies as it does on the command line.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Generator, List, Optional, Tuple

import pytest

from . import _api
from ._binary import Error
from ._model import BudgetExceeded, CheckReport, Comparison, Result

_BUDGET_KEYS = ("max_import_ms", "max_wall_ms", "max_modules", "max_total_modules", "max_package_modules", "max_peak_rss_mib", "statistic")
_MARKER_DOC = (
    "import_budget(*targets, max_ms=None, max_modules=None, max_package_modules=None, max_wall_ms=None, "
    "max_peak_rss_mib=None, forbid=(), statistic=None, **run_options): measure TARGETS (default: "
    "[tool.coldstart] targets) in fresh interpreters and fail the test when a budget is exceeded"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("coldstart", "import-time budgets (coldstart)")
    group.addoption(
        "--coldstart-runs",
        type=int,
        default=None,
        metavar="N",
        help="samples per target for every coldstart measurement (wins over runs= in tests and [tool.coldstart])",
    )
    group.addoption(
        "--coldstart-report",
        default=None,
        metavar="FILE",
        help="write a Markdown report of the session's coldstart measurements and budgets to FILE",
    )


class Coldstart:
    """The ``coldstart`` fixture: the API with a per-session cache and the session's settings."""

    def __init__(self, config: pytest.Config) -> None:
        self._config = config
        self._runs: Optional[int] = config.getoption("--coldstart-runs")
        self._cache: Dict[str, Result] = {}
        self._out: Optional[str] = None
        #: (test id, report) of every budget checked, for --coldstart-report.
        self.reports: List[Tuple[str, CheckReport]] = []
        root = str(config.rootpath)
        has_config = any(os.path.isfile(os.path.join(root, f)) for f in ("coldstart.toml", "pyproject.toml"))
        #: Where the binary runs, and so which [tool.coldstart] applies.
        self.cwd = root if has_config else str(config.invocation_params.dir)

    def _output_dir(self) -> str:
        if self._out is None:
            factory = getattr(self._config, "_tmp_path_factory", None)
            if factory is not None:
                self._out = str(factory.mktemp("coldstart"))
            else:  # pragma: no cover - tmpdir plugin disabled
                import tempfile

                self._out = tempfile.mkdtemp(prefix="coldstart-pytest-")
        return self._out

    def run(self, targets: _api.Targets = (), **options: Any) -> Result:
        """:func:`coldstart.run` with this session's cache: the same targets and options measure once."""
        if self._runs is not None:
            options["runs"] = self._runs
        options.setdefault("output_dir", self._output_dir())
        options.setdefault("cwd", self.cwd)
        key = json.dumps([_api._names(targets), {k: _key(v) for k, v in sorted(options.items())}])
        if key not in self._cache:
            self._cache[key] = _api.run(targets, **options)
        return self._cache[key]

    def check(self, result: Result, **budgets: Any) -> CheckReport:
        """:func:`coldstart.check` (raises :class:`coldstart.BudgetExceeded`), recorded for the report."""
        budgets.setdefault("cwd", self.cwd)
        raise_on_failure = budgets.pop("raise_on_failure", True)
        report = _api.check(result, raise_on_failure=False, **budgets)
        self.reports.append((_current_test(self._config), report))
        if raise_on_failure and not report.passed:
            raise BudgetExceeded(report)
        return report

    def load(self, path: str) -> Result:
        return _api.load(path)

    def ab(self, targets: _api.Targets = (), **options: Any) -> Comparison:
        options.setdefault("cwd", self.cwd)
        return _api.ab(targets, **options)

    def why(self, name: str, targets: _api.Targets = (), **options: Any) -> List[List[str]]:
        options.setdefault("cwd", self.cwd)
        return _api.why(name, targets, **options)


def _key(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _key(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_key(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return os.fspath(value) if hasattr(value, "__fspath__") else repr(value)


_session_key = pytest.StashKey[Coldstart]()
_current_key = pytest.StashKey[str]()


def _current_test(config: pytest.Config) -> str:
    return config.stash.get(_current_key, "")


def _session(config: pytest.Config) -> Coldstart:
    if _session_key not in config.stash:
        config.stash[_session_key] = Coldstart(config)
    return config.stash[_session_key]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", _MARKER_DOC)


@pytest.fixture(scope="session")
def coldstart(pytestconfig: pytest.Config) -> Coldstart:
    """Measure imports in fresh interpreters: ``coldstart.run("pkg", runs=10)`` (cached per session)."""
    return _session(pytestconfig)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    item.config.stash[_current_key] = item.nodeid


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    """Checks every ``import_budget`` marker before the test body runs."""
    session = _session(item.config)
    for mark in item.iter_markers("import_budget"):
        options = dict(mark.kwargs)
        budgets = {k: options.pop(k) for k in _BUDGET_KEYS if k in options}
        if "max_ms" in options:
            budgets["max_import_ms"] = options.pop("max_ms")
        forbid = list(options.get("forbid", ()))
        if forbid:
            budgets["forbid"] = forbid
        # No budget in the marker: those of [tool.coldstart.budgets] (the binary says when there is none).
        try:
            result = session.run(list(mark.args), **options)
            report = session.check(result, raise_on_failure=False, **budgets)
        except Error as e:  # a bad option, a target that fails to import: the binary's message
            pytest.fail(f"coldstart: {e.message}", pytrace=False)
        if not report.passed:
            pytest.fail(str(report), pytrace=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: "pytest.CallInfo[None]") -> Generator[None, Any, None]:
    """A :class:`BudgetExceeded` raised in a test body is shown as its report, not a traceback."""
    outcome = yield
    rep = outcome.get_result()
    excinfo = call.excinfo
    if rep.failed and excinfo is not None and excinfo.errisinstance(BudgetExceeded):
        where = [e for e in excinfo.traceback if str(e.path) == str(item.path)]
        line = f"{item.path}:{where[-1].lineno + 1}: " if where else ""
        rep.longrepr = f"{line}coldstart.BudgetExceeded\n{excinfo.value}"


def pytest_sessionfinish(session: pytest.Session) -> None:
    path = session.config.getoption("--coldstart-report")
    if not path or _session_key not in session.config.stash:
        return
    state = session.config.stash[_session_key]
    lines = ["# coldstart", ""]
    for result in state._cache.values():
        lines += [f"Python {result.python.get('version')} ({result.python.get('executable')})", ""]
        lines += ["| target | median import | p95 | modules |", "|---|---|---|---|"]
        lines += [f"| `{t.name}` | {t.import_ms.median:.2f} ms | {t.import_ms.p95:.2f} ms | {t.modules.total} |" for t in result]
        lines.append("")
    for test, report in state.reports:
        lines += [f"## {test or 'budgets'}: {'passed' if report.passed else 'FAILED'}", "", "```", str(report), "```", ""]
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    os.replace(tmp, path)
