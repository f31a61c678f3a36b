//! OCFL 1.1 (Oxford Common File Layout): the archive layer's versioned storage. [`plan`]
//! works out what an object's next version holds; [`store`] writes it to a storage root and
//! reads it back, over the one [`crate::archive::storage::Storage`] interface (a folder, or
//! S3-compatible object storage), used by `editio release`, `show`/`log`/`diff`/`cat`; [`conformance`] checks any object or storage root against the spec and
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
pub mod plan;
pub mod store;

pub use conformance::{
    ContentDigests, validate_object, validate_object_from, validate_object_with,
    validate_storage_root, validate_storage_root_from, validate_storage_root_with,
};
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
