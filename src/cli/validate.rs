//! `editio validate`: built-in checks and schema checks of TEI files.

use super::output::{Out, plural};
use super::{EXIT_OK, EXIT_PROBLEMS, Global, archive_root};
use clap::Args;
use editio::ops::validate::{Options, Schemas};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// TEI files to validate; by default every export/tei/*.xml of the archive.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Validate against this full TEI schema (tei_all.rng) as well; by default the file named
    /// by EDITIO_TEI_ALL, if any.
    #[arg(long, value_name = "PATH")]
    pub tei_all: Option<PathBuf>,
}

/// An environment variable's value, when set and not empty.
fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

pub fn run(global: &Global, args: &ValidateArgs, out: &mut Out) -> editio::Result<u8> {
    // Files named outside any archive still get every check but the checksum one.
    let root = if args.files.is_empty() || global.archive.is_some() {
        Some(archive_root(global)?)
    } else {
        archive_root(global).ok()
    };
    let options = Options {
        jing: env_path("EDITIO_JING"),
        tei_all: args.tei_all.clone().or_else(|| env_path("EDITIO_TEI_ALL")),
    };
    let report = editio::ops::validate::validate(root.as_deref(), &args.files, &options)?;
    if let Schemas::Skipped(missing) = &report.schemas {
        out.note(&format!("editio: {missing}"));
    }
    if !report.checksums_compared {
        out.note("editio: not inside an archive: header checksums were not compared");
    }
    for d in &report.diagnostics {
        out.diagnostic(d)?;
    }
    let (errors, warnings) = (report.errors(), report.warnings());
    let mut checks = vec!["built-in checks".to_string()];
    if let Schemas::Ran { schemas, .. } = &report.schemas {
        checks.extend(schemas.iter().cloned());
    }
    if out.json {
        let (jing, skipped) = match &report.schemas {
            Schemas::Ran { jing, .. } => (Some(jing.display().to_string()), None),
            Schemas::Skipped(m) => (None, Some(m.to_string())),
        };
        out.json_line(&serde_json::json!({
            "type": "summary",
            "files": report.files,
            "checks": checks,
            "jing": jing,
            "schemas_skipped": skipped,
            "checksums_compared": report.checksums_compared,
            "errors": errors,
            "warnings": warnings,
        }))?;
    } else {
        let n = report.files.len();
        let what = format!("{n} file{} validated ({})", plural(n), checks.join(", "));
        return out.summary(&what, errors, warnings);
    }
    Ok(if errors == 0 { EXIT_OK } else { EXIT_PROBLEMS })
}
