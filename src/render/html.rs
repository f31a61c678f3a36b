//! The HTML renderer: reading copies for people. It turns an edition model into a *view* (plain
//! values: the title page, the citation, the text's blocks, the notes, the index of names and
//! the colophon) and hands that view to minijinja templates embedded in the binary. An archive
//! can replace any template by putting a file of the same name in `<archive>/templates/`.
//!
//! The same view makes the EPUB's content document (see [`super::epub`]). The body of both,
//! `edition-body.html`, is rendered once: what only one of them has is marked in that one
//! rendering (see [`split_body`]), and each document's frame then prints its own copy. So the
//! body is written as polyglot markup: well-formed XML that is also good HTML.

use super::xml::{escape_text, escape_value};
use super::{RenderContext, licence_url};
use crate::archive::digest::sha256_bytes;
use crate::error::{Error, Result};
use crate::model::edition::{Decided, GapReason, NameKind, Region};
use crate::model::record::{Bibl, BiblKind, BlockKind, Cert, Fact, Role};
use crate::model::register::Entry;
use crate::model::{Block, Edition, Inline};
use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, ErrorKind, context};
use quick_xml::escape::escape;
use std::path::{Path, PathBuf};

/// The folder of an archive whose files replace the embedded templates of the same name.
pub const TEMPLATE_DIR: &str = "templates";

/// The stylesheet the HTML pages link to, written beside them.
pub const STYLESHEET: &str = "editio.css";

/// The Typst template of the PDF (see `pdf.rs`), kept with the other templates.
pub const PDF_TEMPLATE: &str = "edition.typ";

/// The embedded templates and stylesheets, by name. Each can be overridden.
const EMBEDDED: &[(&str, &str)] = &[
    ("edition.html", include_str!("templates/edition.html")),
    ("edition.xhtml", include_str!("templates/edition.xhtml")),
    (
        "edition-body.html",
        include_str!("templates/edition-body.html"),
    ),
    ("macros.html", include_str!("templates/macros.html")),
    ("index.html", include_str!("templates/index.html")),
    ("nav.xhtml", include_str!("templates/nav.xhtml")),
    (STYLESHEET, include_str!("templates/editio.css")),
    ("epub.css", include_str!("templates/epub.css")),
    (PDF_TEMPLATE, include_str!("templates/edition.typ")),
];

/// The names of the embedded templates and stylesheets, for documentation and tests.
pub fn template_names() -> impl Iterator<Item = &'static str> {
    EMBEDDED.iter().map(|(name, _)| *name)
}

/// The embedded text of a template or stylesheet.
pub fn embedded(name: &str) -> Option<&'static str> {
    EMBEDDED.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// Whether `name` may be looked up in the override folder: one plain file name, so that a
/// template cannot include a file from outside that folder.
fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// The templates of the reading copies, with the archive's overrides.
pub struct Templates {
    env: Environment<'static>,
    overrides: Option<PathBuf>,
}

impl Templates {
    /// The embedded templates, overridden by the files in `<archive_root>/templates/` when
    /// `archive_root` is given.
    pub fn new(archive_root: Option<&Path>) -> Self {
        let overrides = archive_root
            .map(|r| r.join(TEMPLATE_DIR))
            .filter(|d| d.is_dir());
        let mut env = Environment::new();
        // Every template writes markup: escape everything that is not marked safe, whatever
        // the template's name, so that a source's `<script>` is shown and never run.
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        env.set_syntax(
            minijinja::syntax::SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .keep_trailing_newline(true)
                .build()
                .expect("the default delimiters are valid"),
        );
        env.set_formatter(formatter);
        env.add_filter("css_string", css_string);
        // Parts of the shared body for one document only, around markup as a filter block
        // (`{% filter epub_only %}`); as a function, `epub_only(value)` escapes the value.
        env.add_function("epub_only", epub_only);
        env.add_filter("epub_only", epub_only);
        env.add_function("page_only", page_only);
        env.add_filter("page_only", page_only);
        let dir = overrides.clone();
        env.set_loader(move |name| {
            if let Some(dir) = &dir
                && plain_name(name)
            {
                let path = dir.join(name);
                if path.is_file() {
                    return std::fs::read_to_string(&path).map(Some).map_err(|e| {
                        minijinja::Error::new(
                            ErrorKind::TemplateNotFound,
                            format!("cannot read {}: {e}", path.display()),
                        )
                    });
                }
            }
            Ok(embedded(name).map(str::to_string))
        });
        Templates { env, overrides }
    }

    /// The override of `name`, when the archive has one.
    fn override_path(&self, name: &str) -> Option<PathBuf> {
        let dir = self.overrides.as_ref()?;
        let path = dir.join(name);
        (plain_name(name) && path.is_file()).then_some(path)
    }

    /// Where a template comes from, for error messages.
    fn origin(&self, name: &str) -> PathBuf {
        self.override_path(name)
            .unwrap_or_else(|| PathBuf::from(format!("<embedded template {name}>")))
    }

    /// Renders the template `name` with `ctx`.
    pub fn render(&self, name: &str, ctx: Value) -> Result<String> {
        let fail = |e: minijinja::Error| {
            let mut message = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                message.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            Error::Template {
                path: self.origin(name),
                message,
            }
        };
        let template = self.env.get_template(name).map_err(fail)?;
        template.render(ctx).map_err(fail)
    }

    /// A file used as it is (a stylesheet): the archive's override or the embedded one.
    pub fn asset(&self, name: &str) -> Result<String> {
        if let Some(path) = self.override_path(name) {
            return std::fs::read_to_string(&path).map_err(Error::io(path));
        }
        embedded(name)
            .map(str::to_string)
            .ok_or_else(|| Error::Template {
                path: PathBuf::from(name),
                message: "no such template or stylesheet".into(),
            })
    }
}

/// Writes values into markup: safe values as they are, everything else escaped with quick-xml's
/// [`escape`], quotes included, since a template may put a value inside a quoted attribute. Only
/// the five characters that matter in HTML and XML are escaped (not `/`, as minijinja's own
/// escaping does), so the pages stay readable as source; `none` prints as nothing.
fn formatter(
    out: &mut minijinja::Output,
    state: &mut minijinja::State,
    value: &Value,
) -> std::result::Result<(), minijinja::Error> {
    if value.is_none() {
        return Ok(());
    }
    if value.is_safe() || *state.auto_escape() == AutoEscape::None {
        return minijinja::escape_formatter(out, state, value);
    }
    let text = match value.as_str() {
        Some(s) => escape(s),
        None => escape(value.to_string()),
    };
    out.write_str(&text)
        .map_err(|_| minijinja::Error::new(ErrorKind::WriteFailure, "cannot write output"))
}

/// A CSS string literal, safe inside a `<style>` element: quotes, backslashes, line breaks and
/// `<` are written as CSS escapes, so no text can end the string or the element. This is CSS's
/// escaping, not HTML's (entities mean nothing inside `<style>`), and no dependency writes it.
fn css_string(value: String) -> Value {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' | '\\' | '<' | '>' | '&' | '\n' | '\r' => {
                out.push_str(&format!("\\{:X} ", c as u32));
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    Value::from_safe_string(out)
}

/// What marks, in the one rendering of a body, a part that belongs to one document only: this
/// character, then `E` (the EPUB's from here) or `P` (the page's from here), and again with `e`
/// or `p` where the part ends. U+0001 never stands in a reading copy itself: XML 1.0 does not
/// allow it, and the normalize pass refuses a source that has it.
const MARK: char = '\u{1}';
const EPUB_START: &str = "\u{1}E";
const EPUB_END: &str = "\u{1}e";
const PAGE_START: &str = "\u{1}P";
const PAGE_END: &str = "\u{1}p";

/// Markup for the EPUB only, in the body both documents share.
fn epub_only(value: Value) -> Value {
    only(&value, EPUB_START, EPUB_END)
}

/// Markup for the HTML page only, in the body both documents share.
fn page_only(value: Value) -> Value {
    only(&value, PAGE_START, PAGE_END)
}

fn only(value: &Value, start: &str, end: &str) -> Value {
    if value.is_none() || value.is_undefined() {
        return Value::from_safe_string(String::new());
    }
    let text = match value.as_str() {
        Some(s) if value.is_safe() => s.to_string(),
        Some(s) => escape(s).into_owned(),
        None => escape(value.to_string()).into_owned(),
    };
    Value::from_safe_string(format!("{start}{text}{end}"))
}

/// The HTML page's body and the EPUB's, from the one rendering of `edition-body.html` that
/// marks what belongs to one of them only ([`epub_only`], [`page_only`]). Each mark is found
/// by a byte search; the rest is copied into both.
pub fn split_body(shared: &str) -> std::result::Result<(String, String), String> {
    #[derive(Clone, Copy, PartialEq)]
    enum In {
        Both,
        Epub,
        Page,
    }
    let mut page = String::with_capacity(shared.len());
    let mut epub = String::with_capacity(shared.len() + shared.len() / 32);
    let mut part = In::Both;
    let mut from = 0;
    for (at, _) in shared.match_indices(MARK) {
        let text = &shared[from..at];
        if part != In::Epub {
            page.push_str(text);
        }
        if part != In::Page {
            epub.push_str(text);
        }
        part = match (part, shared.as_bytes().get(at + 1)) {
            (In::Both, Some(b'E')) => In::Epub,
            (In::Both, Some(b'P')) => In::Page,
            (In::Epub, Some(b'e')) | (In::Page, Some(b'p')) => In::Both,
            (In::Both, _) => {
                return Err(format!(
                    "byte {at} of the body holds U+0001, which XML does not allow in a \
                     document; remove it from the text or the record it comes from"
                ));
            }
            _ => {
                return Err(format!(
                    "byte {at} of the body: an epub_only or page_only part inside another \
                     (they cannot be nested)"
                ));
            }
        };
        from = at + 2;
    }
    if part != In::Both {
        return Err("an epub_only or page_only part does not end".into());
    }
    page.push_str(&shared[from..]);
    epub.push_str(&shared[from..]);
    Ok((page, epub))
}

/// Renders a document's frame (`edition.html`, `edition.xhtml`) around its copy of the body,
/// given as `body`.
pub fn render_frame(
    templates: &Templates,
    name: &str,
    view: Value,
    body: String,
) -> Result<String> {
    let doc = templates.render(
        name,
        context! { body => Value::from_safe_string(body), ..view },
    )?;
    if let Some(at) = doc.find(MARK) {
        return Err(Error::Template {
            path: templates.origin(name),
            message: format!(
                "byte {at} of the output holds a part marked for one document only: the body \
                 is rendered once for the page and the EPUB and given to this template as \
                 `{{{{ body }}}}`; print that instead of including edition-body.html"
            ),
        });
    }
    Ok(doc)
}

/// The bodies of the HTML page and of the EPUB's content document, from one rendering of
/// `edition-body.html` with `view`.
pub fn render_body(templates: &Templates, view: Value) -> Result<(String, String)> {
    let shared = templates.render("edition-body.html", view)?;
    split_body(&shared).map_err(|message| Error::Template {
        path: templates.origin("edition-body.html"),
        message,
    })
}

/// What a reading copy says besides the model: the checksum of the TEI file it accompanies.
pub struct Extra<'a> {
    /// The TEI encoding's bytes, as written to `export/tei/<id>.xml`.
    pub tei: &'a [u8],
}

/// Renders one edition as an HTML page.
pub fn render(
    templates: &Templates,
    edition: &Edition,
    ctx: &RenderContext,
    extra: &Extra,
) -> Result<String> {
    let view = edition_view(edition, ctx, extra);
    let (page, _) = render_body(templates, view.clone())?;
    render_frame(templates, "edition.html", view, page)
}

/// Renders the index page of the collection.
pub fn render_index(
    templates: &Templates,
    editions: &[&Edition],
    ctx: &RenderContext,
) -> Result<String> {
    let archive = &ctx.config.archive;
    let items: Vec<Value> = editions
        .iter()
        .map(|e| {
            let r = &e.record;
            context! {
                id => e.id.clone(),
                lang => r.language.clone(),
                title => r.title.clone(),
                subtitle => r.subtitle.clone(),
                authors => names_with_role(e, Role::Author),
                translators => names_with_role(e, Role::Translator),
                citation => citation(&r.source, e),
                date => edition_date(e).map(human_date),
                href => format!("{}.html", e.id),
                epub_href => format!("../epub/{}.epub", e.id),
                pdf_href => ctx.config.build.pdf.then(|| format!("../pdf/{}.pdf", e.id)),
                tei_href => format!("../tei/{}.xml", e.id),
            }
        })
        .collect();
    let licence = archive.licence.clone();
    templates.render(
        "index.html",
        context! {
            archive => context! {
                name => archive.name.clone(),
                organisation => archive.organisation.clone(),
                contact => archive.contact.name.clone(),
                contact_email => archive.contact.email.clone(),
                contact_url => archive.contact.url.clone(),
                licence_url => licence_url(&licence),
                licence => licence,
                base_uri => archive.base_uri.clone(),
            },
            editions => items,
            css => STYLESHEET,
            generator => crate::AGENT,
        },
    )
}

/// The date of the edition: the latest change in its history.
pub fn edition_date(edition: &Edition) -> Option<&str> {
    edition.record.history.iter().map(|h| h.date.as_str()).max()
}

/// The date of the edition as a calendar date, `YYYY-MM-DD`: the latest change in the history,
/// else the date the file was received; a reduced date (`2026-11`) is completed with `-01`.
pub fn edition_day(edition: &Edition) -> Option<String> {
    let date = edition_date(edition)
        .map(str::to_string)
        .or_else(|| edition.record.received.date.known().map(str::to_string))?;
    let mut parts: Vec<&str> = date.split('-').collect();
    if parts.is_empty() || parts[0].len() != 4 || !parts.iter().all(|p| p.parse::<u16>().is_ok()) {
        return None;
    }
    while parts.len() < 3 {
        parts.push("01");
    }
    parts.truncate(3);
    let day = parts.join("-");
    crate::model::check_date(&day).ok().map(|()| day)
}

/// An ISO 8601 date in words: `1936-11` → `November 1936`, `2024-12-29` → `29 December 2024`.
/// Anything else is returned as it is.
pub fn human_date(iso: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    let month = |m: &str| {
        m.parse::<usize>()
            .ok()
            .filter(|m| (1..=12).contains(m))
            .map(|m| crate::model::MONTHS[m - 1])
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y, m] if digits(y, 4) && digits(m, 2) => match month(m) {
            Some(m) => format!("{m} {y}"),
            None => iso.to_string(),
        },
        [y, m, d] if digits(y, 4) && digits(m, 2) && digits(d, 2) => {
            match (month(m), d.parse::<u32>()) {
                (Some(m), Ok(d)) => format!("{d} {m} {y}"),
                _ => iso.to_string(),
            }
        }
        _ => iso.to_string(),
    }
}

fn names_with_role(edition: &Edition, role: Role) -> Vec<String> {
    edition
        .record
        .contributors
        .iter()
        .filter(|c| c.role == role)
        .map(|c| c.name.clone())
        .collect()
}

/// A citation, built as a list of segments so that the template can mark titles and the parts
/// that are inferred rather than seen stated.
#[derive(Default)]
struct Cite {
    segs: Vec<Value>,
}

impl Cite {
    fn plain(&mut self, text: &str) {
        if !text.is_empty() {
            self.segs.push(context! { text => text });
        }
    }

    /// A fact's value, shaped by `shape`; nothing when the fact is not known. Inferred and
    /// uncertain parts are marked, with their evidence. Returns whether anything was written.
    fn fact(&mut self, fact: Option<&Fact>, shape: impl Fn(&str) -> String, style: &str) -> bool {
        let Some(f) = fact else { return false };
        let Some(v) = f.known() else { return false };
        let mark = match f.cert {
            Cert::Inferred => Some("inferred"),
            Cert::Uncertain => Some("uncertain"),
            _ => None,
        };
        self.segs.push(context! {
            text => shape(v),
            style => (!style.is_empty()).then_some(style),
            mark => mark,
            evidence => mark.and(f.evidence.clone()),
        });
        true
    }

    fn value(self) -> Value {
        Value::from(self.segs)
    }
}

fn same(v: &str) -> String {
    v.to_string()
}

/// Ends the citation so far with `mark` unless it already ends with punctuation.
fn close(c: &mut Cite, mark: &str) {
    let ends = c
        .segs
        .last()
        .and_then(|s| s.get_attr("text").ok())
        .and_then(|t| t.as_str().and_then(|t| t.chars().last()))
        .is_some_and(|ch| matches!(ch, '.' | '!' | '?' | '”' | '’'));
    if !ends {
        c.plain(mark);
    }
}

/// The bibliographic description of a published work or a copy, formatted like a citation.
fn citation(b: &Bibl, edition: &Edition) -> Value {
    let mut c = Cite::default();
    let people: Vec<&str> = edition
        .record
        .contributors
        .iter()
        .filter(|x| x.role == Role::Author)
        .map(|x| x.name.as_str())
        .collect();
    let translators: Vec<&str> = edition
        .record
        .contributors
        .iter()
        .filter(|x| x.role == Role::Translator)
        .map(|x| x.name.as_str())
        .collect();
    if !people.is_empty() && b.kind != BiblKind::WebPage {
        c.plain(&people.join(" and "));
        close(&mut c, ".");
        c.plain(" ");
    }
    let subtitle = b.subtitle.as_ref().and_then(Fact::known);
    let with_sub = |t: &str| match subtitle {
        Some(s) => format!("{t}: {s}"),
        None => t.to_string(),
    };
    let analytic = matches!(b.kind, BiblKind::Article | BiblKind::WebPage)
        || b.container_title
            .as_ref()
            .is_some_and(|f| f.known().is_some());
    if analytic {
        c.plain("“");
        if !c.fact(Some(&b.title), with_sub, "") {
            c.plain("[title not known]");
        }
        close(&mut c, ".");
        c.plain("”");
        if !translators.is_empty() && b.kind != BiblKind::WebPage {
            c.plain(&format!(" Translated by {}.", translators.join(" and ")));
        }
        container(&mut c, b);
        if b.kind == BiblKind::WebPage {
            // A web page has no imprint to speak of: its date follows the site's name.
            if b.date.as_ref().and_then(Fact::known).is_some() {
                c.plain(", ");
                c.fact(b.date.as_ref(), human_date, "");
            }
            c.plain(".");
        } else {
            imprint(&mut c, b, true);
        }
    } else {
        if !c.fact(Some(&b.title), with_sub, "title") {
            c.plain("[title not known]");
        }
        close(&mut c, ".");
        if !translators.is_empty() {
            c.plain(&format!(" Translated by {}.", translators.join(" and ")));
        }
        if b.volume.as_ref().and_then(Fact::known).is_some() {
            c.plain(" ");
            c.fact(b.volume.as_ref(), |v| format!("Vol. {v}"), "");
            c.plain(".");
        }
        imprint(&mut c, b, false);
    }
    scope(&mut c, b);
    if let Some(url) = b.url.as_ref().and_then(Fact::known) {
        c.plain(" ");
        c.segs
            .push(context! { text => url, style => "url", href => web_href(url) });
        c.plain(".");
    }
    c.value()
}

/// The journal or book a part stands in: its title, volume and issue, and editor.
fn container(c: &mut Cite, b: &Bibl) {
    if b.container_title.as_ref().and_then(Fact::known).is_some() {
        c.plain(" ");
        c.fact(b.container_title.as_ref(), same, "title");
        let mut sep = " ";
        for (fact, shape) in [(b.volume.as_ref(), "vol. "), (b.issue.as_ref(), "no. ")] {
            if fact.and_then(Fact::known).is_some() {
                c.plain(sep);
                c.fact(fact, |v| format!("{shape}{v}"), "");
                sep = ", ";
            }
        }
        if b.editor.as_ref().and_then(Fact::known).is_some() {
            c.plain(", edited by ");
            c.fact(b.editor.as_ref(), same, "");
        }
    }
}

/// The part, chapter, section and pages a citation is narrowed to.
fn scope(c: &mut Cite, b: &Bibl) {
    let mut scope = Vec::new();
    for (fact, shape) in [
        (b.part.as_ref(), ""),
        (b.chapter.as_ref(), "chapter "),
        (b.section.as_ref(), "section "),
        (b.pages.as_ref(), "pp. "),
    ] {
        if fact.and_then(Fact::known).is_some() {
            scope.push((fact, shape));
        }
    }
    for (i, (fact, shape)) in scope.iter().enumerate() {
        c.plain(if i == 0 { " " } else { ", " });
        c.fact(*fact, |v| format!("{shape}{v}"), "");
    }
    if !scope.is_empty() {
        close(c, ".");
    }
}

/// A citation as plain text (for EPUB metadata): inferred parts in [brackets], uncertain ones
/// in [brackets?].
pub fn citation_text(b: &Bibl, edition: &Edition) -> String {
    let segs = citation(b, edition);
    let mut out = String::new();
    if let Ok(iter) = segs.try_iter() {
        for s in iter {
            let text = s.get_attr("text").ok();
            let text = text.as_ref().and_then(Value::as_str).unwrap_or_default();
            let mark = s.get_attr("mark").ok();
            match mark.as_ref().and_then(Value::as_str) {
                Some("inferred") => out.push_str(&format!("[{text}]")),
                Some("uncertain") => out.push_str(&format!("[{text}?]")),
                _ => out.push_str(text),
            }
        }
    }
    out
}

/// The text of inlines as a reader sees it: corrections applied, editorial additions left out.
pub fn reading_text(items: &[Inline]) -> String {
    let mut out = String::new();
    for item in items {
        match item {
            Inline::Text(t) | Inline::Url(t) | Inline::Date { text: t, .. } => out.push_str(t),
            Inline::LineBreak => out.push(' '),
            Inline::Choice { corr, .. } => out.push_str(corr),
            Inline::Name { content, .. } => out.push_str(&reading_text(content)),
            Inline::NoteAnchor { .. } | Inline::EditorialNote(_) | Inline::Gap(_) => {}
        }
    }
    out
}

/// The place, publisher and date, in parentheses for an article (`(New York, November 1936)`)
/// or as a sentence for a book (`Oxford University Press, 1990.`).
fn imprint(c: &mut Cite, b: &Bibl, article: bool) {
    let known = |f: &Option<Fact>| f.clone().filter(|f| f.known().is_some());
    let (place, publisher, date) = (known(&b.place), known(&b.publisher), known(&b.date));
    if place.is_none() && publisher.is_none() && date.is_none() {
        close(c, ".");
        return;
    }
    c.plain(if article { " (" } else { " " });
    let mut first = true;
    if let Some(p) = &place {
        c.fact(Some(p), same, "");
        first = false;
    }
    if let Some(p) = &publisher {
        if !first {
            // Book style puts a colon between place and publisher.
            c.plain(if article { ", " } else { ": " });
        }
        c.fact(Some(p), same, "");
        first = false;
    }
    if let Some(d) = &date {
        if !first {
            c.plain(", ");
        }
        c.fact(Some(d), human_date, "");
    }
    c.plain(if article { ")." } else { "." });
}

/// An address usable as a link: only web addresses are linked.
fn web_href(url: &str) -> Option<String> {
    (url.starts_with("https://") || url.starts_with("http://")).then(|| url.to_string())
}

/// A mention of a register entry in the text.
#[derive(Debug)]
struct Mention {
    id: String,
    block: usize,
    uncertain: bool,
}

/// An entry's mentions in the text, in the order met, and the title its links show on hover
/// (made once per entry).
struct Mentioned {
    list: Vec<Mention>,
    title: String,
}

/// The walk over the rendered blocks: it numbers the editorial notes and names the mentions in
/// the order a reader meets them, so that the text, the notes and the index agree.
struct Walk<'a> {
    edition: &'a Edition,
    ctx: &'a RenderContext<'a>,
    /// Each entry's mentions, by key, with the entry's title on hover (its name and dates).
    mentions: rustc_hash::FxHashMap<String, Mentioned>,
    /// Keys in the order of their first mention.
    order: Vec<String>,
    notes: Vec<Value>,
    block: usize,
}

/// The markup of a block's pieces, for the HTML page and for the EPUB (XHTML) at once. The one
/// place they differ is [`Markup::start`], which marks attributes in the `epub:` namespace
/// (EPUB's structural semantics, such as `epub:type="noteref"`) as the EPUB's only (see
/// [`split_body`]). Elements are polyglot: void ones are written self-closed (`<br/>`), which
/// both documents read alike.
#[derive(Default)]
struct Markup {
    html: String,
}

impl Markup {
    /// Markup, the same in both.
    fn raw(&mut self, s: &str) {
        self.html.push_str(s);
    }

    /// Text content: `&`, `<` and `>` escaped.
    fn text(&mut self, s: &str) {
        self.raw(&escape_text(s));
    }

    /// A start tag with its attributes, in order, their values escaped for double quotes. An
    /// attribute named `epub:…` is written into the EPUB's markup only.
    fn start(&mut self, tag: &str, attributes: &[(&str, &str)]) {
        self.raw("<");
        self.raw(tag);
        for (name, value) in attributes {
            let epub = name.starts_with("epub:");
            if epub {
                self.raw(EPUB_START);
            }
            self.raw(" ");
            self.raw(name);
            self.raw("=\"");
            self.raw(&escape_value(value));
            self.raw("\"");
            if epub {
                self.raw(EPUB_END);
            }
        }
        self.raw(">");
    }

    /// An end tag.
    fn end(&mut self, tag: &str) {
        self.raw("</");
        self.raw(tag);
        self.raw(">");
    }

    /// An element holding text only.
    fn element(&mut self, tag: &str, attributes: &[(&str, &str)], text: &str) {
        self.start(tag, attributes);
        self.text(text);
        self.end(tag);
    }

    fn append(&mut self, other: &Markup) {
        self.html.push_str(&other.html);
    }
}

impl Walk<'_> {
    /// A block for the templates: its number, its kind, and the markup of its pieces (`html`,
    /// for both documents, with what is the EPUB's only marked).
    fn block(&mut self, b: &Block) -> Value {
        self.block = b.n;
        let mut out = Markup::default();
        for item in &b.inlines {
            self.inline(item, &mut out, false);
        }
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
        context! {
            n => b.n,
            kind => kind,
            html => Value::from_safe_string(out.html),
        }
    }

    /// Writes the markup of one piece of a block: a name inside a name (`nested`) is not a
    /// link of its own. Mentions and editorial notes are numbered in the order met.
    fn inline(&mut self, item: &Inline, out: &mut Markup, nested: bool) {
        match item {
            Inline::Text(t) => out.text(t),
            Inline::LineBreak => out.raw("<br/>"),
            Inline::Url(u) => match web_href(u) {
                Some(href) => out.element("a", &[("class", "url"), ("href", &href)], u),
                None => out.text(u),
            },
            Inline::NoteAnchor { n, .. } => {
                let title =
                    format!("The original’s note {n}: its text is not part of this excerpt");
                out.element(
                    "sup",
                    &[("class", "anchor"), ("title", &title)],
                    &n.to_string(),
                );
            }
            Inline::Choice { sic, corr, .. } => {
                out.start("span", &[("class", "corr"), ("tabindex", "0")]);
                out.text(corr);
                let sic = format!(" [editorial correction; the source reads: {sic}]");
                out.element("span", &[("class", "sic")], &sic);
                out.end("span");
            }
            Inline::EditorialNote(i) => self.editorial_note(*i, out),
            Inline::Name {
                kind,
                key,
                cert,
                content,
            } => self.name(*kind, key.as_deref(), *cert, content, out, nested),
            Inline::Date {
                text,
                value,
                year_supplied,
            } => date(text, value, *year_supplied, out),
            Inline::Gap(reason) => out.element(
                "span",
                &[("class", "gap"), ("role", "note")],
                gap_text(*reason, self.edition),
            ),
        }
    }

    /// An editorial note's mark, numbered in the order met; the note itself is kept for the
    /// list of notes.
    fn editorial_note(&mut self, i: usize, out: &mut Markup) {
        let r = &self.edition.record;
        let Some(note) = r.notes.get(i) else {
            return;
        };
        let n = self.notes.len() + 1;
        self.notes.push(context! {
            n => n,
            id => format!("enote-{n}"),
            ref_id => format!("enote-ref-{n}"),
            text => note.text.clone(),
            by => note.by.clone(),
            block => self.block,
        });
        let (id, href) = (format!("enote-ref-{n}"), format!("#enote-{n}"));
        out.start("sup", &[("class", "enote-ref")]);
        out.element(
            "a",
            &[
                ("id", &id),
                ("href", &href),
                ("role", "doc-noteref"),
                ("epub:type", "noteref"),
            ],
            &format!("[{n}]"),
        );
        out.end("sup");
    }

    /// Records a mention of entry `key` in the current block, in the order met, and returns
    /// the mention's id, the link to the entry in the index, and its title on hover (the
    /// entry's name and dates, and whether the identification is uncertain).
    fn mention(&mut self, key: &str, entry: &Entry, uncertain: bool) -> (String, String, String) {
        if !self.mentions.contains_key(key) {
            let mut title = entry.name.clone();
            if let Some(d) = life_dates(entry) {
                title.push_str(&format!(" ({d})"));
            }
            self.order.push(key.to_string());
            let list = Vec::new();
            self.mentions
                .insert(key.to_string(), Mentioned { list, title });
        }
        let block = self.block;
        let Some(Mentioned { list, title }) = self.mentions.get_mut(key) else {
            return Default::default();
        };
        let id = format!("m-{key}-{}", list.len() + 1);
        list.push(Mention {
            id: id.clone(),
            block,
            uncertain,
        });
        let mut title = title.clone();
        if uncertain {
            title.push_str("; identification uncertain");
        }
        (id, format!("#{INDEX_ID_PREFIX}{key}"), title)
    }

    /// A name in the text: a link to its entry in the index of names, with the entry's name
    /// and dates on hover; a name inside a name (`nested`) is not a link of its own.
    fn name(
        &mut self,
        kind: NameKind,
        key: Option<&str>,
        cert: Option<Cert>,
        content: &[Inline],
        out: &mut Markup,
        nested: bool,
    ) {
        // The content first: a name inside this one is met (and numbered) first. An
        // event's name that holds other names (`Battle of Wuhan`) is not a link itself
        // (links do not nest): the names inside it are, and it is the target of the
        // index's link back.
        let holds_names = !nested
            && content
                .iter()
                .any(|i| matches!(i, Inline::Name { key: Some(_), .. }));
        // Most names hold text only, which is written as it is met, without a copy.
        let mut inner = Markup::default();
        let text_only = content.iter().all(|i| matches!(i, Inline::Text(_)));
        if !text_only {
            for item in content {
                self.inline(item, &mut inner, !holds_names);
            }
        }
        let uncertain = matches!(cert, Some(Cert::Inferred | Cert::Uncertain));
        let entry = key.and_then(|k| self.ctx.register.get(k));
        let kind = kind.word();
        let link = match (key, entry) {
            (Some(key), Some(named)) => Some(self.mention(key, &named.entry, uncertain)),
            _ => None,
        };
        match link {
            Some((id, _, title)) if holds_names => {
                let class = format!("name {kind}");
                out.start("span", &[("class", &class), ("id", &id), ("title", &title)]);
                self.content(content, text_only, &inner, out);
                out.end("span");
            }
            Some((id, href, title)) if !nested => {
                let uncertain = if uncertain { " uncertain" } else { "" };
                let class = format!("name {kind}{uncertain}");
                let attributes = [
                    ("class", class.as_str()),
                    ("id", &id),
                    ("href", &href),
                    ("title", &title),
                ];
                out.start("a", &attributes);
                self.content(content, text_only, &inner, out);
                out.end("a");
            }
            _ => {
                out.start("span", &[("class", &format!("name {kind}"))]);
                self.content(content, text_only, &inner, out);
                out.end("span");
            }
        }
    }

    /// A name's content: its text, written where it goes, or the markup made of it before.
    fn content(&mut self, content: &[Inline], text_only: bool, inner: &Markup, out: &mut Markup) {
        if text_only {
            for item in content {
                self.inline(item, out, true);
            }
        } else {
            out.append(inner);
        }
    }
}

/// A date, with its normalised form on hover, as a correction shows the source.
fn date(text: &str, value: &crate::model::DateValue, year_supplied: bool, out: &mut Markup) {
    let mut title = value.label();
    if year_supplied {
        title.push_str(" (the year from the context)");
    }
    match value {
        crate::model::DateValue::When(w) => out.element(
            "time",
            &[("class", "date"), ("datetime", w), ("title", &title)],
            text,
        ),
        _ => out.element("span", &[("class", "date"), ("title", &title)], text),
    }
}

/// The id of a register entry in the index of names.
pub fn index_id(key: &str) -> String {
    format!("{INDEX_ID_PREFIX}{key}")
}

/// What the id of an entry in the index of names starts with ([`index_id`]).
const INDEX_ID_PREFIX: &str = "ix-";

/// What a reader is told at an excerpt's boundary.
pub(crate) fn gap_text(reason: GapReason, edition: &Edition) -> &'static str {
    match reason {
        GapReason::ExcerptBegins => "[The excerpt begins part-way through the work.]",
        GapReason::ExcerptEnds if edition.log.excerpt.ends_mid_sentence => {
            "[The excerpt breaks off here, in mid-sentence.]"
        }
        GapReason::ExcerptEnds => "[The excerpt ends here, part-way through the work.]",
    }
}

/// A register entry's dates, in words: life dates for persons, founding and dissolution for
/// organisations, the date of a work.
fn life_dates(e: &Entry) -> Option<String> {
    let d = |s: &Option<String>| s.as_deref().map(human_date);
    match (d(&e.born), d(&e.died)) {
        (Some(b), Some(x)) => return Some(format!("{b} – {x}")),
        (Some(b), None) => return Some(format!("born {b}")),
        (None, Some(x)) => return Some(format!("died {x}")),
        _ => {}
    }
    match (d(&e.founded), d(&e.dissolved)) {
        (Some(f), Some(x)) => return Some(format!("{f} – {x}")),
        (Some(f), None) => return Some(format!("founded {f}")),
        (None, Some(x)) => return Some(format!("dissolved {x}")),
        _ => {}
    }
    // An event's span, `from/to`.
    match e.date.as_deref().and_then(|d| d.split_once('/')) {
        Some((from, to)) => Some(format!("{} – {}", human_date(from), human_date(to))),
        None => d(&e.date),
    }
}

/// The view of one edition that the templates render.
pub fn edition_view(edition: &Edition, ctx: &RenderContext, extra: &Extra) -> Value {
    let r = &edition.record;
    let archive = &ctx.config.archive;
    let mut walk = Walk {
        edition,
        ctx,
        mentions: Default::default(),
        order: Vec::new(),
        notes: Vec::new(),
        block: 0,
    };
    // The walk goes in the order the template renders: front matter, the text, back matter.
    let front: Vec<Value> = edition
        .region(Region::Front)
        .map(|b| walk.block(b))
        .collect();
    let body: Vec<Value> = edition
        .region(Region::Body)
        .map(|b| walk.block(b))
        .collect();
    let back: Vec<Value> = edition
        .region(Region::Back)
        .map(|b| walk.block(b))
        .collect();
    let end_gap = end_gap(edition);
    let anchors = anchors_view(edition);
    let index = index_view(&mut walk);
    let colophon = colophon_view(edition, ctx, extra);
    let date = edition_date(edition);
    let identifier = format!("{}{}", archive.base_uri, edition.id);
    let running_title = r.title.clone();
    context! {
        id => edition.id.clone(),
        lang => r.language.clone(),
        title => r.title.clone(),
        subtitle => r.subtitle.clone(),
        running_title => running_title,
        authors => names_with_role(edition, Role::Author),
        translators => names_with_role(edition, Role::Translator),
        others => other_contributors(edition),
        citation => citation(&r.source, edition),
        transcription => r.transcription.as_ref().map(|t| citation(t, edition)),
        front => front,
        body => body,
        back => back,
        end_gap => end_gap,
        excerpt => context! {
            statement => excerpt_statement(edition),
            note => r.text.excerpt_note.clone(),
        },
        anchors => anchors,
        notes => walk.notes,
        index => index,
        colophon => colophon,
        identifier => identifier,
        date => date.map(human_date),
        date_iso => date,
        css => STYLESHEET,
        index_href => "index.html",
        tei_href => format!("../tei/{}.xml", edition.id),
        epub_href => format!("../epub/{}.epub", edition.id),
        pdf_href => ctx.config.build.pdf.then(|| format!("../pdf/{}.pdf", edition.id)),
        archive => archive.name.clone(),
        generator => crate::AGENT,
    }
}

/// The end-of-excerpt gap of a text that ends on a heading, which goes after that heading (the
/// excerpt pass only puts it inside a paragraph).
fn end_gap(edition: &Edition) -> Option<&'static str> {
    (edition.log.excerpt.ends_midway
        && edition
            .region(Region::Body)
            .last()
            .is_some_and(|b| b.kind == BlockKind::Heading))
    .then(|| gap_text(GapReason::ExcerptEnds, edition))
}

/// The note anchors the notes pass placed: how many, the first and the last.
fn anchors_view(edition: &Edition) -> Option<Value> {
    let anchors = &edition.log.note_anchors;
    match (anchors.first(), anchors.last()) {
        (Some(first), Some(last)) => Some(context! {
            count => anchors.len(),
            first => first,
            last => last,
        }),
        _ => None,
    }
}

/// Everyone responsible other than the authors and translators (transcribers, editors).
fn other_contributors(edition: &Edition) -> Vec<Value> {
    edition
        .record
        .contributors
        .iter()
        .filter(|c| !matches!(c.role, Role::Author | Role::Translator))
        .map(|c| {
            context! {
                name => c.name.clone(),
                role => c.role.label(),
                note => c.role_note.clone(),
                uncertain => matches!(c.cert, Cert::Inferred | Cert::Uncertain),
            }
        })
        .collect()
}

/// What the edition's statement says of where the excerpt begins and ends.
fn excerpt_statement(edition: &Edition) -> Option<&'static str> {
    let excerpt = &edition.log.excerpt;
    match (
        excerpt.begins_midway,
        excerpt.ends_midway,
        excerpt.ends_mid_sentence,
    ) {
        (true, true, true) => {
            Some("It begins part-way through the work and breaks off in mid-sentence.")
        }
        (true, true, false) => Some("It begins and ends part-way through the work."),
        (true, false, _) => Some("It begins part-way through the work."),
        (false, _, true) => Some("It breaks off in mid-sentence."),
        (false, true, false) => Some("It ends part-way through the work."),
        (false, false, _) => None,
    }
}

/// The index of names: every register entry the text mentions, grouped by kind and sorted as
/// an index sorts, each with links back to every mention.
fn index_view(walk: &mut Walk) -> Vec<Value> {
    let groups = [
        (NameKind::Person, "Persons"),
        (NameKind::Place, "Places"),
        (NameKind::Org, "Organisations"),
        (NameKind::Work, "Works"),
        (NameKind::Event, "Events"),
    ];
    let mut mentions = std::mem::take(&mut walk.mentions);
    // Each key looked up once; then the entries of each kind in the order of first mention.
    let named: Vec<(&String, &crate::model::register::Named)> = walk
        .order
        .iter()
        .filter_map(|key| Some((key, walk.ctx.register.get(key)?)))
        .collect();
    let mut out = Vec::new();
    for (kind, label) in groups {
        let mut entries: Vec<(String, Value)> = Vec::new();
        for (key, named) in named.iter().filter(|(_, n)| n.kind == kind) {
            let key = *key;
            let e = &named.entry;
            let links = MentionLinks::new(mentions.remove(key).map(|m| m.list).unwrap_or_default());
            let headword = e.sort.clone().unwrap_or_else(|| e.name.clone());
            let sort_key = headword.to_lowercase();
            let authorities: Vec<Value> = e
                .authority_uris()
                .into_iter()
                .map(|(scheme, url)| {
                    let label = match scheme {
                        "wikidata" => format!("Wikidata {}", e.wikidata.as_deref().unwrap_or("")),
                        "viaf" => format!("VIAF {}", e.viaf.as_deref().unwrap_or("")),
                        "geonames" => {
                            format!("GeoNames {}", e.geonames.as_deref().unwrap_or(""))
                        }
                        other => other.to_string(),
                    };
                    context! { label => label, url => url }
                })
                .collect();
            let author = e
                .author
                .as_deref()
                .and_then(|k| walk.ctx.register.get(k))
                .map(|a| a.entry.name.clone());
            entries.push((
                sort_key,
                context! {
                    key => key.clone(),
                    id => index_id(key),
                    headword => headword,
                    name => e.name.clone(),
                    show_name => e.sort.as_ref().is_some_and(|s| !same_name(s, &e.name)),
                    original => e.original.clone(),
                    original_lang => e.original_language(),
                    kind => e.kind.clone(),
                    dates => life_dates(e),
                    author => author,
                    description => e.description.clone(),
                    authorities => authorities,
                    links => Value::from_safe_string(links.markup()),
                    mentions => Value::from_object(links),
                    work => kind == NameKind::Work,
                },
            ));
        }
        if entries.is_empty() {
            continue;
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        out.push(context! {
            label => label,
            id => format!("index-{}", kind.word()),
            entries => entries.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
        });
    }
    out
}

/// Whether a sorted heading (`Blyukher, Vasily Konstantinovich`) already shows every word of
/// the preferred name (`Vasily Blyukher`), so that the name need not be repeated.
fn same_name(sort: &str, name: &str) -> bool {
    let words: Vec<&str> = sort
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    name.split_whitespace().all(|w| words.contains(&w))
}

/// An entry's links back to its mentions, each labelled with the number of the paragraph it
/// is in; several mentions in one paragraph are told apart by letters (`3a`, `3b`), and an
/// uncertain one is marked `?`. The built-in template prints them as markup (`e.links`); a
/// template may lay them out itself from the list (`e.mentions`, each with `href`, `label`,
/// `block` and `uncertain`), which is made only when a template reads it: an index has an
/// entry for every mention in the text.
#[derive(Debug)]
struct MentionLinks(Vec<(Mention, Option<char>)>);

impl MentionLinks {
    /// The links of `mentions`, in the order met: a block's mentions come one after another.
    fn new(mentions: Vec<Mention>) -> Self {
        let mut links: Vec<(Mention, Option<char>)> = Vec::with_capacity(mentions.len());
        let mut run = 0;
        for m in mentions {
            match links.last() {
                Some((last, _)) if last.block == m.block => run += 1,
                _ => run = 0,
            }
            if run == 1
                && let Some(first) = links.last_mut()
            {
                first.1 = Some(letter(0));
            }
            links.push((m, (run > 0).then(|| letter(run))));
        }
        MentionLinks(links)
    }

    fn label(m: &Mention, letter: Option<char>, out: &mut String) {
        out.push_str(&m.block.to_string());
        out.extend(letter);
        if m.uncertain {
            out.push('?');
        }
    }

    /// `<a href="#m-…">3a</a>, …`.
    fn markup(&self) -> String {
        let mut out = String::with_capacity(self.0.len() * 32);
        for (i, (m, letter)) in self.0.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str("<a href=\"#");
            out.push_str(&escape(m.id.as_str()));
            out.push('"');
            if m.uncertain {
                out.push_str(" class=\"uncertain\"");
            }
            out.push('>');
            Self::label(m, *letter, &mut out);
            out.push_str("</a>");
        }
        out
    }
}

impl minijinja::value::Object for MentionLinks {
    fn repr(self: &std::sync::Arc<Self>) -> minijinja::value::ObjectRepr {
        minijinja::value::ObjectRepr::Seq
    }

    fn get_value(self: &std::sync::Arc<Self>, index: &Value) -> Option<Value> {
        let (m, letter) = self.0.get(index.as_usize()?)?;
        let mut label = String::new();
        Self::label(m, *letter, &mut label);
        Some(context! {
            href => format!("#{}", m.id),
            label => label,
            block => m.block,
            uncertain => m.uncertain,
        })
    }

    fn enumerate(self: &std::sync::Arc<Self>) -> minijinja::value::Enumerator {
        minijinja::value::Enumerator::Seq(self.0.len())
    }
}

/// `a`…`z`, then `z` for anything past: a paragraph rarely names one person 26 times.
fn letter(i: usize) -> char {
    char::from(b'a' + u8::try_from(i.min(25)).unwrap_or(25))
}

/// The colophon: where the file came from, its checksums, the rights, the edition's history,
/// and what the editor left out or corrected.
fn colophon_view(edition: &Edition, ctx: &RenderContext, extra: &Extra) -> Value {
    let r = &edition.record;
    let rec = &r.received;
    let archive = &ctx.config.archive;
    let fact = |f: &Fact| {
        context! {
            value => f.known().map(str::to_string),
            cert => match f.cert {
                Cert::Inferred => Some("inferred"),
                Cert::Uncertain => Some("uncertain"),
                _ => None,
            },
            evidence => f.evidence.clone(),
        }
    };
    let omitted: Vec<Value> = edition
        .region(Region::Omitted)
        .map(|b| {
            let why = match &b.decided {
                Decided::Auto(why) => Some(why.to_string()),
                Decided::Record(why) => why.clone(),
            };
            context! { n => b.n, text => b.source_text(), why => why }
        })
        .collect();
    let licence = r
        .rights
        .encoding_licence
        .clone()
        .unwrap_or_else(|| archive.licence.clone());
    let history: Vec<Value> = r
        .history
        .iter()
        .map(|h| {
            context! {
                date => human_date(&h.date),
                date_iso => h.date.clone(),
                by => h.by.clone(),
                change => h.change.clone(),
            }
        })
        .collect();
    context! {
        file_name => rec.file_name.clone(),
        size => rec.size,
        encoding => rec.encoding.clone().unwrap_or_else(|| "UTF-8".into()),
        date => fact(&rec.date),
        date_words => rec.date.known().map(human_date),
        by => fact(&rec.by),
        route => fact(&rec.route),
        // Only a source whose bytes match its record is built (see `crate::load::source`).
        source_sha256 => rec.sha256.to_ascii_lowercase(),
        tei_sha256 => sha256_bytes(extra.tei),
        tei_file => format!("export/tei/{}.xml", edition.id),
        rights => fact(&r.rights.source),
        source_licence => r.rights.source_licence.as_ref().map(fact),
        licence_url => licence_url(&licence),
        licence => licence,
        history => history,
        corrections => applied_corrections(edition),
        omitted => omitted,
        source_notes => source_notes(r),
        identifier => format!("{}{}", archive.base_uri, edition.id),
        publisher => archive.name.clone(),
        organisation => archive.organisation.clone(),
    }
}

/// The corrections the build applied, with how often, why and by whom.
fn applied_corrections(edition: &Edition) -> Vec<Value> {
    let r = &edition.record;
    edition
        .log
        .corrections_applied
        .iter()
        .filter_map(|(i, count)| {
            let c = r.corrections.get(*i)?;
            Some(context! {
                sic => c.sic.clone(),
                corr => c.corr.clone(),
                count => count,
                reason => c.reason.clone(),
                by => c.by.clone(),
                cert => match c.cert {
                    Cert::Confirmed => None,
                    other => Some(other.tei()),
                },
            })
        })
        .collect()
}

/// Evidence for the parts of the description of the source and the transcription that are not
/// plainly confirmed, and the record's notes on them.
fn source_notes(r: &crate::model::Record) -> Vec<String> {
    let mut source_notes: Vec<String> = Vec::new();
    for (bibl, what) in [
        (Some(&r.source), "the source"),
        (r.transcription.as_ref(), "the transcription"),
    ] {
        let Some(b) = bibl else { continue };
        for (name, f) in b.facts() {
            let label = name.replace('_', " ");
            match (f.cert, &f.evidence) {
                (Cert::Inferred | Cert::Uncertain, e) => source_notes.push(format!(
                    "The {label} of {what} is {}{}",
                    if f.cert == Cert::Inferred {
                        "inferred"
                    } else {
                        "uncertain"
                    },
                    e.as_ref().map(|e| format!(": {e}")).unwrap_or(".".into())
                )),
                (Cert::Unknown | Cert::Todo, e) => source_notes.push(format!(
                    "The {label} of {what} is not known{}",
                    e.as_ref().map(|e| format!(": {e}")).unwrap_or(".".into())
                )),
                _ => {}
            }
        }
        source_notes.extend(b.notes.iter().cloned());
    }
    source_notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Config;
    use crate::model::edition::Decided;
    use crate::model::record::Record;
    use crate::model::register::{Register, RegisterFile};

    const RECORD: &str = r#"
id = "test"
title = "A <Test> & more"
language = "en"
[[contributors]]
name = "A. Writer"
role = "author"
cert = "confirmed"
[source]
kind = "book"
title = { value = "Book", cert = "confirmed" }
[received]
file_name = "t.txt"
date = { value = "2020-01-02", cert = "confirmed" }
by = { value = "someone", cert = "confirmed" }
route = { cert = "unknown" }
size = 1
sha256 = "0000000000000000000000000000000000000000000000000000000000000000"
[rights]
source = { cert = "unknown" }
[[history]]
date = "2020-01-03"
change = "made"
"#;

    const CONFIG: &str = r#"
[archive]
name = "Test archive"
organisation = "Test library"
licence = "CC-BY-4.0"
base_uri = "urn:test:"
[archive.contact]
name = "Keeper"
"#;

    const REGISTER: &str = r#"
[[person]]
key = "ivanov-ivan"
name = "Ivan Ivanov"
sort = "Ivanov, Ivan Ivanovich"
original = "Иван Иванович Иванов"
forms = ["Ivanov"]
born = "1890-05-01"
died = "1937"
description = "A person."
wikidata = "Q1"
[[place]]
key = "moscow"
name = "Moscow"
description = "A city."
[[work]]
key = "pravda"
name = "Pravda"
description = "A newspaper."
"#;

    fn name(kind: NameKind, key: Option<&str>, cert: Option<Cert>, text: &str) -> Inline {
        Inline::Name {
            kind,
            key: key.map(str::to_string),
            cert,
            content: vec![Inline::Text(text.into())],
        }
    }

    fn block(n: usize, inlines: Vec<Inline>) -> Block {
        Block {
            n,
            kind: BlockKind::Paragraph,
            decided: Decided::Auto("test"),
            span: 0..0,
            inlines,
        }
    }

    /// An edition built by hand, with names of every kind, one uncertain, one whose key the
    /// register lacks, one with no key, and one holding a correction.
    fn fixture() -> (Edition, Config, Register) {
        let record: Record = toml::from_str(RECORD).unwrap();
        let config: Config = toml::from_str(CONFIG).unwrap();
        let mut register = Register::default();
        register.extend(toml::from_str::<RegisterFile>(REGISTER).unwrap());
        let mut e = Edition::new("test".into(), record, "t.txt".into(), "x".into());
        e.blocks = vec![
            block(
                1,
                vec![
                    name(NameKind::Person, Some("ivanov-ivan"), None, "Ivanov"),
                    Inline::Text(" went to ".into()),
                    name(NameKind::Place, Some("moscow"), None, "Moscow"),
                    Inline::Text(" and read ".into()),
                    name(NameKind::Work, Some("pravda"), None, "Pravda"),
                    Inline::Text(" <script>x</script>.".into()),
                ],
            ),
            block(
                2,
                vec![
                    name(
                        NameKind::Person,
                        Some("ivanov-ivan"),
                        Some(Cert::Uncertain),
                        "Ivanov",
                    ),
                    Inline::Text(", ".into()),
                    name(NameKind::Person, Some("no-such-key"), None, "Petrov"),
                    Inline::Text(" and ".into()),
                    name(NameKind::Person, None, None, "Sidorov"),
                    Inline::Text(" met ".into()),
                    Inline::Name {
                        kind: NameKind::Person,
                        key: Some("ivanov-ivan".into()),
                        cert: None,
                        content: vec![Inline::Choice {
                            sic: "Ivanof".into(),
                            corr: "Ivanov".into(),
                            correction: 7,
                        }],
                    },
                    Inline::Text(".".into()),
                ],
            ),
        ];
        (e, config, register)
    }

    #[test]
    fn citations_with_little_known_are_still_well_punctuated() {
        let (mut edition, _, _) = fixture();
        let text = citation_text(&edition.record.source, &edition);
        assert_eq!(text, "A. Writer. Book.");
        edition.record.source.kind = BiblKind::Article;
        let text = citation_text(&edition.record.source, &edition);
        assert_eq!(text, "A. Writer. “Book.”");
        edition.record.source.date = Some(Fact {
            value: Some("1936-11".into()),
            cert: Cert::Inferred,
            evidence: None,
        });
        let text = citation_text(&edition.record.source, &edition);
        assert_eq!(text, "A. Writer. “Book.” ([November 1936]).");
    }

    #[test]
    fn names_link_to_the_index_and_the_index_links_back() {
        let (edition, config, register) = fixture();
        let ctx = RenderContext {
            config: &config,
            register: &register,
        };
        let page = render(&Templates::new(None), &edition, &ctx, &Extra { tei: b"" }).unwrap();
        // Each mention has an id and links to its entry; the entry links back to each.
        for id in ["m-ivanov-ivan-1", "m-ivanov-ivan-2", "m-ivanov-ivan-3"] {
            assert!(
                page.contains(&format!("id=\"{id}\" href=\"#ix-ivanov-ivan\"")),
                "{id}"
            );
            assert!(page.contains(&format!("href=\"#{id}\"")), "{id}");
        }
        assert!(page.contains("id=\"m-moscow-1\" href=\"#ix-moscow\""));
        assert!(page.contains("<dt id=\"ix-pravda\"><cite>Pravda</cite></dt>"));
        // The back-links name the blocks, with letters within one block and ? when uncertain.
        assert!(page.contains(">1</a>, <a href=\"#m-ivanov-ivan-2\" class=\"uncertain\">2a?</a>, <a href=\"#m-ivanov-ivan-3\">2b</a>"));
        // The register's entry: sorted heading, original script, dates, authority.
        assert!(page.contains("Ivanov, Ivan Ivanovich <span class=\"original\" lang=\"und-Cyrl\">Иван Иванович Иванов</span>"));
        assert!(page.contains("1 May 1890 – 1937"));
        assert!(page.contains("href=\"http://www.wikidata.org/entity/Q1\""));
        // A name the register lacks, or with no key, is marked but links nowhere.
        assert!(page.contains("<span class=\"name person\">Petrov</span>"));
        assert!(page.contains("<span class=\"name person\">Sidorov</span>"));
        assert!(!page.contains("no-such-key"));
        // A correction inside a name is still a correction; markup in the text is escaped.
        assert!(page.contains("<span class=\"corr\" tabindex=\"0\">Ivanov<span class=\"sic\">"));
        assert!(page.contains("&lt;script&gt;x&lt;/script&gt;"));
        assert!(page.contains("<h1>A &lt;Test&gt; &amp; more</h1>"));
        // Persons come before places and works in the index.
        let persons = page.find("id=\"index-person\"").unwrap();
        let places = page.find("id=\"index-place\"").unwrap();
        let works = page.find("id=\"index-work\"").unwrap();
        assert!(persons < places && places < works);
    }

    #[test]
    fn dates_in_words() {
        assert_eq!(human_date("1936"), "1936");
        assert_eq!(human_date("1936-11"), "November 1936");
        assert_eq!(human_date("2024-12-29"), "29 December 2024");
        assert_eq!(human_date("1936-13"), "1936-13");
        assert_eq!(human_date("c. 1936"), "c. 1936");
    }

    #[test]
    fn one_body_splits_into_the_page_and_the_epub() {
        let shared = "<s\u{1}E epub:type=\"x\"\u{1}e>a\u{1}Pb\u{1}pc\u{1}E\u{1}e";
        assert_eq!(
            split_body(shared).unwrap(),
            ("<s>abc".to_string(), "<s epub:type=\"x\">ac".to_string())
        );
        assert_eq!(
            split_body("plain").unwrap(),
            ("plain".into(), "plain".into())
        );
        for (broken, says) in [
            ("a\u{1}Eb", "does not end"),
            ("a\u{1}Pb\u{1}Ec\u{1}e\u{1}p", "cannot be nested"),
            ("a\u{1}eb", "byte 1 of the body holds U+0001"),
            ("a\u{1}", "byte 1 of the body holds U+0001"),
        ] {
            let err = split_body(broken).unwrap_err();
            assert!(err.contains(says), "{broken:?}: {err}");
        }
    }

    #[test]
    fn mention_links_are_lettered_within_a_block_and_read_alike_as_markup_and_as_a_list() {
        let m = |id: &str, block, uncertain| Mention {
            id: id.into(),
            block,
            uncertain,
        };
        let links = MentionLinks::new(vec![
            m("m-a-1", 3, false),
            m("m-a-2", 3, true),
            m("m-a-3", 5, false),
            m("m-a-4", 7, false),
            m("m-a-5", 7, false),
            m("m-a-6", 7, false),
        ]);
        assert_eq!(
            links.markup(),
            "<a href=\"#m-a-1\">3a</a>, <a href=\"#m-a-2\" class=\"uncertain\">3b?</a>, \
             <a href=\"#m-a-3\">5</a>, <a href=\"#m-a-4\">7a</a>, <a href=\"#m-a-5\">7b</a>, \
             <a href=\"#m-a-6\">7c</a>"
        );
        // The list a template may read instead holds the same links.
        let list = Environment::new()
            .render_str(
                "{% for l in m %}{{ l.href }} {{ l.label }} {{ l.block }} {{ l.uncertain }}\
                 {% if not loop.last %}|{% endif %}{% endfor %}",
                context! { m => Value::from_object(links) },
            )
            .unwrap();
        assert_eq!(
            list,
            "#m-a-1 3a 3 False|#m-a-2 3b? 3 True|#m-a-3 5 5 False|#m-a-4 7a 7 False|\
             #m-a-5 7b 7 False|#m-a-6 7c 7 False"
        );
        assert_eq!(MentionLinks::new(Vec::new()).markup(), "");
    }

    #[test]
    fn css_strings_cannot_escape() {
        let v = css_string("a \"b\" \\ </style> c".into());
        assert_eq!(
            v.as_str(),
            Some("\"a \\22 b\\22  \\5C  \\3C /style\\3E  c\"")
        );
    }

    #[test]
    fn override_names_stay_in_their_folder() {
        assert!(plain_name("edition.html"));
        assert!(!plain_name("../edition.html"));
        assert!(!plain_name("sub/edition.html"));
        assert!(!plain_name(".hidden"));
    }

    #[test]
    fn sorted_heading_holds_the_name() {
        assert!(same_name(
            "Blyukher, Vasily Konstantinovich",
            "Vasily Blyukher"
        ));
        assert!(!same_name("Galen, Vasily", "Vasily Blyukher"));
    }
}
