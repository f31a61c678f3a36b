//! `editio receive ID FILE`: a new or corrected copy of an edition's source.

use super::{EXIT_OK, Global, archive_root, output::Out};
use clap::Args;
use editio::ops::receive::{ReceiveOptions, receive};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ReceiveArgs {
    /// The edition whose source this copy replaces.
    pub id: String,
    /// The received file; its bytes are copied in unchanged.
    pub file: PathBuf,
    /// By what route the copy came (an e-mail from the publisher, a download from URL...).
    #[arg(long)]
    pub route: String,
    /// Why it replaces the copy recorded until now.
    #[arg(long)]
    pub reason: String,
    /// The date it was received (YYYY-MM-DD); today by default. Not before the earlier copy's.
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// Who received it (default: who received the earlier copy).
    #[arg(long)]
    pub by: Option<String>,
    /// The file's encoding when it is not UTF-8 (a WHATWG label: windows-1252, utf-16le...).
    #[arg(long)]
    pub encoding: Option<String>,
}

pub fn run(global: &Global, args: &ReceiveArgs, out: &mut Out) -> editio::Result<u8> {
    let root = archive_root(global)?;
    let _lock = editio::ops::leftovers::lock(&root)?;
    let receipt = receive(
        &root,
        &ReceiveOptions {
            id: args.id.clone(),
            file: args.file.clone(),
            date: args.date.clone(),
            route: args.route.clone(),
            reason: args.reason.clone(),
            by: args.by.clone(),
            encoding: args.encoding.clone(),
        },
    )?;
    if out.json {
        out.json_line(&serde_json::json!({
            "type": "received",
            "id": receipt.id,
            "size": receipt.size,
            "sha256": receipt.sha256,
            "replaces": receipt.replaces,
            "released_in": receipt.released_in,
        }))?;
    } else {
        out.ok(&format!(
            "recorded a new copy of '{}': {} bytes, SHA-256 {}",
            receipt.id, receipt.size, receipt.sha256
        ))?;
        match receipt.released_in {
            Some(v) => out.line(&format!(
                "the copy it replaces (SHA-256 {}) stays in version {v}",
                receipt.replaces
            ))?,
            None => out.line(&format!(
                "the copy it replaces (SHA-256 {}) was never released; the record keeps its receipt and checksum",
                receipt.replaces
            ))?,
        }
        out.line(&format!(
            "the record has the new receipt and a history entry; `editio release {}` makes the next version",
            receipt.id
        ))?;
    }
    Ok(EXIT_OK)
}
