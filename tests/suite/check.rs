//! `editio check` on the bundled archive and on damaged copies of it.

use super::util::*;

#[test]
fn the_bundled_archive_is_clean() {
    let out = editio(&repo()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("3 editions checked: 0 errors, 0 warnings"));
}

#[test]
fn bundled_sources_match_the_seed_provenance_table() {
    let Some(shared) = shared() else {
        eprintln!("skipped: ../shared is not beside the repository");
        return;
    };
    let provenance = std::fs::read_to_string(shared.join("seeds/PROVENANCE.md")).unwrap();
    let mut rows = 0;
    for line in provenance.lines().filter(|l| l.starts_with("| 0")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let (file, sha, bytes) = (cells[1], cells[2], cells[3]);
        let seed = std::fs::read(shared.join("seeds").join(file)).unwrap();
        let edition = std::fs::read_dir(repo().join("editions"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|dir| {
                std::fs::read_to_string(dir.join("edition.toml"))
                    .is_ok_and(|r| r.contains(&format!("file_name = \"{file}\"")))
            })
            .unwrap_or_else(|| panic!("no edition records {file}"));
        let source = std::fs::read(edition.join("source.txt")).unwrap();
        assert_eq!(source, seed, "{} differs from the seed", edition.display());
        assert_eq!(editio::archive::digest::sha256_bytes(&source), sha);
        assert_eq!(source.len().to_string(), bytes);
        rows += 1;
    }
    assert_eq!(rows, 3);
}

#[test]
fn one_changed_byte_in_a_source_is_found_and_named() {
    let tmp = bundled_copy();
    let source = tmp
        .path()
        .join("editions/kotkin-stalin-waiting-for-hitler-khasan/source.txt");
    let mut bytes = std::fs::read(&source).unwrap();
    bytes[1000] ^= 0x01;
    std::fs::write(&source, &bytes).unwrap();
    let out = editio(tmp.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("error[ED303]: editions/kotkin-stalin-waiting-for-hitler-khasan/source.txt"),
        "{text}"
    );
    assert!(text.contains("the record says d33438fca124"), "{text}");
    assert!(!text.contains("ED302"), "same size: {text}");
    assert!(text.contains("1 error"), "{text}");
}

#[test]
fn a_truncated_or_missing_source_is_found() {
    let tmp = bundled_copy();
    let dir = tmp.path().join("editions");
    let conquest = dir.join("conquest-great-terror-blyukher/source.txt");
    let len = std::fs::metadata(&conquest).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&conquest)
        .unwrap()
        .set_len(len - 1)
        .unwrap();
    std::fs::remove_file(dir.join("serge-proofs-comrade-executioner/source.txt")).unwrap();
    let out = editio(tmp.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("ED302]: editions/conquest-great-terror-blyukher/source.txt: source.txt has 4621 bytes; the record says 4622"), "{text}");
    assert!(
        text.contains("ED301]: editions/serge-proofs-comrade-executioner/source.txt"),
        "{text}"
    );
}

#[test]
fn a_broken_record_is_reported_with_line_and_column() {
    let tmp = bundled_copy();
    let record = tmp
        .path()
        .join("editions/serge-proofs-comrade-executioner/edition.toml");
    let text = std::fs::read_to_string(&record).unwrap();
    // Line 6 becomes `title = "Proofs, Comrade Executioner!` with no closing quote.
    let broken = text.replacen(
        "title = \"Proofs, Comrade Executioner!\"",
        "title = \"Proofs, Comrade Executioner!",
        1,
    );
    std::fs::write(&record, broken).unwrap();
    let out = editio(tmp.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = stdout(&out);
    assert!(
        out.contains("error[ED202]: editions/serge-proofs-comrade-executioner/edition.toml:6:"),
        "{out}"
    );
    // The other editions are still checked.
    assert!(out.contains("3 editions checked: 1 error"), "{out}");
}

#[test]
fn every_unknown_field_is_reported_with_its_line() {
    let tmp = bundled_copy();
    let record = tmp
        .path()
        .join("editions/conquest-great-terror-blyukher/edition.toml");
    let text = std::fs::read_to_string(&record).unwrap();
    let text = text.replacen(
        "language = \"en\"",
        "langauge = \"en\"\nlanguage = \"en\"",
        1,
    );
    let text = text.replacen("kind = \"book\"", "kind = \"book\"\npublsher = \"OUP\"", 1);
    // An earlier receipt lists no earlier ones of its own.
    let receipt = |name: &str| {
        format!(
            "file_name = \"{name}\"\ndate = {{ value = \"2020-01-01\", cert = \"confirmed\" }}\n\
             by = {{ cert = \"unknown\" }}\nroute = {{ cert = \"unknown\" }}\nsize = 1\n\
             sha256 = \"{}\"\n",
            "0".repeat(64)
        )
    };
    let text = format!(
        "{text}\n[[received.earlier]]\n{}\n[[received.earlier.earlier]]\n{}",
        receipt("old.txt"),
        receipt("older.txt")
    );
    let nested = text
        .lines()
        .position(|l| l == "[[received.earlier.earlier]]")
        .unwrap()
        + 1;
    std::fs::write(&record, text).unwrap();
    let out = editio(tmp.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = stdout(&out);
    assert!(
        out.contains(&format!(
            "edition.toml:{nested}:20: unknown field `received.earlier.0.earlier`"
        )),
        "{out}"
    );
    assert!(
        out.contains("edition.toml:8:1: unknown field `langauge`"),
        "{out}"
    );
    assert!(
        out.contains("edition.toml:23:1: unknown field `source.publsher`"),
        "{out}"
    );
}

#[test]
fn wrong_values_are_reported_where_they_stand() {
    let tmp = bundled_copy();
    let record = tmp
        .path()
        .join("editions/conquest-great-terror-blyukher/edition.toml");
    let text = std::fs::read_to_string(&record).unwrap();
    let text = text.replacen(
        "date = { value = \"1990\"",
        "date = { value = \"c. 1990\"",
        1,
    );
    let text = text.replacen("kind = \"book\"", "kind = \"novel\"", 1);
    std::fs::write(&record, &text).unwrap();
    let out = editio(tmp.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = stdout(&out);
    assert!(out.contains("ED204]: editions/conquest-great-terror-blyukher/edition.toml:21:8: unknown variant `novel`"), "{out}");

    let text = text.replacen("kind = \"novel\"", "kind = \"book\"", 1);
    std::fs::write(&record, &text).unwrap();
    let out = stdout(&editio(tmp.path()).arg("check").output().unwrap());
    assert!(
        out.contains("edition.toml:26:1: source.date 'c. 1990': expected an ISO 8601 date"),
        "{out}"
    );
}

#[test]
fn json_output_lists_findings_and_a_summary() {
    let tmp = bundled_copy();
    let source = tmp
        .path()
        .join("editions/conquest-great-terror-blyukher/source.txt");
    std::fs::write(&source, "tampered").unwrap();
    let out = editio(tmp.path())
        .args(["check", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("every line is JSON"))
        .collect();
    let codes: Vec<&str> = lines.iter().filter_map(|l| l["code"].as_str()).collect();
    assert_eq!(codes, ["ED302", "ED303"]);
    assert_eq!(lines[0]["edition"], "conquest-great-terror-blyukher");
    assert_eq!(
        lines[0]["location"]["path"],
        "editions/conquest-great-terror-blyukher/source.txt"
    );
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["errors"], 2);
    assert_eq!(summary["editions"].as_array().unwrap().len(), 3);
}

#[test]
fn the_archive_is_found_from_a_subfolder_or_named() {
    let tmp = bundled_copy();
    let sub = tmp.path().join("editions/serge-proofs-comrade-executioner");
    editio(&sub).arg("check").assert().success();
    let elsewhere = tempfile::tempdir().unwrap();
    editio(elsewhere.path())
        .args(["check", "--archive", tmp.path().to_str().unwrap()])
        .assert()
        .success();
    let out = editio(elsewhere.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no editio archive"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_committed_json_schema_is_the_one_the_code_enforces() {
    let committed = std::fs::read_to_string(repo().join("schemas/edition.schema.json")).unwrap();
    assert_eq!(
        committed,
        editio::model::edition_schema(),
        "schemas/edition.schema.json is stale: run `cargo run -- schema > schemas/edition.schema.json`"
    );
}

/// Findings go out as they are found, never gathered: the archive's first, then each
/// edition's in the order of ids, each group by file, line and code. This is the order of a
/// sort of every finding by (edition, file, line, code), and `build` gives the same as `check`.
#[test]
fn findings_stream_in_report_order_and_build_reports_what_check_does() {
    let tmp = bundled_copy();
    let root = tmp.path();
    let editions = root.join("editions");
    let config = root.join("editio.toml");
    let settings = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{settings}\n[unheard]\nof = 1\n")).unwrap();
    std::fs::write(
        editions.join("conquest-great-terror-blyukher/source.txt"),
        "tampered",
    )
    .unwrap();
    let record = editions.join("kotkin-stalin-waiting-for-hitler-khasan/edition.toml");
    let text = std::fs::read_to_string(&record).unwrap();
    std::fs::write(
        &record,
        text.replacen("language = ", "colour = \"red\"\nlanguage = ", 1),
    )
    .unwrap();
    let findings = |command: &str| -> Vec<serde_json::Value> {
        let out = editio(root).args([command, "--json"]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
        stdout(&out)
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|v| v["type"] == "finding")
            .collect()
    };
    let checked = findings("check");
    let editions_named: std::collections::BTreeSet<&str> = checked
        .iter()
        .filter_map(|f| f["edition"].as_str())
        .collect();
    assert!(editions_named.len() >= 2, "{checked:#?}");
    assert!(
        checked.iter().any(|f| f["edition"].is_null()),
        "{checked:#?}"
    );
    let key = |f: &serde_json::Value| {
        (
            f["edition"].as_str().map(str::to_string),
            f["location"]["path"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            f["location"]["line"].as_u64(),
            f["code"].as_str().unwrap_or_default().to_string(),
        )
    };
    let mut sorted = checked.clone();
    sorted.sort_by_key(key);
    assert_eq!(checked, sorted);
    assert_eq!(findings("build"), checked);
    // The library's gathered report holds the same findings in the same order.
    let report = editio::ops::check::check(root).unwrap();
    let gathered: Vec<serde_json::Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            let mut v = serde_json::to_value(d).unwrap();
            v["type"] = "finding".into();
            v
        })
        .collect();
    assert_eq!(gathered, checked);
    assert_eq!(report.errors() + report.warnings(), checked.len());
}
