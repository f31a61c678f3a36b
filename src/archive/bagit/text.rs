//! Reading BagIt tag files: the declared character encoding, a bounded line reader, and parsers
//! for `bagit.txt`, `bag-info.txt`, manifest lines and `fetch.txt` lines. Parsers return
//! [`Note`]s; the validator turns them into diagnostics with the file's path.

use super::codes;
use super::hash::Algorithm;
use super::path;
use crate::diagnostic::Code;
use encoding_rs::{DecoderResult, Encoding};
use std::io::Read;

/// A finding inside one tag file, before the path is attached.
#[derive(Debug)]
pub(crate) struct Note {
    pub code: Code,
    pub line: Option<usize>,
    pub message: String,
}

impl Note {
    pub(crate) fn new(code: Code, line: Option<usize>, message: impl Into<String>) -> Note {
        Note {
            code,
            line,
            message: message.into(),
        }
    }
}

/// The character encoding that `Tag-File-Character-Encoding` declares for tag files other than
/// `bagit.txt`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TagEncoding {
    Utf8,
    /// ISO-8859-1 proper: every byte is the code point of the same value. (WHATWG, and so
    /// encoding_rs, would read the label as windows-1252.)
    Latin1,
    /// `UTF-16`: byte order from the BOM, big-endian without one (RFC 2781).
    Utf16,
    Other(&'static Encoding),
}

impl TagEncoding {
    /// The encoding a `Tag-File-Character-Encoding` value names, if known.
    pub(crate) fn from_label(label: &str) -> Option<TagEncoding> {
        let upper = label.trim().to_ascii_uppercase();
        match upper.as_str() {
            "UTF-8" | "UTF8" => Some(TagEncoding::Utf8),
            "ISO-8859-1" | "ISO8859-1" | "ISO_8859-1" | "ISO_8859-1:1987" | "LATIN1"
            | "LATIN-1" | "L1" | "ISO-IR-100" | "CP819" | "IBM819" | "CSISOLATIN1" => {
                Some(TagEncoding::Latin1)
            }
            "UTF-16" | "UTF16" => Some(TagEncoding::Utf16),
            _ => match Encoding::for_label(upper.as_bytes()) {
                Some(e) if e == encoding_rs::UTF_8 => Some(TagEncoding::Utf8),
                // The replacement encoding decodes everything to U+FFFD: not an encoding a
                // bag could be written in.
                Some(e) if e == encoding_rs::REPLACEMENT => None,
                Some(e) => Some(TagEncoding::Other(e)),
                None => None,
            },
        }
    }

    fn decoder(self) -> Decoder {
        match self {
            TagEncoding::Utf8 => Decoder::Rs(encoding_rs::UTF_8.new_decoder_with_bom_removal()),
            TagEncoding::Latin1 => Decoder::Latin1,
            // `new_decoder` sniffs a BOM of either order and falls back to the encoding it is
            // called on: big-endian, as RFC 2781 says for unmarked UTF-16.
            TagEncoding::Utf16 => Decoder::Rs(encoding_rs::UTF_16BE.new_decoder()),
            TagEncoding::Other(e) => Decoder::Rs(e.new_decoder_with_bom_removal()),
        }
    }
}

enum Decoder {
    Rs(encoding_rs::Decoder),
    Latin1,
}

/// Why a line could not be read.
#[derive(Debug)]
pub(crate) enum LineError {
    Io(std::io::Error),
    /// Malformed bytes for the declared encoding, in this line.
    Decode {
        line: usize,
    },
    /// A line longer than the limit, in bytes of UTF-8.
    TooLong {
        line: usize,
    },
}

/// Reads decoded lines ending in LF, CR or CRLF (the last may lack one), holding at most one
/// line plus one read buffer in memory.
pub(crate) struct LineReader<'a> {
    inner: &'a mut dyn Read,
    decoder: Decoder,
    raw: Vec<u8>,
    text: String,
    pos: usize,
    eof: bool,
    line: usize,
    max_line: usize,
    first_fill: bool,
    utf16: bool,
    /// Malformed bytes were met: lines before them are still returned, then the error.
    broken: bool,
    /// Set once the first bytes are seen: a UTF-16 file without a BOM.
    pub missing_bom: bool,
}

impl<'a> LineReader<'a> {
    pub(crate) fn new(inner: &'a mut dyn Read, encoding: TagEncoding, max_line: usize) -> Self {
        LineReader {
            inner,
            decoder: encoding.decoder(),
            raw: vec![0; 64 * 1024],
            text: String::new(),
            pos: 0,
            eof: false,
            line: 0,
            max_line,
            first_fill: true,
            utf16: encoding == TagEncoding::Utf16,
            broken: false,
            missing_bom: false,
        }
    }

    fn fill(&mut self) -> Result<(), LineError> {
        if self.pos > 0 {
            self.text.drain(..self.pos);
            self.pos = 0;
        }
        let n = loop {
            match self.inner.read(&mut self.raw) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(LineError::Io(e)),
            }
        };
        let src = self.raw.get(..n).unwrap_or_default();
        if self.first_fill && n > 0 {
            self.first_fill = false;
            self.missing_bom =
                self.utf16 && !(src.starts_with(&[0xFE, 0xFF]) || src.starts_with(&[0xFF, 0xFE]));
        }
        let last = n == 0;
        self.eof = last;
        let ok = match &mut self.decoder {
            Decoder::Latin1 => {
                self.text.extend(src.iter().map(|&b| char::from(b)));
                true
            }
            Decoder::Rs(d) => decode_into(d, src, &mut self.text, last),
        };
        if !ok {
            self.broken = true;
            self.eof = true;
        }
        Ok(())
    }

    /// The next line and its 1-based number, or `None` at the end.
    pub(crate) fn next_line(&mut self) -> Result<Option<(usize, String)>, LineError> {
        loop {
            let pending = self.text.get(self.pos..).unwrap_or_default();
            if let Some(i) = pending.find(['\n', '\r']) {
                let end = self.pos + i;
                let bytes = self.text.as_bytes();
                let is_cr = bytes.get(end) == Some(&b'\r');
                if is_cr && end + 1 == bytes.len() && !self.eof {
                    // A CR at the end of what was read may be the first half of a CRLF.
                    self.fill()?;
                    continue;
                }
                let mut next = end + 1;
                if is_cr && bytes.get(end + 1) == Some(&b'\n') {
                    next += 1;
                }
                self.line += 1;
                if i > self.max_line {
                    return Err(LineError::TooLong { line: self.line });
                }
                let line = pending.get(..i).unwrap_or_default().to_string();
                self.pos = next;
                return Ok(Some((self.line, line)));
            }
            if pending.len() > self.max_line {
                return Err(LineError::TooLong {
                    line: self.line + 1,
                });
            }
            if self.eof {
                if self.broken {
                    return Err(LineError::Decode {
                        line: self.line + 1,
                    });
                }
                if pending.is_empty() {
                    return Ok(None);
                }
                let line = pending.to_string();
                self.pos = self.text.len();
                self.line += 1;
                return Ok(Some((self.line, line)));
            }
            self.fill()?;
        }
    }
}

fn decode_into(d: &mut encoding_rs::Decoder, mut src: &[u8], dst: &mut String, last: bool) -> bool {
    loop {
        let need = d
            .max_utf8_buffer_length_without_replacement(src.len())
            .unwrap_or(src.len().saturating_mul(3))
            .max(16);
        dst.reserve(need);
        let (result, read) = d.decode_to_string_without_replacement(src, dst, last);
        src = src.get(read..).unwrap_or_default();
        match result {
            DecoderResult::InputEmpty => return true,
            DecoderResult::OutputFull => {}
            DecoderResult::Malformed(..) => return false,
        }
    }
}

/// What `bagit.txt` declares.
#[derive(Debug, Default)]
pub(crate) struct Declaration {
    /// Major and minor version, when of the form M.N.
    pub version: Option<(u32, u32)>,
    pub encoding: Option<String>,
}

const KNOWN_VERSIONS: &[(u32, u32)] = &[(0, 93), (0, 94), (0, 95), (0, 96), (0, 97), (1, 0)];

/// Parses the bag declaration: exactly `BagIt-Version: M.N` then
/// `Tag-File-Character-Encoding: ENC`, UTF-8 without BOM (RFC 8493 §2.1.1).
pub(crate) fn parse_declaration(bytes: &[u8], notes: &mut Vec<Note>) -> Declaration {
    let mut decl = Declaration::default();
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => {
            notes.push(Note::new(
                codes::DECLARATION_BOM,
                Some(1),
                "bagit.txt starts with a UTF-8 byte-order mark, which RFC 8493 forbids",
            ));
            rest
        }
        None => bytes,
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        notes.push(Note::new(
            codes::DECLARATION_SYNTAX,
            None,
            "bagit.txt is not UTF-8 text",
        ));
        return decl;
    };
    let lines = split_lines(text);
    const LABELS: [&str; 2] = ["BagIt-Version", "Tag-File-Character-Encoding"];
    for (i, line) in lines.iter().enumerate() {
        let n = i + 1;
        if line.is_empty() {
            notes.push(Note::new(
                codes::DECLARATION_SYNTAX,
                Some(n),
                "bagit.txt has an empty line; it must be exactly two lines",
            ));
            continue;
        }
        let Some((label, rest)) = line.split_once(':') else {
            notes.push(Note::new(
                codes::DECLARATION_SYNTAX,
                Some(n),
                format!("line {n} has no ':' (expected `Label: value`): {line:?}"),
            ));
            continue;
        };
        if label != label.trim_end() {
            notes.push(Note::new(
                codes::DECLARATION_SYNTAX,
                Some(n),
                format!(
                    "whitespace before the colon in {line:?}; write `{}:`",
                    label.trim_end()
                ),
            ));
        }
        let label = label.trim_end();
        let value = match rest.strip_prefix(' ') {
            Some(v) => v,
            None => {
                notes.push(Note::new(
                    codes::DECLARATION_SYNTAX,
                    Some(n),
                    format!("the colon in {line:?} must be followed by one space"),
                ));
                rest.trim_start()
            }
        };
        if value != value.trim_end() {
            notes.push(Note::new(
                codes::DECLARATION_WHITESPACE,
                Some(n),
                format!("line {n} ends in whitespace: {line:?}"),
            ));
        }
        let value = value.trim();
        match LABELS.iter().position(|l| *l == label) {
            Some(pos) => {
                if pos != i {
                    notes.push(Note::new(
                        codes::DECLARATION_SYNTAX,
                        Some(n),
                        format!("`{label}` must be line {} of bagit.txt", pos + 1),
                    ));
                }
                if pos == 0 {
                    decl.version = parse_version(value, n, notes);
                } else {
                    decl.encoding = Some(value.to_string());
                }
            }
            None => notes.push(Note::new(
                codes::DECLARATION_SYNTAX,
                Some(n),
                format!("unexpected line {line:?}; bagit.txt holds only {LABELS:?}"),
            )),
        }
    }
    let seen = |l: &str| {
        lines
            .iter()
            .any(|line| line.split(':').next().map(str::trim_end) == Some(l))
    };
    for label in LABELS {
        if !seen(label) {
            notes.push(Note::new(
                codes::DECLARATION_SYNTAX,
                None,
                format!("bagit.txt lacks the required `{label}` line"),
            ));
        }
    }
    decl
}

fn parse_version(value: &str, line: usize, notes: &mut Vec<Note>) -> Option<(u32, u32)> {
    let parsed = value.split_once('.').and_then(|(m, n)| {
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if digits(m) && digits(n) {
            Some((m.parse().ok()?, n.parse().ok()?))
        } else {
            None
        }
    });
    match parsed {
        None => {
            notes.push(Note::new(
                codes::VERSION_FORM,
                Some(line),
                format!("BagIt-Version {value:?} is not of the form MAJOR.MINOR (such as 1.0)"),
            ));
            None
        }
        Some(v) => {
            if !KNOWN_VERSIONS.contains(&v) {
                notes.push(Note::new(
                    codes::VERSION_UNKNOWN,
                    Some(line),
                    format!("BagIt-Version {value} is not one this validator knows (0.93 to 1.0)"),
                ));
            }
            Some(v)
        }
    }
}

/// Splits on LF, CR or CRLF; a final terminator does not start an empty line.
fn split_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(['\n', '\r']) {
        lines.push(&rest[..i]);
        let skip = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
        rest = &rest[i + skip..];
    }
    if !rest.is_empty() {
        lines.push(rest);
    }
    lines
}

/// One `bag-info.txt` element, continuation lines joined.
#[derive(Debug)]
pub(crate) struct InfoElement {
    pub label: String,
    pub value: String,
    pub line: usize,
}

/// Adds one line of `bag-info.txt` (RFC 8493 §2.2.2) to `elements`. `Label : value` is
/// tolerated; a line that is neither an element nor an indented continuation is reported.
pub(crate) fn bag_info_line(
    elements: &mut Vec<InfoElement>,
    n: usize,
    line: &str,
    notes: &mut Vec<Note>,
) {
    if line.trim().is_empty() {
        return;
    }
    if line.starts_with([' ', '\t']) {
        match elements.last_mut() {
            Some(e) => {
                e.value.push(' ');
                e.value.push_str(line.trim());
            }
            None => notes.push(Note::new(
                codes::BAGINFO_SYNTAX,
                Some(n),
                "an indented continuation line comes before any element",
            )),
        }
        return;
    }
    match line.split_once(':') {
        Some((label, value)) if !label.trim().is_empty() => elements.push(InfoElement {
            label: label.trim_end().to_string(),
            value: value.trim().to_string(),
            line: n,
        }),
        _ => notes.push(Note::new(
            codes::BAGINFO_SYNTAX,
            Some(n),
            format!("line {n} is not `Label: value`: {line:?}"),
        )),
    }
}

/// One manifest entry.
#[derive(Clone, Debug)]
pub(crate) struct ManifestLine {
    /// Lowercase; `None` when the checksum is malformed (reported) and cannot be compared.
    pub checksum: Option<String>,
    /// Decoded, `./` removed, checked to stay inside the bag.
    pub path: String,
    pub line: usize,
}

/// Parses `checksum<whitespace>filepath` (RFC 8493 §2.1.3).
pub(crate) fn parse_manifest_line(
    line: &str,
    n: usize,
    algorithm: Option<Algorithm>,
    notes: &mut Vec<Note>,
) -> Option<ManifestLine> {
    if line.trim().is_empty() {
        return None;
    }
    let split = line.find([' ', '\t']);
    let (checksum, rest) = match split {
        Some(i) => (&line[..i], line[i..].trim_start_matches([' ', '\t'])),
        None => (line, ""),
    };
    if checksum.is_empty() || rest.is_empty() {
        notes.push(Note::new(
            codes::MANIFEST_SYNTAX,
            Some(n),
            format!("line {n} is not `checksum filepath`: {line:?}"),
        ));
        return None;
    }
    let mut raw = rest;
    if let Some(stripped) = raw.strip_prefix('*') {
        notes.push(Note::new(
            codes::MD5SUM_MARKER,
            Some(n),
            format!("line {n} marks the path with md5sum's binary '*'; BagIt paths have no marker"),
        ));
        raw = stripped;
    }
    let mut decoded = path::decode(raw);
    if let Some(stripped) = decoded.strip_prefix("./") {
        notes.push(Note::new(
            codes::DOT_SLASH,
            Some(n),
            format!(
                "path {raw:?} starts with './'; BagIt paths are relative to the bag without it"
            ),
        ));
        decoded = stripped.to_string();
    }
    if let Err(why) = path::check(&decoded, true) {
        notes.push(Note::new(
            codes::PATH_UNSAFE,
            Some(n),
            format!("path {raw:?} is refused: {}", why.reason()),
        ));
        return None;
    }
    let hex_ok = checksum.bytes().all(|b| b.is_ascii_hexdigit())
        && algorithm.is_none_or(|a| checksum.len() == a.hex_len());
    let checksum = if hex_ok {
        Some(checksum.to_ascii_lowercase())
    } else {
        let expect = algorithm.map_or(String::new(), |a| {
            format!(" ({} needs {} hexadecimal digits)", a.name(), a.hex_len())
        });
        notes.push(Note::new(
            codes::CHECKSUM_FORM,
            Some(n),
            format!("checksum {checksum:?} for {decoded:?} is malformed{expect}"),
        ));
        None
    };
    Some(ManifestLine {
        checksum,
        path: decoded,
        line: n,
    })
}

/// One `fetch.txt` entry.
#[derive(Debug)]
pub(crate) struct FetchLine {
    pub length: Option<u64>,
    pub path: String,
    pub line: usize,
}

/// Parses `url length filepath` (RFC 8493 §2.2.3). The URL is only checked for form: nothing
/// is ever fetched.
pub(crate) fn parse_fetch_line(line: &str, n: usize, notes: &mut Vec<Note>) -> Option<FetchLine> {
    if line.trim().is_empty() {
        return None;
    }
    let mut parts = line.splitn(2, [' ', '\t']);
    let url = parts.next().unwrap_or_default();
    let rest = parts
        .next()
        .unwrap_or_default()
        .trim_start_matches([' ', '\t']);
    let mut parts = rest.splitn(2, [' ', '\t']);
    let length = parts.next().unwrap_or_default();
    let raw = parts
        .next()
        .unwrap_or_default()
        .trim_start_matches([' ', '\t']);
    let bad = |why: &str, notes: &mut Vec<Note>| {
        notes.push(Note::new(
            codes::FETCH_SYNTAX,
            Some(n),
            format!("line {n} is not `url length filepath` ({why}): {line:?}"),
        ));
    };
    let scheme_ok = url.split_once(':').is_some_and(|(s, rest)| {
        !rest.is_empty()
            && s.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    });
    if !scheme_ok {
        bad("the URL is not absolute", notes);
        return None;
    }
    let length = match length {
        "-" => None,
        l if !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()) => l.parse().ok(),
        _ => {
            bad("the length is neither a number nor '-'", notes);
            return None;
        }
    };
    if raw.is_empty() {
        bad("no file path", notes);
        return None;
    }
    let decoded = path::decode(raw);
    if let Err(why) = path::check(&decoded, true) {
        notes.push(Note::new(
            codes::PATH_UNSAFE,
            Some(n),
            format!("fetch.txt path {raw:?} is refused: {}", why.reason()),
        ));
        return None;
    }
    Some(FetchLine {
        length,
        path: decoded,
        line: n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(bytes: &[u8], enc: TagEncoding, max: usize) -> Vec<Result<String, String>> {
        let mut r = bytes;
        let mut reader = LineReader::new(&mut r, enc, max);
        let mut out = Vec::new();
        loop {
            match reader.next_line() {
                Ok(Some((_, l))) => out.push(Ok(l)),
                Ok(None) => break,
                Err(e) => {
                    out.push(Err(format!("{e:?}")));
                    break;
                }
            }
        }
        out
    }

    #[test]
    fn line_endings_and_encodings() {
        let got = lines(b"a\r\nb\rc\nd", TagEncoding::Utf8, 100);
        assert_eq!(got, ["a", "b", "c", "d"].map(|s| Ok(s.to_string())));
        let latin = lines(b"N\xfa\xf1ez\n", TagEncoding::Latin1, 100);
        assert_eq!(latin, [Ok("Núñez".to_string())]);
        let utf16: Vec<u8> = [0xFE, 0xFF, 0, b'h', 0, b'i', 0, b'\n'].to_vec();
        assert_eq!(
            lines(&utf16, TagEncoding::Utf16, 100),
            [Ok("hi".to_string())]
        );
        let bad = lines(b"ok\n\xff\n", TagEncoding::Utf8, 100);
        assert!(matches!(bad.last(), Some(Err(e)) if e.contains("Decode")));
        let long = lines(&[b'x'; 1000], TagEncoding::Utf8, 100);
        assert!(matches!(long.last(), Some(Err(e)) if e.contains("TooLong")));
    }

    #[test]
    fn crlf_split_across_reads() {
        // A reader that yields one byte at a time puts every CR at a buffer boundary.
        struct OneByte<'a>(&'a [u8]);
        impl Read for OneByte<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                match (self.0.split_first(), buf.first_mut()) {
                    (Some((b, rest)), Some(slot)) => {
                        *slot = *b;
                        self.0 = rest;
                        Ok(1)
                    }
                    _ => Ok(0),
                }
            }
        }
        let mut src = OneByte(b"a\r\nb\r\n");
        let mut reader = LineReader::new(&mut src, TagEncoding::Utf8, 100);
        let mut got = Vec::new();
        while let Some((_, l)) = reader.next_line().unwrap() {
            got.push(l);
        }
        assert_eq!(got, ["a", "b"]);
    }

    #[test]
    fn declaration_rules() {
        let mut notes = Vec::new();
        let d = parse_declaration(
            b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
            &mut notes,
        );
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(d.version, Some((1, 0)));
        assert_eq!(d.encoding.as_deref(), Some("UTF-8"));

        let codes_of = |bytes: &[u8]| {
            let mut notes = Vec::new();
            parse_declaration(bytes, &mut notes);
            notes.iter().map(|n| n.code.id).collect::<Vec<_>>()
        };
        assert_eq!(
            codes_of(b"BagIt-Version : 1.0\nTag-File-Character-Encoding : UTF-8\n"),
            ["BAG002", "BAG002"]
        );
        assert_eq!(
            codes_of(b"\xEF\xBB\xBFBagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n"),
            ["BAG003"]
        );
        assert_eq!(
            codes_of(b"BagIt-Version: .97\nTag-File-Character-Encoding: UTF-8\n"),
            ["BAG004"]
        );
        assert_eq!(codes_of(b"BagIt-Version: 0.97\n"), ["BAG002"]);
        assert_eq!(
            codes_of(b"BagIt-Version: 1.0 \nTag-File-Character-Encoding: UTF-8"),
            ["BAG008"]
        );
        assert_eq!(
            codes_of(b"BagIt-Version: 2.0\nTag-File-Character-Encoding: UTF-8"),
            ["BAG005"]
        );
    }

    #[test]
    fn manifest_and_fetch_lines() {
        let mut notes = Vec::new();
        let l = parse_manifest_line(
            "ABCDEF0123456789abcdef0123456789 *./data/a%0Ab",
            3,
            Some(Algorithm::Md5),
            &mut notes,
        )
        .unwrap();
        assert_eq!(l.path, "data/a\nb");
        assert_eq!(
            l.checksum.as_deref(),
            Some("abcdef0123456789abcdef0123456789")
        );
        let ids: Vec<_> = notes.iter().map(|n| n.code.id).collect();
        assert_eq!(ids, ["BAG013", "BAG014"]);

        let mut notes = Vec::new();
        assert!(parse_manifest_line("abc  ../x", 1, None, &mut notes).is_none());
        assert!(parse_manifest_line("nopath", 2, None, &mut notes).is_none());
        let l = parse_manifest_line("xyz data/a b", 3, Some(Algorithm::Md5), &mut notes).unwrap();
        assert_eq!(l.path, "data/a b");
        assert!(l.checksum.is_none());
        let ids: Vec<_> = notes.iter().map(|n| n.code.id).collect();
        assert_eq!(ids, ["BAG021", "BAG012", "BAG015"]);

        let mut notes = Vec::new();
        let f = parse_fetch_line("http://x/y 12 data/a b", 1, &mut notes).unwrap();
        assert_eq!((f.length, f.path.as_str()), (Some(12), "data/a b"));
        assert!(parse_fetch_line("http://x - ~/t", 2, &mut notes).is_none());
        assert!(parse_fetch_line("nourl 1 data/x", 3, &mut notes).is_none());
        assert!(parse_fetch_line("http://x big data/x", 4, &mut notes).is_none());
        let ids: Vec<_> = notes.iter().map(|n| n.code.id).collect();
        assert_eq!(ids, ["BAG021", "BAG040", "BAG040"]);
    }
}
