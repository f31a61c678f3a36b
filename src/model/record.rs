//! `edition.toml`: the provenance record of one edition. It says what the source is (who wrote
//! it, where it was published), how the file was obtained, what rights apply, and, for every
//! fact, whether it is confirmed, inferred, uncertain or unknown, with the evidence.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The whole of `edition.toml`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Record {
    /// The edition's id: the name of its folder under `editions/`.
    #[schemars(regex(pattern = super::ID_PATTERN))]
    pub id: String,
    /// The edition's title, as the archive presents it.
    pub title: String,
    /// A subtitle, for example saying what the excerpt is from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// The language of the text, as a BCP 47 tag (`en`, `fr`, `ru-Latn`).
    pub language: String,
    /// The people and bodies responsible for the text, each with a role.
    #[serde(default)]
    pub contributors: Vec<Contributor>,
    /// The published work whose wording the text reproduces.
    pub source: Bibl,
    /// The copy the file was taken from, when it is not the source itself (a web transcription).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcription: Option<Bibl>,
    /// How the file came into the archive.
    pub received: Received,
    /// The rights in the source and in the encoding.
    pub rights: Rights,
    /// What changed in the edition, and when.
    #[serde(default)]
    pub history: Vec<Change>,
}

/// How sure a fact is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Cert {
    /// Established from the text itself or from a reliable copy compared with it.
    Confirmed,
    /// Reasoned from evidence, not seen stated: give the evidence.
    Inferred,
    /// Sources disagree or the evidence is weak: give the evidence.
    Uncertain,
    /// Not known; nothing is claimed. Give what was tried as evidence.
    Unknown,
    /// Not yet filled in by the editor.
    Todo,
}

impl Cert {
    /// The TEI `@cert` value for this certainty.
    pub fn tei(self) -> &'static str {
        match self {
            Cert::Confirmed => "high",
            Cert::Inferred => "medium",
            Cert::Uncertain => "low",
            Cert::Unknown | Cert::Todo => "unknown",
        }
    }
}

/// One fact with its certainty and evidence:
/// `publisher = { value = "Oxford University Press", cert = "confirmed", evidence = "…" }`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Fact {
    /// The value; absent when the fact is unknown or still to be filled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub cert: Cert,
    /// How the fact was established, or why it is uncertain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

impl Fact {
    /// The value, when the fact is known (confirmed, inferred or uncertain).
    pub fn known(&self) -> Option<&str> {
        match self.cert {
            Cert::Unknown | Cert::Todo => None,
            _ => self.value.as_deref().filter(|v| !v.trim().is_empty()),
        }
    }

    /// A fact still to be filled in.
    pub fn todo() -> Self {
        Fact {
            value: None,
            cert: Cert::Todo,
            evidence: None,
        }
    }
}

/// A contributor's role, after the MARC relator terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Author,
    Translator,
    Editor,
    /// Made the transcription the file was taken from (a web editor, an OCR operator).
    Transcriber,
    Compiler,
    Other,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Author => "author",
            Role::Translator => "translator",
            Role::Editor => "editor",
            Role::Transcriber => "transcriber",
            Role::Compiler => "compiler",
            Role::Other => "contributor",
        }
    }
}

/// A person or body responsible for the text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Contributor {
    /// The name as it should be displayed.
    pub name: String,
    pub role: Role,
    /// What exactly they did, when the role alone does not say (`editor of the web transcription`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_note: Option<String>,
    /// `person` (default) or `organisation`.
    #[serde(default, skip_serializing_if = "ContributorKind::is_person")]
    pub kind: ContributorKind,
    /// The key of their entry in the register, when they have one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = super::ID_PATTERN))]
    pub key: Option<String>,
    pub cert: Cert,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ContributorKind {
    #[default]
    Person,
    Organisation,
}

impl ContributorKind {
    fn is_person(&self) -> bool {
        *self == ContributorKind::Person
    }
}

/// What kind of publication a bibliographic description is of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum BiblKind {
    Book,
    Article,
    WebPage,
    Manuscript,
    Other,
    /// Not yet filled in.
    Todo,
}

/// A structured bibliographic description. Every part is a [`Fact`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Bibl {
    pub kind: BiblKind,
    pub title: Fact,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<Fact>,
    /// The journal, series, website or book the item appears in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_title: Option<Fact>,
    /// The editor of the container (a journal's editor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub editor: Option<Fact>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<Fact>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<Fact>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<Fact>,
    /// Place of publication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<Fact>,
    /// Date of publication, ISO 8601 (`1990`, `1936-11`, `2024-12-29`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Fact>,
    /// A part or book of a larger work (`Book II: The Yezhov Years`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<Fact>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chapter: Option<Fact>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<Fact>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<Fact>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<Fact>,
    /// Further remarks (other editions, printings).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Bibl {
    /// Every fact of the description with its field name, in a fixed order.
    pub fn facts(&self) -> Vec<(&'static str, &Fact)> {
        let mut out = vec![("title", &self.title)];
        let optional = [
            ("subtitle", &self.subtitle),
            ("container_title", &self.container_title),
            ("editor", &self.editor),
            ("volume", &self.volume),
            ("issue", &self.issue),
            ("publisher", &self.publisher),
            ("place", &self.place),
            ("date", &self.date),
            ("part", &self.part),
            ("chapter", &self.chapter),
            ("section", &self.section),
            ("pages", &self.pages),
            ("url", &self.url),
        ];
        out.extend(
            optional
                .into_iter()
                .filter_map(|(name, fact)| fact.as_ref().map(|f| (name, f))),
        );
        out
    }
}

/// How the file came into the archive. Size and checksum are measured by `editio add`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Received {
    /// The file's name as received.
    pub file_name: String,
    /// When it was received (ISO 8601).
    pub date: Fact,
    /// Who received or recorded it.
    pub by: Fact,
    /// By what route it came (a download, an e-mail, a scan).
    pub route: Fact,
    /// The size of `source.txt` in bytes.
    pub size: u64,
    /// The SHA-256 of `source.txt`, lowercase hex.
    #[schemars(regex(pattern = "^[0-9a-f]{64}$"))]
    pub sha256: String,
    /// The character encoding of `source.txt` (a WHATWG label); UTF-8 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
}

/// Rights in the source and in the encoding.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Rights {
    /// The rights statement for the source text.
    pub source: Fact,
    /// The licence of the source text, when it has one (SPDX id or words).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_licence: Option<Fact>,
    /// The licence of the encoding (SPDX id); the archive's default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding_licence: Option<String>,
}

/// One entry in the edition's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Change {
    /// ISO 8601 date of the change.
    pub date: String,
    /// Who made it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// What changed.
    pub change: String,
}
