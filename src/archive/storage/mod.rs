//! Where a storage root's bytes live: a folder on disk, or a bucket of S3-compatible object
//! storage. The OCFL code ([`crate::archive::ocfl::store`]) sees one interface, [`Storage`]:
//! keys are `/`-separated paths relative to the storage root (`0=ocfl_1.1`,
//! `a1b/2c3/.../v1/content/source.txt`), and the operations are the ones object storage has:
//! list, get (streamed), put (streamed; large objects in parts; on disk a flushed temporary
//! file renamed into place), create-only put, and delete.
//!
//! Two things a folder can do and object storage cannot are optional capabilities of the same
//! interface, not a second code path: a [`Staging`] area, where a whole folder is written,
//! flushed and then put in place by one rename (object storage has none, so the OCFL writer
//! orders its puts so that the root inventory is the single commit point), and a file on this
//! machine holding an object's bytes ([`Storage::file`]), which readers use instead of a copy.
//! [`Storage::lock`] gives the exclusive right to write: an advisory file lock on disk, a claim
//! object ([`claim`]) in object storage.
//!
//! The library reads no environment variables: the binary reads the credentials
//! (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_PROFILE`) and passes them in
//! [`S3Settings`].

pub mod claim;
pub mod local;
pub mod s3;

pub use local::Staging;

use crate::error::{Error, Result};
use crate::progress::{OnProgress, Progress, Unit};
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

/// What [`Storage::lock`] gives: the exclusive right to write, held until it is dropped.
pub type Lock = Box<dyn std::any::Any + Send>;

/// One stored object, as a listing gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The key, relative to the storage's base (no leading `/`).
    pub key: String,
    pub size: u64,
}

/// What a create-only put did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Created {
    /// The object was written.
    Written,
    /// An object of that key existed; nothing was written.
    Exists,
}

/// A flat namespace of objects under one base (a folder, or a bucket and prefix).
pub trait Storage: Send + Sync + std::fmt::Debug {
    /// A human-readable location for `key`, for messages (`s3://bucket/prefix/key`, or a path).
    fn location(&self, key: &str) -> String;
    /// Every object whose key starts with `prefix` (a folder-like prefix ends with `/`; the
    /// empty prefix lists everything), sorted by key.
    fn list(&self, prefix: &str) -> Result<Vec<Entry>>;
    /// A reader of the object's bytes, streamed; `None` when there is no such object.
    fn get(&self, key: &str) -> Result<Option<Box<dyn Read + Send>>>;
    /// Writes the object from `from`, streamed (in parts when large), replacing any object of
    /// that key; returns the number of bytes written.
    fn put(&self, key: &str, from: &mut dyn Read) -> Result<u64>;
    /// Writes the object only if no object of that key exists, in one step where the store
    /// can (a conditional `If-None-Match: *` request; `link` on disk).
    fn put_new(&self, key: &str, bytes: &[u8]) -> Result<Created>;
    /// Removes the object; a missing one is not an error.
    fn delete(&self, key: &str) -> Result<()>;
    /// The exclusive right to change what is under this storage, held while the returned
    /// value lives; `key` names an object that stands for the whole (on disk, the file an
    /// advisory lock is taken on, waiting for another holder). Object storage has no locks:
    /// its claim ([`claim`]) is kept beside the storage, refused with [`Error::Busy`] while
    /// another process holds it, and kept until the storage is dropped (taking one costs a
    /// wait); a storage without a place for claims refuses.
    fn lock(&self, key: &str) -> Result<Lock>;
    /// A staging area beside the storage, where a folder is written and then put in place
    /// whole by [`Staging::place`]; `None` where objects cannot be moved (object storage).
    fn staging(&self) -> Result<Option<Staging>> {
        Ok(None)
    }
    /// Whether [`Storage::staging`] gives a staging area (without making one).
    fn has_staging(&self) -> bool {
        false
    }
    /// Removes what an interrupted write of this storage's own left about `key` (a folder
    /// prefix): staging folders, and empty folders above `key` made for a rename that never
    /// happened. Object storage leaves neither.
    fn tidy(&self, key: &str) -> Result<()> {
        let _ = key;
        Ok(())
    }
    /// A file on this machine holding the object's bytes (for a folder prefix, the folder),
    /// read in place instead of copied; `None` in object storage.
    fn file(&self, key: &str) -> Option<PathBuf> {
        let _ = key;
        None
    }
    /// Whether an object of that key exists.
    fn exists(&self, key: &str) -> Result<bool> {
        Ok(self.get(key)?.is_some())
    }
    /// The whole object, refused when larger than `limit`; `None` when there is none.
    fn get_bytes(&self, key: &str, limit: u64) -> Result<Option<Vec<u8>>> {
        let Some(reader) = self.get(key)? else {
            return Ok(None);
        };
        let mut bytes = Vec::new();
        reader
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| self.error(key, e.to_string()))?;
        if bytes.len() as u64 > limit {
            return Err(Error::Damaged {
                location: self.location(key),
                problem: format!("is larger than {limit} bytes, more than editio reads here"),
            });
        }
        Ok(Some(bytes))
    }
    /// Writes the object from memory.
    fn put_bytes(&self, key: &str, bytes: &[u8]) -> Result<()> {
        self.put(key, &mut &bytes[..]).map(|_| ())
    }
    /// A storage error about `key`.
    fn error(&self, key: &str, message: String) -> Error {
        Error::Storage {
            location: self.location(key),
            message,
        }
    }
}

/// Where a storage root is: a local folder, or `s3://bucket/prefix`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StorageUrl {
    Local(PathBuf),
    S3 { bucket: String, prefix: String },
}

impl StorageUrl {
    /// Reads `s3://bucket/prefix` or a path (`file://` too).
    pub fn parse(text: &str) -> Result<StorageUrl> {
        if let Some(rest) = text.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            let prefix = prefix.trim_matches('/');
            if bucket.is_empty() {
                return Err(Error::StorageUrl {
                    url: text.into(),
                    problem: "names no bucket; write s3://bucket/prefix".into(),
                });
            }
            if prefix.split('/').any(|p| p == "." || p == "..")
                || (!prefix.is_empty() && prefix.split('/').any(str::is_empty))
            {
                return Err(Error::StorageUrl {
                    url: text.into(),
                    problem: "has an empty, `.` or `..` part in its prefix".into(),
                });
            }
            return Ok(StorageUrl::S3 {
                bucket: bucket.into(),
                prefix: prefix.into(),
            });
        }
        if let Some((scheme, _)) = text.split_once("://")
            && scheme != "file"
        {
            return Err(Error::StorageUrl {
                url: text.into(),
                problem: format!(
                    "editio stores releases in a folder or in S3-compatible object storage \
                     (s3://bucket/prefix), not in {scheme}://"
                ),
            });
        }
        Ok(StorageUrl::Local(PathBuf::from(
            text.strip_prefix("file://").unwrap_or(text),
        )))
    }

    /// Whether this is object storage.
    pub fn is_remote(&self) -> bool {
        matches!(self, StorageUrl::S3 { .. })
    }

    /// The same place with `/suffix` appended (a prefix beside or below this one).
    pub fn join(&self, suffix: &str) -> StorageUrl {
        match self {
            StorageUrl::Local(p) => StorageUrl::Local(p.join(suffix)),
            StorageUrl::S3 { bucket, prefix } => StorageUrl::S3 {
                bucket: bucket.clone(),
                prefix: if prefix.is_empty() {
                    suffix.to_owned()
                } else {
                    format!("{prefix}/{suffix}")
                },
            },
        }
    }
}

impl std::fmt::Display for StorageUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StorageUrl::Local(p) => write!(f, "{}", p.display()),
            StorageUrl::S3 { bucket, prefix } if prefix.is_empty() => write!(f, "s3://{bucket}"),
            StorageUrl::S3 { bucket, prefix } => write!(f, "s3://{bucket}/{prefix}"),
        }
    }
}

/// How to reach S3-compatible storage: the server and the credentials. The binary fills it
/// from `editio.toml` (`endpoint`, `region`) and the environment (the keys).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct S3Settings {
    /// `http://127.0.0.1:3900` for a local server; none for Amazon S3 itself.
    pub endpoint: Option<String>,
    /// The region; `us-east-1` when none is given (Garage's default is `garage`).
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    pub session_token: Option<String>,
    /// How many requests at once (uploads of parts and objects, reads while verifying).
    pub parallel: Option<usize>,
}

impl std::fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field(
                "secret_access_key",
                &self.secret_access_key.as_ref().map(|_| "***"),
            )
            .finish()
    }
}

/// Opens the storage at `url`.
pub fn open(url: &StorageUrl, s3: &S3Settings) -> Result<Arc<dyn Storage>> {
    match url {
        StorageUrl::Local(p) => Ok(Arc::new(local::LocalStorage::new(p))),
        StorageUrl::S3 { bucket, prefix } => Ok(Arc::new(s3::S3Storage::new(bucket, prefix, s3)?)),
    }
}

/// Opens the storage at `url` for an OCFL storage root: in object storage, with its claims
/// (see [`claim`]) under the prefix `<prefix>.claims` beside the root, so a root must have a
/// prefix.
pub fn open_for_root(url: &StorageUrl, s3: &S3Settings) -> Result<Arc<dyn Storage>> {
    match url {
        StorageUrl::Local(p) => {
            local::LocalStorage::refuse_file(p)?;
            Ok(Arc::new(local::LocalStorage::new(p)))
        }
        StorageUrl::S3 { bucket, prefix } => {
            if prefix.is_empty() {
                return Err(Error::StorageUrl {
                    url: url.to_string(),
                    problem: "name a prefix for the storage root (s3://bucket/ocfl): editio \
                              keeps its claims on objects beside the root, not in it"
                        .into(),
                });
            }
            let claims = s3::S3Storage::new(bucket, &format!("{prefix}.claims"), s3)?;
            Ok(Arc::new(
                s3::S3Storage::new(bucket, prefix, s3)?.with_claims(Arc::new(claims)),
            ))
        }
    }
}

/// Copies every object under `from` to `to` (which must hold none yet), then reads each copy
/// back and compares it byte for byte with its original; returns the objects and bytes copied.
/// `progress` is told the number of objects, then each one copied.
pub fn copy_all(
    from: &dyn Storage,
    to: &dyn Storage,
    progress: OnProgress,
) -> Result<(usize, u64)> {
    use rayon::prelude::*;
    if let Some(first) = to.list("")?.first() {
        return Err(Error::DestinationNotEmpty {
            location: to.location(&first.key),
        });
    }
    let entries = from.list("")?;
    progress(Progress::Phase {
        name: "copying",
        total: entries.len() as u64,
        unit: Unit::Steps,
    });
    let bytes = entries
        .par_iter()
        .map(|e| {
            let mut reader = from
                .get(&e.key)?
                .ok_or_else(|| from.error(&e.key, "vanished while being copied".into()))?;
            let n = to.put(&e.key, &mut reader)?;
            if n != e.size {
                return Err(to.error(
                    &e.key,
                    format!("{n} bytes were written, the original has {}", e.size),
                ));
            }
            same_bytes(from, to, &e.key)?;
            progress(Progress::Done(1));
            Ok(n)
        })
        .collect::<Result<Vec<u64>>>()?;
    Ok((entries.len(), bytes.iter().sum()))
}

/// Reads an object from both stores and stops at the first differing byte.
fn same_bytes(a: &dyn Storage, b: &dyn Storage, key: &str) -> Result<()> {
    let mut ra = a
        .get(key)?
        .ok_or_else(|| a.error(key, "vanished while being compared".into()))?;
    let mut rb = b
        .get(key)?
        .ok_or_else(|| b.error(key, "is missing from the copy".into()))?;
    let (mut ba, mut bb) = (vec![0u8; 64 * 1024], vec![0u8; 64 * 1024]);
    let mut offset = 0u64;
    loop {
        let na = read_full(&mut ra, &mut ba).map_err(|e| a.error(key, e.to_string()))?;
        let nb = read_full(&mut rb, &mut bb).map_err(|e| b.error(key, e.to_string()))?;
        if ba[..na] != bb[..nb] {
            let at = ba[..na.min(nb)]
                .iter()
                .zip(&bb[..na.min(nb)])
                .position(|(x, y)| x != y)
                .unwrap_or(na.min(nb));
            return Err(b.error(
                key,
                format!(
                    "the copy differs from the original at byte offset {}",
                    offset + at as u64
                ),
            ));
        }
        if na == 0 {
            return Ok(());
        }
        offset += na as u64;
    }
}

/// Reads until `buf` is full or the reader ends.
pub(crate) fn read_full(r: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_read() {
        assert_eq!(
            StorageUrl::parse("s3://b/p/q").unwrap(),
            StorageUrl::S3 {
                bucket: "b".into(),
                prefix: "p/q".into()
            }
        );
        assert_eq!(
            StorageUrl::parse("s3://b").unwrap(),
            StorageUrl::S3 {
                bucket: "b".into(),
                prefix: "".into()
            }
        );
        assert!(StorageUrl::parse("s3:///p").is_err());
        assert!(StorageUrl::parse("s3://b/a/../c").is_err());
        assert!(StorageUrl::parse("gs://b/p").is_err());
        assert_eq!(
            StorageUrl::parse("export/ocfl").unwrap(),
            StorageUrl::Local("export/ocfl".into())
        );
        assert_eq!(
            StorageUrl::parse("s3://b/p").unwrap().join("deposit"),
            StorageUrl::parse("s3://b/p/deposit").unwrap()
        );
    }
}
