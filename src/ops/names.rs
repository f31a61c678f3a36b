//! `editio names`: how often each register entry is named in each edition, and, with
//! `--unregistered`, the capitalised names in the texts that the register lacks, with where
//! they stand, so that an editor can extend the register quickly.

use super::check::Report;
use crate::model::edition::Region;
use crate::model::record::BlockKind;
use crate::model::{Edition, Inline};
use serde::Serialize;
use std::collections::BTreeMap;

/// One register entry's mentions.
#[derive(Clone, Debug, Serialize)]
pub struct EntryCount {
    pub key: String,
    pub kind: &'static str,
    pub name: String,
    /// Mentions per edition id.
    pub editions: BTreeMap<String, usize>,
    pub total: usize,
}

/// Mentions per entry, for every entry named at least once, by key.
pub fn counts(report: &Report) -> Vec<EntryCount> {
    let mut by_key: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for built in &report.built {
        for n in built.edition.names() {
            if let Some(key) = n.key {
                *by_key
                    .entry(key)
                    .or_default()
                    .entry(built.edition.id.clone())
                    .or_default() += 1;
            }
        }
    }
    by_key
        .into_iter()
        .filter_map(|(key, editions)| {
            let named = report.archive.register.get(&key)?;
            Some(EntryCount {
                kind: named.kind.word(),
                name: named.entry.name.clone(),
                total: editions.values().sum(),
                key,
                editions,
            })
        })
        .collect()
}

/// A capitalised name the register lacks, and where it stands.
#[derive(Clone, Debug, Serialize)]
pub struct Unregistered {
    pub text: String,
    /// (edition, line, column) of every occurrence.
    pub places: Vec<(String, usize, usize)>,
}

/// Capitalised words that are not names the register knows.
pub fn unregistered(report: &Report) -> Vec<Unregistered> {
    let mut found: BTreeMap<String, Vec<(String, usize, usize)>> = BTreeMap::new();
    for built in &report.built {
        let e = &built.edition;
        for (offset, text) in candidates(e) {
            let (line, column) = crate::diagnostic::line_column(&e.text, offset);
            found
                .entry(text)
                .or_default()
                .push((e.id.clone(), line, column));
        }
    }
    let mut out: Vec<Unregistered> = found
        .into_iter()
        .map(|(text, places)| Unregistered { text, places })
        .collect();
    out.sort_by(|a, b| {
        b.places
            .len()
            .cmp(&a.places.len())
            .then(a.text.cmp(&b.text))
    });
    out
}

/// Lower-case words that may stand inside a name between capitalised words.
const CONNECTORS: &[&str] = &[
    " of ", " of the ", " for ", " de ", " von ", " van ", " der ", " du ", " la ", " le ",
];

fn is_roman(w: &str) -> bool {
    w.len() <= 6 && w.chars().all(|c| "IVXLCDM".contains(c))
}

/// Words that are never names on their own.
const STOP: &[&str] = &[
    "I",
    "A",
    "An",
    "The",
    "And",
    "But",
    "Or",
    "Nor",
    "For",
    "So",
    "Yet",
    "If",
    "In",
    "On",
    "At",
    "By",
    "To",
    "Of",
    "As",
    "It",
    "He",
    "She",
    "We",
    "They",
    "You",
    "His",
    "Her",
    "Their",
    "Our",
    "This",
    "That",
    "These",
    "Those",
    "There",
    "Here",
    "What",
    "Who",
    "Whom",
    "Why",
    "How",
    "When",
    "Where",
    "Which",
    "Yes",
    "No",
    "Not",
    "Mr",
    "Mrs",
    "Dr",
    "Vol",
    "No",
    "Part",
    "Chapter",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "PDF",
    "Leave",
];

/// A function word, a month's or a day's name: never a name on its own.
fn is_stop(w: &str) -> bool {
    STOP.contains(&w) || crate::model::MONTHS.contains(&w)
}

/// Words for peoples, parties and stances, not names of one person, place or body.
const NOT_NAMES: &[&str] = &[
    "Soviet",
    "Soviets",
    "Russian",
    "Russians",
    "Japanese",
    "Chinese",
    "German",
    "Germans",
    "French",
    "British",
    "American",
    "Americans",
    "Bolshevik",
    "Bolsheviks",
    "Menshevik",
    "Mensheviks",
    "Communist",
    "Communists",
    "Nationalist",
    "Nationalists",
    "Chekist",
    "Chekists",
    "Marxist",
    "Trotskyist",
    "Trotskyists",
    "Stalinist",
    "Stalinists",
    "Stalinism",
    "Leninist",
    "Eastern",
    "Western",
    "Northern",
    "Southern",
    "Far",
    "Old",
];

fn is_stance_word(w: &str) -> bool {
    NOT_NAMES.contains(&w)
        || ["ist", "ists", "ism", "ese", "ian", "ians"]
            .iter()
            .any(|s| w.len() > 5 && w.ends_with(s))
}

/// Runs of capitalised words in the edition's unlinked text, not sentence-initial single words,
/// not in headings or left-out blocks.
fn candidates(e: &Edition) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for block in &e.blocks {
        if block.kind == BlockKind::Heading || block.region() == Region::Omitted {
            continue;
        }
        let mut pos = block.span.start;
        let mut block_text = String::new();
        for inline in &block.inlines {
            inline.push_source_text(&mut block_text);
        }
        for inline in &block.inlines {
            let mut s = String::new();
            inline.push_source_text(&mut s);
            if let Inline::Text(t) = inline {
                let words = crate::passes::names::capitalised_words(t);
                let mut i = 0;
                while i < words.len() {
                    // Join capitalised words separated by a space, or by a connecting word
                    // (`Trial of the Sixteen`, `Commissar for Light Industry`), into one name.
                    let (start, first) = words[i];
                    let mut end = start + first.len();
                    let mut count = 1;
                    while i + count < words.len() {
                        let (s2, w2) = words[i + count];
                        let gap = &t[end..s2];
                        if gap != " " && !CONNECTORS.contains(&gap) {
                            break;
                        }
                        end = s2 + w2.len();
                        count += 1;
                    }
                    i += count;
                    let run = &t[start..end];
                    let abs = pos + start;
                    let initial = sentence_initial(&block_text, abs - block.span.start);
                    let run_words: Vec<&str> = run
                        .split(' ')
                        .filter(|w| w.starts_with(char::is_uppercase))
                        .collect();
                    let opening_capitals =
                        abs - block.span.start < 12 && run.chars().all(|c| !c.is_lowercase());
                    let lone_initial = initial && run_words.len() == 1;
                    let meaningful = run_words.iter().any(|w| {
                        !is_stop(w) && !is_stance_word(w) && !is_roman(w) && w.chars().count() > 1
                    });
                    if lone_initial || opening_capitals || !meaningful {
                        continue;
                    }
                    // Leading function words (`The`, `In`) are not part of the name.
                    let trimmed = run_words.iter().take_while(|w| is_stop(w)).count();
                    let from = run_words
                        .get(trimmed)
                        .and_then(|w| run.find(w))
                        .unwrap_or(0);
                    out.push((abs + from, run[from..].to_string()));
                }
            }
            pos += s.len();
        }
    }
    out
}

/// Whether the word at `offset` in a block begins a sentence.
fn sentence_initial(block: &str, offset: usize) -> bool {
    // Quotation marks, brackets and a glued note number may stand between the full stop and
    // the next sentence (`name.)72 Apart`, `all…” Now`).
    let before =
        block[..offset].trim_end_matches(|c: char| c.is_ascii_digit() || "“”‘’\"'() ".contains(c));
    before.is_empty()
        || before.ends_with(['.', '?', '!', ':', '…', '—'])
        || before.ends_with(".”")
        || before.ends_with("?”")
}

#[cfg(test)]
mod tests {
    use super::sentence_initial;

    #[test]
    fn sentence_starts() {
        let b = "One thing. “Then Rykov said. (Perhaps Drobnis.)";
        assert!(sentence_initial(b, 0));
        assert!(sentence_initial(b, b.find("Then").unwrap()));
        assert!(!sentence_initial(b, b.find("Rykov").unwrap()));
        assert!(sentence_initial(b, b.find("Perhaps").unwrap()));
        assert!(!sentence_initial(b, b.find("Drobnis").unwrap()));
    }
}
