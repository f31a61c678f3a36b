//! `editio release`: freezes the current state of editions as new, immutable versions. Each
//! edition is one OCFL 1.1 object in `export/ocfl/`; each new version is also packed as a
//! BagIt 1.0 deposit `export/deposit/<id>-v<N>.zip` for a library, made from the version's own
//! stored files. Content that did not change is not stored again; a release with no change
//! writes nothing. Same state and same release time give the same bytes.

use crate::archive::Content;
use crate::archive::bagit::{self, BagFile, BagSpec};
use crate::archive::ocfl::{self, Commit, StorageRoot, VersionMeta};
use crate::error::{Error, Result};
use crate::model::Config;
use crate::progress::{OnProgress, Progress, Unit};
use crate::render::{RenderContext, dc, premis, tei};
use std::path::{Path, PathBuf};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub use crate::layout::{DEPOSIT_DIR, OCFL_DIR, object_id};
/// The PREMIS log's path in a version; it records the release itself, so it is left out when
/// deciding whether anything changed.
const PREMIS_PATH: &str = "metadata/premis.xml";

/// What to release.
#[derive(Clone, Debug, Default)]
pub struct ReleaseOptions {
    /// Edition ids; every edition when `all` is set.
    pub ids: Vec<String>,
    pub all: bool,
    /// The version message; a default names the edition's latest change.
    pub message: Option<String>,
    /// Who releases; the archive's contact by default.
    pub user: Option<String>,
    /// The release time; now when absent.
    pub date: Option<OffsetDateTime>,
    /// Also write one bag holding every edition's current version and the register.
    pub collection: bool,
    /// Where versions go: export/ocfl when `None`.
    pub storage: Option<super::storage::StorageChoice>,
}

/// What happened to one edition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Released {
        id: String,
        version: u32,
        new_files: usize,
        reused: usize,
        deposit: PathBuf,
        /// The version message as recorded.
        message: String,
        /// Paths added, removed or changed since the previous version (all, for a first one).
        changed: Vec<String>,
        /// What the releaser should know (a history that says nothing of a change).
        warnings: Vec<String>,
    },
    Unchanged {
        id: String,
        version: u32,
        /// A deposit missing for that version (after an interrupted release) was written.
        deposit_written: Option<PathBuf>,
    },
}

/// What a release did.
#[derive(Debug)]
pub struct ReleaseReport {
    pub outcomes: Vec<Outcome>,
    pub collection: Option<PathBuf>,
}

/// The release time: the one given (the binary gives `--date`, else `SOURCE_DATE_EPOCH`), else
/// now; whole seconds, UTC.
pub fn release_time(given: Option<OffsetDateTime>) -> Result<OffsetDateTime> {
    let t = given.unwrap_or_else(OffsetDateTime::now_utc);
    Ok(t.to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(t))
}

/// Parses a time given as seconds since 1970 (the value of `SOURCE_DATE_EPOCH`, named by
/// `name` in an error).
pub fn parse_epoch(name: &str, value: &str) -> Result<OffsetDateTime> {
    let secs: i64 = value.trim().parse().map_err(|_| Error::BadDate {
        flag: name.into(),
        value: value.into(),
        reason: "not a number of seconds".into(),
    })?;
    OffsetDateTime::from_unix_timestamp(secs).map_err(|e| Error::BadDate {
        flag: name.into(),
        value: value.into(),
        reason: e.to_string(),
    })
}

/// Parses an RFC 3339 time (`2026-11-21T12:00:00Z`) or a date (`2026-11-21`, midnight UTC).
pub fn parse_time(s: &str) -> Result<OffsetDateTime> {
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Ok(t);
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, &fmt)
        .map(|d| d.midnight().assume_utc())
        .map_err(|_| Error::BadDate {
            flag: "--date".into(),
            value: s.into(),
            reason: "neither an RFC 3339 time (2026-11-21T12:00:00Z) nor a date (2026-11-21)"
                .into(),
        })
}

/// Releases editions of the archive at `root`. The archive is built first; an archive with
/// errors is not released.
pub fn release(root: &Path, opts: &ReleaseOptions) -> Result<ReleaseReport> {
    release_with_progress(root, opts, &crate::progress::ignore)
}

/// [`release`], telling `progress` how far it got: the build's phases, then one step per
/// edition released.
pub fn release_with_progress(
    root: &Path,
    opts: &ReleaseOptions,
    progress: OnProgress,
) -> Result<ReleaseReport> {
    let options = super::build::BuildOptions {
        keep: true,
        ..Default::default()
    };
    // Only the count of errors matters here: `check` and `build` show the findings.
    let build = super::build::build_streaming(root, options, progress, &mut |_| Ok(()))?;
    if build.failed() {
        return Err(Error::ArchiveHasErrors {
            root: root.to_path_buf(),
            errors: build.errors(),
        });
    }
    let archive = &build.archive;
    let config = archive.config.clone().ok_or_else(|| Error::NeedsCheck {
        path: root.join("editio.toml"),
        what: "the archive's settings",
    })?;
    let selected = select_editions(&build, opts)?;
    let date = release_time(opts.date)?;
    // Planned against the storage root as it is; a new one is made only once every plan
    // holds, so that a refused release leaves nothing behind, not even an empty root.
    let existing = open_store(root, opts, false)?;
    let deposits = root.join(DEPOSIT_DIR);
    let ctx = RenderContext {
        config: &config,
        register: &archive.register,
    };
    // Every edition is planned, and every date and deposit checked, before anything is
    // written.
    let mut plans = Vec::new();
    for built in selected {
        plans.push(plan_edition(
            root,
            existing.as_ref(),
            &deposits,
            built,
            &ctx,
            date,
        )?);
    }
    let store = match existing {
        Some(store) => store,
        None => open_store(root, opts, true)?.ok_or_else(|| Error::Store {
            path: root.join(OCFL_DIR),
            problem: "the storage root could not be made".into(),
        })?,
    };
    std::fs::create_dir_all(&deposits).map_err(Error::io(&deposits))?;
    let mut outcomes = Vec::new();
    progress(Progress::Phase {
        name: "releasing",
        total: plans.len() as u64,
        unit: Unit::Steps,
    });
    for plan in plans {
        outcomes.push(release_edition(
            root, &store, &deposits, plan, &ctx, opts, date,
        )?);
        progress(Progress::Done(1));
    }
    // A new collection deposit only when there is something new to put in it.
    let changed = outcomes
        .iter()
        .any(|o| matches!(o, Outcome::Released { .. }));
    let collection = if opts.collection && (changed || !has_collection_deposit(&deposits)?) {
        Some(collection_bag(
            &store,
            &deposits,
            &build.archive,
            &build.built,
            &config,
            date,
        )?)
    } else {
        None
    };
    Ok(ReleaseReport {
        outcomes,
        collection,
    })
}

/// The built editions `opts` names (every one with `all`), in the order named; an unknown id
/// or none named is an error.
fn select_editions<'a>(
    build: &'a super::build::BuildReport,
    opts: &ReleaseOptions,
) -> Result<Vec<&'a super::build::Kept>> {
    let selected: Vec<&super::build::Kept> = if opts.all {
        build.built.iter().collect()
    } else {
        let mut out = Vec::new();
        for id in &opts.ids {
            let b = build
                .built
                .iter()
                .find(|b| b.edition.id == *id)
                .ok_or_else(|| Error::UnknownEdition {
                    id: id.clone(),
                    hint: "",
                })?;
            out.push(b);
        }
        out
    };
    if selected.is_empty() {
        return Err(Error::BadArguments {
            flag: "release",
            message: "name the editions to release, or --all".into(),
        });
    }
    Ok(selected)
}

/// The storage root versions go to (`export/ocfl`, or the one `opts.storage` names): made
/// when `create` and there is none yet, else `None` when there is none.
fn open_store(root: &Path, opts: &ReleaseOptions, create: bool) -> Result<Option<StorageRoot>> {
    match (&opts.storage, create) {
        (None, true) => StorageRoot::create_or_open(&root.join(OCFL_DIR)).map(Some),
        (None, false) => StorageRoot::open_existing(&root.join(OCFL_DIR)),
        (Some(choice), create) => super::storage::open(choice, create),
    }
}

/// Whether the deposit folder holds a collection deposit from an earlier release.
fn has_collection_deposit(deposits: &Path) -> Result<bool> {
    Ok(std::fs::read_dir(deposits)
        .map_err(Error::io(deposits))?
        .flatten()
        .any(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("collection-") && name.ends_with(".zip")
        }))
}

/// The files of an edition's next version, by logical path, without the PREMIS log.
fn version_files(
    root: &Path,
    built: &super::build::Kept,
    ctx: &RenderContext,
) -> Vec<(String, Content)> {
    let e = &built.edition;
    let dir = root.join(crate::load::EDITIONS_DIR).join(&e.id);
    let mut files = vec![
        ("source.txt".to_string(), source_content(&dir, built)),
        (
            "edition.toml".to_string(),
            Content::File(dir.join(crate::load::RECORD_FILE)),
        ),
    ];
    files.extend(
        rendered_files(built, ctx)
            .into_iter()
            .map(|(path, bytes)| (path, Content::Bytes(bytes))),
    );
    // Every reproducible output of the build's renderers, as the build wrote it.
    let export = root.join(crate::layout::EXPORT_DIR);
    for (path, digests) in &built.files {
        if let Some(name) = crate::engine::cache::slash_path(path) {
            let path = export.join(path);
            let digests = digests.clone();
            files.push((name, Content::Known { path, digests }));
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// The files of a version made here rather than by the build (the register entries the
/// edition refers to, its Dublin Core record), by logical path: the same bytes each time.
fn rendered_files(built: &super::build::Kept, ctx: &RenderContext) -> [(String, Vec<u8>); 2] {
    [
        (
            "tei/register.xml".to_string(),
            tei::render_register_entries(&built.keys, ctx.register, ctx.config),
        ),
        (
            "metadata/dc.xml".to_string(),
            dc::render(&built.edition, ctx),
        ),
    ]
}

/// The edition's source file, with the digests of its bytes as the build read them.
fn source_content(dir: &Path, built: &super::build::Kept) -> Content {
    let path = dir.join(crate::load::SOURCE_FILE);
    match &built.source {
        Some(digests) => Content::Known {
            path,
            digests: digests.clone(),
        },
        None => Content::File(path),
    }
}

/// What releasing one edition would do, worked out before anything is written.
struct Plan<'a> {
    built: &'a super::build::Kept,
    oid: String,
    versions: Vec<ocfl::store::VersionInfo>,
    /// The version's files read from disk, with their digests (those rendered from the
    /// edition's record and the register are rendered again to be written, see
    /// [`rendered_files`]).
    files: Vec<(String, Content)>,
    /// Paths added, removed or changed since the head version; `None` when nothing changed.
    changed: Option<Vec<String>>,
    /// The history entries the head version's record does not have.
    new_history: Vec<String>,
}

/// Works out what releasing `built` would do: its next version's files, what changed since the
/// head version, and the history entries that are new; refuses a release date before a
/// receipt of the source or before the head version.
fn plan_edition<'a>(
    root: &Path,
    store: Option<&StorageRoot>,
    deposits: &Path,
    built: &'a super::build::Kept,
    ctx: &RenderContext,
    date: OffsetDateTime,
) -> Result<Plan<'a>> {
    let e = &built.edition;
    let oid = object_id(ctx.config, &e.id);
    let versions = match store {
        Some(store) => store.versions(&oid)?,
        None => Vec::new(),
    };
    let mut files = version_files(root, built, ctx);
    // Every file's digests, taken once: a file read for them is not read again to plan.
    let mut current = std::collections::BTreeMap::new();
    for (path, content) in &mut files {
        let digests = content.digests()?;
        current.insert(path.clone(), digests.sha512.clone());
        if let Content::File(p) = content {
            let path = std::mem::take(p);
            *content = Content::Known { path, digests };
        }
    }
    // The files rendered here are let go once their digests are taken, and rendered again
    // when the version is written: the plans of every edition, all made before anything is
    // written, then hold no file's bytes.
    files.retain(|(_, content)| !matches!(content, Content::Bytes(_)));
    let (Some(store), Some(head)) = (store, versions.last()) else {
        check_receipts(e, date, versions.len() + 1)?;
        new_deposit(deposits, e, 1)?;
        return Ok(Plan {
            built,
            oid,
            versions,
            changed: Some(current.into_keys().collect()),
            files,
            new_history: e.record.history.iter().map(|h| h.change.clone()).collect(),
        });
    };
    let changed = changed_since(head, &current);
    if changed.is_empty() {
        return Ok(Plan {
            built,
            oid,
            versions,
            files,
            changed: None,
            new_history: Vec::new(),
        });
    }
    check_after_head(e, head, date)?;
    check_receipts(e, date, versions.len() + 1)?;
    new_deposit(deposits, e, head.number + 1)?;
    let new_history = history_since(store, &oid, head, e)?;
    Ok(Plan {
        built,
        oid,
        versions,
        files,
        changed: Some(changed),
        new_history,
    })
}

/// Time runs forward: refuses a release `date` (of version `number` of `e`) on a day before
/// any receipt of the edition's source.
fn check_receipts(e: &crate::model::Edition, date: OffsetDateTime, number: usize) -> Result<()> {
    let stamp = date.format(&Rfc3339).unwrap_or_default();
    let received = &e.record.received;
    let day = &stamp[..10.min(stamp.len())];
    for receipt in std::iter::once(&received.date).chain(received.earlier.iter().map(|r| &r.date)) {
        if let Some(when) = receipt
            .known()
            .filter(|w| super::receive::date_before(day, w))
        {
            return Err(Error::Backdated {
                what: format!("the release date of {} v{number}", e.id),
                date: stamp.clone(),
                than: format!("a receipt of its source ({when})"),
                earliest: when.to_string(),
            });
        }
    }
    Ok(())
}

/// Time runs forward: refuses a release `date` of `e` before its head version was made.
fn check_after_head(
    e: &crate::model::Edition,
    head: &ocfl::store::VersionInfo,
    date: OffsetDateTime,
) -> Result<()> {
    let head_created = OffsetDateTime::parse(&head.created, &Rfc3339).ok();
    if let Some(t) = head_created.filter(|t| date < *t) {
        return Err(Error::Backdated {
            what: format!("the release date of {} v{}", e.id, head.number + 1),
            date: date.format(&Rfc3339).unwrap_or_default(),
            than: format!("v{} ({})", head.number, head.created),
            earliest: t.format(&Rfc3339).unwrap_or_default(),
        });
    }
    Ok(())
}

/// The logical paths added, removed or changed between the head version (its PREMIS log
/// aside) and the `current` SHA-512 digests; every current path when the head version used
/// another algorithm.
fn changed_since(
    head: &ocfl::store::VersionInfo,
    current: &std::collections::BTreeMap<String, String>,
) -> Vec<String> {
    let mut stored = head.state.clone();
    stored.remove(PREMIS_PATH);
    if head.algorithm == ocfl::digest::Algorithm::Sha512 {
        stored
            .keys()
            .chain(current.keys())
            .filter(|p| stored.get(*p) != current.get(*p))
            .cloned()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    } else {
        current.keys().cloned().collect()
    }
}

/// The history entries of `e` that the head version's record lacks; when that record cannot
/// be read, the entries dated after the head version.
fn history_since(
    store: &StorageRoot,
    oid: &str,
    head: &ocfl::store::VersionInfo,
    e: &crate::model::Edition,
) -> Result<Vec<String>> {
    let previous: Option<crate::model::record::Record> = store
        .version_files(oid, head.number)?
        .into_iter()
        .find(|(p, _)| p == crate::load::RECORD_FILE)
        .and_then(|(_, file)| std::fs::read_to_string(file).ok())
        .and_then(|text| toml::from_str(&text).ok());
    Ok(match previous {
        Some(prev) => e
            .record
            .history
            .iter()
            .filter(|h| !prev.history.contains(h))
            .map(|h| h.change.clone())
            .collect(),
        None => e
            .record
            .history
            .iter()
            .filter(|h| super::receive::date_before(&head.created, &h.date))
            .map(|h| h.change.clone())
            .collect(),
    })
}

/// Carries out one edition's plan: commits its new version and writes its deposit, or, when
/// nothing changed, writes only a deposit the head version lacks.
fn release_edition(
    root: &Path,
    store: &StorageRoot,
    deposits: &Path,
    plan: Plan,
    ctx: &RenderContext,
    opts: &ReleaseOptions,
    date: OffsetDateTime,
) -> Result<Outcome> {
    let Plan {
        built,
        oid,
        versions,
        mut files,
        changed,
        new_history,
    } = plan;
    let e = &built.edition;
    let Some(changed) = changed else {
        return keep_unchanged(store, deposits, &oid, &versions, e, ctx, opts);
    };

    let number = versions.last().map_or(1, |v| v.number + 1);
    let deposit = new_deposit(deposits, e, number)?;
    let created = date.format(&Rfc3339).map_err(|e| Error::Time {
        what: "the release time".into(),
        reason: e.to_string(),
    })?;
    let mut warnings = Vec::new();
    let summary = summarize(e, number, &changed, &new_history, &mut warnings);
    let message = opts
        .message
        .clone()
        .unwrap_or_else(|| format!("Release of {} as version {number}: {summary}", e.id));
    let user = opts
        .user
        .clone()
        .unwrap_or_else(|| ctx.config.archive.contact.name.clone());

    let events = premis_events(root, e, &versions, number, &created, &message, &user)?;
    files.extend(
        rendered_files(built, ctx)
            .into_iter()
            .map(|(path, bytes)| (path, Content::Bytes(bytes))),
    );
    files.push((
        PREMIS_PATH.to_string(),
        Content::Bytes(premis::render(e, &events)),
    ));
    files.sort_by(|a, b| a.0.cmp(&b.0));

    let meta = version_meta(ctx.config, date, message.clone(), user);
    let (new_files, reused) = match store.commit(&oid, &files, &meta)? {
        Commit::Created {
            version,
            new_files,
            reused,
        } => {
            debug_assert_eq!(version, number);
            (new_files, reused)
        }
        Commit::Unchanged { .. } => (0, files.len()),
    };
    write_deposit(store, &oid, number, &created, e, ctx, &deposit)?;
    if let Some(choice) = &opts.storage {
        super::storage::upload_deposit(choice, &deposit)?;
    }
    Ok(Outcome::Released {
        id: e.id.clone(),
        version: number,
        new_files,
        reused,
        deposit,
        message,
        changed,
        warnings,
    })
}

/// Where version `number`'s deposit goes; refused when a deposit is there already, since
/// released packages are never rewritten.
fn new_deposit(deposits: &Path, e: &crate::model::Edition, number: u32) -> Result<PathBuf> {
    let deposit = deposits.join(format!("{}-v{number}.zip", e.id));
    if deposit.exists() {
        return Err(Error::Store {
            problem: format!(
                "a deposit of version {number} exists but the storage root has no such version, \
                 and released packages are never rewritten. If this archive was released to \
                 another storage root, copy that root here first (`editio storage copy FROM \
                 TO`); else move the deposit aside and release again"
            ),
            path: deposit,
        });
    }
    Ok(deposit)
}

/// An edition with nothing new: no version is made, and its head version's deposit is
/// written (and uploaded) only when it is missing, as after an interrupted release.
fn keep_unchanged(
    store: &StorageRoot,
    deposits: &Path,
    oid: &str,
    versions: &[ocfl::store::VersionInfo],
    e: &crate::model::Edition,
    ctx: &RenderContext,
    opts: &ReleaseOptions,
) -> Result<Outcome> {
    let head = versions.last().expect("an unchanged edition has a version");
    let deposit = deposits.join(format!("{}-v{}.zip", e.id, head.number));
    let written = if deposit.exists() {
        None
    } else {
        write_deposit(store, oid, head.number, &head.created, e, ctx, &deposit)?;
        if let Some(choice) = &opts.storage {
            super::storage::upload_deposit(choice, &deposit)?;
        }
        Some(deposit)
    };
    Ok(Outcome::Unchanged {
        id: e.id.clone(),
        version: head.number,
        deposit_written: written,
    })
}

/// What version `number` changes, for its default message: the new history entries, or, when
/// the history records none after a first version, the changed paths (with a warning for
/// the releaser in `warnings`).
fn summarize(
    e: &crate::model::Edition,
    number: u32,
    changed: &[String],
    new_history: &[String],
    warnings: &mut Vec<String>,
) -> String {
    if !new_history.is_empty() {
        return new_history.join("; ");
    }
    if number == 1 {
        return "first release".to_string();
    }
    warnings.push(format!(
        "the history of {} records no change since v{}; add a [[history]] entry to its \
         edition.toml saying what changed (changed: {})",
        e.id,
        number - 1,
        changed.join(", ")
    ));
    format!(
        "changed {}; the edition's history records no change since v{}",
        changed.join(", "),
        number - 1
    )
}

/// The PREMIS events of version `number` (made at `created`): the record's events, the
/// verifications logged in the edition's `events.toml`, and every release including this
/// one, in the order they happened.
fn premis_events(
    root: &Path,
    e: &crate::model::Edition,
    versions: &[ocfl::store::VersionInfo],
    number: u32,
    created: &str,
    message: &str,
    user: &str,
) -> Result<Vec<premis::Event>> {
    let mut events = premis::record_events(e);
    let dir = root.join(crate::load::EDITIONS_DIR).join(&e.id);
    for (i, logged) in crate::load::events::read(&dir)?
        .event
        .into_iter()
        .enumerate()
    {
        events.push(premis::Event {
            id: format!("verification-{}", i + 1),
            kind: logged.kind,
            when: logged.date,
            detail: logged.detail,
            outcome: logged.outcome,
            agent: logged.agent,
        });
    }
    for v in versions {
        events.extend(release_events(v.number, &v.created, &v.message, &v.user));
    }
    events.extend(release_events(number, created, message, user));
    // In the order they happened (dates sort before times on the same day).
    events.sort_by(|a, b| a.when.cmp(&b.when));
    Ok(events)
}

/// The OCFL version's metadata. OCFL asks for a URI for the user: their e-mail, the contact's
/// web page, or else the archive's own base URI.
fn version_meta(
    config: &Config,
    date: OffsetDateTime,
    message: String,
    user: String,
) -> VersionMeta {
    VersionMeta {
        created: date,
        message,
        user_name: user,
        user_address: Some(match &config.archive.contact {
            c if c.email.is_some() => format!("mailto:{}", c.email.as_deref().unwrap_or_default()),
            c if c.url.is_some() => c.url.clone().unwrap_or_default(),
            _ => config.archive.base_uri.clone(),
        }),
    }
}

/// The events of one release: the encoding made for it, and the release itself.
fn release_events(number: u32, created: &str, message: &str, user: &str) -> [premis::Event; 2] {
    let agent = if user.is_empty() {
        premis::software_agent()
    } else {
        user.to_string()
    };
    [
        premis::Event {
            id: format!("encoding-v{number}"),
            kind: "creation".into(),
            when: created.to_string(),
            detail: format!(
                "TEI P5, HTML and EPUB encodings of source.txt made by {} for version {number}",
                crate::AGENT
            ),
            outcome: "success".into(),
            agent: premis::software_agent(),
        },
        premis::Event {
            id: format!("release-v{number}"),
            kind: "accession".into(),
            when: created.to_string(),
            detail: format!(
                "Version {number} frozen in the OCFL storage root and packed as a BagIt deposit: {message}"
            ),
            outcome: "success".into(),
            agent,
        },
    ]
}

/// Packs version `number` of an object, from its stored files, as a BagIt zip.
fn write_deposit(
    store: &StorageRoot,
    oid: &str,
    number: u32,
    created: &str,
    e: &crate::model::Edition,
    ctx: &RenderContext,
    dest: &Path,
) -> Result<()> {
    let date = OffsetDateTime::parse(created, &Rfc3339).map_err(|err| Error::Damaged {
        location: format!("{oid} v{number}"),
        problem: format!("creation time '{created}': {err}; run `editio verify`"),
    })?;
    let payload = store
        .version_files(oid, number)?
        .into_iter()
        .map(|(path, file)| BagFile {
            path,
            source: Content::File(file),
        })
        .collect();
    let a = &ctx.config.archive;
    let mut info = vec![
        ("Source-Organization".to_string(), a.organisation.clone()),
        ("Contact-Name".to_string(), a.contact.name.clone()),
    ];
    if let Some(m) = &a.contact.email {
        info.push(("Contact-Email".into(), m.clone()));
    }
    let mut description = e.record.title.clone();
    if let Some(sub) = &e.record.subtitle {
        description.push_str(": ");
        description.push_str(sub);
    }
    info.extend([
        ("External-Identifier".to_string(), oid.to_string()),
        ("External-Description".to_string(), description),
        ("Bag-Group-Identifier".to_string(), a.base_uri.clone()),
        ("Version".to_string(), number.to_string()),
    ]);
    let spec = BagSpec {
        name: format!("{}-v{number}", e.id),
        payload,
        tag_files: Vec::new(),
        info,
        date,
    };
    bagit::write_zip(&spec, dest).map(|_| ())
}

/// One bag with every edition's head version (`<id>/v<N>/...`) and the whole register.
fn collection_bag(
    store: &StorageRoot,
    deposits: &Path,
    archive: &crate::load::Archive,
    built: &[super::build::Kept],
    config: &Config,
    date: OffsetDateTime,
) -> Result<PathBuf> {
    let stamp = date
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_default();
    let dest = deposits.join(format!("collection-{stamp}.zip"));
    let mut payload = Vec::new();
    let mut versions = Vec::new();
    for built in built {
        let oid = object_id(config, &built.edition.id);
        let Some(head) = store.versions(&oid)?.last().map(|v| v.number) else {
            continue;
        };
        versions.push(format!("{} v{head}", built.edition.id));
        for (path, file) in store.version_files(&oid, head)? {
            payload.push(BagFile {
                path: format!("{}/v{head}/{path}", built.edition.id),
                source: Content::File(file),
            });
        }
    }
    payload.push(BagFile {
        path: "register.xml".into(),
        source: Content::Bytes(tei::render_register(&archive.register, config)),
    });
    let a = &config.archive;
    let info = vec![
        ("Source-Organization".to_string(), a.organisation.clone()),
        ("Contact-Name".to_string(), a.contact.name.clone()),
        (
            "External-Identifier".to_string(),
            format!("{}collection", a.base_uri),
        ),
        (
            "External-Description".to_string(),
            format!(
                "{}: every edition's current version ({}) and the register",
                a.name,
                versions.join(", ")
            ),
        ),
        ("Bag-Group-Identifier".to_string(), a.base_uri.clone()),
    ];
    let spec = BagSpec {
        name: format!("collection-{stamp}"),
        payload,
        tag_files: Vec::new(),
        info,
        date,
    };
    bagit::write_zip(&spec, &dest)?;
    Ok(dest)
}
