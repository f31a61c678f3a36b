//! `editio bench-corpus OUT` (hidden): writes a synthetic archive for benchmarks.

use super::{EXIT_OK, Global, output::Out};
use clap::Args;
use editio::bench::{CorpusOptions, generate, parse_size};
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
