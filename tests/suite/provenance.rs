//! A released source never changes without a recorded receipt (`editio receive`); version
//! messages say what changed; release dates run forward.

use super::util::*;
use std::path::Path;

const ID: &str = "serge-proofs-comrade-executioner";

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    editio(dir).args(args).output().unwrap()
}

fn released_copy() -> tempfile::TempDir {
    let tmp = bundled_copy();
    let out = run(tmp.path(), &["release", "--all", "--date", "2026-11-22"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    tmp
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The source with one word changed.
fn swapped_source(dir: &Path) -> Vec<u8> {
    let text = std::fs::read_to_string(dir.join("editions").join(ID).join("source.txt")).unwrap();
    assert!(text.contains(" the "));
    text.replacen(" the ", " THE ", 1).into_bytes()
}

/// Puts a size and SHA-256 into the record's `[received]` by hand, as an editor could.
fn set_checksum(dir: &Path, bytes: &[u8]) {
    let path = dir.join("editions").join(ID).join("edition.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let out: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with("sha256 = ") {
                format!("sha256 = \"{}\"", sha256(bytes))
            } else if l.starts_with("size = ") {
                format!("size = {}", bytes.len())
            } else {
                l.to_string()
            }
        })
        .collect();
    std::fs::write(&path, out.join("\n") + "\n").unwrap();
}

/// The logical files of version `v` of the edition's object, by path.
fn version_file(dir: &Path, v: u32, logical: &str) -> String {
    let out = run(dir, &["cat", ID, logical, "--version", &format!("v{v}")]);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn a_source_swapped_by_hand_with_its_checksum_is_refused_by_check_build_and_release() {
    let tmp = released_copy();
    let new = swapped_source(tmp.path());
    std::fs::write(
        tmp.path().join("editions").join(ID).join("source.txt"),
        &new,
    )
    .unwrap();
    set_checksum(tmp.path(), &new);
    for cmd in [
        &["check"][..],
        &["build"],
        &["release", "--all", "--date", "2026-12-01"],
    ] {
        let out = run(tmp.path(), cmd);
        let text = stdout(&out) + &stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{cmd:?}: {text}");
        if cmd[0] != "release" {
            assert!(text.contains("error[ED307]"), "{cmd:?}: {text}");
            assert!(text.contains("not the source released in v1"), "{text}");
            assert!(
                text.contains(&format!("editio receive {ID} FILE")),
                "{text}"
            );
        }
    }
    // Nothing was released.
    assert!(
        !tmp.path()
            .join(format!("export/deposit/{ID}-v2.zip"))
            .exists()
    );
}

#[test]
fn a_new_copy_received_properly_is_released_as_v2_with_its_receipt() {
    let tmp = released_copy();
    let new = swapped_source(tmp.path());
    let file = tmp.path().join("corrected.txt");
    std::fs::write(&file, &new).unwrap();
    let old_source =
        std::fs::read(tmp.path().join("editions").join(ID).join("source.txt")).unwrap();
    let out = run(
        tmp.path(),
        &[
            "receive",
            ID,
            file.to_str().unwrap(),
            "--route",
            "e-mail from the translator",
            "--reason",
            "the translator's corrected copy",
            "--date",
            "2026-12-01",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("stays in version 1"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        std::fs::read(tmp.path().join("editions").join(ID).join("source.txt")).unwrap(),
        new
    );
    let check = run(tmp.path(), &["check"]);
    assert!(check.status.success(), "{}", stdout(&check));

    let out = run(tmp.path(), &["release", ID, "--date", "2026-12-02"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains(&format!("released {ID} v2")), "{text}");
    assert!(text.contains("New copy of the source received"), "{text}");
    assert!(text.contains("the translator's corrected copy"), "{text}");

    // v1 keeps the old bytes, v2 holds the new ones.
    assert_eq!(
        version_file(tmp.path(), 1, "source.txt").into_bytes(),
        old_source
    );
    assert_eq!(version_file(tmp.path(), 2, "source.txt").into_bytes(), new);
    // v2's PREMIS log has both receipts, the new one replacing the old.
    let premis = version_file(tmp.path(), 2, "metadata/premis.xml");
    assert!(premis.contains(&sha256(&old_source)), "{premis}");
    assert!(
        premis.contains(&format!(
            "Received corrected.txt ({} bytes) and recorded byte for byte as source.txt, replacing the copy with SHA-256 {}",
            new.len(),
            sha256(&old_source)
        )),
        "{premis}"
    );
    let verify = run(tmp.path(), &["verify"]);
    assert!(verify.status.success(), "{}", stdout(&verify));
}

#[test]
fn receive_refuses_the_same_copy_a_backdated_one_and_a_pipe() {
    let tmp = released_copy();
    let source = tmp.path().join("editions").join(ID).join("source.txt");
    let same = tmp.path().join("same.txt");
    std::fs::copy(&source, &same).unwrap();
    let args = |f: &Path, date: &str| {
        vec![
            "receive".to_string(),
            ID.into(),
            f.display().to_string(),
            "--route".into(),
            "by hand".into(),
            "--reason".into(),
            "a test".into(),
            "--date".into(),
            date.into(),
        ]
    };
    let out = editio(tmp.path())
        .args(args(&same, "2026-12-01"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("already recorded"),
        "{}",
        stderr(&out)
    );

    let new = tmp.path().join("new.txt");
    std::fs::write(&new, swapped_source(tmp.path())).unwrap();
    let out = editio(tmp.path())
        .args(args(&new, "2020-01-01"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("time runs forward"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("2026-11-21"), "{}", stderr(&out));
}

#[test]
fn a_change_without_a_history_entry_is_named_and_warned_about() {
    let tmp = released_copy();
    let record = tmp.path().join("editions").join(ID).join("edition.toml");
    let text = std::fs::read_to_string(&record).unwrap();
    std::fs::write(
        &record,
        text.replacen(
            "title = \"Proofs, Comrade Executioner!\"",
            "title = \"Proofs, Comrade Executioner\"",
            1,
        ),
    )
    .unwrap();
    let out = run(
        tmp.path(),
        &["release", ID, "--date", "2026-12-02", "--json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let line: serde_json::Value = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["type"] == "released")
        .unwrap();
    let message = line["message"].as_str().unwrap();
    assert!(message.contains("changed edition.toml"), "{message}");
    assert!(
        message.contains("the edition's history records no change since v1"),
        "{message}"
    );
    // The last history entry belongs to v1 and is not repeated as if it were new.
    assert!(
        !message.contains("Source recorded byte for byte"),
        "{message}"
    );
    assert!(
        line["warnings"][0]
            .as_str()
            .unwrap()
            .starts_with(&format!("the history of {ID} records no change since v1")),
        "{line}"
    );
}

#[test]
fn a_release_date_before_the_previous_version_or_a_receipt_is_refused() {
    let tmp = released_copy();
    let record = tmp.path().join("editions").join(ID).join("edition.toml");
    let text = std::fs::read_to_string(&record).unwrap();
    std::fs::write(
        &record,
        text.replacen("Proofs, Comrade", "Proofs, comrade", 1),
    )
    .unwrap();
    let released = |dir: &Path| {
        (
            tree(&dir.join("export/ocfl")),
            tree(&dir.join("export/deposit")),
        )
    };
    let before = released(tmp.path());
    let out = run(tmp.path(), &["release", "--all", "--date", "1999-01-01"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("earlier than v1 (2026-11-22T00:00:00Z)"),
        "{}",
        stderr(&out)
    );
    assert!(
        before == released(tmp.path()),
        "a refused release wrote something"
    );

    // A first release before the source was received.
    let fresh = bundled_copy();
    let out = run(fresh.path(), &["release", ID, "--date", "2026-01-01"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("a receipt of its source (2026-11-21)"),
        "{}",
        stderr(&out)
    );
}
