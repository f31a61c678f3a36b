//! The built-in checks of `editio validate`, which need no schema and no Java: a TEI file must
//! be well-formed XML, have a `TEI` root in the TEI namespace, use every `xml:id` once, point
//! with every local pointer (`#id`) at an element of the same document, and give in its header
//! the SHA-256 of the source that the archive records. They run on any TEI file, not only on
//! what editio wrote; the schema checks (see [`super::jing`]) come after them.

use crate::archive::digest;
use crate::diagnostic::{Diagnostic, Location, codes};
use crate::load::Archive;
use crate::model::TEI_NS;
use quick_xml::NsReader;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::{Namespace, ResolveResult};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Attributes whose values are pointers (TEI's `teidata.pointer`): every token of theirs that
/// starts with `#` must name an `xml:id` of the same document.
pub const POINTER_ATTRIBUTES: &[&str] = &[
    "active",
    "ana",
    "calendar",
    "change",
    "copyOf",
    "corresp",
    "datingMethod",
    "datingPoint",
    "decls",
    "edRef",
    "exclude",
    "facs",
    "from",
    "hand",
    "inst",
    "mutual",
    "next",
    "passive",
    "prev",
    "ref",
    "rendition",
    "resp",
    "sameAs",
    "scheme",
    "scribeRef",
    "scriptRef",
    "select",
    "source",
    "spanTo",
    "synch",
    "target",
    "targets",
    "to",
    "who",
    "wit",
];

/// Where in the header a SHA-256 stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChecksumPlace {
    /// `publicationStmt/idno[@type='sha256']`: the source this edition encodes.
    PublicationStmt,
    /// `sourceDesc/bibl[@type='received-file']/idno[@type='sha256']`: the file as received.
    ReceivedFile,
}

impl ChecksumPlace {
    /// The element's path, as a finding names it.
    pub fn xpath(self) -> &'static str {
        match self {
            ChecksumPlace::PublicationStmt => "publicationStmt/idno[@type='sha256']",
            ChecksumPlace::ReceivedFile => "bibl[@type='received-file']/idno[@type='sha256']",
        }
    }
}

/// A SHA-256 given in the header, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checksum {
    pub place: ChecksumPlace,
    /// The element's text, trimmed.
    pub value: String,
    pub location: Location,
}

/// What the built-in checks found in one file, and what the checksum check needs from it.
#[derive(Clone, Debug, Default)]
pub struct Checked {
    /// The findings, in document order.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the file is well-formed XML (only then are the schemas run on it).
    pub well_formed: bool,
    /// The root's `xml:id`: for an edition, the edition's id.
    pub root_id: Option<String>,
    /// The SHA-256s the header gives.
    pub checksums: Vec<Checksum>,
}

/// Runs the checks that need only the file itself. `path` is how findings name the file.
pub fn check(path: &Path, bytes: &[u8]) -> Checked {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let offset = e.valid_up_to();
            return malformed(
                Location {
                    path: path.to_path_buf(),
                    line: Some(bytes[..offset].iter().filter(|b| **b == b'\n').count() + 1),
                    column: None,
                    offset: Some(offset),
                },
                format!("not UTF-8 at byte offset {offset}; editio reads TEI in UTF-8 only"),
            );
        }
    };
    match Scan::new(path, text).run() {
        Ok(scan) => scan.finish(),
        Err((offset, message)) => malformed(Location::at_offset(path, text, offset), message),
    }
}

fn malformed(location: Location, message: String) -> Checked {
    Checked {
        diagnostics: vec![Diagnostic::new(codes::XML_MALFORMED, location, message).with_help(
            "the file cannot be read as XML; if editio wrote it, rebuild it with `editio build`",
        )],
        well_formed: false,
        root_id: None,
        checksums: Vec::new(),
    }
}

/// One open element.
struct Open {
    name: String,
    qname: String,
    kind: Option<String>,
    offset: usize,
}

/// A `#id` token found in a pointer attribute.
struct Pointer {
    id: String,
    attribute: String,
    element: String,
    offset: usize,
}

/// A checksum whose text is being read.
struct Capture {
    place: ChecksumPlace,
    value: String,
    offset: usize,
    /// The stack's length while inside the element.
    depth: usize,
}

/// A byte offset and a message: why the file is not well-formed.
type ScanError = (usize, String);

/// One pass over a document.
struct Scan<'a> {
    path: PathBuf,
    text: &'a str,
    diagnostics: Vec<Diagnostic>,
    stack: Vec<Open>,
    root_seen: bool,
    has_doctype: bool,
    root_id: Option<String>,
    ids: HashMap<String, usize>,
    pointers: Vec<Pointer>,
    checksums: Vec<Checksum>,
    capture: Option<Capture>,
}

impl<'a> Scan<'a> {
    fn new(path: &Path, text: &'a str) -> Self {
        Scan {
            path: path.to_path_buf(),
            text,
            diagnostics: Vec::new(),
            stack: Vec::new(),
            root_seen: false,
            has_doctype: false,
            root_id: None,
            ids: HashMap::new(),
            pointers: Vec::new(),
            checksums: Vec::new(),
            capture: None,
        }
    }

    fn at(&self, offset: usize) -> Location {
        Location::at_offset(&self.path, self.text, offset)
    }

    fn run(mut self) -> Result<Self, ScanError> {
        let mut reader = NsReader::from_str(self.text);
        reader.config_mut().enable_all_checks(true);
        reader.config_mut().trim_text(false);
        loop {
            let offset = reader.buffer_position() as usize;
            let event = match reader.read_event() {
                Ok(e) => e,
                Err(e) => return Err((reader.error_position() as usize, e.to_string())),
            };
            match event {
                Event::Eof => break,
                Event::Start(e) => self.start(&reader, &e, offset, false)?,
                Event::Empty(e) => self.start(&reader, &e, offset, true)?,
                Event::End(e) => self.end(e.name().as_ref(), offset)?,
                Event::Text(t) => {
                    if self.stack.is_empty() && !t.trim().is_empty() {
                        return Err((offset, "text outside the root element".into()));
                    }
                    if let Some(c) = self.capture.as_mut() {
                        c.value.push_str(&t.xml10_content());
                    }
                }
                Event::CData(t) => {
                    if self.stack.is_empty() {
                        return Err((offset, "a CDATA section outside the root element".into()));
                    }
                    if let Some(c) = self.capture.as_mut() {
                        c.value.push_str(&t);
                    }
                }
                Event::GeneralRef(r) => self.reference(&r, offset)?,
                Event::DocType(_) => {
                    if self.root_seen {
                        return Err((offset, "a DOCTYPE after the root element".into()));
                    }
                    self.has_doctype = true;
                }
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            }
        }
        if let Some(open) = self.stack.last() {
            return Err((
                self.text.len(),
                format!(
                    "the file ends inside <{}>, opened at line {}",
                    open.qname,
                    crate::diagnostic::line_column(self.text, open.offset).0
                ),
            ));
        }
        if !self.root_seen {
            return Err((self.text.len(), "the file has no root element".into()));
        }
        Ok(self)
    }

    /// An end tag: it closes the element last opened, and ends a checksum being captured.
    fn end(&mut self, name: &str, offset: usize) -> Result<(), ScanError> {
        let open = self.stack.pop();
        if let Some(open) = open.filter(|o| o.qname != name) {
            return Err((offset, format!("</{}> closes <{}>", name, open.qname)));
        }
        if self
            .capture
            .as_ref()
            .is_some_and(|c| self.stack.len() < c.depth)
            && let Some(c) = self.capture.take()
        {
            self.checksums.push(Checksum {
                place: c.place,
                value: c.value.trim().to_string(),
                location: self.at(c.offset),
            });
        }
        Ok(())
    }

    /// An entity or character reference: predefined or numeric (any other needs a DTD).
    fn reference(&mut self, r: &BytesRef<'_>, offset: usize) -> Result<(), ScanError> {
        if self.stack.is_empty() {
            return Err((offset, "a reference outside the root element".into()));
        }
        let resolved = match r.resolve_char_ref() {
            Ok(Some(c)) => Some(c.to_string()),
            Ok(None) => quick_xml::escape::resolve_predefined_entity(r).map(str::to_string),
            Err(e) => return Err((offset, format!("&{};: {e}", &**r))),
        };
        let resolved = match resolved {
            Some(c) => c,
            // A DTD may define it; editio does not read DTDs.
            None if self.has_doctype => String::new(),
            None => {
                return Err((
                    offset,
                    format!(
                        "the entity &{}; is not defined: without a DTD only &lt; &gt; \
                             &amp; &apos; &quot; and character references are",
                        &**r
                    ),
                ));
            }
        };
        if let Some(c) = self.capture.as_mut() {
            c.value.push_str(&resolved);
        }
        Ok(())
    }

    /// A start tag (or an empty element): the root's name and namespace, ids, pointers, and
    /// the start of a checksum.
    fn start(
        &mut self,
        reader: &NsReader<&[u8]>,
        e: &BytesStart<'_>,
        offset: usize,
        empty: bool,
    ) -> Result<(), ScanError> {
        let qname = e.name().as_ref().to_string();
        let (ns, local) = reader.resolver().resolve_element(e.name());
        let local = local.as_ref().to_string();
        if let ResolveResult::Unknown(prefix) = &ns {
            return Err((
                offset,
                format!("<{qname}>: the namespace prefix '{prefix}' is not declared"),
            ));
        }
        if self.stack.is_empty() {
            self.root(&qname, &local, &ns, offset)?;
        }
        let mut kind = None;
        for attr in e.attributes() {
            let attr = attr.map_err(|err| (offset, format!("<{qname}>: {err}")))?;
            let key = attr.key.as_ref();
            let value = attr
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|err| (offset, format!("<{qname} {key}>: {err}")))?;
            if let Some(prefix) = attr.key.prefix()
                && !matches!(prefix.as_ref(), "xml" | "xmlns")
                && let (ResolveResult::Unknown(p), _) =
                    reader.resolver().resolve_attribute(attr.key)
            {
                return Err((
                    offset,
                    format!("<{qname} {key}>: the namespace prefix '{p}' is not declared"),
                ));
            }
            match key {
                "xml:id" => {
                    if self.stack.is_empty() {
                        self.root_id = Some(value.trim().to_string());
                    }
                    self.id(value.trim(), self.attr_offset(offset, key));
                }
                "type" => kind = Some(value.trim().to_string()),
                k if POINTER_ATTRIBUTES.contains(&k) => {
                    let at = self.attr_offset(offset, key);
                    for token in value.split_whitespace() {
                        if let Some(id) = token.strip_prefix('#') {
                            self.pointers.push(Pointer {
                                id: id.to_string(),
                                attribute: key.to_string(),
                                element: qname.clone(),
                                offset: at,
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        if local == "idno" && kind.as_deref() == Some("sha256") {
            self.checksum_start(offset, empty);
        }
        if !empty {
            self.stack.push(Open {
                name: local,
                qname,
                kind,
                offset,
            });
        }
        Ok(())
    }

    /// The root element: the only one, and `<TEI>` in the TEI namespace.
    fn root(
        &mut self,
        qname: &str,
        local: &str,
        ns: &ResolveResult<'_>,
        offset: usize,
    ) -> Result<(), ScanError> {
        if self.root_seen {
            return Err((
                offset,
                format!("<{qname}> after the root element: a document has one root"),
            ));
        }
        self.root_seen = true;
        let in_tei = *ns == ResolveResult::Bound(Namespace(TEI_NS));
        if local != "TEI" || !in_tei {
            let ns_text = match ns {
                ResolveResult::Bound(n) => format!("namespace {}", n.0),
                _ => "no namespace".to_string(),
            };
            self.diagnostics.push(
                Diagnostic::new(
                    codes::TEI_NAMESPACE,
                    self.at(offset),
                    format!("the root is <{qname}> in {ns_text}; a TEI document's root is <TEI> in namespace {TEI_NS}"),
                )
                .with_help(format!("declare xmlns=\"{TEI_NS}\" on a <TEI> root")),
            );
        }
        Ok(())
    }

    /// A checksum `idno` in the places the header gives the source's SHA-256: its value is
    /// captured until the element ends.
    fn checksum_start(&mut self, offset: usize, empty: bool) {
        let place = match self.stack.last() {
            Some(p) if p.name == "publicationStmt" => Some(ChecksumPlace::PublicationStmt),
            Some(p) if p.name == "bibl" && p.kind.as_deref() == Some("received-file") => {
                Some(ChecksumPlace::ReceivedFile)
            }
            _ => None,
        };
        if let Some(place) = place {
            if empty {
                self.checksums.push(Checksum {
                    place,
                    value: String::new(),
                    location: self.at(offset),
                });
            } else {
                self.capture = Some(Capture {
                    place,
                    value: String::new(),
                    offset,
                    depth: self.stack.len() + 1,
                });
            }
        }
    }

    /// Records an `xml:id`, reporting it when it is already taken.
    fn id(&mut self, id: &str, offset: usize) {
        if let Some(first) = self.ids.get(id) {
            let (line, _) = crate::diagnostic::line_column(self.text, *first);
            self.diagnostics.push(
                Diagnostic::new(
                    codes::DUPLICATE_ID,
                    self.at(offset),
                    format!("xml:id=\"{id}\" is used twice; first at line {line}"),
                )
                .with_help("an xml:id names one element; rename one of them and its pointers"),
            );
        } else {
            self.ids.insert(id.to_string(), offset);
        }
    }

    /// Where attribute `key` stands in the tag that starts at `tag`: the tag itself when it
    /// cannot be found.
    fn attr_offset(&self, tag: usize, key: &str) -> usize {
        let rest = &self.text[tag..];
        let mut from = 0;
        while let Some(i) = rest[from..].find(key) {
            let at = from + i;
            let before = rest[..at].chars().next_back();
            let after = rest[at + key.len()..].trim_start().starts_with('=');
            if before.is_some_and(char::is_whitespace) && after {
                return tag + at;
            }
            from = at + key.len();
        }
        tag
    }

    /// Resolves the pointers and returns what was found, in document order.
    fn finish(mut self) -> Checked {
        for p in std::mem::take(&mut self.pointers) {
            if !self.ids.contains_key(&p.id) {
                self.diagnostics.push(
                    Diagnostic::new(
                        codes::POINTER_UNRESOLVED,
                        self.at(p.offset),
                        format!(
                            "{}/@{} points at #{}, but no element has xml:id=\"{}\"",
                            p.element, p.attribute, p.id, p.id
                        ),
                    )
                    .with_help("add the xml:id to the element meant, or correct the pointer"),
                );
            }
        }
        self.diagnostics
            .sort_by_key(|d| d.location.offset.unwrap_or_default());
        Checked {
            diagnostics: self.diagnostics,
            well_formed: true,
            root_id: self.root_id,
            checksums: self.checksums,
        }
    }
}

/// Compares the SHA-256s in a document's header with what the archive records for the edition
/// named by the root's `xml:id` (`edition.toml`'s `received.sha256`) and with the digest of
/// its `source.txt`. A document that gives no SHA-256 (the register) is not an edition and
/// has nothing to compare.
pub fn check_checksums(checked: &Checked, archive: &Archive) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if checked.checksums.is_empty() {
        return out;
    }
    let id = checked.root_id.as_deref().unwrap_or_default();
    let Some(edition) = archive.editions.iter().find(|e| e.id == id) else {
        let first = &checked.checksums[0];
        out.push(
            Diagnostic::new(
                codes::CHECKSUM_IDNO,
                first.location.clone(),
                format!(
                    "the header gives SHA-256 {}, but this archive has no edition '{id}' (the \
                     root's xml:id) to compare it with",
                    first.value
                ),
            )
            .with_help(
                "validate the file in the archive it was built from (--archive DIR), or \
                 rebuild it with `editio build`",
            ),
        );
        return out;
    };
    let recorded = edition
        .record
        .as_ref()
        .map(|r| r.received.sha256.to_ascii_lowercase());
    // A missing or unreadable source is `editio check`'s finding (ED301), not this one's.
    let actual = digest::sha256_file(&edition.source_path())
        .ok()
        .map(|(_, sha)| sha);
    for c in &checked.checksums {
        let value = c.value.to_ascii_lowercase();
        let record_differs = recorded.as_deref().filter(|r| *r != value);
        let source_differs = actual.as_deref().filter(|a| *a != value);
        let against = match (record_differs, source_differs) {
            (None, None) => continue,
            (Some(r), Some(a)) if r == a => {
                format!("edition.toml records, and source.txt has, {r}")
            }
            (Some(r), Some(a)) => format!("edition.toml records {r}, and source.txt has {a}"),
            (Some(r), None) => format!("edition.toml records {r}"),
            (None, Some(a)) => format!("edition.toml agrees, but source.txt now has {a}"),
        };
        let shown = if c.value.is_empty() {
            "nothing"
        } else {
            &c.value
        };
        out.push(
            Diagnostic::new(
                codes::CHECKSUM_IDNO,
                c.location.clone(),
                format!("{} gives {shown}; {against}", c.place.xpath()),
            )
            .with_help(
                "the TEI must encode the source as recorded: rebuild it with `editio build`, \
                 and run `editio check` if source.txt changed",
            )
            .for_edition(id),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes_and_lines(text: &str) -> Vec<(&'static str, usize)> {
        check(Path::new("t.xml"), text.as_bytes())
            .diagnostics
            .iter()
            .map(|d| (d.code.id, d.location.line.unwrap_or(0)))
            .collect()
    }

    const GOOD: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="doc">
  <teiHeader>
    <fileDesc>
      <publicationStmt>
        <idno type="sha256">ab&#x63;</idno>
      </publicationStmt>
      <sourceDesc><bibl type="received-file"><idno type="sha256"><![CDATA[def]]></idno></bibl></sourceDesc>
    </fileDesc>
  </teiHeader>
  <text><body><p xml:id="p1" corresp="#doc  #p1">A &amp; B <ref target="https://x.test/#frag">x</ref></p></body></text>
</TEI>
"##;

    #[test]
    fn a_sound_document_has_no_findings_and_gives_its_checksums() {
        let checked = check(Path::new("t.xml"), GOOD.as_bytes());
        assert!(checked.well_formed);
        assert_eq!(checked.diagnostics, vec![]);
        assert_eq!(checked.root_id.as_deref(), Some("doc"));
        let sums: Vec<_> = checked
            .checksums
            .iter()
            .map(|c| (c.place, c.value.as_str(), c.location.line))
            .collect();
        assert_eq!(
            sums,
            vec![
                (ChecksumPlace::PublicationStmt, "abc", Some(6)),
                (ChecksumPlace::ReceivedFile, "def", Some(8)),
            ]
        );
    }

    #[test]
    fn malformed_xml_is_reported_with_its_line() {
        let bad = "<TEI xmlns=\"http://www.tei-c.org/ns/1.0\">\n<text>\n<p>x</text>\n</TEI>\n";
        assert_eq!(codes_and_lines(bad), vec![("ED409", 3)]);
        let open = "<TEI xmlns=\"http://www.tei-c.org/ns/1.0\">\n<text>\n";
        assert_eq!(codes_and_lines(open), vec![("ED409", 3)]);
        let entity = "<TEI xmlns=\"http://www.tei-c.org/ns/1.0\">\n&nbsp;</TEI>";
        assert_eq!(codes_and_lines(entity), vec![("ED409", 2)]);
        let two_roots = "<TEI xmlns=\"http://www.tei-c.org/ns/1.0\"/>\n<TEI/>";
        assert_eq!(codes_and_lines(two_roots), vec![("ED409", 2)]);
        let dup_attr = "<TEI xmlns=\"http://www.tei-c.org/ns/1.0\">\n<p n=\"1\" n=\"2\"/></TEI>";
        assert_eq!(codes_and_lines(dup_attr), vec![("ED409", 2)]);
        let prefix = "<TEI xmlns=\"http://www.tei-c.org/ns/1.0\">\n<x:p/></TEI>";
        assert_eq!(codes_and_lines(prefix), vec![("ED409", 2)]);
        assert_eq!(codes_and_lines(""), vec![("ED409", 1)]);
        let latin1 = b"<TEI>\n\xe9</TEI>";
        let checked = check(Path::new("t.xml"), latin1);
        assert_eq!(checked.diagnostics[0].code.id, "ED409");
        assert_eq!(checked.diagnostics[0].location.line, Some(2));
    }

    #[test]
    fn the_root_must_be_tei_in_the_tei_namespace() {
        assert_eq!(
            codes_and_lines("<?xml version=\"1.0\"?>\n<TEI><text/></TEI>"),
            vec![("ED410", 2)]
        );
        assert_eq!(
            codes_and_lines("<tei:teiCorpus xmlns:tei=\"http://www.tei-c.org/ns/1.0\"/>"),
            vec![("ED410", 1)]
        );
        assert_eq!(
            codes_and_lines("<tei:TEI xmlns:tei=\"http://www.tei-c.org/ns/1.0\"/>"),
            vec![]
        );
    }

    #[test]
    fn duplicate_ids_and_dangling_pointers_are_found_where_they_stand() {
        let text = "<TEI xmlns=\"http://www.tei-c.org/ns/1.0\" xml:id=\"a\">\n\
                    <p xml:id=\"b\"/>\n\
                    <p   xml:id=\"b\"/>\n\
                    <note resp=\"#a #gone\" target=\"http://x/#y\">n</note>\n\
                    <ref target=\"#\">t</ref>\n\
                    </TEI>";
        let checked = check(Path::new("t.xml"), text.as_bytes());
        let found: Vec<_> = checked
            .diagnostics
            .iter()
            .map(|d| (d.code.id, d.location.line, d.location.column))
            .collect();
        assert_eq!(
            found,
            vec![
                ("ED411", Some(3), Some(6)),
                ("ED412", Some(4), Some(7)),
                ("ED412", Some(5), Some(6)),
            ]
        );
        assert!(checked.diagnostics[1].message.contains("#gone"));
        assert!(checked.diagnostics[0].message.contains("first at line 2"));
    }
}
