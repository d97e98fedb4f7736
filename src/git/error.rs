//! Errors of the git layer: one line each, naming the problem and what fixes it.
use std::path::PathBuf;

/// Everything that can go wrong while resolving or materialising a revision.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("'{}' is not inside a git repository; run coldstart from your project's checkout", dir.display())]
    NotARepository { dir: PathBuf },
    #[error("{}", unknown_revision(spec, suggestions))]
    UnknownRevision {
        spec: String,
        suggestions: Vec<String>,
    },
    #[error("revision '{spec}' names a {kind}, not a commit; name a branch, tag or commit")]
    NotACommit { spec: String, kind: String },
    #[error("the repository at '{}' has no commits yet; commit first or name both revisions", dir.display())]
    NoCommits { dir: PathBuf },
    #[error("'{}' is a bare repository without a working tree; name the candidate revision explicitly", dir.display())]
    Bare { dir: PathBuf },
    #[error("directory '{}' does not exist in {spec}; run coldstart from a directory that exists in both revisions", subdir.display())]
    MissingDirectory { subdir: PathBuf, spec: String },
    #[error("scratch directory '{}' is inside the repository's working tree; set TMPDIR to a directory outside it", dir.display())]
    ScratchInsideWorkTree { dir: PathBuf },
    // bisect and history ranges (git/range.rs)
    #[error(
        "'{good}' is not an ancestor of '{bad}'; name an older good revision (see `git log --oneline {bad}`)"
    )]
    NotAncestor { good: String, bad: String },
    #[error(
        "the range '{good}..{bad}' has no commits; name a good revision older than the bad one"
    )]
    EmptyRange { good: String, bad: String },
    #[error(
        "'{spec}': symmetric ranges (A...B) are not supported; write A..B or list the revisions"
    )]
    SymmetricRange { spec: String },
    #[error("interrupted while {what}")]
    Interrupted { what: String },
    #[error("git: {what}: {}", source.message())]
    Git { what: String, source: git2::Error },
    #[error("{what} '{}': {source}", path.display())]
    Io {
        what: String,
        path: PathBuf,
        source: std::io::Error,
    },
}

impl GitError {
    pub(crate) fn git(what: impl Into<String>) -> impl FnOnce(git2::Error) -> GitError {
        let what = what.into();
        move |source| GitError::Git { what, source }
    }

    pub(crate) fn io(
        what: &str,
        path: &std::path::Path,
    ) -> impl FnOnce(std::io::Error) -> GitError {
        let (what, path) = (what.to_string(), path.to_path_buf());
        move |source| GitError::Io { what, path, source }
    }
}

fn unknown_revision(spec: &str, suggestions: &[String]) -> String {
    let quoted: Vec<String> = suggestions.iter().map(|s| format!("'{s}'")).collect();
    let hint = match quoted.as_slice() {
        [] if looks_like_sha(spec) => {
            "no commit with that id in this repository; fetch it first".to_string()
        }
        [] => "see `git branch -a` and `git tag` for names".to_string(),
        [one] => format!("did you mean {one}?"),
        many => format!("did you mean one of {}?", many.join(", ")),
    };
    format!("unknown revision '{spec}'; {hint}")
}

fn looks_like_sha(spec: &str) -> bool {
    (4..=40).contains(&spec.len()) && spec.chars().all(|c| c.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_revision_messages() {
        let e = |spec: &str, s: &[&str]| {
            GitError::UnknownRevision {
                spec: spec.into(),
                suggestions: s.iter().map(|x| x.to_string()).collect(),
            }
            .to_string()
        };
        assert_eq!(
            e("mian", &["main"]),
            "unknown revision 'mian'; did you mean 'main'?"
        );
        assert_eq!(
            e("fix", &["fix-a", "fix-b"]),
            "unknown revision 'fix'; did you mean one of 'fix-a', 'fix-b'?"
        );
        assert_eq!(
            e("deadbeef", &[]),
            "unknown revision 'deadbeef'; no commit with that id in this repository; fetch it first"
        );
        assert_eq!(
            e("zzz-nothing", &[]),
            "unknown revision 'zzz-nothing'; see `git branch -a` and `git tag` for names"
        );
    }
}
