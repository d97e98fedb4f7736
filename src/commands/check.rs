//! `coldstart check RESULT.json`: absolute budgets on a stored result.
use crate::cli::CheckArgs;
use crate::config::FileConfig;
use crate::error::Result;
use crate::exit::Exit;
use crate::render::report::emit;
use crate::results::store;
use crate::settings;
use crate::verdict::budget;

pub fn execute(args: &CheckArgs, file: &FileConfig) -> Result<Exit> {
    let cwd = super::cwd()?;
    let output = super::report_output(&args.output, file, &cwd)?;
    let budgets = settings::check_budgets(args, file)?;
    store::check_file_writable(output.file.as_deref())?;
    let result = store::load(&args.file)?;
    let report = budget::check(&result, &budgets, Some(args.file.display().to_string()))?;
    emit(&report, &output, |k| std::env::var(k).ok())?;
    Ok(Exit::gate(report.passed(), false))
}
