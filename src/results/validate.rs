//! Checks a loaded result file before anything gates on it. Every sample must be finite and
//! non-negative (elapsed times positive) and no target may be without samples: such a file was
//! edited or corrupted, and is refused naming the field. The summaries are then recomputed from
//! the samples (`summaries`, the same function the builder uses): the raw samples are the
//! record, so a stored summary that disagrees with them (an edited median, say) cannot make a
//! budget pass on numbers nobody measured.
use super::{ResultFile, Sample, Summaries};
use crate::stats::Samples;
use crate::stats::instructions::CountSummary;
use crate::stats::summary::Summary;

/// Validates `r` and replaces its summaries with the ones its samples give; the error is the
/// first problem found, as "field: what is wrong".
pub fn validate(r: &mut ResultFile) -> Result<(), String> {
    if let Some(anchor) = &mut r.anchor {
        let import: Vec<f64> = anchor.samples.iter().map(|s| s.import_ms).collect();
        let wall: Vec<f64> = anchor.samples.iter().map(|s| s.wall_ms).collect();
        values("anchor.samples[].import_ms", &import, true)?;
        values("anchor.samples[].wall_ms", &wall, true)?;
        anchor.summary = summary(&import);
    }
    // A result may have been taken without a start-up reference.
    if !r.startup_ms.samples.is_empty() {
        values("startup_ms.samples", &r.startup_ms.samples, true)?;
    }
    for (i, t) in r.targets.iter_mut().enumerate() {
        let at = format!("targets[{i}] ({})", t.name);
        if t.samples.is_empty() {
            return Err(format!("{at}.samples: no samples"));
        }
        let col = |f: fn(&Sample) -> f64| t.samples.iter().map(f).collect::<Vec<f64>>();
        // Elapsed times of a real import are never zero; CPU times can be (clock granularity).
        let columns: [(&str, Vec<f64>, bool); 4] = [
            ("import_ms", col(|s| s.import_ms), true),
            ("import_cpu_ms", col(|s| s.import_cpu_ms), false),
            ("wall_ms", col(|s| s.wall_ms), true),
            ("cpu_ms", col(|s| s.cpu_ms), false),
        ];
        for (name, xs, positive) in &columns {
            values(&format!("{at}.samples[].{name}"), xs, *positive)?;
        }
        t.summary = summaries(&t.samples);
        if let Some(c) = &mut t.instructions {
            if c.samples.contains(&0) {
                return Err(format!(
                    "{at}.instructions.samples: a count of 0 (a statement always executes instructions)"
                ));
            }
            c.summary = CountSummary::new(&c.samples)
                .ok_or_else(|| format!("{at}.instructions.samples: no counts"))?;
            if r.instructions.is_none() {
                return Err(format!(
                    "{at}.instructions: counts without the top-level instructions record of how they were counted"
                ));
            }
        }
    }
    Ok(())
}

/// The summaries of a target's samples; `samples` must be non-empty and finite (the builder
/// guarantees it for fresh measurements, `validate` for loaded files).
pub fn summaries(samples: &[Sample]) -> Summaries {
    let col = |f: fn(&Sample) -> f64| summary(&samples.iter().map(f).collect::<Vec<_>>());
    let rss: Vec<f64> = samples
        .iter()
        .filter_map(|s| s.peak_rss_kib.map(|k| k as f64))
        .collect();
    Summaries {
        import_ms: col(|s| s.import_ms),
        import_cpu_ms: col(|s| s.import_cpu_ms),
        wall_ms: col(|s| s.wall_ms),
        cpu_ms: col(|s| s.cpu_ms),
        peak_rss_kib: (!rss.is_empty()).then(|| summary(&rss)),
    }
}

/// Summary of values known to be non-empty and finite.
pub fn summary(values: &[f64]) -> Summary {
    let samples = Samples::new(values.to_vec()).expect("validated: non-empty and finite");
    Summary::of(&samples)
}

/// Non-empty, finite and non-negative (`positive`: above zero).
fn values(at: &str, xs: &[f64], positive: bool) -> Result<(), String> {
    if xs.is_empty() {
        return Err(format!("{at}: no samples"));
    }
    let bad = |x: f64| !x.is_finite() || x < 0.0 || (positive && x == 0.0);
    match xs.iter().position(|&x| bad(x)) {
        Some(i) => Err(format!(
            "{at}: sample {i} is {}, not a {} time",
            xs[i],
            if positive { "positive" } else { "non-negative" }
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_must_be_finite_non_negative_and_present() {
        assert!(values("x", &[1.0, 0.0], false).is_ok());
        let zero = values("x", &[1.0, 0.0], true).unwrap_err();
        assert_eq!(zero, "x: sample 1 is 0, not a positive time");
        assert_eq!(values("x", &[], false).unwrap_err(), "x: no samples");
        let negative = values("x", &[1.0, -0.5], false).unwrap_err();
        assert_eq!(negative, "x: sample 1 is -0.5, not a non-negative time");
        assert!(
            values("x", &[f64::NAN], false)
                .unwrap_err()
                .contains("sample 0 is NaN")
        );
        assert!(
            values("x", &[f64::INFINITY], false)
                .unwrap_err()
                .contains("inf")
        );
    }
}
