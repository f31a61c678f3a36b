//! The build's sink and commit: each edition handed over by the [`super::run`] is rendered
//! by every renderer of [`crate::render::renderers`] and its outputs staged beside their
//! destinations; only when the whole archive has no errors are they put in place (renamed),
//! with the register's and the collection's outputs. Files whose bytes would not change are not
//! rewritten.

use super::EXPORT_DIR;
use super::cache::{self, Cache};
use super::run::{self, Built, Checks, OnFinding, Sink, Tally};
use crate::archive::digest::Digests;
use crate::archive::write;
use crate::diagnostic::Diagnostic;
use crate::error::Result;
use crate::load::Archive;
use crate::model::Edition;
use crate::progress::OnProgress;
use crate::render::{self, RenderContext, Renderer};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What a build did.
#[derive(Debug)]
pub struct BuildReport {
    pub archive: Archive,
    /// How many errors and warnings the build found.
    pub tally: Tally,
    /// Every finding, with paths relative to the archive root, in report order, when the
    /// caller gathered them (see [`crate::ops::build::build_with`]); empty when each went to an
    /// [`OnFinding`] as it was found.
    pub diagnostics: Vec<Diagnostic>,
    /// With [`BuildOptions::keep`]: what a release needs of every edition built, in archive
    /// order.
    pub built: Vec<Kept>,
    /// Files written (relative to the archive root), and whether each changed.
    pub written: Vec<(PathBuf, bool)>,
}

/// What a build with [`BuildOptions::keep`] keeps of an edition: what releasing it needs, not
/// its text, blocks or TEI, so that memory does not grow with the text of the archive.
#[derive(Debug)]
pub struct Kept {
    /// The edition's id, record and pass log (its text and blocks are let go).
    pub edition: Edition,
    /// The digests of its source's bytes as the build read them.
    pub source: Option<Digests>,
    /// The register keys it refers to, sorted (see [`render::tei::referenced_keys`]).
    pub keys: Vec<String>,
    /// The reproducible outputs written for it (see [`Renderer::reproducible`]), relative to
    /// `export/`, with the digests of their bytes as rendered.
    pub files: Vec<(PathBuf, Digests)>,
}

impl BuildReport {
    pub fn errors(&self) -> usize {
        self.tally.errors
    }
    pub fn warnings(&self) -> usize {
        self.tally.warnings
    }
    /// Whether the archive had errors, in which case nothing was built.
    pub fn failed(&self) -> bool {
        self.errors() > 0
    }
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
    /// Keep what a release needs of every edition in [`BuildReport::built`] (its record, the
    /// register keys it refers to, the digests of its source and outputs). Either way each
    /// edition's text, blocks and TEI are let go as soon as its outputs are staged.
    pub keep: bool,
    /// Whether the run lists warnings (the default), or only counts them (`-q`, where they
    /// are not printed): a reused edition's warnings are then counted without being read.
    pub list_warnings: bool,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            pdf: true,
            incremental: false,
            keep: false,
            list_warnings: true,
        }
    }
}

/// An edition whose outputs are staged: its record and findings (the text and blocks of the
/// model are let go), and the outputs of every renderer.
#[derive(Debug)]
pub struct Staged {
    pub edition: Edition,
    /// With [`BuildOptions::keep`]: the digests of the source, and the register keys the
    /// edition refers to.
    source: Option<Digests>,
    keys: Vec<String>,
    /// Every renderer's outputs, in the order of the list.
    outputs: Vec<Output>,
    /// With `keep`: the reproducible outputs, relative to `export/`, and their digests.
    files: Vec<(PathBuf, Digests)>,
    /// The build cache's record of the edition, staged.
    cached: Option<write::Staged>,
}

/// One output of an edition.
#[derive(Debug)]
struct Output {
    /// Relative to the archive root.
    path: PathBuf,
    /// The file waiting to be put in place; `None` when the file on disk already holds these
    /// bytes.
    staged: Option<write::Staged>,
}

/// The build's sink: renders each edition and stages its outputs.
struct Stage<'a> {
    root: &'a Path,
    renderers: &'a [Box<dyn Renderer>],
    cache: Option<&'a Cache>,
    keep: bool,
}

impl Sink for Stage<'_> {
    type Kept = Staged;
    const PHASE: &'static str = "building";

    fn take(&self, ctx: &RenderContext, built: Built, input: Option<&str>) -> Result<Staged> {
        let cache = self.cache.zip(input);
        stage(self.root, self.renderers, ctx, built, self.keep, cache)
    }

    /// The sink recorded what the cache needs of the findings: they move to the report.
    fn findings(kept: &mut Staged) -> Vec<Diagnostic> {
        std::mem::take(&mut kept.edition.findings)
    }
}

/// Builds the archive at `root` with `options`, running `checks` on the records, telling
/// `progress` how far it got (the bytes of source text of each edition built), and handing
/// every finding to `on_finding` as it is found, in report order (see [`run::run`]).
///
/// Every edition is checked, passed, encoded and rendered in one go, in parallel, and its
/// outputs are staged beside their destinations (see [`write::Staged`]); only when the whole
/// archive has no errors are they put in place. So memory holds the editions being built, not
/// the archive, and an archive with errors leaves `export/` as it was.
pub fn build(
    root: &Path,
    options: BuildOptions,
    progress: OnProgress,
    checks: &dyn Checks,
    on_finding: OnFinding,
) -> Result<BuildReport> {
    let (config, _) = crate::load::config(root)?;
    let pdf = options.pdf && config.is_none_or(|c| c.build.pdf);
    let renderers = render::renderers(Some(root), render::Requested { pdf })?;
    let cache = if options.incremental {
        Cache::open(root, pdf).map(|c| c.listing_warnings(options.list_warnings))
    } else {
        None
    };
    let export = root.join(EXPORT_DIR);
    let made = NewDirs::before(&export, &renderers);
    let sink = Stage {
        root,
        renderers: &renderers,
        cache: cache.as_ref(),
        keep: options.keep,
    };
    let run::Run {
        archive,
        tally,
        mut kept,
        reused,
        mut register,
    } = run::run(root, progress, cache.as_ref(), checks, &sink, on_finding)?;
    let mut report = BuildReport {
        archive,
        tally,
        diagnostics: Vec::new(),
        built: Vec::new(),
        written: Vec::new(),
    };
    if report.failed() {
        // The staged files go; so do the folders this build made.
        drop(kept);
        made.remove_if_empty();
        return Ok(report);
    }
    let written = &mut report.written;
    let reuse = register.reused.clone();
    let register_files = write_register(
        root,
        &renderers,
        &report.archive,
        reuse,
        cache.as_ref(),
        written,
    )?;
    put_in_place(&report.archive, &mut kept, &reused, written)?;
    let editions: Vec<&Edition> = kept
        .iter()
        .map(|s| &s.edition)
        .chain(reused.iter().map(|(e, _)| e))
        .collect();
    write_collection(root, &renderers, &report.archive, &editions, written)?;
    if let Some(cache) = &cache {
        save_cache(cache, &mut kept, register_files, &register, &report.archive);
        if let Some(names) = register.names.take() {
            cache.save_names(&names);
            // Freeing the tables takes a while; nothing waits for it.
            std::thread::spawn(move || drop(names));
        }
    }
    if options.keep {
        report.built = into_built(kept);
    }
    Ok(report)
}

/// Records what the cache needs for the next build: the records of the editions built go in
/// place after their outputs, then the register's files and findings, and the register itself
/// when it was read from its files (the names pass's tables, when made, are kept after).
fn save_cache(
    cache: &Cache,
    kept: &mut [Staged],
    register_files: Option<BTreeMap<String, String>>,
    register: &run::RegisterUse,
    archive: &Archive,
) {
    for s in kept {
        if let Some(staged) = s.cached.take() {
            let _ = staged.commit();
        }
    }
    cache.save(register_files, &register.findings);
    if register.read {
        cache.save_register(&archive.register);
    }
}

/// What the report keeps of the editions built.
fn into_built(kept: Vec<Staged>) -> Vec<Kept> {
    kept.into_iter()
        .map(|s| Kept {
            edition: s.edition,
            source: s.source,
            keys: s.keys,
            files: s.files,
        })
        .collect()
}

/// Puts the editions' staged outputs in place, in archive order, and lists the outputs of the
/// editions reused as unchanged.
fn put_in_place(
    archive: &Archive,
    kept: &mut [Staged],
    reused: &[(Edition, cache::Reused)],
    written: &mut Vec<(PathBuf, bool)>,
) -> Result<()> {
    let mut staged = kept.iter_mut().peekable();
    let mut reuse = reused.iter().peekable();
    for edition in &archive.editions {
        if let Some(s) = staged.next_if(|s| s.edition.id == edition.id) {
            for output in &mut s.outputs {
                written.push(commit(output)?);
            }
        } else if let Some((_, hit)) = reuse.next_if(|(e, _)| e.id == edition.id) {
            written.extend(hit.outputs.iter().map(|p| (p.clone(), false)));
        }
    }
    Ok(())
}

/// Writes the outputs made from the register and the settings alone, unless the cache says
/// they are as recorded; with the cache, the files and their SHA-256 for the next build.
fn write_register(
    root: &Path,
    renderers: &[Box<dyn Renderer>],
    archive: &Archive,
    reused: Option<BTreeMap<String, String>>,
    cache: Option<&Cache>,
    written: &mut Vec<(PathBuf, bool)>,
) -> Result<Option<BTreeMap<String, String>>> {
    let reused = reused.or_else(|| cache.and_then(Cache::register_unchanged));
    if let Some(files) = reused {
        written.extend(files.keys().map(|p| (PathBuf::from(p), false)));
        return Ok(Some(files));
    }
    let Some(config) = &archive.config else {
        return Ok(None);
    };
    let ctx = RenderContext {
        config,
        register: &archive.register,
    };
    let mut files = BTreeMap::new();
    for output in renderers.iter().flat_map(|r| r.register(&ctx)) {
        let path = Path::new(EXPORT_DIR).join(&output.path);
        let changed = write::if_changed(&root.join(&path), &output.bytes)?;
        if let Some(name) = cache::slash_path(&path) {
            files.insert(name, crate::archive::digest::sha256_bytes(&output.bytes));
        }
        written.push((path, changed));
    }
    Ok(cache.map(|_| files))
}

/// Writes the outputs of the whole collection, made from every edition (built or reused),
/// put in archive order.
fn write_collection(
    root: &Path,
    renderers: &[Box<dyn Renderer>],
    archive: &Archive,
    editions: &[&Edition],
    written: &mut Vec<(PathBuf, bool)>,
) -> Result<()> {
    let Some(config) = &archive.config else {
        return Ok(());
    };
    let order: std::collections::HashMap<&str, usize> = archive
        .editions
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    let mut all: Vec<(usize, &Edition)> = editions
        .iter()
        .copied()
        .map(|e| (order.get(e.id.as_str()).copied().unwrap_or(usize::MAX), e))
        .collect();
    all.sort_by_key(|(i, _)| *i);
    let all: Vec<&Edition> = all.into_iter().map(|(_, e)| e).collect();
    let ctx = RenderContext {
        config,
        register: &archive.register,
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
fn stage(
    root: &Path,
    renderers: &[Box<dyn Renderer>],
    ctx: &RenderContext,
    mut built: Built,
    keep: bool,
    cache: Option<(&Cache, &str)>,
) -> Result<Staged> {
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
                recorded.push((path.clone(), sha, cache::stamp(&on_disk)));
            }
            if keep && renderer.reproducible() {
                let digests = Digests::of_bytes(&output.bytes);
                files.push((output.path, digests));
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
    let Built { mut edition, .. } = built;
    let (source, keys) = if keep {
        let source = (!edition.raw.is_empty()).then(|| Digests::of_bytes(&edition.raw));
        (source, render::tei::referenced_keys(&edition, ctx.register))
    } else {
        (None, Vec::new())
    };
    edition.raw = Vec::new();
    edition.decoded = String::new();
    edition.text = String::new();
    edition.blocks = Vec::new();
    Ok(Staged {
        edition,
        source,
        keys,
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
        let cache = export.join(cache::CACHE_DIR);
        let dirs = render::export_dirs(renderers)
            .into_iter()
            .map(|d| export.join(d))
            .chain([cache.join(cache::EDITIONS), cache, export.to_path_buf()]);
        NewDirs(dirs.filter(|d| !d.exists()).collect())
    }

    fn remove_if_empty(&self) {
        for dir in &self.0 {
            // Fails, as it should, when the folder holds anything.
            let _ = std::fs::remove_dir(dir);
        }
    }
}
