//! `editio add`: records a received file as a new edition, byte for byte, with its size,
//! SHA-256 and a starting provenance record that says what is still to be filled in.

use crate::error::{Error, Result};
use crate::load::{Archive, RECORD_FILE, SOURCE_FILE};
use crate::model;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What the user told `editio add`.
#[derive(Clone, Debug, Default)]
pub struct AddOptions {
    pub file: PathBuf,
    pub id: String,
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub language: Option<String>,
    /// The encoding to decode the file from, when it is not UTF-8 (a WHATWG label).
    pub encoding: Option<String>,
    /// Who is recording the file.
    pub by: Option<String>,
    /// The date of receipt (ISO 8601); today (UTC) when absent.
    pub received: Option<String>,
}

/// What `editio add` recorded.
#[derive(Clone, Debug)]
pub struct Added {
    pub id: String,
    pub dir: PathBuf,
    pub size: u64,
    pub sha256: String,
    pub encoding: Option<&'static str>,
}

/// Records `opts.file` in `archive` as edition `opts.id`. On any refusal or failure nothing is
/// left behind: the edition folder is assembled under a temporary name and renamed into place.
pub fn add(archive: &Archive, opts: &AddOptions) -> Result<Added> {
    model::check_id(&opts.id).map_err(|reason| Error::BadId {
        id: opts.id.clone(),
        reason,
    })?;
    let editions = archive.editions_dir();
    let dir = editions.join(&opts.id);
    if dir.exists() {
        return Err(Error::EditionExists {
            id: opts.id.clone(),
            path: dir,
        });
    }
    let received = date_or_today("--received", opts.received.as_deref())?;

    let copy = crate::load::source::offered(&opts.file, opts.encoding.as_deref())?;
    if let Some(existing) = archive.edition_with_sha256(&copy.sha256) {
        return Err(Error::DuplicateSource {
            path: opts.file.clone(),
            existing: existing.id.clone(),
            sha256: copy.sha256,
        });
    }

    let record = super::toml_templates()
        .get_template("edition.toml")
        .and_then(|t| {
            t.render(minijinja::context! {
                id => &opts.id,
                title => &opts.title,
                language => &opts.language,
                authors => &opts.authors,
                file_name => copy.file_name,
                received_date => received,
                by => &opts.by,
                size => copy.bytes.len(),
                sha256 => &copy.sha256,
                encoding => copy.encoding,
            })
        })
        .map_err(|e| Error::Template {
            path: dir.join(RECORD_FILE),
            message: e.to_string(),
        })?;

    place_edition(&editions, &dir, &copy.bytes, &record)?;
    Ok(Added {
        id: opts.id.clone(),
        dir,
        size: copy.bytes.len() as u64,
        sha256: copy.sha256,
        encoding: copy.encoding,
    })
}

/// The date given with `flag`, checked as ISO 8601, or today's.
pub fn date_or_today(flag: &str, date: Option<&str>) -> Result<String> {
    match date {
        Some(date) => {
            model::check_date(date).map_err(|reason| Error::BadDate {
                flag: flag.into(),
                value: date.to_string(),
                reason: reason.to_string(),
            })?;
            Ok(date.to_string())
        }
        None => Ok(today()),
    }
}

/// Writes the source and its record into a temporary folder in `editions`, then renames it to
/// `dir`: the edition appears whole or not at all.
fn place_edition(editions: &Path, dir: &Path, bytes: &[u8], record: &str) -> Result<()> {
    std::fs::create_dir_all(editions).map_err(Error::io(editions))?;
    let tmp = tempfile::Builder::new()
        .prefix(".editio-add-")
        .tempdir_in(editions)
        .map_err(Error::io(editions))?;
    write_synced(&tmp.path().join(SOURCE_FILE), bytes)?;
    write_synced(&tmp.path().join(RECORD_FILE), record.as_bytes())?;
    // The temporary folder is removed on every early return; once renamed it is the edition.
    let staged = tmp.keep();
    if let Err(source) = std::fs::rename(&staged, dir) {
        let _ = std::fs::remove_dir_all(&staged);
        return Err(Error::Io {
            path: dir.to_path_buf(),
            source,
        });
    }
    Ok(())
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = std::fs::File::create(path).map_err(Error::io(path))?;
    f.write_all(bytes).map_err(Error::io(path))?;
    f.sync_all().map_err(Error::io(path))
}

pub(crate) fn today() -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::OffsetDateTime::now_utc()
        .date()
        .format(&fmt)
        .expect("a date formats")
}
