//! `editio init`.

use super::util::*;

#[test]
fn init_creates_an_archive_that_check_accepts() {
    let tmp = empty_archive();
    assert!(tmp.path().join("editio.toml").is_file());
    assert!(tmp.path().join("editions").is_dir());
    let out = editio(tmp.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("0 editions checked: 0 errors"));
}

#[test]
fn init_without_settings_leaves_them_for_check_to_report() {
    let tmp = tempfile::tempdir().unwrap();
    editio(tmp.path()).arg("init").assert().success();
    let out = editio(tmp.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("ED103"), "{text}");
    assert!(text.contains("archive.organisation is empty"), "{text}");
}

#[test]
fn init_refuses_an_existing_archive() {
    let tmp = empty_archive();
    let before = std::fs::read(tmp.path().join("editio.toml")).unwrap();
    let out = editio(tmp.path()).arg("init").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("already holds an editio archive"));
    assert_eq!(
        std::fs::read(tmp.path().join("editio.toml")).unwrap(),
        before
    );
}
