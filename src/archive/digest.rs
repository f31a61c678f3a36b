//! Checksums: the one hashing engine of the archive layer. BagIt manifests
//! (`bagit::hash`) and OCFL inventories (`ocfl::digest`) each name their own vocabulary of
//! algorithms; both map it onto [`Algorithm`] here and hash through [`MultiHasher`], which
//! computes every digest a file needs in one streaming pass with a fixed-size buffer, so memory
//! stays constant whatever the file sizes.
//!
//! SHA-2 goes through OpenSSL's libcrypto when the `openssl` feature is on (the default): on the
//! machines measured in BENCHMARKS.md it hashes SHA-512 about 1.3 times as fast as the pure-Rust
//! `sha2` crate and SHA-256 as fast. Without the feature, `sha2` computes the same digests.

use crate::error::{Error, Result};
use blake2::digest::consts::{U20, U32, U48};
use sha2::Digest;
use std::io::{Read, Write};
use std::path::Path;

/// Size of the read buffer: large enough for throughput, small enough for constant memory (and
/// to stay in the core's L2 cache while several digests read it).
pub const BUF_SIZE: usize = 256 * 1024;

/// Every digest algorithm the archive layer computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Algorithm {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    Sha512_256,
    Blake2b160,
    Blake2b256,
    Blake2b384,
    Blake2b512,
}

#[cfg(feature = "openssl")]
mod sha {
    //! SHA-2 from OpenSSL's libcrypto; `new` and `update` are inherent methods there, with
    //! the same names as the `sha2` crate's.
    pub(super) use openssl::sha::{Sha224, Sha256, Sha384, Sha512};
    macro_rules! finish {
        ($h:expr) => {
            $h.finish()
        };
    }
    pub(super) use finish;
}

#[cfg(not(feature = "openssl"))]
mod sha {
    //! SHA-2 from the pure-Rust `sha2` crate.
    pub(super) use sha2::{Sha224, Sha256, Sha384, Sha512};
    macro_rules! finish {
        ($h:expr) => {
            sha2::Digest::finalize($h)
        };
    }
    pub(super) use finish;
}

/// One running digest.
enum Hasher {
    Md5(md5::Md5),
    Sha1(sha1::Sha1),
    Sha224(sha::Sha224),
    Sha256(sha::Sha256),
    Sha384(sha::Sha384),
    Sha512(sha::Sha512),
    Sha512_256(sha2::Sha512_256),
    Blake2b160(blake2::Blake2b<U20>),
    Blake2b256(blake2::Blake2b<U32>),
    Blake2b384(blake2::Blake2b<U48>),
    Blake2b512(blake2::Blake2b512),
}

impl Hasher {
    fn new(alg: Algorithm) -> Hasher {
        match alg {
            Algorithm::Md5 => Hasher::Md5(md5::Md5::new()),
            Algorithm::Sha1 => Hasher::Sha1(sha1::Sha1::new()),
            Algorithm::Sha224 => Hasher::Sha224(sha::Sha224::new()),
            Algorithm::Sha256 => Hasher::Sha256(sha::Sha256::new()),
            Algorithm::Sha384 => Hasher::Sha384(sha::Sha384::new()),
            Algorithm::Sha512 => Hasher::Sha512(sha::Sha512::new()),
            Algorithm::Sha512_256 => Hasher::Sha512_256(sha2::Sha512_256::new()),
            Algorithm::Blake2b160 => Hasher::Blake2b160(blake2::Blake2b::<U20>::new()),
            Algorithm::Blake2b256 => Hasher::Blake2b256(blake2::Blake2b::<U32>::new()),
            Algorithm::Blake2b384 => Hasher::Blake2b384(blake2::Blake2b::<U48>::new()),
            Algorithm::Blake2b512 => Hasher::Blake2b512(blake2::Blake2b512::new()),
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
            Hasher::Sha512_256(h) => h.update(bytes),
            Hasher::Blake2b160(h) => h.update(bytes),
            Hasher::Blake2b256(h) => h.update(bytes),
            Hasher::Blake2b384(h) => h.update(bytes),
            Hasher::Blake2b512(h) => h.update(bytes),
        }
    }

    fn finish(self) -> String {
        match self {
            Hasher::Md5(h) => hex(&h.finalize()),
            Hasher::Sha1(h) => hex(&h.finalize()),
            Hasher::Sha224(h) => hex(&sha::finish!(h)),
            Hasher::Sha256(h) => hex(&sha::finish!(h)),
            Hasher::Sha384(h) => hex(&sha::finish!(h)),
            Hasher::Sha512(h) => hex(&sha::finish!(h)),
            Hasher::Sha512_256(h) => hex(&h.finalize()),
            Hasher::Blake2b160(h) => hex(&h.finalize()),
            Hasher::Blake2b256(h) => hex(&h.finalize()),
            Hasher::Blake2b384(h) => hex(&h.finalize()),
            Hasher::Blake2b512(h) => hex(&h.finalize()),
        }
    }
}

/// Which side of [`MultiHasher::copy`] failed, so that the error can name the right file.
#[derive(Debug)]
pub enum CopyError {
    Read(std::io::Error),
    Write(std::io::Error),
}

/// Several digests of one stream, fed together, so that each file is read once. `A` is a
/// vocabulary of algorithm names (BagIt's, OCFL's) that maps onto [`Algorithm`].
pub struct MultiHasher<A> {
    hashers: Vec<(A, Hasher)>,
    size: u64,
}

impl<A: Copy + Ord + Into<Algorithm>> MultiHasher<A> {
    /// A hasher for each distinct algorithm in `algorithms`, in their order (`Ord`).
    pub fn new(algorithms: &[A]) -> MultiHasher<A> {
        let mut algs = algorithms.to_vec();
        algs.sort_unstable();
        algs.dedup();
        MultiHasher {
            hashers: algs
                .into_iter()
                .map(|a| (a, Hasher::new(a.into())))
                .collect(),
            size: 0,
        }
    }

    /// Feeds `bytes` to every digest.
    pub fn update(&mut self, bytes: &[u8]) {
        self.size += bytes.len() as u64;
        for (_, h) in &mut self.hashers {
            h.update(bytes);
        }
    }

    /// Feeds everything `reader` yields, with a fixed buffer.
    pub fn consume(&mut self, reader: &mut dyn Read) -> std::io::Result<()> {
        self.copy(reader, &mut std::io::sink())
            .map_err(|e| match e {
                CopyError::Read(e) | CopyError::Write(e) => e,
            })
    }

    /// Copies `reader` to `writer`, hashing what passes, in one pass with a fixed buffer: a
    /// file is read once to be both stored and digested.
    pub fn copy(&mut self, reader: &mut dyn Read, writer: &mut dyn Write) -> Result<(), CopyError> {
        let mut buf = vec![0u8; BUF_SIZE];
        loop {
            match reader.read(&mut buf) {
                Ok(0) => return Ok(()),
                Ok(n) => {
                    let chunk = buf.get(..n).unwrap_or_default();
                    self.update(chunk);
                    writer.write_all(chunk).map_err(CopyError::Write)?;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(CopyError::Read(e)),
            }
        }
    }

    /// The number of bytes fed, and each digest in lowercase hexadecimal.
    pub fn finish(self) -> (u64, Vec<(A, String)>) {
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
pub fn digest_reader<A: Copy + Ord + Into<Algorithm>>(
    reader: &mut dyn Read,
    algorithms: &[A],
) -> std::io::Result<(u64, Vec<(A, String)>)> {
    let mut hasher = MultiHasher::new(algorithms);
    hasher.consume(reader)?;
    Ok(hasher.finish())
}

/// The digest of bytes in memory, in lowercase hexadecimal.
pub fn digest_bytes(algorithm: impl Into<Algorithm>, bytes: &[u8]) -> String {
    let mut h = Hasher::new(algorithm.into());
    h.update(bytes);
    h.finish()
}

/// The size and SHA-256 (lowercase hex) of what `reader` yields.
pub fn sha256_reader(mut reader: impl Read) -> std::io::Result<(u64, String)> {
    let (size, mut digests) = digest_reader(&mut reader, &[Algorithm::Sha256])?;
    Ok((size, digests.pop().map(|(_, d)| d).unwrap_or_default()))
}

/// The two digests an OCFL version records of each file: SHA-512, which addresses its content,
/// and SHA-256, its fixity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Digests {
    pub sha512: String,
    pub sha256: String,
}

impl Digests {
    /// The digests of bytes in memory.
    pub fn of_bytes(bytes: &[u8]) -> Digests {
        let mut hasher = MultiHasher::new(&[Algorithm::Sha512, Algorithm::Sha256]);
        hasher.update(bytes);
        Digests::from_hasher(hasher)
    }

    /// The digests of everything `reader` yields, read once.
    pub fn of_reader(reader: &mut dyn Read) -> std::io::Result<Digests> {
        let mut hasher = MultiHasher::new(&[Algorithm::Sha512, Algorithm::Sha256]);
        hasher.consume(reader)?;
        Ok(Digests::from_hasher(hasher))
    }

    fn from_hasher(hasher: MultiHasher<Algorithm>) -> Digests {
        let (_, digests) = hasher.finish();
        let get = |a: Algorithm| {
            digests
                .iter()
                .find(|(x, _)| *x == a)
                .map(|(_, d)| d.clone())
                .unwrap_or_default()
        };
        Digests {
            sha512: get(Algorithm::Sha512),
            sha256: get(Algorithm::Sha256),
        }
    }
}

/// A reader that digests the bytes passing through it and, at their end, fails unless they had
/// the `expected` digests. A writer that streams from it (a put, in parts or whole; a copy
/// into staging) stops with that error before it completes the object, so bytes other than the
/// ones a version was planned with are never stored under it, and the file is read only once.
pub struct Checked<R> {
    inner: R,
    hasher: Option<MultiHasher<Algorithm>>,
    expected: Digests,
    what: String,
}

impl<R: Read> Checked<R> {
    /// Checks `inner` against `expected`; `what` names the bytes in the error.
    pub fn new(inner: R, expected: Digests, what: String) -> Checked<R> {
        Checked {
            inner,
            hasher: Some(MultiHasher::new(&[Algorithm::Sha512, Algorithm::Sha256])),
            expected,
            what,
        }
    }
}

impl<R: Read> Read for Checked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            if let Some(h) = &mut self.hasher {
                h.update(buf.get(..n).unwrap_or_default());
            }
            return Ok(n);
        }
        if let Some(hasher) = self.hasher.take() {
            let got = Digests::from_hasher(hasher);
            if got != self.expected {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!(
                        "{} changed after its digests were taken (SHA-256 {} when planned, {} now); \
                     nothing of it was stored: run the command again",
                        self.what, self.expected.sha256, got.sha256
                    ),
                ));
            }
        }
        Ok(0)
    }
}

/// The size and SHA-256 of a file.
pub fn sha256_file(path: &Path) -> Result<(u64, String)> {
    let file = std::fs::File::open(path).map_err(Error::io(path))?;
    sha256_reader(file).map_err(Error::io(path))
}

/// The SHA-256 of bytes in memory.
pub fn sha256_bytes(bytes: &[u8]) -> String {
    digest_bytes(Algorithm::Sha256, bytes)
}

/// Lowercase hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 0xf) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Algorithm; 11] = [
        Algorithm::Md5,
        Algorithm::Sha1,
        Algorithm::Sha224,
        Algorithm::Sha256,
        Algorithm::Sha384,
        Algorithm::Sha512,
        Algorithm::Sha512_256,
        Algorithm::Blake2b160,
        Algorithm::Blake2b256,
        Algorithm::Blake2b384,
        Algorithm::Blake2b512,
    ];

    #[test]
    fn known_vectors() {
        assert_eq!(
            sha256_bytes(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_bytes(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let cases = [
            (
                Algorithm::Sha224,
                "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7",
            ),
            (
                Algorithm::Sha384,
                "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed\
                 8086072ba1e7cc2358baeca134c825a7",
            ),
            (
                Algorithm::Sha512,
                "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
                 2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            ),
            (
                Algorithm::Sha512_256,
                "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23",
            ),
        ];
        for (alg, want) in cases {
            assert_eq!(digest_bytes(alg, b"abc"), want, "{alg:?}");
        }
    }

    #[test]
    fn one_pass_matches_each_digest_alone() {
        let big: Vec<u8> = (0..BUF_SIZE * 2 + 17)
            .map(|i| (i * 31 % 251) as u8)
            .collect();
        let (size, digests) = digest_reader(&mut &big[..], &ALL).unwrap();
        assert_eq!(size, big.len() as u64);
        assert_eq!(digests.len(), ALL.len());
        for (alg, d) in digests {
            assert_eq!(d, digest_bytes(alg, &big), "{alg:?}");
        }
        let (size, digest) = sha256_reader(&big[..]).unwrap();
        assert_eq!(size, big.len() as u64);
        assert_eq!(digest, sha256_bytes(&big));
    }
}
