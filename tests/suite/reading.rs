//! Reading copies: the HTML pages and the EPUB files (the PDFs: `pdf.rs`). The pages are read
//! back as XML (they are written as polyglot markup) and their structure checked: names link to
//! the index and back, note anchors are superscripts, the colophon's checksums are the files'
//! own. The golden files are in `golden.rs`; epubcheck checks the rest where it is installed.

use super::util::*;
use editio::archive::digest::sha256_bytes;
use editio::engine::Built;
use editio::model::Inline;
use editio::model::register::Register;
use editio::render::RenderContext;
use editio::render::html::{self, Extra, Templates};
use quick_xml::Reader;
use quick_xml::events::Event;
use std::collections::{BTreeMap, BTreeSet};

const EDITIONS: [&str; 3] = [
    "conquest-great-terror-blyukher",
    "kotkin-stalin-waiting-for-hitler-khasan",
    "serge-proofs-comrade-executioner",
];

// ---------------------------------------------------------------------------------------------
// A small tree of the page, read with quick-xml.

#[derive(Debug, Default)]
struct El {
    name: String,
    attrs: BTreeMap<String, String>,
    children: Vec<Node>,
}

#[derive(Debug)]
enum Node {
    El(El),
    Text(String),
}

impl El {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.get(name).map(String::as_str)
    }

    fn has_class(&self, class: &str) -> bool {
        self.attr("class")
            .is_some_and(|c| c.split_whitespace().any(|x| x == class))
    }

    fn text(&self) -> String {
        let mut out = String::new();
        for c in &self.children {
            match c {
                Node::Text(t) => out.push_str(t),
                Node::El(e) => out.push_str(&e.text()),
            }
        }
        out
    }

    /// Every element below this one, in document order.
    fn all(&self) -> Vec<&El> {
        let mut out = Vec::new();
        for c in &self.children {
            if let Node::El(e) = c {
                out.push(e);
                out.extend(e.all());
            }
        }
        out
    }

    fn find(&self, pred: impl Fn(&El) -> bool) -> Vec<&El> {
        self.all().into_iter().filter(|e| pred(e)).collect()
    }

    fn by_id(&self, id: &str) -> Option<&El> {
        self.all().into_iter().find(|e| e.attr("id") == Some(id))
    }
}

/// Reads a page as XML; panics (failing the test) if it is not well-formed.
fn parse(text: &str) -> El {
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(false);
    reader.config_mut().check_end_names = true;
    let mut stack = vec![El::default()];
    loop {
        let event = reader
            .read_event()
            .unwrap_or_else(|e| panic!("not well-formed at {}: {e}", reader.buffer_position()));
        let open = |e: &quick_xml::events::BytesStart| {
            let mut el = El {
                name: AsRef::<str>::as_ref(&e.name()).to_string(),
                ..El::default()
            };
            for a in e.attributes() {
                let a = a.expect("a well-formed attribute");
                let key = AsRef::<str>::as_ref(&a.key).to_string();
                let value = a
                    .normalized_value(quick_xml::XmlVersion::default())
                    .expect("an attribute value")
                    .into_owned();
                assert!(
                    el.attrs.insert(key.clone(), value).is_none(),
                    "attribute {key} given twice"
                );
            }
            el
        };
        match event {
            Event::Eof => break,
            Event::Start(e) => stack.push(open(&e)),
            Event::Empty(e) => {
                let el = open(&e);
                stack.last_mut().unwrap().children.push(Node::El(el));
            }
            Event::End(_) => {
                let el = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(Node::El(el));
            }
            Event::Text(t) => stack
                .last_mut()
                .unwrap()
                .children
                .push(Node::Text(t.xml10_content().into_owned())),
            Event::GeneralRef(r) => {
                let ch = r
                    .resolve_char_ref()
                    .ok()
                    .flatten()
                    .map(String::from)
                    .or_else(|| {
                        quick_xml::escape::resolve_predefined_entity(&r).map(str::to_string)
                    })
                    .unwrap_or_else(|| panic!("unknown entity &{:?};", r));
                stack.last_mut().unwrap().children.push(Node::Text(ch));
            }
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "unclosed elements");
    stack.pop().unwrap()
}

/// Checks what every page must be: one `h1`, headings that never skip a level, unique ids,
/// every internal link resolving, a language, and no script.
fn check_page(root: &El) {
    let html = root.find(|e| e.name == "html");
    assert_eq!(html.len(), 1);
    assert!(html[0].attr("lang").is_some_and(|l| !l.is_empty()));
    assert!(root.find(|e| e.name == "script").is_empty(), "no scripts");
    let headings: Vec<usize> = root
        .find(|e| {
            e.name.len() == 2 && e.name.starts_with('h') && e.name[1..].parse::<usize>().is_ok()
        })
        .iter()
        .map(|e| e.name[1..].parse().unwrap())
        .collect();
    assert_eq!(headings.iter().filter(|h| **h == 1).count(), 1, "one h1");
    assert_eq!(headings.first(), Some(&1));
    for pair in headings.windows(2) {
        assert!(
            pair[1] <= pair[0] + 1,
            "a heading skips a level: {headings:?}"
        );
    }
    let mut ids = BTreeSet::new();
    for e in root.find(|e| e.attr("id").is_some()) {
        assert!(
            ids.insert(e.attr("id").unwrap()),
            "duplicate id {:?}",
            e.attr("id")
        );
    }
    for a in root.find(|e| e.name == "a") {
        let href = a.attr("href").expect("every link has a target");
        if let Some(target) = href.strip_prefix('#') {
            assert!(ids.contains(target), "link to missing #{target}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Editions in memory.

struct Loaded {
    config: editio::model::Config,
    register: Register,
    built: Vec<Built>,
}

/// The bundled editions, loaded and shaped by the passes (the names pass included).
fn bundled() -> Loaded {
    let report = editio::ops::check::check(&repo()).unwrap();
    Loaded {
        config: report.archive.config.clone().unwrap(),
        register: report.archive.register.clone(),
        built: report.built,
    }
}

fn page(loaded: &Loaded, built: &Built) -> String {
    let ctx = RenderContext {
        config: &loaded.config,
        register: &loaded.register,
    };
    html::render(
        &Templates::new(None),
        &built.edition,
        &ctx,
        &Extra { tei: &built.tei },
    )
    .unwrap()
}

/// Names, and names inside names (`Wuhan` in `Battle of Wuhan`).
fn count_names(items: &[Inline]) -> usize {
    items
        .iter()
        .map(|i| match i {
            Inline::Name { content, .. } => 1 + count_names(content),
            _ => 0,
        })
        .sum()
}

// ---------------------------------------------------------------------------------------------
// Structure of the pages.

#[test]
fn every_name_links_to_its_index_entry_and_the_entry_links_back_to_every_mention() {
    let mut loaded = bundled();
    let register = loaded.register.clone();
    let built = std::mem::take(&mut loaded.built);
    for b in &built {
        let marked: usize = b
            .edition
            .blocks
            .iter()
            .filter(|bl| bl.region() != editio::model::edition::Region::Omitted)
            .map(|bl| count_names(&bl.inlines))
            .sum();
        assert!(marked > 5, "{}: the names pass found names", b.edition.id);
        let root = parse(&page(&loaded, b));
        check_page(&root);
        // Links, and the spans of event names that hold other names (links do not nest):
        // both are mentions the index links back to.
        let names = root.find(|e| {
            (e.name == "a" || e.name == "span") && e.has_class("name") && e.attr("id").is_some()
        });
        assert_eq!(
            names.len(),
            marked,
            "{}: every name is marked",
            b.edition.id
        );
        for a in &names {
            let id = a.attr("id").expect("a mention has an id");
            let from_id = id
                .strip_prefix("m-")
                .and_then(|k| k.rsplit_once('-'))
                .map(|(k, _)| format!("ix-{k}"))
                .unwrap();
            let target = a
                .attr("href")
                .map(|h| h.strip_prefix('#').unwrap().to_string())
                .unwrap_or(from_id);
            let target = target.as_str();
            let entry = root.by_id(target).expect("the index entry exists");
            assert_eq!(entry.name, "dt");
            // The entry's description (the next sibling dd) links back to this mention.
            let dl = root
                .find(|e| e.name == "dl" && e.all().iter().any(|c| c.attr("id") == Some(target)))
                .pop()
                .unwrap();
            let mut dd = None;
            let mut after = false;
            for c in &dl.children {
                if let Node::El(e) = c {
                    if after && e.name == "dd" {
                        dd = Some(e);
                        break;
                    }
                    after = e.attr("id") == Some(target);
                }
            }
            let dd = dd.expect("the entry has a description");
            let back = dd.find(|e| e.name == "a" && e.attr("href") == Some(&format!("#{id}")));
            assert_eq!(back.len(), 1, "{target} links back to {id}");
        }
        // Every back-link of the index points at a mention, and the entries show the register.
        for dt in
            root.find(|e| e.name == "dt" && e.attr("id").is_some_and(|i| i.starts_with("ix-")))
        {
            let key = dt.attr("id").unwrap().strip_prefix("ix-").unwrap();
            let entry = &register.get(key).unwrap().entry;
            let headword = entry.sort.as_deref().unwrap_or(&entry.name);
            assert!(dt.text().starts_with(headword), "{}", dt.text());
            if let Some(original) = &entry.original {
                assert!(dt.text().contains(original.as_str()));
            }
        }
        let index = root.by_id("index").expect("an index of names");
        assert!(index.text().contains("Index of names"));
    }
}

#[test]
fn every_note_anchor_of_the_model_is_a_superscript() {
    let loaded = bundled();
    let mut seen = 0;
    for b in &loaded.built {
        let root = parse(&page(&loaded, b));
        let sups: Vec<String> = root
            .find(|e| e.name == "sup" && e.has_class("anchor"))
            .iter()
            .map(|e| e.text())
            .collect();
        let expected: Vec<String> = b
            .edition
            .log
            .note_anchors
            .iter()
            .map(u32::to_string)
            .collect();
        assert_eq!(sups, expected, "{}", b.edition.id);
        seen += expected.len();
        if let (Some(first), Some(last)) = (expected.first(), expected.last()) {
            // The reader is told plainly that the notes' text is not there.
            let text = root.text();
            assert!(text.contains(&format!("{first}–{last}")));
            assert!(text.contains("not part of the excerpt"));
        }
    }
    assert!(seen > 20, "the bundled editions have note anchors");
}

#[test]
fn editorial_notes_and_corrections_are_linked_and_readable_without_scripts() {
    let loaded = bundled();
    let serge = loaded
        .built
        .iter()
        .find(|b| b.edition.id == EDITIONS[2])
        .unwrap();
    let root = parse(&page(&loaded, serge));
    check_page(&root);
    let refs = root.find(|e| e.name == "a" && e.attr("role") == Some("doc-noteref"));
    assert_eq!(refs.len(), 2);
    for (i, r) in refs.iter().enumerate() {
        let n = i + 1;
        assert_eq!(r.text(), format!("[{n}]"));
        let note = root.by_id(&format!("enote-{n}")).unwrap();
        let back = note.find(|e| e.attr("href") == Some(&format!("#enote-ref-{n}")));
        assert_eq!(back.len(), 1, "note {n} links back");
    }
    // A correction shows the corrected reading, keeps the source's reading in the text, and
    // can be focused from the keyboard to show it.
    let corrs = root.find(|e| e.has_class("corr"));
    assert_eq!(corrs.len(), 3);
    for c in &corrs {
        assert_eq!(c.attr("tabindex"), Some("0"));
        let sic = c.find(|e| e.has_class("sic"));
        assert_eq!(sic.len(), 1);
    }
    assert!(corrs[0].text().starts_with("Kamenev"));
    assert!(corrs[0].text().contains("source reads: Kamanev"));
    let css = html::embedded(html::STYLESHEET).unwrap();
    assert!(
        css.contains(".corr:focus .sic"),
        "the reading shows on keyboard focus"
    );
    assert!(css.contains(".corr:hover .sic"), "and on hover");
    // Excerpt boundaries and omissions are stated.
    let conquest = loaded
        .built
        .iter()
        .find(|b| b.edition.id == EDITIONS[0])
        .unwrap();
    let text = parse(&page(&loaded, conquest)).text();
    assert!(text.contains("[The excerpt begins part-way through the work.]"));
    assert!(text.contains("[The excerpt ends here, part-way through the work.]"));
    let kotkin = loaded
        .built
        .iter()
        .find(|b| b.edition.id == EDITIONS[1])
        .unwrap();
    let text = parse(&page(&loaded, kotkin)).text();
    assert!(text.contains("[The excerpt breaks off here, in mid-sentence.]"));
    let text = root.text();
    assert!(text.contains("Block 17, “Leave a comment”"));
}

#[test]
fn the_colophon_gives_the_checksums_of_the_source_and_the_tei_file() {
    let tmp = bundled_copy();
    editio(tmp.path()).arg("build").assert().success();
    for id in EDITIONS {
        let page =
            std::fs::read_to_string(tmp.path().join(format!("export/html/{id}.html"))).unwrap();
        let root = parse(&page);
        check_page(&root);
        let source = std::fs::read(tmp.path().join(format!("editions/{id}/source.txt"))).unwrap();
        let tei = std::fs::read(tmp.path().join(format!("export/tei/{id}.xml"))).unwrap();
        assert_eq!(
            root.by_id("source-sha256").unwrap().text(),
            sha256_bytes(&source)
        );
        assert_eq!(root.by_id("tei-sha256").unwrap().text(), sha256_bytes(&tei));
        let colophon = root.by_id("colophon").unwrap().text();
        assert!(colophon.contains("21 November 2026"), "the edition's date");
        assert!(colophon.contains(".txt"), "the received file");
    }
    let index = std::fs::read_to_string(tmp.path().join("export/html/index.html")).unwrap();
    let root = parse(&index);
    check_page(&root);
    for id in EDITIONS {
        assert!(
            !root
                .find(|e| e.attr("href") == Some(&format!("{id}.html")))
                .is_empty()
        );
    }
}

/// A copy of the bundled archive with one more edition, whose source is `text` and whose
/// title is `title` (both as given, markup and all).
fn archive_with_source(text: &str, title: &str) -> tempfile::TempDir {
    let tmp = bundled_copy();
    let from = tmp.path().join("editions").join(EDITIONS[1]);
    let to = tmp.path().join("editions/markup-test");
    std::fs::create_dir_all(&to).unwrap();
    std::fs::write(to.join("source.txt"), text).unwrap();
    let record = std::fs::read_to_string(from.join("edition.toml")).unwrap();
    let mut out = String::new();
    let mut titled = false;
    for line in record.lines() {
        let line = if line.starts_with("id = ") {
            "id = \"markup-test\"".to_string()
        } else if line.starts_with("title = ") && !std::mem::replace(&mut titled, true) {
            format!("title = {}", toml_string(title))
        } else if line.starts_with("size = ") {
            format!("size = {}", text.len())
        } else if line.starts_with("sha256 = ") {
            format!("sha256 = \"{}\"", sha256_bytes(text.as_bytes()))
        } else {
            line.to_string()
        };
        out.push_str(&line);
        out.push('\n');
    }
    std::fs::write(to.join("edition.toml"), out).unwrap();
    tmp
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

#[test]
fn markup_in_a_source_is_shown_as_text_and_never_run() {
    let source = "The editor wrote <script>alert('x')</script> & <b onmouseover=\"steal()\">bold</b> here.\n\nA second paragraph with </style> in it.\n";
    let tmp = archive_with_source(source, "A <script>alert(1)</script> \"title\" </style>");
    let out = editio(tmp.path()).arg("build").output().unwrap();
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let page = std::fs::read_to_string(tmp.path().join("export/html/markup-test.html")).unwrap();
    assert!(!page.contains("<script"), "{page}");
    assert!(!page.contains("<b "), "{page}");
    assert!(page.contains("&lt;script&gt;alert('x')&lt;/script&gt;"));
    // The title goes into the running head's CSS string too: it cannot end the style element.
    assert_eq!(page.matches("</style>").count(), 1, "{page}");
    let root = parse(&page);
    check_page(&root);
    let text = root.text();
    assert!(text.contains(
        "The editor wrote <script>alert('x')</script> & <b onmouseover=\"steal()\">bold</b> here."
    ));
    assert!(
        root.find(|e| e.name == "script" || e.name == "b")
            .is_empty()
    );
    // The EPUB's content document escapes the same way.
    let epub = std::fs::read(tmp.path().join("export/epub/markup-test.epub")).unwrap();
    let text = zip_entry(&epub, "EPUB/text.xhtml");
    assert!(!text.contains("<script"));
    parse(&text);
}

/// Values that stand inside quoted attributes (a register entry's name in a link's `title`, an
/// author in `<meta content>`) cannot close the attribute or add one, in the page and in the EPUB.
#[test]
fn quotes_in_values_cannot_leave_an_attribute() {
    let hostile = "Vasily \"Galen\" O'Blyukher\" onmouseover=\"steal()\" x='<b>&amp;'";
    let tmp = bundled_copy();
    let register = tmp.path().join("editions/register/persons.toml");
    let persons = std::fs::read_to_string(&register).unwrap().replacen(
        "name = \"Vasily Blyukher\"",
        &format!("name = {}", toml_string(hostile)),
        1,
    );
    std::fs::write(&register, persons).unwrap();
    let record = tmp
        .path()
        .join("editions")
        .join(EDITIONS[0])
        .join("edition.toml");
    let text = std::fs::read_to_string(&record).unwrap().replacen(
        "name = \"Robert Conquest\"",
        &format!("name = {}", toml_string(hostile)),
        1,
    );
    std::fs::write(&record, text).unwrap();
    let out = editio(tmp.path()).arg("build").output().unwrap();
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));

    let page =
        std::fs::read_to_string(tmp.path().join(format!("export/html/{}.html", EDITIONS[0])))
            .unwrap();
    let epub = std::fs::read(tmp.path().join(format!("export/epub/{}.epub", EDITIONS[0]))).unwrap();
    let xhtml = zip_entry(&epub, "EPUB/text.xhtml");
    for doc in [&page, &xhtml] {
        assert!(!doc.contains("onmouseover=\""), "{doc}");
        assert!(!doc.contains("<b>"), "{doc}");
        let root = parse(doc);
        assert!(
            root.find(|e| e.attrs.contains_key("onmouseover") || e.name == "b")
                .is_empty()
        );
        // The name reaches the reader whole, as the link's title.
        let links = root.find(|e| e.attr("href") == Some("#ix-blyukher-vasily"));
        assert!(!links.is_empty(), "{doc}");
        for link in links {
            let title = link.attr("title").unwrap();
            assert!(title.starts_with(hostile), "{title}");
        }
    }
    let root = parse(&page);
    let authors: Vec<&str> = root
        .find(|e| e.name == "meta" && e.attr("name") == Some("author"))
        .iter()
        .filter_map(|e| e.attr("content"))
        .collect();
    assert_eq!(authors, [hostile]);
}

// ---------------------------------------------------------------------------------------------
// Templates.

#[test]
fn an_archive_can_override_any_template() {
    let tmp = bundled_copy();
    let dir = tmp.path().join("templates");
    std::fs::create_dir_all(&dir).unwrap();
    let page = html::embedded("edition.html")
        .unwrap()
        .replace("<body>", "<body class=\"house-style\">");
    std::fs::write(dir.join("edition.html"), page).unwrap();
    std::fs::write(dir.join("editio.css"), "body { color: black; }\n").unwrap();
    // The body, shared by the page and the EPUB, is overridden for both; what is marked for
    // one of them goes into that one only.
    let body = html::embedded("edition-body.html").unwrap().replace(
        "<h2 id=\"colophon-h\">Colophon</h2>",
        "<h2 id=\"colophon-h\">Printer’s note</h2>\n\
         {% filter page_only %}<p>On the page, nowhere else</p>{% endfilter %}\n\
         <p{% filter epub_only %} class=\"{{ 'book\"only' }}\"{% endfilter %}>Both</p>\n\
         {{ page_only('<b>escaped</b>') }}",
    );
    std::fs::write(dir.join("edition-body.html"), body).unwrap();
    editio(tmp.path()).arg("build").assert().success();
    let page =
        std::fs::read_to_string(tmp.path().join(format!("export/html/{}.html", EDITIONS[0])))
            .unwrap();
    assert!(page.contains("<body class=\"house-style\">"));
    assert!(page.contains("Printer’s note"));
    assert!(page.contains("<p>On the page, nowhere else</p><p>Both</p>"));
    assert!(page.contains("&lt;b&gt;escaped&lt;/b&gt;"));
    let css = std::fs::read_to_string(tmp.path().join("export/html/editio.css")).unwrap();
    assert_eq!(css, "body { color: black; }\n");
    let epub = std::fs::read(tmp.path().join(format!("export/epub/{}.epub", EDITIONS[0]))).unwrap();
    let text = zip_entry(&epub, "EPUB/text.xhtml");
    assert!(text.contains("Printer’s note</h2>\n<p class=\"book&quot;only\">Both</p>"));
    assert!(!text.contains("nowhere else") && !text.contains("escaped"));
    for doc in [&page, &text] {
        assert!(!doc.contains('\u{1}'));
    }
}

#[test]
fn a_frame_that_includes_the_shared_body_itself_is_refused_with_what_to_do() {
    // The body is rendered once and given to the frame as `body`; a frame that includes
    // edition-body.html again would print the parts marked for one document in both.
    let tmp = bundled_copy();
    let dir = tmp.path().join("templates");
    std::fs::create_dir_all(&dir).unwrap();
    let page = html::embedded("edition.html")
        .unwrap()
        .replace("{{ body -}}", "{% include \"edition-body.html\" %}");
    std::fs::write(dir.join("edition.html"), page).unwrap();
    let out = editio(tmp.path()).arg("build").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("templates/edition.html"), "{err}");
    assert!(err.contains("{{ body }}"), "{err}");
    // A part that does not end, or one inside another, is an error in the body's template.
    for broken in [
        "{% filter epub_only %}{{ page_only('x') }}{% endfilter %}",
        "{{ '\u{1}E' }}",
    ] {
        let _ = std::fs::remove_file(dir.join("edition.html"));
        let body = html::embedded("edition-body.html")
            .unwrap()
            .replace("<h2 id=\"colophon-h\">Colophon</h2>", broken);
        std::fs::write(dir.join("edition-body.html"), body).unwrap();
        let out = editio(tmp.path()).arg("build").output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{broken}");
        let err = stderr(&out);
        assert!(err.contains("templates/edition-body.html"), "{err}");
    }
}

#[test]
fn a_broken_template_is_reported_with_its_file() {
    let tmp = bundled_copy();
    let dir = tmp.path().join("templates");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "{% for x in %}\n").unwrap();
    let out = editio(tmp.path()).arg("build").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("templates/index.html"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// EPUB.

fn zip_entry(epub: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(epub)).unwrap();
    let mut f = z.by_name(name).unwrap();
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    s
}

#[test]
fn epubs_start_with_a_stored_mimetype_and_hold_well_formed_documents() {
    let tmp = bundled_copy();
    editio(tmp.path()).arg("build").assert().success();
    for id in EDITIONS {
        let epub = std::fs::read(tmp.path().join(format!("export/epub/{id}.epub"))).unwrap();
        // The first local header: signature, method 0 (stored), name `mimetype`, no extra field.
        assert_eq!(&epub[0..4], b"PK\x03\x04");
        assert_eq!(
            u16::from_le_bytes([epub[8], epub[9]]),
            0,
            "mimetype is stored"
        );
        assert_eq!(u16::from_le_bytes([epub[26], epub[27]]), 8);
        assert_eq!(
            u16::from_le_bytes([epub[28], epub[29]]),
            0,
            "no extra field"
        );
        assert_eq!(&epub[30..38], b"mimetype");
        assert_eq!(&epub[38..58], b"application/epub+zip");
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(&epub)).unwrap();
        let names: Vec<String> = z.file_names().map(|n| n.unwrap().into_owned()).collect();
        assert_eq!(names[0], "mimetype");
        for i in 0..z.len() {
            let f = z.by_index(i).unwrap();
            let t = f.last_modified().unwrap();
            assert_eq!(
                (t.year(), t.month(), t.day()),
                (2026, 12, 6),
                "{:?}",
                f.name()
            );
        }
        for name in ["META-INF/container.xml", "EPUB/package.opf"] {
            parse(&zip_entry(&epub, name));
        }
        for name in ["EPUB/nav.xhtml", "EPUB/text.xhtml"] {
            let root = parse(&zip_entry(&epub, name));
            if name.ends_with("text.xhtml") {
                check_page(&root);
            }
        }
        let opf = zip_entry(&epub, "EPUB/package.opf");
        assert!(opf.contains(&format!(
            "<dc:identifier id=\"pub-id\">urn:editio:bundled:{id}</dc:identifier>"
        )));
        assert!(opf.contains("<meta property=\"dcterms:modified\">2026-12-06T00:00:00Z</meta>"));
        assert!(opf.contains("scheme=\"marc:relators\">aut</meta>"));
    }
    let serge =
        std::fs::read(tmp.path().join(format!("export/epub/{}.epub", EDITIONS[2]))).unwrap();
    assert!(zip_entry(&serge, "EPUB/package.opf").contains("scheme=\"marc:relators\">trl</meta>"));
}

/// How to run epubcheck: Debian installs it as a bare jar that needs `java -jar`.
fn epubcheck() -> Option<std::process::Command> {
    if !external("epubcheck") {
        return None;
    }
    let path = which("epubcheck").unwrap();
    let head = std::fs::read(&path)
        .map(|b| b.starts_with(b"PK"))
        .unwrap_or(false);
    if head {
        if !external("java") {
            return None;
        }
        let mut cmd = std::process::Command::new("java");
        cmd.arg("-jar").arg(path);
        Some(cmd)
    } else {
        Some(std::process::Command::new(path))
    }
}

#[test]
fn epubcheck_finds_no_errors_and_no_warnings() {
    let Some(_) = epubcheck() else { return };
    let tmp = bundled_copy();
    editio(tmp.path()).arg("build").assert().success();
    for id in EDITIONS {
        let file = tmp.path().join(format!("export/epub/{id}.epub"));
        let out = epubcheck().unwrap().arg(&file).output().unwrap();
        let text = format!("{}{}", stdout(&out), stderr(&out));
        assert!(out.status.success(), "{id}: {text}");
        let clean = text.contains("0 fatals / 0 errors / 0 warnings")
            || text.contains("No errors or warnings detected");
        assert!(clean, "{id}: {text}");
    }
}
