//! Pass 6, names: every mention of every person, place, organisation and work in the
//! register, found in one scan of the text with a single Aho-Corasick automaton over all name
//! forms (the register's own forms, their capitals for headings, and renderings generated from
//! the original script), on word boundaries. A form shared by several entries is resolved from
//! the nearest unambiguous mention in the same edition, or left unlinked and reported; near-miss
//! spellings are suggested to the editor, never linked; the record's `[[names]]` wins.

pub mod matcher;
mod table;
pub mod translit;

use super::Pass;
use crate::diagnostic::{Diagnostic, LineIndex, Location, codes};
use crate::model::edition::NameKind;
use crate::model::record::{BlockKind, Cert};
use crate::model::register::Register;
use crate::model::{Edition, Inline};
use matcher::{Candidate, Matcher, NearMiss};
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

/// The names pass, holding the tables built once for the whole register.
#[derive(Clone)]
pub struct Names {
    /// Persons, places, organisations and works.
    pub matcher: Arc<Matcher>,
    /// Events and treaties, found apart: their names hold other names (`Battle of Wuhan`),
    /// which are marked inside them.
    pub events: Option<Arc<Matcher>>,
}

impl Names {
    /// The names pass as the build runs it (forms looked up word by word).
    pub fn new(register: &Register) -> Self {
        Self::with_search(register, matcher::Search::Words)
    }

    pub fn with_search(register: &Register, search: matcher::Search) -> Self {
        if register.of_kind(NameKind::Event).next().is_none() {
            return Names {
                matcher: Arc::new(Matcher::with_search(register, search)),
                events: None,
            };
        }
        let (events, others): (Vec<_>, Vec<_>) = register
            .entries()
            .iter()
            .cloned()
            .partition(|n| n.kind == NameKind::Event);
        Names {
            matcher: Arc::new(Matcher::with_search(
                &Register::from_entries(others),
                search,
            )),
            events: Some(Arc::new(Matcher::with_search(
                &Register::from_entries(events),
                search,
            ))),
        }
    }
}

impl std::fmt::Debug for Names {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Names")
            .field("forms", &self.matcher.form_count)
            .field("event_forms", &self.events.as_ref().map(|e| e.form_count))
            .finish_non_exhaustive()
    }
}

impl Names {
    /// The pass's tables as bytes (postcard), labelled with `key`, for the build cache to
    /// keep (see [`Names::from_bytes`]); `None` for a pass that finds forms with the automaton,
    /// which is not kept.
    pub fn to_bytes(&self, key: &str) -> Option<Vec<u8>> {
        let events = self.events.as_deref();
        if !self.matcher.searches_words() || events.is_some_and(|e| !e.searches_words()) {
            return None;
        }
        postcard::serialize_with_flavor(&(key, &*self.matcher, events), Buffer(Vec::new())).ok()
    }

    /// The pass again from what [`Names::to_bytes`] made with the same `key`, by the same
    /// editio binary (the layout is not meant to outlive it); `None` for bytes it could not
    /// have made or made under another key.
    pub fn from_bytes(bytes: &[u8], key: &str) -> Option<Names> {
        let (kept, matcher, events): (&str, Matcher, Option<Matcher>) =
            postcard::from_bytes(bytes).ok()?;
        (kept == key).then(|| Names {
            matcher: Arc::new(matcher),
            events: events.map(Arc::new),
        })
    }
}

/// postcard's output into a growing buffer (postcard's own needs its `alloc` feature; this
/// keeps it built as the ICU crates of the PDF typesetter build it).
pub(crate) struct Buffer(pub(crate) Vec<u8>);

impl postcard::ser_flavors::Flavor for Buffer {
    type Output = Vec<u8>;

    fn try_push(&mut self, data: u8) -> postcard::Result<()> {
        self.0.push(data);
        Ok(())
    }

    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        self.0.extend_from_slice(data);
        Ok(())
    }

    fn finalize(self) -> postcard::Result<Vec<u8>> {
        Ok(self.0)
    }
}

/// A mention found in the text, before it is written into the model. Its words are where it
/// stands (see [`surface`]); its candidates are the matcher's own list, copied only when
/// [`resolve`] narrows it.
#[derive(Clone, Debug)]
struct Mention<'m> {
    block: usize,
    inline: usize,
    /// Byte range within the inline's text (for a `Choice`, the whole choice).
    start: usize,
    end: usize,
    /// Position in the edition, for distances.
    pos: usize,
    candidates: Cow<'m, [Candidate]>,
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
        let found = {
            // Where the lines start, found once and only for a text with something to report.
            let lines = std::cell::OnceCell::new();
            let lines = || lines.get_or_init(|| LineIndex::new(&edition.text));
            let mut found = report_unresolved(m, edition, &mentions, lines);
            found.extend(suggest_near_misses(m, edition, &mentions, lines));
            found
        };
        edition.findings.extend(found);
        write_mentions(m, edition, mentions);
        if let Some(events) = &self.events {
            write_events(events, edition);
        }
    }
}

/// Every match in every block, as mentions with their candidate entries.
fn find_mentions<'m>(m: &'m Matcher, edition: &Edition) -> Vec<Mention<'m>> {
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
                            candidates: Cow::Borrowed(hit.candidates),
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
                            candidates: Cow::Borrowed(hit.candidates),
                            key: None,
                            forced: false,
                        });
                    }
                }
                _ => {}
            }
            pos += inline.source_len();
        }
    }
    out
}

/// Decides each mention: explicit forms beat generated ones; a single candidate is linked; a
/// shared form takes the entry with the nearest unambiguous mention, at medium certainty.
fn resolve(m: &Matcher, mentions: &mut [Mention]) {
    for mention in mentions.iter_mut() {
        // One candidate: it is the entry (what the general case below gives, sooner).
        if let [only] = &*mention.candidates {
            mention.key = Some((only.entry, m.entry_cert(only.entry)));
            continue;
        }
        let explicit: Vec<&Candidate> = mention.candidates.iter().filter(|c| c.explicit).collect();
        let pool: Vec<&Candidate> = if explicit.is_empty() {
            mention.candidates.iter().collect()
        } else {
            explicit
        };
        let mut entries: Vec<usize> = pool.iter().map(|c| c.entry).collect();
        entries.sort_unstable();
        entries.dedup();
        let candidates = mention.candidates.to_mut();
        candidates.retain(|c| entries.contains(&c.entry));
        candidates.dedup_by_key(|c| c.entry);
        if let [only] = entries.as_slice() {
            mention.key = Some((*only, m.entry_cert(*only)));
        }
    }
    // The positions of each entry's unambiguous mentions, sorted, to find the nearest by
    // binary search.
    let mut unambiguous: HashMap<usize, Vec<usize>> = HashMap::new();
    for x in mentions.iter() {
        if let Some((e, _)) = x.key {
            unambiguous.entry(e).or_default().push(x.pos);
        }
    }
    for positions in unambiguous.values_mut() {
        positions.sort_unstable();
    }
    for mention in mentions.iter_mut().filter(|x| x.key.is_none()) {
        let nearest = mention
            .candidates
            .iter()
            .filter_map(|c| {
                let positions = unambiguous.get(&c.entry)?;
                let at = positions.partition_point(|&p| p < mention.pos);
                let after = positions.get(at).map(|p| p.abs_diff(mention.pos));
                let before = at
                    .checked_sub(1)
                    .and_then(|i| positions.get(i))
                    .map(|p| p.abs_diff(mention.pos));
                let d = match (before, after) {
                    (Some(b), Some(a)) => b.min(a),
                    (b, a) => b.or(a)?,
                };
                Some((d, c.entry))
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
        let key = if o.unlink {
            None
        } else {
            entry.map(|e| (e, o.cert.unwrap_or(Cert::Confirmed)))
        };
        let (seen, hit) = apply_override(&o, key, &edition.blocks, mentions);
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

/// Gives `key` (none: unlinked) to the occurrences of one override's form that it names
/// (every one, or the n-th), in text order. Returns how many occurrences there are, and
/// whether the override applied to any.
fn apply_override(
    o: &crate::model::record::NameOverride,
    key: Option<(usize, Cert)>,
    blocks: &[crate::model::Block],
    mentions: &mut Vec<Mention>,
) -> (usize, bool) {
    let mut seen = 0;
    let mut hit = false;
    for (bi, block) in blocks.iter().enumerate() {
        let mut pos = block.span.start;
        for (ii, inline) in block.inlines.iter().enumerate() {
            for (start, end) in override_places(inline, &o.form) {
                seen += 1;
                if o.occurrence.is_some_and(|n| n != seen) {
                    continue;
                }
                hit = true;
                let forced = Mention {
                    block: bi,
                    inline: ii,
                    start,
                    end,
                    pos: pos + start,
                    candidates: Cow::Borrowed(&[]),
                    key,
                    forced: true,
                };
                force_mention(mentions, forced);
            }
            pos += inline.source_len();
        }
    }
    (seen, hit)
}

/// Where `form` stands in one inline, as whole words (byte ranges in its text); a correction
/// whose corrected reading is `form` as a whole.
fn override_places(inline: &Inline, form: &str) -> Vec<(usize, usize)> {
    match inline {
        Inline::Text(t) => t
            .match_indices(form)
            .map(|(s, f)| (s, s + f.len()))
            .filter(|(s, e)| super::is_whole_word(t, *s, *e))
            .collect(),
        Inline::Choice { corr, sic, .. } if corr == form => vec![(0, sic.len())],
        _ => Vec::new(),
    }
}

/// Puts a forced mention in place: a mention found at exactly that place takes its key; or
/// else the mentions it overlaps are removed and it is added, if it links to an entry.
fn force_mention<'m>(mentions: &mut Vec<Mention<'m>>, forced: Mention<'m>) {
    let (bi, ii, start, end) = (forced.block, forced.inline, forced.start, forced.end);
    let existing = mentions
        .iter_mut()
        .find(|x| x.block == bi && x.inline == ii && x.start == start && x.end == end);
    match existing {
        Some(x) => {
            x.key = forced.key;
            x.forced = true;
        }
        None => {
            mentions
                .retain(|x| !(x.block == bi && x.inline == ii && x.start < end && start < x.end));
            if forced.key.is_some() {
                mentions.push(forced);
            }
        }
    }
}

/// The words of a mention the matcher found: the text it covers, or a correction's reading.
fn surface<'e>(edition: &'e Edition, x: &Mention<'_>) -> &'e str {
    match edition
        .blocks
        .get(x.block)
        .and_then(|b| b.inlines.get(x.inline))
    {
        Some(Inline::Text(t)) => t.get(x.start..x.end).unwrap_or_default(),
        Some(Inline::Choice { corr, .. }) => corr,
        _ => "",
    }
}

/// ED505 for each mention left undecided (and not the editor's own).
fn report_unresolved<'e>(
    m: &Matcher,
    edition: &'e Edition,
    mentions: &[Mention<'_>],
    lines: impl Fn() -> &'e LineIndex<'e>,
) -> Vec<Diagnostic> {
    use std::fmt::Write as _;
    let mut found = Vec::new();
    for x in mentions.iter().filter(|x| x.key.is_none() && !x.forced) {
        let surface = surface(edition, x);
        let mut message = format!("'{surface}' may be any of ");
        for (i, c) in x.candidates.iter().enumerate() {
            let sep = if i == 0 { "" } else { ", " };
            let _ = write!(message, "{sep}{}", m.entry_key(c.entry));
        }
        message.push_str("; no unambiguous mention in this edition decides: left unlinked");
        found.push(
            Diagnostic::new(
                codes::NAME_AMBIGUOUS,
                Location::at_offset_in(&edition.source_path, lines(), x.pos),
                message,
            )
            .with_help(format!(
                "say which in edition.toml: [[names]] form = \"{surface}\", key = \"…\""
            )),
        );
    }
    found
}

/// Capitalised words that are near-misses of registered forms (one or two letters off), or a
/// register's recorded slips, in text not already linked: suggested, never linked.
fn suggest_near_misses<'e>(
    m: &Matcher,
    edition: &'e Edition,
    mentions: &[Mention<'_>],
    lines: impl Fn() -> &'e LineIndex<'e>,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    // The same capitalised words recur all through a text: look each up once.
    let mut cache: FxHashMap<&'e str, NearMiss> = FxHashMap::default();
    let mut near_miss = |word: &'e str| -> NearMiss {
        cache
            .entry(word)
            .or_insert_with(|| m.near_miss(word))
            .clone()
    };
    for (bi, block) in edition.blocks.iter().enumerate() {
        let mut pos = block.span.start;
        for (ii, inline) in block.inlines.iter().enumerate() {
            if let Inline::Text(t) = inline {
                // Mentions are sorted by block, inline and start: this inline's are together.
                let from = mentions.partition_point(|x| (x.block, x.inline) < (bi, ii));
                let to = mentions.partition_point(|x| (x.block, x.inline) <= (bi, ii));
                let here = &mentions[from..to];
                let linked = |at: usize, part: &str| {
                    here.iter().any(|x| x.start < at + part.len() && at < x.end)
                };
                for (start, word) in capitalised_words(t) {
                    // A hyphenated word may be two names (`Zinoviev-Kamanev`): try its parts.
                    if word.contains('-') && near_miss(word).is_none() {
                        let mut at = start;
                        for part in word.split('-') {
                            if !linked(at, part)
                                && let Some((entry, form, slip)) = near_miss(part)
                            {
                                found.push((pos + at, part, entry, form, slip));
                            }
                            at += part.len() + 1;
                        }
                    } else if !linked(start, word)
                        && let Some((entry, form, slip)) = near_miss(word)
                    {
                        found.push((pos + start, word, entry, form, slip));
                    }
                }
            }
            pos += inline.source_len();
        }
    }
    let mut diags = Vec::with_capacity(found.len());
    for (offset, word, entry, form, slip) in found {
        let why = if slip { "a known slip for" } else { "close to" };
        diags.push(
            Diagnostic::new(
                codes::NAME_NEAR_MISS,
                Location::at_offset_in(&edition.source_path, lines(), offset),
                format!("'{word}' is {why} '{form}' ({}): not linked", m.entry_key(entry)),
            )
            .with_help(format!(
                "if it is a slip, record a correction ([[corrections]] sic = \"{word}\", corr = \"{form}\"), or link it as it stands ([[names]] form = \"{word}\", key = \"{}\")",
                m.entry_key(entry)
            )),
        );
    }
    diags
}

/// The names of events and treaties, over each block's reading (corrected readings included,
/// so `Zinoviev-Kamanev Trial` is found as `Zinoviev-Kamenev Trial`), written around the
/// inlines they cover: a name inside (`Wuhan` in `Battle of Wuhan`) stays marked within. An
/// event name whose ends fall inside another name or a correction is not marked.
fn write_events(m: &Matcher, edition: &mut Edition) {
    for block in &mut edition.blocks {
        let heading = matches!(block.kind, BlockKind::Heading | BlockKind::Title);
        // Each inline's reading and where it starts in the block's reading; what is not
        // text (a note, a break) stands as a character no name contains.
        let mut reading = String::new();
        let mut starts = Vec::with_capacity(block.inlines.len());
        for inline in &block.inlines {
            starts.push(reading.len());
            match inline {
                Inline::Text(_) | Inline::Choice { .. } | Inline::Name { .. } => {
                    push_reading(inline, &mut reading)
                }
                _ => reading.push('\u{1}'),
            }
        }
        starts.push(reading.len());
        let hits = m.find(&reading, heading);
        if hits.is_empty() {
            continue;
        }
        // From the last hit to the first, so that earlier positions stay valid.
        for hit in hits.into_iter().rev() {
            let [only] = hit.candidates else {
                continue;
            };
            let (Some(a), Some(b)) = (
                split_at(&mut block.inlines, &mut starts, hit.start),
                split_at(&mut block.inlines, &mut starts, hit.end),
            ) else {
                continue;
            };
            let content: Vec<Inline> = block.inlines.drain(a..b).collect();
            let cert = m.entry_cert(only.entry);
            block.inlines.insert(
                a,
                Inline::Name {
                    kind: NameKind::Event,
                    key: Some(m.entry_key(only.entry).to_string()),
                    cert: (cert != Cert::Confirmed).then_some(cert),
                    content,
                },
            );
            starts.drain(a + 1..b);
        }
    }
}

/// An inline's reading: its text, with a correction's corrected form.
fn push_reading(inline: &Inline, out: &mut String) {
    match inline {
        Inline::Text(t) => out.push_str(t),
        Inline::Choice { corr, .. } => out.push_str(corr),
        Inline::Name { content, .. } => content.iter().for_each(|i| push_reading(i, out)),
        _ => out.push('\u{1}'),
    }
}

/// The index of the inline that begins at `at` in the block's reading, splitting a text
/// inline there if need be; `None` when `at` falls inside anything else.
fn split_at(inlines: &mut Vec<Inline>, starts: &mut Vec<usize>, at: usize) -> Option<usize> {
    let i = starts.partition_point(|&s| s <= at) - 1;
    if starts[i] == at {
        return Some(i);
    }
    let Inline::Text(t) = &mut inlines[i] else {
        return None;
    };
    let tail = t.split_off(at - starts[i]);
    inlines.insert(i + 1, Inline::Text(tail));
    starts.insert(i + 1, at);
    Some(i + 1)
}

/// Words that start with a capital letter, with hyphenated parts and a possessive or inner
/// apostrophe kept together (`Antonov-Ovseenko`, `People’s`, `O’Brien`), and their byte offsets.
pub fn capitalised_words(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    let mut prev_alpha = false;
    while let Some((i, c)) = chars.next() {
        let alpha = c.is_alphabetic();
        let next_alpha = chars.peek().is_some_and(|&(_, n)| n.is_alphabetic());
        let joiner = matches!(c, '-' | '’' | '\'') && prev_alpha && next_alpha;
        if c.is_alphabetic() || joiner {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            push_capitalised(&mut out, text, s, i);
        }
        prev_alpha = alpha;
    }
    if let Some(s) = start {
        push_capitalised(&mut out, text, s, text.len());
    }
    out
}

fn push_capitalised<'a>(out: &mut Vec<(usize, &'a str)>, text: &'a str, start: usize, end: usize) {
    let w = &text[start..end];
    if w.chars().next().is_some_and(char::is_uppercase) {
        out.push((start, w));
    }
}

/// Writes the decided mentions into the blocks as `Name` inlines. Where mentions overlap, the
/// later one is written and the earlier skipped.
fn write_mentions(m: &Matcher, edition: &mut Edition, mut mentions: Vec<Mention>) {
    mentions.retain(|x| x.key.is_some());
    // In text order; of two at the same place (there are none), the first given is kept.
    let mut order: Vec<(usize, Mention)> = mentions.into_iter().enumerate().collect();
    order.sort_by_key(|(i, x)| (x.block, x.inline, x.start, std::cmp::Reverse(*i)));
    let mentions: Vec<Mention> = order.into_iter().map(|(_, x)| x).collect();
    // From the last to the first: skip a mention that overlaps the one after it (kept).
    let mut keep = vec![false; mentions.len()];
    let mut next: Option<(usize, usize, usize)> = None;
    for (k, x) in mentions.iter().enumerate().rev() {
        if let Some((b, i, s)) = next
            && b == x.block
            && i == x.inline
            && x.end > s
        {
            continue;
        }
        next = Some((x.block, x.inline, x.start));
        keep[k] = true;
    }
    let kept: Vec<&Mention> = mentions
        .iter()
        .zip(keep)
        .filter_map(|(x, k)| k.then_some(x))
        .collect();
    let name = |x: &Mention, content: Inline| -> Option<Inline> {
        let (entry, cert) = x.key?;
        Some(Inline::Name {
            kind: m.entry_kind(entry),
            key: Some(m.entry_key(entry).to_string()),
            cert: (cert != Cert::Confirmed).then_some(cert),
            content: vec![content],
        })
    };
    // Each block once: its inlines with the mentions' inlines split around the names.
    let mut k = 0;
    while k < kept.len() {
        let bi = kept[k].block;
        let to = k + kept[k..].partition_point(|x| x.block == bi);
        let here = &kept[k..to];
        k = to;
        let old = std::mem::take(&mut edition.blocks[bi].inlines);
        let mut inlines = Vec::with_capacity(old.len() + 2 * here.len());
        let mut h = 0;
        for (ii, inline) in old.into_iter().enumerate() {
            let from = h;
            while h < here.len() && here[h].inline == ii {
                h += 1;
            }
            let mine = &here[from..h];
            if mine.is_empty() {
                inlines.push(inline);
                continue;
            }
            match inline {
                Inline::Text(t) => {
                    let mut parts = Vec::new();
                    let mut at = 0;
                    for x in mine {
                        super::push_text(&mut parts, &t[at..x.start]);
                        parts.extend(name(x, Inline::Text(t[x.start..x.end].to_string())));
                        at = x.end;
                    }
                    super::push_text(&mut parts, &t[at..]);
                    inlines.extend(parts);
                }
                choice @ Inline::Choice { .. } => {
                    // A choice is named whole (one mention at most).
                    let x = mine[mine.len() - 1];
                    match name(x, choice.clone()) {
                        Some(n) => inlines.push(n),
                        None => inlines.push(choice),
                    }
                }
                other => inlines.push(other),
            }
        }
        edition.blocks[bi].inlines = inlines;
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::codes;
    use crate::model::edition::NameKind;
    use crate::model::register::{Register, RegisterFile};
    use crate::model::{Edition, Record};
    use crate::passes::Pipeline;

    const REGISTER: &str = r#"
[[person]]
key = "stalin-joseph"
name = "Joseph Stalin"
original = "Иосиф Виссарионович Сталин"
forms = ["Stalin"]
description = "d"

[[person]]
key = "yezhov-nikolai"
name = "Nikolai Yezhov"
original = "Николай Иванович Ежов"
forms = ["Yezhov", "Ejov"]
description = "d"

[[person]]
key = "bukharin-nikolai"
name = "Nikolai Bukharin"
original = "Николай Иванович Бухарин"
forms = ["Bukharin", "Boukharine"]
description = "d"

[[person]]
key = "kamenev-lev"
name = "Lev Kamenev"
original = "Лев Борисович Каменев"
forms = ["Kamenev"]
slips = ["Kamanev"]
description = "d"

[[person]]
key = "antonov-ovseyenko-vladimir"
name = "Vladimir Antonov-Ovseyenko"
forms = ["Antonov-Ovseenko"]
description = "d"

[[person]]
key = "ovseenko-someone"
name = "Someone Ovseenko"
forms = ["Ovseenko"]
description = "a person sharing half of a hyphenated name"

[[person]]
key = "joffe-maria"
name = "Maria Joffe"
forms = ["Maria Joffe", "Joffe"]
description = "d"

[[person]]
key = "joffe-adolph"
name = "Adolph Joffe"
forms = ["Adolph Joffe", "Joffe"]
description = "d"

[[person]]
key = "lurye-moissei"
name = "Moissei Lurye"
forms = ["Moissei Lurye", "Lurye"]
description = "d"

[[person]]
key = "lurye-nathan"
name = "Nathan Lurye"
forms = ["Nathan Lurye", "Lurye"]
description = "d"

[[org]]
key = "comintern"
name = "Comintern"
forms = ["Comintern"]
description = "d"

[[work]]
key = "souvarine-staline"
title = "Staline"
forms = ["Staline"]
description = "d"
"#;

    fn register() -> Register {
        let file: RegisterFile = toml::from_str(REGISTER).unwrap();
        let mut r = Register::default();
        r.extend(file);
        r
    }

    fn edition(text: &str, extra: &str) -> Edition {
        let mut e = shell(text, extra);
        Pipeline::new(&register()).run(&mut e);
        e
    }

    /// An edition of `text` before the passes, with `extra` in its record.
    fn shell(text: &str, extra: &str) -> Edition {
        let record: Record = toml::from_str(&format!(
            r#"
id = "t"
title = "T"
language = "en"
[source]
kind = "book"
title = {{ cert = "unknown" }}
[received]
file_name = "t.txt"
date = {{ cert = "unknown" }}
by = {{ cert = "unknown" }}
route = {{ cert = "unknown" }}
size = 0
sha256 = "00"
[rights]
source = {{ cert = "unknown" }}
{extra}
"#
        ))
        .unwrap();
        Edition::new("t".into(), record, "t/source.txt".into(), text.to_string())
    }

    /// The names pass read back from its bytes (as the build cache keeps them) marks, suggests
    /// and reports exactly what the pass made from the register does, events included; bytes
    /// cut short or changed in their layout are refused.
    #[test]
    fn the_pass_read_back_from_its_bytes_does_the_same() {
        let events = r#"
[[event]]
key = "trial-of-the-sixteen"
name = "Trial of the Sixteen"
forms = ["Zinoviev-Kamenev Trial"]
description = "d"
"#;
        let mut r = register();
        r.extend(toml::from_str::<RegisterFile>(events).unwrap());
        let made = super::Names::new(&r);
        let bytes = made.to_bytes("k").unwrap();
        let back = super::Names::from_bytes(&bytes, "k").unwrap();
        assert!(back.events.is_some());
        assert!(super::Names::from_bytes(&bytes, "other").is_none());
        assert!(super::Names::from_bytes(&bytes[..bytes.len() / 2], "k").is_none());
        assert!(super::Names::from_bytes(&[], "k").is_none());
        let text = "# СТАЛИН AND YEZHOV\n\nThe Zinoviev-Kamenev Trial: Сталин, Ежов, Stalin’s Ejov, \
                    Boukharine, Bukharim, the Kamanev affair, Maria Joffe and Joffe; Staline.";
        let extra = "[[names]]\nform = \"Joffe\"\nkey = \"joffe-adolph\"\nreason = \"r\"\n";
        let shaped = |names: &super::Names| {
            let mut e = shell(text, extra);
            Pipeline::with_names(names.clone()).run(&mut e);
            format!("{:?}\n{:?}", e.blocks, e.findings)
        };
        let fresh = shaped(&made);
        assert!(fresh.contains("yezhov-nikolai") && fresh.contains("trial-of-the-sixteen"));
        assert!(fresh.contains("ED506"), "{fresh}");
        assert_eq!(shaped(&back), fresh);
    }

    /// (surface, key) of every marked name.
    fn marked(text: &str, extra: &str) -> Vec<(String, String)> {
        edition(text, extra)
            .names()
            .into_iter()
            .map(|n| (n.surface, n.key.unwrap_or_else(|| "-".into())))
            .collect()
    }

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn possessives_leave_the_name_alone() {
        assert_eq!(
            marked("Stalin’s orders and Stalin's men.", ""),
            pairs(&[("Stalin", "stalin-joseph"), ("Stalin", "stalin-joseph")])
        );
    }

    #[test]
    fn hyphenated_pair_is_two_people() {
        assert_eq!(
            marked("In the Boukharine-Kamenev conversations of 1928.", ""),
            pairs(&[
                ("Boukharine", "bukharin-nikolai"),
                ("Kamenev", "kamenev-lev")
            ])
        );
    }

    #[test]
    fn hyphenated_single_name_is_one_person() {
        // `Ovseenko` alone is another entry's form; the longer name wins.
        assert_eq!(
            marked("When Antonov-Ovseenko was sent.", ""),
            pairs(&[("Antonov-Ovseenko", "antonov-ovseyenko-vladimir")])
        );
    }

    #[test]
    fn names_inside_headings_in_capitals() {
        let e = edition("Some text.\nTHE FALL OF YEZHOV", "");
        let names = e.names();
        assert_eq!(names.len(), 1);
        assert_eq!(
            (names[0].surface.as_str(), names[0].key.as_deref()),
            ("YEZHOV", Some("yezhov-nikolai"))
        );
        // Capitals are matched only in headings.
        assert!(marked("The YEZHOV file.", "").is_empty());
    }

    #[test]
    fn never_inside_other_words() {
        assert!(marked("Stalinist hookup, Stalinism, anti-Stalinist, Stalins.", "").is_empty());
        assert!(marked("the Anti-Comintern Pact", "").is_empty());
    }

    #[test]
    fn other_transliterations_are_linked_from_the_original_script() {
        // None of these forms is in the register: they come from the Cyrillic.
        assert_eq!(
            marked(
                "Jeschow, Iejov and Ezhov met Bucharin and Nikolai Ezhov.",
                ""
            ),
            pairs(&[
                ("Jeschow", "yezhov-nikolai"),
                ("Iejov", "yezhov-nikolai"),
                ("Ezhov", "yezhov-nikolai"),
                ("Bucharin", "bukharin-nikolai"),
                ("Nikolai Ezhov", "yezhov-nikolai"),
            ])
        );
    }

    #[test]
    fn a_register_form_beats_a_generated_one() {
        // `Staline` is generated from Сталин, but written in the register for the book.
        let e = edition("Souvarine’s Staline.", "");
        let n = &e.names()[0];
        assert_eq!(
            (n.kind, n.key.as_deref()),
            (NameKind::Work, Some("souvarine-staline"))
        );
    }

    #[test]
    fn a_shared_surname_takes_the_nearest_full_mention() {
        let e = edition("Moissei Lurye spoke. Later Lurye left.", "");
        let n = e.names();
        assert_eq!(n[1].key.as_deref(), Some("lurye-moissei"));
        assert_eq!(
            n[1].cert,
            Some(crate::model::Cert::Inferred),
            "less than certain"
        );
    }

    #[test]
    fn a_shared_surname_with_nothing_nearby_is_left_and_reported() {
        let e = edition("Joffe was in Berlin.", "");
        assert!(e.names().is_empty());
        let d = e
            .findings
            .iter()
            .find(|d| d.code == codes::NAME_AMBIGUOUS)
            .unwrap();
        assert!(
            d.message.contains("joffe-adolph") && d.message.contains("joffe-maria"),
            "{}",
            d.message
        );
    }

    #[test]
    fn a_near_miss_is_suggested_never_linked() {
        let e = edition("The Zinoviev-Kamanev Trial and Bukharim.", "");
        assert!(e.names().is_empty());
        let msgs: Vec<&str> = e
            .findings
            .iter()
            .filter(|d| d.code == codes::NAME_NEAR_MISS)
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert!(
            msgs[0].contains("'Kamanev' is a known slip for 'Kamenev'"),
            "{msgs:?}"
        );
        assert!(
            msgs[1].contains("'Bukharim' is close to 'Bukharin'"),
            "{msgs:?}"
        );
    }

    #[test]
    fn a_corrected_slip_is_linked_through_its_correction() {
        let extra = r#"
[[corrections]]
sic = "Kamanev"
corr = "Kamenev"
by = "ed"
cert = "confirmed"
reason = "slip"
"#;
        assert_eq!(
            marked("The Kamanev trial.", extra),
            pairs(&[("Kamanev", "kamenev-lev")])
        );
    }

    #[test]
    fn the_editor_forces_and_suppresses() {
        let extra = r#"
[[names]]
form = "Joffe"
occurrence = 2
key = "joffe-adolph"
reason = "her husband"

[[names]]
form = "Stalin"
occurrence = 2
unlink = true
reason = "a ship named after him"
"#;
        assert_eq!(
            marked(
                "Maria Joffe, wife of Joffe. Stalin sailed on the Stalin.",
                extra
            ),
            pairs(&[
                ("Maria Joffe", "joffe-maria"),
                ("Joffe", "joffe-adolph"),
                ("Stalin", "stalin-joseph")
            ])
        );
    }

    #[test]
    fn an_override_for_words_not_in_the_text_is_an_error() {
        let extra = "[[names]]\nform = \"Lomov\"\nkey = \"kamenev-lev\"\nreason = \"x\"\n";
        let e = edition("Nothing here.", extra);
        assert!(
            e.findings
                .iter()
                .any(|d| d.code == codes::NAME_OVERRIDE_NOT_FOUND)
        );
    }

    /// Looking forms up word by word finds exactly what the automaton finds.
    fn same_hits(text: &str) {
        let r = register();
        use super::matcher::{Matcher, Search};
        let ac = Matcher::with_search(&r, Search::Automaton);
        let words = Matcher::with_search(&r, Search::Words);
        for heading in [false, true] {
            let a: Vec<_> = ac.find(text, heading);
            let w: Vec<_> = words.find(text, heading);
            assert_eq!(format!("{a:?}"), format!("{w:?}"), "{text:?}");
        }
    }

    #[test]
    fn both_searches_find_the_same_names() {
        same_hits("");
        same_hits("Stalin’s orders: YEZHOV, Ejov and anti-Stalinist Boukharine-Kamenev.");
        same_hits("Antonov-Ovseenko met Ovseenko, Maria Joffe and Joffe; Staline (1935).71");
        same_hits("Комиссар Ежов и Бухарин — Yezhovshchina, Kamenev’s Comintern.");
    }

    use proptest::prelude::*;

    proptest! {
        #[test]
        fn both_searches_agree_on_any_mix(parts in prop::collection::vec(
            prop_oneof![
                prop::sample::select(vec![
                    "Stalin", "Yezhov", "YEZHOV", "Ejov", "Nikolai Yezhov", "Joffe", "Maria Joffe",
                    "Antonov-Ovseenko", "Ovseenko", "Kamenev", "Comintern", "Staline", "Lurye",
                    "anti-", "’s", " ", "  ", ".", "-", "x", "é", "Ж", "1", "\n",
                ]).prop_map(str::to_string),
                "[a-zA-Z ,.’-]{0,6}",
            ],
            0..24,
        )) {
            same_hits(&parts.concat());
        }
    }
}
