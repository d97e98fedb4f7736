//! Wording of the comparison reports on the stored result fixture: the paired noise line, a
//! change too large for a percentage, the remaining packages of a long module diff and
//! `--report-only` (snapshots in `src/render/compare/snapshots/`).
use super::*;
use crate::results::ResultFile;
use crate::stats::paired::GateParams;
use crate::stats::sequential::Design;
use crate::verdict::compare::{GateOptions, compare};

fn fixture() -> ResultFile {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/results/v1_fixture_pkgs.json"
    );
    crate::results::store::load(std::path::Path::new(path)).expect("the fixture loads")
}

/// Every time of target `i` multiplied by `factor`.
fn scale(r: &mut ResultFile, i: usize, factor: f64) {
    jitter(r, i, factor, 0.0);
}

/// Every time of target `i` multiplied by `factor` and by a factor within ±`spread` that differs
/// from sample to sample (deterministic), so that pairs are not all alike.
fn jitter(r: &mut ResultFile, i: usize, factor: f64, spread: f64) {
    for (k, s) in r.targets[i].samples.iter_mut().enumerate() {
        let factor = factor * (1.0 + spread * (((k * 7) % 5) as f64 - 2.0) / 2.0);
        s.import_ms *= factor;
        s.import_cpu_ms *= factor;
        s.wall_ms *= factor;
        s.cpu_ms *= factor;
    }
}

fn gate(report_only: bool) -> GateOptions {
    GateOptions {
        params: GateParams {
            threshold: 0.05,
            min_effect_ms: 1.0,
            ..GateParams::default()
        },
        fail_on_new_modules: false,
        report_only,
    }
}

/// `ab`'s comparison of the two files as pairs (fixed design: 8 pairs, up to 60), default gate.
fn paired(base: &ResultFile, cand: &ResultFile) -> Comparison {
    let design = Design::fixed(8, 10, 60);
    compare(
        "ab",
        base,
        cand,
        (None, None),
        Some(&design),
        gate(false),
        "[created_at]".into(),
    )
}

fn text(c: &Comparison) -> String {
    c.terminal(&View::new(false, 3))
}

#[test]
fn paired_noise_line_says_what_the_pairs_needed_are_for() {
    let (base, mut cand) = (fixture(), fixture());
    for i in 0..3 {
        jitter(&mut cand, i, if i == 0 { 1.3 } else { 1.0 }, 0.04);
    }
    let c = paired(&base, &cand);
    insta::assert_snapshot!("paired_terminal", text(&c));
}

#[test]
fn a_huge_change_keeps_the_columns_and_reads_as_a_factor() {
    let (base, mut cand) = (fixture(), fixture());
    scale(&mut cand, 0, 152.0);
    let c = compare(
        "compare",
        &base,
        &cand,
        (None, None),
        None,
        gate(false),
        "[created_at]".into(),
    );
    let report = text(&c);
    // The `→` and the interval of every row of every table line up with the header's.
    let col = |line: &str, needle: &str| line[..line.find(needle).unwrap()].chars().count();
    let header = report.lines().find(|l| l.contains("metric")).unwrap();
    for line in report.lines().filter(|l| l.contains(" ms → ")) {
        assert_eq!(col(line, "→"), col(header, "→"), "{line}\n{header}");
        assert_eq!(col(line, "["), col(header, "ratio"), "{line}\n{header}");
    }
    assert!(report.contains("×152"), "{report}");
    insta::assert_snapshot!("huge_terminal", report);
    insta::assert_snapshot!("huge_markdown", c.markdown(&View::new(false, 3)));
}

#[test]
fn the_remaining_packages_line_lists_package_names_and_says_so() {
    let (base, mut cand) = (fixture(), fixture());
    let extra: Vec<String> = (0..30)
        .flat_map(|i| {
            let top = format!("pkg{i:02}");
            let sub = (i % 3 == 0).then(|| format!("{top}.sub"));
            std::iter::once(top).chain(sub)
        })
        .collect();
    let m = &mut cand.targets[1].modules;
    m.loaded.extend(extra);
    m.loaded.sort();
    m.total = m.loaded.len();
    let c = compare(
        "compare",
        &base,
        &cand,
        (None, None),
        None,
        gate(false),
        "[created_at]".into(),
    );
    let report = text(&c);
    let line = report
        .lines()
        .find(|l| l.contains(" more packages ("))
        .unwrap_or_else(|| panic!("{report}"));
    // 30 packages, 8 listed as groups: 22 more, of which 12 named and 10 counted.
    assert!(
        line.starts_with("    + 22 more packages (") && line.ends_with(" … (+10)"),
        "{line}"
    );
    insta::assert_snapshot!("many_packages_terminal", report);
}

#[test]
fn report_only_says_the_exit_code_is_zero_on_purpose() {
    let (base, mut cand) = (fixture(), fixture());
    scale(&mut cand, 0, 1.5);
    for report_only in [false, true] {
        let c = compare(
            "compare",
            &base,
            &cand,
            (None, None),
            None,
            gate(report_only),
            "[created_at]".into(),
        );
        assert!(!c.passed());
        let terminal = text(&c);
        let fail = terminal.lines().find(|l| l.starts_with("FAIL")).unwrap();
        let markdown = c.markdown(&View::new(false, 3));
        let title = markdown.lines().next().unwrap();
        if report_only {
            insta::assert_snapshot!("report_only_fail_line", format!("{fail}\n{title}"));
        } else {
            assert!(!fail.contains("report-only") && !title.contains("report-only"));
        }
    }
}

/// "Not reliably detectable with N pairs" is advice for an undecided verdict: after a detected
/// regression it would contradict the verdict, so only the unchanged noisy target gets it.
#[test]
fn the_not_detectable_warning_is_only_for_verdicts_not_reached() {
    let (base, mut cand) = (fixture(), fixture());
    jitter(&mut cand, 0, 2.0, 0.6);
    jitter(&mut cand, 1, 1.0, 0.6);
    let c = paired(&base, &cand);
    let names = [&c.targets[0].name, &c.targets[1].name];
    let t0 = &c.targets[0].import;
    assert_eq!(t0.verdict, Verdict::Regression);
    // At this noise the 5 % threshold needs more pairs than were taken...
    assert!(t0.pairs_needed.is_some_and(|n| n > t0.n_baseline), "{t0:?}");
    // ...but the 2x change was found all the same.
    let warned = |name: &str| {
        c.warnings
            .iter()
            .any(|w| w.starts_with(&format!("{name}:")) && w.contains("not reliably detectable"))
    };
    assert!(!warned(names[0]), "{:?}", c.warnings);
    assert_ne!(c.targets[1].import.verdict, Verdict::Regression);
    let t = &c.targets[1].import;
    assert!(t.pairs_needed.is_some_and(|n| n > t.n_baseline), "{t:?}");
    assert!(warned(names[1]), "{:?}", c.warnings);
}
