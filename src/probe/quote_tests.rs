//! The shared JSON string encoder (`quote.py`) run by a real `python3`: what it writes must be one
//! ASCII line that serde_json reads back as the string the child had.
use std::io::Write;
use std::process::{Command, Stdio};

const PRELUDE: &str = include_str!("quote.py");

/// Reads `MODE HEX` lines: HEX is UTF-8 bytes, decoded with the error handler MODE names
/// (`surrogateescape`: invalid bytes become lone surrogates, as in a file name;
/// `surrogatepass`: encoded surrogates stay lone ones); prints `_cs_q` of each.
const DRIVER: &str = r#"
import sys
for line in sys.stdin.read().splitlines():
    mode, _, hexed = line.partition(" ")
    sys.stdout.write(_cs_q(bytes.fromhex(hexed).decode("utf-8", mode)) + "\n")
"#;

/// `(error handler, bytes, what serde_json must read back)`.
type Case = (&'static str, Vec<u8>, String);

fn run(cases: &[Case]) -> Vec<String> {
    let mut input = String::new();
    for (mode, bytes, _) in cases {
        let hexed: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        input.push_str(&format!("{mode} {hexed}\n"));
    }
    let mut child = Command::new("python3")
        .args(["-I", "-c", &format!("{PRELUDE}{DRIVER}")])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_ascii(), "the encoder writes ASCII only");
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), cases.len(), "one line per string: {text}");
    lines
}

fn check(cases: &[Case]) {
    for ((mode, bytes, want), line) in cases.iter().zip(run(cases)) {
        assert!(
            line.bytes().all(|b| (0x20..0x7f).contains(&b)),
            "printable ASCII: {line}"
        );
        let got: String = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("{line} is not a JSON string ({e}), from {bytes:?}"));
        assert_eq!(&got, want, "{mode} {bytes:?} was written as {line}");
    }
}

fn text(s: &str) -> Case {
    ("strict", s.as_bytes().to_vec(), s.to_owned())
}

#[test]
fn tricky_strings_read_back_exactly() {
    let mut cases: Vec<Case> = [
        "",
        "plain",
        "\"",
        "\\",
        "a\"b\\c\\\"d\\\\",
        "\\u0041 is not A",
        "\0",
        "\n\r\t\u{8}\u{c}",
        "line one\nline two",
        "\u{1b}[31mred\u{1b}[0m",
        "\u{7f}",
        "\u{80}\u{85}\u{a0}\u{ad}",
        "\u{2028}\u{2029}",
        "caf\u{e9} \u{65e5}\u{672c}",
        "\u{feff}bom",
        "\u{fffd}\u{ffff}",
        "\u{1f600}",
        "\u{1d11e} clef",
        "\u{10000}\u{10ffff}",
        "mixed \"\u{1f40d}\" \\ \u{0} \u{e9}",
    ]
    .into_iter()
    .map(text)
    .collect();
    // Lone surrogates are written as the text \uXXXX, never as an escape serde_json would pair
    // or reject: invalid bytes of a file name, a lone high or low surrogate, and a pair of
    // surrogates encoded one by one (CESU-8), which must not become the character they spell.
    let lone: [(&str, &[u8], &str); 6] = [
        ("surrogateescape", b"\xff", "\\udcff"),
        ("surrogateescape", b"caf\xc3", "caf\\udcc3"),
        ("surrogateescape", b"a\x80\"b", "a\\udc80\"b"),
        ("surrogatepass", b"\xed\xa0\x80", "\\ud800"),
        ("surrogatepass", b"x\xed\xb0\x80", "x\\udc00"),
        (
            "surrogatepass",
            b"\xed\xa0\xbd\xed\xb8\x80",
            "\\ud83d\\ude00",
        ),
    ];
    cases.extend(
        lone.iter()
            .map(|(mode, bytes, want)| (*mode, bytes.to_vec(), (*want).to_owned())),
    );
    check(&cases);
}

#[test]
fn every_code_point_below_0x800_and_a_sample_above_read_back() {
    let chars = (0..0x800u32)
        .chain((0x800..=0x10ffff).step_by(97))
        .filter_map(char::from_u32);
    let cases: Vec<Case> = chars
        .map(|c| text(&format!("{c}|{c}{c}")))
        .chain([text(
            &(0..0x800u32).filter_map(char::from_u32).collect::<String>(),
        )])
        .collect();
    check(&cases);
}

#[test]
fn the_prelude_defines_only_prefixed_names() {
    // child.py runs the user's statement in the same process: nothing it defines may look like
    // a name user code could have.
    let script = "import sys\nns = {}\nexec(compile(sys.argv[1], '<prelude>', 'exec'), ns)\n\
                  print(sorted(k for k in ns if k != '__builtins__'))";
    let out = Command::new("python3")
        .args(["-I", "-c", script, PRELUDE])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "['_cs_q']");
}
