//! File-system helpers for environments: cloning a venv directory (hard links for the immutable
//! installed files, real copies for what relocation rewrites), relocating a venv's absolute paths,
//! sizes, and finding references to a temporary checkout.
use std::collections::HashSet;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::error::EnvError;
use crate::sys::interrupt;

/// Files larger than this are never rewritten by [`relocate`] (no script is this big).
const MAX_REWRITE: u64 = 4 << 20;

/// Copies the venv at `src` to `dst` (which must not exist), leaving out coldstart's metadata file.
/// Files under `bin/` and `pyvenv.cfg`
/// are copied, since [`relocate`] rewrites them; everything else is hard-linked when possible
/// (pip and Python replace files by rename, never in place, so the source stays intact).
pub(crate) fn clone_tree(src: &Path, dst: &Path) -> Result<(), EnvError> {
    let mut stack = vec![(src.to_path_buf(), dst.to_path_buf(), false)];
    while let Some((from, to, copy_all)) = stack.pop() {
        if interrupt::requested() {
            return Err(EnvError::Interrupted {
                step: "cloning an environment".into(),
            });
        }
        fs::create_dir(&to).map_err(EnvError::io("cannot create", &to))?;
        for entry in fs::read_dir(&from).map_err(EnvError::io("cannot read", &from))? {
            let entry = entry.map_err(EnvError::io("cannot read", &from))?;
            let (path, target) = (entry.path(), to.join(entry.file_name()));
            let kind = entry
                .file_type()
                .map_err(EnvError::io("cannot read", &path))?;
            let top_level = from == src;
            if top_level && entry.file_name() == super::META_FILE {
                // Describes the source; the clone gets its own (written, never linked).
                continue;
            }
            if kind.is_symlink() {
                let link = fs::read_link(&path).map_err(EnvError::io("cannot read link", &path))?;
                std::os::unix::fs::symlink(link, &target)
                    .map_err(EnvError::io("cannot create link", &target))?;
            } else if kind.is_dir() {
                let is_bin = top_level && entry.file_name() == "bin";
                stack.push((path, target, copy_all || is_bin));
            } else {
                let rewritten = copy_all || (top_level && entry.file_name() == "pyvenv.cfg");
                if rewritten || fs::hard_link(&path, &target).is_err() {
                    fs::copy(&path, &target).map_err(EnvError::io("cannot copy", &path))?;
                }
            }
        }
    }
    Ok(())
}

/// Rewrites the absolute path `old` to `new` in the venv at `dir`: script shebangs and activation
/// scripts in `bin/`, and `pyvenv.cfg`. `bin/python` itself is a symlink to the base interpreter
/// and `sys.prefix` is found from its location, so nothing else depends on where the venv is.
/// Files are replaced by rename, which also breaks any hard link to another environment.
pub(crate) fn relocate(dir: &Path, old: &Path, new: &Path) -> Result<(), EnvError> {
    let (old, new) = (
        old.as_os_str().as_encoded_bytes(),
        new.as_os_str().as_encoded_bytes(),
    );
    let mut files = vec![dir.join("pyvenv.cfg")];
    if let Ok(entries) = fs::read_dir(dir.join("bin")) {
        files.extend(entries.flatten().map(|e| e.path()));
    }
    for path in files {
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        if !meta.is_file() || meta.len() > MAX_REWRITE {
            continue;
        }
        let bytes = fs::read(&path).map_err(EnvError::io("cannot read", &path))?;
        let Some(rewritten) = replace_all(&bytes, old, new) else {
            continue;
        };
        let tmp = path.with_extension("coldstart-relocate");
        fs::write(&tmp, rewritten).map_err(EnvError::io("cannot write", &tmp))?;
        fs::set_permissions(&tmp, meta.permissions())
            .map_err(EnvError::io("cannot chmod", &tmp))?;
        fs::rename(&tmp, &path).map_err(EnvError::io("cannot replace", &path))?;
    }
    Ok(())
}

/// `haystack` with every `from` replaced by `to`, or `None` when `from` does not occur.
fn replace_all(haystack: &[u8], from: &[u8], to: &[u8]) -> Option<Vec<u8>> {
    if from.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
    let mut found = false;
    while let Some(at) = rest.windows(from.len()).position(|w| w == from) {
        found = true;
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(to);
        rest = &rest[at + from.len()..];
    }
    out.extend_from_slice(rest);
    found.then_some(out)
}

/// Bytes used by the files under `dir`, each hard-linked file counted once.
pub(crate) fn size(dir: &Path) -> u64 {
    let mut seen = HashSet::new();
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(meta) = entry.path().symlink_metadata() else {
                continue;
            };
            if meta.is_dir() {
                stack.push(entry.path());
            } else if meta.is_file() && seen.insert((meta.dev(), meta.ino())) {
                total += meta.len();
            }
        }
    }
    total
}

/// Files at the top of the venv's `site-packages` (`*.pth`, editable finders) that mention
/// `needle`: an editable install of a temporary checkout, which stops working once it is removed.
pub(crate) fn references(dir: &Path, needle: &Path) -> Vec<PathBuf> {
    let needle = needle.as_os_str().as_encoded_bytes();
    let Ok(libs) = fs::read_dir(dir.join("lib")) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for lib in libs.flatten() {
        let Ok(entries) = fs::read_dir(lib.path().join("site-packages")) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !(name.ends_with(".pth") || name.starts_with("__editable__")) {
                continue;
            }
            if let Ok(bytes) = fs::read(entry.path())
                && bytes.windows(needle.len()).any(|w| w == needle)
            {
                found.push(entry.path());
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_all_rewrites_every_occurrence() {
        assert_eq!(
            replace_all(b"#!/a/b/python\n/a/b", b"/a/b", b"/c"),
            Some(b"#!/c/python\n/c".to_vec())
        );
        assert_eq!(replace_all(b"nothing", b"/a/b", b"/c"), None);
    }

    #[test]
    fn clone_and_relocate_keep_the_source_intact() {
        let root = tempfile::tempdir().expect("tempdir");
        let (src, dst) = (root.path().join("src"), root.path().join("dst"));
        fs::create_dir_all(src.join("bin")).expect("mkdir");
        fs::create_dir_all(src.join("lib/python3.11/site-packages")).expect("mkdir");
        let script = format!("#!{}/bin/python\nprint()\n", src.display());
        fs::write(src.join("bin/tool"), &script).expect("write");
        fs::write(
            src.join("pyvenv.cfg"),
            format!("command = x {}\n", src.display()),
        )
        .expect("write");
        fs::write(src.join("lib/python3.11/site-packages/m.py"), "X = 1\n").expect("write");
        std::os::unix::fs::symlink("/usr/bin/python3", src.join("bin/python")).expect("symlink");

        clone_tree(&src, &dst).expect("clone");
        relocate(&dst, &src, &dst).expect("relocate");
        let tool = fs::read_to_string(dst.join("bin/tool")).expect("read");
        assert_eq!(tool, format!("#!{}/bin/python\nprint()\n", dst.display()));
        assert_eq!(
            fs::read_to_string(src.join("bin/tool")).expect("read"),
            script
        );
        assert!(
            fs::read_to_string(dst.join("pyvenv.cfg"))
                .expect("read")
                .contains(&dst.display().to_string())
        );
        assert_eq!(
            fs::read_link(dst.join("bin/python")).expect("link"),
            Path::new("/usr/bin/python3")
        );
        let m = dst.join("lib/python3.11/site-packages/m.py");
        assert_eq!(fs::read_to_string(&m).expect("read"), "X = 1\n");
        // The hard-linked module is counted once across both trees.
        assert_eq!(size(root.path()), size(&src) + size(&dst) - 6);
    }

    #[test]
    fn finds_editable_references() {
        let venv = tempfile::tempdir().expect("tempdir");
        let site = venv.path().join("lib/python3.11/site-packages");
        fs::create_dir_all(&site).expect("mkdir");
        fs::write(
            site.join("__editable__.p-1.0.pth"),
            "/tmp/coldstart-x/p/src\n",
        )
        .expect("write");
        fs::write(site.join("other.pth"), "/elsewhere\n").expect("write");
        let found = references(venv.path(), Path::new("/tmp/coldstart-x"));
        assert_eq!(found, vec![site.join("__editable__.p-1.0.pth")]);
    }
}
