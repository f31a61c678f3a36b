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
use crate::render::{self, RenderContext, Renderer};
use std::collections::BTreeMap;
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
    /// After a build that keeps its editions ([`BuildOptions::keep`]): the reproducible
    /// outputs written for it (see [`render::Renderer::reproducible`]), relative to
    /// `export/`. These are the files of a released version.
    pub files: Vec<PathBuf>,
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
    Ok(Some(Built {
        edition,
        tei,
        files: Vec::new(),
    }))
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
/// and blocks of the model are let go), and the outputs of every renderer.
#[derive(Debug)]
pub struct Sunk {
    pub edition: Edition,
    /// The TEI bytes, only with [`BuildOptions::keep`].
    pub tei: Option<Vec<u8>>,
    /// Every renderer's outputs, in the order of the list.
    pub outputs: Vec<Output>,
    /// With `keep`: the reproducible outputs, relative to `export/`.
    pub files: Vec<PathBuf>,
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
    let (config, _) = crate::load::config(root)?;
    let pdf = options.pdf && config.is_none_or(|c| c.build.pdf);
    let renderers = render::renderers(Some(root), render::Requested { pdf })?;
    let cache = if options.incremental {
        super::cache::Cache::open(root, pdf)
    } else {
        None
    };
    let export = root.join(EXPORT_DIR);
    let made = NewDirs::before(&export, &renderers);
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
        sink(root, &renderers, &ctx, built, options.keep, cache)
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
    let register_files = write_register(root, &renderers, &check, cache.as_ref(), &mut written)?;
    // The editions' outputs go in place in archive order: written for the editions built,
    // unchanged for those reused.
    let mut sunk = check.sunk.iter_mut().peekable();
    let mut reused = check.reused.iter().peekable();
    for edition in &check.archive.editions {
        if let Some(s) = sunk.next_if(|s| s.edition.id == edition.id) {
            for output in &mut s.outputs {
                written.push(commit(output)?);
            }
        } else if let Some((_, hit)) = reused.next_if(|(e, _)| e.id == edition.id) {
            written.extend(hit.outputs.iter().map(|p| (p.clone(), false)));
        }
    }
    write_collection(root, &renderers, &check, &mut written)?;
    if let Some(cache) = &cache {
        // The records of the editions built go in place after their outputs.
        for s in &mut check.sunk {
            if let Some(staged) = s.cached.take() {
                let _ = staged.commit();
            }
        }
        cache.save(register_files, &check.register_findings);
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
                    files: s.files,
                })
            })
            .collect();
    }
    Ok(BuildReport { check, written })
}

/// Writes the outputs made from the register and the settings alone, unless the cache says
/// they are as recorded; with the cache, the files and their SHA-256 for the next build.
fn write_register(
    root: &Path,
    renderers: &[Box<dyn Renderer>],
    check: &super::check::Report,
    cache: Option<&super::cache::Cache>,
    written: &mut Vec<(PathBuf, bool)>,
) -> Result<Option<BTreeMap<String, String>>> {
    let reused = check
        .register_reused
        .clone()
        .or_else(|| cache.and_then(|c| c.register_unchanged()));
    if let Some(files) = reused {
        written.extend(files.keys().map(|p| (PathBuf::from(p), false)));
        return Ok(Some(files));
    }
    let Some(config) = &check.archive.config else {
        return Ok(None);
    };
    let ctx = RenderContext {
        config,
        register: &check.archive.register,
    };
    let mut files = BTreeMap::new();
    for output in renderers.iter().flat_map(|r| r.register(&ctx)) {
        let path = Path::new(EXPORT_DIR).join(&output.path);
        let changed = write::if_changed(&root.join(&path), &output.bytes)?;
        if let Some(name) = super::cache::slash_path(&path) {
            files.insert(name, crate::archive::digest::sha256_bytes(&output.bytes));
        }
        written.push((path, changed));
    }
    Ok(cache.map(|_| files))
}

/// Writes the outputs of the whole collection, made from every edition (built or reused) in
/// archive order.
fn write_collection(
    root: &Path,
    renderers: &[Box<dyn Renderer>],
    check: &super::check::Report,
    written: &mut Vec<(PathBuf, bool)>,
) -> Result<()> {
    let Some(config) = &check.archive.config else {
        return Ok(());
    };
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
    for renderer in renderers {
        for output in renderer.collection(&all, &ctx)? {
            let path = Path::new(EXPORT_DIR).join(&output.path);
            let changed = write::if_changed(&root.join(&path), &output.bytes)?;
            written.push((path, changed));
        }
    }
    Ok(())
}

/// Renders an edition just built with every renderer and stages its outputs; with the cache
/// (and the hash of the edition's inputs), makes the cache's record of it.
fn sink(
    root: &Path,
    renderers: &[Box<dyn Renderer>],
    ctx: &RenderContext,
    mut built: Built,
    keep: bool,
    cache: Option<(&super::cache::Cache, &str)>,
) -> Result<Sunk> {
    let item = render::Item {
        edition: &built.edition,
        tei: &built.tei,
    };
    let mut outputs = Vec::new();
    let mut recorded = Vec::new();
    let mut files = Vec::new();
    let mut findings = Vec::new();
    for renderer in renderers {
        findings.extend(renderer.findings(&item, ctx));
        for output in renderer.edition(&item, ctx)? {
            let path = Path::new(EXPORT_DIR).join(&output.path);
            let staged = write::stage_if_changed(&root.join(&path), &output.bytes)?;
            if cache.is_some() {
                // A staged file keeps its size and time when it is put in place.
                let on_disk = staged
                    .as_ref()
                    .map_or(root.join(&path), |s| s.path().to_path_buf());
                let sha = crate::archive::digest::sha256_bytes(&output.bytes);
                recorded.push((path.clone(), sha, super::cache::stamp(&on_disk)));
            }
            if keep && renderer.reproducible() {
                files.push(output.path);
            }
            outputs.push(Output { path, staged });
        }
    }
    built.edition.findings.extend(findings);
    let id = &built.edition.id;
    let cached = cache.and_then(|(cache, input)| {
        let entry = cache.entry(input, &recorded, &built.edition.findings)?;
        cache.stage(id, &entry)
    });
    let Built {
        mut edition, tei, ..
    } = built;
    if !keep {
        edition.raw = Vec::new();
        edition.text = String::new();
        edition.blocks = Vec::new();
    }
    Ok(Sunk {
        edition,
        tei: keep.then_some(tei),
        outputs,
        files,
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
    fn before(export: &Path, renderers: &[Box<dyn Renderer>]) -> Self {
        let cache = export.join(super::cache::CACHE_DIR);
        let dirs = render::export_dirs(renderers)
            .into_iter()
            .map(|d| export.join(d))
            .chain([
                cache.join(super::cache::EDITIONS),
                cache,
                export.to_path_buf(),
            ]);
        NewDirs(dirs.filter(|d| !d.exists()).collect())
    }

    fn remove_if_empty(&self) {
        for dir in &self.0 {
            // Fails, as it should, when the folder holds anything.
            let _ = std::fs::remove_dir(dir);
        }
    }
}
