//! Reading released versions back, by edition id or OCFL object id: the versions of an object
//! (`editio log`), the files of one (`editio show`), what changed between two (`editio
//! diff`), and the bytes of one file (`editio cat`).

use crate::archive::ocfl::StorageRoot;
use crate::archive::ocfl::store::VersionInfo;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// An object of the storage root, found by edition id or object id.
#[derive(Debug)]
pub struct Object {
    pub store: StorageRoot,
    /// The OCFL object id.
    pub id: String,
    /// The edition id, when the object id is this archive's `<base_uri><edition id>`.
    pub edition: Option<String>,
    pub versions: Vec<VersionInfo>,
}

/// One file of a version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionFile {
    pub path: String,
    /// The inventory's digest and its algorithm's name (`sha512`).
    pub digest: String,
    pub algorithm: &'static str,
    pub size: u64,
    /// The content file that holds the bytes.
    pub content: PathBuf,
}

/// What differs between two versions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
}

/// Finds `id` (an edition id or an object id) in the storage root of the archive at `root`.
pub fn object(root: &Path, id: &str) -> Result<Object> {
    object_in(root, id, None)
}

/// [`object`] in the storage root `choice` names (export/ocfl when `None`).
pub fn object_in(
    root: &Path,
    id: &str,
    choice: Option<&super::storage::StorageChoice>,
) -> Result<Object> {
    let found = match choice {
        Some(c) => super::storage::open(c, false)?,
        None => super::provenance::store(root)?,
    };
    let place = match choice {
        Some(c) => c.url.to_string(),
        None => crate::layout::OCFL_DIR.to_string(),
    };
    let store = found.ok_or_else(|| Error::NothingReleased {
        path: match choice {
            Some(c) => std::path::PathBuf::from(c.url.to_string()),
            None => root.join(crate::layout::OCFL_DIR),
        },
    })?;
    let (archive, _) = crate::load::archive_without_register(root)?;
    let base = archive.config.as_ref().map(|c| c.archive.base_uri.clone());
    let (oid, edition) = match &base {
        Some(base) if id.starts_with(base.as_str()) => {
            (id.to_string(), Some(id[base.len()..].to_string()))
        }
        Some(base) if !id.contains(':') => (format!("{base}{id}"), Some(id.to_string())),
        _ => (id.to_string(), None),
    };
    let versions = store.versions(&oid)?;
    if versions.is_empty() {
        return Err(Error::UnknownObject {
            id: id.to_string(),
            dir: place,
            edition: edition.as_deref().unwrap_or("ID").to_string(),
            oid,
        });
    }
    Ok(Object {
        store,
        id: oid,
        edition,
        versions,
    })
}

impl Object {
    /// Version `name` (`v2` or `2`), or the head version.
    pub fn version(&self, name: Option<&str>) -> Result<&VersionInfo> {
        let Some(name) = name else {
            return Ok(self.versions.last().expect("an object has a version"));
        };
        let number: Option<u32> = name.strip_prefix('v').unwrap_or(name).parse().ok();
        number
            .and_then(|n| self.versions.iter().find(|v| v.number == n))
            .ok_or_else(|| Error::UnknownVersion {
                name: name.to_string(),
                object: self.id.clone(),
                head: self.versions.len(),
            })
    }

    /// The files of a version, sorted by path.
    pub fn files(&self, version: &VersionInfo) -> Result<Vec<VersionFile>> {
        let contents = self.store.version_files(&self.id, version.number)?;
        let mut out = Vec::new();
        for (path, content) in contents {
            let size = std::fs::metadata(&content)
                .map_err(Error::io(&content))?
                .len();
            out.push(VersionFile {
                digest: version.state.get(&path).cloned().unwrap_or_default(),
                algorithm: version.algorithm.name(),
                path,
                size,
                content,
            });
        }
        Ok(out)
    }

    /// What differs from version `a` to version `b`.
    pub fn diff(&self, a: &VersionInfo, b: &VersionInfo) -> Diff {
        let mut d = Diff::default();
        for (path, digest) in &b.state {
            match a.state.get(path) {
                None => d.added.push(path.clone()),
                Some(old) if old != digest => d.changed.push(path.clone()),
                Some(_) => {}
            }
        }
        d.removed = a
            .state
            .keys()
            .filter(|p| !b.state.contains_key(*p))
            .cloned()
            .collect();
        d
    }

    /// The content file holding `path` in a version.
    pub fn file(&self, version: &VersionInfo, path: &str) -> Result<VersionFile> {
        self.files(version)?
            .into_iter()
            .find(|f| f.path == path)
            .ok_or_else(|| Error::UnknownFile {
                path: path.to_string(),
                object: self.id.clone(),
                shown: self.edition.clone().unwrap_or_else(|| self.id.clone()),
                version: version.number,
            })
    }
}
