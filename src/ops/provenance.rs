//! A released source never changes without a record of its receipt. Once an edition has a
//! version in the storage root, `source.txt` must hold the bytes of the head version's
//! `source.txt`, or bytes that `editio receive` recorded as a new copy, whose earlier receipts
//! name the released one. Editing the source and its checksum in the record by hand does not
//! make a new receipt: `check`, `build` and `release` refuse it (finding ED307).

use crate::archive::digest;
use crate::archive::ocfl::StorageRoot;
use crate::diagnostic::{Diagnostic, Location, codes};
use crate::error::Result;
use crate::model::record::Record;
use std::path::{Path, PathBuf};

/// The source of an edition's head version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReleasedSource {
    pub version: u32,
    pub size: u64,
    pub sha256: String,
    /// The content file in the storage root that holds its bytes.
    pub content: PathBuf,
}

/// The storage root of the archive at `root`, if anything was ever released.
pub fn store(root: &Path) -> Result<Option<StorageRoot>> {
    StorageRoot::open_existing(&root.join(crate::layout::OCFL_DIR))
}

/// The source of the head version of object `oid`, if the object exists.
pub fn released_source(store: &StorageRoot, oid: &str) -> Result<Option<ReleasedSource>> {
    let Some(head) = store.versions(oid)?.last().map(|v| v.number) else {
        return Ok(None);
    };
    let Some((_, content)) = store
        .version_files(oid, head)?
        .into_iter()
        .find(|(path, _)| path == crate::load::SOURCE_FILE)
    else {
        return Ok(None);
    };
    let (size, sha256) = digest::sha256_file(&content)?;
    Ok(Some(ReleasedSource {
        version: head,
        size,
        sha256,
        content,
    }))
}

/// The finding for a source whose bytes match its record (`sha256` is the file's) but not
/// the released version, when no earlier receipt in the record names the released bytes.
pub fn unrecorded_change(
    id: &str,
    source: &Path,
    record: &Record,
    sha256: &str,
    released: &ReleasedSource,
) -> Option<Diagnostic> {
    if sha256.eq_ignore_ascii_case(&released.sha256) {
        return None;
    }
    let received = &record.received;
    if !sha256.eq_ignore_ascii_case(&received.sha256) {
        // The record itself disagrees with the file: ED302/ED303 say so.
        return None;
    }
    if received
        .earlier
        .iter()
        .any(|e| e.sha256.eq_ignore_ascii_case(&released.sha256))
    {
        return None;
    }
    Some(
        Diagnostic::new(
            codes::SOURCE_UNRECORDED,
            Location::file(source),
            format!(
                "source.txt (SHA-256 {sha256}) is not the source released in v{} (SHA-256 {}), \
                 and the record names no receipt of a new copy; a released source never changes \
                 without one",
                released.version, released.sha256
            ),
        )
        .for_edition(id)
        .with_help(format!(
            "put the released source back (`editio cat {id} source.txt > \
             editions/{id}/source.txt`, and size = {} and sha256 = \"{}\" in [received] of \
             edition.toml), then record the new copy as received: \
             `editio receive {id} FILE --route \"…\" --reason \"…\"`",
            released.size, released.sha256
        )),
    )
}
