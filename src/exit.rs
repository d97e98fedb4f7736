//! The process exit status: what each outcome of a command means, in one place.

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Success, or every gate passed.
    Ok,
    /// A gate failed: a regression, a forbidden module now loaded, a budget exceeded.
    GateFailed,
    /// `why`: no target imports the module.
    NotFound,
    /// A usage or runtime error (the message names the fix).
    Error,
    /// Ctrl-C or SIGTERM: children were stopped, nothing was written.
    Interrupted,
}

/// The exit-code table shown at the end of `coldstart --help`.
pub const HELP: &str = "Exit codes: 0 success / gate passed, 1 a gate failed, 2 usage or runtime error, 130 interrupted.";

impl Exit {
    /// `GateFailed` when a gate failed and `--report-only` was not given.
    pub fn gate(passed: bool, report_only: bool) -> Exit {
        if passed || report_only {
            Exit::Ok
        } else {
            Exit::GateFailed
        }
    }

    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::GateFailed | Exit::NotFound => 1,
            Exit::Error => 2,
            Exit::Interrupted => 130,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_table_names_every_code() {
        for e in [
            Exit::Ok,
            Exit::GateFailed,
            Exit::NotFound,
            Exit::Error,
            Exit::Interrupted,
        ] {
            assert!(HELP.contains(&format!("{} ", e.code())), "{e:?}");
        }
    }

    #[test]
    fn report_only_passes_a_failed_gate() {
        assert_eq!(Exit::gate(false, false), Exit::GateFailed);
        assert_eq!(Exit::gate(false, true), Exit::Ok);
        assert_eq!(Exit::gate(true, false), Exit::Ok);
    }
}
