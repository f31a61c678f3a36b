//! The build engine: the middle of the pipeline, between loading an archive and the commands.
//!
//! ```text
//! run:     load (each source read once) -> passes -> TEI, checked against the source
//!          -> a Sink, on the thread that built the edition        (writes nothing)
//! commit:  the build's sink renders every renderer of render::renderers and stages the files;
//!          with no errors in the archive they are renamed into export/
//! cache:   what the last build made of each edition, so that the next redoes only what changed
//! ```
//!
//! `editio check` is [`run::run`] with a sink that keeps only findings; `editio build` is
//! the engine with the staging sink, then the commit. Both bring the record checks of
//! [`crate::ops::check`] through [`run::Checks`], so that nothing here depends on a command.

pub mod cache;
pub mod commit;
pub mod run;

pub use commit::{BuildOptions, BuildReport, Kept, build};
pub use run::{Built, Checks, Discard, Keep, OnFinding, Run, Sink, Tally, build_edition};

pub use crate::layout::EXPORT_DIR;
