//! The repository's own archive: its committed `export/` is what the build writes now (a
//! rebuild writes no byte of TEI, HTML, EPUB or PDF), and its released versions are intact. Released
//! versions are checked for integrity only, never for equality with what today's code would
//! release: a change of output becomes a new version at the next release.

use super::util::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The build's outputs that are committed.
const BUILT: [&str; 4] = ["tei", "html", "epub", "pdf"];

/// A copy of the repository's archive with its committed `export/` (without a local build
/// cache).
fn committed_copy() -> tempfile::TempDir {
    let tmp = bundled_copy();
    for entry in std::fs::read_dir(repo().join("export")).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() != ".build-cache" && entry.file_type().unwrap().is_dir() {
            copy_dir(
                &entry.path(),
                &tmp.path().join("export").join(entry.file_name()),
            );
        }
    }
    tmp
}

fn built(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    BUILT
        .iter()
        .flat_map(|sub| {
            tree(&dir.join("export").join(sub))
                .into_iter()
                .map(move |(k, v)| (Path::new(sub).join(k), v))
        })
        .collect()
}

#[test]
fn rebuilding_the_committed_export_writes_no_byte() {
    let tmp = committed_copy();
    let before = built(tmp.path());
    assert!(!before.is_empty());
    let out = editio(tmp.path())
        .args(["build", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let summary = stdout(&out)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["type"] == "summary")
        .expect("a summary");
    let changed: Vec<&str> = summary["written"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["changed"].as_bool() != Some(false))
        .map(|w| w["path"].as_str().unwrap())
        .collect();
    assert!(
        changed.is_empty(),
        "the committed export is stale: {changed:?}; run `cargo run -- build`, read the \
         difference, and commit export/"
    );
    let after = built(tmp.path());
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    assert!(before == after, "the build rewrote committed files");
}

#[test]
fn the_committed_archive_verifies_intact() {
    let tmp = committed_copy();
    let out = editio(tmp.path()).arg("verify").output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn the_committed_releases_are_valid_ocfl_and_bagit() {
    let root = repo().join("export/ocfl");
    let findings = editio::archive::ocfl::validate_storage_root(&root).unwrap();
    assert!(findings.iter().all(|d| !d.is_error()), "{findings:#?}");
    let deposits: Vec<PathBuf> = tree(&repo().join("export/deposit"))
        .into_keys()
        .map(|k| repo().join("export/deposit").join(k))
        .collect();
    assert!(!deposits.is_empty());
    let out = editio(&repo())
        .arg("verify")
        .arg(&root)
        .args(&deposits)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    if external("ocfl-validate.py") {
        let out = std::process::Command::new("ocfl-validate.py")
            .arg(&root)
            .output()
            .unwrap();
        let text = format!("{}{}", stdout(&out), stderr(&out));
        assert!(
            out.status.success() && !text.contains("[E") && !text.contains("ERROR"),
            "{text}"
        );
    }
}
