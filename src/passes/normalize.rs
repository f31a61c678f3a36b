//! Pass 1, normalize: the source as decoded when it was loaded ([`crate::load::source`]),
//! with CR LF and CR turned into LF, and composed to Unicode NFC. Typographic quotes, dashes and ellipses stay as they are.
//! Characters XML 1.0 forbids are an error naming their offset; they are never dropped.

use super::Pass;
use crate::diagnostic::{Diagnostic, Location, codes};
use crate::model::Edition;
use unicode_normalization::{UnicodeNormalization, is_nfc_quick};

pub struct Normalize;

impl Pass for Normalize {
    fn name(&self) -> &'static str {
        "normalize"
    }

    fn run(&self, edition: &mut Edition) {
        let decoded = edition.decoded.as_str();
        // The first few are listed one by one; the rest, often a file that is not text at
        // all, in one finding.
        const LISTED: usize = 5;
        let bad: Vec<(usize, char)> = decoded
            .char_indices()
            .filter(|(_, c)| !is_xml_char(*c))
            .collect();
        let forbidden = !bad.is_empty();
        let help = "the source is kept as received; record a corrected copy with `editio receive`";
        for &(offset, c) in bad.iter().take(LISTED) {
            edition.findings.push(
                Diagnostic::new(
                    codes::CHAR_FORBIDDEN,
                    Location::at_offset(&edition.source_path, decoded, offset),
                    format!(
                        "U+{:04X} at byte offset {offset} is not allowed in XML 1.0",
                        c as u32
                    ),
                )
                .with_help(help),
            );
        }
        if let Some(&(offset, _)) = bad.get(LISTED) {
            let mut kinds: Vec<char> = bad[LISTED..].iter().map(|(_, c)| *c).collect();
            kinds.sort_unstable();
            kinds.dedup();
            let names: Vec<String> = kinds
                .iter()
                .take(8)
                .map(|c| format!("U+{:04X}", *c as u32))
                .collect();
            edition.findings.push(
                Diagnostic::new(
                    codes::CHAR_FORBIDDEN,
                    Location::at_offset(&edition.source_path, decoded, offset),
                    format!(
                        "and {} more characters XML 1.0 does not allow, from byte offset {offset} on ({}{})",
                        bad.len() - LISTED,
                        names.join(", "),
                        if kinds.len() > 8 { ", …" } else { "" }
                    ),
                )
                .with_help(help),
            );
        }
        if forbidden {
            return;
        }
        let mut text = decoded;
        if let Some(rest) = text.strip_prefix('\u{feff}') {
            edition.log.bom_removed = true;
            text = rest;
        }
        let crlf = text.matches("\r\n").count();
        let cr = text.matches('\r').count() - crlf;
        edition.log.line_endings_normalized = crlf + cr;
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        edition.text = if is_nfc_quick(text.chars()) == unicode_normalization::IsNormalized::Yes {
            text
        } else {
            let nfc: String = text.nfc().collect();
            edition.log.nfc_changes = count_changes(&text, &nfc);
            nfc
        };
    }
}

/// Whether XML 1.0 allows the character (production `Char`).
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// A rough count of characters that NFC changed: the difference in length, or 1 if the
/// strings differ at the same length.
fn count_changes(before: &str, after: &str) -> usize {
    let (b, a) = (before.chars().count(), after.chars().count());
    if b != a {
        b.abs_diff(a)
    } else {
        usize::from(before != after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_chars() {
        assert!(is_xml_char('a') && is_xml_char('\n') && is_xml_char('“'));
        assert!(!is_xml_char('\u{0}') && !is_xml_char('\u{1b}') && !is_xml_char('\u{FFFE}'));
    }
}
