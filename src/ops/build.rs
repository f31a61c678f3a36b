//! `editio build`: the main job. The build's engine and commit (see [`crate::engine`]) with the
//! record checks of [`super::check`]: every edition is checked, put through the passes and
//! rendered, and when the archive has no errors its outputs go in place under `export/`.

pub use crate::engine::{BuildOptions, BuildReport, Built};
use crate::error::Result;
use crate::progress::{self, OnProgress};
use std::path::Path;

/// Builds the archive at `root`. An archive with errors is not built.
pub fn build(root: &Path) -> Result<BuildReport> {
    build_with(root, BuildOptions::default())
}

/// Builds the archive at `root` with `options`.
pub fn build_with(root: &Path, options: BuildOptions) -> Result<BuildReport> {
    build_with_progress(root, options, &progress::ignore)
}

/// [`build_with`], telling `progress` how far it got (the bytes of source text of each edition built).
pub fn build_with_progress(
    root: &Path,
    options: BuildOptions,
    progress: OnProgress,
) -> Result<BuildReport> {
    let checks = super::check::RecordChecks::new(root);
    crate::engine::build(root, options, progress, &checks)
}
