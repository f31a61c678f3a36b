//! Conformance of the OCFL validator with the OCFL 1.1 fixture objects, read in place from
//! `../shared/conformance/ocfl/1.1/` (never copied into this repository). Good objects must
//! give no findings at all, warn objects no errors and every W code in their name, bad objects
//! at least one error and every E code in their name, except where the table below documents
//! why another code is the right report.

use editio::archive::ocfl::{codes, validate_object};
use editio::{Diagnostic, Severity};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Bad fixtures whose name lists a code this validator does not report, and why. Empty: every
/// expected code is reported. (Keep entries as `(fixture, code, reason)`.)
const DOCUMENTED_EXCEPTIONS: &[(&str, &str, &str)] = &[];

fn fixtures() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/ocfl/1.1");
    if dir.join("good-objects").is_dir() {
        return Some(dir);
    }
    if std::env::var("EDITIO_REQUIRE_EXTERNAL").as_deref() == Ok("1") {
        panic!(
            "OCFL fixtures not found at {} and EDITIO_REQUIRE_EXTERNAL=1",
            dir.display()
        );
    }
    println!(
        "skipped: OCFL 1.1 fixtures not found at {} (they live in the shared/ folder beside \
         the repository)",
        dir.display()
    );
    None
}

fn objects(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut list: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    list.sort();
    list
}

/// The codes a fixture's name announces (`E001_E003_...` -> E001, E003).
fn named_codes(name: &str) -> Vec<String> {
    name.split('_')
        .filter(|t| {
            t.len() == 4
                && (t.starts_with('E') || t.starts_with('W'))
                && t[1..].bytes().all(|b| b.is_ascii_digit())
        })
        .map(str::to_owned)
        .collect()
}

fn codes_of(findings: &[Diagnostic]) -> BTreeSet<&'static str> {
    findings.iter().map(|d| d.code.id).collect()
}

fn show(findings: &[Diagnostic]) -> String {
    findings
        .iter()
        .map(|d| format!("  {d}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn ocfl_fixtures_agree() {
    let Some(root) = fixtures() else { return };
    let mut failures = Vec::new();

    let good = objects(&root.join("good-objects"));
    let mut good_ok = 0;
    for (name, path) in &good {
        let findings = validate_object(path).unwrap();
        if findings.is_empty() {
            good_ok += 1;
        } else {
            failures.push(format!(
                "good/{name}: expected no findings, got\n{}",
                show(&findings)
            ));
        }
    }

    let warn = objects(&root.join("warn-objects"));
    let mut warn_ok = 0;
    for (name, path) in &warn {
        let findings = validate_object(path).unwrap();
        let found = codes_of(&findings);
        let missing: Vec<_> = named_codes(name)
            .into_iter()
            .filter(|c| !found.contains(c.as_str()))
            .collect();
        let errors = findings.iter().any(Diagnostic::is_error);
        if !errors && missing.is_empty() {
            warn_ok += 1;
        } else {
            failures.push(format!(
                "warn/{name}: errors {errors}, missing {missing:?}, got\n{}",
                show(&findings)
            ));
        }
    }

    let bad = objects(&root.join("bad-objects"));
    let (mut bad_rejected, mut bad_with_code) = (0, 0);
    for (name, path) in &bad {
        let findings = validate_object(path).unwrap();
        if std::env::var_os("EDITIO_SHOW_FINDINGS").is_some() {
            println!("bad/{name}:\n{}", show(&findings));
        }
        let found = codes_of(&findings);
        if findings.iter().any(|d| d.severity == Severity::Error) {
            bad_rejected += 1;
        } else {
            failures.push(format!(
                "bad/{name}: not rejected, got\n{}",
                show(&findings)
            ));
            continue;
        }
        let missing: Vec<_> = named_codes(name)
            .into_iter()
            .filter(|c| !found.contains(c.as_str()))
            .filter(|c| {
                !DOCUMENTED_EXCEPTIONS
                    .iter()
                    .any(|(f, code, _)| f == name && code == c)
            })
            .collect();
        if missing.is_empty() {
            bad_with_code += 1;
        } else {
            failures.push(format!(
                "bad/{name}: expected code(s) {missing:?} not reported; got\n{}",
                show(&findings)
            ));
        }
    }

    println!(
        "OCFL 1.1 fixtures: good {good_ok}/{}, warn {warn_ok}/{}, bad rejected {bad_rejected}/{}, \
         bad with the expected code {bad_with_code}/{}",
        good.len(),
        warn.len(),
        bad.len(),
        bad.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(good.len(), 12);
    assert_eq!(warn.len(), 13);
    assert_eq!(bad.len(), 55);
}

#[test]
fn every_code_is_a_spec_code() {
    assert!(codes::ALL.iter().all(|c| c.summary.len() > 20));
    assert_eq!(codes::E064.id, "E064");
}

#[test]
fn hostile_inventory_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let obj = dir.path();
    std::fs::write(obj.join("0=ocfl_object_1.1"), "ocfl_object_1.1\n").unwrap();
    // A sparse 2 GB file: refused by its size, never loaded.
    let f = std::fs::File::create(obj.join("inventory.json")).unwrap();
    f.set_len(2 * 1024 * 1024 * 1024).unwrap();
    let findings = validate_object(obj).unwrap();
    let e033: Vec<_> = findings.iter().filter(|d| d.code.id == "E033").collect();
    assert_eq!(e033.len(), 1, "{findings:?}");
    assert!(e033[0].message.contains("limit"), "{}", e033[0].message);
}
