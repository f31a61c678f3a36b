//! Command-line interface: argument definitions (clap derive) and one module per subcommand.
//! This is the only place that prints.

mod add;
mod bench;
mod blocks;
mod check;
mod init;
mod inspect;
mod names;
mod output;
mod progress;
mod receive;
mod release;
mod remove;
mod storage;
mod validate;
mod verify;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use editio::Error;
use output::Out;
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit code: success, the archive is clean.
pub const EXIT_OK: u8 = 0;
/// Exit code: problems were found, or the input was refused.
pub const EXIT_PROBLEMS: u8 = 1;
/// Exit code: the command could not run (usage error, unreadable input, no archive).
pub const EXIT_USAGE: u8 = 2;

const AFTER_HELP: &str = "\
Exit codes:
  0  success: the command did its work and found no problems
  1  problems found (check, validate; verify: something is lost, altered or invalid),
     the input was refused (add, receive), or the archive is damaged
  2  the command could not run: a usage error, no archive, an unreadable file, a missing
     tool, an edition, version or file that does not exist, a bad date or flag value";

/// editio: record received texts verbatim with their provenance, encode them as TEI P5, render
/// reading copies, and release verifiable archival packages.
#[derive(Debug, Parser)]
#[command(name = "editio", version, about, long_about = None, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command shares.
#[derive(Debug, Args)]
pub struct Global {
    /// The archive's root folder (the one holding editio.toml); by default the first folder
    /// with an editio.toml, from the current folder upwards.
    #[arg(long, global = true, value_name = "DIR")]
    pub archive: Option<PathBuf>,
    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more detail.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Print machine-readable JSON Lines on stdout.
    #[arg(long, global = true)]
    pub json: bool,
    /// The OCFL storage root to release to and read from: a folder or s3://bucket/prefix
    /// (default: `[storage] root` in editio.toml, else export/ocfl). The keys of object
    /// storage come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE.
    #[arg(long, global = true, value_name = "URL")]
    pub storage: Option<String>,
    /// When to use colour.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto, value_name = "WHEN")]
    pub color: Color,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new, empty archive: editio.toml and editions/.
    Init(init::InitArgs),
    /// Record a received text as a new edition, byte for byte, with its checksum.
    Add(add::AddArgs),
    /// Record a new or corrected copy of an edition's source.
    ///
    /// The copy recorded until now stays in the released versions and in the record's
    /// [[received.earlier]]; the record gets the new receipt (date, route, reason) and a history
    /// entry, and the next release says so.
    Receive(receive::ReceiveArgs),
    /// Take an edition out of the archive: its folder and what the build made of it. Its
    /// released versions and deposits stay.
    Remove {
        /// The edition's id.
        id: String,
    },
    /// Check the whole archive and report every problem found.
    Check,
    /// The main job: check the archive and build every edition's outputs in export/.
    Build {
        /// Do not typeset the PDFs in export/pdf/ (`[build] pdf = false` in editio.toml does
        /// the same).
        #[arg(long)]
        no_pdf: bool,
    },
    /// Validate TEI files (by default every export/tei/*.xml).
    ///
    /// Checks well-formedness, the TEI root, unique xml:ids, local pointers and header
    /// checksums, then with jing (when installed) against editio's schema and, with --tei-all
    /// or EDITIO_TEI_ALL, the full TEI schema.
    Validate(validate::ValidateArgs),
    /// List an edition's blocks with their numbers.
    ///
    /// Paragraphs, headings, front and back matter, numbered as [[text.blocks]] in
    /// edition.toml counts them.
    Blocks {
        /// The edition's id.
        id: String,
    },
    /// Mentions per register entry and edition, or the names the register lacks.
    ///
    /// With --unregistered, the capitalised names in the texts that the register lacks, with
    /// a line of context and where they stand (editions/<id>/source.txt:LINE:COL); with
    /// --stubs FILE, register entries to fill in for them.
    Names {
        /// List the names the register lacks, with where they stand.
        #[arg(long)]
        unregistered: bool,
        /// With --unregistered: write a register entry to fill in for each name to FILE (TOML in
        /// the register's format); entries already in FILE or the register are kept as they are.
        #[arg(long, value_name = "FILE", requires = "unregistered")]
        stubs: Option<std::path::PathBuf>,
    },
    /// Freeze editions as new, immutable versions.
    ///
    /// Writes OCFL versions in export/ocfl and BagIt deposits in export/deposit; a release
    /// with no change writes nothing.
    Release(release::ReleaseArgs),
    /// Verify that nothing was lost or altered.
    ///
    /// Checks BagIt bags (folders or zips), OCFL storage roots and objects, TEI files; with no
    /// PATH, the whole archive (sources, export/, export/ocfl, every deposit, and each deposit
    /// against its OCFL version). Exit 0: intact; 1: problems found; 2: could not run.
    Verify(verify::VerifyArgs),
    /// The released versions of an edition (by edition id or OCFL object id): date, user,
    /// message.
    Log(inspect::LogArgs),
    /// The files of a released version, with their sizes and digests.
    Show(inspect::ShowArgs),
    /// What changed between two released versions: files added, removed, changed.
    Diff(inspect::DiffArgs),
    /// The bytes of one file of a released version (to restore a source, for example).
    Cat(inspect::CatArgs),
    /// Storage roots: copy one to another place (disk to S3 and back).
    #[command(subcommand)]
    Storage(storage::StorageCommand),
    /// Print a shell completion script for SHELL.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), for `man -l -`.
    Man,
    /// Print the JSON Schema of edition.toml (as in schemas/edition.schema.json).
    #[command(hide = true)]
    Schema,
    /// Write a synthetic archive of any size for benchmarks (see BENCHMARKS.md).
    #[command(hide = true)]
    BenchCorpus(bench::BenchCorpusArgs),
    /// Time the names pass alone over the archive (see BENCHMARKS.md).
    #[command(hide = true)]
    BenchNames(bench::BenchNamesArgs),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut out = Out::new(&cli.global);
    let result = match &cli.command {
        Command::Init(args) => init::run(&cli.global, args, &mut out),
        Command::Add(args) => add::run(&cli.global, args, &mut out),
        Command::Receive(args) => receive::run(&cli.global, args, &mut out),
        Command::Remove { id } => remove::run(&cli.global, id, &mut out),
        Command::Check => check::run(&cli.global, &mut out, None),
        Command::Build { no_pdf } => check::run(
            &cli.global,
            &mut out,
            Some(editio::ops::build::BuildOptions {
                pdf: !*no_pdf,
                incremental: true,
                keep: false,
                // `-q` prints no warning (with `--json`, every finding is a record).
                list_warnings: !cli.global.quiet || cli.global.json,
            }),
        ),
        Command::Validate(args) => validate::run(&cli.global, args, &mut out),
        Command::Blocks { id } => blocks::run(&cli.global, id, &mut out),
        Command::Release(args) => release::run(&cli.global, args, &mut out),
        Command::Verify(args) => verify::run(&cli.global, args, &mut out),
        Command::Log(args) => inspect::log(&cli.global, args, &mut out),
        Command::Show(args) => inspect::show(&cli.global, args, &mut out),
        Command::Diff(args) => inspect::diff(&cli.global, args, &mut out),
        Command::Cat(args) => inspect::cat(&cli.global, args, &mut out),
        Command::Storage(cmd) => storage::run(&cli.global, cmd, &mut out),
        Command::Names {
            unregistered,
            stubs,
        } => names::run(&cli.global, *unregistered, stubs.as_deref(), &mut out),
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            clap_complete::generate(*shell, &mut cmd, "editio", &mut std::io::stdout());
            Ok(EXIT_OK)
        }
        Command::Man => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut buf)
                .map_err(Error::io("<stdout>"))
                .and_then(|()| out.raw(&buf))
                .map(|()| EXIT_OK)
        }
        Command::BenchCorpus(args) => bench::run(&cli.global, args, &mut out),
        Command::BenchNames(args) => bench::run_names(&cli.global, args, &mut out),
        Command::Schema => out
            .raw(editio::model::edition_schema().as_bytes())
            .map(|()| EXIT_OK),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::from(EXIT_OK)
        }
        Err(err) => {
            let code = exit_code(&err);
            out.fatal(&err, code);
            ExitCode::from(code)
        }
    }
}

/// The exit code for an error: anything that kept the command from running is 2; refused
/// input and a damaged archive are 1.
fn exit_code(err: &Error) -> u8 {
    if err.could_not_run() {
        EXIT_USAGE
    } else {
        EXIT_PROBLEMS
    }
}

/// The archive root: `--archive`, or found upwards from the current folder.
fn archive_root(global: &Global) -> editio::Result<PathBuf> {
    match &global.archive {
        Some(dir) if dir.join(editio::load::CONFIG_FILE).is_file() => {
            std::path::absolute(dir).map_err(Error::io(dir))
        }
        Some(dir) => Err(Error::NoArchive { start: dir.clone() }),
        None => {
            let cwd = std::env::current_dir().map_err(Error::io("."))?;
            editio::load::find_root(&cwd)
        }
    }
}

/// The time `SOURCE_DATE_EPOCH` gives, when set (for reproducible releases and records).
pub(crate) fn source_date_epoch() -> editio::Result<Option<time::OffsetDateTime>> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => editio::ops::release::parse_epoch("SOURCE_DATE_EPOCH", &v).map(Some),
        Err(_) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
