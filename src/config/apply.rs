//! Filling the flags the command line did not give from the file (clap's `value_source` tells
//! which were given).
use super::file::{AnchorSetting, Config, FileConfig, PerTarget, choice};
use crate::cli::{
    AbArgs, BranchesArgs, BudgetArgs, CheckArgs, Command, CompareArgs, GateArgs, OutputArgs,
    PairArgs, ReportArgs, RunArgs, TargetArgs, TreeArgs, WhyArgs,
};
use crate::error::{Error, Result};
use clap::ArgMatches;
use clap::parser::ValueSource;

/// Whether the user gave `id` on the command line.
fn given(m: &ArgMatches, id: &str) -> bool {
    m.try_get_raw(id).is_ok() && m.value_source(id) == Some(ValueSource::CommandLine)
}

/// Sets `field` from the config when the flag `id` was not given.
fn fill<T: Clone>(m: &ArgMatches, id: &str, field: &mut T, value: &Option<T>) {
    if let (false, Some(v)) = (given(m, id), value) {
        *field = v.clone();
    }
}

/// Fills the target flags from the file; `modules` is `None` for `branches`, which decides its
/// targets itself (see `BranchesArgs::default_modules`).
fn fill_targets(
    m: &ArgMatches,
    modules: Option<&mut Vec<String>>,
    t: &mut TargetArgs,
    c: &FileConfig,
) {
    if let Some(modules) = modules
        && !given(m, "modules")
        && !given(m, "stmts")
    {
        fill(m, "modules", modules, &c.targets);
        fill(m, "stmts", &mut t.stmts, &c.stmts);
    }
    fill(m, "packages", &mut t.packages, &c.packages);
    fill(m, "forbid", &mut t.forbid, &c.forbid);
    fill(m, "pyc", &mut t.pyc, &c.pyc.as_deref().and_then(choice));
    let env: Option<Vec<String>> = c
        .env
        .as_ref()
        .map(|e| e.iter().map(|(k, v)| format!("{k}={v}")).collect());
    fill(m, "env", &mut t.env, &env);
    fill(m, "path", &mut t.path, &c.path);
    fill(m, "timeout", &mut t.timeout, &c.timeout);
    fill(m, "tree_runs", &mut t.tree_runs, &c.tree_runs);
    if !given(m, "anchor") && !given(m, "no_anchor") {
        match &c.anchor {
            Some(AnchorSetting::Statement(s)) => t.anchor = s.clone(),
            Some(AnchorSetting::Enabled(false)) => t.no_anchor = true,
            _ => {}
        }
    }
}

fn fill_output(m: &ArgMatches, o: &mut OutputArgs, c: &FileConfig) {
    fill(
        m,
        "output_dir",
        &mut o.output_dir,
        &c.output_dir.clone().map(Some),
    );
    fill(m, "top", &mut o.top, &c.top);
    fill_report(m, &mut o.report, c);
}

fn fill_report(m: &ArgMatches, r: &mut ReportArgs, c: &FileConfig) {
    fill(
        m,
        "format",
        &mut r.format,
        &c.format.as_deref().and_then(choice),
    );
    fill(
        m,
        "color",
        &mut r.color,
        &c.color.as_deref().and_then(choice),
    );
    fill(m, "quiet", &mut r.quiet, &c.quiet);
}

fn fill_pairs(m: &ArgMatches, p: &mut PairArgs, c: &FileConfig) {
    fill(m, "pairs", &mut p.pairs, &c.pairs);
    fill(m, "max_pairs", &mut p.max_pairs, &c.max_pairs);
    fill(m, "warmup", &mut p.warmup, &c.warmup);
}

fn fill_gate(m: &ArgMatches, g: &mut GateArgs, c: &FileConfig, threshold: &Option<f64>) {
    fill(m, "threshold", &mut g.threshold, &threshold.map(Some));
    fill(m, "min_effect", &mut g.min_effect, &c.min_effect);
    let effect = c.effect_size.as_deref().and_then(choice);
    fill(m, "effect_size", &mut g.effect_size, &effect);
    fill(
        m,
        "fail_on_new_modules",
        &mut g.fail_on_new_modules,
        &c.fail_on_new_modules,
    );
    fill(m, "report_only", &mut g.report_only, &c.report_only);
}

/// The file's `threshold` and `compare_threshold` are for time: under `--metric instructions`
/// the count gate keeps its own default (1 %) unless `--threshold` is given.
fn time_only(metric: crate::cli::MetricArg, threshold: Option<f64>) -> Option<f64> {
    threshold.filter(|_| metric == crate::cli::MetricArg::Time)
}

/// `metric` (issue 14): a choice checked when the file was read.
fn fill_metric(m: &ArgMatches, metric: &mut crate::cli::MetricArg, c: &FileConfig) {
    fill(m, "metric", metric, &c.metric.as_deref().and_then(choice));
}

fn specs<T: std::fmt::Display>(limit: &Option<PerTarget<T>>) -> Option<Vec<String>> {
    limit.as_ref().map(|l| match l {
        PerTarget::All(v) => vec![v.to_string()],
        PerTarget::Each(map) => map.iter().map(|(t, v)| format!("{t}={v}")).collect(),
    })
}

fn fill_budgets(m: &ArgMatches, b: &mut BudgetArgs, c: &FileConfig) -> Result<()> {
    let Some(cfg) = &c.budgets else { return Ok(()) };
    fill(
        m,
        "max_import_ms",
        &mut b.max_import_ms,
        &specs(&cfg.max_import_ms),
    );
    fill(
        m,
        "max_wall_ms",
        &mut b.max_wall_ms,
        &specs(&cfg.max_wall_ms),
    );
    fill(
        m,
        "max_modules",
        &mut b.max_modules,
        &specs(&cfg.max_modules),
    );
    fill(
        m,
        "max_total_modules",
        &mut b.max_total_modules,
        &specs(&cfg.max_total_modules),
    );
    fill(
        m,
        "max_peak_rss_mib",
        &mut b.max_peak_rss_mib,
        &specs(&cfg.max_peak_rss_mib),
    );
    fill(
        m,
        "max_instructions",
        &mut b.max_instructions,
        &specs(&cfg.max_instructions),
    );
    let packages = cfg
        .max_package_modules
        .as_ref()
        .map(|p| p.iter().map(|(k, v)| format!("{k}={v}")).collect());
    fill(
        m,
        "max_package_modules",
        &mut b.max_package_modules,
        &packages,
    );
    if let Some(s) = &cfg.statistic {
        use clap::ValueEnum;
        let parsed = crate::cli::StatisticArg::from_str(s, false).map_err(|_| {
            Error::Usage(format!(
                "budgets.statistic = '{s}' must be median, mean, p95 or max"
            ))
        })?;
        fill(m, "statistic", &mut b.statistic, &Some(Some(parsed)));
    }
    Ok(())
}

/// Applies `config` to the parsed command (`m` are the subcommand's matches).
/// The environment keys of `bisect` and `history`.
fn fill_env(m: &ArgMatches, e: &mut crate::cli::RevisionEnvArgs, c: &FileConfig) {
    fill(m, "python", &mut e.python, &c.python.clone().map(Some));
    fill(m, "setup", &mut e.setup, &c.setup.clone().map(Some));
    fill(
        m,
        "cache_dir",
        &mut e.cache_dir,
        &c.cache_dir.clone().map(Some),
    );
}

pub fn apply(command: &mut Command, m: &ArgMatches, config: &Config) -> Result<()> {
    let c = &config.values;
    match command {
        Command::Run(RunArgs {
            modules,
            target,
            python,
            runs,
            warmup,
            check,
            budgets,
            output,
            metric,
            ..
        }) => {
            fill_metric(m, metric, c);
            fill_targets(m, Some(modules), target, c);
            fill(m, "python", python, &c.python.clone().map(Some));
            fill(m, "runs", runs, &c.runs);
            fill(m, "warmup", warmup, &c.warmup);
            // File budgets gate `run` only when asked with --check; budget flags imply it.
            if *check {
                fill_budgets(m, budgets, c)?;
            }
            fill_output(m, output, c);
        }
        Command::Ab(AbArgs {
            modules,
            target,
            pairs,
            gate,
            output,
            metric,
            ..
        }) => {
            fill_metric(m, metric, c);
            fill_targets(m, Some(modules), target, c);
            fill_pairs(m, pairs, c);
            fill_gate(m, gate, c, &time_only(*metric, c.threshold));
            fill_output(m, output, c);
        }
        Command::Branches(a) => {
            let BranchesArgs {
                target,
                python,
                setup,
                cache_dir,
                pairs,
                gate,
                output,
                default_modules,
                default_stmts,
                metric,
                ..
            } = a;
            fill_metric(m, metric, c);
            fill_targets(m, None, target, c);
            if !given(m, "stmts") {
                *default_modules = c.targets.clone().unwrap_or_default();
                *default_stmts = c.stmts.clone().unwrap_or_default();
            }
            fill(m, "python", python, &c.python.clone().map(Some));
            fill(m, "setup", setup, &c.setup.clone().map(Some));
            fill(m, "cache_dir", cache_dir, &c.cache_dir.clone().map(Some));
            fill_pairs(m, pairs, c);
            fill_gate(m, gate, c, &time_only(*metric, c.threshold));
            fill_output(m, output, c);
        }
        Command::Compare(CompareArgs {
            gate,
            strict,
            output,
            metric,
            ..
        }) => {
            fill_metric(m, metric, c);
            fill_gate(m, gate, c, &time_only(*metric, c.compare_threshold));
            fill(m, "strict", strict, &c.strict);
            fill_report(m, output, c);
        }
        Command::Check(CheckArgs {
            forbid,
            budgets,
            output,
            ..
        }) => {
            fill(m, "forbid", forbid, &c.forbid);
            fill_budgets(m, budgets, c)?;
            fill_report(m, output, c);
        }
        Command::Tree(TreeArgs {
            modules,
            target,
            python,
            min_ms,
            ..
        }) => {
            fill_targets(m, Some(modules), target, c);
            fill(m, "python", python, &c.python.clone().map(Some));
            fill(m, "min_ms", min_ms, &c.min_ms);
        }
        Command::Why(WhyArgs {
            modules,
            target,
            python,
            ..
        }) => {
            fill_targets(m, Some(modules), target, c);
            fill(m, "python", python, &c.python.clone().map(Some));
        }
        // coldstart lazy (issue 17): targets, interpreter, pairs, gate, report.
        Command::Lazy(a) => {
            fill_targets(m, Some(&mut a.modules), &mut a.target, c);
            fill(m, "python", &mut a.python, &c.python.clone().map(Some));
            fill_pairs(m, &mut a.pairs, c);
            fill_gate(m, &mut a.gate, c, &c.threshold);
            fill_report(m, &mut a.report, c);
        }
        Command::Cache(a) => fill(
            m,
            "cache_dir",
            &mut a.cache_dir,
            &c.cache_dir.clone().map(Some),
        ),
        Command::Config(_) | Command::Completions(_) | Command::Man(_) => {}
        // bisect and history (issue 16): bisect's condition comes from the command line only.
        Command::Bisect(a) => {
            if !given(m, "modules") && !given(m, "stmts") {
                fill(m, "modules", &mut a.modules, &c.targets);
            }
            fill_env(m, &mut a.env, c);
            fill_pairs(m, &mut a.pairs, c);
            fill_output(m, &mut a.output, c);
        }
        Command::History(a) => {
            fill_targets(m, None, &mut a.target, c);
            if !given(m, "stmts") {
                a.default_modules = c.targets.clone().unwrap_or_default();
            }
            fill(m, "runs", &mut a.runs, &c.runs);
            fill_env(m, &mut a.env, c);
            fill_output(m, &mut a.output, c);
        }
    }
    Ok(())
}
