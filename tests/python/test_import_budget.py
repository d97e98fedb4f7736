"""A pytest recipe: assert import budgets with coldstart from a library's own test suite.

Copy this into your project, point PKG/MODULES at your package, and run it in CI. Here it runs
against the fixture packages of coldstart's own tests (see docs/ci.md).
"""
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
COLDSTART = os.environ.get("COLDSTART", str(ROOT / "target" / "debug" / "coldstart"))
FIXTURES = ROOT / "tests" / "fixtures" / "pkgs"


def coldstart(*args):
    return subprocess.run([COLDSTART, *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    """Measure once per test module; every budget test reads the same result file."""
    out = tmp_path_factory.mktemp("coldstart")
    proc = coldstart(
        "run", "emptypkg", "eagerpkg",
        "--python", sys.executable, "--path", str(FIXTURES),
        "--runs", "5", "--no-anchor", "--tree-runs", "0", "--quiet",
        "--output-dir", str(out),
    )
    assert proc.returncode == 0, proc.stderr
    return out / "cold_start_latest.json"


def test_import_time_and_module_count_within_budget(result):
    proc = coldstart("check", str(result), "--max-import-ms", "emptypkg=100", "--max-modules", "2000")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_forbidden_module_fails_the_budget(result):
    # eagerpkg imports its heavy submodule eagerly: the budget must catch it.
    proc = coldstart("check", str(result), "--forbid", "eagerpkg.heavy")
    assert proc.returncode == 1
    assert "eagerpkg: eagerpkg.heavy forbidden (actual loaded)" in proc.stdout


def test_junit_report_for_ci(result, tmp_path):
    report = tmp_path / "coldstart.xml"
    proc = coldstart("check", str(result), "--max-import-ms", "1000", "--format", "junit", "--output", str(report))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert report.read_text().startswith("<?xml")
