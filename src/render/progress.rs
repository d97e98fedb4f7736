//! The progress bar on stderr (indicatif), shown only when stderr is a terminal and not `--quiet`.
//!
//! Each phase gets a fresh bar built with its prefix and length before it is first drawn: setting
//! them one by one on a live bar let a frame show the new prefix with the old counts
//! (`warming up 0/0`, `import tree 6/1`).
use crate::measure::session::{Phase, Progress};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Bar {
    enabled: bool,
    bar: Option<ProgressBar>,
    last: Option<Progress>,
    message: String,
}

fn prefix(phase: Phase) -> &'static str {
    match phase {
        Phase::Warmup => "warming up",
        Phase::Startup => "start-up",
        Phase::Measure => "measuring",
        Phase::Tree => "import tree",
    }
}

/// Whether `p` starts a new count: another phase, another total, or a count that went back (a
/// second batch of the same phase, like ab's extensions).
fn starts_new(last: Option<Progress>, p: Progress) -> bool {
    last.is_none_or(|l| l.phase != p.phase || l.total != p.total || p.done <= l.done)
}

impl Bar {
    pub fn new(enabled: bool) -> Bar {
        Bar {
            enabled,
            bar: None,
            last: None,
            message: String::new(),
        }
    }

    /// Names the current step (e.g. "building env for main").
    pub fn message(&mut self, text: &str) {
        self.message = text.to_string();
        if !self.enabled {
            return;
        }
        match &self.bar {
            Some(bar) => bar.set_message(text.to_string()),
            // Before any count (building environments): the message alone, no counts.
            None => {
                let style = ProgressStyle::with_template("{msg}").expect("static template");
                let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
                    .with_style(style)
                    .with_message(self.message.clone());
                bar.tick();
                self.bar = Some(bar);
            }
        }
    }

    pub fn update(&mut self, p: Progress) {
        if !self.enabled {
            return;
        }
        if starts_new(self.last, p) {
            if let Some(old) = self.bar.take() {
                old.finish_and_clear();
            }
            let style =
                ProgressStyle::with_template("{prefix:>10} [{bar:30}] {pos}/{len} {msg} ETA {eta}")
                    .expect("static template")
                    .progress_chars("=> ");
            let bar =
                ProgressBar::with_draw_target(Some(p.total as u64), ProgressDrawTarget::stderr())
                    .with_style(style)
                    .with_prefix(prefix(p.phase))
                    .with_message(self.message.clone());
            self.bar = Some(bar);
        }
        self.last = Some(p);
        if let Some(bar) = &self.bar {
            bar.set_position(p.done as u64);
        }
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(phase: Phase, done: usize, total: usize) -> Progress {
        Progress { phase, done, total }
    }

    #[test]
    fn a_new_phase_total_or_batch_starts_a_new_count() {
        assert!(starts_new(None, p(Phase::Warmup, 1, 4)));
        assert!(!starts_new(
            Some(p(Phase::Warmup, 1, 4)),
            p(Phase::Warmup, 2, 4)
        ));
        assert!(starts_new(
            Some(p(Phase::Measure, 6, 6)),
            p(Phase::Tree, 1, 1)
        ));
        assert!(starts_new(
            Some(p(Phase::Measure, 60, 60)),
            p(Phase::Measure, 1, 20)
        ));
        // An extension of the same size: the count went back.
        assert!(starts_new(
            Some(p(Phase::Measure, 20, 20)),
            p(Phase::Measure, 1, 20)
        ));
    }
}
