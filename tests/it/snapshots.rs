//! Snapshots (insta, files in `tests/it/snapshots/`) of every format of every report, driven through
//! the real binary: comparisons and budget checks of the stored result fixture (deterministic but
//! for `created_at` and temporary paths), and `coldstart run` of the empty fixture package with
//! every measured or machine-dependent value redacted so that only the layout remains.
//!
//! Regenerate with `INSTA_UPDATE=always cargo test --test it snapshots::`, then read the diffs.
use crate::support::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The stored result file, relative to the crate root (commands below run there, so the path
/// printed in reports is stable).
const FIXTURE: &str = "tests/fixtures/results/v1_fixture_pkgs.json";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture_json() -> Value {
    read_json(&root().join(FIXTURE))
}

fn write(dir: &Path, name: &str, v: &Value) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_string_pretty(v).unwrap()).unwrap();
    p
}

/// `coldstart` started in the crate root.
fn at_root(args: &[&str]) -> assert_cmd::Command {
    let mut cmd = coldstart();
    cmd.current_dir(root()).args(args);
    cmd
}

/// Stdout of a command that must exit with `code`.
fn stdout(mut cmd: assert_cmd::Command, code: i32) -> String {
    let out = cmd.assert().code(code);
    String::from_utf8(out.get_output().stdout.clone()).expect("UTF-8 report")
}

/// Multiplies every time of `target` (not the anchor: a change of the code, not of the machine).
fn scale_target(v: &mut Value, target: usize, factor: f64) {
    for s in v["targets"][target]["samples"].as_array_mut().unwrap() {
        for k in ["import_ms", "import_cpu_ms", "wall_ms", "cpu_ms"] {
            s[k] = (s[k].as_f64().unwrap() * factor).into();
        }
    }
}

/// The fixture with every target 30 % slower and the anchor unchanged: two regressions.
fn slower() -> Value {
    let mut v = fixture_json();
    for t in 0..3 {
        scale_target(&mut v, t, 1.3);
    }
    v
}

/// An import tree in `modules` order (pre-order): `(name, parent, self_ms, cumulative_ms)`.
fn tree<'a>(startup_modules: usize, modules: &[(&'a str, Option<&'a str>, f64, f64)]) -> Value {
    let depth = |mut parent: Option<&'a str>| {
        let mut d = 0;
        while let Some(p) = parent {
            d += 1;
            parent = modules.iter().find(|m| m.0 == p).and_then(|m| m.1);
        }
        d
    };
    json!({
        "runs": 5,
        "unreliable_runs": 0,
        "startup_ms": 12.5,
        "startup_modules": startup_modules,
        "modules": modules
            .iter()
            .map(|(name, parent, self_ms, cumulative_ms)| json!({
                "name": name,
                "parent": parent,
                "depth": depth(*parent),
                "self_ms": self_ms,
                "cumulative_ms": cumulative_ms,
                "runs": 5,
            }))
            .collect::<Vec<_>>(),
    })
}

fn loaded(v: &Value, target: usize) -> BTreeSet<String> {
    v["targets"][target]["modules"]["loaded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap().to_owned())
        .collect()
}

fn set_loaded(v: &mut Value, target: usize, names: &BTreeSet<String>) {
    let m = &mut v["targets"][target]["modules"];
    m["total"] = names.len().into();
    m["loaded"] = names.iter().cloned().collect::<Vec<_>>().into();
}

/// Baseline and candidate for a comparison in which everything changes at once:
/// * `sleepy50` now imports `eagerpkg` (and so the forbidden `eagerpkg.heavy`): 60 % slower, 29
///   more modules, a new subtree in its import tree;
/// * `eagerpkg` made its heavy submodule lazy: 60 % faster, the `eagerpkg.heavy` subtree gone;
/// * `emptypkg` unchanged, without import trees;
/// * `newpkg` is measured by the candidate only, which also runs a newer Python;
/// * the candidate's environment has rich 15.0.0 (was 12.0.0), markdown-it-py and mdurl (new),
///   typing_extensions 4.12.2 (was 4.9.0) and no commonmark; Pygments is the same on both sides.
fn with_changes() -> (Value, Value) {
    let mut base = fixture_json();
    let mut cand = fixture_json();
    let (empty, eager) = (loaded(&base, 1), loaded(&base, 2));
    let from_eagerpkg: BTreeSet<String> = eager.difference(&empty).cloned().collect();
    let from_heavy: BTreeSet<String> = from_eagerpkg
        .iter()
        .filter(|m| *m != "eagerpkg")
        .cloned()
        .collect();

    base["targets"][0]["import_tree"] = tree(102, &[("sleepy50", None, 50.4, 50.4)]);
    base["targets"][2]["import_tree"] = tree(
        102,
        &[
            ("eagerpkg", None, 10.3, 29.6),
            ("eagerpkg.heavy", Some("eagerpkg"), 0.4, 19.3),
            ("email.message", Some("eagerpkg.heavy"), 6.2, 18.9),
            ("email.utils", Some("email.message"), 1.1, 12.7),
        ],
    );

    scale_target(&mut cand, 0, 1.6);
    set_loaded(
        &mut cand,
        0,
        &loaded(&base, 0).union(&from_eagerpkg).cloned().collect(),
    );
    cand["targets"][0]["forbidden"]["eagerpkg.heavy"] = true.into();
    cand["targets"][0]["import_tree"] = tree(
        102,
        &[
            ("sleepy50", None, 50.4, 80.1),
            ("eagerpkg", Some("sleepy50"), 10.3, 29.7),
            ("eagerpkg.heavy", Some("eagerpkg"), 0.4, 19.4),
            ("email.message", Some("eagerpkg.heavy"), 6.2, 19.0),
            ("email.utils", Some("email.message"), 1.1, 12.8),
        ],
    );

    scale_target(&mut cand, 2, 0.4);
    set_loaded(
        &mut cand,
        2,
        &eager.difference(&from_heavy).cloned().collect(),
    );
    cand["targets"][2]["modules"]["by_package"]["eagerpkg"] = 1.into();
    cand["targets"][2]["forbidden"]["eagerpkg.heavy"] = false.into();
    cand["targets"][2]["import_tree"] = tree(102, &[("eagerpkg", None, 10.4, 10.4)]);

    let mut newpkg = cand["targets"][1].clone();
    newpkg["name"] = "newpkg".into();
    newpkg["statement"] = "import newpkg".into();
    newpkg["packages"] = json!(["newpkg"]);
    newpkg["modules"]["by_package"] = json!({"newpkg": 1});
    cand["targets"].as_array_mut().unwrap().push(newpkg);
    cand["label"] = "lazy-heavy".into();
    cand["environment"]["python"]["version"] = "3.12.1".into();
    let dists = |list: &[(&str, &str)]| -> Value {
        list.iter()
            .map(|(name, version)| json!({"name": name, "version": version}))
            .collect()
    };
    base["format_version"] = 2.into();
    cand["format_version"] = 2.into();
    base["environment"]["distributions"] = dists(&[
        ("commonmark", "0.9.1"),
        ("Pygments", "2.17.2"),
        ("rich", "12.0.0"),
        ("typing_extensions", "4.9.0"),
    ]);
    cand["environment"]["distributions"] = dists(&[
        ("markdown-it-py", "3.0.0"),
        ("mdurl", "0.1.2"),
        ("pygments", "2.17.2"),
        ("rich", "15.0.0"),
        ("typing_extensions", "4.12.2"),
    ]);
    (base, cand)
}

/// Prepares a JSON comparison for its snapshot: the comparison's own `created_at` (the first
/// one; the sides' come from the files) is the time it ran, and computed ratios are rounded to 9
/// decimals so that last-digit differences between platforms' `ln`/`exp` do not matter. The text
/// is otherwise kept as printed, key order included.
fn redact_comparison_json(json_text: &str) -> String {
    let v: Value = serde_json::from_str(json_text).expect("valid JSON");
    let stamp = v["created_at"].as_str().expect("created_at");
    let text = json_text.replacen(
        &format!("\"created_at\": \"{stamp}\""),
        "\"created_at\": \"[created_at]\"",
        1,
    );
    text.lines()
        .map(|line| match line.split_once(": ") {
            Some((key, value)) => {
                let (number, comma) = match value.strip_suffix(',') {
                    Some(n) => (n, ","),
                    None => (value, ""),
                };
                match number.parse::<f64>() {
                    Ok(x) if number.contains('.') => {
                        let rounded = format!("{x:.9}");
                        let rounded = rounded.trim_end_matches('0');
                        let rounded = if rounded.ends_with('.') {
                            format!("{rounded}0")
                        } else {
                            rounded.to_owned()
                        };
                        format!("{key}: {rounded}{comma}")
                    }
                    _ => line.to_owned(),
                }
            }
            None => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn compare_of_a_file_with_itself() {
    let args = ["compare", FIXTURE, FIXTURE, "--color", "never"];
    let terminal = stdout(at_root(&args), 0);
    insta::assert_snapshot!("compare_self_terminal", terminal);
    let markdown = stdout(at_root(&[&args[..], &["--format", "markdown"]].concat()), 0);
    insta::assert_snapshot!("compare_self_markdown", markdown);
}

#[test]
fn compare_with_a_regression_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let cand = write(dir.path(), "slower.json", &slower());
    let tmp = dir.path().display().to_string();
    for format in ["terminal", "markdown", "json", "junit"] {
        let mut cmd = at_root(&["compare", FIXTURE]);
        cmd.arg(&cand)
            .args(["--color", "never", "--format", format]);
        let mut text = stdout(cmd, 1).replace(&tmp, "[tmp]");
        if format == "json" {
            text = redact_comparison_json(&text);
        }
        insta::assert_snapshot!(format!("compare_regression_{format}"), text);
    }
}

#[test]
fn compare_with_module_tree_and_forbidden_changes_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let (base, cand) = with_changes();
    let base = write(dir.path(), "base.json", &base);
    let cand = write(dir.path(), "cand.json", &cand);
    let tmp = dir.path().display().to_string();
    for format in ["terminal", "markdown", "json", "junit"] {
        let mut cmd = at_root(&["compare"]);
        cmd.arg(&base)
            .arg(&cand)
            .args(["--color", "never", "--format", format]);
        let out = cmd.assert().code(1);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(stderr.contains("Python version differs"), "{stderr}");
        let mut text = String::from_utf8(out.get_output().stdout.clone())
            .unwrap()
            .replace(&tmp, "[tmp]");
        if format == "json" {
            text = redact_comparison_json(&text);
        }
        insta::assert_snapshot!(format!("compare_changes_{format}"), text);
    }
}

#[test]
fn check_in_every_format() {
    for format in ["terminal", "markdown", "json", "junit"] {
        let cmd = at_root(&[
            "check",
            FIXTURE,
            "--max-import-ms",
            "sleepy50=20",
            "--max-modules",
            "1000",
            "--forbid",
            "eagerpkg.heavy",
            "--color",
            "never",
            "--format",
            format,
        ]);
        insta::assert_snapshot!(format!("check_{format}"), stdout(cmd, 1));
    }
}

/// The JSON budget report holds numbers (unit in the field name), a `passed` per budget and
/// overall, the counts and its `format_version`; the terminal summary counts in words.
#[test]
fn check_json_holds_numbers_and_the_overall_result() {
    let args = [
        "check",
        FIXTURE,
        "--max-import-ms",
        "sleepy50=20",
        "--max-wall-ms",
        "10000",
        "--max-package-modules",
        "eagerpkg=1",
        "--max-peak-rss-mib",
        "emptypkg=1000",
        "--forbid",
        "eagerpkg.heavy",
        "--format",
        "json",
    ];
    let v: Value = serde_json::from_str(&stdout(at_root(&args), 1)).unwrap();
    assert_eq!(v["format_version"], 1);
    assert_eq!(v["passed"], false);
    let checks = v["checks"].as_array().unwrap();
    assert_eq!(v["budgets_checked"], checks.len());
    let failed = checks.iter().filter(|c| c["passed"] == false).count();
    assert_eq!(v["budgets_exceeded"], failed);
    for c in checks {
        assert!(c["passed"].is_boolean() && c.get("actual").is_none(), "{c}");
        match c["kind"].as_str().unwrap() {
            "import_ms" | "wall_ms" => {
                assert!(c["limit_ms"].is_f64() && c["actual_ms"].is_f64(), "{c}")
            }
            "peak_rss_mib" => assert!(c["limit_mib"].is_f64() && c["actual_mib"].is_f64(), "{c}"),
            "package_modules" => {
                assert_eq!(c["package"], "eagerpkg");
                assert!(
                    c["limit_modules"].is_u64() && c["actual_modules"].is_u64(),
                    "{c}"
                )
            }
            "forbidden" => {
                assert_eq!(c["module"], "eagerpkg.heavy");
                assert_eq!(c["loaded"], c["target"] == "eagerpkg", "{c}");
            }
            other => panic!("unexpected kind {other}: {c}"),
        }
    }
    let sleepy = &checks[0];
    assert_eq!(
        (&sleepy["kind"], &sleepy["limit_ms"]),
        (&json!("import_ms"), &json!(20.0))
    );
    assert!(sleepy["actual_ms"].as_f64().unwrap() > 50.0);
    // The terminal summary: one budget, singular; all held.
    let one = stdout(
        at_root(&["check", FIXTURE, "--max-import-ms", "sleepy50=20"]),
        1,
    );
    let pass = stdout(at_root(&["check", FIXTURE, "--max-import-ms", "1000"]), 0);
    insta::assert_snapshot!("check_summaries", format!("{one}{pass}"));
}

/// A `--stmt` target is titled by its statement once; the run header says what the anchor is.
#[test]
fn run_of_a_statement_with_an_anchor() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = coldstart();
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("PYTHON")) {
        cmd.env_remove(k);
    }
    cmd.current_dir(dir.path())
        .args(["run", "--stmt", "import emptypkg; emptypkg", "--path"])
        .arg(pkgs())
        .args([
            "--runs",
            "2",
            "--anchor",
            "pass",
            "--tree-runs",
            "0",
            "--quiet",
        ])
        .args(["--color", "never"]);
    let text = stdout(cmd, 0);
    let result = read_json(&dir.path().join("benchmark_results/cold_start_latest.json"));
    let redacted = redact_run_text(&text, &result);
    assert_eq!(
        redacted.matches("import emptypkg; emptypkg").count(),
        1,
        "{redacted}"
    );
    insta::assert_snapshot!("run_stmt_terminal", redacted);
}

/// `coldstart run emptypkg` (3 runs, one import-tree run) in `format`, from an empty directory
/// and without the caller's `PYTHON*` variables; returns stdout and the stored result.
fn run_emptypkg(format: &str) -> (String, Value) {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = coldstart();
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("PYTHON")) {
        cmd.env_remove(k);
    }
    cmd.current_dir(dir.path())
        .args(["run", "emptypkg", "--path"])
        .arg(pkgs())
        .args(["--runs", "3", "--no-anchor", "--tree-runs", "1", "--quiet"])
        .args(["--color", "never", "--format", format]);
    let text = stdout(cmd, 0);
    let result = read_json(&dir.path().join("benchmark_results/cold_start_latest.json"));
    (text, result)
}

/// Redacts a text report of `run`: the interpreter, module counts, import-tree top lists,
/// warnings (they depend on how busy the machine is) and every measured number.
fn redact_run_text(text: &str, result: &Value) -> String {
    let python = &result["environment"]["python"];
    let modules = &result["targets"][0]["modules"];
    let (total, startup) = (&modules["total"], &modules["startup"]);
    let text = text
        .replace(python["executable"].as_str().unwrap(), "[python]")
        .replace(
            &format!("Python {}", python["version"].as_str().unwrap()),
            "Python [version]",
        )
        .replace(&pkgs().display().to_string(), "[pkgs]")
        .replace(
            &format!("{total} loaded ({startup} at start-up)"),
            "[N] loaded ([N] at start-up)",
        )
        .replace(&format!("| {total} |"), "| [N] |")
        .replace(&format!(", {total} modules"), ", [N] modules");
    let mut lines: Vec<String> = Vec::new();
    let mut in_tree_table = false;
    for line in text.lines() {
        if line.trim_start().starts_with("warning:") || line.starts_with("> **Warning:**") {
            continue;
        }
        if let Some(label) = ["top self  ", "top cumul "]
            .iter()
            .find(|l| line.trim_start().starts_with(*l))
        {
            lines.push(format!("  {label}[modules]"));
            continue;
        }
        // Markdown: the rows of the "where the time goes" table become one placeholder row.
        if line == "| module | self | cumulative |" {
            in_tree_table = true;
        } else if in_tree_table && line.starts_with("| `") {
            if lines.last().is_none_or(|l| l != "| [modules] | | |") {
                lines.push("| [modules] | | |".into());
            }
            continue;
        } else if !line.starts_with("|---") {
            in_tree_table = false;
        }
        lines.push(line.to_owned());
    }
    let redacted: Vec<String> = lines
        .iter()
        .map(|l| {
            if l.starts_with("<?xml") {
                l.clone()
            } else {
                redact_numbers(l)
            }
        })
        .collect();
    redacted.join("\n").trim_end().to_owned() + "\n"
}

#[test]
fn run_terminal() {
    let (text, result) = run_emptypkg("terminal");
    insta::assert_snapshot!("run_terminal", redact_run_text(&text, &result));
}

#[test]
fn run_markdown() {
    let (text, result) = run_emptypkg("markdown");
    insta::assert_snapshot!("run_markdown", redact_run_text(&text, &result));
}

#[test]
fn run_junit() {
    let (text, result) = run_emptypkg("junit");
    roxmltree::Document::parse(&text).expect("valid XML");
    insta::assert_snapshot!("run_junit", redact_run_text(&text, &result));
}

#[test]
fn run_json() {
    let (text, result) = run_emptypkg("json");
    let mut v: Value = serde_json::from_str(&text).expect("valid JSON");
    // The report on stdout is the stored result file.
    assert_eq!(v, result);
    // Keep one entry of the import tree (its module names depend on the machine).
    if let Some(modules) = v["targets"][0]["import_tree"]["modules"].as_array_mut() {
        modules.truncate(1);
    }
    // The shape is the point: keys (sorted here), nesting, array lengths, types of fixed values.
    insta::assert_json_snapshot!("run_json", v, {
        ".created_at" => "[created_at]",
        ".tool.version" => "[version]",
        ".environment.python.executable" => "[python]",
        ".environment.python.version" => "[version]",
        ".environment.host.arch" => "[arch]",
        ".environment.host.cpu_model" => "[cpu_model]",
        ".environment.host.cpus" => "[cpus]",
        ".environment.host.load_avg_1m" => "[n]",
        ".environment.git" => "[git]",
        ".environment.distributions" => "[distributions]",
        ".settings.path[]" => "[pkgs]",
        ".startup_ms.median" => "[n]",
        ".startup_ms.samples[]" => "[n]",
        ".noise.elapsed_s" => "[n]",
        ".noise.foreign_cpus" => "[n]",
        ".targets[].samples[].import_ms" => "[n]",
        ".targets[].samples[].import_cpu_ms" => "[n]",
        ".targets[].samples[].wall_ms" => "[n]",
        ".targets[].samples[].cpu_ms" => "[n]",
        ".targets[].samples[].peak_rss_kib" => "[kib]",
        ".targets[].samples[].modules" => "[N]",
        ".targets[].samples[].startup_modules" => "[N]",
        ".targets[].samples[].run_delay_ms" => "[n]",
        ".targets[].summary.*.min" => "[n]",
        ".targets[].summary.*.max" => "[n]",
        ".targets[].summary.*.mean" => "[n]",
        ".targets[].summary.*.median" => "[n]",
        ".targets[].summary.*.stddev" => "[n]",
        ".targets[].summary.*.mad" => "[n]",
        ".targets[].summary.*.p95" => "[n]",
        ".targets[].modules.total" => "[N]",
        ".targets[].modules.startup" => "[N]",
        ".targets[].modules.loaded" => "[loaded]",
        ".targets[].modules.startup_loaded" => "[startup names]",
        ".targets[].import_tree.startup_ms" => "[n]",
        ".targets[].import_tree.startup_modules" => "[N]",
        ".targets[].import_tree.modules[].name" => "[module]",
        ".targets[].import_tree.modules[].self_ms" => "[n]",
        ".targets[].import_tree.modules[].cumulative_ms" => "[n]",
        ".targets[].warnings" => "[warnings]",
        ".warnings" => "[warnings]",
    });
}

fn has_escapes(text: &str) -> bool {
    text.contains("\u{1b}[")
}

#[test]
fn color_always_paints_terminal_reports_only() {
    let compare = ["compare", FIXTURE, FIXTURE, "--color", "always"];
    let check = [
        "check",
        FIXTURE,
        "--max-import-ms",
        "sleepy50=20",
        "--color",
        "always",
    ];
    assert!(has_escapes(&stdout(at_root(&compare), 0)));
    assert!(has_escapes(&stdout(at_root(&check), 1)));
    for format in ["markdown", "json", "junit"] {
        let text = stdout(at_root(&[&compare[..], &["--format", format]].concat()), 0);
        assert!(!has_escapes(&text), "{format}: {text}");
        let text = stdout(at_root(&[&check[..], &["--format", format]].concat()), 1);
        assert!(!has_escapes(&text), "{format}: {text}");
    }
    // With --output the file gets the plain report, stdout the coloured terminal one.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.txt");
    let mut cmd = at_root(&check);
    cmd.args(["--format", "terminal", "--output"]).arg(&file);
    let painted = stdout(cmd, 1);
    let plain = std::fs::read_to_string(&file).unwrap();
    assert!(has_escapes(&painted));
    assert!(!has_escapes(&plain), "{plain}");
    assert!(plain.contains("FAIL 1 of 1 budget exceeded"), "{plain}");
}

#[test]
fn color_auto_follows_the_terminal_no_color_and_term() {
    let compare = |env: &[(&str, &str)]| {
        let mut cmd = coldstart_std();
        cmd.current_dir(root())
            .args(["compare", FIXTURE, FIXTURE, "--color", "auto"])
            .envs(env.iter().copied());
        cmd
    };
    // A terminal gets colours: the pty works, so the cases below are meaningful.
    let (code, text) = output_on_a_tty(compare(&[]));
    assert_eq!(code, Some(0));
    assert!(
        text.contains("0 regressions, 0 improvements, 3 unchanged"),
        "{text}"
    );
    assert!(has_escapes(&text), "{text}");
    // An empty NO_COLOR does not count (no-color.org).
    let (_, text) = output_on_a_tty(compare(&[("NO_COLOR", "")]));
    assert!(has_escapes(&text), "{text}");
    for env in [("NO_COLOR", "1"), ("TERM", "dumb")] {
        let (code, text) = output_on_a_tty(compare(&[env]));
        assert_eq!(code, Some(0));
        assert!(
            text.contains("0 regressions, 0 improvements, 3 unchanged"),
            "{env:?}: {text}"
        );
        assert!(!has_escapes(&text), "{env:?}: {text}");
    }
    // Not a terminal: a pipe.
    let out = compare(&[]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("0 regressions, 0 improvements, 3 unchanged"),
        "{text}"
    );
    assert!(!has_escapes(&text), "{text}");
    // `--color always` beats NO_COLOR.
    let mut cmd = coldstart_std();
    cmd.current_dir(root())
        .args(["compare", FIXTURE, FIXTURE, "--color", "always"])
        .env("NO_COLOR", "1");
    let out = cmd.output().unwrap();
    assert!(has_escapes(&String::from_utf8_lossy(&out.stdout)));
}

#[test]
fn run_color_always_and_auto_on_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    for (color, painted) in [("always", true), ("auto", false)] {
        let mut cmd = coldstart_std();
        cmd.current_dir(dir.path())
            .args(["run", "emptypkg", "--path"])
            .arg(pkgs())
            .args(["--runs", "1", "--no-anchor", "--tree-runs", "0", "--quiet"])
            .args(["--color", color]);
        let out = cmd.output().unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("emptypkg"), "{text}");
        assert_eq!(has_escapes(&text), painted, "--color {color}: {text}");
    }
}

#[test]
fn redaction_keeps_columns_and_words() {
    assert_eq!(
        redact_numbers("median    0.23 ms · median     132 ms"),
        "median     [n] ms · median     [n] ms"
    );
    assert_eq!(
        redact_numbers("min..max 81.0..108   p95 106 · 3 runs · sleepy50 · 1.13"),
        "min..max [n]..[n]   p95 [n] · 3 runs · sleepy50 · [n]"
    );
}
