//! The timing table of a comparison (import, wall, CPU per target), with column widths computed
//! from the cells so that any value fits (a `+15093.6 %` once pushed the columns apart).
use super::*;

/// The column headers. Under the anchored method the medians are the raw ones while Δ, Δ % and
/// the interval compare anchor-normalised samples, so the headers say which is which.
fn header(method: Method) -> [String; 7] {
    let (delta, delta_pct) = match method {
        Method::Anchored | Method::AnchorShift | Method::BlockAnchored => {
            ("anchored Δ", "anchored Δ %")
        }
        Method::Paired | Method::Raw => ("Δ", "Δ %"),
    };
    [
        "metric".into(),
        "baseline".into(),
        "candidate".into(),
        delta.into(),
        delta_pct.into(),
        "ratio interval".into(),
        "verdict".into(),
    ]
}

/// The gated metric (`import`) shows the verdict in capitals when it is a regression; wall and
/// CPU use the same words but say they are not gated, so they cannot read as a second verdict.
fn verdict_cell(label: &str, v: Verdict) -> String {
    if label == "import" {
        verdict_word(v).to_owned()
    } else {
        match v {
            Verdict::Unchanged => "unchanged".to_owned(),
            v => format!("{} (not gated)", verdict_word(v).to_lowercase()),
        }
    }
}

fn cells(label: &str, t: &Timing) -> [String; 7] {
    [
        label.to_owned(),
        format!("{} ms", ms(t.baseline_median_ms)),
        format!("{} ms", ms(t.candidate_median_ms)),
        format!("{} ms", signed_ms(t.delta_ms)),
        pct(t.ratio),
        format!("[{:.3}, {:.3}]", t.ratio_low, t.ratio_high),
        verdict_cell(label, t.verdict),
    ]
}

/// The rows of one target: import, wall, cpu.
pub(super) fn target_rows(t: &TargetComparison) -> [[String; 7]; 3] {
    [
        cells("import", &t.import),
        cells("wall", &t.wall),
        cells("cpu", &t.cpu),
    ]
}

/// Column widths that fit the header and every row of every target of `c`, so that the tables
/// of all targets line up with each other.
#[derive(Debug, Clone, Copy)]
pub(super) struct Widths([usize; 7]);

impl Widths {
    pub(super) fn of(c: &Comparison) -> Widths {
        let mut w = [0; 7];
        let rows = c.targets.iter().flat_map(target_rows);
        for row in std::iter::once(header(c.method)).chain(rows) {
            for (w, cell) in w.iter_mut().zip(&row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        Widths(w)
    }

    /// One line: text columns left-aligned, numbers right-aligned.
    pub(super) fn line(&self, cells: &[String; 7]) -> String {
        let w = &self.0;
        let [metric, base, cand, delta, pct, interval, verdict] = cells;
        format!(
            "{metric:<a$} {base:>b$} → {cand:>c$}  {delta:>d$}  {pct:>e$}  {interval:<f$}  {verdict}",
            a = w[0],
            b = w[1],
            c = w[2],
            d = w[3],
            e = w[4],
            f = w[5],
        )
        .trim_end()
        .to_owned()
    }

    pub(super) fn header(&self, method: Method) -> String {
        self.line(&header(method))
    }
}

/// The import row alone (JUnit output), at its own widths.
pub(super) fn import_line(t: &TargetComparison) -> String {
    let row = cells("import", &t.import);
    let mut w = [0; 7];
    for (w, cell) in w.iter_mut().zip(&row) {
        *w = cell.chars().count();
    }
    Widths(w).line(&row)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The column (in characters) at which `needle` starts in `line`.
    fn col(line: &str, needle: &str) -> usize {
        line[..line.find(needle).expect(needle)].chars().count()
    }

    #[test]
    fn columns_hold_any_width_and_stay_aligned() {
        let row: [String; 7] = [
            "import",
            "1.00 ms",
            "152 ms",
            "+15094 ms",
            "×152",
            "[140.0, 160.0]",
            "REGRESSION",
        ]
        .map(String::from);
        let mut widths = Widths([0; 7]);
        for (w, cell) in widths.0.iter_mut().zip(&header(Method::Anchored)) {
            *w = (*w).max(cell.chars().count());
        }
        for (w, cell) in widths.0.iter_mut().zip(&row) {
            *w = (*w).max(cell.chars().count());
        }
        let (line, head) = (widths.line(&row), widths.header(Method::Anchored));
        assert_eq!(col(&line, "→"), col(&head, "→"), "{line}\n{head}");
        assert_eq!(
            col(&line, "["),
            col(&head, "ratio interval"),
            "{line}\n{head}"
        );
        assert_eq!(
            col(&line, "REGRESSION"),
            col(&head, "verdict"),
            "{line}\n{head}"
        );
    }
}
