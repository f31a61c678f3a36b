//! The one way a source comes in: read once, measured against its record (size, SHA-256),
//! decoded with the encoding the record names, and made into the edition shell the passes
//! work on. `add`, `check`, the build and the normalize pass all go through here.

use super::EditionDir;
use crate::diagnostic::{Diagnostic, Location, codes};
use crate::error::{Error, Result};
use crate::model::{Edition, Record};
use std::path::Path;

/// An edition's source as read, when it is there and is what its record says.
#[derive(Debug)]
pub struct Source {
    /// The bytes as received.
    pub raw: Vec<u8>,
}

/// Reads the source of `edition` once and compares it with its record: missing (ED301),
/// another size (ED302) or checksum (ED303), or not decodable with the recorded encoding
/// (ED304). The source comes back only when none of those was found.
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
    let Some(record) = &edition.record else {
        return Ok((Some(Source { raw }), Vec::new()));
    };
    let found = problems(&path, &raw, record);
    Ok((found.is_empty().then_some(Source { raw }), found))
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
fn problems(path: &Path, raw: &[u8], record: &Record) -> Vec<Diagnostic> {
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
    let sha256 = crate::archive::digest::sha256_bytes(raw);
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
