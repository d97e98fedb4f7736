//! The regression gate and the absolute budgets: their flags over the file, validated.
use super::switch;
use crate::cli::{BudgetArgs, GateArgs};
use crate::config::defaults as d;
use crate::config::{BudgetConfig, FileConfig, PerTarget};
use crate::error::{Error, Result};
use crate::model::choice::{EffectSize as EffectChoice, Statistic as StatisticChoice};
use crate::model::is_module_name;
use crate::stats::paired::{EffectSize, GateParams};
use crate::stats::summary::Statistic;
use crate::verdict::budget::{self, Budgets, Limit};
use crate::verdict::compare::GateOptions;

/// Which threshold applies: interleaved pairs (`threshold`), two stored files
/// (`compare_threshold`, wider: they were taken at different times) or instruction counts
/// (`--threshold` only: the file's two are time thresholds; narrower, counts are exact).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threshold {
    Pairs,
    Files,
    Counts,
}

/// The validated gate and whether its failure still exits 0 (also in `options`, which result
/// files store).
#[derive(Debug, Clone, Copy)]
pub struct Gate {
    pub options: GateOptions,
    pub report_only: bool,
}

/// Validates the gate flags over the file.
pub fn gate(args: &GateArgs, file: &FileConfig, kind: Threshold) -> Result<Gate> {
    let report_only = switch(args.report_only, file.report_only);
    let threshold = match kind {
        Threshold::Pairs => args.threshold.or(file.threshold).unwrap_or(d::THRESHOLD),
        // The file's thresholds are for time: the count gate keeps its own default.
        Threshold::Counts => args
            .threshold
            .unwrap_or(crate::stats::instructions::DEFAULT_THRESHOLD * 100.0),
        Threshold::Files => args
            .threshold
            .or(file.compare_threshold)
            .unwrap_or(d::COMPARE_THRESHOLD),
    };
    if !(threshold > 0.0 && threshold < 1000.0) {
        return Err(Error::Usage(
            "--threshold is a percentage above 0, e.g. --threshold 5".into(),
        ));
    }
    let min_effect = args
        .min_effect
        .or(file.min_effect)
        .unwrap_or(d::MIN_EFFECT_MS);
    if !(min_effect >= 0.0 && min_effect.is_finite()) {
        return Err(Error::Usage(
            "--min-effect is a non-negative number of milliseconds".into(),
        ));
    }
    let effect = match args
        .effect_size
        .or(file.effect_size)
        .unwrap_or(d::EFFECT_SIZE)
    {
        EffectChoice::Estimate => EffectSize::Estimate,
        EffectChoice::MedianDifference => EffectSize::MedianDifference,
    };
    Ok(Gate {
        options: GateOptions {
            params: GateParams {
                threshold: threshold / 100.0,
                min_effect_ms: min_effect,
                effect,
            },
            fail_on_new_modules: switch(args.fail_on_new_modules, file.fail_on_new_modules),
            report_only,
        },
        report_only,
    })
}

/// Validates the budget flags over the file's `[budgets]` (each kind of budget given on the
/// command line replaces the file's of that kind); `forbid` are the modules that must not load.
pub fn budgets(
    args: &BudgetArgs,
    file: Option<&BudgetConfig>,
    forbid: &[String],
) -> Result<Budgets> {
    let none = BudgetConfig::default();
    let file = file.unwrap_or(&none);
    for m in forbid {
        if !is_module_name(m) {
            return Err(Error::NotModuleName {
                flag: Some("--forbid"),
                name: m.clone(),
                hint: "",
            });
        }
    }
    let max_package_modules = if args.max_package_modules.is_empty() {
        let limits: Vec<(String, usize)> = file
            .max_package_modules
            .iter()
            .flatten()
            .map(|(p, n)| (p.clone(), *n))
            .collect();
        if let Some((p, _)) = limits.iter().find(|(p, _)| !is_module_name(p)) {
            return Err(Error::Usage(format!(
                "budgets.max_package_modules: '{p}' is not a dotted package prefix; name it as Python imports it"
            )));
        }
        limits
    } else {
        args.max_package_modules
            .iter()
            .map(|s| budget::parse_package_limit(s))
            .collect::<Result<_>>()?
    };
    Ok(Budgets {
        max_import_ms: times("--max-import-ms", &args.max_import_ms, &file.max_import_ms)?,
        max_wall_ms: times("--max-wall-ms", &args.max_wall_ms, &file.max_wall_ms)?,
        max_modules: if args.max_modules.is_empty() {
            from_file(&file.max_modules)
        } else {
            args.max_modules
                .iter()
                .map(|s| budget::parse_limit("--max-modules", s))
                .collect::<Result<_>>()?
        },
        max_total_modules: if args.max_total_modules.is_empty() {
            from_file(&file.max_total_modules)
        } else {
            args.max_total_modules
                .iter()
                .map(|s| budget::parse_limit("--max-total-modules", s))
                .collect::<Result<_>>()?
        },
        max_package_modules,
        forbid: forbid.to_vec(),
        max_instructions: instructions(&args.max_instructions, &file.max_instructions)?,
        max_peak_rss_mib: times(
            "--max-peak-rss-mib",
            &args.max_peak_rss_mib,
            &file.max_peak_rss_mib,
        )?,
        statistic: args.statistic.or(file.statistic).map(|s| match s {
            StatisticChoice::Median => Statistic::Median,
            StatisticChoice::Mean => Statistic::Mean,
            StatisticChoice::P95 => Statistic::P95,
            StatisticChoice::Max => Statistic::Max,
        }),
    })
}

/// Instruction-count limits: the flag's specs, else the file's; each a positive count.
fn instructions(specs: &[String], file: &Option<PerTarget<u64>>) -> Result<Vec<Limit<u64>>> {
    let limits = if specs.is_empty() {
        from_file(file)
    } else {
        specs
            .iter()
            .map(|s| budget::parse_limit::<u64>("--max-instructions", s))
            .collect::<Result<_>>()?
    };
    if limits.iter().any(|l| l.value == 0) {
        return Err(Error::Usage(
            "--max-instructions (or budgets.max_instructions) must be a positive count (e.g. --max-instructions 50000000)".into(),
        ));
    }
    Ok(limits)
}

/// The file's limits of one kind.
fn from_file<T: Clone>(limit: &Option<PerTarget<T>>) -> Vec<Limit<T>> {
    match limit {
        None => Vec::new(),
        Some(PerTarget::All(v)) => vec![Limit {
            target: None,
            value: v.clone(),
        }],
        Some(PerTarget::Each(map)) => map
            .iter()
            .map(|(t, v)| Limit {
                target: Some(t.clone()),
                value: v.clone(),
            })
            .collect(),
    }
}

/// Time or memory limits: the flag's specs, else the file's; each positive and finite (NaN,
/// infinite, zero or negative budgets can never be met, or always are).
fn times(flag: &str, specs: &[String], file: &Option<PerTarget<f64>>) -> Result<Vec<Limit<f64>>> {
    let bad = |shown: String| {
        Error::Usage(format!(
            "{shown} must be a positive, finite number (e.g. {flag} 300)"
        ))
    };
    if specs.is_empty() {
        let limits = from_file(file);
        if let Some(l) = limits
            .iter()
            .find(|l| !(l.value > 0.0 && l.value.is_finite()))
        {
            let key = format!(
                "budgets.{}",
                flag.trim_start_matches("--").replace('-', "_")
            );
            return Err(bad(match &l.target {
                Some(t) => format!("{key}.{t} = {}", l.value),
                None => format!("{key} = {}", l.value),
            }));
        }
        return Ok(limits);
    }
    specs
        .iter()
        .map(|s| {
            let limit = budget::parse_limit::<f64>(flag, s)?;
            if limit.value > 0.0 && limit.value.is_finite() {
                Ok(limit)
            } else {
                Err(bad(format!("{flag} '{s}'")))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_files_thresholds_are_for_time_and_the_count_gate_keeps_its_default() {
        let file: FileConfig =
            toml::from_str("threshold = 5\ncompare_threshold = 10\nreport_only = true\n").unwrap();
        let none = GateArgs::default();
        let percent = |kind| gate(&none, &file, kind).unwrap().options.params.threshold * 100.0;
        assert_eq!(percent(Threshold::Pairs), 5.0);
        assert_eq!(percent(Threshold::Files), 10.0);
        assert!((percent(Threshold::Counts) - 1.0).abs() < 1e-9);
        let given = GateArgs {
            threshold: Some(2.0),
            ..GateArgs::default()
        };
        let g = gate(&given, &file, Threshold::Counts).unwrap();
        assert_eq!(g.options.params.threshold, 0.02);
        assert!(g.report_only && g.options.report_only);
    }
}
