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
fn the_readme_documents_every_finding_code() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let missing: Vec<&str> = editio::diagnostic::codes::ALL
        .iter()
        .map(|c| c.id)
        .filter(|id| !readme.contains(&format!("| {id} |")))
        .collect();
    assert!(
        missing.is_empty(),
        "README's table of findings lacks {missing:?}"
    );
}
