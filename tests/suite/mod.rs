mod add;
mod check;
mod cli;
mod init;
mod names;
mod tei;
pub mod util;
