//! Writing files so that a reader never sees half of one: write a temporary file in the same
//! folder, flush it to disk, then rename it over the final name.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically, creating the parent folders.
pub fn atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(Error::io(dir))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".editio-tmp-")
        .tempfile_in(dir)
        .map_err(Error::io(dir))?;
    tmp.write_all(bytes).map_err(Error::io(tmp.path()))?;
    // Temporary files are private (0600); what the archive publishes is readable by all.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::Permissions::from_mode(0o644);
        std::fs::set_permissions(tmp.path(), mode).map_err(Error::io(tmp.path()))?;
    }
    tmp.as_file().sync_all().map_err(Error::io(tmp.path()))?;
    tmp.persist(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e.error,
    })?;
    Ok(())
}

/// Writes `bytes` to `path` atomically unless it already holds exactly these bytes, so that an
/// unchanged output keeps its timestamp. Returns whether the file was written.
pub fn if_changed(path: &Path, bytes: &[u8]) -> Result<bool> {
    match std::fs::read(path) {
        Ok(existing) if existing == bytes => Ok(false),
        _ => atomic(path, bytes).map(|()| true),
    }
}
