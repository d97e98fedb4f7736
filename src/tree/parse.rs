//! Parser for CPython's `-X importtime` stderr: one interpreter run's lines become a tree of imports,
//! split into interpreter start-up and the target's own imports.
//!
//! Format facts this parser relies on (CPython `Python/import.c`, 3.7 to 3.14):
//!
//! * a header `import time: self [us] | cumulative | imported package`, printed once;
//! * one line per fresh import, `"import time: %9ld | %10ld | %*s%s"`, printed when the module
//!   *finishes*, with two spaces of indent per nesting level. Children are printed before their
//!   parent: a line at depth `d` adopts the preceding not-yet-adopted lines at depth `d + 1`;
//! * failed imports are printed the same way (a module that raised still gets its line; Python
//!   3.11 logs five failed `nt` imports under `ntpath` at every start-up);
//! * with `-X importtime=2` (3.14+) a module found already loaded prints
//!   `"import time: cached    | cached     | %*s"` with the *name* as the padded argument, so the
//!   name is right-aligned in a field `2 * level` bytes wide: when the name is longer than the
//!   field there is no padding and the line carries only an upper bound on its depth. Such an
//!   entry is attached to the first later module that could have been running when it was printed
//!   (the deepest plausible importer; it can be a later sibling of the real importer);
//! * the target's own stderr is interleaved, including partial lines, so the `import time:` marker
//!   is searched anywhere in a line;
//! * threads share the nesting counter and the accumulated-children clock, which shows as negative
//!   self times, `self > cumulative`, or a parent whose `self + sum(children)` disagrees with its
//!   cumulative time by more than rounding. Any of these, and any `import time:` line that has the
//!   column bars but not numbers in them, marks the run unreliable; parsing goes on. A marker
//!   without the bars is taken as the target's own text.
//!
//! The tree is a recursive [`Node`]; its depth is bounded by [`MAX_DEPTH`] (deeper indents are
//! clamped and mark the run unreliable) so recursion and drops stay shallow on any input.

/// Deepest nesting level accepted; deeper lines are clamped (and mark the run unreliable). Real
/// import chains stop far earlier: each level costs about six Python frames of the 1000 allowed.
pub const MAX_DEPTH: usize = 512;

const MARKER: &str = "import time:";
const HEADER: &str = "self [us]";
const CACHED: &str = "cached";

/// Start-up modules recognised when there is no `site` line (`python -S`): the leading level-0
/// entries with these names (or `encodings.*`) are interpreter start-up.
const CORE_STARTUP: &[&str] = &[
    "_frozen_importlib_external",
    "zipimport",
    "encodings",
    "_signal",
    "io",
    "_io",
    "abc",
    "_abc",
    "codecs",
    "_codecs",
    "marshal",
    "posix",
    "nt",
    "winreg",
    "time",
];

/// One import in one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Fully qualified module name, as printed.
    pub name: String,
    /// Time in the module itself, excluding nested fresh imports (microseconds; can be negative
    /// in unreliable runs). Zero for cached entries.
    pub self_us: i64,
    /// Time including nested imports (microseconds). Zero for cached entries.
    pub cumulative_us: i64,
    /// Nested fresh imports and cached look-ups, in the order they were printed.
    pub children: Vec<Node>,
    /// True for `-X importtime=2` entries of modules that were already loaded (no time spent).
    pub cached: bool,
}

/// Everything parsed from one run's stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedRun {
    /// Interpreter start-up: the level-0 entries up to and including `site` (plus the `linecache`
    /// that Python 3.13+ loads for `-c` right after it).
    pub startup: Vec<Node>,
    /// The target's top-level imports, in the order they finished.
    pub roots: Vec<Node>,
    /// False when the nesting or the numbers cannot be trusted (threads, garbled lines).
    pub reliable: bool,
    /// Lines that were not `-X importtime` entries (the target's own output, blank lines, and
    /// unparsable `import time:` lines), counted rather than kept.
    pub ignored_lines: usize,
}

/// Only the tests need to walk every node.
#[cfg(test)]
impl ParsedRun {
    /// Every node (start-up and target, at any depth) in print order of their subtrees, depth-first.
    pub fn iter(&self) -> impl Iterator<Item = &Node> {
        let mut stack: Vec<&Node> = self.startup.iter().chain(&self.roots).rev().collect();
        std::iter::from_fn(move || {
            let node = stack.pop()?;
            stack.extend(node.children.iter().rev());
            Some(node)
        })
    }
}

/// Parse one run's stderr. Never panics; see the module docs for the rules.
pub fn parse_importtime(stderr: &str) -> ParsedRun {
    let mut builder = Builder::default();
    for line in stderr.lines() {
        match parse_line(line) {
            Line::Header => {}
            Line::Other => builder.ignored += 1,
            Line::Malformed => {
                builder.ignored += 1;
                builder.reliable = false;
            }
            Line::Entry(entry) => builder.push(entry),
        }
    }
    builder.finish()
}

/// Where a line sits in the nesting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Depth {
    Known(usize),
    /// A cached line whose name filled its whole field: the depth is at most this.
    AtMost(usize),
}

#[derive(Debug, PartialEq, Eq)]
struct Entry<'a> {
    name: &'a str,
    self_us: i64,
    cumulative_us: i64,
    depth: Depth,
    cached: bool,
    /// Something about the line itself was off (odd indent, stray text, clamped depth).
    irregular: bool,
}

#[derive(Debug, PartialEq, Eq)]
enum Line<'a> {
    Header,
    Entry(Entry<'a>),
    /// Has the marker but could not be parsed.
    Malformed,
    /// Not an importtime line at all.
    Other,
}

fn parse_line(line: &str) -> Line<'_> {
    let Some(pos) = line.find(MARKER) else {
        return Line::Other;
    };
    let rest = line[pos + MARKER.len()..].trim_end();
    if rest.trim_start().starts_with(HEADER) {
        return Line::Header;
    }
    let mut fields = rest.splitn(3, '|');
    let (Some(self_field), Some(cum_field), Some(name_field)) =
        (fields.next(), fields.next(), fields.next())
    else {
        // No column bars: the target's own text that happens to contain the marker.
        return Line::Other;
    };
    let (self_field, cum_field) = (self_field.trim(), cum_field.trim());
    let cached_columns = self_field == CACHED && cum_field == CACHED;
    let (self_us, cumulative_us) = if cached_columns {
        (0, 0)
    } else {
        match (self_field.parse::<i64>(), cum_field.parse::<i64>()) {
            (Ok(s), Ok(c)) => (s, c),
            _ => return Line::Malformed,
        }
    };
    // CPython writes one space after the bar, then the indent.
    let mut irregular = false;
    let padded = match name_field.strip_prefix(' ') {
        Some(padded) => padded,
        None => {
            irregular = true;
            name_field
        }
    };
    let body = padded.trim_start_matches(' ');
    let indent = padded.len() - body.len();
    let mut words = body.split_whitespace();
    let Some(name) = words.next() else {
        return Line::Malformed;
    };
    let trailing: Vec<&str> = words.collect();
    let marker_cached = !trailing.is_empty() && trailing.iter().any(|w| w.contains(CACHED));
    if !trailing.is_empty() && !marker_cached {
        irregular = true;
    }
    let depth = if cached_columns {
        // `%*s` right-aligns the name in a field 2 * level bytes wide.
        if indent == 0 {
            Depth::AtMost((name.len() / 2).min(MAX_DEPTH))
        } else {
            let width = indent + name.len();
            irregular |= width % 2 != 0;
            Depth::Known(width / 2)
        }
    } else {
        irregular |= indent % 2 != 0;
        Depth::Known(indent / 2)
    };
    let depth = match depth {
        Depth::Known(d) if d > MAX_DEPTH => {
            irregular = true;
            Depth::Known(MAX_DEPTH)
        }
        other => other,
    };
    Line::Entry(Entry {
        name,
        self_us,
        cumulative_us,
        depth,
        cached: cached_columns || marker_cached,
        irregular,
    })
}

struct Pending {
    depth: Depth,
    node: Node,
}

struct Builder {
    pending: Vec<Pending>,
    reliable: bool,
    ignored: usize,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            pending: Vec::new(),
            reliable: true,
            ignored: 0,
        }
    }
}

impl Builder {
    fn push(&mut self, entry: Entry<'_>) {
        let mut node = Node {
            name: entry.name.to_owned(),
            self_us: entry.self_us,
            cumulative_us: entry.cumulative_us,
            children: Vec::new(),
            cached: entry.cached,
        };
        if entry.irregular
            || entry.self_us < 0
            || entry.cumulative_us < 0
            || entry.self_us > entry.cumulative_us
        {
            self.reliable = false;
        }
        if let (false, Depth::Known(depth)) = (entry.cached, entry.depth) {
            node.children = self.adopt(depth);
            if !consistent(&node) {
                self.reliable = false;
            }
        }
        self.pending.push(Pending {
            depth: entry.depth,
            node,
        });
    }

    /// Take the pending entries that a line at `depth` is the parent of.
    fn adopt(&mut self, depth: usize) -> Vec<Node> {
        let start = self
            .pending
            .iter()
            .rposition(|p| matches!(p.depth, Depth::Known(d) if d <= depth))
            .map_or(0, |i| i + 1);
        let tail = self.pending.split_off(start);
        let mut children = Vec::with_capacity(tail.len());
        for p in tail {
            match p.depth {
                Depth::Known(d) => {
                    if d != depth + 1 {
                        // A grandchild whose parent line never came: threads or a lost line.
                        self.reliable = false;
                    }
                    children.push(p.node);
                }
                Depth::AtMost(max) if max > depth => children.push(p.node),
                Depth::AtMost(_) => self.pending.push(p),
            }
        }
        children
    }

    fn finish(self) -> ParsedRun {
        let mut reliable = self.reliable;
        let mut all = Vec::with_capacity(self.pending.len());
        for p in self.pending {
            if matches!(p.depth, Depth::Known(d) if d > 0) {
                // Never adopted: the parent's line is missing.
                reliable = false;
            }
            all.push(p.node);
        }
        let boundary = startup_len(&all);
        let roots = all.split_off(boundary);
        ParsedRun {
            startup: all,
            roots,
            reliable,
            ignored_lines: self.ignored,
        }
    }
}

/// `self + sum(children) == cumulative` up to CPython's per-value ceiling rounding.
fn consistent(node: &Node) -> bool {
    let children: i64 = node
        .children
        .iter()
        .filter(|c| !c.cached)
        .fold(0i64, |acc, c| acc.saturating_add(c.cumulative_us));
    let err = node
        .self_us
        .saturating_add(children)
        .saturating_sub(node.cumulative_us);
    let slack = i64::try_from(node.children.len()).unwrap_or(i64::MAX);
    (-1..=slack.saturating_add(1)).contains(&err)
}

/// How many leading level-0 entries are interpreter start-up.
fn startup_len(top: &[Node]) -> usize {
    if let Some(site) = top.iter().position(|n| n.name == "site" && !n.cached) {
        let after = site + 1;
        // Python 3.13+ imports linecache for `-c` code before running it.
        let linecache = top
            .get(after)
            .is_some_and(|n| n.name == "linecache" && !n.cached);
        return after + usize::from(linecache);
    }
    top.iter()
        .take_while(|n| CORE_STARTUP.contains(&n.name.as_str()) || n.name.starts_with("encodings."))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(self_us: i64, cum_us: i64, depth: usize, name: &str) -> String {
        format!(
            "import time: {self_us:9} | {cum_us:10} | {}{name}\n",
            "  ".repeat(depth)
        )
    }

    fn cached_line(level: usize, name: &str) -> String {
        format!(
            "import time: cached    | cached     | {name:>width$}\n",
            width = level * 2
        )
    }

    fn names(nodes: &[Node]) -> Vec<&str> {
        nodes.iter().map(|n| n.name.as_str()).collect()
    }

    fn fixture(name: &str) -> String {
        let path = format!(
            "{}/tests/fixtures/importtime/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn find<'a>(run: &'a ParsedRun, name: &str) -> &'a Node {
        run.iter()
            .find(|n| n.name == name)
            .unwrap_or_else(|| panic!("{name} not in run"))
    }

    #[test]
    fn header_and_line_shapes() {
        assert_eq!(
            parse_line("import time: self [us] | cumulative | imported package"),
            Line::Header
        );
        assert_eq!(parse_line("hello world"), Line::Other);
        assert_eq!(parse_line(""), Line::Other);
        assert_eq!(parse_line("import time: 12 | x | foo"), Line::Malformed);
        assert_eq!(parse_line("import time: 12 | 13"), Line::Other);
        assert_eq!(parse_line("print('import time: 3 s')"), Line::Other);
        assert_eq!(parse_line("import time: 12 | 13 |    "), Line::Malformed);
        let Line::Entry(e) = parse_line("import time:       233 |        456 |     a.b\r") else {
            panic!("not an entry");
        };
        assert_eq!((e.name, e.self_us, e.cumulative_us), ("a.b", 233, 456));
        assert_eq!(
            (e.depth, e.cached, e.irregular),
            (Depth::Known(2), false, false)
        );
    }

    #[test]
    fn children_are_adopted_by_the_next_shallower_line() {
        let text = [
            "import time: self [us] | cumulative | imported package\n".to_owned(),
            line(5, 5, 2, "c"),
            line(10, 15, 1, "b"),
            line(3, 3, 1, "d"),
            line(2, 20, 0, "a"),
            line(7, 7, 0, "e"),
        ]
        .concat();
        let run = parse_importtime(&text);
        assert!(run.reliable);
        assert_eq!(run.ignored_lines, 0);
        assert!(run.startup.is_empty());
        assert_eq!(names(&run.roots), ["a", "e"]);
        assert_eq!(names(&run.roots[0].children), ["b", "d"]);
        assert_eq!(names(&run.roots[0].children[0].children), ["c"]);
        assert_eq!(run.roots[0].cumulative_us, 20);
    }

    #[test]
    fn startup_ends_at_site() {
        let text = [
            line(4, 4, 1, "_io"),
            line(6, 10, 0, "_frozen_importlib_external"),
            line(3, 3, 1, "os"),
            line(2, 5, 0, "site"),
            line(9, 9, 0, "json"),
        ]
        .concat();
        let run = parse_importtime(&text);
        assert_eq!(names(&run.startup), ["_frozen_importlib_external", "site"]);
        assert_eq!(names(&run.roots), ["json"]);
        assert!(run.reliable);
    }

    #[test]
    fn linecache_right_after_site_is_startup() {
        let text = [
            line(2, 2, 0, "site"),
            line(1, 1, 0, "linecache"),
            line(9, 9, 0, "linecache2"),
        ]
        .concat();
        let run = parse_importtime(&text);
        assert_eq!(names(&run.startup), ["site", "linecache"]);
        assert_eq!(names(&run.roots), ["linecache2"]);
    }

    #[test]
    fn real_py311_json_asyncio() {
        let run = parse_importtime(&fixture("py311_json_asyncio.txt"));
        assert!(run.reliable);
        assert_eq!(run.ignored_lines, 0);
        assert_eq!(run.startup.last().map(|n| n.name.as_str()), Some("site"));
        assert_eq!(run.startup[0].name, "_frozen_importlib_external");
        assert_eq!(names(&run.roots), ["json", "asyncio"]);
        let json = &run.roots[0];
        assert_eq!(names(&json.children), ["json.decoder", "json.encoder"]);
        assert_eq!(names(&json.children[0].children), ["json.scanner"]);
        let line_count = fixture("py311_json_asyncio.txt").lines().count();
        assert_eq!(run.iter().count(), line_count - 1);
        // Five failed `nt` imports under ntpath, each logged.
        let ntpath = find(&run, "ntpath");
        assert_eq!(ntpath.children.iter().filter(|c| c.name == "nt").count(), 5);
    }

    #[test]
    fn real_failed_import_is_logged() {
        let run = parse_importtime(&fixture("py311_failed_import.txt"));
        assert!(run.reliable);
        assert_eq!(names(&run.roots), ["nonexistent_mod_xyz"]);
        // The traceback lines are the target's own stderr.
        assert_eq!(run.ignored_lines, 3);
    }

    #[test]
    fn real_interleaved_output_is_counted_and_partial_lines_still_parse() {
        let run = parse_importtime(&fixture("py311_noisy_interleaved.txt"));
        assert!(run.reliable);
        // "noisy: starting up" and "noisy: done | 12 | not an import line".
        assert_eq!(run.ignored_lines, 2);
        assert_eq!(names(&run.roots), ["noisy"]);
        // heavy's line followed a partial line of the target's output.
        let pkg = &run.roots[0].children[0];
        assert_eq!(pkg.name, "pkg");
        assert_eq!(find(&run, "heavy").children.len(), 0);
        assert!(find(&run, "heavy").self_us >= 20_000);
    }

    #[test]
    fn real_treepkg_chain() {
        let run = parse_importtime(&fixture("py311_treepkg.txt"));
        assert!(run.reliable);
        assert_eq!(names(&run.roots), ["pkg"]);
        let mid = &run.roots[0].children[0];
        let leaf = &mid.children[0];
        let heavy = &leaf.children[0];
        assert_eq!(
            (mid.name.as_str(), leaf.name.as_str(), heavy.name.as_str()),
            ("pkg.mid", "pkg.leaf", "heavy")
        );
        assert!(heavy.self_us >= 20_000);
    }

    #[test]
    fn real_py313_linecache_from_dash_c_is_startup() {
        let run = parse_importtime(&fixture("py313_json.txt"));
        assert!(run.reliable);
        assert_eq!(
            run.startup.last().map(|n| n.name.as_str()),
            Some("linecache")
        );
        assert_eq!(names(&run.roots), ["json"]);
    }

    #[test]
    fn real_no_site_uses_core_startup_modules() {
        let run = parse_importtime(&fixture("py311_no_site_json.txt"));
        assert!(run.reliable);
        assert_eq!(run.startup.last().map(|n| n.name.as_str()), Some("io"));
        assert_eq!(names(&run.roots), ["json"]);
    }

    #[test]
    fn real_threads_garble_is_unreliable_but_complete() {
        let text = fixture("py311_threads_garbled.txt");
        let run = parse_importtime(&text);
        assert!(!run.reliable);
        assert_eq!(run.iter().count(), text.lines().count() - 1);
        assert!(run.iter().any(|n| n.self_us < 0));
    }

    #[test]
    fn hand_written_py314_cached_lines() {
        // `python3.14 -X importtime=2 -c 'import pkg, os'`, written to CPython's format.
        let run = parse_importtime(&fixture("py314_cached_handwritten.txt"));
        assert!(run.reliable, "{run:?}");
        assert_eq!(names(&run.roots), ["pkg", "os"]);
        assert!(run.roots[1].cached);
        let pkg = &run.roots[0];
        // `sys` at level 1 fills its field (no depth), yet only pkg can own it.
        assert_eq!(names(&pkg.children), ["sys", "pkg.mid", "pkg"]);
        assert!(pkg.children[0].cached && pkg.children[2].cached);
        let mid = &pkg.children[1];
        assert_eq!(names(&mid.children), ["os", "pkg.leaf", "pkg"]);
        assert!(mid.children[0].cached && !mid.children[1].cached);
        let heavy = &mid.children[1].children[0];
        assert_eq!(names(&heavy.children), ["time"]);
        assert_eq!(run.startup.last().map(|n| n.name.as_str()), Some("site"));
        let os = find(&run, "os");
        assert!(!os.cached);
        assert_eq!(
            names(&os.children),
            ["sys", "stat", "abc", "_collections_abc", "posixpath"]
        );
    }

    #[test]
    fn unpadded_cached_line_goes_to_the_deepest_plausible_importer() {
        // `-c 'import os, pkg'` prints "os" unpadded at level 0, exactly as pkg's own `import os`
        // at level 1 would: the parser picks pkg.
        let text = [
            cached_line(0, "os"),
            line(4, 4, 1, "pkg.a"),
            line(2, 6, 0, "pkg"),
        ]
        .concat();
        let run = parse_importtime(&text);
        assert!(run.reliable);
        assert_eq!(names(&run.roots), ["pkg"]);
        assert_eq!(names(&run.roots[0].children), ["os", "pkg.a"]);
    }

    #[test]
    fn cached_field_width_gives_depth() {
        // level 3: field 6 wide; "re" gets 4 spaces.
        let cases = [
            (3, "re", Depth::Known(3)),
            (1, "collections", Depth::AtMost(5)),
            (0, "os", Depth::AtMost(1)),
        ];
        for (level, name, depth) in cases {
            let text = cached_line(level, name);
            let Line::Entry(e) = parse_line(text.trim_end()) else {
                panic!("not an entry: {text}");
            };
            assert_eq!((e.name, e.depth, e.cached), (name, depth, true));
        }
        // A bracketed marker after a numeric line is accepted too.
        let Line::Entry(e) = parse_line("import time:  0 |  0 |   json (cached)") else {
            panic!("not an entry");
        };
        assert_eq!(
            (e.name, e.depth, e.cached, e.irregular),
            ("json", Depth::Known(1), true, false)
        );
    }

    #[test]
    fn unpadded_cached_line_is_not_adopted_by_a_too_deep_module() {
        // "os" at level 1 has no padding (bound 1): the depth-1 line after it cannot own it.
        let text = [
            cached_line(1, "os"),
            line(4, 4, 1, "child"),
            line(2, 6, 0, "parent"),
        ]
        .concat();
        let run = parse_importtime(&text);
        assert!(run.reliable);
        assert_eq!(names(&run.roots), ["parent"]);
        assert_eq!(names(&run.roots[0].children), ["os", "child"]);
    }

    #[test]
    fn negative_and_inconsistent_numbers_are_unreliable() {
        let run = parse_importtime(&line(-5, 10, 0, "a"));
        assert!(!run.reliable);
        assert_eq!(run.roots[0].self_us, -5);
        let run = parse_importtime(&line(50, 10, 0, "a"));
        assert!(!run.reliable);
        let run = parse_importtime(&[line(5, 5, 1, "b"), line(1, 100, 0, "a")].concat());
        assert!(!run.reliable, "children do not add up");
        let run = parse_importtime(&[line(5, 5, 1, "b"), line(1, 7, 0, "a")].concat());
        assert!(run.reliable, "rounding slack");
    }

    #[test]
    fn depth_jumps_and_orphans_are_unreliable() {
        let run = parse_importtime(&[line(5, 5, 3, "deep"), line(1, 6, 0, "a")].concat());
        assert!(!run.reliable);
        assert_eq!(names(&run.roots[0].children), ["deep"]);
        let run = parse_importtime(&[line(5, 5, 0, "a"), line(5, 5, 2, "orphan")].concat());
        assert!(!run.reliable);
        assert_eq!(names(&run.roots), ["a", "orphan"]);
        let run = parse_importtime("import time: 1 | 1 |    odd\n");
        assert!(!run.reliable);
    }

    #[test]
    fn malformed_marker_lines_are_counted_and_unreliable() {
        let text = [
            "import time: banana | 3 | x\n".to_owned(),
            "import time: 99999999999999999999999 | 3 | x\n".to_owned(),
            "something else\n".to_owned(),
            "\n".to_owned(),
            line(1, 1, 0, "ok"),
        ]
        .concat();
        let run = parse_importtime(&text);
        assert_eq!(run.ignored_lines, 4);
        assert!(!run.reliable);
        assert_eq!(names(&run.roots), ["ok"]);
    }

    #[test]
    fn stray_text_after_a_name_is_irregular() {
        let run = parse_importtime("import time: 1 | 1 | name tail text\n");
        assert!(!run.reliable);
        assert_eq!(names(&run.roots), ["name"]);
    }

    #[test]
    fn very_deep_nesting_is_clamped() {
        let deep = MAX_DEPTH * 4;
        let mut text = String::new();
        for d in (0..deep).rev() {
            let cum = i64::try_from(deep - d).unwrap_or(i64::MAX);
            text.push_str(&line(1, cum, d, &format!("m{d}")));
        }
        let run = parse_importtime(&text);
        assert!(!run.reliable);
        let mut depth = 0;
        let mut node = &run.roots[0];
        while let Some(child) = node.children.first() {
            node = child;
            depth += 1;
        }
        assert!(depth <= MAX_DEPTH);
    }

    #[test]
    fn garbage_never_panics() {
        // A deterministic xorshift walk over bytes, fragments and near-miss lines.
        let pieces = [
            "import time:",
            " | ",
            "|",
            "cached",
            " ",
            "  ",
            "-",
            "12",
            "9223372036854775807",
            "-9223372036854775808",
            "é",
            "\u{0}",
            "\r",
            "\n",
            "self [us]",
            "(cached)",
            "pkg.mod",
            "\t",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..300 {
            let mut text = String::new();
            for _ in 0..200 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let idx = usize::try_from(state % pieces.len() as u64).unwrap_or(0);
                text.push_str(pieces[idx]);
            }
            let run = parse_importtime(&text);
            assert!(run.iter().count() <= text.lines().count());
        }
        for text in [
            "",
            "\n\n",
            "import time:",
            "import time: | |",
            "import time:||| ",
        ] {
            let run = parse_importtime(text);
            assert!(run.roots.is_empty() && run.startup.is_empty(), "{text:?}");
        }
    }
}
