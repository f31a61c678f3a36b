//! BagIt (RFC 8493): writes reproducible BagIt 1.0 deposit bags for `editio release` and checks
//! any bag, as a folder or a zip, for `editio verify`.
//!
//! The writer ([`write_zip`], [`write_dir`]) turns a [`BagSpec`] into a bag whose bytes depend on
//! the spec alone: sorted entries, fixed timestamps and permissions, fixed compression. It writes
//! beside the destination and renames at the end, so a reader never sees half a bag, and it never
//! replaces an existing package.
//!
//! The validator ([`validate`]) reports every finding as a [`Diagnostic`](crate::Diagnostic) rather than stopping at
//! the first. It reads each file once, computing every digest the manifests ask for in that one
//! pass, in parallel across files (largest first, one file per task), with fixed-size buffers:
//! memory grows with the number of manifest entries (a few hundred bytes each, capped by
//! [`ValidateOptions::max_entries`]), never with file sizes. Zips are read in place, never
//! extracted, and treated as hostile: see [`ValidateOptions`] for the limits. Nothing is ever
//! fetched from the network.
//!
//! # Codes
//!
//! Section numbers are those of RFC 8493. "—" marks checks of this implementation that protect
//! the reader rather than enforce a sentence of the RFC.
//!
//! | code | severity | finding | RFC 8493 |
//! |---|---|---|---|
//! | BAG001 | error | `bagit.txt` (the bag declaration) is missing | §2.1.1 |
//! | BAG002 | error | `bagit.txt` is not exactly the two lines `BagIt-Version: M.N` and `Tag-File-Character-Encoding: ENC` (wrong label, order, whitespace before the colon, extra lines, not UTF-8) | §2.1.1 |
//! | BAG003 | error | `bagit.txt` starts with a byte-order mark | §2.1.1 |
//! | BAG004 | error | `BagIt-Version` is not of the form `M.N` | §2.1.1 |
//! | BAG005 | warning | `BagIt-Version` is a version this validator does not know | §2.1.1 |
//! | BAG006 | error | `Tag-File-Character-Encoding` names an unknown encoding | §2.1.1 |
//! | BAG007 | error | a tag file cannot be decoded in the declared encoding | §2.1.1 |
//! | BAG008 | warning | a `bagit.txt` line ends in whitespace | §2.1.1 |
//! | BAG009 | warning | a UTF-16 tag file has no byte-order mark (read as big-endian) | §2.1.1 |
//! | BAG010 | error | the payload directory `data/` is missing | §2.1.2 |
//! | BAG011 | error | there is no payload manifest | §2.1.3 |
//! | BAG012 | error | a manifest line is not `checksum filepath` | §2.1.3 |
//! | BAG013 | warning | a manifest line uses md5sum's `*` binary marker | §2.1.3 |
//! | BAG014 | warning | a manifest path starts with `./` | §2.1.3 |
//! | BAG015 | error | a checksum is not hexadecimal of its algorithm's length | §2.1.3, §2.4 |
//! | BAG016 | warning | a manifest's algorithm cannot be computed here, so it is not verified | §2.4 |
//! | BAG017 | warning | the payload manifests use only MD5 or SHA-1; SHA-512 or SHA-256 should be used | §2.4 |
//! | BAG018 | warning | a pre-1.0 manifest lists a file twice with the same checksum | §2.1.3 |
//! | BAG019 | error | a BagIt 1.0 manifest lists a file more than once | §2.1.3 |
//! | BAG020 | error | a manifest lists a file twice with different checksums | §2.1.3 |
//! | BAG021 | error | a path escapes the bag or is not portable: `..`, absolute, `~`, drive letter, UNC, `%VAR%`, backslash, empty or `.` segment, NUL | §2.1.3, §5 |
//! | BAG022 | error | a payload manifest lists a path outside `data/` | §2.1.3 |
//! | BAG023 | error | a tag manifest lists a payload file | §2.2.1 |
//! | BAG024 | error | a file listed in a manifest is not in the bag | §3 |
//! | BAG025 | error | a payload file is not listed in every payload manifest | §2.1.3, §3 |
//! | BAG026 | error | a file's checksum or size differs from what the bag records | §3 |
//! | BAG027 | error | a tag file exceeds a parsing limit (line length, entry count or size) | — |
//! | BAG028 | warning | a tag file is not listed in a tag manifest | §2.2.1 |
//! | BAG029 | error | a file in the bag could not be read | §3 |
//! | BAG030 | error | a `bag-info.txt` line is neither `Label: value` nor a continuation | §2.2.2 |
//! | BAG031 | error | `Payload-Oxum` is not `OCTETS.STREAMS` | §2.2.2 |
//! | BAG032 | error | `Payload-Oxum` differs from the payload present | §2.2.2 |
//! | BAG033 | warning | `Bagging-Date` is not a `YYYY-MM-DD` date | §2.2.2 |
//! | BAG034 | warning | a reserved element that should appear once is repeated | §2.2.2 |
//! | BAG040 | error | a `fetch.txt` line is not `url length filepath` | §2.2.3 |
//! | BAG041 | error | `fetch.txt` lists a file outside `data/` | §2.2.3 |
//! | BAG042 | error | a file listed in `fetch.txt` is absent: the bag is incomplete (nothing is fetched) | §2.2.3, §3 |
//! | BAG043 | error | a file in `fetch.txt` is not listed in every payload manifest | §2.2.3 |
//! | BAG044 | warning | a file's size differs from its `fetch.txt` length | §2.2.3 |
//! | BAG050 | warning | a hidden system file (`.DS_Store`, `Thumbs.db`, ...) is in the bag | §6 |
//! | BAG051 | warning | names differ only by Unicode normalization | §6 |
//! | BAG052 | warning | names differ only by letter case | §6 |
//! | BAG053 | warning | a manifest names a file in another Unicode normalization than the file system | §6 |
//! | BAG054 | error | a file name is not valid UTF-8 and cannot be listed in a manifest | §2.1.3 |
//! | BAG055 | error | a symbolic link or special file is in the bag (never followed) | §5 |
//! | BAG060 | error | the zip is truncated or corrupt, or an entry fails its CRC | — |
//! | BAG061 | error | a zip entry name is unsafe: `..`, absolute, drive letter, backslash, NUL or control character | §5 |
//! | BAG062 | error | a zip entry is a symbolic link | §5 |
//! | BAG063 | error | a zip holds the same entry name twice | — |
//! | BAG064 | error | zip entry names differ only by Unicode normalization or case | §6 |
//! | BAG065 | error | a zip declares more than the bag can hold or the limit allows, or its entries overlap (zip bomb) | §5 |
//! | BAG066 | error | the zip does not unpack to exactly one top-level directory | — |
//! | BAG067 | error | a zip entry is encrypted or uses an unsupported compression method | — |
//!
//! # Choices where the RFC or the conformance suite leave room
//!
//! - Windows path forms (drive letters, UNC, `%VAR%`, backslashes) are rejected on every
//!   platform: a deposit must unpack safely wherever it is opened.
//! - A manifest entry that is absent but whose name, after Unicode NFC normalization, matches
//!   exactly one present file is taken to mean that file (BAG053): normalizing file systems
//!   (macOS) and transfer tools rewrite names that way. An absent entry that differs only by case
//!   from a file that the same manifest also lists is the case-folding twin of that file
//!   (BAG052). Both are then duplicates of one file (BAG018, or BAG019 for BagIt 1.0).
//! - A duplicate manifest line with the same checksum is a warning before BagIt 1.0 and an error
//!   for 1.0, which requires each payload file to be listed once.
//! - `Label : value` (whitespace before the colon) is accepted in `bag-info.txt` but not in
//!   `bagit.txt`, as the conformance suite expects.
//! - Zip entries differing only by case or normalization are errors (BAG064), unlike the same
//!   names in a folder (BAG051, BAG052): unpacking such a zip loses a file on common systems.

#[doc(hidden)]
pub mod fuzz;
mod hash;
mod path;

pub use path::decode as decode_path;
mod conformance;
mod source;
mod text;
mod write;

pub use conformance::{PayloadManifest, validate, validate_with_manifest};
pub use hash::Algorithm;
pub use write::{BagFile, BagSpec, BagSummary, Content, SummaryFile, write_dir, write_zip};

/// Limits and switches for [`validate`].
#[derive(Clone, Debug)]
pub struct ValidateOptions {
    /// Check completeness, sizes and `Payload-Oxum` only; skip the checksums.
    pub fast: bool,
    /// The most a zip may hold once uncompressed, in bytes (the sum of the sizes its entries
    /// declare). Within it, each entry is streamed with the budget the zip and the bag declare
    /// for it (its header's size; `Payload-Oxum` for the payload; the files a manifest can
    /// list for a manifest), and stopped the moment it yields more.
    pub max_uncompressed: u64,
    /// The most entries a zip, or lines a manifest or `fetch.txt`, may have.
    pub max_entries: usize,
    /// The longest line allowed in a tag file, in bytes once decoded to UTF-8.
    pub max_line: usize,
    /// The largest `bagit.txt` or `bag-info.txt` read whole, in bytes.
    pub max_tag_file: u64,
}

/// The default of [`ValidateOptions::max_uncompressed`]: 64 GiB.
pub const DEFAULT_MAX_UNCOMPRESSED: u64 = 64 << 30;

impl Default for ValidateOptions {
    fn default() -> Self {
        ValidateOptions {
            fast: false,
            max_uncompressed: DEFAULT_MAX_UNCOMPRESSED,
            max_entries: 10_000_000,
            max_line: 64 * 1024,
            max_tag_file: 16 << 20,
        }
    }
}

/// The stable BagIt codes (`BAGnnn`); the table in the [module documentation](self) gives the
/// RFC 8493 section each enforces.
pub mod codes {
    crate::diagnostic::codes! {
        DECLARATION_MISSING = "BAG001", Error, "bagit.txt (the bag declaration) is missing";
        DECLARATION_SYNTAX = "BAG002", Error, "bagit.txt is not exactly `BagIt-Version: M.N` and `Tag-File-Character-Encoding: ENC`";
        DECLARATION_BOM = "BAG003", Error, "bagit.txt starts with a byte-order mark";
        VERSION_FORM = "BAG004", Error, "BagIt-Version is not of the form M.N";
        VERSION_UNKNOWN = "BAG005", Warning, "BagIt-Version is a version this validator does not know";
        ENCODING_UNKNOWN = "BAG006", Error, "Tag-File-Character-Encoding names an unknown encoding";
        TAG_DECODE = "BAG007", Error, "a tag file cannot be decoded in the declared encoding";
        DECLARATION_WHITESPACE = "BAG008", Warning, "a bagit.txt line ends in whitespace";
        UTF16_NO_BOM = "BAG009", Warning, "a UTF-16 tag file has no byte-order mark; read as big-endian";
        PAYLOAD_DIR_MISSING = "BAG010", Error, "the payload directory data/ is missing";
        NO_PAYLOAD_MANIFEST = "BAG011", Error, "there is no payload manifest";
        MANIFEST_SYNTAX = "BAG012", Error, "a manifest line is not `checksum filepath`";
        MD5SUM_MARKER = "BAG013", Warning, "a manifest line uses md5sum's `*` binary marker";
        DOT_SLASH = "BAG014", Warning, "a manifest path starts with `./`";
        CHECKSUM_FORM = "BAG015", Error, "a checksum is not hexadecimal of its algorithm's length";
        ALGORITHM_UNKNOWN = "BAG016", Warning, "a manifest's algorithm cannot be computed, so it is not verified";
        WEAK_ONLY = "BAG017", Warning, "the payload manifests use only MD5 or SHA-1";
        DUPLICATE_SAME_LEGACY = "BAG018", Warning, "a pre-1.0 manifest lists a file twice with the same checksum";
        DUPLICATE_SAME = "BAG019", Error, "a BagIt 1.0 manifest lists a file more than once";
        DUPLICATE_CONFLICT = "BAG020", Error, "a manifest lists a file twice with different checksums";
        PATH_UNSAFE = "BAG021", Error, "a path escapes the bag or is not portable";
        PAYLOAD_OUTSIDE_DATA = "BAG022", Error, "a payload manifest lists a path outside data/";
        TAG_MANIFEST_PAYLOAD = "BAG023", Error, "a tag manifest lists a payload file";
        FILE_MISSING = "BAG024", Error, "a file listed in a manifest is not in the bag";
        FILE_UNLISTED = "BAG025", Error, "a payload file is not listed in every payload manifest";
        CHECKSUM_MISMATCH = "BAG026", Error, "a file's checksum or size differs from what the bag records";
        LIMIT_EXCEEDED = "BAG027", Error, "a tag file exceeds a parsing limit";
        TAG_UNLISTED = "BAG028", Warning, "a tag file is not listed in a tag manifest";
        READ_FAILED = "BAG029", Error, "a file in the bag could not be read";
        BAGINFO_SYNTAX = "BAG030", Error, "a bag-info.txt line is neither `Label: value` nor a continuation";
        OXUM_FORM = "BAG031", Error, "Payload-Oxum is not OCTETS.STREAMS";
        OXUM_MISMATCH = "BAG032", Error, "Payload-Oxum differs from the payload present";
        BAGGING_DATE_FORM = "BAG033", Warning, "Bagging-Date is not a YYYY-MM-DD date";
        NON_REPEATABLE = "BAG034", Warning, "a reserved bag-info.txt element that should appear once is repeated";
        FETCH_SYNTAX = "BAG040", Error, "a fetch.txt line is not `url length filepath`";
        FETCH_OUTSIDE_DATA = "BAG041", Error, "fetch.txt lists a file outside data/";
        FETCH_MISSING = "BAG042", Error, "a file listed in fetch.txt is absent: the bag is incomplete";
        FETCH_UNLISTED = "BAG043", Error, "a file in fetch.txt is not listed in every payload manifest";
        FETCH_LENGTH = "BAG044", Warning, "a file's size differs from its fetch.txt length";
        SYSTEM_FILE = "BAG050", Warning, "a hidden system file is in the bag";
        NORMALIZATION_COLLISION = "BAG051", Warning, "names differ only by Unicode normalization";
        CASE_COLLISION = "BAG052", Warning, "names differ only by letter case";
        NORMALIZATION_MISMATCH = "BAG053", Warning, "a manifest names a file in another Unicode normalization than the file system";
        NAME_UNREPRESENTABLE = "BAG054", Error, "a file name is not valid UTF-8";
        NOT_REGULAR = "BAG055", Error, "a symbolic link or special file is in the bag";
        ZIP_CORRUPT = "BAG060", Error, "the zip is truncated or corrupt, or an entry fails its CRC";
        ZIP_UNSAFE_NAME = "BAG061", Error, "a zip entry name is unsafe";
        ZIP_SYMLINK = "BAG062", Error, "a zip entry is a symbolic link";
        ZIP_DUPLICATE = "BAG063", Error, "a zip holds the same entry name twice";
        ZIP_NAME_COLLISION = "BAG064", Error, "zip entry names differ only by Unicode normalization or case";
        ZIP_BOMB = "BAG065", Error, "a zip declares more than the bag can hold or the limit allows, or its entries overlap";
        ZIP_LAYOUT = "BAG066", Error, "the zip does not unpack to exactly one top-level directory";
        ZIP_UNSUPPORTED = "BAG067", Error, "a zip entry is encrypted or uses an unsupported compression method";
    }
}

#[cfg(test)]
mod tests {
    use super::codes;

    #[test]
    fn codes_are_unique_and_documented() {
        let mut ids: Vec<_> = codes::ALL.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), codes::ALL.len());
        let doc = include_str!("mod.rs");
        for code in codes::ALL {
            let row = format!("//! | {} | {} |", code.id, code.severity);
            assert!(
                doc.contains(&row),
                "{} missing from the code table",
                code.id
            );
        }
    }
}
