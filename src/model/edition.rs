//! The edition model: one source text and its record, as the passes shape it and the
//! renderers write it. Text is held as blocks (paragraphs, headings, front and back matter),
//! each a sequence of inlines; the passes only ever split a `Text` inline into finer ones, so
//! the characters of the source are never lost on the way.

use super::record::{BlockKind, Cert, Record};
use crate::diagnostic::Diagnostic;
use std::ops::Range;
use std::path::PathBuf;

/// One edition, loaded and shaped by the passes.
#[derive(Clone, Debug)]
pub struct Edition {
    pub id: String,
    pub record: Record,
    /// Where the source is, for findings.
    pub source_path: PathBuf,
    /// The source's bytes as received, as the build read them (a release takes their digests
    /// from here); empty when they were not read.
    pub raw: Vec<u8>,
    /// The source as received, decoded with its recorded encoding when it was loaded (see
    /// [`crate::load::source`]); empty when it could not be decoded.
    pub decoded: String,
    /// The source decoded and normalized (set by the normalize pass).
    pub text: String,
    /// The text's blocks in source order (set by the structure pass).
    pub blocks: Vec<Block>,
    /// What the passes did, for the encoding description.
    pub log: PassLog,
    /// What the passes found wrong or worth the editor's attention.
    pub findings: Vec<Diagnostic>,
}

impl Edition {
    pub fn new(id: String, record: Record, source_path: PathBuf, decoded: String) -> Self {
        Edition {
            id,
            record,
            source_path,
            raw: Vec::new(),
            decoded,
            text: String::new(),
            blocks: Vec::new(),
            log: PassLog::default(),
            findings: Vec::new(),
        }
    }

    /// Blocks in one region, in source order.
    pub fn region(&self, region: Region) -> impl Iterator<Item = &Block> {
        self.blocks.iter().filter(move |b| b.region() == region)
    }
}

/// What the passes did, in numbers and words, for `encodingDesc`.
#[derive(Clone, Debug, Default)]
pub struct PassLog {
    /// The passes that ran, in order.
    pub passes: Vec<&'static str>,
    /// Line endings rewritten to LF.
    pub line_endings_normalized: usize,
    /// Characters changed by Unicode NFC.
    pub nfc_changes: usize,
    /// Whether a byte-order mark was removed.
    pub bom_removed: bool,
    /// The paragraph convention found or given.
    pub paragraphs: &'static str,
    /// Note anchors found, and their numbers' range.
    pub note_anchors: Vec<u32>,
    /// Candidates that looked like anchors but were not read as such.
    pub anchors_rejected: usize,
    /// Corrections applied (index into the record's corrections, and how many places).
    pub corrections_applied: Vec<(usize, usize)>,
    /// Editorial notes placed.
    pub notes_placed: usize,
    /// Dates marked in the text, and how many of them had their year supplied.
    pub dates_marked: usize,
    pub dates_year_supplied: usize,
    /// Where the text's boundaries are mid-way through the work.
    pub excerpt: Excerpt,
}

/// Where an excerpt starts and ends mid-way.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Excerpt {
    pub begins_midway: bool,
    pub ends_midway: bool,
    pub ends_mid_sentence: bool,
}

/// One block of the source: a paragraph, a heading, or a block of front or back matter.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// Its number in source order, from 1.
    pub n: usize,
    pub kind: BlockKind,
    /// Whether the editor's record decided the kind, or the automatic reading did (and why).
    pub decided: Decided,
    /// Where it is in the normalized text.
    pub span: Range<usize>,
    pub inlines: Vec<Inline>,
}

/// Who decided what a block is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decided {
    Auto(&'static str),
    Record(Option<String>),
}

/// The parts of a TEI `<text>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Region {
    Front,
    Body,
    Back,
    Omitted,
}

impl Block {
    pub fn region(&self) -> Region {
        region_of(self.kind)
    }

    /// The block's text as in the source: corrections read as the original, editorial
    /// additions left out.
    pub fn source_text(&self) -> String {
        let mut out = String::new();
        for inline in &self.inlines {
            inline.push_source_text(&mut out);
        }
        out
    }
}

/// The region a kind of block belongs to.
pub fn region_of(kind: BlockKind) -> Region {
    match kind {
        BlockKind::Title | BlockKind::Headnote => Region::Front,
        BlockKind::Paragraph | BlockKind::Heading => Region::Body,
        BlockKind::Credit | BlockKind::SourceNote | BlockKind::Link => Region::Back,
        BlockKind::Omit => Region::Omitted,
    }
}

/// Kinds of names the names pass marks.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum NameKind {
    Person,
    Place,
    Org,
    Work,
    /// An event or a treaty (`Trial of the Sixteen`, `Anti-Comintern Pact`).
    Event,
}

impl NameKind {
    /// The kind as one lowercase word (`person`, `place`, `org`, `work`, `event`), as the reading
    /// copies' classes and the names report spell it.
    pub fn word(self) -> &'static str {
        match self {
            NameKind::Person => "person",
            NameKind::Place => "place",
            NameKind::Org => "org",
            NameKind::Work => "work",
            NameKind::Event => "event",
        }
    }
}

/// A piece of a block.
#[derive(Clone, Debug, PartialEq)]
pub enum Inline {
    /// Text as in the source.
    Text(String),
    /// A line break inside a block.
    LineBreak,
    /// A web address in the text.
    Url(String),
    /// The original's note reference; the note's text is not in the source.
    NoteAnchor {
        /// The note's number.
        n: u32,
        /// The characters in the source (`69`, `[25]`, `¹²`).
        text: String,
    },
    /// An editorial correction: the source's reading and the corrected one.
    Choice {
        sic: String,
        corr: String,
        /// Index into the record's corrections.
        correction: usize,
    },
    /// An editorial note (index into the record's notes).
    EditorialNote(usize),
    /// A name linked to the register.
    Name {
        kind: NameKind,
        key: Option<String>,
        cert: Option<Cert>,
        content: Vec<Inline>,
    },
    /// Material not in the source at this point (an excerpt's boundary).
    Gap(GapReason),
    /// A date in the text, with its normalised form.
    Date {
        /// The words as they stand in the source.
        text: String,
        value: DateValue,
        /// The text gives day and month only; the year comes from the nearest dated mention.
        year_supplied: bool,
    },
}

/// A date's normalised form (ISO 8601: `1938`, `1938-10`, `1938-10-28`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateValue {
    /// One day, month or year (`@when`).
    When(String),
    /// A stated span, from one to the other (`@from`, `@to`).
    Range(String, String),
    /// Some time in between, the text does not say when (`@notBefore`, `@notAfter`).
    Between(String, String),
}

impl DateValue {
    /// The normalised form as a reader reads it: `1938-10-28`, `1937-05 to 1937-06`,
    /// `between 1938-06 and 1938-08`.
    pub fn label(&self) -> String {
        match self {
            DateValue::When(w) => w.clone(),
            DateValue::Range(a, b) => format!("{a} to {b}"),
            DateValue::Between(a, b) => format!("between {a} and {b}"),
        }
    }
}

/// Why material is missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GapReason {
    ExcerptBegins,
    ExcerptEnds,
}

impl Inline {
    /// How many bytes of the source this inline stands for: the length of what
    /// [`Inline::push_source_text`] appends, without making it.
    pub fn source_len(&self) -> usize {
        match self {
            Inline::Text(t) | Inline::Url(t) => t.len(),
            Inline::LineBreak => 1,
            Inline::NoteAnchor { text, .. } | Inline::Date { text, .. } => text.len(),
            Inline::Choice { sic, .. } => sic.len(),
            Inline::Name { content, .. } => content.iter().map(Inline::source_len).sum(),
            Inline::EditorialNote(_) | Inline::Gap(_) => 0,
        }
    }

    /// Appends this inline's source characters to `out`.
    pub fn push_source_text(&self, out: &mut String) {
        match self {
            Inline::Text(t) | Inline::Url(t) => out.push_str(t),
            Inline::LineBreak => out.push('\n'),
            Inline::NoteAnchor { text, .. } | Inline::Date { text, .. } => out.push_str(text),
            Inline::Choice { sic, .. } => out.push_str(sic),
            Inline::Name { content, .. } => content.iter().for_each(|i| i.push_source_text(out)),
            Inline::EditorialNote(_) | Inline::Gap(_) => {}
        }
    }
}

/// A name as marked in an edition.
#[derive(Clone, Debug, PartialEq)]
pub struct MarkedName {
    /// Byte offset in the edition's text.
    pub offset: usize,
    /// The words as they stand in the source.
    pub surface: String,
    pub kind: NameKind,
    pub key: Option<String>,
    pub cert: Option<Cert>,
    /// The block it stands in.
    pub block: usize,
}

impl Edition {
    /// The register keys of the names [`Edition::names`] gives, in text order, without
    /// working out where each stands.
    pub fn name_keys(&self) -> Vec<&str> {
        fn walk<'a>(inlines: &'a [Inline], out: &mut Vec<&'a str>) {
            for inline in inlines {
                if let Inline::Name { key, content, .. } = inline {
                    out.extend(key.as_deref());
                    walk(content, out);
                }
            }
        }
        let mut out = Vec::new();
        for b in &self.blocks {
            walk(&b.inlines, &mut out);
        }
        out
    }

    /// Every marked name, in text order; a name inside another (`Wuhan` in `Battle of
    /// Wuhan`) after the one that holds it.
    pub fn names(&self) -> Vec<MarkedName> {
        fn walk(inlines: &[Inline], mut pos: usize, block: usize, out: &mut Vec<MarkedName>) {
            for inline in inlines {
                if let Inline::Name {
                    kind,
                    key,
                    cert,
                    content,
                } = inline
                {
                    let mut surface = String::new();
                    inline.push_source_text(&mut surface);
                    out.push(MarkedName {
                        offset: pos,
                        surface,
                        kind: *kind,
                        key: key.clone(),
                        cert: *cert,
                        block,
                    });
                    walk(content, pos, block, out);
                }
                pos += inline.source_len();
            }
        }
        let mut out = Vec::new();
        for block in &self.blocks {
            walk(&block.inlines, block.span.start, block.n, &mut out);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`Inline::source_len`] counts what [`Inline::push_source_text`] writes, for every kind
    /// of inline, nested names included.
    #[test]
    fn source_length_is_the_length_of_the_source_text() {
        let date = Inline::Date {
            text: "16 August 1938".into(),
            value: DateValue::When("1938-08-16".into()),
            year_supplied: false,
        };
        let inlines = vec![
            Inline::Text("Ежов went ".into()),
            Inline::LineBreak,
            Inline::Url("https://example.org/".into()),
            Inline::NoteAnchor {
                n: 12,
                text: "12".into(),
            },
            Inline::Choice {
                sic: "Kamanev".into(),
                corr: "Kamenev".into(),
                correction: 0,
            },
            Inline::EditorialNote(0),
            Inline::Gap(GapReason::ExcerptEnds),
            date.clone(),
            Inline::Name {
                kind: NameKind::Event,
                key: Some("trial".into()),
                cert: None,
                content: vec![
                    Inline::Text("Trial of ".into()),
                    Inline::Name {
                        kind: NameKind::Person,
                        key: None,
                        cert: Some(Cert::Uncertain),
                        content: vec![Inline::Text("Bukharin".into()), date],
                    },
                ],
            },
        ];
        for inline in &inlines {
            let mut text = String::new();
            inline.push_source_text(&mut text);
            assert_eq!(inline.source_len(), text.len(), "{inline:?}");
        }
    }
}
