//! Absolute budgets on a result file ("import under 300 ms, under 600 modules, paramiko not
//! loaded"): parsing `TARGET=VALUE` specs and checking them. Pure.
use crate::error::{Error, Result};
use crate::model::names::count_package;
use crate::results::{ResultFile, TargetResult};
use crate::stats::summary::{Statistic, Summary};
use serde::{Deserialize, Serialize};

/// A limit that applies to every target or to one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Limit<T> {
    /// None: every target.
    pub target: Option<String>,
    pub value: T,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Budgets {
    pub max_import_ms: Vec<Limit<f64>>,
    pub max_wall_ms: Vec<Limit<f64>>,
    /// Modules the import loaded beyond start-up.
    pub max_modules: Vec<Limit<usize>>,
    /// len(sys.modules) after the import, start-up included.
    #[serde(default)]
    pub max_total_modules: Vec<Limit<usize>>,
    /// Per package prefix, applied to every target.
    pub max_package_modules: Vec<(String, usize)>,
    pub forbid: Vec<String>,
    pub max_peak_rss_mib: Vec<Limit<f64>>,
    pub statistic: Option<Statistic>,
    /// `--max-instructions` (issue 14): on the median count of a result taken with
    /// `--metric instructions`.
    #[serde(default)]
    pub max_instructions: Vec<Limit<u64>>,
}

/// The version of the `check --format json` document (docs/results-format.md).
pub const CHECK_FORMAT_VERSION: u32 = 1;

/// What one budget measured, as numbers with their unit in the field name (`kind` tags it in
/// JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Measured {
    ImportMs {
        limit_ms: f64,
        actual_ms: f64,
    },
    WallMs {
        limit_ms: f64,
        actual_ms: f64,
    },
    /// `actual_mib` is `None` when the file has no peak-memory samples (the budget fails).
    PeakRssMib {
        limit_mib: f64,
        actual_mib: Option<f64>,
    },
    /// Modules the statement loaded beyond start-up (`--max-modules`).
    Modules {
        limit_modules: usize,
        actual_modules: usize,
    },
    /// Every module in `sys.modules` after the import, start-up included
    /// (`--max-total-modules`).
    TotalModules {
        limit_modules: usize,
        actual_modules: usize,
    },
    PackageModules {
        package: String,
        limit_modules: usize,
        actual_modules: usize,
    },
    Forbidden {
        module: String,
        loaded: bool,
    },
    /// The median instruction count (`--max-instructions`); `None` when the file has no counts
    /// (the budget fails).
    Instructions {
        limit_instructions: u64,
        actual_instructions: Option<u64>,
    },
}

impl Measured {
    /// The measured value as the reports print it: `50.58 ms`, `103`, `loaded`.
    pub fn actual_text(&self) -> String {
        match self {
            Measured::ImportMs { actual_ms, .. } | Measured::WallMs { actual_ms, .. } => {
                format!("{actual_ms:.2} ms")
            }
            Measured::PeakRssMib { actual_mib, .. } => {
                actual_mib.map_or("not measured".into(), |v| format!("{v:.1} MiB"))
            }
            Measured::Modules { actual_modules, .. }
            | Measured::TotalModules { actual_modules, .. }
            | Measured::PackageModules { actual_modules, .. } => actual_modules.to_string(),
            Measured::Forbidden { loaded: true, .. } => "loaded".into(),
            Measured::Forbidden { loaded: false, .. } => "not loaded".into(),
            Measured::Instructions {
                actual_instructions,
                ..
            } => actual_instructions.map_or("not counted".into(), |n| {
                crate::stats::instructions::grouped(n)
            }),
        }
    }
}

/// The outcome of one budget on one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    pub target: String,
    /// The budget in words, e.g. `median import <= 300 ms`.
    pub budget: String,
    #[serde(flatten)]
    pub measured: Measured,
    pub passed: bool,
}

impl CheckResult {
    pub fn actual_text(&self) -> String {
        self.measured.actual_text()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckReport {
    pub format_version: u32,
    pub file: Option<String>,
    pub statistic: Statistic,
    /// Every budget held.
    pub passed: bool,
    pub budgets_checked: usize,
    pub budgets_exceeded: usize,
    pub checks: Vec<CheckResult>,
}

impl CheckReport {
    fn new(file: Option<String>, statistic: Statistic, checks: Vec<CheckResult>) -> CheckReport {
        let exceeded = checks.iter().filter(|c| !c.passed).count();
        CheckReport {
            format_version: CHECK_FORMAT_VERSION,
            file,
            statistic,
            passed: exceeded == 0,
            budgets_checked: checks.len(),
            budgets_exceeded: exceeded,
            checks,
        }
    }
    pub fn passed(&self) -> bool {
        self.passed
    }
    pub fn failures(&self) -> impl Iterator<Item = &CheckResult> {
        self.checks.iter().filter(|c| !c.passed)
    }
}

impl Budgets {
    pub fn is_empty(&self) -> bool {
        self.max_import_ms.is_empty()
            && self.max_wall_ms.is_empty()
            && self.max_modules.is_empty()
            && self.max_total_modules.is_empty()
            && self.max_package_modules.is_empty()
            && self.forbid.is_empty()
            && self.max_peak_rss_mib.is_empty()
            && self.max_instructions.is_empty()
    }
}

/// Parses `[TARGET=]VALUE` for the flag `flag`.
pub fn parse_limit<T: std::str::FromStr>(flag: &str, spec: &str) -> Result<Limit<T>> {
    let (target, value) = match spec.rsplit_once('=') {
        Some((t, v)) => (Some(t.trim().to_string()), v.trim()),
        None => (None, spec.trim()),
    };
    let bad = || {
        Error::Usage(format!(
            "{flag} '{spec}' is not [TARGET=]NUMBER (e.g. {flag} 300 or {flag} mypkg=300)"
        ))
    };
    if target.as_deref() == Some("") {
        return Err(bad());
    }
    let value = value.parse().map_err(|_| bad())?;
    Ok(Limit { target, value })
}

/// Parses `PREFIX=N` for `--max-package-modules`.
pub fn parse_package_limit(spec: &str) -> Result<(String, usize)> {
    spec.split_once('=')
        .and_then(|(p, n)| Some((p.trim().to_string(), n.trim().parse().ok()?)))
        .filter(|(p, _)| crate::model::is_module_name(p))
        .ok_or_else(|| Error::Usage(format!("--max-package-modules '{spec}' is not PREFIX=N (e.g. --max-package-modules mypkg=50)")))
}

fn applies<T>(limit: &Limit<T>, t: &TargetResult) -> bool {
    limit.target.as_deref().is_none_or(|name| name == t.name)
}

/// Checks every budget against every target it applies to. A budget naming an unknown target is
/// an error (a typo must not pass silently).
pub fn check(result: &ResultFile, budgets: &Budgets, file: Option<String>) -> Result<CheckReport> {
    let stat = budgets.statistic.unwrap_or(Statistic::Median);
    if result.targets.is_empty() {
        return Err(Error::Usage(
            "the result file has no targets, so no budget can be checked; measure some with coldstart run MODULE".into(),
        ));
    }
    if !budgets.max_instructions.is_empty() && result.instructions.is_none() {
        return Err(Error::Usage(
            "--max-instructions needs a result with instruction counts, and this one has none; measure it with coldstart run --metric instructions".into(),
        ));
    }
    let names: Vec<&str> = result.targets.iter().map(|t| t.name.as_str()).collect();
    let targets_named = budgets
        .max_import_ms
        .iter()
        .chain(&budgets.max_wall_ms)
        .chain(&budgets.max_peak_rss_mib)
        .filter_map(|l| l.target.as_deref())
        .chain(
            budgets
                .max_modules
                .iter()
                .chain(&budgets.max_total_modules)
                .filter_map(|l| l.target.as_deref()),
        )
        .chain(
            budgets
                .max_instructions
                .iter()
                .filter_map(|l| l.target.as_deref()),
        );
    for name in targets_named {
        if !names.contains(&name) {
            return Err(Error::UnknownTarget {
                name: name.to_string(),
                available: names.iter().map(|n| n.to_string()).collect(),
            });
        }
    }
    let mut checks = Vec::new();
    let s = stat.as_str();
    for t in &result.targets {
        let mut push = |budget: String, measured: Measured, passed: bool| {
            checks.push(CheckResult {
                target: t.name.clone(),
                budget,
                measured,
                passed,
            });
        };
        let timed = |summary: &Summary| summary.get(stat);
        for l in budgets.max_import_ms.iter().filter(|l| applies(l, t)) {
            let v = timed(&t.summary.import_ms);
            push(
                format!("{s} import <= {} ms", l.value),
                Measured::ImportMs {
                    limit_ms: l.value,
                    actual_ms: v,
                },
                v <= l.value,
            );
        }
        for l in budgets.max_wall_ms.iter().filter(|l| applies(l, t)) {
            let v = timed(&t.summary.wall_ms);
            push(
                format!("{s} wall <= {} ms", l.value),
                Measured::WallMs {
                    limit_ms: l.value,
                    actual_ms: v,
                },
                v <= l.value,
            );
        }
        for l in budgets.max_peak_rss_mib.iter().filter(|l| applies(l, t)) {
            let v = t
                .summary
                .peak_rss_kib
                .as_ref()
                .map(|rss| timed(rss) / 1024.0);
            push(
                format!("{s} peak memory <= {} MiB", l.value),
                Measured::PeakRssMib {
                    limit_mib: l.value,
                    actual_mib: v,
                },
                v.is_some_and(|v| v <= l.value),
            );
        }
        for l in budgets.max_instructions.iter().filter(|l| applies(l, t)) {
            let budget = format!("median instructions <= {}", l.value);
            let actual = t.instructions.as_ref().map(|c| c.summary.median);
            push(
                budget,
                Measured::Instructions {
                    limit_instructions: l.value,
                    actual_instructions: actual,
                },
                actual.is_some_and(|n| n <= l.value),
            );
        }
        for l in budgets.max_modules.iter().filter(|l| applies(l, t)) {
            let v = t.modules.imported_count();
            push(
                format!("modules beyond start-up <= {}", l.value),
                Measured::Modules {
                    limit_modules: l.value,
                    actual_modules: v,
                },
                v <= l.value,
            );
        }
        for l in budgets.max_total_modules.iter().filter(|l| applies(l, t)) {
            let v = t.modules.total;
            push(
                format!("modules in total <= {}", l.value),
                Measured::TotalModules {
                    limit_modules: l.value,
                    actual_modules: v,
                },
                v <= l.value,
            );
        }
        for (prefix, max) in &budgets.max_package_modules {
            let imported: Vec<String> = t.modules.imported().into_iter().cloned().collect();
            let v = count_package(&imported, prefix);
            push(
                format!("{prefix} modules <= {max}"),
                Measured::PackageModules {
                    package: prefix.clone(),
                    limit_modules: *max,
                    actual_modules: v,
                },
                v <= *max,
            );
        }
        for m in &budgets.forbid {
            let loaded = t
                .forbidden
                .get(m)
                .copied()
                .unwrap_or_else(|| t.modules.imported().contains(&m));
            push(
                format!("{m} forbidden"),
                Measured::Forbidden {
                    module: m.clone(),
                    loaded,
                },
                !loaded,
            );
        }
    }
    if checks.is_empty() {
        return Err(Error::Usage(
            "no budget applies to the result's targets, so nothing was checked; name a target the file has (TARGET=VALUE) or give a budget for all".into(),
        ));
    }
    Ok(CheckReport::new(file, stat, checks))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_parse_with_and_without_target() {
        let l: Limit<f64> = parse_limit("--max-import-ms", "300").unwrap();
        assert_eq!(
            l,
            Limit {
                target: None,
                value: 300.0
            }
        );
        let l: Limit<usize> = parse_limit("--max-modules", "a.b=600").unwrap();
        assert_eq!(
            l,
            Limit {
                target: Some("a.b".into()),
                value: 600
            }
        );
        assert!(
            parse_limit::<f64>("--max-import-ms", "x")
                .unwrap_err()
                .to_string()
                .contains("--max-import-ms")
        );
        assert!(parse_limit::<f64>("--max-import-ms", "=3").is_err());
        assert_eq!(parse_package_limit("pkg=5").unwrap(), ("pkg".into(), 5));
        assert!(parse_package_limit("pkg").is_err());
    }
}
