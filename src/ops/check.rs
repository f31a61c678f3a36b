//! `editio check`: every problem in the archive, not just the first. Settings and records are
//! read (syntax, unknown fields, types), their values checked (required metadata, dates,
//! evidence), and every source compared with its recorded size and SHA-256.

use super::provenance::ReleasedSource;
use crate::archive::ocfl::StorageRoot;
use crate::diagnostic::{Code, Diagnostic, Location, codes};
use crate::engine::{Built, Checks, Discard, Keep, OnFinding, Tally};
use crate::error::Result;
use crate::load::source::Source;
use crate::load::{self, Archive, EditionDir};
use crate::model::record::{Bibl, BiblKind, Cert, Fact, Record};
use crate::model::{check_date, check_id};
use crate::progress::OnProgress;
use std::collections::BTreeMap;
use std::path::Path;

/// The outcome of a check.
#[derive(Debug)]
pub struct Report {
    pub archive: Archive,
    /// How many errors and warnings the check found.
    pub tally: Tally,
    /// Every finding, with paths relative to the archive root, in report order (see
    /// [`crate::engine::run::run`]); empty after [`check_streaming`], which hands each over
    /// as it is found.
    pub diagnostics: Vec<Diagnostic>,
    /// Every edition whose record and source are sound, shaped by the passes and encoded;
    /// empty after [`check_streaming`].
    pub built: Vec<Built>,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.tally.errors
    }
    pub fn warnings(&self) -> usize {
        self.tally.warnings
    }
}

/// Checks the archive at `root`, keeping every finding and every edition built in the report.
pub fn check(root: &Path) -> Result<Report> {
    check_with_progress(root, &crate::progress::ignore)
}

/// [`check`], telling `progress` how far it got (the bytes of source text of each edition):
/// the build's engine, keeping every edition in memory and writing nothing, with the record
/// checks.
pub fn check_with_progress(root: &Path, progress: OnProgress) -> Result<Report> {
    let checks = RecordChecks::new(root);
    let mut diagnostics = Vec::new();
    let run = crate::engine::run::run(root, progress, None, &checks, &Keep, &mut |d| {
        diagnostics.push(d);
        Ok(())
    })?;
    Ok(Report {
        archive: run.archive,
        tally: run.tally,
        diagnostics,
        built: run.kept,
    })
}

/// `editio check` on a large archive: [`check_with_progress`], handing every finding to
/// `on_finding` as soon as its place in the report is known, and letting each edition go once
/// checked, so that memory grows neither with the archive nor with its findings. The report
/// has the counts, and no findings or editions.
pub fn check_streaming(root: &Path, progress: OnProgress, on_finding: OnFinding) -> Result<Report> {
    let checks = RecordChecks::new(root);
    let run = crate::engine::run::run(root, progress, None, &checks, &Discard, on_finding)?;
    Ok(Report {
        archive: run.archive,
        tally: run.tally,
        diagnostics: Vec::new(),
        built: Vec::new(),
    })
}

/// The checks of the records' values, of sources recorded twice, and of released sources
/// changed without a receipt, that `check` and `build` run beside the engine.
pub struct RecordChecks {
    /// The storage root of released versions, if any, or why it cannot be opened.
    store: std::result::Result<Option<StorageRoot>, String>,
}

impl RecordChecks {
    /// The checks for the archive at `root`.
    pub fn new(root: &Path) -> Self {
        RecordChecks {
            store: super::provenance::store(root).map_err(|e| e.to_string()),
        }
    }

    /// What was released of an edition: its head version's source, or why it cannot be read.
    fn released(
        &self,
        archive: &Archive,
        edition: &EditionDir,
    ) -> std::result::Result<Option<ReleasedSource>, String> {
        let (Some(config), Some(_)) = (&archive.config, &edition.record) else {
            return Ok(None);
        };
        match &self.store {
            Ok(Some(store)) => {
                let oid = crate::layout::object_id(config, &edition.id);
                super::provenance::released_source(store, &oid).map_err(|e| e.to_string())
            }
            Ok(None) => Ok(None),
            Err(e) => Err(e.clone()),
        }
    }
}

impl Checks for RecordChecks {
    fn edition(
        &self,
        archive: &Archive,
        edition: &EditionDir,
        source: Option<&Source>,
    ) -> Vec<Diagnostic> {
        let mut diags = check_edition(edition);
        if let (Some(record), Some(source)) = (&edition.record, source) {
            let path = edition.source_path();
            match self.released(archive, edition) {
                Ok(Some(released)) => diags.extend(super::provenance::unrecorded_change(
                    &edition.id,
                    &path,
                    record,
                    &source.sha256,
                    &released,
                )),
                Ok(None) => {}
                Err(why) => diags.push(
                    Diagnostic::new(
                        codes::SOURCE_UNRECORDED,
                        Location::file(&path),
                        format!("source.txt cannot be compared with its released version: {why}"),
                    )
                    .with_help("run `editio verify` to see what is wrong with export/ocfl"),
                ),
            }
        }
        diags
            .into_iter()
            .map(|d| d.for_edition(&edition.id))
            .collect()
    }

    fn archive(&self, archive: &Archive) -> Vec<Diagnostic> {
        duplicate_sources(archive)
    }
}

/// Every edition whose recorded SHA-256 is also another's (ED306).
fn duplicate_sources(archive: &Archive) -> Vec<Diagnostic> {
    let mut by_sha: BTreeMap<String, Vec<&EditionDir>> = BTreeMap::new();
    for edition in &archive.editions {
        if let Some(record) = &edition.record {
            by_sha
                .entry(record.received.sha256.to_ascii_lowercase())
                .or_default()
                .push(edition);
        }
    }
    let mut out = Vec::new();
    for (sha, editions) in by_sha.iter().filter(|(_, e)| e.len() > 1) {
        for edition in editions {
            let others: Vec<&str> = editions
                .iter()
                .filter(|o| o.id != edition.id)
                .map(|o| o.id.as_str())
                .collect();
            out.push(
                Diagnostic::new(
                    codes::SOURCE_DUPLICATE,
                    Location::file(edition.record_path()),
                    format!(
                        "the same source (SHA-256 {sha}) is also edition {}",
                        others.join(", ")
                    ),
                )
                .for_edition(&edition.id)
                .with_help("record each received file once"),
            );
        }
    }
    out
}

/// Checks one edition's record: its values, where each problem stands in the file. (Its
/// source is compared with the record as it is read, by [`crate::load::source::read`].)
pub fn check_edition(edition: &EditionDir) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    if let Some(record) = &edition.record {
        let path = edition.record_path();
        let problems = record_problems(record, &edition.id);
        // The record's text as read, only to say where a problem stands.
        let text = edition.record_text.as_deref().unwrap_or_default();
        let locator = load::toml::Locator::new(&path, text);
        for problem in problems {
            let location = locator.locate(&problem.at);
            let mut d = Diagnostic::new(problem.code, location, problem.message);
            if let Some(help) = problem.help {
                d = d.with_help(help);
            }
            diags.push(d);
        }
    }
    diags
        .into_iter()
        .map(|d| d.for_edition(&edition.id))
        .collect()
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
    identity_problems(record, folder, &mut out);
    contributor_problems(record, &mut out);
    bibl_problems(&record.source, "source", true, &mut out);
    if let Some(written) = &record.written {
        fact_problems(written, &["written"], false, true, &mut out);
    }
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
    rights_problems(record, &mut out);
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

/// The record's id, title, licence of the encoding and language.
fn identity_problems(record: &Record, folder: &str, out: &mut Vec<Problem>) {
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
    if let Some(licence) = &record.rights.encoding_licence
        && let Err(why) = crate::model::check_licence(licence)
    {
        out.push(
            problem(codes::RECORD_INVALID, &["rights", "encoding_licence"], why)
                .help("give an SPDX licence identifier: https://spdx.org/licenses/"),
        );
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
}

/// Every contributor has a name and says how it is known.
fn contributor_problems(record: &Record, out: &mut Vec<Problem>) {
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
}

/// The rights in the source: stated, and stated so that a machine can act on them.
fn rights_problems(record: &Record, out: &mut Vec<Problem>) {
    fact_problems(
        &record.rights.source,
        &["rights", "source"],
        true,
        false,
        out,
    );
    if let Some(f) = &record.rights.source_licence {
        fact_problems(f, &["rights", "source_licence"], false, false, out);
    }
    if record.rights.source.known().is_some()
        && record.rights.source_statement.is_none()
        && record
            .rights
            .source_licence
            .as_ref()
            .and_then(Fact::known)
            .is_none()
    {
        out.push(
            problem(
                codes::RIGHTS_WORDS_ONLY,
                &["rights", "source_statement"],
                "rights.source says the source's rights in words only, so the TEI header gives \
                 its availability as unknown",
            )
            .help(
                "add rights.source_statement, the rightsstatements.org statement that fits \
                 (http://rightsstatements.org/vocab/InC/1.0/ in copyright, \
                 http://rightsstatements.org/vocab/NoC-US/1.0/ no copyright in the United States, \
                 http://rightsstatements.org/vocab/UND/1.0/ undetermined), or \
                 rights.source_licence when the text is under a licence (CC0-1.0, CC-BY-4.0)",
            ),
        );
    }
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
