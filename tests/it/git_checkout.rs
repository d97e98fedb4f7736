//! Materialising revisions and the working tree on real repositories: the files are right, git works
//! inside (setuptools-scm needs `rev-parse` and `describe`), the user's repository is identical in
//! every byte afterwards, and no scratch directory is left behind.
use std::fs;
use std::path::Path;

use crate::support::files_in;
use crate::support::git::{git, sample_repo, snapshot, write};
use coldstart::git::{GitError, Repo, Source, stale};

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn two_revisions_have_their_own_files_and_working_git() {
    let user = sample_repo();
    let scratch = tempfile::tempdir().expect("scratch");
    let repo = Repo::discover(user.path())
        .expect("discover")
        .with_scratch_dir(scratch.path().to_path_buf());
    let old = repo.resolve("v1.0").expect("v1.0");
    let new = repo.resolve("feature").expect("feature");
    let a = repo.checkout(&old).expect("checkout v1.0");
    let b = repo.checkout(&new).expect("checkout feature");

    assert_ne!(a.root(), b.root());
    assert!(!a.root().starts_with(user.path()) && !b.root().starts_with(user.path()));
    assert_eq!(read(&a.root().join("a.txt")), "one\n");
    assert!(!a.root().join("b.txt").exists());
    assert_eq!(read(&b.root().join("a.txt")), "two\n");
    assert_eq!(read(&b.root().join("feature.txt")), "feat\n");
    assert_eq!(a.content_id(), old.sha);
    assert!(matches!(b.source(), Source::Commit(r) if r == &new));
    assert!(!b.is_working_tree());

    for (checkout, rev) in [(&a, &old), (&b, &new)] {
        assert_eq!(git(checkout.root(), &["rev-parse", "HEAD"]), rev.sha);
        assert_eq!(git(checkout.root(), &["status", "--porcelain"]), "");
    }
    assert_eq!(git(a.root(), &["describe", "--tags"]), "v1.0");
    assert!(git(b.root(), &["describe", "--tags"]).starts_with("v1.1-1-g"));
    assert_eq!(
        git(a.root(), &["rev-parse", "--abbrev-ref", "HEAD"]),
        "HEAD"
    );

    assert_eq!(files_in(scratch.path()).len(), 2);
    drop(a);
    drop(b);
    assert_eq!(files_in(scratch.path()), Vec::<String>::new());
}

#[test]
fn users_repository_is_byte_for_byte_unchanged() {
    let user = sample_repo();
    let d = user.path();
    // A stash entry, then staged, modified, deleted, untracked and ignored files.
    write(d, "a.txt", "stashed change\n");
    git(d, &["stash", "-q"]);
    write(d, "staged.txt", "staged\n");
    git(d, &["add", "staged.txt"]);
    write(d, "a.txt", "modified\n");
    fs::remove_file(d.join("b.txt")).expect("rm");
    write(d, "untracked/deep/u.txt", "untracked\n");
    write(d, "debug.log", "ignored\n");
    // Make the index's stat cache stale: `git status` would rewrite the index now.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    write(d, ".gitignore", "*.log\nbuild/\n");
    let before = snapshot(d);

    let scratch = tempfile::tempdir().expect("scratch");
    let repo = Repo::discover(d)
        .expect("discover")
        .with_scratch_dir(scratch.path().into());
    for spec in ["main", "feature", "v1.0", "HEAD~1", "stash@{0}"] {
        let rev = repo.resolve(spec).expect("resolve");
        let checkout = repo.checkout(&rev).expect("checkout");
        assert!(checkout.root().join("a.txt").exists());
    }
    let snap = repo.checkout_working_tree().expect("working tree");
    assert_eq!(read(&snap.root().join("a.txt")), "modified\n");
    assert!(coldstart::git::info(d).expect("info").dirty);
    assert!(coldstart::git::info(snap.root()).expect("info").dirty);
    drop(snap);
    drop(repo);

    assert_eq!(snapshot(d), before, "the user's repository changed");
    assert_eq!(
        files_in(scratch.path()),
        Vec::<String>::new(),
        "scratch directories left"
    );
    assert_eq!(git(d, &["stash", "list"]).lines().count(), 1);
    assert_eq!(git(d, &["rev-parse", "--abbrev-ref", "HEAD"]), "main");
}

#[test]
fn working_tree_snapshot_has_uncommitted_and_untracked_files_only() {
    let user = sample_repo();
    let d = user.path();
    write(d, "a.txt", "modified\n");
    write(d, "staged.txt", "staged\n");
    git(d, &["add", "staged.txt"]);
    write(d, "staged.txt", "staged then edited\n");
    fs::remove_file(d.join("b.txt")).expect("rm");
    write(d, "pkg/new.py", "X = 1\n");
    write(d, "build/out.txt", "ignored dir\n");
    write(d, "run.log", "ignored file\n");
    std::os::unix::fs::symlink("a.txt", d.join("link")).expect("symlink");
    let script = d.join("tool.sh");
    write(d, "tool.sh", "#!/bin/sh\n");
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).expect("chmod");

    let scratch = tempfile::tempdir().expect("scratch");
    let repo = Repo::discover(d)
        .expect("discover")
        .with_scratch_dir(scratch.path().into());
    let snap = repo.checkout_working_tree().expect("snapshot");
    let r = snap.root();
    assert!(snap.is_working_tree());
    assert_eq!(read(&r.join("a.txt")), "modified\n");
    assert_eq!(read(&r.join("staged.txt")), "staged then edited\n");
    assert_eq!(read(&r.join("pkg/new.py")), "X = 1\n");
    assert!(!r.join("b.txt").exists(), "deleted tracked file came back");
    assert!(
        !r.join("build").exists() && !r.join("run.log").exists(),
        "ignored files copied"
    );
    assert_eq!(
        fs::read_link(r.join("link")).expect("link"),
        Path::new("a.txt")
    );
    let mode = fs::metadata(r.join("tool.sh"))
        .expect("meta")
        .permissions()
        .mode();
    assert_eq!(mode & 0o111, 0o111);
    assert_eq!(
        git(r, &["rev-parse", "HEAD"]),
        git(d, &["rev-parse", "HEAD"])
    );
    assert!(!git(r, &["status", "--porcelain"]).is_empty());
    let Source::WorkingTree {
        base,
        content_id,
        uncommitted,
    } = snap.source().clone()
    else {
        panic!("not a working tree source");
    };
    assert!(uncommitted);
    assert_eq!(base, Some(git(d, &["rev-parse", "HEAD"])));
    assert_eq!(snap.content_id(), content_id);

    let again = repo.checkout_working_tree().expect("snapshot again");
    assert_eq!(
        again.content_id(),
        snap.content_id(),
        "same content, same id"
    );
    write(d, "pkg/new.py", "X = 2\n");
    let changed = repo.checkout_working_tree().expect("snapshot after edit");
    assert_ne!(changed.content_id(), snap.content_id());
    write(d, "debug.log", "ignored files do not change the id\n");
    let ignored = repo
        .checkout_working_tree()
        .expect("snapshot after ignored edit");
    assert_eq!(ignored.content_id(), changed.content_id());
}

#[test]
fn subdirectory_projects_and_linked_worktrees() {
    let user = sample_repo();
    let d = user.path();
    write(d, "python/pkg/pyproject.toml", "[project]\nname = 'x'\n");
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "python project"]);
    let linked_parent = tempfile::tempdir().expect("tempdir");
    let linked = linked_parent.path().join("linked");
    git(
        d,
        &[
            "worktree",
            "add",
            "-q",
            "--detach",
            &linked.display().to_string(),
            "HEAD",
        ],
    );

    let scratch = tempfile::tempdir().expect("scratch");
    let repo = Repo::discover(&linked.join("python/pkg"))
        .expect("discover from a linked worktree's subdirectory")
        .with_scratch_dir(scratch.path().into());
    let rev = repo.resolve("HEAD").expect("resolve");
    let checkout = repo.checkout(&rev).expect("checkout");
    assert_eq!(checkout.project_dir(), checkout.root().join("python/pkg"));
    assert!(checkout.project_dir().join("pyproject.toml").is_file());

    let old = repo.resolve("v1.0").expect("resolve");
    let err = repo
        .checkout(&old)
        .expect_err("subdirectory missing at v1.0");
    assert!(matches!(err, GitError::MissingDirectory { .. }), "{err}");
    drop(checkout);
    assert_eq!(files_in(scratch.path()), Vec::<String>::new());
}

#[test]
fn scratch_inside_the_working_tree_is_refused() {
    let user = sample_repo();
    let inside = user.path().join("build");
    let repo = Repo::discover(user.path())
        .expect("discover")
        .with_scratch_dir(inside);
    let rev = repo.resolve("main").expect("resolve");
    let err = repo.checkout(&rev).expect_err("inside");
    assert!(
        matches!(err, GitError::ScratchInsideWorkTree { .. }),
        "{err}"
    );
}

#[test]
fn stale_checkouts_of_killed_runs_are_swept() {
    let user = sample_repo();
    let scratch = tempfile::tempdir().expect("scratch");
    let repo = Repo::discover(user.path())
        .expect("discover")
        .with_scratch_dir(scratch.path().into());
    let rev = repo.resolve("main").expect("resolve");
    let live = repo.checkout(&rev).expect("live checkout");
    let killed = repo.checkout(&rev).expect("checkout of a 'killed' run");
    let killed_dir = killed.root().parent().expect("parent").to_path_buf();
    // Pretend its owner died: pid_max is at most 2^22, so this pid does not exist.
    fs::write(killed_dir.join(stale::PID_FILE), "4194305 1\n").expect("write");
    std::mem::forget(killed);

    let removed = coldstart::git::sweep_stale_checkouts_in(scratch.path());
    assert_eq!(removed, vec![killed_dir.clone()]);
    assert!(!killed_dir.exists());
    assert!(live.root().exists(), "a live run's checkout was removed");
}

#[test]
fn working_tree_of_a_repository_without_commits() {
    let user = tempfile::tempdir().expect("tempdir");
    git(user.path(), &["init", "-q"]);
    write(user.path(), "pkg/mod.py", "X = 1\n");
    let scratch = tempfile::tempdir().expect("scratch");
    let repo = Repo::discover(user.path())
        .expect("discover")
        .with_scratch_dir(scratch.path().into());
    let snap = repo.checkout_working_tree().expect("snapshot");
    assert_eq!(read(&snap.root().join("pkg/mod.py")), "X = 1\n");
    assert!(matches!(
        snap.source(),
        Source::WorkingTree { base: None, .. }
    ));
}

#[test]
fn a_clean_working_tree_is_its_commit_and_coldstart_outputs_are_left_out() {
    let user = sample_repo();
    let d = user.path();
    let scratch = tempfile::tempdir().expect("scratch");
    let repo = Repo::discover(d)
        .expect("discover")
        .with_scratch_dir(scratch.path().into());
    let head = git(d, &["rev-parse", "HEAD"]);
    let clean = repo.checkout_working_tree().expect("clean snapshot");
    assert_eq!(clean.content_id(), head, "a clean tree has its commit's id");
    assert!(clean.is_commit_content());
    // Result files of an earlier run and this run's output directory are not changes.
    write(d, "benchmark_results/cold_start_latest.json", "{}\n");
    write(d, "results/report.md", "# report\n");
    let out = d.join("results");
    let snap = repo
        .checkout_working_tree_excluding(std::slice::from_ref(&out))
        .expect("snapshot");
    assert_eq!(snap.content_id(), head);
    assert!(!snap.root().join("benchmark_results").exists());
    assert!(!snap.root().join("results").exists());
    // A real change still counts, and the outputs stay out of it.
    write(d, "pkg/new.py", "X = 1\n");
    let dirty = repo
        .checkout_working_tree_excluding(&[out])
        .expect("dirty snapshot");
    assert!(!dirty.is_commit_content());
    assert_ne!(dirty.content_id(), head);
    assert!(dirty.root().join("pkg/new.py").exists());
    assert!(!dirty.root().join("results").exists());
}
