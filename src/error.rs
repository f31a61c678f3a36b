//! Typed errors: what stops a command from running at all. Problems found *in* an archive are
//! not errors but [`crate::Diagnostic`]s, so that every one of them can be reported.

use std::path::PathBuf;

/// Result with editio's [`enum@Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can stop an editio operation. Each variant names the file involved and,
/// where there is one, what the user can do about it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "no editio archive in {} or any folder above it (looked for editio.toml); \
         run `editio init` to create one, or pass --archive DIR",
        start.display()
    )]
    NoArchive { start: PathBuf },

    #[error("{}: {message}", location)]
    Invalid { location: String, message: String },

    #[error("{} already holds an editio archive (editio.toml exists); nothing was changed", path.display())]
    ArchiveExists { path: PathBuf },

    #[error(
        "'{id}' is not a safe edition id: {reason}; use lowercase ASCII letters, digits and \
         single hyphens, starting with a letter (for example serge-proofs-1936)"
    )]
    BadId { id: String, reason: &'static str },

    #[error(
        "edition '{id}' already exists at {}; choose another --id, or remove that folder first",
        path.display()
    )]
    EditionExists { id: String, path: PathBuf },

    #[error(
        "{} is already recorded as edition '{existing}' (same SHA-256 {sha256}); \
         a source is recorded once",
        path.display()
    )]
    DuplicateSource {
        path: PathBuf,
        existing: String,
        sha256: String,
    },

    #[error("{} is empty (0 bytes): there is nothing to record", path.display())]
    EmptySource { path: PathBuf },

    #[error(
        "{}: not valid UTF-8 at byte offset {offset} (line {line}); if the file is in another \
         encoding, name it with --encoding (for example --encoding windows-1252)",
        path.display()
    )]
    NotUtf8 {
        path: PathBuf,
        offset: usize,
        line: usize,
    },

    #[error(
        "unknown encoding '{label}'; use a WHATWG encoding label such as utf-8, windows-1252, \
         iso-8859-2, koi8-r or shift_jis"
    )]
    UnknownEncoding { label: String },

    #[error(
        "{}: cannot be decoded as {encoding}: malformed bytes at byte offset {offset}; \
         check the --encoding you named",
        path.display()
    )]
    Undecodable {
        path: PathBuf,
        encoding: &'static str,
        offset: usize,
    },

    #[error("{}: {message}", path.display())]
    Template { path: PathBuf, message: String },

    /// A date that would make the archive's history run backwards.
    #[error(
        "{what} {date} is earlier than {than}; time runs forward: give a date on or after {earliest}"
    )]
    Backdated {
        what: String,
        date: String,
        than: String,
        earliest: String,
    },

    #[error("{}: {what}; editio records regular files only (copy it into a file first)", path.display())]
    NotRegularFile { path: PathBuf, what: &'static str },

    #[error("{}: larger than {limit} bytes, more than editio reads as a source", path.display())]
    TooLarge { path: PathBuf, limit: u64 },

    #[error("{}: {what}", path.display())]
    NotText { path: PathBuf, what: String },

    /// Object storage could not be reached or refused a request (credentials, a stopped
    /// server, a missing bucket): the command could not run, nothing is known of the archive.
    #[error("{location}: {message}")]
    Storage { location: String, message: String },

    /// Another release is writing the same object now (or one was interrupted and its claim
    /// is still there).
    #[error("{location}: {message}")]
    Busy { location: String, message: String },

    /// A program editio needs for what was asked is not installed.
    #[error("{what}")]
    ToolMissing { tool: &'static str, what: String },

    /// jing, the RELAX NG validator, was there but could not give a verdict.
    #[error(transparent)]
    Jing(#[from] JingError),
}

/// What keeps jing from giving a verdict.
#[derive(Debug, thiserror::Error)]
pub enum JingError {
    #[error("could not run jing ({}): {source}", program.display())]
    Spawn {
        program: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("jing could not use the schema {schema}: {message}")]
    Schema { schema: String, message: String },
    #[error("jing failed (exit code {code}) without naming a problem in any file: {output}")]
    Failed { code: String, output: String },
    #[error("could not write editio.rng to a temporary file: {0}")]
    Temp(#[source] std::io::Error),
}

impl Error {
    /// Wraps an I/O error with the path it happened on.
    pub fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { path, source }
    }
}
