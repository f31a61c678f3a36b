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
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// An edition after the passes, with its TEI.
#[derive(Debug)]
pub struct Built {
    pub edition: Edition,
    pub tei: Vec<u8>,
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
        std::mem::take(&mut kept.edition.findings)
    }
}

/// A sink that keeps only each edition's findings, for the report, and writes nothing: what
/// `check` needs, with memory that does not grow with the archive.
pub struct Discard;

impl Sink for Discard {
    type Kept = Vec<Diagnostic>;
    const PHASE: &'static str = "checking and encoding";

    fn take(&self, _: &RenderContext, built: Built, _: Option<&str>) -> Result<Vec<Diagnostic>> {
        Ok(built.edition.findings)
    }

    fn findings(kept: &mut Vec<Diagnostic>) -> Vec<Diagnostic> {
        std::mem::take(kept)
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

/// Where a run's findings go: each is handed over as soon as its place in the report is
/// known, in report order (see [`run`]), with its path relative to the archive root. An error
/// returned stops the run.
pub type OnFinding<'a> = &'a mut dyn FnMut(Diagnostic) -> Result<()>;

/// How many errors and warnings a run found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
}

impl Tally {
    /// Counts one finding.
    pub fn count(&mut self, d: &Diagnostic) {
        if d.is_error() {
            self.errors += 1;
        } else {
            self.warnings += 1;
        }
    }
}

/// The outcome of a run of the engine.
pub struct Run<K> {
    pub archive: Archive,
    /// How many findings went to the run's [`OnFinding`], by severity.
    pub tally: Tally,
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
///
/// Findings go to `on_finding` as the run goes, never gathered: the findings of the archive as
/// a whole (its settings, its folders, the register) first, then each edition's, in archive
/// order (by id), each group sorted by file, line and code. That is the order of sorting every
/// finding by (edition, file, line, code), archive-wide ones first, without holding them all:
/// editions are taken in archive order by the threads that build them, and one built ahead of
/// its turn waits only for those before it.
pub fn run<S: Sink>(
    root: &Path,
    progress: OnProgress,
    cache: Option<&Cache>,
    checks: &dyn Checks,
    sink: &S,
    on_finding: OnFinding,
) -> Result<Run<S::Kept>> {
    let (archive, loaded) = load::archive_without_register(root)?;
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
    // The register's findings belong with the archive's, first in the report: they are known
    // now from the cache, or by reading the register now (as a run without the cache does).
    let register_findings = match cache.and_then(Cache::register_findings) {
        Some(found) => found,
        None => {
            shared.register()?;
            shared.registered_findings()
        }
    };
    let mut report = Report::new(root, on_finding);
    let mut head = Vec::new();
    let mut from_load = BTreeMap::<String, Vec<Diagnostic>>::new();
    for d in loaded {
        match &d.edition {
            Some(id) => from_load.entry(id.clone()).or_default().push(d),
            None => head.push(d),
        }
    }
    head.extend(register_findings);
    let mut from_archive = BTreeMap::<String, Vec<Diagnostic>>::new();
    for d in checks.archive(&archive) {
        match &d.edition {
            Some(id) => from_archive.entry(id.clone()).or_default().push(d),
            None => head.push(d),
        }
    }
    report.group(head)?;

    let mut kept = Vec::new();
    let mut reused = Vec::new();
    let mut outcome = |index: usize, done: Result<Done<S::Kept>>| -> Result<()> {
        let (found, outcome) = done?;
        let edition = &archive.editions[index];
        // Findings of editions the archive's folders do not hold (none, as loaded) keep
        // their place in the order of ids.
        for map in [&mut from_load, &mut from_archive] {
            while let Some(entry) = map.first_entry().filter(|e| e.key() < &edition.id) {
                report.group(entry.remove())?;
            }
        }
        let mut group = from_load.remove(&edition.id).unwrap_or_default();
        group.extend(found);
        let for_edition = |d: Diagnostic| d.for_edition(&edition.id);
        match outcome {
            Some(Outcome::Kept(mut k)) => {
                group.extend(S::findings(&mut k).into_iter().map(for_edition));
                kept.push(k);
            }
            Some(Outcome::Reused(mut pair)) => {
                report.tally.warnings += pair.1.unlisted_warnings;
                let found = std::mem::take(&mut pair.1.findings);
                group.extend(found.into_iter().map(for_edition));
                reused.push(*pair);
            }
            None => {}
        }
        group.extend(from_archive.remove(&edition.id).unwrap_or_default());
        report.group(group)
    };
    in_order(&archive.editions, &mut outcome, |edition| {
        let done = shared.edition(edition, sink);
        progress(Progress::Done(source_size(edition)));
        done
    })?;
    for map in [from_load, from_archive] {
        for (_, group) in map {
            report.group(group)?;
        }
    }
    let tally = report.tally;
    // Freeing the names pass's tables takes a while; nothing waits for it.
    let Shared {
        register, pipeline, ..
    } = shared;
    let mut names = None;
    if let Some((pipeline, made)) = pipeline.into_inner() {
        names = (cache.is_some() && made).then(|| pipeline.names_pass().clone());
        std::thread::spawn(move || drop(pipeline));
    }
    let (archive, mut register) = register_use(archive, register.into_inner(), cache)?;
    register.names = names;
    Ok(Run {
        archive,
        tally,
        kept,
        reused,
        register,
    })
}

/// Runs `work` over `items` on the threads of the pool, taking items in order, and hands each
/// result to `done` on the calling thread, in order, as soon as those before it are done. A
/// result that `done` refuses stops the work: items not yet started are not started.
fn in_order<T: Sync, R: Send>(
    items: &[T],
    done: &mut dyn FnMut(usize, R) -> Result<()>,
    work: impl Fn(&T) -> R + Sync,
) -> Result<()> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let threads = rayon::current_num_threads().clamp(1, items.len().max(1));
    let (tx, rx) = std::sync::mpsc::channel::<(usize, R)>();
    std::thread::scope(|s| {
        let (next, stop, work) = (&next, &stop, &work);
        s.spawn(move || {
            rayon::scope(|pool| {
                for _ in 0..threads {
                    let tx = tx.clone();
                    pool.spawn(move |_| {
                        while !stop.load(Ordering::Relaxed) {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            let Some(item) = items.get(i) else { break };
                            if tx.send((i, work(item))).is_err() {
                                break;
                            }
                        }
                    });
                }
            });
            drop(tx);
        });
        // Results that came before their turn, by index.
        let mut waiting = BTreeMap::new();
        let mut turn = 0;
        for (i, result) in rx.iter() {
            waiting.insert(i, result);
            while let Some(result) = waiting.remove(&turn) {
                turn += 1;
                if let Err(err) = done(turn - 1, result) {
                    stop.store(true, Ordering::Relaxed);
                    return Err(err);
                }
            }
        }
        Ok(())
    })
}

/// The findings of a run on their way out: paths made relative to the archive root, each
/// group sorted, every finding counted.
struct Report<'a, 'f> {
    root: &'a Path,
    on_finding: OnFinding<'f>,
    tally: Tally,
}

impl<'a, 'f> Report<'a, 'f> {
    fn new(root: &'a Path, on_finding: OnFinding<'f>) -> Self {
        Report {
            root,
            on_finding,
            tally: Tally::default(),
        }
    }

    /// Hands over one group of findings (the archive's, or one edition's), in report order.
    fn group(&mut self, group: Vec<Diagnostic>) -> Result<()> {
        for d in in_report_order(self.root, group) {
            self.tally.count(&d);
            (self.on_finding)(d)?;
        }
        Ok(())
    }
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

    /// The findings of reading the register, once it is read.
    fn registered_findings(&self) -> Vec<Diagnostic> {
        match self.register.get() {
            Some(Ok((_, found, _))) => found.clone(),
            _ => Vec::new(),
        }
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
    Built { edition, tei }
}

/// Findings with paths relative to `root`, sorted by edition, file, line and code. The sort
/// is stable and in place: an edition can have hundreds of thousands of findings.
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

#[cfg(test)]
mod tests {
    use super::in_order;
    use crate::error::Error;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn results_come_in_the_order_of_the_items_whatever_order_they_finish_in() {
        let items: Vec<u64> = (0..64).collect();
        let mut seen = Vec::new();
        in_order(
            &items,
            &mut |i, r: u64| {
                seen.push((i, r));
                Ok(())
            },
            |&n| {
                // Early items take longest, so later ones finish first.
                std::thread::sleep(std::time::Duration::from_micros((64 - n) * 50));
                n * 10
            },
        )
        .unwrap();
        let want: Vec<(usize, u64)> = (0..64).map(|n| (n as usize, n * 10)).collect();
        assert_eq!(seen, want);
    }

    #[test]
    fn a_result_refused_stops_the_work_and_is_the_error() {
        let items: Vec<usize> = (0..10_000).collect();
        let started = AtomicUsize::new(0);
        let mut calls = 0;
        let out = in_order(
            &items,
            &mut |i, _: ()| {
                calls += 1;
                if i == 3 {
                    return Err(Error::BadArguments {
                        flag: "test",
                        message: "refused".into(),
                    });
                }
                Ok(())
            },
            |_| {
                started.fetch_add(1, Ordering::Relaxed);
                std::thread::sleep(std::time::Duration::from_micros(200));
            },
        );
        assert!(matches!(out, Err(Error::BadArguments { .. })));
        assert_eq!(calls, 4, "nothing is handed over after the refusal");
        assert!(
            started.load(Ordering::Relaxed) < items.len(),
            "the work stopped"
        );
    }

    #[test]
    fn no_items_is_no_work() {
        let mut calls = 0;
        in_order(
            &[] as &[u8],
            &mut |_, _: ()| {
                calls += 1;
                Ok(())
            },
            |_| (),
        )
        .unwrap();
        assert_eq!(calls, 0);
    }
}
