//! The checksum algorithms BagIt manifests name, and computing several of them over one stream
//! in a single pass with a fixed buffer.

use crate::archive::digest::hex;
use sha2::Digest;
use std::io::Read;

/// Size of the read buffer: large enough for throughput, small enough that memory stays constant
/// whatever the file sizes.
pub(crate) const BUF_SIZE: usize = 256 * 1024;

/// A manifest algorithm, named as in `manifest-<name>.txt`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Algorithm {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Algorithm {
    /// All algorithms this module computes.
    pub const ALL: [Algorithm; 6] = [
        Algorithm::Md5,
        Algorithm::Sha1,
        Algorithm::Sha224,
        Algorithm::Sha256,
        Algorithm::Sha384,
        Algorithm::Sha512,
    ];

    /// The name used in manifest file names.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Md5 => "md5",
            Algorithm::Sha1 => "sha1",
            Algorithm::Sha224 => "sha224",
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha384 => "sha384",
            Algorithm::Sha512 => "sha512",
        }
    }

    /// The algorithm of a manifest file name's middle part (`sha256`), if known.
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Algorithm::ALL.into_iter().find(|a| a.name() == name)
    }

    /// Length of the checksum in hexadecimal digits.
    pub fn hex_len(self) -> usize {
        match self {
            Algorithm::Md5 => 32,
            Algorithm::Sha1 => 40,
            Algorithm::Sha224 => 56,
            Algorithm::Sha256 => 64,
            Algorithm::Sha384 => 96,
            Algorithm::Sha512 => 128,
        }
    }

    /// MD5 and SHA-1 are broken for collision resistance; RFC 8493 §2.4 asks for SHA-2.
    pub fn is_weak(self) -> bool {
        matches!(self, Algorithm::Md5 | Algorithm::Sha1)
    }
}

enum Hasher {
    Md5(md5::Md5),
    Sha1(sha1::Sha1),
    Sha224(sha2::Sha224),
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

impl Hasher {
    fn new(alg: Algorithm) -> Hasher {
        match alg {
            Algorithm::Md5 => Hasher::Md5(md5::Md5::new()),
            Algorithm::Sha1 => Hasher::Sha1(sha1::Sha1::new()),
            Algorithm::Sha224 => Hasher::Sha224(sha2::Sha224::new()),
            Algorithm::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            Algorithm::Sha384 => Hasher::Sha384(sha2::Sha384::new()),
            Algorithm::Sha512 => Hasher::Sha512(sha2::Sha512::new()),
        }
    }

    fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Md5(h) => h.update(bytes),
            Hasher::Sha1(h) => h.update(bytes),
            Hasher::Sha224(h) => h.update(bytes),
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Sha384(h) => h.update(bytes),
            Hasher::Sha512(h) => h.update(bytes),
        }
    }

    fn finish(self) -> String {
        match self {
            Hasher::Md5(h) => hex(&h.finalize()),
            Hasher::Sha1(h) => hex(&h.finalize()),
            Hasher::Sha224(h) => hex(&h.finalize()),
            Hasher::Sha256(h) => hex(&h.finalize()),
            Hasher::Sha384(h) => hex(&h.finalize()),
            Hasher::Sha512(h) => hex(&h.finalize()),
        }
    }
}

/// Several digests of one stream, fed together.
pub(crate) struct MultiHasher {
    hashers: Vec<(Algorithm, Hasher)>,
    size: u64,
}

impl MultiHasher {
    pub(crate) fn new(algorithms: &[Algorithm]) -> MultiHasher {
        let mut algs = algorithms.to_vec();
        algs.sort_unstable();
        algs.dedup();
        MultiHasher {
            hashers: algs.into_iter().map(|a| (a, Hasher::new(a))).collect(),
            size: 0,
        }
    }

    pub(crate) fn update(&mut self, bytes: &[u8]) {
        self.size += bytes.len() as u64;
        for (_, h) in &mut self.hashers {
            h.update(bytes);
        }
    }

    /// The number of bytes fed, and each digest in lowercase hexadecimal.
    pub(crate) fn finish(self) -> (u64, Vec<(Algorithm, String)>) {
        let size = self.size;
        let digests = self
            .hashers
            .into_iter()
            .map(|(a, h)| (a, h.finish()))
            .collect();
        (size, digests)
    }
}

/// Reads `reader` to its end once, returning its size and the requested digests.
pub(crate) fn digest_reader(
    reader: &mut dyn Read,
    algorithms: &[Algorithm],
) -> std::io::Result<(u64, Vec<(Algorithm, String)>)> {
    let mut hasher = MultiHasher::new(algorithms);
    let mut buf = vec![0u8; BUF_SIZE];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(buf.get(..n).unwrap_or_default()),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(hasher.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vectors_in_one_pass() {
        let (size, digests) = digest_reader(&mut &b"abc"[..], &Algorithm::ALL).unwrap();
        assert_eq!(size, 3);
        let get = |a| digests.iter().find(|(x, _)| *x == a).unwrap().1.clone();
        assert_eq!(get(Algorithm::Md5), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            get(Algorithm::Sha1),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            get(Algorithm::Sha224),
            "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7"
        );
        assert_eq!(
            get(Algorithm::Sha256),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(get(Algorithm::Sha384).starts_with("cb00753f45a35e8bb5a03d699ac65007"));
        assert!(get(Algorithm::Sha512).starts_with("ddaf35a193617abacc417349ae204131"));
        for a in Algorithm::ALL {
            assert_eq!(get(a).len(), a.hex_len());
            assert_eq!(Algorithm::from_name(a.name()), Some(a));
        }
    }
}
