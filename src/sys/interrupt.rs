//! Ctrl-C / SIGTERM: one process-wide flag, set by the signal handler and polled by every wait loop.
use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Installs the handler once; later calls are no-ops. Children run in their own process groups, so
/// a terminal Ctrl-C reaches only us and we decide how to stop them.
pub fn install() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // An error here means another handler is installed (tests); the flag still works.
        let _ = ctrlc::set_handler(|| REQUESTED.store(true, Ordering::SeqCst));
    });
}

/// True once the user asked us to stop.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}
