//! A scripted probe for unit tests: no Python, exact numbers.
use crate::error::Result;
use crate::probe::report::{ChildReport, StatementOutcome};
use crate::probe::{Probe, RawSample, Request};

/// A scripted probe: import time = base of the statement + 1 ms per call, recording call order.
pub struct FakeProbe {
    pub calls: Vec<String>,
    pub base_ms: Vec<(String, f64)>,
    pub startup_ms: f64,
}

pub fn report(import_ms: f64, modules: &[&str]) -> ChildReport {
    ChildReport {
        import_ns: (import_ms * 1e6) as u64,
        import_cpu_ns: (import_ms * 0.9e6) as u64,
        startup_modules: 20,
        peak_rss_kib: Some(10_000),
        outcome: StatementOutcome::Ok,
        modules: modules.iter().map(|m| m.to_string()).collect(),
        startup_names: vec![],
        uncached: vec![],
        lazy: None,
    }
}

impl Probe for FakeProbe {
    fn sample(&mut self, request: &Request) -> Result<RawSample> {
        self.calls.push(format!(
            "{}{}",
            request.statement,
            if request.check_bytecode { "!" } else { "" }
        ));
        let base = self
            .base_ms
            .iter()
            .find(|(s, _)| s == request.statement)
            .map(|(_, ms)| *ms)
            .unwrap_or(1.0);
        let mut report = report(base + self.calls.len() as f64, &["sys"]);
        if request.check_bytecode {
            report.uncached = vec!["slowmod".into()];
        }
        Ok(RawSample {
            report,
            wall_ns: ((base + 20.0) * 1e6) as u64,
            cpu_ns: ((base + 15.0) * 1e6) as u64,
            run_delay_ns: Some(0),
        })
    }
    fn startup(&mut self) -> Result<u64> {
        self.calls.push("startup".into());
        Ok((self.startup_ms * 1e6) as u64)
    }
    fn importtime(&mut self, request: &Request) -> Result<String> {
        self.calls.push(format!("tree {}", request.statement));
        Ok(format!(
            "import time: self [us] | cumulative | imported package\nimport time:       100 |        100 | site\nimport time:      5000 |       5000 | {}\n",
            request.statement.trim_start_matches("import ")
        ))
    }
}
