use super::*;
use crate::lazy::records::{DeferStatus, Deferred, Failure, ImportStmt, Place, Touch};
use crate::lazy::report::Status;
use crate::tree::ModuleStats;

/// A scripted lab: the fixture package of tests/fixtures/lazy in numbers. Normal import 81 ms;
/// heavy_unused costs 40 ms (untouched), heavy_attr 20 ms (read at import), heavy_late 20 ms
/// (touched by the workload); registering makes the target fail when deferred.
#[derive(Default)]
struct FakeLab {
    calls: Vec<String>,
}

fn module(name: &str, parent: Option<&str>, ms: f64) -> ModuleStats {
    ModuleStats {
        name: name.into(),
        parent: parent.map(Into::into),
        depth: usize::from(parent.is_some()),
        self_ms: ms,
        cumulative_ms: ms,
        runs: 3,
        also_imported_by: Vec::new(),
    }
}

const COST: [(&str, f64); 4] = [
    ("heavy_unused", 40.0),
    ("heavy_attr", 20.0),
    ("heavy_late", 20.0),
    ("registering", 0.5),
];

fn touch(line: u32, phase: &str, attr: &str) -> Touch {
    Touch {
        place: Place {
            module: "pkg".into(),
            file: "/x/pkg/__init__.py".into(),
            line,
        },
        phase: phase.into(),
        attr: attr.into(),
    }
}

impl FakeLab {
    fn child(&self, spec: &Spec) -> Child {
        let mut c = Child {
            modules: [
                "pkg",
                "heavy_unused",
                "heavy_attr",
                "heavy_late",
                "registering",
                "time",
            ]
            .map(str::to_owned)
            .into(),
            ..Child::default()
        };
        for name in &spec.names {
            let touched = match name.as_str() {
                "heavy_attr" => Some(touch(7, "import", "VALUE")),
                "heavy_late" if spec.workload.is_some() => Some(touch(12, "workload", "work")),
                _ => None,
            };
            let lazy = touched.as_ref().is_none_or(|t| t.phase != "import");
            if lazy {
                c.modules.remove(name);
            }
            if name == "registering" {
                c.error = Some("RuntimeError: not registered".into());
                c.experiment.failure = Some(Failure {
                    phase: "import".into(),
                    error: "RuntimeError: not registered".into(),
                    at: None,
                });
            }
            c.experiment.deferred.push(Deferred {
                name: name.clone(),
                status: DeferStatus::Deferred,
                loader: Some("source".into()),
                imported_at: None,
                touched,
                lazy_after_import: lazy,
                lazy_after_workload: spec.workload.as_ref().map(|_| name != "heavy_late"),
            });
        }
        if spec.mode == Mode::Survey {
            for (name, _) in COST {
                c.experiment.loaders.push((name.into(), "source".into()));
            }
            c.experiment.loaders.push(("pkg".into(), "source".into()));
            c.experiment.imports.push(ImportStmt {
                importer: "pkg".into(),
                file: "/nonexistent/pkg/__init__.py".into(),
                line: 2,
                module: "heavy_unused".into(),
                names: None,
            });
        }
        c
    }

    fn import_ms(&self, spec: &Spec, i: usize) -> f64 {
        let saved: f64 = spec
            .names
            .iter()
            .filter(|n| n.as_str() != "heavy_attr")
            .map(|n| COST.iter().find(|(m, _)| m == n).map_or(0.0, |c| c.1))
            .sum();
        (81.0 - saved) * (1.0 + 0.01 * ((i * 7 % 5) as f64 - 2.0))
    }
}

impl Lab for FakeLab {
    fn tree(&mut self) -> Result<ImportTree> {
        self.calls.push("tree".into());
        let mut modules = vec![module("pkg", None, 81.0)];
        modules.extend(COST.iter().map(|(n, ms)| module(n, Some("pkg"), *ms)));
        Ok(ImportTree {
            runs: 3,
            unreliable_runs: 0,
            startup_ms: 10.0,
            startup_modules: 30,
            modules,
        })
    }

    fn once(&mut self, spec: &Spec) -> Result<Child> {
        self.calls.push(format!(
            "once {} {}",
            spec.mode.as_str(),
            spec.names.join(",")
        ));
        Ok(self.child(spec))
    }

    fn pairs(&mut self, normal: &Spec, deferred: &Spec) -> Result<Pairs> {
        self.calls
            .push(format!("pairs {}", deferred.names.join(",")));
        Ok(Pairs {
            normal_ms: (0..30).map(|i| self.import_ms(normal, i)).collect(),
            deferred_ms: (0..30).map(|i| self.import_ms(deferred, i + 1)).collect(),
            normal: self.child(normal),
            deferred: self.child(deferred),
        })
    }
}

fn request<'a>(defer: &'a [String], workload: Option<&'a str>) -> Request<'a> {
    Request {
        target: "pkg",
        statement: "import pkg",
        module: Some("pkg"),
        defer,
        top: 3,
        workload,
        gate: GateParams::default(),
    }
}

#[test]
fn the_heaviest_three_are_tried_then_combined() {
    let mut lab = FakeLab::default();
    let t = run(&mut lab, &request(&[], Some("pkg.main()"))).unwrap();
    let got: Vec<_> = t
        .candidates
        .iter()
        .map(|c| (c.name.as_str(), c.status))
        .collect();
    assert_eq!(
        got,
        [
            ("heavy_unused", Status::Saves),
            ("heavy_late", Status::UsedByWorkload),
            ("heavy_attr", Status::DefeatedAtImport),
        ]
    );
    assert!((t.candidates[0].saving_ms.unwrap().estimate - 40.0).abs() < 1.5);
    assert_eq!(t.candidates[0].importers.len(), 1);
    assert_eq!(t.candidates[0].importers[0].statement, None);
    let combo = t.combination.unwrap();
    assert_eq!(combo.names, ["heavy_unused", "heavy_late"]);
    assert!((combo.saving_ms.unwrap().estimate - 60.0).abs() < 2.0);
    assert_eq!(combo.status, Status::UsedByWorkload);
    assert!((t.import_ms - 81.0).abs() < 1.0, "{}", t.import_ms);
    assert_eq!(
        lab.calls,
        [
            "tree",
            "once survey ",
            "once defer ",
            "once defer heavy_unused",
            "pairs heavy_unused",
            "once defer heavy_attr",
            "pairs heavy_attr",
            "once defer heavy_late",
            "pairs heavy_late",
            "once defer heavy_unused,heavy_late",
            "pairs heavy_unused,heavy_late",
        ]
    );
}

#[test]
fn a_failing_candidate_is_a_finding_without_pairs() {
    let mut lab = FakeLab::default();
    let defer = ["registering".to_owned()];
    let t = run(&mut lab, &request(&defer, None)).unwrap();
    assert_eq!(t.candidates[0].status, Status::FailsWhenDeferred);
    assert!(
        !lab.calls.iter().any(|c| c.starts_with("pairs")),
        "{:?}",
        lab.calls
    );
    assert!(t.combination.is_none());
}

#[test]
fn bad_defer_names_are_usage_errors() {
    for (name, expected) in [
        (
            "nothere",
            "--defer nothere: nothere is not imported by `import pkg`",
        ),
        (
            "pkg",
            "--defer pkg: pkg is the target or a package above it",
        ),
    ] {
        let defer = [name.to_owned()];
        let err = run(&mut FakeLab::default(), &request(&defer, None)).unwrap_err();
        assert!(err.to_string().starts_with(expected), "{err}");
        assert_eq!(err.exit().code(), 2);
    }
}
