"""Finding the ``coldstart`` binary shipped in the wheel, and running it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from typing import List, Optional, Sequence

__all__ = ["Error", "find_coldstart_bin", "invoke"]

#: Overrides the search (a development build, a binary outside any environment).
BIN_VAR = "COLDSTART_BIN"
#: Tells the binary which interpreter called it: its default interpreter to measure when neither
#: ``--python`` nor the configuration names one (the binary reads and removes it; see
#: src/default_python.rs).
LAUNCHER_VAR = "COLDSTART_LAUNCHER_PYTHON"


class Error(Exception):
    """The binary reported an error (exit code 2) or could not be run.

    ``message`` is the binary's own one-line error (``error: ...`` without the prefix),
    ``returncode`` its exit code (``None`` when it could not be started).
    """

    def __init__(self, message: str, returncode: Optional[int] = None, stderr: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.returncode = returncode
        self.stderr = stderr


def _user_scripts() -> Optional[str]:
    if sys.version_info >= (3, 10):
        scheme = sysconfig.get_preferred_scheme("user")
    else:  # pragma: no cover - the schemes of older interpreters
        scheme = "nt_user" if os.name == "nt" else "posix_user"
    try:
        return sysconfig.get_path("scripts", scheme=scheme)
    except KeyError:  # pragma: no cover
        return None


def _candidates() -> List[str]:
    exe = "coldstart" + (sysconfig.get_config_var("EXE") or "")
    here = os.path.dirname(os.path.abspath(__file__))
    dirs = [
        # The environment this package is installed in (pip, uv, a venv).
        sysconfig.get_path("scripts"),
        # `pip install --user`.
        _user_scripts(),
        # `pip install --prefix P`: P/lib/pythonX.Y/site-packages/coldstart -> P/bin.
        os.path.join(here, "..", "..", "..", "..", "bin"),
        # `pip install --target T`: T/coldstart -> T/bin.
        os.path.join(here, "..", "bin"),
    ]
    return [os.path.normpath(os.path.join(d, exe)) for d in dirs if d]


def find_coldstart_bin() -> str:
    """Return the path of the ``coldstart`` executable.

    ``$COLDSTART_BIN`` when set; else the binary installed with this package (the environment's
    scripts directory, the user scheme, ``--prefix`` and ``--target`` layouts); else ``coldstart``
    on ``PATH``. Raises :class:`Error` naming the places searched when there is none.
    """
    explicit = os.environ.get(BIN_VAR)
    if explicit:
        if os.path.isfile(explicit) and os.access(explicit, os.X_OK):
            return explicit
        raise Error(f"${BIN_VAR} is {explicit!r}, which is not an executable file; unset it or fix the path")
    candidates = _candidates()
    for path in candidates:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    found = shutil.which("coldstart")
    if found:
        return found
    raise Error(
        "the coldstart binary was not found (looked in "
        + ", ".join(candidates)
        + " and PATH); reinstall the package with `pip install coldstart` or set $COLDSTART_BIN"
    )


def invoke(args: Sequence[str], cwd: Optional[str] = None, ok: Sequence[int] = (0,)) -> "subprocess.CompletedProcess[str]":
    """Run ``coldstart ARGS`` (the default interpreter to measure is this one, ``sys.executable``,
    unless ``--python`` or the configuration file names one); exit codes in ``ok`` are returned, any other raises :class:`Error`
    with the binary's message (exit 130, an interrupt, raises :class:`KeyboardInterrupt`)."""
    cmd = [find_coldstart_bin(), *args]
    env = dict(os.environ)
    if sys.executable:
        env[LAUNCHER_VAR] = sys.executable
    try:
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    except OSError as e:
        raise Error(f"cannot run {cmd[0]}: {e}") from e
    if proc.returncode in ok:
        return proc
    if proc.returncode == 130:
        raise KeyboardInterrupt
    raise Error(_message(proc.stderr) or f"coldstart exited with {proc.returncode}", proc.returncode, proc.stderr)


def _message(stderr: str) -> str:
    """The ``error: ...`` line of the binary (clap's usage errors included), else the last line."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if line.startswith("error:"):
            return line[len("error:") :].strip()
    return lines[-1] if lines else ""
