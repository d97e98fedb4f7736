//! Git layer: resolve revisions and materialise them outside the user's checkout, never writing to it.
//!
//! Every revision is checked out into a fresh repository in its own temporary directory whose
//! `.git/objects/info/alternates` points at the user's object store (what `git clone --shared`
//! does). Nothing is registered in, copied from or written to the user's repository, so even a
//! `SIGKILL` leaves it untouched; the scratch directory itself carries a pid file and is removed by
//! [`Checkout`]'s `Drop` or, after a hard kill, by [`sweep_stale_checkouts_in`].
mod checkout;
mod error;
mod info;
mod range;
mod repo;
pub mod stale;
mod suggest;

pub use checkout::{Checkout, Source};
pub use error::GitError;
pub use info::{GitInfo, info};
pub use range::{Commit, Walk, evenly_spaced};
pub use repo::{Repo, Revision};

use std::path::{Path, PathBuf};

// The entry points live here, not in repo.rs, so that checkout.rs (which reads a `Repo`) and
// repo.rs do not import each other.
impl Repo {
    /// Materialises `revision` into a fresh directory outside the working tree.
    pub fn checkout(&self, revision: &Revision) -> Result<Checkout, GitError> {
        checkout::of_revision(self, revision)
    }

    /// Materialises the working tree as it is now: `HEAD` plus uncommitted changes and untracked
    /// files that are not ignored; deleted tracked files stay deleted. The index is not written.
    pub fn checkout_working_tree(&self) -> Result<Checkout, GitError> {
        checkout::of_working_tree(self, &[])
    }

    /// [`Repo::checkout_working_tree`] leaving out changes under `exclude` (absolute paths of
    /// files or directories, e.g. coldstart's own outputs). Untracked coldstart result files
    /// (`cold_start_*.json`) are always left out. A snapshot without remaining changes has its
    /// commit's content id.
    pub fn checkout_working_tree_excluding(
        &self,
        exclude: &[PathBuf],
    ) -> Result<Checkout, GitError> {
        checkout::of_working_tree(self, exclude)
    }
}

/// Prefix of every scratch directory this module creates (and the only ones its sweep considers).
pub const SCRATCH_PREFIX: &str = "coldstart-";

/// Removes `coldstart-*` checkout directories under `scratch` whose owning process is gone (a run
/// killed with `SIGKILL`); returns what was removed. Every command that starts children runs it
/// on the system temporary directory first (`commands::sweep_abandoned`); a
/// [`Repo::with_scratch_dir`] elsewhere is swept by its caller.
pub fn sweep_stale_checkouts_in(scratch: &Path) -> Vec<PathBuf> {
    stale::sweep(scratch, SCRATCH_PREFIX)
}
