//! `coldstart lazy` (issue 17): what deferring each heavy import would save, measured by
//! experiment in interleaved pairs, and whether the module would really stay unloaded.
use crate::cli::LazyArgs;
use crate::config::FileConfig;
use crate::error::Result;
use crate::exit::Exit;
use crate::measure::lazy::Pairing;
use crate::render::progress::Bar;
use crate::render::report::emit;
use crate::settings;
use crate::verdict::gate::could_change_at;
use crate::verdict::timing::{Method, timing};

pub fn execute(args: &LazyArgs, file: &FileConfig) -> Result<Exit> {
    let cwd = super::cwd()?;
    let m = super::measure_of(&args.modules, &args.child, &args.python, file)?;
    let opts = settings::lazy(args)?;
    // The same gate as `ab`.
    let gate = settings::gate(&args.gate, file, settings::Threshold::Pairs)?;
    let plan = settings::pair_plan(&args.pairs, None, file, gate.options)?;
    let output = super::report_output(&args.report, file, &cwd)?;
    crate::results::store::check_file_writable(output.file.as_deref())?;
    crate::sys::interrupt::install();
    let (_, stderr_tty) = settings::ttys();
    let mut bar = Bar::new(stderr_tty && !output.quiet);
    let mut on_progress = |p| bar.update(p);
    let params = plan.gate.params;
    // More pairs while the gate's verdict could still change, as in `ab`.
    let settled = |a: &[f64], b: &[f64]| {
        !timing(a, b, None, Method::Paired, &params)
            .is_ok_and(|t| could_change_at(&t, &params, a.len(), &plan.design))
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
