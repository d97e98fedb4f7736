"""``python -m coldstart ...``: runs the binary, telling it which interpreter started it so that
the default interpreter to measure is this one (``sys.executable``)."""

from __future__ import annotations

import os
import sys

from ._binary import LAUNCHER_VAR, Error, find_coldstart_bin


def main() -> None:
    try:
        binary = os.fsdecode(find_coldstart_bin())
    except Error as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    env = dict(os.environ)
    if sys.executable:
        env[LAUNCHER_VAR] = sys.executable
    argv = [binary, *sys.argv[1:]]
    if sys.platform == "win32":  # pragma: no cover - no exec on Windows
        import subprocess

        sys.exit(subprocess.run(argv, env=env).returncode)
    os.execve(binary, argv, env)


if __name__ == "__main__":
    main()
