//! `coldstart lazy` (issue 17): what deferring each heavy import would save, measured by
//! experiment in interleaved pairs, and whether the module would really stay unloaded.
use crate::cli::LazyArgs;
use crate::error::Result;
use crate::exit::Exit;
use crate::measure::lazy::Pairing;
use crate::render::progress::Bar;
use crate::render::report::emit;
use crate::settings;
use crate::verdict::gate::could_change;
use crate::verdict::timing::{Method, timing};

/// Default `--threshold` (percent): the same gate as `ab`.
const DEFAULT_THRESHOLD: f64 = 5.0;

pub fn execute(args: &LazyArgs) -> Result<Exit> {
    let cwd = super::cwd()?;
    let python = settings::python(args.python.as_deref(), &cwd);
    let m = settings::measure(&args.modules, &args.target, python, &cwd, std::env::vars())?;
    let opts = settings::lazy(args)?;
    let gate = settings::gate(&args.gate, DEFAULT_THRESHOLD)?;
    let plan = settings::pair_plan(&args.pairs, gate)?;
    let output = super::report_output(&args.report, &cwd)?;
    crate::results::store::check_file_writable(output.file.as_deref())?;
    crate::sys::interrupt::install();
    let (_, stderr_tty) = settings::ttys();
    let mut bar = Bar::new(stderr_tty && !args.report.quiet);
    let mut on_progress = |p| bar.update(p);
    let params = plan.gate.params;
    // More pairs while the gate's verdict could still change, as in `ab`.
    let settled = |a: &[f64], b: &[f64]| {
        !timing(a, b, None, Method::Paired, &params).is_ok_and(|t| could_change(&t, &params))
    };
    let pairing = Pairing {
        pairs: plan.pairs,
        max_pairs: plan.max_pairs,
        warmup: plan.warmup,
        settled: &settled,
    };
    let report = crate::measure::lazy::run(&m, &pairing, &opts, params, &mut on_progress)?;
    drop(bar);
    emit(&report, &output, |k| std::env::var(k).ok())?;
    // Advice, not a gate: findings (defeated, failing candidates) do not fail the command.
    Ok(Exit::Ok)
}
