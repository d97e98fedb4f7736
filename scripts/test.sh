#!/usr/bin/env bash
# The test suite: Rust unit and integration tests, then the pytest recipe of docs/ci.md against
# the freshly built binary. Installs pytest with pip when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test
cargo build --quiet
python3 -m pytest --version >/dev/null 2>&1 || python3 -m pip install --quiet pytest
COLDSTART="$PWD/target/debug/coldstart" python3 -m pytest -q tests/python
