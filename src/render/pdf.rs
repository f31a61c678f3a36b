//! The PDF renderer: the printed edition, typeset by Typst inside editio (no browser, no
//! network, no fonts of the host), written as PDF/A-3a with the edition's TEI attached as its
//! source. It takes the edition model and the TEI bytes and returns the PDF's bytes.
//!
//! The page is the Typst template `templates/edition.typ` (an archive may replace it, as it
//! may the HTML templates); the edition reaches it only as
//! JSON (`data.json`, the same view the HTML page is made from, with the blocks as structured
//! pieces), so no text of a source, a record or the register is ever read as Typst markup.
//! The fonts are those editio ships: Libertinus Serif and DejaVu Sans Mono from the
//! `typst-assets` crate, and a subset of Noto Serif CJK kept in `fonts/` (see its README).
//! The PDF is dated with the edition's date, never the clock, so the same edition gives the
//! same bytes on every machine.

use super::html::{self, Extra, Templates};
use super::{Item, Output, RenderContext, Renderer};
use crate::diagnostic::{Diagnostic, Location, codes};
use crate::error::{Error, Result};
use crate::model::edition::GapReason;
use crate::model::record::{BlockKind, Cert, Role};
use crate::model::{Block, Edition, Inline};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::{Arc, LazyLock};
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

/// The folder of `export/` the PDFs go in.
pub const DIR: &str = "pdf";

/// The PDF renderer, with the Typst template of the archive (its own in `templates/`, or the
/// built-in one).
pub struct Pdf {
    template: String,
}

impl Pdf {
    pub fn new(templates: Arc<Templates>) -> Result<Self> {
        Ok(Pdf {
            template: templates.asset(TEMPLATE)?,
        })
    }
}

impl Renderer for Pdf {
    fn name(&self) -> &'static str {
        "pdf"
    }

    fn dirs(&self) -> &'static [&'static str] {
        &[DIR]
    }

    fn edition(&self, item: &Item, ctx: &RenderContext) -> Result<Vec<Output>> {
        let printed = render(item.edition, ctx, item.tei, &self.template)?;
        let name = format!("{}.pdf", item.edition.id);
        Ok(vec![Output::new(DIR, name, printed.pdf)])
    }

    fn findings(&self, item: &Item, ctx: &RenderContext) -> Vec<Diagnostic> {
        let data = data(item.edition, ctx, item.tei);
        missing_findings(item.edition, &missing_chars(&data))
    }
}

/// The name of the Typst template of the printed edition (built in, or the archive's own in
/// `templates/`).
pub const TEMPLATE: &str = super::html::PDF_TEMPLATE;

/// The CJK face: Noto Serif CJK SC cut down to the characters the bundled texts and register
/// use, with the kana and CJK punctuation (`fonts/make-subsets.py` makes it again).
const CJK_FONT: &[u8] = include_bytes!("fonts/NotoSerifCJK-editio.otf");

/// The fonts editio typesets with, parsed once: every font of `typst-assets` (Libertinus
/// Serif, New Computer Modern, DejaVu Sans Mono) and the CJK subset.
static FONTS: LazyLock<(LazyHash<FontBook>, Vec<Font>)> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .chain([CJK_FONT])
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    (LazyHash::new(FontBook::from_fonts(&fonts)), fonts)
});

/// Typst's standard library, made once.
static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// Whether a font editio ships can show `c`.
pub fn printable(c: char) -> bool {
    ignorable(c)
        || FONTS
            .1
            .iter()
            .any(|f| f.info().coverage.contains(u32::from(c)))
}

/// Characters that print as nothing (spaces, controls, joiners, variation selectors), which no
/// font needs to have.
fn ignorable(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{206F}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}')
}

/// A printed edition: the PDF's bytes, and the findings of typesetting it (ED701: characters
/// no shipped font has, printed as their code point).
pub struct Printed {
    pub pdf: Vec<u8>,
    pub findings: Vec<Diagnostic>,
}

/// Typesets `edition` as a PDF/A-3a file with `tei` (the bytes of `export/tei/<id>.xml`)
/// attached, with the Typst `template` (the text of [`TEMPLATE`]).
pub fn render(
    edition: &Edition,
    ctx: &RenderContext,
    tei: &[u8],
    template: &str,
) -> Result<Printed> {
    let mut data = data(edition, ctx, tei);
    let chars = missing_chars(&data);
    let findings = missing_findings(edition, &chars);
    data["missing"] = Value::from(
        chars
            .iter()
            .map(|c| format!("\\x{{{:X}}}", u32::from(*c)))
            .collect::<Vec<_>>()
            .join("|"),
    );
    let json = serde_json::to_vec(&data).map_err(|e| invalid(edition, e.to_string()))?;
    let world = Print::new(edition, template, json, tei.to_vec());
    let document: PagedDocument = typst::compile(&world)
        .output
        .map_err(|errors| invalid(edition, world.describe(&errors)))?;
    let standards = PdfStandards::new(&[PdfStandard::A_3a])
        .map_err(|e| invalid(edition, e.message().to_string()))?;
    let options = PdfOptions {
        ident: Smart::Custom(format!("{}{}", ctx.config.archive.base_uri, edition.id)),
        creator: Smart::Custom(Some(crate::AGENT.to_string())),
        timestamp: world.date.map(Timestamp::new_utc),
        standards,
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&document, &options)
        .map_err(|errors| invalid(edition, world.describe(&errors)))?;
    Ok(Printed { pdf, findings })
}

fn invalid(edition: &Edition, message: String) -> Error {
    Error::Pdf {
        edition: edition.id.clone(),
        message,
    }
}

/// The characters of `data` that no shipped font has.
fn missing_chars(data: &Value) -> BTreeSet<char> {
    let mut chars = BTreeSet::new();
    strings(data, &mut |s| {
        chars.extend(s.chars().filter(|&c| !printable(c)))
    });
    chars
}

/// One finding per character no shipped font has: where it first stands in the source (line
/// and column), else in the record or the register.
fn missing_findings(edition: &Edition, chars: &BTreeSet<char>) -> Vec<Diagnostic> {
    chars
        .iter()
        .map(|&c| {
            let location = match edition.text.find(c) {
                Some(offset) => {
                    Location::at_offset(edition.source_path.clone(), &edition.text, offset)
                }
                None => Location::file(edition.source_path.with_file_name("edition.toml")),
            };
            let where_ = if edition.text.contains(c) {
                "the text"
            } else {
                "the record or the register entries it names"
            };
            Diagnostic::new(
                codes::PDF_NO_GLYPH,
                location,
                format!(
                    "no font editio ships has the character U+{:04X} ‘{c}’ ({where_}): the PDF prints it as [U+{:04X}]",
                    u32::from(c),
                    u32::from(c)
                ),
            )
            .with_help(
                "for a CJK character, make the font subset again (src/render/fonts/make-subsets.py); otherwise the character needs a font added to editio",
            )
            .for_edition(edition.id.clone())
        })
        .collect()
}

/// Calls `f` on every string of `value`.
fn strings(value: &Value, f: &mut impl FnMut(&str)) {
    match value {
        Value::String(s) => f(s),
        Value::Array(items) => items.iter().for_each(|v| strings(v, f)),
        Value::Object(map) => map.values().for_each(|v| strings(v, f)),
        _ => {}
    }
}

/// What the template prints: the HTML page's view of the edition (title page, citations,
/// index of names, colophon), with the blocks as structured pieces instead of markup, and the
/// document's metadata.
fn data(edition: &Edition, ctx: &RenderContext, tei: &[u8]) -> Value {
    let view = html::edition_view(edition, ctx, &Extra { tei });
    let mut data = serde_json::to_value(&view).unwrap_or_else(|_| json!({}));
    let r = &edition.record;
    let mut walk = Walk { edition, ctx };
    let region = |walk: &mut Walk, region| -> Value {
        edition
            .region(region)
            .map(|b| walk.block(b))
            .collect::<Vec<_>>()
            .into()
    };
    use crate::model::edition::Region;
    data["front"] = region(&mut walk, Region::Front);
    data["body"] = region(&mut walk, Region::Body);
    data["back"] = region(&mut walk, Region::Back);
    let authors: Vec<&str> = r
        .contributors
        .iter()
        .filter(|c| c.role == Role::Author)
        .map(|c| c.name.as_str())
        .collect();
    let day = html::edition_day(edition);
    let date: Option<Vec<u32>> = day
        .as_deref()
        .map(|d| d.split('-').filter_map(|p| p.parse().ok()).collect());
    let sha = &r.received.sha256;
    let identifier = format!("{}{}", ctx.config.archive.base_uri, edition.id);
    data["running"] = json!({
        "author": authors.join(" and "),
        "title": short_title(&r.title),
    });
    data["keywords"] = json!([
        format!("sha256:{sha}"),
        identifier,
        format!("edition of {}", day.as_deref().unwrap_or("no date")),
    ]);
    data["description"] = Value::from(format!(
        "A printed copy of the edition {identifier} ({}), typeset from its TEI encoding. Source file {}, SHA-256 {sha}.",
        match &day {
            Some(d) => format!("edition of {d}"),
            None => "no edition date recorded".into(),
        },
        r.received.file_name
    ));
    data["date"] = json!(date);
    data["date_words"] = json!(html::edition_date(edition).map(html::human_date));
    data["corrections"] = Value::from(!edition.log.corrections_applied.is_empty());
    data["tei_name"] = Value::from(format!("{}.xml", edition.id));
    data["lang"] = Value::from(typst_lang(&r.language));
    data
}

/// The part of a title before its subtitle, for the running head.
fn short_title(title: &str) -> &str {
    title
        .split([':', '—'])
        .next()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or(title)
}

/// The language Typst hyphenates and sets quotes by: the tag's primary subtag when it is an
/// ISO 639 code Typst accepts (two or three lowercase letters), else English.
fn typst_lang(tag: &str) -> String {
    let primary = tag.split('-').next().unwrap_or_default();
    if (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase()) {
        primary.to_string()
    } else {
        "en".into()
    }
}

/// The blocks as the template reads them. Editorial notes are numbered by Typst's footnotes;
/// names are marked for the index with the same ids as the HTML page's index.
struct Walk<'a> {
    edition: &'a Edition,
    ctx: &'a RenderContext<'a>,
}

impl Walk<'_> {
    fn block(&mut self, b: &Block) -> Value {
        let kind = match b.kind {
            BlockKind::Paragraph => "p",
            BlockKind::Heading => "heading",
            BlockKind::Title => "title",
            BlockKind::Headnote => "headnote",
            BlockKind::Credit => "credit",
            BlockKind::SourceNote => "source-note",
            BlockKind::Link => "link",
            BlockKind::Omit => "omit",
        };
        json!({
            "n": b.n,
            "kind": kind,
            "inlines": b.inlines.iter().map(|i| self.inline(i, false)).collect::<Vec<_>>(),
        })
    }

    fn inline(&mut self, item: &Inline, nested: bool) -> Value {
        let r = &self.edition.record;
        match item {
            // A date prints as the source has it (its normal form is in the TEI).
            Inline::Text(t) | Inline::Date { text: t, .. } => json!({ "t": "text", "s": t }),
            Inline::LineBreak => json!({ "t": "br" }),
            Inline::Url(u) => json!({
                "t": "url",
                "s": u,
                "href": (u.starts_with("https://") || u.starts_with("http://")).then_some(u),
            }),
            Inline::NoteAnchor { n, .. } => json!({ "t": "anchor", "s": n.to_string() }),
            Inline::Choice {
                sic,
                corr,
                correction,
            } => json!({
                "t": "corr",
                "sic": sic,
                "corr": corr,
                "by": r.corrections.get(*correction).map(|c| c.by.as_str()).unwrap_or("the editor"),
            }),
            Inline::EditorialNote(i) => match r.notes.get(*i) {
                Some(note) => json!({ "t": "enote", "s": note.text, "by": note.by }),
                None => json!({ "t": "text", "s": "" }),
            },
            Inline::Name {
                kind,
                key,
                cert,
                content,
            } => {
                let content: Vec<Value> = content.iter().map(|i| self.inline(i, true)).collect();
                let registered = key
                    .as_deref()
                    .filter(|k| self.ctx.register.get(k).is_some());
                json!({
                    "t": "name",
                    "kind": kind.word(),
                    "id": registered.filter(|_| !nested).map(html::index_id),
                    "uncertain": matches!(cert, Some(Cert::Inferred | Cert::Uncertain)),
                    "content": content,
                })
            }
            Inline::Gap(reason) => json!({
                "t": "gap",
                "s": html::gap_text(*reason, self.edition),
                "begins": *reason == GapReason::ExcerptBegins,
            }),
        }
    }
}

/// The world Typst sees while typesetting one edition: the template, `data.json`, the TEI file
/// to attach, and editio's fonts; nothing from the disk, the network or the clock.
struct Print {
    main: Source,
    data: Bytes,
    tei: Bytes,
    data_id: FileId,
    tei_id: FileId,
    date: Option<Datetime>,
}

fn project_file(path: &str) -> FileId {
    let vpath =
        VirtualPath::new(path).unwrap_or_else(|_| VirtualPath::new("/x").expect("a plain path"));
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

impl Print {
    fn new(edition: &Edition, template: &str, data: Vec<u8>, tei: Vec<u8>) -> Self {
        let main = Source::new(project_file("/edition.typ"), template.to_string());
        let date = html::edition_day(edition).and_then(|d| {
            let mut p = d.split('-').filter_map(|p| p.parse::<u32>().ok());
            let (y, m, d) = (p.next()?, p.next()?, p.next()?);
            Datetime::from_ymd_hms(
                i32::try_from(y).ok()?,
                u8::try_from(m).ok()?,
                u8::try_from(d).ok()?,
                0,
                0,
                0,
            )
        });
        Print {
            main,
            data: Bytes::new(data),
            tei: Bytes::new(tei),
            data_id: project_file("/data.json"),
            tei_id: project_file(&format!("/{}.xml", edition.id)),
            date,
        }
    }

    /// Typst's errors in words, with the template's line where there is one.
    fn describe(&self, errors: &[typst::diag::SourceDiagnostic]) -> String {
        use typst::WorldExt;
        errors
            .iter()
            .map(|e| {
                let line = self
                    .range(e.span)
                    .and_then(|r| self.main.lines().byte_to_line(r.start))
                    .map(|l| format!("edition.typ:{}: ", l + 1))
                    .unwrap_or_default();
                let hints: String = e.hints.iter().map(|h| format!(" ({})", h.v)).collect();
                format!("{line}{}{hints}", e.message)
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

impl World for Print {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.0
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else if id == self.tei_id {
            Ok(self.tei.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.text().to_string()))
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.1.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.date
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_fonts_cover_the_register_scripts() {
        for c in ['a', 'ё', 'Ж', 'λ', 'Ω', '蔣', '毛', '國', 'の', '“', '—'] {
            assert!(printable(c), "{c}");
        }
        assert!(!printable('\u{1F600}'));
        assert!(!printable('\u{10A0}'));
    }

    #[test]
    fn titles_are_shortened_at_the_subtitle() {
        assert_eq!(short_title("Proofs: Comrade Executioner"), "Proofs");
        assert_eq!(short_title("The Arrest"), "The Arrest");
    }

    #[test]
    fn languages_for_typst() {
        assert_eq!(typst_lang("ru-Latn"), "ru");
        assert_eq!(typst_lang("en"), "en");
        assert_eq!(typst_lang("und-Cyrl"), "und");
        assert_eq!(typst_lang("X"), "en");
    }
}
