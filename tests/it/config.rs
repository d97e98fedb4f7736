//! The configuration file: discovery, precedence of flags, every budget in its file form, errors.
use crate::support::*;
use predicates::prelude::*;
use std::path::Path;

fn fixture_result() -> std::path::PathBuf {
    fixtures().join("results/v1_fixture_pkgs.json")
}

fn in_dir(dir: &Path) -> assert_cmd::Command {
    let mut cmd = coldstart();
    cmd.current_dir(dir);
    cmd
}

#[test]
fn pyproject_tool_table_fills_unset_flags_and_flags_win() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        format!(
            "[project]\nname = 'x'\n\n[tool.coldstart]\ntargets = ['emptypkg']\nruns = 4\nwarmup = 1\nanchor = false\ntree_runs = 0\npath = ['{}']\npython = 'python3'\noutput_dir = 'results'\nforbid = ['json']\n",
            pkgs().display()
        ),
    )
    .unwrap();
    in_dir(dir.path())
        .args(["run", "--quiet"])
        .assert()
        .success();
    let r = read_json(&dir.path().join("results/cold_start_latest.json"));
    assert_eq!(r["settings"]["runs"], 4);
    assert_eq!(r["targets"][0]["name"], "emptypkg");
    assert!(r["anchor"].is_null());
    assert_eq!(r["settings"]["forbid"][0], "json");
    // Flags win over the file.
    in_dir(dir.path())
        .args(["run", "--quiet", "--runs", "2", "--stmt", "import emptypkg"])
        .assert()
        .success();
    let r = read_json(&dir.path().join("results/cold_start_latest.json"));
    assert_eq!(r["settings"]["runs"], 2);
    assert_eq!(r["targets"].as_array().unwrap().len(), 1);
    assert_eq!(r["targets"][0]["name"], "import emptypkg");
    in_dir(dir.path())
        .arg("config")
        .assert()
        .success()
        .stdout(predicate::str::contains("runs = 4"))
        .stdout(predicate::str::contains("pyproject.toml [tool.coldstart]"))
        .stdout(predicate::str::is_match(r"pairs = 30 +# default").unwrap());
}

#[test]
fn coldstart_toml_is_preferred_and_explicit_config_is_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[tool.coldstart]\nruns = 7\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("coldstart.toml"), "runs = 9\n").unwrap();
    in_dir(dir.path())
        .arg("config")
        .assert()
        .success()
        .stdout(predicate::str::contains("runs = 9"));
    std::fs::write(dir.path().join("other.toml"), "runs = 11\n").unwrap();
    in_dir(dir.path())
        .args(["config", "--config", "other.toml", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"value\": \"11\""));
}

#[test]
fn unknown_keys_and_bad_values_are_errors_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("coldstart.toml"), "rnus = 3\n").unwrap();
    in_dir(dir.path())
        .args(["run", "json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "coldstart.toml:1: unknown key 'rnus'; did you mean 'runs'?",
        ));
    for (text, needle) in [
        (
            "[budgets]\nmax_import = 3\n",
            "unknown key 'max_import' in [budgets]",
        ),
        ("pyc = 'hot'\n", "warm, cold or as-is"),
        ("effect_size = 'mean'\n", "estimate or median-difference"),
        ("runs = [\n", "coldstart.toml"),
    ] {
        std::fs::write(dir.path().join("coldstart.toml"), text).unwrap();
        in_dir(dir.path())
            .arg("config")
            .assert()
            .code(2)
            .stderr(predicate::str::contains(needle));
    }
}

/// `check` with budgets only from the file: each budget passes at a loose limit and fails at a tight one.
#[test]
fn every_budget_in_its_file_form() {
    let dir = tempfile::tempdir().unwrap();
    for (pass, fail) in [
        ("max_import_ms = 1000", "max_import_ms = { sleepy50 = 20 }"),
        ("max_wall_ms = 10000", "max_wall_ms = 1"),
        // max_modules counts beyond start-up (eagerpkg: 29), max_total_modules all (131).
        ("max_modules = 1000", "max_modules = { eagerpkg = 20 }"),
        (
            "max_total_modules = 1000",
            "max_total_modules = { eagerpkg = 110 }",
        ),
        (
            "max_package_modules = { eagerpkg = 2 }",
            "max_package_modules = { eagerpkg = 1 }",
        ),
        ("max_peak_rss_mib = 1000", "max_peak_rss_mib = 1"),
        (
            "max_import_ms = 1000\nstatistic = 'max'",
            "max_import_ms = { emptypkg = 0.0001 }\nstatistic = 'p95'",
        ),
    ] {
        std::fs::write(
            dir.path().join("coldstart.toml"),
            format!("[budgets]\n{pass}\n"),
        )
        .unwrap();
        in_dir(dir.path())
            .arg("check")
            .arg(fixture_result())
            .assert()
            .code(0);
        std::fs::write(
            dir.path().join("coldstart.toml"),
            format!("[budgets]\n{fail}\n"),
        )
        .unwrap();
        in_dir(dir.path())
            .arg("check")
            .arg(fixture_result())
            .assert()
            .code(1);
    }
    // forbid is a top-level key; a flag replaces the file's list.
    std::fs::write(
        dir.path().join("coldstart.toml"),
        "forbid = ['eagerpkg.heavy']\n",
    )
    .unwrap();
    in_dir(dir.path())
        .arg("check")
        .arg(fixture_result())
        .assert()
        .code(1);
    in_dir(dir.path())
        .arg("check")
        .arg(fixture_result())
        .args(["--forbid", "tomllib"])
        .assert()
        .code(0);
    // A flag budget replaces the file's budget of the same kind.
    std::fs::write(
        dir.path().join("coldstart.toml"),
        "[budgets]\nmax_import_ms = 1\n",
    )
    .unwrap();
    in_dir(dir.path())
        .arg("check")
        .arg(fixture_result())
        .args(["--max-import-ms", "1000"])
        .assert()
        .code(0);
}

#[test]
fn compare_threshold_comes_from_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("coldstart.toml"),
        "compare_threshold = 0.5\nmin_effect = 0\neffect_size = 'median-difference'\n",
    )
    .unwrap();
    in_dir(dir.path())
        .arg("compare")
        .arg(fixture_result())
        .arg(fixture_result())
        .args(["--format", "json"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"threshold\": 0.005"))
        .stdout(predicate::str::contains(
            "\"effect\": \"median-difference\"",
        ));
    // The flag wins over the file.
    in_dir(dir.path())
        .arg("compare")
        .arg(fixture_result())
        .arg(fixture_result())
        .args(["--format", "json", "--effect-size", "estimate"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"effect\": \"estimate\""));
}

#[test]
fn report_settings_come_from_the_file_and_flags_win() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("coldstart.toml"),
        "format = 'json'\ncolor = 'never'\nreport_only = true\nstrict = true\n",
    )
    .unwrap();
    // format = 'json': stdout is one JSON document; report_only is in the stored gate options.
    let out = in_dir(dir.path())
        .arg("compare")
        .arg(fixture_result())
        .arg(fixture_result())
        .assert()
        .code(0);
    let c: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(c["command"], "compare");
    in_dir(dir.path())
        .arg("compare")
        .arg(fixture_result())
        .arg(fixture_result())
        .args(["--format", "markdown"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("### coldstart compare"));
    // `config` too takes format = 'json' from the file (the flag wins).
    in_dir(dir.path())
        .args(["config", "--format", "terminal"])
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"report_only = true +# coldstart.toml").unwrap())
        .stdout(predicate::str::is_match(r"strict = true +# coldstart.toml").unwrap());
    std::fs::write(dir.path().join("coldstart.toml"), "color = 'blue'\n").unwrap();
    in_dir(dir.path())
        .arg("config")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "coldstart.toml:1: color must be auto, always or never, not 'blue'",
        ));
}

/// Issue 13: a bad value names the file, the line and the key; an unknown key the nearest one.
#[test]
fn file_errors_name_the_line_the_key_and_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("coldstart.toml");
    std::fs::write(
        &file,
        "targets = ['json']\n# measured samples\nruns = \"ten\"\n",
    )
    .unwrap();
    let out = in_dir(dir.path()).args(["run"]).assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert_eq!(
        stderr,
        format!(
            "error: {}:3: runs must be a whole number, not \"ten\"\n",
            file.display()
        )
    );
    std::fs::write(&file, "target = ['json']\n").unwrap();
    in_dir(dir.path())
        .args(["run"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "coldstart.toml:1: unknown key 'target'; did you mean 'targets'?",
        ));
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = 'x'\n\n[tool.coldstart]\npairs = 2.5\n",
    )
    .unwrap();
    std::fs::remove_file(&file).unwrap();
    in_dir(dir.path())
        .arg("config")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "pyproject.toml:5: pairs must be a whole number, not 2.5",
        ));
}

/// Issue 13: from a subdirectory the file is found by walking up to the repository root (as
/// ruff and uv do), passing over a pyproject.toml without [tool.coldstart]; a file above the
/// repository root is not used. A file found above the current directory is named on stderr.
#[test]
fn the_file_is_found_from_a_subdirectory_up_to_the_repository_root() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("coldstart.toml"), "runs = 99\n").unwrap();
    let repo = outside.path().join("project");
    let deep = repo.join("src/pkg");
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::create_dir(repo.join(".git")).unwrap();
    std::fs::write(
        repo.join("pyproject.toml"),
        "[tool.coldstart]\nruns = 7\nforbid = ['eagerpkg.heavy']\n",
    )
    .unwrap();
    std::fs::write(
        repo.join("src/pyproject.toml"),
        "[project]\nname = 'inner'\n",
    )
    .unwrap();
    in_dir(&deep)
        .arg("config")
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "# configuration file: {} (pyproject.toml [tool.coldstart])",
            repo.join("pyproject.toml").display()
        )))
        .stdout(predicate::str::contains("runs = 7"))
        .stderr(predicate::str::is_empty());
    // The file applies (its forbid fails the check) and is named, unless --quiet.
    in_dir(&deep)
        .arg("check")
        .arg(fixture_result())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "using configuration {} (pyproject.toml [tool.coldstart])",
            repo.join("pyproject.toml").display()
        )));
    in_dir(&deep)
        .args(["check", "--quiet"])
        .arg(fixture_result())
        .assert()
        .code(1)
        .stderr(predicate::str::is_empty());
    // In the directory of the file nothing is said; above the repository root nothing is read.
    in_dir(&repo)
        .arg("check")
        .arg(fixture_result())
        .assert()
        .code(1)
        .stderr(predicate::str::is_empty());
    std::fs::remove_file(repo.join("pyproject.toml")).unwrap();
    in_dir(&deep)
        .arg("config")
        .assert()
        .success()
        .stdout(predicate::str::contains("# no configuration file"))
        .stdout(predicate::str::is_match(r"runs = 20 +# default").unwrap());
}

/// The flags that only timed samples use are not accepted where nothing uses them (they were
/// hidden do-nothing flags while the file was applied by rewriting the parsed flags).
#[test]
fn tree_why_and_lazy_take_no_timed_sample_flags() {
    for command in [["tree", "json"], ["why", "json"], ["lazy", "json"]] {
        for flag in ["--forbid=x", "--package=x", "--anchor=x", "--no-anchor"] {
            coldstart()
                .args(command)
                .arg(flag)
                .assert()
                .code(2)
                .stderr(predicate::str::contains("unexpected argument"));
        }
    }
}

/// A result file names the configuration file its settings were layered over, found from a
/// subdirectory or given with --config; without one the field is absent.
#[test]
fn result_files_record_the_configuration_file_read() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("project");
    let deep = repo.join("src/pkg");
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::create_dir(repo.join(".git")).unwrap();
    std::fs::write(
        repo.join("pyproject.toml"),
        format!(
            "[tool.coldstart]\ntargets = ['emptypkg']\nruns = 1\nwarmup = 0\nanchor = false\ntree_runs = 0\npath = ['{}']\noutput_dir = 'results'\n",
            pkgs().display()
        ),
    )
    .unwrap();
    let latest = repo.join("results/cold_start_latest.json");
    in_dir(&deep).args(["run", "--quiet"]).assert().success();
    let r = read_json(&latest);
    assert_eq!(
        r["settings"]["config_file"],
        repo.join("pyproject.toml").display().to_string()
    );
    // --config: the file named, made absolute.
    std::fs::write(deep.join("other.toml"), "runs = 2\n").unwrap();
    in_dir(&deep)
        .args([
            "run",
            "--quiet",
            "--config",
            "other.toml",
            "emptypkg",
            "--no-anchor",
        ])
        .args(["--tree-runs", "0", "--warmup", "0", "--output-dir"])
        .arg(repo.join("results"))
        .arg("--path")
        .arg(pkgs())
        .assert()
        .success();
    let r = read_json(&latest);
    assert_eq!(r["settings"]["runs"], 2);
    assert_eq!(
        r["settings"]["config_file"],
        deep.join("other.toml").display().to_string()
    );
    // No file: no field.
    std::fs::remove_file(repo.join("pyproject.toml")).unwrap();
    in_dir(&deep)
        .args(["run", "--quiet", "emptypkg", "--runs", "1", "--no-anchor"])
        .args(["--tree-runs", "0", "--warmup", "0", "--output-dir"])
        .arg(repo.join("results"))
        .arg("--path")
        .arg(pkgs())
        .assert()
        .success();
    let r = read_json(&latest);
    assert!(
        r["settings"].get("config_file").is_none(),
        "{}",
        r["settings"]
    );
}

/// `tree`, `why`, `config` and `cache` take `format`, `color` and `quiet` from the file, as the
/// measuring commands do, and their flags win; a format they do not have shows the text.
#[test]
fn text_reports_take_their_output_settings_from_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("coldstart.toml"),
        format!(
            "format = 'json'\nquiet = true\ntree_runs = 1\npath = ['{}']\n",
            pkgs().display()
        ),
    )
    .unwrap();
    let out = in_dir(dir.path()).arg("config").assert().success();
    let doc: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert!(doc.as_array().is_some_and(|keys| !keys.is_empty()), "{doc}");
    in_dir(dir.path())
        .args(["config", "--format", "terminal"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("# configuration file: "));
    let cache = dir.path().join("cache");
    let out = in_dir(dir.path())
        .args(["cache", "list", "--cache-dir"])
        .arg(&cache)
        .assert()
        .success();
    let doc: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(doc["environments"], serde_json::json!([]));
    // tree: JSON from the file, and `quiet` silences the note about the chart it wrote.
    let svg = dir.path().join("t.svg");
    let out = in_dir(dir.path())
        .args(["tree", "emptypkg", "--svg"])
        .arg(&svg)
        .assert()
        .success()
        .stderr(predicate::str::is_empty());
    let doc: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert!(doc.get("emptypkg").is_some(), "{doc}");
    assert!(svg.is_file());
    // A format only the other commands have (Markdown) leaves these reports as text.
    std::fs::write(dir.path().join("coldstart.toml"), "format = 'markdown'\n").unwrap();
    in_dir(dir.path())
        .arg("config")
        .assert()
        .success()
        .stdout(predicate::str::contains("format = \"markdown\""));
    std::fs::write(dir.path().join("coldstart.toml"), "quiet = false\n").unwrap();
    in_dir(dir.path())
        .args(["tree", "emptypkg", "--tree-runs", "1", "--path"])
        .arg(pkgs())
        .arg("--svg")
        .arg(&svg)
        .assert()
        .success()
        .stderr(predicate::str::contains("wrote "));
}
