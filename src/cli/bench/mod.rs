//! `editio bench-corpus OUT` (hidden): writes a synthetic archive for benchmarks.
//! `editio bench-names [--mentions FILE]` (hidden): times the names pass alone.

use super::{EXIT_OK, Global, archive_root, output::Out};
use clap::Args;
mod corpus;

use corpus::{CorpusOptions, NamesBench, NamesTiming, Profile, generate, names_pass, parse_size};
use editio::passes::names::matcher::Search;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct BenchCorpusArgs {
    /// The folder to write the archive to (new or empty).
    pub out: PathBuf,
    /// Total size of the source texts (`10MB`, `1GB`, decimal units).
    #[arg(long, default_value = "10MB", value_parser = parse_size_arg)]
    pub size: u64,
    /// Seed: the same seed and options give the same corpus.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Number of editions (default: one per 100 kB of text).
    #[arg(long)]
    pub editions: Option<usize>,
    /// Persons in the register.
    #[arg(long, default_value_t = 50_000)]
    pub persons: usize,
    /// Places in the register.
    #[arg(long, default_value_t = 10_000)]
    pub places: usize,
    /// Organisations in the register.
    #[arg(long, default_value_t = 500)]
    pub orgs: usize,
    /// What the register and texts are like: `plain`, or `hard` (surnames shared by many
    /// entries, patronymics, slips and names in no register, names in capitals headings,
    /// hyphenated pairs, transliterations, letters addressed "Dear Given Patronymic").
    #[arg(long, default_value = "plain")]
    pub profile: Profile,
}

fn parse_size_arg(s: &str) -> Result<u64, String> {
    parse_size(s).ok_or_else(|| format!("'{s}' is not a size such as 10MB, 512kB or 1GB"))
}

pub fn run(_global: &Global, args: &BenchCorpusArgs, out: &mut Out) -> editio::Result<u8> {
    let opts = CorpusOptions {
        size: args.size,
        seed: args.seed,
        editions: args.editions,
        persons: args.persons,
        places: args.places,
        orgs: args.orgs,
        profile: args.profile,
    };
    let s = generate(&args.out, &opts)?;
    if out.json {
        out.json_line(&serde_json::json!({
            "type": "bench-corpus",
            "archive": args.out,
            "editions": s.editions,
            "text_bytes": s.text_bytes,
            "mentions": s.mentions,
            "entries": s.entries,
            "forms": s.forms,
        }))?;
    } else {
        out.ok(&format!(
            "wrote {} editions ({} bytes of text, {} name mentions) and a register of {} entries \
             ({} forms) to {}",
            s.editions,
            s.text_bytes,
            s.mentions,
            s.entries,
            s.forms,
            args.out.display()
        ))?;
    }
    Ok(EXIT_OK)
}

#[derive(Debug, Args)]
pub struct BenchNamesArgs {
    /// Also write every mention the names pass found, with byte offsets, to FILE (`-` for
    /// standard output), tab-separated.
    #[arg(long, value_name = "FILE")]
    pub mentions: Option<PathBuf>,
    /// Find name forms word by word (as `check` and `build` do) or with one automaton over
    /// every form (the reference the word search is tested against).
    #[arg(long, value_enum, default_value_t = SearchArg::Words)]
    pub search: SearchArg,
    /// Pass the editions N at a time and let each batch go before the next, as a build lets
    /// each edition go once written; 0 holds every edition to the end (the pass then also
    /// pays for the memory of all of them growing at once).
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub batch: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SearchArg {
    Automaton,
    Words,
}

/// `editio bench-names`: the names pass alone over the archive, timed (BENCHMARKS.md).
pub fn run_names(global: &Global, args: &BenchNamesArgs, out: &mut Out) -> editio::Result<u8> {
    let root = archive_root(global)?;
    let search = match args.search {
        SearchArg::Automaton => Search::Automaton,
        SearchArg::Words => Search::Words,
    };
    let bench = NamesBench {
        search,
        batch: args.batch,
    };
    let t = timed_names_pass(&root, bench, args.mentions.as_deref(), out)?;
    if out.json {
        timing_json(&t, out)?;
    } else if !global.quiet {
        timing_text(&t, out)?;
    }
    Ok(EXIT_OK)
}

/// Runs the timed names pass, writing its list of mentions to `mentions` if asked (`-`:
/// standard output).
fn timed_names_pass(
    root: &std::path::Path,
    bench: NamesBench,
    mentions: Option<&std::path::Path>,
    out: &mut Out,
) -> editio::Result<NamesTiming> {
    match mentions {
        Some(path) if path.as_os_str() == "-" => {
            let mut buf = Vec::new();
            let t = names_pass(root, bench, Some(&mut buf))?;
            out.raw(&buf)?;
            Ok(t)
        }
        Some(path) => {
            let file = std::fs::File::create(path).map_err(editio::Error::io(path))?;
            let mut w = std::io::BufWriter::new(file);
            let t = names_pass(root, bench, Some(&mut w))?;
            std::io::Write::flush(&mut w).map_err(editio::Error::io(path))?;
            Ok(t)
        }
        None => names_pass(root, bench, None),
    }
}

/// Megabytes of source text per second over `secs`.
fn mb_per_s(t: &NamesTiming, secs: f64) -> f64 {
    t.bytes as f64 / 1e6 / secs.max(1e-9)
}

/// The timing as one JSON record.
fn timing_json(t: &NamesTiming, out: &mut Out) -> editio::Result<()> {
    out.json_line(&serde_json::json!({
        "type": "bench-names",
        "editions": t.editions,
        "bytes": t.bytes,
        "threads": t.threads,
        "load_s": t.load,
        "before_s": t.before,
        "matcher_s": t.matcher,
        "forms": t.forms,
        "names_s": t.names,
        "names_mb_s": mb_per_s(t, t.names),
        "matcher_and_names_s": t.matcher + t.names,
        "matcher_and_names_mb_s": mb_per_s(t, t.matcher + t.names),
        "matcher_cpu_s": t.matcher_cpu,
        "names_cpu_s": t.names_cpu,
        "linked": t.linked,
        "ambiguous": t.ambiguous,
        "normalised": t.normalised,
    }))
}

/// The timing as lines of text, ending with the `TIMING` line that `benches/timeit.py` reads.
fn timing_text(t: &NamesTiming, out: &mut Out) -> editio::Result<()> {
    out.line(&format!(
        "{} editions, {} bytes, {} threads: load {:.3} s, passes before names {:.3} s",
        t.editions, t.bytes, t.threads, t.load, t.before
    ))?;
    out.line(&format!(
        "names matcher ({} forms) {:.3} s; names pass {:.3} s ({:.1} MB/s); \
         matcher + pass {:.3} s ({:.1} MB/s)",
        t.forms,
        t.matcher,
        t.names,
        mb_per_s(t, t.names),
        t.matcher + t.names,
        mb_per_s(t, t.matcher + t.names)
    ))?;
    out.line(&format!(
        "mentions: {} linked, {} left unlinked as ambiguous (ED505)",
        t.linked, t.ambiguous
    ))?;
    let cpu = match (t.matcher_cpu, t.names_cpu) {
        (Some(m), Some(n)) => {
            format!(
                " matcher_cpu={m:.2} names_cpu={n:.2} total_cpu={:.2}",
                m + n
            )
        }
        _ => String::new(),
    };
    out.line(&format!(
        "TIMING matcher={:.3} names={:.3} total={:.3}{cpu}",
        t.matcher,
        t.names,
        t.matcher + t.names
    ))?;
    if t.normalised > 0 {
        out.line(&format!(
            "{} editions' normalised text differs from their source: their offsets are in the normalised text",
            t.normalised
        ))?;
    }
    Ok(())
}
