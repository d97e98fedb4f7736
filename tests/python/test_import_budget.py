"""The recipe of docs/ci.md, now with the plugin: import budgets in a library's own test suite.

`pip install coldstart` registers the plugin; copy these tests into your project and point the
targets at your package. Here they run against the fixture packages of tests/python/fixtures
(the `path=` option stands in for an installed package), inside coldstart's own CI.
"""
import pytest

from conftest import FIXTURES

FAST = dict(path=[str(FIXTURES)], runs=5, anchor=False, tree_runs=2)


@pytest.mark.import_budget("lightpkg", max_ms=300, max_modules=2000, forbid=["fakeparamiko"], **FAST)
def test_lightpkg_import_budget():
    """A marker needs no body: the budget is measured and checked before it runs."""


def test_cold_start(coldstart):
    # Measured once per session and settings; the result is typed.
    r = coldstart.run(["lightpkg", "budgetpkg"], **FAST)
    assert r["lightpkg"].import_ms.median < 300
    assert r["budgetpkg"].modules.by_package["budgetpkg"] == 2
    assert not r["lightpkg"].loaded("fakeparamiko")
    # The heavy dependency budgetpkg drags in, and through which import:
    assert r["budgetpkg"].chain("fakeparamiko") == ["budgetpkg", "budgetpkg.cli", "fakeparamiko"]


def test_junit_report_for_ci(coldstart, tmp_path):
    # The binary's own reports stay one flag away.
    import subprocess

    import coldstart as api

    r = coldstart.run(["lightpkg", "budgetpkg"], **FAST)
    saved = r.save(str(tmp_path / "result.json"))
    report = tmp_path / "coldstart.xml"
    proc = subprocess.run(
        [api.find_coldstart_bin(), "check", saved, "--max-import-ms", "1000", "--format", "junit", "--output", str(report)],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert report.read_text().startswith("<?xml")
