//! The TEI P5 renderer: the deposit-grade XML of one edition, with a full `teiHeader` built
//! from the provenance record and a `<text>` built from the shaped model. Output is
//! pretty-printed with stable indentation and deterministic: the same edition always gives
//! the same bytes.

use super::xml::{Mixed, Xml};
use super::{RenderContext, language_name, licence_url, slug};
use crate::model::edition::{GapReason, NameKind, Region};
use crate::model::record::{Bibl, BiblKind, BlockKind, Cert, ContributorKind, Fact, Role};
use crate::model::register::{Named, Register};
use crate::model::{Block, Edition, Inline};

/// The TEI namespace.
pub const TEI_NS: &str = "http://www.tei-c.org/ns/1.0";

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
        if ctx.register.entries.is_empty() {
            return Vec::new();
        }
        let bytes = render_register(ctx.register, ctx.config);
        vec![super::Output::new(DIR, "register.xml", bytes)]
    }
}

/// Renders an edition as TEI.
pub fn render(edition: &Edition, ctx: &RenderContext) -> Vec<u8> {
    let mut x = Xml::new();
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
    header(&mut x, edition, ctx);
    let keys = referenced_keys(edition, ctx.register);
    if !keys.is_empty() {
        x.open("standOff", &[]);
        register_lists(&mut x, ctx.register, &keys);
        x.close("standOff");
    }
    text(&mut x, edition, ctx.register);
    x.close("TEI");
    x.finish()
}

/// The register keys an edition refers to, sorted.
fn referenced_keys(edition: &Edition, register: &Register) -> Vec<String> {
    let mut keys: Vec<&str> = edition.name_keys().collect();
    keys.extend(
        edition
            .record
            .contributors
            .iter()
            .filter_map(|c| c.key.as_deref()),
    );
    keys.sort_unstable();
    keys.dedup();
    // A work's author is pointed at from its entry, so the author's entry comes too.
    let authors: Vec<&str> = keys
        .iter()
        .filter_map(|k| register.get(k)?.entry.author.as_deref())
        .collect();
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
    ];
    for (kind, list, item, name_el) in lists {
        let entries: Vec<&Named> = named.iter().copied().filter(|n| n.kind == kind).collect();
        if entries.is_empty() {
            continue;
        }
        x.open(list, &[]);
        for n in entries {
            let e = &n.entry;
            let mut attrs = vec![("xml:id", e.key.as_str())];
            if let Some(c) = e.cert.as_deref().filter(|c| *c != "high") {
                attrs.push(("cert", c));
            }
            x.open(item, &attrs);
            x.leaf(name_el, &[("type", "preferred")], &e.name);
            if let Some(sort) = &e.sort {
                x.leaf(name_el, &[("type", "sort")], sort);
            }
            if let Some(original) = &e.original {
                x.leaf(name_el, &[("type", "original")], original);
            }
            for form in e.forms.iter().filter(|f| **f != e.name) {
                x.leaf(name_el, &[("type", "variant")], form);
            }
            if kind == NameKind::Person {
                if let Some(b) = &e.born {
                    x.empty("birth", &[("when", b)]);
                }
                if let Some(d) = &e.died {
                    x.empty("death", &[("when", d)]);
                }
            }
            if kind == NameKind::Org {
                if let Some(f) = &e.founded {
                    x.open("event", &[("type", "founded"), ("when", f)]);
                    x.leaf("p", &[], &format!("Founded {f}."));
                    x.close("event");
                }
                if let Some(d) = &e.dissolved {
                    x.open("event", &[("type", "dissolved"), ("when", d)]);
                    x.leaf("p", &[], &format!("Dissolved {d}."));
                    x.close("event");
                }
            }
            for (kind, uri) in e.authority_uris() {
                x.leaf("idno", &[("type", kind)], &uri);
            }
            if kind == NameKind::Place
                && let Some(k) = &e.kind
            {
                x.leaf("note", &[("type", "kind")], k);
            }
            x.leaf("note", &[("type", "description")], &e.description);
            if let Some(note) = &e.note {
                x.leaf("note", &[("type", "evidence")], note);
            }
            x.close(item);
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
            let e = &n.entry;
            x.open("bibl", &[("xml:id", e.key.as_str())]);
            match title_level(e.kind.as_deref()) {
                Some(level) => x.leaf("title", &[("level", level)], &e.name),
                None => x.leaf("title", &[], &e.name),
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
            for (kind, uri) in e.authority_uris() {
                x.leaf("idno", &[("type", kind)], &uri);
            }
            x.leaf("note", &[("type", "description")], &e.description);
            if let Some(note) = &e.note {
                x.leaf("note", &[("type", "evidence")], note);
            }
            x.close("bibl");
        }
        x.close("listBibl");
    }
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

fn header(x: &mut Xml, edition: &Edition, ctx: &RenderContext) {
    let r = &edition.record;
    let archive = &ctx.config.archive;
    x.open("teiHeader", &[]);
    x.open("fileDesc", &[]);

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
    for c in r.contributors.iter().filter(|c| c.role == Role::Author) {
        let cert = cert_attr(c.cert);
        let mut attrs = vec![];
        if let Some(cert) = cert {
            attrs.push(("cert", cert));
        }
        x.leaf("author", &attrs, &c.name);
    }
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
        let mut attrs = vec![];
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
    x.leaf("idno", &[("type", "sha256")], &r.received.sha256);
    let status = if r.rights.source.cert == Cert::Unknown {
        "unknown"
    } else {
        "restricted"
    };
    x.open("availability", &[("status", status)]);
    let licence = r
        .rights
        .encoding_licence
        .as_deref()
        .unwrap_or(&archive.licence);
    x.mixed("licence", &[("target", &licence_url(licence))], |m| {
        m.text(&format!(
            "The encoding (markup, header and editorial notes): {licence}."
        ));
    });
    x.mixed("p", &[], |m| {
        m.text("The source text: ");
        match r.rights.source.known() {
            Some(v) => m.text(v),
            None => m.text("rights not established."),
        }
        if let Some(e) = &r.rights.source.evidence {
            m.text(&format!(" ({e})"));
        }
    });
    if let Some(l) = r.rights.source_licence.as_ref().and_then(Fact::known) {
        x.leaf("p", &[], &format!("Licence of the source text: {l}."));
    }
    x.close("availability");
    x.close("publicationStmt");

    x.open("sourceDesc", &[]);
    bibl_struct(x, edition);
    if let Some(t) = &r.transcription {
        web_bibl(x, t);
    }
    received_bibl(x, edition);
    x.close("sourceDesc");
    x.close("fileDesc");

    encoding_desc(x, edition);

    x.open("profileDesc", &[]);
    x.open("langUsage", &[]);
    x.leaf(
        "language",
        &[("ident", &r.language)],
        language_name(&r.language),
    );
    x.close("langUsage");
    x.close("profileDesc");

    if !r.history.is_empty() {
        x.open("revisionDesc", &[]);
        for h in &r.history {
            let who = h.by.as_deref().map(resp_id);
            let mut attrs = vec![("when", h.date.as_str())];
            if let Some(who) = &who {
                attrs.push(("who", &format!("#{who}")));
                x.leaf(
                    "change",
                    &[("when", &h.date), ("who", &format!("#{who}"))],
                    &h.change,
                );
            } else {
                x.leaf("change", &attrs, &h.change);
            }
        }
        x.close("revisionDesc");
    }
    x.close("teiHeader");
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

fn bibl_struct(x: &mut Xml, edition: &Edition) {
    let r = &edition.record;
    let s = &r.source;
    let kind = match s.kind {
        BiblKind::Book => "book",
        BiblKind::Article => "article",
        BiblKind::WebPage => "web-page",
        BiblKind::Manuscript => "manuscript",
        BiblKind::Other | BiblKind::Todo => "other",
    };
    x.open("biblStruct", &[("type", kind)]);
    let authors = || r.contributors.iter().filter(|c| c.role == Role::Author);
    let translators = || r.contributors.iter().filter(|c| c.role == Role::Translator);
    let title = full_title(&s.title, s.subtitle.as_ref());
    let people = |x: &mut Xml| {
        for c in authors() {
            let mut attrs = vec![];
            if let Some(cert) = cert_attr(c.cert) {
                attrs.push(("cert", cert));
            }
            x.leaf("author", &attrs, &c.name);
        }
    };
    let translator = |x: &mut Xml| {
        for c in translators() {
            x.open("respStmt", &[]);
            x.leaf("resp", &[], "translated by");
            x.leaf("persName", &[], &c.name);
            x.close("respStmt");
        }
    };
    let analytic = s.kind == BiblKind::Article
        || s.container_title
            .as_ref()
            .is_some_and(|f| f.known().is_some());
    if analytic {
        x.open("analytic", &[]);
        people(x);
        if let Some(t) = &title {
            x.leaf("title", &[("level", "a")], t);
        }
        translator(x);
        x.close("analytic");
    }
    x.open("monogr", &[]);
    if !analytic {
        people(x);
        translator(x);
    }
    if analytic {
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
            x.leaf("editor", &fact_attrs(f), v);
        }
    } else {
        match &title {
            Some(t) => {
                let mut attrs = vec![("level", "m")];
                attrs.extend(fact_attrs(&s.title));
                x.leaf("title", &attrs, t);
            }
            None => x.leaf("title", &[("level", "m")], "[title not known]"),
        }
    }
    x.open("imprint", &[]);
    if let Some((v, f)) = s.place.as_ref().and_then(|f| f.known().map(|v| (v, f))) {
        x.leaf("pubPlace", &fact_attrs(f), v);
    }
    if let Some((v, f)) = s.publisher.as_ref().and_then(|f| f.known().map(|v| (v, f))) {
        x.leaf("publisher", &fact_attrs(f), v);
    }
    for (unit, fact) in [("volume", &s.volume), ("issue", &s.issue)] {
        if let Some((v, f)) = fact.as_ref().and_then(|f| f.known().map(|v| (v, f))) {
            let mut attrs = vec![("unit", unit)];
            attrs.extend(fact_attrs(f));
            x.leaf("biblScope", &attrs, v);
        }
    }
    match &s.date {
        Some(f) if f.known().is_some() => date_fact(x, f),
        _ => x.leaf("date", &[], "date not known"),
    }
    x.close("imprint");
    for (unit, fact) in [
        ("part", &s.part),
        ("chapter", &s.chapter),
        ("section", &s.section),
        ("page", &s.pages),
    ] {
        if let Some((v, f)) = fact.as_ref().and_then(|f| f.known().map(|v| (v, f))) {
            let mut attrs = vec![("unit", unit)];
            attrs.extend(fact_attrs(f));
            x.leaf("biblScope", &attrs, v);
        }
    }
    x.close("monogr");
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
    x.close("biblStruct");
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

fn encoding_desc(x: &mut Xml, edition: &Edition) {
    let r = &edition.record;
    let log = &edition.log;
    x.open("encodingDesc", &[]);
    app_info(
        x,
        Some(&format!(
            "Read the recorded source, applied the passes {}, and wrote this file.",
            log.passes.join(", ")
        )),
    );
    x.open("editorialDecl", &[]);

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
    parts.push(". Typographic quotation marks, apostrophes, dashes and ellipses are kept as they stand; spelling is not normalized. The source's bytes are kept unchanged beside this file, with the SHA-256 given in publicationStmt.".into());
    x.leaf(
        "p",
        &[],
        &parts.join(" ").replace(" ;", ";").replace(" .", "."),
    );
    x.close("normalization");

    x.open("quotation", &[("marks", "all")]);
    x.leaf(
        "p",
        &[],
        "Quotation marks are kept as characters of the text; quotations are not marked up.",
    );
    x.close("quotation");

    interpretation(x, edition);

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
    }
    x.close("editorialDecl");
    x.close("encodingDesc");
}

/// How names were marked, with the counts and the editor's decisions.
fn interpretation(x: &mut Xml, edition: &Edition) {
    let names = edition.names();
    if names.is_empty() && edition.record.names.is_empty() {
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
            "Names are marked and linked to the archive's register with @ref: {} mentions of persons, {} of places, {} of organisations and {} of works cited by title ({} in all, of {} entries, which are given in standOff). Forms are found in one scan on word boundaries, including renderings of Russian names in other transliterations; titles, epithets, adjectives and words built on names are not marked. A form shared by several entries takes the entry with the nearest unambiguous mention in this edition, with @cert=\"medium\"; {} link{} carry @cert.",
            count(NameKind::Person),
            count(NameKind::Place),
            count(NameKind::Org),
            count(NameKind::Work),
            names.len(),
            keys.len(),
            inferred,
            if inferred == 1 { "" } else { "s" },
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
}

fn text(x: &mut Xml, edition: &Edition, register: &Register) {
    let c = Inl { edition, register };
    x.open("text", &[]);
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
                    x.mixed("titlePart", &[], |m| inlines(m, &c, &b.inlines));
                    x.close("docTitle");
                    x.close("titlePage");
                }
                _ => div_with_p(x, &c, b, "headnote"),
            }
        }
        x.close("front");
    }

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
                        inlines(m, &c, &b.inlines)
                    });
                } else {
                    x.mixed("p", &[("n", &b.n.to_string())], |m| {
                        inlines(m, &c, &b.inlines)
                    });
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

    // Back matter, and every omission that no paragraph follows.
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
                BlockKind::Credit => div_with_p(x, &c, b, "credit"),
                BlockKind::SourceNote => div_with_p(x, &c, b, "source-note"),
                BlockKind::Link => div_with_p(x, &c, b, "links"),
                _ => omitted(x, b),
            }
        }
        x.close("back");
    }
    x.close("text");
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
    for item in items {
        inline(m, c, item);
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

fn inline(m: &mut Mixed<'_>, c: &Inl<'_>, item: &Inline) {
    let edition = c.edition;
    let r = &edition.record;
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
        } => {
            let c = r.corrections.get(*correction);
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
        Inline::EditorialNote(i) => {
            if let Some(n) = r.notes.get(*i) {
                let resp = format!("#{}", resp_id(&n.by));
                let mark = editorial_note_n(*i);
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
        Inline::Name {
            kind,
            key,
            cert,
            content,
        } => {
            let el = match kind {
                NameKind::Person => "persName",
                NameKind::Place => "placeName",
                NameKind::Org => "orgName",
                NameKind::Work => "title",
            };
            let reference = key.as_ref().map(|k| format!("#{k}"));
            let mut attrs: Vec<(&str, &str)> = Vec::new();
            if *kind == NameKind::Work
                && let Some(level) = key
                    .as_deref()
                    .and_then(|k| c.register.get(k))
                    .and_then(|n| title_level(n.entry.kind.as_deref()))
            {
                attrs.push(("level", level));
            }
            if let Some(reference) = &reference {
                attrs.push(("ref", reference));
            }
            if let Some(c) = cert.and_then(cert_attr) {
                attrs.push(("cert", c));
            }
            m.open(el, &attrs);
            inlines(m, c, content);
            m.close(el);
        }
        Inline::Gap(reason) => {
            m.open("gap", &[("reason", "excerpt"), ("extent", "unknown")]);
            m.leaf("desc", &[], gap_desc(*reason));
            m.close("gap");
        }
    }
}

/// The register entries one edition refers to, as a TEI document of its own (the register
/// excerpt in a release).
pub fn render_register_excerpt(
    edition: &Edition,
    register: &Register,
    config: &crate::model::Config,
) -> Vec<u8> {
    let keys = referenced_keys(edition, register);
    let excerpt = Register::from_entries(
        register
            .entries
            .iter()
            .filter(|n| keys.binary_search(&n.entry.key).is_ok())
            .cloned()
            .collect(),
    );
    render_register(&excerpt, config)
}

/// The whole register as one TEI document (`export/tei/register.xml`).
pub fn render_register(register: &Register, config: &crate::model::Config) -> Vec<u8> {
    let mut x = Xml::new();
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
    x.open("teiHeader", &[]);
    x.open("fileDesc", &[]);
    x.open("titleStmt", &[]);
    x.leaf(
        "title",
        &[("type", "main")],
        &format!("Register of names: {}", config.archive.name),
    );
    x.close("titleStmt");
    let counts: Vec<String> = [
        (NameKind::Person, "persons"),
        (NameKind::Place, "places"),
        (NameKind::Org, "organisations"),
        (NameKind::Work, "works"),
    ]
    .iter()
    .map(|(k, w)| format!("{} {w}", register.of_kind(*k).count()))
    .collect();
    x.open("publicationStmt", &[]);
    x.leaf("publisher", &[], &config.archive.name);
    x.leaf("distributor", &[], &config.archive.organisation);
    x.leaf(
        "idno",
        &[("type", "URI")],
        &format!("{}register", config.archive.base_uri),
    );
    x.open("availability", &[("status", "free")]);
    x.mixed(
        "licence",
        &[("target", &licence_url(&config.archive.licence))],
        |m| m.text(&config.archive.licence),
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
    x.open("encodingDesc", &[]);
    app_info(&mut x, None);
    x.close("encodingDesc");
    x.close("teiHeader");
    x.open("text", &[]);
    x.open("body", &[]);
    let keys: Vec<String> = register
        .entries
        .iter()
        .map(|n| n.entry.key.clone())
        .collect();
    register_lists(&mut x, register, &keys);
    x.close("body");
    x.close("text");
    x.close("TEI");
    x.finish()
}
