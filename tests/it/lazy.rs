//! `coldstart lazy` against the fixture packages of tests/fixtures/lazy (real python3, real
//! children): savings, defeat at import, use by the workload, failures, bad input, and the JSON
//! document checked against docs/results-format.md.
use crate::support::{coldstart, fixtures};
use serde_json::Value;
use std::collections::BTreeSet;

/// `coldstart lazy` over the fixtures with few pairs (the savings are tens of ms).
fn lazy(args: &[&str]) -> assert_cmd::Command {
    let mut cmd = coldstart();
    cmd.arg("lazy")
        .args(args)
        .arg("--path")
        .arg(fixtures().join("lazy"))
        .args([
            "--python",
            "python3",
            "--pairs",
            "10",
            "--max-pairs",
            "20",
            "--tree-runs",
            "3",
        ])
        .args(["--quiet", "--color", "never"]);
    cmd
}

fn json_of(out: &std::process::Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON document on stdout")
}

fn candidate<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["targets"][0]["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no candidate {name} in {doc:#}"))
}

/// Field names of the first table after the text `intro` in the lazy-import section of
/// docs/results-format.md: the backticked first cell of each row (`a`, `b` rows give both names).
fn documented(intro: &str) -> BTreeSet<String> {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/results-format.md"
    ))
    .unwrap();
    let section = &doc[doc.find("# Lazy-import report").expect("documented")..];
    let table = &section[section.find(intro).unwrap_or_else(|| panic!("{intro}"))..];
    table
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .filter_map(|l| l.split('|').nth(1))
        .flat_map(|cell| {
            cell.split('`')
                .skip(1)
                .step_by(2)
                .map(|name| name.trim_end_matches("[]").to_owned())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

#[test]
fn the_fixture_package_saves_is_defeated_and_is_used_by_the_workload() {
    let out = lazy(&["pkg", "--workload", "pkg.main()", "--format", "json"])
        .output()
        .unwrap();
    let doc = json_of(&out);

    let unused = candidate(&doc, "heavy_unused");
    assert_eq!(unused["status"], "saves", "{unused:#}");
    assert!(
        unused["saving_ms"]["estimate"].as_f64().unwrap() >= 30.0,
        "{unused:#}"
    );
    assert!(
        unused["saving_ms"]["low"].as_f64().unwrap() > 0.0,
        "{unused:#}"
    );
    assert!(
        unused["modules_avoided"]
            .as_array()
            .unwrap()
            .contains(&"heavy_unused".into())
    );
    let site = &unused["importers"][0];
    assert_eq!(
        (site["module"].as_str(), site["line"].as_u64()),
        (Some("pkg"), Some(2))
    );
    assert_eq!(
        site["statement"],
        "import heavy_unused  # noqa: F401  (never used: deferring it saves its 40 ms)"
    );

    let attr = candidate(&doc, "heavy_attr");
    assert_eq!(attr["status"], "defeated-at-import", "{attr:#}");
    assert_eq!(attr["touched_at_import"]["module"], "pkg");
    assert_eq!(attr["touched_at_import"]["line"], 7);
    assert_eq!(
        attr["summary"],
        "defeated at import by pkg line 7 (reads heavy_attr.VALUE)"
    );

    let late = candidate(&doc, "heavy_late");
    assert_eq!(late["status"], "used-by-workload", "{late:#}");
    assert!(late["saving_ms"]["low"].as_f64().unwrap() > 0.0, "{late:#}");
    assert_eq!(late["used_by_workload"]["line"], 12);
    assert_eq!(late["touched_at_import"], Value::Null);

    // Ranked by saving; the combination leaves the defeated candidate out.
    let names: Vec<&str> = doc["targets"][0]["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names[0], "heavy_unused", "{names:?}");
    let combo = &doc["targets"][0]["combination"];
    let combo_names: BTreeSet<&str> = combo["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert_eq!(
        combo_names,
        BTreeSet::from(["heavy_late", "heavy_unused"]),
        "{combo:#}"
    );
    assert!(
        combo["saving_ms"]["estimate"].as_f64().unwrap() >= 45.0,
        "{combo:#}"
    );

    // Every field documented, nothing undocumented.
    assert_eq!(keys(&doc), documented("prints one document"), "top level");
    assert_eq!(
        keys(&doc["targets"][0]),
        documented("Each `targets[]` entry:"),
        "targets[]"
    );
    assert_eq!(
        keys(unused),
        documented("Each `candidates[]` entry:"),
        "candidates[]"
    );
    let combo_doc: BTreeSet<String> = [
        "names",
        "status",
        "summary",
        "saving_ms",
        "saving_pct",
        "gate",
        "modules_avoided",
        "failure",
        "sum_of_savings_ms",
    ]
    .map(str::to_owned)
    .into();
    assert_eq!(keys(combo), combo_doc, "combination");
    assert_eq!(doc["format_version"], 1);
    assert_eq!(doc["kind"], "coldstart-lazy");
}

#[test]
fn a_target_that_fails_with_the_candidate_deferred_is_a_finding() {
    let out = lazy(&["sidefx", "--defer", "registering", "--format", "json"])
        .output()
        .unwrap();
    let doc = json_of(&out);
    let c = candidate(&doc, "registering");
    assert_eq!(c["status"], "fails-when-deferred", "{c:#}");
    assert!(
        c["failure"]["error"]
            .as_str()
            .unwrap()
            .starts_with("RuntimeError: plugin"),
        "{c:#}"
    );
    assert_eq!(c["failure"]["at"]["module"], "sidefx");
    assert_eq!(c["saving_ms"], Value::Null);
}

#[test]
fn bad_candidates_are_errors_naming_the_reason() {
    let out = lazy(&["pkg", "--defer", "nothere"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nothere") && err.contains("not imported by"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");

    let out = lazy(&["csv", "--defer", "_csv"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("_csv") && err.contains("cannot be deferred"),
        "{err}"
    );

    let out = lazy(&["pkg", "--workload", "pkg.nothere()"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--workload fails without any deferral: AttributeError"),
        "{err}"
    );

    let out = lazy(&["pkg", "--defer", "pkg"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is the target"));
}

#[test]
fn the_terminal_report_names_the_change_to_make() {
    let out = lazy(&["fromimp"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("heavy_from"), "{text}");
    assert!(
        text.contains(
            "defeated at import by fromimp line 2 (imports from it or a submodule of it)"
        ),
        "{text}"
    );
    assert!(text.contains("lazy from heavy_from import"), "{text}");
}
