//! Validation of `bisect` and `history` flags (issue 16).
use crate::bisect::Condition;
use crate::cli::BisectArgs;
use crate::error::{Error, Result};
use crate::git::Walk;
use crate::model::names::is_module_name;

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
