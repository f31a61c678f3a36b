//! editio: scholarly digital-edition archives, from received source texts to TEI P5,
//! reading copies and verifiable archival packages.
//!
//! The library holds all of the logic; the `editio` binary only parses arguments, calls into
//! it and prints. Data goes one way:
//!
//! ```text
//! load (editions/<id>/ + register) -> model -> passes -> renderers (export/) -> archive
//! ```
//!
//! - [`model`]: the archive settings (`editio.toml`) and the provenance record of an edition
//!   (`edition.toml`), as serde types.
//! - [`load`]: finds an archive on disk and reads it into the model, turning every problem into
//!   a [`diagnostic::Diagnostic`] with file, line and column.
//! - [`passes`] and [`render`]: the named passes that shape an edition, and the renderers
//!   (one list, [`render::renderers`]) that turn it into files.
//! - [`engine`]: the build engine: load, passes and renderers for every edition in parallel,
//!   the commit of the outputs into `export/`, and the build cache.
//! - [`ops`]: what the commands do (`init`, `add`, `check`, `build`, `validate`, `release`,
//!   `verify`), on top of the engine.
//! - [`tei_checks`]: checks on TEI documents: fidelity to the source, the built-in TEI
//!   rules, and jing against `schemas/editio.rng` and `tei_all.rng`.
//! - [`archive`]: digests, safe file writing, OCFL 1.1 and BagIt 1.0 packages (writing, and
//!   their conformance checks with the specs' codes), and object storage.
//! - [`progress`]: how far a long operation (build, release, verify, storage copy) got, one
//!   type for all of them, reported to a callback that the binary draws as a progress bar.
//!
//! The benchmark corpus generator (`editio bench-corpus`) is part of the binary, not of this
//! library.

pub mod archive;
pub mod diagnostic;
pub mod engine;
pub mod error;
pub mod layout;
pub mod load;
pub mod model;
pub mod ops;
pub mod passes;
pub mod progress;
pub mod render;
pub mod tei_checks;

pub use diagnostic::{Diagnostic, Severity};
pub use error::{Error, Result};

/// The name and version of this program, as recorded in the files it writes.
pub const AGENT: &str = concat!("editio ", env!("CARGO_PKG_VERSION"));
