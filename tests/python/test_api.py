"""The Python API against the installed binary, on the fixture packages of tests/python/fixtures."""
import importlib.metadata
import json
import os
import re
import subprocess
import sys

import pytest

import coldstart
from conftest import QUICK, installed


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    out = tmp_path_factory.mktemp("api")
    return coldstart.run(["lightpkg", "budgetpkg"], output_dir=out, **QUICK)


def test_the_binary_is_the_one_installed_with_the_package():
    assert installed(), f"run this suite in the wheel's venv (scripts/test-wheel.sh), not {sys.prefix}"
    assert coldstart.find_coldstart_bin() == os.path.join(sys.prefix, "bin", "coldstart")


def test_version_names_the_commit():
    out = subprocess.run([coldstart.find_coldstart_bin(), "--version"], capture_output=True, text=True).stdout
    assert re.fullmatch(r"coldstart \d+\.\d+\.\d+ \(([0-9a-f]{12} \d{4}-\d\d-\d\d|unknown commit)\)\n", out), out
    assert out.split()[1] == coldstart.__version__


def test_run_gives_typed_targets(result):
    assert isinstance(result, coldstart.Result)
    assert result.names == ["lightpkg", "budgetpkg"] and "budgetpkg" in result and len(result) == 2
    t = result["budgetpkg"]
    assert isinstance(t, coldstart.Target) and t.statement == "import budgetpkg"
    assert t.import_ms.n == 3 and 0 < t.import_ms.min <= t.import_ms.median <= t.import_ms.max
    # fakeparamiko sleeps 20 ms at import.
    assert t.import_ms.median >= 15
    assert t.modules.total > t.modules.startup
    assert t.modules.by_package["budgetpkg"] == 2  # budgetpkg and budgetpkg.cli
    assert t.loaded("fakeparamiko") and not result["lightpkg"].loaded("fakeparamiko")
    assert t.chain("fakeparamiko") == ["budgetpkg", "budgetpkg.cli", "fakeparamiko"]
    assert result.python["executable"] == sys.executable  # the calling interpreter by default
    # This venv's own distributions, as importlib.metadata reports them here.
    assert result.distributions["pytest"] == importlib.metadata.version("pytest")
    with pytest.raises(KeyError, match="no target 'nope'"):
        result["nope"]


def test_check_passes_and_returns_the_report(result):
    report = result.check(max_import_ms=10_000, max_modules=5000, max_package_modules={"budgetpkg": 2})
    assert report.passed and report.statistic == "median"
    assert [c.budget for c in report.checks if c.target == "budgetpkg"] == [
        "median import <= 10000 ms",
        "modules beyond start-up <= 5000",
        "budgetpkg modules <= 2",
    ]
    # The JSON document behind it holds numbers, a version and the overall result.
    assert report.raw["format_version"] == 1 and report.raw["passed"] is True
    assert (report.raw["budgets_checked"], report.raw["budgets_exceeded"]) == (6, 0)
    timed = next(c for c in report.checks if c.target == "budgetpkg" and c.kind == "import_ms")
    assert timed.limit == 10_000 and isinstance(timed.value, float) and timed.actual.endswith(" ms")
    package = next(c for c in report.checks if c.target == "budgetpkg" and c.kind == "package_modules")
    assert (package.limit, package.value, package.actual) == (2, 2, "2")


def test_an_exceeded_budget_raises_with_the_report_and_the_chain(result):
    with pytest.raises(coldstart.BudgetExceeded) as info:
        result.check(max_import_ms={"lightpkg": 10_000, "budgetpkg": 0.001}, forbid=["fakeparamiko"])
    text = str(info.value)
    assert "2 of 4 exceeded" in text
    assert "FAIL budgetpkg: median import <= 0.001 ms" in text
    assert "FAIL budgetpkg: fakeparamiko forbidden (actual loaded)" in text
    assert "loaded by budgetpkg -> budgetpkg.cli -> fakeparamiko" in text
    assert "ok   lightpkg: fakeparamiko forbidden (actual not loaded)" in text
    failed = info.value.report.failed
    assert [c.chain for c in failed] == [None, ["budgetpkg", "budgetpkg.cli", "fakeparamiko"]]
    # BudgetExceeded is an AssertionError: a plain `assert`-style failure in any test runner.
    assert isinstance(info.value, AssertionError)
    report = result.check(max_modules=1, raise_on_failure=False)
    assert not report.passed
    # Start-up (site, encodings, ...) counts only in the total.
    assert not result.check(max_total_modules=20, raise_on_failure=False).passed


def test_load_and_save_round_trip(result, tmp_path):
    path = result.save(str(tmp_path / "r.json"))
    again = coldstart.load(path)
    assert again.raw == result.raw and again.path == path
    assert coldstart.check(path, max_modules=5000).passed


def test_bad_inputs_raise_error_with_the_binary_message(tmp_path):
    with pytest.raises(coldstart.Error) as info:
        coldstart.run("no_such_module_xyz", **QUICK)
    assert info.value.returncode == 2
    assert "target 'no_such_module_xyz' failed to import" in info.value.message
    with pytest.raises(coldstart.Error, match="unexpected argument"):
        coldstart.run("lightpkg", args=["--no-such-flag"], **QUICK)
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    with pytest.raises(coldstart.Error, match="not a coldstart result file"):
        coldstart.load(bad)
    with pytest.raises(coldstart.Error, match="cannot read result file"):
        coldstart.load(tmp_path / "missing.json")
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps({"format_version": 99}))
    with pytest.raises(coldstart.Error, match="format_version 99"):
        coldstart.load(newer)


def test_ab_gives_a_comparison(tmp_path):
    cmp = coldstart.ab(
        "lightpkg", baseline=sys.executable, candidate=sys.executable, pairs=5, max_pairs=5,
        output_dir=tmp_path, path=QUICK["path"], anchor=False, tree_runs=0,
    )
    assert isinstance(cmp, coldstart.Comparison) and cmp.method == "paired"
    assert cmp.verdict in ("unchanged", "inconclusive", "improvement", "regression")
    assert cmp.failed == bool(cmp.failures)
    t = cmp["lightpkg"]
    assert t.verdict == cmp.verdict and t.import_.ratio_low <= t.import_.ratio <= t.import_.ratio_high
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith("_comparison.json"))
    assert cmp.distribution_changes == []  # one interpreter on both sides


def _why_has_json() -> bool:
    help_text = subprocess.run([coldstart.find_coldstart_bin(), "why", "--help"], capture_output=True, text=True).stdout
    return "--format" in help_text


@pytest.mark.skipif(not _why_has_json(), reason="this coldstart's `why` has no --format json yet (being added)")
def test_why_gives_the_chains():
    assert coldstart.why("fakeparamiko", "budgetpkg", path=QUICK["path"]) == [
        ["budgetpkg", "budgetpkg.cli", "fakeparamiko"]
    ]
    assert coldstart.why("fakeparamiko", "lightpkg", path=QUICK["path"]) == []


def _json_of(cmd, cwd):
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


QUICK_FLAGS = ["--runs", "1", "--warmup", "1", "--no-anchor", "--tree-runs", "0", "--format", "json", "--quiet"]


def test_python_dash_m_measures_its_interpreter_and_hides_the_hand_over(tmp_path):
    # The statement fails (exit 2) if the variable reached the measured child.
    stmt = "import os; assert 'COLDSTART_LAUNCHER_PYTHON' not in os.environ"
    doc = _json_of([sys.executable, "-m", "coldstart", "run", "--stmt", stmt, *QUICK_FLAGS], tmp_path)
    assert doc["environment"]["python"]["executable"] == sys.executable


def test_the_installed_binary_measures_its_own_venv(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "COLDSTART_LAUNCHER_PYTHON")}
    # A PATH without this venv: python3 on PATH is another interpreter, yet the venv is measured.
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(sys.prefix))
    proc = subprocess.run(
        [os.path.join(sys.prefix, "bin", "coldstart"), "run", "json", *QUICK_FLAGS],
        cwd=tmp_path, env=env, capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["environment"]["python"]["executable"] == os.path.join(sys.prefix, "bin", "python")


def test_completions_and_man_page_whatever_the_configuration(tmp_path):
    # They describe the tool: a broken configuration file in the directory does not stop them.
    (tmp_path / "pyproject.toml").write_text("[tool.coldstart]\nno_such_key = 1\n")
    binary = coldstart.find_coldstart_bin()
    for shell, marker in [("bash", "complete -F _coldstart"), ("zsh", "#compdef coldstart"), ("fish", "complete -c coldstart")]:
        out = subprocess.run([binary, "completions", shell], cwd=tmp_path, capture_output=True, text=True)
        assert out.returncode == 0 and marker in out.stdout, out.stderr
    man = subprocess.run([binary, "man"], cwd=tmp_path, capture_output=True, text=True)
    assert man.returncode == 0 and ".TH coldstart 1" in man.stdout
    bad = subprocess.run([binary, "completions", "tcsh"], capture_output=True, text=True)
    assert bad.returncode == 2 and "invalid value 'tcsh'" in bad.stderr
    # ... while a measuring command reports the bad key.
    with pytest.raises(coldstart.Error, match="no_such_key"):
        coldstart.run("json", cwd=tmp_path, runs=1)
