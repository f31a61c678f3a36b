//! `editio check` and `editio build`.

use super::output::{Out, plural};
use super::{EXIT_OK, EXIT_PROBLEMS, Global, archive_root};

/// Runs `check`, or `build` with these options when given, and prints the findings.
pub fn run(
    global: &Global,
    out: &mut Out,
    options: Option<editio::ops::build::BuildOptions>,
) -> editio::Result<u8> {
    let root = archive_root(global)?;
    let build = options.is_some();
    let (report, written) = if let Some(options) = options {
        let bar = super::output::progress_bar(out);
        let b = editio::ops::build::build_with_progress(&root, options, &|e| {
            super::output::on_progress(&bar, e)
        });
        bar.finish_and_clear();
        let b = b?;
        (b.check, b.written)
    } else {
        (editio::ops::check::check(&root)?, Vec::new())
    };
    for d in &report.diagnostics {
        out.diagnostic(d)?;
    }
    let editions: Vec<&str> = report
        .archive
        .editions
        .iter()
        .map(|e| e.id.as_str())
        .collect();
    let (errors, warnings) = (report.errors(), report.warnings());
    if out.json {
        out.json_line(&serde_json::json!({
            "type": "summary",
            "archive": root,
            "editions": editions,
            "errors": errors,
            "warnings": warnings,
            "written": written.iter().map(|(p, c)| serde_json::json!({"path": p, "changed": c})).collect::<Vec<_>>(),
        }))?;
    } else {
        if build || out.verbose {
            for id in &editions {
                out.line(&format!("  edition {id}"))?;
            }
        }
        for (path, changed) in &written {
            let state = if *changed { "wrote" } else { "unchanged" };
            out.line(&format!("  {state:>9} {}", path.display()))?;
        }
        let what = format!(
            "{} edition{} checked",
            editions.len(),
            plural(editions.len())
        );
        return out.summary(&what, errors, warnings);
    }
    Ok(if errors == 0 { EXIT_OK } else { EXIT_PROBLEMS })
}

/// `editio blocks ID`: the edition's blocks as the structure pass reads them.
pub fn blocks(global: &Global, id: &str, out: &mut Out) -> editio::Result<u8> {
    let root = archive_root(global)?;
    let (archive, _) = editio::load::archive(&root)?;
    let (Some(dir), Some(config)) = (
        archive.editions.iter().find(|e| e.id == id),
        &archive.config,
    ) else {
        return Err(editio::Error::Invalid {
            location: root.display().to_string(),
            message: format!("no edition '{id}' in this archive (or its settings cannot be read)"),
        });
    };
    let Some(built) = editio::ops::build::build_edition(
        dir,
        config,
        &archive.register,
        &editio::passes::Pipeline::new(&archive.register),
    )?
    else {
        return Err(editio::Error::Invalid {
            location: dir.record_path().display().to_string(),
            message: "the record cannot be read; run `editio check`".into(),
        });
    };
    for b in &built.edition.blocks {
        let text = b.source_text().replace('\n', " ");
        let short: String = text.chars().take(70).collect();
        let more = if text.chars().count() > 70 { "…" } else { "" };
        let kind = serde_json::to_value(b.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        if out.json {
            out.json_line(&serde_json::json!({"block": b.n, "role": kind, "text": text}))?;
        } else {
            out.line(&format!("{:>4}  {kind:<11} {short}{more}", b.n))?;
        }
    }
    Ok(EXIT_OK)
}

/// `editio names [--unregistered]`.
pub fn names(global: &Global, unregistered: bool, out: &mut Out) -> editio::Result<u8> {
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
