//! The name matcher: one table of every name form of the register (with its capitals and
//! transliterations), built once and shared by every edition, in which each stretch of text that
//! starts with some form's first word is looked up ([`Search::Words`]). One Aho-Corasick
//! automaton over the same forms ([`Search::Automaton`]) is the reference that look-up is tested
//! against, and a choice of `bench-names`. A form may belong to several entries; each match
//! carries all of them, with whether the form was written in the register (explicit) or
//! generated from the original script.

use super::table::StrTable;
use super::translit;
use crate::model::edition::NameKind;
use crate::model::record::Cert;
use crate::model::register::Register;
use aho_corasick::{AhoCorasick, MatchKind};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::hash::Hasher as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{OnceLock, RwLock};

/// A table of strings with a fast hash (rustc's; the register's forms are the editor's own,
/// not input to defend against): hashing is most of the cost of looking forms up.
type Table<V> = rustc_hash::FxHashMap<String, V>;

/// A near-miss: (entry, form, is a recorded slip).
pub(crate) type NearMiss = Option<(usize, String, bool)>;

/// Generated forms shorter than this are not used: too likely to be ordinary words.
const MIN_GENERATED_LEN: usize = 4;

/// Words and one-word forms shorter than this (in characters) are not near-misses.
const NEAR_MIN_LEN: usize = 5;

/// Words this long (in characters) may be two edits from a form; shorter ones, one.
const NEAR_TWO_EDITS_LEN: usize = 10;

/// An entry a form may refer to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    /// Index into the matcher's entries.
    pub entry: usize,
    /// Written in the register (true), or generated from the original script (false).
    pub explicit: bool,
}

/// A match in a text, with the entries its form may refer to as the matcher holds them.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit<'m> {
    pub start: usize,
    pub end: usize,
    pub candidates: &'m [Candidate],
}

struct Pattern {
    candidates: Vec<Candidate>,
    /// An all-capitals rendering of a mixed-case form, matched only in headings.
    capitals: bool,
}

/// The patterns, one after the other: each one's candidates as a stretch of one list, so that
/// the table reads back from the cache without a list per pattern.
#[derive(Default, Serialize, Deserialize)]
struct Patterns {
    /// Where each pattern's candidates end in `candidates`.
    ends: Vec<usize>,
    candidates: Vec<Candidate>,
    /// Whether each pattern is an all-capitals rendering of a mixed-case form, matched only
    /// in headings.
    capitals: Vec<bool>,
}

impl Patterns {
    fn new(patterns: Vec<Pattern>) -> Patterns {
        let mut out = Patterns {
            ends: Vec::with_capacity(patterns.len()),
            candidates: Vec::with_capacity(patterns.len()),
            capitals: Vec::with_capacity(patterns.len()),
        };
        for p in patterns {
            out.candidates.extend(p.candidates);
            out.ends.push(out.candidates.len());
            out.capitals.push(p.capitals);
        }
        out
    }

    /// Whether pattern `id` is a capitals rendering.
    fn capitals(&self, id: usize) -> bool {
        self.capitals.get(id).copied().unwrap_or(false)
    }

    /// The entries pattern `id` may refer to.
    fn candidates(&self, id: usize) -> &[Candidate] {
        let start = match id {
            0 => 0,
            _ => self.ends.get(id - 1).copied().unwrap_or(0),
        };
        let end = self.ends.get(id).copied().unwrap_or(0);
        self.candidates.get(start..end).unwrap_or_default()
    }
}

#[derive(Serialize, Deserialize)]
struct EntryInfo {
    key: String,
    name: String,
    kind: NameKind,
    cert: Cert,
}

/// All the register's name forms, and what the names pass looks up in them. A matcher that
/// searches word by word is kept in the build cache as it stands (see [`Matcher::to_bytes`]):
/// everything but the automaton and what is made on first use.
#[derive(Serialize, Deserialize)]
pub struct Matcher {
    #[serde(skip)]
    ac: Option<AhoCorasick>,
    /// Instead of the automaton: every form and its pattern, and for the first word of every
    /// form, the longest form's length in bytes (see [`Search::Words`]).
    words: Option<Words>,
    patterns: Patterns,
    entries: Vec<EntryInfo>,
    /// Each entry's place by key, made on first use (only `[[names]]` settings need it).
    #[serde(skip)]
    by_key: OnceLock<HashMap<String, usize>>,
    /// Explicit one-word forms, for near-miss suggestions.
    near: NearForms,
    /// Recorded slips, exactly as they stand.
    slips: HashMap<String, usize>,
    /// The one-word forms of each entry that has recorded slips, in register order (what a
    /// slip is suggested to be corrected to).
    slip_forms: HashMap<usize, Vec<String>>,
    /// What [`Matcher::near_miss`] answered for each word so far, for every edition: the same
    /// capitalised words recur all through an archive.
    #[serde(skip)]
    near_answers: RwLock<HashMap<String, NearMiss>>,
    /// How many forms (patterns) the automaton holds.
    pub form_count: usize,
}

/// The tables of [`Search::Words`].
#[derive(Serialize, Deserialize)]
struct Words {
    /// Every form, numbered as its pattern.
    index: StrTable,
    /// The first word of every form (see [`first_word`]).
    first: StrTable,
    /// For each first word, the length in bytes of the longest form that starts with it.
    longest: Vec<usize>,
    /// Whether some form starts with this byte (256 of them).
    first_bytes: Vec<bool>,
}

/// How a [`Matcher`] finds the forms in a text. Both find exactly the same names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Search {
    /// One Aho-Corasick automaton over all forms: building it takes a while (about 0.6 s for
    /// 240,000 forms), then it scans without regard to word boundaries. Kept as the reference
    /// the word search is tested against.
    Automaton,
    /// A look-up of every stretch of text between word boundaries that starts with some form's
    /// first word, no longer than the longest form, in a table of the forms. What `check` and
    /// `build` use: faster than the automaton at every size measured (BENCHMARKS.md).
    Words,
}

impl Matcher {
    /// The matcher the build uses: forms looked up word by word ([`Search::Words`]; the
    /// automaton is the reference it is tested against).
    pub fn new(register: &Register) -> Self {
        Self::with_search(register, Search::Words)
    }

    /// The matcher for `register`, finding forms by `search`: the table of every form with
    /// the entries it may refer to, the entries, the one-word forms for near-miss suggestions
    /// and the recorded slips, then the word table or the automaton.
    pub fn with_search(register: &Register, search: Search) -> Self {
        let forms = FormTable::new(register, search);
        let entries: Vec<EntryInfo> = register
            .entries()
            .iter()
            .map(|named| EntryInfo::new(&named.entry, named.kind))
            .collect();
        let (near, slips, slip_forms) = near_and_slips(register);
        let form_count = forms.patterns.len();
        let FormTable {
            strings,
            patterns,
            index,
        } = forms;
        let words = (search == Search::Words).then(|| Words::new(index, patterns.len()));
        let ac = (search == Search::Automaton && !strings.is_empty()).then(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(&strings)
                .expect("name forms build an automaton")
        });
        Matcher {
            ac,
            words,
            patterns: Patterns::new(patterns),
            entries,
            by_key: OnceLock::new(),
            near,
            slips,
            slip_forms,
            near_answers: RwLock::new(HashMap::new()),
            form_count,
        }
    }

    /// Every name in `text` on word boundaries, longest first where they overlap. Capitals
    /// renderings count only when `heading` is set.
    pub fn find(&self, text: &str, heading: bool) -> Vec<Hit<'_>> {
        let keep = |start: usize, end: usize, pattern: usize| {
            (heading || !self.patterns.capitals(pattern))
                && is_word(text, start, end)
                && !after_prefix(text, start)
        };
        let mut hits: Vec<(usize, usize, usize)> = if let Some(ac) = &self.ac {
            ac.find_overlapping_iter(text)
                .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
                .filter(|&(s, e, p)| keep(s, e, p))
                .collect()
        } else if let Some(words) = &self.words {
            // Every overlapping occurrence of a form is what the automaton finds; only those on
            // word boundaries are kept, so only those stretches need looking up, and only from
            // where a form's first word stands.
            let mut hits = Vec::new();
            word_stretches(text, words, |s, e| {
                if let Some(p) = words.index.get(&text[s..e])
                    && keep(s, e, p)
                {
                    hits.push((s, e, p));
                }
            });
            hits
        } else {
            return Vec::new();
        };
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
                candidates: self.patterns.candidates(p),
            });
        }
        out
    }

    /// Whether the matcher looks forms up word by word ([`Search::Words`]).
    pub fn searches_words(&self) -> bool {
        self.words.is_some()
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
        let by_key = self.by_key.get_or_init(|| {
            self.entries
                .iter()
                .enumerate()
                .map(|(i, e)| (e.key.clone(), i))
                .collect()
        });
        by_key.get(key).copied()
    }

    /// The entry a capitalised word nearly names: a recorded slip, or a one-word form one edit
    /// away (two for long forms). Returns (entry, form, is a recorded slip).
    pub fn near_miss(&self, word: &str) -> NearMiss {
        if let Some(answer) = self
            .near_answers
            .read()
            .ok()
            .and_then(|answers| answers.get(word).cloned())
        {
            return answer;
        }
        let answer = self.find_near_miss(word);
        if let Ok(mut answers) = self.near_answers.write() {
            answers.insert(word.to_string(), answer.clone());
        }
        answer
    }

    fn find_near_miss(&self, word: &str) -> NearMiss {
        if let Some(&e) = self.slips.get(word) {
            return Some((e, self.best_form(e, word), true));
        }
        let (e, form) = self.near.nearest(word)?;
        Some((e, form.to_string(), false))
    }

    /// The entry's one-word form closest to `word` (the first in alphabetical order of the
    /// closest), or its preferred name.
    fn best_form(&self, entry: usize, word: &str) -> String {
        self.slip_forms
            .get(&entry)
            .into_iter()
            .flatten()
            .min_by_key(|f| (distance(word, f), *f))
            .cloned()
            .unwrap_or_else(|| self.entries[entry].name.clone())
    }
}

/// Every form of the register and the entries each may refer to, as the matcher is built.
struct FormTable {
    /// The forms in the order they were first added ([`Search::Automaton`] only).
    strings: Vec<String>,
    /// One pattern per distinct form, in that order.
    patterns: Vec<Pattern>,
    /// Every form and its pattern.
    index: Table<usize>,
}

impl FormTable {
    /// The table of `register`'s forms. Each entry's forms (with their capitals and the
    /// renderings of the original script) are made in parallel, then added in register order,
    /// so that the patterns are the same whatever the number of threads.
    fn new(register: &Register, search: Search) -> FormTable {
        let made: Vec<Vec<(String, bool, bool)>> = register
            .entries()
            .par_iter()
            .map(|named| entry_forms(&named.entry))
            .collect();
        // Room for every form at once (fewer where entries share forms).
        let count: usize = made.iter().map(Vec::len).sum();
        let mut table = FormTable {
            strings: Vec::new(),
            patterns: Vec::with_capacity(count),
            index: Table::with_capacity_and_hasher(count, Default::default()),
        };
        // Only the automaton needs the forms in a list of their own.
        let keep_strings = search == Search::Automaton;
        for (i, forms) in made.into_iter().enumerate() {
            for (form, explicit, capitals) in forms {
                table.add(
                    form,
                    Candidate { entry: i, explicit },
                    capitals,
                    keep_strings,
                );
            }
        }
        table
    }

    /// Adds `form` as a way of naming `cand`'s entry. A form is a capitals rendering only if
    /// it is one for every entry; an entry is listed once per form, as written in the register
    /// if it is written there.
    fn add(&mut self, form: String, cand: Candidate, capitals: bool, keep_strings: bool) {
        let id = *self.index.entry(form).or_insert_with_key(|form| {
            if keep_strings {
                self.strings.push(form.clone());
            }
            self.patterns.push(Pattern {
                candidates: Vec::new(),
                capitals,
            });
            self.patterns.len() - 1
        });
        let p = &mut self.patterns[id];
        p.capitals &= capitals;
        if !p
            .candidates
            .iter()
            .any(|c| c.entry == cand.entry && (c.explicit || !cand.explicit))
        {
            p.candidates.retain(|c| c.entry != cand.entry);
            p.candidates.push(cand);
        }
    }
}

impl EntryInfo {
    /// What the matcher keeps of a register entry: its key, name, kind and certainty.
    fn new(e: &crate::model::register::Entry, kind: NameKind) -> EntryInfo {
        EntryInfo {
            key: e.key.clone(),
            name: e.name.clone(),
            kind,
            cert: match e.cert.as_deref() {
                Some("medium") => Cert::Inferred,
                Some("low") => Cert::Uncertain,
                _ => Cert::Confirmed,
            },
        }
    }
}

impl Words {
    /// The word search's tables over the `count` forms in `index`: the forms by pattern, the
    /// first word of every form with the longest form that starts with it, and the bytes forms
    /// start with.
    fn new(index: Table<usize>, count: usize) -> Words {
        let mut forms = vec![String::new(); count];
        for (form, id) in index {
            if let Some(slot) = forms.get_mut(id) {
                *slot = form;
            }
        }
        let mut first: Table<usize> = Table::default();
        let mut first_words: Vec<&str> = Vec::new();
        let mut longest: Vec<usize> = Vec::new();
        let mut first_bytes = vec![false; 256];
        for form in &forms {
            let word = first_word(form);
            match first.get(word) {
                Some(&at) => longest[at] = longest[at].max(form.len()),
                None => {
                    first.insert(word.to_string(), first_words.len());
                    first_words.push(word);
                    longest.push(form.len());
                }
            }
            if let Some(&b) = form.as_bytes().first() {
                first_bytes[usize::from(b)] = true;
            }
        }
        Words {
            first: StrTable::new(first_words.into_iter()),
            index: StrTable::new(forms.iter().map(String::as_str)),
            longest,
            first_bytes,
        }
    }
}

/// The one-word forms for near-miss suggestions, the recorded slips (slip to entry), and the
/// one-word forms of each entry that has recorded slips, in register order.
fn near_and_slips(
    register: &Register,
) -> (
    NearForms,
    HashMap<String, usize>,
    HashMap<usize, Vec<String>>,
) {
    let mut near = NearForms::default();
    let mut slips = HashMap::new();
    let mut slip_forms: HashMap<usize, Vec<String>> = HashMap::new();
    for (i, named) in register.entries().iter().enumerate() {
        let e = &named.entry;
        for form in near_forms(e) {
            near.add(form, i);
            if !e.slips.is_empty() {
                slip_forms.entry(i).or_default().push(form.to_string());
            }
        }
        for slip in &e.slips {
            slips.insert(slip.clone(), i);
        }
    }
    near.finish();
    (near, slips, slip_forms)
}

/// An entry's one-word forms that near-misses are looked for against: its forms and preferred
/// name, trimmed, without a space, of [`NEAR_MIN_LEN`] characters or more.
fn near_forms(e: &crate::model::register::Entry) -> impl Iterator<Item = &str> {
    e.forms
        .iter()
        .chain([&e.name])
        .map(|f| f.trim())
        .filter(|f| !f.contains(' ') && f.chars().count() >= NEAR_MIN_LEN)
}

/// The lowercase first letter of `s` (the first character of its lowercase), which a word and
/// its near-miss form share.
fn first_letter(s: &str) -> Option<char> {
    let c = s.chars().next()?;
    Some(c.to_lowercase().next().unwrap_or(c))
}

/// How many edits a word of `len` characters may be from its near-miss form.
fn near_edits(len: usize) -> usize {
    if len >= NEAR_TWO_EDITS_LEN { 2 } else { 1 }
}

/// The register's one-word forms, each once with the first entry (in register order) that has
/// it. The first words looked up are compared with every form of their first letter and of a
/// length within reach; once those comparisons have cost a quarter of what building an index of
/// the forms by deletions costs, the index is built and answers the rest. A text with few
/// unknown capitalised words never pays for the index, one with many pays for it once; the
/// answers are the same either way.
#[derive(Default, Serialize, Deserialize)]
struct NearForms {
    forms: Vec<NearForm>,
    /// Each form's place in `forms`, as they are added.
    #[serde(skip)]
    seen: Table<u32>,
    /// The places of the forms in order of first letter and length (see [`NearForms::finish`]).
    by_letter: Vec<u32>,
    /// How many comparisons of words with forms to make before building the index: a quarter
    /// of the hashes it holds. Building it costs about as much as one comparison per hash
    /// (BENCHMARKS.md); at a quarter a text with many unknown words pays little more than the
    /// index, and the bundled and plain benchmark texts never reach it.
    index_cost: usize,
    /// Comparisons of words with forms made without the index so far.
    #[serde(skip)]
    spent: AtomicUsize,
    #[serde(skip)]
    index: OnceLock<Deletions>,
}

#[derive(Serialize, Deserialize)]
struct NearForm {
    form: String,
    first: char,
    /// Length in characters.
    len: usize,
    entry: usize,
}

impl NearForms {
    fn add(&mut self, form: &str, entry: usize) {
        if self.seen.contains_key(form) {
            return;
        }
        let Some(first) = first_letter(form) else {
            return;
        };
        let Ok(id) = u32::try_from(self.forms.len()) else {
            return;
        };
        self.seen.insert(form.to_string(), id);
        self.forms.push(NearForm {
            form: form.to_string(),
            first,
            len: form.chars().count(),
            entry,
        });
    }

    /// Once every form is added: orders them by first letter and length for the search
    /// without the index, and reckons when to build the index.
    fn finish(&mut self) {
        let forms = &self.forms;
        self.by_letter = (0..forms.len() as u32).collect();
        self.by_letter
            .sort_unstable_by_key(|&id| (forms[id as usize].first, forms[id as usize].len, id));
        self.index_cost = forms
            .iter()
            .map(|f| {
                1 + f.len
                    + if index_edits(f.len) == 2 {
                        f.len * f.len.saturating_sub(1) / 2
                    } else {
                        0
                    }
            })
            .sum::<usize>()
            / 4;
    }

    /// The form nearest `word` (other than `word` itself) with the same lowercase first
    /// letter, one edit away at most (two for a word of [`NEAR_TWO_EDITS_LEN`] characters or
    /// more): the nearest, then the first in alphabetical order, then the first entry in
    /// register order.
    fn nearest(&self, word: &str) -> Option<(usize, &str)> {
        let index = match self.index.get() {
            Some(index) => Some(index),
            None if self.spent.load(Ordering::Relaxed) >= self.index_cost => {
                Some(self.index.get_or_init(|| Deletions::new(&self.forms)))
            }
            None => None,
        };
        match index {
            Some(index) => self.nearest_by_index(word, index),
            None => self.nearest_by_letter(word),
        }
    }

    /// [`NearForms::nearest`] by comparing `word` with every form of its first letter and a
    /// length within reach.
    fn nearest_by_letter(&self, word: &str) -> Option<(usize, &str)> {
        let chars: Vec<char> = word.chars().collect();
        if chars.len() < NEAR_MIN_LEN {
            return None;
        }
        let first = first_letter(word)?;
        let max = near_edits(chars.len());
        let key = |id: &u32| {
            let f = &self.forms[*id as usize];
            (f.first, f.len)
        };
        let from = self
            .by_letter
            .partition_point(|id| key(id) < (first, chars.len().saturating_sub(max)));
        let to = self
            .by_letter
            .partition_point(|id| key(id) <= (first, chars.len() + max));
        let ids = self.by_letter.get(from..to).unwrap_or_default();
        self.spent.fetch_add(ids.len(), Ordering::Relaxed);
        self.closest(word, &chars, first, max, ids.iter().copied())
    }

    /// [`NearForms::nearest`] by the deletion index.
    fn nearest_by_index(&self, word: &str, index: &Deletions) -> Option<(usize, &str)> {
        let chars: Vec<char> = word.chars().collect();
        if chars.len() < NEAR_MIN_LEN {
            return None;
        }
        let first = first_letter(word)?;
        let max = near_edits(chars.len());
        let mut tried: Vec<u32> = Vec::new();
        deletions(first, &chars, max, |key| {
            if let Some(ids) = index.get(key) {
                tried.extend_from_slice(ids);
            }
        });
        tried.sort_unstable();
        tried.dedup();
        self.closest(word, &chars, first, max, tried.into_iter())
    }

    /// Among the forms `ids`, the closest to `word` as [`NearForms::nearest`] chooses.
    fn closest(
        &self,
        word: &str,
        chars: &[char],
        first: char,
        max: usize,
        ids: impl Iterator<Item = u32>,
    ) -> Option<(usize, &str)> {
        let mut best: Option<(usize, &NearForm)> = None;
        let (mut row, mut form) = (Vec::new(), Vec::new());
        for id in ids {
            let f = &self.forms[id as usize];
            if f.first != first || f.len.abs_diff(chars.len()) > max || f.form == word {
                continue;
            }
            form.clear();
            form.extend(f.form.chars());
            let Some(d) = distance_within(chars, &form, max, &mut row) else {
                continue;
            };
            let better = best.is_none_or(|(bd, bf)| {
                (d, f.form.as_str(), f.entry) < (bd, bf.form.as_str(), bf.entry)
            });
            if better {
                best = Some((d, f));
            }
        }
        best.map(|(_, f)| (f.entry, f.form.as_str()))
    }
}

/// How many characters the index deletes from a form of `len` characters: one, or two from a
/// form that a word of [`NEAR_TWO_EDITS_LEN`] characters or more may be two edits from.
fn index_edits(len: usize) -> usize {
    if len + 2 >= NEAR_TWO_EDITS_LEN { 2 } else { 1 }
}

/// A deletion index (as in SymSpell): every string made by deleting up to one character from a
/// form (two from a form of [`NEAR_TWO_EDITS_LEN`] − 2 characters or more, which a word two
/// edits away may have), under its form's first letter, as a hash with the form's place,
/// grouped by hash. A word within k edits of a form shares with it a string made by deleting at most k
/// characters from each (a substitution is a deletion from both), so the word's own deletions
/// find every form near it, and a few others that the distance then rules out.
struct Deletions {
    /// Where each hash's forms are in `ids` (start, count).
    groups: rustc_hash::FxHashMap<u64, (u32, u32)>,
    /// Places in the forms, by hash.
    ids: Vec<u32>,
}

impl Deletions {
    fn new(forms: &[NearForm]) -> Self {
        let mut keys: Vec<(u64, u32)> = forms
            .par_iter()
            .enumerate()
            .flat_map_iter(|(id, f)| {
                let chars: Vec<char> = f.form.chars().collect();
                let max = index_edits(chars.len());
                let mut out = Vec::new();
                let id = id as u32;
                deletions(f.first, &chars, max, |key| out.push((key, id)));
                out
            })
            .collect();
        keys.par_sort_unstable();
        keys.dedup();
        let mut groups = rustc_hash::FxHashMap::default();
        let mut ids = Vec::with_capacity(keys.len());
        for (i, &(key, id)) in keys.iter().enumerate() {
            let at = ids.len() as u32;
            if i == 0 || keys[i - 1].0 != key {
                groups.insert(key, (at, 0));
            }
            if let Some((_, count)) = groups.get_mut(&key) {
                *count += 1;
            }
            ids.push(id);
        }
        Deletions { groups, ids }
    }

    /// The places of the forms under `key`.
    fn get(&self, key: u64) -> Option<&[u32]> {
        let &(start, count) = self.groups.get(&key)?;
        self.ids.get(start as usize..(start + count) as usize)
    }
}

/// Calls `found` with the hash of `first` and each string made by deleting up to `max` (at
/// most 2) characters from `chars`, `chars` itself included.
fn deletions(first: char, chars: &[char], max: usize, mut found: impl FnMut(u64)) {
    let hash = |skip: [usize; 2]| {
        let mut h = rustc_hash::FxHasher::default();
        h.write_u32(u32::from(first));
        for (i, &c) in chars.iter().enumerate() {
            if i != skip[0] && i != skip[1] {
                h.write_u32(u32::from(c));
            }
        }
        // The length marks where the string ends, so that no two strings hash alike by
        // construction.
        h.write_usize(chars.len() - skip.iter().filter(|&&s| s < chars.len()).count());
        h.finish()
    };
    let none = usize::MAX;
    found(hash([none, none]));
    if max >= 1 {
        for i in 0..chars.len() {
            found(hash([i, none]));
        }
    }
    if max >= 2 {
        for i in 0..chars.len() {
            for j in i + 1..chars.len() {
                found(hash([i, j]));
            }
        }
    }
}

/// Whether `text[start..end]` stands as whole words: no letter or digit joined on either side.
/// An entry's forms in the order they are added to the patterns, each with whether it is
/// written in the register (explicit) and whether it is a capitals rendering: the register's
/// forms and name, then what the original script gives.
fn entry_forms(e: &crate::model::register::Entry) -> Vec<(String, bool, bool)> {
    let mut out = Vec::new();
    for form in e.forms.iter().chain([&e.name]) {
        let form = form.trim();
        if form.is_empty() {
            continue;
        }
        let upper = form.to_uppercase();
        out.push((form.to_string(), true, false));
        if upper != form {
            out.push((upper, true, true));
        }
    }
    if let Some(original) = &e.original {
        for form in translit::forms(original) {
            if form.chars().count() >= MIN_GENERATED_LEN {
                let upper = form.to_uppercase();
                out.push((form, false, false));
                out.push((upper, false, true));
            }
        }
    }
    out
}

/// The first word of `s`: up to its first character that is not a letter or digit (empty when
/// `s` starts with one).
fn first_word(s: &str) -> &str {
    let end = s.find(|c: char| !c.is_alphanumeric()).unwrap_or(s.len());
    &s[..end]
}

/// Calls `found` with every stretch `start..end` of `text` with no letter or digit joined on
/// either side that starts with the first word of a form and is no longer than the longest form
/// with that first word, in order of start and end. A form found at `start..end` on word
/// boundaries has the first word of `text[start..]`, since a stretch cannot end inside a word.
fn word_stretches(text: &str, words: &Words, mut found: impl FnMut(usize, usize)) {
    let bytes = text.as_bytes();
    let mut prev_alnum = false;
    for (s, c) in text.char_indices() {
        let alnum = c.is_alphanumeric();
        let start = !prev_alnum;
        prev_alnum = alnum;
        if !start || words.first_bytes.get(usize::from(bytes[s])) != Some(&true) {
            continue;
        }
        // The first word ends at the next character that is not a letter or digit, and is
        // empty at such a character.
        let word_end = if alnum {
            text[s..]
                .find(|c: char| !c.is_alphanumeric())
                .map_or(text.len(), |i| s + i)
        } else {
            s
        };
        let Some(&longest) = words
            .first
            .get(&text[s..word_end])
            .and_then(|at| words.longest.get(at))
        else {
            continue;
        };
        // Stretches end before a character that is not a letter or digit, or at the end.
        for (i, c) in text[s..].char_indices().skip(1) {
            if i > longest {
                break;
            }
            if !c.is_alphanumeric() {
                found(s, s + i);
            }
        }
        if text.len() - s <= longest {
            found(s, text.len());
        }
    }
}

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

/// The Levenshtein distance of `a` and `b` if it is `max` or less (stopping as soon as it
/// cannot be), with `row` as the work space.
fn distance_within(a: &[char], b: &[char], max: usize, row: &mut Vec<usize>) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    row.clear();
    row.extend(0..=b.len());
    for (i, &ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        let mut least = row[0];
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
            least = least.min(row[j + 1]);
        }
        // Every later row's least value is at least this one's.
        if least > max {
            return None;
        }
    }
    let d = row[b.len()];
    (d <= max).then_some(d)
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
    use std::fmt::Write as _;

    #[test]
    fn prefixed_words_are_not_names() {
        assert!(after_prefix("the Anti-Comintern Pact", 9));
        assert!(after_prefix("anti-Stalinist", 5));
        assert!(!after_prefix("Boukharine-Kamenev", 11));
        assert!(!after_prefix("Antonov-Ovseenko", 8));
    }

    /// Forms that start with a character that is not a letter or digit, or inside another
    /// form's first word, or end the text: the word-by-word search finds what the automaton
    /// finds.
    #[test]
    fn word_search_agrees_at_the_edges() {
        let file: crate::model::register::RegisterFile = toml::from_str(
            r#"
[[person]]
key = "a"
name = "‘Abd Allah"
forms = ["(Ali)", "Ab", "Abd", "Abd-Allah", "9 Lives"]
description = "d"
"#,
        )
        .unwrap();
        let mut r = Register::default();
        r.extend(file);
        let ac = Matcher::with_search(&r, Search::Automaton);
        let words = Matcher::with_search(&r, Search::Words);
        for text in [
            "‘Abd Allah met (Ali) and Ab, Abd-Allah, Abd; 9 Lives",
            "(Ali)",
            "x(Ali)y ‘Abd",
            "Abd-Allah’s ABD ALLAH",
            "",
        ] {
            for heading in [false, true] {
                assert_eq!(
                    format!("{:?}", ac.find(text, heading)),
                    format!("{:?}", words.find(text, heading)),
                    "{text:?}"
                );
            }
        }
        assert!(!words.find("(Ali) Abd", false).is_empty());
    }

    /// The near-miss search as it was before the deletion index: every one-word form of the
    /// same first letter and a length within reach compared with the word. The oracle the
    /// index is tested against.
    struct Linear {
        near: HashMap<char, Vec<(String, usize)>>,
        slips: HashMap<String, usize>,
        names: Vec<String>,
    }

    impl Linear {
        fn new(register: &Register) -> Self {
            let mut near: HashMap<char, Vec<(String, usize)>> = HashMap::new();
            let mut slips = HashMap::new();
            let mut names = Vec::new();
            for (i, named) in register.entries().iter().enumerate() {
                let e = &named.entry;
                names.push(e.name.clone());
                for form in e.forms.iter().chain([&e.name]) {
                    let form = form.trim();
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
                for slip in &e.slips {
                    slips.insert(slip.clone(), i);
                }
            }
            for bucket in near.values_mut() {
                bucket.sort_by_cached_key(|(f, _)| f.chars().count());
            }
            Linear { near, slips, names }
        }

        fn near_miss(&self, word: &str) -> NearMiss {
            if let Some(&e) = self.slips.get(word) {
                return Some((e, self.best_form(e, word), true));
            }
            let len = word.chars().count();
            if len < 5 {
                return None;
            }
            let first = word.chars().next()?.to_lowercase().next()?;
            let max = if len >= 10 { 2 } else { 1 };
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

        fn best_form(&self, entry: usize, word: &str) -> String {
            self.near
                .values()
                .flatten()
                .filter(|(_, e)| *e == entry)
                .min_by_key(|(f, _)| (distance(word, f), f.clone()))
                .map(|(f, _)| f.clone())
                .unwrap_or_else(|| self.names[entry].clone())
        }
    }

    /// A small seeded generator (xorshift), so that the generated words are the same on
    /// every run.
    struct Gen(u64);

    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn pick<T: Copy>(&mut self, items: &[T]) -> T {
            items[self.below(items.len())]
        }
    }

    const LETTERS: &[char] = &[
        'a', 'e', 'i', 'o', 'u', 'y', 'k', 'v', 'n', 'r', 's', 'l', 'm', 'b', 'z', 'é', 'ü', 'ö',
        'ł', 'ß', 'ж', 'о', 'в', 'İ', 'ı', '-', '1',
    ];

    fn word_of(g: &mut Gen, len: usize) -> String {
        let first = g.pick(&['K', 'k', 'B', 'Ž', 'ž', 'Ж', 'İ', 'I', 'É', 'A']);
        std::iter::once(first)
            .chain((1..len).map(|_| g.pick(LETTERS)))
            .collect()
    }

    /// Up to three random edits (insertion, deletion, substitution, a swap of neighbours,
    /// the first letter's case) of `form`.
    fn edited(g: &mut Gen, form: &str) -> String {
        let mut c: Vec<char> = form.chars().collect();
        for _ in 0..g.below(4) {
            let at = g.below(c.len().max(1));
            match g.below(5) {
                0 => c.insert(at, g.pick(LETTERS)),
                1 if c.len() > 1 => {
                    c.remove(at);
                }
                2 if !c.is_empty() => c[at] = g.pick(LETTERS),
                3 if at + 1 < c.len() => c.swap(at, at + 1),
                _ => {
                    if let Some(f) = c.first_mut() {
                        *f = f.to_uppercase().next().unwrap_or(*f);
                    }
                }
            }
        }
        c.into_iter().collect()
    }

    /// A register of `n` entries of generated one-word forms, many shared between entries,
    /// some with spaces or too short, some entries with slips.
    fn generated_register(g: &mut Gen, n: usize) -> Register {
        let mut pool: Vec<String> = Vec::new();
        let mut toml = String::new();
        for i in 0..n {
            let mut forms = Vec::new();
            for _ in 0..1 + g.below(3) {
                let form = if !pool.is_empty() && g.below(3) == 0 {
                    pool[g.below(pool.len())].clone()
                } else {
                    let len = 3 + g.below(12);
                    let w = word_of(g, len);
                    pool.push(w.clone());
                    w
                };
                forms.push(form);
            }
            if g.below(10) == 0 {
                forms.push(format!("{} {}", word_of(g, 6), word_of(g, 7)));
            }
            let slips: Vec<String> = if g.below(8) == 0 {
                vec![edited(g, &forms[0])]
            } else {
                Vec::new()
            };
            let q = |v: &[String]| {
                v.iter()
                    .map(|s| format!("{s:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let name = if g.below(2) == 0 {
                forms[0].clone()
            } else {
                format!("{} {}", word_of(g, 5), forms[0])
            };
            writeln!(
                toml,
                "[[person]]\nkey = \"p{i}\"\nname = {name:?}\nforms = [{}]\nslips = [{}]\ndescription = \"d\"\n",
                q(&forms),
                q(&slips)
            )
            .unwrap();
        }
        let file: crate::model::register::RegisterFile = toml::from_str(&toml).unwrap();
        let mut r = Register::default();
        r.extend(file);
        r
    }

    /// The deletion index answers exactly what comparing the word with every form answered:
    /// the same entry, the same form, the same choice between equals, for words one, two and
    /// three edits from forms short and long, with letters outside ASCII, and for slips.
    #[test]
    fn near_miss_index_agrees_with_the_linear_search() {
        let mut g = Gen(0x9e37_79b9_7f4a_7c15);
        let register = generated_register(&mut g, 3000);
        let m = Matcher::new(&register);
        // Looks up without the index first, then with it.
        let hybrid = Matcher::new(&register);
        let mut switched = None;
        let oracle = Linear::new(&register);
        let forms: Vec<String> = register
            .entries()
            .iter()
            .flat_map(|n| n.entry.forms.iter().chain(&n.entry.slips).cloned())
            .collect();
        let (mut found, mut two, mut slips) = (0, 0, 0);
        for i in 0..20_000 {
            let word = if i % 10 == 0 {
                word_of(&mut g, 4 + i % 12)
            } else {
                let at = g.below(forms.len());
                edited(&mut g, &forms[at])
            };
            let want = oracle.near_miss(&word);
            assert_eq!(hybrid.find_near_miss(&word), want, "{word:?}");
            if switched.is_none() && hybrid.near.index.get().is_some() {
                switched = Some(i);
            }
            // Both ways the matcher may search, whichever it happens to be using.
            if !m.slips.contains_key(&word) {
                let want = want.as_ref().map(|(e, f, _)| (*e, f.as_str()));
                assert_eq!(m.near.nearest_by_letter(&word), want, "{word:?}");
                let index = m.near.index.get_or_init(|| Deletions::new(&m.near.forms));
                assert_eq!(m.near.nearest_by_index(&word, index), want, "{word:?}");
            }
            if let Some((_, form, slip)) = &want {
                found += 1;
                slips += usize::from(*slip);
                two += usize::from(distance(&word, form) == 2);
            }
        }
        // The search changed ways after some words, not at the first.
        assert!(switched.is_some_and(|i| i > 100), "{switched:?}");
        // The words reach every kind of answer.
        assert!(
            found > 5_000 && two > 250 && slips > 250,
            "{found} {two} {slips}"
        );
    }

    #[test]
    fn edit_distance() {
        let within = |a: &str, b: &str, max| {
            let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            distance_within(&a, &b, max, &mut Vec::new())
        };
        assert_eq!(within("Kamanev", "Kamenev", 1), Some(1));
        assert_eq!(within("Stalinist", "Stalin", 2), None);
        assert_eq!(within("Stalinist", "Stalin", 3), Some(3));
        assert_eq!(within("Жуков", "Жукова", 1), Some(1));
        assert_eq!(within("abcdef", "badcfe", 2), None);
        assert_eq!(distance("Kamanev", "Kamenev"), 1);
        assert_eq!(distance("Antonoy-Ovseenko", "Antonov-Ovseenko"), 1);
        assert_eq!(distance("Stalinist", "Stalin"), 3);
    }
}
