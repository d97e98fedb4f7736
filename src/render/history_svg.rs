//! Self-contained SVG line chart of a history (no scripts, no fetches), one target per chart:
//! import time per commit (median line, 95 % interval band; anchor-adjusted when there is an
//! anchor), or under `--metric instructions` the instruction count (millions; median line,
//! min..max band), on top, module count per commit below, the largest steps annotated with the commit's
//! subject, `<title>` tooltips on every point, commits whose build failed marked with a cross.
use crate::model::words::count;
use std::fmt::Write as _;

use super::svg::escape;
use crate::history::report::HistoryReport;
use crate::stats::instructions::grouped;

const WIDTH: f64 = 1000.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 24.0;
const TIME_TOP: f64 = 66.0;
const TIME_H: f64 = 240.0;
const MOD_TOP: f64 = TIME_TOP + TIME_H + 34.0;
const MOD_H: f64 = 100.0;
const LABELS_Y: f64 = MOD_TOP + MOD_H + 14.0;
const HEIGHT: f64 = LABELS_Y + 96.0;
const FONT: f64 = 11.0;
const CHAR_W: f64 = FONT * 0.6;
const FONTS: &str = "DejaVu Sans Mono, Menlo, Consolas, monospace";
const TEXT: &str = "#1a1a1a";
const MUTED: &str = "#555555";
const GRID: &str = "#e6e6e6";
const LINE: &str = "#d1495b";
const BAND: &str = "#f2b8bf";
const MODS: &str = "#30638e";
/// How many of the largest steps get the commit's subject.
const ANNOTATED: usize = 3;

/// The chart of target `target` (index into the report's targets).
pub fn render_history_svg(report: &HistoryReport, target: usize) -> String {
    let name = report.targets.get(target).map_or("?", String::as_str);
    let n = report.commits.len();
    let plot_w = WIDTH - LEFT - RIGHT;
    let x = |i: usize| {
        if n <= 1 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + plot_w * i as f64 / (n - 1) as f64
        }
    };
    let points: Vec<Option<Point>> = report
        .commits
        .iter()
        .map(|c| {
            let t = c.targets.get(target)?;
            let v = report.plotted(t)?;
            Some(Point {
                median: v.median,
                low: v.low,
                high: v.high,
                modules: t.modules as f64,
            })
        })
        .collect();
    let measured: Vec<&Point> = points.iter().flatten().collect();
    let time_axis = Axis::new(
        measured.iter().map(|p| p.low).fold(f64::INFINITY, f64::min),
        measured
            .iter()
            .map(|p| p.high)
            .fold(f64::NEG_INFINITY, f64::max),
        TIME_TOP,
        TIME_H,
    );
    let mod_axis = Axis::new(
        measured
            .iter()
            .map(|p| p.modules)
            .fold(f64::INFINITY, f64::min),
        measured
            .iter()
            .map(|p| p.modules)
            .fold(f64::NEG_INFINITY, f64::max),
        MOD_TOP,
        MOD_H,
    );

    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{FONTS}" font-size="{FONT}">"#
    );
    let _ = writeln!(
        out,
        r##"<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>"##
    );
    let adjusted = report.reference_anchor_ms.is_some();
    let title = format!("import {name}: {}", count(n, "commit"));
    text(&mut out, WIDTH / 2.0, 24.0, "middle", 17.0, TEXT, &title);
    let subtitle = format!(
        "{} · {} measured, {} from the store · {}",
        report.walk,
        report.measured,
        report.stored,
        match (&report.counter, adjusted) {
            (Some(counter), _) => format!("instructions counted with {counter}"),
            (None, true) => "times adjusted for machine speed through the anchor".into(),
            (None, false) => "raw times (no anchor)".into(),
        }
    );
    let counted = report.counter.is_some();
    text(
        &mut out,
        LEFT,
        46.0,
        "start",
        FONT,
        MUTED,
        &fit(&subtitle, WIDTH - LEFT),
    );

    time_axis.draw(
        &mut out,
        if counted {
            "instructions (millions)"
        } else {
            "import ms"
        },
    );
    mod_axis.draw(&mut out, "modules");
    if measured.is_empty() {
        text(
            &mut out,
            WIDTH / 2.0,
            TIME_TOP + TIME_H / 2.0,
            "middle",
            FONT,
            MUTED,
            "no commit could be measured",
        );
    }

    // Interval band and lines, one segment per run of measured commits.
    for segment in segments(&points) {
        let mut band = String::new();
        for &i in &segment {
            let p = points[i].as_ref().expect("measured");
            let _ = write!(band, "{:.2},{:.2} ", x(i), time_axis.y(p.high));
        }
        for &i in segment.iter().rev() {
            let p = points[i].as_ref().expect("measured");
            let _ = write!(band, "{:.2},{:.2} ", x(i), time_axis.y(p.low));
        }
        let _ = writeln!(
            out,
            r#"<polygon class="band" points="{}" fill="{BAND}" fill-opacity="0.6" stroke="none"/>"#,
            band.trim_end()
        );
        let line = |value: &dyn Fn(&Point) -> f64, axis: &Axis| {
            segment
                .iter()
                .map(|&i| {
                    let p = points[i].as_ref().expect("measured");
                    format!("{:.2},{:.2}", x(i), axis.y(value(p)))
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        let _ = writeln!(
            out,
            r#"<polyline class="import" points="{}" fill="none" stroke="{LINE}" stroke-width="2"/>"#,
            line(&|p| p.median, &time_axis)
        );
        let _ = writeln!(
            out,
            r#"<polyline class="modules" points="{}" fill="none" stroke="{MODS}" stroke-width="2"/>"#,
            line(&|p| p.modules, &mod_axis)
        );
    }

    // Points with tooltips, crosses for failed builds, commit labels.
    for (i, c) in report.commits.iter().enumerate() {
        let xi = x(i);
        match (&points[i], c.targets.get(target)) {
            (Some(p), Some(t)) => {
                let change = t
                    .change_ms
                    .map_or(String::new(), |d| format!(", change {d:+.2} ms"));
                let i = t.charted();
                let counts = t.instructions.as_ref().map_or(String::new(), |n| {
                    let change = t
                        .instructions_change_percent
                        .map_or(String::new(), |d| format!(", change {d:+.2} %"));
                    format!(
                        "\n{} instructions ({}..{}){change}",
                        grouped(n.median),
                        grouped(n.min),
                        grouped(n.max)
                    )
                });
                let tip = format!(
                    "{} {}\nimport {:.2} ms (95 % {:.2}..{:.2}){change}{counts}\n{}",
                    c.commit.short,
                    c.commit.subject,
                    i.median,
                    i.low,
                    i.high,
                    count(t.modules, "module")
                );
                let _ = writeln!(
                    out,
                    r#"<g class="point"><title>{}</title><circle cx="{xi:.2}" cy="{:.2}" r="3.5" fill="{LINE}"/><circle cx="{xi:.2}" cy="{:.2}" r="3" fill="{MODS}"/></g>"#,
                    escape(&tip),
                    time_axis.y(p.median),
                    mod_axis.y(p.modules)
                );
            }
            _ => {
                let why = c.error.as_deref().unwrap_or("not measured");
                let tip = format!(
                    "{} {}\nbuild failed: {why}",
                    c.commit.short, c.commit.subject
                );
                let y = TIME_TOP + TIME_H - 8.0;
                let _ = writeln!(
                    out,
                    r#"<g class="failed"><title>{}</title><path d="M{:.2},{:.2} l8,8 m0,-8 l-8,8" stroke="{MUTED}" stroke-width="2"/></g>"#,
                    escape(&tip),
                    xi - 4.0,
                    y - 4.0
                );
            }
        }
        if n <= 40 || i % n.div_ceil(40) == 0 || i == n - 1 {
            let _ = writeln!(
                out,
                r#"<text x="{xi:.2}" y="{LABELS_Y:.2}" text-anchor="end" transform="rotate(-60 {xi:.2} {LABELS_Y:.2})" fill="{MUTED}">{}</text>"#,
                escape(&c.commit.short)
            );
        }
    }

    // The largest steps, annotated with the subject, staggered so they do not overlap.
    for (row, &i) in report.largest_steps(target, ANNOTATED).iter().enumerate() {
        let (Some(p), Some(t)) = (&points[i], report.commits[i].targets.get(target)) else {
            continue;
        };
        let Some(change) = report.plotted_change(t) else {
            continue;
        };
        let (xi, yi) = (x(i), time_axis.y(p.median));
        let ty = TIME_TOP + 14.0 + 15.0 * row as f64;
        let right_half = xi > LEFT + plot_w / 2.0;
        let anchor = if right_half { "end" } else { "start" };
        let tx = if right_half { xi - 6.0 } else { xi + 6.0 };
        let label = format!(
            "{} at {} {}",
            if counted {
                format!("{change:+.2} %")
            } else {
                format!("{change:+.1} ms")
            },
            report.commits[i].commit.short,
            report.commits[i].commit.subject
        );
        let room = if right_half {
            tx - LEFT
        } else {
            WIDTH - RIGHT - tx
        };
        let _ = writeln!(
            out,
            r#"<g class="step"><line x1="{xi:.2}" y1="{:.2}" x2="{xi:.2}" y2="{:.2}" stroke="{MUTED}" stroke-dasharray="3,2"/><text x="{tx:.2}" y="{ty:.2}" text-anchor="{anchor}" fill="{TEXT}">{}</text></g>"#,
            ty + 3.0,
            yi - 5.0,
            escape(&fit(&label, room))
        );
    }

    // Legend.
    let ly = HEIGHT - 14.0;
    let _ = writeln!(
        out,
        r#"<line x1="{LEFT}" y1="{:.2}" x2="{:.2}" y2="{:.2}" stroke="{LINE}" stroke-width="2"/><rect x="{:.2}" y="{:.2}" width="18" height="10" fill="{BAND}"/><line x1="{:.2}" y1="{:.2}" x2="{:.2}" y2="{:.2}" stroke="{MODS}" stroke-width="2"/>"#,
        ly - 4.0,
        LEFT + 18.0,
        ly - 4.0,
        LEFT + 250.0,
        ly - 9.0,
        LEFT + 470.0,
        ly - 4.0,
        LEFT + 488.0,
        ly - 4.0
    );
    let (line, band) = if counted {
        ("median instructions", "min..max of the counts")
    } else {
        ("median import time", "95 % interval")
    };
    for (dx, label) in [(24.0, line), (274.0, band), (494.0, "module count")] {
        text(&mut out, LEFT + dx, ly, "start", FONT, TEXT, label);
    }
    out.push_str("</svg>\n");
    out
}

struct Point {
    median: f64,
    low: f64,
    high: f64,
    modules: f64,
}

/// Runs of consecutive measured commits (failed builds break the line).
fn segments(points: &[Option<Point>]) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut current = Vec::new();
    for (i, p) in points.iter().enumerate() {
        if p.is_some() {
            current.push(i);
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// A vertical axis: `lo..hi` padded to round ticks, drawn into a panel `top..top + h`.
struct Axis {
    lo: f64,
    hi: f64,
    step: f64,
    top: f64,
    h: f64,
}

impl Axis {
    fn new(min: f64, max: f64, top: f64, h: f64) -> Axis {
        let (min, max) = if min.is_finite() && max.is_finite() {
            (min, max)
        } else {
            (0.0, 1.0)
        };
        let span = (max - min).max(max.abs() * 0.02).max(1e-3);
        let step = nice_step(span / 4.0);
        let lo = ((min - span * 0.08) / step).floor() * step;
        let hi = ((max + span * 0.08) / step).ceil() * step;
        Axis {
            lo: lo.max(if min >= 0.0 { 0.0 } else { lo }),
            hi,
            step,
            top,
            h,
        }
    }

    fn y(&self, v: f64) -> f64 {
        self.top + self.h * (1.0 - (v - self.lo) / (self.hi - self.lo))
    }

    fn draw(&self, out: &mut String, label: &str) {
        let right = WIDTH - RIGHT;
        let mut v = self.lo;
        while v <= self.hi + self.step * 1e-6 {
            let y = self.y(v);
            let _ = writeln!(
                out,
                r#"<line x1="{LEFT}" y1="{y:.2}" x2="{right}" y2="{y:.2}" stroke="{GRID}"/>"#
            );
            let tick = if self.step >= 1.0 {
                format!("{v:.0}")
            } else {
                format!("{v:.*}", (-self.step.log10().floor()) as usize)
            };
            text(out, LEFT - 6.0, y + 4.0, "end", FONT, MUTED, &tick);
            v += self.step;
        }
        let mid = self.top + self.h / 2.0;
        let _ = writeln!(
            out,
            r#"<text x="14" y="{mid:.2}" text-anchor="middle" transform="rotate(-90 14 {mid:.2})" fill="{MUTED}">{}</text>"#,
            escape(label)
        );
    }
}

/// 1, 2 or 5 times a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * power)
}

fn text(out: &mut String, x: f64, y: f64, anchor: &str, size: f64, fill: &str, content: &str) {
    let _ = writeln!(
        out,
        r#"<text x="{x:.2}" y="{y:.2}" text-anchor="{anchor}" font-size="{size}" fill="{fill}">{}</text>"#,
        escape(content)
    );
}

/// `text` cut with an ellipsis to fit `w` pixels.
fn fit(text: &str, w: f64) -> String {
    super::ellipsize(text, (w / CHAR_W).floor().max(1.0) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::report::tests::sample_report;

    #[test]
    fn chart_is_well_formed_and_complete() {
        let report = sample_report();
        let svg = render_history_svg(&report, 0);
        let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        let class = |c: &str| {
            doc.descendants()
                .filter(|n| n.attribute("class") == Some(c))
                .count()
        };
        // 31 measured points, one cross, the line broken in two at the failed build.
        assert_eq!(class("point"), 31);
        assert_eq!(class("failed"), 1);
        assert_eq!(
            (class("import"), class("modules"), class("band")),
            (2, 2, 2)
        );
        // The two real steps are annotated with their subjects (escaped, parsed back); changes
        // inside the noise are not.
        assert_eq!(class("step"), 2);
        let steps: Vec<String> = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("step"))
            .map(|n| {
                n.descendants()
                    .filter(|d| d.is_text())
                    .map(|d| d.text().unwrap())
                    .collect()
            })
            .collect();
        assert!(
            steps[0].contains("commit 9: <revision> & more"),
            "{steps:?}"
        );
        assert!(steps[0].starts_with("+30.0 ms at 0000009"), "{steps:?}");
        assert!(steps[1].contains("commit 21"), "{steps:?}");
        // Every coordinate is a finite number inside the canvas.
        for n in doc.descendants().filter(|n| n.has_tag_name("circle")) {
            let cy: f64 = n.attribute("cy").unwrap().parse().unwrap();
            assert!(cy > TIME_TOP - 1.0 && cy < MOD_TOP + MOD_H + 1.0, "{cy}");
        }
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        assert!(!svg.contains("<script") && !svg.contains("href"));
    }

    #[test]
    fn degenerate_histories_still_draw() {
        let mut report = sample_report();
        report.commits.truncate(1);
        let svg = render_history_svg(&report, 0);
        roxmltree::Document::parse(&svg).expect("one commit");
        report.commits[0].targets.clear();
        let svg = render_history_svg(&report, 0);
        roxmltree::Document::parse(&svg).expect("nothing measured");
        assert!(svg.contains("no commit could be measured"));
        assert!(!svg.contains("NaN"));
        report.commits.clear();
        roxmltree::Document::parse(&render_history_svg(&report, 0)).expect("empty");
    }

    #[test]
    fn counted_histories_chart_the_counts() {
        let report = crate::history::report::tests::counted_report();
        let svg = render_history_svg(&report, 0);
        let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
        let texts: Vec<&str> = doc
            .descendants()
            .filter(|n| n.is_text())
            .filter_map(|n| n.text())
            .collect();
        assert!(texts.contains(&"instructions (millions)"), "{texts:?}");
        assert!(texts.contains(&"median instructions"), "{texts:?}");
        assert!(!texts.contains(&"import ms"), "{texts:?}");
        let step: Vec<&&str> = texts
            .iter()
            .filter(|t| t.starts_with("+5.00 % at"))
            .collect();
        assert_eq!(step.len(), 1, "{texts:?}");
        assert!(svg.contains("2,100,000 instructions (2,100,000..2,100,001), change +5.00 %"));
    }

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(0.3), 0.5);
        assert_eq!(nice_step(7.0), 10.0);
        assert_eq!(nice_step(1.5), 2.0);
    }
}
