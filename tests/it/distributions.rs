//! Which versions changed (issue 13): real venvs whose site-packages hold fixture distributions
//! (minimal `*.dist-info` directories with a METADATA file, no network), listed once per side
//! through importlib.metadata, stored in the result files and compared by `ab` and `compare`.
use crate::support::*;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// The site-packages directory of the venv whose interpreter is `python`.
fn site_packages(python: &Path) -> PathBuf {
    let lib = python.parent().unwrap().parent().unwrap().join("lib");
    std::fs::read_dir(&lib)
        .unwrap()
        .flatten()
        .map(|e| e.path().join("site-packages"))
        .find(|p| p.is_dir())
        .expect("venv has site-packages")
}

/// A minimal installed distribution in `dir`: `<dir_name>.dist-info/METADATA` with `metadata`.
fn distribution(dir: &Path, dir_name: &str, metadata: &str) {
    let info = dir.join(format!("{dir_name}.dist-info"));
    std::fs::create_dir_all(&info).unwrap();
    std::fs::write(info.join("METADATA"), metadata).unwrap();
}

fn meta(name: &str, version: &str) -> String {
    // A header block, then a body that must not be read as headers.
    format!(
        "Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: fixture\n\nName: not-this\nVersion: 0\n"
    )
}

/// Baseline: rich 12.0.0, commonmark 0.9.1, Pygments 2.17.2. Candidate: rich 15.0.0,
/// markdown-it-py 3.0.0 (directory spelled `markdown_it_py`), pygments 2.17.2 (the same
/// distribution, named in lower case), and one directory without metadata.
fn venvs(root: &Path) -> (PathBuf, PathBuf) {
    let a = venv_with(root, "a", &ab_fixture("base"));
    let b = venv_with(root, "b", &ab_fixture("base"));
    let (sa, sb) = (site_packages(&a), site_packages(&b));
    distribution(&sa, "rich-12.0.0", &meta("rich", "12.0.0"));
    distribution(&sa, "commonmark-0.9.1", &meta("commonmark", "0.9.1"));
    distribution(&sa, "Pygments-2.17.2", &meta("Pygments", "2.17.2"));
    distribution(&sb, "rich-15.0.0", &meta("rich", "15.0.0"));
    distribution(
        &sb,
        "markdown_it_py-3.0.0",
        &meta("markdown-it-py", "3.0.0"),
    );
    distribution(&sb, "pygments-2.17.2", &meta("pygments", "2.17.2"));
    std::fs::create_dir_all(sb.join("broken-1.0.dist-info")).unwrap();
    (a, b)
}

fn names(result: &Value) -> Vec<(String, String)> {
    result["environment"]["distributions"]
        .as_array()
        .expect("distributions recorded")
        .iter()
        .map(|d| {
            (
                d["name"].as_str().unwrap().to_owned(),
                d["version"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pair(name: &str, version: &str) -> (String, String) {
    (name.to_owned(), version.to_owned())
}

const EXPECTED: [&str; 3] = [
    "rich 12.0.0 → 15.0.0",
    "+ markdown-it-py 3.0.0",
    "- commonmark 0.9.1",
];

fn expected_changes() -> Value {
    json!({
        "unchanged": 1,
        "changes": [
            {"name": "rich", "baseline": "12.0.0", "candidate": "15.0.0"},
            {"name": "markdown-it-py", "baseline": null, "candidate": "3.0.0"},
            {"name": "commonmark", "baseline": "0.9.1", "candidate": null},
        ]
    })
}

#[test]
fn ab_names_the_versions_that_changed_and_stores_each_sides_distributions() {
    let root = tempfile::tempdir().unwrap();
    let (a, b) = venvs(root.path());
    let out = root.path().join("out");
    let mut cmd = coldstart();
    cmd.args([
        "ab",
        "abpkg",
        "--no-anchor",
        "--warmup",
        "1",
        "--pairs",
        "8",
    ])
    .arg("--baseline")
    .arg(&a)
    .arg("--candidate")
    .arg(&b)
    .arg("--output-dir")
    .arg(&out)
    .args(["--color", "never"]);
    let output = cmd.output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    // The same code on both sides: the verdict is not the point here, the exit code is 0 or 1.
    assert!(matches!(output.status.code(), Some(0 | 1)), "{stdout}");
    assert!(
        stdout.contains("installed distributions: 3 changed, 1 unchanged"),
        "{stdout}"
    );
    for line in EXPECTED {
        assert!(
            stdout.contains(&format!("    {line}\n")),
            "{line}: {stdout}"
        );
    }
    let files = files_in(&out);
    let read = |suffix: &str| {
        let name = files.iter().find(|n| n.ends_with(suffix)).expect(suffix);
        read_json(&out.join(name))
    };
    let c = read("_comparison.json");
    assert_eq!(c["distributions"], expected_changes());
    let (base, cand) = (read("_baseline.json"), read("_candidate.json"));
    assert_eq!(base["format_version"], 2);
    let base_names = names(&base);
    for d in [
        pair("rich", "12.0.0"),
        pair("commonmark", "0.9.1"),
        pair("Pygments", "2.17.2"),
    ] {
        assert!(base_names.contains(&d), "{d:?} in {base_names:?}");
    }
    let cand_names = names(&cand);
    assert!(cand_names.contains(&pair("markdown-it-py", "3.0.0")));
    assert!(
        !cand_names
            .iter()
            .any(|(n, _)| n == "not-this" || n == "broken")
    );
    let warnings = cand["warnings"].to_string();
    assert!(
        warnings.contains("1 installed distribution is not listed"),
        "{warnings}"
    );
}

#[test]
fn compare_shows_the_changes_in_every_format_and_lists_path_directories() {
    let root = tempfile::tempdir().unwrap();
    let (a, b) = venvs(root.path());
    // A --path directory is on the target's search path, so its distributions count too; a name
    // with an escape sequence in it reaches no terminal as one.
    let extra = root.path().join("extra");
    distribution(&extra, "pathdep-1.0", &meta("pathdep", "1.0"));
    distribution(&extra, "evil-6.6.6", &meta("evil\u{1b}[31m", "6.6.6"));
    for (python, name, path) in [(&a, "a", None), (&b, "b", Some(&extra))] {
        let mut cmd = coldstart();
        cmd.args(["run", "abpkg", "--runs", "2", "--warmup", "1", "--quiet"])
            .args(["--no-anchor", "--tree-runs", "0", "--python"])
            .arg(python)
            .arg("--output-dir")
            .arg(root.path().join(name));
        if let Some(p) = path {
            cmd.arg("--path").arg(p);
        }
        cmd.assert().success();
    }
    let base = root.path().join("a/cold_start_latest.json");
    let cand = root.path().join("b/cold_start_latest.json");
    let report = |format: &str| {
        let mut cmd = coldstart();
        cmd.arg("compare")
            .arg(&base)
            .arg(&cand)
            .args(["--color", "never", "--format", format]);
        let out = cmd.output().unwrap();
        assert!(matches!(out.status.code(), Some(0 | 1)));
        String::from_utf8(out.stdout).unwrap()
    };
    let terminal = report("terminal");
    for line in EXPECTED
        .iter()
        .copied()
        .chain(["+ pathdep 1.0", "+ evil\\u{1b}[31m 6.6.6"])
    {
        assert!(terminal.contains(line), "{line}: {terminal}");
    }
    assert!(!terminal.contains('\u{1b}'), "{terminal}");
    let markdown = report("markdown");
    for line in [
        "**Installed distributions:** 5 changed, 1 unchanged",
        "- `rich` 12.0.0 → 15.0.0",
        "- **+** `markdown-it-py` 3.0.0",
        "- **-** `commonmark` 0.9.1",
    ] {
        assert!(markdown.contains(line), "{line}: {markdown}");
    }
    let json: Value = serde_json::from_str(&report("json")).unwrap();
    let changes = json["distributions"]["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 5, "{changes:?}");
    assert!(changes.contains(&json!({"name": "pathdep", "baseline": null, "candidate": "1.0"})));
    let junit = report("junit");
    let doc = roxmltree::Document::parse(&junit).expect("valid XML");
    let suite_out = doc
        .descendants()
        .find(|n| n.has_tag_name("system-out") && n.parent().unwrap().has_tag_name("testsuite"))
        .and_then(|n| n.text())
        .expect("the suite's own output");
    for line in EXPECTED {
        assert!(suite_out.contains(line), "{line}: {suite_out}");
    }
    // A version 1 file recorded no distributions: nothing is claimed about them.
    let mut v1 = read_json(&base);
    v1["format_version"] = 1.into();
    v1["environment"]
        .as_object_mut()
        .unwrap()
        .remove("distributions");
    let v1_path = root.path().join("v1.json");
    std::fs::write(&v1_path, serde_json::to_string(&v1).unwrap()).unwrap();
    let out = coldstart()
        .arg("compare")
        .arg(&v1_path)
        .arg(&cand)
        .args(["--color", "never"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("installed distributions"), "{text}");
}
