//! Escaping text that came from outside (module names, a child's stderr, file names) for each
//! output format, so it is shown faithfully and cannot act on the reader: no escape sequence
//! reaches a terminal, no name breaks a Markdown table or an XML document.
//!
//! Every function escapes the same set of *invisible* characters the same way, as Rust's
//! `escape_debug` spells them (`\n`, `\t`, `\r`, `\\`, `\u{1b}`): C0 controls, DEL, C1 controls and
//! the Unicode bidirectional and zero-width formatting characters (which reorder or hide text:
//! "Trojan Source"). A backslash is doubled only where it would make an escape ambiguous.
//! Everything else, including non-ASCII letters, is kept.
use std::borrow::Cow;

/// True for a character that must not reach a reader unescaped.
fn invisible(c: char) -> bool {
    c.is_control() // C0, DEL and C1
        || matches!(c,
            '\u{200B}'..='\u{200F}' // zero-width space/joiners, LRM, RLM
            | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}' // bidi isolates
            | '\u{FEFF}' // zero-width no-break space (BOM)
        )
}

/// Appends the visible spelling of an invisible character.
fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
    }
}

/// Escapes `text` for a terminal: invisible characters (ESC, BEL, CR, newlines, bidi overrides
/// ...) become `\u{1b}`-style text and a backslash becomes `\\` when the text has any such
/// character, so `a\nb` and the two characters `a`, `\`, `n`, `b` stay distinguishable. Borrowed
/// when nothing needs escaping (the common case).
pub fn terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(invisible) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            c if invisible(c) => push_escaped(&mut out, c),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Escapes `text` as Markdown inline text (also safe inside a table cell): invisible characters as
/// in [`terminal`], then a backslash before every ASCII punctuation character Markdown gives a
/// meaning to (CommonMark allows a backslash before any ASCII punctuation), so `_private`,
/// `a|b`, `<script>` or `[x](y)` appear literally.
pub fn markdown(text: &str) -> Cow<'_, str> {
    const SPECIAL: &[char] = &[
        '\\', '`', '*', '_', '{', '}', '[', ']', '<', '>', '(', ')', '#', '+', '!', '|', '~', '&',
        '$',
    ];
    let visible = terminal(text);
    if !visible.contains(SPECIAL) {
        return visible;
    }
    let mut out = String::with_capacity(visible.len() + 8);
    for c in visible.chars() {
        if SPECIAL.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    Cow::Owned(out)
}

/// `text` as a Markdown code span (monospace, no further Markdown inside): invisible characters
/// as in [`terminal`], fenced with one backtick more than the longest run inside, padded with a
/// space when it starts or ends with a backtick. A `|` is escaped, which GitHub-flavoured
/// Markdown requires even in code spans inside tables.
pub fn markdown_code(text: &str) -> String {
    let visible = terminal(text).replace('|', "\\|");
    let longest = visible.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if visible.starts_with('`') || visible.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{visible}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_control_sequences_and_keeps_plain_text_borrowed() {
        assert!(matches!(terminal("email.message"), Cow::Borrowed(_)));
        assert!(matches!(terminal("naïve_模块\\x"), Cow::Borrowed(_)));
        assert_eq!(terminal("\x1b]0;x\x07"), "\\u{1b}]0;x\\u{7}");
        assert_eq!(terminal("zzz\nimport_ns\t1\r"), "zzz\\nimport_ns\\t1\\r");
        assert_eq!(terminal("\x1b[31mred"), "\\u{1b}[31mred");
        assert_eq!(terminal("a\u{9b}b\u{7f}"), "a\\u{9b}b\\u{7f}");
        assert_eq!(terminal("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(
            terminal("zero\u{200b}width\u{feff}"),
            "zero\\u{200b}width\\u{feff}"
        );
        // With an escape in the text, a literal backslash is doubled so the two cannot be confused.
        assert_eq!(terminal("a\\n\n"), "a\\\\n\\n");
        assert_eq!(terminal("bad\\udcff"), "bad\\udcff");
    }

    #[test]
    fn no_escaped_output_contains_a_control_character() {
        let nasty: String = (0u32..0x100)
            .chain(0x2000..0x2070)
            .chain([0xfeff, 0xfffe, 0xffff])
            .filter_map(char::from_u32)
            .collect();
        for escaped in [
            terminal(&nasty).into_owned(),
            markdown(&nasty).into_owned(),
            markdown_code(&nasty),
        ] {
            assert!(!escaped.chars().any(invisible), "{escaped:?}");
        }
    }

    #[test]
    fn markdown_text_shows_punctuation_literally() {
        assert!(matches!(markdown("email.message"), Cow::Borrowed(_)));
        assert_eq!(markdown("_frozen_importlib"), "\\_frozen\\_importlib");
        assert_eq!(markdown("a|b"), "a\\|b");
        assert_eq!(markdown("<img src=x>"), "\\<img src=x\\>");
        assert_eq!(markdown("[x](y)"), "\\[x\\]\\(y\\)");
        assert_eq!(markdown("x\ny"), "x\\\\ny");
        assert_eq!(markdown("`code`"), "\\`code\\`");
    }

    #[test]
    fn markdown_code_spans_fence_backticks_and_pipes() {
        assert_eq!(markdown_code("json"), "`json`");
        assert_eq!(markdown_code("a`b"), "``a`b``");
        assert_eq!(markdown_code("`x"), "`` `x ``");
        assert_eq!(markdown_code("a|b"), "`a\\|b`");
        assert_eq!(markdown_code("\x1b[2J"), "`\\u{1b}[2J`");
    }
}
