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
    // Findings are printed as the run finds them, in report order: the archive's first, then
    // each edition's (see `editio::engine::run::run`).
    let (report, written) = if let Some(options) = options {
        // One writer at a time; what an interrupted one left is removed first.
        let lock = editio::ops::leftovers::lock(&root)?;
        for p in editio::ops::leftovers::sweep(&root, &lock)? {
            if out.verbose {
                out.note(&format!(
                    "removed {}, left by an interrupted command",
                    p.strip_prefix(&root).unwrap_or(&p).display()
                ));
            }
        }
        let bar = super::progress::Bar::new(out);
        let b = editio::ops::build::build_streaming(&root, options, &|p| bar.show(p), &mut |d| {
            bar.around(|| out.diagnostic(&d))
        });
        bar.clear();
        let b = b?;
        let report = editio::ops::check::Report {
            archive: b.archive,
            tally: b.tally,
            diagnostics: Vec::new(),
            built: Vec::new(),
        };
        (report, b.written)
    } else {
        let bar = super::progress::Bar::new(out);
        let report = editio::ops::check::check_streaming(&root, &|p| bar.show(p), &mut |d| {
            bar.around(|| out.diagnostic(&d))
        });
        bar.clear();
        (report?, Vec::new())
    };
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
        let code = out.summary(&what, errors, warnings)?;
        if build && errors > 0 {
            out.line("nothing was written to export/: fix the errors above, then build again")?;
        }
        return Ok(code);
    }
    Ok(if errors == 0 { EXIT_OK } else { EXIT_PROBLEMS })
}
