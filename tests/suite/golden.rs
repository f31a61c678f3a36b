//! Golden files: a small fixture edition (`tests/fixtures/golden/archive`: a title line, two
//! headings, note anchors, a correction, an editorial note, names from a register and an omitted
//! footer) is built, and its TEI, HTML and EPUB are compared in full with the files under
//! `tests/fixtures/golden/export`. When a change of output is intended, refresh them with
//! `UPDATE_GOLDEN=1 cargo test golden` and read the difference (`git diff`) before committing.

use super::util::*;
use std::path::{Path, PathBuf};

/// The outputs the golden files cover.
const OUTPUTS: [&str; 3] = ["tei", "html", "epub"];

fn fixture() -> PathBuf {
    repo().join("tests/fixtures/golden")
}

fn update_requested() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1")
}

/// Replaces the golden folder `golden` with the files just built in `built`.
fn update(built: &Path, golden: &Path) {
    if golden.exists() {
        std::fs::remove_dir_all(golden).unwrap();
    }
    copy_dir(built, golden);
}

#[test]
fn the_fixture_edition_builds_to_its_golden_files() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture().join("archive"), tmp.path());
    let out = editio(tmp.path()).arg("build").output().unwrap();
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let mut stale = Vec::new();
    for sub in OUTPUTS {
        let built = tmp.path().join("export").join(sub);
        let golden = fixture().join("export").join(sub);
        if update_requested() {
            update(&built, &golden);
            for (name, _) in editio::render::WEB_FONTS {
                let _ = std::fs::remove_file(golden.join(name));
            }
            continue;
        }
        // The fonts beside the pages are editio's own files, copied as they are: not golden.
        let files = |dir: &Path| {
            let mut t = tree(dir);
            t.retain(|k, _| k.extension().is_none_or(|e| e != "woff2"));
            t
        };
        let (built, golden) = (files(&built), files(&golden));
        let names = |t: &std::collections::BTreeMap<PathBuf, Vec<u8>>| {
            t.keys()
                .map(|k| k.display().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(&built),
            names(&golden),
            "export/{sub} lists other files than tests/fixtures/golden/export/{sub}: \
             refresh with UPDATE_GOLDEN=1 if that is intended"
        );
        for (name, bytes) in &built {
            if golden[name] != *bytes {
                stale.push(format!("{sub}/{}", name.display()));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "the build no longer writes the golden {stale:?}: if the change is intended, run \
         `UPDATE_GOLDEN=1 cargo test golden` and read `git diff tests/fixtures/golden`"
    );
}

#[test]
fn the_golden_tei_covers_the_encoding_and_is_valid() {
    let tei = fixture().join("export/tei/petrova-letter.xml");
    let text = std::fs::read_to_string(&tei).unwrap();
    // What the fixture is there to cover.
    for want in [
        "<choice><sic>protoco1</sic><corr",
        "<note type=\"authorial\" place=\"foot\" n=\"12\">",
        "<note type=\"editorial\"",
        "<persName ref=\"#stalin-joseph\">Stalin</persName>",
        "<gap reason=\"omitted\" n=\"7\">",
        "<head n=\"5\">THE RETURN</head>",
    ] {
        assert!(text.contains(want), "the golden TEI lacks {want}");
    }
    if !external("jing") {
        return;
    }
    let Some(tei_all) = shared_file("schemas/tei_all.rng") else {
        return;
    };
    let out = editio(&repo())
        .args(["validate", "--archive"])
        .arg(fixture().join("archive"))
        .arg("--tei-all")
        .arg(tei_all)
        .arg(&tei)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}
