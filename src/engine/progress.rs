//! Progress of long operations (build, release), reported as events to a callback so that the
//! binary can draw a progress bar; the library itself never prints.

/// What a long operation tells its caller as it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A new phase starts, with this many steps.
    Phase { name: &'static str, total: u64 },
    /// This many more steps of the current phase are done (steps may finish on any thread).
    Advance(u64),
    /// The current phase counts its work in bytes of source text, this many in all: what is
    /// done comes as [`Event::Text`] instead of [`Event::Advance`], so that a caller can show
    /// throughput.
    TextTotal(u64),
    /// This many more bytes of source text went through the current phase.
    Text(u64),
}

/// A callback for [`Event`]s; may be called from several threads at once.
pub type Progress<'a> = &'a (dyn Fn(Event) + Sync);

/// A callback that ignores every event.
pub fn none(_: Event) {}
