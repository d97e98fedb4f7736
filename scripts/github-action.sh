#!/usr/bin/env bash
# The shell logic of action.yml: compare the pull request with its merge-base using
# `coldstart branches`, keep one sticky pull-request comment per workflow, and exit with
# coldstart's exit code (0 pass, 1 a gate failed, 2 an error).
#
# Inputs arrive in environment variables, never pasted into this code:
#   COLDSTART_ACTION_ARGS       targets and flags for `coldstart branches` (shell-quoted words)
#   COLDSTART_ACTION_BASE       base revision [default: merge-base of the PR's base and head]
#   COLDSTART_ACTION_THRESHOLD  --threshold in percent [default: the configuration's or 5]
#   COLDSTART_ACTION_COMMENT    always | on-change | never [default: on-change]
#   COLDSTART_ACTION_RESULTS    directory for the result files [default: benchmark_results]
# and GitHub's own: GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_REPOSITORY, GITHUB_WORKFLOW,
# GITHUB_OUTPUT, RUNNER_TEMP; `gh` (with GH_TOKEN) posts the comment.
set -euo pipefail

fail() { echo "::error::coldstart action: $*" >&2; exit 2; }

comment_mode=${COLDSTART_ACTION_COMMENT:-on-change}
case "$comment_mode" in
    always|on-change|never) ;;
    *) fail "comment must be always, on-change or never, not '$comment_mode'" ;;
esac
results=${COLDSTART_ACTION_RESULTS:-benchmark_results}
work=$(mktemp -d "${RUNNER_TEMP:-/tmp}/coldstart-action.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Reads a field of the event payload (python3 is there: setup-python, or the runner's).
event() {
    [ -n "${GITHUB_EVENT_PATH:-}" ] && [ -f "$GITHUB_EVENT_PATH" ] || return 0
    python3 - "$GITHUB_EVENT_PATH" "$1" <<'PY'
import json, sys
node = json.load(open(sys.argv[1]))
for key in sys.argv[2].split("."):
    node = node.get(key) if isinstance(node, dict) else None
print("" if node is None else node)
PY
}

# The base: given, else the merge-base of the pull request's base and head (what the PR
# changes, not what landed on the base branch since), else the commit before a push.
base=${COLDSTART_ACTION_BASE:-}
if [ -z "$base" ]; then
    pr_base=$(event pull_request.base.sha)
    pr_head=$(event pull_request.head.sha)
    if [ -n "$pr_base" ] && [ -n "$pr_head" ]; then
        base=$(git merge-base "$pr_base" "$pr_head" 2>/dev/null) ||
            fail "no merge-base of $pr_base and $pr_head in this clone; check out with fetch-depth: 0"
    else
        before=$(event before)
        [ -n "$before" ] && [ "$before" != 0000000000000000000000000000000000000000 ] ||
            fail "not a pull request and no previous commit in the event; set the base input"
        base=$before
    fi
fi

# The arguments as the words a shell would make of them (quotes honoured, nothing expanded).
python3 -c 'import shlex, sys; sys.stdout.write("".join(a + "\0" for a in shlex.split(sys.argv[1])))' \
    "${COLDSTART_ACTION_ARGS:-}" >"$work/args" 2>/dev/null ||
    fail "cannot split the args input into words (an unbalanced quote?): ${COLDSTART_ACTION_ARGS:-}"
mapfile -d '' args <"$work/args"
if [ -n "${COLDSTART_ACTION_THRESHOLD:-}" ]; then
    args+=(--threshold "$COLDSTART_ACTION_THRESHOLD")
fi

report="$work/report.md"
stamp="$work/stamp"
touch "$stamp"
echo "coldstart branches $base HEAD ${args[*]}"
set +e
coldstart branches "$base" HEAD "${args[@]}" --output-dir "$results" --format markdown --output "$report"
code=$?
set -e
comparison=$(find "$results" -maxdepth 1 -name '*_comparison.json' -newer "$stamp" 2>/dev/null | sort | tail -n 1 || true)

# The verdict for the outputs and for on-change: failed gates, else any target not unchanged.
verdict=error
changed=false
if [ -n "$comparison" ]; then
    read -r verdict changed < <(python3 - "$comparison" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
order = ["regression", "inconclusive", "improvement", "unchanged"]
verdicts = [t["import"]["verdict"] for t in doc["targets"]] or ["unchanged"]
worst = min(verdicts, key=lambda v: order.index(v) if v in order else 0)
moved = any(t["modules"]["added"] or t["modules"]["removed"] for t in doc["targets"])
changed = bool(doc["failures"]) or worst != "unchanged" or moved
print(worst, "true" if changed else "false")
PY
) || true
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
    {
        echo "exit-code=$code"
        echo "verdict=$verdict"
        echo "comparison=$comparison"
    } >>"$GITHUB_OUTPUT"
fi

# The sticky comment: one per workflow, found again by its hidden marker.
pr=$(event pull_request.number)
if [ "$comment_mode" != never ] && [ -n "$pr" ] && [ -f "$report" ] && [ "$code" -le 1 ]; then
    marker="<!-- coldstart-action: ${GITHUB_WORKFLOW:-coldstart} -->"
    pages="$work/comments.json"
    gh api --paginate "repos/$GITHUB_REPOSITORY/issues/$pr/comments" >"$pages" ||
        fail "cannot list the pull request's comments (does the job have pull-requests: write?)"
    existing=$(python3 - "$pages" "$marker" <<'PY'
import json, sys
text, marker = open(sys.argv[1]).read(), sys.argv[2]
decoder, pos, ids = json.JSONDecoder(), 0, []
while pos < len(text):  # --paginate prints one JSON array per page
    if text[pos].isspace():
        pos += 1
        continue
    page, pos = decoder.raw_decode(text, pos)
    ids += [c["id"] for c in page if marker in (c.get("body") or "")]
print(ids[0] if ids else "")
PY
)
    if [ "$comment_mode" = always ] || [ "$changed" = true ] || [ -n "$existing" ]; then
        python3 - "$report" "$marker" >"$work/body.json" <<'PY'
import json, sys
report, marker = open(sys.argv[1]).read(), sys.argv[2]
print(json.dumps({"body": marker + "\n" + report}))
PY
        if [ -n "$existing" ]; then
            gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$existing" --input "$work/body.json" >/dev/null ||
                fail "cannot update comment $existing"
            echo "updated the pull request comment $existing"
        else
            gh api --method POST "repos/$GITHUB_REPOSITORY/issues/$pr/comments" --input "$work/body.json" >/dev/null ||
                fail "cannot comment on pull request #$pr"
            echo "commented on pull request #$pr"
        fi
    fi
fi
exit "$code"
