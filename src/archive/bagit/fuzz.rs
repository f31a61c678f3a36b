//! Entry points for the fuzz targets in `fuzz/` (and the arbitrary-bytes tests): each feeds
//! untrusted bytes to one parser of the BagIt validator. Not part of the stable API.

use super::hash::Algorithm;
use super::text::{self, LineReader, TagEncoding};
use super::{ValidateOptions, validate};

/// The tag encoding picked by a fuzz input's first byte.
fn encoding(selector: u8) -> TagEncoding {
    match selector % 4 {
        0 => TagEncoding::Utf8,
        1 => TagEncoding::Latin1,
        2 => TagEncoding::Utf16,
        _ => TagEncoding::Other(encoding_rs::SHIFT_JIS),
    }
}

/// Reads `bytes` line by line as a tag file, handing each line to `f`; returns the lines read.
fn lines(bytes: &[u8], f: &mut dyn FnMut(usize, &str)) -> usize {
    let (selector, rest) = bytes.split_first().map_or((0, bytes), |(s, r)| (*s, r));
    let mut reader: &[u8] = rest;
    let mut lines = LineReader::new(&mut reader, encoding(selector), 4096);
    let mut n = 0;
    while let Ok(Some((number, line))) = lines.next_line() {
        f(number, &line);
        n += 1;
    }
    n
}

/// A payload or tag manifest: every line through the manifest parser, for each algorithm.
pub fn fuzz_manifest(bytes: &[u8]) -> usize {
    let mut notes = Vec::new();
    let mut parsed = 0;
    lines(bytes, &mut |n, line| {
        for alg in Algorithm::ALL.iter().copied().map(Some).chain([None]) {
            if text::parse_manifest_line(line, n, alg, &mut notes).is_some() {
                parsed += 1;
            }
        }
        let _ = text::parse_fetch_line(line, n, &mut notes);
    });
    parsed + notes.len()
}

/// `bagit.txt` (the declaration parser on raw bytes) and `bag-info.txt` (element lines).
pub fn fuzz_bag_info(bytes: &[u8]) -> usize {
    let mut notes = Vec::new();
    let _ = text::parse_declaration(bytes, &mut notes);
    let mut elements = Vec::new();
    lines(bytes, &mut |n, line| {
        text::bag_info_line(&mut elements, n, line, &mut notes)
    });
    elements.len() + notes.len()
}

/// A zip read as a bag, in place, with small limits so that bombs are cheap to refuse.
pub fn fuzz_zip(bytes: &[u8]) -> usize {
    let Ok(mut file) = tempfile::Builder::new().suffix(".zip").tempfile() else {
        return 0;
    };
    if std::io::Write::write_all(&mut file, bytes).is_err() {
        return 0;
    }
    let opts = ValidateOptions {
        max_uncompressed: 1 << 20,
        max_entries: 1000,
        max_tag_file: 1 << 16,
        ..ValidateOptions::default()
    };
    validate(file.path(), &opts).map_or(0, |d| d.len())
}
