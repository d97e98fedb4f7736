//! A minimal JUnit XML writer: one suite, one test case per check. Written by hand because the
//! format needs only escaping (shared with the SVG writer) and a handful of elements; an XML crate
//! would add more than it saves.
use crate::render::svg::escape;

/// An attribute value: a raw newline there would be folded into a space by every XML reader, so
/// names (which may carry one) have their invisible characters spelled out first.
fn attr(text: &str) -> String {
    escape(&crate::escape::terminal(text))
}
use std::fmt::Write;

/// One test case; `failure` holds the message of a failed case.
pub struct Case {
    pub classname: String,
    pub name: String,
    pub failure: Option<String>,
    pub output: String,
}

pub fn suite(name: &str, cases: &[Case]) -> String {
    suite_with_output(name, cases, "")
}

/// [`suite`] with the suite's own `<system-out>` (what concerns no single case), when not empty.
pub fn suite_with_output(name: &str, cases: &[Case], output: &str) -> String {
    let failures = cases.iter().filter(|c| c.failure.is_some()).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"coldstart\" tests=\"{}\" failures=\"{failures}\">",
        cases.len()
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">",
        attr(name),
        cases.len()
    );
    for c in cases {
        let _ = write!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\">",
            attr(&c.classname),
            attr(&c.name)
        );
        if let Some(f) = &c.failure {
            let _ = write!(
                out,
                "<failure message=\"{}\">{}</failure>",
                attr(f),
                escape(f)
            );
        }
        if !c.output.is_empty() {
            let _ = write!(out, "<system-out>{}</system-out>", escape(&c.output));
        }
        let _ = writeln!(out, "</testcase>");
    }
    if !output.is_empty() {
        let _ = writeln!(out, "    <system-out>{}</system-out>", escape(output));
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_counts_failures() {
        let xml = suite(
            "s",
            &[
                Case {
                    classname: "a<b".into(),
                    name: "x".into(),
                    failure: None,
                    output: String::new(),
                },
                Case {
                    classname: "c".into(),
                    name: "y&z".into(),
                    failure: Some("\"bad\"".into()),
                    output: "o".into(),
                },
            ],
        );
        assert!(xml.contains("tests=\"2\" failures=\"1\""));
        assert!(xml.contains("classname=\"a&lt;b\""));
        assert!(xml.contains("name=\"y&amp;z\""));
        assert!(xml.contains("<failure message=\"&quot;bad&quot;\">"));
    }
}
