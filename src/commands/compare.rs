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
            eprintln!("warning: {d}: timings may not be comparable (--strict makes this an error)");
        }
    }
    emit(&comparison, &output, |k| std::env::var(k).ok())?;
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
