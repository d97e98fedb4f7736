//! The records the child-side experiment (`src/probe/lazy.py`) returns, one JSON value each, and
//! their typed form. Pure: the probe hands over the decoded JSON values.
//!
//! Record kinds (the `kind` field): `setup` (mode and Python version), `failure` (the statement
//! raised with candidates deferred), `workload` (the `--workload` statement ran), `deferred` (one
//! per named module: how it was imported, who touched it first and when), and in survey mode
//! `module` (how each module the statement loaded is loaded) and `import` (one per import
//! statement executed during the statement).
use serde::{Deserialize, Serialize};

/// Where something happened in the target's code: a frame outside the import system.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Place {
    /// `__name__` of the frame's module (`__coldstart__` for the statement itself).
    pub module: String,
    pub file: String,
    pub line: u32,
}

/// The first touch of a deferred module: the frame, the phase and the attribute read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Touch {
    #[serde(flatten)]
    pub place: Place,
    /// `import` (during the timed statement) or `workload`.
    pub phase: String,
    /// The attribute whose access reified the module (`__spec__`: imported again elsewhere;
    /// `__path__`: `from m import x` or a submodule import).
    pub attr: String,
}

/// How a named module fared in a deferred run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeferStatus {
    /// Its loader was wrapped in LazyLoader.
    Deferred,
    /// The statement never imported it (or it was loaded before the statement).
    NotImported,
    /// Imported, but its loader cannot be made lazy (see `loader`).
    NotDeferrable,
}

/// One `deferred` record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deferred {
    pub name: String,
    pub status: DeferStatus,
    /// Loader kind (`source`, `extension`, `builtin`, `frozen`, `namespace`, `future`, ...).
    pub loader: Option<String>,
    /// The frame whose import statement first imported it.
    pub imported_at: Option<Place>,
    pub touched: Option<Touch>,
    /// Still not executed after the statement / after the workload (`None`: no workload ran).
    pub lazy_after_import: bool,
    pub lazy_after_workload: Option<bool>,
}

/// The statement (or the workload) raised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    /// `import` or `workload`.
    pub phase: String,
    /// `Type: message`.
    pub error: String,
    /// The innermost frame of the target's code the exception passed through.
    pub at: Option<Place>,
}

/// One import statement executed by the statement (survey mode).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ImportStmt {
    pub importer: String,
    pub file: String,
    pub line: u32,
    /// The absolute module name the statement imports (`from . import x` in `pkg`: `pkg`).
    pub module: String,
    /// The names of `from module import names`; `None` for `import module`.
    pub names: Option<Vec<String>>,
}

/// One record, by `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Record {
    Setup {
        mode: String,
        python: String,
    },
    Failure {
        phase: String,
        error: String,
        at: Option<Place>,
    },
    Workload {
        ns: u64,
        modules: u64,
        failure: Option<Failure>,
    },
    Deferred(Deferred),
    Module {
        name: String,
        loader: String,
    },
    Import(ImportStmt),
}

/// Everything one child reported about the experiment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Experiment {
    pub python: String,
    pub failure: Option<Failure>,
    /// Duration of the workload and its failure, when one ran.
    pub workload_ns: Option<u64>,
    pub workload_failure: Option<Failure>,
    pub deferred: Vec<Deferred>,
    /// Survey: (module, loader kind) for every module the statement loaded.
    pub loaders: Vec<(String, String)>,
    /// Survey: the import statements executed.
    pub imports: Vec<ImportStmt>,
}

impl Experiment {
    /// Types the records; an error names the first record that is not one of ours.
    pub fn from_values(values: &[serde_json::Value]) -> Result<Experiment, String> {
        let mut out = Experiment::default();
        for (i, value) in values.iter().enumerate() {
            let record: Record = serde_json::from_value(value.clone())
                .map_err(|e| format!("lazy-import record {i} is malformed: {e}"))?;
            match record {
                Record::Setup { python, .. } => out.python = python,
                Record::Failure { phase, error, at } => {
                    out.failure = Some(Failure { phase, error, at })
                }
                Record::Workload { ns, failure, .. } => {
                    out.workload_ns = Some(ns);
                    out.workload_failure = failure;
                }
                Record::Deferred(d) => out.deferred.push(d),
                Record::Module { name, loader } => out.loaders.push((name, loader)),
                Record::Import(stmt) => out.imports.push(stmt),
            }
        }
        Ok(out)
    }

    pub fn deferred(&self, name: &str) -> Option<&Deferred> {
        self.deferred.iter().find(|d| d.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn records_are_typed() {
        let values = vec![
            json!({"kind": "setup", "mode": "defer", "python": "3.11.7"}),
            json!({"kind": "workload", "ns": 5, "modules": 70, "failure": null}),
            json!({"kind": "deferred", "name": "heavy_attr", "status": "deferred",
                   "loader": "source",
                   "imported_at": {"module": "pkg", "file": "/p/pkg/__init__.py", "line": 3},
                   "touched": {"module": "pkg", "file": "/p/pkg/__init__.py", "line": 7,
                               "phase": "import", "attr": "VALUE"},
                   "lazy_after_import": false, "lazy_after_workload": false}),
            json!({"kind": "module", "name": "heavy_attr", "loader": "source"}),
            json!({"kind": "import", "importer": "pkg", "file": "/p/pkg/__init__.py",
                   "line": 3, "module": "heavy_attr", "names": null}),
        ];
        let e = Experiment::from_values(&values).unwrap();
        assert_eq!(e.python, "3.11.7");
        assert_eq!(e.workload_ns, Some(5));
        let d = e.deferred("heavy_attr").unwrap();
        assert_eq!(d.status, DeferStatus::Deferred);
        let touch = d.touched.as_ref().unwrap();
        assert_eq!((touch.place.line, touch.attr.as_str()), (7, "VALUE"));
        assert_eq!(e.loaders, vec![("heavy_attr".into(), "source".into())]);
        assert_eq!(e.imports[0].names, None);
    }

    #[test]
    fn a_foreign_record_is_an_error() {
        let err = Experiment::from_values(&[json!({"kind": "bogus"})]).unwrap_err();
        assert!(err.contains("record 0"), "{err}");
        let err = Experiment::from_values(&[json!({"kind": "deferred", "name": 1})]).unwrap_err();
        assert!(err.contains("malformed"), "{err}");
    }
}
