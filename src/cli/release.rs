//! `editio release <id>… | --all`.

use super::{EXIT_OK, Global, archive_root, output::Out};
use clap::Args;
use editio::ops::release::{Outcome, ReleaseOptions, parse_time, release_with_progress};
use std::path::Path;

#[derive(Debug, Args)]
pub struct ReleaseArgs {
    /// The editions to release.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub ids: Vec<String>,
    /// Release every edition.
    #[arg(long)]
    pub all: bool,
    /// The version message (default: the edition's latest change).
    #[arg(long)]
    pub message: Option<String>,
    /// Who releases (default: the archive's contact).
    #[arg(long)]
    pub user: Option<String>,
    /// The release time, RFC 3339 or a date (default: SOURCE_DATE_EPOCH, else now). The same
    /// state and the same time give byte-identical packages.
    #[arg(long)]
    pub date: Option<String>,
    /// With --all: also write one bag with every edition's current version and the register
    /// (when an edition changed, or there is none yet).
    #[arg(long, requires = "all")]
    pub collection: bool,
}

pub fn run(global: &Global, args: &ReleaseArgs, out: &mut Out) -> editio::Result<u8> {
    let root = archive_root(global)?;
    let date = match args.date.as_deref() {
        Some(date) => Some(parse_time(date)?),
        None => super::source_date_epoch()?,
    };
    // One writer at a time; what an interrupted one left is removed first.
    let lock = editio::ops::leftovers::lock(&root)?;
    editio::ops::leftovers::sweep(&root, &lock)?;
    let choice = super::storage::choice(global, &root)?;
    let storage = (!choice.is_default(&root)).then_some(choice);
    let bar = super::progress::Bar::new(out);
    let report = release_with_progress(
        &root,
        &ReleaseOptions {
            ids: args.ids.clone(),
            all: args.all,
            message: args.message.clone(),
            user: args.user.clone(),
            date,
            collection: args.collection,
            storage,
        },
        &|p| bar.show(p),
    );
    bar.clear();
    let report = report?;
    let rel = |p: &std::path::Path| p.strip_prefix(&root).unwrap_or(p).display().to_string();
    for o in &report.outcomes {
        print_outcome(o, &root, out)?;
    }
    if args.collection && report.collection.is_none() && !out.json {
        out.line("collection: no edition changed; no new collection deposit written")?;
    }
    if let Some(c) = &report.collection {
        if out.json {
            out.json_line(&serde_json::json!({"type": "collection", "deposit": rel(c)}))?;
        } else {
            out.ok(&format!("collection deposit {}", rel(c)))?;
        }
    }
    Ok(EXIT_OK)
}

/// Says what became of one edition: the version released, or that nothing changed (and a
/// missing deposit that was written).
fn print_outcome(o: &Outcome, root: &Path, out: &mut Out) -> editio::Result<()> {
    let rel = |p: &Path| p.strip_prefix(root).unwrap_or(p).display().to_string();
    match o {
        Outcome::Released {
            id,
            version,
            new_files,
            reused,
            deposit,
            message,
            changed,
            warnings,
        } => {
            if out.json {
                out.json_line(&serde_json::json!({"type": "released", "edition": id, "version": version, "new_files": new_files, "reused": reused, "deposit": rel(deposit), "message": message, "changed": changed, "warnings": warnings}))?;
            } else {
                out.ok(&format!("released {id} v{version}: {new_files} new files stored, {reused} unchanged; deposit {}", rel(deposit)))?;
                out.line(&format!("  message: {message}"))?;
                for w in warnings {
                    out.note(&format!("warning: {w}"));
                }
            }
        }
        Outcome::Unchanged {
            id,
            version,
            deposit_written,
        } => {
            if out.json {
                out.json_line(&serde_json::json!({"type": "unchanged", "edition": id, "version": version, "deposit_written": deposit_written.as_deref().map(rel)}))?;
            } else {
                out.line(&format!(
                    "{id}: no change since v{version}; nothing written"
                ))?;
                if let Some(d) = deposit_written {
                    out.line(&format!(
                        "  the deposit of v{version} was missing and has been written: {}",
                        rel(d)
                    ))?;
                }
            }
        }
    }
    Ok(())
}
