//! `editio init [DIR]`.

use super::{EXIT_OK, Global, output::Out};
use clap::Args;
use editio::ops::init::{InitOptions, init};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create the archive in (created if needed); --archive DIR names it too;
    /// the current folder by default.
    pub dir: Option<PathBuf>,
    /// The archive's name (default: the folder's name).
    #[arg(long)]
    pub name: Option<String>,
    /// The organisation that keeps the archive.
    #[arg(long)]
    pub organisation: Option<String>,
    /// Whom to contact about the archive.
    #[arg(long)]
    pub contact: Option<String>,
    /// The default licence of the encodings, as an SPDX identifier.
    #[arg(long, default_value = "CC-BY-4.0")]
    pub licence: String,
    /// The base URI of edition identifiers.
    #[arg(long)]
    pub base_uri: Option<String>,
}

pub fn run(global: &Global, args: &InitArgs, out: &mut Out) -> editio::Result<u8> {
    let dir = match (&args.dir, &global.archive) {
        (Some(dir), Some(archive)) if dir != archive => {
            return Err(editio::Error::BadArguments {
                flag: "init",
                message: format!(
                    "two folders named: {} and --archive {}; name one",
                    dir.display(),
                    archive.display()
                ),
            });
        }
        (Some(dir), _) | (None, Some(dir)) => dir.clone(),
        (None, None) => PathBuf::from("."),
    };
    let opts = InitOptions {
        name: args.name.clone(),
        organisation: args.organisation.clone(),
        contact: args.contact.clone(),
        licence: Some(args.licence.clone()),
        base_uri: args.base_uri.clone(),
    };
    init(&dir, &opts)?;
    if out.json {
        out.json_line(&serde_json::json!({
            "type": "init",
            "archive": dir,
        }))?;
    } else {
        out.ok(&format!("created an empty archive in {}", dir.display()))?;
        out.line("next: fill in editio.toml, then record a text with `editio add FILE --id ID`")?;
    }
    Ok(EXIT_OK)
}
