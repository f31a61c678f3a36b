//! The archive layer: digests, and writing files so that nothing is ever half-written.

pub mod bagit;
pub mod digest;
pub mod ocfl;
pub mod write;
