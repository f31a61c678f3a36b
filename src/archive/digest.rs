//! Checksums of files, computed in one streaming pass with a fixed-size buffer.

use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// Size of the read buffer: large enough for throughput, small enough for constant memory.
const BUF_SIZE: usize = 256 * 1024;

/// The size and SHA-256 (lowercase hex) of what `reader` yields.
pub fn sha256_reader(mut reader: impl Read) -> std::io::Result<(u64, String)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; BUF_SIZE];
    let mut size = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((size, hex(&hasher.finalize())))
}

/// The size and SHA-256 of a file.
pub fn sha256_file(path: &Path) -> Result<(u64, String)> {
    let file = std::fs::File::open(path).map_err(Error::io(path))?;
    sha256_reader(file).map_err(Error::io(path))
}

/// The SHA-256 of bytes in memory.
pub fn sha256_bytes(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
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
        let big = vec![b'a'; BUF_SIZE * 2 + 17];
        let (size, digest) = sha256_reader(&big[..]).unwrap();
        assert_eq!(size, big.len() as u64);
        assert_eq!(digest, sha256_bytes(&big));
    }
}
