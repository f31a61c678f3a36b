//! `editio add FILE --id ID`.

use super::{EXIT_OK, Global, archive_root, output::Out};
use clap::Args;
use editio::ops::add::{AddOptions, add};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The received file; its bytes are copied in unchanged.
    pub file: PathBuf,
    /// The new edition's id: lowercase letters, digits and hyphens (serge-proofs-1936).
    #[arg(long)]
    pub id: String,
    /// The edition's title.
    #[arg(long)]
    pub title: Option<String>,
    /// An author of the text (repeat for several).
    #[arg(long = "author", value_name = "NAME")]
    pub authors: Vec<String>,
    /// The text's language, as a BCP 47 tag (en, fr, de).
    #[arg(long)]
    pub language: Option<String>,
    /// The file's encoding when it is not UTF-8 (a WHATWG label: windows-1252, koi8-r...).
    /// The original bytes are kept; the record names the encoding.
    #[arg(long)]
    pub encoding: Option<String>,
    /// Who is recording the file.
    #[arg(long)]
    pub by: Option<String>,
    /// The date the file was received (YYYY-MM-DD); today by default.
    #[arg(long, value_name = "DATE")]
    pub received: Option<String>,
}

pub fn run(global: &Global, args: &AddArgs, out: &mut Out) -> editio::Result<u8> {
    let root = archive_root(global)?;
    let _lock = editio::ops::leftovers::lock(&root)?;
    let (archive, _) = editio::load::archive(&root)?;
    let added = add(
        &archive,
        &AddOptions {
            file: args.file.clone(),
            id: args.id.clone(),
            title: args.title.clone(),
            authors: args.authors.clone(),
            language: args.language.clone(),
            encoding: args.encoding.clone(),
            by: args.by.clone(),
            received: args.received.clone(),
        },
    )?;
    let record = added.dir.join(editio::load::RECORD_FILE);
    let record = record.strip_prefix(&root).unwrap_or(&record);
    if out.json {
        out.json_line(&serde_json::json!({
            "type": "added",
            "id": added.id,
            "size": added.size,
            "sha256": added.sha256,
            "encoding": added.encoding.unwrap_or("UTF-8"),
            "record": record,
        }))?;
    } else {
        out.ok(&format!(
            "recorded edition '{}': {} bytes, SHA-256 {}",
            added.id, added.size, added.sha256
        ))?;
        if let Some(enc) = added.encoding {
            out.line(&format!(
                "the bytes are kept as received; the record says they are {enc}"
            ))?;
        }
        out.line(&format!(
            "next: fill in what {} marks TO FILL, then run `editio check`",
            record.display()
        ))?;
    }
    Ok(EXIT_OK)
}
