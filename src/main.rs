//! The `coldstart` binary: only turns the exit code of `coldstart::main` (parsing, configuration,
//! dispatch, error printing) into the process exit status.
use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(coldstart::main())
}
