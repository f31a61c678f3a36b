//! The local folder as a [`Storage`]: keys are paths under the folder. Puts write a flushed
//! temporary file beside the target and rename it into place, so each object appears whole or
//! not at all; a create-only put links the finished temporary file to its name, which fails
//! when the name exists. A folder can also do what object storage cannot: its [`Staging`]
//! area (a folder beside the root, on the same file system) puts a whole tree in place by one
//! rename, and its lock is an advisory file lock.

use super::{Created, Entry, Lock, Storage};
use crate::error::{Error, Result};
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// A folder holding objects as files.
#[derive(Clone, Debug)]
pub struct LocalStorage {
    root: PathBuf,
}

impl LocalStorage {
    pub fn new(root: &Path) -> LocalStorage {
        LocalStorage {
            root: root.to_path_buf(),
        }
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A storage root on disk is a folder: a file where one should be is refused by name.
    pub fn refuse_file(path: &Path) -> Result<()> {
        match fs::symlink_metadata(path) {
            Ok(meta) if !meta.is_dir() => Err(Error::Store {
                path: path.to_path_buf(),
                problem: "exists and is not a folder; a storage root is a folder (name another \
                          path, or move this file away)"
                    .into(),
            }),
            _ => Ok(()),
        }
    }

    fn path(&self, key: &str) -> Result<PathBuf> {
        if key.is_empty()
            || key
                .split('/')
                .any(|p| p.is_empty() || p == "." || p == "..")
        {
            return Err(Error::Damaged {
                location: self.root.join(key).display().to_string(),
                problem: "is not a usable object key (an empty, `.` or `..` part)".into(),
            });
        }
        Ok(self.root.join(key))
    }

    /// A flushed temporary file in the target's folder holding what `from` gives.
    fn stage(&self, target: &Path, from: &mut dyn Read) -> Result<(tempfile::NamedTempFile, u64)> {
        let dir = target.parent().unwrap_or(&self.root);
        fs::create_dir_all(dir).map_err(Error::io(dir))?;
        let mut tmp = tempfile::Builder::new()
            .prefix(PUT_PREFIX)
            .tempfile_in(dir)
            .map_err(Error::io(dir))?;
        let n = std::io::copy(from, &mut tmp).map_err(Error::io(target))?;
        tmp.flush().map_err(Error::io(target))?;
        tmp.as_file().sync_all().map_err(Error::io(target))?;
        Ok((tmp, n))
    }
}

/// The name temporary files of a put start with.
const PUT_PREFIX: &str = ".editio-put-";

impl LocalStorage {
    /// Staging happens beside the root, on the same file system (renames must not cross
    /// devices) but outside it, as an OCFL storage root may hold nothing else.
    fn staging_parent(&self) -> Result<PathBuf> {
        let abs = std::path::absolute(&self.root).map_err(Error::io(&self.root))?;
        abs.parent()
            .map(Path::to_path_buf)
            .ok_or_else(|| Error::Storage {
                location: self.root.display().to_string(),
                message: "a storage root cannot be a file system root".into(),
            })
    }

    fn staging_prefix(&self) -> String {
        let name = self
            .root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        format!(".{name}.editio-staging-")
    }
}

/// A folder beside a [`LocalStorage`]'s root where a tree is written, flushed, and then put
/// in place by one rename ([`Staging::place`]). It is removed when dropped; one a crash left
/// behind is removed by [`Storage::tidy`].
#[derive(Debug)]
pub struct Staging {
    dir: tempfile::TempDir,
    root: PathBuf,
}

impl Staging {
    /// The staging folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    fn rel(&self, rel: &str) -> Result<PathBuf> {
        if rel.is_empty()
            || rel
                .split('/')
                .any(|p| p.is_empty() || p == "." || p == "..")
        {
            return Err(Error::Damaged {
                location: self.dir.path().join(rel).display().to_string(),
                problem: "is not a usable path in the staging folder".into(),
            });
        }
        Ok(self.dir.path().join(rel))
    }

    /// Writes the file `rel` (`/`-separated, under the staging folder) from `from`, flushed to
    /// disk; returns the number of bytes written. A failed read of `from` names the target.
    pub fn put(&self, rel: &str, from: &mut dyn Read) -> Result<u64> {
        let path = self.rel(rel)?;
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(Error::io(dir))?;
        }
        let mut out = File::create(&path).map_err(Error::io(&path))?;
        let mut buf = vec![0u8; crate::archive::digest::BUF_SIZE];
        let mut total = 0u64;
        loop {
            let n = match from.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(Error::Storage {
                        location: path.display().to_string(),
                        message: e.to_string(),
                    });
                }
            };
            out.write_all(buf.get(..n).unwrap_or_default())
                .map_err(Error::io(&path))?;
            total += n as u64;
        }
        out.sync_all().map_err(Error::io(&path))?;
        Ok(total)
    }

    /// Flushes the folder `rel` and everything in it, and renames it to `key` of the storage
    /// (the empty key: the storage's own folder, which may be an empty folder), making the
    /// folders above it as needed. Never replaces anything: an existing `key` is an error and
    /// is left as it was.
    pub fn place(&self, rel: &str, key: &str) -> Result<()> {
        let from = self.rel(rel)?;
        let target = if key.is_empty() {
            self.root.clone()
        } else {
            self.root.join(key)
        };
        sync_tree(&from)?;
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(Error::io(parent))?;
        if !key.is_empty() && fs::symlink_metadata(&target).is_ok() {
            return Err(Error::Store {
                path: target,
                problem: "appeared while it was being written; it was not touched (another \
                          writer, or a stale head?)"
                    .into(),
            });
        }
        fs::rename(&from, &target).map_err(Error::io(&target))?;
        sync_dir(parent)
    }

    /// Leaves the staging folder on disk, as a crash would, and returns its path.
    pub fn abandon(self) -> PathBuf {
        self.dir.keep()
    }
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(Error::io(dir))
}

/// Flushes every folder under `dir` (files were flushed as they were written), so that a
/// rename of `dir` publishes entries that are on disk.
fn sync_tree(dir: &Path) -> Result<()> {
    for entry in fs::read_dir(dir).map_err(Error::io(dir))? {
        let entry = entry.map_err(Error::io(dir))?;
        if entry.file_type().map_err(Error::io(entry.path()))?.is_dir() {
            sync_tree(&entry.path())?;
        }
    }
    sync_dir(dir)
}

/// Removes the temporary files of puts that never finished, anywhere under `dir`.
fn remove_put_leftovers(dir: &Path) -> Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(_) => return Ok(()),
    };
    for entry in entries {
        let entry = entry.map_err(Error::io(dir))?;
        let path = entry.path();
        if entry.file_type().map_err(Error::io(&path))?.is_dir() {
            remove_put_leftovers(&path)?;
        } else if entry.file_name().to_string_lossy().starts_with(PUT_PREFIX) {
            fs::remove_file(&path).map_err(Error::io(&path))?;
        }
    }
    Ok(())
}

impl Storage for LocalStorage {
    fn location(&self, key: &str) -> String {
        self.root.join(key).display().to_string()
    }

    fn list(&self, prefix: &str) -> Result<Vec<Entry>> {
        fn walk(dir: &Path, rel: &str, out: &mut Vec<Entry>) -> Result<()> {
            let entries = match fs::read_dir(dir) {
                Ok(e) => e,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
                Err(e) => return Err(Error::io(dir)(e)),
            };
            for entry in entries {
                let entry = entry.map_err(Error::io(dir))?;
                let name = entry.file_name().to_string_lossy().into_owned();
                let key = if rel.is_empty() {
                    name
                } else {
                    format!("{rel}/{name}")
                };
                let meta = fs::metadata(entry.path()).map_err(Error::io(entry.path()))?;
                if meta.is_dir() {
                    walk(&entry.path(), &key, out)?;
                } else {
                    out.push(Entry {
                        key,
                        size: meta.len(),
                    });
                }
            }
            Ok(())
        }
        // Walk from the deepest folder the prefix names whole, then filter.
        let dir_part = prefix.rsplit_once('/').map_or("", |(d, _)| d);
        let mut out = Vec::new();
        let start = if dir_part.is_empty() {
            self.root.clone()
        } else {
            self.root.join(dir_part)
        };
        walk(&start, dir_part, &mut out)?;
        out.retain(|e| e.key.starts_with(prefix));
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    fn get(&self, key: &str) -> Result<Option<Box<dyn Read + Send>>> {
        let path = self.path(key)?;
        match File::open(&path) {
            Ok(f) => Ok(Some(Box::new(f))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(&path)(e)),
        }
    }

    fn put(&self, key: &str, from: &mut dyn Read) -> Result<u64> {
        let path = self.path(key)?;
        let (tmp, n) = self.stage(&path, from)?;
        tmp.persist(&path).map_err(|e| Error::io(&path)(e.error))?;
        sync_dir(path.parent().unwrap_or(&self.root))?;
        Ok(n)
    }

    fn put_new(&self, key: &str, bytes: &[u8]) -> Result<Created> {
        let path = self.path(key)?;
        let (tmp, _) = self.stage(&path, &mut &bytes[..])?;
        match fs::hard_link(tmp.path(), &path) {
            Ok(()) => Ok(Created::Written),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(Created::Exists),
            Err(e) => Err(Error::io(&path)(e)),
        }
    }

    fn lock(&self, key: &str) -> Result<Lock> {
        let path = self.path(key)?;
        let file = File::open(&path).map_err(Error::io(&path))?;
        file.lock().map_err(Error::io(&path))?;
        Ok(Box::new(file))
    }

    fn staging(&self) -> Result<Option<Staging>> {
        let parent = self.staging_parent()?;
        fs::create_dir_all(&parent).map_err(Error::io(&parent))?;
        let dir = tempfile::Builder::new()
            .prefix(&self.staging_prefix())
            .tempdir_in(&parent)
            .map_err(Error::io(&parent))?;
        Ok(Some(Staging {
            dir,
            root: self.root.clone(),
        }))
    }

    fn has_staging(&self) -> bool {
        true
    }

    /// Only a lock holder stages or puts, so any staging folder or temporary file found
    /// while the lock is held is a crash's.
    fn tidy(&self, key: &str) -> Result<()> {
        let parent = self.staging_parent()?;
        let prefix = self.staging_prefix();
        if let Ok(entries) = fs::read_dir(&parent) {
            for entry in entries.flatten() {
                if entry.file_name().to_string_lossy().starts_with(&prefix) {
                    let p = entry.path();
                    fs::remove_dir_all(&p).map_err(Error::io(&p))?;
                }
            }
        }
        let at = self.path(key)?;
        remove_put_leftovers(&at)?;
        // A storage root must not hold empty folders (OCFL E073).
        let mut dir = Some(at.as_path());
        while let Some(d) = dir.filter(|d| *d != self.root && d.starts_with(&self.root)) {
            if fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
        Ok(())
    }

    fn file(&self, key: &str) -> Option<PathBuf> {
        if key.is_empty() {
            Some(self.root.clone())
        } else {
            self.path(key).ok()
        }
    }

    fn delete(&self, key: &str) -> Result<()> {
        let path = self.path(key)?;
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(Error::io(&path)(e)),
        }
        // Folders exist on disk only to hold files: remove the ones left empty.
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| *d != self.root && d.starts_with(&self.root)) {
            if fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interface_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let s = LocalStorage::new(&dir.path().join("root"));
        assert!(s.list("").unwrap().is_empty());
        assert_eq!(s.put("a/b/c.txt", &mut &b"hello"[..]).unwrap(), 5);
        s.put_bytes("a/d.txt", b"x").unwrap();
        assert_eq!(s.put_new("a/d.txt", b"y").unwrap(), Created::Exists);
        assert_eq!(s.get_bytes("a/d.txt", 10).unwrap().unwrap(), b"x");
        assert_eq!(s.put_new("e", b"y").unwrap(), Created::Written);
        let keys: Vec<String> = s.list("").unwrap().into_iter().map(|e| e.key).collect();
        assert_eq!(keys, ["a/b/c.txt", "a/d.txt", "e"]);
        let keys: Vec<String> = s.list("a/b").unwrap().into_iter().map(|e| e.key).collect();
        assert_eq!(keys, ["a/b/c.txt"]);
        s.delete("a/b/c.txt").unwrap();
        assert!(!dir.path().join("root/a/b").exists());
        assert!(s.get("a/b/c.txt").unwrap().is_none());
        assert!(s.get_bytes("a/d.txt", 0).is_err());
        assert!(s.put_bytes("../x", b"").is_err());
    }

    #[test]
    fn a_staged_folder_is_put_in_place_whole_and_never_over_anything() {
        let dir = tempfile::tempdir().unwrap();
        let s = LocalStorage::new(&dir.path().join("root"));
        let stage = s.staging().unwrap().unwrap();
        assert!(stage.path().starts_with(dir.path()));
        stage.put("tree/a/b.txt", &mut &b"b"[..]).unwrap();
        stage.put("tree/c.txt", &mut &b"c"[..]).unwrap();
        stage.place("tree", "x/y").unwrap();
        assert_eq!(s.get_bytes("x/y/a/b.txt", 10).unwrap().unwrap(), b"b");
        stage.put("again/c.txt", &mut &b"d"[..]).unwrap();
        assert!(stage.place("again", "x/y").is_err());
        assert_eq!(s.get_bytes("x/y/c.txt", 10).unwrap().unwrap(), b"c");
        assert!(stage.put("../out", &mut &b""[..]).is_err());
        drop(stage);
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["root"]);
    }

    /// What a crash can leave: a staging folder beside the root, a put's temporary file, and
    /// empty folders made for a rename that never happened.
    #[test]
    fn tidy_removes_what_an_interrupted_write_left() {
        let dir = tempfile::tempdir().unwrap();
        let s = LocalStorage::new(&dir.path().join("root"));
        s.put_bytes("keep/k.txt", b"k").unwrap();
        let staged = s.staging().unwrap().unwrap();
        staged.put("v1/a.txt", &mut &b"a"[..]).unwrap();
        let left = staged.abandon();
        fs::create_dir_all(dir.path().join("root/o/b/j")).unwrap();
        fs::create_dir_all(dir.path().join("root/keep/obj")).unwrap();
        fs::write(dir.path().join("root/keep/obj/.editio-put-x"), "half").unwrap();
        s.tidy("o/b/j").unwrap();
        s.tidy("keep/obj").unwrap();
        assert!(!left.exists());
        assert!(!dir.path().join("root/o").exists());
        assert!(!dir.path().join("root/keep/obj").exists());
        let keys: Vec<String> = s.list("").unwrap().into_iter().map(|e| e.key).collect();
        assert_eq!(keys, ["keep/k.txt"]);
    }
}
