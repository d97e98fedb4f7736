//! Validation of `bisect` and `history` flags (issue 16), and where `branches` keeps results.
use crate::bisect::Condition;
use crate::cli::BisectArgs;
use crate::config::FileConfig;
use crate::error::{Error, Result};
use crate::git::Walk;
use crate::model::choice::Metric;
use crate::model::names::is_module_name;
use std::path::{Path, PathBuf};

/// The one condition of `bisect`. Under `--metric instructions` (flag or file) `--slower PERCENT`
/// is a count threshold, and no condition at all means the count gate's default (1 %); an exact
/// condition (`--forbid`...) reads module sets, so the file's metric does not apply to it and the
/// flag is refused beside it.
pub fn condition(args: &BisectArgs, file: &FileConfig) -> Result<Condition> {
    let counted = super::metric(args.metric, file) == Metric::Instructions;
    let mut found = Vec::new();
    match args.target.forbid.as_slice() {
        [] => {}
        [one] => found.push(Condition::Forbid {
            module: one.clone(),
        }),
        _ => {
            return Err(Error::Usage(
                "bisect takes one --forbid MODULE; bisect each module on its own".into(),
            ));
        }
    }
    if let Some(max) = args.max_modules {
        found.push(Condition::MaxModules { max });
    }
    if let Some(p) = &args.new_package {
        found.push(Condition::NewPackage { package: p.clone() });
    }
    if let Some(m) = &args.module_added {
        found.push(Condition::ModuleAdded { module: m.clone() });
    }
    if let Some(percent) = args.slower {
        if !(percent > 0.0 && percent < 1000.0) {
            return Err(Error::Usage(
                "--slower is a percentage above 0, e.g. --slower 10".into(),
            ));
        }
        found.push(if counted {
            Condition::Instructions { percent }
        } else {
            Condition::Slower { percent }
        });
    }
    if counted && found.is_empty() {
        found.push(Condition::Instructions {
            percent: crate::stats::instructions::DEFAULT_THRESHOLD * 100.0,
        });
    }
    if args.metric == Some(Metric::Instructions) && found.iter().any(Condition::is_exact) {
        return Err(Error::Usage(
            "--metric instructions is a condition of its own (more instructions than GOOD's, --slower PERCENT above them); drop --forbid, --max-modules, --new-package and --module-added, or --metric".into(),
        ));
    }
    let condition = match found.len() {
        1 => found.remove(0),
        0 => {
            return Err(Error::Usage(
                "bisect needs a condition: --forbid X, --max-modules N, --new-package P, --module-added M or --slower PERCENT".into(),
            ));
        }
        _ => {
            return Err(Error::Usage(
                "bisect takes exactly one condition (--forbid, --max-modules, --new-package, --module-added or --slower); run one bisection per condition".into(),
            ));
        }
    };
    let name = match &condition {
        Condition::Forbid { module } | Condition::ModuleAdded { module } => Some(module),
        Condition::NewPackage { package } => Some(package),
        _ => None,
    };
    if let Some(name) = name
        && !is_module_name(name)
    {
        return Err(Error::Usage(format!(
            "'{name}' is not a dotted module name; name the module as Python imports it"
        )));
    }
    if matches!(condition, Condition::NewPackage { ref package } if package.contains('.')) {
        return Err(Error::Usage(
            "--new-package takes a top-level package name (no dots); use --module-added for submodules".into(),
        ));
    }
    if !(args.min_effect >= 0.0 && args.min_effect.is_finite()) {
        return Err(Error::Usage(
            "--min-effect is a non-negative number of milliseconds".into(),
        ));
    }
    Ok(condition)
}

/// `--all-parents` or the default first-parent walk, and its name in reports.
pub fn walk(all_parents: bool) -> (Walk, &'static str) {
    if all_parents {
        (Walk::AllParents, "all-parents")
    } else {
        (Walk::FirstParent, "first-parent")
    }
}

/// `branches`' default result directory: `CACHE_DIR/results/<name>-<hash of the repository's
/// path>`, outside the working tree. `branches` must leave the user's checkout as it found it
/// (`git status` included), and a directory inside it would also be materialised into the next
/// working-tree candidate; the repository's `.git` belongs to git (and coldstart never writes
/// to the repository), while the cache directory already holds this project's environments and
/// `history`'s store.
pub fn branches_results_dir(cache_dir: &Path, repo_root: &Path) -> PathBuf {
    let name: String = repo_root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "repository".into())
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    let hash = git2::Oid::hash_object(
        git2::ObjectType::Blob,
        repo_root.as_os_str().as_encoded_bytes(),
    )
    .map(|o| o.to_string()[..12].to_string())
    .unwrap_or_default();
    cache_dir.join("results").join(format!("{name}-{hash}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn ok(extra: &[&str], file: &FileConfig) -> Condition {
        parse(extra, file).expect("a condition")
    }

    fn parse(extra: &[&str], file: &FileConfig) -> Result<Condition> {
        let argv = ["coldstart", "bisect", "v1", "main", "pkg"];
        let cli = Cli::try_parse_from(argv.iter().chain(extra)).expect("parses");
        let Command::Bisect(args) = cli.command else {
            panic!("bisect");
        };
        condition(&args, file)
    }

    #[test]
    fn metric_instructions_makes_slower_a_count_threshold() {
        let none = FileConfig::default();
        let counted = |percent| Condition::Instructions { percent };
        assert_eq!(ok(&["--metric", "instructions"], &none), counted(1.0));
        assert_eq!(
            ok(&["--metric", "instructions", "--slower", "2.5"], &none),
            counted(2.5)
        );
        let err = parse(&["--metric", "instructions", "--forbid", "xml"], &none).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("--metric instructions is a condition of its own"),
            "{err}"
        );
        // The file's metric: the default condition and --slower count, exact conditions stay.
        let file = FileConfig {
            metric: Some(Metric::Instructions),
            ..FileConfig::default()
        };
        assert_eq!(ok(&[], &file), counted(1.0));
        assert_eq!(
            ok(&["--forbid", "xml"], &file),
            Condition::Forbid {
                module: "xml".into()
            }
        );
        assert_eq!(
            ok(&["--slower", "10", "--metric", "time"], &file),
            Condition::Slower { percent: 10.0 }
        );
        assert!(parse(&[], &none).is_err(), "time needs a condition");
    }
}
