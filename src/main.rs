//! The `editio` binary: parses the command line, calls the library, prints, and turns the
//! outcome into an exit code. All of the work is in the `editio` library.

mod cli;

use std::process::ExitCode;

/// mimalloc instead of the system allocator: the build makes and frees many small strings on
/// several threads, where glibc's allocator spent about a sixth of the time and kept freed
/// memory in per-thread arenas (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cli::main()
}
