//! The register: one shared list of the persons, places, organisations and works the editions
//! name, kept by hand as TOML in `editions/register/`. Each entry has a stable key (its
//! `xml:id`), a preferred name, every name form, and authority identifiers only where certain.

use super::edition::NameKind;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
}

/// A register entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
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
    /// Every form of the name that may stand in a text.
    #[serde(default)]
    pub forms: Vec<String>,
    /// Misspellings seen in texts: suggested to the editor, never linked silently.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub slips: Vec<String>,
    /// What kind of place or work it is (`city`, `journal`).
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
    /// A work's date.
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
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Register {
    pub entries: Vec<Named>,
    /// Where each key is in `entries`: every name in every text is looked up, so by hash
    /// rather than by binary search over string keys. Made by [`Register::extend`] and
    /// [`Register::from_entries`]; a register whose entries were changed otherwise is searched.
    index: std::collections::HashMap<String, usize>,
}

impl Register {
    /// A register of these entries, sorted by key.
    pub fn from_entries(mut entries: Vec<Named>) -> Self {
        entries.sort_by(|a, b| a.entry.key.cmp(&b.entry.key));
        let mut register = Register {
            entries,
            index: Default::default(),
        };
        register.reindex();
        register
    }

    pub fn get(&self, key: &str) -> Option<&Named> {
        if self.index.len() == self.entries.len() {
            let named = self.entries.get(*self.index.get(key)?)?;
            return (named.entry.key == key).then_some(named);
        }
        self.entries
            .binary_search_by(|n| n.entry.key.as_str().cmp(key))
            .ok()
            .map(|i| &self.entries[i])
    }

    fn reindex(&mut self) {
        self.index = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, n)| (n.entry.key.clone(), i))
            .collect();
    }

    /// Adds the entries of one file.
    pub fn extend(&mut self, file: RegisterFile) {
        let lists = [
            (NameKind::Person, file.person),
            (NameKind::Place, file.place),
            (NameKind::Org, file.org),
            (NameKind::Work, file.work),
        ];
        for (kind, entries) in lists {
            self.entries
                .extend(entries.into_iter().map(|entry| Named { kind, entry }));
        }
        self.entries.sort_by(|a, b| a.entry.key.cmp(&b.entry.key));
        self.reindex();
    }

    /// The register as one file, each entry in its list (for the build cache, which reads
    /// that back faster than the TOML it came from).
    pub fn to_file(&self) -> RegisterFile {
        let mut file = RegisterFile::default();
        for n in &self.entries {
            let list = match n.kind {
                NameKind::Person => &mut file.person,
                NameKind::Place => &mut file.place,
                NameKind::Org => &mut file.org,
                NameKind::Work => &mut file.work,
            };
            list.push(n.entry.clone());
        }
        file
    }

    /// Entries of one kind, sorted by key.
    pub fn of_kind(&self, kind: NameKind) -> impl Iterator<Item = &Named> {
        self.entries.iter().filter(move |n| n.kind == kind)
    }
}

impl Entry {
    /// The authority URIs of the entry.
    pub fn authority_uris(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(q) = &self.wikidata {
            out.push(("wikidata", format!("https://www.wikidata.org/entity/{q}")));
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
