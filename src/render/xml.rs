//! A thin layer over quick-xml's writer for the XML editio writes: element-only content is
//! indented two spaces a level; mixed content (a paragraph's text and markup) is written on one
//! line with no whitespace added, so the text is exactly what the model holds.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesPI, BytesStart, BytesText, Event};
use std::borrow::Cow;

/// Writing to memory cannot fail; this names that assumption once.
fn mem<T>(r: std::io::Result<T>) -> T {
    r.expect("writing XML to memory cannot fail")
}

fn start<'a>(name: &'a str, attrs: &[(&str, &str)]) -> BytesStart<'a> {
    let mut e = BytesStart::new(name);
    for (k, v) in attrs {
        e.push_attribute((*k, *v));
    }
    e
}

/// Every `@type` value the elements of a document were written with (`@reason` on `gap`;
/// `title`'s `@subtype` too, as `subtype VALUE`), by element name, in order of first use, as
/// they stand in the document (escaped).
pub type TypesUsed = std::collections::BTreeMap<String, Vec<String>>;

/// Notes down what [`TypesUsed`] holds of one element being written.
fn note_types(types: &mut Option<TypesUsed>, name: &str, attrs: &[(&str, &str)]) {
    let Some(types) = types else {
        return;
    };
    let gi = name.rsplit(':').next().unwrap_or(name);
    let key = if gi == "gap" { "reason" } else { "type" };
    let mut note = |value: String| match types.get_mut(gi) {
        Some(list) => {
            if !list.contains(&value) {
                list.push(value);
            }
        }
        None => {
            types.insert(gi.to_string(), vec![value]);
        }
    };
    if let Some((_, v)) = attrs.iter().find(|(k, _)| *k == key) {
        note(quick_xml::escape::escape(*v).into_owned());
    }
    if gi == "title"
        && let Some((_, v)) = attrs.iter().find(|(k, _)| *k == "subtype")
    {
        note(format!("subtype {}", quick_xml::escape::escape(*v)));
    }
}

/// An XML document being written, indented.
pub struct Xml {
    w: Writer<Vec<u8>>,
    /// With [`Xml::noting_types`]: the types used so far.
    types: Option<TypesUsed>,
}

impl Default for Xml {
    fn default() -> Self {
        Self::new()
    }
}

impl Xml {
    pub fn new() -> Self {
        Xml {
            w: Writer::new_with_indent(Vec::new(), b' ', 2),
            types: None,
        }
    }

    /// A document that notes down the types its elements use (see [`Xml::finish_with_types`]).
    pub fn noting_types() -> Self {
        Xml {
            types: Some(TypesUsed::new()),
            ..Xml::new()
        }
    }

    /// The XML declaration.
    pub fn decl(&mut self) {
        mem(self
            .w
            .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None))));
    }

    /// A processing instruction, such as `xml-model`.
    pub fn pi(&mut self, content: &str) {
        mem(self.w.write_event(Event::PI(BytesPI::new(content))));
    }

    pub fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        note_types(&mut self.types, name, attrs);
        mem(self.w.write_event(Event::Start(start(name, attrs))));
    }

    pub fn close(&mut self, name: &str) {
        mem(self.w.write_event(Event::End(BytesEnd::new(name))));
    }

    pub fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        note_types(&mut self.types, name, attrs);
        mem(self.w.write_event(Event::Empty(start(name, attrs))));
    }

    /// An element holding only text, on one line.
    pub fn leaf(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.mixed(name, attrs, |m| m.text(text));
    }

    /// An element with mixed content, written on one line by `f`.
    pub fn mixed(&mut self, name: &str, attrs: &[(&str, &str)], f: impl FnOnce(&mut Mixed<'_>)) {
        mem(self.w.write_indent());
        let mut inner = Mixed {
            w: Writer::new(self.w.get_mut()),
            types: &mut self.types,
        };
        inner.open(name, attrs);
        f(&mut inner);
        inner.close(name);
    }

    /// The document's bytes, ending with a newline.
    pub fn finish(self) -> Vec<u8> {
        self.finish_with_types().0
    }

    /// [`Xml::finish`], with the types noted (none unless made by [`Xml::noting_types`]).
    pub fn finish_with_types(self) -> (Vec<u8>, TypesUsed) {
        let mut out = self.w.into_inner();
        out.push(b'\n');
        (out, self.types.unwrap_or_default())
    }
}

/// Mixed content: nothing is added between the pieces.
pub struct Mixed<'a> {
    w: Writer<&'a mut Vec<u8>>,
    types: &'a mut Option<TypesUsed>,
}

impl Mixed<'_> {
    pub fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        note_types(self.types, name, attrs);
        mem(self.w.write_event(Event::Start(start(name, attrs))));
    }

    pub fn close(&mut self, name: &str) {
        mem(self.w.write_event(Event::End(BytesEnd::new(name))));
    }

    pub fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        note_types(self.types, name, attrs);
        mem(self.w.write_event(Event::Empty(start(name, attrs))));
    }

    /// Text, escaped.
    pub fn text(&mut self, text: &str) {
        if !text.is_empty() {
            // Only `<`, `>` and `&` need escaping in text; quotes stay readable.
            let escaped = escape_text(text);
            mem(self
                .w
                .write_event(Event::Text(BytesText::from_escaped(escaped))));
        }
    }

    /// An element holding only text.
    pub fn leaf(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.open(name, attrs);
        self.text(text);
        self.close(name);
    }
}

/// `text` escaped as [`quick_xml::escape::partial_escape`] does (`&`, `<`, `>` and carriage
/// returns; quotes stay readable). Most texts have none of them, which a vectorised search
/// finds before any byte is looked at one by one.
pub(crate) fn escape_text(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    if memchr::memchr3(b'&', b'<', b'>', b).is_none() && memchr::memchr(b'\r', b).is_none() {
        Cow::Borrowed(text)
    } else {
        quick_xml::escape::partial_escape(text)
    }
}

/// `value` escaped for an attribute, as [`quick_xml::escape::escape`] does (`&`, `<`, `>`,
/// both quotes and carriage returns), with the same vectorised search first.
pub(crate) fn escape_value(value: &str) -> Cow<'_, str> {
    let b = value.as_bytes();
    if memchr::memchr3(b'&', b'<', b'>', b).is_none()
        && memchr::memchr3(b'"', b'\'', b'\r', b).is_none()
    {
        Cow::Borrowed(value)
    } else {
        quick_xml::escape::escape(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The searches first change nothing: the same escaping as quick-xml's, for any text.
        #[test]
        fn escaping_is_quick_xmls(text in "[a-z<>&'\"\r\n é—]{0,40}") {
            prop_assert_eq!(escape_text(&text), quick_xml::escape::partial_escape(text.as_str()));
            prop_assert_eq!(escape_value(&text), quick_xml::escape::escape(text.as_str()));
        }
    }

    #[test]
    fn mixed_content_gets_no_whitespace_and_text_is_escaped() {
        let mut x = Xml::new();
        x.open("div", &[]);
        x.mixed("p", &[("n", "1")], |m| {
            m.leaf("hi", &[], "A&B");
            m.text(" <script> ");
            m.empty("lb", &[]);
        });
        x.close("div");
        let out = String::from_utf8(x.finish()).unwrap();
        assert_eq!(
            out,
            "<div>\n  <p n=\"1\"><hi>A&amp;B</hi> &lt;script&gt; <lb/></p>\n</div>\n"
        );
    }
}
