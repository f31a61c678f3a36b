//! Reading released versions back by edition id or object id: `editio log`, `show`, `diff`,
//! `cat`, each also with `--json`.

use super::util::*;
use std::path::Path;

const ID: &str = "conquest-great-terror-blyukher";
const OID: &str = "urn:editio:bundled:conquest-great-terror-blyukher";

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    editio(dir).args(args).output().unwrap()
}

fn json_lines(out: &std::process::Output) -> Vec<serde_json::Value> {
    stdout(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The bundled archive released twice: v2 changes the record and what is built from it.
fn two_versions() -> tempfile::TempDir {
    let tmp = bundled_copy();
    let out = run(
        tmp.path(),
        &[
            "release",
            ID,
            "--date",
            "2026-11-22",
            "--user",
            "First Keeper",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let record = tmp.path().join("editions").join(ID).join("edition.toml");
    let text = std::fs::read_to_string(&record).unwrap();
    let text = text.replacen(
        "title = \"The Arrest and Death of Marshal Blyukher\"",
        "title = \"The Arrest and the Death of Marshal Blyukher\"",
        1,
    ) + "\n[[history]]\ndate = \"2026-11-23\"\nby = \"editio maintainers\"\nchange = \"Title corrected.\"\n";
    std::fs::write(&record, text).unwrap();
    let out = run(tmp.path(), &["release", ID, "--date", "2026-11-24"]);
    assert!(out.status.success(), "{}", stderr(&out));
    tmp
}

#[test]
fn log_lists_versions_with_date_user_and_message_by_edition_or_object_id() {
    let tmp = two_versions();
    for id in [ID, OID] {
        let out = run(tmp.path(), &["log", id]);
        assert!(out.status.success(), "{}", stderr(&out));
        let text = stdout(&out);
        assert!(text.contains(&format!("object {OID}")), "{text}");
        let v2 = text.find("v2  2026-11-24T00:00:00Z").expect(&text);
        let v1 = text
            .find("v1  2026-11-22T00:00:00Z  First Keeper")
            .expect(&text);
        assert!(v2 < v1, "newest first: {text}");
        assert!(text.contains("Title corrected."), "{text}");
    }
    let lines = json_lines(&run(tmp.path(), &["log", ID, "--json"]));
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["version"], "v1");
    assert_eq!(lines[1]["user"], "First Keeper");
    assert_eq!(lines[0]["created"], "2026-11-24T00:00:00Z");
}

#[test]
fn show_lists_a_version_s_files_with_digests_that_match_their_bytes() {
    let tmp = two_versions();
    let lines = json_lines(&run(tmp.path(), &["show", ID, "v1", "--json"]));
    let paths: Vec<&str> = lines.iter().map(|l| l["path"].as_str().unwrap()).collect();
    assert!(
        paths.contains(&"source.txt") && paths.contains(&"metadata/premis.xml"),
        "{paths:?}"
    );
    let source = std::fs::read(tmp.path().join("editions").join(ID).join("source.txt")).unwrap();
    let entry = lines.iter().find(|l| l["path"] == "source.txt").unwrap();
    assert_eq!(entry["size"], source.len() as u64);
    use sha2::Digest;
    let sha512: String = sha2::Sha512::digest(&source)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(entry["sha512"], sha512);
    let text = stdout(&run(tmp.path(), &["show", ID]));
    assert!(text.contains(&format!("object {OID} v2")), "{text}");
    let out = run(tmp.path(), &["show", ID, "v7"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("has no such version; it has v1 to v2"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn diff_names_what_changed_between_two_versions() {
    let tmp = two_versions();
    let out = run(tmp.path(), &["diff", ID, "v1", "v2"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("changed  edition.toml"), "{text}");
    assert!(text.contains(&format!("changed  tei/{ID}.xml")), "{text}");
    assert!(
        !text.contains("source.txt"),
        "the source did not change: {text}"
    );
    let lines = json_lines(&run(tmp.path(), &["diff", ID, "v1", "v2", "--json"]));
    assert!(
        lines
            .iter()
            .all(|l| l["type"] == "changed" && l["from"] == "v1" && l["to"] == "v2")
    );
    let same = stdout(&run(tmp.path(), &["diff", ID, "v2", "v2"]));
    assert!(same.contains("v2 and v2 hold the same files"), "{same}");
}

#[test]
fn cat_gives_back_the_bytes_of_one_file_of_any_version() {
    let tmp = two_versions();
    let record = std::fs::read(tmp.path().join("editions").join(ID).join("edition.toml")).unwrap();
    let v2 = run(tmp.path(), &["cat", ID, "edition.toml"]);
    assert_eq!(v2.stdout, record);
    let v1 = run(tmp.path(), &["cat", OID, "edition.toml", "--version", "v1"]);
    assert!(
        String::from_utf8_lossy(&v1.stdout)
            .contains("\"The Arrest and Death of Marshal Blyukher\"")
    );
    let json = json_lines(&run(tmp.path(), &["cat", ID, "edition.toml", "--json"]));
    assert_eq!(json[0]["text"].as_str().unwrap().as_bytes(), &record[..]);
    let missing = run(tmp.path(), &["cat", ID, "nothing.txt"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("has no such file"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn reading_back_an_archive_with_nothing_released_says_so() {
    let tmp = bundled_copy();
    let out = run(tmp.path(), &["log", ID]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("nothing was released yet"),
        "{}",
        stderr(&out)
    );
}
