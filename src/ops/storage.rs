//! Where releases are stored: the archive's own `export/ocfl`, or the storage root that
//! `--storage` or `[storage] root` in `editio.toml` names (a folder, or `s3://bucket/prefix`),
//! and `editio storage copy`.

use crate::archive::ocfl::StorageRoot;
use crate::archive::storage::{self, S3Settings, StorageUrl};
use crate::error::{Error, Result};
use crate::model::config::StorageSettings;
use std::path::Path;
use std::sync::Arc;

/// Requests at once to object storage when nothing else is said.
pub const DEFAULT_PARALLEL: usize = 8;

/// A storage root and how to reach it.
#[derive(Clone, Debug)]
pub struct StorageChoice {
    pub url: StorageUrl,
    pub s3: S3Settings,
    /// Where copies of deposit zips go, besides `export/deposit`.
    pub deposits: Option<StorageUrl>,
}

impl StorageChoice {
    /// The storage root at `url` (a folder or `s3://...`), reached with `s3` (the server and
    /// keys; ignored for a folder).
    pub fn new(url: StorageUrl, s3: S3Settings) -> StorageChoice {
        StorageChoice {
            url,
            s3,
            deposits: None,
        }
    }

    /// Whether this is the archive's own export/ocfl folder.
    pub fn is_default(&self, archive: &Path) -> bool {
        self.url == StorageUrl::Local(archive.join(crate::layout::OCFL_DIR))
    }
}

/// The storage root of the archive at `archive`: `given` (from `--storage`), else `[storage]`
/// of its settings, else `export/ocfl`. A folder is relative to the archive. `keys` are the
/// credentials (and any endpoint or region) the caller read from its environment; the
/// settings' endpoint and region come first.
pub fn resolve(
    archive: &Path,
    given: Option<&str>,
    settings: Option<&StorageSettings>,
    keys: &S3Settings,
) -> Result<StorageChoice> {
    let text = given.or(settings.map(|s| s.root.as_str()));
    let url = match text {
        None => StorageUrl::Local(archive.join(crate::layout::OCFL_DIR)),
        Some(t) => match StorageUrl::parse(t)? {
            StorageUrl::Local(p) => StorageUrl::Local(archive.join(p)),
            remote => remote,
        },
    };
    let mut s3 = keys.clone();
    if let Some(s) = settings {
        if s.endpoint.is_some() {
            s3.endpoint = s.endpoint.clone();
        }
        if s.region.is_some() {
            s3.region = s.region.clone();
        }
    }
    let deposits = settings
        .and_then(|s| s.deposits.as_deref())
        .map(StorageUrl::parse)
        .transpose()?;
    Ok(StorageChoice { url, s3, deposits })
}

/// Opens the storage root `choice` names: creates it when `create` is set and there is none;
/// `None` when there is none and `create` is not set.
pub fn open(choice: &StorageChoice, create: bool) -> Result<Option<StorageRoot>> {
    let store = storage::open_for_root(&choice.url, &choice.s3)?;
    // Transfers to object storage run several at once; a folder uses every core.
    let parallel = choice
        .url
        .is_remote()
        .then(|| choice.s3.parallel.unwrap_or(DEFAULT_PARALLEL));
    if create {
        StorageRoot::create_or_open_in(store, parallel).map(Some)
    } else {
        StorageRoot::open_existing_in(store, parallel)
    }
}

/// Opens the storage root at `url`, which must exist.
pub fn open_remote(url: &StorageUrl, s3: &S3Settings) -> Result<StorageRoot> {
    let choice = StorageChoice::new(url.clone(), s3.clone());
    open(&choice, false)?.ok_or_else(|| Error::NotAStorageRoot {
        location: url.to_string(),
        problem: "is not an OCFL 1.1 storage root (no 0=ocfl_1.1)".into(),
    })
}

/// Copies a copy of a deposit zip to the deposits prefix, if one is set.
pub fn upload_deposit(choice: &StorageChoice, zip: &Path) -> Result<()> {
    let Some(url) = &choice.deposits else {
        return Ok(());
    };
    let store = storage::open(url, &choice.s3)?;
    let name = zip
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut file = std::fs::File::open(zip).map_err(Error::io(zip))?;
    store.put(&name, &mut file).map(|_| ())
}

/// Deposit zips in object storage: where they are, and their keys there.
pub type Zips = (Arc<dyn storage::Storage>, Vec<String>);

/// The deposit zips in object storage that `url` names: the object itself when the URL ends
/// in `.zip`, else the `.zip` objects directly under the prefix when it is not a storage root
/// (as `[storage] deposits` holds them). `None` for a storage root or a prefix without zips.
pub fn deposits_at(url: &StorageUrl, s3: &S3Settings) -> Result<Option<Zips>> {
    let StorageUrl::S3 { bucket, prefix } = url else {
        return Ok(None);
    };
    if prefix.ends_with(".zip") {
        let (dir, name) = prefix.rsplit_once('/').unwrap_or(("", prefix));
        let parent = StorageUrl::S3 {
            bucket: bucket.clone(),
            prefix: dir.to_owned(),
        };
        let store = storage::open(&parent, s3)?;
        if !store.exists(name)? {
            return Err(Error::Storage {
                location: url.to_string(),
                message: "there is no such object (`editio release` puts a copy of each \
                          deposit in the prefix `[storage] deposits` names)"
                    .into(),
            });
        }
        return Ok(Some((store, vec![name.to_owned()])));
    }
    let store = storage::open(url, s3)?;
    if store.exists(crate::archive::ocfl::ROOT_DECLARATION)? {
        return Ok(None);
    }
    let zips: Vec<String> = store
        .list("")?
        .into_iter()
        .map(|e| e.key)
        .filter(|k| k.ends_with(".zip") && !k.contains('/'))
        .collect();
    Ok((!zips.is_empty()).then_some((store, zips)))
}

/// What `editio storage copy` did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyReport {
    pub objects: usize,
    pub bytes: u64,
}

/// Copies the storage root at `from` to `to` (empty or new), object by object, and compares
/// each copy with its original byte for byte.
pub fn copy(
    from: &StorageUrl,
    to: &StorageUrl,
    s3: &S3Settings,
    progress: crate::progress::OnProgress,
) -> Result<CopyReport> {
    let src = storage::open(from, s3)?;
    if !src.exists(crate::archive::ocfl::ROOT_DECLARATION)? {
        return Err(Error::NotAStorageRoot {
            location: from.to_string(),
            problem: "is not an OCFL 1.1 storage root (no 0=ocfl_1.1)".into(),
        });
    }
    let dst: Arc<dyn storage::Storage> = storage::open(to, s3)?;
    let (objects, bytes) = storage::copy_all(src.as_ref(), dst.as_ref(), progress)?;
    Ok(CopyReport { objects, bytes })
}
