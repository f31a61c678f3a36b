//! The EPUB 3 renderer: the HTML reading copy packaged for e-readers. The content document is
//! the same view and body as the HTML page (in XHTML); the package document's metadata
//! comes from the provenance record. The file is reproducible: the entries come in a fixed
//! order, with the edition's date as their timestamp and a fixed compression, so the same
//! edition always gives the same bytes.

use super::RenderContext;
use super::html::{self, Extra, Templates};
use super::xml::Xml;
use crate::error::{Error, Result};
use crate::model::Edition;
use crate::model::edition::Region;
use crate::model::record::{BlockKind, Fact, Role};
use minijinja::context;
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// The OPF namespace.
const OPF_NS: &str = "http://www.idpf.org/2007/opf";
/// The Dublin Core elements namespace.
const DC_NS: &str = "http://purl.org/dc/elements/1.1/";

/// The content document's name inside the package.
const TEXT_DOC: &str = "text.xhtml";

/// The files of the package, in the order they are written: `mimetype` must come first.
const CONTAINER: &str = "META-INF/container.xml";
const PACKAGE: &str = "EPUB/package.opf";

/// Renders one edition as an EPUB 3 file.
pub fn render(
    templates: &Templates,
    edition: &Edition,
    ctx: &RenderContext,
    extra: &Extra,
) -> Result<Vec<u8>> {
    let view = html::edition_view(edition, ctx, extra);
    let (_, body) = html::render_body(templates, view.clone())?;
    render_view(templates, edition, ctx, view, body)
}

/// Renders one edition as an EPUB 3 file from the view of its HTML page and the EPUB's copy of
/// the body rendered for both ([`html::render_body`]): walking the model, the index of names,
/// the colophon and the body's template run once for both.
pub fn render_view(
    templates: &Templates,
    edition: &Edition,
    ctx: &RenderContext,
    view: minijinja::Value,
    body: String,
) -> Result<Vec<u8>> {
    let nav = templates.render("nav.xhtml", nav_view(edition, &view))?;
    let text = html::render_frame(templates, "edition.xhtml", view, body)?;
    let css = templates.asset("epub.css")?;
    let opf = package(edition, ctx);
    let date = modified(edition);
    let container = container();
    let fonts: Vec<(String, &[u8])> = super::WEB_FONTS
        .iter()
        .map(|(name, bytes)| (format!("EPUB/fonts/{name}"), *bytes))
        .collect();
    let mut files: Vec<(&str, &[u8])> = vec![
        (CONTAINER, &container),
        (PACKAGE, &opf),
        ("EPUB/nav.xhtml", nav.as_bytes()),
        ("EPUB/text.xhtml", text.as_bytes()),
        ("EPUB/editio.css", css.as_bytes()),
    ];
    files.extend(fonts.iter().map(|(name, bytes)| (name.as_str(), *bytes)));
    zip(&files, &date).map_err(|e| Error::Template {
        path: format!("<epub of {}>", edition.id).into(),
        message: format!("cannot write the EPUB: {e}"),
    })
}

/// When the EPUB was last modified, for `dcterms:modified` and the ZIP timestamps.
struct Modified {
    year: u16,
    month: u8,
    day: u8,
}

fn modified(edition: &Edition) -> Modified {
    let parsed = html::edition_day(edition).and_then(|d| {
        let mut it = d.split('-').map(|p| p.parse::<u16>().ok());
        Some((it.next()??, it.next()??, it.next()??))
    });
    match parsed {
        // ZIP dates start in 1980.
        Some((y, m, d)) if y >= 1980 => Modified {
            year: y,
            month: u8::try_from(m).unwrap_or(1),
            day: u8::try_from(d).unwrap_or(1),
        },
        _ => Modified {
            year: 1980,
            month: 1,
            day: 1,
        },
    }
}

impl Modified {
    fn iso(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T00:00:00Z",
            self.year, self.month, self.day
        )
    }
}

/// The deflate level of the EPUB's text entries (XHTML, OPF, CSS, container). Level 4 takes
/// less than half the time of level 9 (whose deflate was a sixth of a whole build) for 2 to
/// 5 % more bytes of text entries, under 1 % of an EPUB with its fonts; BENCHMARKS.md (f) has
/// the measurement.
const DEFLATE_LEVEL: i64 = 4;

/// How an entry is compressed: fonts (WOFF2, already compressed) are stored as they are, the
/// rest deflated at [`DEFLATE_LEVEL`].
fn compression(name: &str) -> (CompressionMethod, Option<i64>) {
    if name.ends_with(".woff2") {
        (CompressionMethod::Stored, None)
    } else {
        (CompressionMethod::Deflated, Some(DEFLATE_LEVEL))
    }
}

/// Writes the entries into a ZIP: `mimetype` first, stored, without extra fields; fonts stored,
/// the rest deflated at a fixed level. Every entry has the same timestamp and the same
/// attributes.
fn zip(files: &[(&str, &[u8])], date: &Modified) -> zip::result::ZipResult<Vec<u8>> {
    let time =
        DateTime::from_date_and_time(date.year, date.month, date.day, 0, 0, 0).unwrap_or_default();
    let base = SimpleFileOptions::default()
        .last_modified_time(time)
        .system(zip::System::Unix)
        .unix_permissions(0o644)
        .large_file(false);
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    w.start_file(
        "mimetype",
        base.compression_method(CompressionMethod::Stored),
    )?;
    w.write_all(b"application/epub+zip")?;
    for (name, bytes) in files {
        let (method, level) = compression(name);
        w.start_file(
            *name,
            base.compression_method(method).compression_level(level),
        )?;
        w.write_all(bytes)?;
    }
    Ok(w.finish()?.into_inner())
}

/// `META-INF/container.xml`: where the package document is.
fn container() -> Vec<u8> {
    let mut x = Xml::new();
    x.decl();
    x.open(
        "container",
        &[
            ("version", "1.0"),
            ("xmlns", "urn:oasis:names:tc:opendocument:xmlns:container"),
        ],
    );
    x.open("rootfiles", &[]);
    x.empty(
        "rootfile",
        &[
            ("full-path", PACKAGE),
            ("media-type", "application/oebps-package+xml"),
        ],
    );
    x.close("rootfiles");
    x.close("container");
    x.finish()
}

/// The MARC relator code of a role.
fn relator(role: Role) -> &'static str {
    match role {
        Role::Author => "aut",
        Role::Translator => "trl",
        Role::Editor => "edt",
        Role::Transcriber => "trc",
        Role::Compiler => "com",
        Role::Other => "ctb",
    }
}

/// The package document: metadata from the provenance record, the manifest and the spine.
fn package(edition: &Edition, ctx: &RenderContext) -> Vec<u8> {
    let mut x = Xml::new();
    x.decl();
    x.open(
        "package",
        &[
            ("xmlns", OPF_NS),
            ("version", "3.0"),
            ("unique-identifier", "pub-id"),
            ("xml:lang", &edition.record.language),
        ],
    );
    metadata(&mut x, edition, ctx);
    manifest(&mut x);
    x.open("spine", &[]);
    x.empty("itemref", &[("idref", "text")]);
    x.close("spine");
    x.close("package");
    x.finish()
}

/// The package's `<metadata>`: identifier, titles, contributors, language, publisher, date,
/// rights, sources and the modification time.
fn metadata(x: &mut Xml, edition: &Edition, ctx: &RenderContext) {
    let r = &edition.record;
    let archive = &ctx.config.archive;
    x.open("metadata", &[("xmlns:dc", DC_NS)]);
    x.leaf(
        "dc:identifier",
        &[("id", "pub-id")],
        &format!("{}{}", archive.base_uri, edition.id),
    );
    x.leaf("dc:title", &[("id", "title")], &r.title);
    x.leaf(
        "meta",
        &[("refines", "#title"), ("property", "title-type")],
        "main",
    );
    if let Some(sub) = &r.subtitle {
        x.leaf("dc:title", &[("id", "subtitle")], sub);
        x.leaf(
            "meta",
            &[("refines", "#subtitle"), ("property", "title-type")],
            "subtitle",
        );
    }
    contributors(x, edition, ctx);
    x.leaf("dc:language", &[], &r.language);
    x.leaf("dc:publisher", &[], &archive.name);
    if let Some(day) = html::edition_day(edition) {
        x.leaf("dc:date", &[], &day);
    }
    x.leaf("dc:rights", &[], &rights(edition, ctx));
    x.leaf("dc:source", &[], &html::citation_text(&r.source, edition));
    if let Some(t) = &r.transcription {
        x.leaf("dc:source", &[], &html::citation_text(t, edition));
    }
    x.leaf(
        "meta",
        &[("property", "dcterms:modified")],
        &modified(edition).iso(),
    );
    x.close("metadata");
}

/// The contributors, numbered in order: authors and translators are creators of the text as
/// read and come first; other contributors (a web transcriber, an editor) are contributors.
/// Each has its MARC role and, when the register sorts the name, a `file-as`.
fn contributors(x: &mut Xml, edition: &Edition, ctx: &RenderContext) {
    let mut n = 0;
    for creators in [true, false] {
        for c in &edition.record.contributors {
            let is_creator = matches!(c.role, Role::Author | Role::Translator);
            if is_creator != creators {
                continue;
            }
            n += 1;
            let id = format!("contributor-{n}");
            let el = if creators {
                "dc:creator"
            } else {
                "dc:contributor"
            };
            x.leaf(el, &[("id", &id)], &c.name);
            let refines = format!("#{id}");
            x.leaf(
                "meta",
                &[
                    ("refines", &refines),
                    ("property", "role"),
                    ("scheme", "marc:relators"),
                ],
                relator(c.role),
            );
            let file_as = c
                .key
                .as_deref()
                .and_then(|k| ctx.register.get(k))
                .and_then(|n| n.entry.sort.clone());
            if let Some(file_as) = file_as {
                x.leaf(
                    "meta",
                    &[("refines", &refines), ("property", "file-as")],
                    &file_as,
                );
            }
        }
    }
}

/// The `dc:rights` statement: the source text's status and licence, then the licence of the
/// encoding (the edition's own, or the archive's).
fn rights(edition: &Edition, ctx: &RenderContext) -> String {
    let rights = &edition.record.rights;
    let licence = rights
        .encoding_licence
        .as_deref()
        .unwrap_or(&ctx.config.archive.licence);
    let source_rights = match rights.source.known() {
        Some(v) if v.ends_with('.') => v.to_string(),
        Some(v) => format!("{v}."),
        None => "not established.".to_string(),
    };
    let source_licence = rights
        .source_licence
        .as_ref()
        .and_then(Fact::known)
        .map(|l| format!(" Licence of the source text: {l}."))
        .unwrap_or_default();
    format!(
        "The source text: {source_rights}{source_licence} The encoding, editorial notes and apparatus: {licence}."
    )
}

/// The package's `<manifest>`: the navigation and content documents, the stylesheet and the
/// fonts.
fn manifest(x: &mut Xml) {
    x.open("manifest", &[]);
    x.empty(
        "item",
        &[
            ("id", "nav"),
            ("href", "nav.xhtml"),
            ("media-type", "application/xhtml+xml"),
            ("properties", "nav"),
        ],
    );
    x.empty(
        "item",
        &[
            ("id", "text"),
            ("href", TEXT_DOC),
            ("media-type", "application/xhtml+xml"),
        ],
    );
    x.empty(
        "item",
        &[
            ("id", "css"),
            ("href", "editio.css"),
            ("media-type", "text/css"),
        ],
    );
    for (i, (name, _)) in super::WEB_FONTS.iter().enumerate() {
        let id = format!("font-{}", i + 1);
        let href = format!("fonts/{name}");
        x.empty(
            "item",
            &[
                ("id", id.as_str()),
                ("href", href.as_str()),
                ("media-type", "font/woff2"),
            ],
        );
    }
    x.close("manifest");
}

/// The view of the navigation document: the content document's view (so the two agree on
/// which parts exist), its name, and the text's headings.
fn nav_view(edition: &Edition, view: &minijinja::Value) -> minijinja::Value {
    let headings: Vec<minijinja::Value> = edition
        .region(Region::Body)
        .filter(|b| b.kind == BlockKind::Heading)
        .map(|b| context! { n => b.n, text => html::reading_text(&b.inlines) })
        .collect();
    context! {
        doc => TEXT_DOC,
        headings => headings,
        ..view.clone()
    }
}
