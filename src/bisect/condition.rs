//! What `bisect` looks for. Exact conditions are decided from one sample's module set (it is
//! deterministic); `--slower` by the paired gate's verdict against GOOD, and `--metric
//! instructions` by the count gate's against GOOD's counts, where an inconclusive verdict (pairs
//! that do not settle, counts that vary) is a skip.
use serde::Serialize;

use super::search::Mark;

/// The condition whose first appearance is searched for.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Condition {
    /// `--forbid X`: module X is loaded.
    Forbid { module: String },
    /// `--max-modules N`: more than N modules are loaded after the import.
    MaxModules { max: usize },
    /// `--new-package P`: a module of top-level package P is loaded.
    NewPackage { package: String },
    /// `--module-added M`: M or a module under it (`M.x`) is loaded.
    ModuleAdded { module: String },
    /// `--slower PERCENT`: the import is slower than GOOD's by more than PERCENT (paired gate).
    Slower { percent: f64 },
    /// `--metric instructions [--slower PERCENT]`: the import executes more instructions than
    /// GOOD's by more than PERCENT (count gate, counted under callgrind).
    Instructions { percent: f64 },
}

/// The timing (or count) gate's answer for one commit, as far as the search cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimingVerdict {
    Regression,
    Unchanged,
    Improvement,
    Inconclusive,
}

impl Condition {
    /// One line for reports: what "bad" means.
    pub fn describe(&self) -> String {
        match self {
            Condition::Forbid { module } => format!("{module} is loaded"),
            Condition::MaxModules { max } => format!("more than {max} modules are loaded"),
            Condition::NewPackage { package } => format!("top-level package {package} is loaded"),
            Condition::ModuleAdded { module } => format!("{module} or a submodule is loaded"),
            Condition::Slower { percent } => {
                format!("the import is more than {percent} % slower than GOOD's")
            }
            Condition::Instructions { percent } => {
                format!("the import executes more than {percent} % more instructions than GOOD's")
            }
        }
    }

    /// True for the conditions decided by one sample's module set.
    pub fn is_exact(&self) -> bool {
        !matches!(
            self,
            Condition::Slower { .. } | Condition::Instructions { .. }
        )
    }

    /// The mark of a commit whose import loaded `loaded` (an exact condition).
    pub fn judge_modules<S: AsRef<str>>(&self, loaded: &[S]) -> Mark {
        let names = || loaded.iter().map(AsRef::as_ref);
        let holds = match self {
            Condition::Forbid { module } => names().any(|m| m == module),
            Condition::MaxModules { max } => loaded.len() > *max,
            Condition::NewPackage { package } => {
                names().any(|m| m.split('.').next() == Some(package.as_str()))
            }
            Condition::ModuleAdded { module } => names().any(|m| {
                m == module
                    || m.strip_prefix(module.as_str())
                        .is_some_and(|rest| rest.starts_with('.'))
            }),
            Condition::Slower { .. } | Condition::Instructions { .. } => return Mark::Skip,
        };
        if holds { Mark::Bad } else { Mark::Good }
    }

    /// The mark of a commit from the paired (or count) gate's verdict against GOOD.
    pub fn judge_timing(verdict: TimingVerdict) -> Mark {
        match verdict {
            TimingVerdict::Regression => Mark::Bad,
            TimingVerdict::Unchanged | TimingVerdict::Improvement => Mark::Good,
            TimingVerdict::Inconclusive => Mark::Skip,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_conditions_read_the_module_set() {
        let loaded = ["json", "xml", "xml.dom", "xml.dom.minidom", "pkg"];
        let forbid = |m: &str| Condition::Forbid { module: m.into() };
        assert_eq!(forbid("xml.dom.minidom").judge_modules(&loaded), Mark::Bad);
        assert_eq!(forbid("xml.dom.mini").judge_modules(&loaded), Mark::Good);
        let added = |m: &str| Condition::ModuleAdded { module: m.into() };
        assert_eq!(added("xml.dom").judge_modules(&loaded), Mark::Bad);
        assert_eq!(added("xml.do").judge_modules(&loaded), Mark::Good);
        let package = |p: &str| Condition::NewPackage { package: p.into() };
        assert_eq!(package("xml").judge_modules(&loaded), Mark::Bad);
        assert_eq!(package("email").judge_modules(&loaded), Mark::Good);
        assert_eq!(
            Condition::MaxModules { max: 5 }.judge_modules(&loaded),
            Mark::Good
        );
        assert_eq!(
            Condition::MaxModules { max: 4 }.judge_modules(&loaded),
            Mark::Bad
        );
    }

    #[test]
    fn inconclusive_timing_is_a_skip() {
        assert_eq!(
            Condition::judge_timing(TimingVerdict::Regression),
            Mark::Bad
        );
        assert_eq!(
            Condition::judge_timing(TimingVerdict::Improvement),
            Mark::Good
        );
        assert_eq!(
            Condition::judge_timing(TimingVerdict::Inconclusive),
            Mark::Skip
        );
        assert!(!Condition::Slower { percent: 10.0 }.is_exact());
        let counted = Condition::Instructions { percent: 1.0 };
        assert!(!counted.is_exact());
        assert_eq!(counted.judge_modules(&["json"]), Mark::Skip);
        assert_eq!(
            counted.describe(),
            "the import executes more than 1 % more instructions than GOOD's"
        );
        assert_eq!(
            serde_json::to_value(&counted).unwrap(),
            serde_json::json!({"kind": "instructions", "percent": 1.0})
        );
        assert_eq!(
            serde_json::to_value(Condition::Slower { percent: 10.0 }).unwrap(),
            serde_json::json!({"kind": "slower", "percent": 10.0})
        );
    }
}
