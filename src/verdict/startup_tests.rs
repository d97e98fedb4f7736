//! Module counts beyond interpreter start-up: diffs, forbidden transitions and budgets ignore
//! what start-up loaded; a start-up difference is an environment difference.
use super::budget::{self, Budgets, Limit};
use super::compare::environment_differences;
use super::modules::{Transition, forbidden_changes, module_diff};
use crate::results::ResultFile;

/// The stored version 1 fixture, given start-up names: `startup` plus what the import loaded.
fn side(startup: &[&str], imported: &[&str]) -> ResultFile {
    let text = include_str!("../../tests/fixtures/results/v1_fixture_pkgs.json");
    let mut r: ResultFile = serde_json::from_str(text).unwrap();
    r.targets.truncate(1);
    let m = &mut r.targets[0].modules;
    m.startup_loaded = startup.iter().map(|s| s.to_string()).collect();
    m.startup_loaded.sort();
    m.loaded = startup
        .iter()
        .chain(imported)
        .map(|s| s.to_string())
        .collect();
    m.loaded.sort();
    m.total = m.loaded.len();
    m.startup = startup.len();
    r.targets[0].forbidden.clear();
    r
}

#[test]
fn diffs_ignore_start_up_and_report_it_as_an_environment_difference() {
    // A pyenv base interpreter whose .pth file loads importlib.util at start-up, vs a clean venv.
    let base = side(
        &["site", "sys", "importlib", "importlib.util"],
        &["json", "json.decoder"],
    );
    let venv = side(&["site", "sys"], &["json", "json.decoder"]);
    let d = module_diff(&base.targets[0], &venv.targets[0]);
    assert_eq!(d.added_count(), 0);
    assert_eq!(d.removed_count(), 0);
    assert_eq!((d.baseline_total, d.candidate_total), (2, 2));
    let env = environment_differences(&base, &venv);
    assert_eq!(env.len(), 1, "{env:?}");
    assert!(
        env[0].starts_with(
            "start-up modules differ: 4 vs 2 (- importlib, importlib.util); likely a .pth file"
        ),
        "{}",
        env[0]
    );
    assert!(environment_differences(&venv, &venv.clone()).is_empty());
}

#[test]
fn a_module_loaded_at_start_up_is_not_now_eager() {
    let mut base = side(&["site"], &["json"]);
    let mut cand = side(&["site", "_distutils_hack"], &["json"]);
    base.targets[0]
        .forbidden
        .insert("_distutils_hack".into(), false);
    cand.targets[0]
        .forbidden
        .insert("_distutils_hack".into(), false);
    let f = forbidden_changes(&base.targets[0], &cand.targets[0]);
    assert_eq!(f[0].transition, Transition::NotLoaded);
    // Without the recorded flag the fallback also looks beyond start-up only.
    cand.targets[0].forbidden.clear();
    base.targets[0].forbidden.clear();
    assert!(environment_differences(&base, &cand)[0].contains("distutils-precedence.pth"));
}

#[test]
fn max_modules_counts_beyond_start_up_and_max_total_modules_counts_all() {
    let r = side(&["site", "sys", "os"], &["json", "json.decoder"]);
    let limit = |value| Limit {
        target: None,
        value,
    };
    let budgets = Budgets {
        max_modules: vec![limit(2)],
        max_total_modules: vec![limit(4)],
        ..Budgets::default()
    };
    let checks = budget::check(&r, &budgets, None).unwrap().checks;
    let got: Vec<(&str, String, bool)> = checks
        .iter()
        .map(|c| (c.budget.as_str(), c.actual_text(), c.passed))
        .collect();
    assert_eq!(
        got,
        vec![
            ("modules beyond start-up <= 2", "2".to_owned(), true),
            ("modules in total <= 4", "5".to_owned(), false),
        ]
    );
    assert_eq!(
        checks
            .iter()
            .map(|c| c.measured.clone())
            .collect::<Vec<_>>(),
        vec![
            budget::Measured::Modules {
                limit_modules: 2,
                actual_modules: 2
            },
            budget::Measured::TotalModules {
                limit_modules: 4,
                actual_modules: 5
            },
        ]
    );
}

#[test]
fn a_version_1_file_counts_total_minus_start_up() {
    let text = include_str!("../../tests/fixtures/results/v1_fixture_pkgs.json");
    let r: ResultFile = serde_json::from_str(text).unwrap();
    let m = &r.targets[0].modules;
    assert!(m.startup_loaded.is_empty());
    assert_eq!(m.imported_count(), m.total - m.startup);
}
