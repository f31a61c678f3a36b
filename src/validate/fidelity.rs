//! Fidelity: the text of a TEI document must reproduce its source. Every character of the
//! (normalized) source is in the TEI text, or inside a `<sic>`, or in the description of a
//! declared omission; nothing editorial (`<corr>`, `<note>`, excerpt gaps) counts as text.
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
    let mut reader = Reader::from_reader(tei);
    reader.config_mut().trim_text(false);
    let mut blocks: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    let mut skip_depth = 0usize;
    // Inside a gap: Some(true) when it is a declared omission whose desc is source text.
    let mut gap: Option<bool> = None;
    let mut in_omitted_desc = false;
    let mut buf = Vec::new();
    loop {
        let pos = reader.buffer_position() as usize;
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| (pos, e.to_string()))?;
        match event {
            Event::Eof => break,
            Event::Start(e) => {
                let name = e.local_name();
                let name = name.as_ref();
                if skip_depth > 0 || EDITORIAL.contains(&name) {
                    skip_depth += 1;
                } else if name == "gap" {
                    let omitted = e
                        .try_get_attribute("reason")
                        .ok()
                        .flatten()
                        .is_some_and(|a| a.value.as_ref() == "omitted");
                    gap = Some(omitted);
                } else if name == "desc" && gap == Some(true) {
                    in_omitted_desc = true;
                    current = Some(String::new());
                } else if BLOCKS.contains(&name) {
                    current = Some(String::new());
                }
            }
            Event::End(e) => {
                let name = e.local_name();
                let name = name.as_ref();
                if skip_depth > 0 {
                    skip_depth -= 1;
                } else if name == "gap" {
                    gap = None;
                } else if (name == "desc" && in_omitted_desc) || BLOCKS.contains(&name) {
                    in_omitted_desc = false;
                    blocks.extend(current.take());
                }
            }
            Event::Empty(e) if e.local_name().as_ref() == "lb" => {
                if let (true, Some(c)) = (
                    collecting(skip_depth, gap, in_omitted_desc),
                    current.as_mut(),
                ) {
                    c.push('\n');
                }
            }
            Event::Text(t) => {
                if let (true, Some(c)) = (
                    collecting(skip_depth, gap, in_omitted_desc),
                    current.as_mut(),
                ) {
                    c.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let (true, Some(c)) = (
                    collecting(skip_depth, gap, in_omitted_desc),
                    current.as_mut(),
                ) {
                    let ch = r
                        .resolve_char_ref()
                        .ok()
                        .flatten()
                        .map(String::from)
                        .or_else(|| {
                            quick_xml::escape::resolve_predefined_entity(&r).map(str::to_string)
                        })
                        .unwrap_or_default();
                    c.push_str(&ch);
                }
            }
            _ => {}
        }
        buf.clear();
    }
    Ok(blocks.join("\n"))
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
