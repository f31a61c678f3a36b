//! The command line itself: help, exit codes, completions, man page.

use super::util::*;

#[test]
fn help_documents_the_exit_codes() {
    let out = editio(&repo()).arg("--help").output().unwrap();
    let text = stdout(&out);
    assert!(text.contains("Exit codes:"), "{text}");
    assert!(text.contains("2  the command could not run"), "{text}");
}

#[test]
fn usage_errors_exit_2() {
    let out = editio(&repo())
        .args(["check", "--no-such-flag"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = editio(&repo()).args(["add", "x.txt"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--id"));
}

/// Exit code 2 when the command could not run as asked (an unknown edition, a bad date, a bad
/// flag value, an unreadable path); 1 when the input is refused or the archive is damaged.
#[test]
fn errors_exit_2_when_the_command_could_not_run_and_1_when_the_archive_is_damaged() {
    let tmp = bundled_copy();
    let code = |args: &[&str]| {
        let out = editio(tmp.path()).args(args).output().unwrap();
        (out.status.code(), stderr(&out))
    };
    for (args, says) in [
        (
            &["remove", "no-such-edition"][..],
            "no edition 'no-such-edition'",
        ),
        (
            &["blocks", "no-such-edition"],
            "no edition 'no-such-edition'",
        ),
        (
            &["release", "--all", "--date", "21 Nov 2026"],
            "--date '21 Nov 2026': neither an RFC 3339 time",
        ),
        (
            &["verify", "--record", "export"],
            "--record: records a verification of the whole archive",
        ),
        (&["add", "nope.txt", "--id", "nope"], "nope.txt"),
        (
            &["log", "serge-proofs-comrade-executioner"],
            "nothing was released yet",
        ),
        // A storage root named wrongly: no server is asked.
        (
            &["storage", "copy", "export/ocfl", "ftp://host/ocfl"],
            "not in ftp://",
        ),
        (
            &["storage", "copy", "export/ocfl", "s3:///ocfl"],
            "names no bucket",
        ),
        (
            &["storage", "copy", "export/ocfl", "s3://bucket/a/../ocfl"],
            "has an empty, `.` or `..` part in its prefix",
        ),
        (
            &["storage", "copy", "editions", "elsewhere"],
            "is not an OCFL 1.1 storage root (no 0=ocfl_1.1)",
        ),
    ] {
        let (status, err) = code(args);
        assert_eq!(status, Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    let file = tmp.path().join("new.txt");
    std::fs::write(&file, "A text.\n").unwrap();
    let (status, err) = code(&[
        "add",
        file.to_str().unwrap(),
        "--id",
        "new-text",
        "--received",
        "2026-13",
    ]);
    assert_eq!(status, Some(2), "{err}");
    assert!(
        err.contains("--received '2026-13': expected an ISO 8601 date"),
        "{err}"
    );

    // A damaged settings file: the archive, not the command line, is at fault.
    let settings = tmp.path().join("editio.toml");
    let mut bytes = std::fs::read(&settings).unwrap();
    bytes.extend_from_slice(b"# \xff\n");
    std::fs::write(&settings, bytes).unwrap();
    let (status, err) = code(&["check"]);
    assert_eq!(status, Some(1), "{err}");
    assert!(
        err.contains("editio.toml: not valid UTF-8 at byte offset"),
        "{err}"
    );
}

#[test]
fn completions_and_man_page_come_from_the_cli_definition() {
    let out = editio(&repo())
        .args(["completions", "bash"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.contains("_editio()") && text.contains("--archive"),
        "bash completion"
    );
    let out = editio(&repo()).arg("man").output().unwrap();
    let text = stdout(&out);
    assert!(
        text.contains(".TH editio") && text.contains("completions"),
        "{text}"
    );
}

#[test]
fn build_checks_and_lists_the_bundled_editions() {
    let tmp = bundled_copy();
    let out = editio(tmp.path()).arg("build").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    for id in [
        "conquest-great-terror-blyukher",
        "kotkin-stalin-waiting-for-hitler-khasan",
        "serge-proofs-comrade-executioner",
    ] {
        assert!(text.contains(&format!("edition {id}")), "{text}");
    }
}

#[test]
fn the_readme_s_table_of_findings_is_the_code_list() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    // The rows `| ED301 | error | ... |` of the table, in order.
    let rows: Vec<(String, String)> = readme
        .lines()
        .filter_map(|l| {
            let mut cells = l.strip_prefix("| ED")?.split('|').map(str::trim);
            let id = format!("ED{}", cells.next()?);
            Some((id, cells.next()?.to_string()))
        })
        .collect();
    let codes: Vec<(String, String)> = editio::diagnostic::codes::ALL
        .iter()
        .map(|c| {
            let severity = match c.severity {
                editio::Severity::Error => "error",
                editio::Severity::Warning => "warning",
            };
            (c.id.to_string(), severity.to_string())
        })
        .collect();
    let missing: Vec<_> = codes.iter().filter(|c| !rows.contains(c)).collect();
    let unknown: Vec<_> = rows.iter().filter(|r| !codes.contains(r)).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "README's table of findings lacks {missing:?} and lists {unknown:?}, which editio does \
         not report (or with another severity)"
    );
}

/// Every family of finding codes editio reports: ED (its own checks), BAG (RFC 8493 bags) and
/// OCFL (the OCFL 1.1 specification's validation codes), each declared with the one `codes!`
/// macro of `diagnostic.rs`.
fn code_families() -> [(&'static str, &'static [editio::diagnostic::Code]); 3] {
    [
        ("ED", editio::diagnostic::codes::ALL),
        ("BAG", editio::archive::bagit::codes::ALL),
        ("OCFL", editio::archive::ocfl::codes::ALL),
    ]
}

#[test]
fn every_code_family_is_declared_once_with_unique_codes_and_meanings() {
    let mut seen = std::collections::BTreeSet::new();
    for (family, codes) in code_families() {
        assert!(!codes.is_empty(), "{family}");
        for code in codes {
            let prefixed = match family {
                "OCFL" => code.id.starts_with('E') || code.id.starts_with('W'),
                _ => code.id.starts_with(family),
            };
            assert!(prefixed, "{family}: {}", code.id);
            assert!(!code.summary.is_empty(), "{}", code.id);
            assert!(seen.insert(code.id), "{} is declared twice", code.id);
        }
    }
}

#[test]
fn with_json_an_error_that_stops_the_command_is_a_record_too() {
    let tmp = tempfile::tempdir().unwrap();
    let out = editio(tmp.path())
        .args(["check", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let text = stdout(&out);
    let record: serde_json::Value = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .find(|v: &serde_json::Value| v["type"] == "error")
        .unwrap_or_else(|| panic!("no error record in {text:?}"));
    assert_eq!(record["exit"], 2);
    assert!(
        record["message"].as_str().unwrap().contains("editio.toml"),
        "{record}"
    );
    // People still read it on stderr.
    assert!(stderr(&out).contains("editio: error:"));
}
