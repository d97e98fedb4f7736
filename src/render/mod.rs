//! Renderers: pure functions from a report to text. Styles are passed as values (plain by default);
//! whether to colour is decided once, from `--color`, the TTY, `NO_COLOR` and `TERM`.
pub mod bisect;
pub mod check;
pub mod compare;
pub mod distributions;
pub mod history;
pub mod history_svg;
pub mod instructions;
pub mod junit;
pub mod lazy;
pub mod progress;
pub mod report;
pub mod run;
pub mod svg;

use owo_colors::{OwoColorize, Style};

/// Writes report text to stdout. A reader that went away (`coldstart tree x | head`) ends the
/// output quietly instead of the panic of `print!`; restoring SIGPIPE's default instead would kill
/// the process before its clean-up guards (temporary checkouts, children) run.
pub fn to_stdout(text: &str) -> crate::error::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(crate::error::Error::io(
            "cannot write the report to stdout",
            e,
        )),
        _ => Ok(()),
    }
}

/// Prints a report that is text or one JSON document (`tree`, `why`, `config`, `cache`), the way
/// `report::emit` prints the others: with `--output FILE` the chosen format goes to the file
/// (atomically) and the text to stdout, otherwise the chosen format to stdout.
pub fn emit_document(
    text: &str,
    json: impl FnOnce() -> String,
    output: &crate::model::Output,
) -> crate::error::Result<()> {
    let chosen = match output.format {
        crate::model::Format::Json => json(),
        _ => text.to_string(),
    };
    match &output.file {
        Some(path) => {
            crate::results::store::write_atomic(path, &chosen)?;
            to_stdout(text)
        }
        None => to_stdout(&chosen),
    }
}

/// The few styles every renderer uses.
#[derive(Debug, Clone, Copy)]
pub struct Styles {
    pub heading: Style,
    pub good: Style,
    pub bad: Style,
    pub warn: Style,
    pub dim: Style,
}

impl Styles {
    pub fn new(color: bool) -> Styles {
        if color {
            Styles {
                heading: Style::new().bold(),
                good: Style::new().green(),
                bad: Style::new().red().bold(),
                warn: Style::new().yellow(),
                dim: Style::new().dimmed(),
            }
        } else {
            let plain = Style::new();
            Styles {
                heading: plain,
                good: plain,
                bad: plain,
                warn: plain,
                dim: plain,
            }
        }
    }

    pub fn paint(style: Style, text: impl std::fmt::Display) -> String {
        text.style(style).to_string()
    }
}

/// How a report is shown: styles and the length of top lists.
#[derive(Debug, Clone, Copy)]
pub struct View {
    pub styles: Styles,
    pub top: usize,
}

impl View {
    pub fn new(color: bool, top: usize) -> View {
        View {
            styles: Styles::new(color),
            top,
        }
    }
}

/// `text` cut to at most `max` characters, ending with an ellipsis when cut (tables and charts).
pub fn ellipsize(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// Milliseconds with precision that suits the magnitude.
pub fn ms(x: f64) -> String {
    format!("{x:.*}", ms_decimals(x))
}

/// Milliseconds with an explicit sign, at `ms`'s precision; a change that rounds to zero is
/// `+0.00`, never `-0.00` (`model::words::signed`).
pub fn signed_ms(x: f64) -> String {
    crate::model::words::signed(x, ms_decimals(x))
}

fn ms_decimals(x: f64) -> usize {
    if x.abs() < 10.0 {
        2
    } else if x.abs() < 100.0 {
        1
    } else {
        0
    }
}

/// KiB as MiB with one decimal.
pub fn mib(kib: f64) -> String {
    format!("{:.1} MiB", kib / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ms_precision_follows_magnitude() {
        assert_eq!(ms(3.25159), "3.25");
        assert_eq!(ms(32.5159), "32.5");
        assert_eq!(ms(325.159), "325");
        assert_eq!(mib(2048.0), "2.0 MiB");
    }

    #[test]
    fn signed_ms_shows_zero_as_plus_zero() {
        assert_eq!(signed_ms(-0.001), "+0.00");
        assert_eq!(signed_ms(-0.0), "+0.00");
        assert_eq!(signed_ms(0.0), "+0.00");
        assert_eq!(signed_ms(-0.006), "-0.01");
        assert_eq!(signed_ms(1.234), "+1.23");
        assert_eq!(signed_ms(-32.51), "-32.5");
        assert_eq!(signed_ms(-325.1), "-325");
    }

    #[test]
    fn plain_styles_add_no_escapes() {
        let s = Styles::new(false);
        assert_eq!(Styles::paint(s.bad, "x"), "x");
        assert!(Styles::paint(Styles::new(true).bad, "x").contains('\u{1b}'));
    }
}
