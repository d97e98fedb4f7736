//! Revision resolution on real repositories: branches, tags, SHAs, `HEAD~1`, remote branches,
//! detached HEAD, near-match suggestions and the errors for non-repositories.
use crate::support::git::{git, sample_repo, write};
use coldstart::git::{GitError, Repo};

#[test]
fn resolves_every_kind_of_name() {
    let repo_dir = sample_repo();
    let d = repo_dir.path();
    let repo = Repo::discover(d).expect("discover");
    let main = git(d, &["rev-parse", "main"]);
    let first = git(d, &["rev-parse", "main~1"]);
    let feature = git(d, &["rev-parse", "feature"]);

    let rev = repo.resolve("main").expect("branch");
    assert_eq!(rev.sha, main);
    assert_eq!(rev.summary, "second commit");
    assert!(rev.short.len() >= 7 && main.starts_with(&rev.short));
    assert_eq!(rev.spec, "main");

    assert_eq!(repo.resolve("feature").expect("branch").sha, feature);
    assert_eq!(repo.resolve("v1.0").expect("annotated tag").sha, first);
    assert_eq!(repo.resolve("v1.1").expect("tag").sha, main);
    assert_eq!(repo.resolve(&main).expect("sha").sha, main);
    assert_eq!(repo.resolve(&first[..8]).expect("short sha").sha, first);
    assert_eq!(repo.resolve("HEAD~1").expect("HEAD~1").sha, first);
    assert_eq!(repo.resolve("feature^").expect("feature^").sha, main);
}

#[test]
fn resolves_remote_branches_and_detached_head() {
    let upstream = sample_repo();
    let clone_parent = tempfile::tempdir().expect("tempdir");
    let clone = clone_parent.path().join("clone");
    git(
        clone_parent.path(),
        &[
            "clone",
            "-q",
            &upstream.path().display().to_string(),
            "clone",
        ],
    );
    let feature = git(upstream.path(), &["rev-parse", "feature"]);
    let repo = Repo::discover(&clone).expect("discover");
    assert_eq!(repo.resolve("origin/feature").expect("remote").sha, feature);

    git(&clone, &["checkout", "-q", "--detach", "v1.0"]);
    let repo = Repo::discover(&clone).expect("discover");
    let head = repo.resolve("HEAD").expect("detached HEAD");
    assert_eq!(head.sha, git(&clone, &["rev-parse", "v1.0^{commit}"]));
    assert_eq!(head.summary, "first commit");
}

#[test]
fn unknown_revision_suggests_near_matches() {
    let repo_dir = sample_repo();
    let repo = Repo::discover(repo_dir.path()).expect("discover");
    let err = repo.resolve("mian").expect_err("typo");
    assert_eq!(
        err.to_string(),
        "unknown revision 'mian'; did you mean 'main'?"
    );
    assert!(
        matches!(err, GitError::UnknownRevision { ref suggestions, .. } if suggestions == &["main"])
    );

    let err = repo.resolve("featrue~1").expect_err("typo with suffix");
    assert_eq!(
        err.to_string(),
        "unknown revision 'featrue~1'; did you mean 'feature~1'?"
    );

    let err = repo.resolve("v1").expect_err("ambiguous prefix");
    assert_eq!(
        err.to_string(),
        "unknown revision 'v1'; did you mean one of 'v1.0', 'v1.1'?"
    );

    let err = repo.resolve("completely-unrelated").expect_err("no match");
    assert!(err.to_string().contains("git branch -a"), "{err}");

    let err = repo
        .resolve("0123456789abcdef0123456789abcdef01234567")
        .expect_err("absent sha");
    assert!(err.to_string().contains("fetch it first"), "{err}");
}

#[test]
fn non_commits_and_empty_repositories_are_explained() {
    let repo_dir = sample_repo();
    let repo = Repo::discover(repo_dir.path()).expect("discover");
    let err = repo.resolve("HEAD^{tree}").expect_err("a tree");
    assert!(matches!(err, GitError::NotACommit { .. }), "{err}");
    assert!(
        err.to_string().contains("names a tree, not a commit"),
        "{err}"
    );

    let empty = tempfile::tempdir().expect("tempdir");
    git(empty.path(), &["init", "-q"]);
    let repo = Repo::discover(empty.path()).expect("discover");
    let err = repo.resolve("HEAD").expect_err("no commits");
    assert!(matches!(err, GitError::NoCommits { .. }), "{err}");
}

#[test]
fn not_a_repository_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "x.txt", "x");
    let err = Repo::discover(dir.path()).err().expect("not a repo");
    assert!(matches!(err, GitError::NotARepository { .. }), "{err}");
    assert!(
        err.to_string().contains("is not inside a git repository"),
        "{err}"
    );

    let err = Repo::discover(&dir.path().join("missing"))
        .err()
        .expect("missing dir");
    assert!(err.to_string().contains("cannot open directory"), "{err}");
}

#[test]
fn info_reports_commit_branch_and_dirtiness() {
    let repo_dir = sample_repo();
    let d = repo_dir.path();
    let info = coldstart::git::info(d).expect("in a repo");
    assert_eq!(info.commit, git(d, &["rev-parse", "HEAD"]));
    assert_eq!(info.branch.as_deref(), Some("main"));
    assert!(!info.dirty);

    write(d, "ignored.log", "not dirty");
    assert!(!coldstart::git::info(d).expect("info").dirty);
    write(d, "new.txt", "untracked");
    assert!(coldstart::git::info(d).expect("info").dirty);

    git(d, &["checkout", "-q", "--detach", "HEAD~1"]);
    let info = coldstart::git::info(d).expect("info");
    assert_eq!(info.branch, None);

    let plain = tempfile::tempdir().expect("tempdir");
    assert_eq!(coldstart::git::info(plain.path()), None);
}
