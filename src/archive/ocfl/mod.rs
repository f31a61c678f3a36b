//! OCFL 1.1 (Oxford Common File Layout): the archive layer's versioned storage. [`store`]
//! writes a storage root with immutable, content-addressed object versions (used by
//! `editio release`); [`conformance`] checks any object or storage root against the spec and
//! reports every problem as a [`Diagnostic`] carrying the spec's own validation code
//! (`E001`...`E112`, `W001`...`W016`, see [`codes`]), for `editio verify`.
//!
//! ```no_run
//! use editio::archive::ocfl::{Content, StorageRoot, VersionMeta, validate_object};
//! # fn main() -> editio::Result<()> {
//! let root = StorageRoot::create_or_open("archive/ocfl".as_ref())?;
//! let meta = VersionMeta {
//!     created: time::OffsetDateTime::now_utc(),
//!     message: "First release".into(),
//!     user_name: "A. Editor".into(),
//!     user_address: Some("mailto:editor@example.org".into()),
//! };
//! let files = [("tei/edition.xml".to_string(), Content::Bytes(b"<TEI/>".to_vec()))];
//! root.commit("urn:editio:bundled:example", &files, &meta)?;
//! let findings = validate_object(&root.object_path("urn:editio:bundled:example"))?;
//! assert!(findings.is_empty());
//! # Ok(()) }
//! ```

pub mod codes;
pub mod conformance;
pub mod digest;
#[doc(hidden)]
pub mod fuzz;
pub mod inventory;
pub mod json;
pub mod layout;
pub mod remote;
pub mod store;

pub use conformance::{
    ContentDigests, validate_object, validate_object_from, validate_object_with,
    validate_storage_root, validate_storage_root_from, validate_storage_root_with,
};
pub use remote::RemoteRoot;
pub use store::{Commit, Content, Recovery, StorageRoot, VersionInfo, VersionMeta};

use crate::diagnostic::{Code, Diagnostic, Location};
use std::path::Path;

/// The largest inventory.json that is loaded. Inventories grow with files × versions; 256 MiB
/// is far beyond any edition archive, yet a hostile multi-gigabyte file is refused unread.
pub const MAX_INVENTORY_BYTES: u64 = 256 * 1024 * 1024;

/// The object declaration file of OCFL 1.1.
pub const OBJECT_DECLARATION: &str = "0=ocfl_object_1.1";
/// The storage root declaration file of OCFL 1.1.
pub const ROOT_DECLARATION: &str = "0=ocfl_1.1";

/// A finding about one file.
pub(crate) fn finding(code: Code, path: &Path, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(code, Location::file(path), message)
}

/// A storage root editio writes to and reads from: a folder, or object storage.
#[derive(Debug)]
pub enum Root {
    Disk(StorageRoot),
    Remote(RemoteRoot),
}

impl Root {
    /// Where it is: a folder's path, or `s3://bucket/prefix`.
    pub fn location(&self) -> String {
        match self {
            Root::Disk(s) => s.path().display().to_string(),
            Root::Remote(r) => r.location(),
        }
    }

    /// The object's versions, oldest first; empty when there is no such object.
    pub fn versions(&self, id: &str) -> crate::Result<Vec<VersionInfo>> {
        match self {
            Root::Disk(s) => {
                if s.object_path(id).exists() {
                    s.versions(id)
                } else {
                    Ok(Vec::new())
                }
            }
            Root::Remote(r) => r.versions(id),
        }
    }

    /// Each logical path of version `number` with a local file holding its bytes.
    pub fn version_files(
        &self,
        id: &str,
        number: u32,
    ) -> crate::Result<Vec<(String, std::path::PathBuf)>> {
        match self {
            Root::Disk(s) => s.version_files(id, number),
            Root::Remote(r) => r.version_files(id, number),
        }
    }

    /// Records `files` as the object's next version.
    pub fn commit(
        &self,
        id: &str,
        files: &[(String, Content)],
        meta: &VersionMeta,
    ) -> crate::Result<Commit> {
        match self {
            Root::Disk(s) => s.commit(id, files, meta),
            Root::Remote(r) => r.commit(id, files, meta),
        }
    }
}
