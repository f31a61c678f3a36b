//! The local folder as a [`Storage`]: keys are paths under the folder. Puts write a
//! temporary file beside the target and rename it into place; a create-only put links the
//! finished temporary file to its name, which fails when the name exists.

use super::{Created, Entry, Storage};
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
            .prefix(".editio-put-")
            .tempfile_in(dir)
            .map_err(Error::io(dir))?;
        let n = std::io::copy(from, &mut tmp).map_err(Error::io(target))?;
        tmp.flush().map_err(Error::io(target))?;
        tmp.as_file().sync_all().map_err(Error::io(target))?;
        Ok((tmp, n))
    }
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
}
