//! Finding an archive on disk and reading it into the model: the settings, the edition records
//! and the register (here), each edition's source ([`source`]) and its log of recorded
//! verifications ([`events`]). Loading the records and the register does not stop at the first
//! problem: what cannot be read becomes a [`Diagnostic`] and loading goes on.

pub mod events;
pub mod source;
pub mod toml;

use crate::diagnostic::{Diagnostic, Location, codes};
use crate::error::{Error, Result};
use crate::model::register::{Entry, Register, RegisterFile};
use crate::model::{Config, RESERVED_IDS, Record, check_date, check_id};
use std::path::{Path, PathBuf};

/// The settings file at the root of every archive.
pub const CONFIG_FILE: &str = "editio.toml";
/// The folder that holds the editions.
pub const EDITIONS_DIR: &str = "editions";
/// The provenance record in each edition folder.
pub const RECORD_FILE: &str = "edition.toml";
/// The source as received, in each edition folder.
pub const SOURCE_FILE: &str = "source.txt";
/// The log of recorded verifications, in an edition folder that has one.
pub const EVENTS_FILE: &str = "events.toml";
/// The register's folder, under `editions/`.
pub const REGISTER_DIR: &str = "register";

/// Looks for `editio.toml` in `start` and each folder above it.
pub fn find_root(start: &Path) -> Result<PathBuf> {
    let start = std::path::absolute(start).map_err(Error::io(start))?;
    start
        .ancestors()
        .find(|dir| dir.join(CONFIG_FILE).is_file())
        .map(Path::to_path_buf)
        .ok_or(Error::NoArchive { start })
}

/// One edition folder, with its record when it could be read.
#[derive(Debug)]
pub struct EditionDir {
    /// The folder's name, which is the edition's id.
    pub id: String,
    pub dir: PathBuf,
    pub record: Option<Record>,
    /// The record's text as read, when it was: what the record was parsed from, for whatever
    /// needs the file again in the same run (where a problem stands, the build cache's hash).
    pub record_text: Option<String>,
}

impl EditionDir {
    pub fn record_path(&self) -> PathBuf {
        self.dir.join(RECORD_FILE)
    }
    pub fn source_path(&self) -> PathBuf {
        self.dir.join(SOURCE_FILE)
    }
}

/// An archive as read from disk.
#[derive(Debug)]
pub struct Archive {
    pub root: PathBuf,
    pub config: Option<Config>,
    /// Every edition folder, sorted by id.
    pub editions: Vec<EditionDir>,
    /// The shared register of names (empty when the archive has none).
    pub register: Register,
}

impl Archive {
    pub fn editions_dir(&self) -> PathBuf {
        self.root.join(EDITIONS_DIR)
    }

    /// The edition whose source has this SHA-256, if any.
    pub fn edition_with_sha256(&self, sha256: &str) -> Option<&EditionDir> {
        self.editions.iter().find(|e| {
            e.record
                .as_ref()
                .is_some_and(|r| r.received.sha256.eq_ignore_ascii_case(sha256))
        })
    }
}

/// Reads the archive at `root`: its settings and every edition record.
pub fn archive(root: &Path) -> Result<(Archive, Vec<Diagnostic>)> {
    let (mut archive, mut diags) = archive_without_register(root)?;
    let (register, mut found) = register(&archive.editions_dir().join(REGISTER_DIR))?;
    diags.append(&mut found);
    archive.register = register;
    Ok((archive, diags))
}

/// The archive's settings (`None` when they cannot be read), with the problems found in them.
pub fn config(root: &Path) -> Result<(Option<Config>, Vec<Diagnostic>)> {
    let mut diags = Vec::new();
    let config_path = root.join(CONFIG_FILE);
    let text = read_text(&config_path)?;
    let (config, mut found) = toml::parse::<Config>(
        &config_path,
        &text,
        &toml::Codes {
            syntax: codes::CONFIG_SYNTAX,
            unknown_field: codes::CONFIG_UNKNOWN_FIELD,
            invalid: codes::CONFIG_INVALID,
        },
    );
    diags.append(&mut found);
    if let Some(config) = &config {
        for (_, message) in config.problems() {
            diags.push(Diagnostic::new(
                codes::CONFIG_INVALID,
                Location::file(&config_path),
                message,
            ));
        }
    }
    Ok((config, diags))
}

/// [`archive`] without reading the register (left empty): for a build whose cache says the
/// register is not needed (see [`register`] to read it later).
pub fn archive_without_register(root: &Path) -> Result<(Archive, Vec<Diagnostic>)> {
    let (config, mut diags) = config(root)?;
    let editions_dir = root.join(EDITIONS_DIR);
    let mut editions = Vec::new();
    let mut folders = Vec::new();
    if editions_dir.is_dir() {
        let entries = std::fs::read_dir(&editions_dir).map_err(Error::io(&editions_dir))?;
        for entry in entries {
            let entry = entry.map_err(Error::io(&editions_dir))?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if RESERVED_IDS.contains(&name.as_str()) || name.starts_with('.') {
                continue;
            }
            if !path.is_dir() {
                diags.push(
                    Diagnostic::new(
                        codes::STRAY_ENTRY,
                        Location::file(&path),
                        format!("'{name}' is not an edition folder"),
                    )
                    .with_help("editions/ should hold only one folder per edition"),
                );
                continue;
            }
            folders.push((path, name));
        }
    }
    // Records are read and checked in parallel: an archive may hold thousands.
    use rayon::prelude::*;
    let loaded: Vec<Result<(EditionDir, Vec<Diagnostic>)>> = folders
        .par_iter()
        .map(|(path, name)| edition(path, name))
        .collect();
    for result in loaded {
        let (edition, mut found) = result?;
        diags.append(&mut found);
        editions.push(edition);
    }
    editions.sort_by(|a, b| a.id.cmp(&b.id));
    let archive = Archive {
        root: root.to_path_buf(),
        config,
        editions,
        register: Register::default(),
    };
    Ok((archive, diags))
}

/// Reads one edition folder's record.
fn edition(dir: &Path, id: &str) -> Result<(EditionDir, Vec<Diagnostic>)> {
    let record_path = dir.join(RECORD_FILE);
    let mut diags = Vec::new();
    let mut record_text = None;
    let record = if record_path.is_file() {
        let text = record_text.insert(read_text(&record_path)?);
        let (record, mut found) = toml::parse::<Record>(
            &record_path,
            text,
            &toml::Codes {
                syntax: codes::RECORD_SYNTAX,
                unknown_field: codes::RECORD_UNKNOWN_FIELD,
                invalid: codes::RECORD_INVALID,
            },
        );
        diags.append(&mut found);
        record.map(|mut record| {
            diags.extend(nested_receipts(&record_path, text, &mut record));
            record
        })
    } else {
        diags.push(
            Diagnostic::new(
                codes::RECORD_MISSING,
                Location::file(&record_path),
                format!("edition folder '{id}' has no {RECORD_FILE}"),
            )
            .with_help("record sources with `editio add`, which writes the record"),
        );
        None
    };
    let diags = diags.into_iter().map(|d| d.for_edition(id)).collect();
    let edition = EditionDir {
        id: id.to_string(),
        dir: dir.to_path_buf(),
        record,
        record_text,
    };
    Ok((edition, diags))
}

/// Reads a settings or record file, which must be UTF-8.
fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(Error::io(path))?;
    String::from_utf8(bytes).map_err(|e| Error::TomlNotUtf8 {
        path: path.to_path_buf(),
        offset: e.utf8_error().valid_up_to(),
    })
}

/// Reads every `*.toml` file in the register folder, in name order, and checks the entries:
/// unique and safe keys, ISO dates, known authors.
pub fn register(dir: &Path) -> Result<(Register, Vec<Diagnostic>)> {
    let mut register = Register::default();
    let mut diags = Vec::new();
    if !dir.is_dir() {
        return Ok((register, diags));
    }
    let mut seen: std::collections::BTreeMap<String, PathBuf> = Default::default();
    for path in toml_files(dir)? {
        let text = read_text(&path)?;
        let Some(file) = parse_register_file(&path, &text, &mut diags) else {
            continue;
        };
        check_entries(&path, &text, &file, &mut seen, &mut diags);
        register.extend(file);
    }
    check_authors(&register, dir, &mut diags);
    Ok((register, diags))
}

/// The `*.toml` files of a folder, in name order.
fn toml_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(Error::io(dir))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    Ok(files)
}

/// Reads one register file, adding its findings to `diags`. Readable TOML with an entry that is
/// not is read entry by entry, so that one bad entry does not hide the others; `None` when the
/// file is not TOML at all.
fn parse_register_file(
    path: &Path,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<RegisterFile> {
    let file_codes = toml::Codes {
        syntax: codes::REGISTER_SYNTAX,
        unknown_field: codes::REGISTER_UNKNOWN_FIELD,
        invalid: codes::REGISTER_INVALID,
    };
    let (file, mut found) = toml::parse::<RegisterFile>(path, text, &file_codes);
    let file = match file {
        Some(file) => file,
        None if !found.iter().any(|d| d.code == codes::REGISTER_SYNTAX) => {
            let (mut lists, each) = toml::parse_entries(
                path,
                text,
                &file_codes,
                &["person", "place", "org", "work", "event"],
            );
            found = each;
            RegisterFile {
                event: lists.pop().unwrap_or_default(),
                work: lists.pop().unwrap_or_default(),
                org: lists.pop().unwrap_or_default(),
                place: lists.pop().unwrap_or_default(),
                person: lists.pop().unwrap_or_default(),
                // A file whose entries are read one by one is a list file, not the history.
                history: Vec::new(),
            }
        }
        None => {
            diags.append(&mut found);
            return None;
        }
    };
    diags.append(&mut found);
    Some(file)
}

/// Checks each entry of one register file: its fields, that an original form says its
/// language, and that its key is not used already (keys in `seen`, with the file of each).
fn check_entries(
    path: &Path,
    text: &str,
    file: &RegisterFile,
    seen: &mut std::collections::BTreeMap<String, PathBuf>,
    diags: &mut Vec<Diagnostic>,
) {
    let lists = [
        ("person", &file.person),
        ("place", &file.place),
        ("org", &file.org),
        ("work", &file.work),
        ("event", &file.event),
    ];
    let locator = toml::Locator::new(path, text);
    for (list, entries) in lists {
        for (i, e) in entries.iter().enumerate() {
            let idx = i.to_string();
            let at = |field: &str| locator.locate(&[list, &idx, field]);
            for (field, message) in entry_problems(e) {
                diags.push(Diagnostic::new(codes::REGISTER_INVALID, at(field), message));
            }
            if let Some(original) = &e.original
                && e.original_lang.is_none()
            {
                diags.push(
                    Diagnostic::new(
                        codes::REGISTER_LANGUAGE_UNKNOWN,
                        at("original"),
                        format!(
                            "entry '{}': the language of “{original}” is not given; the TEI says only its script ({})",
                            e.key,
                            crate::model::register::script_tag(original)
                        ),
                    )
                    .with_help(
                        "add original_lang = \"ru\" (or uk, de, fr, ja, zh-Hans, zh-Hant: a BCP 47 tag) after original",
                    ),
                );
            }
            if let Some(first) = seen.get(&e.key) {
                diags.push(Diagnostic::new(
                    codes::REGISTER_DUPLICATE_KEY,
                    at("key"),
                    format!("key '{}' is also used in {}", e.key, first.display()),
                ));
            } else {
                seen.insert(e.key.clone(), path.to_path_buf());
            }
        }
    }
}

/// Every work's author must be in the register.
fn check_authors(register: &Register, dir: &Path, diags: &mut Vec<Diagnostic>) {
    for named in register.entries() {
        if let Some(author) = &named.entry.author
            && register.get(author).is_none()
        {
            diags.push(Diagnostic::new(
                codes::REGISTER_INVALID,
                Location::file(dir),
                format!(
                    "work '{}' names author '{author}', who is not in the register",
                    named.entry.key
                ),
            ));
        }
    }
}

/// What is wrong with one register entry, field by field: an unsafe key, an empty name or form,
/// a date that is not ISO 8601, a language tag that is not BCP 47, a pseudonym that is not one
/// of its forms, an unknown certainty, a Wikidata id that is not a QID.
fn entry_problems(e: &Entry) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let mut bad = |field: &'static str, message: String| out.push((field, message));
    if let Err(reason) = check_id(&e.key) {
        bad(
            "key",
            format!("key '{}' is not safe as an xml:id: {reason}", e.key),
        );
    }
    if e.name.trim().is_empty() {
        bad("name", format!("entry '{}' has no name", e.key));
    }
    if e.forms.iter().any(|f| f.trim().is_empty()) {
        bad("forms", format!("entry '{}' has an empty name form", e.key));
    }
    for (field, date) in [
        ("born", &e.born),
        ("died", &e.died),
        ("founded", &e.founded),
        ("dissolved", &e.dissolved),
        ("date", &e.date),
    ] {
        // An event's span is two dates, `from/to`.
        let parts: Vec<&str> = match date.as_deref() {
            Some(d) if field == "date" => d.splitn(2, '/').collect(),
            Some(d) => vec![d],
            None => vec![],
        };
        if let Some(d) = date
            && let Some(Err(m)) = parts.iter().map(|p| check_date(p)).find(Result::is_err)
        {
            bad(field, format!("entry '{}': {field} '{d}': {m}", e.key));
        }
    }
    for (field, tag) in e
        .original_lang
        .iter()
        .map(|t| ("original_lang", t))
        .chain(e.form_lang.values().map(|t| ("form_lang", t)))
    {
        let ok = !tag.is_empty()
            && tag.split('-').all(|p| {
                (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric())
            });
        if !ok {
            bad(
                field,
                format!("entry '{}': '{tag}' is not a BCP 47 language tag", e.key),
            );
        }
    }
    for p in &e.pseudonyms {
        if !e.forms.contains(p) {
            bad(
                "pseudonyms",
                format!("entry '{}': pseudonym '{p}' is not one of its forms", e.key),
            );
        }
    }
    if let Some(c) = &e.cert
        && !matches!(c.as_str(), "high" | "medium" | "low")
    {
        bad(
            "cert",
            format!(
                "entry '{}': cert must be high, medium or low, not '{c}'",
                e.key
            ),
        );
    }
    if let Some(q) = &e.wikidata
        && !(q.starts_with('Q') && q.len() > 1 && q[1..].bytes().all(|b| b.is_ascii_digit()))
    {
        bad(
            "wikidata",
            format!("entry '{}': '{q}' is not a Wikidata QID (Q123)", e.key),
        );
    }
    out
}

/// A receipt in `[[received.earlier]]` lists no earlier copies of its own: such a list is a
/// field the record does not have, reported and left out as any other.
fn nested_receipts(path: &Path, text: &str, record: &mut Record) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (i, earlier) in record.received.earlier.iter_mut().enumerate() {
        if std::mem::take(&mut earlier.earlier).is_empty() {
            continue;
        }
        let segs = [
            "received".to_string(),
            "earlier".into(),
            i.to_string(),
            "earlier".into(),
        ];
        found.push(toml::unknown_field(
            codes::RECORD_UNKNOWN_FIELD,
            toml::locate(path, text, &segs),
            &segs,
        ));
    }
    found
}
