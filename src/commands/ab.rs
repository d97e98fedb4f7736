//! `coldstart ab`: interleaved pairs of two environments, extended while unsettled, then the
//! verdict, two ordinary result files, a comparison file and the exit code of the gate.
use crate::cli::AbArgs;
use crate::commands::paired;
use crate::config::FileConfig;
use crate::error::Result;
use crate::exit::Exit;
use crate::render::report::emit;
use crate::settings;

pub fn execute(args: &AbArgs, file: &FileConfig) -> Result<Exit> {
    let cwd = super::cwd()?;
    let output = super::output(&args.output, file, &cwd)?;
    let gate = settings::gate(&args.gate, file, settings::Threshold::Pairs)?;
    let baseline = settings::interpreter(Some(&args.baseline), &cwd);
    let candidate = settings::interpreter(Some(&args.candidate), &cwd);
    let values = settings::TargetValues::layered(&args.modules, &args.target, file);
    let measure = settings::measure(&values, baseline.clone(), &cwd, std::env::vars())?;
    let plan = settings::pair_plan(&args.pairs, file, gate.options)?;
    output.check_writable()?;
    let git = crate::git::info(&cwd);
    let mut measured = paired::measure_pairs(
        "ab",
        &measure,
        (&baseline, &candidate),
        plan,
        &output,
        (git.clone(), git),
    )?;
    let path = paired::save_all(&output.dir, &mut measured)?;
    let charts = crate::commands::artifacts::diff_charts(
        &measured.baseline,
        &measured.candidate,
        gate.options.params.min_effect_ms,
    );
    crate::commands::artifacts::emit_svgs(output.svg.as_deref(), &charts, output.quiet)?;
    emit(&measured.comparison, &output, |k| std::env::var(k).ok())?;
    if !output.quiet {
        eprintln!("saved {}", path.display());
    }
    Ok(Exit::gate(measured.comparison.passed(), gate.report_only))
}
