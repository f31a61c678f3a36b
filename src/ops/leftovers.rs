//! Temporary files that an interrupted command leaves behind. Every file editio writes is
//! first written under a temporary name beside its destination (`.editio-tmp-…`, a storage
//! root's `.<root>.editio-staging-…`, a new edition's `.editio-add-…`) and renamed into
//! place; a command killed half-way leaves them. Commands that write hold the archive's lock
//! (an advisory lock on `editio.toml`) while they work, so a command that holds it knows that every such
//! file is a leftover: `build` and `release` remove them, and `verify` reports them.

use crate::diagnostic::{Diagnostic, Location, codes};
use crate::error::{Error, Result};
use std::fs::File;
use std::path::{Path, PathBuf};

/// The file locked, under the archive root: the archive's settings, which every archive has.
pub const LOCK_FILE: &str = crate::load::CONFIG_FILE;

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
    File::open(&path).map_err(Error::io(&path))
}

/// Whether a file name is one of editio's temporary names.
pub fn is_temporary(name: &str) -> bool {
    name.starts_with(".editio-tmp-")
        || name.starts_with(".editio-add-")
        || (name.starts_with('.') && name.contains(".editio-staging-"))
}

/// Every temporary file or folder of editio's in the places it writes: `export/` and the
/// folders below it (not inside the storage root, whose objects are held to their
/// inventories), `editions/` and each edition's folder.
pub fn find(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let skip = root.join(super::release::OCFL_DIR);
    scan(&root.join(crate::layout::EXPORT_DIR), &skip, 3, &mut out);
    scan(&root.join(crate::load::EDITIONS_DIR), &skip, 1, &mut out);
    out.sort();
    out
}

/// Temporary names in `dir`, and in its folders down to `depth` more levels.
fn scan(dir: &Path, skip: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if is_temporary(&entry.file_name().to_string_lossy()) {
            out.push(path);
        } else if depth > 0 && path != skip && entry.file_type().is_ok_and(|t| t.is_dir()) {
            scan(&path, skip, depth - 1, out);
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
