//! Turns one side's raw samples into a `ResultFile`: unit conversion, summaries, module counts and
//! the warnings a user should act on. Pure: everything it needs is passed in.
use super::*;
use crate::measure::session::{SideData, TargetData};
use crate::model::names::count_package;
use crate::model::words::count;
use crate::model::{Measure, Target};
use std::collections::BTreeSet;

/// Coefficient of variation of import time above which a target gets a warning.
pub const HIGH_CV: f64 = 0.10;

/// What the result needs besides the samples.
pub struct Context<'a> {
    pub measure: &'a Measure,
    pub runs: usize,
    pub warmup: usize,
    pub label: Option<String>,
    pub interpreter: Interpreter,
    /// The side's installed distributions ([`crate::probe::PythonProbe::installed`]).
    pub installed: crate::probe::installed::Installed,
    pub host: HostInfo,
    pub git: Option<GitInfo>,
    pub noise: Option<Noise>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

fn ms(ns: u64) -> f64 {
    ns as f64 / 1e6
}

use super::validate::{summaries, summary};

pub fn build(ctx: &Context, side: &SideData) -> ResultFile {
    let m = ctx.measure;
    let startup: Vec<f64> = side.startup_ns.iter().map(|&ns| ms(ns)).collect();
    let anchor = m
        .anchor
        .as_ref()
        .filter(|_| !side.anchor.is_empty())
        .map(|statement| {
            let samples: Vec<AnchorSample> = side
                .anchor
                .iter()
                .map(|s| AnchorSample {
                    import_ms: ms(s.report.import_ns),
                    wall_ms: ms(s.wall_ns),
                })
                .collect();
            let import: Vec<f64> = samples.iter().map(|s| s.import_ms).collect();
            Anchor {
                statement: statement.clone(),
                summary: summary(&import),
                samples,
            }
        });
    let mut warnings = m.warnings.clone();
    warnings.extend(ctx.installed.warning.clone());
    warnings.extend(crate::sys::host::busy_warning(
        &ctx.host,
        ctx.noise.as_ref(),
    ));
    ResultFile {
        format_version: FORMAT_VERSION,
        tool: Tool {
            name: "coldstart".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        created_at: ctx
            .created_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        label: ctx.label.clone(),
        environment: Environment {
            python: ctx.interpreter.clone(),
            host: ctx.host.clone(),
            git: ctx.git.clone(),
            distributions: ctx.installed.distributions.clone(),
        },
        settings: RunSettings {
            runs: ctx.runs,
            warmup: ctx.warmup,
            pyc: m.pyc,
            anchor: m.anchor.clone(),
            timeout_s: m.timeout.as_secs_f64(),
            env: m.env_overrides.clone(),
            path: m.paths.iter().map(|p| p.display().to_string()).collect(),
            dropped_env: m.dropped_env.clone(),
            forbid: m.forbid.clone(),
            config_file: m.config_file.as_ref().map(|p| p.display().to_string()),
        },
        startup_ms: Startup {
            median: if startup.is_empty() {
                0.0
            } else {
                summary(&startup).median
            },
            samples: startup,
        },
        anchor,
        noise: ctx.noise,
        targets: m
            .targets
            .iter()
            .zip(&side.targets)
            .map(|(t, data)| target(t, data, m))
            .collect(),
        warnings,
        instructions: None,
    }
}

fn target(t: &Target, data: &TargetData, m: &Measure) -> TargetResult {
    let samples: Vec<Sample> = data
        .samples
        .iter()
        .zip(&data.anchor_index)
        .map(|(s, anchor_index)| Sample {
            import_ms: ms(s.report.import_ns),
            import_cpu_ms: ms(s.report.import_cpu_ns),
            wall_ms: ms(s.wall_ns),
            cpu_ms: ms(s.cpu_ns),
            peak_rss_kib: s.report.peak_rss_kib,
            modules: s.report.modules.len(),
            startup_modules: s.report.startup_modules as usize,
            run_delay_ms: s.run_delay_ns.map(ms),
            anchor_index: *anchor_index,
        })
        .collect();
    let summaries = summaries(&samples);
    let first = &data.samples[0].report;
    let loaded = first.modules.clone();
    let imported: Vec<String> = loaded
        .iter()
        .filter(|m| !first.startup_names.contains(m))
        .cloned()
        .collect();
    let mut union = BTreeSet::new();
    for s in &data.samples {
        union.extend(s.report.modules.iter().map(String::as_str));
    }
    let varying: Vec<String> = union
        .into_iter()
        .filter(|name| {
            !data.samples.iter().all(|s| {
                s.report
                    .modules
                    .binary_search_by(|m| m.as_str().cmp(name))
                    .is_ok()
            })
        })
        .map(str::to_string)
        .collect();
    let forbidden = m
        .forbid
        .iter()
        .map(|f| {
            let loaded = data.samples.iter().any(|s| {
                // Loaded by the statement, not already by start-up (a `.pth` hook).
                s.report.modules.iter().any(|x| x == f)
                    && !s.report.startup_names.iter().any(|x| x == f)
            });
            (f.clone(), loaded)
        })
        .collect();
    let warnings = target_warnings(&samples, &summaries.import_ms, &varying, &data.uncached, m);
    TargetResult {
        name: t.name.clone(),
        statement: t.statement.clone(),
        packages: t.packages.clone(),
        summary: summaries,
        modules: Modules {
            total: loaded.len(),
            startup: first.startup_modules as usize,
            by_package: t
                .packages
                .iter()
                .map(|p| (p.clone(), count_package(&imported, p)))
                .collect(),
            loaded,
            varying,
            startup_loaded: first.startup_names.clone(),
        },
        forbidden,
        uncached: data.uncached.clone(),
        import_tree: (!data.importtime.is_empty()).then(|| {
            let runs: Vec<_> = data
                .importtime
                .iter()
                .map(|t| crate::tree::parse_importtime(t))
                .collect();
            crate::tree::aggregate(&runs)
        }),
        warnings,
        samples,
        instructions: None,
    }
}

fn target_warnings(
    samples: &[Sample],
    import: &Summary,
    varying: &[String],
    uncached: &[String],
    m: &Measure,
) -> Vec<String> {
    let mut w = Vec::new();
    let cv = import.cv();
    if samples.len() >= 3 && cv > HIGH_CV {
        w.push(format!(
            "import time varies a lot (CV {:.0} %); close busy programs or raise --runs",
            cv * 100.0
        ));
    }
    if samples.len() >= 5
        && samples[0].import_ms > import.median
        && import.is_outlier(samples[0].import_ms)
    {
        w.push(format!(
            "the first measured sample ({:.1} ms) is an outlier; raise --warmup",
            samples[0].import_ms
        ));
    }
    if !varying.is_empty() {
        let shown: Vec<&str> = varying.iter().take(5).map(String::as_str).collect();
        w.push(format!(
            "the set of loaded modules differed between samples ({} modules, e.g. {}); the import is not deterministic",
            varying.len(),
            shown.join(", ")
        ));
    }
    if !uncached.is_empty() {
        let shown: Vec<&str> = uncached.iter().take(5).map(String::as_str).collect();
        let fix = match m.pyc {
            Pyc::AsIs => {
                "bytecode writing is disabled; use --pyc warm to measure with a bytecode cache"
            }
            _ => {
                "their __pycache__ directory is not writable; make it writable or set --env PYTHONPYCACHEPREFIX with --pyc as-is"
            }
        };
        w.push(format!(
            "{} compiled from source on every run (e.g. {}): {fix}",
            count(uncached.len(), "module"),
            shown.join(", ")
        ));
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::fake::report;
    use crate::probe::RawSample;

    fn measure() -> Measure {
        crate::settings::tests::measure_of(&["pkg", "--forbid", "heavy", "--forbid", "other"], &[])
            .unwrap()
    }

    fn raw(import_ms: f64, modules: &[&str]) -> RawSample {
        RawSample {
            report: report(import_ms, modules),
            wall_ns: ((import_ms + 20.0) * 1e6) as u64,
            cpu_ns: ((import_ms + 15.0) * 1e6) as u64,
            run_delay_ns: None,
        }
    }

    fn ctx(m: &Measure) -> Context<'_> {
        Context {
            measure: m,
            runs: 3,
            warmup: 1,
            label: Some("x".into()),
            interpreter: Interpreter {
                executable: "/usr/bin/python3".into(),
                version: "3.11.7".into(),
                implementation: "cpython".into(),
            },
            installed: crate::probe::installed::Installed {
                distributions: Some(vec![]),
                warning: None,
            },
            host: HostInfo {
                os: "linux".into(),
                arch: "x86_64".into(),
                cpu_model: None,
                cpus: 2,
                load_avg_1m: Some(0.1),
            },
            git: None,
            noise: None,
            created_at: chrono::DateTime::from_timestamp(0, 0).unwrap(),
        }
    }

    #[test]
    fn counts_true_prefixes_only() {
        let mods: Vec<String> = ["pkg", "pkg.a", "pkg.a.b", "pkgx", "pk"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(count_package(&mods, "pkg"), 3);
        assert_eq!(count_package(&mods, "pkg.a"), 2);
        assert_eq!(count_package(&mods, "p"), 0);
    }

    #[test]
    fn builds_summaries_modules_and_flags() {
        let m = measure();
        let side = SideData {
            startup_ns: vec![10_000_000, 12_000_000],
            anchor: vec![raw(40.0, &[]); 3],
            targets: vec![TargetData {
                samples: vec![
                    raw(10.0, &["heavy", "pkg", "pkg.sub", "sys"]),
                    raw(12.0, &["heavy", "pkg", "pkg.sub", "sys"]),
                    raw(11.0, &["pkg", "pkg.sub", "sys"]),
                ],
                anchor_index: vec![Some(0), Some(1), Some(2)],
                uncached: vec![],
                importtime: vec![],
            }],
        };
        let r = build(&ctx(&m), &side);
        assert_eq!(r.format_version, FORMAT_VERSION);
        assert_eq!(r.created_at, "1970-01-01T00:00:00Z");
        assert_eq!(r.startup_ms.median, 11.0);
        assert_eq!(r.anchor.as_ref().unwrap().samples[0].import_ms, 40.0);
        let t = &r.targets[0];
        assert_eq!(t.summary.import_ms.median, 11.0);
        assert_eq!(t.summary.wall_ms.median, 31.0);
        assert_eq!(t.samples[1].anchor_index, Some(1));
        assert_eq!(t.modules.total, 4);
        assert_eq!(t.modules.by_package["pkg"], 2);
        assert_eq!(t.modules.varying, vec!["heavy"]);
        assert!(t.forbidden["heavy"]);
        assert!(!t.forbidden["other"]);
        assert!(
            t.warnings
                .iter()
                .any(|w| w.contains("differed between samples"))
        );
        // The round trip through JSON is lossless.
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<ResultFile>(&json).unwrap(), r);
    }

    #[test]
    fn the_configuration_file_is_recorded_only_when_one_was_read() {
        let side = SideData {
            targets: vec![TargetData {
                samples: vec![raw(10.0, &["pkg"])],
                anchor_index: vec![None],
                uncached: vec![],
                importtime: vec![],
            }],
            ..SideData::default()
        };
        let none = measure();
        let json = serde_json::to_value(build(&ctx(&none), &side)).unwrap();
        assert!(json["settings"].get("config_file").is_none(), "{json}");
        let read = Measure {
            config_file: Some("/proj/pyproject.toml".into()),
            ..measure()
        };
        let r = build(&ctx(&read), &side);
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["settings"]["config_file"], "/proj/pyproject.toml");
        assert_eq!(serde_json::from_value::<ResultFile>(json).unwrap(), r);
    }

    #[test]
    fn warns_about_uncached_modules_with_the_fix() {
        let m = measure();
        let side = SideData {
            targets: vec![TargetData {
                samples: vec![raw(10.0, &["pkg"])],
                anchor_index: vec![None],
                uncached: vec!["pkg".into()],
                importtime: vec![],
            }],
            ..SideData::default()
        };
        let r = build(&ctx(&m), &side);
        assert!(r.targets[0].warnings[0].contains("compiled from source"));
        assert!(r.anchor.is_none());
    }
}
