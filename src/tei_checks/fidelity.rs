//! Fidelity: the text of a TEI document must reproduce its source. Every character of the
//! (normalized) source is in the TEI text, or inside a `<sic>`, or in the description of a
//! declared omission, or (the mark of one of the original's notes) in the `@n` of a
//! `<note type="authorial">`; nothing editorial (`<corr>`, other notes, supplied heads,
//! excerpt gaps) counts as text.
//! Blocks are compared in order, separated by one line break; a source's blank lines are
//! separators, not text.

use crate::diagnostic::{Diagnostic, Location, codes};
use quick_xml::Reader;
use quick_xml::events::Event;

/// Elements whose whole content is editorial, not source text.
const EDITORIAL: &[&str] = &["corr", "note", "teiHeader", "standOff"];
/// Elements that hold one block of the source each.
const BLOCKS: &[&str] = &["p", "head", "titlePart"];

/// The source's text as the TEI should reproduce it: lines that hold only whitespace dropped,
/// the rest joined by single line breaks.
pub fn expected_text(source: &str) -> String {
    source
        .split('\n')
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The source text a TEI document holds, block by block, joined by line breaks.
pub fn tei_text(tei: &[u8]) -> Result<String, (usize, String)> {
    // Events borrow from the document itself (nothing is copied into a buffer); text is
    // decoded only where it is source text, not in the header or the register's entries.
    let mut reader = Reader::from_reader(tei);
    reader.config_mut().trim_text(false);
    let mut state = TextState::default();
    loop {
        let pos = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| (pos, e.to_string()))?;
        match event {
            Event::Eof => break,
            Event::Start(e) => state.start(&e),
            Event::End(e) => state.end(e.local_name().as_ref()),
            Event::Empty(e) if e.local_name().as_ref() == "lb" => state.push("\n"),
            Event::Text(t) if state.collecting() => state.push(&t.xml10_content()),
            Event::GeneralRef(r) if state.collecting() => {
                let ch = r
                    .resolve_char_ref()
                    .ok()
                    .flatten()
                    .map(String::from)
                    .or_else(|| {
                        quick_xml::escape::resolve_predefined_entity(&r).map(str::to_string)
                    })
                    .unwrap_or_default();
                state.push(&ch);
            }
            _ => {}
        }
    }
    Ok(state.blocks.join("\n"))
}

/// Where a reading of a TEI document's source text stands.
#[derive(Default)]
struct TextState {
    blocks: Vec<String>,
    current: Option<String>,
    skip_depth: usize,
    /// Inside a gap: Some(true) when it is a declared omission whose desc is source text.
    gap: Option<bool>,
    in_omitted_desc: bool,
}

impl TextState {
    fn collecting(&self) -> bool {
        collecting(self.skip_depth, self.gap, self.in_omitted_desc)
    }

    /// Source text at this point, if it is source text.
    fn push(&mut self, text: &str) {
        if self.collecting()
            && let Some(c) = self.current.as_mut()
        {
            c.push_str(text);
        }
    }

    fn start(&mut self, e: &quick_xml::events::BytesStart<'_>) {
        let name = e.local_name();
        let name = name.as_ref();
        let attr = |key: &str| {
            e.try_get_attribute(key).ok().flatten().map(|a| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map(|v| v.into_owned())
                    .unwrap_or_default()
            })
        };
        let collecting = self.collecting();
        if self.skip_depth == 0
            && name == "note"
            && attr("type").as_deref() == Some("authorial")
            && collecting
            && let (Some(c), Some(mark)) = (self.current.as_mut(), attr("n"))
        {
            // The original's note: its mark is source text, its content is not there.
            c.push_str(&mark);
            self.skip_depth += 1;
        } else if self.skip_depth > 0
            || EDITORIAL.contains(&name)
            || (name == "head" && attr("type").as_deref() == Some("supplied"))
        {
            self.skip_depth += 1;
        } else if name == "gap" {
            let omitted = e
                .try_get_attribute("reason")
                .ok()
                .flatten()
                .is_some_and(|a| a.value.as_ref() == "omitted");
            self.gap = Some(omitted);
        } else if name == "desc" && self.gap == Some(true) {
            self.in_omitted_desc = true;
            self.current = Some(String::new());
        } else if BLOCKS.contains(&name) {
            self.current = Some(String::new());
        }
    }

    fn end(&mut self, name: &str) {
        if self.skip_depth > 0 {
            self.skip_depth -= 1;
        } else if name == "gap" {
            self.gap = None;
        } else if (name == "desc" && self.in_omitted_desc) || BLOCKS.contains(&name) {
            self.in_omitted_desc = false;
            self.blocks.extend(self.current.take());
        }
    }
}

/// Whether text at this point is source text: not inside editorial elements, and inside a
/// gap only in a declared omission's description.
fn collecting(skip_depth: usize, gap: Option<bool>, in_omitted_desc: bool) -> bool {
    skip_depth == 0 && (gap.is_none() || in_omitted_desc)
}

/// Compares a TEI document with its normalized source. Returns a finding for the first place
/// they differ (locations name the TEI's byte offset or the source's line and column).
pub fn check(tei: &[u8], source: &str) -> Vec<Diagnostic> {
    let got = match tei_text(tei) {
        Ok(t) => t,
        Err((offset, message)) => {
            return vec![Diagnostic::new(
                codes::XML_MALFORMED,
                Location {
                    path: "tei".into(),
                    line: None,
                    column: None,
                    offset: Some(offset),
                },
                message,
            )];
        }
    };
    let want = expected_text(source);
    if got == want {
        return Vec::new();
    }
    let at = got
        .char_indices()
        .zip(want.chars())
        .find(|((_, g), w)| g != w)
        .map_or(got.len().min(want.len()), |((i, _), _)| i);
    let context = |s: &str| {
        let start = s.floor_char_boundary(at.saturating_sub(30));
        let end = s.ceil_char_boundary((at + 30).min(s.len()));
        s[start..end].replace('\n', "⏎")
    };
    let (line, column) = crate::diagnostic::line_column(&want, at);
    vec![
        Diagnostic::new(
            codes::FIDELITY,
            Location {
                path: "source.txt".into(),
                line: Some(line),
                column: Some(column),
                offset: None,
            },
            format!(
                "the TEI text differs from the source here: source “{}”, TEI “{}”",
                context(&want),
                context(&got)
            ),
        )
        .with_help(
            "this is a bug in editio's passes or renderer: please report it with the source",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::register::Register;
    use crate::model::{Config, Edition, Record};
    use crate::passes::Pipeline;
    use crate::render::{RenderContext, tei};
    use proptest::prelude::*;

    fn record() -> Record {
        toml::from_str(
            r#"
id = "p"
title = "P & <Q>"
language = "en"
[source]
kind = "book"
title = { value = "A “title” & <more>", cert = "confirmed" }
[received]
file_name = "p.txt"
date = { cert = "unknown" }
by = { cert = "unknown" }
route = { cert = "unknown" }
size = 0
sha256 = "00"
[rights]
source = { cert = "unknown" }
"#,
        )
        .unwrap()
    }

    fn config() -> Config {
        toml::from_str(
            "[archive]\nname = \"A\"\norganisation = \"O\"\nlicence = \"CC0-1.0\"\nbase_uri = \"urn:x:\"\n[archive.contact]\nname = \"C\"\n",
        )
        .unwrap()
    }

    /// Runs the whole pipeline and renders TEI.
    fn tei_of(text: &str) -> (Vec<u8>, String) {
        let register = Register::default();
        let mut e = Edition::new(
            "p".into(),
            record(),
            "p/source.txt".into(),
            text.to_string(),
        );
        Pipeline::new(&register).run(&mut e);
        let config = config();
        let ctx = RenderContext {
            config: &config,
            register: &register,
        };
        (tei::render(&e, &ctx), e.text)
    }

    /// Reads every event of the document: it must be well-formed.
    fn well_formed(xml: &[u8]) -> bool {
        let mut r = quick_xml::Reader::from_reader(xml);
        let mut buf = Vec::new();
        let mut depth = 0i64;
        loop {
            match r.read_event_into(&mut buf) {
                Ok(quick_xml::events::Event::Eof) => return depth == 0,
                Ok(quick_xml::events::Event::Start(_)) => depth += 1,
                Ok(quick_xml::events::Event::End(_)) => depth -= 1,
                Ok(_) => {}
                Err(_) => return false,
            }
            buf.clear();
        }
    }

    #[test]
    fn hard_characters_round_trip() {
        let text = "A <b>&amp; “quoted” & 'x' \"y\"\n\n\nשלום עולם — مرحبا\ne\u{301}te\u{301}\r\nTHE END.12 [3] ¹⁴\n   \n";
        let (xml, normalized) = tei_of(text);
        assert!(well_formed(&xml), "{}", String::from_utf8_lossy(&xml));
        assert_eq!(tei_text(&xml).unwrap(), expected_text(&normalized));
        assert!(
            normalized.contains("été"),
            "NFC composes e + combining acute"
        );
        assert!(!normalized.contains('\r'));
    }

    /// A word changed in the text is reported, at the block where it differs; editorial
    /// text (the header) can change without touching the text.
    #[test]
    fn a_word_changed_in_the_text_is_found_and_the_header_is_no_text() {
        let (xml, normalized) = tei_of("The first line.\n\nThe second line & more.\n");
        assert_eq!(check(&xml, &normalized), Vec::new());
        let doc = String::from_utf8(xml).unwrap();
        let body = doc.find("<text").unwrap();
        let (head, text) = doc.split_at(body);
        assert!(text.contains("second line"), "{text}");

        let changed = format!("{head}{}", text.replacen("second line", "secund line", 1));
        let found = check(changed.as_bytes(), &normalized);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].code, codes::FIDELITY);

        let title = "P &amp; &lt;Q&gt;";
        assert!(head.contains(title), "{head}");
        let header = format!("{}{text}", head.replacen(title, "P &amp; &lt;R&gt;", 1));
        assert_eq!(check(header.as_bytes(), &normalized), Vec::new());
    }

    proptest! {
        // Failing seeds are kept with the other test fixtures and re-run first.
        #![proptest_config(ProptestConfig {
            cases: 200,
            failure_persistence: Some(Box::new(
                proptest::test_runner::FileFailurePersistence::Direct(
                    "tests/fixtures/proptest/fidelity.txt",
                ),
            )),
            ..ProptestConfig::default()
        })]

        #[test]
        fn any_text_gives_well_formed_xml_whose_text_round_trips(
            text in proptest::collection::vec(
                prop_oneof![
                    Just("<".to_string()), Just(">".to_string()), Just("&".to_string()),
                    Just("&amp;".to_string()), Just("\"".to_string()), Just("'".to_string()),
                    Just("\n".to_string()), Just("\n\n".to_string()), Just("\r\n".to_string()),
                    Just(" ".to_string()), Just("\t".to_string()), Just(".12".to_string()),
                    Just("[7]".to_string()), Just("¹²".to_string()), Just("\u{301}".to_string()),
                    Just("שלום".to_string()), Just("مرحبا".to_string()), Just("‏".to_string()),
                    Just("THE HEADING".to_string()), Just("http://x.org/a?b=1&c=2".to_string()),
                    Just("Translated by X".to_string()), Just("Leave a comment".to_string()),
                    "[a-zA-Z0-9 ,.;:!?()“”‘’—–…-]{0,40}",
                    "\\PC{0,8}",
                    "[a-z]{200,400}",
                ],
                0..40,
            ).prop_map(|parts| parts.concat())
        ) {
            let (xml, normalized) = tei_of(&text);
            prop_assert!(well_formed(&xml), "not well-formed for {:?}", text);
            let got = tei_text(&xml).unwrap();
            prop_assert_eq!(got, expected_text(&normalized));
        }
    }
}
