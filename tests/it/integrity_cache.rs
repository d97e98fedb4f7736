//! Cache-entry locks with real builds: two builders of one environment, `clean` during use.

use std::path::{Path, PathBuf};

use crate::support::alone_in_own_process;
use crate::support::git::fixture_repo;
use coldstart::env::{EnvBuilder, Installer, Outcome, cache};
use coldstart::git::Repo;

fn builder(cache_dir: &Path, setup: String) -> EnvBuilder {
    EnvBuilder {
        base_python: PathBuf::from("python3"),
        cache_dir: cache_dir.to_path_buf(),
        setup: Some(setup),
        installer: Installer::Pip,
    }
}

#[test]
fn a_second_builder_waits_for_the_first_and_reuses_its_environment() {
    // In-process builders spawn and wait for children; another test's subreaper clean-up in the
    // shared test binary could reap them first (ECHILD), so this runs alone in its own process.
    if !alone_in_own_process(concat!(
        module_path!(),
        "::a_second_builder_waits_for_the_first_and_reuses_its_environment"
    )) {
        return;
    }
    let user = fixture_repo("tinyproj");
    let cache_dir = tempfile::tempdir().expect("cache");
    let marks = tempfile::tempdir().expect("marks");
    let runs = marks.path().join("setup-runs");
    // Slow enough that both builders are inside `build` at once.
    let setup = format!("echo run >> '{}'; sleep 2", runs.display());
    let repo = Repo::discover(user.path()).expect("discover");
    let revision = repo.resolve("HEAD").expect("resolve");
    let checkouts = [
        repo.checkout(&revision).expect("checkout"),
        repo.checkout(&revision).expect("checkout"),
    ];
    let built: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = checkouts
            .iter()
            .map(|checkout| {
                let (setup, cache_dir) = (setup.clone(), cache_dir.path());
                s.spawn(move || builder(cache_dir, setup).build(checkout).expect("builds"))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let runs = std::fs::read_to_string(&runs).expect("setup ran");
    assert_eq!(runs.lines().count(), 1, "the setup ran more than once");
    let mut outcomes: Vec<_> = built.iter().map(|b| b.outcome).collect();
    outcomes.sort_by_key(|o| o.as_str());
    assert_eq!(outcomes, [Outcome::Built, Outcome::Reused]);
    assert_eq!(built[0].dir, built[1].dir);
    assert!(built.iter().all(|b| b.python.exists()));
}

#[test]
fn clean_skips_an_environment_in_use_and_says_so() {
    // In-process builders spawn and wait for children; another test's subreaper clean-up in the
    // shared test binary could reap them first (ECHILD), so this runs alone in its own process.
    if !alone_in_own_process(concat!(
        module_path!(),
        "::clean_skips_an_environment_in_use_and_says_so"
    )) {
        return;
    }
    let user = fixture_repo("tinyproj");
    let cache_dir = tempfile::tempdir().expect("cache");
    let repo = Repo::discover(user.path()).expect("discover");
    let checkout = repo
        .checkout(&repo.resolve("HEAD").expect("resolve"))
        .expect("checkout");
    let env = builder(cache_dir.path(), "true".into())
        .build(&checkout)
        .expect("builds");
    assert!(env.cached);
    let report = cache::clean(cache_dir.path(), &cache::CleanFilter::default()).expect("clean");
    assert!(report.removed.is_empty(), "{report:?}");
    assert_eq!(report.in_use.len(), 1);
    assert_eq!(report.in_use[0].key, env.key);
    assert!(env.python.exists(), "the environment in use was removed");
    let key = env.key.clone();
    drop(env);
    let report = cache::clean(cache_dir.path(), &cache::CleanFilter::default()).expect("clean");
    assert_eq!(report.removed.len(), 1, "{report:?}");
    assert_eq!(report.removed[0].key, key);
    assert!(report.in_use.is_empty());
}
