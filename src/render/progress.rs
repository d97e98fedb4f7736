//! The progress bar on stderr (indicatif), shown only when stderr is a terminal and not `--quiet`.
use crate::measure::session::{Phase, Progress};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Bar {
    bar: Option<ProgressBar>,
    phase: Option<Phase>,
}

impl Bar {
    pub fn new(enabled: bool) -> Bar {
        let bar = enabled.then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{prefix:>10} [{bar:30}] {pos}/{len} {msg} ETA {eta}")
                    .expect("static template")
                    .progress_chars("=> "),
            );
            bar
        });
        Bar { bar, phase: None }
    }

    /// Names the current step (e.g. "building env for main").
    pub fn message(&self, text: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(text.to_string());
        }
    }

    pub fn update(&mut self, p: Progress) {
        let Some(bar) = &self.bar else { return };
        if self.phase != Some(p.phase) {
            self.phase = Some(p.phase);
            bar.set_prefix(match p.phase {
                Phase::Warmup => "warming up",
                Phase::Startup => "start-up",
                Phase::Measure => "measuring",
                Phase::Tree => "import tree",
            });
            bar.set_length(p.total as u64);
            bar.reset_eta();
        }
        bar.set_position(p.done as u64);
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
