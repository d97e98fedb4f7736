#!/usr/bin/env bash
# The wheel step of the test suite: builds the Python wheel with maturin (from PyPI, in a private
# venv under target/), installs it into a fresh venv, and runs there what a user runs:
# `coldstart --version`, `python -m coldstart run ...` and the pytest suite of tests/python
# (the API and the plugin, which the wheel registers through its pytest11 entry point), and
# `uvx --from WHEEL coldstart --version`.
#
# COLDSTART_WHEEL_PROFILE=release builds the optimised binary users get (minutes on 2 cores);
# the default `dev` reuses what `cargo test` already compiled.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${COLDSTART_WHEEL_PROFILE:-dev}
tools=target/py-tools
venv=target/wheel-venv
wheels=target/wheels
python=${PYTHON:-python3}

# maturin and pytest live in a venv of their own: nothing is installed into the system Python.
if ! "$tools/bin/maturin" --version >/dev/null 2>&1 || ! "$tools/bin/uvx" --version >/dev/null 2>&1; then
    rm -rf "$tools"
    "$python" -m venv "$tools"
    "$tools/bin/python" -m pip install --quiet --disable-pip-version-check "maturin>=1.9,<2" uv
fi

rm -rf "$wheels"
"$tools/bin/maturin" build --quiet --profile "$profile" --out "$wheels" 2>&1 | grep -v '^📦\|^🔗\|^🐍\|^💻\|^🍹' || true
wheel=$(ls "$wheels"/coldstart-*.whl)
echo "wheel: $wheel ($(du -k "$wheel" | cut -f1) KiB)"

# A fresh venv every time: the wheel must be all a user needs.
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$wheel" pytest

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$venv/bin/coldstart" --version
# uvx runs the wheel without installing it (offline: the wheel has no dependencies).
UV_CACHE_DIR="$scratch/uv-cache" "$tools/bin/uvx" --offline --quiet --from "$wheel" coldstart --version
(cd "$scratch" && "$OLDPWD/$venv/bin/python" -m coldstart run json --runs 3 --quiet --output-dir "$scratch/results")
# The suite imports coldstart from the venv's site-packages (never from python/ of the clone).
"$venv/bin/python" -m pytest -q -p no:cacheprovider tests/python
