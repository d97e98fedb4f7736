//! `coldstart branches BASE [CAND]`: materialise both revisions outside the user's checkout, build
//! (or reuse) an environment for each, then measure exactly as `ab` does. The checkouts are guards
//! removed on every exit path, so the user's working tree, index, stash and branches never change.
use crate::cli::{BranchesArgs, CacheAction, CacheArgs};
use crate::commands::ab;
use crate::env::{self, EnvBuilder, EnvError, Installer};
use crate::error::{Error, Result};
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

fn cache_dir(given: Option<&std::path::Path>, cwd: &std::path::Path) -> Result<std::path::PathBuf> {
    match given {
        Some(dir) => Ok(crate::model::absolute(cwd, dir)),
        None => Ok(env::cache::default_dir()?),
    }
}

pub fn execute(args: &BranchesArgs) -> Result<u8> {
    crate::sys::interrupt::install();
    let cwd = super::cwd()?;
    let output = super::output(&args.output, &cwd)?;
    let gate = settings::gate(&args.gate, ab::DEFAULT_THRESHOLD)?;
    if !args.target.path.is_empty() {
        return Err(Error::Usage(
            "--path does not apply to branches: each revision is installed into its own environment (use --setup to install it your way)".into(),
        ));
    }
    git::sweep_stale_checkouts();
    let repo = Repo::discover(&cwd)?;
    let base = repo.resolve(&args.base)?;
    let (cand, mut modules) = split_candidate(&repo, &args.rest);
    let mut target = args.target.clone();
    if modules.is_empty() && target.stmts.is_empty() {
        modules = args.default_modules.clone();
        target.stmts = args.default_stmts.clone();
    }
    let base_python = settings::python(args.python.as_deref(), &cwd);
    // Validated against the base interpreter; each side gets its environment's python below.
    let measure = settings::measure(
        &modules,
        &target,
        base_python.clone(),
        &cwd,
        std::env::vars(),
    )?;
    let plan = settings::pair_plan(&args.pairs, gate)?;
    output.check_writable()?;
    let cand_name = cand
        .as_ref()
        .map_or("working tree".to_string(), |r| r.spec.clone());

    let bar = Bar::new(output.progress);
    let say = |text: &str| {
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
        base_python,
        cache_dir: cache_dir(args.cache_dir.as_deref(), &cwd)?,
        setup: args.setup.clone(),
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
    let mut measured = ab::measure_pairs(
        "branches",
        &measure,
        (&envs[0].python, &envs[1].python),
        plan,
        &output,
        (git_of(Some(&base)), git_of(cand.as_ref())),
    )?;
    let path = ab::save_all(&output.dir, &mut measured)?;
    emit(&measured.comparison, &output, |k| std::env::var(k).ok())?;
    let charts = crate::commands::artifacts::diff_charts(
        &measured.baseline,
        &measured.candidate,
        gate.params.min_effect_ms,
    );
    crate::commands::artifacts::emit_svgs(output.svg.as_deref(), &charts, output.quiet)?;
    if !output.quiet {
        eprintln!("saved {}", path.display());
    }
    Ok(ab::gate_exit(&measured.comparison, args.gate.report_only))
}

fn human_size(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

pub fn execute_cache(args: &CacheArgs) -> Result<u8> {
    let cwd = super::cwd()?;
    let dir = cache_dir(args.cache_dir.as_deref(), &cwd)?;
    match &args.action {
        CacheAction::List => {
            let entries = env::cache::list(&dir)?;
            let mut text = format!("{} environments in {}\n", entries.len(), dir.display());
            for e in &entries {
                text += &format!(
                    "  {}  {:>9}  last used {}  {}  {}  built in {:.1} s\n",
                    &e.revision[..e.revision.len().min(12)],
                    human_size(e.size_bytes),
                    e.last_used.format("%Y-%m-%d %H:%M"),
                    e.python,
                    e.recipe,
                    e.setup_secs
                );
            }
            crate::render::to_stdout(&text)?;
        }
        CacheAction::Clean { older_than } => {
            if older_than.is_some_and(|d| !(d >= 0.0 && d.is_finite())) {
                return Err(Error::Usage(
                    "--older-than is a non-negative number of days".into(),
                ));
            }
            let age = older_than.map(|d| std::time::Duration::from_secs_f64(d * 86_400.0));
            let report = env::cache::clean(&dir, age)?;
            crate::render::to_stdout(&format!(
                "removed {} environments ({}) and {} stale builds from {}\n",
                report.removed.len(),
                human_size(report.freed_bytes),
                report.stale_builds,
                dir.display()
            ))?;
        }
    }
    Ok(0)
}
