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

    /// Nothing answers at the object storage's address (connection refused, no such host, a
    /// timeout): the command could not run.
    #[error(
        "{location}: nothing answers at {endpoint} ({detail}); start the server, or correct the \
         endpoint (`endpoint` in [storage] of editio.toml, --endpoint, or AWS_ENDPOINT_URL)"
    )]
    StorageUnreachable {
        location: String,
        endpoint: String,
        detail: String,
    },

    /// The bucket a storage URL names does not exist on the server.
    #[error(
        "{location}: the bucket '{bucket}' does not exist at {endpoint}; create it (`garage \
         bucket create {bucket}`, `aws s3 mb s3://{bucket}`) or name an existing bucket \
         (`root` in [storage] of editio.toml, or the s3:// URL given)"
    )]
    NoBucket {
        location: String,
        bucket: String,
        endpoint: String,
    },

    /// The server refused the credentials, or the key may not do what was asked in the bucket.
    #[error(
        "{location}: {endpoint} refused the request of key {key_id} ({detail}); check \
         AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the profile AWS_PROFILE names), and that \
         this key may read and write the bucket '{bucket}' (`garage bucket allow --read --write \
         {bucket} --key KEY`, or the bucket's policy)"
    )]
    StorageRefused {
        location: String,
        endpoint: String,
        bucket: String,
        key_id: String,
        detail: String,
    },

    /// A storage URL editio cannot use: no bucket named, a prefix with an empty, `.` or `..`
    /// part, a scheme other than a folder or s3://.
    #[error("{url}: {problem}")]
    StorageUrl { url: String, problem: String },

    /// The place named as a storage root is not one (and, for a release, not empty either).
    #[error("{location}: {problem}")]
    NotAStorageRoot { location: String, problem: String },

    /// `storage copy` copies only into an empty folder or prefix.
    #[error("{location}: the destination is not empty; copy into an empty folder or prefix")]
    DestinationNotEmpty { location: String },

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

    // What was asked cannot be done as asked: an argument names nothing that exists, or a value
    // is not one editio can use. The command could not run.
    #[error("no edition '{id}' in this archive{hint}")]
    UnknownEdition { id: String, hint: &'static str },

    #[error("{flag} '{value}': {reason}")]
    BadDate {
        flag: String,
        value: String,
        reason: String,
    },

    #[error("{flag}: {message}")]
    BadArguments { flag: &'static str, message: String },

    #[error("{}: there is no storage root: nothing was released yet (`editio release`)", path.display())]
    NothingReleased { path: PathBuf },

    #[error(
        "{id}: no released object {oid} in {dir}; `editio release {edition}` makes its first version"
    )]
    UnknownObject {
        id: String,
        oid: String,
        dir: String,
        edition: String,
    },

    #[error("{name}: {object} has no such version; it has v1 to v{head}")]
    UnknownVersion {
        name: String,
        object: String,
        head: usize,
    },

    #[error(
        "{path}: v{version} of {object} has no such file (`editio show {shown} v{version}` lists them)"
    )]
    UnknownFile {
        path: String,
        object: String,
        shown: String,
        version: u32,
    },

    #[error("{path}: is not UTF-8 text, which --json cannot carry; run without --json")]
    NotUtf8ForJson { path: String },

    #[error("{}: exists and is not empty: give a new folder", path.display())]
    NotEmpty { path: PathBuf },

    #[error("{}: not a directory (an OCFL object or storage root is a directory)", path.display())]
    NotADirectory { path: PathBuf },

    /// A time editio cannot write in the form a file needs (RFC 3339, a zip's 1980-2107).
    #[error("{what} cannot be written: {reason}")]
    Time { what: String, reason: String },

    #[error("{}: cannot be written as TOML: {source}", path.display())]
    Serialize {
        path: PathBuf,
        #[source]
        source: toml::ser::Error,
    },

    #[error("the PDF of {edition} could not be typeset: {message}")]
    Pdf { edition: String, message: String },

    // The archive is not in a state the command can work on: it has errors, or a file is damaged
    // or not what editio wrote. `editio check` or `editio verify` says more.
    #[error(
        "{}: the archive has {errors} error(s); run `editio check` and fix them before releasing",
        root.display()
    )]
    ArchiveHasErrors { root: PathBuf, errors: usize },

    #[error("{}: {what} cannot be read; run `editio check` and fix it first", path.display())]
    NeedsCheck { path: PathBuf, what: &'static str },

    #[error("{}: not valid UTF-8 at byte offset {offset}; TOML files must be UTF-8", path.display())]
    TomlNotUtf8 { path: PathBuf, offset: usize },

    /// A file editio reads back (a record being edited, the events log) is not what it wrote.
    #[error("{location}: {problem}")]
    Damaged { location: String, problem: String },

    /// A released package or storage root that is not what editio wrote, or that a new version
    /// would contradict; it is left as it is.
    #[error("{}: {problem}", path.display())]
    Store { path: PathBuf, problem: String },

    #[error("{}: already exists; a released package is never overwritten (choose a new name or remove it)", path.display())]
    PackageExists { path: PathBuf },

    /// A package's contents that BagIt or OCFL cannot hold; nothing was released.
    #[error("{what}: {problem}")]
    Package { what: String, problem: String },

    #[error(
        "{}: has SHA-256 {current} but the record says {recorded}; put the recorded source back \
         before receiving a new copy (`editio check` says more)",
        path.display()
    )]
    SourceChanged {
        path: PathBuf,
        current: String,
        recorded: String,
    },

    #[error(
        "{}: is not the source released in v{version} and no receipt records the change; put the \
         released source back first (`editio cat {id} source.txt`), with its size and \
         checksum in the record, then receive the new copy",
        path.display()
    )]
    UnrecordedChange {
        path: PathBuf,
        id: String,
        version: u32,
    },

    #[error(
        "{}: is the copy already recorded as edition '{id}' (same SHA-256 {sha256}); nothing to receive",
        path.display()
    )]
    SameCopy {
        path: PathBuf,
        id: String,
        sha256: String,
    },

    /// A fault injected by a test, which leaves what a crash at that point would leave.
    #[error("{}: injected fault at point {point}", path.display())]
    InjectedFault { path: PathBuf, point: u32 },

    /// An error met once and shared by every edition that needed the same file.
    #[error(transparent)]
    Shared(std::sync::Arc<Error>),
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
    /// Whether the error kept the command from running at all (exit code 2): a tool, a file or
    /// a folder that cannot be used, or an argument naming nothing that exists. Otherwise the
    /// input was refused or the archive is damaged (exit code 1).
    pub fn could_not_run(&self) -> bool {
        match self {
            Error::Io { .. }
            | Error::NoArchive { .. }
            | Error::Template { .. }
            | Error::Jing(_)
            | Error::ToolMissing { .. }
            | Error::Backdated { .. }
            | Error::UnknownEncoding { .. }
            | Error::UnknownEdition { .. }
            | Error::BadDate { .. }
            | Error::BadArguments { .. }
            | Error::NothingReleased { .. }
            | Error::UnknownObject { .. }
            | Error::UnknownVersion { .. }
            | Error::UnknownFile { .. }
            | Error::NotUtf8ForJson { .. }
            | Error::NotEmpty { .. }
            | Error::NotADirectory { .. }
            | Error::Time { .. }
            | Error::Serialize { .. }
            | Error::Pdf { .. }
            | Error::Storage { .. }
            | Error::StorageUnreachable { .. }
            | Error::NoBucket { .. }
            | Error::StorageRefused { .. }
            | Error::StorageUrl { .. }
            | Error::NotAStorageRoot { .. }
            | Error::DestinationNotEmpty { .. }
            | Error::Busy { .. } => true,
            Error::ArchiveExists { .. }
            | Error::BadId { .. }
            | Error::EditionExists { .. }
            | Error::DuplicateSource { .. }
            | Error::EmptySource { .. }
            | Error::NotUtf8 { .. }
            | Error::Undecodable { .. }
            | Error::NotRegularFile { .. }
            | Error::TooLarge { .. }
            | Error::NotText { .. }
            | Error::ArchiveHasErrors { .. }
            | Error::NeedsCheck { .. }
            | Error::TomlNotUtf8 { .. }
            | Error::Damaged { .. }
            | Error::Store { .. }
            | Error::PackageExists { .. }
            | Error::Package { .. }
            | Error::SourceChanged { .. }
            | Error::UnrecordedChange { .. }
            | Error::SameCopy { .. }
            | Error::InjectedFault { .. } => false,
            Error::Shared(inner) => inner.could_not_run(),
        }
    }

    /// Wraps an I/O error with the path it happened on.
    pub fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { path, source }
    }
}
