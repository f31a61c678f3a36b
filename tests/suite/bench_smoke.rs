//! The benchmark in small (BENCHMARKS.md): a generated 2 MB archive is built, released and
//! verified end to end, so the benchmark's commands cannot rot. Counts only, never timings.

use super::util::{editio, stderr};

#[test]
fn a_generated_corpus_builds_releases_and_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("corpus");
    let out = editio(tmp.path())
        .args(["bench-corpus", "--size", "2MB", "--editions", "40"])
        .args([
            "--persons",
            "2000",
            "--places",
            "400",
            "--orgs",
            "50",
            "--seed",
            "7",
        ])
        .arg(&root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));

    let out = editio(&root).args(["build", "-q"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let count = |dir: &str, ext: &str| {
        std::fs::read_dir(root.join(dir))
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == ext)
            })
            .count()
    };
    assert_eq!(
        count("export/tei", "xml"),
        41,
        "40 editions and the register"
    );
    assert_eq!(count("export/epub", "epub"), 40);
    assert_eq!(
        count("export/html", "html"),
        41,
        "40 editions and the index"
    );

    let out = editio(&root)
        .args(["release", "--all", "--date", "2026-01-02", "-q"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // Not a terminal: no progress bar on stderr.
    assert!(!stderr(&out).contains('['), "{}", stderr(&out));
    assert_eq!(count("export/deposit", "zip"), 40);

    let out = editio(&root).args(["verify", "-q"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}
