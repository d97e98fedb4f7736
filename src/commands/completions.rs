//! `coldstart completions SHELL`: a shell completion script on stdout (clap_complete).
use crate::cli::{Cli, CompletionsArgs};
use crate::error::Result;
use crate::render::to_stdout;
use clap::CommandFactory;

pub fn execute(args: &CompletionsArgs) -> Result<crate::exit::Exit> {
    to_stdout(&script(args.shell))?;
    Ok(crate::exit::Exit::Ok)
}

/// The completion script of `shell` for the whole command line (every subcommand and flag).
pub fn script(shell: clap_complete::Shell) -> String {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "coldstart", &mut out);
    String::from_utf8(out).expect("clap_complete writes UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap_complete::Shell;

    #[test]
    fn each_shell_gets_a_script_naming_the_subcommands() {
        for (shell, marker) in [
            (Shell::Bash, "complete -F _coldstart"),
            (Shell::Zsh, "#compdef coldstart"),
            (Shell::Fish, "complete -c coldstart"),
        ] {
            let text = script(shell);
            assert!(text.contains(marker), "{shell}: {marker} missing");
            for sub in ["run", "ab", "branches", "compare", "check", "why"] {
                assert!(text.contains(sub), "{shell}: subcommand {sub} missing");
            }
        }
    }
}
