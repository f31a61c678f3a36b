//! `editio validate` and `schemas/editio.rng`: the committed TEI is valid against editio's
//! schema and the full TEI schema; each built-in check finds its broken document at the right
//! line; and the schema rejects what editio promises never to write, even where TEI allows it.

use super::util::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const SERGE: &str = "serge-proofs-comrade-executioner";
const CONQUEST: &str = "conquest-great-terror-blyukher";

fn editio_rng() -> PathBuf {
    repo().join("schemas/editio.rng")
}

/// Every committed TEI file, and the fixtures that show what the schema must already allow
/// (name markup and standOff; the register document).
fn committed_tei() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["export/tei", "tests/fixtures/tei"] {
        let mut found: Vec<_> = std::fs::read_dir(repo().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "xml"))
            .collect();
        found.sort();
        files.extend(found);
    }
    assert!(files.len() >= 5, "{files:?}");
    files
}

/// Runs jing; returns its exit status and its error lines, by file.
fn jing(schema: &Path, files: &[PathBuf]) -> (bool, BTreeMap<PathBuf, Vec<String>>) {
    let out = std::process::Command::new("jing")
        .arg(schema)
        .args(files)
        .output()
        .expect("jing runs");
    let mut by_file: BTreeMap<PathBuf, Vec<String>> = BTreeMap::new();
    for line in stdout(&out).lines().chain(stderr(&out).lines()) {
        if line.starts_with("[warning]") || line.trim().is_empty() {
            continue;
        }
        let file = files
            .iter()
            .find(|f| line.starts_with(&format!("{}:", f.display())))
            .cloned()
            .unwrap_or_else(|| PathBuf::from("<other>"));
        by_file.entry(file).or_default().push(line.to_string());
    }
    (out.status.success(), by_file)
}

#[test]
fn committed_tei_is_valid_against_editio_rng_and_tei_all() {
    if !external("jing") {
        return;
    }
    let Some(tei_all) = shared_file("schemas/tei_all.rng") else {
        return;
    };
    let files = committed_tei();
    for schema in [editio_rng(), tei_all] {
        let (ok, errors) = jing(&schema, &files);
        assert!(ok && errors.is_empty(), "{}: {errors:#?}", schema.display());
    }
}

#[test]
fn validate_passes_the_bundled_archive() {
    let mut cmd = editio(&repo());
    cmd.arg("validate");
    if let Some(tei_all) = shared().map(|s| s.join("schemas/tei_all.rng")) {
        cmd.env("EDITIO_TEI_ALL", tei_all);
    }
    let out = cmd.output().unwrap();
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(
        text.contains("4 files validated (built-in checks"),
        "{text}"
    );
    assert!(text.contains("0 errors, 0 warnings"), "{text}");
}

/// A folder with one TEI file, `name`, holding `text`.
fn one_file(name: &str, text: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join(name), text).unwrap();
    tmp
}

/// `editio validate FILE` in `dir` without jing; the findings' "code file:line" heads.
fn builtin_findings(dir: &Path, file: &str) -> (Option<i32>, Vec<String>) {
    let out = editio(dir)
        .args(["validate", file])
        .env("EDITIO_JING", "/nonexistent/jing")
        .output()
        .unwrap();
    let heads = stdout(&out)
        .lines()
        .filter(|l| l.starts_with("error[") || l.starts_with("warning["))
        .map(|l| {
            let (code, rest) = l.split_once("]: ").unwrap();
            let place = rest.split(": ").next().unwrap();
            format!("{}] {place}", code)
        })
        .collect();
    (out.status.code(), heads)
}

const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

#[test]
fn ed409_malformed_xml_is_found_at_its_line() {
    let tmp = one_file(
        "ED409_malformed.xml",
        &format!(
            "{HEAD}<TEI xmlns=\"http://www.tei-c.org/ns/1.0\">\n  <text>\n    <p>x</text>\n</TEI>\n"
        ),
    );
    let (code, found) = builtin_findings(tmp.path(), "ED409_malformed.xml");
    assert_eq!(code, Some(1));
    assert_eq!(found, vec!["error[ED409] ED409_malformed.xml:4:9"]);
}

#[test]
fn ed410_a_root_outside_the_tei_namespace_is_found() {
    let tmp = one_file(
        "ED410_namespace.xml",
        &format!("{HEAD}<TEI xml:id=\"x\">\n  <text/>\n</TEI>\n"),
    );
    let (code, found) = builtin_findings(tmp.path(), "ED410_namespace.xml");
    assert_eq!(code, Some(1));
    assert_eq!(found, vec!["error[ED410] ED410_namespace.xml:2:1"]);
}

#[test]
fn ed411_a_duplicate_xml_id_is_found_at_its_second_use() {
    let tmp = one_file(
        "ED411_duplicate_id.xml",
        &format!(
            "{HEAD}<TEI xmlns=\"http://www.tei-c.org/ns/1.0\" xml:id=\"doc\">\n  <text>\n    \
             <p xml:id=\"p1\">a</p>\n    <p xml:id=\"p1\">b</p>\n  </text>\n</TEI>\n"
        ),
    );
    let (code, found) = builtin_findings(tmp.path(), "ED411_duplicate_id.xml");
    assert_eq!(code, Some(1));
    assert_eq!(found, vec!["error[ED411] ED411_duplicate_id.xml:5:8"]);
}

#[test]
fn ed412_a_pointer_to_no_element_is_found() {
    let tmp = one_file(
        "ED412_dangling_pointer.xml",
        &format!(
            "{HEAD}<TEI xmlns=\"http://www.tei-c.org/ns/1.0\" xml:id=\"doc\">\n  <text>\n    \
             <p xml:id=\"p1\"><ref target=\"#p1\">a</ref></p>\n    \
             <p><note resp=\"#doc #nobody\">b</note></p>\n  </text>\n</TEI>\n"
        ),
    );
    let (code, found) = builtin_findings(tmp.path(), "ED412_dangling_pointer.xml");
    assert_eq!(code, Some(1));
    assert_eq!(found, vec!["error[ED412] ED412_dangling_pointer.xml:5:14"]);
}

/// A copy of the bundled archive with its committed TEI.
fn archive_with_tei() -> tempfile::TempDir {
    let tmp = bundled_copy();
    copy_dir(&repo().join("export/tei"), &tmp.path().join("export/tei"));
    tmp
}

#[test]
fn ed413_a_header_checksum_that_differs_from_the_record_is_found() {
    let tmp = archive_with_tei();
    let tei = tmp.path().join(format!("export/tei/{SERGE}.xml"));
    let text = std::fs::read_to_string(&tei).unwrap();
    let sha = "d57e1214d2f4e73252068f37a7a69c52b958cc65aea5b169b683a60357b200b7";
    let line = text
        .lines()
        .position(|l| l.contains(&format!("<idno type=\"sha256\">{sha}")))
        .unwrap()
        + 1;
    std::fs::write(&tei, text.replacen(sha, &"0".repeat(64), 1)).unwrap();
    let out = editio(tmp.path())
        .arg("validate")
        .env("EDITIO_JING", "/nonexistent/jing")
        .output()
        .unwrap();
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(&format!(
            "error[ED413]: export/tei/{SERGE}.xml:{line}:11: bibl[@type='received-file']/idno[@type='sha256'] gives 0000"
        )),
        "{text}"
    );
    assert!(text.contains(&format!("edition.toml records, and source.txt has, {sha}")));
    assert!(text.contains("1 error"), "{text}");
}

#[test]
fn ed413_a_source_changed_since_the_build_is_found() {
    let tmp = archive_with_tei();
    let source = tmp.path().join(format!("editions/{SERGE}/source.txt"));
    let mut bytes = std::fs::read(&source).unwrap();
    bytes[10] ^= 0x01;
    std::fs::write(&source, bytes).unwrap();
    let out = editio(tmp.path())
        .args(["validate", &format!("export/tei/{SERGE}.xml")])
        .env("EDITIO_JING", "/nonexistent/jing")
        .output()
        .unwrap();
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    // The SHA-256 of the header, which stands with the received file.
    assert_eq!(text.matches("error[ED413]").count(), 1, "{text}");
    assert!(
        text.contains("edition.toml agrees, but source.txt now has"),
        "{text}"
    );
}

#[test]
fn without_jing_the_built_in_checks_still_run_and_say_what_to_install() {
    let out = editio(&repo())
        .arg("validate")
        .env("PATH", "")
        .env_remove("EDITIO_JING")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("jing is not installed")
            && stderr(&out).contains("apt-get install jing"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).contains("4 files validated (built-in checks): 0 errors"));

    let out = editio(&repo())
        .arg("validate")
        .env("EDITIO_JING", "/nonexistent/jing")
        .output()
        .unwrap();
    assert!(stderr(&out).contains("EDITIO_JING names /nonexistent/jing"));
}

#[test]
fn what_keeps_validate_from_running_exits_2() {
    let out = editio(&repo())
        .args(["validate", "no-such-file.xml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = editio(&repo())
        .args(["validate", "--tei-all", "/nonexistent/tei_all.rng"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("tei_all.rng"), "{}", stderr(&out));
    let tmp = tempfile::tempdir().unwrap();
    let out = editio(tmp.path()).arg("validate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn json_output_has_findings_and_a_summary() {
    let tmp = one_file(
        "broken.xml",
        "<TEI xmlns=\"http://www.tei-c.org/ns/1.0\"><p xml:id=\"a\"/><p xml:id=\"a\"/></TEI>",
    );
    let out = editio(tmp.path())
        .args(["validate", "--json", "broken.xml"])
        .env("EDITIO_JING", "/nonexistent/jing")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let records: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 2, "{records:?}");
    assert_eq!(records[0]["type"], "finding");
    assert_eq!(records[0]["code"], "ED411");
    assert_eq!(records[0]["location"]["path"], "broken.xml");
    assert_eq!(records[0]["location"]["line"], 1);
    assert_eq!(records[1]["type"], "summary");
    assert_eq!(records[1]["errors"], 1);
    assert_eq!(records[1]["checksums_compared"], false);
    assert!(records[1]["schemas_skipped"].is_string());
}

#[test]
fn ed414_schema_errors_come_from_jing_with_their_line() {
    if !external("jing") {
        return;
    }
    let broken = committed(CONQUEST).replacen(
        "<note type=\"authorial\" place=\"foot\" n=\"69\">",
        "<note type=\"authorial\" place=\"foot\" target=\"#note-anchors\" n=\"69\">",
        1,
    );
    let line = broken
        .lines()
        .position(|l| l.contains("target=\"#note-anchors\""))
        .unwrap()
        + 1;
    let tmp = one_file("anchor.xml", &broken);
    let out = editio(tmp.path())
        .args(["validate", "anchor.xml"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(&format!("error[ED414]: anchor.xml:{line}:"))
            && text.contains("not valid against editio.rng"),
        "{text}"
    );
    assert!(text.contains("(built-in checks, editio.rng)"), "{text}");
}

fn committed(id: &str) -> String {
    std::fs::read_to_string(repo().join(format!("export/tei/{id}.xml"))).unwrap()
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(repo().join(format!("tests/fixtures/tei/{name}.xml"))).unwrap()
}

/// Removes the first element that starts with `open` (up to and including its `close` tag).
fn without(text: &str, open: &str, close: &str) -> String {
    let start = text
        .find(open)
        .unwrap_or_else(|| panic!("{open} not found"));
    let end = start + text[start..].find(close).unwrap() + close.len();
    format!("{}{}", &text[..start], &text[end..])
}

/// Replaces the first `from` with `to`, which must be there.
fn replaced(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from} not found");
    text.replacen(from, to, 1)
}

/// Documents that break one of editio's promises. `true`: the document is still valid TEI, so
/// the rule is one where editio's schema is stricter than TEI.
fn broken_documents() -> Vec<(&'static str, String, bool)> {
    let serge = committed(SERGE);
    let conquest = committed(CONQUEST);
    let names = fixture("edition-with-names");
    let sha = "d57e1214d2f4e73252068f37a7a69c52b958cc65aea5b169b683a60357b200b7";
    let kamenev = "<choice><sic>Kamanev</sic><corr resp=\"#resp-editio-maintainers\" cert=\"high\">Kamenev</corr></choice>";
    vec![
        (
            "authorial_note_with_text",
            replaced(
                &conquest,
                "<note type=\"authorial\" place=\"foot\" n=\"69\"><gap reason=\"notTransmitted\"/></note>",
                "<note type=\"authorial\" place=\"foot\" n=\"69\">A note nobody transmitted.</note>",
            ),
            true,
        ),
        (
            "authorial_note_without_n",
            replaced(
                &conquest,
                "<note type=\"authorial\" place=\"foot\" n=\"69\">",
                "<note type=\"authorial\" place=\"foot\">",
            ),
            true,
        ),
        (
            "section_without_head",
            replaced(&conquest, "<head n=\"9\">", "<p n=\"9\">").replacen(
                "</persName></head>",
                "</persName></p>",
                1,
            ),
            true,
        ),
        (
            "back_division_without_supplied_head",
            without(&serge, "<head type=\"supplied\">Credit", "</head>"),
            true,
        ),
        (
            "sha256_in_capitals",
            replaced(&serge, sha, &sha.to_uppercase()),
            true,
        ),
        ("sha256_too_short", replaced(&serge, sha, &sha[1..]), true),
        (
            "received_file_sha256_not_hex",
            replaced(
                &serge,
                &format!(
                    "<idno type=\"filename\">003_b2f72a54e59079ae.txt</idno>\n          <idno type=\"sha256\">{sha}"
                ),
                &format!(
                    "<idno type=\"filename\">003_b2f72a54e59079ae.txt</idno>\n          <idno type=\"sha256\">sha256:{}",
                    &sha[7..]
                ),
            ),
            true,
        ),
        (
            "no_received_file_bibl",
            without(&serge, "<bibl type=\"received-file\">", "</bibl>"),
            true,
        ),
        (
            "no_sha256_in_publication_stmt",
            without(&serge, &format!("<idno type=\"sha256\">{sha}"), "</idno>"),
            true,
        ),
        (
            "sha256_before_uri",
            {
                let uri =
                    "<idno type=\"URI\">urn:editio:bundled:serge-proofs-comrade-executioner</idno>";
                let s = replaced(&serge, uri, "");
                replaced(
                    &s,
                    &format!("<idno type=\"sha256\">{sha}</idno>"),
                    &format!("<idno type=\"sha256\">{sha}</idno>{uri}"),
                )
            },
            true,
        ),
        (
            "no_licence",
            without(&serge, "<licence ", "</licence>"),
            true,
        ),
        (
            "no_edition_stmt",
            without(&serge, "<editionStmt>", "</editionStmt>"),
            true,
        ),
        (
            "main_title_untyped",
            replaced(&serge, "<title type=\"main\">", "<title>"),
            true,
        ),
        (
            "application_not_editio",
            replaced(
                &serge,
                "<application ident=\"editio\"",
                "<application ident=\"other\"",
            ),
            true,
        ),
        (
            "no_editorial_decl",
            without(&serge, "<editorialDecl>", "</editorialDecl>"),
            true,
        ),
        (
            "no_lang_usage",
            without(&serge, "<profileDesc>", "</profileDesc>"),
            true,
        ),
        (
            "choice_without_corr",
            replaced(
                &serge,
                kamenev,
                "<choice><sic>Kamanev</sic><reg>Kamenev</reg></choice>",
            ),
            true,
        ),
        (
            "choice_with_two_corr",
            replaced(
                &serge,
                kamenev,
                "<choice><sic>Kamanev</sic><corr resp=\"#resp-editio-maintainers\">Kamenev</corr><corr resp=\"#resp-editio-maintainers\">Kamenew</corr></choice>",
            ),
            true,
        ),
        (
            "corr_without_resp",
            replaced(
                &serge,
                kamenev,
                "<choice><sic>Kamanev</sic><corr cert=\"high\">Kamenev</corr></choice>",
            ),
            true,
        ),
        (
            "editorial_note_without_resp",
            replaced(
                &serge,
                "resp=\"#resp-editio-maintainers\">Adolph Joffe",
                ">Adolph Joffe",
            ),
            true,
        ),
        (
            "gap_reason_not_editios",
            replaced(
                &serge,
                "<gap reason=\"omitted\"",
                "<gap reason=\"illegible\"",
            ),
            true,
        ),
        (
            "cert_as_probability",
            replaced(
                &conquest,
                "<biblScope unit=\"part\" cert=\"medium\">",
                "<biblScope unit=\"part\" cert=\"0.5\">",
            ),
            true,
        ),
        (
            "xml_id_not_an_ncname",
            replaced(
                &serge,
                "xml:id=\"resp-editio-maintainers\"",
                "xml:id=\"1-resp\"",
            ),
            false,
        ),
        (
            "name_without_ref",
            replaced(&names, "<placeName ref=\"#sochi\">", "<placeName>"),
            true,
        ),
        (
            "name_with_bad_cert",
            replaced(
                &names,
                "<persName ref=\"#yezhov-nikolai\" cert=\"low\">",
                "<persName ref=\"#yezhov-nikolai\" cert=\"0.2\">",
            ),
            true,
        ),
        (
            "person_without_xml_id",
            replaced(
                &names,
                "<person xml:id=\"yezhov-nikolai\" xml:space=\"preserve\" cert=\"medium\">",
                "<person xml:space=\"preserve\" cert=\"medium\">",
            ),
            true,
        ),
        (
            "person_without_preferred_name",
            replaced(
                &names,
                "<persName type=\"preferred\">Nikolai Yezhov</persName>",
                "<persName>Nikolai Yezhov</persName>",
            ),
            true,
        ),
    ]
}

#[test]
fn editio_rng_rejects_what_editio_promises_never_to_write() {
    if !external("jing") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let cases = broken_documents();
    let files: Vec<PathBuf> = cases
        .iter()
        .map(|(name, text, _)| {
            let path = tmp.path().join(format!("{name}.xml"));
            std::fs::write(&path, text).unwrap();
            path
        })
        .collect();
    let (_, errors) = jing(&editio_rng(), &files);
    let accepted: Vec<_> = files.iter().filter(|f| !errors.contains_key(*f)).collect();
    assert!(accepted.is_empty(), "editio.rng accepts {accepted:#?}");
    assert!(!errors.contains_key(Path::new("<other>")), "{errors:#?}");

    // Where the document is still valid TEI, editio's schema is stricter than TEI.
    let Some(tei_all) = shared_file("schemas/tei_all.rng") else {
        return;
    };
    let (_, tei_errors) = jing(&tei_all, &files);
    for ((name, _, tei_valid), file) in cases.iter().zip(&files) {
        assert_eq!(
            !tei_errors.contains_key(file),
            *tei_valid,
            "{name}: valid TEI expected {tei_valid}: {:?}",
            tei_errors.get(file)
        );
    }
}
