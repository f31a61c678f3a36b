//! `editio add`: verbatim recording and every refusal, with nothing left behind.

use super::util::*;
use std::path::Path;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Runs `editio add` and asserts that it was refused and that editions/ did not change.
fn refused(archive: &Path, args: &[&str]) -> String {
    let before = listing(&archive.join("editions"));
    let out = editio(archive).arg("add").args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "expected a refusal: {}",
        stderr(&out)
    );
    assert_eq!(
        listing(&archive.join("editions")),
        before,
        "nothing may be left behind"
    );
    stderr(&out)
}

#[test]
fn add_copies_the_bytes_and_records_size_and_checksum() {
    let tmp = empty_archive();
    let bytes = "Line one\r\nJoffe died in 1928.\u{a0}“Quoted”—and a tab\there".as_bytes();
    let file = write(tmp.path(), "Received File.txt", bytes);
    editio(tmp.path())
        .args([
            "add",
            file.to_str().unwrap(),
            "--id",
            "test-text",
            "--title",
            "A Test",
        ])
        .args([
            "--author",
            "Ann Author",
            "--author",
            "Bo Writer",
            "--received",
            "2026-01-02",
        ])
        .assert()
        .success();
    let dir = tmp.path().join("editions/test-text");
    assert_eq!(std::fs::read(dir.join("source.txt")).unwrap(), bytes);
    let record: toml::Table = std::fs::read_to_string(dir.join("edition.toml"))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        record["received"]["size"].as_integer(),
        Some(bytes.len() as i64)
    );
    let sha = editio::archive::digest::sha256_bytes(bytes);
    assert_eq!(record["received"]["sha256"].as_str(), Some(sha.as_str()));
    assert_eq!(
        record["received"]["file_name"].as_str(),
        Some("Received File.txt")
    );
    assert_eq!(
        record["received"]["date"]["value"].as_str(),
        Some("2026-01-02")
    );
    assert_eq!(record["title"].as_str(), Some("A Test"));
    let names: Vec<_> = record["contributors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Ann Author", "Bo Writer"]);
}

#[test]
fn a_new_record_says_what_is_left_to_fill_and_check_lists_it() {
    let tmp = empty_archive();
    let file = write(
        tmp.path(),
        "new.txt",
        b"A new text about Ejov and Boukharine.",
    );
    editio(tmp.path())
        .args(["add", file.to_str().unwrap(), "--id", "new-text"])
        .assert()
        .success();
    let record =
        std::fs::read_to_string(tmp.path().join("editions/new-text/edition.toml")).unwrap();
    assert!(
        record.contains("# TO FILL: the edition's title."),
        "{record}"
    );
    assert!(record.contains("cert = \"todo\""), "{record}");

    let out = editio(tmp.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    for expected in [
        "edition.toml:14:1: the edition has no title",
        "the text's language is not given",
        "a contributor (author) is still to be filled in",
        "source.kind is still to be filled in",
        "source.title is still to be filled in",
        "received.route is still to be filled in",
        "rights.source is still to be filled in",
        "written is still to be filled in",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    // Optional facts are warnings, not errors.
    assert!(
        text.contains("warning[ED206]: editions/new-text/edition.toml:31:1: source.publisher"),
        "{text}"
    );
}

#[test]
fn add_refuses_an_existing_id() {
    let tmp = bundled_copy();
    let file = write(tmp.path(), "other.txt", b"Some other text.");
    let err = refused(
        tmp.path(),
        &[
            file.to_str().unwrap(),
            "--id",
            "conquest-great-terror-blyukher",
        ],
    );
    assert!(
        err.contains("edition 'conquest-great-terror-blyukher' already exists"),
        "{err}"
    );
}

#[test]
fn add_refuses_a_source_already_recorded_and_names_the_edition() {
    let tmp = bundled_copy();
    let copy = tmp.path().join("copy.txt");
    std::fs::copy(
        tmp.path()
            .join("editions/serge-proofs-comrade-executioner/source.txt"),
        &copy,
    )
    .unwrap();
    let err = refused(tmp.path(), &[copy.to_str().unwrap(), "--id", "serge-again"]);
    assert!(
        err.contains("already recorded as edition 'serge-proofs-comrade-executioner'"),
        "{err}"
    );
    assert!(
        err.contains("d57e1214d2f4e73252068f37a7a69c52b958cc65aea5b169b683a60357b200b7"),
        "{err}"
    );
}

#[test]
fn add_refuses_unsafe_ids() {
    let tmp = empty_archive();
    let file = write(tmp.path(), "t.txt", b"text");
    for id in [
        "../escape",
        "Upper-Case",
        "with space",
        "a--b",
        "register",
        "9lives",
        "",
    ] {
        let err = refused(tmp.path(), &[file.to_str().unwrap(), "--id", id]);
        assert!(err.contains("is not a safe edition id"), "{id}: {err}");
    }
}

#[test]
fn add_refuses_invalid_utf8_and_names_the_byte_offset() {
    let tmp = empty_archive();
    // "Ca" then the Windows-1252 byte for "é" (0xE9), invalid on its own in UTF-8.
    let file = write(tmp.path(), "latin.txt", b"line one\nCaf\xe9 Voltaire");
    let err = refused(tmp.path(), &[file.to_str().unwrap(), "--id", "latin"]);
    assert!(
        err.contains("not valid UTF-8 at byte offset 12 (line 2)"),
        "{err}"
    );
    assert!(err.contains("--encoding"), "{err}");
}

#[test]
fn add_with_encoding_keeps_the_original_bytes_and_records_the_encoding() {
    let tmp = empty_archive();
    let bytes = b"Caf\xe9 Voltaire, \x93quoted\x94";
    let file = write(tmp.path(), "latin.txt", bytes);
    editio(tmp.path())
        .args([
            "add",
            file.to_str().unwrap(),
            "--id",
            "latin",
            "--encoding",
            "windows-1252",
        ])
        .assert()
        .success()
        .stdout(predicates::str::contains("windows-1252"));
    let dir = tmp.path().join("editions/latin");
    assert_eq!(std::fs::read(dir.join("source.txt")).unwrap(), bytes);
    let record = std::fs::read_to_string(dir.join("edition.toml")).unwrap();
    assert!(record.contains("encoding = \"windows-1252\""), "{record}");
    // check decodes it with the recorded encoding and finds no problem with the bytes.
    let out = editio(tmp.path()).arg("check").output().unwrap();
    assert!(!stdout(&out).contains("ED30"), "{}", stdout(&out));
}

#[test]
fn add_refuses_an_unknown_encoding_and_bytes_the_encoding_cannot_decode() {
    let tmp = empty_archive();
    let file = write(tmp.path(), "t.txt", b"abc\xff\xfe");
    let out = editio(tmp.path())
        .args([
            "add",
            file.to_str().unwrap(),
            "--id",
            "t",
            "--encoding",
            "klingon",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "a bad flag value: the command could not run"
    );
    assert!(
        stderr(&out).contains("unknown encoding 'klingon'"),
        "{}",
        stderr(&out)
    );
    assert_eq!(listing(&tmp.path().join("editions")), Vec::<String>::new());
    let err = refused(
        tmp.path(),
        &[file.to_str().unwrap(), "--id", "t", "--encoding", "utf-8"],
    );
    assert!(err.contains("malformed bytes at byte offset 3"), "{err}");
}

#[test]
fn add_refuses_an_empty_file() {
    let tmp = empty_archive();
    let file = write(tmp.path(), "empty.txt", b"");
    let err = refused(tmp.path(), &[file.to_str().unwrap(), "--id", "empty"]);
    assert!(err.contains("is empty (0 bytes)"), "{err}");
}

#[test]
fn add_refuses_a_missing_file_with_exit_2() {
    let tmp = empty_archive();
    let out = editio(tmp.path())
        .args(["add", "nope.txt", "--id", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nope.txt"));
    assert_eq!(listing(&tmp.path().join("editions")), Vec::<String>::new());
}

#[test]
fn add_refuses_a_binary_file_even_with_an_encoding_that_decodes_every_byte() {
    let tmp = empty_archive();
    let mut bytes = b"GIF89a".to_vec();
    bytes.extend((0..2000u32).map(|i| (i * 7 % 256) as u8));
    let file = write(tmp.path(), "picture.txt", &bytes);
    for extra in [&[][..], &["--encoding", "windows-1252"]] {
        let mut args = vec![file.to_str().unwrap(), "--id", "picture"];
        args.extend(extra);
        let err = refused(tmp.path(), &args);
        assert!(
            err.contains("a binary file, not text (a NUL byte at byte offset"),
            "{err}"
        );
    }
}

#[test]
fn add_reads_utf16_and_utf32_by_their_marks_and_gives_the_right_advice() {
    let tmp = empty_archive();
    let text = "Hello, Moscow.\n\nA second paragraph.\n";
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let file = write(tmp.path(), "le.txt", &le);
    let err = refused(tmp.path(), &[file.to_str().unwrap(), "--id", "le"]);
    assert!(err.contains("UTF-16 text"), "{err}");
    assert!(err.contains("--encoding utf-16le"), "{err}");
    assert!(!err.contains("windows-1252"), "{err}");
    // Following the advice records it, with its bytes as received.
    editio(tmp.path())
        .args([
            "add",
            file.to_str().unwrap(),
            "--id",
            "le",
            "--encoding",
            "utf-16le",
        ])
        .assert()
        .success();
    assert_eq!(
        std::fs::read(tmp.path().join("editions/le/source.txt")).unwrap(),
        le
    );
    let out = editio(tmp.path()).arg("check").output().unwrap();
    assert!(
        !stdout(&out).contains("ED30") && !stdout(&out).contains("ED401"),
        "{}",
        stdout(&out)
    );

    let mut be = vec![0xFE, 0xFF];
    be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    let file = write(tmp.path(), "be.txt", &be);
    let err = refused(tmp.path(), &[file.to_str().unwrap(), "--id", "be"]);
    assert!(err.contains("--encoding utf-16be"), "{err}");

    let mut utf32 = vec![0xFF, 0xFE, 0, 0];
    utf32.extend(text.chars().flat_map(|c| (c as u32).to_le_bytes()));
    let file = write(tmp.path(), "u32.txt", &utf32);
    let err = refused(tmp.path(), &[file.to_str().unwrap(), "--id", "u32"]);
    assert!(err.contains("UTF-32LE text"), "{err}");
    assert!(err.contains("iconv -f UTF-32LE -t UTF-8"), "{err}");
}

#[cfg(unix)]
#[test]
fn add_refuses_a_named_pipe_and_a_device_without_reading_them() {
    let tmp = empty_archive();
    let pipe = tmp.path().join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .unwrap();
    assert!(made.success());
    for path in [pipe.to_str().unwrap(), "/dev/zero"] {
        let err = refused(tmp.path(), &[path, "--id", "stream"]);
        assert!(err.contains("not a regular file"), "{err}");
    }
}

#[test]
fn many_forbidden_characters_are_listed_a_few_then_grouped() {
    let tmp = empty_archive();
    // Thirty stray control characters in 4000 bytes of text: text, but not XML.
    let mut text = "A paragraph of text. ".repeat(200);
    for i in 0..30 {
        text.insert(i * 100 + 7, '\u{1}');
    }
    let file = write(tmp.path(), "stray.txt", text.as_bytes());
    editio(tmp.path())
        .args(["add", file.to_str().unwrap(), "--id", "stray"])
        .assert()
        .success();
    let out = editio(tmp.path()).arg("check").output().unwrap();
    let text = stdout(&out);
    let found = text.lines().filter(|l| l.contains("error[ED401]")).count();
    assert_eq!(found, 6, "{text}");
    assert!(
        text.contains("and 25 more characters XML 1.0 does not allow"),
        "{text}"
    );
}
