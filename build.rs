//! Embeds the git commit the binary is built from, for `coldstart --version`
//! (`0.1.0 (86b7eba1c2d3 2026-12-01)`). Built outside a git checkout (an sdist, a crate tarball)
//! or without `git` on PATH, the version says `(unknown commit)` instead of failing the build.
use std::path::{Path, PathBuf};
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    (out.status.success() && !text.trim().is_empty()).then(|| text.trim().to_string())
}

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    // Only this checkout's own repository counts: an sdist unpacked inside some other repository
    // must not report that repository's commit.
    let commit = git(&[
        "-C",
        manifest.to_str().unwrap_or("."),
        "rev-parse",
        "--show-toplevel",
    ])
    .filter(|top| Path::new(top).canonicalize().ok() == manifest.canonicalize().ok())
    .and_then(|_| {
        let dir = manifest.to_str().unwrap_or(".");
        let sha = git(&["-C", dir, "rev-parse", "--short=12", "HEAD"])?;
        let date = git(&["-C", dir, "log", "-1", "--format=%cs", "HEAD"]);
        Some(match date {
            Some(d) => format!("{sha} {d}"),
            None => sha,
        })
    });
    println!(
        "cargo:rustc-env=COLDSTART_VERSION={} ({})",
        env!("CARGO_PKG_VERSION"),
        commit.as_deref().unwrap_or("unknown commit")
    );
    // Rebuild when HEAD moves: HEAD itself (a checkout) and the ref it points to (a commit), or
    // packed-refs when the ref is packed. Only existing files are named: cargo reruns a build
    // script on every build while a named file is missing.
    println!("cargo:rerun-if-changed=build.rs");
    if commit.is_none() {
        return;
    }
    let dir = manifest.to_str().unwrap_or(".");
    let (Some(git_dir), Some(common)) = (
        git(&["-C", dir, "rev-parse", "--absolute-git-dir"]).map(PathBuf::from),
        git(&["-C", dir, "rev-parse", "--git-common-dir"]).map(|d| manifest.join(d)),
    ) else {
        return;
    };
    let head = git_dir.join("HEAD");
    let target = std::fs::read_to_string(&head)
        .ok()
        .and_then(|h| h.strip_prefix("ref: ").map(|r| common.join(r.trim())));
    for path in [Some(head), target, Some(common.join("packed-refs"))]
        .into_iter()
        .flatten()
        .filter(|p| p.is_file())
    {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}
