//! `editio build`: the main job. The build's engine and commit (see [`crate::engine`]) with the
//! record checks of [`super::check`]: every edition is checked, put through the passes and
//! rendered, and when the archive has no errors its outputs go in place under `export/`.

pub use crate::engine::{BuildOptions, BuildReport, Built, Kept, OnFinding, Tally};
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

/// [`build_with`], telling `progress` how far it got (the bytes of source text of each edition
/// built). Every finding is gathered in [`BuildReport::diagnostics`].
pub fn build_with_progress(
    root: &Path,
    options: BuildOptions,
    progress: OnProgress,
) -> Result<BuildReport> {
    let mut found = Vec::new();
    let mut report = build_streaming(root, options, progress, &mut |d| {
        found.push(d);
        Ok(())
    })?;
    report.diagnostics = found;
    Ok(report)
}

/// [`build_with_progress`], handing every finding to `on_finding` as soon as its place in the
/// report is known (see [`crate::engine::run::run`] for the order) rather than gathering them:
/// memory does not grow with the number of findings.
pub fn build_streaming(
    root: &Path,
    options: BuildOptions,
    progress: OnProgress,
    on_finding: OnFinding,
) -> Result<BuildReport> {
    let checks = super::check::RecordChecks::new(root);
    crate::engine::build(root, options, progress, &checks, on_finding)
}
