//! The one way a source comes in: read once, measured against its record (size, SHA-256),
//! decoded with the encoding the record names, and made into the edition shell the passes
//! work on. `add`, `check`, the build and the normalize pass all go through here.

use super::EditionDir;
use crate::diagnostic::{Diagnostic, Location, codes};
use crate::error::{Error, Result};
use crate::model::{Edition, Record};
use std::path::Path;

/// An edition's source as read.
#[derive(Debug)]
pub struct Source {
    /// The bytes as received.
    pub raw: Vec<u8>,
    /// Their SHA-256, in lowercase hex.
    pub sha256: String,
}

/// Reads the source of `edition` once and compares it with its record: missing (ED301),
/// another size (ED302) or checksum (ED303), or not decodable with the recorded encoding
/// (ED304). The source comes back whenever it could be read, with those findings.
pub fn read(edition: &EditionDir) -> Result<(Option<Source>, Vec<Diagnostic>)> {
    let path = edition.source_path();
    let raw = match std::fs::read(&path) {
        Ok(raw) => raw,
        Err(e) if matches!(e.kind(), std::io::ErrorKind::NotFound) || path.is_dir() => {
            let d = Diagnostic::new(
                codes::SOURCE_MISSING,
                Location::file(&path),
                format!("edition '{}' has no {}", edition.id, super::SOURCE_FILE),
            )
            .with_help("restore source.txt from a backup or a released version");
            return Ok((None, vec![d]));
        }
        Err(e) => return Err(Error::io(&path)(e)),
    };
    let sha256 = crate::archive::digest::sha256_bytes(&raw);
    let found = match &edition.record {
        Some(record) => problems(&path, &raw, &sha256, record),
        None => Vec::new(),
    };
    Ok((Some(Source { raw, sha256 }), found))
}

/// The edition shell of a source: the model before the passes.
pub fn shell(edition: &EditionDir, record: Record, source: Source) -> Edition {
    Edition::new(
        edition.id.clone(),
        record,
        edition.source_path(),
        source.raw,
    )
}

/// The source's bytes against its record: size, SHA-256 and decodability.
fn problems(path: &Path, raw: &[u8], sha256: &str, record: &Record) -> Vec<Diagnostic> {
    const RESTORE: &str =
        "source.txt must never change: restore it from a backup or a released version";
    let mut out = Vec::new();
    let r = &record.received;
    let size = raw.len() as u64;
    if size != r.size {
        out.push(
            Diagnostic::new(
                codes::SOURCE_SIZE,
                Location::file(path),
                format!("source.txt has {size} bytes; the record says {}", r.size),
            )
            .with_help(RESTORE),
        );
    }
    if !sha256.eq_ignore_ascii_case(&r.sha256) {
        out.push(
            Diagnostic::new(
                codes::SOURCE_CHECKSUM,
                Location::file(path),
                format!(
                    "source.txt has SHA-256 {sha256}; the record says {}",
                    r.sha256
                ),
            )
            .with_help(RESTORE),
        );
    } else if let Err(e) = decode_recorded(path, raw, record) {
        out.push(Diagnostic::new(
            codes::SOURCE_DECODE,
            Location::file(path),
            e.to_string(),
        ));
    }
    out
}

/// Decodes a source with the encoding its record names (UTF-8 when none).
pub fn decode_recorded(path: &Path, raw: &[u8], record: &Record) -> Result<String> {
    let label = record.received.encoding.as_deref();
    check_decodable(path, raw, label)?;
    decode(path, raw, encoding_of(label))
}

/// The encoding a label names; UTF-8 for none or an unknown one.
pub fn encoding_of(label: Option<&str>) -> &'static encoding_rs::Encoding {
    label
        .and_then(|l| encoding_rs::Encoding::for_label(l.as_bytes()))
        .unwrap_or(encoding_rs::UTF_8)
}

/// Checks that `bytes` decode: as UTF-8, or from the named encoding. Returns the canonical
/// name of a non-UTF-8 encoding, to be recorded.
pub fn check_decodable(
    path: &Path,
    bytes: &[u8],
    label: Option<&str>,
) -> Result<Option<&'static str>> {
    let named = match label {
        None => None,
        Some(label) => Some(
            encoding_rs::Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
                Error::UnknownEncoding {
                    label: label.to_string(),
                }
            })?,
        ),
    };
    if let Some(what) = not_text(bytes, named) {
        return Err(Error::NotText {
            path: path.to_path_buf(),
            what,
        });
    }
    match label {
        None => std::str::from_utf8(bytes).map(|_| None).map_err(|e| {
            let offset = e.valid_up_to();
            let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
            Error::NotUtf8 {
                path: path.to_path_buf(),
                offset,
                line,
            }
        }),
        Some(label) => {
            let encoding =
                encoding_rs::Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
                    Error::UnknownEncoding {
                        label: label.to_string(),
                    }
                })?;
            decode(path, bytes, encoding)?;
            Ok((encoding != encoding_rs::UTF_8).then_some(encoding.name()))
        }
    }
}

/// Decodes `bytes` strictly: a malformed sequence is an error naming its offset.
pub fn decode(
    path: &Path,
    bytes: &[u8],
    encoding: &'static encoding_rs::Encoding,
) -> Result<String> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(bytes.len());
    let mut pos = 0;
    loop {
        let (result, read) =
            decoder.decode_to_string_without_replacement(&bytes[pos..], &mut out, true);
        pos += read;
        match result {
            encoding_rs::DecoderResult::InputEmpty => return Ok(out),
            encoding_rs::DecoderResult::OutputFull => out.reserve(bytes.len() - pos + 16),
            encoding_rs::DecoderResult::Malformed(bad, after) => {
                return Err(Error::Undecodable {
                    path: path.to_path_buf(),
                    encoding: encoding.name(),
                    offset: pos - bad as usize - after as usize,
                });
            }
        }
    }
}

/// Why `bytes` are not text in any encoding editio reads, if they are not: a mark of UTF-16
/// or UTF-32 where another encoding is named (or none), or the bytes of a binary file.
fn not_text(bytes: &[u8], encoding: Option<&'static encoding_rs::Encoding>) -> Option<String> {
    let utf16 = encoding.is_some_and(|e| e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE);
    if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) || bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        let order = if bytes[0] == 0xFF { "LE" } else { "BE" };
        return Some(format!(
            "UTF-32{order} text (it starts with a UTF-32 byte order mark), which editio does not \
             decode; convert it to UTF-8 first (iconv -f UTF-32{order} -t UTF-8 FILE > FILE.utf8) \
             and record that copy, saying so in its route"
        ));
    }
    if !utf16 && (bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF])) {
        let label = if bytes[0] == 0xFF {
            "utf-16le"
        } else {
            "utf-16be"
        };
        return Some(format!(
            "UTF-16 text (it starts with a UTF-16 byte order mark); name its encoding: \
             --encoding {label}"
        ));
    }
    if utf16 {
        return None;
    }
    // Text has no NUL bytes, and few other control characters (0x1A, a DOS end of file, and
    // the odd stray one are text; a binary file has them everywhere).
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Some(format!(
            "a binary file, not text (a NUL byte at byte offset {at}); editio records texts"
        ));
    }
    let controls = bytes
        .iter()
        .filter(|&&b| matches!(b, 0x01..=0x08 | 0x0B | 0x0E..=0x19 | 0x1B..=0x1F))
        .count();
    if controls > 8 && controls * 100 > bytes.len() {
        return Some(format!(
            "a binary file, not text ({controls} control bytes in {} bytes); editio records texts",
            bytes.len()
        ));
    }
    None
}
