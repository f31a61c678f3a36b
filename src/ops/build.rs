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

/// What to build besides the TEI, the HTML pages and the EPUB files.
#[derive(Clone, Copy, Debug)]
pub struct BuildOptions {
    /// Typeset every edition as a PDF (the default; `--no-pdf` turns it off, and so does
    /// `[build] pdf = false` in editio.toml).
    pub pdf: bool,
    /// Reuse the outputs of editions whose inputs did not change since the last build (see
    /// [`super::cache`]).
    pub incremental: bool,
    /// Keep every edition's model and TEI in [`super::check::Report::built`] after writing
    /// its outputs (`release` needs them). Otherwise each edition is let go as soon as its
    /// outputs are staged, and memory does not grow with the archive.
    pub keep: bool,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            pdf: true,
            incremental: false,
            keep: false,
        }
    }
}

/// An edition whose outputs are staged: its record and findings (without `keep`, the text
/// and blocks of the model are let go), and its TEI, HTML page and EPUB.
#[derive(Debug)]
pub struct Sunk {
    pub edition: Edition,
    /// The TEI bytes, only with [`BuildOptions::keep`].
    pub tei: Option<Vec<u8>>,
    /// The TEI, HTML page, EPUB and PDF (when made), in that order.
    pub outputs: Vec<Output>,
    /// The build cache's record of the edition, staged.
    pub cached: Option<write::Staged>,
}

/// One output of an edition.
#[derive(Debug)]
pub struct Output {
    /// Relative to the archive root.
    pub path: PathBuf,
    /// The file waiting to be put in place; `None` when the file on disk already holds these
    /// bytes.
    pub staged: Option<write::Staged>,
}

/// Builds the archive at `root`. An archive with errors is not built.
pub fn build(root: &Path) -> Result<BuildReport> {
    build_with(root, BuildOptions::default())
}

/// Builds the archive at `root` with `options`.
pub fn build_with(root: &Path, options: BuildOptions) -> Result<BuildReport> {
    build_with_progress(root, options, &super::progress::none)
}

/// [`build_with`], telling `progress` how far it got (one step per edition built).
///
/// Every edition is checked, passed, encoded and rendered in one go, in parallel, and its
/// outputs are staged beside their destinations (see [`write::Staged`]); only when the whole
/// archive has no errors are they put in place. So memory holds the editions being built, not
/// the archive, and an archive with errors leaves `export/` as it was.
pub fn build_with_progress(
    root: &Path,
    options: BuildOptions,
    progress: Progress,
) -> Result<BuildReport> {
    let cache = if options.incremental {
        super::cache::Cache::open(root, options.pdf)
    } else {
        None
    };
    let export = root.join(EXPORT_DIR);
    let made = NewDirs::before(&export);
    let templates = render::html::Templates::new(Some(root));
    let sink = |archive: &crate::load::Archive, built: Built, input: Option<&str>| {
        let config = archive.config.as_ref().ok_or_else(|| Error::Invalid {
            location: root.join("editio.toml").display().to_string(),
            message: "the archive's settings cannot be read".into(),
        })?;
        let cache = cache.as_ref().zip(input);
        let ctx = RenderContext {
            config,
            register: &archive.register,
        };
        let pdf = options.pdf && config.build.pdf;
        sink(root, &templates, &ctx, built, (options.keep, pdf), cache)
    };
    let mut check = super::check::check_with_cache(root, progress, cache.as_ref(), Some(&sink))?;
    let mut written = Vec::new();
    if check.errors() > 0 {
        // The staged files go; so do the folders this build made.
        check.sunk.iter_mut().for_each(|s| {
            s.outputs.clear();
            s.cached = None;
        });
        made.remove_if_empty();
        return Ok(BuildReport { check, written });
    }
    let rel = |path: &Path| path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let tei_dir = export.join("tei");
    let mut register_sha = None;
    if let Some(sha) = &check.register_reused {
        register_sha = Some(sha.clone());
        written.push((rel(&tei_dir.join("register.xml")), false));
    } else if let Some(config) = &check.archive.config
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
    // The outputs go in place: the TEI files in archive order (written for the editions
    // built, unchanged for those reused), then the reading copies.
    let mut sunk = check.sunk.iter_mut().peekable();
    let mut reused = check.reused.iter().peekable();
    for edition in &check.archive.editions {
        if let Some(s) = sunk.next_if(|s| s.edition.id == edition.id) {
            if let Some(tei) = s.outputs.first_mut() {
                written.push(commit(tei)?);
            }
        } else if reused.next_if(|(e, _)| e.id == edition.id).is_some() {
            let path = tei_dir.join(format!("{}.xml", edition.id));
            written.push((rel(&path), false));
        }
    }
    if let Some(config) = &check.archive.config {
        let pdf = options.pdf && config.build.pdf;
        for (edition, _) in &check.reused {
            for path in reading_copies(&edition.id, pdf) {
                written.push((path, false));
            }
        }
        for s in &mut check.sunk {
            for output in s.outputs.iter_mut().skip(1) {
                written.push(commit(output)?);
            }
        }
        // The index lists every edition, built or reused, in archive order.
        let order: std::collections::HashMap<&str, usize> = check
            .archive
            .editions
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.as_str(), i))
            .collect();
        let mut all: Vec<(usize, &Edition)> = check
            .sunk
            .iter()
            .map(|s| &s.edition)
            .chain(check.reused.iter().map(|(e, _)| e))
            .map(|e| (order.get(e.id.as_str()).copied().unwrap_or(usize::MAX), e))
            .collect();
        all.sort_by_key(|(i, _)| *i);
        let all: Vec<&Edition> = all.into_iter().map(|(_, e)| e).collect();
        let ctx = RenderContext {
            config,
            register: &check.archive.register,
        };
        render::reading::write_index(root, &export, &templates, &all, &ctx, &mut written)?;
    }
    if let Some(cache) = &cache {
        // The records of the editions built go in place after their outputs.
        for s in &mut check.sunk {
            if let Some(staged) = s.cached.take() {
                let _ = staged.commit();
            }
        }
        cache.save(register_sha, &check.register_findings);
        if check.register_read {
            cache.save_register(&check.archive.register);
        }
    }
    if options.keep {
        check.built = std::mem::take(&mut check.sunk)
            .into_iter()
            .filter_map(|s| {
                Some(Built {
                    tei: s.tei?,
                    edition: s.edition,
                })
            })
            .collect();
    }
    Ok(BuildReport { check, written })
}

/// Renders the reading copies of an edition just built (with `pdf`, its PDF too) and stages
/// its outputs; with the cache (and the hash of the edition's inputs), makes the cache's
/// record of it. `keep` keeps the model and the TEI for [`BuildOptions::keep`].
fn sink(
    root: &Path,
    templates: &render::html::Templates,
    ctx: &RenderContext,
    mut built: Built,
    (keep, pdf): (bool, bool),
    cache: Option<(&super::cache::Cache, &str)>,
) -> Result<Sunk> {
    let item = render::reading::Item {
        edition: &built.edition,
        tei: &built.tei,
    };
    let (page, book) = render::reading::render_edition(templates, &item, ctx)?;
    let printed = if pdf {
        let template = templates.asset(render::pdf::TEMPLATE)?;
        let printed = render::pdf::render(&built.edition, ctx, &built.tei, &template)?;
        built.edition.findings.extend(printed.findings);
        Some(printed.pdf)
    } else {
        None
    };
    let id = built.edition.id.clone();
    let copies = reading_copies(&id, pdf);
    let tei = Path::new(EXPORT_DIR).join("tei").join(format!("{id}.xml"));
    let mut outputs = Vec::with_capacity(4);
    let mut recorded = Vec::with_capacity(4);
    let mut files: Vec<(PathBuf, &[u8])> = vec![
        (tei, &built.tei[..]),
        (copies[0].clone(), page.as_bytes()),
        (copies[1].clone(), &book),
    ];
    if let (Some(path), Some(bytes)) = (copies.get(2), &printed) {
        files.push((path.clone(), bytes));
    }
    for (path, bytes) in files {
        let staged = write::stage_if_changed(&root.join(&path), bytes)?;
        if cache.is_some() {
            // A staged file keeps its size and time when it is put in place.
            let on_disk = staged
                .as_ref()
                .map_or(root.join(&path), |s| s.path().to_path_buf());
            let sha = crate::archive::digest::sha256_bytes(bytes);
            recorded.push((path.clone(), sha, super::cache::stamp(&on_disk)));
        }
        outputs.push(Output { path, staged });
    }
    let cached = cache.and_then(|(cache, input)| {
        let entry = cache.entry(input, &recorded, &built.edition.findings)?;
        cache.stage(&id, &entry)
    });
    let Built { mut edition, tei } = built;
    if !keep {
        edition.raw = Vec::new();
        edition.text = String::new();
        edition.blocks = Vec::new();
    }
    Ok(Sunk {
        edition,
        tei: keep.then_some(tei),
        outputs,
        cached,
    })
}

/// Puts a staged output in place; the output's path and whether it changed.
fn commit(output: &mut Output) -> Result<(PathBuf, bool)> {
    let changed = match output.staged.take() {
        Some(staged) => {
            staged.commit()?;
            true
        }
        None => false,
    };
    Ok((output.path.clone(), changed))
}

/// The folders of `export/` a build may make, and which of them were there before it: a build
/// that fails removes those it made, if empty.
struct NewDirs(Vec<PathBuf>);

impl NewDirs {
    fn before(export: &Path) -> Self {
        let cache = export.join(super::cache::CACHE_DIR);
        let dirs = [
            export.join("tei"),
            export.join(render::reading::HTML_DIR),
            export.join(render::reading::EPUB_DIR),
            export.join(render::reading::PDF_DIR),
            cache.join(super::cache::EDITIONS),
            cache,
            export.to_path_buf(),
        ];
        NewDirs(dirs.into_iter().filter(|d| !d.exists()).collect())
    }

    fn remove_if_empty(&self) {
        for dir in &self.0 {
            // Fails, as it should, when the folder holds anything.
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// An edition's HTML page, EPUB and (with `pdf`) PDF, relative to the archive root.
fn reading_copies(id: &str, pdf: bool) -> Vec<PathBuf> {
    let export = Path::new(EXPORT_DIR);
    let mut out = vec![
        export
            .join(render::reading::HTML_DIR)
            .join(format!("{id}.html")),
        export
            .join(render::reading::EPUB_DIR)
            .join(format!("{id}.epub")),
    ];
    if pdf {
        out.push(
            export
                .join(render::reading::PDF_DIR)
                .join(format!("{id}.pdf")),
        );
    }
    out
}
