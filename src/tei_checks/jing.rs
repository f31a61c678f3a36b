//! The schema checks of `editio validate`: jing, the reference RELAX NG validator, run against
//! editio's own schema (`schemas/editio.rng`, embedded in the binary so that an archive needs
//! no copy) and, when the user names one, against the full TEI schema (`tei_all.rng`). Jing's
//! `file:line:column: error: message` lines become [`Diagnostic`]s (`ED414`; a file jing cannot
//! parse is `ED409`).

use crate::diagnostic::{Diagnostic, Location, codes};
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// editio's RELAX NG schema for the TEI it writes.
pub const EDITIO_RNG: &str = include_str!("../../schemas/editio.rng");

/// How findings name the embedded schema.
pub const EDITIO_RNG_NAME: &str = "editio.rng";

/// The program's name on PATH.
const PROGRAM: &str = "jing";

pub use crate::error::JingError;

/// Why jing is not there to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Missing {
    /// No `jing` on PATH.
    NotOnPath,
    /// The program named (by `EDITIO_JING`) does not exist.
    Named(PathBuf),
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Missing::NotOnPath => f.write_str(
                "jing is not installed (no `jing` on PATH): the schema checks were skipped; \
                 install the `jing` package (Debian and Ubuntu: apt-get install jing), or name \
                 the program with EDITIO_JING",
            ),
            Missing::Named(p) => write!(
                f,
                "EDITIO_JING names {}, which is not a program here: the schema checks were \
                 skipped",
                p.display()
            ),
        }
    }
}

/// A jing program that can be run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Jing {
    pub program: PathBuf,
}

/// A file to validate: how findings name it, and its absolute path (jing reports absolute
/// paths).
#[derive(Clone, Debug)]
pub struct Target {
    pub shown: PathBuf,
    pub absolute: PathBuf,
}

impl Target {
    pub fn new(shown: &Path) -> Self {
        let absolute = std::path::absolute(shown).unwrap_or_else(|_| shown.to_path_buf());
        Target {
            shown: shown.to_path_buf(),
            absolute,
        }
    }
}

impl Jing {
    /// Finds jing: the program `named` (from `EDITIO_JING`: a path, or a name to look up on
    /// PATH), or else `jing` on PATH.
    pub fn locate(named: Option<&Path>) -> Result<Jing, Missing> {
        let program = match named {
            Some(p) if p.is_file() => Some(p.to_path_buf()),
            Some(p) if p.components().count() == 1 => on_path(p),
            Some(_) => None,
            None => on_path(Path::new(PROGRAM)),
        };
        program
            .map(|program| Jing { program })
            .ok_or_else(|| match named {
                Some(p) => Missing::Named(p.to_path_buf()),
                None => Missing::NotOnPath,
            })
    }

    /// Validates `files` against editio's embedded schema.
    pub fn validate_editio(&self, files: &[Target]) -> Result<Vec<Diagnostic>, JingError> {
        let mut schema = tempfile::Builder::new()
            .prefix("editio-")
            .suffix(".rng")
            .tempfile()
            .map_err(JingError::Temp)?;
        schema
            .write_all(EDITIO_RNG.as_bytes())
            .and_then(|()| schema.flush())
            .map_err(JingError::Temp)?;
        self.validate(schema.path(), EDITIO_RNG_NAME, files)
    }

    /// Validates `files` against the RELAX NG schema at `schema`; `label` names the schema in
    /// the findings.
    pub fn validate(
        &self,
        schema: &Path,
        label: &str,
        files: &[Target],
    ) -> Result<Vec<Diagnostic>, JingError> {
        if files.is_empty() {
            return Ok(Vec::new());
        }
        let output = Command::new(&self.program)
            .arg(schema)
            .args(files.iter().map(|f| &f.absolute))
            .output()
            .map_err(|source| JingError::Spawn {
                program: self.program.clone(),
                source,
            })?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let schema_abs = std::path::absolute(schema).unwrap_or_else(|_| schema.to_path_buf());
        let mut found = Vec::new();
        let mut schema_problems = Vec::new();
        let mut other = Vec::new();
        for line in stdout.lines().chain(stderr.lines()) {
            // The Debian wrapper's notes about optional jars it did not find.
            if line.trim().is_empty() || line.starts_with("[warning]") {
                continue;
            }
            let Some(m) = parse_line(line) else {
                other.push(line.to_string());
                continue;
            };
            if Path::new(&m.file) == schema_abs {
                schema_problems.push(format!("{}:{}: {}", label, m.line.unwrap_or(0), m.message));
                continue;
            }
            found.extend(finding(&m, label, files));
        }
        if !schema_problems.is_empty() {
            return Err(JingError::Schema {
                schema: label.to_string(),
                message: schema_problems.join("; "),
            });
        }
        if !output.status.success() && found.is_empty() {
            return Err(JingError::Failed {
                code: output
                    .status
                    .code()
                    .map_or_else(|| "none".into(), |c| c.to_string()),
                output: other.join("; "),
            });
        }
        Ok(found)
    }
}

/// One of jing's messages about a file as a finding, naming the file as shown (a message
/// about a file jing names otherwise, when there is one file, is about that file); none for a
/// warning.
fn finding(m: &Message, label: &str, files: &[Target]) -> Option<Diagnostic> {
    let target = files
        .iter()
        .find(|t| Path::new(&m.file) == t.absolute)
        .or(if files.len() == 1 {
            files.first()
        } else {
            None
        });
    let path = target.map_or_else(|| PathBuf::from(&m.file), |t| t.shown.clone());
    let location = Location {
        path,
        line: m.line,
        column: m.column,
        offset: None,
    };
    match m.kind {
        Kind::Error => Some(
            Diagnostic::new(
                codes::SCHEMA_INVALID,
                location,
                format!("not valid against {label}: {}", m.message),
            )
            .with_help(help(label)),
        ),
        Kind::Fatal => Some(Diagnostic::new(
            codes::XML_MALFORMED,
            location,
            format!("{} (jing)", m.message),
        )),
        Kind::Warning => None,
    }
}

fn help(label: &str) -> String {
    if label == EDITIO_RNG_NAME {
        "editio's schema is stricter than TEI where editio promises something (schemas/README.md \
         says what); if editio wrote this file unchanged, please report it"
            .into()
    } else {
        format!("the file is not valid TEI against {label}")
    }
}

/// The program named `name` on PATH.
fn on_path(name: &Path) -> Option<PathBuf> {
    which::which(name).ok()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Error,
    Fatal,
    Warning,
}

/// One line of jing's report.
#[derive(Debug, PartialEq, Eq)]
struct Message {
    file: String,
    line: Option<usize>,
    column: Option<usize>,
    kind: Kind,
    message: String,
}

/// Reads `file:line:column: error: message` (also `fatal:` and `warning:`; line and column may
/// be missing).
fn parse_line(line: &str) -> Option<Message> {
    let (at, kind, sep) = [
        (Kind::Error, ": error: "),
        (Kind::Fatal, ": fatal: "),
        (Kind::Warning, ": warning: "),
    ]
    .into_iter()
    .filter_map(|(kind, sep)| line.find(sep).map(|at| (at, kind, sep)))
    .min_by_key(|(at, _, _)| *at)?;
    let head = &line[..at];
    let message = line[at + sep.len()..].to_string();
    let mut parts = head.rsplitn(3, ':');
    let last = parts.next()?;
    let (file, line_no, column) = match (last.parse::<usize>(), parts.next(), parts.next()) {
        (Ok(col), Some(l), Some(file)) if l.parse::<usize>().is_ok() => {
            (file.to_string(), l.parse().ok(), Some(col))
        }
        (Ok(l), Some(rest), None) => (rest.to_string(), Some(l), None),
        _ => (head.to_string(), None, None),
    };
    Some(Message {
        file,
        line: line_no,
        column,
        kind,
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_jing_lines() {
        let m = parse_line(
            "/tmp/a b/x.xml:143:108: error: element \"event\" incomplete; expected element \"p\"",
        )
        .unwrap();
        assert_eq!(m.file, "/tmp/a b/x.xml");
        assert_eq!((m.line, m.column), (Some(143), Some(108)));
        assert_eq!(m.kind, Kind::Error);
        assert!(m.message.starts_with("element \"event\" incomplete"));

        let m = parse_line("/tmp/bad.xml:2:1: fatal: XML document structures must start").unwrap();
        assert_eq!(m.kind, Kind::Fatal);

        let m = parse_line("C:/x.xml: error: something: error: else").unwrap();
        assert_eq!(m.file, "C:/x.xml");
        assert_eq!(m.line, None);
        assert_eq!(m.message, "something: error: else");

        assert_eq!(parse_line("fatal: file not found: /tmp/x.rng"), None);
        assert_eq!(
            parse_line("[warning] /usr/bin/jing: Unable to locate xml-apis"),
            None
        );
    }

    #[test]
    fn a_named_program_that_is_missing_is_reported() {
        let missing = Path::new("/nonexistent/editio/jing");
        assert_eq!(
            Jing::locate(Some(missing)),
            Err(Missing::Named(missing.to_path_buf()))
        );
    }

    #[test]
    fn the_embedded_schema_is_relax_ng() {
        assert!(EDITIO_RNG.contains("http://relaxng.org/ns/structure/1.0"));
        assert!(EDITIO_RNG.contains("notTransmitted"));
    }
}
