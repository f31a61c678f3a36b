//! The one way a source comes in: read once, measured against its record (size, SHA-256),
//! decoded once with the encoding the record names, and made into the edition shell the
//! passes work on. `add` and `receive` take a new file with [`offered`]; the engine of
//! `check` and `build` (and `blocks`) reads an edition's source with [`read`]; the normalize
//! pass works on the text decoded here and decodes nothing itself.

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
    /// The bytes decoded with the encoding the record names, when the edition has a record
    /// and they decode.
    pub text: Option<String>,
}

/// Reads the source of `edition` once and compares it with its record: missing (ED301),
/// another size (ED302) or checksum (ED303), or not decodable with the recorded encoding
/// (ED304). The source comes back whenever it could be read, with those findings; it is
/// decoded here, once, whenever the edition has a record.
pub fn read(edition: &EditionDir) -> Result<(Option<Source>, Vec<Diagnostic>)> {
    let path = edition.source_path();
    #[cfg(test)]
    tests::count(&path, tests::READ);
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
    let (text, found) = match &edition.record {
        Some(record) => {
            let text = decode_recorded(&path, &raw, record);
            let found = problems(&path, &raw, &sha256, record, text.as_ref().err());
            (text.ok(), found)
        }
        None => (None, Vec::new()),
    };
    Ok((Some(Source { raw, sha256, text }), found))
}

/// The edition shell of a source: the model before the passes. A source that could not be
/// decoded (its finding, ED304, is [`read`]'s) gives a shell with no text.
pub fn shell(edition: &EditionDir, record: Record, source: Source) -> Edition {
    let mut shell = Edition::new(
        edition.id.clone(),
        record,
        edition.source_path(),
        source.text.unwrap_or_default(),
    );
    shell.raw = source.raw;
    shell
}

/// The source's bytes against its record: size, SHA-256 and decodability (`undecodable`:
/// why decoding them failed, if it did).
fn problems(
    path: &Path,
    raw: &[u8],
    sha256: &str,
    record: &Record,
    undecodable: Option<&Error>,
) -> Vec<Diagnostic> {
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
    } else if let Some(e) = undecodable {
        out.push(Diagnostic::new(
            codes::SOURCE_DECODE,
            Location::file(path),
            e.to_string(),
        ));
    }
    out
}

/// A file offered as a source (`editio add`, `editio receive`), read once and checked.
#[derive(Debug)]
pub struct Offered {
    /// The bytes as received.
    pub bytes: Vec<u8>,
    /// The canonical name of its encoding when it is not UTF-8, to be recorded.
    pub encoding: Option<&'static str>,
    /// Its SHA-256, in lowercase hex.
    pub sha256: String,
    /// Its file name as received.
    pub file_name: String,
}

/// Reads the file at `path` offered as a source, and checks that it is text in the encoding
/// `label` names (UTF-8 when none).
pub fn offered(path: &Path, label: Option<&str>) -> Result<Offered> {
    let bytes = read_received(path)?;
    let encoding = check_decodable(path, &bytes, label)?;
    let sha256 = crate::archive::digest::sha256_bytes(&bytes);
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Offered {
        bytes,
        encoding,
        sha256,
        file_name,
    })
}

/// The most editio reads of a received file: 1 GiB.
pub const MAX_SOURCE_BYTES: u64 = 1 << 30;

/// Reads a received file: a regular file (not a pipe, a device or a folder), not empty, and no
/// larger than [`MAX_SOURCE_BYTES`] (even if it grows while being read).
fn read_received(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(Error::io(path))?;
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "a folder, not a file"
        } else {
            "not a regular file (a pipe, a socket or a device)"
        };
        return Err(Error::NotRegularFile {
            path: path.to_path_buf(),
            what,
        });
    }
    if meta.len() > MAX_SOURCE_BYTES {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            limit: MAX_SOURCE_BYTES,
        });
    }
    let file = std::fs::File::open(path).map_err(Error::io(path))?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_SOURCE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(Error::io(path))?;
    if bytes.len() as u64 > MAX_SOURCE_BYTES {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            limit: MAX_SOURCE_BYTES,
        });
    }
    if bytes.is_empty() {
        return Err(Error::EmptySource {
            path: path.to_path_buf(),
        });
    }
    Ok(bytes)
}

/// Decodes a source with the encoding its record names (UTF-8 when none).
pub fn decode_recorded(path: &Path, raw: &[u8], record: &Record) -> Result<String> {
    decode_text(path, raw, record.received.encoding.as_deref()).map(|(text, _)| text)
}

/// Checks that `bytes` decode: as UTF-8, or from the named encoding. Returns the canonical
/// name of a non-UTF-8 encoding, to be recorded.
fn check_decodable(path: &Path, bytes: &[u8], label: Option<&str>) -> Result<Option<&'static str>> {
    decode_text(path, bytes, label).map(|(_, encoding)| encoding)
}

/// Decodes `bytes`, in one pass, as text: as UTF-8, or from the named encoding. Returns the
/// text and the canonical name of a non-UTF-8 encoding.
fn decode_text(
    path: &Path,
    bytes: &[u8],
    label: Option<&str>,
) -> Result<(String, Option<&'static str>)> {
    #[cfg(test)]
    tests::count(path, tests::DECODED);
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
    match named {
        None => match std::str::from_utf8(bytes) {
            Ok(text) => Ok((text.to_string(), None)),
            Err(e) => {
                let offset = e.valid_up_to();
                let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
                Err(Error::NotUtf8 {
                    path: path.to_path_buf(),
                    offset,
                    line,
                })
            }
        },
        Some(encoding) => {
            let text = decode(path, bytes, encoding)?;
            Ok((
                text,
                (encoding != encoding_rs::UTF_8).then_some(encoding.name()),
            ))
        }
    }
}

/// Decodes `bytes` strictly: a malformed sequence is an error naming its offset.
fn decode(path: &Path, bytes: &[u8], encoding: &'static encoding_rs::Encoding) -> Result<String> {
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
    // (`contains` on bytes is a fast search; the offset is found only for the message.)
    if bytes.contains(&0)
        && let Some(at) = bytes.iter().position(|&b| b == 0)
    {
        return Some(format!(
            "a binary file, not text (a NUL byte at byte offset {at}); editio records texts"
        ));
    }
    // 0x01–0x08, 0x0B, 0x0E–0x19 and 0x1B–0x1F, as a mask of the 32 control bytes, counted
    // in a loop the compiler runs on many bytes at once.
    const CONTROLS: u32 = 0xFBFF_C9FE;
    let controls: usize = bytes
        .iter()
        .map(|&b| usize::from(b < 0x20 && (CONTROLS >> (b & 0x1F)) & 1 == 1))
        .sum();
    if controls > 8 && controls * 100 > bytes.len() {
        return Some(format!(
            "a binary file, not text ({controls} control bytes in {} bytes); editio records texts",
            bytes.len()
        ));
    }
    None
}

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};
    use std::sync::Mutex;

    pub const READ: usize = 0;
    pub const DECODED: usize = 1;

    /// How many times each source was read and decoded, by path.
    static COUNTS: Mutex<BTreeMap<PathBuf, [usize; 2]>> = Mutex::new(BTreeMap::new());

    pub fn count(path: &Path, what: usize) {
        let mut counts = COUNTS.lock().unwrap_or_else(|e| e.into_inner());
        counts.entry(path.to_path_buf()).or_default()[what] += 1;
    }

    /// The engine of `check` and `build` reads each source once and decodes it once: the
    /// normalize pass, the record checks and the cache take what was read.
    #[test]
    fn each_source_is_read_and_decoded_once_per_run() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let report = crate::ops::check::check(root).unwrap();
        assert!(!report.built.is_empty());
        let counts = COUNTS.lock().unwrap_or_else(|e| e.into_inner());
        for built in &report.built {
            let path = root
                .join(super::super::EDITIONS_DIR)
                .join(&built.edition.id)
                .join(super::super::SOURCE_FILE);
            assert_eq!(counts.get(&path), Some(&[1, 1]), "{}", path.display());
        }
    }

    #[test]
    fn control_bytes_are_the_ones_named() {
        // Nine of each byte value, then one of each alone: a file of only the named control
        // bytes is binary, and no other byte counts towards it.
        for b in 1..=255u8 {
            let named = matches!(b, 0x01..=0x08 | 0x0B | 0x0E..=0x19 | 0x1B..=0x1F);
            let bytes = vec![b; 9];
            assert_eq!(
                super::not_text(&bytes, None).is_some(),
                named,
                "byte {b:#04x}"
            );
        }
        let text = b"Plain text\twith\x0ca form feed\r\n and a DOS end\x1a".repeat(20);
        assert_eq!(super::not_text(&text, None), None);
        let mut binary = b"text".repeat(10);
        binary.insert(7, 0);
        assert!(
            super::not_text(&binary, None).is_some_and(|m| m.contains("NUL byte at byte offset 7"))
        );
    }
}
