//! `editio verify` through the command: a fresh release is intact; every corruption of a
//! deposit (folder or zip), an OCFL object, export/ and the sources is found and named; the
//! BagIt and OCFL conformance suites agree; hostile zips are refused without writing anything.

use super::util::{bundled_copy, editio, shared, skip, stdout};
use std::io::Write;
use std::path::{Path, PathBuf};

const DATE: &str = "2026-11-21T12:00:00Z";

/// A bundled copy after `editio release --all`.
fn released() -> tempfile::TempDir {
    let tmp = bundled_copy();
    editio(tmp.path())
        .args(["release", "--all", "--date", DATE])
        .assert()
        .success();
    tmp
}

fn deposit(root: &Path) -> PathBuf {
    let dir = root.join("export/deposit");
    let mut zips: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    zips.sort();
    zips.remove(0)
}

/// Runs `editio verify ARGS` in `dir`: (exit code, stdout).
fn verify(dir: &Path, args: &[&Path]) -> (i32, String) {
    let out = editio(dir).arg("verify").args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), stdout(&out))
}

fn unzip(zip: &Path, dest: &Path) -> PathBuf {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    archive.extract(dest).unwrap();
    let top = std::fs::read_dir(dest).unwrap().next().unwrap().unwrap();
    top.path()
}

/// Zips `dir` as one top-level folder named after it.
fn zip_dir(dir: &Path, dest: &Path) {
    fn walk(base: &Path, dir: &Path, zip: &mut zip::ZipWriter<std::fs::File>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let path = e.path();
            let name = path
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let opts = zip::write::SimpleFileOptions::default();
            if path.is_dir() {
                zip.add_directory(format!("{name}/"), opts).unwrap();
                walk(base, &path, zip);
            } else {
                zip.start_file(name, opts).unwrap();
                zip.write_all(&std::fs::read(&path).unwrap()).unwrap();
            }
        }
    }
    let mut zip = zip::ZipWriter::new(std::fs::File::create(dest).unwrap());
    walk(dir.parent().unwrap(), dir, &mut zip);
    zip.finish().unwrap();
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn flip(path: &Path) {
    let mut b = std::fs::read(path).unwrap();
    let i = b.len() / 2;
    b[i] ^= 0x01;
    std::fs::write(path, b).unwrap();
}

fn truncate(path: &Path) {
    let b = std::fs::read(path).unwrap();
    std::fs::write(path, &b[..b.len() / 2]).unwrap();
}

fn copy_tree(from: &Path, to: &Path) {
    super::util::copy_dir(from, to);
}

#[test]
fn a_fresh_release_is_intact() {
    let tmp = released();
    let out = editio(tmp.path()).arg("verify").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("intact"));
    let out = editio(tmp.path())
        .args(["verify", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let last = stdout(&out).lines().last().unwrap().to_string();
    let summary: serde_json::Value = serde_json::from_str(&last).unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["intact"], true);
    assert_eq!(summary["errors"], 0);
    // Sources, export/tei, export/html, export/epub, export/pdf, the storage root, 3 deposits
    // and the consistency check.
    assert_eq!(summary["targets"].as_array().unwrap().len(), 10);
    // Each part on its own too.
    for p in ["export/ocfl", "export/tei/register.xml"] {
        let (code, text) = verify(tmp.path(), &[Path::new(p)]);
        assert_eq!(code, 0, "{p}: {text}");
    }
    let (code, text) = verify(tmp.path(), &[&deposit(tmp.path())]);
    assert_eq!(code, 0, "{text}");
}

#[test]
fn every_corruption_of_a_deposit_is_found_in_the_folder_and_the_zip() {
    let tmp = released();
    let work = tempfile::tempdir().unwrap();
    let pristine = unzip(&deposit(tmp.path()), &work.path().join("pristine"));
    let name = pristine.file_name().unwrap().to_owned();
    let mut cases = 0;
    let mut run = |label: &str, named: &str, damage: &dyn Fn(&Path)| {
        cases += 1;
        let case = work.path().join(format!("case{cases}"));
        let bag = case.join(&name);
        copy_tree(&pristine, &bag);
        damage(&bag);
        let (code, text) = verify(&case, &[Path::new(&name)]);
        assert_eq!(code, 1, "{label} (folder): {text}");
        assert!(
            text.contains(named),
            "{label} (folder) names {named}: {text}"
        );
        let zip = case.join("bag.zip");
        zip_dir(&bag, &zip);
        let (code, text) = verify(&case, &[Path::new("bag.zip")]);
        assert_eq!(code, 1, "{label} (zip): {text}");
        assert!(text.contains(named), "{label} (zip) names {named}: {text}");
    };
    for file in files(&pristine) {
        let rel = file
            .strip_prefix(&pristine)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        run(&format!("flipped {rel}"), &rel, &|bag: &Path| {
            flip(&bag.join(&rel))
        });
    }
    run("deleted", "data/source.txt", &|bag: &Path| {
        std::fs::remove_file(bag.join("data/source.txt")).unwrap()
    });
    run("added", "data/extra.txt", &|bag: &Path| {
        std::fs::write(bag.join("data/extra.txt"), "not in any manifest").unwrap()
    });
    run("truncated", "data/edition.toml", &|bag: &Path| {
        truncate(&bag.join("data/edition.toml"))
    });
    assert!(cases >= 12, "{cases} cases");
    println!("{cases} deposit corruptions found, as folders and as zips");
}

#[test]
fn a_flipped_byte_in_the_zip_itself_is_found() {
    let tmp = released();
    let zip = deposit(tmp.path());
    let bytes = std::fs::read(&zip).unwrap();
    // Every offset within the local entries (before the central directory), sampled.
    let end = bytes.len() - 22;
    let mut found = 0;
    for (n, i) in (0..end).step_by(end / 40 + 1).enumerate() {
        let mut b = bytes.clone();
        b[i] ^= 0x20;
        let case = tmp.path().join(format!("flip{n}.zip"));
        std::fs::write(&case, &b).unwrap();
        let (code, text) = verify(tmp.path(), &[&case]);
        assert_ne!(code, 2, "offset {i}: {text}");
        if code == 1 {
            found += 1;
        }
    }
    println!("{found} of the sampled flips in the zip's bytes detected");
    assert!(found > 0);
}

#[test]
fn fast_checks_sizes_only() {
    let tmp = released();
    let work = tempfile::tempdir().unwrap();
    let bag = unzip(&deposit(tmp.path()), work.path());
    flip(&bag.join("data/source.txt"));
    let out = editio(work.path())
        .args(["verify", "--fast"])
        .arg(&bag)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    truncate(&bag.join("data/source.txt"));
    let out = editio(work.path())
        .args(["verify", "--fast"])
        .arg(&bag)
        .output()
        .unwrap();
    // BagIt records no per-file sizes: a fast check sees the payload's total (Payload-Oxum).
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("BAG032"), "{}", stdout(&out));
}

fn object(root: &Path) -> PathBuf {
    let ocfl = root.join("export/ocfl");
    files(&ocfl)
        .into_iter()
        .find(|f| f.file_name().is_some_and(|n| n == "0=ocfl_object_1.1"))
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf()
}

#[test]
fn every_corruption_of_an_ocfl_object_is_found() {
    let tmp = released();
    let pristine = object(tmp.path());
    let work = tempfile::tempdir().unwrap();
    let mut cases = 0;
    let mut run = |label: &str, named: &str, damage: &dyn Fn(&Path)| {
        cases += 1;
        let obj = work.path().join(format!("case{cases}"));
        copy_tree(&pristine, &obj);
        damage(&obj);
        let (code, text) = verify(work.path(), &[&obj]);
        assert_eq!(code, 1, "{label}: {text}");
        assert!(text.contains(named), "{label} names {named}: {text}");
    };
    for file in files(&pristine) {
        let rel = file
            .strip_prefix(&pristine)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        run(&format!("flipped {rel}"), &rel, &|obj: &Path| {
            flip(&obj.join(&rel))
        });
    }
    run("deleted", "v1/content/source.txt", &|obj: &Path| {
        std::fs::remove_file(obj.join("v1/content/source.txt")).unwrap()
    });
    run("added", "v1/content/extra.txt", &|obj: &Path| {
        std::fs::write(obj.join("v1/content/extra.txt"), "stray").unwrap()
    });
    run("truncated", "v1/content/edition.toml", &|obj: &Path| {
        truncate(&obj.join("v1/content/edition.toml"))
    });
    println!("{cases} OCFL object corruptions found");

    // And through the whole-archive check.
    flip(&pristine.join("v1/content/source.txt"));
    let (code, text) = verify(tmp.path(), &[]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("v1/content/source.txt"), "{text}");
}

#[test]
fn a_changed_export_file_is_ed415() {
    let tmp = released();
    let tei = tmp
        .path()
        .join("export/tei/serge-proofs-comrade-executioner.xml");
    let mut text = std::fs::read_to_string(&tei).unwrap();
    text = text.replacen("<p>", "<p>x", 1);
    std::fs::write(&tei, text).unwrap();
    let (code, out) = verify(tmp.path(), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.lines().any(|l| l.contains("ED415")
            && l.contains("export/tei/serge-proofs-comrade-executioner.xml")),
        "{out}"
    );
    std::fs::remove_file(&tei).unwrap();
    let (code, out) = verify(tmp.path(), &[]);
    assert_eq!(code, 1);
    assert!(out.contains("ED415") && out.contains("is missing"), "{out}");
    // The reading copies are compared too.
    let page = tmp
        .path()
        .join("export/html/conquest-great-terror-blyukher.html");
    flip(&page);
    let epub = tmp
        .path()
        .join("export/epub/kotkin-stalin-waiting-for-hitler-khasan.epub");
    flip(&epub);
    let (_, out) = verify(tmp.path(), &[]);
    for name in [
        "export/html/conquest-great-terror-blyukher.html",
        "export/epub/kotkin-stalin-waiting-for-hitler-khasan.epub",
    ] {
        assert!(
            out.lines().any(|l| l.contains("ED415") && l.contains(name)),
            "{name}: {out}"
        );
    }
}

#[test]
fn a_changed_source_is_ed303() {
    let tmp = released();
    let source = tmp
        .path()
        .join("editions/serge-proofs-comrade-executioner/source.txt");
    flip(&source);
    let (code, out) = verify(tmp.path(), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.lines().any(|l| l.contains("ED303")
            && l.contains("editions/serge-proofs-comrade-executioner/source.txt")),
        "{out}"
    );
}

#[test]
fn a_deposit_that_differs_from_its_version_is_ed602() {
    let tmp = released();
    let zip = deposit(tmp.path());
    let work = tempfile::tempdir().unwrap();
    let bag = unzip(&zip, work.path());
    // A self-consistent bag whose payload is not the version's: rewrite it with bagit's
    // own manifests by hand.
    std::fs::write(bag.join("data/edition.toml"), "changed").unwrap();
    let sha512 = editio::archive::ocfl::digest::digest_bytes(
        editio::archive::ocfl::digest::Algorithm::Sha512,
        b"changed",
    );
    let sha256 = editio::archive::ocfl::digest::digest_bytes(
        editio::archive::ocfl::digest::Algorithm::Sha256,
        b"changed",
    );
    for (m, sum) in [
        ("manifest-sha512.txt", &sha512),
        ("manifest-sha256.txt", &sha256),
    ] {
        let text = std::fs::read_to_string(bag.join(m)).unwrap();
        let fixed: String = text
            .lines()
            .map(|l| {
                if l.ends_with(" data/edition.toml") {
                    format!("{sum}  data/edition.toml\n")
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        std::fs::write(bag.join(m), fixed).unwrap();
    }
    std::fs::remove_file(&zip).unwrap();
    zip_dir(&bag, &zip);
    let (code, out) = verify(tmp.path(), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.lines()
            .any(|l| l.contains("ED602") && l.contains("data/edition.toml")),
        "{out}"
    );
    // A missing deposit is ED604.
    std::fs::remove_file(&zip).unwrap();
    let (code, out) = verify(tmp.path(), &[]);
    assert_eq!(code, 1);
    assert!(out.contains("ED604"), "{out}");
}

#[test]
fn usage_and_unknown_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let out = editio(tmp.path())
        .args(["verify", "no-such-thing"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = super::util::stdout(&out);
    assert!(
        text.contains("error[ED605]: no-such-thing: cannot be read"),
        "{text}"
    );
    std::fs::write(tmp.path().join("notes.txt"), "hello").unwrap();
    let (code, text) = verify(tmp.path(), &[Path::new("notes.txt")]);
    assert_eq!(code, 1);
    assert!(
        text.contains("ED601") && text.contains("notes.txt"),
        "{text}"
    );
    // No path and no archive: could not run.
    let out = editio(tmp.path()).arg("verify").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_tei_file_gets_the_validate_checks() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("bad.xml"), "<TEI><unclosed></TEI>").unwrap();
    let (code, text) = verify(tmp.path(), &[Path::new("bad.xml")]);
    assert_eq!(code, 1);
    assert!(text.contains("ED409") && text.contains("bad.xml"), "{text}");
}

#[test]
fn a_hostile_zip_writes_nothing_and_is_refused() {
    let outer = tempfile::tempdir().unwrap();
    let inner = outer.path().join("inner");
    std::fs::create_dir(&inner).unwrap();
    let zip_path = inner.join("evil.zip");
    {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
        let opts = zip::write::SimpleFileOptions::default();
        for name in [
            "bag/bagit.txt",
            "../evil",
            "bag/../../evil2",
            "/tmp/evil3",
            "bag/data/../../evil4",
        ] {
            zip.start_file(name, opts).unwrap();
            zip.write_all(b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
                .unwrap();
        }
        zip.finish().unwrap();
    }
    let before = super::util::listing(outer.path());
    let (code, text) = verify(&inner, &[Path::new("evil.zip")]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("BAG061") && text.contains("../evil"),
        "{text}"
    );
    assert_eq!(super::util::listing(outer.path()), before);
    assert_eq!(super::util::listing(&inner), vec!["evil.zip".to_string()]);
    assert!(!Path::new("/tmp/evil3").exists());
    // Garbage named .zip: a finding, not a crash.
    std::fs::write(inner.join("junk.zip"), b"PK\x03\x04garbage").unwrap();
    let (code, text) = verify(&inner, &[Path::new("junk.zip")]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("BAG060"), "{text}");
}

fn conformance() -> Option<PathBuf> {
    match shared().map(|s| s.join("conformance")) {
        Some(d) if d.join("bagit").is_dir() && d.join("ocfl/1.1").is_dir() => Some(d),
        _ => {
            skip("../shared/conformance (BagIt suite, OCFL fixtures) is missing");
            None
        }
    }
}

fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

/// Upstream's checkout of this warning case lacks `data/.DS_Store`, which its manifest
/// lists: the bag is honestly incomplete, and verify says so (as the library test documents).
const INCOMPLETE_UPSTREAM: &str = "v0.97/warning/special-system-files";

#[test]
fn bagit_suite_through_the_command() {
    let Some(root) = conformance() else { return };
    let cwd = tempfile::tempdir().unwrap();
    let (mut agree, mut total) = (0, 0);
    let mut disagree = Vec::new();
    for version in subdirs(&root.join("bagit")) {
        for category in subdirs(&version) {
            let cat = category.file_name().unwrap().to_string_lossy().into_owned();
            for bag in subdirs(&category) {
                let id = bag
                    .strip_prefix(root.join("bagit"))
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                let want = match cat.as_str() {
                    "valid" | "warning" if id != INCOMPLETE_UPSTREAM => 0,
                    _ => 1,
                };
                total += 1;
                let (code, text) = verify(cwd.path(), &[&bag]);
                if code == want {
                    agree += 1;
                } else {
                    disagree.push(format!("{id}: exit {code}, want {want}\n{text}"));
                }
            }
        }
    }
    println!("BagIt suite through `editio verify`: {agree}/{total} agree");
    assert!(disagree.is_empty(), "{}", disagree.join("\n"));
    assert!(total > 50);
}

#[test]
fn ocfl_fixtures_through_the_command() {
    let Some(root) = conformance() else { return };
    let cwd = tempfile::tempdir().unwrap();
    let (mut agree, mut total) = (0, 0);
    let mut disagree = Vec::new();
    for (set, want) in [("good-objects", 0), ("warn-objects", 0), ("bad-objects", 1)] {
        for obj in subdirs(&root.join("ocfl/1.1").join(set)) {
            total += 1;
            let (code, text) = verify(cwd.path(), &[&obj]);
            if code == want {
                agree += 1;
            } else {
                disagree.push(format!(
                    "{}: exit {code}, want {want}\n{text}",
                    obj.display()
                ));
            }
        }
    }
    println!("OCFL fixtures through `editio verify`: {agree}/{total} agree");
    assert!(disagree.is_empty(), "{}", disagree.join("\n"));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// The fuzz targets' entry points on arbitrary bytes, in every `cargo test`: no panic.
    #[test]
    fn parsers_take_arbitrary_bytes(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
        editio::archive::bagit::fuzz::fuzz_manifest(&bytes);
        editio::archive::bagit::fuzz::fuzz_bag_info(&bytes);
        editio::archive::ocfl::fuzz::fuzz_inventory(&bytes);
        let mut zip = b"PK\x03\x04".to_vec();
        zip.extend(&bytes);
        editio::archive::bagit::fuzz::fuzz_zip(&zip);
    }
}

#[test]
fn a_name_that_is_no_path_and_no_released_object_says_so() {
    let tmp = released();
    let (code, out) = verify(tmp.path(), &[Path::new("no-such-edition")]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(
            "error[ED605]: no-such-edition: is no file or folder here, nor a released object"
        ) && out.contains("no released object"),
        "{out}"
    );
    assert!(!out.contains("No such file or directory"), "{out}");
}
