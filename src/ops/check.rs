//! `editio check`: every problem in the archive, not just the first. Settings and records are
//! read (syntax, unknown fields, types), their values checked (required metadata, dates,
//! evidence), and every source compared with its recorded size and SHA-256.

use crate::archive::digest;
use crate::diagnostic::{Code, Diagnostic, Location, codes};
use crate::error::Result;
use crate::load::{self, Archive, EditionDir};
use crate::model::record::{Bibl, BiblKind, Cert, Fact, Record};
use crate::model::{check_date, check_id};
use crate::ops::progress::{Event, Progress};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

/// The outcome of a check.
#[derive(Debug)]
pub struct Report {
    pub archive: Archive,
    /// Every finding, with paths relative to the archive root, in a stable order.
    pub diagnostics: Vec<Diagnostic>,
    /// Every edition whose record and source are sound, shaped by the passes and rendered.
    pub built: Vec<super::build::Built>,
    /// Only for a build with its cache: the editions whose outputs are reused instead of being
    /// built again (their record only, not shaped by the passes), in archive order among
    /// themselves, and the input hash of every edition.
    pub reused: Vec<(crate::model::Edition, super::cache::Reused)>,
    pub inputs: BTreeMap<String, String>,
    /// Only for a build: the editions handed to its [`Sink`] as soon as they were built, in
    /// archive order.
    pub sunk: Vec<super::build::Sunk>,
    /// Only for a build with its cache: the files made from the register (with their SHA-256)
    /// when the register was not read, because no edition was to be built and the cache held
    /// those files and the register's findings (then [`Archive::register`] is empty).
    pub register_reused: Option<BTreeMap<String, String>>,
    /// Only for a build with its cache: the findings of reading the register, to record.
    pub register_findings: Vec<Diagnostic>,
    /// Only for a build with its cache: whether the register was read from its TOML files
    /// (rather than from the cache), so that the build keeps it for the next one.
    pub register_read: bool,
}

/// What a build does with each edition as soon as it is built, on the thread that built it:
/// stage its outputs and keep only what the rest of the build needs, so that memory holds a
/// few editions at a time, not the whole archive.
/// The sink is also given the hash of the edition's inputs when the build keeps a cache.
pub(crate) type Sink<'a> =
    dyn Fn(&Archive, super::build::Built, Option<&str>) -> Result<super::build::Sunk> + Sync + 'a;

/// What became of one sound edition.
enum Outcome {
    Built(super::build::Built),
    Reused(crate::model::Edition, super::cache::Reused),
    Sunk(super::build::Sunk),
}

impl Report {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// Checks the archive at `root`.
pub fn check(root: &Path) -> Result<Report> {
    check_with_progress(root, &crate::ops::progress::none)
}

/// [`check`], telling `progress` how far it got (one [`Event::Advance`] per edition).
pub fn check_with_progress(root: &Path, progress: Progress) -> Result<Report> {
    check_with_cache(root, progress, None, None)
}

/// [`check_with_progress`] for a build: with `cache`, an edition whose inputs and outputs are
/// those the cache recorded is not built again (see [`super::cache`]); with `sink`, every
/// edition built is handed to it at once instead of being kept in [`Report::built`].
pub(crate) fn check_with_cache(
    root: &Path,
    progress: Progress,
    cache: Option<&super::cache::Cache>,
    sink: Option<&Sink>,
) -> Result<Report> {
    // With the cache, the register is read only if something needs it (below).
    let (mut archive, mut diags) = match cache {
        Some(_) => load::archive_without_register(root)?,
        None => load::archive(root)?,
    };
    progress(Event::Phase {
        name: if sink.is_some() {
            "building"
        } else {
            "checking and encoding"
        },
        total: archive.editions.len() as u64,
    });
    let mut by_sha: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut built = Vec::new();
    let mut reused = Vec::new();
    let mut sunk = Vec::new();
    let mut inputs = BTreeMap::new();
    // First what each edition is: its findings, and with the cache, whether its outputs can
    // be reused.
    type Seen = (
        Vec<Diagnostic>,
        bool,
        Option<String>,
        Option<super::cache::Reused>,
    );
    let seen: Vec<Result<Seen>> = archive
        .editions
        .par_iter()
        .map(|edition| {
            let found = check_edition(edition)?;
            // Metadata still to be filled does not keep the text from being read; a source
            // that is missing, altered or undecodable does.
            let sound = !found.iter().any(|d| {
                d.is_error()
                    && [
                        codes::SOURCE_MISSING,
                        codes::SOURCE_SIZE,
                        codes::SOURCE_CHECKSUM,
                        codes::SOURCE_DECODE,
                    ]
                    .contains(&d.code)
            });
            let input = match (cache, &edition.record) {
                (Some(cache), Some(_)) if sound => cache.input_hash(edition),
                _ => None,
            };
            let hit = input
                .as_deref()
                .zip(cache)
                .and_then(|(input, cache)| cache.lookup(&edition.id, input));
            Ok((found, sound, input, hit))
        })
        .collect();
    let seen: Vec<Seen> = seen.into_iter().collect::<Result<_>>()?;
    let mut register_reused = None;
    let mut register_findings = Vec::new();
    let mut register_read = false;
    if let Some(cache) = cache {
        let needed = archive.config.is_some()
            && archive
                .editions
                .iter()
                .zip(&seen)
                .any(|(e, (_, sound, _, hit))| *sound && hit.is_none() && e.record.is_some());
        match cache.register_reuse().filter(|_| !needed) {
            Some((sha, found)) => {
                register_reused = Some(sha);
                register_findings = found;
            }
            None => {
                let (register, found) = match cache.register() {
                    Some(cached) => cached,
                    None => {
                        let dir = archive.editions_dir().join(load::REGISTER_DIR);
                        register_read = true;
                        load::register(&dir)?
                    }
                };
                archive.register = register;
                register_findings = found;
            }
        }
        diags.extend(register_findings.iter().cloned());
    }
    // Name forms are looked up word by word: with the table of forms built once, that is
    // faster than building and running one automaton over all of them, at any size
    // (BENCHMARKS.md).
    let search = crate::passes::names::matcher::Search::Words;
    let pipeline = std::sync::OnceLock::new();
    type Done = (Vec<Diagnostic>, Option<Outcome>, Option<String>);
    // Editions are independent: check and build them in parallel, then gather in order.
    let results: Vec<Result<Done>> = archive
        .editions
        .par_iter()
        .zip(seen)
        .map(|(edition, (found, sound, input, hit))| {
            let outcome = match (&archive.config, &edition.record, hit) {
                (Some(_), Some(record), Some(hit)) => {
                    let source = edition.source_path();
                    let shell = crate::model::Edition::new(
                        edition.id.clone(),
                        record.clone(),
                        source,
                        Vec::new(),
                    );
                    Some(Outcome::Reused(shell, hit))
                }
                (Some(config), _, _) if sound => {
                    let pipeline = pipeline.get_or_init(|| {
                        crate::passes::Pipeline::with_search(&archive.register, search)
                    });
                    match super::build::build_edition(edition, config, &archive.register, pipeline)?
                    {
                        Some(b) => Some(match sink {
                            Some(sink) => Outcome::Sunk(sink(&archive, b, input.as_deref())?),
                            None => Outcome::Built(b),
                        }),
                        None => None,
                    }
                }
                _ => None,
            };
            progress(Event::Advance(1));
            Ok((found, outcome, input))
        })
        .collect();
    // Freeing the names pass's tables takes a while; nothing waits for it.
    if let Some(pipeline) = pipeline.into_inner() {
        std::thread::spawn(move || drop(pipeline));
    }
    for (edition, result) in archive.editions.iter().zip(results) {
        let (found, outcome, input) = result?;
        diags.extend(found);
        if let Some(input) = input {
            inputs.insert(edition.id.clone(), input);
        }
        match outcome {
            Some(Outcome::Built(b)) => {
                diags.extend(
                    b.edition
                        .findings
                        .iter()
                        .cloned()
                        .map(|d| d.for_edition(&edition.id)),
                );
                built.push(b);
            }
            Some(Outcome::Reused(shell, hit)) => {
                diags.extend(
                    hit.findings
                        .iter()
                        .cloned()
                        .map(|d| d.for_edition(&edition.id)),
                );
                reused.push((shell, hit));
            }
            Some(Outcome::Sunk(mut s)) => {
                // The sink recorded what the cache needs of the findings: they move here.
                diags.extend(
                    std::mem::take(&mut s.edition.findings)
                        .into_iter()
                        .map(|d| d.for_edition(&edition.id)),
                );
                sunk.push(s);
            }
            None => {}
        }
        if let Some(record) = &edition.record {
            by_sha
                .entry(record.received.sha256.to_ascii_lowercase())
                .or_default()
                .push(&edition.id);
        }
    }
    for (sha, ids) in by_sha.iter().filter(|(_, ids)| ids.len() > 1) {
        for id in ids {
            let edition = archive.editions.iter().find(|e| e.id == *id);
            let path = edition.map(|e| e.record_path()).unwrap_or_default();
            let others: Vec<_> = ids.iter().filter(|o| *o != id).copied().collect();
            diags.push(
                Diagnostic::new(
                    codes::SOURCE_DUPLICATE,
                    Location::file(path),
                    format!(
                        "the same source (SHA-256 {sha}) is also edition {}",
                        others.join(", ")
                    ),
                )
                .for_edition(*id)
                .with_help("record each received file once"),
            );
        }
    }
    let mut diagnostics: Vec<Diagnostic> = diags
        .into_iter()
        .map(|mut d| {
            d.location = d.location.relative_to(root);
            d
        })
        .collect();
    // A stable sort in place (paths compare component by component): an archive can have
    // hundreds of thousands of findings, so no copy of them is made.
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
    Ok(Report {
        archive,
        diagnostics,
        built,
        reused,
        inputs,
        sunk,
        register_reused,
        register_findings,
        register_read,
    })
}

/// Checks one edition: its record's values and its source's bytes.
pub fn check_edition(edition: &EditionDir) -> Result<Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let source = edition.source_path();
    let source_meta = std::fs::metadata(&source);
    if source_meta.as_ref().map_or(true, |m| !m.is_file()) {
        diags.push(
            Diagnostic::new(
                codes::SOURCE_MISSING,
                Location::file(&source),
                format!("edition '{}' has no {}", edition.id, load::SOURCE_FILE),
            )
            .with_help("restore source.txt from a backup or a released version"),
        );
    }
    if let Some(record) = &edition.record {
        let path = edition.record_path();
        let problems = record_problems(record, &edition.id);
        // The record's text is read again only to say where a problem stands.
        let text = if problems.is_empty() {
            String::new()
        } else {
            std::fs::read_to_string(&path).unwrap_or_default()
        };
        for problem in problems {
            let at: Vec<&str> = problem.at.iter().map(String::as_str).collect();
            let location = load::toml::locate(&path, &text, &at);
            let mut d = Diagnostic::new(problem.code, location, problem.message);
            if let Some(help) = problem.help {
                d = d.with_help(help);
            }
            diags.push(d);
        }
        if source_meta.is_ok_and(|m| m.is_file()) {
            diags.extend(source_problems(&source, record)?);
        }
    }
    Ok(diags
        .into_iter()
        .map(|d| d.for_edition(&edition.id))
        .collect())
}

/// A problem with a record's values, and the key it is at.
struct Problem {
    code: Code,
    /// Table keys and array indices.
    at: Vec<String>,
    message: String,
    help: Option<String>,
}

fn problem(code: Code, at: &[&str], message: impl Into<String>) -> Problem {
    Problem {
        code,
        at: at.iter().map(|s| s.to_string()).collect(),
        message: message.into(),
        help: None,
    }
}

impl Problem {
    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

const TO_FILL_HELP: &str = "fill it in, or say cert = \"unknown\" with what was tried as evidence";

fn record_problems(record: &Record, folder: &str) -> Vec<Problem> {
    let mut out = Vec::new();
    if record.id != folder {
        out.push(
            problem(
                codes::RECORD_ID_MISMATCH,
                &["id"],
                format!("id '{}' differs from the folder name '{folder}'", record.id),
            )
            .help("the id and the folder name must be the same"),
        );
    } else if let Err(reason) = check_id(&record.id) {
        out.push(problem(
            codes::RECORD_INVALID,
            &["id"],
            format!("'{}' is not a safe id: {reason}", record.id),
        ));
    }
    if record.title.trim().is_empty() {
        out.push(problem(
            codes::RECORD_TO_FILL,
            &["title"],
            "the edition has no title",
        ));
    }
    if record.language.trim().is_empty() {
        out.push(
            problem(
                codes::RECORD_TO_FILL,
                &["language"],
                "the text's language is not given",
            )
            .help("give a BCP 47 tag such as en, fr or de"),
        );
    } else if !is_language_tag(&record.language) {
        out.push(problem(
            codes::RECORD_INVALID,
            &["language"],
            format!(
                "'{}' is not a BCP 47 language tag (en, fr, ru-Latn)",
                record.language
            ),
        ));
    }
    if record.contributors.is_empty() {
        out.push(
            problem(codes::RECORD_TO_FILL, &["contributors"], "no contributors are recorded")
                .help("add the author; for an anonymous text, name = \"Anonymous\" with cert = \"unknown\""),
        );
    }
    for (i, c) in record.contributors.iter().enumerate() {
        let i = i.to_string();
        if c.name.trim().is_empty() || c.cert == Cert::Todo {
            out.push(
                problem(
                    codes::RECORD_TO_FILL,
                    &["contributors", &i, "name"],
                    format!(
                        "a contributor ({}) is still to be filled in",
                        c.role.label()
                    ),
                )
                .help("give the name and say how it is known (cert, evidence)"),
            );
        } else if matches!(c.cert, Cert::Inferred | Cert::Uncertain) && c.evidence.is_none() {
            out.push(problem(
                codes::RECORD_NO_EVIDENCE,
                &["contributors", &i, "cert"],
                format!(
                    "contributor '{}' is {} but gives no evidence",
                    c.name,
                    cert_word(c.cert)
                ),
            ));
        }
    }
    bibl_problems(&record.source, "source", true, &mut out);
    if let Some(t) = &record.transcription {
        bibl_problems(t, "transcription", true, &mut out);
    }
    let r = &record.received;
    fact_problems(&r.date, &["received", "date"], true, true, &mut out);
    fact_problems(&r.by, &["received", "by"], false, false, &mut out);
    fact_problems(&r.route, &["received", "route"], true, false, &mut out);
    if r.sha256.len() != 64 || !r.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        out.push(problem(
            codes::RECORD_INVALID,
            &["received", "sha256"],
            "sha256 is not 64 hexadecimal digits",
        ));
    }
    if let Some(label) = &r.encoding
        && encoding_rs::Encoding::for_label(label.as_bytes()).is_none()
    {
        out.push(problem(
            codes::RECORD_INVALID,
            &["received", "encoding"],
            format!("unknown encoding '{label}'"),
        ));
    }
    fact_problems(
        &record.rights.source,
        &["rights", "source"],
        true,
        false,
        &mut out,
    );
    if let Some(f) = &record.rights.source_licence {
        fact_problems(f, &["rights", "source_licence"], false, false, &mut out);
    }
    for change in &record.history {
        if let Err(m) = check_date(&change.date) {
            out.push(problem(
                codes::RECORD_INVALID,
                &["history"],
                format!("history date '{}': {m}", change.date),
            ));
        }
    }
    out
}

fn bibl_problems(bibl: &Bibl, table: &'static str, required: bool, out: &mut Vec<Problem>) {
    if bibl.kind == BiblKind::Todo {
        out.push(
            problem(
                codes::RECORD_TO_FILL,
                &[table, "kind"],
                format!("{table}.kind is still to be filled in"),
            )
            .help("one of book, article, web-page, manuscript, other"),
        );
    }
    for (name, fact) in bibl.facts() {
        let required = required && name == "title";
        let is_date = name == "date";
        fact_problems(fact, &[table, name], required, is_date, out);
    }
}

fn fact_problems(
    fact: &Fact,
    at: &[&'static str],
    required: bool,
    date: bool,
    out: &mut Vec<Problem>,
) {
    let field = at.join(".");
    let has_value = fact.value.as_deref().is_some_and(|v| !v.trim().is_empty());
    match fact.cert {
        Cert::Todo => {
            let code = if required {
                codes::RECORD_TO_FILL
            } else {
                codes::RECORD_OPTIONAL_TO_FILL
            };
            out.push(
                problem(code, at, format!("{field} is still to be filled in")).help(TO_FILL_HELP),
            );
        }
        Cert::Unknown if has_value => out.push(
            problem(
                codes::RECORD_INVALID,
                at,
                format!("{field} has a value but cert = \"unknown\""),
            )
            .help("if the value is known, say how sure it is: confirmed, inferred or uncertain"),
        ),
        Cert::Unknown => {
            if required && fact.evidence.is_none() {
                out.push(problem(
                    codes::RECORD_NO_EVIDENCE,
                    at,
                    format!("{field} is unknown; say what was tried as evidence"),
                ));
            }
        }
        cert => {
            if !has_value {
                out.push(
                    problem(
                        codes::RECORD_INVALID,
                        at,
                        format!("{field} is {} but has no value", cert_word(cert)),
                    )
                    .help("give the value, or set cert = \"unknown\""),
                );
            } else if date {
                let value = fact.value.as_deref().unwrap_or_default();
                if let Err(m) = check_date(value) {
                    out.push(problem(
                        codes::RECORD_INVALID,
                        at,
                        format!("{field} '{value}': {m}"),
                    ));
                }
            }
            if matches!(cert, Cert::Inferred | Cert::Uncertain) && fact.evidence.is_none() {
                out.push(problem(
                    codes::RECORD_NO_EVIDENCE,
                    at,
                    format!("{field} is {} but gives no evidence", cert_word(cert)),
                ));
            }
        }
    }
}

fn cert_word(cert: Cert) -> &'static str {
    match cert {
        Cert::Confirmed => "confirmed",
        Cert::Inferred => "inferred",
        Cert::Uncertain => "uncertain",
        Cert::Unknown => "unknown",
        Cert::Todo => "to be filled",
    }
}

/// A well-formed BCP 47 tag, in the simple form editions use: a 2–3 letter language and
/// optional subtags of 2–8 letters or digits.
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let lang = parts.next().unwrap_or_default();
    (2..=3).contains(&lang.len())
        && lang.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Compares the source with its record: size, SHA-256 and decodability.
fn source_problems(source: &Path, record: &Record) -> Result<Vec<Diagnostic>> {
    let mut out = Vec::new();
    let (size, sha256) = digest::sha256_file(source)?;
    let r = &record.received;
    if size != r.size {
        out.push(
            Diagnostic::new(
                codes::SOURCE_SIZE,
                Location::file(source),
                format!("source.txt has {size} bytes; the record says {}", r.size),
            )
            .with_help(
                "source.txt must never change: restore it from a backup or a released version",
            ),
        );
    }
    if !sha256.eq_ignore_ascii_case(&r.sha256) {
        out.push(
            Diagnostic::new(
                codes::SOURCE_CHECKSUM,
                Location::file(source),
                format!(
                    "source.txt has SHA-256 {sha256}; the record says {}",
                    r.sha256
                ),
            )
            .with_help(
                "source.txt must never change: restore it from a backup or a released version",
            ),
        );
    } else if let Err(e) = read_source_text(source, record) {
        out.push(Diagnostic::new(
            codes::SOURCE_DECODE,
            Location::file(source),
            e.to_string(),
        ));
    }
    Ok(out)
}

/// Reads and decodes an edition's source with the encoding its record names.
pub fn read_source_text(source: &Path, record: &Record) -> Result<String> {
    let bytes = std::fs::read(source).map_err(crate::Error::io(source))?;
    let label = record.received.encoding.as_deref();
    super::add::check_decodable(source, &bytes, label)?;
    let encoding = label
        .and_then(|l| encoding_rs::Encoding::for_label(l.as_bytes()))
        .unwrap_or(encoding_rs::UTF_8);
    super::add::decode(source, &bytes, encoding)
}

#[cfg(test)]
mod tests {
    use super::is_language_tag;

    #[test]
    fn language_tags() {
        for good in ["en", "fr", "ru-Latn", "en-GB", "yue"] {
            assert!(is_language_tag(good), "{good}");
        }
        for bad in ["", "e", "english-language-x", "en_GB", "e1"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }
}
