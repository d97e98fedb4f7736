//! The golden vectors of the paired gate (`tests/fixtures/paired_gate_vectors.json`, read by the
//! tests of `src/stats/paired.rs`) are exactly what `scripts/gen_paired_gate_vectors.py` writes,
//! and its `--check` notices a file that is not.
use std::path::Path;
use std::process::{Command, Output};

fn generator(args: &[&str], file: &Path) -> Output {
    Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/gen_paired_gate_vectors.py"))
        .args(args)
        .arg("--file")
        .arg(file)
        .output()
        .expect("python3 runs")
}

#[test]
fn checked_in_vectors_are_the_generators_output() {
    let checked_in = crate::support::fixtures().join("paired_gate_vectors.json");
    let out = generator(&["--check"], &checked_in);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("vectors.json");
    assert!(generator(&[], &fresh).status.success());
    assert_eq!(
        std::fs::read(&fresh).unwrap(),
        std::fs::read(&checked_in).unwrap()
    );
    assert_eq!(crate::support::files_in(dir.path()), ["vectors.json"]);
}

#[test]
fn check_fails_on_a_changed_file_and_names_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("vectors.json");
    assert!(generator(&[], &file).status.success());
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen("\"k\": 1,", "\"k\": 2,", 1)).unwrap();
    let out = generator(&["--check"], &file);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("differs from the generator's output")
            && stderr.contains("scripts/gen_paired_gate_vectors.py"),
        "{stderr}"
    );
}
