//! The build cache: what `editio build` made of each edition last time, so that the next build
//! redoes only the editions whose inputs changed. An edition is reused when the hash of
//! everything its outputs depend on (its folder's files, the register, the settings, the
//! templates and editio itself) is the one recorded, and its outputs still hold the bytes
//! recorded; then its passes and renderers are skipped and its findings are taken from
//! the cache. The cache lives in `export/.build-cache/` (one small file per edition, so that a
//! build rewrites only the records of the editions it built), is not committed, and is only a
//! shortcut: a missing, unreadable or stale record means that edition is built. `check` and
//! `verify` never use it.

use crate::archive::digest::{self, Algorithm, MultiHasher};
use crate::diagnostic::{Diagnostic, Location, Severity, codes};
use crate::load::{EditionDir, REGISTER_DIR, SOURCE_FILE};
use crate::model::edition::NameKind;
use crate::model::register::{Entry, Named, Register};
use crate::passes::names::{Buffer, Names};
use crate::render::html::TEMPLATE_DIR;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use crate::layout::CACHE_DIR;

/// The file of what the editions share, in the cache's folder.
const COMMON_FILE: &str = "build.json";
/// The register as last read, in the cache's folder (see [`Cache::register`]).
const REGISTER_FILE: &str = "register.bin";
/// The names pass's tables as last built, in the cache's folder (see [`Cache::names`]).
const NAMES_FILE: &str = "names.bin";
/// The folder of the editions' records, in the cache's folder: [`record_file`] each.
pub const EDITIONS: &str = "editions";
/// What an earlier editio kept in the cache's folder and this one neither reads nor writes: the
/// register as JSON, and in [`EDITIONS`], each edition's record as JSON (`<id>.json`).
const FORMER_REGISTER_FILE: &str = "register.json";
const FORMER_RECORD_EXTENSION: &str = "json";

/// The name of edition `id`'s record in [`EDITIONS`]: a [`CachedEdition`] in postcard, which
/// reads back many times faster than JSON (a build with little to do reads every record).
pub fn record_file(id: &str) -> String {
    format!("{id}.bin")
}

/// What one build recorded of what every edition shares.
#[derive(Debug, Default, Serialize, Deserialize)]
struct BuildCache<'a> {
    /// Hash of what every edition depends on (settings, register, templates, editio): a cache
    /// written under another one is not used.
    common: String,
    /// The files made from the register and the settings alone (`export/tei/register.xml`),
    /// relative to the archive root, with the SHA-256 of each as written.
    #[serde(default)]
    register: Option<BTreeMap<String, String>>,
    /// The size and modification time of each of those files when the build that recorded
    /// them ended: a file whose size and time are still these is taken to hold the bytes
    /// recorded, as for the editions' outputs. Any other is hashed.
    #[serde(default)]
    register_stamps: BTreeMap<String, Stamp>,
    /// The findings of reading the register, so that a build which needs nothing else of it
    /// does not read it.
    #[serde(default)]
    register_findings: Option<Vec<CachedFinding<'a>>>,
    /// The running program's SHA-256 as last computed (see [`program_digest`]).
    #[serde(default)]
    program: Option<Program>,
}

/// The SHA-256 of the program at `path` when its size and modification time were `stamp`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Program {
    path: PathBuf,
    stamp: Stamp,
    sha256: String,
}

/// One edition as last built: what says whether it can be reused, then its findings. The
/// head is read alone when the findings are only counted (see [`Cache::listing_warnings`]).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CachedEdition<'a> {
    head: CachedHead,
    /// The findings of the passes and the fidelity check.
    findings: Vec<CachedFinding<'a>>,
}

/// What a record of [`CachedEdition`] starts with.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct CachedHead {
    /// Hash of the edition's own inputs, with the common hash (so a record written under other
    /// settings, register, templates or editio never matches).
    input: String,
    /// Every output file (relative to the archive root, `/`-separated) and its SHA-256.
    outputs: BTreeMap<String, String>,
    /// The size and modification time (nanoseconds since 1970) of each output as written: an
    /// output whose size and time are still these is taken to hold the bytes recorded, as
    /// make and cargo do, without reading it. Any other is hashed.
    #[serde(default)]
    stamps: BTreeMap<String, Stamp>,
    /// How many of the findings are errors, and how many warnings.
    errors: usize,
    warnings: usize,
}

/// A finding as the cache keeps it. Written, it borrows the finding's strings (a build
/// records every finding of every edition); read, it owns them.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct CachedFinding<'a> {
    code: Cow<'a, str>,
    error: bool,
    edition: Option<Cow<'a, str>>,
    /// Relative to the archive root when it lies inside it.
    path: Cow<'a, Path>,
    line: Option<usize>,
    column: Option<usize>,
    offset: Option<usize>,
    message: Cow<'a, str>,
    help: Option<Cow<'a, str>>,
}

impl<'a> CachedFinding<'a> {
    fn from(d: &'a Diagnostic, root: &Path) -> Self {
        CachedFinding {
            code: Cow::Borrowed(d.code.id),
            error: d.severity == Severity::Error,
            edition: d.edition.as_deref().map(Cow::Borrowed),
            path: Cow::Borrowed(
                d.location
                    .path
                    .strip_prefix(root)
                    .unwrap_or(&d.location.path),
            ),
            line: d.location.line,
            column: d.location.column,
            offset: d.location.offset,
            message: Cow::Borrowed(&d.message),
            help: d.help.as_deref().map(Cow::Borrowed),
        }
    }

    /// The finding again; `None` for a code this editio does not know.
    fn to_diagnostic(&self, root: &Path) -> Option<Diagnostic> {
        self.clone().into_diagnostic(root)
    }

    /// [`CachedFinding::to_diagnostic`], taking the finding's strings rather than copying them.
    fn into_diagnostic(self, root: &Path) -> Option<Diagnostic> {
        let code = *codes::ALL.iter().find(|c| c.id == self.code)?;
        let path = if self.path.is_relative() {
            root.join(&self.path)
        } else {
            self.path.into_owned()
        };
        Some(Diagnostic {
            code,
            severity: if self.error {
                Severity::Error
            } else {
                Severity::Warning
            },
            edition: self.edition.map(Cow::into_owned),
            location: Location {
                path,
                line: self.line,
                column: self.column,
                offset: self.offset,
            },
            message: self.message.into_owned(),
            help: self.help.map(Cow::into_owned),
        })
    }
}

/// The cache of the archive at `root`, ready for lookups during one build.
pub struct Cache {
    root: PathBuf,
    common: String,
    old: BuildCache<'static>,
    /// The running program's SHA-256, to record.
    program: Program,
    /// Whether the cache was written under another hash (by another editio, or with other
    /// settings), or not at all.
    fresh: bool,
    /// Whether the run lists warnings, or only counts them (`-q`): a reused edition's
    /// warnings are then counted from its record without being read.
    list_warnings: bool,
}

/// An edition whose outputs are reused, with its findings.
#[derive(Debug)]
pub struct Reused {
    pub findings: Vec<Diagnostic>,
    /// Its warnings that are counted but not listed (see [`Cache::listing_warnings`]).
    pub unlisted_warnings: usize,
    /// Its outputs, relative to the archive root.
    pub outputs: Vec<PathBuf>,
}

impl Cache {
    /// Reads the cache of the archive at `root`; `None` when editio cannot tell what the
    /// editions depend on (then every edition is built).
    pub fn open(root: &Path, pdf: bool) -> Option<Cache> {
        let old = std::fs::read(cache_dir(root).join(COMMON_FILE))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<BuildCache>(&bytes).ok())
            .unwrap_or_default();
        let program = program_digest(old.program.as_ref())?;
        let common = common_hash(root, pdf, &program.sha256)?;
        let fresh = old.common != common;
        let old = if fresh { BuildCache::default() } else { old };
        Some(Cache {
            root: root.to_path_buf(),
            common,
            old,
            program,
            fresh,
            list_warnings: true,
        })
    }

    /// The cache for a run that lists warnings (`true`, the default) or only counts them: then
    /// a reused edition's warnings are counted from its record ([`Reused::unlisted_warnings`])
    /// without being read, unless it has errors, which are always listed.
    pub fn listing_warnings(mut self, list: bool) -> Self {
        self.list_warnings = list;
        self
    }

    /// The hash of everything `edition`'s outputs depend on, given its source's bytes as read
    /// (the source is not read again); `None` if a file cannot be read.
    pub fn input_hash(&self, edition: &EditionDir, source: &[u8]) -> Option<String> {
        let mut h = Hasher::new();
        feed(&mut h, self.common.as_bytes());
        feed(&mut h, edition.id.as_bytes());
        let mut known = vec![(SOURCE_FILE, source)];
        known.extend(
            (edition.record_text.as_deref()).map(|t| (crate::load::RECORD_FILE, t.as_bytes())),
        );
        hash_folder(&mut h, &edition.dir, &known)?;
        Some(h.finish())
    }

    /// The cached build of an edition whose inputs hash to `input`, if its outputs on disk are
    /// still the ones recorded.
    pub fn lookup(&self, id: &str, input: &str) -> Option<Reused> {
        let bytes = std::fs::read(self.edition_path(id)).ok()?;
        let (entry, rest) = postcard::take_from_bytes::<CachedHead>(&bytes).ok()?;
        if entry.input != input || entry.outputs.is_empty() {
            return None;
        }
        for (path, sha) in &entry.outputs {
            let file = self.root.join(path);
            if entry
                .stamps
                .get(path)
                .is_some_and(|s| stamp(&file) == Some(*s))
            {
                continue;
            }
            let (_, found) = digest::sha256_file(&file).ok()?;
            if found != *sha {
                return None;
            }
        }
        let outputs = entry.outputs.keys().map(PathBuf::from).collect();
        if !self.list_warnings && entry.errors == 0 {
            return Some(Reused {
                findings: Vec::new(),
                unlisted_warnings: entry.warnings,
                outputs,
            });
        }
        let findings = postcard::from_bytes::<Vec<CachedFinding>>(rest)
            .ok()?
            .into_iter()
            .map(|f| f.into_diagnostic(&self.root))
            .collect::<Option<Vec<_>>>()?;
        Some(Reused {
            findings,
            unlisted_warnings: 0,
            outputs,
        })
    }

    /// The files made from the register, with their SHA-256, when each still holds the
    /// bytes recorded (then they need not be rendered again: they depend only on what the
    /// cache's common hash covers).
    pub fn register_unchanged(&self) -> Option<BTreeMap<String, String>> {
        let recorded = self.old.register.as_ref()?;
        for (path, sha) in recorded {
            let file = self.root.join(path);
            if self
                .old
                .register_stamps
                .get(path)
                .is_some_and(|s| stamp(&file) == Some(*s))
            {
                continue;
            }
            let (_, found) = digest::sha256_file(&file).ok()?;
            if found != *sha {
                return None;
            }
        }
        Some(recorded.clone())
    }

    /// The files made from the register and its findings, when neither needs the register to
    /// be read again: the files are the ones recorded and the findings were recorded.
    pub fn register_reuse(&self) -> Option<(BTreeMap<String, String>, Vec<Diagnostic>)> {
        let findings = self.register_findings()?;
        Some((self.register_unchanged()?, findings))
    }

    /// The register as the last build read it, with its findings, when the register files
    /// did not change since (see [`REGISTER_FILE`]). Its entries are read from the file as
    /// they are looked up (see [`KeptRegister`]): a build of one edition reads the few its
    /// edition names, not the whole register.
    pub fn register(&self) -> Option<(Register, Vec<Diagnostic>)> {
        let findings = self.register_findings()?;
        let bytes = std::fs::read(cache_dir(&self.root).join(REGISTER_FILE)).ok()?;
        let (kept, history) = KeptRegister::new(bytes, &self.common)?;
        Some((Register::kept(std::sync::Arc::new(kept), history), findings))
    }

    /// Keeps `register` for the next build that needs it (see [`KeptRegister`]). A register
    /// that cannot be written is left out: the next build reads the TOML.
    pub fn save_register(&self, register: &Register) {
        let Some(bytes) = KeptRegister::bytes(register, &self.common) else {
            return;
        };
        let path = cache_dir(&self.root).join(REGISTER_FILE);
        let _ = crate::archive::write::atomic_with(&path, |file| {
            std::io::Write::write_all(file, &bytes)
        });
    }

    /// The names pass as the last build made it from the register, when the register (and
    /// everything else the common hash covers, editio included) is unchanged since and the
    /// file holds exactly the bytes written. Making the pass's tables takes most of the time
    /// of a build of one edition in a large archive (transliterating and capitalising every
    /// form of the register); reading them back takes a few milliseconds. A missing, stale or
    /// damaged file gives `None`: the pass is made from the register and the file rewritten.
    pub fn names(&self) -> Option<Names> {
        let bytes = std::fs::read(cache_dir(&self.root).join(NAMES_FILE)).ok()?;
        let (crc, tables) = bytes.split_first_chunk::<4>()?;
        if u32::from_le_bytes(*crc) != crc32fast::hash(tables) {
            return None;
        }
        Names::from_bytes(tables, &self.common)
    }

    /// Keeps the names pass's tables for the next build that needs them: the file is the
    /// CRC-32 of the rest (four bytes, least significant first), then the tables under the
    /// common hash. The CRC finds a damaged copy (any burst of up to 32 changed bits, and all
    /// but one in 4 billion other damage) at several GB/s, where a SHA-256 of the tables was a
    /// tenth of a build of one edition; the cache guards against damage, not against a forger
    /// (who could as well rewrite the checksum). Tables that cannot be written are left out:
    /// the next build makes them again.
    pub fn save_names(&self, names: &Names) {
        let Some(tables) = names.to_bytes(&self.common) else {
            return;
        };
        let crc = crc32fast::hash(&tables).to_le_bytes();
        let path = cache_dir(&self.root).join(NAMES_FILE);
        let _ = crate::archive::write::atomic_with(&path, |file| {
            std::io::Write::write_all(file, &crc)?;
            std::io::Write::write_all(file, &tables)
        });
    }

    /// The findings of reading the register, as recorded.
    pub fn register_findings(&self) -> Option<Vec<Diagnostic>> {
        self.old
            .register_findings
            .as_ref()?
            .iter()
            .map(|f| f.to_diagnostic(&self.root))
            .collect()
    }

    /// A cache entry for an edition just built from inputs hashing to `input`, with the
    /// outputs it wrote (paths relative to the archive root, the SHA-256 of the bytes written
    /// and the files' size and time) and its findings. `None` for a path that cannot be
    /// recorded.
    pub fn entry<'a>(
        &self,
        input: &str,
        outputs: &[(PathBuf, String, Option<Stamp>)],
        findings: &'a [Diagnostic],
    ) -> Option<CachedEdition<'a>> {
        let mut hashed = BTreeMap::new();
        let mut stamps = BTreeMap::new();
        for (path, sha, stamp) in outputs {
            let name = slash_path(path)?;
            if let Some(s) = stamp {
                stamps.insert(name.clone(), *s);
            }
            hashed.insert(name, sha.clone());
        }
        let errors = findings.iter().filter(|d| d.is_error()).count();
        Some(CachedEdition {
            head: CachedHead {
                input: input.to_string(),
                outputs: hashed,
                stamps,
                errors,
                warnings: findings.len() - errors,
            },
            findings: findings
                .iter()
                .map(|d| CachedFinding::from(d, &self.root))
                .collect(),
        })
    }

    /// Stages the record of edition `id` (put in place with the edition's outputs); `None`
    /// when the record on disk is the same, or cannot be written (the edition is then built
    /// again next time).
    pub fn stage(
        &self,
        id: &str,
        entry: &CachedEdition<'_>,
    ) -> Option<crate::archive::write::Staged> {
        let bytes = postcard::serialize_with_flavor(entry, Buffer(Vec::new())).ok()?;
        crate::archive::write::stage_if_changed(&self.edition_path(id), &bytes)
            .ok()
            .flatten()
    }

    /// Records what the editions share: the register's TEI hash and its findings. A cache that
    /// cannot be written is left out: the next build is then a full one.
    pub fn save(
        &self,
        register: Option<BTreeMap<String, String>>,
        register_findings: &[Diagnostic],
    ) {
        // The files were written or found to hold the recorded bytes by this build.
        let register_stamps = register
            .iter()
            .flatten()
            .filter_map(|(path, _)| Some((path.clone(), stamp(&self.root.join(path))?)))
            .collect();
        let cache = BuildCache {
            common: self.common.clone(),
            register,
            register_stamps,
            register_findings: Some(
                register_findings
                    .iter()
                    .map(|d| CachedFinding::from(d, &self.root))
                    .collect(),
            ),
            program: Some(self.program.clone()),
        };
        let dir = cache_dir(&self.root);
        if let Ok(bytes) = serde_json::to_vec(&cache) {
            let _ = crate::archive::write::if_changed(&dir.join(COMMON_FILE), &bytes);
        }
        // A cache under another hash may be an earlier editio's (a new editio is a new hash):
        // its files that nothing reads any more go, once this build has written its own.
        if self.fresh {
            remove_former_files(&dir);
        }
    }

    fn edition_path(&self, id: &str) -> PathBuf {
        cache_dir(&self.root).join(EDITIONS).join(record_file(id))
    }
}

/// Removes what an earlier editio kept in the cache's folder `dir` and this one does not read
/// ([`FORMER_REGISTER_FILE`], the records named `<id>.json`). What cannot be removed stays:
/// the cache is only a shortcut, and nothing reads those files.
fn remove_former_files(dir: &Path) {
    let _ = std::fs::remove_file(dir.join(FORMER_REGISTER_FILE));
    let Ok(records) = std::fs::read_dir(dir.join(EDITIONS)) else {
        return;
    };
    for entry in records.flatten() {
        let path = entry.path();
        if path
            .extension()
            .is_some_and(|e| e == FORMER_RECORD_EXTENSION)
        {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// A file's size and modification time, in nanoseconds since 1970.
pub type Stamp = (u64, i128);

/// The [`Stamp`] of the file at `path`.
pub fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    let since = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some((meta.len(), i128::try_from(since.as_nanos()).ok()?))
}

/// The register as the cache keeps it (`register.bin`), valid for the common hash it was
/// written under: each entry apart, in postcard, so that one can be read without the others.
/// The file is the CRC-32 of the rest (four bytes, least significant first), then a
/// [`RegisterHead`] in postcard, then the keys one after the other, then the entries one after
/// the other. A damaged or stale file is not read (the build reads the TOML instead).
#[derive(Debug)]
struct KeptRegister {
    /// The whole file.
    bytes: Vec<u8>,
    /// Where the keys start in `bytes`, one after the other.
    keys_at: usize,
    /// Where each key ends, counted from `keys_at`.
    key_ends: Vec<u32>,
    /// Where the entries start in `bytes`.
    entries_at: usize,
    /// Where each entry ends, counted from `entries_at`.
    entry_ends: Vec<u32>,
}

/// What comes first in `register.bin`, after its checksum.
#[derive(Serialize, Deserialize)]
struct RegisterHead {
    common: String,
    /// The register's history, as JSON (a few lines; it is no part of the time).
    history: String,
    key_ends: Vec<u32>,
    entry_ends: Vec<u32>,
}

impl KeptRegister {
    /// The file's bytes for `register` under the common hash `common`.
    fn bytes(register: &Register, common: &str) -> Option<Vec<u8>> {
        let mut keys = String::new();
        let mut entries = Vec::new();
        let mut head = RegisterHead {
            common: common.to_string(),
            history: serde_json::to_string(&register.history).ok()?,
            key_ends: Vec::new(),
            entry_ends: Vec::new(),
        };
        for named in register.entries() {
            keys.push_str(&named.entry.key);
            head.key_ends.push(u32::try_from(keys.len()).ok()?);
            let entry = (named.kind, KeptEntry::from(named.entry.clone()));
            entries = postcard::serialize_with_flavor(&entry, Buffer(entries)).ok()?;
            head.entry_ends.push(u32::try_from(entries.len()).ok()?);
        }
        let mut out = vec![0; 4];
        out = postcard::serialize_with_flavor(&head, Buffer(out)).ok()?;
        out.extend_from_slice(keys.as_bytes());
        out.extend_from_slice(&entries);
        let crc = crc32fast::hash(&out[4..]);
        out[..4].copy_from_slice(&crc.to_le_bytes());
        Some(out)
    }

    /// The register in `bytes`, with its history, if the file is whole, was written under
    /// `common`, and its places are in order and inside the file.
    fn new(
        bytes: Vec<u8>,
        common: &str,
    ) -> Option<(KeptRegister, Vec<crate::model::record::Change>)> {
        let (crc, rest) = bytes.split_first_chunk::<4>()?;
        if u32::from_le_bytes(*crc) != crc32fast::hash(rest) {
            return None;
        }
        let (head, after) = postcard::take_from_bytes::<RegisterHead>(rest).ok()?;
        if head.common != common || head.key_ends.len() != head.entry_ends.len() {
            return None;
        }
        let keys_at = bytes.len() - after.len();
        let keys_len = head.key_ends.last().map_or(0, |&e| e as usize);
        let entries_len = head.entry_ends.last().map_or(0, |&e| e as usize);
        if keys_len + entries_len != after.len() || !is_sorted(&head.entry_ends) {
            return None;
        }
        let history = serde_json::from_str(&head.history).ok()?;
        let kept = KeptRegister {
            keys_at,
            key_ends: head.key_ends,
            entries_at: keys_at + keys_len,
            entry_ends: head.entry_ends,
            bytes,
        };
        // Every key is text, and the keys are in order (they are searched).
        let mut previous: Option<&str> = None;
        for i in 0..kept.key_ends.len() {
            let key = kept.key_text(i)?;
            if previous.is_some_and(|p| p >= key) {
                return None;
            }
            previous = Some(key);
        }
        Some((kept, history))
    }

    /// Key `i`, if it is text.
    fn key_text(&self, i: usize) -> Option<&str> {
        let start = match i {
            0 => 0,
            _ => *self.key_ends.get(i - 1)? as usize,
        };
        let end = *self.key_ends.get(i)? as usize;
        let bytes = self.bytes.get(self.keys_at + start..self.keys_at + end)?;
        std::str::from_utf8(bytes).ok()
    }
}

/// Whether `ends` never goes down.
fn is_sorted(ends: &[u32]) -> bool {
    ends.windows(2).all(|w| w[0] <= w[1])
}

impl crate::model::register::EntrySource for KeptRegister {
    fn len(&self) -> usize {
        self.key_ends.len()
    }

    fn key(&self, i: usize) -> &str {
        self.key_text(i).unwrap_or_default()
    }

    fn read(&self, i: usize) -> Option<Named> {
        let start = match i {
            0 => 0,
            _ => *self.entry_ends.get(i - 1)? as usize,
        };
        let end = *self.entry_ends.get(i)? as usize;
        let bytes = self
            .bytes
            .get(self.entries_at + start..self.entries_at + end)?;
        let (kind, entry) = postcard::from_bytes::<(NameKind, KeptEntry)>(bytes).ok()?;
        Some(Named {
            kind,
            entry: entry.into(),
        })
    }
}

/// A register entry as the cache keeps it: every field, always. The register's own type
/// leaves out empty fields when it is written (as its TOML files do), which a format without
/// field names, such as postcard, cannot read back.
#[derive(Serialize, Deserialize)]
struct KeptEntry {
    key: String,
    name: String,
    sort: Option<String>,
    original: Option<String>,
    original_lang: Option<String>,
    form_lang: BTreeMap<String, String>,
    pseudonyms: Vec<String>,
    birth_name: Option<String>,
    forms: Vec<String>,
    slips: Vec<String>,
    kind: Option<String>,
    born: Option<String>,
    died: Option<String>,
    founded: Option<String>,
    dissolved: Option<String>,
    date: Option<String>,
    author: Option<String>,
    description: String,
    wikidata: Option<String>,
    viaf: Option<String>,
    geonames: Option<String>,
    geo: Option<String>,
    note: Option<String>,
    cert: Option<String>,
}

/// Both ways between [`Entry`] and [`KeptEntry`], field by field: taken apart whole, so that a
/// field added to one and not the other does not compile.
macro_rules! kept_entry {
    ($($field:ident),* $(,)?) => {
        impl From<Entry> for KeptEntry {
            fn from(e: Entry) -> Self {
                let Entry { $($field),* } = e;
                KeptEntry { $($field),* }
            }
        }
        impl From<KeptEntry> for Entry {
            fn from(e: KeptEntry) -> Self {
                let KeptEntry { $($field),* } = e;
                Entry { $($field),* }
            }
        }
    };
}

kept_entry!(
    key,
    name,
    sort,
    original,
    original_lang,
    form_lang,
    pseudonyms,
    birth_name,
    forms,
    slips,
    kind,
    born,
    died,
    founded,
    dissolved,
    date,
    author,
    description,
    wikidata,
    viaf,
    geonames,
    geo,
    note,
    cert,
);

fn cache_dir(root: &Path) -> PathBuf {
    root.join(super::EXPORT_DIR).join(CACHE_DIR)
}

pub fn slash_path(path: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = path.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

/// A SHA-256 fed in pieces.
struct Hasher(MultiHasher<Algorithm>);

impl Hasher {
    fn new() -> Self {
        Hasher(MultiHasher::new(&[Algorithm::Sha256]))
    }
    fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
    fn finish(self) -> String {
        self.0.finish().1.pop().map(|(_, d)| d).unwrap_or_default()
    }
}

/// Length-prefixed, so that no two different sequences of inputs hash alike.
fn feed(h: &mut Hasher, bytes: &[u8]) {
    h.update(&(bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

/// Every file directly in `dir` (names and bytes, in name order); nothing for a missing folder.
/// `known` gives the bytes of files already read, by name.
fn hash_folder(h: &mut Hasher, dir: &Path, known: &[(&str, &[u8])]) -> Option<()> {
    let Ok(read) = std::fs::read_dir(dir) else {
        // A folder that is not there is an input too (none); one that cannot be read is not
        // known.
        feed(h, b"");
        return if dir.exists() { None } else { Some(()) };
    };
    let mut files = Vec::new();
    for entry in read {
        let path = entry.ok()?.path();
        if path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    feed(h, &(files.len() as u64).to_le_bytes());
    for path in files {
        let name = path.file_name()?;
        feed(h, name.as_encoded_bytes());
        match known.iter().find(|(k, _)| name == *k) {
            Some((_, bytes)) => feed(h, bytes),
            None => feed(h, &std::fs::read(&path).ok()?),
        }
    }
    Some(())
}

/// The SHA-256 of the running program: `kept` (what the last build recorded) while the
/// program's path, size and modification time are the ones recorded with it, as make and cargo
/// trust a file's time; else read again. Hashing the program (some 80 MB, the PDF fonts
/// included) was a third of a build that reuses all but one edition.
fn program_digest(kept: Option<&Program>) -> Option<Program> {
    let path = std::env::current_exe().ok()?;
    let now = stamp(&path)?;
    if let Some(kept) = kept.filter(|k| k.path == path && k.stamp == now) {
        return Some(kept.clone());
    }
    let (_, sha256) = digest::sha256_file(&path).ok()?;
    // A program replaced while it was read is read again next time.
    (stamp(&path)? == now).then_some(Program {
        path,
        stamp: now,
        sha256,
    })
}

/// What every edition depends on: editio itself (its version and `program`, the SHA-256 of the
/// running program, so that a rebuilt editio never reuses another's outputs), the settings,
/// the register and the templates.
fn common_hash(root: &Path, pdf: bool, program: &str) -> Option<String> {
    let mut h = Hasher::new();
    feed(&mut h, env!("CARGO_PKG_VERSION").as_bytes());
    // A build without PDFs must not stand in for one with them, nor the other way round.
    feed(&mut h, if pdf { b"pdf" } else { b"no pdf" });
    feed(&mut h, program.as_bytes());
    feed(&mut h, &std::fs::read(root.join("editio.toml")).ok()?);
    hash_folder(
        &mut h,
        &root.join(crate::load::EDITIONS_DIR).join(REGISTER_DIR),
        &[],
    )?;
    hash_folder(&mut h, &root.join(TEMPLATE_DIR), &[])?;
    Some(h.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The register kept in `register.bin` reads back entry for entry, and only under the
    /// hash it was written under; a damaged file is not read.
    #[test]
    fn the_register_reads_back_as_kept_and_a_damaged_copy_is_not_read() {
        use crate::model::register::Entry;
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(cache_dir(dir.path())).unwrap();
        let cache = |common: &str| Cache {
            root: dir.path().to_path_buf(),
            common: common.into(),
            old: BuildCache {
                register_findings: Some(Vec::new()),
                ..BuildCache::default()
            },
            program: program_digest(None).unwrap(),
            fresh: false,
            list_warnings: true,
        };
        let entries = (0..300)
            .map(|i| Named {
                kind: [NameKind::Person, NameKind::Place, NameKind::Work][i % 3],
                entry: Entry {
                    key: format!("key-{i:03}"),
                    name: format!("Name {i}"),
                    original: (i % 2 == 0).then(|| format!("Имя {i}")),
                    form_lang: [(format!("Forme {i}"), "fr".to_string())].into(),
                    forms: vec![format!("Name {i}"), format!("N{i}")],
                    author: (i % 3 == 2).then(|| "key-000".to_string()),
                    description: "d".repeat(i),
                    ..Entry::default()
                },
            })
            .collect();
        let register = Register::from_entries(entries);
        cache("one").save_register(&register);
        // Entries looked up one by one, before the whole register is read.
        let (back, _) = cache("one").register().unwrap();
        assert_eq!(back.get("key-150"), register.get("key-150"));
        assert_eq!(back.get("key-150").unwrap().entry.name, "Name 150");
        assert_eq!(back.get("key-000"), register.get("key-000"));
        assert_eq!(back.get("key-299"), register.get("key-299"));
        for absent in ["", "key-", "key-1500", "key-300", "zzz"] {
            assert_eq!(back.get(absent), None, "{absent}");
        }
        // Then every entry, in order.
        assert_eq!(back, register);
        assert_eq!(back.entries().len(), 300);
        assert!(cache("other").register().is_none());
        let path = cache_dir(dir.path()).join(REGISTER_FILE);
        let kept = std::fs::read(&path).unwrap();
        let mut flipped = kept.clone();
        flipped[kept.len() / 2] ^= 0x20;
        for damaged in [
            kept[..kept.len() / 2].to_vec(),
            [&kept[..], b"x"].concat(),
            flipped,
            Vec::new(),
        ] {
            std::fs::write(&path, damaged).unwrap();
            assert!(cache("one").register().is_none());
        }
    }

    /// The program's digest is read from the record while its path, size and time are the
    /// recorded ones, and computed again from its bytes when any of them differs.
    #[test]
    fn the_program_is_hashed_again_only_when_its_stamp_changes() {
        let fresh = program_digest(None).unwrap();
        let exe = std::env::current_exe().unwrap();
        assert_eq!(fresh.sha256, digest::sha256_file(&exe).unwrap().1);
        assert_eq!(fresh.path, exe);
        let recorded = Program {
            sha256: "recorded".into(),
            ..fresh.clone()
        };
        assert_eq!(program_digest(Some(&recorded)).unwrap().sha256, "recorded");
        for other in [
            Program {
                stamp: (fresh.stamp.0 + 1, fresh.stamp.1),
                ..recorded.clone()
            },
            Program {
                stamp: (fresh.stamp.0, fresh.stamp.1 - 1),
                ..recorded.clone()
            },
            Program {
                path: PathBuf::from("/elsewhere/editio"),
                ..recorded.clone()
            },
        ] {
            assert_eq!(program_digest(Some(&other)).unwrap(), fresh);
        }
    }
}
