//! `editio build`: the main job. Checks the archive, then turns every edition into its outputs
//! under `export/`.

use crate::error::Result;
use std::path::Path;

/// What a build did.
#[derive(Debug)]
pub struct BuildReport {
    pub check: super::check::Report,
}

impl BuildReport {
    /// Whether the archive had errors, in which case nothing was built.
    pub fn failed(&self) -> bool {
        self.check.errors() > 0
    }
}

/// Builds the archive at `root`. An archive with errors is not built.
pub fn build(root: &Path) -> Result<BuildReport> {
    let check = super::check::check(root)?;
    Ok(BuildReport { check })
}
