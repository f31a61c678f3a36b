//! The engine of `check` and `build`: every edition of the archive is loaded (its source read
//! once, through [`crate::load::source`]), put through the passes, encoded as TEI and checked
//! against its source, in parallel, and handed at once to a [`Sink`] on the thread that built
//! it. The engine writes nothing: the sink decides what becomes of an edition (`check` keeps
//! it in memory; the build renders and stages its outputs, see [`super::commit`]).

use super::cache::{Cache, Reused};
use crate::diagnostic::{Code, Diagnostic, codes};
use crate::error::{Error, Result};
use crate::load::source::Source;
use crate::load::{self, Archive, EditionDir};
use crate::model::register::Register;
use crate::model::{Config, Edition};
use crate::passes::Pipeline;
use crate::progress::{OnProgress, Progress, Unit};
use crate::render::RenderContext;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// An edition after the passes, with its TEI.
#[derive(Debug)]
pub struct Built {
    pub edition: Edition,
    pub tei: Vec<u8>,
    /// After a build that keeps its editions: the reproducible outputs written for it (see
    /// [`crate::render::Renderer::reproducible`]), relative to `export/`, with the digests of
    /// their bytes as rendered. These are the files of a released version, whose writer then
    /// needs not read them to plan it.
    pub files: Vec<(std::path::PathBuf, crate::archive::digest::Digests)>,
}

/// What becomes of each edition as soon as it is built, on the thread that built it.
pub trait Sink: Sync {
    /// What the sink keeps of an edition.
    type Kept: Send;
    /// The phase's name, for progress bars.
    const PHASE: &'static str;
    /// Takes an edition just built; `input` is the hash of its inputs when the build keeps a
    /// cache.
    fn take(&self, ctx: &RenderContext, built: Built, input: Option<&str>) -> Result<Self::Kept>;
    /// The findings of an edition kept, for the report (the sink may move them out).
    fn findings(kept: &mut Self::Kept) -> Vec<Diagnostic>;
}

/// A sink that keeps every edition built, in memory, and writes nothing.
pub struct Keep;

impl Sink for Keep {
    type Kept = Built;
    const PHASE: &'static str = "checking and encoding";

    fn take(&self, _: &RenderContext, built: Built, _: Option<&str>) -> Result<Built> {
        Ok(built)
    }

    fn findings(kept: &mut Built) -> Vec<Diagnostic> {
        kept.edition.findings.clone()
    }
}

/// The checks of the records' values that run beside the engine (the `check` command supplies
/// them, so that the engine does not depend on it).
pub trait Checks: Sync {
    /// The findings about one edition's record, and about its source as read (when it was).
    /// An error with one of the codes of [`UNSOUND`] keeps the edition from being built.
    fn edition(
        &self,
        archive: &Archive,
        edition: &EditionDir,
        source: Option<&Source>,
    ) -> Vec<Diagnostic>;
    /// The findings that concern several editions at once.
    fn archive(&self, archive: &Archive) -> Vec<Diagnostic>;
}

/// Errors that keep an edition from being built: its source is missing, not what its record
/// says, undecodable, or changed since its release without a receipt. (Metadata still to be
/// filled does not keep the text from being read.)
pub const UNSOUND: [Code; 5] = [
    codes::SOURCE_MISSING,
    codes::SOURCE_SIZE,
    codes::SOURCE_CHECKSUM,
    codes::SOURCE_DECODE,
    codes::SOURCE_UNRECORDED,
];

/// The outcome of a run of the engine.
pub struct Run<K> {
    pub archive: Archive,
    /// Every finding, with paths relative to the archive root, in a stable order.
    pub diagnostics: Vec<Diagnostic>,
    /// What the sink kept of each edition built, in archive order.
    pub kept: Vec<K>,
    /// With the cache: the editions whose outputs are reused (their record only, not shaped
    /// by the passes), in archive order.
    pub reused: Vec<(Edition, Reused)>,
    /// With the cache: what became of the register.
    pub register: RegisterUse,
}

/// With the cache: whether the register was needed, and its findings.
#[derive(Debug, Default)]
pub struct RegisterUse {
    /// The files made from the register (with their SHA-256) when it was not read at all,
    /// because no edition was built and the cache held those files and its findings (then
    /// [`Archive::register`] is empty).
    pub reused: Option<BTreeMap<String, String>>,
    /// The findings of reading the register, to record.
    pub findings: Vec<Diagnostic>,
    /// Whether the register was read from its TOML files (rather than from the cache), so
    /// that the build keeps it for the next one.
    pub read: bool,
    /// The names pass when it was made from the register (rather than taken from the cache),
    /// so that the build keeps its tables for the next one.
    pub names: Option<crate::passes::names::Names>,
}

/// What became of one edition.
enum Outcome<K> {
    Kept(K),
    Reused(Box<(Edition, Reused)>),
}

/// The register as read, its findings, and whether it came from its TOML files.
type LoadedRegister = (Register, Vec<Diagnostic>, bool);

/// What every edition's build shares.
struct Shared<'a> {
    archive: &'a Archive,
    cache: Option<&'a Cache>,
    checks: &'a dyn Checks,
    /// Read by the first edition that needs it (with the cache, perhaps none does).
    register: OnceLock<std::result::Result<LoadedRegister, Arc<Error>>>,
    /// The passes, and whether the names pass was made from the register (rather than taken
    /// from the cache), so that the build keeps its tables for the next one.
    pipeline: OnceLock<(Pipeline, bool)>,
}

/// The size of an edition's source as its record gives it (0 without a record), for progress.
fn source_size(edition: &load::EditionDir) -> u64 {
    edition.record.as_ref().map_or(0, |r| r.received.size)
}

/// Runs the engine over the archive at `root`, telling `progress` how far it got (one
/// [`Progress::Done`] per edition, with its source's size in bytes of text). With `cache`, an
/// edition whose inputs and outputs are those the cache recorded is not built again.
pub fn run<S: Sink>(
    root: &Path,
    progress: OnProgress,
    cache: Option<&Cache>,
    checks: &dyn Checks,
    sink: &S,
) -> Result<Run<S::Kept>> {
    let (archive, mut diags) = load::archive_without_register(root)?;
    progress(Progress::Phase {
        name: S::PHASE,
        total: archive.editions.iter().map(source_size).sum(),
        unit: Unit::TextBytes,
    });
    let shared = Shared {
        archive: &archive,
        cache,
        checks,
        register: OnceLock::new(),
        pipeline: OnceLock::new(),
    };
    if cache.is_none() {
        shared.register()?;
    }
    // Editions are independent: they are built in parallel, then gathered in order.
    let results: Vec<Result<Done<S::Kept>>> = archive
        .editions
        .par_iter()
        .map(|edition| {
            let done = shared.edition(edition, sink);
            progress(Progress::Done(source_size(edition)));
            done
        })
        .collect();
    // Freeing the names pass's tables takes a while; nothing waits for it.
    let Shared {
        register, pipeline, ..
    } = shared;
    let mut names = None;
    if let Some((pipeline, made)) = pipeline.into_inner() {
        names = (cache.is_some() && made).then(|| pipeline.names_pass().clone());
        std::thread::spawn(move || drop(pipeline));
    }
    let mut kept = Vec::new();
    let mut reused = Vec::new();
    for (edition, result) in archive.editions.iter().zip(results) {
        let (found, outcome) = result?;
        diags.extend(found);
        let for_edition = |d: Diagnostic| d.for_edition(&edition.id);
        match outcome {
            Some(Outcome::Kept(mut k)) => {
                diags.extend(S::findings(&mut k).into_iter().map(for_edition));
                kept.push(k);
            }
            Some(Outcome::Reused(pair)) => {
                diags.extend(pair.1.findings.iter().cloned().map(for_edition));
                reused.push(*pair);
            }
            None => {}
        }
    }
    let (archive, mut register) = register_use(archive, register.into_inner(), cache)?;
    register.names = names;
    diags.extend(register.findings.iter().cloned());
    diags.extend(checks.archive(&archive));
    Ok(Run {
        diagnostics: in_report_order(root, diags),
        archive,
        kept,
        reused,
        register,
    })
}

/// An edition's findings, and what became of it.
type Done<K> = (Vec<Diagnostic>, Option<Outcome<K>>);

impl Shared<'_> {
    /// Checks one edition, and builds it unless its source is unsound or the cache holds its
    /// outputs.
    fn edition<S: Sink>(&self, edition: &EditionDir, sink: &S) -> Result<Done<S::Kept>> {
        let (source, mut found) = load::source::read(edition)?;
        found = found
            .into_iter()
            .map(|d| d.for_edition(&edition.id))
            .collect();
        found.extend(self.checks.edition(self.archive, edition, source.as_ref()));
        let sound = !found
            .iter()
            .any(|d| d.is_error() && UNSOUND.contains(&d.code));
        let (Some(source), Some(record), Some(config), true) =
            (source, &edition.record, &self.archive.config, sound)
        else {
            return Ok((found, None));
        };
        let input = self.cache.and_then(|c| c.input_hash(edition, &source.raw));
        let hit = (self.cache.zip(input.as_deref())).and_then(|(c, i)| c.lookup(&edition.id, i));
        if let Some(hit) = hit {
            let shell = Edition::new(
                edition.id.clone(),
                record.clone(),
                edition.source_path(),
                String::new(),
            );
            return Ok((found, Some(Outcome::Reused(Box::new((shell, hit))))));
        }
        let (register, pipeline) = self.prepared()?;
        let shell = load::source::shell(edition, record.clone(), source);
        let built = build_edition(shell, config, register, pipeline);
        let ctx = RenderContext { config, register };
        let kept = sink.take(&ctx, built, input.as_deref())?;
        Ok((found, Some(Outcome::Kept(kept))))
    }

    /// The register and the passes, made on first use. With the cache, the names pass comes
    /// from it when it holds the one made from this register, read while the register is.
    fn prepared(&self) -> Result<(&Register, &Pipeline)> {
        let (pipeline, _) = self.pipeline.get_or_init(|| {
            // The register is read on a thread of its own, without rayon: the pool's threads
            // wait here for the passes.
            let cached = std::thread::scope(|scope| {
                scope.spawn(|| self.register().is_ok());
                self.cache.and_then(Cache::names)
            });
            match (cached, self.register()) {
                (Some(names), _) => (Pipeline::with_names(names), false),
                (None, Ok(register)) => (Pipeline::new(register), true),
                // Never used: the register's error is what every edition gets.
                (None, Err(_)) => (Pipeline::new(&Register::default()), false),
            }
        });
        Ok((self.register()?, pipeline))
    }

    /// The register, read on first use: from the cache when it holds it, else from its files.
    fn register(&self) -> Result<&Register> {
        let loaded = self.register.get_or_init(|| {
            if let Some((register, found)) = self.cache.and_then(Cache::register) {
                return Ok((register, found, false));
            }
            let dir = self.archive.editions_dir().join(load::REGISTER_DIR);
            load::register(&dir)
                .map(|(register, found)| (register, found, true))
                .map_err(Arc::new)
        });
        match loaded {
            Ok((register, _, _)) => Ok(register),
            Err(err) => Err(Error::Shared(err.clone())),
        }
    }
}

/// Puts the register in the archive, reading it now if no edition needed it and the cache
/// cannot stand in for it.
fn register_use(
    mut archive: Archive,
    loaded: Option<std::result::Result<LoadedRegister, Arc<Error>>>,
    cache: Option<&Cache>,
) -> Result<(Archive, RegisterUse)> {
    let mut used = RegisterUse::default();
    let loaded = match loaded {
        Some(Ok(loaded)) => loaded,
        Some(Err(err)) => return Err(Arc::try_unwrap(err).unwrap_or_else(Error::Shared)),
        None => match cache.and_then(Cache::register_reuse) {
            Some((files, findings)) => {
                used.reused = Some(files);
                used.findings = findings;
                return Ok((archive, used));
            }
            _ => match cache.and_then(Cache::register) {
                Some((register, found)) => (register, found, false),
                None => {
                    let dir = archive.editions_dir().join(load::REGISTER_DIR);
                    let (register, found) = load::register(&dir)?;
                    (register, found, true)
                }
            },
        },
    };
    let (register, findings, read) = loaded;
    archive.register = register;
    used.findings = findings;
    used.read = read;
    Ok((archive, used))
}

/// Runs the passes over an edition shell, encodes it as TEI, and checks that the TEI
/// reproduces the source (ED408).
pub fn build_edition(
    mut edition: Edition,
    config: &Config,
    register: &Register,
    pipeline: &Pipeline,
) -> Built {
    pipeline.run(&mut edition);
    let ctx = RenderContext { config, register };
    let tei = crate::render::tei::render(&edition, &ctx);
    let fidelity = crate::tei_checks::fidelity::check(&tei, &edition.text);
    edition.findings.extend(fidelity.into_iter().map(|mut d| {
        d.location.path = edition.source_path.clone();
        d
    }));
    Built {
        edition,
        tei,
        files: Vec::new(),
    }
}

/// Findings with paths relative to `root`, sorted by edition, file, line and code. The sort
/// is stable and in place: an archive can have hundreds of thousands of findings.
fn in_report_order(root: &Path, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut diagnostics: Vec<Diagnostic> = diags
        .into_iter()
        .map(|mut d| {
            d.location = d.location.relative_to(root);
            d
        })
        .collect();
    diagnostics.sort_by(|a, b| {
        (
            a.edition.as_deref(),
            &a.location.path,
            a.location.line,
            a.code.id,
        )
            .cmp(&(
                b.edition.as_deref(),
                &b.location.path,
                b.location.line,
                b.code.id,
            ))
    });
    diagnostics
}
