//! The checksum algorithms BagIt manifests name. They are computed, several over one stream in
//! a single pass, by the archive layer's one hashing engine (`archive::digest`).

use crate::archive::digest;
pub(crate) use crate::archive::digest::digest_reader;

/// Several BagIt digests of one stream, fed together.
pub(crate) type MultiHasher = digest::MultiHasher<Algorithm>;

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

impl From<Algorithm> for digest::Algorithm {
    fn from(a: Algorithm) -> digest::Algorithm {
        match a {
            Algorithm::Md5 => digest::Algorithm::Md5,
            Algorithm::Sha1 => digest::Algorithm::Sha1,
            Algorithm::Sha224 => digest::Algorithm::Sha224,
            Algorithm::Sha256 => digest::Algorithm::Sha256,
            Algorithm::Sha384 => digest::Algorithm::Sha384,
            Algorithm::Sha512 => digest::Algorithm::Sha512,
        }
    }
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
