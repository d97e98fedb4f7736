//! Ctrl-C during a `--setup` command stops its whole process group (also what it started in the
//! background), returns `Interrupted`, and leaves nothing half-built in the cache. The test runs alone in its
//! own process (a second run of this test binary) because the interrupt flag is process-wide and
//! stays set: the tests on the other threads would see it.
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::support::git::fixture_repo;
use crate::support::{alone_in_own_process, files_in, pid_alive};
use coldstart::env::{EnvBuilder, EnvError, Installer, cache};
use coldstart::git::Repo;

#[test]
fn interrupt_stops_the_setup_process_group() {
    if !alone_in_own_process(concat!(
        module_path!(),
        "::interrupt_stops_the_setup_process_group"
    )) {
        return;
    }
    coldstart::interrupt::install();
    let user = fixture_repo("tinyproj");
    let cache_dir = tempfile::tempdir().expect("cache");
    let scratch = tempfile::tempdir().expect("scratch");
    let marker = tempfile::tempdir().expect("marker");
    let pid_file = marker.path().join("pid");
    let repo = Repo::discover(user.path())
        .expect("discover")
        .with_scratch_dir(scratch.path().into());
    let checkout = repo
        .checkout(&repo.resolve("HEAD").expect("resolve"))
        .expect("checkout");
    let builder = EnvBuilder {
        base_python: PathBuf::from("python3"),
        cache_dir: cache_dir.path().to_path_buf(),
        setup: Some(format!(
            "sleep 60 & echo $! > '{}'; wait",
            pid_file.display()
        )),
        installer: Installer::Pip,
    };

    let watched = pid_file.clone();
    let signaller = std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(120);
        while std::fs::read_to_string(&watched).map_or(true, |s| !s.ends_with('\n')) {
            assert!(Instant::now() < deadline, "the setup command never started");
            std::thread::sleep(Duration::from_millis(20));
        }
        // SAFETY: sends SIGINT to this test process, whose handler only sets the flag.
        unsafe { libc::kill(libc::getpid(), libc::SIGINT) };
        Instant::now()
    });
    let err = builder.build(&checkout).expect_err("interrupted");
    let signalled = signaller.join().expect("signaller");
    assert!(matches!(err, EnvError::Interrupted { .. }), "{err}");
    assert!(
        signalled.elapsed() < Duration::from_secs(5),
        "stopping took too long"
    );

    let background = std::fs::read_to_string(&pid_file).expect("pid");
    let deadline = Instant::now() + Duration::from_secs(5);
    while pid_alive(background.trim().parse().expect("a pid")) {
        assert!(
            Instant::now() < deadline,
            "the setup's background process survived"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(cache::list(cache_dir.path()).expect("list"), Vec::new());
    assert_eq!(
        files_in(&cache_dir.path().join("tmp")),
        Vec::<String>::new()
    );
}
