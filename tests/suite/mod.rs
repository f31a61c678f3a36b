mod add;
mod check;
mod cli;
mod init;
pub mod util;
mod validate;
