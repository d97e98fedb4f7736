//! Validation of `bisect` and `history` flags (issue 16), and where `branches` keeps results.
use crate::bisect::Condition;
use crate::cli::BisectArgs;
use crate::error::{Error, Result};
use crate::git::Walk;
use crate::model::names::is_module_name;
use std::path::{Path, PathBuf};

/// The one condition of `bisect`.
pub fn condition(args: &BisectArgs) -> Result<Condition> {
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
        found.push(Condition::Slower { percent });
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
