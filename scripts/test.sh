#!/usr/bin/env bash
# The test suite: Rust unit and integration tests, then the wheel step (scripts/test-wheel.sh):
# the Python wheel built with maturin, installed into a fresh venv, and the pytest suite of
# tests/python (the Python API and the pytest plugin) run there against the installed binary.
# Needs PyPI for maturin and pytest (installed into venvs under target/, never system-wide).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test
./scripts/test-wheel.sh
