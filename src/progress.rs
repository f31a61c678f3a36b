//! Progress of long operations (build, check, release, verify, storage copy), reported to a
//! callback so that the binary can draw one progress bar for all of them; the library itself
//! never prints. It sits below every stage of the pipeline, so that the engine, the commands
//! and the archive layer all report in the same terms.

use std::path::Path;

/// What a long operation tells its caller as it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress<'a> {
    /// A new phase starts, with this much work in all, counted in `unit`s; nothing of it is
    /// done yet.
    Phase {
        name: &'a str,
        total: u64,
        unit: Unit,
    },
    /// The current phase's total, now known exactly; what is done stays done.
    Total(u64),
    /// What the current phase is working on now: a path (or a location in object storage),
    /// and what it is or what is done with it.
    Working { on: &'a Path, what: &'a str },
    /// This much more of the current phase is done, in its unit (steps may finish on any
    /// thread).
    Done(u64),
}

/// What a phase counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Steps: editions, things verified, objects read or copied.
    Steps,
    /// Bytes of source text, so that a caller can show throughput.
    TextBytes,
}

/// A callback for [`Progress`]; may be called from several threads at once.
pub type OnProgress<'a> = &'a (dyn Fn(Progress<'_>) + Sync);

/// A callback that ignores all progress.
pub fn ignore(_: Progress<'_>) {}
