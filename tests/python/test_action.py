"""The shell logic of action.yml (scripts/github-action.sh), run locally: a real temporary git
repository, the installed coldstart, a fake GITHUB_* environment and a stub `gh` on PATH that
records its calls (no network)."""
import json
import os
import pathlib
import shlex
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "github-action.sh"
MARKER = "<!-- coldstart-action: import time -->"

STUB_GH = r"""#!/usr/bin/env bash
# Records each call; answers the comment listing from $STUB_COMMENTS (two pages, as --paginate).
log="$STUB_LOG/calls"
n=$(( $(cat "$log" 2>/dev/null | wc -l) + 1 ))
printf '%s\n' "$*" >>"$log"
prev=""
for a in "$@"; do
    if [ "$prev" = --input ]; then cp "$a" "$STUB_LOG/body$n.json"; fi
    prev=$a
done
case "$*" in
    *--method*) echo '{}' ;;
    *) cat "$STUB_COMMENTS"; echo '[]' ;;
esac
"""


def git(repo, *args):
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """main: A (mypkg light) -> C (unrelated); feature: A -> B (mypkg imports heavydep)."""
    r = tmp_path_factory.mktemp("repo")
    git(r, "init", "-q", "-b", "main")
    git(r, "config", "user.email", "t@example.invalid")
    git(r, "config", "user.name", "t")
    (r / "mypkg").mkdir()
    (r / "mypkg" / "__init__.py").write_text("")
    (r / "heavydep.py").write_text("import json\n")
    git(r, "add", "-A")
    git(r, "commit", "-qm", "A")
    a = git(r, "rev-parse", "HEAD")
    (r / "NEWS").write_text("later on main\n")
    git(r, "add", "-A")
    git(r, "commit", "-qm", "C")
    c = git(r, "rev-parse", "HEAD")
    git(r, "checkout", "-qb", "feature", a)
    (r / "mypkg" / "__init__.py").write_text("import heavydep\n")
    git(r, "commit", "-qam", "B")
    b = git(r, "rev-parse", "HEAD")
    return {"path": r, "A": a, "B": b, "C": c, "cache": tmp_path_factory.mktemp("envcache")}


def run_action(repo, tmp_path, comment="on-change", existing=(), base="", event=None, args=None):
    stub = tmp_path / "bin"
    stub.mkdir()
    (stub / "gh").write_text(STUB_GH)
    (stub / "gh").chmod(0o755)
    log = tmp_path / "gh"
    log.mkdir()
    comments = tmp_path / "comments.json"
    comments.write_text(json.dumps([{"id": 7, "body": "a human's comment"}, *existing]))
    event_file = tmp_path / "event.json"
    pr = {"number": 12, "base": {"sha": repo["C"]}, "head": {"sha": repo["B"]}}
    event_file.write_text(json.dumps(event if event is not None else {"pull_request": pr}))
    # Installs each revision by copying its files into the environment: fast, offline, cacheable.
    setup = (
        "$COLDSTART_PYTHON -c \"import shutil, sysconfig; p = sysconfig.get_path('purelib'); "
        "shutil.copytree('mypkg', p + '/mypkg', dirs_exist_ok=True); shutil.copy('heavydep.py', p)\""
    )
    # The exact gate (a forbidden module now loaded) decides; --min-effect keeps timing noise on
    # a loaded machine from ever deciding (no timing assertion in a test).
    default_args = (
        f"mypkg --forbid heavydep --pairs 5 --max-pairs 5 --min-effect 100000 --no-anchor --tree-runs 1 "
        f"--setup {shlex.quote(setup)} --cache-dir {repo['cache']}"
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "COLDSTART_"))},
        "PATH": f"{stub}{os.pathsep}{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(event_file),
        "GITHUB_REPOSITORY": "owner/repo",
        "GITHUB_WORKFLOW": "import time",
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "RUNNER_TEMP": str(tmp_path),
        "STUB_LOG": str(log),
        "STUB_COMMENTS": str(comments),
        "COLDSTART_ACTION_ARGS": args if args is not None else default_args,
        "COLDSTART_ACTION_BASE": base,
        "COLDSTART_ACTION_COMMENT": comment,
        "COLDSTART_ACTION_RESULTS": str(tmp_path / "results"),
    }
    proc = subprocess.run(["bash", str(SCRIPT)], cwd=repo["path"], env=env, capture_output=True, text=True, timeout=600)
    calls = (log / "calls").read_text().splitlines() if (log / "calls").exists() else []
    bodies = [json.loads(p.read_text())["body"] for p in sorted(log.glob("body*.json"))]
    outputs = dict(line.split("=", 1) for line in (tmp_path / "output").read_text().splitlines()) if (tmp_path / "output").exists() else {}
    return proc, calls, bodies, outputs


def test_a_failed_gate_creates_the_comment_and_fails(repo, tmp_path):
    proc, calls, bodies, outputs = run_action(repo, tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    # The base is the merge-base A, not the base branch's tip C.
    assert f"coldstart branches {repo['A']} HEAD mypkg --forbid heavydep" in proc.stdout
    assert calls[0] == "api --paginate repos/owner/repo/issues/12/comments"
    assert calls[1].startswith("api --method POST repos/owner/repo/issues/12/comments --input ")
    assert len(calls) == 2 and len(bodies) == 1
    body = bodies[0]
    assert body.startswith(MARKER + "\n") and "heavydep" in body and "NOW EAGER" in body
    assert outputs["exit-code"] == "1" and outputs["comparison"].endswith("_comparison.json")
    assert (tmp_path / "summary.md").read_text().strip(), "the binary writes the job summary"
    assert "commented on pull request #12" in proc.stdout


def test_the_comment_of_this_workflow_is_updated_not_duplicated(repo, tmp_path):
    existing = [{"id": 42, "body": MARKER + "\nold report"}]
    proc, calls, bodies, _ = run_action(repo, tmp_path, existing=existing)
    assert proc.returncode == 1, proc.stderr
    assert calls[1].startswith("api --method PATCH repos/owner/repo/issues/comments/42 --input ")
    assert bodies[0].startswith(MARKER) and "old report" not in bodies[0]


def test_no_change_posts_nothing_on_change_and_passes(repo, tmp_path):
    proc, calls, bodies, outputs = run_action(repo, tmp_path, base="HEAD")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert outputs["exit-code"] == "0" and outputs["verdict"] == "unchanged"
    assert [c for c in calls if "--method" in c] == [] and bodies == []
    # ... but `always` does.
    again = tmp_path / "always"
    again.mkdir()
    proc, calls, bodies, _ = run_action(repo, again, base="HEAD", comment="always")
    assert proc.returncode == 0 and len(bodies) == 1 and "POST" in calls[1]


def test_never_comments_nothing_and_still_fails(repo, tmp_path):
    proc, calls, _, _ = run_action(repo, tmp_path, comment="never")
    assert proc.returncode == 1 and calls == []


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"comment": "sometimes"}, "comment must be always, on-change or never, not 'sometimes'"),
        ({"event": {}}, "not a pull request and no previous commit in the event; set the base input"),
        ({"args": "mypkg --stmt 'unbalanced"}, "cannot split the args input into words"),
        ({"base": "no-such-rev"}, "unknown revision"),
    ],
)
def test_bad_inputs_exit_2_with_a_message(repo, tmp_path, kwargs, message):
    proc, calls, _, _ = run_action(repo, tmp_path, **kwargs)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert message in proc.stderr
    assert not [c for c in calls if "--method" in c]


def test_action_yml_passes_inputs_through_the_environment_only():
    """No `${{ ... }}` inside a `run:` script (an input pasted into shell code is an injection)."""
    text = (ROOT / "action.yml").read_text()
    assert "using: composite" in text and "scripts/github-action.sh" in text
    in_run, run_lines = False, []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("run:"):
            in_run, indent = True, len(line) - len(line.lstrip())
            run_lines.append(stripped[4:])
        elif in_run and stripped and len(line) - len(line.lstrip()) <= indent:
            in_run = False
        elif in_run:
            run_lines.append(stripped)
    assert run_lines and not [r for r in run_lines if "${{" in r], run_lines
    for name in ("args", "python-version", "base", "threshold", "comment", "version"):
        assert f"\n  {name}:\n" in text, name
