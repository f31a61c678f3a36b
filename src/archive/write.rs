//! Writing files so that a reader never sees half of one: write a temporary file in the same
//! folder, flush it to disk, then rename it over the final name.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically, creating the parent folders.
pub fn atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    temporary(path, bytes)?.commit()
}

/// A file written beside its destination under a temporary name, flushed to disk, and not yet
/// in place: [`Staged::commit`] renames it over the destination; dropped uncommitted, it is
/// removed. A build stages every output and commits them only when the whole archive built
/// without errors.
#[derive(Debug)]
pub struct Staged {
    tmp: tempfile::TempPath,
    dest: PathBuf,
}

impl Staged {
    /// Puts the file in place (one rename).
    pub fn commit(self) -> Result<()> {
        let Staged { tmp, dest } = self;
        tmp.persist(&dest).map_err(|e| Error::Io {
            path: dest,
            source: e.error,
        })
    }

    /// Where the file is until it is committed.
    pub fn path(&self) -> &Path {
        &self.tmp
    }
}

/// Stages `bytes` for `path`: written and flushed beside it, not yet in place.
pub fn stage(path: &Path, bytes: &[u8]) -> Result<Staged> {
    temporary(path, bytes)
}

/// Stages `bytes` for `path` unless the file already holds exactly them (`None`).
pub fn stage_if_changed(path: &Path, bytes: &[u8]) -> Result<Option<Staged>> {
    match std::fs::read(path) {
        Ok(existing) if existing == bytes => Ok(None),
        _ => temporary(path, bytes).map(Some),
    }
}

/// Writes `path` atomically with what `write` writes to it, creating the parent folders.
pub fn atomic_with(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<()> {
    staged_with(path, write)?.commit()
}

/// Writes `bytes` to a temporary file beside `path`, creating the parent folders.
fn temporary(path: &Path, bytes: &[u8]) -> Result<Staged> {
    staged_with(path, |f| f.write_all(bytes))
}

/// A temporary file beside `path` holding what `write` wrote, flushed to disk.
fn staged_with(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<Staged> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(Error::io(dir))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".editio-tmp-")
        .tempfile_in(dir)
        .map_err(Error::io(dir))?;
    write(tmp.as_file_mut()).map_err(Error::io(tmp.path()))?;
    // Temporary files are private (0600); what the archive publishes is readable by all.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::Permissions::from_mode(0o644);
        std::fs::set_permissions(tmp.path(), mode).map_err(Error::io(tmp.path()))?;
    }
    tmp.as_file().sync_all().map_err(Error::io(tmp.path()))?;
    Ok(Staged {
        tmp: tmp.into_temp_path(),
        dest: path.to_path_buf(),
    })
}

/// Writes `bytes` to `path` atomically unless it already holds exactly these bytes, so that an
/// unchanged output keeps its timestamp. Returns whether the file was written.
pub fn if_changed(path: &Path, bytes: &[u8]) -> Result<bool> {
    match std::fs::read(path) {
        Ok(existing) if existing == bytes => Ok(false),
        _ => atomic(path, bytes).map(|()| true),
    }
}
