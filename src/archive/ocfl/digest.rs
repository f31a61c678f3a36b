//! The digest algorithms OCFL names (the spec's table plus extension 0001-digest-algorithms),
//! computed for several algorithms in one streaming pass over a file with a fixed-size buffer.

use crate::archive::digest::hex;
use blake2::digest::consts::{U20, U32, U48};
use sha2::Digest;
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Read buffer per file being hashed: constant memory whatever the file size.
const BUF_SIZE: usize = 256 * 1024;

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

    fn hasher(self) -> Hasher {
        match self {
            Algorithm::Sha512 => Hasher::Sha512(sha2::Sha512::new()),
            Algorithm::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            Algorithm::Sha1 => Hasher::Sha1(sha1::Sha1::new()),
            Algorithm::Md5 => Hasher::Md5(md5::Md5::new()),
            Algorithm::Blake2b512 => Hasher::Blake2b512(blake2::Blake2b512::new()),
            Algorithm::Blake2b160 => Hasher::Blake2b160(blake2::Blake2b::<U20>::new()),
            Algorithm::Blake2b256 => Hasher::Blake2b256(blake2::Blake2b::<U32>::new()),
            Algorithm::Blake2b384 => Hasher::Blake2b384(blake2::Blake2b::<U48>::new()),
            Algorithm::Sha512_256 => Hasher::Sha512_256(sha2::Sha512_256::new()),
        }
    }
}

impl std::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

enum Hasher {
    Sha512(sha2::Sha512),
    Sha256(sha2::Sha256),
    Sha1(sha1::Sha1),
    Md5(md5::Md5),
    Blake2b512(blake2::Blake2b512),
    Blake2b160(blake2::Blake2b<U20>),
    Blake2b256(blake2::Blake2b<U32>),
    Blake2b384(blake2::Blake2b<U48>),
    Sha512_256(sha2::Sha512_256),
}

impl Hasher {
    fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Sha512(h) => h.update(data),
            Hasher::Sha256(h) => h.update(data),
            Hasher::Sha1(h) => h.update(data),
            Hasher::Md5(h) => h.update(data),
            Hasher::Blake2b512(h) => h.update(data),
            Hasher::Blake2b160(h) => h.update(data),
            Hasher::Blake2b256(h) => h.update(data),
            Hasher::Blake2b384(h) => h.update(data),
            Hasher::Sha512_256(h) => h.update(data),
        }
    }

    fn finish(self) -> String {
        match self {
            Hasher::Sha512(h) => hex(&h.finalize()),
            Hasher::Sha256(h) => hex(&h.finalize()),
            Hasher::Sha1(h) => hex(&h.finalize()),
            Hasher::Md5(h) => hex(&h.finalize()),
            Hasher::Blake2b512(h) => hex(&h.finalize()),
            Hasher::Blake2b160(h) => hex(&h.finalize()),
            Hasher::Blake2b256(h) => hex(&h.finalize()),
            Hasher::Blake2b384(h) => hex(&h.finalize()),
            Hasher::Sha512_256(h) => hex(&h.finalize()),
        }
    }
}

/// Several digests of one stream at once, so that each file is read only once.
pub struct MultiHasher {
    hashers: Vec<(Algorithm, Hasher)>,
    size: u64,
}

impl MultiHasher {
    pub fn new(algorithms: &[Algorithm]) -> MultiHasher {
        let mut algorithms = algorithms.to_vec();
        algorithms.sort_unstable();
        algorithms.dedup();
        MultiHasher {
            hashers: algorithms.into_iter().map(|a| (a, a.hasher())).collect(),
            size: 0,
        }
    }

    pub fn update(&mut self, data: &[u8]) {
        self.size += data.len() as u64;
        for (_, h) in &mut self.hashers {
            h.update(data);
        }
    }

    /// Lowercase hex digests, one per algorithm, and the number of bytes seen.
    pub fn finish(self) -> (Vec<(Algorithm, String)>, u64) {
        let size = self.size;
        (
            self.hashers
                .into_iter()
                .map(|(a, h)| (a, h.finish()))
                .collect(),
            size,
        )
    }

    /// Feeds everything `reader` yields, with a fixed buffer.
    pub fn consume(&mut self, mut reader: impl Read) -> std::io::Result<()> {
        let mut buf = vec![0u8; BUF_SIZE];
        loop {
            match reader.read(&mut buf) {
                Ok(0) => return Ok(()),
                Ok(n) => self.update(buf.get(..n).unwrap_or_default()),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

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
    let file = File::open(path)?;
    let mut hasher = MultiHasher::new(algorithms);
    hasher.consume(file)?;
    Ok(hasher.finish().0)
}

/// The digest of bytes in memory.
pub fn digest_bytes(algorithm: Algorithm, bytes: &[u8]) -> String {
    let mut h = algorithm.hasher();
    h.update(bytes);
    h.finish()
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
        let data = vec![7u8; BUF_SIZE * 2 + 3];
        let mut m = MultiHasher::new(&[Algorithm::Sha512, Algorithm::Md5, Algorithm::Sha512]);
        m.consume(&data[..]).unwrap();
        let (digests, size) = m.finish();
        assert_eq!(size, data.len() as u64);
        assert_eq!(digests.len(), 2);
        for (alg, d) in digests {
            assert_eq!(d, digest_bytes(alg, &data));
        }
    }
}
