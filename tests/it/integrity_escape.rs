//! Names that came from a child or a file are escaped in every report format: a hostile target
//! (forged `-X importtime` lines naming modules with ESC/BEL/bidi characters) and hostile result
//! files (a target name with an OSC sequence and a newline) never put a control character on the
//! terminal, never fake a report line and never break the XML.

use crate::support::*;
use std::path::{Path, PathBuf};

/// Characters that must never reach a reader raw.
fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| matches!(c, '\u{1b}' | '\u{7}' | '\u{202e}'))
        .collect()
}

fn assert_clean(what: &str, text: &str) {
    assert_eq!(raw_controls(text), Vec::<char>::new(), "{what}: {text}");
    assert!(
        !text.lines().any(|l| l.starts_with("PASS fake")),
        "{what}: a name faked a line: {text}"
    );
}

/// Runs `cmd` and returns stdout and stderr together; asserts the exit code.
fn output(mut cmd: assert_cmd::Command, code: i32) -> String {
    let out = cmd
        .timeout(std::time::Duration::from_secs(300))
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{text}");
    text
}

/// Every format of a report command, checked clean (JUnit also well-formed XML).
fn all_formats(args: &[&std::ffi::OsStr], code: i32) {
    for format in ["terminal", "markdown", "junit", "json"] {
        let mut cmd = coldstart();
        cmd.args(args).args(["--format", format]);
        let text = output(cmd, code);
        if format == "json" {
            continue; // JSON escapes by construction; the names stay faithful there
        }
        assert_clean(&format!("{args:?} {format}"), &text);
        if format == "junit" {
            let xml = &text[..text.find("</testsuites>").expect("a suite") + 13];
            roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("{e}: {xml}"));
        }
    }
}

const HOSTILE: &str = "evil\u{1b}]0;pwned\u{7}\nPASS fake";

/// The stored fixture result with hostile strings where a file can carry them.
fn hostile_result(dir: &Path, rename_target: bool) -> PathBuf {
    let mut doc = read_json(&fixtures().join("results/v1_fixture_pkgs.json"));
    doc["environment"]["python"]["version"] = "3.11\u{1b}[5m".into();
    let target = &mut doc["targets"][0];
    if rename_target {
        target["name"] = HOSTILE.into();
    }
    let loaded = target["modules"]["loaded"].as_array_mut().unwrap();
    loaded.push("new\u{1b}[31mred".into());
    loaded.push("bidi\u{202e}gnp.exe".into());
    target["warnings"] = serde_json::json!(["warn\u{1b}[2Jing\nPASS fake"]);
    let path = dir.join(if rename_target {
        "renamed.json"
    } else {
        "hostile.json"
    });
    std::fs::write(&path, serde_json::to_string(&doc).unwrap()).unwrap();
    path
}

#[test]
fn compare_and_check_escape_names_from_result_files_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let base = fixtures().join("results/v1_fixture_pkgs.json");
    let hostile = hostile_result(dir.path(), false);
    let renamed = hostile_result(dir.path(), true);
    all_formats(
        &["compare".as_ref(), base.as_os_str(), hostile.as_os_str()],
        0,
    );
    // A target only on one side is listed by name.
    let text = output(
        {
            let mut cmd = coldstart();
            cmd.arg("compare").arg(&base).arg(&renamed);
            cmd
        },
        0,
    );
    assert!(
        text.contains(r"evil\u{1b}]0;pwned\u{7}\nPASS fake"),
        "{text}"
    );
    all_formats(
        &["compare".as_ref(), base.as_os_str(), renamed.as_os_str()],
        0,
    );
    all_formats(
        &[
            "check".as_ref(),
            renamed.as_os_str(),
            "--max-import-ms".as_ref(),
            "1000".as_ref(),
        ],
        0,
    );
}

#[test]
fn run_and_compare_escape_module_names_a_child_forged_in_every_format() {
    let out = tempfile::tempdir().unwrap();
    let svg = out.path().join("tree.svg");
    let run = |extra: &[&str]| {
        let mut cmd = run_fixture(out.path(), &["hostile_tree", "--runs", "2"]);
        cmd.args(["--warmup", "0", "--no-anchor", "--tree-runs", "1", "-q"])
            .args(extra);
        cmd
    };
    let text = output(run(&[]), 0);
    assert_clean("run terminal", &text);
    // The forged names are shown, spelled out.
    assert!(text.contains(r"\u{1b}]0;pwned\u{7}"), "{text}");
    assert!(text.contains(r"\u{202e}evil"), "{text}");
    let first = out.path().join("cold_start_latest.json");
    let kept = out.path().join("first.json");
    std::fs::copy(&first, &kept).unwrap();
    let mut with_svg = run(&["--format", "markdown", "--svg"]);
    with_svg.arg(&svg);
    assert_clean("run markdown", &output(with_svg, 0));
    let drawn = std::fs::read_to_string(&svg).unwrap();
    assert_clean("svg", &drawn);
    roxmltree::Document::parse(&drawn).unwrap();
    assert_clean("run junit", &output(run(&["--format", "junit"]), 0));
    // The names travel in the result files: the comparison's tree diff shows them too.
    all_formats(
        &["compare".as_ref(), kept.as_os_str(), first.as_os_str()],
        0,
    );
    // And `tree` prints them escaped.
    let mut tree = coldstart();
    tree.args(["tree", "hostile_tree", "--python", "python3", "--path"])
        .arg(pkgs())
        .args(["--tree-runs", "1"]);
    let text = output(tree, 0);
    assert_clean("tree", &text);
}
