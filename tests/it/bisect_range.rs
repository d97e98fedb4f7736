//! Range walking for `bisect` and `history` on the real 32-commit test repository: first-parent
//! and all-parents walks, `A..B` and revision lists, evenly spaced samples, commit metadata, the
//! errors for backwards ranges; the user's repository is byte-identical afterwards.
use crate::support::bisect_repo::{bisect_repo, rev_parse};
use crate::support::git::snapshot;
use coldstart::git::{GitError, Repo, Walk, evenly_spaced};

fn subjects(commits: &[coldstart::git::Commit]) -> Vec<String> {
    commits.iter().map(|c| c.subject.clone()).collect()
}

#[test]
fn bisect_range_is_the_commits_after_good_oldest_first() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = bisect_repo(tmp.path(), &[]);
    let before = snapshot(&dir);
    let repo = Repo::discover(&dir).unwrap();
    let (good, bad) = (
        repo.resolve("first").unwrap(),
        repo.resolve("main").unwrap(),
    );
    let range = repo.range(&good, &bad, Walk::FirstParent).unwrap();
    assert_eq!(range.len(), 31);
    assert_eq!(range[0].subject, "commit 2: revision 2");
    assert_eq!(range[7].subject, "commit 9: sleep 30 ms at import");
    assert_eq!(
        range[19].subject,
        "commit 21: import xml.dom.minidom eagerly"
    );
    assert_eq!(range[30].sha, rev_parse(&dir, "main"));
    let last = &range[30];
    assert_eq!(last.author, "Ada Bisect <ada@example.com>");
    assert!(last.date.ends_with("+00:00") && last.date.starts_with("2026-01-0"));
    assert!(last.sha.starts_with(&last.short) && last.short.len() >= 7);
    // The other way round is an error naming the fix; so is an empty range.
    let err = repo.range(&bad, &good, Walk::FirstParent).unwrap_err();
    assert!(matches!(err, GitError::NotAncestor { .. }), "{err}");
    assert!(
        err.to_string().contains("is not an ancestor of 'first'"),
        "{err}"
    );
    let err = repo.range(&good, &good, Walk::FirstParent).unwrap_err();
    assert!(err.to_string().contains("has no commits"), "{err}");
    drop(repo);
    assert!(before == snapshot(&dir), "the repository changed");
}

#[test]
fn merges_are_one_step_unless_all_parents() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = bisect_repo(tmp.path(), &["--merge"]);
    let repo = Repo::discover(&dir).unwrap();
    let (good, bad) = (
        repo.resolve("first").unwrap(),
        repo.resolve("last").unwrap(),
    );
    let first_parent = repo.range(&good, &bad, Walk::FirstParent).unwrap();
    assert_eq!(first_parent.len(), 32);
    assert!(subjects(&first_parent).contains(&"merge side".to_string()));
    assert!(
        !subjects(&first_parent)
            .iter()
            .any(|s| s.starts_with("side"))
    );
    let all = repo.range(&good, &bad, Walk::AllParents).unwrap();
    assert_eq!(all.len(), 34);
    let pos = |s: &str| subjects(&all).iter().position(|x| x == s).unwrap();
    // Topological: both side commits after their base and before the merge.
    assert!(pos("commit 22: revision 22") < pos("side 1: add bisectproj.side"));
    assert!(pos("side 1: add bisectproj.side") < pos("side 2: add bisectproj.side"));
    assert!(pos("side 2: add bisectproj.side") < pos("merge side"));
    assert_eq!(all.last().unwrap().sha, rev_parse(&dir, "last"));
}

#[test]
fn history_selections() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = bisect_repo(tmp.path(), &[]);
    let repo = Repo::discover(&dir).unwrap();
    let s = |specs: &[&str]| {
        let specs: Vec<String> = specs.iter().map(|x| x.to_string()).collect();
        repo.select(&specs, Walk::FirstParent)
    };
    // A..B includes A, the chart's starting point.
    let all = s(&["first..main"]).unwrap();
    assert_eq!(all.len(), 32);
    assert_eq!(all[0].sha, rev_parse(&dir, "first"));
    // One revision alone: its whole history.
    assert_eq!(s(&["main"]).unwrap(), all);
    assert_eq!(s(&["main~2..main"]).unwrap().len(), 3);
    // A list: exactly those, in the given order, without repeats.
    let list = s(&["main~1", "first", "main~1"]).unwrap();
    assert_eq!(
        subjects(&list),
        ["commit 31: revision 31", "commit 1: the project"]
    );
    let eight = evenly_spaced(&all, 8);
    assert_eq!(eight.len(), 8);
    assert_eq!(
        (eight[0].sha.clone(), eight[7].sha.clone()),
        (all[0].sha.clone(), all[31].sha.clone())
    );
    let err = s(&["first...main"]).unwrap_err();
    assert!(err.to_string().contains("symmetric ranges"), "{err}");
    let err = s(&["frist..main"]).unwrap_err();
    assert!(
        err.to_string().contains("unknown revision 'frist'"),
        "{err}"
    );
}
