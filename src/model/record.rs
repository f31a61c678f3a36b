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
    /// The language the work was written in, when the text is a translation (BCP 47).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_language: Option<String>,
    /// When the work was written (an ISO date or year), as far as is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written: Option<Fact>,
    /// Subject terms for the text (`Great Purge`, `Soviet history`), for the header's `textClass`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// The people and bodies responsible for the text, each with a role.
    #[serde(default)]
    pub contributors: Vec<Contributor>,
    /// The published work whose wording the text reproduces.
    pub source: Bibl,
    /// The copy the file was taken from, when it is not the source itself (a web transcription).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcription: Option<Bibl>,
    /// How the file came into the archive.
    pub received: Receipt,
    /// The rights in the source and in the encoding.
    pub rights: Rights,
    /// What changed in the edition, and when.
    #[serde(default)]
    pub history: Vec<Change>,
    /// How the text is laid out and where it starts and ends; what each block is.
    #[serde(default)]
    pub text: TextSettings,
    /// The editor's corrections of slips in the source, applied as `<choice><sic>/<corr>`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<Correction>,
    /// The editor's notes on the text, placed after a phrase.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<EditorialNote>,
    /// The editor's word on names at given places: force a link, or suppress one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<NameOverride>,
}

/// The editor's decision on a name at a place in the text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct NameOverride {
    /// The words as they stand in the source (after corrections: the corrected reading).
    pub form: String,
    /// Which occurrence of the words, counting from 1; every occurrence when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurrence: Option<usize>,
    /// The register entry to link to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = super::ID_PATTERN))]
    pub key: Option<String>,
    /// Mark nothing here: the words are not a name of anything in the register.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unlink: bool,
    /// How sure the link is (default: confirmed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert: Option<Cert>,
    /// Why.
    pub reason: String,
}

/// How the source's text is read.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct TextSettings {
    /// How paragraphs are separated in the source; found from the text when `auto`.
    #[serde(default)]
    pub paragraphs: ParagraphConvention,
    /// Whether the text starts at the beginning of the work or part-way through it.
    #[serde(default)]
    pub begins: Boundary,
    /// Whether the text ends at the end of the work or part-way through it.
    #[serde(default)]
    pub ends: Boundary,
    /// What the text's boundaries are, in words (`the middle of chapter 14`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excerpt_note: Option<String>,
    /// What each block is, where the automatic reading is not what the editor wants. The
    /// record wins over the automatic reading.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocks: Vec<BlockRole>,
}

/// How paragraphs are separated in a source.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ParagraphConvention {
    /// Blank lines if the text has any, otherwise single line breaks.
    #[default]
    Auto,
    /// A blank line ends a paragraph; a single line break inside one is kept as a line break.
    BlankLines,
    /// Every line is a paragraph.
    Lines,
}

/// Where a text starts or ends relative to the work it is from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Boundary {
    /// At the work's own beginning or end (or a natural break).
    #[default]
    Complete,
    /// Part-way through the work, between sentences.
    MidText,
    /// Part-way through a sentence.
    MidSentence,
}

/// The editor's word on what one block of the source is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct BlockRole {
    /// The block's number: paragraphs and headings counted from 1 in source order.
    pub block: usize,
    pub role: BlockKind,
    /// Why, for the encoding description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What a block of the source is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum BlockKind {
    /// A paragraph of the work.
    Paragraph,
    /// A heading of the work.
    Heading,
    /// A title line (front matter).
    Title,
    /// An editorial headnote by a later editor or publisher (front matter).
    Headnote,
    /// A credit line, such as a translator's (back matter).
    Credit,
    /// A note about the source or its publication (back matter).
    SourceNote,
    /// A link to another copy (back matter).
    Link,
    /// Not part of the work nor about it (a website's footer): left out, and said so.
    Omit,
}

/// A correction of a slip in the source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Correction {
    /// The text as it stands in the source.
    pub sic: String,
    /// The corrected reading.
    pub corr: String,
    /// Which occurrence of `sic` to correct, counting from 1; every occurrence when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurrence: Option<usize>,
    /// Who made the correction.
    pub by: String,
    /// How sure the correction is.
    pub cert: Cert,
    /// Why: the evidence for the corrected reading.
    pub reason: String,
}

/// An editorial note, placed after the first occurrence of a phrase.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct EditorialNote {
    /// The phrase the note follows, exactly as in the source.
    pub after: String,
    /// Which occurrence of the phrase, counting from 1 (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurrence: Option<usize>,
    /// The note.
    pub text: String,
    /// Who wrote it.
    pub by: String,
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
    /// The key of the work's entry in the register, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = super::ID_PATTERN))]
    pub key: Option<String>,
    /// The key of the editor's entry in the register, when the editor has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = super::ID_PATTERN))]
    pub editor_key: Option<String>,
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

/// A copy of the source as received: `[received]`, the copy `source.txt` holds, or one of the
/// copies before it (`[[received.earlier]]`). Size and checksum are measured by `editio add`
/// and `editio receive`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Receipt {
    /// The file's name as received.
    pub file_name: String,
    /// When it was received (ISO 8601).
    pub date: Fact,
    /// Who received or recorded it.
    pub by: Fact,
    /// By what route it came (a download, an e-mail, a scan).
    pub route: Fact,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256, lowercase hex.
    #[schemars(regex(pattern = "^[0-9a-f]{64}$"))]
    pub sha256: String,
    /// Its character encoding (a WHATWG label); UTF-8 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// Why this copy replaced the one before it (written by `editio receive`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// In `[received]` only: the copies received before this one, oldest first (written by
    /// `editio receive`). A released source never changes unless its receipt is recorded here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(transform = earlier_lists_none)]
    pub earlier: Vec<Receipt>,
}

/// In the schema: a receipt in `[[received.earlier]]` lists no earlier copies of its own.
fn earlier_lists_none(schema: &mut schemars::Schema) {
    if let Some(items) = schema.get_mut("items").and_then(|i| i.as_object_mut()) {
        items.insert("not".into(), serde_json::json!({ "required": ["earlier"] }));
    }
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
    /// The rights in the source text as a rightsstatements.org statement
    /// (`http://rightsstatements.org/vocab/InC/1.0/`); when absent, `UND` (copyright
    /// undetermined) if the rights are unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = "^http://rightsstatements\\.org/vocab/[A-Za-z-]+/1\\.0/$"))]
    pub source_statement: Option<String>,
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
    /// What kind of change: `recorded`, `encoded`, `corrected`, `names`, `released` or `other`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<ChangeKind>,
}

/// What kind of change an entry of the history records (`change/@type` in the TEI).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// The source received and recorded.
    Recorded,
    /// The text encoded (or encoded again).
    Encoded,
    /// Corrections recorded or changed.
    Corrected,
    /// Names linked to the register, or links revised.
    Names,
    /// A version released.
    Released,
    Other,
}

impl ChangeKind {
    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::Recorded => "recorded",
            ChangeKind::Encoded => "encoded",
            ChangeKind::Corrected => "corrected",
            ChangeKind::Names => "names",
            ChangeKind::Released => "released",
            ChangeKind::Other => "other",
        }
    }
}
