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
    /// Every occurrence, in text order.
    pub places: Vec<Place>,
}

/// Where a candidate stands: the line and column (1-based, columns in characters) in the
/// received source file, and the line of text around it.
#[derive(Clone, Debug, Serialize)]
pub struct Place {
    pub edition: String,
    /// `editions/<id>/source.txt`, relative to the archive root.
    pub path: String,
    pub line: usize,
    pub column: usize,
    /// Up to about 80 characters around the name, on one line.
    pub context: String,
}

impl Place {
    /// `editions/<id>/source.txt:LINE:COL`, as editors and terminals open it.
    pub fn link(&self) -> String {
        format!("{}:{}:{}", self.path, self.line, self.column)
    }
}

/// Common English words, one a line: the 20,000 most frequent English words of the wordfreq
/// lists (3.1.1) that the SCOWL word list (Debian's wamerican, 2020.12.07) spells in lower
/// case, 16,035 words. A capitalised word that is also one of these (`Party`, `State`,
/// `Trial`, `Marshal`) is not taken for a name on its own; surnames that are common words
/// (`Brown`) are still found after a title (`Mr Brown`) or beside another name.
const COMMON_WORDS: &str = include_str!("common_words.txt");

fn common_words() -> &'static std::collections::HashSet<&'static str> {
    static WORDS: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    WORDS.get_or_init(|| COMMON_WORDS.lines().collect())
}

/// Titles and forms of address that stand before a name (`Comrade Yezhov`, `Marshal
/// Blyukher`, `KING ALFRED`): never reported themselves; the word after one is a name even
/// when it is also a common word.
const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "miss",
    "dr",
    "sir",
    "lord",
    "lady",
    "madame",
    "monsieur",
    "comrade",
    "citizen",
    "marshal",
    "general",
    "colonel",
    "major",
    "captain",
    "admiral",
    "commander",
    "lieutenant",
    "commissar",
    "king",
    "queen",
    "prince",
    "princess",
    "emperor",
    "empress",
    "tsar",
    "czar",
    "duke",
    "earl",
    "count",
    "baron",
    "bishop",
    "archbishop",
    "pope",
    "saint",
    "st",
    "father",
    "brother",
    "professor",
    "president",
    "chairman",
    "secretary",
    "minister",
    "premier",
    "ambassador",
    "judge",
    "governor",
    "senator",
];

/// Candidates in every built edition, each name once with all its places, most frequent
/// first.
pub fn unregistered(report: &Report) -> Vec<Unregistered> {
    // A word the texts also write in lower case is a common word there, whatever the list says.
    let mut lower: std::collections::HashSet<String> = std::collections::HashSet::new();
    for built in &report.built {
        for w in built.edition.text.split(|c: char| !c.is_alphabetic()) {
            if w.chars().next().is_some_and(char::is_lowercase) {
                lower.insert(w.to_string());
            }
        }
    }
    let is_common = |w: &str| {
        let w = w
            .trim_end_matches("’s")
            .trim_end_matches("'s")
            .trim_end_matches("’S")
            .trim_end_matches("'S");
        let l = w.to_lowercase();
        common_words().contains(l.as_str()) || lower.contains(&l)
    };
    let mut found: BTreeMap<String, Vec<Place>> = BTreeMap::new();
    for built in &report.built {
        let e = &built.edition;
        let source = SourceLines::new(e);
        let path = format!("editions/{}/source.txt", e.id);
        for (offset, text) in candidates(e, &is_common) {
            let (line, column) = source.position(&e.text, offset);
            found.entry(text).or_default().push(Place {
                edition: e.id.clone(),
                path: path.clone(),
                line,
                column,
                context: context(&e.text, offset),
            });
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

/// The line of text around `offset`: up to 40 characters either side, within its line.
fn context(text: &str, offset: usize) -> String {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let before: String = {
        let b: Vec<char> = text[line_start..offset].chars().collect();
        let from = b.len().saturating_sub(40);
        let s: String = b[from..].iter().collect();
        if from > 0 { format!("…{s}") } else { s }
    };
    let after: String = {
        let a: Vec<char> = text[offset..line_end].chars().collect();
        let s: String = a.iter().take(40).collect();
        if a.len() > 40 { format!("{s}…") } else { s }
    };
    format!("{before}{after}").trim().to_string()
}

/// The received source's lines, decoded but not normalised, to give positions as the file
/// has them (a line of the text is a line of the source: CR LF and CR become LF; only the
/// composition of characters may differ).
struct SourceLines {
    lines: Vec<String>,
}

impl SourceLines {
    fn new(e: &Edition) -> Self {
        let decoded = e.decoded.strip_prefix('\u{feff}').unwrap_or(&e.decoded);
        let lines = decoded
            .replace("\r\n", "\n")
            .replace('\r', "\n")
            .split('\n')
            .map(str::to_string)
            .collect();
        SourceLines { lines }
    }

    /// The line and column in the source of the text's `offset`.
    fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        use unicode_normalization::UnicodeNormalization;
        let (line, column) = crate::diagnostic::line_column(text, offset);
        let Some(src) = self.lines.get(line - 1) else {
            return (line, column);
        };
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let prefix = &text[line_start..offset];
        if src.starts_with(prefix) {
            return (line, column);
        }
        // The source's characters are composed differently: the shortest prefix of the
        // source line that composes to the text's prefix.
        let want = prefix.chars().count();
        let mut acc = String::new();
        for (n, c) in src.chars().enumerate() {
            if acc.nfc().count() >= want {
                return (line, n + 1);
            }
            acc.push(c);
        }
        (line, src.chars().count() + 1)
    }
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
    "Vol",
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
    let title = title_case(w);
    STOP.contains(&title.as_str()) || crate::model::MONTHS.contains(&title.as_str())
}

fn title_case(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f
            .to_uppercase()
            .chain(c.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    }
}

fn is_title(w: &str) -> bool {
    let w = w.trim_end_matches('.').to_lowercase();
    TITLES.contains(&w.as_str())
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
    NOT_NAMES.contains(&title_case(w).as_str())
        || ["ist", "ists", "ism", "ese", "ian", "ians"]
            .iter()
            .any(|s| w.len() > 5 && w.to_lowercase().ends_with(s))
}

/// Whether a word is in capitals throughout (`ALFRED`, `NKVD`).
fn all_caps(w: &str) -> bool {
    w.chars()
        .filter(|c| c.is_alphabetic())
        .all(char::is_uppercase)
        && w.chars().count() > 1
}

/// Runs of capitalised words in the edition's unlinked text (headings included, left-out
/// blocks not), with their byte offsets, as names to register:
/// - a title before a name is left out (`Comrade`, `Marshal`, `KING`), and the word after a
///   title is a name even when it is a common word;
/// - a single common English word is not a name (`Party`, `Trial`, `Purge`, `First`);
/// - at the start of a sentence, of a numbered item (`3. Lebedev, sentenced`) or of a
///   heading, a word is a name only when it is not a common word;
/// - in capitals (`THE FALL OF YEZHOV`, `KING ETHELWULF`), where capitals tell nothing,
///   the words that are not common words are the names.
fn candidates(e: &Edition, is_common: &dyn Fn(&str) -> bool) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for block in &e.blocks {
        if block.region() == Region::Omitted {
            continue;
        }
        let mut pos = block.span.start;
        let mut block_text = String::new();
        for inline in &block.inlines {
            inline.push_source_text(&mut block_text);
        }
        for inline in &block.inlines {
            if let Inline::Text(t) = inline {
                for (start, run) in runs(t) {
                    let abs = pos + start;
                    let initial = sentence_initial(&block_text, abs - block.span.start)
                        || block.kind == BlockKind::Heading;
                    for (from, name) in names_in_run(run, initial, is_common) {
                        out.push((abs + from, name));
                    }
                }
            }
            pos += inline.source_len();
        }
    }
    out
}

/// Runs of capitalised words joined by a space or a connecting word (`Trial of the
/// Sixteen`), with their byte offsets in `t`.
fn runs(t: &str) -> Vec<(usize, &str)> {
    let words = crate::passes::names::capitalised_words(t);
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
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
        out.push((start, &t[start..end]));
    }
    out
}

/// The names in one run of capitalised words, with their byte offsets in the run.
fn names_in_run(
    run: &str,
    initial: bool,
    is_common: &dyn Fn(&str) -> bool,
) -> Vec<(usize, String)> {
    let words = capitalised_words(run);
    // In capitals, every word that is not common, a title or a stop word is a name of its
    // own, or a run of such words (`SALISBURY PLAIN` stays two names at worst).
    if words.iter().all(|(_, w)| all_caps(w)) && words.len() > 1
        || initial && words.len() == 1 && all_caps(words[0].1)
    {
        return names_in_capitals(run, &words, is_common);
    }
    name_in_mixed_case(run, &words, initial, is_common)
        .into_iter()
        .collect()
}

/// The capitalised words of a run with their offsets (connectors stay inside the spans).
fn capitalised_words(run: &str) -> Vec<(usize, &str)> {
    let mut words: Vec<(usize, &str)> = Vec::new();
    let mut at = 0;
    for w in run.split(' ') {
        if w.starts_with(char::is_uppercase) {
            words.push((at, w));
        }
        at += w.len() + 1;
    }
    words
}

/// A word that is never part of a name: a stop word, a word of stance, a Roman numeral, or a
/// single letter.
fn never_a_name(w: &str) -> bool {
    is_stop(w) || is_stance_word(w) || is_roman(w) || w.chars().count() < 2
}

/// The names in a run written in capitals: each stretch of words that are not common, titles
/// or never part of a name (a common word right after a title counts as a name).
fn names_in_capitals(
    run: &str,
    words: &[(usize, &str)],
    is_common: &dyn Fn(&str) -> bool,
) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < words.len() {
        let (s, w) = words[k];
        let after_title = k > 0 && is_title(words[k - 1].1);
        if never_a_name(w) || is_title(w) || (is_common(w) && !after_title) {
            k += 1;
            continue;
        }
        let mut j = k + 1;
        while j < words.len()
            && !never_a_name(words[j].1)
            && !is_title(words[j].1)
            && !is_common(words[j].1)
        {
            j += 1;
        }
        let end = words[j - 1].0 + words[j - 1].1.len();
        out.push((s, clean(&run[s..end])));
        k = j;
    }
    out
}

/// The one name in a run in mixed case, if any: what is left after leading stop words,
/// titles and offices, unless that is only common words.
fn name_in_mixed_case(
    run: &str,
    words: &[(usize, &str)],
    initial: bool,
    is_common: &dyn Fn(&str) -> bool,
) -> Option<(usize, String)> {
    // Mixed case: leading stop words and titles go; at the start of a sentence, a leading
    // common word goes too (`Then Stalin`).
    let mut k = 0;
    let mut after_title = false;
    let mut initial = initial;
    while k < words.len() {
        let w = words[k].1;
        if is_title(w) {
            after_title = true;
        } else if is_stop(w) || (initial && is_common(w) && k + 1 < words.len()) {
            after_title = false;
        } else {
            break;
        }
        initial = false;
        k += 1;
    }
    let mut rest = &words[k..];
    // An office before a name (`People’s Commissar Yezhov`): the name is what follows it;
    // an office alone (`Assistant Commissar of Defense`, `Army Commander`) is no name.
    if let Some(last) = rest.iter().rposition(|(_, w)| is_title(w)) {
        if last + 1 < rest.len() {
            let (at, title) = rest[last];
            let office_of = &run[at + title.len()..rest[last + 1].0] != " ";
            rest = &rest[last + 1..];
            // `Commissar of the Interior`, `Commissar for Light Industry`: the rest of an
            // office's name, unless it is a name itself.
            if office_of && rest.iter().all(|(_, w)| is_common(w) || never_a_name(w)) {
                return None;
            }
            after_title = !office_of;
        } else if rest
            .iter()
            .all(|(_, w)| is_title(w) || is_common(w) || never_a_name(w))
        {
            return None;
        }
    }
    let &(from, _) = rest.first()?;
    if rest.iter().all(|(_, w)| never_a_name(w)) {
        return None;
    }
    let single = rest.len() == 1;
    let w = rest[0].1;
    if single && is_common(w) && !after_title {
        return None;
    }
    // Words that are all common, at the start of a sentence: a phrase, not a name.
    if initial && rest.iter().all(|(_, w)| is_common(w) || never_a_name(w)) && !after_title {
        return None;
    }
    Some((from, clean(&run[from..])))
}

/// A name without a possessive ending or a trailing stop.
fn clean(name: &str) -> String {
    let name = name.trim_end_matches([',', '.']);
    ["’s", "'s", "’S", "'S"]
        .iter()
        .find_map(|p| name.strip_suffix(p))
        .unwrap_or(name)
        .to_string()
}

/// A register entry for each candidate, to fill in, as TOML in the register's own format:
/// the kind is a guess (a place after `in`, `at`, `to`, `from`, `near`; a person otherwise),
/// and what the editor must supply says `FILL IN`. Candidates whose key is in the register
/// or already in `existing` are left out; `existing`'s entries are kept as they are.
pub fn stubs(
    found: &[Unregistered],
    report: &Report,
    existing: &crate::model::register::RegisterFile,
) -> (String, usize) {
    let mut keys: std::collections::HashSet<String> = report
        .archive
        .register
        .entries()
        .iter()
        .map(|n| n.entry.key.clone())
        .collect();
    for list in [
        &existing.person,
        &existing.place,
        &existing.org,
        &existing.work,
        &existing.event,
    ] {
        keys.extend(list.iter().map(|e| e.key.clone()));
    }
    let mut out = String::from(
        "# Register entries to fill in, written by `editio names --unregistered --stubs`.\n\
         # For each: check the kind (the list it stands in is a guess), write the description,\n\
         # add forms, dates and identifiers where certain, then move it into a file of\n\
         # editions/register/. Every `FILL IN` is for the editor to replace.\n",
    );
    let mut added = 0;
    for u in found {
        let key = slug(&u.text);
        if key.is_empty() || !keys.insert(key.clone()) {
            continue;
        }
        let first = &u.places[0];
        let place_like = u.places.iter().any(|p| {
            let before = p.context.split(u.text.as_str()).next().unwrap_or("");
            ["in ", "at ", "to ", "from ", "near "]
                .iter()
                .any(|w| before.ends_with(w))
        });
        let list = if place_like { "place" } else { "person" };
        out.push('\n');
        out.push_str(&format!(
            "# {} mention(s); first at {}\n# “{}”\n",
            u.places.len(),
            first.link(),
            first.context.replace('\n', " ")
        ));
        out.push_str(&format!("[[{list}]]\n"));
        out.push_str(&format!("key = {}\n", toml_str(&key)));
        out.push_str(&format!("name = {}\n", toml_str(&u.text)));
        out.push_str(&format!("forms = [{}]\n", toml_str(&u.text)));
        out.push_str("description = \"FILL IN: who or what this is, in one line\"\n");
        out.push_str(
            "note = \"FILL IN: how the identification was made; authority identifiers not verified\"\n",
        );
        added += 1;
    }
    (out, added)
}

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A register key from a name: its letters without accents, as `xml:id` takes them.
fn slug(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let plain: String = name.nfd().filter(char::is_ascii).collect();
    crate::render::slug(&plain)
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
