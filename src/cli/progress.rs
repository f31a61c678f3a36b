//! The one progress bar: draws the library's [`Progress`] reports of every long operation
//! (build, check, release, verify, storage copy) on stderr. Hidden with `-q`, `--json`, or when
//! stderr is not a terminal.

use super::output::Out;
use editio::progress::{Progress, Unit};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::atomic::{AtomicBool, Ordering};

/// A phase counted in steps (editions, things verified, objects).
const STEPS: &str = "{spinner} {prefix} [{bar:30}] {pos}/{len} {elapsed}";
/// A phase counted in bytes of source text, with their rate: throughput on a long build.
const TEXT: &str = "{spinner} {prefix} [{bar:30}] {binary_bytes}/{binary_total_bytes} of text, {binary_bytes_per_sec} {elapsed}";
/// Below either, once there is one: what the phase is working on, on a line of its own so
/// that a long path fits.
const WORKING: &str = "\n  {wide_msg}";

/// A progress bar on stderr, moved on by [`Bar::show`].
pub struct Bar {
    bar: ProgressBar,
    /// Whether the current phase counts bytes of text.
    text: AtomicBool,
}

impl Bar {
    /// A bar for a long operation; hidden with `-q`, `--json`, or when stderr is not a
    /// terminal.
    pub fn new(out: &Out) -> Bar {
        use std::io::IsTerminal;
        let hidden = out.quiet || out.json || !std::io::stderr().is_terminal();
        let bar = Bar {
            bar: if hidden {
                ProgressBar::hidden()
            } else {
                ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr())
            },
            text: AtomicBool::new(false),
        };
        if !hidden {
            bar.restyle();
            bar.bar
                .enable_steady_tick(std::time::Duration::from_millis(120));
        }
        bar
    }

    /// Draws one progress report of the library; may be called from several threads at once.
    pub fn show(&self, progress: Progress<'_>) {
        match progress {
            Progress::Phase { name, total, unit } => {
                self.bar.set_position(0);
                self.bar.set_length(total);
                self.text.store(unit == Unit::TextBytes, Ordering::Relaxed);
                self.bar.set_prefix(name.to_string());
                self.restyle();
            }
            Progress::Total(total) => self.bar.set_length(total),
            Progress::Working { on, what } => {
                self.bar.set_message(format!("{} ({what})", on.display()));
                self.restyle();
            }
            Progress::Done(n) => self.bar.inc(n),
        }
    }

    /// Runs `print` with the bar out of the way when the output shares the terminal with it
    /// (findings printed while the operation goes on); otherwise just runs it.
    pub fn around<R>(&self, print: impl FnOnce() -> R) -> R {
        use std::io::IsTerminal;
        if self.bar.is_hidden() || !std::io::stdout().is_terminal() {
            print()
        } else {
            self.bar.suspend(print)
        }
    }

    /// Removes the bar, once the operation is over.
    pub fn clear(&self) {
        self.bar.finish_and_clear();
    }

    /// The style for the current phase's unit, with the line of what it works on once there
    /// is one.
    fn restyle(&self) {
        let mut template = String::from(if self.text.load(Ordering::Relaxed) {
            TEXT
        } else {
            STEPS
        });
        if !self.bar.message().is_empty() {
            template.push_str(WORKING);
        }
        if let Ok(style) = ProgressStyle::with_template(&template) {
            self.bar.set_style(style.progress_chars("=> "));
        }
    }
}
