//! Where results go and how reports are shown: the output flags over the file.
use super::switch;
use crate::cli::{OutputArgs, ReportArgs, TextOutputArgs};
use crate::config::FileConfig;
use crate::config::defaults as d;
use crate::error::{Error, Result};
use crate::model::choice::{Color, TextFormat};
use crate::model::names::absolute;
use crate::model::{Format, Output};
use std::path::Path;

/// Output settings of commands that only report (no result files, no progress bar).
pub fn report_output(
    args: &ReportArgs,
    file: &FileConfig,
    cwd: &Path,
    stdout_tty: bool,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Output> {
    let color = args.color.or(file.color).unwrap_or(d::COLOR);
    Ok(Output {
        dir: cwd.to_path_buf(),
        label: None,
        format: args.format.or(file.format).unwrap_or(d::FORMAT),
        file: args.output.as_ref().map(|p| absolute(cwd, p)),
        color: colored(color, stdout_tty, &env),
        progress: false,
        quiet: switch(args.quiet, file.quiet),
        top: d::TOP,
        svg: None,
    })
}

/// Output settings of `tree`, `why`, `config` and `cache`: the flags over the file's `format`,
/// `color` and `quiet`, as for the other commands. These reports are text or JSON: a file's
/// `format = "markdown"` or `"junit"` (meant for the commands that have those) shows the text.
/// The progress bar only on a terminal stderr and not quiet.
pub fn text_output(
    args: &TextOutputArgs,
    file: &FileConfig,
    cwd: &Path,
    (stdout_tty, stderr_tty): (bool, bool),
    env: impl Fn(&str) -> Option<String>,
) -> Result<Output> {
    let format = match args.format {
        Some(TextFormat::Json) => Format::Json,
        Some(TextFormat::Terminal) => Format::Terminal,
        None => match file.format {
            Some(Format::Json) => Format::Json,
            _ => Format::Terminal,
        },
    };
    let quiet = switch(args.quiet, file.quiet);
    Ok(Output {
        dir: cwd.to_path_buf(),
        label: None,
        format,
        file: args.output.as_ref().map(|p| absolute(cwd, p)),
        color: colored(
            args.color.or(file.color).unwrap_or(d::COLOR),
            stdout_tty,
            &env,
        ),
        progress: stderr_tty && !quiet,
        quiet,
        top: d::TOP,
        svg: None,
    })
}

/// `--color`, with `auto` meaning: stdout is a terminal, `NO_COLOR` is empty or unset, `TERM` is
/// not `dumb`.
fn colored(arg: Color, stdout_tty: bool, env: impl Fn(&str) -> Option<String>) -> bool {
    let no_color = env("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = env("TERM").is_some_and(|t| t == "dumb");
    match arg {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => stdout_tty && !no_color && !dumb,
    }
}

/// Output settings of the commands that write result files; `stdout_tty`/`stderr_tty` and `env`
/// are passed in so this stays pure.
pub fn output(
    args: &OutputArgs,
    file: &FileConfig,
    cwd: &Path,
    (stdout_tty, stderr_tty): (bool, bool),
    env: impl Fn(&str) -> Option<String>,
) -> Result<Output> {
    if let Some(label) = &args.label {
        let ok = !label.is_empty()
            && label.len() <= 64
            && label
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !ok {
            return Err(Error::Usage(format!(
                "--label '{label}' must be 1-64 characters of letters, digits, '.', '_' or '-'"
            )));
        }
    }
    let dumb = env("TERM").is_some_and(|t| t == "dumb");
    let mut out = report_output(&args.report, file, cwd, stdout_tty, env)?;
    let dir = args.output_dir.as_ref().or(file.output_dir.as_ref());
    out.dir = absolute(cwd, dir.map_or(Path::new(d::OUTPUT_DIR), |p| p.as_path()));
    out.label = args.label.clone();
    out.progress = stderr_tty && !out.quiet && !dumb;
    out.top = args.top.or(file.top).unwrap_or(d::TOP);
    out.svg = args.svg.as_ref().map(|p| absolute(cwd, p));
    Ok(out)
}

impl Output {
    /// Checks, before measuring, that every file this output will write can be written.
    pub fn check_writable(&self) -> Result<()> {
        crate::results::store::check_writable(&self.dir)?;
        crate::results::store::check_file_writable(self.file.as_deref())?;
        crate::results::store::check_file_writable(self.svg.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct O {
        #[command(flatten)]
        o: OutputArgs,
    }

    #[test]
    fn colour_honours_no_color_and_dumb_terminals() {
        let args = O::parse_from(["o"]).o;
        let none = FileConfig::default();
        let cwd = Path::new("/");
        let out = |tty, env: &dyn Fn(&str) -> Option<String>| {
            output(&args, &none, cwd, (tty, true), env).unwrap().color
        };
        assert!(out(true, &|_| None));
        assert!(!out(false, &|_| None));
        assert!(!out(true, &|k| (k == "NO_COLOR").then(|| "1".into())));
        assert!(!out(true, &|k| (k == "TERM").then(|| "dumb".into())));
        let bad = O::parse_from(["o", "--label", "a/b"]).o;
        assert!(output(&bad, &none, cwd, (true, true), |_| None).is_err());
    }

    #[derive(Parser)]
    struct T {
        #[command(flatten)]
        o: TextOutputArgs,
    }

    #[test]
    fn text_reports_take_the_files_format_color_and_quiet_under_their_flags() {
        let cwd = Path::new("/c");
        let file: FileConfig = toml::from_str(
            "format = 'json'
color = 'always'
quiet = true
",
        )
        .unwrap();
        let text = |argv: &[&str], file: &FileConfig| {
            let args = T::parse_from(std::iter::once("t").chain(argv.iter().copied())).o;
            let out = text_output(&args, file, cwd, (false, true), |_| None).unwrap();
            (out.format, out.color, out.quiet, out.progress)
        };
        assert_eq!(text(&[], &file), (Format::Json, true, true, false));
        assert_eq!(
            text(&["--format", "terminal", "--color", "never"], &file),
            (Format::Terminal, false, true, false)
        );
        let none = FileConfig::default();
        assert_eq!(text(&[], &none), (Format::Terminal, false, false, true));
        assert_eq!(text(&["-q"], &none), (Format::Terminal, false, true, false));
        // Formats these reports do not have, set for the other commands, show the text.
        for other in ["markdown", "junit"] {
            let file: FileConfig = toml::from_str(&format!("format = '{other}'")).unwrap();
            assert_eq!(text(&[], &file).0, Format::Terminal);
        }
    }

    #[test]
    fn the_file_sets_what_the_flags_leave_unset_and_flags_win() {
        let file: FileConfig = toml::from_str(
            "format = 'json'\ncolor = 'always'\nquiet = true\ntop = 9\noutput_dir = '/r'\n",
        )
        .unwrap();
        let cwd = Path::new("/c");
        let out = output(&O::parse_from(["o"]).o, &file, cwd, (false, true), |_| None).unwrap();
        assert_eq!(
            (out.format, out.color, out.quiet, out.top),
            (Format::Json, true, true, 9)
        );
        assert_eq!((out.dir.as_path(), out.progress), (Path::new("/r"), false));
        let args = O::parse_from([
            "o", "--format", "markdown", "--color", "never", "--top", "3",
        ])
        .o;
        let out = output(&args, &file, cwd, (false, true), |_| None).unwrap();
        assert_eq!(
            (out.format, out.color, out.top),
            (Format::Markdown, false, 3)
        );
        let out = output(&args, &FileConfig::default(), cwd, (false, true), |_| None).unwrap();
        assert_eq!(
            (out.dir.as_path(), out.quiet),
            (Path::new("/c/benchmark_results"), false)
        );
    }
}
