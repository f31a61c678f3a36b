mod add;
mod check;
mod cli;
mod init;
mod names;
mod ocfl_conformance;
mod ocfl_store;
mod tei;
pub mod util;
