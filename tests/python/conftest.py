"""The Python suite runs in a fresh virtual environment with the built wheel installed
(scripts/test-wheel.sh): `import coldstart` and the pytest plugin are the installed ones."""
import pathlib
import sys

import pytest

FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures"
# Quick settings for every measurement of the suite: few samples, no anchor, a short tree pass.
QUICK = dict(path=[str(FIXTURES)], runs=3, warmup=1, anchor=False, tree_runs=1)

pytest_plugins = ["pytester"]


@pytest.fixture
def fixtures_dir() -> pathlib.Path:
    return FIXTURES


def installed() -> bool:
    """Whether `coldstart` is imported from an installed wheel (not from a source tree)."""
    import coldstart

    return "site-packages" in coldstart.__file__ and sys.prefix != sys.base_prefix
