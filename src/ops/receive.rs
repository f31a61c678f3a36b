//! `editio receive ID FILE`: records a new or corrected copy of an edition's source. The copy
//! recorded until now moves to `[[received.earlier]]` (its bytes stay in the released versions
//! that hold them), the new bytes become `source.txt` with their size, SHA-256, date, route
//! and the reason, and a `[[history]]` entry says what happened. The next release carries
//! the receipt into its PREMIS log and its version message.

use crate::archive::digest;
use crate::error::{Error, Result};
use crate::load;
use crate::model::record::Record;
use std::path::{Path, PathBuf};
use toml_edit::{ArrayOfTables, DocumentMut, InlineTable, Item, Table, value};

/// What the user told `editio receive`.
#[derive(Clone, Debug, Default)]
pub struct ReceiveOptions {
    pub id: String,
    pub file: PathBuf,
    /// The date of receipt (ISO 8601); today (UTC) when absent.
    pub date: Option<String>,
    /// By what route the copy came.
    pub route: String,
    /// Why it replaces the copy recorded until now.
    pub reason: String,
    /// Who received it; the earlier receipt's receiver when absent.
    pub by: Option<String>,
    /// Its encoding when it is not UTF-8 (a WHATWG label).
    pub encoding: Option<String>,
}

/// What `editio receive` recorded.
#[derive(Clone, Debug)]
pub struct Receipt {
    pub id: String,
    pub size: u64,
    pub sha256: String,
    /// The SHA-256 of the copy it replaces.
    pub replaces: String,
    /// The version whose source the replaced copy is, if it was released.
    pub released_in: Option<u32>,
}

/// Records `opts.file` as the new source of edition `opts.id` in the archive at `root`.
pub fn receive(root: &Path, opts: &ReceiveOptions) -> Result<Receipt> {
    let (archive, _) = load::archive_without_register(root)?;
    let edition = archive
        .editions
        .iter()
        .find(|e| e.id == opts.id)
        .ok_or_else(|| Error::UnknownEdition {
            id: opts.id.clone(),
            hint: " (`editio add` records a new one)",
        })?;
    let record_path = edition.record_path();
    let record = edition.record.as_ref().ok_or_else(|| Error::NeedsCheck {
        path: record_path.clone(),
        what: "the record",
    })?;
    let source = edition.source_path();
    let (current, released) = check_source(root, &archive, &opts.id, &source, record)?;

    let copy = crate::load::source::offered(&opts.file, opts.encoding.as_deref())?;
    refuse_copy(opts, &archive, &copy.sha256, &current)?;
    let date = receipt_date(opts, record)?;

    let by = opts
        .by
        .clone()
        .or_else(|| record.received.by.known().map(str::to_string));
    let text = std::fs::read_to_string(&record_path).map_err(Error::io(&record_path))?;
    let change = change_text(
        opts,
        record,
        &copy.file_name,
        copy.bytes.len(),
        &copy.sha256,
        &current,
        released.as_ref(),
    );
    let edited = edit_record(
        &record_path,
        &text,
        &NewReceipt {
            file_name: &copy.file_name,
            date: &date,
            by: by.as_deref(),
            route: opts.route.trim(),
            reason: opts.reason.trim(),
            size: copy.bytes.len() as u64,
            sha256: &copy.sha256,
            encoding: copy.encoding,
            change: &change,
        },
    )?;
    check_reads_back(&record_path, &edited, &copy.sha256)?;
    write_both(&source, &copy.bytes, &record_path, &edited)?;
    Ok(Receipt {
        id: opts.id.clone(),
        size: copy.bytes.len() as u64,
        sha256: copy.sha256,
        replaces: current,
        released_in: released.map(|r| r.version),
    })
}

/// The source's current SHA-256, refused when it differs from its record, with its latest
/// released version; refused when that version's source differs and the record says nothing
/// of the change.
fn check_source(
    root: &Path,
    archive: &load::Archive,
    id: &str,
    source: &Path,
    record: &Record,
) -> Result<(String, Option<super::provenance::ReleasedSource>)> {
    let (_, current) = digest::sha256_file(source)?;
    if !current.eq_ignore_ascii_case(&record.received.sha256) {
        return Err(Error::SourceChanged {
            path: source.to_path_buf(),
            current,
            recorded: record.received.sha256.clone(),
        });
    }
    let released = match (&archive.config, super::provenance::store(root)?) {
        (Some(config), Some(store)) => {
            super::provenance::released_source(&store, &crate::layout::object_id(config, id))?
        }
        _ => None,
    };
    if let Some(r) = &released
        && super::provenance::unrecorded_change(id, source, record, &current, r).is_some()
    {
        return Err(Error::UnrecordedChange {
            path: source.to_path_buf(),
            id: id.to_string(),
            version: r.version,
        });
    }
    Ok((current, released))
}

/// The edited record must read back as a sound record of the new bytes.
fn check_reads_back(record_path: &Path, edited: &str, sha256: &str) -> Result<()> {
    let reread: Record = toml::from_str(edited).map_err(|e| Error::Damaged {
        location: record_path.display().to_string(),
        problem: format!("the edited record does not read back ({e}); nothing was changed"),
    })?;
    debug_assert_eq!(reread.received.sha256, sha256);
    Ok(())
}

/// Writes the new source and the edited record: both are staged beside their destination,
/// then renamed, the source first.
fn write_both(source: &Path, bytes: &[u8], record_path: &Path, edited: &str) -> Result<()> {
    let staged_source = crate::archive::write::stage(source, bytes)?;
    let staged_record = crate::archive::write::stage(record_path, edited.as_bytes())?;
    staged_source.commit()?;
    staged_record.commit()?;
    Ok(())
}

/// Refuses a copy that is the one already recorded, or another edition's source, and a receipt
/// that does not say how the copy came and why.
fn refuse_copy(
    opts: &ReceiveOptions,
    archive: &crate::load::Archive,
    sha256: &str,
    current: &str,
) -> Result<()> {
    if sha256 == current {
        return Err(Error::SameCopy {
            path: opts.file.clone(),
            id: opts.id.clone(),
            sha256: sha256.to_string(),
        });
    }
    if let Some(other) = archive.edition_with_sha256(sha256) {
        return Err(Error::DuplicateSource {
            path: opts.file.clone(),
            existing: other.id.clone(),
            sha256: sha256.to_string(),
        });
    }
    for (what, text) in [("--route", &opts.route), ("--reason", &opts.reason)] {
        if text.trim().is_empty() {
            return Err(Error::BadArguments {
                flag: what,
                message: "say it in words: a receipt records how the copy came and why".into(),
            });
        }
    }
    Ok(())
}

/// The receipt's date (today unless given), never before the receipt of the copy it replaces.
fn receipt_date(opts: &ReceiveOptions, record: &Record) -> Result<String> {
    let date = super::add::date_or_today("--date", opts.date.as_deref())?;
    let latest = std::iter::once(&record.received.date)
        .chain(record.received.earlier.iter().map(|e| &e.date))
        .filter_map(|f| f.known())
        .max()
        .map(str::to_string);
    if let Some(latest) = latest.filter(|l| date_before(&date, l)) {
        return Err(Error::Backdated {
            what: "the receipt date".into(),
            date,
            than: format!("the receipt of the copy recorded until now ({latest})"),
            earliest: latest,
        });
    }
    Ok(date)
}

/// The history entry of a receipt: what came, by what route, what it replaces, and why.
fn change_text(
    opts: &ReceiveOptions,
    record: &Record,
    file_name: &str,
    size: usize,
    sha256: &str,
    current: &str,
    released: Option<&super::provenance::ReleasedSource>,
) -> String {
    format!(
        "New copy of the source received ({file_name}, {} bytes, SHA-256 {sha256}) by this \
         route: {}. It replaces the copy received {} (SHA-256 {current}){}. Reason: {}",
        size,
        opts.route.trim(),
        record
            .received
            .date
            .known()
            .unwrap_or("on a date not known"),
        match released {
            Some(r) => format!(", which stays in version {}", r.version),
            None => String::new(),
        },
        opts.reason.trim()
    )
}

/// Whether ISO 8601 date `a` is before `b`, compared to the precision of `b` (`2026-11` is not
/// before `2026-11-21`, nor `2026-11-21` before `2026-11`).
pub fn date_before(a: &str, b: &str) -> bool {
    let n = a.len().min(b.len()).min(10);
    a[..n] < b[..n]
}

struct NewReceipt<'a> {
    file_name: &'a str,
    date: &'a str,
    by: Option<&'a str>,
    route: &'a str,
    reason: &'a str,
    size: u64,
    sha256: &'a str,
    encoding: Option<&'static str>,
    change: &'a str,
}

/// The record with the new receipt, keeping the editor's layout and comments.
fn edit_record(path: &Path, text: &str, new: &NewReceipt) -> Result<String> {
    let invalid = |problem: String| Error::Damaged {
        location: path.display().to_string(),
        problem,
    };
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| invalid(format!("is not valid TOML: {e}")))?;
    let received = doc
        .get_mut("received")
        .and_then(Item::as_table_mut)
        .ok_or_else(|| invalid("has no [received] table".into()))?;
    // The receipt until now, as it stands, becomes the last earlier one.
    let earlier = receipt_as_is(received);
    write_receipt(received, new);
    match received.get_mut("earlier") {
        Some(item) => item
            .as_array_of_tables_mut()
            .ok_or_else(|| {
                invalid("[received] has an `earlier` that is not [[received.earlier]]".into())
            })?
            .push(earlier),
        None => {
            let mut list = ArrayOfTables::new();
            list.push(earlier);
            received.insert("earlier", Item::ArrayOfTables(list));
        }
    }
    let entry = history_entry(new);
    match doc.get_mut("history") {
        Some(item) => item
            .as_array_of_tables_mut()
            .ok_or_else(|| invalid("`history` is not a list of [[history]] tables".into()))?
            .push(entry),
        None => {
            let mut list = ArrayOfTables::new();
            list.push(entry);
            doc.insert("history", Item::ArrayOfTables(list));
        }
    }
    Ok(doc.to_string())
}

/// A copy of the receipt's fields as they stand, without their layout.
fn receipt_as_is(received: &Table) -> Table {
    let mut earlier = Table::new();
    for key in [
        "file_name",
        "date",
        "by",
        "route",
        "size",
        "sha256",
        "encoding",
        "reason",
    ] {
        if let Some(item) = received.get(key) {
            let mut item = item.clone();
            if let Some(v) = item.as_value_mut() {
                v.decor_mut().clear();
            }
            earlier.insert(key, item);
        }
    }
    earlier
}

/// Writes the new receipt's fields over the old ones in `[received]`; the date, receiver and
/// route as confirmed facts.
fn write_receipt(received: &mut Table, new: &NewReceipt) {
    let fact = |v: &str| {
        let mut t = InlineTable::new();
        t.insert("value", v.into());
        t.insert("cert", "confirmed".into());
        value(t)
    };
    received.insert("file_name", value(new.file_name));
    received.insert("date", fact(new.date));
    if let Some(by) = new.by {
        received.insert("by", fact(by));
    }
    received.insert("route", fact(new.route));
    received.insert("size", value(new.size as i64));
    received.insert("sha256", value(new.sha256));
    match new.encoding {
        Some(e) => {
            received.insert("encoding", value(e));
        }
        None => {
            received.remove("encoding");
        }
    }
    received.insert("reason", value(new.reason));
}

/// The `[[history]]` entry of the receipt.
fn history_entry(new: &NewReceipt) -> Table {
    let mut entry = Table::new();
    entry.insert("date", value(new.date));
    if let Some(by) = new.by {
        entry.insert("by", value(by));
    }
    entry.insert("change", value(new.change));
    entry
}
