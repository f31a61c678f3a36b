//! The name matcher: one Aho-Corasick automaton over every name form of the register, built
//! once and shared by every edition. A form may belong to several entries; each match carries
//! all of them, with whether the form was written in the register (explicit) or generated from
//! the original script.

use super::translit;
use crate::model::edition::NameKind;
use crate::model::record::Cert;
use crate::model::register::Register;
use aho_corasick::{AhoCorasick, MatchKind};
use std::collections::HashMap;

/// Generated forms shorter than this are not used: too likely to be ordinary words.
const MIN_GENERATED_LEN: usize = 4;

/// An entry a form may refer to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// Index into the matcher's entries.
    pub entry: usize,
    /// Written in the register (true), or generated from the original script (false).
    pub explicit: bool,
}

/// A match in a text.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub candidates: Vec<Candidate>,
}

struct Pattern {
    candidates: Vec<Candidate>,
    /// An all-capitals rendering of a mixed-case form, matched only in headings.
    capitals: bool,
}

struct EntryInfo {
    key: String,
    name: String,
    kind: NameKind,
    cert: Cert,
}

/// All the register's name forms in one automaton.
pub struct Matcher {
    ac: Option<AhoCorasick>,
    patterns: Vec<Pattern>,
    entries: Vec<EntryInfo>,
    by_key: HashMap<String, usize>,
    /// Explicit one-word forms by lowercase first letter, for near-miss suggestions.
    near: HashMap<char, Vec<(String, usize)>>,
    /// Recorded slips, exactly as they stand.
    slips: HashMap<String, usize>,
    /// How many forms (patterns) the automaton holds.
    pub form_count: usize,
}

impl Matcher {
    pub fn new(register: &Register) -> Self {
        let mut strings: Vec<String> = Vec::new();
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut add = |form: &str, cand: Candidate, capitals: bool| {
            let id = *index.entry(form.to_string()).or_insert_with(|| {
                strings.push(form.to_string());
                patterns.push(Pattern {
                    candidates: Vec::new(),
                    capitals,
                });
                patterns.len() - 1
            });
            let p = &mut patterns[id];
            p.capitals &= capitals;
            if !p
                .candidates
                .iter()
                .any(|c| c.entry == cand.entry && (c.explicit || !cand.explicit))
            {
                p.candidates.retain(|c| c.entry != cand.entry);
                p.candidates.push(cand);
            }
        };
        let mut entries = Vec::new();
        let mut near: HashMap<char, Vec<(String, usize)>> = HashMap::new();
        let mut slips = HashMap::new();
        for (i, named) in register.entries.iter().enumerate() {
            let e = &named.entry;
            entries.push(EntryInfo {
                key: e.key.clone(),
                name: e.name.clone(),
                kind: named.kind,
                cert: match e.cert.as_deref() {
                    Some("medium") => Cert::Inferred,
                    Some("low") => Cert::Uncertain,
                    _ => Cert::Confirmed,
                },
            });
            let explicit = Candidate {
                entry: i,
                explicit: true,
            };
            let mut forms: Vec<&str> = e.forms.iter().map(String::as_str).collect();
            forms.push(&e.name);
            for form in forms {
                let form = form.trim();
                if form.is_empty() {
                    continue;
                }
                add(form, explicit, false);
                let upper = form.to_uppercase();
                if upper != form {
                    add(&upper, explicit, true);
                }
                if !form.contains(' ') && form.chars().count() >= 5 {
                    let first = form
                        .chars()
                        .next()
                        .map(|c| c.to_lowercase().next().unwrap_or(c));
                    if let Some(first) = first {
                        near.entry(first).or_default().push((form.to_string(), i));
                    }
                }
            }
            if let Some(original) = &e.original {
                for form in translit::forms(original) {
                    if form.chars().count() >= MIN_GENERATED_LEN {
                        add(
                            &form,
                            Candidate {
                                entry: i,
                                explicit: false,
                            },
                            false,
                        );
                        add(
                            &form.to_uppercase(),
                            Candidate {
                                entry: i,
                                explicit: false,
                            },
                            true,
                        );
                    }
                }
            }
            for slip in &e.slips {
                slips.insert(slip.clone(), i);
            }
        }
        let by_key = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.key.clone(), i))
            .collect();
        let form_count = strings.len();
        let ac = (!strings.is_empty()).then(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(&strings)
                .expect("name forms build an automaton")
        });
        for bucket in near.values_mut() {
            bucket.sort_by_cached_key(|(f, _)| f.chars().count());
        }
        Matcher {
            ac,
            patterns,
            entries,
            by_key,
            near,
            slips,
            form_count,
        }
    }

    /// Every name in `text` on word boundaries, longest first where they overlap. Capitals
    /// renderings count only when `heading` is set.
    pub fn find(&self, text: &str, heading: bool) -> Vec<Hit> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        let mut hits: Vec<(usize, usize, usize)> = ac
            .find_overlapping_iter(text)
            .filter(|m| {
                let p = &self.patterns[m.pattern().as_usize()];
                (heading || !p.capitals)
                    && is_word(text, m.start(), m.end())
                    && !after_prefix(text, m.start())
            })
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect();
        hits.sort_by_key(|&(s, e, _)| (s, std::cmp::Reverse(e)));
        let mut out = Vec::new();
        let mut last_end = 0;
        for (s, e, p) in hits {
            if s < last_end {
                continue;
            }
            last_end = e;
            out.push(Hit {
                start: s,
                end: e,
                candidates: self.patterns[p].candidates.clone(),
            });
        }
        out
    }

    pub fn entry_key(&self, entry: usize) -> &str {
        &self.entries[entry].key
    }

    pub fn entry_kind(&self, entry: usize) -> NameKind {
        self.entries[entry].kind
    }

    /// How sure the register is of the entry's identification.
    pub fn entry_cert(&self, entry: usize) -> Cert {
        self.entries[entry].cert
    }

    pub fn entry_index(&self, key: &str) -> Option<usize> {
        self.by_key.get(key).copied()
    }

    /// The entry a capitalised word nearly names: a recorded slip, or a one-word form one edit
    /// away (two for long forms). Returns (entry, form, is a recorded slip).
    pub fn near_miss(&self, word: &str) -> Option<(usize, String, bool)> {
        if let Some(&e) = self.slips.get(word) {
            return Some((e, self.best_form(e, word), true));
        }
        let len = word.chars().count();
        if len < 5 {
            return None;
        }
        let first = word.chars().next()?.to_lowercase().next()?;
        let max = if len >= 10 { 2 } else { 1 };
        // Each bucket is sorted by length in characters: look only at forms whose length is
        // within `max` of the word's.
        let bucket = self.near.get(&first)?;
        let from = bucket.partition_point(|(f, _)| f.chars().count() + max < len);
        let to = bucket.partition_point(|(f, _)| f.chars().count() <= len + max);
        bucket
            .get(from..to)
            .unwrap_or_default()
            .iter()
            .filter(|(f, _)| f != word)
            .filter_map(|(f, e)| {
                let d = distance(word, f);
                (d <= max).then_some((d, f, *e))
            })
            .min_by_key(|(d, f, _)| (*d, (*f).clone()))
            .map(|(_, f, e)| (e, f.clone(), false))
    }

    /// The entry's one-word form closest to `word`, or its preferred name.
    fn best_form(&self, entry: usize, word: &str) -> String {
        self.near
            .values()
            .flatten()
            .filter(|(_, e)| *e == entry)
            .min_by_key(|(f, _)| (distance(word, f), f.clone()))
            .map(|(f, _)| f.clone())
            .unwrap_or_else(|| self.entries[entry].name.clone())
    }
}

/// Whether `text[start..end]` stands as whole words: no letter or digit joined on either side.
fn is_word(text: &str, start: usize, end: usize) -> bool {
    super::super::is_whole_word(text, start, end)
}

/// Whether the word at `start` follows a prefix and hyphen that make a new word of it
/// (`Anti-Comintern`, `anti-Stalinist`, `pro-Soviet`, `post-Stalin`): such a word names a
/// treaty, a stance or a period, not the person, place or body.
fn after_prefix(text: &str, start: usize) -> bool {
    const PREFIXES: &[&str] = &[
        "anti", "pro", "post", "pre", "neo", "non", "ex", "pan", "counter",
    ];
    let Some(before) = text[..start].strip_suffix('-') else {
        return false;
    };
    let word_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_alphabetic())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let prefix = before[word_start..].to_lowercase();
    PREFIXES.contains(&prefix.as_str())
}

/// Levenshtein distance in characters.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixed_words_are_not_names() {
        assert!(after_prefix("the Anti-Comintern Pact", 9));
        assert!(after_prefix("anti-Stalinist", 5));
        assert!(!after_prefix("Boukharine-Kamenev", 11));
        assert!(!after_prefix("Antonov-Ovseenko", 8));
    }

    #[test]
    fn edit_distance() {
        assert_eq!(distance("Kamanev", "Kamenev"), 1);
        assert_eq!(distance("Antonoy-Ovseenko", "Antonov-Ovseenko"), 1);
        assert_eq!(distance("Stalinist", "Stalin"), 3);
    }
}
