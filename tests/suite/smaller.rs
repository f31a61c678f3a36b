//! Smaller promises: `init --archive`, collection deposits only when something changed,
//! `verify --fast` without digests, licences on the SPDX list, `editio remove`, progress counts.

use super::util::*;
use std::path::Path;

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    editio(dir).args(args).output().unwrap()
}

#[test]
fn init_with_archive_creates_the_archive_there() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(
        tmp.path(),
        &["init", "--archive", "new-archive", "--contact", "A"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(tmp.path().join("new-archive/editio.toml").is_file());
    assert!(!tmp.path().join("editio.toml").exists());
}

#[test]
fn a_collection_deposit_is_written_only_when_something_changed() {
    let tmp = bundled_copy();
    let args = ["release", "--all", "--collection", "--date", "2026-11-22"];
    assert!(run(tmp.path(), &args).status.success());
    let zips = |dir: &Path| {
        listing(&dir.join("export/deposit"))
            .into_iter()
            .filter(|n| n.starts_with("collection-"))
            .count()
    };
    assert_eq!(zips(tmp.path()), 1);
    let out = run(
        tmp.path(),
        &["release", "--all", "--collection", "--date", "2026-11-23"],
    );
    assert!(out.status.success());
    assert!(
        stdout(&out).contains("no new collection deposit"),
        "{}",
        stdout(&out)
    );
    assert_eq!(zips(tmp.path()), 1);
}

#[test]
fn verify_fast_checks_ocfl_content_by_presence_not_digest() {
    let tmp = bundled_copy();
    assert!(
        run(tmp.path(), &["release", "--all", "--date", "2026-11-22"])
            .status
            .success()
    );
    // One byte of one stored source changed, its size kept.
    let mut stack = vec![tmp.path().join("export/ocfl")];
    let mut source = None;
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.ends_with("v1/content/source.txt") {
                source = Some(p);
            }
        }
    }
    let source = source.unwrap();
    let mut bytes = std::fs::read(&source).unwrap();
    bytes[0] ^= 0x20;
    std::fs::write(&source, bytes).unwrap();
    let full = run(tmp.path(), &["verify", "export/ocfl"]);
    assert_eq!(full.status.code(), Some(1));
    assert!(stdout(&full).contains("E092"), "{}", stdout(&full));
    let fast = run(tmp.path(), &["verify", "--fast", "export/ocfl"]);
    assert!(fast.status.success(), "{}", stdout(&fast));
    assert!(
        stdout(&fast).contains("fast: sizes only"),
        "{}",
        stdout(&fast)
    );
}

#[test]
fn licences_not_on_the_spdx_list_are_errors() {
    let tmp = bundled_copy();
    let record = tmp
        .path()
        .join("editions/serge-proofs-comrade-executioner/edition.toml");
    let text = std::fs::read_to_string(&record).unwrap();
    let text = text.replacen(
        "[rights]\n",
        "[rights]\nencoding_licence = \"CC BY forever\"\n",
        1,
    );
    std::fs::write(&record, text).unwrap();
    let config = tmp.path().join("editio.toml");
    let settings = std::fs::read_to_string(&config).unwrap();
    let line = settings
        .lines()
        .find(|l| l.starts_with("licence = "))
        .unwrap()
        .to_string();
    std::fs::write(
        &config,
        settings.replacen(&line, "licence = \"CC-BY-4\"", 1),
    )
    .unwrap();
    let out = run(tmp.path(), &["check"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("error[ED204]")
            && text.contains("'CC BY forever' is not an SPDX licence identifier"),
        "{text}"
    );
    assert!(
        text.contains("error[ED103]")
            && text.contains("'CC-BY-4' is not an SPDX licence identifier"),
        "{text}"
    );
}

#[test]
fn remove_takes_an_edition_and_its_outputs_away_and_keeps_its_versions() {
    let tmp = bundled_copy();
    let id = "kotkin-stalin-waiting-for-hitler-khasan";
    assert!(
        run(tmp.path(), &["release", "--all", "--date", "2026-11-22"])
            .status
            .success()
    );
    let out = run(tmp.path(), &["remove", id]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("its released versions (v1 to v1) and deposits stay"));
    assert!(!tmp.path().join("editions").join(id).exists());
    for gone in [
        format!("export/tei/{id}.xml"),
        format!("export/html/{id}.html"),
        format!("export/epub/{id}.epub"),
    ] {
        assert!(!tmp.path().join(&gone).exists(), "{gone}");
    }
    assert!(
        tmp.path()
            .join(format!("export/deposit/{id}-v1.zip"))
            .exists()
    );
    assert!(run(tmp.path(), &["log", id]).status.success());
    assert!(run(tmp.path(), &["build"]).status.success());
    let verify = run(tmp.path(), &["verify"]);
    assert!(verify.status.success(), "{}", stdout(&verify));
    let out = run(tmp.path(), &["remove", id]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn verify_progress_never_counts_past_its_total() {
    let tmp = bundled_copy();
    assert!(
        run(tmp.path(), &["release", "--all", "--date", "2026-11-22"])
            .status
            .success()
    );
    let state = std::sync::Mutex::new((0usize, 0usize, true));
    let on = |p: editio::progress::Progress<'_>| {
        use editio::progress::Progress;
        let mut s = state.lock().unwrap();
        match p {
            Progress::Phase { total: n, .. } | Progress::Total(n) => s.0 = n as usize,
            Progress::Done(n) => {
                s.1 += n as usize;
                if s.1 > s.0 {
                    s.2 = false;
                }
            }
            Progress::Working { .. } => {}
        }
    };
    let report = editio::ops::verify::verify_archive(
        tmp.path(),
        &editio::ops::verify::Options::default(),
        &on,
    )
    .unwrap();
    let (planned, finished, within) = *state.lock().unwrap();
    assert!(within && finished == planned, "[{finished}/{planned}]");
    assert_eq!(report.targets.len(), planned);
}

#[test]
fn the_readme_s_ocfl_validate_command_checks_every_object() {
    if !external("ocfl-validate.py") {
        return;
    }
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let command = readme
        .lines()
        .find(|l| l.contains("xargs -n1 ocfl-validate.py"))
        .expect("the README gives the command");
    let tmp = bundled_copy();
    assert!(
        run(tmp.path(), &["release", "--all", "--date", "2026-11-22"])
            .status
            .success()
    );
    let sh = |dir: &Path| {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(command)
            .current_dir(dir)
            .output()
            .unwrap()
    };
    assert!(sh(tmp.path()).status.success());
    // A stored source with one byte changed: the root alone passes, the command does not.
    let mut stack = vec![tmp.path().join("export/ocfl")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.ends_with("v1/content/source.txt") {
                let mut bytes = std::fs::read(&p).unwrap();
                bytes[0] ^= 0x20;
                std::fs::write(&p, bytes).unwrap();
                stack.clear();
                break;
            }
        }
    }
    let out = sh(tmp.path());
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("INVALID"));
}
