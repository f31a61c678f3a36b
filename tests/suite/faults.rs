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
        text.contains("error[ED605]: missing: cannot be read"),
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
