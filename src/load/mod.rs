//! Finding an archive on disk and reading it into the model. Nothing here stops at the first
//! problem: what cannot be read becomes a [`Diagnostic`] and loading goes on.

pub mod toml;

use crate::diagnostic::{Diagnostic, Location, codes};
use crate::error::{Error, Result};
use crate::model::{Config, RESERVED_IDS, Record};
use std::path::{Path, PathBuf};

/// The settings file at the root of every archive.
pub const CONFIG_FILE: &str = "editio.toml";
/// The folder that holds the editions.
pub const EDITIONS_DIR: &str = "editions";
/// The provenance record in each edition folder.
pub const RECORD_FILE: &str = "edition.toml";
/// The source as received, in each edition folder.
pub const SOURCE_FILE: &str = "source.txt";

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

    let editions_dir = root.join(EDITIONS_DIR);
    let mut editions = Vec::new();
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
            let (edition, mut found) = edition(&path, &name)?;
            diags.append(&mut found);
            editions.push(edition);
        }
    }
    editions.sort_by(|a, b| a.id.cmp(&b.id));
    let archive = Archive {
        root: root.to_path_buf(),
        config,
        editions,
    };
    Ok((archive, diags))
}

/// Reads one edition folder's record.
fn edition(dir: &Path, id: &str) -> Result<(EditionDir, Vec<Diagnostic>)> {
    let record_path = dir.join(RECORD_FILE);
    let mut diags = Vec::new();
    let record = if record_path.is_file() {
        let text = read_text(&record_path)?;
        let (record, mut found) = toml::parse::<Record>(
            &record_path,
            &text,
            &toml::Codes {
                syntax: codes::RECORD_SYNTAX,
                unknown_field: codes::RECORD_UNKNOWN_FIELD,
                invalid: codes::RECORD_INVALID,
            },
        );
        diags.append(&mut found);
        record
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
    };
    Ok((edition, diags))
}

/// Reads a settings or record file, which must be UTF-8.
fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(Error::io(path))?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        Error::Invalid {
            location: format!("{} (byte {offset})", path.display()),
            message: "not valid UTF-8; TOML files must be UTF-8".into(),
        }
    })
}
