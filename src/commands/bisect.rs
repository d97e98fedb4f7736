//! `coldstart bisect GOOD BAD [MODULE]...`: the first commit where a condition holds, by a binary
//! search over first-parent history (or every parent). Each commit is materialised outside the
//! checkout and gets its environment from the cache; exact conditions take one sample a commit,
//! `--slower` interleaved pairs against GOOD's environment (kept built for the whole run),
//! `--metric instructions` each commit's counts under callgrind against GOOD's (counted once).
use crate::model::words::count;
use std::path::{Path, PathBuf};

use super::revision::{self, CommitEnvs, classify};
use crate::bisect::driver::{self, Details, Failure, Meta, Paired, Probe, Sample, Taken};
use crate::bisect::report::{Outcome, Ratio};
use crate::bisect::{Condition, TimingVerdict};
use crate::cli::BisectArgs;
use crate::config::FileConfig;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::git::{Commit, Repo};
use crate::measure::counts::{self, count_side};
use crate::measure::single::effective_warmup;
use crate::model::{Measure, Output};
use crate::probe::{COUNT_HASH_SEED, PythonProbe};
use crate::render::report::emit;
use crate::settings::{self, PairPlan};
use crate::stats::instructions::CountParams;
use crate::stats::paired::{EffectSize, GateParams, Verdict};
use crate::verdict::gate::GateOptions;
use crate::verdict::instructions::{SideCounts, judge};

/// Measures commits for the search.
struct Live<'a> {
    envs: CommitEnvs<'a>,
    measure: Measure,
    plan: PairPlan,
    output: Output,
    good: Option<PathBuf>,
    /// `--metric instructions`: how to count, and GOOD's counts once taken.
    counting: Option<Counting>,
}

/// The count gate of `--metric instructions` (the code path of `ab --metric instructions`).
struct Counting {
    valgrind: PathBuf,
    params: CountParams,
    hash_seed: String,
    warmup: usize,
    /// GOOD's counts per target: counted once, the reference of every commit.
    good: Option<Vec<SideCounts>>,
}

impl Counting {
    /// Every target of `m` counted under `python` (bytecode warmed natively first).
    fn count(&self, m: &Measure, python: &Path) -> Result<Vec<SideCounts>> {
        let mut probe = PythonProbe::new(python, m.env.clone(), m.pyc, m.timeout)?;
        let warmup = effective_warmup(m.pyc, self.warmup);
        m.targets
            .iter()
            .map(|t| count_side(&mut probe, &self.valgrind, t, self.params.tolerance, warmup))
            .collect()
    }

    /// `commit`'s counts judged against GOOD's, as the search sees them.
    fn compare(
        &mut self,
        m: &Measure,
        (good, python): (&Path, &Path),
        environment: String,
    ) -> Result<Paired> {
        if self.good.is_none() {
            self.good = Some(self.count(m, good)?);
        }
        let mine = self.count(m, python)?;
        let reference = self.good.as_deref().unwrap_or_default();
        let judged: Vec<_> = m
            .targets
            .iter()
            .zip(reference.iter().zip(&mine))
            .filter_map(|(t, sides)| {
                judge(&t.name, &t.statement, sides, &self.params, &self.hash_seed)
            })
            .collect();
        let verdicts: Vec<Verdict> = judged.iter().map(|t| t.gate.verdict).collect();
        let first = judged.first().ok_or_else(|| {
            Error::Usage("no instruction counts to compare; check the targets".into())
        })?;
        Ok(Paired {
            verdict: verdict_of(&verdicts),
            ratio: Ratio {
                estimate: first.gate.ratio,
                low: first.gate.lower_ratio,
                high: first.gate.upper_ratio,
            },
            taken: Taken::Counts(first.gate.candidate.n),
            median: first.gate.candidate.median as f64,
            why: judged.iter().find_map(|t| t.explanation.clone()),
            environment,
        })
    }
}

/// The search's verdict over every target: a regression of any, else inconclusive if any is,
/// improvement when all improved.
fn verdict_of(verdicts: &[Verdict]) -> TimingVerdict {
    if verdicts.contains(&Verdict::Regression) {
        TimingVerdict::Regression
    } else if verdicts.contains(&Verdict::Inconclusive) {
        TimingVerdict::Inconclusive
    } else if verdicts.iter().all(|v| *v == Verdict::Improvement) {
        TimingVerdict::Improvement
    } else {
        TimingVerdict::Unchanged
    }
}

impl Probe for Live<'_> {
    type Error = Error;

    fn sample(&mut self, commit: &Commit) -> Result<Sample, Failure<Error>> {
        let (python, environment) = self.envs.python(commit)?;
        // The first commit sampled is GOOD: its environment is the reference of `--slower`.
        self.good.get_or_insert_with(|| python.clone());
        let exact = Measure {
            anchor: None,
            ..self.measure.clone()
        };
        let r = revision::measure(&exact, &python, 1, 1, 0).map_err(classify)?;
        Ok(Sample {
            loaded: revision::loaded(&r),
            import_ms: r.targets[0].summary.import_ms.median,
            environment,
        })
    }

    fn compare(&mut self, commit: &Commit) -> Result<Paired, Failure<Error>> {
        let (python, environment) = self.envs.python(commit)?;
        let good = self.good.clone().expect("GOOD is sampled first");
        if let Some(counting) = &mut self.counting {
            return counting
                .compare(&self.measure, (&good, &python), environment)
                .map_err(classify);
        }
        let m = Measure {
            tree_runs: 0,
            ..self.measure.clone()
        };
        let measured = super::paired::measure_pairs(
            "bisect",
            &m,
            (&good, &python),
            self.plan,
            &self.output,
            (None, None),
        )
        .map_err(classify)?;
        let timings: Vec<_> = measured
            .comparison
            .targets
            .iter()
            .map(|t| &t.import)
            .collect();
        let verdicts: Vec<Verdict> = timings.iter().map(|t| t.verdict).collect();
        let first = timings[0];
        Ok(Paired {
            verdict: verdict_of(&verdicts),
            ratio: Ratio {
                estimate: first.ratio,
                low: first.ratio_low,
                high: first.ratio_high,
            },
            taken: Taken::Pairs(first.n_candidate),
            median: first.candidate_median_ms,
            why: None,
            environment,
        })
    }

    fn details(&mut self, commit: &Commit) -> Result<Details, Failure<Error>> {
        let (python, _) = self.envs.python(commit)?;
        let m = Measure {
            anchor: None,
            ..self.measure.clone()
        };
        let r = revision::measure(&m, &python, 1, 1, m.tree_runs.max(1)).map_err(classify)?;
        Ok(Details {
            loaded: revision::loaded(&r),
            trees: r.targets.iter().map(|t| t.import_tree.clone()).collect(),
        })
    }
}

pub fn execute(args: &BisectArgs, file: &FileConfig) -> Result<Exit> {
    crate::sys::interrupt::install();
    let cwd = super::cwd()?;
    let output = super::output(&args.output, file, &cwd)?;
    let condition = settings::revisions::condition(args, file)?;
    if !args.target.child.path.is_empty() {
        return Err(Error::Usage(
            "--path does not apply to bisect: each commit is installed into its own environment (use --setup to install it your way)".into(),
        ));
    }
    let env = settings::revision_env(&args.env.env, file, &cwd)?;
    // `--forbid` is the condition here; the measurement itself needs no forbidden list.
    let mut values = settings::TargetValues::targets_only(&args.modules, &args.target, file);
    values.forbid.clear();
    let measure = settings::measure(&values, env.python.clone(), &cwd, std::env::vars())?;
    if measure.targets.is_empty() {
        return Err(Error::Usage(
            "bisect needs a module to import: coldstart bisect GOOD BAD MODULE --forbid X".into(),
        ));
    }
    let gate = GateOptions {
        params: GateParams {
            threshold: args.slower.unwrap_or(5.0) / 100.0,
            min_effect_ms: args.min_effect,
            effect: EffectSize::Estimate,
        },
        fail_on_new_modules: false,
        report_only: false,
    };
    let plan = settings::pair_plan(&args.pairs, None, file, gate)?;
    // --metric instructions (issue 14): valgrind is checked before any checkout or build.
    let counting = match condition {
        Condition::Instructions { percent } => Some(Counting {
            valgrind: counts::valgrind()?.0,
            params: CountParams::with_threshold(percent / 100.0),
            hash_seed: measure
                .env
                .vars
                .get("PYTHONHASHSEED")
                .cloned()
                .unwrap_or_else(|| COUNT_HASH_SEED.to_string()),
            warmup: settings::pair_warmup(&args.pairs, file),
            good: None,
        }),
        _ => None,
    };
    // No result files: only the report (--output) and the chart (--svg) are written.
    crate::results::store::check_file_writable(output.file.as_deref())?;
    crate::results::store::check_file_writable(output.svg.as_deref())?;
    let repo = Repo::discover(&cwd)?;
    let (good, bad) = (repo.resolve(&args.good)?, repo.resolve(&args.bad)?);
    let (walk, walk_name) = settings::revisions::walk(args.env.all_parents);
    let range = repo.range(&good, &bad, walk)?;
    let good = repo.commit(&good)?;
    if !output.quiet {
        eprintln!(
            "bisecting {} after {} ({}) for: {}",
            count(range.len(), "commit"),
            good.short,
            good.subject,
            condition.describe()
        );
    }
    let mut live = Live {
        envs: CommitEnvs::new(&repo, env.python, env.cache_dir, env.setup, output.quiet),
        measure,
        plan,
        output: Output {
            progress: false,
            ..output.clone()
        },
        good: None,
        counting,
    };
    let meta = Meta {
        tool_version: env!("CARGO_PKG_VERSION").into(),
        created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        targets: live
            .measure
            .targets
            .iter()
            .map(|t| t.name.clone())
            .collect(),
        walk: walk_name.into(),
    };
    let report = driver::run(&mut live, &good, &range, &condition, meta)?
        .map_err(|e| Error::Usage(e.to_string()))?;
    emit(&report, &output, |k| std::env::var(k).ok())?;
    Ok(match report.outcome {
        Outcome::Found => Exit::Ok,
        // No single first bad commit: exit 1, like `why` when nothing loads the module.
        Outcome::Ambiguous => Exit::NotFound,
    })
}
