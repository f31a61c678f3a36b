//! The TEI P5 renderer: the deposit-grade XML of one edition, with a full `teiHeader` built
//! from the provenance record and a `<text>` built from the shaped model. Output is
//! pretty-printed with stable indentation and deterministic: the same edition always gives
//! the same bytes.

use super::xml::{Mixed, TypesUsed, Xml};
use super::{RenderContext, language_name, licence_url, slug};
use crate::model::edition::{GapReason, NameKind, Region};
use crate::model::record::{Bibl, BiblKind, BlockKind, Cert, ContributorKind, Fact, Role};
use crate::model::register::{Entry, Named, Register};
use crate::model::{Block, Edition, Inline};

pub use crate::model::TEI_NS;

/// The published location of tei_all, for editors that read `xml-model`.
const TEI_ALL: &str = "https://www.tei-c.org/release/xml/tei/custom/schema/relaxng/tei_all.rng";

/// The folder of `export/` the TEI goes in.
pub const DIR: &str = "tei";

/// The TEI renderer in the build's list: `tei/<id>.xml` for each edition (the encoding made
/// by the build, which checks it against the source), and `tei/register.xml`.
pub struct Tei;

impl super::Renderer for Tei {
    fn name(&self) -> &'static str {
        "tei"
    }

    fn dirs(&self) -> &'static [&'static str] {
        &[DIR]
    }

    fn edition(&self, item: &super::Item, _: &RenderContext) -> crate::Result<Vec<super::Output>> {
        let name = format!("{}.xml", item.edition.id);
        Ok(vec![super::Output::new(DIR, name, item.tei)])
    }

    fn register(&self, ctx: &RenderContext) -> Vec<super::Output> {
        if ctx.register.entries().is_empty() {
            return Vec::new();
        }
        let bytes = render_register(ctx.register, ctx.config);
        vec![super::Output::new(DIR, "register.xml", bytes)]
    }
}

/// Renders an edition as TEI.
pub fn render(edition: &Edition, ctx: &RenderContext) -> Vec<u8> {
    let mut x = Xml::noting_types();
    x.decl();
    x.pi(&format!(
        "xml-model href=\"{TEI_ALL}\" type=\"application/xml\" schematypens=\"http://relaxng.org/ns/structure/1.0\""
    ));
    let r = &edition.record;
    x.open(
        "TEI",
        &[
            ("xmlns", TEI_NS),
            ("xml:id", &edition.id),
            ("xml:lang", &r.language),
        ],
    );
    let keys = referenced_keys(edition, ctx.register);
    header(&mut x, edition, ctx, &keys);
    if !keys.is_empty() {
        x.open("standOff", &[]);
        register_lists(&mut x, ctx.register, &keys);
        x.close("standOff");
    }
    text(&mut x, edition, ctx.register);
    x.close("TEI");
    declare_types(x.finish_with_types())
}

/// Where the declaration of `@type` values goes in the header, until the document is written
/// and the values it uses are known.
const TAGS_DECL: &str = "editioTagsDeclPending";

/// What each `@type` (and `gap/@reason`) value editio writes means.
const TYPE_VALUES: &[(&str, &str, &str)] = &[
    ("TEI", "register", "the archive's register of names"),
    (
        "bibl",
        "received-file",
        "the file as received: name, size, checksum, date and route",
    ),
    (
        "bibl",
        "transcription",
        "the copy the text was taken from (a web transcription)",
    ),
    (
        "biblStruct",
        "article",
        "the published work is an article in a journal",
    ),
    ("biblStruct", "book", "the published work is a book"),
    (
        "biblStruct",
        "manuscript",
        "the published work is a manuscript",
    ),
    (
        "biblStruct",
        "other",
        "the published work is of another kind",
    ),
    ("biblStruct", "web-page", "the published work is a web page"),
    (
        "change",
        "corrected",
        "corrections of the source recorded or revised",
    ),
    (
        "change",
        "encoded",
        "the text encoded, or its encoding revised",
    ),
    (
        "change",
        "names",
        "names linked to the register, or links revised",
    ),
    ("change", "other", "another change"),
    ("change", "recorded", "the source received and recorded"),
    ("change", "released", "a version released for deposit"),
    ("date", "received", "when the file was received"),
    (
        "desc",
        "omitted-text",
        "the words of a block left out of the text, kept here",
    ),
    (
        "div",
        "credit",
        "a credit line (back matter, not the author's text)",
    ),
    (
        "div",
        "headnote",
        "a headnote by the publisher of the transcription (front matter)",
    ),
    ("div", "links", "links to other copies (back matter)"),
    (
        "div",
        "section",
        "a section of the text, opened by a heading of the source",
    ),
    (
        "div",
        "source-note",
        "a note about the source by its publisher (back matter)",
    ),
    ("event", "dissolved", "when an organisation was dissolved"),
    ("event", "founded", "when an organisation was founded"),
    (
        "gap",
        "excerpt",
        "(@reason) where the excerpt begins or ends part-way through the work",
    ),
    ("gap", "no-text", "(@reason) the source has no text"),
    (
        "gap",
        "notTransmitted",
        "(@reason) the text of one of the original's notes, not in the source",
    ),
    (
        "gap",
        "omitted",
        "(@reason) a block of the source left out of the text; its words are in desc",
    ),
    (
        "head",
        "supplied",
        "a heading supplied by the editors; not in the source",
    ),
    ("idno", "filename", "the name of the file as received"),
    ("idno", "geonames", "the GeoNames URI of a place"),
    (
        "idno",
        "sha256",
        "the SHA-256 of the file as received, in lowercase hexadecimal",
    ),
    ("idno", "URI", "the identifier of this document"),
    (
        "idno",
        "viaf",
        "the VIAF URI of a person, organisation or work",
    ),
    ("idno", "wikidata", "the Wikidata concept URI of an entry"),
    (
        "note",
        "authorial",
        "a note of the original, where its mark stands; its text is not in the source",
    ),
    (
        "eventName",
        "original",
        "the name in its original language and script",
    ),
    ("eventName", "preferred", "the name the register uses"),
    ("eventName", "sort", "the name as sorted in an index"),
    (
        "eventName",
        "variant",
        "another form of the name, as it may stand in a text",
    ),
    ("note", "description", "who or what a register entry is"),
    (
        "note",
        "editorial",
        "a note by the editors, not part of the source",
    ),
    (
        "note",
        "encoding",
        "the character encoding of the file as received",
    ),
    (
        "note",
        "evidence",
        "how a fact or an identification was established",
    ),
    ("note", "route", "how the file came into the archive"),
    (
        "note",
        "unknown",
        "what is not known, said instead of being invented",
    ),
    (
        "orgName",
        "original",
        "the name in its original language and script",
    ),
    ("orgName", "preferred", "the name the register uses"),
    ("orgName", "sort", "the name as sorted in an index"),
    (
        "orgName",
        "variant",
        "another form of the name, as it may stand in a text",
    ),
    ("persName", "birth", "the name at birth"),
    (
        "persName",
        "original",
        "the name in its original language and script",
    ),
    ("persName", "preferred", "the name the register uses"),
    ("persName", "pseudonym", "a pseudonym or pen name"),
    ("persName", "sort", "the name as sorted in an index"),
    (
        "persName",
        "variant",
        "another form of the name, as it may stand in a text",
    ),
    (
        "placeName",
        "original",
        "the name in its original language and script",
    ),
    ("placeName", "preferred", "the name the register uses"),
    ("placeName", "sort", "the name as sorted in an index"),
    (
        "placeName",
        "variant",
        "another form of the name, as it may stand in a text",
    ),
    ("title", "main", "the main title"),
    (
        "title",
        "original",
        "the title in its original language and script",
    ),
    ("title", "sub", "the subtitle"),
];

/// Replaces the pending `tagsDecl` with a declaration of every `@type` value the document
/// uses (and of `gap/@reason`, `place/@type` and `title/@subtype`).
fn declare_types((doc, used): (Vec<u8>, TypesUsed)) -> Vec<u8> {
    // What the writer noted is what reading the document back finds (checked in debug
    // builds, so in every test that writes TEI).
    #[cfg(debug_assertions)]
    assert_eq!(
        used,
        types_used(&doc),
        "the types noted differ from the types used"
    );
    let decl = tags_decl(used);
    let text = String::from_utf8(doc).unwrap_or_default();
    let Some(at) = text.find(&format!("<{TAGS_DECL}/>")) else {
        return text.into_bytes();
    };
    let indent = &text[text[..at].rfind('\n').map_or(0, |i| i + 1)..at];
    let decl: Vec<String> = decl
        .trim_end()
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                l.to_string()
            } else {
                format!("{indent}{l}")
            }
        })
        .collect();
    let mut out = String::with_capacity(text.len() + 4096);
    out.push_str(&text[..at]);
    out.push_str(&decl.join("\n"));
    out.push_str(&text[at + TAGS_DECL.len() + 3..]);
    out.into_bytes()
}

/// Every `@type` value (`@reason` on `gap`, and `@subtype` on `title`) used in `doc`, by
/// element, in order of first use, read from the document (what [`Xml::noting_types`] notes
/// as it writes; debug builds compare the two).
#[cfg(debug_assertions)]
fn types_used(doc: &[u8]) -> std::collections::BTreeMap<String, Vec<String>> {
    use quick_xml::events::Event;
    let mut used: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let mut reader = quick_xml::Reader::from_reader(doc);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let gi = e.local_name().as_ref().to_string();
                let key = if gi == "gap" { "reason" } else { "type" };
                if let Ok(Some(a)) = e.try_get_attribute(key) {
                    let v = a.value.to_string();
                    let list = used.entry(gi.clone()).or_default();
                    if !list.contains(&v) {
                        list.push(v);
                    }
                }
                if gi == "title"
                    && let Ok(Some(a)) = e.try_get_attribute("subtype")
                {
                    let v = format!("subtype {}", a.value);
                    let list = used.entry(gi).or_default();
                    if !list.contains(&v) {
                        list.push(v);
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    used
}

/// The `tagsDecl` that says what each value in `used` means.
fn tags_decl(mut used: std::collections::BTreeMap<String, Vec<String>>) -> String {
    let mut x = Xml::new();
    x.open("tagsDecl", &[]);
    x.open("namespace", &[("name", TEI_NS)]);
    for (gi, values) in &mut used {
        values.sort();
        x.mixed("tagUsage", &[("gi", gi)], |m| {
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    m.text("; ");
                }
                if let Some(sub) = v.strip_prefix("subtype ") {
                    m.text("@subtype ");
                    m.leaf("val", &[], sub);
                    m.text(": a title devised by the editors, not the work's own");
                    continue;
                }
                m.leaf("val", &[], v);
                let meaning = TYPE_VALUES
                    .iter()
                    .find(|(g, val, _)| g == gi && val == v)
                    .map(|(_, _, d)| *d)
                    .unwrap_or(match gi.as_str() {
                        "place" => "the kind of place, as the register gives it",
                        "event" => "the kind of event, as the register gives it",
                        "title" => "a kind of title",
                        _ => "a value given by the archive's register",
                    });
                m.text(&format!(": {meaning}"));
            }
            m.text(".");
        });
    }
    x.close("namespace");
    x.close("tagsDecl");
    String::from_utf8(x.finish()).unwrap_or_default()
}

/// The register keys an edition refers to, sorted.
pub fn referenced_keys(edition: &Edition, register: &Register) -> Vec<String> {
    let mut keys: Vec<&str> = edition.name_keys();
    keys.extend(
        edition
            .record
            .contributors
            .iter()
            .filter_map(|c| c.key.as_deref()),
    );
    keys.extend(edition.record.source.key.as_deref());
    keys.extend(edition.record.source.editor_key.as_deref());
    keys.sort_unstable();
    keys.dedup();
    // Each key looked up once: kept if the register has it, and a work's author, pointed at
    // from its entry, comes too.
    let mut authors: Vec<&str> = Vec::new();
    keys.retain(|k| match register.get(k) {
        Some(named) => {
            authors.extend(named.entry.author.as_deref());
            true
        }
        None => false,
    });
    keys.extend(authors);
    keys.sort_unstable();
    keys.dedup();
    keys.into_iter().map(str::to_string).collect()
}

/// The register entries with these keys, as TEI lists (all entries when `keys` is empty is
/// not meant: pass every key for the whole register).
pub fn register_lists(x: &mut Xml, register: &Register, keys: &[String]) {
    // `keys` is sorted, as the register is: looking each key up (rather than filtering the
    // whole register) keeps the register's order at a cost that grows with the edition, not
    // with the register.
    let mut named: Vec<&Named> = keys.iter().filter_map(|k| register.get(k)).collect();
    named.sort_by(|a, b| a.entry.key.cmp(&b.entry.key));
    named.dedup_by(|a, b| a.entry.key == b.entry.key);
    let lists = [
        (NameKind::Person, "listPerson", "person", "persName"),
        (NameKind::Place, "listPlace", "place", "placeName"),
        (NameKind::Org, "listOrg", "org", "orgName"),
        (NameKind::Event, "listEvent", "event", "eventName"),
    ];
    for (kind, list, item, name_el) in lists {
        let entries: Vec<&Named> = named.iter().copied().filter(|n| n.kind == kind).collect();
        if entries.is_empty() {
            continue;
        }
        x.open(list, &[]);
        for n in entries {
            register_item(x, kind, item, name_el, &n.entry);
        }
        x.close(list);
    }
    let works: Vec<&Named> = named
        .iter()
        .copied()
        .filter(|n| n.kind == NameKind::Work)
        .collect();
    if !works.is_empty() {
        x.open("listBibl", &[]);
        for n in works {
            register_work(x, register, &n.entry);
        }
        x.close("listBibl");
    }
}

/// A register entry keeps the line breaks between its parts (`xml:space="preserve"`), so that
/// a stylesheet that strips whitespace between elements still shows its names, dates,
/// identifiers and notes apart, not run together ("Bukharin9 October 1888").
const ENTRY_SPACE: (&str, &str) = ("xml:space", "preserve");

/// One person, place, organisation or event of the register.
fn register_item(x: &mut Xml, kind: NameKind, item: &str, name_el: &str, e: &Entry) {
    let mut attrs = vec![("xml:id", e.key.as_str()), ENTRY_SPACE];
    // A place's kind (city, region, prison), an event's (trial, battle, treaty) as its
    // type; an event's date or span on the event.
    if matches!(kind, NameKind::Place | NameKind::Event)
        && let Some(k) = e.kind.as_deref()
    {
        attrs.push(("type", k));
    }
    if kind == NameKind::Event
        && let Some(d) = e.date.as_deref()
    {
        match d.split_once('/') {
            Some((from, to)) => attrs.extend([("from", from), ("to", to)]),
            None => attrs.push(("when", d)),
        }
    }
    if let Some(c) = e.cert.as_deref().filter(|c| *c != "high") {
        attrs.push(("cert", c));
    }
    x.open(item, &attrs);
    entry_names(x, name_el, e);
    if kind == NameKind::Person {
        if let Some(b) = &e.born {
            x.leaf("birth", &[("when", b)], &format!("born {}", human_date(b)));
        }
        if let Some(d) = &e.died {
            x.leaf("death", &[("when", d)], &format!("died {}", human_date(d)));
        }
    }
    if kind == NameKind::Place
        && let Some(geo) = &e.geo
    {
        x.open("location", &[]);
        x.leaf("geo", &[], geo);
        x.close("location");
    }
    if kind == NameKind::Org {
        if let Some(f) = &e.founded {
            x.open("event", &[("type", "founded"), ("when", f)]);
            x.leaf("p", &[], &format!("Founded {}.", human_date(f)));
            x.close("event");
        }
        if let Some(d) = &e.dissolved {
            x.open("event", &[("type", "dissolved"), ("when", d)]);
            x.leaf("p", &[], &format!("Dissolved {}.", human_date(d)));
            x.close("event");
        }
    }
    entry_ids_and_notes(x, e);
    x.close(item);
}

/// Every name of an entry, typed (preferred, sort, original, birth, pseudonym, variant), each
/// with its language where it is not the register's.
fn entry_names(x: &mut Xml, name_el: &str, e: &Entry) {
    let with_lang = |x: &mut Xml, kind: &str, form: &str, lang: Option<&str>| {
        let mut attrs = vec![("type", kind)];
        if let Some(l) = lang {
            attrs.push(("xml:lang", l));
        }
        x.leaf(name_el, &attrs, form);
    };
    with_lang(x, "preferred", &e.name, e.form_language(&e.name));
    if let Some(sort) = &e.sort {
        x.leaf(name_el, &[("type", "sort")], sort);
    }
    if let Some(original) = &e.original {
        let lang = e.original_language();
        with_lang(x, "original", original, lang.as_deref());
    }
    if let Some(birth) = &e.birth_name {
        with_lang(x, "birth", birth, e.form_language(birth));
    }
    for form in e.forms.iter().filter(|f| **f != e.name) {
        let kind = if e.pseudonyms.contains(form) {
            "pseudonym"
        } else {
            "variant"
        };
        with_lang(x, kind, form, e.form_language(form));
    }
}

/// An entry's authority identifiers, description and evidence.
fn entry_ids_and_notes(x: &mut Xml, e: &Entry) {
    for (kind, uri) in e.authority_uris() {
        x.leaf("idno", &[("type", kind)], &uri);
    }
    note_with_foreign(x, "description", &e.description, e);
    if let Some(note) = &e.note {
        note_with_foreign(x, "evidence", note, e);
    }
}

/// One work of the register, as a `bibl`.
fn register_work(x: &mut Xml, register: &Register, e: &Entry) {
    x.open("bibl", &[("xml:id", e.key.as_str()), ENTRY_SPACE]);
    let mut attrs = Vec::new();
    if let Some(level) = title_level(e.kind.as_deref()) {
        attrs.push(("level", level));
    }
    if let Some(lang) = e.form_language(&e.name) {
        attrs.push(("xml:lang", lang));
    }
    x.leaf("title", &attrs, &e.name);
    if let (Some(original), Some(lang)) = (&e.original, e.original_language()) {
        x.leaf(
            "title",
            &[("type", "original"), ("xml:lang", &lang)],
            original,
        );
    }
    if let Some(a) = e.author.as_deref().and_then(|k| register.get(k)) {
        x.leaf(
            "author",
            &[("ref", &format!("#{}", a.entry.key))],
            &a.entry.name,
        );
    }
    if let Some(d) = &e.date {
        x.leaf("date", &[("when", d)], d);
    }
    entry_ids_and_notes(x, e);
    x.close("bibl");
}

/// An ISO date (`1899-03-29`, `1940-02`, `1897`) as a reader writes it: `29 March 1899`,
/// `February 1940`, `1897`.
pub fn human_date(iso: &str) -> String {
    use crate::model::MONTHS;
    let parts: Vec<&str> = iso.split('-').collect();
    let month = |m: &str| {
        m.parse::<usize>()
            .ok()
            .and_then(|m| MONTHS.get(m.wrapping_sub(1)))
    };
    match parts.as_slice() {
        [y, m, d] => match (month(m), d.parse::<u32>()) {
            (Some(m), Ok(d)) => format!("{d} {m} {y}"),
            _ => iso.to_string(),
        },
        [y, m] => match month(m) {
            Some(m) => format!("{m} {y}"),
            None => iso.to_string(),
        },
        _ => iso.to_string(),
    }
}

/// The languages of the forms in these register entries, sorted, without repeats.
pub fn form_languages(register: &Register, keys: &[String]) -> Vec<String> {
    let mut out: Vec<String> = keys
        .iter()
        .filter_map(|k| register.get(k))
        .flat_map(|n| {
            let e = &n.entry;
            let mut langs = e.languages();
            for text in std::iter::once(&e.description).chain(e.note.as_ref()) {
                if !has_other_script(text) {
                    continue;
                }
                for (foreign, run) in script_runs(text) {
                    if foreign {
                        langs.push(foreign_language(run, e));
                    }
                }
            }
            langs
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The language of a run of words in another script inside an English note: the entry's
/// original language when the run is in the same script as its original form, else only the
/// script (`und-Cyrl`).
fn foreign_language(run: &str, e: &Entry) -> String {
    use crate::model::register::script_tag;
    let script = script_tag(run);
    match (e.original.as_deref(), e.original_lang.as_deref()) {
        (Some(o), Some(lang)) if script_tag(o) == script => lang.to_string(),
        _ => script.to_string(),
    }
}

/// Whether a character is of a script other than Latin (and not punctuation or a digit).
fn other_script(c: char) -> bool {
    c.is_alphabetic() && !matches!(c as u32, 0..=0x024F | 0x1E00..=0x1EFF)
}

/// Whether a text has a letter of a script other than Latin (see [`script_runs`]); an
/// ASCII text, as most notes are, is answered without reading its characters one by one.
fn has_other_script(text: &str) -> bool {
    !text.is_ascii() && text.chars().any(other_script)
}

/// The runs of a text: `(false, latin)` or `(true, words in another script)`.
fn script_runs(text: &str) -> Vec<(bool, &str)> {
    let mut out: Vec<(bool, &str)> = Vec::new();
    let mut start = 0;
    let mut current: Option<bool> = None;
    for (i, c) in text.char_indices() {
        // Spaces and punctuation between words of another script stay with them.
        let kind = if other_script(c) {
            Some(true)
        } else if c.is_alphanumeric() {
            Some(false)
        } else {
            None
        };
        if let Some(k) = kind
            && current != Some(k)
        {
            if let Some(prev) = current {
                // Trailing spaces or punctuation go back to the Latin text.
                let run = &text[start..i];
                let cut = if prev {
                    run.trim_end_matches(|c: char| !other_script(c)).len()
                } else {
                    run.len()
                };
                out.push((prev, &text[start..start + cut]));
                if cut < run.len() {
                    out.push((false, &text[start + cut..i]));
                }
            } else if i > 0 {
                out.push((false, &text[..i]));
            }
            start = i;
            current = Some(k);
        }
    }
    if start < text.len() || current.is_some() {
        let run = &text[start..];
        match current {
            Some(true) => {
                let cut = run.trim_end_matches(|c: char| !other_script(c)).len();
                out.push((true, &run[..cut]));
                if cut < run.len() {
                    out.push((false, &run[cut..]));
                }
            }
            _ => out.push((false, run)),
        }
    }
    out.retain(|(_, r)| !r.is_empty());
    out
}

/// A register note, with words in another script marked as `foreign` with their language.
fn note_with_foreign(x: &mut Xml, kind: &str, text: &str, e: &Entry) {
    x.mixed("note", &[("type", kind)], |m| {
        if !has_other_script(text) {
            m.text(text);
            return;
        }
        for (foreign, run) in script_runs(text) {
            if foreign {
                m.leaf("foreign", &[("xml:lang", &foreign_language(run, e))], run);
            } else {
                m.text(run);
            }
        }
    });
}

/// The `xml:id` of the responsibility statement for a person or body named in `by` fields.
pub fn resp_id(by: &str) -> String {
    format!("resp-{}", slug(by))
}

/// Everyone named as responsible for corrections, notes or changes, in first-seen order.
fn responsible(edition: &Edition) -> Vec<&str> {
    let r = &edition.record;
    let mut out: Vec<&str> = Vec::new();
    let names = r
        .corrections
        .iter()
        .map(|c| c.by.as_str())
        .chain(r.notes.iter().map(|n| n.by.as_str()))
        .chain(r.history.iter().filter_map(|h| h.by.as_deref()));
    for name in names {
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// The date of the latest change, which is the date of this encoding.
fn edition_date(edition: &Edition) -> Option<&str> {
    edition.record.history.iter().map(|h| h.date.as_str()).max()
}

fn cert_attr(cert: Cert) -> Option<&'static str> {
    match cert {
        Cert::Confirmed => None,
        c => Some(c.tei()),
    }
}

/// The TEI header; `keys` are the register keys the edition refers to
/// ([`referenced_keys`]).
fn header(x: &mut Xml, edition: &Edition, ctx: &RenderContext, keys: &[String]) {
    let r = &edition.record;
    let archive = &ctx.config.archive;
    x.open("teiHeader", &[]);
    x.open("fileDesc", &[]);
    title_stmt(x, edition, ctx);
    x.open("editionStmt", &[]);
    x.mixed("edition", &[], |m| {
        m.text(&format!("Digital edition in TEI P5, {}", archive.name));
        if let Some(date) = edition_date(edition) {
            m.text(", ");
            m.leaf("date", &[("when", date)], date);
        }
    });
    x.close("editionStmt");

    x.open("extent", &[]);
    let size = r.received.size.to_string();
    x.leaf(
        "measure",
        &[("unit", "byte"), ("quantity", &size)],
        &format!("{size} bytes of source text"),
    );
    x.close("extent");

    x.open("publicationStmt", &[]);
    x.leaf("publisher", &[], &archive.name);
    x.leaf("distributor", &[], &archive.organisation);
    if let Some(date) = edition_date(edition) {
        x.leaf("date", &[("when", date)], date);
    }
    x.leaf(
        "idno",
        &[("type", "URI")],
        &format!("{}{}", archive.base_uri, edition.id),
    );
    availability(x, edition, ctx);
    x.close("publicationStmt");

    x.open("sourceDesc", &[]);
    bibl_struct(x, edition, ctx.register);
    if let Some(t) = &r.transcription {
        web_bibl(x, t);
    }
    received_bibl(x, edition);
    x.close("sourceDesc");
    x.close("fileDesc");

    encoding_desc(x, edition, ctx);
    profile_desc(x, edition, ctx, keys);
    revision_desc(x, edition);
    x.close("teiHeader");
}

/// The edition's title (marked devised when the editors made it up), its authors, everyone
/// else responsible, and the editors who recorded and encoded it.
fn title_stmt(x: &mut Xml, edition: &Edition, ctx: &RenderContext) {
    let r = &edition.record;
    x.open("titleStmt", &[]);
    // A title the editors made up (not the work's own) is marked as devised.
    if Some(r.title.as_str()) == r.source.title.known() {
        x.leaf("title", &[("type", "main")], &r.title);
    } else {
        x.leaf(
            "title",
            &[("type", "main"), ("subtype", "devised")],
            &r.title,
        );
    }
    if let Some(sub) = &r.subtitle {
        x.leaf("title", &[("type", "sub")], sub);
    }
    source_authors(x, r, ctx.register);
    for c in r.contributors.iter().filter(|c| c.role != Role::Author) {
        x.open("respStmt", &[]);
        let resp = c
            .role_note
            .clone()
            .unwrap_or_else(|| role_phrase(c.role).to_string());
        x.leaf("resp", &[], &resp);
        let el = match c.kind {
            ContributorKind::Person => "persName",
            ContributorKind::Organisation => "orgName",
        };
        let reference = register_ref(ctx.register, c.key.as_deref());
        let mut attrs = vec![];
        if let Some(reference) = &reference {
            attrs.push(("ref", reference.as_str()));
        }
        if let Some(cert) = cert_attr(c.cert) {
            attrs.push(("cert", cert));
        }
        x.leaf(el, &attrs, &c.name);
        x.close("respStmt");
    }
    for by in responsible(edition) {
        let id = resp_id(by);
        x.open("respStmt", &[("xml:id", &id)]);
        x.leaf("resp", &[], "recorded, encoded and corrected the edition");
        x.leaf("name", &[], by);
        x.close("respStmt");
    }
    x.close("titleStmt");
}

/// `#key` when the register has an entry with this key.
fn register_ref(register: &Register, key: Option<&str>) -> Option<String> {
    key.filter(|k| register.get(k).is_some())
        .map(|k| format!("#{k}"))
}

/// The rightsstatements.org statement for the source text: the record's, or "copyright
/// undetermined" when the rights are not known.
fn source_statement(r: &crate::model::Record) -> Option<&str> {
    r.rights
        .source_statement
        .as_deref()
        .or((r.rights.source.known().is_none())
            .then_some("http://rightsstatements.org/vocab/UND/1.0/"))
}

/// Who may do what with this file: the licence of the encoding (markup, header, editorial
/// notes) and, apart from it, the rights in the source text. The status is that of the file
/// as a whole, so it follows the source text's rights: `free` only when the source text is
/// under an open licence or has no copyright, `restricted` when its statement says it is in
/// copyright, `unknown` otherwise.
fn availability(x: &mut Xml, edition: &Edition, ctx: &RenderContext) {
    let r = &edition.record;
    let archive = &ctx.config.archive;
    let statement = source_statement(r);
    let open_source = r
        .rights
        .source_licence
        .as_ref()
        .and_then(Fact::known)
        .is_some()
        || statement.is_some_and(|s| s.contains("/NoC-") || s.contains("/NKC/"));
    // Restricted only when a statement says so: rights given in words alone are not read
    // (`check` asks for a statement).
    let status = if open_source {
        "free"
    } else if statement.is_some_and(|s| s.contains("/InC")) {
        "restricted"
    } else {
        "unknown"
    };
    x.open("availability", &[("status", status)]);
    let licence = r
        .rights
        .encoding_licence
        .as_deref()
        .unwrap_or(&archive.licence);
    x.mixed("licence", &[("target", &licence_url(licence))], |m| {
        m.text(&format!(
            "The encoding (markup, header and editorial notes) is licensed under {licence}. This licence does not extend to the source text, whose rights are stated apart."
        ));
    });
    let mut source = String::from("The source text: ");
    match r.rights.source.known() {
        Some(v) => {
            source.push_str(v);
            if !v.ends_with(['.', '!', '?']) {
                source.push('.');
            }
        }
        None => source.push_str("rights not established."),
    }
    if let Some(e) = &r.rights.source.evidence {
        source.push_str(&format!(" ({e})"));
    }
    match statement {
        Some(uri) => x.leaf("licence", &[("target", uri)], &source),
        None => x.leaf("p", &[], &source),
    }
    if let Some(l) = r.rights.source_licence.as_ref().and_then(Fact::known) {
        x.leaf(
            "licence",
            &[("target", &licence_url(l))],
            &format!("Licence of the source text: {l}."),
        );
    }
    x.close("availability");
}

/// Languages, when the work was written, what it is about.
fn profile_desc(x: &mut Xml, edition: &Edition, ctx: &RenderContext, keys: &[String]) {
    let r = &edition.record;
    x.open("profileDesc", &[]);
    let written = r.written.as_ref().filter(|f| f.known().is_some());
    x.mixed("creation", &[], |m| {
        let authors: Vec<&str> = r
            .contributors
            .iter()
            .filter(|c| c.role == Role::Author)
            .map(|c| c.name.as_str())
            .collect();
        m.text("Written");
        if !authors.is_empty() {
            m.text(&format!(" by {}", authors.join(" and ")));
        }
        if let Some(lang) = &r.original_language {
            m.text(" in ");
            m.leaf("lang", &[], language_name(lang));
        }
        if let Some(f) = written
            && let Some(v) = f.known()
        {
            m.text(" in ");
            let mut attrs = vec![("when", v)];
            attrs.extend(fact_attrs(f));
            m.leaf("date", &attrs, v);
        } else {
            m.text("; when is not known");
            if let Some(e) = r.written.as_ref().and_then(|f| f.evidence.as_deref()) {
                m.text(&format!(" ({})", e.trim_end_matches('.')));
            }
        }
        if r.original_language.is_some() {
            let translators: Vec<&str> = r
                .contributors
                .iter()
                .filter(|c| c.role == Role::Translator)
                .map(|c| c.name.as_str())
                .collect();
            m.text(&format!(
                "; this text is its translation into {}",
                language_name(&r.language)
            ));
            if !translators.is_empty() {
                m.text(&format!(" by {}", translators.join(" and ")));
            }
        }
        m.text(".");
    });
    x.open("langUsage", &[]);
    for (tag, usage) in languages(edition, ctx.register, keys) {
        let name = language_label(&tag);
        x.leaf("language", &[("ident", &tag)], &format!("{name}{usage}"));
    }
    x.close("langUsage");
    if !r.keywords.is_empty() {
        x.open("textClass", &[]);
        x.open("keywords", &[]);
        for k in &r.keywords {
            x.leaf("term", &[], k);
        }
        x.close("keywords");
        x.close("textClass");
    }
    x.close("profileDesc");
}

/// The languages a document uses: the text's, the original's of a translation, and those of
/// the name forms in the register entries it carries (`keys`); each with what it is used for.
fn languages(edition: &Edition, register: &Register, keys: &[String]) -> Vec<(String, String)> {
    let r = &edition.record;
    let mut out: Vec<(String, String)> = vec![(r.language.clone(), ": the text".to_string())];
    if let Some(o) = &r.original_language
        && *o != r.language
    {
        out.push((
            o.clone(),
            ": the language of the original, of which the text is a translation".to_string(),
        ));
    }
    for tag in form_languages(register, keys) {
        if !out.iter().any(|(t, _)| *t == tag) {
            out.push((tag, ": names in the register entries".to_string()));
        }
    }
    out
}

/// The history of the edition; its status is `published` when the last change is a release,
/// `revised` when the edition changed after a release, and `draft` before any.
fn revision_desc(x: &mut Xml, edition: &Edition) {
    use crate::model::record::ChangeKind;
    let r = &edition.record;
    if r.history.is_empty() {
        return;
    }
    let mut sorted: Vec<&crate::model::record::Change> = r.history.iter().collect();
    sorted.sort_by(|a, b| a.date.cmp(&b.date));
    let released = |c: &&crate::model::record::Change| c.kind == Some(ChangeKind::Released);
    let status = match (
        sorted.last().is_some_and(released),
        sorted.iter().any(released),
    ) {
        (true, _) => "published",
        (false, true) => "revised",
        _ => "draft",
    };
    x.open("revisionDesc", &[("status", status)]);
    for h in sorted.iter().rev() {
        let who = h.by.as_deref().map(|b| format!("#{}", resp_id(b)));
        let mut attrs = vec![("when", h.date.as_str())];
        if let Some(who) = &who {
            attrs.push(("who", who));
        }
        if let Some(k) = h.kind {
            attrs.push(("type", k.label()));
        }
        x.leaf("change", &attrs, &h.change);
    }
    x.close("revisionDesc");
}

fn role_phrase(role: Role) -> &'static str {
    match role {
        Role::Author => "author",
        Role::Translator => "translated by",
        Role::Editor => "edited by",
        Role::Transcriber => "transcribed by",
        Role::Compiler => "compiled by",
        Role::Other => "contributor",
    }
}

/// Attributes for a fact's element: `@cert` unless confirmed.
fn fact_attrs(f: &Fact) -> Vec<(&'static str, &'static str)> {
    cert_attr(f.cert)
        .map(|c| vec![("cert", c)])
        .unwrap_or_default()
}

/// A date element for a fact whose value is an ISO date.
fn date_fact(x: &mut Xml, f: &Fact) {
    if let Some(v) = f.known() {
        let mut attrs = vec![("when", v)];
        attrs.extend(fact_attrs(f));
        x.leaf("date", &attrs, v);
    }
}

/// Notes of evidence for facts that are not plainly confirmed, and statements of what is unknown.
fn evidence_notes(x: &mut Xml, facts: &[(&str, &Fact)]) {
    for (name, f) in facts {
        let label = name.replace('_', " ");
        let text = match (f.cert, &f.evidence) {
            (Cert::Inferred | Cert::Uncertain, Some(e)) => {
                format!(
                    "{label} ({}): {e}",
                    if f.cert == Cert::Inferred {
                        "inferred"
                    } else {
                        "uncertain"
                    }
                )
            }
            (Cert::Inferred | Cert::Uncertain, None) => format!("{label}: not confirmed."),
            (Cert::Unknown | Cert::Todo, e) => {
                format!(
                    "{label}: unknown.{}",
                    e.as_ref().map(|e| format!(" {e}")).unwrap_or_default()
                )
            }
            _ => continue,
        };
        let kind = if matches!(f.cert, Cert::Unknown | Cert::Todo) {
            "unknown"
        } else {
            "evidence"
        };
        x.leaf("note", &[("type", kind)], &text);
    }
}

fn bibl_struct(x: &mut Xml, edition: &Edition, register: &Register) {
    let r = &edition.record;
    let s = &r.source;
    let work_ref = register_ref(register, s.key.as_deref());
    let kind = match s.kind {
        BiblKind::Book => "book",
        BiblKind::Article => "article",
        BiblKind::WebPage => "web-page",
        BiblKind::Manuscript => "manuscript",
        BiblKind::Other | BiblKind::Todo => "other",
    };
    let mut attrs = vec![("type", kind)];
    if let Some(w) = &work_ref {
        attrs.push(("corresp", w));
    }
    x.open("biblStruct", &attrs);
    let title = full_title(&s.title, s.subtitle.as_ref());
    // An article, or a part of a larger work, is an analytic level inside its container.
    let analytic = s.kind == BiblKind::Article
        || s.container_title
            .as_ref()
            .is_some_and(|f| f.known().is_some());
    if analytic {
        x.open("analytic", &[]);
        source_authors(x, r, register);
        if let Some(t) = &title {
            x.leaf("title", &[("level", "a")], t);
        }
        source_translators(x, r, register);
        x.close("analytic");
    }
    x.open("monogr", &[]);
    if analytic {
        container(x, s, register);
    } else {
        source_authors(x, r, register);
        source_translators(x, r, register);
        match &title {
            Some(t) => {
                let mut attrs = vec![("level", "m")];
                attrs.extend(fact_attrs(&s.title));
                x.leaf("title", &attrs, t);
            }
            None => x.leaf("title", &[("level", "m")], "[title not known]"),
        }
    }
    if let Some(o) = &r.original_language
        && *o != r.language
    {
        x.leaf(
            "textLang",
            &[("mainLang", &r.language)],
            &format!(
                "{}, translated from {}",
                language_name(&r.language),
                language_name(o)
            ),
        );
    }
    imprint(x, s);
    for (unit, fact) in [
        ("part", &s.part),
        ("chapter", &s.chapter),
        ("section", &s.section),
        ("page", &s.pages),
    ] {
        bibl_scope(x, unit, fact.as_ref());
    }
    x.close("monogr");
    source_notes(x, r);
    x.close("biblStruct");
}

/// The source's authors, each pointing at their register entry.
fn source_authors(x: &mut Xml, r: &crate::model::Record, register: &Register) {
    for c in r.contributors.iter().filter(|c| c.role == Role::Author) {
        let reference = register_ref(register, c.key.as_deref());
        let mut attrs = vec![];
        if let Some(reference) = &reference {
            attrs.push(("ref", reference.as_str()));
        }
        if let Some(cert) = cert_attr(c.cert) {
            attrs.push(("cert", cert));
        }
        x.leaf("author", &attrs, &c.name);
    }
}

/// The source's translators, as statements of responsibility.
fn source_translators(x: &mut Xml, r: &crate::model::Record, register: &Register) {
    for c in r.contributors.iter().filter(|c| c.role == Role::Translator) {
        let reference = register_ref(register, c.key.as_deref());
        x.open("respStmt", &[]);
        x.leaf("resp", &[], "translated by");
        match &reference {
            Some(reference) => x.leaf("persName", &[("ref", reference)], &c.name),
            None => x.leaf("persName", &[], &c.name),
        }
        x.close("respStmt");
    }
}

/// The work an article or part stands in: its title (a journal's `j`, a book's `m`) and editor.
fn container(x: &mut Xml, s: &Bibl, register: &Register) {
    let level = if s.kind == BiblKind::Article {
        "j"
    } else {
        "m"
    };
    match s
        .container_title
        .as_ref()
        .and_then(|f| f.known().map(|v| (v, f)))
    {
        Some((v, f)) => {
            let mut attrs = vec![("level", level)];
            attrs.extend(fact_attrs(f));
            x.leaf("title", &attrs, v);
        }
        None => x.leaf("title", &[("level", level)], "[container not known]"),
    }
    if let Some((v, f)) = s.editor.as_ref().and_then(|f| f.known().map(|v| (v, f))) {
        let reference = register_ref(register, s.editor_key.as_deref());
        let mut attrs = fact_attrs(f);
        if let Some(reference) = &reference {
            attrs.push(("ref", reference.as_str()));
        }
        x.leaf("editor", &attrs, v);
    }
}

/// Where, by whom and when the source was published, with its volume and issue.
fn imprint(x: &mut Xml, s: &Bibl) {
    x.open("imprint", &[]);
    if let Some((v, f)) = s.place.as_ref().and_then(|f| f.known().map(|v| (v, f))) {
        x.leaf("pubPlace", &fact_attrs(f), v);
    }
    if let Some((v, f)) = s.publisher.as_ref().and_then(|f| f.known().map(|v| (v, f))) {
        x.leaf("publisher", &fact_attrs(f), v);
    }
    for (unit, fact) in [("volume", &s.volume), ("issue", &s.issue)] {
        bibl_scope(x, unit, fact.as_ref());
    }
    match &s.date {
        Some(f) if f.known().is_some() => date_fact(x, f),
        _ => x.leaf("date", &[], "date not known"),
    }
    x.close("imprint");
}

/// A `biblScope` of `unit` when the fact is known.
fn bibl_scope(x: &mut Xml, unit: &str, fact: Option<&Fact>) {
    if let Some((v, f)) = fact.and_then(|f| f.known().map(|v| (v, f))) {
        let mut attrs = vec![("unit", unit)];
        attrs.extend(fact_attrs(f));
        x.leaf("biblScope", &attrs, v);
    }
}

/// The evidence for what is not plainly confirmed about the source and its contributors, and
/// the record's notes on the source.
fn source_notes(x: &mut Xml, r: &crate::model::Record) {
    let s = &r.source;
    let mut facts = s.facts();
    facts.retain(|(_, f)| f.cert != Cert::Confirmed);
    evidence_notes(x, &facts);
    for c in r
        .contributors
        .iter()
        .filter(|c| matches!(c.cert, Cert::Inferred | Cert::Uncertain))
    {
        if let Some(e) = &c.evidence {
            x.leaf(
                "note",
                &[("type", "evidence")],
                &format!("{} ({}): {e}", c.name, c.role.label()),
            );
        }
    }
    for n in &s.notes {
        x.leaf("note", &[], n);
    }
}

fn full_title(title: &Fact, subtitle: Option<&Fact>) -> Option<String> {
    let t = title.known()?;
    Some(match subtitle.and_then(Fact::known) {
        Some(sub) => format!("{t}: {sub}"),
        None => t.to_string(),
    })
}

/// The copy the text was taken from (a web page).
fn web_bibl(x: &mut Xml, t: &Bibl) {
    x.open("bibl", &[("type", "transcription")]);
    if let Some(v) = t.title.known() {
        x.leaf("title", &fact_attrs(&t.title), v);
    }
    for fact in [&t.container_title, &t.publisher].into_iter().flatten() {
        if let Some(v) = fact.known() {
            x.leaf("publisher", &fact_attrs(fact), v);
        }
    }
    if let Some(d) = &t.date {
        date_fact(x, d);
    }
    if let Some(v) = t.url.as_ref().and_then(Fact::known) {
        x.leaf("ref", &[("target", v)], v);
    }
    let mut facts = t.facts();
    facts.retain(|(_, f)| f.cert != Cert::Confirmed);
    evidence_notes(x, &facts);
    for n in &t.notes {
        x.leaf("note", &[], n);
    }
    x.close("bibl");
}

/// The received file: its name, size, checksum, and how and when it came.
fn received_bibl(x: &mut Xml, edition: &Edition) {
    let rec = &edition.record.received;
    x.open("bibl", &[("type", "received-file")]);
    x.leaf("idno", &[("type", "filename")], &rec.file_name);
    x.leaf("idno", &[("type", "sha256")], &rec.sha256);
    let size = rec.size.to_string();
    x.open("extent", &[]);
    x.leaf(
        "measure",
        &[("unit", "byte"), ("quantity", &size)],
        &format!("{size} bytes"),
    );
    x.close("extent");
    if let Some(v) = rec.date.known() {
        let mut attrs = vec![("type", "received"), ("when", v)];
        attrs.extend(fact_attrs(&rec.date));
        x.leaf("date", &attrs, v);
    }
    if let Some(v) = rec.by.known() {
        x.open("respStmt", &[]);
        x.leaf("resp", &[], "received and recorded by");
        x.leaf("name", &fact_attrs(&rec.by), v);
        x.close("respStmt");
    }
    if let Some(v) = rec.route.known() {
        x.leaf("note", &[("type", "route")], v);
    }
    let encoding = rec.encoding.as_deref().unwrap_or("UTF-8");
    x.leaf(
        "note",
        &[("type", "encoding")],
        &format!("Character encoding as received: {encoding}."),
    );
    evidence_notes(x, &[("date received", &rec.date), ("route", &rec.route)]);
    x.close("bibl");
}

fn encoding_desc(x: &mut Xml, edition: &Edition, ctx: &RenderContext) {
    let log = &edition.log;
    x.open("encodingDesc", &[]);
    app_info(
        x,
        Some(&format!(
            "Read the recorded source, applied the passes {}, and wrote this file.",
            log.passes.join(", ")
        )),
    );
    project_desc(x, ctx);
    sampling_decl(x, edition);
    x.open("editorialDecl", &[]);
    correction(x, edition);
    normalization(x, edition);
    x.open("quotation", &[("marks", "all")]);
    x.leaf(
        "p",
        &[],
        "Quotation marks are kept as characters of the text; quotations are not marked up.",
    );
    x.close("quotation");
    interpretation(x, edition);
    segmentation(x, edition);
    let anchors = &log.note_anchors;
    if let (Some(first), Some(last)) = (anchors.first(), anchors.last()) {
        x.leaf(
            "p",
            &[("xml:id", "note-anchors")],
            &format!(
                "The original's notes ({} references, numbered {first}–{last}) are encoded where their marks stand, as note type=\"authorial\" place=\"foot\" with the mark as printed in @n and, as content, gap reason=\"notTransmitted\": the text of the notes is not part of the source.",
                anchors.len()
            ),
        );
    }
    x.close("editorialDecl");
    x.empty(TAGS_DECL, &[]);
    x.close("encodingDesc");
}

/// How the source's slips were corrected and where the editors' notes stand.
fn correction(x: &mut Xml, edition: &Edition) {
    let r = &edition.record;
    let log = &edition.log;
    x.open("correction", &[]);
    let applied: Vec<String> = log
        .corrections_applied
        .iter()
        .filter(|(_, n)| *n > 0)
        .filter_map(|(i, n)| {
            r.corrections
                .get(*i)
                .map(|c| format!("“{}” → “{}” ({n}×; {})", c.sic, c.corr, c.reason))
        })
        .collect();
    let text = if applied.is_empty() {
        "No corrections. Likely slips are reported to the editor, never corrected silently."
            .to_string()
    } else {
        format!(
            "Corrections recorded by the editor are encoded as choice/sic/corr, with the source's reading in sic: {}. Other likely slips are reported to the editor, never corrected silently.",
            applied.join("; ")
        )
    };
    x.leaf("p", &[], &text);
    if log.notes_placed > 0 {
        x.leaf(
            "p",
            &[],
            &format!(
                "{} editorial note{} by the editors, encoded as note type=\"editorial\" place=\"foot\" with @resp, lettered in @n (a, b, …) so as not to be taken for the original's numbered notes, after the words they comment on; they are not part of the source text.",
                log.notes_placed,
                if log.notes_placed == 1 { "" } else { "s" }
            ),
        );
    }
    x.close("correction");
}

/// What was normalised on reading the source, and what was kept as it stands.
fn normalization(x: &mut Xml, edition: &Edition) {
    let log = &edition.log;
    x.open("normalization", &[]);
    let mut parts = vec!["The source was decoded and composed to Unicode NFC".to_string()];
    if log.nfc_changes > 0 {
        parts.push(format!("({} characters changed)", log.nfc_changes));
    }
    if log.line_endings_normalized > 0 {
        parts.push(format!(
            "; {} line endings were rewritten as LF",
            log.line_endings_normalized
        ));
    }
    if log.bom_removed {
        parts.push("; a byte-order mark was removed".into());
    }
    parts.push(". Typographic quotation marks, apostrophes, dashes and ellipses are kept as they stand; spelling is not normalized. The source's bytes are kept unchanged beside this file, with the SHA-256 given in sourceDesc.".into());
    x.leaf(
        "p",
        &[],
        &parts.join(" ").replace(" ;", ";").replace(" .", "."),
    );
    x.close("normalization");
}

/// How the source is divided into paragraphs, and what each block that is not one is.
fn segmentation(x: &mut Xml, edition: &Edition) {
    let log = &edition.log;
    x.open("segmentation", &[]);
    let convention = match log.paragraphs {
        "blank-lines" => {
            "Paragraphs are separated by blank lines in the source; a single line break inside a paragraph is encoded as lb."
        }
        _ => "Each line of the source is one paragraph.",
    };
    x.leaf("p", &[], convention);
    for b in &edition.blocks {
        let why = match &b.decided {
            crate::model::edition::Decided::Auto(why) => format!("read automatically: {why}"),
            crate::model::edition::Decided::Record(Some(why)) => {
                format!("the editor's decision: {why}")
            }
            crate::model::edition::Decided::Record(None) => "the editor's decision".to_string(),
        };
        if b.kind != BlockKind::Paragraph {
            x.leaf(
                "p",
                &[],
                &format!("Block {} is {} ({why}).", b.n, kind_phrase(b.kind)),
            );
        }
    }
    x.close("segmentation");
}

/// What the archive is for and how its editions are made.
fn project_desc(x: &mut Xml, ctx: &RenderContext) {
    let archive = &ctx.config.archive;
    x.open("projectDesc", &[]);
    let text = archive.description.clone().unwrap_or_else(|| {
        format!(
            "{} is kept by {}. Each source text is recorded exactly as received, with its provenance and SHA-256, and encoded in TEI P5 by editio; the text of this file reproduces the source, and everything the editors add is marked as theirs.",
            archive.name, archive.organisation
        )
    });
    x.leaf("p", &[], &text);
    x.close("projectDesc");
}

/// How much of the work the text is: the whole, or an excerpt; and what was left out.
fn sampling_decl(x: &mut Xml, edition: &Edition) {
    let r = &edition.record;
    let log = &edition.log;
    x.open("samplingDecl", &[]);
    let omitted: Vec<String> = edition
        .region(Region::Omitted)
        .map(|b| format!("block {} (“{}”)", b.n, b.source_text()))
        .collect();
    if !omitted.is_empty() {
        x.leaf(
            "p",
            &[],
            &format!(
                "Left out of the text and kept only in gap/desc: {}.",
                omitted.join(", ")
            ),
        );
    }
    let e = &log.excerpt;
    if e.begins_midway || e.ends_midway {
        let mut s = String::from("The text is an excerpt: ");
        s.push_str(
            match (e.begins_midway, e.ends_midway, e.ends_mid_sentence) {
                (true, true, true) => {
                    "it begins part-way through the work and breaks off in mid-sentence."
                }
                (true, true, false) => "it begins and ends part-way through the work.",
                (true, false, _) => "it begins part-way through the work.",
                (false, _, true) => "it breaks off in mid-sentence.",
                (false, _, false) => "it ends part-way through the work.",
            },
        );
        if let Some(note) = &r.text.excerpt_note {
            s.push(' ');
            s.push_str(note);
        }
        s.push_str(" Each boundary is marked with gap reason=\"excerpt\".");
        x.leaf("p", &[], &s);
    } else {
        x.leaf(
            "p",
            &[],
            "The text is the whole of the work as the source gives it; nothing was sampled.",
        );
    }
    x.close("samplingDecl");
}

/// How names were marked, with the counts and the editor's decisions.
fn interpretation(x: &mut Xml, edition: &Edition) {
    let names = edition.names();
    if names.is_empty() && edition.record.names.is_empty() && edition.log.dates_marked == 0 {
        return;
    }
    let count = |k: NameKind| names.iter().filter(|n| n.kind == k).count();
    let mut keys: Vec<&str> = names.iter().filter_map(|n| n.key.as_deref()).collect();
    keys.sort_unstable();
    keys.dedup();
    let inferred = names.iter().filter(|n| n.cert.is_some()).count();
    x.open("interpretation", &[]);
    x.leaf(
        "p",
        &[],
        &format!(
            "Names are marked and linked to the archive's register with @ref: {} mentions of persons, {} of places, {} of organisations, {} of works cited by title and {} of events and treaties ({} in all, of {} entries, which are given in standOff). Forms are found in one scan on word boundaries, including renderings of Russian names in other transliterations; titles, epithets, adjectives and words built on names are not marked. The name of an event (eventName) holds the names inside it. A form shared by several entries takes the entry with the nearest unambiguous mention in this edition, with @cert=\"medium\". {}",
            count(NameKind::Person),
            count(NameKind::Place),
            count(NameKind::Org),
            count(NameKind::Work),
            count(NameKind::Event),
            names.len(),
            keys.len(),
            match inferred {
                0 => "Every link is certain.".to_string(),
                1 => "One link is less than certain, and says so in @cert.".to_string(),
                n => format!("{n} links are less than certain, and say so in @cert."),
            },
        ),
    );
    for o in &edition.record.names {
        let what = match (&o.key, o.unlink) {
            (_, true) => "not marked".to_string(),
            (Some(k), _) => format!("linked to #{k}"),
            (None, false) => "left as found".to_string(),
        };
        let which = o
            .occurrence
            .map(|n| format!(" (occurrence {n})"))
            .unwrap_or_default();
        x.leaf(
            "p",
            &[],
            &format!(
                "The editor's decision: “{}”{which} is {what}: {}.",
                o.form,
                o.reason.trim_end_matches('.')
            ),
        );
    }
    let log = &edition.log;
    if log.dates_marked > 0 {
        x.leaf(
            "p",
            &[],
            &format!(
                "Dates in the text are marked as date with their normalised form (ISO 8601): @when for a day, month or year, @from and @to for a stated span, @notBefore and @notAfter for a season: {} in all. Where the text gives a day and month only, the year is supplied from the nearest dated mention and the date carries @cert=\"medium\" ({} here). Numbers that are not dates (note marks, counts, issue numbers, decades) are not marked.",
                log.dates_marked,
                match log.dates_year_supplied {
                    0 => "none".to_string(),
                    1 => "one".to_string(),
                    n => n.to_string(),
                }
            ),
        );
    }
    x.close("interpretation");
}

/// `<appInfo>` naming this program and its version, and what it did.
fn app_info(x: &mut Xml, what: Option<&str>) {
    x.open("appInfo", &[]);
    x.open(
        "application",
        &[("ident", "editio"), ("version", env!("CARGO_PKG_VERSION"))],
    );
    x.leaf("label", &[], "editio");
    if let Some(what) = what {
        x.leaf("desc", &[], what);
    }
    x.close("application");
    x.close("appInfo");
}

fn kind_phrase(kind: BlockKind) -> &'static str {
    match kind {
        BlockKind::Paragraph => "a paragraph",
        BlockKind::Heading => "a heading",
        BlockKind::Title => "a title line (front matter)",
        BlockKind::Headnote => {
            "an editorial headnote by the publisher of the transcription (front matter)"
        }
        BlockKind::Credit => "a credit line (back matter)",
        BlockKind::SourceNote => "a note about the source (back matter)",
        BlockKind::Link => "a link to another copy (back matter)",
        BlockKind::Omit => "not part of the text and left out",
    }
}

/// How a TEI element is written for names, titles and notes: the edition, and the register
/// its names point at (for the level of a cited work's title).
struct Inl<'a> {
    edition: &'a Edition,
    register: &'a Register,
    /// Each editorial note's place among the editorial notes of the text, by its index in the
    /// record: notes are lettered in the order a reader meets them.
    note_order: std::collections::HashMap<usize, usize>,
}

/// The record's editorial notes in the order they stand in the text.
fn note_order(edition: &Edition) -> std::collections::HashMap<usize, usize> {
    fn walk(items: &[Inline], out: &mut std::collections::HashMap<usize, usize>) {
        for item in items {
            match item {
                Inline::EditorialNote(i) => {
                    let next = out.len();
                    out.entry(*i).or_insert(next);
                }
                Inline::Name { content, .. } => walk(content, out),
                _ => {}
            }
        }
    }
    let mut out = std::collections::HashMap::new();
    for b in &edition.blocks {
        walk(&b.inlines, &mut out);
    }
    out
}

fn text(x: &mut Xml, edition: &Edition, register: &Register) {
    let c = Inl {
        edition,
        register,
        note_order: note_order(edition),
    };
    x.open("text", &[]);
    front_matter(x, &c);
    body(x, &c);
    back_matter(x, &c);
    x.close("text");
}

/// The transcription's title lines and headnote, before the text.
fn front_matter(x: &mut Xml, c: &Inl<'_>) {
    let edition = c.edition;
    let front: Vec<&Block> = edition
        .blocks
        .iter()
        .filter(|b| b.region() == Region::Front)
        .collect();
    if !front.is_empty() {
        x.open("front", &[]);
        for b in front {
            match b.kind {
                BlockKind::Title => {
                    x.open("titlePage", &[("n", &b.n.to_string())]);
                    x.open("docTitle", &[]);
                    x.mixed("titlePart", &[], |m| inlines(m, c, &b.inlines));
                    x.close("docTitle");
                    x.close("titlePage");
                }
                _ => div_with_p(x, c, b, "headnote"),
            }
        }
        x.close("front");
    }
}

/// The text itself: its paragraphs, and a division for each heading.
fn body(x: &mut Xml, c: &Inl<'_>) {
    let edition = c.edition;
    // Paragraphs before the first heading stand in the body itself: they have no title, and
    // a division without a head would show as an empty numbered heading. Each heading opens a
    // division of its own.
    x.open("body", &[]);
    let mut in_div = false;
    let mut any = false;
    let mut last_kind = None;
    for b in &edition.blocks {
        match b.region() {
            Region::Body => {
                if b.kind == BlockKind::Heading {
                    if in_div {
                        x.close("div");
                    }
                    x.open("div", &[("type", "section")]);
                    in_div = true;
                    x.mixed("head", &[("n", &b.n.to_string())], |m| {
                        inlines(m, c, &b.inlines)
                    });
                } else {
                    // Where the excerpt begins, the gap stands before the paragraph it cuts
                    // into, so that readers show it apart from the paragraph's first word.
                    let inl = match b.inlines.split_first() {
                        Some((Inline::Gap(r @ GapReason::ExcerptBegins), rest)) => {
                            gap(x, *r);
                            rest
                        }
                        _ => &b.inlines[..],
                    };
                    x.mixed("p", &[("n", &b.n.to_string())], |m| inlines(m, c, inl));
                }
                any = true;
                last_kind = Some(b.kind);
            }
            // An omission among the paragraphs stays where it is; one after them goes to back.
            Region::Omitted
                if edition
                    .blocks
                    .iter()
                    .any(|o| o.region() == Region::Body && o.n > b.n) =>
            {
                omitted(x, b)
            }
            _ => {}
        }
    }
    if edition.log.excerpt.ends_midway && last_kind == Some(BlockKind::Heading) {
        gap(x, GapReason::ExcerptEnds);
    }
    if in_div {
        x.close("div");
    } else if !any {
        x.empty("gap", &[("reason", "no-text")]);
    }
    x.close("body");
}

/// Credits, notes on the source and links after the text, and every omission that no
/// paragraph follows.
fn back_matter(x: &mut Xml, c: &Inl<'_>) {
    let edition = c.edition;
    let body_after = |b: &Block| {
        edition
            .blocks
            .iter()
            .any(|o| o.region() == Region::Body && o.n > b.n)
    };
    let back: Vec<&Block> = edition
        .blocks
        .iter()
        .filter(|b| b.region() == Region::Back || (b.region() == Region::Omitted && !body_after(b)))
        .collect();
    if !back.is_empty() {
        x.open("back", &[]);
        for b in back {
            match b.kind {
                BlockKind::Credit => div_with_p(x, c, b, "credit"),
                BlockKind::SourceNote => div_with_p(x, c, b, "source-note"),
                BlockKind::Link => div_with_p(x, c, b, "links"),
                _ => omitted(x, b),
            }
        }
        x.close("back");
    }
}

/// The head supplied by the editors for a division of front or back matter, which has none
/// in the source (`type="supplied"`: not source text).
fn supplied_head(kind: &str) -> &'static str {
    match kind {
        "headnote" => "Headnote of the transcription",
        "credit" => "Credit",
        "source-note" => "About the source",
        "links" => "Other copies",
        _ => "Matter outside the text",
    }
}

fn div_with_p(x: &mut Xml, c: &Inl<'_>, b: &Block, kind: &str) {
    x.open("div", &[("type", kind)]);
    x.leaf("head", &[("type", "supplied")], supplied_head(kind));
    x.mixed("p", &[("n", &b.n.to_string())], |m| {
        inlines(m, c, &b.inlines)
    });
    x.close("div");
}

/// A block left out: its text is kept in the gap's description.
fn omitted(x: &mut Xml, b: &Block) {
    x.open("gap", &[("reason", "omitted"), ("n", &b.n.to_string())]);
    x.leaf("desc", &[("type", "omitted-text")], &b.source_text());
    x.close("gap");
}

fn gap(x: &mut Xml, reason: GapReason) {
    x.open("gap", &[("reason", "excerpt"), ("extent", "unknown")]);
    x.leaf("desc", &[], gap_desc(reason));
    x.close("gap");
}

fn gap_desc(reason: GapReason) -> &'static str {
    match reason {
        GapReason::ExcerptBegins => {
            "The excerpt begins here, part-way through the work; what precedes it is not in the source."
        }
        GapReason::ExcerptEnds => {
            "The excerpt ends here, part-way through the work; what follows is not in the source."
        }
    }
}

fn inlines(m: &mut Mixed<'_>, c: &Inl<'_>, items: &[Inline]) {
    const OPEN: &[char] = &['‘', '“', '"', '\'', '«'];
    const CLOSE: &[char] = &['’', '”', '"', '\'', '»'];
    for (i, item) in items.iter().enumerate() {
        // A title the source already sets between quotation marks (`‘Proofs, Comrade
        // Executioner!’`).
        let quoted = matches!(i.checked_sub(1).and_then(|p| items.get(p)), Some(Inline::Text(t)) if t.ends_with(OPEN))
            && matches!(items.get(i + 1), Some(Inline::Text(t)) if t.starts_with(CLOSE));
        inline(m, c, item, quoted);
    }
}

/// The `@n` of the editorial note with this index in the record: a letter (a, b, … z, aa, …),
/// so that it cannot be taken for one of the original's note numbers.
pub fn editorial_note_n(i: usize) -> String {
    let mut n = i + 1;
    let mut out = Vec::new();
    while n > 0 {
        n -= 1;
        out.push(b'a' + (n % 26) as u8);
        n /= 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The bibliographic level of a cited work's title from the register entry's kind: `a` for
/// an article or essay, `j` for a journal or newspaper, `m` for a book.
pub fn title_level(kind: Option<&str>) -> Option<&'static str> {
    match kind? {
        "article" | "essay" | "chapter" | "poem" | "story" => Some("a"),
        "journal" | "newspaper" | "magazine" | "periodical" => Some("j"),
        "book" | "monograph" | "pamphlet" | "collection" => Some("m"),
        "series" => Some("s"),
        _ => None,
    }
}

/// One inline; `quoted`: it stands between the source's own quotation marks.
fn inline(m: &mut Mixed<'_>, c: &Inl<'_>, item: &Inline, quoted: bool) {
    match item {
        Inline::Text(t) => m.text(t),
        Inline::LineBreak => m.empty("lb", &[]),
        Inline::Url(u) => m.leaf("ref", &[("target", u)], u),
        // The original's note: its mark stands in @n exactly as printed, its text is not
        // in the source.
        Inline::NoteAnchor { text, .. } => {
            m.open(
                "note",
                &[("type", "authorial"), ("place", "foot"), ("n", text)],
            );
            m.empty("gap", &[("reason", "notTransmitted")]);
            m.close("note");
        }
        Inline::Choice {
            sic,
            corr,
            correction,
        } => choice(m, c, sic, corr, *correction),
        Inline::EditorialNote(i) => editorial_note(m, c, *i),
        Inline::Name {
            kind,
            key,
            cert,
            content,
        } => name(m, c, *kind, key.as_deref(), *cert, content, quoted),
        Inline::Date {
            text,
            value,
            year_supplied,
        } => {
            use crate::model::DateValue;
            let attrs: Vec<(&str, &str)> = match value {
                DateValue::When(w) => vec![("when", w)],
                DateValue::Range(a, b) => vec![("from", a), ("to", b)],
                DateValue::Between(a, b) => vec![("notBefore", a), ("notAfter", b)],
            };
            let mut attrs = attrs;
            if *year_supplied {
                attrs.push(("cert", "medium"));
            }
            m.leaf("date", &attrs, text);
        }
        Inline::Gap(reason) => {
            m.open("gap", &[("reason", "excerpt"), ("extent", "unknown")]);
            m.leaf("desc", &[], gap_desc(*reason));
            m.close("gap");
        }
    }
}

/// A slip of the source and the editors' correction of it.
fn choice(m: &mut Mixed<'_>, c: &Inl<'_>, sic: &str, corr: &str, correction: usize) {
    let c = c.edition.record.corrections.get(correction);
    let resp = c.map(|c| format!("#{}", resp_id(&c.by)));
    let mut attrs: Vec<(&str, &str)> = Vec::new();
    if let Some(resp) = &resp {
        attrs.push(("resp", resp));
    }
    if let Some(cert) = c.map(|c| c.cert.tei()) {
        attrs.push(("cert", cert));
    }
    m.open("choice", &[]);
    m.leaf("sic", &[], sic);
    m.leaf("corr", &attrs, corr);
    m.close("choice");
}

/// An editorial note, lettered in the order the notes stand in the text.
fn editorial_note(m: &mut Mixed<'_>, c: &Inl<'_>, i: usize) {
    let r = &c.edition.record;
    if let Some(n) = r.notes.get(i) {
        let resp = format!("#{}", resp_id(&n.by));
        let mark = editorial_note_n(c.note_order.get(&i).copied().unwrap_or(i));
        let id = format!("note-{mark}");
        m.leaf(
            "note",
            &[
                ("type", "editorial"),
                ("place", "foot"),
                ("n", &mark),
                ("xml:id", &id),
                ("resp", &resp),
            ],
            &n.text,
        );
    }
}

/// A name in the text, pointing at its register entry, with its language where it is not the
/// text's.
fn name(
    m: &mut Mixed<'_>,
    c: &Inl<'_>,
    kind: NameKind,
    key: Option<&str>,
    cert: Option<Cert>,
    content: &[Inline],
    quoted: bool,
) {
    let r = &c.edition.record;
    let el = match kind {
        NameKind::Person => "persName",
        NameKind::Place => "placeName",
        NameKind::Org => "orgName",
        NameKind::Work => "title",
        NameKind::Event => "eventName",
    };
    let reference = key.as_ref().map(|k| format!("#{k}"));
    let mut attrs: Vec<(&str, &str)> = Vec::new();
    if kind == NameKind::Work
        && let Some(level) = key
            .and_then(|k| c.register.get(k))
            .and_then(|n| title_level(n.entry.kind.as_deref()))
    {
        attrs.push(("level", level));
        // An article's title is quoted by readers' stylesheets; where the source's
        // own quotation marks stand around it, it is rendered plain, so that the
        // marks are not doubled.
        if level == "a" && quoted {
            attrs.push(("rend", "plain"));
        }
    }
    if let Some(reference) = &reference {
        attrs.push(("ref", reference));
    }
    if let Some(c) = cert.and_then(cert_attr) {
        attrs.push(("cert", c));
    }
    // A form in another language than the text's (Serge's French renderings).
    let mut words = String::new();
    content.iter().for_each(|i| i.push_source_text(&mut words));
    let lang = key
        .and_then(|k| c.register.get(k))
        .and_then(|n| n.entry.form_language(&words))
        .filter(|l| *l != r.language);
    if let Some(l) = lang {
        attrs.push(("xml:lang", l));
    }
    m.open(el, &attrs);
    inlines(m, c, content);
    m.close(el);
}

/// The register entries one edition refers to, as a TEI document of its own (the register
/// excerpt in a release).
pub fn render_register_excerpt(
    edition: &Edition,
    register: &Register,
    config: &crate::model::Config,
) -> Vec<u8> {
    render_register_entries(&referenced_keys(edition, register), register, config)
}

/// The register entries with these keys (sorted, as [`referenced_keys`] gives them), as the
/// TEI document of [`render_register_excerpt`]: what a release needs of an edition whose
/// model is no longer held.
pub fn render_register_entries(
    keys: &[String],
    register: &Register,
    config: &crate::model::Config,
) -> Vec<u8> {
    // Each key looked up by hash: a scan of the whole register for every edition released
    // took a third of a release's CPU at 1,000 editions. `from_entries` puts them in key order.
    let mut excerpt = Register::from_entries(
        keys.iter()
            .filter_map(|k| register.get(k))
            .cloned()
            .collect(),
    );
    excerpt.history = register.history.clone();
    render_register(&excerpt, config)
}

/// The whole register as one TEI document (`export/tei/register.xml`).
pub fn render_register(register: &Register, config: &crate::model::Config) -> Vec<u8> {
    let mut x = Xml::noting_types();
    x.decl();
    x.pi(&format!(
        "xml-model href=\"{TEI_ALL}\" type=\"application/xml\" schematypens=\"http://relaxng.org/ns/structure/1.0\""
    ));
    x.open(
        "TEI",
        &[
            ("xmlns", TEI_NS),
            ("xml:id", "register"),
            ("xml:lang", "en"),
            ("type", "register"),
        ],
    );
    let keys: Vec<String> = register
        .entries()
        .iter()
        .map(|n| n.entry.key.clone())
        .collect();
    register_header(&mut x, register, config, &keys);
    x.open("text", &[]);
    x.open("body", &[]);
    register_lists(&mut x, register, &keys);
    x.close("body");
    x.close("text");
    x.close("TEI");
    declare_types(x.finish_with_types())
}

/// The register document's header: who compiled it and when, its licence, how entries are
/// established, the languages of its names, the types it uses, and its history.
fn register_header(
    x: &mut Xml,
    register: &Register,
    config: &crate::model::Config,
    keys: &[String],
) {
    let archive = &config.archive;
    let mut by: Vec<&str> = register
        .history
        .iter()
        .filter_map(|h| h.by.as_deref())
        .collect();
    by.dedup();
    if by.is_empty() {
        by.push(&archive.contact.name);
    }
    let mut unique: Vec<&str> = Vec::new();
    for b in by {
        if !unique.contains(&b) {
            unique.push(b);
        }
    }
    x.open("teiHeader", &[]);
    register_file_desc(x, register, config, &unique);
    x.open("encodingDesc", &[]);
    app_info(x, None);
    x.open("editorialDecl", &[]);
    x.open("interpretation", &[]);
    x.leaf(
        "p",
        &[],
        "Each entry has a stable xml:id, its preferred name, the name as sorted in an index, the name in its original language and script, and every form that may stand in a text, each with its xml:lang when it is not English. Pseudonyms and names at birth are typed as such. Dates are given only where established, in the Gregorian calendar; authority identifiers (Wikidata concept URIs, VIAF, GeoNames) only where certain, and the evidence note says how each was confirmed. Where the language of an original form is not known, only its script is given (und-Cyrl, for example).",
    );
    x.close("interpretation");
    x.close("editorialDecl");
    x.empty(TAGS_DECL, &[]);
    x.close("encodingDesc");
    x.open("profileDesc", &[]);
    x.open("langUsage", &[]);
    x.leaf(
        "language",
        &[("ident", "en")],
        "English: descriptions, notes and preferred names",
    );
    for tag in form_languages(register, keys) {
        if tag != "en" {
            x.leaf(
                "language",
                &[("ident", &tag)],
                &format!("{}: names", language_label(&tag)),
            );
        }
    }
    x.close("langUsage");
    x.close("profileDesc");
    register_revision_desc(x, register);
    x.close("teiHeader");
}

/// The register's title, who compiled it, its publication and licence, and what it holds.
fn register_file_desc(
    x: &mut Xml,
    register: &Register,
    config: &crate::model::Config,
    compilers: &[&str],
) {
    let archive = &config.archive;
    let date = register.history.iter().map(|h| h.date.as_str()).max();
    x.open("fileDesc", &[]);
    x.open("titleStmt", &[]);
    x.leaf(
        "title",
        &[("type", "main")],
        &format!("Register of names: {}", archive.name),
    );
    for b in compilers {
        x.open("respStmt", &[("xml:id", &resp_id(b))]);
        x.leaf("resp", &[], "compiled and maintains the register");
        x.leaf("name", &[], b);
        x.close("respStmt");
    }
    x.close("titleStmt");
    let counts: Vec<String> = [
        (NameKind::Person, "persons"),
        (NameKind::Place, "places"),
        (NameKind::Org, "organisations"),
        (NameKind::Work, "works"),
        (NameKind::Event, "events"),
    ]
    .iter()
    .map(|(k, w)| format!("{} {w}", register.of_kind(*k).count()))
    .collect();
    x.open("publicationStmt", &[]);
    x.leaf("publisher", &[], &archive.name);
    x.leaf("distributor", &[], &archive.organisation);
    if let Some(d) = date {
        x.leaf("date", &[("when", d)], d);
    }
    x.leaf(
        "idno",
        &[("type", "URI")],
        &format!("{}register", archive.base_uri),
    );
    x.open("availability", &[("status", "free")]);
    x.mixed(
        "licence",
        &[("target", &licence_url(&archive.licence))],
        |m| {
            m.text(&format!(
                "The register (entries, descriptions and notes) is licensed under {}.",
                archive.licence
            ))
        },
    );
    x.close("availability");
    x.close("publicationStmt");
    x.open("sourceDesc", &[]);
    x.leaf(
        "p",
        &[],
        &format!(
            "Compiled by the editors of the archive for its editions; it holds {}. Authority identifiers are given only where certain; each entry's evidence note says how it was established.",
            counts.join(", ")
        ),
    );
    x.close("sourceDesc");
    x.close("fileDesc");
}

/// The register's history, newest first; `published` when its last change was a release.
fn register_revision_desc(x: &mut Xml, register: &Register) {
    use crate::model::record::ChangeKind;
    if !register.history.is_empty() {
        let last_released = register
            .history
            .last()
            .is_some_and(|h| h.kind == Some(ChangeKind::Released));
        let status = if last_released {
            "published"
        } else {
            "revised"
        };
        x.open("revisionDesc", &[("status", status)]);
        for h in register.history.iter().rev() {
            let who = h.by.as_deref().map(|b| format!("#{}", resp_id(b)));
            let mut attrs = vec![("when", h.date.as_str())];
            if let Some(who) = &who {
                attrs.push(("who", who));
            }
            if let Some(k) = h.kind {
                attrs.push(("type", k.label()));
            }
            x.leaf("change", &attrs, &h.change);
        }
        x.close("revisionDesc");
    }
}

/// The name of a language for `langUsage`, with its script where the tag gives one.
pub fn language_label(tag: &str) -> String {
    let name = language_name(tag);
    let script = tag.split('-').skip(1).find(|s| s.len() == 4);
    let script_name = script.map(|s| match s {
        "Hans" => "simplified Chinese characters",
        "Hant" => "traditional Chinese characters",
        "Cyrl" => "Cyrillic script",
        "Latn" => "Latin script",
        "Grek" => "Greek script",
        "Hebr" => "Hebrew script",
        "Arab" => "Arabic script",
        "Geor" => "Georgian script",
        "Armn" => "Armenian script",
        "Hani" => "Chinese characters",
        _ => "another script",
    });
    let name = if tag.starts_with("und") {
        "An undetermined language"
    } else {
        name
    };
    match script_name {
        Some(s) => format!("{name}, in {s}"),
        None => name.to_string(),
    }
}
