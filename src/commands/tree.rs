//! `coldstart tree`: the `-X importtime` diagnostic pass on its own, as text, JSON or SVG.
use crate::cli::{TreeArgs, TreeFormatArg};
use crate::commands::artifacts::{SVG_MIN_MS, write_svgs};
use crate::error::Result;
use crate::exit::Exit;
use crate::render::to_stdout;
use crate::settings;
use crate::tree::render_text;

pub fn execute(args: &TreeArgs) -> Result<Exit> {
    let m = super::measure_of(&args.modules, &args.target, args.python.as_deref())?;
    let (_, stderr_tty) = settings::ttys();
    crate::results::store::check_file_writable(args.svg.as_deref())?;
    let trees = super::import_trees(&m, stderr_tty)?;
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
        return Ok(Exit::Ok);
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
    Ok(Exit::Ok)
}
