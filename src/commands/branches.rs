//! `coldstart branches BASE [CAND]`: materialise both revisions outside the user's checkout, build
//! (or reuse) an environment for each, then measure exactly as `ab` does. The checkouts are guards
//! removed on every exit path, so the user's working tree, index, stash and branches never change.
use crate::cli::BranchesArgs;
use crate::commands::paired;
use crate::config::FileConfig;
use crate::env::{EnvBuilder, EnvError, Installer};
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::git::{self, Checkout, GitInfo, Repo};
use crate::render::progress::Bar;
use crate::render::report::emit;
use crate::settings;

/// Splits `[CAND] MODULE...`: the first is the candidate when it names a revision.
fn split_candidate(repo: &Repo, rest: &[String]) -> (Option<git::Revision>, Vec<String>) {
    match rest.split_first() {
        Some((first, modules)) => match repo.resolve(first) {
            Ok(rev) => (Some(rev), modules.to_vec()),
            Err(_) => (None, rest.to_vec()),
        },
        None => (None, Vec::new()),
    }
}

/// Prints a failed setup step's output tail before the one-line error.
fn env_error(e: EnvError) -> Error {
    if let Some(tail) = e.output_tail() {
        eprintln!(
            "--- last lines of the failed step ---\n{}\n---",
            tail.trim_end()
        );
    }
    Error::Env(e)
}

pub fn execute(args: &BranchesArgs, file: &FileConfig) -> Result<Exit> {
    crate::sys::interrupt::install();
    let cwd = super::cwd()?;
    let output = super::output(&args.output, file, &cwd)?;
    let gate = settings::gate(&args.gate, file, settings::Threshold::Pairs)?;
    let values = settings::TargetValues::layered(&[], &args.target, file);
    if !values.path.is_empty() {
        return Err(Error::Usage(
            "--path does not apply to branches: each revision is installed into its own environment (use --setup to install it your way)".into(),
        ));
    }
    git::sweep_stale_checkouts();
    let repo = Repo::discover(&cwd)?;
    let base = repo.resolve(&args.base)?;
    let (cand, modules) = split_candidate(&repo, &args.rest);
    // Which positionals are modules is known only now: the file's targets apply when none are.
    let values = settings::TargetValues::layered(&modules, &args.target, file);
    let env = settings::revision_env(&args.env, file, &cwd)?;
    // Validated against the base interpreter; each side gets its environment's python below.
    let measure = settings::measure(&values, env.python.clone(), &cwd, std::env::vars())?;
    let plan = settings::pair_plan(&args.pairs, Some(args.anchor_every), file, gate.options)?;
    // --metric instructions (issue 14): valgrind and the threshold are checked before any
    // checkout or environment is built.
    let counted = match settings::metric(args.metric, file) {
        crate::model::choice::Metric::Time => None,
        crate::model::choice::Metric::Instructions => Some((
            settings::gate(&args.gate, file, settings::Threshold::Counts)?,
            crate::measure::counts::valgrind()?,
        )),
    };
    output.check_writable()?;
    let cand_name = cand
        .as_ref()
        .map_or("working tree".to_string(), |r| r.spec.clone());

    let mut bar = Bar::new(output.progress);
    let mut say = |text: &str| {
        bar.message(text);
        if !output.progress && !output.quiet {
            eprintln!("{text}");
        }
    };
    say(&format!("materialising {} ({})", base.spec, base.short));
    let base_checkout: Checkout = repo.checkout(&base)?;
    say(&format!("materialising {cand_name}"));
    let cand_checkout: Checkout = match &cand {
        Some(rev) => repo.checkout(rev)?,
        None => repo.checkout_working_tree()?,
    };
    let builder = EnvBuilder {
        base_python: env.python,
        cache_dir: env.cache_dir,
        setup: env.setup,
        installer: Installer::detect(),
    };
    let mut envs = Vec::new();
    for (name, checkout) in [(&base.spec, &base_checkout), (&cand_name, &cand_checkout)] {
        say(&format!("building environment for {name}"));
        let built = builder.build(checkout).map_err(env_error)?;
        if !output.quiet {
            eprintln!(
                "environment for {name}: {} in {:.1} s",
                built.outcome.as_str(),
                built.setup_secs
            );
            for w in &built.warnings {
                eprintln!("warning: {w}");
            }
        }
        envs.push(built);
    }
    drop(bar);
    let git_of = |rev: Option<&git::Revision>| -> Option<GitInfo> {
        match rev {
            Some(r) => Some(GitInfo {
                commit: r.sha.clone(),
                branch: Some(r.spec.clone()),
                dirty: false,
            }),
            None => git::info(&cwd),
        }
    };
    if let Some((count_gate, valgrind)) = &counted {
        let how = crate::commands::ab::Counted {
            command: "branches",
            threshold: count_gate.options.params.threshold,
            warmup: settings::pair_warmup(&args.pairs, file),
            report_only: count_gate.report_only,
        };
        let pythons = (envs[0].python.as_path(), envs[1].python.as_path());
        return crate::commands::ab::count_pair(&how, &measure, pythons, &output, valgrind);
    }
    let mut measured = paired::measure_pairs(
        "branches",
        &measure,
        (&envs[0].python, &envs[1].python),
        plan,
        &output,
        (git_of(Some(&base)), git_of(cand.as_ref())),
    )?;
    let path = paired::save_all(&output.dir, &mut measured)?;
    emit(&measured.comparison, &output, |k| std::env::var(k).ok())?;
    let charts = crate::commands::artifacts::diff_charts(
        &measured.baseline,
        &measured.candidate,
        gate.options.params.min_effect_ms,
    );
    crate::commands::artifacts::emit_svgs(output.svg.as_deref(), &charts, output.quiet)?;
    if !output.quiet {
        eprintln!("saved {}", path.display());
    }
    Ok(Exit::gate(measured.comparison.passed(), gate.report_only))
}
