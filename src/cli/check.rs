//! `editio check` and `editio build`.

use super::{EXIT_OK, EXIT_PROBLEMS, Global, archive_root, output::Out};

/// Runs `check`, or `build` with these options when given, and prints the findings.
pub fn run(
    global: &Global,
    out: &mut Out,
    options: Option<editio::ops::build::BuildOptions>,
) -> editio::Result<u8> {
    let root = archive_root(global)?;
    let build = options.is_some();
    let (report, written) = if let Some(options) = options {
        let b = editio::ops::build::build_with(&root, options)?;
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
        let summary = format!(
            "{} edition{} checked: {errors} error{}, {warnings} warning{}",
            editions.len(),
            plural(editions.len()),
            plural(errors),
            plural(warnings)
        );
        if errors == 0 {
            out.ok(&summary)?;
        } else {
            out.line(&summary)?;
        }
    }
    Ok(if errors == 0 { EXIT_OK } else { EXIT_PROBLEMS })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
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
    let Some(built) = editio::ops::build::build_edition(dir, config, &archive.register)? else {
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
