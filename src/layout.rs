//! Where an archive keeps what editio makes, relative to its root: the one place that names
//! the folders of `export/` (each renderer names its own folders in it, see
//! [`crate::render::renderers`]) and the OCFL id of an edition. The sources and records are
//! named in [`crate::load`].

use crate::model::Config;

/// What the build writes, under the archive root.
pub const EXPORT_DIR: &str = "export";
/// The storage root of released versions, under the archive root.
pub const OCFL_DIR: &str = "export/ocfl";
/// The deposit packages, under the archive root.
pub const DEPOSIT_DIR: &str = "export/deposit";
/// The build cache, under the export folder.
pub const CACHE_DIR: &str = ".build-cache";

/// The OCFL object id of an edition.
pub fn object_id(config: &Config, id: &str) -> String {
    format!("{}{}", config.archive.base_uri, id)
}
