//! Integrity under hostile targets, concurrency and kill -9: real processes, files and python3.
mod common;
use common::*;
use std::path::Path;

fn latest(out: &Path) -> serde_json::Value {
    read_json(&out.join("cold_start_latest.json"))
}

#[test]
fn module_names_cannot_forge_the_childs_report_and_survive_faithfully() {
    let out = tempfile::tempdir().unwrap();
    run_fixture(
        out.path(),
        &[
            "hostile_names",
            "--runs",
            "3",
            "--warmup",
            "0",
            "--no-anchor",
        ],
    )
    .args(["--tree-runs", "0", "-q", "--format", "json"])
    .assert()
    .success();
    let result = latest(out.path());
    let target = &result["targets"][0];
    for sample in target["samples"].as_array().unwrap() {
        let ms = sample["import_ms"].as_f64().unwrap();
        // The forged records say 1 ns; importing the fixture takes far more than 10 µs.
        assert!(ms > 0.01, "forged import time {ms}");
        assert!(sample["modules"].as_u64().unwrap() > 10, "{sample}");
    }
    let loaded: Vec<&str> = target["modules"]["loaded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    for name in [
        "zzz\nimport_ns\t1",
        "\x1b]0;x\x07",
        "tab\there",
        "end\nend",
        "bad\\udcff",
        "42",
        "hostile_names",
    ] {
        assert!(loaded.contains(&name), "{name:?} missing from {loaded:?}");
    }
    // The lookalike files the target wrote stayed in its own (removed) working directory.
    assert_eq!(files_in(out.path()).len(), 2, "{:?}", files_in(out.path()));
}
