mod add;
mod check;
mod cli;
mod init;
mod names;
pub mod util;
