//! Faults reported right: every path given to `verify` answered, one fault one finding, a bad
//! register entry reported at its line with the rest of its file kept.

use super::util::*;
use std::path::Path;

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    editio(dir).args(args).output().unwrap()
}

fn released_copy() -> tempfile::TempDir {
    let tmp = bundled_copy();
    let out = run(tmp.path(), &["release", "--all", "--date", "2026-11-22"]);
    assert!(out.status.success(), "{}", stderr(&out));
    tmp
}

#[test]
fn every_path_given_to_verify_is_answered_and_the_exit_code_is_the_worst() {
    let tmp = released_copy();
    let zip = tmp
        .path()
        .join("export/deposit/serge-proofs-comrade-executioner-v1.zip");
    std::fs::copy(&zip, tmp.path().join("ok.zip")).unwrap();
    let bytes = std::fs::read(&zip).unwrap();
    std::fs::write(tmp.path().join("truncated.zip"), &bytes[..bytes.len() / 2]).unwrap();

    let out = run(
        tmp.path(),
        &["verify", "ok.zip", "missing", "truncated.zip"],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("ok    ok.zip"), "{text}");
    assert!(
        text.contains("error[ED605]: missing: is no file or folder here, nor a released object"),
        "{text}"
    );
    assert!(text.contains("FAIL  truncated.zip"), "{text}");
    assert!(text.contains("3 items verified"), "{text}");

    // Without the missing one, the worst is a damaged bag: 1.
    let out = run(tmp.path(), &["verify", "ok.zip", "truncated.zip", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let summary: serde_json::Value =
        serde_json::from_str(stdout(&out).lines().last().unwrap()).unwrap();
    assert_eq!(summary["targets"].as_array().unwrap().len(), 2);
}

#[test]
fn a_changed_source_is_one_finding_not_an_export_one_too() {
    let tmp = bundled_copy();
    assert!(run(tmp.path(), &["build"]).status.success());
    let source = tmp
        .path()
        .join("editions/serge-proofs-comrade-executioner/source.txt");
    let text = std::fs::read_to_string(&source).unwrap();
    std::fs::write(&source, text.replacen(" the ", " THE ", 1)).unwrap();
    let out = run(tmp.path(), &["verify"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("error[ED303]"), "{text}");
    assert!(!text.contains("ED415"), "{text}");
    assert_eq!(text.matches("error[").count(), 1, "{text}");
}

#[test]
fn a_version_folder_is_not_an_object_and_an_id_names_its_object() {
    let tmp = released_copy();
    let decl = walk(&tmp.path().join("export/ocfl"))
        .into_iter()
        .find(|p| p.ends_with("0=ocfl_object_1.1"))
        .unwrap();
    let object = decl.parent().unwrap();
    let out = run(tmp.path(), &["verify", object.join("v1").to_str().unwrap()]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert_eq!(text.matches("error[").count(), 1, "{text}");
    assert!(text.contains("error[ED601]"), "{text}");
    assert!(
        text.contains("this is a version folder of the OCFL object"),
        "{text}"
    );

    for id in [
        "serge-proofs-comrade-executioner",
        "urn:editio:bundled:serge-proofs-comrade-executioner",
    ] {
        let out = run(tmp.path(), &["verify", id, "--json"]);
        assert!(out.status.success(), "{}", stdout(&out));
        let summary: serde_json::Value =
            serde_json::from_str(stdout(&out).lines().last().unwrap()).unwrap();
        assert_eq!(summary["targets"][0]["kind"], "ocfl-object", "{summary}");
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_register_entry_missing_a_field_is_reported_at_its_line_and_the_rest_is_kept() {
    let tmp = bundled_copy();
    let path = tmp.path().join("editions/register/persons.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    // The second entry loses its name.
    let start = text.match_indices("[[person]]").nth(1).unwrap().0;
    let line = text[..start].lines().count() + 1;
    let name_at = start + text[start..].find("\nname = ").unwrap() + 1;
    let end = name_at + text[name_at..].find('\n').unwrap() + 1;
    let broken = format!("{}{}", &text[..name_at], &text[end..]);
    std::fs::write(&path, broken).unwrap();

    let out = run(tmp.path(), &["check"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let errors: Vec<&str> = text.lines().filter(|l| l.starts_with("error[")).collect();
    assert_eq!(errors.len(), 1, "{text}");
    assert!(
        errors[0].starts_with(&format!(
            "error[ED503]: editions/register/persons.toml:{line}:"
        )),
        "{text}"
    );
    assert!(errors[0].contains("[[person]] entry 2"), "{text}");
    assert!(errors[0].contains("missing field `name`"), "{text}");
    // The other entries are still read: no false warnings about names the register lacks.
    assert!(!text.contains("ED506"), "{text}");
}

/// Every temporary name of editio's under `dir`.
fn temporaries(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with(".editio-tmp-") || name.contains(".editio-staging-") {
            out.push(p.clone());
        }
        if p.is_dir() {
            out.extend(temporaries(&p));
        }
    }
    out
}

#[test]
fn leftovers_are_reported_by_verify_and_removed_by_the_next_build() {
    let tmp = released_copy();
    let export = tmp.path().join("export");
    std::fs::write(export.join("tei/.editio-tmp-AbC123"), b"half a file").unwrap();
    std::fs::create_dir_all(export.join(".ocfl.editio-staging-XyZ/v2")).unwrap();
    std::fs::write(export.join("deposit/.editio-tmp-QrS"), b"half a zip").unwrap();
    std::fs::write(export.join("keep.tmp"), b"not editio's").unwrap();

    let out = run(tmp.path(), &["verify"]);
    let text = stdout(&out);
    assert!(out.status.success(), "leftovers are warnings: {text}");
    assert_eq!(text.matches("warning[ED606]").count(), 3, "{text}");
    assert!(text.contains("export/tei/.editio-tmp-AbC123"), "{text}");

    // While another editio holds the archive's lock, they may be its work in progress.
    {
        let lock = std::fs::File::open(tmp.path().join("editio.toml")).unwrap();
        lock.lock().unwrap();
        let text = stdout(&run(tmp.path(), &["verify"]));
        assert!(!text.contains("ED606"), "{text}");
    }

    let out = run(tmp.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        temporaries(&export).is_empty(),
        "{:?}",
        temporaries(&export)
    );
    assert!(
        export.join("keep.tmp").exists(),
        "only editio's own are removed"
    );
    let text = stdout(&run(tmp.path(), &["verify"]));
    assert!(!text.contains("ED606"), "{text}");
}

#[test]
fn a_build_killed_at_any_moment_leaves_nothing_after_the_next_one() {
    for delay_ms in (0u64..=600).step_by(60) {
        let tmp = bundled_copy();
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("editio"))
            .current_dir(tmp.path())
            .arg("build")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let out = run(tmp.path(), &["build"]);
        assert!(
            out.status.success(),
            "after a kill at {delay_ms} ms: {}",
            stderr(&out)
        );
        let export = tmp.path().join("export");
        assert!(
            temporaries(&export).is_empty(),
            "after a kill at {delay_ms} ms: {:?}",
            temporaries(&export)
        );
        let verify = run(tmp.path(), &["verify"]);
        assert!(
            verify.status.success(),
            "after a kill at {delay_ms} ms: {}",
            stdout(&verify)
        );
    }
}
