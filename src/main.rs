//! The `editio` binary: parses the command line, calls the library, prints, and turns the
//! outcome into an exit code. All of the work is in the `editio` library.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
