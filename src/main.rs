use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(coldstart::main())
}
