//! Temporary files that an interrupted command leaves behind. Every file editio writes is
//! first written under a temporary name beside its destination (`.editio-tmp-…`, a storage
//! root's `.<root>.editio-staging-…`, a new edition's `.editio-add-…`) and renamed into
//! place; a command killed half-way leaves them. Commands that write hold the archive's lock
//! (`export/.editio.lock`) while they work, so a command that holds it knows that every such
//! file is a leftover: `build` and `release` remove them, and `verify` reports them.

use crate::diagnostic::{Diagnostic, Location, codes};
use crate::error::{Error, Result};
use std::fs::File;
use std::path::{Path, PathBuf};

/// The lock file, under the archive root.
pub const LOCK_FILE: &str = "export/.editio.lock";

/// The archive's lock, held until dropped.
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

/// Takes the archive's lock, waiting for another editio that holds it to finish.
pub fn lock(root: &Path) -> Result<Lock> {
    let file = open_lock(root)?;
    file.lock().map_err(Error::io(root.join(LOCK_FILE)))?;
    Ok(Lock { _file: file })
}

/// Takes the archive's lock if no other editio holds it.
pub fn try_lock(root: &Path) -> Result<Option<Lock>> {
    let file = open_lock(root)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(Lock { _file: file })),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(Error::io(root.join(LOCK_FILE))(e)),
    }
}

fn open_lock(root: &Path) -> Result<File> {
    let path = root.join(LOCK_FILE);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(Error::io(dir))?;
    }
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(Error::io(&path))
}

/// Whether a file name is one of editio's temporary names.
pub fn is_temporary(name: &str) -> bool {
    name.starts_with(".editio-tmp-")
        || name.starts_with(".editio-add-")
        || (name.starts_with('.') && name.contains(".editio-staging-"))
}

/// Every temporary file or folder of editio's in the places it writes: `export/` and the
/// folders in it (not inside the storage root, whose objects are held to their inventories),
/// `editions/` and each edition's folder.
pub fn find(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for base in [crate::ops::build::EXPORT_DIR, crate::load::EDITIONS_DIR] {
        let dir = root.join(base);
        scan(&dir, &mut out);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if entry.file_type().is_ok_and(|t| t.is_dir())
                && !is_temporary(&name)
                && path != root.join(super::release::OCFL_DIR)
            {
                scan(&path, &mut out);
            }
        }
    }
    out.sort();
    out
}

fn scan(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if is_temporary(&entry.file_name().to_string_lossy()) {
            out.push(entry.path());
        }
    }
}

/// Removes every leftover; `_lock` proves that no other editio is at work in the archive.
/// Returns what was removed.
pub fn sweep(root: &Path, _lock: &Lock) -> Result<Vec<PathBuf>> {
    let found = find(root);
    for path in &found {
        let meta = std::fs::symlink_metadata(path).map_err(Error::io(path))?;
        if meta.is_dir() {
            std::fs::remove_dir_all(path).map_err(Error::io(path))?;
        } else {
            std::fs::remove_file(path).map_err(Error::io(path))?;
        }
    }
    Ok(found)
}

/// The findings of `verify` for leftovers (ED606), when no other editio is at work in the
/// archive (its files in progress are not leftovers); paths relative to `root`.
pub fn findings(root: &Path) -> Result<Vec<Diagnostic>> {
    let Some(_lock) = try_lock(root)? else {
        return Ok(Vec::new());
    };
    Ok(find(root)
        .into_iter()
        .map(|p| {
            let shown = p.strip_prefix(root).unwrap_or(&p).to_path_buf();
            Diagnostic::new(
                codes::LEFTOVER,
                Location::file(shown),
                "a temporary file left by an interrupted build, release or add",
            )
            .with_help("the next `editio build` or `editio release` removes it")
        })
        .collect())
}
