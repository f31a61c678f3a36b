//! `editio names [--unregistered]`.

use super::output::Out;
use super::{EXIT_OK, Global, archive_root};

/// `editio names [--unregistered [--stubs FILE]]`.
pub fn run(
    global: &Global,
    unregistered: bool,
    stubs: Option<&std::path::Path>,
    out: &mut Out,
) -> editio::Result<u8> {
    let root = archive_root(global)?;
    let report = editio::ops::check::check(&root)?;
    if unregistered {
        print_unregistered(&report, stubs, out)?;
    } else {
        print_counts(&report, out)?;
    }
    Ok(EXIT_OK)
}

/// `--unregistered`: each capitalised name that is not in the register, with where it
/// stands, and the stub entries for them when asked.
fn print_unregistered(
    report: &editio::ops::check::Report,
    stubs: Option<&std::path::Path>,
    out: &mut Out,
) -> editio::Result<()> {
    let found = editio::ops::names::unregistered(report);
    for u in &found {
        if out.json {
            out.json_line(&serde_json::json!({
                "type": "unregistered",
                "text": u.text,
                "count": u.places.len(),
                "places": u.places.iter().map(|p| serde_json::json!({
                    "edition": p.edition,
                    "path": p.path,
                    "line": p.line,
                    "column": p.column,
                    "link": p.link(),
                    "context": p.context,
                })).collect::<Vec<_>>(),
            }))?;
        } else {
            out.line(&format!("{:>3}  {}", u.places.len(), u.text))?;
            for p in &u.places {
                out.line(&format!("       {}  {}", p.link(), p.context))?;
            }
        }
    }
    if let Some(path) = stubs {
        write_stubs(path, &found, report, out)?;
    }
    if !out.json {
        out.line(&format!(
            "{} capitalised names not in the register",
            found.len()
        ))?;
    }
    Ok(())
}

/// Each register entry with its mentions per edition, then the totals of each kind.
fn print_counts(report: &editio::ops::check::Report, out: &mut Out) -> editio::Result<()> {
    let counts = editio::ops::names::counts(report);
    let editions: Vec<&str> = report.built.iter().map(|b| b.edition.id.as_str()).collect();
    for c in &counts {
        if out.json {
            out.json_line(&serde_json::json!({"type": "entry", "key": c.key, "kind": c.kind, "name": c.name, "editions": c.editions, "total": c.total}))?;
        } else {
            let per: Vec<String> = c.editions.iter().map(|(e, n)| format!("{e} {n}")).collect();
            out.line(&format!(
                "{:>3}  {:<7} {:<34} {}",
                c.total,
                c.kind,
                c.key,
                per.join(", ")
            ))?;
        }
    }
    if !out.json {
        for kind in ["person", "place", "org", "work", "event"] {
            let per: Vec<String> = editions
                .iter()
                .map(|e| {
                    let n: usize = counts
                        .iter()
                        .filter(|c| c.kind == kind)
                        .filter_map(|c| c.editions.get(*e))
                        .sum();
                    format!("{e} {n}")
                })
                .collect();
            let entries = counts.iter().filter(|c| c.kind == kind).count();
            out.line(&format!(
                "{kind}: {entries} entries named; mentions: {}",
                per.join(", ")
            ))?;
        }
    }
    Ok(())
}

/// Appends a register entry to fill in for each new name to `path` (created if missing):
/// what the file holds is kept as it is, and a name whose key the file or the register
/// already has gets no entry. Written to a temporary file, then renamed.
fn write_stubs(
    path: &std::path::Path,
    found: &[editio::ops::names::Unregistered],
    report: &editio::ops::check::Report,
    out: &mut Out,
) -> editio::Result<()> {
    let old = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(source) => {
            return Err(editio::Error::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let existing: editio::model::register::RegisterFile =
        toml::from_str(&old).map_err(|e| editio::Error::Damaged {
            location: path.display().to_string(),
            problem: format!(
                "not a register file ({}); fix it, or give --stubs another file",
                e.message()
            ),
        })?;
    let (stubs, added) = editio::ops::names::stubs(found, report, &existing);
    let text = if old.trim().is_empty() {
        stubs
    } else {
        // The header once, at the top of the file.
        let body = stubs.split_once("\n\n").map_or("", |(_, b)| b);
        format!("{}\n\n{body}", old.trim_end())
    };
    if added > 0 {
        editio::archive::write::atomic(path, text.as_bytes())?;
    }
    let message = format!(
        "{added} register entries to fill in written to {}",
        path.display()
    );
    if out.json {
        out.json_line(&serde_json::json!({"type": "stubs", "path": path, "added": added}))?;
    } else {
        out.line(&message)?;
    }
    Ok(())
}
