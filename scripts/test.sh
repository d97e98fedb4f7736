#!/usr/bin/env bash
# The test suite: Rust unit and integration tests, then the pytest recipe of docs/ci.md against
# the freshly built binary. Installs pytest with pip when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test
cargo build --quiet
# pytest: the interpreter's own, else installed with pip, else in a private venv (PEP 668 systems).
if python3 -m pytest --version >/dev/null 2>&1 || python3 -m pip install --quiet pytest >/dev/null 2>&1; then
    pytest=(python3 -m pytest)
else
    python3 -m venv target/pytest-venv
    target/pytest-venv/bin/python -m pip install --quiet pytest
    pytest=(target/pytest-venv/bin/python -m pytest)
fi
COLDSTART="$PWD/target/debug/coldstart" "${pytest[@]}" -q tests/python
