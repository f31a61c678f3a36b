//! `editio release`: versions and deposits that are reproducible, immutable, atomic, and
//! accepted by the field's own validators.

use super::util::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const DATE: &str = "2026-11-21T12:00:00Z";

fn release(dir: &Path, args: &[&str]) -> std::process::Output {
    editio(dir).arg("release").args(args).output().unwrap()
}

/// The bundled archive with `[build] pdf = false`: what these tests check does not depend on
/// the PDFs, and typesetting them would make every release take seconds instead of a fraction
/// of one (a release with PDFs: `pdf.rs`).
fn unprinted_copy() -> tempfile::TempDir {
    let tmp = bundled_copy();
    let config = tmp.path().join("editio.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains("pdf = true"));
    std::fs::write(&config, text.replace("pdf = true", "pdf = false")).unwrap();
    tmp
}

fn released_copy() -> tempfile::TempDir {
    let tmp = unprinted_copy();
    let out = release(tmp.path(), &["--all", "--date", DATE]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    tmp
}

#[test]
fn releasing_twice_with_the_same_time_gives_the_same_bytes() {
    let (a, b) = (released_copy(), unprinted_copy());
    // The second one takes its time from SOURCE_DATE_EPOCH (2026-11-21T12:00:00Z).
    let out = editio(b.path())
        .args(["release", "--all"])
        .env("SOURCE_DATE_EPOCH", "1795262400")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let (ta, tb) = (
        tree(&a.path().join("export")),
        tree(&b.path().join("export")),
    );
    assert!(
        ta.keys().any(|k| k.starts_with("deposit")) && ta.keys().any(|k| k.starts_with("ocfl"))
    );
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (k, v) in &ta {
        assert!(
            tb[k] == *v,
            "{} differs between two releases of the same state",
            k.display()
        );
    }
}

#[test]
fn a_release_with_no_change_writes_nothing_and_says_so() {
    let tmp = released_copy();
    let before = tree(&tmp.path().join("export"));
    let out = release(tmp.path(), &["--all", "--date", "2026-12-01"]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.contains("serge-proofs-comrade-executioner: no change since v1; nothing written"),
        "{text}"
    );
    assert_eq!(before, tree(&tmp.path().join("export")));
}

#[test]
fn a_changed_record_makes_a_new_version_of_that_edition_alone() {
    let tmp = released_copy();
    let record = tmp
        .path()
        .join("editions/kotkin-stalin-waiting-for-hitler-khasan/edition.toml");
    let mut text = std::fs::read_to_string(&record).unwrap();
    text.push_str("\n[[history]]\ndate = \"2026-12-01\"\nby = \"editio maintainers\"\nchange = \"Place of publication confirmed.\"\n");
    let text = text.replace(
        "place = { cert = \"unknown\", evidence = \"Not stated in the provenance notes; no place is claimed.\" }",
        "place = { value = \"New York\", cert = \"confirmed\", evidence = \"Title page of the first printing.\" }",
    );
    std::fs::write(&record, text).unwrap();
    let out = release(
        tmp.path(),
        &[
            "--all",
            "--date",
            "2026-12-01T09:00:00Z",
            "--message",
            "Place confirmed",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("released kotkin-stalin-waiting-for-hitler-khasan v2"),
        "{text}"
    );
    assert!(
        text.contains("conquest-great-terror-blyukher: no change since v1"),
        "{text}"
    );
    assert!(
        text.contains("serge-proofs-comrade-executioner: no change since v1"),
        "{text}"
    );
    // Only what changed is stored again: the source and the register excerpt are reused.
    let ocfl = tree(&tmp.path().join("export/ocfl"));
    let v2: Vec<String> = ocfl
        .keys()
        .map(|k| k.to_string_lossy().into_owned())
        .filter(|k| k.contains("/v2/content/"))
        .collect();
    assert!(!v2.is_empty());
    assert!(
        v2.iter()
            .all(|k| !k.ends_with("source.txt") && !k.ends_with("register.xml")),
        "{v2:?}"
    );
    assert!(v2.iter().any(|k| k.ends_with("edition.toml")), "{v2:?}");
    assert!(
        tmp.path()
            .join("export/deposit/kotkin-stalin-waiting-for-hitler-khasan-v2.zip")
            .is_file()
    );
    assert!(
        !tmp.path()
            .join("export/deposit/serge-proofs-comrade-executioner-v2.zip")
            .exists()
    );
    // The v1 deposit is untouched.
    let fresh = released_copy();
    let name = "export/deposit/kotkin-stalin-waiting-for-hitler-khasan-v1.zip";
    assert_eq!(
        std::fs::read(tmp.path().join(name)).unwrap(),
        std::fs::read(fresh.path().join(name)).unwrap()
    );
}

#[test]
fn a_released_version_is_never_rewritten() {
    let tmp = released_copy();
    let record = tmp
        .path()
        .join("editions/serge-proofs-comrade-executioner/edition.toml");
    let mut text = std::fs::read_to_string(&record).unwrap();
    text.push_str("\n[[history]]\ndate = \"2026-12-02\"\nchange = \"A change.\"\n");
    std::fs::write(&record, text).unwrap();
    // A stray deposit under v2's name, which the storage root does not have.
    let stray = tmp
        .path()
        .join("export/deposit/serge-proofs-comrade-executioner-v2.zip");
    std::fs::write(&stray, b"not ours").unwrap();
    let out = release(
        tmp.path(),
        &["serge-proofs-comrade-executioner", "--date", "2026-12-02"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("a deposit of version 2 exists"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&stray).unwrap(), b"not ours");
}

#[test]
fn a_failed_deposit_is_completed_by_the_next_release() {
    let tmp = unprinted_copy();
    // The deposit folder cannot be created: the OCFL version is written, the zip is not.
    std::fs::create_dir_all(tmp.path().join("export")).unwrap();
    std::fs::write(tmp.path().join("export/deposit"), b"a file in the way").unwrap();
    let out = release(tmp.path(), &["--all", "--date", DATE]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    std::fs::remove_file(tmp.path().join("export/deposit")).unwrap();
    let out = release(tmp.path(), &["--all", "--date", DATE]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("released conquest-great-terror-blyukher v1")
            || text.contains("the deposit of v1 was missing"),
        "{text}"
    );
    // The result is byte for byte what an uninterrupted release makes.
    let fresh = released_copy();
    assert_eq!(
        tree(&tmp.path().join("export")),
        tree(&fresh.path().join("export"))
    );
}

#[test]
fn a_release_killed_at_any_moment_leaves_old_or_complete_versions() {
    let fresh = released_copy();
    let want = tree(&fresh.path().join("export"));
    // Kill points spread over a whole release (a release takes a few hundred milliseconds).
    for delay_ms in (0u64..=360).step_by(15) {
        let tmp = unprinted_copy();
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("editio"))
            .current_dir(tmp.path())
            .args(["release", "--all", "--date", DATE])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        // No partial zip under a final name: every deposit present is complete.
        let dep = tmp.path().join("export/deposit");
        for (name, bytes) in tree(&dep) {
            let key = PathBuf::from("deposit").join(&name);
            if name.to_string_lossy().ends_with(".zip") {
                assert_eq!(
                    Some(&bytes),
                    want.get(&key),
                    "{} is partial (killed after {delay_ms} ms)",
                    name.display()
                );
            }
        }
        // Releasing again completes the job, byte for byte.
        let out = release(tmp.path(), &["--all", "--date", DATE]);
        assert!(
            out.status.success(),
            "after a kill at {delay_ms} ms: {}",
            stderr(&out)
        );
        // Nothing of the interrupted release is left: its temporary files were removed.
        let got: BTreeMap<_, _> = tree(&tmp.path().join("export"));
        let verify = editio(tmp.path()).arg("verify").output().unwrap();
        assert!(
            verify.status.success() && !stdout(&verify).contains("ED606"),
            "after a kill at {delay_ms} ms: {}",
            stdout(&verify)
        );
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            want.keys().collect::<Vec<_>>(),
            "after a kill at {delay_ms} ms"
        );
        assert!(
            got == want,
            "after a kill at {delay_ms} ms the result differs"
        );
    }
}

#[test]
fn the_field_s_validators_accept_the_storage_root_and_every_deposit() {
    let tmp = released_copy();
    if external("ocfl-validate.py") {
        let out = std::process::Command::new("ocfl-validate.py")
            .arg(tmp.path().join("export/ocfl"))
            .output()
            .unwrap();
        let text = format!("{}{}", stdout(&out), stderr(&out));
        assert!(
            out.status.success() && !text.contains("[E") && !text.contains("ERROR"),
            "{text}"
        );
    }
    if external("bagit.py") {
        for (name, _) in tree(&tmp.path().join("export/deposit")) {
            let unpacked = tempfile::tempdir().unwrap();
            let zip = std::fs::File::open(tmp.path().join("export/deposit").join(&name)).unwrap();
            zip::ZipArchive::new(zip)
                .unwrap()
                .extract(unpacked.path())
                .unwrap();
            let bag = std::fs::read_dir(unpacked.path())
                .unwrap()
                .next()
                .unwrap()
                .unwrap()
                .path();
            let out = std::process::Command::new("bagit.py")
                .arg("--validate")
                .arg(&bag)
                .output()
                .unwrap();
            assert!(out.status.success(), "{}: {}", name.display(), stderr(&out));
            let info = std::fs::read_to_string(bag.join("bag-info.txt")).unwrap();
            for field in [
                "Source-Organization:",
                "Contact-Name:",
                "External-Identifier: urn:editio:bundled:",
                "External-Description:",
                "Bagging-Date: 2026-11-21",
                "Payload-Oxum:",
                "Bag-Group-Identifier:",
                "Bag-Software-Agent: editio",
                "Version: 1",
            ] {
                assert!(
                    info.contains(field),
                    "{}: bag-info.txt lacks {field}",
                    name.display()
                );
            }
            for f in [
                "manifest-sha256.txt",
                "manifest-sha512.txt",
                "tagmanifest-sha256.txt",
                "data/metadata/dc.xml",
                "data/metadata/premis.xml",
                "data/source.txt",
            ] {
                assert!(bag.join(f).is_file(), "{}: no {f}", name.display());
            }
        }
    }
}

#[test]
fn the_collection_deposit_holds_every_edition_and_the_register() {
    let tmp = unprinted_copy();
    let out = release(tmp.path(), &["--all", "--collection", "--date", DATE]);
    assert!(out.status.success(), "{}", stderr(&out));
    let zip = tmp
        .path()
        .join("export/deposit/collection-20261121T120000Z.zip");
    let archive = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
    let names: Vec<String> = archive
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .collect();
    for want in [
        "collection-20261121T120000Z/data/register.xml",
        "collection-20261121T120000Z/data/serge-proofs-comrade-executioner/v1/source.txt",
        "collection-20261121T120000Z/data/conquest-great-terror-blyukher/v1/tei/conquest-great-terror-blyukher.xml",
    ] {
        assert!(names.iter().any(|n| n == want), "{want} not in {names:?}");
    }
}

#[test]
fn recorded_verifications_go_into_the_next_version_s_premis_log() {
    let tmp = released_copy();
    let out = editio(tmp.path())
        .args(["verify", "--record"])
        .env("SOURCE_DATE_EPOCH", "1795348800") // 2026-11-22T12:00:00Z
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains(
        "recorded a fixity check (success) in editions/serge-proofs-comrade-executioner/events.toml"
    ));
    let log = std::fs::read_to_string(
        tmp.path()
            .join("editions/serge-proofs-comrade-executioner/events.toml"),
    )
    .unwrap();
    assert!(
        log.contains("type = \"fixity check\"") && log.contains("2026-11-22T12:00:00Z"),
        "{log}"
    );
    // A recorded verification alone makes no new version...
    let out = release(tmp.path(), &["--all", "--date", "2026-11-23"]);
    assert!(
        stdout(&out).contains("serge-proofs-comrade-executioner: no change since v1"),
        "{}",
        stdout(&out)
    );
    // ...but the next version's PREMIS log carries it, in the order events happened.
    let record = tmp
        .path()
        .join("editions/serge-proofs-comrade-executioner/edition.toml");
    let mut text = std::fs::read_to_string(&record).unwrap();
    text.push_str("\n[[history]]\ndate = \"2026-11-24\"\nchange = \"Rights checked.\"\n");
    std::fs::write(&record, text).unwrap();
    let out = release(
        tmp.path(),
        &[
            "serge-proofs-comrade-executioner",
            "--date",
            "2026-11-24T10:00:00Z",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let zip = std::fs::File::open(
        tmp.path()
            .join("export/deposit/serge-proofs-comrade-executioner-v2.zip"),
    )
    .unwrap();
    let mut archive = zip::ZipArchive::new(zip).unwrap();
    let mut premis = String::new();
    std::io::Read::read_to_string(
        &mut archive
            .by_name("serge-proofs-comrade-executioner-v2/data/metadata/premis.xml")
            .unwrap(),
        &mut premis,
    )
    .unwrap();
    let order: Vec<usize> = [
        "<eventType>ingestion",
        "<eventIdentifierValue>release-v1",
        "<eventType>fixity check",
        "<eventIdentifierValue>release-v2",
    ]
    .iter()
    .map(|needle| {
        premis
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} not in PREMIS:\n{premis}"))
    })
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "events out of order: {order:?}"
    );
    // Only a whole-archive verification is recorded.
    let out = editio(tmp.path())
        .args(["verify", "--record", "export/ocfl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_recorded_failed_verification_names_only_the_damaged_edition() {
    let tmp = released_copy();
    let source = tmp
        .path()
        .join("editions/kotkin-stalin-waiting-for-hitler-khasan/source.txt");
    let mut bytes = std::fs::read(&source).unwrap();
    bytes[10] ^= 1;
    std::fs::write(&source, bytes).unwrap();
    let out = editio(tmp.path())
        .args(["verify", "--record"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let log = |id: &str| {
        std::fs::read_to_string(tmp.path().join(format!("editions/{id}/events.toml"))).unwrap()
    };
    let kotkin = log("kotkin-stalin-waiting-for-hitler-khasan");
    assert!(
        kotkin.contains("outcome = \"failure\"") && kotkin.contains("ED303"),
        "{kotkin}"
    );
    assert!(log("serge-proofs-comrade-executioner").contains("outcome = \"success\""));
    assert!(log("conquest-great-terror-blyukher").contains("outcome = \"success\""));
}

#[test]
fn a_file_named_as_the_storage_root_is_refused_by_name_and_left_alone() {
    let tmp = unprinted_copy();
    let file = tmp.path().join("not-a-root");
    std::fs::write(&file, "notes\n").unwrap();
    let path = file.to_str().unwrap();
    for args in [
        vec!["release", "--all", "--date", DATE, "--storage", path],
        vec!["log", "serge-proofs-comrade-executioner", "--storage", path],
    ] {
        let out = editio(tmp.path()).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!("{path}: exists and is not a folder")),
            "{args:?}: {err}"
        );
        assert!(!err.contains("caused by"), "{args:?}: {err}");
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "notes\n");
}

#[test]
fn a_release_to_a_new_storage_root_beside_earlier_deposits_is_refused_before_it_writes() {
    let tmp = released_copy();
    let deposits = tmp.path().join("export/deposit");
    let before = std::fs::read_dir(&deposits).unwrap().count();
    let elsewhere = tmp.path().join("elsewhere");
    let path = elsewhere.to_str().unwrap();
    let out = release(tmp.path(), &["--all", "--date", DATE, "--storage", path]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("-v1.zip: a deposit of version 1 exists but the storage root has no such")
            && err.contains("editio storage copy FROM TO"),
        "{err}"
    );
    // Refused while planning: no storage root made, no deposit written.
    assert!(!elsewhere.exists(), "a refused release made {path}");
    assert_eq!(std::fs::read_dir(&deposits).unwrap().count(), before);
    // What the message says to do: take the released versions along, then release.
    let copy = editio(tmp.path())
        .args(["storage", "copy", "export/ocfl", path])
        .output()
        .unwrap();
    assert!(copy.status.success(), "{}", stderr(&copy));
    let later = "2026-12-01T12:00:00Z";
    let out = release(tmp.path(), &["--all", "--date", later, "--storage", path]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let verify = editio(tmp.path()).args(["verify", path]).output().unwrap();
    assert!(verify.status.success(), "{}", stdout(&verify));
}
