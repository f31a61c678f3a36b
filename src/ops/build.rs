//! `editio build`: the main job. Checks the archive, loads every edition into the model, runs
//! the passes, and writes each renderer's output under `export/`. Files whose bytes would not
//! change are not rewritten.

use crate::archive::write;
use crate::error::{Error, Result};
use crate::load::EditionDir;
use crate::model::register::Register;
use crate::model::{Config, Edition};
use crate::ops::progress::Progress;
use crate::passes::Pipeline;
use crate::render::{self, RenderContext};
use std::path::{Path, PathBuf};

/// The folder the build writes to, under the archive root.
pub const EXPORT_DIR: &str = "export";

/// What a build did.
#[derive(Debug)]
pub struct BuildReport {
    pub check: super::check::Report,
    /// Files written (relative to the archive root), and whether each changed.
    pub written: Vec<(PathBuf, bool)>,
}

impl BuildReport {
    /// Whether the archive had errors, in which case nothing was built.
    pub fn failed(&self) -> bool {
        self.check.errors() > 0
    }
}

/// An edition after the passes, with its rendered TEI.
#[derive(Debug)]
pub struct Built {
    pub edition: Edition,
    pub tei: Vec<u8>,
}

/// Loads one edition and runs the passes and the TEI renderer, in memory.
pub fn build_edition(
    dir: &EditionDir,
    config: &Config,
    register: &Register,
    pipeline: &Pipeline,
) -> Result<Option<Built>> {
    let Some(record) = dir.record.clone() else {
        return Ok(None);
    };
    let source = dir.source_path();
    let raw = std::fs::read(&source).map_err(Error::io(&source))?;
    let mut edition = Edition::new(dir.id.clone(), record, source, raw);
    pipeline.run(&mut edition);
    let ctx = RenderContext { config, register };
    let tei = render::tei::render(&edition, &ctx);
    let fidelity = crate::validate::fidelity::check(&tei, &edition.text);
    edition.findings.extend(fidelity.into_iter().map(|mut d| {
        d.location.path = edition.source_path.clone();
        d
    }));
    Ok(Some(Built { edition, tei }))
}

/// What to build besides the TEI and the reading copies.
#[derive(Clone, Copy, Debug, Default)]
pub struct BuildOptions {
    /// Also print every edition to PDF (needs Chromium); `[build] pdf` in editio.toml does
    /// the same.
    pub pdf: bool,
}

/// Builds the archive at `root`. An archive with errors is not built.
pub fn build(root: &Path) -> Result<BuildReport> {
    build_with(root, BuildOptions::default())
}

/// Builds the archive at `root` with `options`.
pub fn build_with(root: &Path, options: BuildOptions) -> Result<BuildReport> {
    build_with_progress(root, options, &super::progress::none)
}

/// [`build_with`], telling `progress` how far it got: a phase for checking and encoding the
/// editions, then one for writing their reading copies.
pub fn build_with_progress(
    root: &Path,
    options: BuildOptions,
    progress: Progress,
) -> Result<BuildReport> {
    let check = super::check::check_with_progress(root, progress)?;
    let mut written = Vec::new();
    if check.errors() > 0 {
        return Ok(BuildReport { check, written });
    }
    let tei_dir = root.join(EXPORT_DIR).join("tei");
    if let Some(config) = &check.archive.config
        && !check.archive.register.entries.is_empty()
    {
        let path = tei_dir.join("register.xml");
        let bytes = render::tei::render_register(&check.archive.register, config);
        let changed = write::if_changed(&path, &bytes)?;
        written.push((
            path.strip_prefix(root).unwrap_or(&path).to_path_buf(),
            changed,
        ));
    }
    for built in &check.built {
        let path = tei_dir.join(format!("{}.xml", built.edition.id));
        let changed = write::if_changed(&path, &built.tei)?;
        written.push((
            path.strip_prefix(root).unwrap_or(&path).to_path_buf(),
            changed,
        ));
    }
    if let Some(config) = &check.archive.config {
        let ctx = RenderContext {
            config,
            register: &check.archive.register,
        };
        let items: Vec<render::reading::Item> = check
            .built
            .iter()
            .map(|b| render::reading::Item {
                edition: &b.edition,
                tei: &b.tei,
            })
            .collect();
        let pdf = options.pdf || config.build.pdf;
        let export = root.join(EXPORT_DIR);
        render::reading::write_all(root, &export, &items, &ctx, pdf, &mut written, progress)?;
    }
    Ok(BuildReport { check, written })
}
