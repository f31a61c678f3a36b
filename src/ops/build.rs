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
    /// Reuse the outputs of editions whose inputs did not change since the last build (see
    /// [`super::cache`]); not with PDFs. Off by default, so that a build also gives every
    /// edition's model (which `release` needs).
    pub incremental: bool,
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
    let cache = if options.incremental && !options.pdf {
        super::cache::Cache::open(root)
    } else {
        None
    };
    let check = super::check::check_with_cache(root, progress, cache.as_ref())?;
    let mut written = Vec::new();
    if check.errors() > 0 {
        return Ok(BuildReport { check, written });
    }
    let rel = |path: &Path| path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let tei_dir = root.join(EXPORT_DIR).join("tei");
    let mut register_sha = None;
    if let Some(config) = &check.archive.config
        && !check.archive.register.entries.is_empty()
    {
        let path = tei_dir.join("register.xml");
        // The register's TEI depends on what every edition depends on: with the cache, it is
        // written again only when that changed or the file is not what was written.
        if let Some(sha) = cache.as_ref().and_then(|c| c.register_unchanged(&path)) {
            register_sha = Some(sha);
            written.push((rel(&path), false));
        } else {
            let bytes = render::tei::render_register(&check.archive.register, config);
            let changed = write::if_changed(&path, &bytes)?;
            if cache.is_some() {
                register_sha = Some(crate::archive::digest::sha256_bytes(&bytes));
            }
            written.push((rel(&path), changed));
        }
    }
    // TEI files, in archive order: written for the editions built, unchanged for those reused.
    let mut built = check.built.iter().peekable();
    let mut reused = check.reused.iter().peekable();
    for edition in &check.archive.editions {
        let path = tei_dir.join(format!("{}.xml", edition.id));
        if let Some(b) = built.next_if(|b| b.edition.id == edition.id) {
            let changed = write::if_changed(&path, &b.tei)?;
            written.push((rel(&path), changed));
        } else if reused.next_if(|(e, _)| e.id == edition.id).is_some() {
            written.push((rel(&path), false));
        }
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
        // The index lists every edition, built or reused, in archive order.
        let mut all: Vec<(usize, &crate::model::Edition)> = Vec::new();
        let order: std::collections::HashMap<&str, usize> = check
            .archive
            .editions
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.as_str(), i))
            .collect();
        for e in check
            .built
            .iter()
            .map(|b| &b.edition)
            .chain(check.reused.iter().map(|(e, _)| e))
        {
            all.push((order.get(e.id.as_str()).copied().unwrap_or(usize::MAX), e));
        }
        all.sort_by_key(|(i, _)| *i);
        let all: Vec<&crate::model::Edition> = all.into_iter().map(|(_, e)| e).collect();
        for (edition, _) in &check.reused {
            for path in reading_copies(&edition.id) {
                written.push((path, false));
            }
        }
        let pdf = options.pdf || config.build.pdf;
        let export = root.join(EXPORT_DIR);
        render::reading::write_some(
            root,
            &export,
            &items,
            &all,
            &ctx,
            pdf,
            &mut written,
            progress,
        )?;
    }
    if let Some(cache) = &cache {
        save_cache(cache, &check, register_sha);
    }
    Ok(BuildReport { check, written })
}

/// An edition's HTML page and EPUB, relative to the archive root.
fn reading_copies(id: &str) -> [PathBuf; 2] {
    let export = Path::new(EXPORT_DIR);
    [
        export
            .join(render::reading::HTML_DIR)
            .join(format!("{id}.html")),
        export
            .join(render::reading::EPUB_DIR)
            .join(format!("{id}.epub")),
    ]
}

/// Records in the cache what this build made of every edition: the reused ones as they were,
/// the built ones with the hashes of the files just written.
fn save_cache(cache: &super::cache::Cache, check: &super::check::Report, register: Option<String>) {
    use rayon::prelude::*;
    let mut entries: std::collections::BTreeMap<String, super::cache::CachedEdition> = check
        .reused
        .iter()
        .map(|(e, hit)| (e.id.clone(), hit.entry.clone()))
        .collect();
    let fresh: Vec<(String, super::cache::CachedEdition)> = check
        .built
        .par_iter()
        .filter_map(|b| {
            let id = &b.edition.id;
            let input = check.inputs.get(id)?.clone();
            let [html, epub] = reading_copies(id);
            let tei = Path::new(EXPORT_DIR).join("tei").join(format!("{id}.xml"));
            let entry = cache.entry(input, &[tei, html, epub], &b.edition.findings)?;
            Some((id.clone(), entry))
        })
        .collect();
    entries.extend(fresh);
    cache.save(entries, register);
}
