//! `coldstart branches BASE [CAND]`: materialise both revisions outside the user's checkout, build
//! (or reuse) an environment for each, then measure exactly as `ab` does. The checkouts are guards
//! removed on every exit path, so the user's working tree, index, stash and branches never change;
//! results go outside the working tree by default (`settings::revisions::branches_results_dir`).
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::cli::BranchesArgs;
use crate::commands::paired;
use crate::config::FileConfig;
use crate::env::{EnvBuilder, EnvError, Installer, Outcome};
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::git::{self, Checkout, GitError, GitInfo, Repo, Revision, Source};
use crate::model::names::{is_module_name, top_level};
use crate::render::progress::Bar;
use crate::render::report::emit;
use crate::settings;

/// Splits `[CAND] MODULE...`: the first is the candidate when it names a revision. A first word
/// that does not resolve but is close to a branch or tag name and is no importable module is a
/// typo'd revision: refused before anything is built.
fn split_candidate(
    repo: &Repo,
    rest: &[String],
    python: &Path,
) -> Result<(Option<Revision>, Vec<String>)> {
    let Some((first, modules)) = rest.split_first() else {
        return Ok((None, Vec::new()));
    };
    match repo.resolve(first) {
        Ok(rev) => Ok((Some(rev), modules.to_vec())),
        Err(e @ GitError::UnknownRevision { .. }) if !is_module_name(first) => Err(e.into()),
        Err(e @ GitError::UnknownRevision { .. })
            if has_suggestions(&e) && !importable(first, repo, python) =>
        {
            Err(Error::Usage(format!(
                "{e} (a module named like a revision goes after both revisions)"
            )))
        }
        Err(_) => Ok((None, rest.to_vec())),
    }
}

fn has_suggestions(e: &GitError) -> bool {
    matches!(e, GitError::UnknownRevision { suggestions, .. } if !suggestions.is_empty())
}

/// Whether `module`'s top-level name could be imported: a package or module of the working tree
/// (at its top or one directory down: `src/`, `python/`...), or importable by `python`.
fn importable(module: &str, repo: &Repo, python: &Path) -> bool {
    let top = top_level(module);
    let in_tree = |dir: &Path| dir.join(top).is_dir() || dir.join(format!("{top}.py")).is_file();
    if let Some(root) = repo.workdir() {
        let subdirs = std::fs::read_dir(root)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir() && p.file_name().is_none_or(|n| n != ".git"));
        if in_tree(root) || subdirs.into_iter().any(|d| in_tree(&d)) {
            return true;
        }
    }
    let mut cmd = std::process::Command::new(python);
    cmd.args([
        "-I",
        "-c",
        "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec(sys.argv[1]) else 1)",
        top,
    ])
    .stdin(std::process::Stdio::null())
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::null());
    // An interpreter that cannot answer says nothing against the module: take it as one, and
    // let the measurement report the interpreter's problem.
    match crate::sys::process::run(&mut cmd, Duration::from_secs(30)) {
        Ok(f) => !matches!(f.ending, crate::sys::process::Ending::Exited(s) if s.code() == Some(1)),
        Err(_) => true,
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

/// What happened to an environment, for the line after it is ready.
fn outcome_text(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Reused => "reused from the cache",
        Outcome::Cloned => {
            "cloned from a cached environment with the same dependencies (project reinstalled)"
        }
        Outcome::Built => "built",
    }
}

/// The git side of a named revision in the result files.
fn revision_info(r: &Revision) -> GitInfo {
    GitInfo {
        commit: r.sha.clone(),
        branch: Some(r.spec.clone()),
        dirty: false,
        revision: Some(r.spec.clone()),
        short: Some(r.short.clone()),
        working_tree: false,
    }
}

/// The git side of the working-tree candidate: its `HEAD`, branch, and whether it had changes
/// (coldstart's own outputs do not count).
fn working_tree_info(repo: &Repo, cwd: &Path, checkout: &Checkout) -> Option<GitInfo> {
    let Source::WorkingTree {
        base: Some(base),
        uncommitted,
        ..
    } = checkout.source()
    else {
        return None;
    };
    let short = repo.resolve(base).ok().map(|r| r.short);
    Some(GitInfo {
        commit: base.clone(),
        branch: git::info(cwd).and_then(|g| g.branch),
        dirty: *uncommitted,
        revision: None,
        short,
        working_tree: true,
    })
}

/// Paths inside the working tree that this run writes: left out of the working-tree candidate.
fn own_outputs(output: &crate::model::Output) -> Vec<PathBuf> {
    let mut out = vec![output.dir.clone()];
    out.extend(output.file.clone());
    out.extend(output.svg.clone());
    out
}

pub fn execute(args: &BranchesArgs, file: &FileConfig) -> Result<Exit> {
    settings::refuse_runs("branches", &args.runs)?;
    crate::sys::interrupt::install();
    let cwd = super::cwd()?;
    let mut output = super::output(&args.output, file, &cwd)?;
    let gate = settings::gate(&args.gate, file, settings::Threshold::Pairs)?;
    let values = settings::TargetValues::layered(&[], &args.target, file);
    if !values.path.is_empty() {
        return Err(Error::Usage(
            "--path does not apply to branches: each revision is installed into its own environment (use --setup to install it your way)".into(),
        ));
    }
    let repo = Repo::discover(&cwd)?;
    let base = repo.resolve(&args.base)?;
    let env = settings::revision_env(&args.env, file, &cwd)?;
    let (cand, modules) = split_candidate(&repo, &args.rest, &env.python)?;
    // Which positionals are modules is known only now: the file's targets apply when none are.
    let values = settings::TargetValues::layered(&modules, &args.target, file);
    // Validated against the base interpreter; each side gets its environment's python below.
    let measure = settings::measure(&values, env.python.clone(), &cwd, std::env::vars())?;
    let plan = settings::pair_plan(&args.pairs, Some(args.anchor_every), file, gate.options)?;
    let cache_dir = env.cache_dir.clone();
    // --metric instructions (issue 14): valgrind and the threshold are checked before any
    // checkout or environment is built.
    let counted = match settings::metric(args.metric, file) {
        crate::model::choice::Metric::Time => None,
        crate::model::choice::Metric::Instructions => Some((
            settings::gate(&args.gate, file, settings::Threshold::Counts)?,
            crate::measure::counts::valgrind()?,
        )),
    };
    // An --output-dir or the file's output_dir wins over the default outside the working tree.
    if args.output.output_dir.is_none() && file.output_dir.is_none() {
        let root = std::fs::canonicalize(repo.location()).unwrap_or_else(|_| repo.location());
        output.dir = settings::revisions::branches_results_dir(&cache_dir, &root);
        std::fs::create_dir_all(&output.dir).map_err(|e| Error::OutputDir {
            path: output.dir.clone(),
            reason: e.to_string(),
        })?;
    }
    output.check_writable()?;

    let mut bar = Bar::new(output.progress);
    let mut say = |text: &str| {
        bar.message(text);
        if !output.progress && !output.quiet {
            eprintln!("{text}");
        }
    };
    let base_name = format!("{} ({})", base.spec, base.short);
    say(&format!("materialising {base_name}"));
    let base_checkout: Checkout = repo.checkout(&base)?;
    let (cand_name, cand_checkout) = match &cand {
        Some(rev) => {
            let name = format!("{} ({})", rev.spec, rev.short);
            say(&format!("materialising {name}"));
            (name, repo.checkout(rev)?)
        }
        None => {
            say("materialising the working tree");
            let checkout = repo.checkout_working_tree_excluding(&own_outputs(&output))?;
            let name = working_tree_info(&repo, &cwd, &checkout)
                .map_or("the working tree".to_string(), |g| g.describe());
            (name, checkout)
        }
    };
    let builder = EnvBuilder {
        base_python: env.python,
        cache_dir,
        setup: env.setup,
        installer: Installer::detect(),
    };
    let mut envs = Vec::new();
    for (name, checkout) in [(&base_name, &base_checkout), (&cand_name, &cand_checkout)] {
        say(&format!("preparing the environment for {name}"));
        let built = builder.build(checkout).map_err(env_error)?;
        if !output.quiet {
            eprintln!(
                "environment for {name}: {} in {:.1} s",
                outcome_text(built.outcome),
                built.setup_secs
            );
            for w in &built.warnings {
                eprintln!("warning: {w}");
            }
        }
        envs.push(built);
    }
    drop(bar);
    let cand_git = match &cand {
        Some(r) => Some(revision_info(r)),
        None => working_tree_info(&repo, &cwd, &cand_checkout),
    };
    let revision_error = |e| match e {
        Error::ImportFailed { target, detail } => Error::RevisionImportFailed { target, detail },
        e => e,
    };
    if let Some((count_gate, valgrind)) = &counted {
        let how = crate::commands::ab::Counted {
            command: "branches",
            threshold: count_gate.options.params.threshold,
            warmup: settings::pair_warmup(&args.pairs, file),
            report_only: count_gate.report_only,
            git: (Some(revision_info(&base)), cand_git),
        };
        let pythons = (envs[0].python.as_path(), envs[1].python.as_path());
        return crate::commands::ab::count_pair(&how, &measure, pythons, &output, valgrind)
            .map_err(revision_error);
    }
    let mut measured = paired::measure_pairs(
        "branches",
        &measure,
        (&envs[0].python, &envs[1].python),
        plan,
        &output,
        (Some(revision_info(&base)), cand_git),
    )
    .map_err(revision_error)?;
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
