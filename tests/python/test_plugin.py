"""The pytest plugin (registered by the wheel's pytest11 entry point), run in inner pytest
sessions with pytester: the fixture, the import_budget marker, the options, [tool.coldstart]."""
import json
import pathlib

import pytest

from conftest import FIXTURES

QUICK = f"path=[{str(FIXTURES)!r}], warmup=1, anchor=False, tree_runs=1"


def test_the_plugin_is_registered_by_the_entry_point(pytester):
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["*import_budget(*targets, max_ms=None*"])
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(["*--coldstart-runs=N*", "*--coldstart-report=FILE*"])


def test_the_fixture_measures_once_per_session_and_settings(pytester):
    pytester.makepyfile(
        f"""
        import sys
        seen = []

        def test_first(coldstart):
            r = coldstart.run("lightpkg", runs=3, {QUICK})
            seen.append(r)
            assert r["lightpkg"].import_ms.median < 1000
            assert not r["lightpkg"].loaded("fakeparamiko")
            assert r.python["executable"] == sys.executable

        def test_same_settings_reuse_the_result(coldstart):
            assert coldstart.run("lightpkg", runs=3, {QUICK}) is seen[0]

        def test_other_settings_measure_again(coldstart):
            r = coldstart.run("lightpkg", runs=2, {QUICK})
            assert r is not seen[0] and r["lightpkg"].import_ms.n == 2
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=3)


def test_markers_pass_and_fail_with_the_budget_report_and_the_chain(pytester):
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.import_budget("lightpkg", max_ms=10000, max_modules=5000, forbid=["fakeparamiko"], runs=3, {QUICK})
        def test_light_within_budget():
            pass

        @pytest.mark.import_budget("budgetpkg", max_ms=10000, forbid=["fakeparamiko"], runs=3, {QUICK})
        def test_heavy_dependency_is_forbidden():
            raise RuntimeError("the body must not run when the budget fails")

        @pytest.mark.import_budget("budgetpkg", max_ms=0.001, runs=3, {QUICK})
        def test_too_slow():
            pass

        @pytest.mark.import_budget("no_such_module_xyz", max_ms=300, runs=3, {QUICK})
        def test_not_importable():
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=3)
    result.stdout.fnmatch_lines(["coldstart: target 'no_such_module_xyz' failed to import: ModuleNotFoundError*"])
    out = result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "*FAIL budgetpkg: fakeparamiko forbidden (actual loaded)",
            "*loaded by budgetpkg -> budgetpkg.cli -> fakeparamiko",
            "*FAIL budgetpkg: median import <= 0.001 ms (actual *",
        ]
    )
    assert "the body must not run" not in out
    assert "assert False" not in out


def test_budget_exceeded_in_a_test_body_shows_the_report(pytester):
    pytester.makepyfile(
        f"""
        def test_body(coldstart):
            r = coldstart.run("budgetpkg", runs=3, {QUICK})
            coldstart.check(r, forbid=["fakeparamiko"])
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*test_budget_exceeded_in_a_test_body_shows_the_report.py:3: coldstart.BudgetExceeded",
            "*1 of 1 exceeded",
            "*loaded by budgetpkg -> budgetpkg.cli -> fakeparamiko",
        ]
    )


def test_runs_option_and_report_file(pytester):
    pytester.makepyfile(
        f"""
        import pytest

        def test_runs_from_the_command_line(coldstart):
            assert coldstart.run("lightpkg", runs=3, {QUICK})["lightpkg"].import_ms.n == 2

        @pytest.mark.import_budget("lightpkg", max_modules=5000, runs=3, {QUICK})
        def test_marker():
            pass
        """
    )
    report = pytester.path / "coldstart.md"
    result = pytester.runpytest("-p", "no:cacheprovider", "--coldstart-runs", "2", f"--coldstart-report={report}")
    result.assert_outcomes(passed=2)
    text = report.read_text()
    assert "| `lightpkg` |" in text and "test_marker: passed" in text and "modules beyond start-up <= 5000" in text


def test_tool_coldstart_in_pyproject_is_honoured(pytester):
    # Targets, path and budgets from [tool.coldstart]: the marker names nothing but a runs count.
    pytester.makepyprojecttoml(
        f"""
        [tool.coldstart]
        targets = ["budgetpkg"]
        path = [{str(FIXTURES)!r}]
        anchor = false
        tree_runs = 1
        runs = 3

        [tool.coldstart.budgets]
        max_package_modules = {{ budgetpkg = 1 }}
        """
    )
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.import_budget()
        def test_from_config():
            pass

        def test_fixture_uses_config(coldstart):
            r = coldstart.run()
            assert r.names == ["budgetpkg"] and r["budgetpkg"].import_ms.n == 3
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*FAIL budgetpkg: budgetpkg modules <= 1 (actual 2)"])
