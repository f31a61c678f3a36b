//! Shared helpers: a copy of the bundled archive in a temporary folder, and the binary.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The repository root (where the bundled archive is).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `shared/` folder beside the repository, when present.
pub fn shared() -> Option<PathBuf> {
    let dir = repo().join("../shared");
    dir.is_dir().then_some(dir)
}

/// The `editio` binary, run in `dir`, with colour off.
pub fn editio(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("editio").expect("the binary is built");
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

/// A copy of the bundled archive (settings and editions) in a new temporary folder.
pub fn bundled_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(repo().join("editio.toml"), tmp.path().join("editio.toml")).unwrap();
    copy_dir(&repo().join("editions"), &tmp.path().join("editions"));
    tmp
}

/// A new, empty archive made with `editio init`.
pub fn empty_archive() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    editio(tmp.path())
        .args([
            "init",
            ".",
            "--organisation",
            "Test Library",
            "--contact",
            "Archivist",
        ])
        .args(["--base-uri", "https://archive.test/id/"])
        .assert()
        .success();
    tmp
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Stdout of a finished command, as text.
pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Stderr of a finished command, as text.
pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The names in a folder, sorted.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Whether external checks must run: `EDITIO_REQUIRE_EXTERNAL=1` (as in CI) turns every skip
/// into a failure.
pub fn external_required() -> bool {
    std::env::var_os("EDITIO_REQUIRE_EXTERNAL").is_some_and(|v| v == "1")
}

/// Skips the calling test (prints why and returns false), or fails it when external checks
/// are required.
pub fn skip(why: &str) -> bool {
    assert!(
        !external_required(),
        "{why}, and EDITIO_REQUIRE_EXTERNAL=1 requires it"
    );
    eprintln!("skipped: {why}");
    false
}

/// A file under `../shared/`, when there; otherwise skips (or fails) like [`external`].
pub fn shared_file(rel: &str) -> Option<PathBuf> {
    match shared().map(|s| s.join(rel)).filter(|p| p.is_file()) {
        Some(p) => Some(p),
        None => {
            skip(&format!("../shared/{rel} is missing (../shared missing)"));
            None
        }
    }
}

/// Every file under `dir` with its bytes, by path relative to `dir` (empty when `dir` is
/// missing).
pub fn tree(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut std::collections::BTreeMap<PathBuf, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).unwrap().to_path_buf();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Whether an external tool is installed (on `PATH`). When it is not, the test that needs it
/// says so and is skipped, unless `EDITIO_REQUIRE_EXTERNAL=1`, which makes that a failure.
pub fn external(tool: &str) -> bool {
    if which(tool).is_some() {
        return true;
    }
    let package = match tool {
        "pdftotext" | "pdfinfo" | "pdftoppm" | "pdffonts" | "pdfdetach" => "poppler-utils",
        "jing" => "jing",
        "epubcheck" => "epubcheck",
        "java" => "default-jre-headless",
        other => other,
    };
    let message = format!("skipped: {tool} not installed (apt-get install {package})");
    if std::env::var("EDITIO_REQUIRE_EXTERNAL").as_deref() == Ok("1") {
        panic!("{message}, and EDITIO_REQUIRE_EXTERNAL=1 requires it");
    }
    println!("{message}");
    false
}

/// The path of a program on `PATH`.
pub fn which(tool: &str) -> Option<PathBuf> {
    which::which(tool).ok()
}
