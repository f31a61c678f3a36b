//! The archive layer: digests, and writing files so that nothing is ever half-written.

pub mod bagit;
pub mod digest;
pub mod ocfl;
pub mod scratch;
pub mod storage;
pub mod write;

/// Where a file's bytes come from, for the writers of packages and versions: memory, or a file
/// on disk that is streamed, never held in memory whole.
#[derive(Clone, Debug)]
pub enum Content {
    Bytes(Vec<u8>),
    File(std::path::PathBuf),
    /// A file whose digests are already known, taken from its bytes when they were made (the
    /// build's outputs, a source as loaded): a writer plans with them without reading the
    /// file, and checks them while the bytes stream when it stores the file
    /// ([`digest::Checked`]), so the file is read once, and only if its content is new.
    Known {
        path: std::path::PathBuf,
        digests: digest::Digests,
    },
}

impl Content {
    /// The file the bytes come from, if any.
    pub fn path(&self) -> Option<&std::path::Path> {
        match self {
            Content::Bytes(_) => None,
            Content::File(path) | Content::Known { path, .. } => Some(path),
        }
    }

    /// The SHA-512 and SHA-256 of the bytes: computed for bytes in memory, read once from a
    /// file, or as known.
    pub fn digests(&self) -> crate::Result<digest::Digests> {
        match self {
            Content::Bytes(b) => Ok(digest::Digests::of_bytes(b)),
            Content::File(p) => std::fs::File::open(p)
                .and_then(|mut f| digest::Digests::of_reader(&mut f))
                .map_err(crate::Error::io(p)),
            Content::Known { digests, .. } => Ok(digests.clone()),
        }
    }

    /// A reader of the bytes that fails at their end unless they have `expected` digests.
    pub fn checked_reader(
        &self,
        expected: &digest::Digests,
    ) -> crate::Result<Box<dyn std::io::Read + Send + '_>> {
        match self {
            Content::Bytes(b) => Ok(Box::new(digest::Checked::new(
                &b[..],
                expected.clone(),
                "bytes in memory".into(),
            ))),
            Content::File(path) | Content::Known { path, .. } => {
                let file = std::fs::File::open(path).map_err(crate::Error::io(path))?;
                Ok(Box::new(digest::Checked::new(
                    file,
                    expected.clone(),
                    path.display().to_string(),
                )))
            }
        }
    }
}
