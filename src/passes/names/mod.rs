//! Pass 6, names: every mention of every person, place, organisation and work in the
//! register, found in one scan of the text with a single Aho-Corasick automaton over all name
//! forms (the register's own forms, their capitals for headings, and renderings generated from
//! the original script), on word boundaries. A form shared by several entries is resolved from
//! the nearest unambiguous mention in the same edition, or left unlinked and reported; near-miss
//! spellings are suggested to the editor, never linked; the record's `[[names]]` wins.

pub mod matcher;
pub mod translit;

use super::Pass;
use crate::diagnostic::{Diagnostic, Location, codes};
use crate::model::record::{BlockKind, Cert};
use crate::model::register::Register;
use crate::model::{Edition, Inline};
use matcher::{Candidate, Matcher};
use std::sync::Arc;

/// The names pass, holding the automaton built once for the whole register.
pub struct Names {
    pub matcher: Arc<Matcher>,
}

impl Names {
    pub fn new(register: &Register) -> Self {
        Names {
            matcher: Arc::new(Matcher::new(register)),
        }
    }
}

/// A mention found in the text, before it is written into the model.
#[derive(Clone, Debug)]
struct Mention {
    block: usize,
    inline: usize,
    /// Byte range within the inline's text (for a `Choice`, the whole choice).
    start: usize,
    end: usize,
    /// Position in the edition, for distances.
    pos: usize,
    surface: String,
    candidates: Vec<Candidate>,
    /// The decision: an entry, and how sure the link is.
    key: Option<(usize, Cert)>,
    forced: bool,
}

impl Pass for Names {
    fn name(&self) -> &'static str {
        "names"
    }

    fn run(&self, edition: &mut Edition) {
        let m = &self.matcher;
        let mut mentions = find_mentions(m, edition);
        resolve(m, &mut mentions);
        apply_overrides(m, edition, &mut mentions);
        report_unresolved(m, edition, &mentions);
        suggest_near_misses(m, edition, &mentions);
        write_mentions(m, edition, mentions);
    }
}

/// Every match in every block, as mentions with their candidate entries.
fn find_mentions(m: &Matcher, edition: &Edition) -> Vec<Mention> {
    let mut out = Vec::new();
    for (bi, block) in edition.blocks.iter().enumerate() {
        let heading = matches!(block.kind, BlockKind::Heading | BlockKind::Title);
        let mut pos = block.span.start;
        for (ii, inline) in block.inlines.iter().enumerate() {
            match inline {
                Inline::Text(t) => {
                    for hit in m.find(t, heading) {
                        out.push(Mention {
                            block: bi,
                            inline: ii,
                            start: hit.start,
                            end: hit.end,
                            pos: pos + hit.start,
                            surface: t[hit.start..hit.end].to_string(),
                            candidates: hit.candidates,
                            key: None,
                            forced: false,
                        });
                    }
                }
                // A corrected reading that is a whole name form links the whole choice.
                Inline::Choice { corr, sic, .. } => {
                    if let Some(hit) = m
                        .find(corr, heading)
                        .into_iter()
                        .find(|h| h.start == 0 && h.end == corr.len())
                    {
                        out.push(Mention {
                            block: bi,
                            inline: ii,
                            start: 0,
                            end: sic.len(),
                            pos,
                            surface: corr.clone(),
                            candidates: hit.candidates,
                            key: None,
                            forced: false,
                        });
                    }
                }
                _ => {}
            }
            let mut s = String::new();
            inline.push_source_text(&mut s);
            pos += s.len();
        }
    }
    out
}

/// Decides each mention: explicit forms beat generated ones; a single candidate is linked; a
/// shared form takes the entry with the nearest unambiguous mention, at medium certainty.
fn resolve(m: &Matcher, mentions: &mut [Mention]) {
    for mention in mentions.iter_mut() {
        let explicit: Vec<&Candidate> = mention.candidates.iter().filter(|c| c.explicit).collect();
        let pool: Vec<&Candidate> = if explicit.is_empty() {
            mention.candidates.iter().collect()
        } else {
            explicit
        };
        let mut entries: Vec<usize> = pool.iter().map(|c| c.entry).collect();
        entries.sort_unstable();
        entries.dedup();
        mention.candidates.retain(|c| entries.contains(&c.entry));
        mention.candidates.dedup_by_key(|c| c.entry);
        if let [only] = entries.as_slice() {
            mention.key = Some((*only, m.entry_cert(*only)));
        }
    }
    let unambiguous: Vec<(usize, usize)> = mentions
        .iter()
        .filter_map(|x| x.key.map(|(e, _)| (e, x.pos)))
        .collect();
    for mention in mentions.iter_mut().filter(|x| x.key.is_none()) {
        let nearest = mention
            .candidates
            .iter()
            .filter_map(|c| {
                unambiguous
                    .iter()
                    .filter(|(e, _)| *e == c.entry)
                    .map(|(_, p)| p.abs_diff(mention.pos))
                    .min()
                    .map(|d| (d, c.entry))
            })
            .min();
        if let Some((_, entry)) = nearest {
            mention.key = Some((entry, Cert::Inferred));
        }
    }
}

/// The record's `[[names]]`: force a link or suppress one at given occurrences of words.
fn apply_overrides(m: &Matcher, edition: &mut Edition, mentions: &mut Vec<Mention>) {
    let record_path = edition.source_path.with_file_name("edition.toml");
    for o in edition.record.names.clone() {
        let entry = o.key.as_deref().and_then(|k| m.entry_index(k));
        if o.key.is_some() && entry.is_none() {
            edition.findings.push(Diagnostic::new(
                codes::NAME_OVERRIDE_NOT_FOUND,
                Location::file(&record_path),
                format!(
                    "[[names]] '{}': key '{}' is not in the register",
                    o.form,
                    o.key.as_deref().unwrap_or_default()
                ),
            ));
            continue;
        }
        let mut seen = 0;
        let mut hit = false;
        for (bi, block) in edition.blocks.iter().enumerate() {
            let mut pos = block.span.start;
            for (ii, inline) in block.inlines.iter().enumerate() {
                let places: Vec<(usize, usize)> = match inline {
                    Inline::Text(t) => t
                        .match_indices(o.form.as_str())
                        .map(|(s, f)| (s, s + f.len()))
                        .filter(|(s, e)| super::is_whole_word(t, *s, *e))
                        .collect(),
                    Inline::Choice { corr, sic, .. } if *corr == o.form => vec![(0, sic.len())],
                    _ => Vec::new(),
                };
                for (start, end) in places {
                    seen += 1;
                    if o.occurrence.is_some_and(|n| n != seen) {
                        continue;
                    }
                    hit = true;
                    let key = if o.unlink {
                        None
                    } else {
                        entry.map(|e| (e, o.cert.unwrap_or(Cert::Confirmed)))
                    };
                    let existing = mentions.iter_mut().find(|x| {
                        x.block == bi && x.inline == ii && x.start == start && x.end == end
                    });
                    match existing {
                        Some(x) => {
                            x.key = key;
                            x.forced = true;
                        }
                        None => {
                            // Remove mentions this one overlaps, then add it.
                            mentions.retain(|x| {
                                !(x.block == bi && x.inline == ii && x.start < end && start < x.end)
                            });
                            if key.is_some() {
                                mentions.push(Mention {
                                    block: bi,
                                    inline: ii,
                                    start,
                                    end,
                                    pos: pos + start,
                                    surface: o.form.clone(),
                                    candidates: Vec::new(),
                                    key,
                                    forced: true,
                                });
                            }
                        }
                    }
                }
                let mut s = String::new();
                inline.push_source_text(&mut s);
                pos += s.len();
            }
        }
        if !hit {
            edition.findings.push(
                Diagnostic::new(
                    codes::NAME_OVERRIDE_NOT_FOUND,
                    Location::file(&record_path),
                    format!(
                        "[[names]] '{}'{}: not in the text as whole words ({seen} found)",
                        o.form,
                        o.occurrence
                            .map(|n| format!(" occurrence {n}"))
                            .unwrap_or_default()
                    ),
                )
                .with_help("copy `form` exactly from the text (after corrections)"),
            );
        }
    }
    mentions.sort_by_key(|x| (x.block, x.inline, x.start));
}

fn report_unresolved(m: &Matcher, edition: &mut Edition, mentions: &[Mention]) {
    for x in mentions.iter().filter(|x| x.key.is_none() && !x.forced) {
        let names: Vec<String> = x
            .candidates
            .iter()
            .map(|c| m.entry_key(c.entry).to_string())
            .collect();
        edition.findings.push(
            Diagnostic::new(
                codes::NAME_AMBIGUOUS,
                Location::at_offset(&edition.source_path, &edition.text, x.pos),
                format!("'{}' may be any of {}; no unambiguous mention in this edition decides: left unlinked", x.surface, names.join(", ")),
            )
            .with_help(format!("say which in edition.toml: [[names]] form = \"{}\", key = \"…\"", x.surface)),
        );
    }
}

/// Capitalised words that are near-misses of registered forms (one or two letters off), or a
/// register's recorded slips, in text not already linked: suggested, never linked.
fn suggest_near_misses(m: &Matcher, edition: &mut Edition, mentions: &[Mention]) {
    let mut found = Vec::new();
    for (bi, block) in edition.blocks.iter().enumerate() {
        let mut pos = block.span.start;
        for (ii, inline) in block.inlines.iter().enumerate() {
            if let Inline::Text(t) = inline {
                for (start, word) in capitalised_words(t) {
                    let end = start + word.len();
                    let linked = mentions
                        .iter()
                        .any(|x| x.block == bi && x.inline == ii && x.start < end && start < x.end);
                    if linked {
                        continue;
                    }
                    if let Some((entry, form, slip)) = m.near_miss(word) {
                        found.push((pos + start, word.to_string(), entry, form, slip));
                    }
                }
            }
            let mut s = String::new();
            inline.push_source_text(&mut s);
            pos += s.len();
        }
    }
    for (offset, word, entry, form, slip) in found {
        let why = if slip { "a known slip for" } else { "close to" };
        edition.findings.push(
            Diagnostic::new(
                codes::NAME_NEAR_MISS,
                Location::at_offset(&edition.source_path, &edition.text, offset),
                format!("'{word}' is {why} '{form}' ({}): not linked", m.entry_key(entry)),
            )
            .with_help(format!(
                "if it is a slip, record a correction ([[corrections]] sic = \"{word}\", corr = \"{form}\"), or link it as it stands ([[names]] form = \"{word}\", key = \"{}\")",
                m.entry_key(entry)
            )),
        );
    }
}

/// Words that start with a capital letter, with hyphenated parts kept together, and their
/// byte offsets.
pub fn capitalised_words(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut prev_alpha = false;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        let part = c.is_alphabetic() || (c == '-' && prev_alpha);
        if part {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(s) = start.take() {
            let w = text[s..i].trim_end_matches('-');
            if w.chars().next().is_some_and(char::is_uppercase) {
                out.push((s, w));
            }
        }
        prev_alpha = c.is_alphabetic();
    }
    out
}

/// Writes the decided mentions into the blocks as `Name` inlines.
fn write_mentions(m: &Matcher, edition: &mut Edition, mut mentions: Vec<Mention>) {
    mentions.retain(|x| x.key.is_some());
    // From the last to the first, so that earlier indices stay valid.
    mentions.sort_by_key(|x| std::cmp::Reverse((x.block, x.inline, x.start)));
    let mut prev: Option<(usize, usize, usize)> = None;
    for x in mentions {
        // Skip a mention that overlaps the one after it (already written).
        if let Some((b, i, s)) = prev
            && b == x.block
            && i == x.inline
            && x.end > s
        {
            continue;
        }
        prev = Some((x.block, x.inline, x.start));
        let Some((entry, cert)) = x.key else { continue };
        let kind = m.entry_kind(entry);
        let key = Some(m.entry_key(entry).to_string());
        let cert = (cert != Cert::Confirmed).then_some(cert);
        let inlines = &mut edition.blocks[x.block].inlines;
        match &inlines[x.inline] {
            Inline::Text(t) => {
                let (before, name, after) = (
                    t[..x.start].to_string(),
                    t[x.start..x.end].to_string(),
                    t[x.end..].to_string(),
                );
                let mut parts = Vec::new();
                super::push_text(&mut parts, &before);
                parts.push(Inline::Name {
                    kind,
                    key,
                    cert,
                    content: vec![Inline::Text(name)],
                });
                super::push_text(&mut parts, &after);
                inlines.splice(x.inline..=x.inline, parts);
            }
            Inline::Choice { .. } => {
                let choice = inlines[x.inline].clone();
                inlines[x.inline] = Inline::Name {
                    kind,
                    key,
                    cert,
                    content: vec![choice],
                };
            }
            _ => {}
        }
    }
}
