//! `editio verify`: the last stage of the pipeline, run by whoever keeps the archive. It tells
//! what each path is (a BagIt bag as a folder or zip, an OCFL storage root or object, a TEI
//! file) and checks it fully with the archive layer's validators; with no path, it checks the
//! whole archive: sources against their records, `export/` against what the build writes now,
//! the OCFL storage root, every deposit, and that each deposit holds exactly its OCFL version.
//! Every problem is a [`Diagnostic`]; nothing is printed, written or fetched.

use crate::archive::bagit::{self, ValidateOptions};
use crate::archive::ocfl::{self, StorageRoot, VersionInfo};
use crate::diagnostic::{Diagnostic, Location, codes};
use crate::error::{Error, Result};
use crate::model::Config;
use crate::model::events::LoggedEvent;
use crate::progress::{OnProgress, Progress, Unit};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

/// How to verify.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Bags: check completeness and sizes only, not checksums.
    pub fast: bool,
    /// The jing program for TEI files (`EDITIO_JING`); by default `jing` on PATH when there.
    pub jing: Option<PathBuf>,
    /// The archive whose records a TEI file's header checksums are compared with, if any.
    pub archive: Option<PathBuf>,
    /// The most a zip may hold uncompressed; [`bagit::DEFAULT_MAX_UNCOMPRESSED`] when absent.
    pub max_unzipped: Option<u64>,
    /// The archive's storage root when it is not export/ocfl (`[storage]`, `--storage`).
    pub storage: Option<super::storage::StorageChoice>,
}

/// What a path was found to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A BagIt bag as a folder.
    Bag,
    /// A BagIt bag in a zip.
    BagZip,
    OcflStorageRoot,
    OcflObject,
    Tei,
    /// The sources and records of an archive (`editions/`).
    Sources,
    /// The build's output in `export/`, compared with what the build writes now.
    Exports,
    /// Deposits compared with their OCFL versions.
    Consistency,
    /// None of the above (reported as ED601).
    Unknown,
}

impl Kind {
    /// How the kind reads in a report.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Bag => "BagIt bag",
            Kind::BagZip => "BagIt bag (zip)",
            Kind::OcflStorageRoot => "OCFL storage root",
            Kind::OcflObject => "OCFL object",
            Kind::Tei => "TEI file",
            Kind::Sources => "sources and records",
            Kind::Exports => "build output",
            Kind::Consistency => "deposits against OCFL versions",
            Kind::Unknown => "unknown",
        }
    }
}

/// One thing verified, with every finding about it.
#[derive(Clone, Debug, Serialize)]
pub struct Target {
    pub path: PathBuf,
    pub kind: Kind,
    pub diagnostics: Vec<Diagnostic>,
}

impl Target {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

/// The outcome of a verification.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub targets: Vec<Target>,
    /// How many of the paths given could not be read at all (finding ED605).
    pub unreadable: usize,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.targets.iter().map(Target::errors).sum()
    }
    pub fn warnings(&self) -> usize {
        self.targets
            .iter()
            .map(|t| t.diagnostics.len() - t.errors())
            .sum()
    }
    /// Whether nothing was found lost or altered (warnings aside).
    pub fn intact(&self) -> bool {
        self.errors() == 0
    }
}

/// The name of verification's phase, for progress bars.
const PHASE: &str = "verifying";

/// Tells what `path` is. `Err` when it cannot be read at all.
pub fn detect(path: &Path) -> Result<Kind> {
    let meta = std::fs::metadata(path).map_err(Error::io(path))?;
    if meta.is_dir() {
        let mut names = Vec::new();
        for entry in std::fs::read_dir(path).map_err(Error::io(path))? {
            let entry = entry.map_err(Error::io(path))?;
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
        let has = |f: &dyn Fn(&str) -> bool| names.iter().any(|n| f(n));
        return Ok(if has(&|n| n.starts_with("0=ocfl_object")) {
            Kind::OcflObject
        } else if has(&|n| n.starts_with("0=ocfl_")) {
            Kind::OcflStorageRoot
        } else if has(&|n| n == "bagit.txt" || n == "data" || n.starts_with("manifest-")) {
            Kind::Bag
        } else if has(&|n| n == "inventory.json") && !is_version_dir(path) {
            Kind::OcflObject
        } else {
            Kind::Unknown
        });
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    let mut head = [0u8; 4];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(Error::io(path))?;
    Ok(match ext.as_deref() {
        Some("zip") => Kind::BagZip,
        _ if n == 4 && (head == *b"PK\x03\x04" || head == *b"PK\x05\x06") => Kind::BagZip,
        Some("xml" | "tei") => Kind::Tei,
        _ => Kind::Unknown,
    })
}

/// Whether `path` is a version folder (`v1`…) of an OCFL object, not an object itself.
fn is_version_dir(path: &Path) -> bool {
    let named = path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix('v'))
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
    named
        && path
            .parent()
            .is_some_and(|p| p.join(ocfl::OBJECT_DECLARATION).exists())
}

/// Verifies each of `paths`, whatever it is. `Err` only when a path cannot be read at all
/// (checked for every path before any work starts).
pub fn verify_paths(paths: &[PathBuf], opts: &Options, progress: OnProgress) -> Result<Report> {
    progress(Progress::Phase {
        name: PHASE,
        total: paths.len() as u64,
        unit: Unit::Steps,
    });
    let mut report = Report::default();
    for path in paths {
        // A path that cannot be read is answered like the others, and verification goes on.
        let (kind, found) = match detect(path) {
            Ok(kind) => {
                progress(Progress::Working {
                    on: path,
                    what: kind.describe(),
                });
                (kind, verify_one(path, kind, opts))
            }
            Err(e) => (Kind::Unknown, Err(e)),
        };
        let diagnostics = match found {
            Ok(d) => d,
            Err(e) => {
                report.unreadable += 1;
                vec![
                    Diagnostic::new(
                        codes::VERIFY_UNREADABLE,
                        Location::file(path),
                        match e {
                            Error::Io { source, .. } => format!("cannot be read: {source}"),
                            e => e.to_string(),
                        },
                    )
                    .with_help("check the path and its permissions"),
                ]
            }
        };
        progress(Progress::Done(1));
        report.targets.push(Target {
            path: path.clone(),
            kind,
            diagnostics,
        });
    }
    Ok(report)
}

/// Answers a name given to verify that is no path here and no object of the archive's storage
/// root (`why` says what the look-up found) as a path that cannot be read is answered: ED605.
pub fn not_found(report: &mut Report, name: &Path, why: &Error) {
    report.unreadable += 1;
    let finding = Diagnostic::new(
        codes::VERIFY_UNREADABLE,
        Location::file(name),
        format!("is no file or folder here, nor a released object: {why}"),
    )
    .with_help("name a file or folder, an edition or object id, or an s3:// location");
    report.targets.push(Target {
        path: name.to_path_buf(),
        kind: Kind::Unknown,
        diagnostics: vec![finding],
    });
}

/// Checks one path of a known kind; findings name files as `path/inner`.
fn verify_one(path: &Path, kind: Kind, opts: &Options) -> Result<Vec<Diagnostic>> {
    Ok(match kind {
        Kind::Bag | Kind::BagZip => {
            let bag_opts = ValidateOptions {
                fast: opts.fast,
                max_uncompressed: opts.max_unzipped.unwrap_or(bagit::DEFAULT_MAX_UNCOMPRESSED),
                ..ValidateOptions::default()
            };
            bagit::validate(path, &bag_opts)?
                .into_iter()
                .map(|d| inside(d, path))
                .collect()
        }
        Kind::OcflObject => ocfl::validate_object_with(path, opts.fast)?,
        Kind::OcflStorageRoot => ocfl::validate_storage_root_with(path, opts.fast)?,
        Kind::Tei => {
            let vopts = super::validate::Options {
                jing: opts.jing.clone(),
                tei_all: None,
            };
            super::validate::validate(opts.archive.as_deref(), &[path.to_path_buf()], &vopts)?
                .diagnostics
        }
        Kind::Sources | Kind::Exports | Kind::Consistency => Vec::new(),
        Kind::Unknown => vec![
            Diagnostic::new(
                codes::VERIFY_UNKNOWN,
                Location::file(path),
                format!(
                    "{} is not a BagIt bag (a folder with bagit.txt, or a .zip), an OCFL storage \
                     root (0=ocfl_1.1) or object (0=ocfl_object_1.1), or a TEI file (.xml)",
                    path.display()
                ),
            )
            .with_help(if is_version_dir(path) {
                format!(
                    "this is a version folder of the OCFL object {}: verify the object, which \
                     checks every version",
                    path.parent().unwrap_or(path).display()
                )
            } else {
                "name a bag, an OCFL object or storage root, or a TEI file".to_string()
            }),
        ],
    })
}

/// A bag finding, whose path is inside the bag, named from the bag's own path.
fn inside(mut d: Diagnostic, bag: &Path) -> Diagnostic {
    let rel = d.location.path.clone();
    let bag_name = bag.file_name().map(PathBuf::from).unwrap_or_default();
    d.location.path = if rel.as_os_str().is_empty() || rel == bag_name {
        bag.to_path_buf()
    } else {
        bag.join(rel)
    };
    d
}

/// Verifies the whole archive at `root`: sources, `export/`, the OCFL storage root, every
/// deposit, and deposits against versions. Findings name files relative to `root`.
pub fn verify_archive(root: &Path, opts: &Options, progress: OnProgress) -> Result<Report> {
    let ocfl_dir = root.join(crate::layout::OCFL_DIR);
    let deposit_dir = root.join(crate::layout::DEPOSIT_DIR);
    let deposits = list_zips(&deposit_dir)?;
    let remote = open_remote(opts)?;
    let has_ocfl = remote.is_none() && ocfl_dir.exists();
    let planned = 2 + usize::from(has_ocfl || remote.is_some()) + deposits.len() + 1;
    progress(Progress::Phase {
        name: PHASE,
        total: planned as u64,
        unit: Unit::Steps,
    });
    let mut report = Report::default();
    let rel = |p: &Path| p.strip_prefix(root).unwrap_or(p).to_path_buf();

    // Sources and records.
    let editions = Path::new(crate::load::EDITIONS_DIR);
    progress(Progress::Working {
        on: editions,
        what: Kind::Sources.describe(),
    });
    // The check of every edition also renders what the build writes of it and compares that
    // with export/ there and then (see `Compare`).
    let check = check_and_compare(root)?;
    report.targets.push(Target {
        path: editions.to_path_buf(),
        kind: Kind::Sources,
        diagnostics: check.integrity,
    });
    progress(Progress::Done(1));

    // export/ against the build: the TEI, the reading copies and the PDFs.
    // Now that the folders to compare are known, the count is exact.
    progress(Progress::Total(
        (1 + check.exports.len() + usize::from(has_ocfl) + deposits.len() + 1) as u64,
    ));
    for (dir, compared) in &check.exports {
        let shown = Path::new(crate::layout::EXPORT_DIR).join(dir);
        step(progress, &mut report, &shown, Kind::Exports, || {
            compare_exports(root, &check.unbuilt, dir, compared)
        })?;
    }

    // The storage root, on disk or in object storage.
    if has_ocfl {
        let shown = rel(&ocfl_dir);
        step(progress, &mut report, &shown, Kind::OcflStorageRoot, || {
            verify_local_root(root, &ocfl_dir, &shown, opts.fast)
        })?;
    }
    if let Some(r) = &remote {
        let shown = PathBuf::from(r.location());
        step(progress, &mut report, &shown, Kind::OcflStorageRoot, || {
            verify_remote(r, None, opts.fast, &crate::progress::ignore).map(|t| t.diagnostics)
        })?;
    }

    // Every deposit.
    let manifests = verify_deposits(root, &deposits, opts, progress, &mut report)?;

    // Deposits against versions.
    let shown = rel(&deposit_dir);
    step(progress, &mut report, &shown, Kind::Consistency, || {
        Ok(consistency(
            root,
            &check.archive,
            &ocfl_dir,
            remote,
            manifests,
        ))
    })?;
    Ok(report)
}

/// One step of verifying the whole archive: says what is being checked, runs `check`, files its
/// findings under `on` as a target of `kind`, and counts the step done.
fn step(
    progress: OnProgress,
    report: &mut Report,
    on: &Path,
    kind: Kind,
    check: impl FnOnce() -> Result<Vec<Diagnostic>>,
) -> Result<()> {
    progress(Progress::Working {
        on,
        what: kind.describe(),
    });
    let diagnostics = check()?;
    report.targets.push(Target {
        path: on.to_path_buf(),
        kind,
        diagnostics,
    });
    progress(Progress::Done(1));
    Ok(())
}

/// The remote storage root the options name (`[storage]`, `--storage`), if any; a storage
/// choice that is a folder on disk gives none.
fn open_remote(opts: &Options) -> Result<Option<StorageRoot>> {
    Ok(match &opts.storage {
        Some(choice) => match super::storage::open(choice, false)? {
            Some(r) if choice.url.is_remote() => Some(r),
            _ => None,
        },
        None => None,
    })
}

/// Whether a finding of the check concerns integrity (an error of ED1xx, ED2xx, ED3xx): a
/// source or record that is lost or altered, not a matter of encoding.
fn is_integrity(d: &Diagnostic) -> bool {
    d.is_error()
        && ["ED1", "ED2", "ED3"]
            .iter()
            .any(|p| d.code.id.starts_with(p))
}

/// Validates `export/ocfl` (shown as `shown`) as an OCFL storage root; findings name files
/// relative to `root`.
fn verify_local_root(
    root: &Path,
    ocfl_dir: &Path,
    shown: &Path,
    fast: bool,
) -> Result<Vec<Diagnostic>> {
    Ok(match detect(ocfl_dir)? {
        Kind::OcflStorageRoot => ocfl::validate_storage_root_with(ocfl_dir, fast)?
            .into_iter()
            .map(|d| relative(d, root))
            .collect(),
        _ => vec![Diagnostic::new(
            ocfl::codes::E069,
            Location::file(shown),
            "export/ocfl is not an OCFL storage root (no 0=ocfl_1.1)",
        )],
    })
}

/// Validates each deposit as a bag, adding a target for each to `report`, and returns each
/// with its SHA-512 payload manifest for the comparison with its OCFL version.
fn verify_deposits<'a>(
    root: &Path,
    deposits: &'a [PathBuf],
    opts: &Options,
    progress: OnProgress,
    report: &mut Report,
) -> Result<Vec<(&'a Path, Option<bagit::PayloadManifest>)>> {
    let bag_opts = ValidateOptions {
        fast: opts.fast,
        max_uncompressed: opts.max_unzipped.unwrap_or(bagit::DEFAULT_MAX_UNCOMPRESSED),
        ..ValidateOptions::default()
    };
    let mut manifests = Vec::with_capacity(deposits.len());
    for zip in deposits {
        let shown = zip.strip_prefix(root).unwrap_or(zip).to_path_buf();
        progress(Progress::Working {
            on: &shown,
            what: Kind::BagZip.describe(),
        });
        let (findings, manifest) =
            bagit::validate_with_manifest(zip, &bag_opts, bagit::Algorithm::Sha512)?;
        manifests.push((zip.as_path(), manifest));
        let diagnostics = findings.into_iter().map(|d| inside(d, &shown)).collect();
        report.targets.push(Target {
            path: shown.clone(),
            kind: Kind::BagZip,
            diagnostics,
        });
        progress(Progress::Done(1));
    }
    Ok(manifests)
}

fn relative(mut d: Diagnostic, root: &Path) -> Diagnostic {
    d.location = d.location.relative_to(root);
    d
}

/// The `.zip` files of a folder, sorted; none when the folder is absent.
fn list_zips(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(dir)(e)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(Error::io(dir))?;
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "zip") {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// Files by name, with their bytes.
/// For each file the build writes into a folder of `export/`, by file name: what comparing it
/// with the file there found (`None`: the same bytes, or no such file there).
type Compared = BTreeMap<String, Option<Diagnostic>>;

/// What verifying keeps of the check of the archive: never an edition's text or outputs.
struct Checked {
    archive: crate::load::Archive,
    /// The check's findings that concern integrity.
    integrity: Vec<Diagnostic>,
    /// The editions that could not be built (their source is reported already).
    unbuilt: BTreeSet<String>,
    /// Each folder of `export/` whose files are reproducible, in the order of the renderers'
    /// list, with every file the build writes there compared.
    exports: Vec<(&'static str, Compared)>,
}

/// The engine's sink for verifying `export/`: each edition, as soon as it is built, is
/// rendered by every reproducible renderer and each output compared with its file in
/// `export/`; only the outcome is kept, and the edition's record. So memory holds the editions
/// being built, not the archive nor its outputs.
struct Compare<'a> {
    root: &'a Path,
    renderers: &'a [Box<dyn crate::render::Renderer>],
}

/// An edition compared: its record (text and blocks let go), its findings, and each output
/// by folder and name with what comparing it found.
struct EditionCompared {
    edition: crate::model::Edition,
    findings: Vec<Diagnostic>,
    outputs: Vec<(String, String, Option<Diagnostic>)>,
}

impl crate::engine::Sink for Compare<'_> {
    type Kept = EditionCompared;
    const PHASE: &'static str = "verifying";

    fn take(
        &self,
        ctx: &crate::render::RenderContext,
        built: crate::engine::Built,
        _: Option<&str>,
    ) -> Result<EditionCompared> {
        let item = crate::render::Item {
            edition: &built.edition,
            tei: &built.tei,
        };
        let mut outputs = Vec::new();
        for r in self.renderers {
            for output in r.edition(&item, ctx)? {
                outputs.push(compare_output(self.root, output));
            }
        }
        let crate::engine::Built { mut edition, .. } = built;
        edition.raw = Vec::new();
        edition.decoded = String::new();
        edition.text = String::new();
        edition.blocks = Vec::new();
        let findings = std::mem::take(&mut edition.findings);
        Ok(EditionCompared {
            edition,
            findings,
            outputs,
        })
    }

    fn findings(kept: &mut EditionCompared) -> Vec<Diagnostic> {
        std::mem::take(&mut kept.findings)
    }
}

/// One output of the build (its path relative to `export/`) against its file in `export/`:
/// its folder, its name there, and the finding when the file is there and differs.
fn compare_output(
    root: &Path,
    output: crate::render::Output,
) -> (String, String, Option<Diagnostic>) {
    let mut parts = output.path.iter();
    let dir = parts
        .next()
        .and_then(|d| d.to_str())
        .unwrap_or_default()
        .to_string();
    let name = parts.as_path().to_string_lossy().into_owned();
    let shown = Path::new(crate::layout::EXPORT_DIR).join(&output.path);
    let path = root.join(&shown);
    // A file not there is reported once its folder is listed (ED415, "is missing").
    let finding = if std::fs::symlink_metadata(&path).is_ok() {
        compare_file(&path, &shown, &output.bytes)
    } else {
        None
    };
    (dir, name, finding)
}

/// Checks the archive at `root` as `check` does, and compares with `export/` every file the
/// build writes now into each folder whose files are reproducible: every renderer of the
/// build's list, each edition's outputs rendered and compared as soon as it is built, then the
/// register's and the collection's.
fn check_and_compare(root: &Path) -> Result<Checked> {
    use crate::render::{RenderContext, Requested};
    let (config, _) = crate::load::config(root)?;
    let pdf = config.as_ref().is_none_or(|c| c.build.pdf);
    let renderers: Vec<_> = crate::render::renderers(Some(root), Requested { pdf })?
        .into_iter()
        .filter(|r| r.reproducible())
        .collect();
    let dirs = crate::render::export_dirs(&renderers);
    let checks = super::check::RecordChecks::new(root);
    let sink = Compare {
        root,
        renderers: &renderers,
    };
    let mut integrity = Vec::new();
    let run = crate::engine::run::run(
        root,
        &crate::progress::ignore,
        None,
        &checks,
        &sink,
        &mut |d| {
            if is_integrity(&d) {
                integrity.push(d);
            }
            Ok(())
        },
    )?;
    let archive = run.archive;
    let built: BTreeSet<&str> = run.kept.iter().map(|k| k.edition.id.as_str()).collect();
    let unbuilt = archive
        .editions
        .iter()
        .map(|e| e.id.clone())
        .filter(|id| !built.contains(id.as_str()))
        .collect();
    let mut out: BTreeMap<&str, Compared> = dirs.iter().map(|d| (*d, Compared::new())).collect();
    let mut file = |(dir, name, finding): (String, String, Option<Diagnostic>)| {
        if let Some(files) = out.get_mut(dir.as_str()) {
            files.insert(name, finding);
        }
    };
    let mut shells = Vec::with_capacity(run.kept.len());
    for kept in run.kept {
        kept.outputs.into_iter().for_each(&mut file);
        shells.push(kept.edition);
    }
    if let Some(config) = &archive.config {
        let ctx = RenderContext {
            config,
            register: &archive.register,
        };
        for output in renderers.iter().flat_map(|r| r.register(&ctx)) {
            file(compare_output(root, output));
        }
        let all: Vec<&crate::model::Edition> = shells.iter().collect();
        for r in &renderers {
            for output in r.collection(&all, &ctx)? {
                file(compare_output(root, output));
            }
        }
    }
    // In the order of the list.
    let exports = dirs
        .into_iter()
        .map(|d| (d, out.remove(d).unwrap_or_default()))
        .collect();
    Ok(Checked {
        archive,
        integrity,
        unbuilt,
        exports,
    })
}

/// Every file of a folder of `export/` against the build's bytes (ED415): changed, missing, or one
/// the build does not write. Editions that could not be built (their source is reported
/// already) are left out.
fn compare_exports(
    root: &Path,
    unbuilt: &BTreeSet<String>,
    folder: &str,
    expected: &Compared,
) -> Result<Vec<Diagnostic>> {
    let rel_dir = Path::new(crate::layout::EXPORT_DIR).join(folder);
    let dir = root.join(&rel_dir);
    let shown = |name: &str| rel_dir.join(name);
    let is_unbuilt = |name: &str| {
        Path::new(name)
            .file_stem()
            .is_some_and(|stem| unbuilt.contains(stem.to_string_lossy().as_ref()))
    };
    let mut present = BTreeSet::new();
    let mut out = Vec::new();
    if dir.is_dir() {
        for entry in std::fs::read_dir(&dir).map_err(Error::io(&dir))? {
            let entry = entry.map_err(Error::io(&dir))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            // editio's own temporary files are leftovers (ED606), not outputs.
            if super::leftovers::is_temporary(&name) {
                continue;
            }
            present.insert(name.clone());
            // The collection's index lists every edition: with one unbuilt, it differs because
            // of a fault already reported.
            if name == "index.html" && !unbuilt.is_empty() {
                continue;
            }
            let Some(compared) = expected.get(&name) else {
                if !is_unbuilt(&name) {
                    out.push(
                        Diagnostic::new(
                            codes::EXPORT_STALE,
                            Location::file(shown(&name)),
                            "the build writes no such file (left from a removed edition?)",
                        )
                        .with_help("remove it, or restore the edition it was built from"),
                    );
                }
                continue;
            };
            out.extend(compared.clone());
        }
    }
    for name in expected
        .keys()
        .filter(|n| !present.contains(*n) && (*n != "index.html" || unbuilt.is_empty()))
    {
        out.push(
            Diagnostic::new(
                codes::EXPORT_STALE,
                Location::file(shown(name)),
                "is missing: the build writes it",
            )
            .with_help("run `editio build`"),
        );
    }
    Ok(out)
}

/// One file of `export/` (shown as `shown`) against the bytes the build writes: a finding
/// naming the first byte that differs, or that it cannot be read; none when equal.
fn compare_file(path: &Path, shown: &Path, want: &[u8]) -> Option<Diagnostic> {
    match std::fs::read(path) {
        Ok(bytes) if bytes == *want => None,
        Ok(bytes) => {
            let at = bytes
                .iter()
                .zip(want.iter())
                .position(|(a, b)| a != b)
                .unwrap_or(bytes.len().min(want.len()));
            let mut loc = Location::file(shown);
            loc.offset = Some(at);
            Some(
                Diagnostic::new(
                    codes::EXPORT_STALE,
                    loc,
                    format!(
                        "differs from what the build writes ({} bytes on disk, {} expected; \
                         first difference at byte {at})",
                        bytes.len(),
                        want.len()
                    ),
                )
                .with_help("run `editio build` to rewrite it, after finding out why it changed"),
            )
        }
        Err(e) => Some(Diagnostic::new(
            codes::EXPORT_STALE,
            Location::file(shown),
            format!("cannot be read: {e}"),
        )),
    }
}

/// Each deposit's payload against its OCFL version (ED602, ED603), and each version's
/// deposit (ED604). `deposits` pairs each deposit with its SHA-512 payload manifest as the
/// bag validator read it.
fn consistency(
    root: &Path,
    archive: &crate::load::Archive,
    ocfl_dir: &Path,
    remote: Option<StorageRoot>,
    deposits: Vec<(&Path, Option<bagit::PayloadManifest>)>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let store = open_store(ocfl_dir, remote);
    let Some(config) = &archive.config else {
        return out;
    };
    let mut versions = Versions {
        store: store.as_ref(),
        config,
        read: BTreeMap::new(),
    };
    let mut seen: BTreeSet<(String, u32)> = BTreeSet::new();
    for (zip, manifest) in deposits {
        let shown = zip.strip_prefix(root).unwrap_or(zip).to_path_buf();
        let stem = zip
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some(manifest) = manifest else {
            out.push(Diagnostic::new(
                codes::DEPOSIT_ORPHAN,
                Location::file(&shown),
                "cannot be compared with its OCFL version: it has no readable manifest-sha512.txt",
            ));
            continue;
        };
        let Some(groups) = deposit_groups(&stem, &manifest) else {
            out.push(Diagnostic::new(
                codes::DEPOSIT_ORPHAN,
                Location::file(&shown),
                "the name is not <edition>-v<N>.zip: no OCFL version to compare with",
            ));
            continue;
        };
        for group in groups {
            if !stem.starts_with("collection-") {
                seen.insert((group.id.clone(), group.version));
            }
            match versions.sha512_state(&group.id, group.version) {
                Some(state) => compare_payload(&shown, &group, &state, &manifest, &mut out),
                None => out.push(Diagnostic::new(
                    codes::DEPOSIT_ORPHAN,
                    Location::file(&shown),
                    format!(
                        "holds version {n} of {id}, but export/ocfl has no such version (or \
                         it cannot be read, or does not use SHA-512)",
                        n = group.version,
                        id = group.id,
                    ),
                )),
            }
        }
    }
    if store.is_some() {
        missing_deposits(archive, &mut versions, &seen, &mut out);
    }
    out
}

/// The archive's storage root for reading: the remote one when given, else `export/ocfl` when
/// it is there. An existing root is only opened (read), never created.
fn open_store(ocfl_dir: &Path, remote: Option<StorageRoot>) -> Option<StorageRoot> {
    if let Some(r) = remote {
        Some(r)
    } else if ocfl_dir.join(ocfl::ROOT_DECLARATION).is_file() {
        StorageRoot::create_or_open(ocfl_dir).ok()
    } else {
        None
    }
}

/// The versions of each edition's OCFL object, read from the storage root once per edition.
struct Versions<'a> {
    store: Option<&'a StorageRoot>,
    config: &'a Config,
    read: BTreeMap<String, Vec<VersionInfo>>,
}

impl Versions<'_> {
    /// Every version of edition `id`; `None` when there is no storage root or the object
    /// cannot be read.
    fn of(&mut self, id: &str) -> Option<Vec<VersionInfo>> {
        if let Some(v) = self.read.get(id) {
            return Some(v.clone());
        }
        let v = self
            .store?
            .versions(&crate::layout::object_id(self.config, id))
            .ok()?;
        self.read.insert(id.to_string(), v.clone());
        Some(v)
    }

    /// The state (logical path -> digest) of version `n` of edition `id`, when it exists and
    /// uses SHA-512, the deposits' algorithm.
    fn sha512_state(&mut self, id: &str, n: u32) -> Option<BTreeMap<String, String>> {
        self.of(id)
            .and_then(|vs| vs.into_iter().find(|v| v.number == n))
            .filter(|v| v.algorithm == ocfl::digest::Algorithm::Sha512)
            .map(|v| v.state)
    }
}

/// One edition version held in a deposit, under `prefix` in its payload.
struct Group {
    id: String,
    version: u32,
    prefix: String,
}

/// The edition versions a deposit holds, from its name and manifest: a collection deposit
/// holds `data/<id>/v<N>/…` for each, an edition's deposit `<id>-v<N>.zip` holds one under
/// `data/`. `None` when the name says neither.
fn deposit_groups(stem: &str, manifest: &bagit::PayloadManifest) -> Option<Vec<Group>> {
    if stem.starts_with("collection-") {
        let mut g = BTreeSet::new();
        for p in manifest.keys() {
            let mut parts = p.splitn(4, '/');
            if let (Some("data"), Some(id), Some(v), Some(_)) =
                (parts.next(), parts.next(), parts.next(), parts.next())
                && let Some(n) = v.strip_prefix('v').and_then(|n| n.parse::<u32>().ok())
            {
                g.insert((id.to_string(), n, format!("data/{id}/{v}/")));
            }
        }
        return Some(
            g.into_iter()
                .map(|(id, version, prefix)| Group {
                    id,
                    version,
                    prefix,
                })
                .collect(),
        );
    }
    let (id, n) = stem
        .rsplit_once("-v")
        .and_then(|(id, n)| Some((id.to_string(), n.parse::<u32>().ok()?)))?;
    Some(vec![Group {
        id,
        version: n,
        prefix: "data/".to_string(),
    }])
}

/// A deposit's payload under `group.prefix` against the state of its OCFL version (ED603):
/// each file the version has must be in the deposit with the same SHA-512, and no other.
fn compare_payload(
    shown: &Path,
    group: &Group,
    state: &BTreeMap<String, String>,
    manifest: &bagit::PayloadManifest,
    out: &mut Vec<Diagnostic>,
) {
    let Group {
        id,
        version: n,
        prefix,
    } = group;
    let payload: BTreeMap<&str, &String> = manifest
        .iter()
        .filter_map(|(p, d)| p.strip_prefix(prefix.as_str()).map(|l| (l, d)))
        .collect();
    for (logical, digest) in state {
        let file = shown.join(format!("{prefix}{logical}"));
        match payload.get(logical.as_str()) {
            None => out.push(Diagnostic::new(
                codes::DEPOSIT_MISMATCH,
                Location::file(file),
                format!("version {n} of {id} has {logical}, the deposit does not"),
            )),
            Some(d) if !d.eq_ignore_ascii_case(digest) => out.push(Diagnostic::new(
                codes::DEPOSIT_MISMATCH,
                Location::file(file),
                format!("the deposit's SHA-512 of {logical} differs from version {n} of {id}"),
            )),
            Some(_) => {}
        }
    }
    for logical in payload.keys().filter(|l| !state.contains_key(**l)) {
        out.push(Diagnostic::new(
            codes::DEPOSIT_MISMATCH,
            Location::file(shown.join(format!("{prefix}{logical}"))),
            format!("the deposit has {logical}, version {n} of {id} does not"),
        ));
    }
}

/// Every version of every edition whose deposit was not `seen` (ED604).
fn missing_deposits(
    archive: &crate::load::Archive,
    versions: &mut Versions<'_>,
    seen: &BTreeSet<(String, u32)>,
    out: &mut Vec<Diagnostic>,
) {
    for e in &archive.editions {
        for v in versions.of(&e.id).unwrap_or_default() {
            if !seen.contains(&(e.id.clone(), v.number)) {
                let name = format!("{}-v{}.zip", e.id, v.number);
                out.push(
                    Diagnostic::new(
                        codes::DEPOSIT_MISSING,
                        Location::file(Path::new(crate::layout::DEPOSIT_DIR).join(&name)),
                        format!("version {} of {} has no deposit {name}", v.number, e.id),
                    )
                    .with_help("`editio release` rewrites the deposit of a head version"),
                );
            }
        }
    }
}

/// Whether a finding in `target` concerns edition `id`: it names the edition, or a path of it
/// (its folder, its export files, its OCFL object, its deposits).
fn concerns(d: &Diagnostic, target: &Target, id: &str) -> bool {
    if d.edition.as_deref() == Some(id) {
        return true;
    }
    let encoded = format!("%3a{id}");
    let version = format!("{id}-v");
    let named = |p: &Path| {
        p.components().any(|c| {
            let c = c.as_os_str().to_string_lossy();
            c == id
                || c.ends_with(&encoded)
                || c.starts_with(&version)
                || Path::new(c.as_ref()).file_stem().is_some_and(|s| s == id)
        })
    };
    named(&d.location.path) || named(&target.path)
}

/// Records the outcome of a whole-archive verification in each edition's event log
/// (`events.toml`) as a PREMIS fixity check, so that the edition's next version carries it.
/// Returns each edition with whether it was found intact.
pub fn record(
    root: &Path,
    report: &Report,
    when: time::OffsetDateTime,
) -> Result<Vec<(String, bool)>> {
    use time::format_description::well_known::Rfc3339;
    let (archive, _) = crate::load::archive(root)?;
    let date = when.format(&Rfc3339).map_err(|e| Error::Time {
        what: "the verification time".into(),
        reason: e.to_string(),
    })?;
    let mut out = Vec::new();
    for e in archive.editions.iter().filter(|e| e.record.is_some()) {
        let problems: Vec<String> = report
            .targets
            .iter()
            .flat_map(|t| t.diagnostics.iter().map(move |d| (t, d)))
            .filter(|(t, d)| d.is_error() && concerns(d, t, &e.id))
            .map(|(_, d)| format!("{} {}", d.code.id, d.location))
            .collect();
        let ok = problems.is_empty();
        let detail = if ok {
            format!(
                "editio verify: source.txt matches its recorded SHA-256 and size; the exports, \
                 OCFL versions and deposits of the archive were checked ({} items) and found intact",
                report.targets.len()
            )
        } else {
            format!(
                "editio verify found {} problem(s): {}",
                problems.len(),
                problems
                    .iter()
                    .take(5)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        };
        append_event(
            &e.dir,
            LoggedEvent {
                date: date.clone(),
                kind: "fixity check".into(),
                outcome: if ok { "success" } else { "failure" }.into(),
                detail,
                agent: crate::AGENT.into(),
            },
        )?;
        out.push((e.id.clone(), ok));
    }
    Ok(out)
}

/// Adds an event to the log of the edition in `dir`, rewriting the file atomically.
fn append_event(dir: &Path, event: LoggedEvent) -> Result<()> {
    let mut log = crate::load::events::read(dir)?;
    log.event.push(event);
    let mut text = String::from(
        "# Events of this edition recorded by `editio verify --record`; the next release\n\
         # carries them into its PREMIS log. Written by editio: do not edit.\n\n",
    );
    let path = dir.join(crate::load::EVENTS_FILE);
    text.push_str(&toml::to_string(&log).map_err(|source| Error::Serialize {
        path: path.clone(),
        source,
    })?);
    crate::archive::write::atomic(&path, text.as_bytes())
}

/// Verifies a storage root in object storage, or one object of it (`object`), with the codes
/// of a storage root or object on disk: every stored object is read (several at once,
/// streamed), every digest checked. An unreachable store is an error, not a finding: the
/// verdict would be unfounded. `progress` is told what is verified, then the objects read.
pub fn verify_remote(
    root: &StorageRoot,
    object: Option<&str>,
    fast: bool,
    progress: OnProgress,
) -> Result<Target> {
    let path = PathBuf::from(match object {
        Some(id) => root.storage().location(&root.object_key(id)),
        None => root.location(),
    });
    let kind = if object.is_some() {
        Kind::OcflObject
    } else {
        Kind::OcflStorageRoot
    };
    progress(Progress::Working {
        on: &path,
        what: kind.describe(),
    });
    let diagnostics = root.validate(object, fast, progress)?;
    Ok(Target {
        path,
        kind,
        diagnostics,
    })
}

/// Verifies a deposit zip in object storage (`key` in `storage`) as a zip on disk is verified,
/// with the same codes; findings name the object (`s3://bucket/prefix/name.zip/...`). A zip is
/// read from its end (its central directory) and by offsets, so the object is first streamed
/// into a temporary file, removed afterwards. `progress` is told which zip is read.
pub fn verify_remote_zip(
    storage: &dyn crate::archive::storage::Storage,
    key: &str,
    opts: &Options,
    progress: OnProgress,
) -> Result<Target> {
    let dir = crate::archive::scratch::Scratch::new("verify")?;
    let name = key.rsplit('/').next().unwrap_or(key);
    let local = dir.path().join(name);
    let location = storage.location(key);
    progress(Progress::Working {
        on: Path::new(&location),
        what: "reading the zip",
    });
    ocfl::store::download(storage, key, &local)?;
    let diagnostics = verify_one(&local, Kind::BagZip, opts)?
        .into_iter()
        .map(|mut d| {
            if let Ok(rest) = d.location.path.strip_prefix(&local) {
                d.location.path = if rest.as_os_str().is_empty() {
                    PathBuf::from(&location)
                } else {
                    PathBuf::from(&location).join(rest)
                };
            }
            let shown = local.display().to_string();
            if d.message.contains(&shown) {
                d.message = d.message.replace(&shown, &location);
            }
            d
        })
        .collect();
    Ok(Target {
        path: PathBuf::from(location),
        kind: Kind::BagZip,
        diagnostics,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_things_are_findings() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(detect(dir.path()).unwrap(), Kind::Unknown);
        let f = dir.path().join("notes.txt");
        std::fs::write(&f, "hello").unwrap();
        assert_eq!(detect(&f).unwrap(), Kind::Unknown);
        assert!(detect(&dir.path().join("absent")).is_err());
        let r = verify_paths(std::slice::from_ref(&f), &Options::default(), &|_| {}).unwrap();
        assert_eq!(r.targets[0].diagnostics[0].code, codes::VERIFY_UNKNOWN);
    }
}
