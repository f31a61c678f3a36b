//! The digest algorithms OCFL names (the spec's table plus extension 0001-digest-algorithms),
//! computed for several algorithms in one streaming pass over a file by the archive layer's one
//! hashing engine (`archive::digest`).

use crate::archive::digest;
use std::cell::RefCell;
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// A digest algorithm from the OCFL vocabulary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Algorithm {
    Sha512,
    Sha256,
    Sha1,
    Md5,
    Blake2b512,
    // From extension 0001-digest-algorithms.
    Blake2b160,
    Blake2b256,
    Blake2b384,
    Sha512_256,
}

impl Algorithm {
    /// Every algorithm editio can compute.
    pub const ALL: [Algorithm; 9] = [
        Algorithm::Sha512,
        Algorithm::Sha256,
        Algorithm::Sha1,
        Algorithm::Md5,
        Algorithm::Blake2b512,
        Algorithm::Blake2b160,
        Algorithm::Blake2b256,
        Algorithm::Blake2b384,
        Algorithm::Sha512_256,
    ];

    /// The algorithm's name as OCFL writes it (`sha512`, `blake2b-512`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Sha512 => "sha512",
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha1 => "sha1",
            Algorithm::Md5 => "md5",
            Algorithm::Blake2b512 => "blake2b-512",
            Algorithm::Blake2b160 => "blake2b-160",
            Algorithm::Blake2b256 => "blake2b-256",
            Algorithm::Blake2b384 => "blake2b-384",
            Algorithm::Sha512_256 => "sha512/256",
        }
    }

    /// The algorithm with this OCFL name, if editio knows it.
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Algorithm::ALL.into_iter().find(|a| a.name() == name)
    }

    /// Length of the hex digest.
    pub fn hex_len(self) -> usize {
        match self {
            Algorithm::Sha512 | Algorithm::Blake2b512 => 128,
            Algorithm::Sha256 | Algorithm::Blake2b256 | Algorithm::Sha512_256 => 64,
            Algorithm::Sha1 | Algorithm::Blake2b160 => 40,
            Algorithm::Md5 => 32,
            Algorithm::Blake2b384 => 96,
        }
    }
}

impl From<Algorithm> for digest::Algorithm {
    fn from(a: Algorithm) -> digest::Algorithm {
        match a {
            Algorithm::Sha512 => digest::Algorithm::Sha512,
            Algorithm::Sha256 => digest::Algorithm::Sha256,
            Algorithm::Sha1 => digest::Algorithm::Sha1,
            Algorithm::Md5 => digest::Algorithm::Md5,
            Algorithm::Blake2b512 => digest::Algorithm::Blake2b512,
            Algorithm::Blake2b160 => digest::Algorithm::Blake2b160,
            Algorithm::Blake2b256 => digest::Algorithm::Blake2b256,
            Algorithm::Blake2b384 => digest::Algorithm::Blake2b384,
            Algorithm::Sha512_256 => digest::Algorithm::Sha512_256,
        }
    }
}

impl std::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Several OCFL digests of one stream at once, so that each file is read only once.
pub type MultiHasher = digest::MultiHasher<Algorithm>;

/// Digests of a file for several algorithms, read once. Does not follow a symlink at `path`'s
/// last component: OCFL content must be regular files.
pub fn digest_file(
    path: &Path,
    algorithms: &[Algorithm],
) -> std::io::Result<Vec<(Algorithm, String)>> {
    let meta = std::fs::symlink_metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    let mut file = File::open(path)?;
    Ok(digest::digest_reader(&mut file, algorithms)?.1)
}

thread_local! {
    /// Each worker thread's read buffer for [`digest_listed_file`], allocated once: content
    /// files are mostly small, and a fresh buffer per file would cost more than reading it.
    static READ_BUF: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Digests of a file that its directory listing showed to be a regular file (not a symlink),
/// for several algorithms, read once: the validator's fast path, with one `open`, one `fstat`
/// and as few `read`s as the file's size needs, into a buffer each thread reuses. The opened
/// file must still be a regular file; it is read up to the size `fstat` gave (or its end).
pub fn digest_listed_file(
    path: &Path,
    algorithms: &[Algorithm],
) -> std::io::Result<Vec<(Algorithm, String)>> {
    let mut file = File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    let mut hasher = MultiHasher::new(algorithms);
    let mut remaining = meta.len();
    READ_BUF.with_borrow_mut(|buf| {
        if buf.len() < digest::BUF_SIZE {
            buf.resize(digest::BUF_SIZE, 0);
        }
        while remaining > 0 {
            let want = usize::try_from(remaining).map_or(buf.len(), |r| r.min(buf.len()));
            let chunk = buf.get_mut(..want).unwrap_or_default();
            match file.read(chunk) {
                Ok(0) => break,
                Ok(n) => {
                    hasher.update(chunk.get(..n).unwrap_or_default());
                    remaining = remaining.saturating_sub(n as u64);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    })?;
    Ok(hasher.finish().1)
}

/// The digest of bytes in memory.
pub fn digest_bytes(algorithm: Algorithm, bytes: &[u8]) -> String {
    digest::digest_bytes(algorithm, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vectors() {
        let cases = [
            (Algorithm::Md5, "900150983cd24fb0d6963f7d28e17f72"),
            (Algorithm::Sha1, "a9993e364706816aba3e25717850c26c9cd0d89d"),
            (
                Algorithm::Sha256,
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
            (
                Algorithm::Blake2b512,
                "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1\
                 7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923",
            ),
        ];
        for (alg, want) in cases {
            assert_eq!(digest_bytes(alg, b"abc"), want, "{alg}");
            assert_eq!(want.len(), alg.hex_len());
        }
        for alg in Algorithm::ALL {
            assert_eq!(digest_bytes(alg, b"").len(), alg.hex_len(), "{alg}");
            assert_eq!(Algorithm::from_name(alg.name()), Some(alg));
        }
    }

    #[test]
    fn multi_hasher_matches_single() {
        let data = vec![7u8; digest::BUF_SIZE * 2 + 3];
        let mut m = MultiHasher::new(&[Algorithm::Sha512, Algorithm::Md5, Algorithm::Sha512]);
        m.consume(&mut &data[..]).unwrap();
        let (size, digests) = m.finish();
        assert_eq!(size, data.len() as u64);
        assert_eq!(digests.len(), 2);
        for (alg, d) in digests {
            assert_eq!(d, digest_bytes(alg, &data));
        }
    }
}
