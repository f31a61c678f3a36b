mod add;
mod check;
mod cli;
mod init;
mod reading;
pub mod util;
