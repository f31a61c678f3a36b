//! `editio names [--unregistered]`.

use super::output::Out;
use super::{EXIT_OK, Global, archive_root};

/// `editio names [--unregistered]`.
pub fn run(global: &Global, unregistered: bool, out: &mut Out) -> editio::Result<u8> {
    let root = archive_root(global)?;
    let report = editio::ops::check::check(&root)?;
    if unregistered {
        let found = editio::ops::names::unregistered(&report);
        for u in &found {
            if out.json {
                let places: Vec<_> = u
                    .places
                    .iter()
                    .map(|(e, l, c)| serde_json::json!({"edition": e, "line": l, "column": c}))
                    .collect();
                out.json_line(&serde_json::json!({"type": "unregistered", "text": u.text, "count": u.places.len(), "places": places}))?;
            } else {
                let places: Vec<String> = u
                    .places
                    .iter()
                    .map(|(e, l, c)| format!("{e}:{l}:{c}"))
                    .collect();
                out.line(&format!(
                    "{:>3}  {:<32} {}",
                    u.places.len(),
                    u.text,
                    places.join(", ")
                ))?;
            }
        }
        if !out.json {
            out.line(&format!(
                "{} capitalised names not in the register",
                found.len()
            ))?;
        }
        return Ok(EXIT_OK);
    }
    let counts = editio::ops::names::counts(&report);
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
        for kind in ["person", "place", "org", "work"] {
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
    Ok(EXIT_OK)
}
