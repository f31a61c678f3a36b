//! `editio check` and `editio build`.

use super::{EXIT_OK, EXIT_PROBLEMS, Global, archive_root, output::Out};

/// Runs `check`, or `build` when `build` is set, and prints the findings.
pub fn run(global: &Global, out: &mut Out, build: bool) -> editio::Result<u8> {
    let root = archive_root(global)?;
    let report = if build {
        editio::ops::build::build(&root)?.check
    } else {
        editio::ops::check::check(&root)?
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
        }))?;
    } else {
        if build || out.verbose {
            for id in &editions {
                out.line(&format!("  edition {id}"))?;
            }
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
