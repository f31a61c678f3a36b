//! `editio remove ID`: takes an edition out of the archive: its folder (record and source)
//! and what the build made of it. Its released versions stay in the storage root and its
//! deposits in `export/deposit/`: a released version is never rewritten or deleted.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// What `editio remove` took away.
#[derive(Clone, Debug)]
pub struct Removed {
    pub id: String,
    /// Every file or folder removed, relative to the archive root.
    pub paths: Vec<PathBuf>,
    /// The last released version, which stays.
    pub released: Option<u32>,
}

/// Removes edition `id` from the archive at `root`.
pub fn remove(root: &Path, id: &str) -> Result<Removed> {
    crate::model::check_id(id).map_err(|reason| Error::BadId {
        id: id.to_string(),
        reason,
    })?;
    let folder = root.join(crate::load::EDITIONS_DIR).join(id);
    if !folder.join(crate::load::RECORD_FILE).is_file()
        && !folder.join(crate::load::SOURCE_FILE).is_file()
    {
        return Err(Error::UnknownEdition {
            id: id.to_string(),
            hint: "",
        });
    }
    let (archive, _) = crate::load::archive_without_register(root)?;
    let released = match (&archive.config, super::provenance::store(root)?) {
        (Some(config), Some(store)) => store
            .versions(&super::release::object_id(config, id))?
            .last()
            .map(|v| v.number),
        _ => None,
    };
    let export = root.join(crate::layout::EXPORT_DIR);
    let outputs = [
        export.join("tei").join(format!("{id}.xml")),
        export.join("html").join(format!("{id}.html")),
        export.join("epub").join(format!("{id}.epub")),
        export.join("pdf").join(format!("{id}.pdf")),
        export
            .join(crate::engine::cache::CACHE_DIR)
            .join(crate::engine::cache::EDITIONS)
            .join(crate::engine::cache::record_file(id)),
    ];
    let mut paths = Vec::new();
    for path in outputs.iter().filter(|p| p.is_file()) {
        std::fs::remove_file(path).map_err(Error::io(path))?;
        paths.push(path.strip_prefix(root).unwrap_or(path).to_path_buf());
    }
    std::fs::remove_dir_all(&folder).map_err(Error::io(&folder))?;
    paths.push(folder.strip_prefix(root).unwrap_or(&folder).to_path_buf());
    Ok(Removed {
        id: id.to_string(),
        paths,
        released,
    })
}
