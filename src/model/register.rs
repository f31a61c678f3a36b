//! The register: one shared list of the persons, places, organisations and works the editions
//! name, kept by hand as TOML in `editions/register/`. Each entry has a stable key (its
//! `xml:id`), a preferred name, every name form, and authority identifiers only where certain.

use super::edition::NameKind;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::sync::{Arc, OnceLock};

/// One register file: any of the four lists.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RegisterFile {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub person: Vec<Entry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub place: Vec<Entry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub org: Vec<Entry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub work: Vec<Entry>,
    /// Events and treaties.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub event: Vec<Entry>,
    /// The register's own history: what was added or revised, when and by whom.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<super::record::Change>,
}

/// A register entry.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Entry {
    /// The stable key, used as `xml:id` and in `ref="#key"`.
    #[schemars(regex(pattern = super::ID_PATTERN))]
    pub key: String,
    /// The preferred name (for works, the title).
    #[serde(alias = "title")]
    pub name: String,
    /// The name as sorted in an index (`Yezhov, Nikolai Ivanovich`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    /// The name in its original script (`Николай Иванович Ежов`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
    /// The language of `original`, as a BCP 47 tag (`ru`, `uk`, `ja`, `zh-Hans`, `zh-Hant`,
    /// `de`). Without it the TEI says only the script (`und-Cyrl`) and `editio check` asks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_lang: Option<String>,
    /// The language of forms (or of the name) that are not in the archive's language, as BCP 47
    /// tags: `form_lang = { Boukharine = "fr" }`.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub form_lang: std::collections::BTreeMap<String, String>,
    /// Forms that are pseudonyms or pen names (`Galen`); each is also one of `forms`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pseudonyms: Vec<String>,
    /// The name at birth, when the person is known by another (`Lev Davidovich Bronstein`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_name: Option<String>,
    /// Every form of the name that may stand in a text.
    #[serde(default)]
    pub forms: Vec<String>,
    /// Misspellings seen in texts: suggested to the editor, never linked silently.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub slips: Vec<String>,
    /// What kind of place, work or event it is (`city`, `journal`, `trial`, `treaty`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub born: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub died: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub founded: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dissolved: Option<String>,
    /// A work's date; an event's, or its span as `from/to` (`1936-08-19/1936-08-24`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// A work's author: a person's key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// One line saying who or what this is.
    pub description: String,
    /// Wikidata QID, only where certain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = "^Q[1-9][0-9]*$"))]
    pub wikidata: Option<String>,
    /// VIAF ID, only where certain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub viaf: Option<String>,
    /// GeoNames ID, only where certain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geonames: Option<String>,
    /// A place's coordinates, `latitude longitude` in decimal degrees (WGS 84): `55.75 37.62`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo: Option<String>,
    /// Evidence for the identification and identifiers; what is uncertain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// How sure the identification is: `high` (default), `medium` or `low`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert: Option<String>,
}

/// An entry with the kind of list it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Named {
    pub kind: NameKind,
    pub entry: Entry,
}

/// The whole register, sorted by key.
#[derive(Clone, Debug, Default)]
pub struct Register {
    /// Every entry, sorted by key: as made, or (for a register kept elsewhere) read all at
    /// once the first time all are asked for.
    entries: OnceLock<Vec<Named>>,
    /// The register's history, oldest first.
    pub history: Vec<super::record::Change>,
    /// Where each key is in `entries`: every name in every text is looked up, so by hash
    /// rather than by binary search over string keys (rustc's hash, several times quicker
    /// than the standard one on short keys). Made by [`Register::extend`] and
    /// [`Register::from_entries`]; a register whose entries were changed otherwise is searched.
    index: rustc_hash::FxHashMap<String, usize>,
    /// A register kept elsewhere (the build cache): its entries are read one at a time as
    /// they are looked up, so that a build of one edition reads the few its edition names.
    kept: Option<Kept>,
}

/// The entries of a register kept elsewhere, and those read so far.
#[derive(Clone, Debug)]
struct Kept {
    source: Arc<dyn EntrySource>,
    read: Vec<OnceLock<Option<Box<Named>>>>,
}

/// Where a register's entries are kept, sorted by key, each read on its own.
pub trait EntrySource: std::fmt::Debug + Send + Sync {
    /// How many entries there are.
    fn len(&self) -> usize;
    /// Whether there are none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The key of entry `i` (the keys are in order).
    fn key(&self, i: usize) -> &str;
    /// Entry `i`; `None` if it cannot be read.
    fn read(&self, i: usize) -> Option<Named>;
}

impl PartialEq for Register {
    fn eq(&self, other: &Self) -> bool {
        self.entries() == other.entries() && self.history == other.history
    }
}

impl Register {
    /// A register of these entries, sorted by key.
    pub fn from_entries(mut entries: Vec<Named>) -> Self {
        entries.sort_by(|a, b| a.entry.key.cmp(&b.entry.key));
        let mut register = Register {
            entries: OnceLock::from(entries),
            ..Register::default()
        };
        register.reindex();
        register
    }

    /// A register whose entries stay where they are kept until asked for. An entry that
    /// cannot be read is not in it.
    pub fn kept(source: Arc<dyn EntrySource>, history: Vec<super::record::Change>) -> Self {
        let read = (0..source.len()).map(|_| OnceLock::new()).collect();
        Register {
            history,
            kept: Some(Kept { source, read }),
            ..Register::default()
        }
    }

    /// Every entry, sorted by key.
    pub fn entries(&self) -> &[Named] {
        self.entries.get_or_init(|| match &self.kept {
            Some(kept) => (0..kept.source.len())
                .filter_map(|i| kept.source.read(i))
                .collect(),
            None => Vec::new(),
        })
    }

    pub fn get(&self, key: &str) -> Option<&Named> {
        if let (Some(kept), None) = (&self.kept, self.entries.get()) {
            // The keys are in order: a binary search over them, then that entry read once.
            let count = kept.source.len();
            let i = partition_point(count, |i| kept.source.key(i) < key);
            if i == count || kept.source.key(i) != key {
                return None;
            }
            let slot = kept.read.get(i)?;
            return slot
                .get_or_init(|| kept.source.read(i).map(Box::new))
                .as_deref();
        }
        let entries = self.entries();
        if self.index.len() == entries.len() {
            let named = entries.get(*self.index.get(key)?)?;
            return (named.entry.key == key).then_some(named);
        }
        entries
            .binary_search_by(|n| n.entry.key.as_str().cmp(key))
            .ok()
            .map(|i| &entries[i])
    }

    fn reindex(&mut self) {
        self.index = self
            .entries()
            .iter()
            .enumerate()
            .map(|(i, n)| (n.entry.key.clone(), i))
            .collect();
    }

    /// Adds the entries of one file.
    pub fn extend(&mut self, file: RegisterFile) {
        self.history.extend(file.history);
        self.history.sort_by(|a, b| a.date.cmp(&b.date));
        let lists = [
            (NameKind::Person, file.person),
            (NameKind::Place, file.place),
            (NameKind::Org, file.org),
            (NameKind::Work, file.work),
            (NameKind::Event, file.event),
        ];
        // Entries kept elsewhere are read first: from here on they are held here.
        self.entries();
        self.kept = None;
        let mut all = std::mem::take(&mut self.entries)
            .into_inner()
            .unwrap_or_default();
        for (kind, entries) in lists {
            all.extend(entries.into_iter().map(|entry| Named { kind, entry }));
        }
        all.sort_by(|a, b| a.entry.key.cmp(&b.entry.key));
        self.entries = OnceLock::from(all);
        self.reindex();
    }

    /// Entries of one kind, sorted by key.
    pub fn of_kind(&self, kind: NameKind) -> impl Iterator<Item = &Named> {
        self.entries().iter().filter(move |n| n.kind == kind)
    }
}

/// The first of `0..count` for which `before` is false (`before` is true up to some point and
/// false from there on).
fn partition_point(count: usize, before: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, count);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if before(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// The script of a text as an undetermined-language BCP 47 tag (`und-Cyrl`), for a form
/// whose language the register does not give.
pub fn script_tag(text: &str) -> &'static str {
    let script = text.chars().find_map(|c| match c as u32 {
        0x0400..=0x052F => Some("und-Cyrl"),
        0x0370..=0x03FF => Some("und-Grek"),
        0x0590..=0x05FF => Some("und-Hebr"),
        0x0600..=0x06FF => Some("und-Arab"),
        0x10A0..=0x10FF => Some("und-Geor"),
        0x0530..=0x058F => Some("und-Armn"),
        0x3040..=0x30FF => Some("ja"),
        0x4E00..=0x9FFF => Some("und-Hani"),
        _ => None,
    });
    script.unwrap_or("und")
}

impl Entry {
    /// The language of the original form: the register's, or what its script tells.
    pub fn original_language(&self) -> Option<String> {
        let original = self.original.as_deref()?;
        Some(
            self.original_lang
                .clone()
                .unwrap_or_else(|| script_tag(original).to_string()),
        )
    }

    /// The language of a form of the name, when it is not the archive's.
    pub fn form_language(&self, form: &str) -> Option<&str> {
        self.form_lang.get(form).map(String::as_str)
    }

    /// Every language the entry's forms are in (other than the archive's).
    pub fn languages(&self) -> Vec<String> {
        let mut out: Vec<String> = self.original_language().into_iter().collect();
        out.extend(self.form_lang.values().cloned());
        out
    }

    /// The authority URIs of the entry, in their canonical form (Wikidata's concept URI).
    pub fn authority_uris(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(q) = &self.wikidata {
            out.push(("wikidata", format!("http://www.wikidata.org/entity/{q}")));
        }
        if let Some(v) = &self.viaf {
            out.push(("viaf", format!("https://viaf.org/viaf/{v}")));
        }
        if let Some(g) = &self.geonames {
            out.push(("geonames", format!("https://sws.geonames.org/{g}/")));
        }
        out
    }
}
