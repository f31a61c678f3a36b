//! Findings as data. Every problem `editio check` (and later `validate` and `verify`) finds is
//! a [`Diagnostic`] with a stable code, a severity, where it is, and what to do about it. The
//! codes never change meaning; [`codes::ALL`] lists them for documentation.

use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a finding is. Errors make `check` exit 1; warnings are reported only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// A stable diagnostic code with a one-line summary of what it means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Code {
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id)
    }
}

/// Declares a family of codes, each with its severity and one-line meaning: a constant per
/// code and `ALL`, the family in order. Every family (ED, BAG, OCFL) is declared with it.
/// `NAME = "ED101", Error, "meaning";` names a code; `E001, Error, "meaning";` is a code that
/// is its own name (the OCFL specification's). Invoked as `crate::diagnostic::codes!`.
macro_rules! declare_codes {
    ($($name:ident $(= $id:literal)?, $sev:ident, $summary:literal;)*) => {
        $(
            #[doc = $summary]
            pub const $name: $crate::diagnostic::Code = $crate::diagnostic::Code {
                id: $crate::diagnostic::code_id!($name $(, $id)?),
                severity: $crate::diagnostic::Severity::$sev,
                summary: $summary,
            };
        )*
        /// Every code of the family, in order.
        pub const ALL: &[$crate::diagnostic::Code] = &[$($name),*];
    };
}

// The macro namespace is apart from the module `codes` below, so the two share the name.
pub(crate) use declare_codes as codes;

/// A code's id: the literal given, or the constant's own name.
macro_rules! code_id {
    ($name:ident) => {
        stringify!($name)
    };
    ($name:ident, $id:literal) => {
        $id
    };
}
pub(crate) use code_id;

/// The stable codes. `ED1xx`: archive settings; `ED2xx`: edition records; `ED3xx`: sources;
/// `ED4xx`: encoding (passes, TEI); `ED5xx`: names and the register; `ED6xx`: `editio verify`
/// (what a path is, and whether releases agree with each other); `ED7xx`: the printed copy.
pub mod codes {
    crate::diagnostic::codes! {
        CONFIG_SYNTAX = "ED101", Error, "editio.toml is not valid TOML";
        CONFIG_UNKNOWN_FIELD = "ED102", Error, "editio.toml has a field editio does not know";
        CONFIG_INVALID = "ED103", Error, "editio.toml has a missing or invalid value";
        RECORD_MISSING = "ED201", Error, "an edition folder has no edition.toml";
        RECORD_SYNTAX = "ED202", Error, "edition.toml is not valid TOML";
        RECORD_UNKNOWN_FIELD = "ED203", Error, "edition.toml has a field editio does not know";
        RECORD_INVALID = "ED204", Error, "edition.toml has a value of the wrong type or form";
        RECORD_TO_FILL = "ED205", Error, "required metadata is missing or still to be filled";
        RECORD_OPTIONAL_TO_FILL = "ED206", Warning, "optional metadata is marked as still to be filled";
        RECORD_NO_EVIDENCE = "ED207", Warning, "an inferred or uncertain fact gives no evidence";
        RECORD_ID_MISMATCH = "ED208", Error, "the record's id differs from its folder name";
        RIGHTS_WORDS_ONLY = "ED209", Warning, "the source's rights are given in words only, without a rights statement or licence";
        SOURCE_MISSING = "ED301", Error, "an edition has no source.txt";
        SOURCE_SIZE = "ED302", Error, "source.txt's size differs from the recorded size";
        SOURCE_CHECKSUM = "ED303", Error, "source.txt's SHA-256 differs from the recorded one";
        SOURCE_DECODE = "ED304", Error, "source.txt cannot be decoded with the recorded encoding";
        SOURCE_DUPLICATE = "ED305", Warning, "two editions record the same source bytes";
        STRAY_ENTRY = "ED306", Warning, "editions/ holds something that is not an edition folder";
        SOURCE_UNRECORDED = "ED307", Error, "source.txt differs from its released version and no receipt records the change";
        CHAR_FORBIDDEN = "ED401", Error, "the source has a character XML 1.0 forbids";
        POSSIBLE_SLIP = "ED402", Warning, "a likely slip in the source (a digit inside a word); not corrected";
        CORRECTION_NOT_FOUND = "ED403", Error, "a recorded correction's text is not in the source";
        NOTE_PHRASE_NOT_FOUND = "ED404", Error, "an editorial note's phrase is not in the source";
        BLOCK_NOT_FOUND = "ED405", Error, "the record gives a role to a block the source does not have";
        STRUCTURE_ORDER = "ED406", Error, "front matter must come first and back matter last";
        ANCHOR_OUT_OF_SEQUENCE = "ED407", Warning, "digits glued to the text were not read as a note anchor";
        FIDELITY = "ED408", Error, "the TEI text does not reproduce the source";
        XML_MALFORMED = "ED409", Error, "the file is not well-formed XML";
        TEI_NAMESPACE = "ED410", Error, "the root is not a TEI element in the TEI namespace";
        DUPLICATE_ID = "ED411", Error, "an xml:id is used twice";
        POINTER_UNRESOLVED = "ED412", Error, "a local pointer (#id) points at no element";
        CHECKSUM_IDNO = "ED413", Error, "the header's SHA-256 does not match the recorded source";
        SCHEMA_INVALID = "ED414", Error, "the file is not valid against a schema (jing)";
        EXPORT_STALE = "ED415", Error, "a file in export/ differs from what the build writes";
        REGISTER_SYNTAX = "ED501", Error, "a register file is not valid TOML";
        REGISTER_UNKNOWN_FIELD = "ED502", Error, "a register entry has a field editio does not know";
        REGISTER_INVALID = "ED503", Error, "a register entry has a missing or invalid value";
        REGISTER_DUPLICATE_KEY = "ED504", Error, "two register entries have the same key";
        NAME_AMBIGUOUS = "ED505", Warning, "a name form fits several entries and nothing nearby decides: left unlinked";
        NAME_NEAR_MISS = "ED506", Warning, "a word is a near-miss spelling of a registered name: not linked";
        NAME_OVERRIDE_NOT_FOUND = "ED507", Error, "the record forces or suppresses a name at a place where it does not stand";
        REGISTER_LANGUAGE_UNKNOWN = "ED508", Warning, "a register entry's original form does not say its language";
        VERIFY_UNKNOWN = "ED601", Error, "the path is not a BagIt bag, an OCFL object or storage root, or a TEI file";
        DEPOSIT_MISMATCH = "ED602", Error, "a deposit's payload differs from the files of its OCFL version";
        DEPOSIT_ORPHAN = "ED603", Error, "a deposit has no OCFL version to match, or cannot be compared with one";
        DEPOSIT_MISSING = "ED604", Error, "an OCFL version has no deposit in export/deposit/";
        PDF_NO_GLYPH = "ED701", Warning, "a character no font editio ships can print: the PDF shows its code point";
        VERIFY_UNREADABLE = "ED605", Error, "verify: the path does not exist or cannot be read";
        LEFTOVER = "ED606", Warning, "verify: a temporary file left by an interrupted command";
    }
}

/// Where a finding is: a file, and when known the line and column (1-based) or byte offset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    pub path: PathBuf,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<usize>,
}

impl Location {
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Location {
            path: path.into(),
            line: None,
            column: None,
            offset: None,
        }
    }

    /// A position in `text` (the contents of `path`), given as a byte offset.
    pub fn at_offset(path: impl Into<PathBuf>, text: &str, offset: usize) -> Self {
        let (line, column) = line_column(text, offset);
        Location {
            path: path.into(),
            line: Some(line),
            column: Some(column),
            offset: Some(offset),
        }
    }

    /// [`Location::at_offset`] for one of many offsets in the same text: the lines are found
    /// once, in `lines`, not again from the start of the text for every offset.
    pub fn at_offset_in(path: impl Into<PathBuf>, lines: &LineIndex<'_>, offset: usize) -> Self {
        let (line, column) = lines.line_column(offset);
        Location {
            path: path.into(),
            line: Some(line),
            column: Some(column),
            offset: Some(offset),
        }
    }

    /// The same location, with its path shown relative to `base` when it lies inside it.
    pub fn relative_to(mut self, base: &Path) -> Self {
        if let Ok(rel) = self.path.strip_prefix(base) {
            self.path = rel.to_path_buf();
        }
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        match (self.line, self.column, self.offset) {
            (Some(l), Some(c), _) => write!(f, ":{l}:{c}"),
            (Some(l), None, _) => write!(f, ":{l}"),
            (None, _, Some(o)) => write!(f, " (byte {o})"),
            _ => Ok(()),
        }
    }
}

/// 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Where the lines of a text start, for many [`line_column`] look-ups in the same text: each
/// costs a binary search and the characters of its own line, not a scan from the start.
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset of every line's first character.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { text, starts }
    }

    /// The same as [`line_column`]`(text, offset)`.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let text = self.text;
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        // Lines starting at or before the offset; a line starts after its `\n`.
        let line = self.starts.partition_point(|&s| s <= offset);
        let line_start = self.starts[line - 1];
        let column = text[line_start..offset].chars().count() + 1;
        (line, column)
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// The edition the finding is about, when it is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edition: Option<String>,
    pub location: Location,
    pub message: String,
    /// What the user can do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(code: Code, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity,
            edition: None,
            location,
            message: message.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn for_edition(mut self, id: impl Into<String>) -> Self {
        self.edition = Some(id.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}[{}]: {}: {}",
            self.severity, self.code.id, self.location, self.message
        )?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters_not_bytes() {
        let text = "ab\n“c”d";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        // 'd' sits after two 3-byte quotation marks and 'c'.
        assert_eq!(line_column(text, 3 + 3 + 1 + 3), (2, 4));
    }

    #[test]
    fn line_index_agrees_with_line_column() {
        for text in ["", "\n", "ab\n“c”d", "\n\nx\n", "é\nü\n\nz", "no newline"] {
            let index = LineIndex::new(text);
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    index.line_column(offset),
                    line_column(text, offset),
                    "{text:?} {offset}"
                );
            }
        }
    }

    #[test]
    fn codes_are_unique() {
        let mut ids: Vec<_> = codes::ALL.iter().map(|c| c.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), codes::ALL.len());
    }
}
