//! Pass 4, corrections: the editor's corrections from the record become
//! `<choice><sic>/<corr>`; editorial notes are placed after their phrase. Likely slips that
//! are not corrected (a digit inside a word) are suggested to the editor, never applied.

use super::Pass;
use crate::diagnostic::{Diagnostic, Location, codes};
use crate::model::{Edition, Inline};

pub struct Corrections;

impl Pass for Corrections {
    fn name(&self) -> &'static str {
        "corrections"
    }

    fn run(&self, edition: &mut Edition) {
        let record_path = edition.source_path.with_file_name("edition.toml");
        apply_corrections(edition, &record_path);
        place_notes(edition, &record_path);
        suggest_slips(edition);
    }
}

/// Each recorded correction becomes a `choice` where its `sic` stands as a whole word (only at
/// its `occurrence` when it gives one); a correction found nowhere is ED403.
fn apply_corrections(edition: &mut Edition, record_path: &std::path::Path) {
    for (index, corr) in edition.record.corrections.clone().iter().enumerate() {
        let mut seen = 0;
        let mut applied = 0;
        for block in &mut edition.blocks {
            super::map_text(&mut block.inlines, |text| {
                if text.is_empty() {
                    return Some(Vec::new());
                }
                let mut out = Vec::new();
                let mut rest_start = 0;
                let mut changed = false;
                for (pos, _) in text.match_indices(corr.sic.as_str()) {
                    let end = pos + corr.sic.len();
                    if pos < rest_start || !super::is_whole_word(text, pos, end) {
                        continue;
                    }
                    seen += 1;
                    if corr.occurrence.is_some_and(|o| o != seen) {
                        continue;
                    }
                    super::push_text(&mut out, &text[rest_start..pos]);
                    out.push(Inline::Choice {
                        sic: corr.sic.clone(),
                        corr: corr.corr.clone(),
                        correction: index,
                    });
                    applied += 1;
                    changed = true;
                    rest_start = end;
                }
                if !changed {
                    return None;
                }
                super::push_text(&mut out, &text[rest_start..]);
                Some(out)
            });
        }
        if applied == 0 {
            let which = corr
                .occurrence
                .map_or(String::new(), |o| format!(" (occurrence {o})"));
            edition.findings.push(
                Diagnostic::new(
                    codes::CORRECTION_NOT_FOUND,
                    Location::file(record_path),
                    format!("correction '{}' → '{}': '{}'{which} is not in the text as a whole word ({seen} found)", corr.sic, corr.corr, corr.sic),
                )
                .with_help("copy `sic` exactly from source.txt"),
            );
        }
        edition.log.corrections_applied.push((index, applied));
    }
}

/// Each editorial note is placed after the words it comments on; a phrase found nowhere is ED404.
fn place_notes(edition: &mut Edition, record_path: &std::path::Path) {
    for (index, note) in edition.record.notes.clone().iter().enumerate() {
        let want = note.occurrence.unwrap_or(1);
        let mut seen = 0;
        let mut placed = false;
        for block in &mut edition.blocks {
            if placed {
                break;
            }
            super::map_text(&mut block.inlines, |text| {
                if placed {
                    return None;
                }
                for (pos, _) in text.match_indices(note.after.as_str()) {
                    seen += 1;
                    if seen == want {
                        placed = true;
                        let end = pos + note.after.len();
                        let mut out = Vec::new();
                        super::push_text(&mut out, &text[..end]);
                        out.push(Inline::EditorialNote(index));
                        super::push_text(&mut out, &text[end..]);
                        return Some(out);
                    }
                }
                None
            });
        }
        if placed {
            edition.log.notes_placed += 1;
        } else {
            edition.findings.push(
                Diagnostic::new(
                    codes::NOTE_PHRASE_NOT_FOUND,
                    Location::file(record_path),
                    format!(
                        "editorial note: the phrase '{}' (occurrence {want}) is not in the text",
                        note.after
                    ),
                )
                .with_help("copy `after` exactly from source.txt"),
            );
        }
    }
}

/// Suggests likely slips that no correction covers (ED402).
fn suggest_slips(edition: &mut Edition) {
    let corrected: Vec<&str> = edition
        .record
        .corrections
        .iter()
        .map(|c| c.sic.as_str())
        .collect();
    let mut suggestions = Vec::new();
    for block in &edition.blocks {
        let mut pos = block.span.start;
        for inline in &block.inlines {
            if let Inline::Text(t) = inline {
                for (start, word, suggestion) in likely_slips(t) {
                    if !corrected.contains(&word) {
                        suggestions.push((pos + start, word.to_string(), suggestion));
                    }
                }
            }
            pos += inline.source_len();
        }
    }
    for (offset, word, suggestion) in suggestions {
        edition.findings.push(
            Diagnostic::new(
                codes::POSSIBLE_SLIP,
                Location::at_offset(&edition.source_path, &edition.text, offset),
                format!("'{word}' has a digit inside a word: perhaps '{suggestion}'"),
            )
            .with_help(format!(
                "if it is a slip, record it: [[corrections]] sic = \"{word}\", corr = \"{suggestion}\""
            )),
        );
    }
}

/// Words with a digit among letters, as OCR makes them (`protoco1`, `l0ndon`, `5talin`), with
/// the likely reading. Returns (byte offset, word, suggestion).
pub fn likely_slips(text: &str) -> Vec<(usize, &str, String)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
            continue;
        }
        let Some(s) = start.take() else { continue };
        let word = &text[s..i];
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        let digits: Vec<char> = word.chars().filter(|c| c.is_ascii_digit()).collect();
        let ordinal = ["st", "nd", "rd", "th", "s"].iter().any(|suf| {
            word.strip_suffix(suf)
                .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        });
        if letters >= 3
            && !digits.is_empty()
            && digits.len() <= 2
            && !ordinal
            && digits.iter().all(|d| matches!(d, '0' | '1' | '5'))
        {
            let suggestion: String = word
                .chars()
                .map(|c| match c {
                    '0' => 'o',
                    '1' => 'l',
                    '5' => 's',
                    c => c,
                })
                .collect();
            out.push((s, word, suggestion));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::likely_slips;

    #[test]
    fn digit_inside_a_word() {
        let found: Vec<_> = likely_slips("sign the protoco1. In 1938, the 25th, B2B, l0ndon")
            .into_iter()
            .map(|(_, w, s)| (w, s))
            .collect();
        assert_eq!(
            found,
            [
                ("protoco1", "protocol".to_string()),
                ("l0ndon", "london".to_string())
            ]
        );
    }
}
