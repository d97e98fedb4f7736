//! `coldstart run`: measure targets in fresh interpreters, store the result, print the report.
use crate::cli::RunArgs;
use crate::config::FileConfig;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::measure::single::{AnchorEvery, effective_warmup, start_session};
use crate::model::choice::Metric;
use crate::model::{Format, Measure, Output};
use crate::probe::PythonProbe;
use crate::render::progress::Bar;
use crate::render::report::{emit, render};
use crate::render::{View, to_stdout};
use crate::results::{ResultFile, build, store};
use crate::settings;
use crate::sys::host::{self, Host, ProcHost};
use crate::verdict::budget;

pub fn execute(args: &RunArgs, file: &FileConfig) -> Result<Exit> {
    let cwd = super::cwd()?;
    let output = super::output(&args.output, file, &cwd)?;
    let python = settings::python(&args.python, file, &cwd);
    let values = settings::TargetValues::layered(&args.modules, &args.target, file);
    let measure = settings::measure(&values, python, &cwd, std::env::vars())?;
    let (runs, warmup) = settings::run_samples(args, file)?;
    let budgets = settings::run_budgets(args, file, &measure.forbid)?;
    let counted = settings::metric(args.metric, file) == Metric::Instructions;
    if !counted
        && budgets
            .as_ref()
            .is_some_and(|b| !b.max_instructions.is_empty())
    {
        return Err(Error::Usage(
            "--max-instructions needs instruction counts; add --metric instructions (or set metric = \"instructions\" in the configuration)".into(),
        ));
    }
    let valgrind = counted.then(crate::measure::counts::valgrind).transpose()?;
    output.check_writable()?;
    let result = measure_once(&measure, runs, warmup, &output, &cwd, valgrind)?;
    let path = store::save(&output.dir, &result, None)?;
    crate::commands::artifacts::emit_svgs(
        output.svg.as_deref(),
        &crate::commands::artifacts::result_charts(&result),
        output.quiet,
    )?;
    let env = |k: &str| std::env::var(k).ok();
    let Some(budgets) = budgets else {
        emit(&result, &output, env)?;
        if !output.quiet {
            eprintln!("saved {}", path.display());
        }
        return Ok(Exit::Ok);
    };
    // With a non-terminal --format and no --output, stdout carries only the budget report (one
    // document a script can parse); the measurements are in the saved file.
    if output.format == Format::Terminal || output.file.is_some() {
        let view = View::new(output.color, output.top);
        to_stdout(&render(&result, Format::Terminal, &view))?;
    }
    if !output.quiet {
        eprintln!("saved {}", path.display());
    }
    let report = budget::check(&result, &budgets, Some(path.display().to_string()))?;
    emit(&report, &output, env)?;
    Ok(Exit::gate(report.passed(), false))
}

fn measure_once(
    m: &Measure,
    runs: usize,
    warmup: usize,
    output: &Output,
    cwd: &std::path::Path,
    valgrind: Option<(std::path::PathBuf, String)>,
) -> Result<ResultFile> {
    crate::sys::interrupt::install();
    let mut probe = PythonProbe::new(&m.python, m.env.clone(), m.pyc, m.timeout)?;
    let interpreter = probe.interpreter().clone();
    let installed = probe.installed()?;
    let host = ProcHost;
    let info = host.info();
    let warmup = effective_warmup(m.pyc, warmup);
    let mut bar = Bar::new(output.progress);
    let mut on_progress = |p| bar.update(p);
    let before = host.counters();
    let mut session = start_session(
        vec![&mut probe],
        m,
        warmup,
        runs,
        AnchorEvery::ROUND,
        &mut on_progress,
    )?;
    session.trees(m.tree_runs)?;
    let sides = session.into_sides();
    let after = host.counters();
    drop(bar);
    let noise = before.zip(after).map(|(b, a)| host::noise(&b, &a));
    let ctx = build::Context {
        measure: m,
        runs,
        warmup,
        label: output.label.clone(),
        interpreter,
        installed,
        host: info,
        git: crate::git::info(cwd),
        noise,
        created_at: chrono::Utc::now(),
    };
    let mut result = build::build(&ctx, &sides[0]);
    if let Some((valgrind, version)) = valgrind {
        // After the timed samples: their warm-up compiled the bytecode the counts run with.
        let mut counts = Vec::new();
        for t in &m.targets {
            if !output.quiet {
                eprintln!("counting the instructions of {} under callgrind...", t.name);
            }
            let tolerance = crate::stats::instructions::CountParams::default().tolerance;
            let side = crate::measure::counts::count_side(&mut probe, &valgrind, t, tolerance, 0)?;
            counts.push(side.counts);
        }
        crate::results::attach(&mut result, counts, crate::results::counting(m, &version));
    }
    Ok(result)
}
