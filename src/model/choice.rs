//! The values of choice flags, shared by the command line (clap's `ValueEnum`) and the
//! configuration file (serde, the same kebab-case names): a file says `pyc = "as-is"` exactly as
//! the command line says `--pyc as-is`, and both are checked by the same type.
use clap::ValueEnum;
use serde::{Deserialize, Serialize};

/// `--color` / `color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// `--format` of `tree`, `why`, `config` and `cache`: text or one JSON document (these reports
/// have no Markdown or JUnit form).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextFormat {
    Terminal,
    Json,
}

/// `--effect-size` / `effect_size`: what `--min-effect` is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EffectSize {
    Estimate,
    MedianDifference,
}

/// `--statistic` / `budgets.statistic`: which statistic of the samples a budget applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Statistic {
    Median,
    Mean,
    P95,
    Max,
}

/// `--metric` / `metric` of `ab` (issue 14): import time, or instructions counted under callgrind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Metric {
    Time,
    Instructions,
}

/// The names a choice accepts, as `a, b or c` (for messages).
pub fn names<T: ValueEnum>() -> String {
    let names: Vec<String> = T::value_variants()
        .iter()
        .filter_map(|v| v.to_possible_value())
        .map(|p| p.get_name().to_string())
        .collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

/// The name of `value` on the command line and in the file (`as-is`, `median-difference`).
pub fn name<T: ValueEnum>(value: T) -> String {
    value
        .to_possible_value()
        .map(|p| p.get_name().to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Format, Pyc};

    /// The command line and the file spell every value alike.
    fn same_names<T: ValueEnum + Serialize>() {
        for v in T::value_variants() {
            let serde = serde_json::to_value(v).unwrap();
            assert_eq!(serde, serde_json::Value::from(name(v.clone())));
        }
    }

    #[test]
    fn clap_and_serde_names_agree() {
        same_names::<Color>();
        same_names::<TextFormat>();
        same_names::<EffectSize>();
        same_names::<Statistic>();
        same_names::<Metric>();
        same_names::<Pyc>();
        same_names::<Format>();
        assert_eq!(names::<Pyc>(), "warm, cold or as-is");
    }
}
