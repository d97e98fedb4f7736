//! `coldstart tree`: the `-X importtime` diagnostic pass on its own, as text, JSON or SVG.
use crate::cli::TreeArgs;
use crate::commands::artifacts::{SVG_MIN_MS, write_svgs};
use crate::config::FileConfig;
use crate::error::Result;
use crate::exit::Exit;
use crate::model::words::count;
use crate::render::emit_document;
use crate::tree::render_text;

pub fn execute(args: &TreeArgs, file: &FileConfig) -> Result<Exit> {
    let min_ms = crate::settings::min_ms(args, file)?;
    let m = super::measure_of(&args.modules, &args.child, &args.python, file)?;
    let output = super::text_output(&args.output, file, &super::cwd()?)?;
    crate::results::store::check_file_writable(args.svg.as_deref())?;
    let trees = super::import_trees(&m, output.progress)?;
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
            if !output.quiet {
                eprintln!("wrote {}", p.display());
            }
        }
    }
    let json = || {
        let map: serde_json::Map<String, serde_json::Value> = trees
            .iter()
            .map(|(n, t)| {
                (
                    n.clone(),
                    serde_json::to_value(t).expect("trees always serialize"),
                )
            })
            .collect();
        serde_json::to_string_pretty(&map).expect("trees always serialize") + "\n"
    };
    let mut text = String::new();
    for (name, tree) in &trees {
        text += &format!(
            "{name}: {} ms over {} (interpreter start-up {} ms, {}, not shown)\n",
            crate::render::ms(tree.total_ms()),
            count(tree.runs, "run"),
            crate::render::ms(tree.startup_ms),
            count(tree.startup_modules, "module")
        );
        text += &render_text(tree, min_ms, args.group);
    }
    emit_document(&text, json, &output)?;
    Ok(Exit::Ok)
}
