//! `editio validate`: checks TEI files (those named, or every `export/tei/*.xml` of the
//! archive) with the built-in checks of [`crate::tei_checks::rules`], compares their header
//! checksums with the archive's records, and then runs jing against editio's schema and, when
//! one is named, the full TEI schema ([`crate::tei_checks::jing`]).

use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::load;
use crate::tei_checks::jing::{EDITIO_RNG_NAME, Jing, Missing, Target};
use crate::tei_checks::rules;
use std::path::{Path, PathBuf};

/// Where the TEI files of an archive are.
pub const TEI_DIR: &str = "export/tei";

/// What to run besides the built-in checks.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The jing program to run (`EDITIO_JING`); by default `jing` on PATH.
    pub jing: Option<PathBuf>,
    /// A full TEI schema (`tei_all.rng`) to validate against as well (`--tei-all`,
    /// `EDITIO_TEI_ALL`).
    pub tei_all: Option<PathBuf>,
}

/// Whether the schema checks ran.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Schemas {
    /// jing ran against these schemas.
    Ran { jing: PathBuf, schemas: Vec<String> },
    /// jing is not there: only the built-in checks ran.
    Skipped(Missing),
}

/// The outcome of a validation.
#[derive(Debug)]
pub struct Report {
    /// The files validated, as named in the findings.
    pub files: Vec<PathBuf>,
    /// Every finding, file by file.
    pub diagnostics: Vec<Diagnostic>,
    pub schemas: Schemas,
    /// Whether header checksums were compared with an archive (not when there is none).
    pub checksums_compared: bool,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// The TEI files of the archive at `root`, as paths relative to it, sorted.
pub fn archive_files(root: &Path) -> Result<Vec<PathBuf>> {
    let dir = root.join(TEI_DIR);
    let entries = std::fs::read_dir(&dir).map_err(|e| Error::Io {
        path: dir.clone(),
        source: std::io::Error::new(
            e.kind(),
            format!("{e}; run `editio build` to write the TEI first"),
        ),
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(Error::io(&dir))?;
        let name = entry.file_name();
        if entry.path().is_file() && Path::new(&name).extension().is_some_and(|e| e == "xml") {
            files.push(Path::new(TEI_DIR).join(name));
        }
    }
    files.sort();
    Ok(files)
}

/// Validates `files` (paths as the user gave them, or relative to `root` when `files` is
/// empty, which means every file in `export/tei/`). `root` is the archive whose records the
/// header checksums are compared with; without one, that check is left out.
pub fn validate(root: Option<&Path>, files: &[PathBuf], options: &Options) -> Result<Report> {
    let (files, base): (Vec<PathBuf>, Option<&Path>) = match (files.is_empty(), root) {
        (false, _) => (files.to_vec(), None),
        (true, Some(root)) => (archive_files(root)?, Some(root)),
        (true, None) => {
            return Err(Error::BadArguments {
                flag: "validate",
                message: "name the TEI files to validate, or run inside an archive".into(),
            });
        }
    };
    if let Some(p) = options.tei_all.as_ref().filter(|p| !p.is_file()) {
        return Err(Error::Io {
            path: p.clone(),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no such file: --tei-all (or EDITIO_TEI_ALL) must name tei_all.rng",
            ),
        });
    }
    let archive = match root {
        Some(root) => Some(load::archive(root)?.0),
        None => None,
    };

    let mut per_file: Vec<Vec<Diagnostic>> = Vec::new();
    let mut targets = Vec::new();
    for shown in &files {
        let on_disk = base.map_or_else(|| shown.clone(), |b| b.join(shown));
        let bytes = std::fs::read(&on_disk).map_err(Error::io(&on_disk))?;
        let checked = rules::check(shown, &bytes);
        let mut found = checked.diagnostics.clone();
        if let (true, Some(archive)) = (checked.well_formed, &archive) {
            found.extend(rules::check_checksums(&checked, archive));
        }
        if checked.well_formed {
            targets.push(Target {
                shown: shown.clone(),
                absolute: std::path::absolute(&on_disk).map_err(Error::io(&on_disk))?,
            });
        }
        per_file.push(found);
    }

    let schemas = match Jing::locate(options.jing.as_deref()) {
        Err(missing) => Schemas::Skipped(missing),
        Ok(jing) => {
            let mut found = jing.validate_editio(&targets)?;
            let mut schemas = vec![EDITIO_RNG_NAME.to_string()];
            if let Some(tei_all) = &options.tei_all {
                let label = tei_all.file_name().map_or_else(
                    || "tei_all.rng".into(),
                    |n| n.to_string_lossy().into_owned(),
                );
                found.extend(jing.validate(tei_all, &label, &targets)?);
                schemas.push(label);
            }
            for d in found {
                match files.iter().position(|f| *f == d.location.path) {
                    Some(i) => per_file[i].push(d),
                    None => per_file.push(vec![d]),
                }
            }
            Schemas::Ran {
                jing: jing.program,
                schemas,
            }
        }
    };
    Ok(Report {
        files,
        diagnostics: per_file.into_iter().flatten().collect(),
        schemas,
        checksums_compared: archive.is_some(),
    })
}
