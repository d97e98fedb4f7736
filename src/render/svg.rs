//! Self-contained SVG icicle charts of an [`ImportTree`] (no scripts, no fetches): bar width is
//! proportional to cumulative time, one row per depth, `<title>` tooltips, labels where they fit,
//! colour by top-level package, or (diff) by change against a base tree.

use crate::model::words::{count, signed};
use std::collections::HashMap;
use std::fmt::Write as _;

use crate::model::top_level;
use crate::tree::aggregate::{ImportTree, ModuleStats};
use crate::tree::diff::diff;

const WIDTH: f64 = 1200.0;
const MARGIN: f64 = 10.0;
const ROW: f64 = 18.0;
const BAR: f64 = 17.0;
const FONT: f64 = 11.0;
/// Advance of one monospace character at [`FONT`] (0.6 em).
const CHAR_W: f64 = FONT * 0.6;
/// Top of the first chart row, below the title and the subtitle.
const TOP: f64 = 54.0;
const FONTS: &str = "DejaVu Sans Mono, Menlo, Consolas, monospace";
const TEXT: &str = "#1a1a1a";
const MUTED: &str = "#555555";
const ALL: &str = "#d9d9d9";
const GREY: &str = "#cccccc";
const GREEN: &str = "#7cc47f";

/// Fill colour and extra tooltip text of one bar.
struct Style {
    fill: String,
    note: String,
}

/// Icicle chart of `tree`; modules under `min_ms` cumulative (and their subtrees) are left out and
/// counted in the subtitle.
pub fn render_svg(tree: &ImportTree, title: &str, min_ms: f64) -> String {
    let style = |m: &ModuleStats| Style {
        fill: package_colour(&m.name),
        note: String::new(),
    };
    chart(tree, title, min_ms, &style, &Footer::default())
}

/// Icicle chart of `cand` coloured by change against `base`: red slower, blue faster (deeper for
/// larger changes), grey when the cumulative time moved less than `noise_ms`, green for modules
/// the base did not import. Subtrees only the base imported are listed under the chart.
pub fn render_svg_diff(
    base: &ImportTree,
    cand: &ImportTree,
    title: &str,
    min_ms: f64,
    noise_ms: f64,
) -> String {
    let base_index: HashMap<&str, &ModuleStats> = base
        .modules
        .iter()
        .rev()
        .map(|m| (m.name.as_str(), m))
        .collect();
    let changes = diff(base, cand);
    let largest = changes
        .changed
        .iter()
        .map(|c| c.delta_ms.abs())
        .fold(0.0, f64::max);
    let style = |m: &ModuleStats| match base_index.get(m.name.as_str()) {
        None => Style {
            fill: GREEN.to_owned(),
            note: "\nnew: the base did not import it".to_owned(),
        },
        Some(b) => {
            let delta = m.cumulative_ms - b.cumulative_ms;
            let note = format!("\nbase {:.2} ms, change {delta:+.2} ms", b.cumulative_ms);
            let fill = if delta.abs() < noise_ms || largest <= 0.0 {
                GREY.to_owned()
            } else {
                let strength = (delta.abs() / largest).sqrt().min(1.0);
                let hue = if delta > 0.0 { 0.0 } else { 215.0 };
                hsl_hex(hue, 0.75, 0.86 - 0.30 * strength)
            };
            Style { fill, note }
        }
    };
    let gone: Vec<String> = changes
        .disappeared
        .iter()
        .map(|s| format!("{} ({:.2} ms)", s.module, s.cumulative_ms))
        .collect();
    let footer = Footer {
        legend: vec![
            (hsl_hex(0.0, 0.75, 0.62), "slower".to_owned()),
            (hsl_hex(215.0, 0.75, 0.62), "faster".to_owned()),
            (GREY.to_owned(), format!("change under {noise_ms} ms")),
            (GREEN.to_owned(), "new".to_owned()),
        ],
        note: if gone.is_empty() {
            "nothing the base imported is gone".to_owned()
        } else {
            format!("gone since the base: {}", gone.join(", "))
        },
        subtitle: format!(
            "; base {:.1} ms, change {} ms",
            base.total_ms(),
            signed(cand.total_ms() - base.total_ms(), 1)
        ),
    };
    chart(cand, title, min_ms, &style, &footer)
}

/// Extra parts of a diff chart.
#[derive(Default)]
struct Footer {
    legend: Vec<(String, String)>,
    note: String,
    subtitle: String,
}

struct Bar {
    idx: usize,
    x: f64,
    w: f64,
    depth: usize,
}

struct Layout {
    bars: Vec<Bar>,
    hidden: usize,
    depth_rows: usize,
}

/// Place every module with at least `min_ms` cumulative: children share their parent's width in
/// proportion to their cumulative times (squeezed when they add up to more than the parent).
fn layout(tree: &ImportTree, min_ms: f64) -> Layout {
    let forest = tree.forest();
    let sizes = forest.subtree_sizes();
    let ms = |i: usize| {
        let v = tree.modules[i].cumulative_ms;
        if v.is_finite() { v.max(0.0) } else { 0.0 }
    };
    let total: f64 = forest.roots.iter().map(|&r| ms(r)).sum();
    let scale = if total > 0.0 && total.is_finite() {
        (WIDTH - 2.0 * MARGIN) / total
    } else {
        0.0
    };
    let mut hidden = 0;
    let mut bars = Vec::new();
    let mut stack: Vec<Bar> = Vec::new();
    let place = |parent: Option<&Bar>, kids: &[usize], hidden: &mut usize, stack: &mut Vec<Bar>| {
        let shown: Vec<usize> = kids
            .iter()
            .copied()
            .filter(|&k| {
                let keep = tree.modules[k].cumulative_ms >= min_ms;
                if !keep {
                    *hidden += sizes[k];
                }
                keep
            })
            .collect();
        let wanted: f64 = shown.iter().map(|&k| ms(k) * scale).sum();
        let (mut x, depth, squeeze) = match parent {
            Some(p) if wanted > p.w && wanted > 0.0 => (p.x, p.depth + 1, p.w / wanted),
            Some(p) => (p.x, p.depth + 1, 1.0),
            None => (MARGIN, 0, 1.0),
        };
        let mut placed = Vec::with_capacity(shown.len());
        for k in shown {
            let w = ms(k) * scale * squeeze;
            placed.push(Bar {
                idx: k,
                x,
                w,
                depth,
            });
            x += w;
        }
        stack.extend(placed.into_iter().rev());
    };
    place(None, &forest.roots, &mut hidden, &mut stack);
    let mut depth_rows = 0;
    while let Some(bar) = stack.pop() {
        place(
            Some(&bar),
            &forest.children[bar.idx],
            &mut hidden,
            &mut stack,
        );
        depth_rows = depth_rows.max(bar.depth + 1);
        bars.push(bar);
    }
    Layout {
        bars,
        hidden,
        depth_rows,
    }
}

fn chart(
    tree: &ImportTree,
    title: &str,
    min_ms: f64,
    style: &dyn Fn(&ModuleStats) -> Style,
    footer: &Footer,
) -> String {
    let layout = layout(tree, min_ms);
    let chart_bottom = TOP + ROW * (layout.depth_rows + 1) as f64;
    let footer_h = if footer.legend.is_empty() { 0.0 } else { 44.0 };
    let height = chart_bottom + footer_h + MARGIN;
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="{FONTS}" font-size="{FONT}">"#
    );
    let _ = writeln!(
        out,
        r##"<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>"##
    );
    let _ = writeln!(
        out,
        r#"<text x="{}" y="24" text-anchor="middle" font-size="17" fill="{TEXT}">{}</text>"#,
        WIDTH / 2.0,
        escape(title)
    );
    let runs = count(tree.runs, "run");
    let unreliable = match tree.unreliable_runs {
        0 => String::new(),
        n => format!(", {n} unreliable: nesting may be wrong"),
    };
    let hidden = match layout.hidden {
        0 => String::new(),
        n => format!(", {} under {min_ms} ms hidden", count(n, "module")),
    };
    let subtitle = format!(
        "imports {:.1} ms (median of {runs}{unreliable}){}; {} shown{hidden}; start-up {:.1} ms not included",
        tree.total_ms(),
        footer.subtitle,
        count(layout.bars.len(), "module"),
        tree.startup_ms,
    );
    let _ = writeln!(
        out,
        r#"<text x="{MARGIN}" y="44" fill="{MUTED}">{}</text>"#,
        escape(&fit_text(&subtitle, WIDTH - 2.0 * MARGIN))
    );
    if layout.bars.is_empty() {
        let _ = writeln!(
            out,
            r#"<text x="{MARGIN}" y="{}" fill="{MUTED}">no imports at or above {min_ms} ms</text>"#,
            TOP + 12.0
        );
    } else {
        let label = format!("all imports ({:.1} ms)", tree.total_ms());
        let summary = format!(
            "all imports\ncumulative {:.2} ms over {} top-level module(s)",
            tree.total_ms(),
            tree.roots().len()
        );
        bar(
            &mut out,
            MARGIN,
            TOP,
            WIDTH - 2.0 * MARGIN,
            ALL,
            &summary,
            Some(label),
        );
    }
    for b in &layout.bars {
        let m = &tree.modules[b.idx];
        let s = style(m);
        let tooltip = format!(
            "{}\nself {:.2} ms, cumulative {:.2} ms, in {} of {}{}",
            m.name,
            m.self_ms,
            m.cumulative_ms,
            m.runs,
            count(tree.runs, "run"),
            s.note
        );
        let y = TOP + ROW * (b.depth + 1) as f64;
        bar(
            &mut out,
            b.x,
            y,
            b.w,
            &s.fill,
            &tooltip,
            label(&m.name, m.cumulative_ms, b.w),
        );
    }
    if !footer.legend.is_empty() {
        let y = chart_bottom + 8.0;
        let mut x = MARGIN;
        for (fill, text) in &footer.legend {
            let _ = writeln!(
                out,
                r#"<rect x="{x:.2}" y="{y:.2}" width="12" height="12" fill="{fill}"/><text x="{:.2}" y="{:.2}" fill="{TEXT}">{}</text>"#,
                x + 16.0,
                y + 10.0,
                escape(text)
            );
            x += 16.0 + CHAR_W * text.chars().count() as f64 + 18.0;
        }
        let _ = writeln!(
            out,
            r#"<text x="{MARGIN}" y="{:.2}" fill="{MUTED}">{}</text>"#,
            y + 30.0,
            escape(&fit_text(&footer.note, WIDTH - 2.0 * MARGIN))
        );
    }
    out.push_str("</svg>\n");
    out
}

fn bar(out: &mut String, x: f64, y: f64, w: f64, fill: &str, tooltip: &str, text: Option<String>) {
    let _ = write!(
        out,
        r#"<g><title>{}</title><rect x="{x:.2}" y="{y:.2}" width="{w:.2}" height="{BAR}" rx="2" fill="{fill}"/>"#,
        escape(tooltip)
    );
    if let Some(text) = text {
        let _ = write!(
            out,
            r#"<text x="{:.2}" y="{:.2}" fill="{TEXT}">{}</text>"#,
            x + 3.0,
            y + 12.5,
            escape(&text)
        );
    }
    out.push_str("</g>\n");
}

/// The label that fits in a bar `w` wide: name and time, name, or a truncated name.
fn label(name: &str, cumulative_ms: f64, w: f64) -> Option<String> {
    let fit = ((w - 6.0) / CHAR_W).floor();
    if fit.is_nan() || fit < 3.0 {
        return None;
    }
    let with_time = format!("{name} ({cumulative_ms:.1} ms)");
    if with_time.chars().count() as f64 <= fit {
        return Some(with_time);
    }
    Some(fit_chars(name, fit))
}

fn fit_text(text: &str, w: f64) -> String {
    fit_chars(text, (w / CHAR_W).floor())
}

/// `text` cut to at most `fit` characters, ending with an ellipsis when cut.
fn fit_chars(text: &str, fit: f64) -> String {
    super::ellipsize(text, fit.max(0.0) as usize)
}

/// A deterministic colour per top-level package: FNV-1a hash to hue, fixed saturation/lightness.
fn package_colour(name: &str) -> String {
    let hash = top_level(name).bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    // Other bits vary saturation and lightness so that packages with close hues stay apart.
    let saturation = 0.45 + f64::from((hash >> 9) % 4) * 0.07;
    let lightness = 0.66 + f64::from((hash >> 13) % 4) * 0.04;
    hsl_hex(f64::from(hash % 360), saturation, lightness)
}

/// `#rrggbb` for a hue in degrees and saturation/lightness in 0..=1.
fn hsl_hex(hue: f64, saturation: f64, lightness: f64) -> String {
    let c = (1.0 - (2.0 * lightness - 1.0).abs()) * saturation;
    let h = (hue.rem_euclid(360.0)) / 60.0;
    let x = c * (1.0 - (h % 2.0 - 1.0).abs());
    let (r, g, b) = match h {
        h if h < 1.0 => (c, x, 0.0),
        h if h < 2.0 => (x, c, 0.0),
        h if h < 3.0 => (0.0, c, x),
        h if h < 4.0 => (0.0, x, c),
        h if h < 5.0 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = lightness - c / 2.0;
    let byte = |v: f64| ((v + m).clamp(0.0, 1.0) * 255.0).round() as u8;
    format!("#{:02x}{:02x}{:02x}", byte(r), byte(g), byte(b))
}

/// Escape text for XML content and attributes. Tabs and newlines are kept (tooltips are written
/// on several lines); every other invisible character (ESC, BEL, bidi overrides, which XML 1.0
/// forbids or a reader would not see) is spelled out as on a terminal (`crate::escape::terminal`),
/// and the non-characters U+FFFE/U+FFFF become U+FFFD. Shared by every XML writer (SVG here,
/// JUnit in `render::junit`).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push_str(&crate::escape::terminal(c.encode_utf8(&mut [0; 4]))),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::aggregate::aggregate;
    use crate::tree::aggregate::tests::{node, run};
    use crate::tree::parse::parse_importtime;

    /// XML well-formedness (roxmltree rejects unbalanced tags, repeated or unquoted attributes,
    /// unknown entities and characters XML 1.0 forbids).
    fn well_formed(xml: &str) -> Result<(), String> {
        roxmltree::Document::parse(xml)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn fixture(name: &str) -> String {
        let path = format!(
            "{}/tests/fixtures/importtime/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn real_tree() -> ImportTree {
        aggregate(&[parse_importtime(&fixture("py311_json_asyncio.txt"))])
    }

    fn titles(svg: &str) -> Vec<&str> {
        svg.split("<title>")
            .skip(1)
            .filter_map(|t| t.split("</title>").next())
            .collect()
    }

    #[test]
    fn checker_rejects_broken_xml() {
        assert!(well_formed("<a><b/></a>").is_ok());
        for bad in [
            "<a><b></a>",
            "<a>",
            "<a></a><b/>",
            "<a x=1/>",
            "<a>&nope;</a>",
            "<a>1 & 2</a>",
            "<a x=\"1\" x=\"2\"/>",
            "<a>\u{1}</a>",
        ] {
            assert!(well_formed(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn real_tree_chart_is_well_formed_and_complete() {
        let tree = real_tree();
        let min_ms = 0.5;
        let svg = render_svg(&tree, "json, asyncio <&> \"py311\"", min_ms);
        well_formed(&svg).unwrap_or_else(|e| panic!("{e}"));
        assert!(svg.contains("json, asyncio &lt;&amp;&gt; &quot;py311&quot;"));
        let titles = titles(&svg);
        for m in &tree.modules {
            let shown = titles
                .iter()
                .any(|t| t.starts_with(&format!("{}\n", m.name)));
            assert_eq!(shown, m.cumulative_ms >= min_ms, "{}", m.name);
        }
        assert!(!svg.contains("<script") && !svg.contains("href"));
        // Same input, same bytes.
        assert_eq!(
            svg,
            render_svg(&tree, "json, asyncio <&> \"py311\"", min_ms)
        );
    }

    #[test]
    fn bars_nest_inside_their_parents() {
        let tree = real_tree();
        let layout = layout(&tree, 0.0);
        let forest = tree.forest();
        let at: HashMap<usize, &Bar> = layout.bars.iter().map(|b| (b.idx, b)).collect();
        for b in &layout.bars {
            assert!(b.x >= MARGIN - 1e-9 && b.x + b.w <= WIDTH - MARGIN + 1e-6);
            for c in &forest.children[b.idx] {
                let child = at[c];
                assert!(child.x >= b.x - 1e-9 && child.x + child.w <= b.x + b.w + 1e-6);
                assert_eq!(child.depth, b.depth + 1);
            }
        }
        assert_eq!(layout.bars.len(), tree.modules.len());
        assert_eq!(layout.hidden, 0);
    }

    #[test]
    fn labels_fit_or_truncate() {
        assert_eq!(label("json", 1.25, 300.0).as_deref(), Some("json (1.2 ms)"));
        assert_eq!(
            label("json.decoder", 1.0, 90.0).as_deref(),
            Some("json.decoder")
        );
        assert_eq!(label("json.decoder", 1.0, 50.0).as_deref(), Some("json.…"));
        assert_eq!(label("json", 1.0, 10.0), None);
        assert_eq!(label("json", 1.0, f64::NAN), None);
        assert_eq!(fit_chars("abc", 0.0), "…");
    }

    #[test]
    fn colours_are_deterministic_per_package() {
        assert_eq!(package_colour("json"), package_colour("json.decoder"));
        assert_ne!(package_colour("json"), package_colour("asyncio"));
        assert_eq!(hsl_hex(0.0, 1.0, 0.5), "#ff0000");
        assert_eq!(hsl_hex(120.0, 1.0, 0.5), "#00ff00");
        assert_eq!(hsl_hex(240.0, 1.0, 0.5), "#0000ff");
        assert_eq!(hsl_hex(0.0, 0.0, 1.0), "#ffffff");
    }

    #[test]
    fn hostile_names_and_values_stay_well_formed() {
        let tree = aggregate(&[run(vec![
            node(
                "a<b>&\"c'\u{1}\u{FFFF}",
                5000,
                vec![node("ü.ñ", 3000, vec![])],
            ),
            node("neg", -400, vec![]),
        ])]);
        let svg = render_svg(&tree, "\u{0}title", 0.0);
        well_formed(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
        let mut odd = tree.clone();
        odd.modules[0].cumulative_ms = f64::INFINITY;
        odd.modules[1].cumulative_ms = f64::NAN;
        well_formed(&render_svg(&odd, "odd", 0.0)).unwrap_or_else(|e| panic!("{e}"));
        let empty = render_svg(&aggregate(&[]), "empty", 1.0);
        well_formed(&empty).unwrap_or_else(|e| panic!("{e}"));
        assert!(empty.contains("no imports at or above 1 ms"));
    }

    #[test]
    fn diff_chart_colours_by_change() {
        let base = aggregate(&[run(vec![node(
            "pkg",
            1000,
            vec![
                node("pkg.slow", 1000, vec![]),
                node("pkg.fast", 5000, vec![]),
                node("pkg.same", 2000, vec![]),
                node("pkg.old", 800, vec![]),
            ],
        )])]);
        let cand = aggregate(&[run(vec![node(
            "pkg",
            1000,
            vec![
                node("pkg.slow", 6000, vec![]),
                node("pkg.fast", 1000, vec![]),
                node("pkg.same", 2010, vec![]),
                node("pkg.new", 700, vec![]),
            ],
        )])]);
        let svg = render_svg_diff(&base, &cand, "diff", 0.0, 0.5);
        well_formed(&svg).unwrap_or_else(|e| panic!("{e}"));
        let fill_of = |name: &str| -> String {
            let at = svg.find(&format!("<title>{name}\n")).expect(name);
            let rest = &svg[at..];
            let f = rest.find("fill=\"").expect("fill") + 6;
            rest[f..f + 7].to_owned()
        };
        let red = fill_of("pkg.slow");
        let blue = fill_of("pkg.fast");
        assert!(red[1..3] > red[5..7], "red-ish: {red}");
        assert!(blue[5..7] > blue[1..3], "blue-ish: {blue}");
        assert_eq!(fill_of("pkg.same"), GREY);
        assert_eq!(fill_of("pkg.new"), GREEN);
        assert!(svg.contains("gone since the base: pkg.old (0.80 ms)"));
        assert!(svg.contains("change +5.0"));
    }
}
