//! `coldstart tree` and `coldstart why`: the `-X importtime` diagnostic pass on its own, and the
//! SVG files every command can write.
use crate::cli::{TreeArgs, TreeFormatArg, WhyArgs};
use crate::commands::run::{effective_warmup, jobs};
use crate::error::{Error, Result};
use crate::measure::session::Session;
use crate::model::{Measure, Pyc};
use crate::probe::PythonProbe;
use crate::render::progress::Bar;
use crate::render::run::chain_text;
use crate::render::to_stdout;
use crate::settings;
use crate::tree::{ImportTree, aggregate, parse_importtime, render_text};
use std::path::{Path, PathBuf};

/// Cumulative time below which a module is left out of SVG charts.
pub const SVG_MIN_MS: f64 = 0.1;

/// Takes `m.tree_runs` import-tree runs of every target (after one warm-up round).
pub fn measure_trees(m: &Measure, progress: bool) -> Result<Vec<(String, ImportTree)>> {
    if m.tree_runs == 0 {
        return Err(Error::Usage("--tree-runs must be at least 1 here".into()));
    }
    crate::sys::interrupt::install();
    let mut probe = PythonProbe::new(&m.python, m.env.clone(), m.pyc, m.timeout)?;
    let mut bar = Bar::new(progress);
    let mut on_progress = |p| bar.update(p);
    let mut session = Session::new(vec![&mut probe], jobs(m), None, false, &mut on_progress);
    session.warmup(effective_warmup(m.pyc, usize::from(m.pyc == Pyc::Warm)))?;
    session.trees(m.tree_runs)?;
    let sides = session.into_sides();
    Ok(m.targets
        .iter()
        .zip(&sides[0].targets)
        .map(|(t, data)| {
            let runs: Vec<_> = data
                .importtime
                .iter()
                .map(|s| parse_importtime(s))
                .collect();
            (t.name.clone(), aggregate(&runs))
        })
        .collect())
}

/// `FILE` for one chart; `FILE_STEM-<target>.svg` per target when there are several.
pub fn svg_paths(path: &Path, names: &[&str]) -> Vec<PathBuf> {
    if names.len() <= 1 {
        return vec![path.to_path_buf()];
    }
    let stem = path
        .file_stem()
        .map_or("tree".into(), |s| s.to_string_lossy().into_owned());
    names
        .iter()
        .map(|n| {
            let safe: String = n
                .chars()
                .map(|c| {
                    if c.is_alphanumeric() || c == '.' || c == '_' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            path.with_file_name(format!("{stem}-{safe}.svg"))
        })
        .collect()
}

/// Writes one SVG per `(name, svg)` atomically; returns the paths.
pub fn write_svgs(path: &Path, charts: &[(String, String)]) -> Result<Vec<PathBuf>> {
    let names: Vec<&str> = charts.iter().map(|(n, _)| n.as_str()).collect();
    let paths = svg_paths(path, &names);
    for (p, (_, svg)) in paths.iter().zip(charts) {
        crate::results::store::write_atomic(p, svg)?;
    }
    Ok(paths)
}

fn measure_of(
    modules: &[String],
    target: &crate::cli::TargetArgs,
    python: Option<&Path>,
) -> Result<Measure> {
    let cwd = super::cwd()?;
    let python = settings::python(python, &cwd);
    settings::measure(modules, target, python, &cwd, std::env::vars())
}

pub fn execute_tree(args: &TreeArgs) -> Result<u8> {
    let m = measure_of(&args.modules, &args.target, args.python.as_deref())?;
    let (_, stderr_tty) = settings::ttys();
    crate::results::store::check_file_writable(args.svg.as_deref())?;
    let trees = measure_trees(&m, stderr_tty)?;
    if let Some(path) = &args.svg {
        // Titled with the statement, as the charts of stored results are (`--stmt` targets too).
        let charts: Vec<(String, String)> = trees
            .iter()
            .zip(&m.targets)
            .map(|((n, t), target)| {
                (
                    n.clone(),
                    crate::render::svg::render_svg(t, &target.statement, SVG_MIN_MS),
                )
            })
            .collect();
        for p in write_svgs(path, &charts)? {
            eprintln!("wrote {}", p.display());
        }
    }
    if args.format == TreeFormatArg::Json {
        let map: serde_json::Map<String, serde_json::Value> = trees
            .iter()
            .map(|(n, t)| {
                (
                    n.clone(),
                    serde_json::to_value(t).expect("trees always serialize"),
                )
            })
            .collect();
        to_stdout(&(serde_json::to_string_pretty(&map).expect("trees always serialize") + "\n"))?;
        return Ok(0);
    }
    let mut text = String::new();
    for (name, tree) in &trees {
        text += &format!(
            "{name}: {} ms over {} run{} (interpreter start-up {} ms, {} modules, not shown)\n",
            crate::render::ms(tree.total_ms()),
            tree.runs,
            if tree.runs == 1 { "" } else { "s" },
            crate::render::ms(tree.startup_ms),
            tree.startup_modules
        );
        text += &render_text(tree, args.min_ms, args.group);
    }
    to_stdout(&text)?;
    Ok(0)
}

/// Exit 0 when some target loads NAME (its chain is printed), 1 when none does.
pub fn execute_why(args: &WhyArgs) -> Result<u8> {
    if !crate::model::is_module_name(&args.name) {
        return Err(Error::Usage(format!(
            "'{}' is not a dotted module name",
            args.name
        )));
    }
    let m = measure_of(&args.modules, &args.target, args.python.as_deref())?;
    let (_, stderr_tty) = settings::ttys();
    let trees = measure_trees(&m, stderr_tty)?;
    let mut found = false;
    let mut text = String::new();
    for (name, tree) in &trees {
        match tree.why(&args.name) {
            Some(links) => {
                found = true;
                text += &format!("{name}: {}\n", chain_text(&links));
            }
            None => {
                text += &format!(
                    "{name}: does not import {} (or it was already loaded at start-up)\n",
                    args.name
                )
            }
        }
    }
    to_stdout(&text)?;
    Ok(u8::from(!found))
}

/// One chart per target that has an import tree.
pub fn result_charts(r: &crate::results::ResultFile) -> Vec<(String, String)> {
    r.targets
        .iter()
        .filter_map(|t| {
            let tree = t.import_tree.as_ref()?;
            Some((
                t.name.clone(),
                crate::render::svg::render_svg(tree, &t.statement, SVG_MIN_MS),
            ))
        })
        .collect()
}

/// One diff chart per target both sides have a tree for; changes under `noise_ms` stay grey.
pub fn diff_charts(
    base: &crate::results::ResultFile,
    cand: &crate::results::ResultFile,
    noise_ms: f64,
) -> Vec<(String, String)> {
    base.targets
        .iter()
        .filter_map(|a| {
            let b = cand.targets.iter().find(|b| b.name == a.name)?;
            let (x, y) = (a.import_tree.as_ref()?, b.import_tree.as_ref()?);
            let title = format!("{} (candidate vs baseline)", a.statement);
            Some((
                a.name.clone(),
                crate::render::svg::render_svg_diff(x, y, &title, SVG_MIN_MS, noise_ms),
            ))
        })
        .collect()
}

/// Writes charts to `--svg` if given and says where (unless quiet).
pub fn emit_svgs(path: Option<&Path>, charts: &[(String, String)], quiet: bool) -> Result<()> {
    let Some(path) = path else { return Ok(()) };
    if charts.is_empty() {
        if !quiet {
            eprintln!("warning: no import tree to draw; --tree-runs 0 skips it");
        }
        return Ok(());
    }
    for p in write_svgs(path, charts)? {
        if !quiet {
            eprintln!("wrote {}", p.display());
        }
    }
    Ok(())
}
