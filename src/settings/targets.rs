//! The target flags layered over the file (command line, else file, else default) and validated
//! into a [`Measure`].
use super::list;
use crate::cli::{ChildArgs, TargetArgs};
use crate::config::defaults as d;
use crate::config::{AnchorSetting, FileConfig};
use crate::error::{Error, Result};
use crate::model::names::{absolute, is_module_name, packages_of_statement, top_level};
use crate::model::{ChildEnv, Measure, Pyc, Target};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What to measure and how, each value from the command line, else the file, else the default.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetValues {
    pub modules: Vec<String>,
    pub stmts: Vec<String>,
    pub packages: Vec<String>,
    pub forbid: Vec<String>,
    pub pyc: Pyc,
    /// `KEY=VALUE` pairs.
    pub env: Vec<String>,
    pub path: Vec<PathBuf>,
    pub timeout: f64,
    /// `None`: no anchor (`--no-anchor`, `anchor = false`).
    pub anchor: Option<String>,
    pub tree_runs: usize,
    /// The configuration file read, recorded in results.
    pub config_file: Option<PathBuf>,
}

impl TargetValues {
    /// The child flags of `tree`, `why` and `lazy` (no counting or anchor flags) over the file.
    pub fn child(modules: &[String], c: &ChildArgs, file: &FileConfig) -> TargetValues {
        let (modules, stmts) = named(modules, &c.stmts, file);
        let env: Option<Vec<String>> = file
            .env
            .as_ref()
            .map(|e| e.iter().map(|(k, v)| format!("{k}={v}")).collect());
        TargetValues {
            modules,
            stmts,
            packages: Vec::new(),
            forbid: Vec::new(),
            pyc: c.pyc.or(file.pyc).unwrap_or(d::PYC),
            env: list(&c.env, &env),
            path: list(&c.path, &file.path),
            timeout: c.timeout.or(file.timeout).unwrap_or(d::TIMEOUT_S),
            anchor: Some(d::ANCHOR.to_string()),
            tree_runs: c.tree_runs.or(file.tree_runs).unwrap_or(d::TREE_RUNS),
            config_file: file.source.clone(),
        }
    }

    /// Every target flag of the measuring commands over the file.
    pub fn layered(modules: &[String], t: &TargetArgs, file: &FileConfig) -> TargetValues {
        let anchor = if t.no_anchor {
            None
        } else {
            match (&t.anchor, &file.anchor) {
                (Some(a), _) | (None, Some(AnchorSetting::Statement(a))) => Some(a.clone()),
                (None, Some(AnchorSetting::Enabled(false))) => None,
                (None, _) => Some(d::ANCHOR.to_string()),
            }
        };
        TargetValues {
            packages: list(&t.packages, &file.packages),
            forbid: list(&t.forbid, &file.forbid),
            anchor,
            ..TargetValues::child(modules, &t.child, file)
        }
    }

    /// The command line's values with only the targets from the file (`bisect`, whose `--forbid`
    /// is its condition).
    pub fn targets_only(modules: &[String], t: &TargetArgs, file: &FileConfig) -> TargetValues {
        let (modules, stmts) = named(modules, &t.child.stmts, file);
        TargetValues {
            modules,
            stmts,
            config_file: file.source.clone(),
            ..TargetValues::layered(&[], t, &FileConfig::default())
        }
    }
}

/// The modules and statements: the command line's, else (when it names neither) the file's.
fn named(modules: &[String], stmts: &[String], file: &FileConfig) -> (Vec<String>, Vec<String>) {
    if modules.is_empty() && stmts.is_empty() {
        (
            file.targets.clone().unwrap_or_default(),
            file.stmts.clone().unwrap_or_default(),
        )
    } else {
        (modules.to_vec(), stmts.to_vec())
    }
}

/// Validates the layered target values. `caller_env` is the environment we were started with.
pub fn measure(
    args: &TargetValues,
    python: PathBuf,
    cwd: &Path,
    caller_env: impl IntoIterator<Item = (String, String)>,
) -> Result<Measure> {
    let usage = |m: String| Error::Usage(m);
    let mut targets = Vec::new();
    for module in &args.modules {
        if crate::model::names::is_keyword(module) {
            return Err(usage(format!(
                "'{module}' is a Python keyword, not a module name; to time a statement pass it with --stmt"
            )));
        }
        if !is_module_name(module) {
            return Err(Error::NotModuleName {
                flag: None,
                name: module.clone(),
                hint: "; pass a statement with --stmt instead",
            });
        }
        targets.push(Target {
            name: module.clone(),
            statement: format!("import {module}"),
            packages: vec![top_level(module).to_string()],
        });
    }
    for stmt in &args.stmts {
        if stmt.trim().is_empty() {
            return Err(usage("--stmt needs a non-empty Python statement".into()));
        }
        targets.push(Target {
            name: stmt.clone(),
            statement: stmt.clone(),
            packages: packages_of_statement(stmt),
        });
    }
    if targets.is_empty() {
        return Err(usage(
            "nothing to measure; name a MODULE (e.g. `coldstart run json`) or pass --stmt".into(),
        ));
    }
    for (i, t) in targets.iter().enumerate() {
        if targets[..i].iter().any(|u| u.name == t.name) {
            return Err(usage(format!("target '{}' is given twice", t.name)));
        }
    }
    for prefix in args.packages.iter().chain(&args.forbid) {
        if !is_module_name(prefix) {
            return Err(usage(format!(
                "'{prefix}' is not a dotted module name (check --package and --forbid)"
            )));
        }
    }
    if !args.packages.is_empty() {
        for t in &mut targets {
            t.packages = args.packages.clone();
        }
    }
    if !(args.timeout > 0.0 && args.timeout <= MAX_TIMEOUT_S) {
        return Err(usage(format!(
            // `{:?}` writes 1e300 as `1e300`, not as 301 digits.
            "--timeout must be a number of seconds above 0 and at most {MAX_TIMEOUT_S} (a week), not {:?}",
            args.timeout
        )));
    }
    let anchor = match &args.anchor {
        Some(a) if a.trim().is_empty() => {
            return Err(usage(
                "--anchor needs a statement; use --no-anchor to skip it".into(),
            ));
        }
        other => other.clone(),
    };

    let mut overrides = BTreeMap::new();
    for pair in &args.env {
        match pair.split_once('=') {
            Some((key, value)) if key.contains('\0') || value.contains('\0') => {
                return Err(usage(format!(
                    "--env (or the configuration's env) {:?} contains a NUL byte, which no environment variable can hold; remove it",
                    pair
                )));
            }
            Some((key, value)) if !key.is_empty() => {
                overrides.insert(key.to_string(), value.to_string());
            }
            _ => {
                return Err(usage(format!(
                    "--env '{pair}' is not KEY=VALUE (e.g. --env MYPKG_LAZY=1)"
                )));
            }
        }
    }
    let mut paths = Vec::new();
    for dir in &args.path {
        let dir = absolute(cwd, dir);
        if !dir.is_dir() {
            return Err(usage(format!(
                "--path '{}' is not a directory",
                dir.display()
            )));
        }
        paths.push(dir);
    }

    let mut warnings = Vec::new();
    let mut vars = BTreeMap::new();
    let mut dropped = Vec::new();
    let mut caller_python = BTreeMap::new();
    for (key, value) in caller_env {
        if key.starts_with("PYTHON") {
            dropped.push(key.clone());
            caller_python.insert(key, value);
        } else {
            vars.insert(key, value);
        }
    }
    dropped.sort();
    if caller_python.contains_key("PYTHONPATH") && paths.is_empty() {
        warnings.push(
            "PYTHONPATH from your environment is not passed to the measured interpreter; pass --path DIR (or --env PYTHONPATH=...) to include it".to_string(),
        );
    }
    if args.pyc == Pyc::AsIs {
        // "Your environment's bytecode settings": passed on, so not listed as dropped.
        for key in ["PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX"] {
            if let Some(value) = caller_python.get(key) {
                vars.insert(key.to_string(), value.clone());
                dropped.retain(|d| d != key);
            }
        }
    }
    for (key, value) in &overrides {
        vars.insert(key.clone(), value.clone());
    }
    if !paths.is_empty() {
        let mut entries: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        if let Some(extra) = overrides.get("PYTHONPATH") {
            entries.push(extra.clone());
        }
        vars.insert("PYTHONPATH".into(), entries.join(":"));
    }
    let pyc = args.pyc;
    if pyc == Pyc::Warm && overrides.contains_key("PYTHONDONTWRITEBYTECODE") {
        return Err(usage(
            "--env PYTHONDONTWRITEBYTECODE conflicts with --pyc warm; use --pyc as-is to measure without writing bytecode".into(),
        ));
    }
    if pyc == Pyc::Cold && overrides.contains_key("PYTHONPYCACHEPREFIX") {
        return Err(usage(
            "--env PYTHONPYCACHEPREFIX conflicts with --pyc cold, which sets a fresh one per sample; use --pyc as-is".into(),
        ));
    }
    Ok(Measure {
        python,
        targets,
        anchor,
        forbid: args.forbid.clone(),
        pyc,
        env: ChildEnv { vars },
        env_overrides: overrides,
        paths,
        dropped_env: dropped,
        timeout: Duration::from_secs_f64(args.timeout),
        tree_runs: args.tree_runs,
        config_file: args.config_file.clone(),
        warnings,
    })
}

/// Longest accepted `--timeout` in seconds (a week): beyond it a "timeout" is a typo, and a
/// `Duration` cannot hold much more.
pub const MAX_TIMEOUT_S: f64 = 7.0 * 86_400.0;

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use clap::Parser;

    fn target_args(argv: &[&str]) -> (Vec<String>, TargetArgs) {
        #[derive(Parser)]
        struct T {
            modules: Vec<String>,
            #[command(flatten)]
            t: TargetArgs,
        }
        let mut full = vec!["t"];
        full.extend_from_slice(argv);
        let parsed = T::parse_from(full);
        (parsed.modules, parsed.t)
    }

    pub fn measure_of(argv: &[&str], env: &[(&str, &str)]) -> Result<Measure> {
        let env = env.iter().map(|(k, v)| (k.to_string(), v.to_string()));
        let (modules, args) = target_args(argv);
        let values = TargetValues::layered(&modules, &args, &FileConfig::default());
        measure(&values, "python3".into(), Path::new("/tmp"), env)
    }

    #[test]
    fn module_names_are_validated() {
        assert!(is_module_name("json"));
        assert!(is_module_name("a.b_c.d1"));
        assert!(is_module_name("_private"));
        for bad in [
            "",
            "1abc",
            "a..b",
            "a.",
            "os; import sys",
            "a-b",
            "a b",
            "__import__('os')",
        ] {
            assert!(!is_module_name(bad), "{bad}");
        }
        let err = measure_of(&["os;x"], &[]).unwrap_err().to_string();
        assert!(err.contains("not a dotted module name"), "{err}");
    }

    #[test]
    fn package_flags_replace_the_default_prefixes() {
        let m = measure_of(&["a.b", "c"], &[]).unwrap();
        assert_eq!(m.targets[0].packages, vec!["a"]);
        assert_eq!(m.targets[1].statement, "import c");
        let m = measure_of(&["a.b", "--package", "z"], &[]).unwrap();
        assert_eq!(m.targets[0].packages, vec!["z"]);
    }

    #[test]
    fn caller_python_variables_are_dropped_and_overrides_kept() {
        let m = measure_of(
            &["json", "--env", "A=1", "--env", "PYTHONHASHSEED=0"],
            &[
                ("PATH", "/bin"),
                ("PYTHONDONTWRITEBYTECODE", "1"),
                ("PYTHONPATH", "/x"),
            ],
        )
        .unwrap();
        assert_eq!(m.env.vars.get("PATH").map(String::as_str), Some("/bin"));
        assert_eq!(m.env.vars.get("A").map(String::as_str), Some("1"));
        assert_eq!(
            m.env.vars.get("PYTHONHASHSEED").map(String::as_str),
            Some("0")
        );
        assert!(!m.env.vars.contains_key("PYTHONDONTWRITEBYTECODE"));
        assert_eq!(m.dropped_env, vec!["PYTHONDONTWRITEBYTECODE", "PYTHONPATH"]);
        assert!(m.warnings[0].contains("--path"));
    }

    #[test]
    fn as_is_keeps_the_callers_bytecode_settings() {
        let m = measure_of(
            &["json", "--pyc", "as-is"],
            &[("PYTHONDONTWRITEBYTECODE", "1")],
        )
        .unwrap();
        assert_eq!(
            m.env
                .vars
                .get("PYTHONDONTWRITEBYTECODE")
                .map(String::as_str),
            Some("1")
        );
        assert!(m.dropped_env.is_empty(), "{:?}", m.dropped_env);
        let err = measure_of(&["json", "--env", "PYTHONDONTWRITEBYTECODE=1"], &[]).unwrap_err();
        assert!(err.to_string().contains("--pyc as-is"));
    }

    #[test]
    fn bad_inputs_name_their_flag() {
        for (argv, needle) in [
            (vec![], "nothing to measure"),
            (vec!["json", "json"], "given twice"),
            (vec!["json", "--env", "NOEQUALS"], "--env"),
            (vec!["json", "--timeout", "0"], "--timeout"),
            (vec!["json", "--forbid", "a b"], "--forbid"),
            (vec!["json", "--path", "/nonexistent/dir"], "--path"),
        ] {
            let err = measure_of(&argv, &[]).unwrap_err().to_string();
            assert!(err.contains(needle), "{argv:?}: {err}");
        }
    }

    const TOML: &str = "targets = ['a']\nstmts = ['import b']\npyc = 'cold'\nanchor = false\nforbid = ['x']\nenv = { K = 'v' }\n";

    fn layered(argv: &[&str]) -> TargetValues {
        let (modules, args) = target_args(argv);
        TargetValues::layered(&modules, &args, &toml::from_str(TOML).unwrap())
    }

    #[test]
    fn the_file_fills_what_the_command_line_leaves_unset() {
        let v = layered(&[]);
        assert_eq!(
            (v.modules, v.stmts),
            (vec!["a".into()], vec!["import b".into()])
        );
        assert_eq!(
            (v.pyc, v.anchor, v.forbid),
            (Pyc::Cold, None, vec!["x".into()])
        );
        assert_eq!(v.env, ["K=v"]);
        // Naming a module (or a statement) replaces both lists of the file.
        let v = layered(&[
            "json",
            "--pyc",
            "warm",
            "--anchor",
            "import os",
            "--forbid",
            "y",
        ]);
        assert_eq!((v.modules, v.stmts), (vec!["json".into()], vec![]));
        assert_eq!((v.pyc, v.anchor.as_deref()), (Pyc::Warm, Some("import os")));
        assert_eq!(v.forbid, ["y"]);
        let v = layered(&["--stmt", "import c"]);
        assert!(v.modules.is_empty());
        // Defaults when neither gives a value.
        let (m, a) = target_args(&[]);
        let v = TargetValues::layered(&m, &a, &FileConfig::default());
        assert_eq!(v.anchor.as_deref(), Some(d::ANCHOR));
        assert_eq!((v.timeout, v.tree_runs, v.pyc), (60.0, 5, Pyc::Warm));
    }

    #[test]
    fn bisect_takes_only_the_targets_from_the_file() {
        let (m, a) = target_args(&[]);
        let v = TargetValues::targets_only(&m, &a, &toml::from_str(TOML).unwrap());
        assert_eq!(v.modules, ["a"]);
        assert!(v.forbid.is_empty());
        assert_eq!(v.pyc, Pyc::Warm);
    }
}
