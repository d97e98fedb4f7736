//! The child-side experiment run by a real `python3` over the fixture packages of
//! `tests/fixtures/lazy`, with a small driver in place of the child script.
use super::CHILD_EXPERIMENT;
use super::records::{DeferStatus, Experiment};
use std::process::Command;

/// Runs the experiment the way the child script does: setup, the statement, after().
const DRIVER: &str = r#"
import sys
ns = {"__name__": "__coldstart_lazy__"}
exec(compile(sys.argv[1], "<coldstart-lazy>", "exec"), ns)
mode, names, stmt, workload = sys.argv[2], [n for n in sys.argv[3].split(",") if n], sys.argv[4], sys.argv[5]
ns["setup"](mode, names, workload)
g = {"__name__": "__coldstart__"}
exc = None
try:
    exec(compile(stmt, "<coldstart>", "exec"), g)
except BaseException as e:
    exc = e
import json
print(json.dumps(ns["after"](g, exc)))
"#;

fn experiment(mode: &str, names: &str, stmt: &str, workload: &str) -> Experiment {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lazy");
    let out = Command::new("python3")
        .args(["-c", DRIVER, CHILD_EXPERIMENT, mode, names, stmt, workload])
        .env("PYTHONPATH", fixtures)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .current_dir(std::env::temp_dir())
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let values: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("JSON");
    Experiment::from_values(&values).expect("our records")
}

#[test]
fn untouched_touched_at_import_and_used_by_the_workload() {
    let e = experiment(
        "defer",
        "heavy_unused,heavy_attr,heavy_late",
        "import pkg",
        "pkg.main()",
    );
    let unused = e.deferred("heavy_unused").unwrap();
    assert_eq!(unused.status, DeferStatus::Deferred);
    assert!(unused.touched.is_none() && unused.lazy_after_import);
    assert_eq!(unused.lazy_after_workload, Some(true));
    assert_eq!(unused.imported_at.as_ref().unwrap().line, 2);
    let attr = e.deferred("heavy_attr").unwrap().touched.clone().unwrap();
    assert_eq!((attr.place.module.as_str(), attr.place.line), ("pkg", 7));
    assert_eq!(
        (attr.phase.as_str(), attr.attr.as_str()),
        ("import", "VALUE")
    );
    let late = e.deferred("heavy_late").unwrap();
    assert!(late.lazy_after_import);
    let touch = late.touched.as_ref().unwrap();
    assert_eq!((touch.phase.as_str(), touch.place.line), ("workload", 12));
    assert!(e.failure.is_none() && e.workload_failure.is_none());
}

#[test]
fn a_failure_from_deferral_and_from_imports_are_recorded() {
    let e = experiment("defer", "registering", "import sidefx", "");
    let f = e.failure.unwrap();
    assert!(f.error.starts_with("RuntimeError: plugin"), "{}", f.error);
    assert_eq!(f.at.unwrap().module, "sidefx");
    let e = experiment("defer", "heavy_from", "import fromimp", "");
    let t = e.deferred("heavy_from").unwrap().touched.clone().unwrap();
    assert_eq!((t.place.module.as_str(), t.place.line), ("fromimp", 2));
}

#[test]
fn modules_that_cannot_be_deferred_are_left_eager() {
    let e = experiment(
        "defer",
        "_csv,__future__,nothere",
        "import _csv, __future__",
        "",
    );
    let status = |n: &str| e.deferred(n).unwrap().status;
    assert_eq!(status("nothere"), DeferStatus::NotImported);
    assert_eq!(status("__future__"), DeferStatus::NotDeferrable);
    // _csv is built in or an extension module, depending on the build.
    let csv = e.deferred("_csv").unwrap();
    assert_eq!(csv.status, DeferStatus::NotDeferrable, "{csv:?}");
}

#[test]
fn the_survey_lists_loaders_and_import_statements() {
    let e = experiment("survey", "", "import pkg, fromimp", "");
    let loader = |n: &str| {
        e.loaders
            .iter()
            .find(|(m, _)| m == n)
            .map(|(_, k)| k.as_str())
    };
    assert_eq!(loader("heavy_attr"), Some("source"));
    assert!(
        e.imports
            .iter()
            .any(|s| s.importer == "pkg" && s.module == "heavy_late" && s.line == 4)
    );
    let from = e.imports.iter().find(|s| s.module == "heavy_from").unwrap();
    assert_eq!(from.names.as_deref(), Some(&["THING".to_owned()][..]));
    assert!(e.imports.iter().all(|s| !s.file.starts_with("<frozen")));
}

/// The PEP 810 variant as far as it can be tested without a 3.15 interpreter: the filter keeps
/// exactly the candidates lazy, and before 3.15 setting it up fails (no `set_lazy_imports_filter`).
#[test]
fn the_pep810_filter_selects_the_candidates() {
    let driver = r#"
import sys
ns = {}
exec(compile(sys.argv[1], "<coldstart-lazy>", "exec"), ns)
f = ns["pep810_filter"](["heavy", "pkg.sub"])
print(f("pkg", "heavy", None), f("pkg", "pkg", ("sub",)), f("pkg", "json", None), f("m", "pkg", ("x",)))
try:
    ns["setup"]("pep810", ["heavy"], "")
    print("set up")
except AttributeError:
    print("no PEP 810" if sys.version_info < (3, 15) else "missing API")
"#;
    let out = Command::new("python3")
        .args(["-c", driver, CHILD_EXPERIMENT])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("True True False False"));
    assert!(
        matches!(lines.next(), Some("no PEP 810" | "set up")),
        "{text}"
    );
}
