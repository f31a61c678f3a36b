//! The archive layer: digests, and writing files so that nothing is ever half-written.

pub mod bagit;
pub mod digest;
pub mod ocfl;
pub mod storage;
pub mod write;

/// Where a file's bytes come from, for the writers of packages and versions: memory, or a file
/// on disk that is streamed, never held in memory whole.
#[derive(Clone, Debug)]
pub enum Content {
    Bytes(Vec<u8>),
    File(std::path::PathBuf),
}
