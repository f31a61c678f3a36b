//! Scratch folders in the system's temporary folder: a copy of what is read from object
//! storage (`editio-read-…`), a deposit zip fetched to be verified (`editio-verify-…`).
//!
//! A folder is removed when the command is done with it; a process that is killed cannot do
//! that. So each folder holds a file, [`HELD`], that its process locks (an advisory lock,
//! which the system lets go when the process ends, however it ends) and then writes its
//! process id into. Making a scratch folder first removes every folder of editio's whose
//! [`HELD`] file has something in it and is locked by nobody: its process is gone.
//!
//! A [`HELD`] file is written only after it is locked, so an empty one belongs to a folder
//! being made, which is left alone; so is a folder without one, which is not editio's.

use crate::error::{Error, Result};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The file in each scratch folder that its process holds locked.
pub const HELD: &str = ".editio-held";

/// The start of every scratch folder's name.
const PREFIX: &str = "editio-";

/// A scratch folder, removed when dropped.
#[derive(Debug)]
pub struct Scratch {
    // Let go before the folder is removed (the lock's file is removed with it).
    _held: File,
    dir: tempfile::TempDir,
}

impl Scratch {
    /// A new scratch folder in the system's temporary folder, named `editio-<purpose>-…`,
    /// after removing those that killed processes left there.
    pub fn new(purpose: &str) -> Result<Scratch> {
        Scratch::new_in(&std::env::temp_dir(), purpose)
    }

    /// [`Scratch::new`] in `parent`.
    pub fn new_in(parent: &Path, purpose: &str) -> Result<Scratch> {
        sweep(parent);
        let dir = tempfile::Builder::new()
            .prefix(&format!("{PREFIX}{purpose}-"))
            .tempdir_in(parent)
            .map_err(Error::io(parent))?;
        let path = dir.path().join(HELD);
        let mut held = File::create(&path).map_err(Error::io(&path))?;
        held.lock().map_err(Error::io(&path))?;
        writeln!(held, "{}", std::process::id()).map_err(Error::io(&path))?;
        Ok(Scratch { _held: held, dir })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// Removes the scratch folders in `parent` whose process is gone; returns them. A folder that
/// cannot be read or removed is left for the next time.
pub fn sweep(parent: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().starts_with(PREFIX)
            || !entry.file_type().is_ok_and(|t| t.is_dir())
        {
            continue;
        }
        let dir = entry.path();
        let Ok(held) = File::open(dir.join(HELD)) else {
            continue;
        };
        let written = held.metadata().is_ok_and(|m| m.len() > 0);
        // Locked while it is removed, so that two sweeps do not both remove it.
        if written && held.try_lock().is_ok() && std::fs::remove_dir_all(&dir).is_ok() {
            removed.push(dir);
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder as a killed process leaves it: its lock file written, held by nobody.
    fn left_by_a_killed_process(parent: &Path, name: &str) -> PathBuf {
        let dir = parent.join(name);
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join(HELD), "4242\n").unwrap();
        std::fs::write(dir.join("inventory.json"), "{}").unwrap();
        dir
    }

    #[test]
    fn a_killed_processs_folder_is_removed_and_a_live_ones_kept() {
        let parent = tempfile::tempdir().unwrap();
        let live = Scratch::new_in(parent.path(), "read").unwrap();
        let dead = left_by_a_killed_process(parent.path(), "editio-read-dead");
        // Being made: the lock file is there but not yet written.
        let making = parent.path().join("editio-read-making");
        std::fs::create_dir(&making).unwrap();
        std::fs::write(making.join(HELD), "").unwrap();
        // Not editio's, or of an editio that held no lock.
        let other = parent.path().join("editio-read-unheld");
        std::fs::create_dir(&other).unwrap();
        let foreign = left_by_a_killed_process(parent.path(), "another-program");

        assert_eq!(sweep(parent.path()), vec![dead.clone()]);
        assert!(!dead.exists());
        for kept in [live.path(), &making, &other, &foreign] {
            assert!(kept.exists(), "{} was removed", kept.display());
        }
        let held = std::fs::read_to_string(live.path().join(HELD)).unwrap();
        assert_eq!(held.trim(), std::process::id().to_string());
    }

    #[test]
    fn a_new_scratch_folder_sweeps_first_and_is_removed_when_dropped() {
        let parent = tempfile::tempdir().unwrap();
        let dead = left_by_a_killed_process(parent.path(), "editio-verify-dead");
        let scratch = Scratch::new_in(parent.path(), "verify").unwrap();
        assert!(!dead.exists());
        let path = scratch.path().to_path_buf();
        assert!(
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("editio-verify-")
        );
        drop(scratch);
        assert!(!path.exists());
        assert_eq!(std::fs::read_dir(parent.path()).unwrap().count(), 0);
    }
}
