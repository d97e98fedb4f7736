use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(coldstart::run(coldstart::cli::Cli::parse()))
}
