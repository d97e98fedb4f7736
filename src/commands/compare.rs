//! `coldstart compare BASE.json CAND.json`: two stored results, normalised through their anchors.
use crate::cli::CompareArgs;
use crate::config::FileConfig;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::render::report::emit;
use crate::results::store;
use crate::settings;
use crate::verdict::compare::{self, environment_differences};

pub fn execute(args: &CompareArgs, file: &FileConfig) -> Result<Exit> {
    let cwd = super::cwd()?;
    let output = super::report_output(&args.output, file, &cwd)?;
    let gate = settings::gate(&args.gate, file, settings::Threshold::Files)?;
    store::check_file_writable(output.file.as_deref())?;
    store::check_file_writable(args.svg.as_deref())?;
    let base = store::load(&args.baseline)?;
    let cand = store::load(&args.candidate)?;
    if !base
        .targets
        .iter()
        .any(|b| cand.targets.iter().any(|c| c.name == b.name))
    {
        // A gate that compared nothing must not pass.
        let names = |r: &crate::results::ResultFile| {
            r.targets
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Err(Error::Usage(format!(
            "the result files share no target, so nothing can be compared (baseline: {}; candidate: {}); measure the same targets on both sides",
            or_none(names(&base)),
            or_none(names(&cand))
        )));
    }
    if settings::metric(args.metric, file) == crate::model::choice::Metric::Instructions {
        return instructions(args, file, &output, (&base, &cand));
    }
    let differences = environment_differences(&base, &cand);
    if settings::strict(args.strict, file) && !differences.is_empty() {
        return Err(Error::Incomparable { differences });
    }
    let files = (
        Some(args.baseline.display().to_string()),
        Some(args.candidate.display().to_string()),
    );
    let created_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let comparison = compare::compare(
        "compare",
        &base,
        &cand,
        files,
        None,
        gate.options,
        created_at,
    );
    if !output.quiet {
        for d in &comparison.environment_differences {
            eprintln!(
                "warning: {}: timings may not be comparable (--strict makes this an error)",
                crate::escape::terminal(d)
            );
        }
    }
    emit(&comparison, &output, |k| std::env::var(k).ok())?;
    if !output.quiet && base.instructions.is_some() && cand.instructions.is_some() {
        eprintln!(
            "note: both files have instruction counts; compare --metric instructions gates on them"
        );
    }
    let min_effect = gate.options.params.min_effect_ms;
    let charts = crate::commands::artifacts::diff_charts(&base, &cand, min_effect);
    crate::commands::artifacts::emit_svgs(args.svg.as_deref(), &charts, output.quiet)?;
    Ok(Exit::gate(comparison.passed(), gate.report_only))
}

fn or_none(names: String) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names
    }
}

/// `--metric instructions` (issue 14): the count gate, no anchor; machines or counting that
/// differ make counts incomparable: an error under `--strict`, a warning otherwise.
fn instructions(
    args: &CompareArgs,
    file: &FileConfig,
    output: &crate::model::Output,
    (base, cand): (&crate::results::ResultFile, &crate::results::ResultFile),
) -> Result<Exit> {
    use crate::stats::instructions::CountParams;
    use crate::verdict::instructions::{compare_results, counting_differences};
    let gate = settings::gate(&args.gate, file, settings::Threshold::Counts)?;
    let params = CountParams::with_threshold(gate.options.params.threshold);
    let mut differences = environment_differences(base, cand);
    if let (Some(a), Some(b)) = (&base.instructions, &cand.instructions) {
        differences.extend(counting_differences(a, b));
    }
    let files = (
        args.baseline.display().to_string(),
        args.candidate.display().to_string(),
    );
    let comparison = compare_results(base, cand, files, &params, differences.clone())
        .map_err(|side| {
            let path = if side == "baseline" { &args.baseline } else { &args.candidate };
            Error::Usage(format!(
                "{} has no instruction counts, so --metric instructions cannot compare it; measure it with coldstart run --metric instructions (or compare times without --metric)",
                path.display()
            ))
        })?;
    if comparison.targets.is_empty() {
        return Err(Error::Usage(
            "the result files share no target with instruction counts, so nothing can be compared; count the same targets on both sides".into(),
        ));
    }
    if settings::strict(args.strict, file) && !differences.is_empty() {
        return Err(Error::Incomparable { differences });
    }
    if !output.quiet {
        for d in &differences {
            eprintln!(
                "warning: {d}: instruction counts compare only on one machine with one counter (--strict makes this an error)"
            );
        }
    }
    emit(&comparison, output, |k| std::env::var(k).ok())?;
    Ok(Exit::gate(comparison.passed(), gate.report_only))
}
