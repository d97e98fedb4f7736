//! Files besides the result: the SVG charts every command can write with `--svg`.
use crate::error::Result;
use crate::render::svg::{render_svg, render_svg_diff};
use crate::results::ResultFile;
use crate::results::store::write_atomic;
use std::path::{Path, PathBuf};

/// Cumulative time below which a module is left out of SVG charts.
pub const SVG_MIN_MS: f64 = 0.1;

/// `FILE` for one chart; `FILE_STEM-<target>.svg` per target when there are several.
pub fn svg_paths(path: &Path, names: &[&str]) -> Vec<PathBuf> {
    if names.len() <= 1 {
        return vec![path.to_path_buf()];
    }
    let stem = path
        .file_stem()
        .map_or("tree".into(), |s| s.to_string_lossy().into_owned());
    let mut used = std::collections::BTreeSet::new();
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
            // Two statements can sanitise to one name: number the later ones, never overwrite.
            let mut file = format!("{stem}-{safe}.svg");
            let mut k = 2;
            while !used.insert(file.clone()) {
                file = format!("{stem}-{safe}-{k}.svg");
                k += 1;
            }
            path.with_file_name(file)
        })
        .collect()
}

/// Writes one SVG per `(name, svg)` atomically; returns the paths.
pub fn write_svgs(path: &Path, charts: &[(String, String)]) -> Result<Vec<PathBuf>> {
    let names: Vec<&str> = charts.iter().map(|(n, _)| n.as_str()).collect();
    let paths = svg_paths(path, &names);
    for (p, (_, svg)) in paths.iter().zip(charts) {
        write_atomic(p, svg)?;
    }
    Ok(paths)
}

/// One chart per target that has an import tree.
pub fn result_charts(r: &ResultFile) -> Vec<(String, String)> {
    r.targets
        .iter()
        .filter_map(|t| {
            let tree = t.import_tree.as_ref()?;
            Some((t.name.clone(), render_svg(tree, &t.statement, SVG_MIN_MS)))
        })
        .collect()
}

/// One diff chart per target both sides have a tree for; changes under `noise_ms` stay grey.
pub fn diff_charts(base: &ResultFile, cand: &ResultFile, noise_ms: f64) -> Vec<(String, String)> {
    base.targets
        .iter()
        .filter_map(|a| {
            let b = cand.targets.iter().find(|b| b.name == a.name)?;
            let (x, y) = (a.import_tree.as_ref()?, b.import_tree.as_ref()?);
            let title = format!("{} (candidate vs baseline)", a.statement);
            Some((
                a.name.clone(),
                render_svg_diff(x, y, &title, SVG_MIN_MS, noise_ms),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_names_that_sanitise_alike_stay_distinct() {
        let paths = svg_paths(
            Path::new("/o/tree.svg"),
            &["import a; a.b()", "import a: a.b()", "json"],
        );
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        assert_eq!(
            names,
            [
                "/o/tree-import_a__a.b__.svg",
                "/o/tree-import_a__a.b__-2.svg",
                "/o/tree-json.svg"
            ]
        );
    }
}
