use super::*;
use crate::lazy::records::{Deferred, Place};
use crate::stats::Samples;
use crate::stats::paired::{GateParams, paired_gate};

/// A gate over 30 pairs: normal ≈ `normal` ms, deferred ≈ `deferred` ms, with a little spread.
fn gate(normal: f64, deferred: f64) -> PairedGate {
    let wiggle = |i: usize| 1.0 + 0.01 * ((i * 7 % 5) as f64 - 2.0);
    let a: Vec<f64> = (0..30).map(|i| normal * wiggle(i)).collect();
    let b: Vec<f64> = (0..30).map(|i| deferred * wiggle(i + 2)).collect();
    paired_gate(
        &Samples::new(a).unwrap(),
        &Samples::new(b).unwrap(),
        &GateParams::default(),
    )
    .unwrap()
}

fn place(module: &str, line: u32) -> Place {
    Place {
        module: module.into(),
        file: format!("/src/{module}/__init__.py"),
        line,
    }
}

fn deferred(name: &str, touched: Option<(&str, u32, &str, &str)>) -> Deferred {
    Deferred {
        name: name.into(),
        status: DeferStatus::Deferred,
        loader: Some("source".into()),
        imported_at: Some(place("pkg", 3)),
        touched: touched.map(|(m, line, phase, attr)| Touch {
            place: place(m, line),
            phase: phase.into(),
            attr: attr.into(),
        }),
        lazy_after_import: touched.is_none_or(|t| t.2 != "import"),
        lazy_after_workload: Some(touched.is_none()),
    }
}

fn measured(normal: f64, deferred_ms: f64, records: Vec<Deferred>) -> Measured {
    let set = |names: &[&str]| names.iter().map(|s| s.to_string()).collect();
    Measured {
        gate: Some(gate(normal, deferred_ms)),
        normal_median_ms: normal,
        normal_modules: set(&["heavy", "heavy.sub", "pkg"]),
        deferred_modules: set(&["heavy", "pkg"]),
        experiment: Experiment {
            deferred: records,
            ..Experiment::default()
        },
    }
}

#[test]
fn an_untouched_module_with_a_saving_saves() {
    let m = measured(80.0, 40.0, vec![deferred("heavy", None)]);
    let c = candidate("heavy", 40.5, &m, Vec::new());
    assert_eq!(c.status, Status::Saves);
    let s = c.saving_ms.unwrap();
    assert!((s.estimate - 40.0).abs() < 1.0, "{s:?}");
    assert!(
        s.low > 30.0 && s.low <= s.estimate && s.estimate <= s.high,
        "{s:?}"
    );
    assert!((c.saving_pct.unwrap().estimate - 50.0).abs() < 1.5);
    assert_eq!(c.modules_avoided, ["heavy", "heavy.sub"]);
}

#[test]
fn a_touch_during_the_import_defeats_it_and_names_the_line() {
    let m = measured(
        80.0,
        80.0,
        vec![deferred("heavy", Some(("pkg", 7, "import", "VALUE")))],
    );
    let site = crate::lazy::sites::Site {
        place: place("pkg", 3),
        kind: crate::lazy::sites::SiteKind::Import,
        statement: None,
        change: "move it".into(),
    };
    let c = candidate("heavy", 20.0, &m, vec![site]);
    assert_eq!(c.status, Status::DefeatedAtImport);
    assert_eq!(
        c.importers[0].change,
        "move it; then also move the use at import time (pkg line 7 (reads heavy.VALUE)), or it stays eager"
    );
    assert_eq!(
        c.summary,
        "defeated at import by pkg line 7 (reads heavy.VALUE)"
    );
    assert_eq!(c.touched_at_import.unwrap().place.line, 7);
    assert!(!c.modules_avoided.contains(&"heavy".to_owned()));
}

#[test]
fn a_touch_in_the_workload_moves_the_saving() {
    let m = measured(
        80.0,
        60.0,
        vec![deferred("heavy", Some(("pkg", 12, "workload", "work")))],
    );
    let c = candidate("heavy", 20.0, &m, Vec::new());
    assert_eq!(c.status, Status::UsedByWorkload);
    assert!(
        c.summary
            .starts_with("used by the workload via pkg line 12 (reads heavy.work)")
    );
    assert!(c.used_by_workload.is_some() && c.touched_at_import.is_none());
}

#[test]
fn no_change_is_no_measurable_saving_and_a_failure_is_reported() {
    let m = measured(80.0, 80.0, vec![deferred("heavy", None)]);
    assert_eq!(
        candidate("heavy", 0.5, &m, Vec::new()).status,
        Status::NoMeasurableSaving
    );
    let mut m = measured(80.0, 80.0, vec![deferred("heavy", None)]);
    m.gate = None;
    m.experiment.failure = Some(Failure {
        phase: "import".into(),
        error: "RuntimeError: not registered".into(),
        at: Some(place("sidefx", 6)),
    });
    let c = candidate("heavy", 10.0, &m, Vec::new());
    assert_eq!(c.status, Status::FailsWhenDeferred);
    assert_eq!(
        c.summary,
        "fails when deferred: RuntimeError: not registered (sidefx line 6)"
    );
    assert_eq!(c.saving_ms, None);
}

#[test]
fn ranking_and_combination() {
    let a = candidate(
        "a",
        40.0,
        &measured(80.0, 40.0, vec![deferred("a", None)]),
        vec![],
    );
    let b = candidate(
        "b",
        20.0,
        &measured(80.0, 60.0, vec![deferred("b", None)]),
        vec![],
    );
    let defeated = measured(
        80.0,
        80.0,
        vec![deferred("c", Some(("pkg", 7, "import", "X")))],
    );
    let c = candidate("c", 20.0, &defeated, vec![]);
    let mut t = TargetReport {
        target: "pkg".into(),
        statement: "import pkg".into(),
        workload: None,
        import_ms: 80.0,
        modules: 3,
        candidates: vec![c, b, a],
        combination: None,
        skipped: vec![],
    };
    t.rank();
    let names: Vec<_> = t.candidates.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["a", "b", "c"]);
    let names = combinable(&t.candidates);
    assert_eq!(names, ["a", "b"]);
    let both = measured(80.0, 20.0, vec![deferred("a", None), deferred("b", None)]);
    let combo = combination(&t.candidates, &names, &both);
    assert_eq!(combo.status, Status::Saves);
    assert!(
        (combo.sum_of_savings_ms - 60.0).abs() < 2.0,
        "{}",
        combo.sum_of_savings_ms
    );
    assert!((combo.saving_ms.unwrap().estimate - 60.0).abs() < 2.0);
    assert!(combinable(&t.candidates[..1]).is_empty());
}

#[test]
fn second_imports_and_from_imports_are_worded() {
    let t = |attr: &str| Touch {
        place: place("__coldstart__", 1),
        phase: "import".into(),
        attr: attr.into(),
    };
    assert_eq!(
        touch_text("m", &t("__spec__")),
        "the measured statement line 1 (imports it again)"
    );
    assert!(touch_text("m", &t("__path__")).contains("imports from it"));
}
