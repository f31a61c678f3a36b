//! The printed copies: PDF/A-3 files typeset by editio itself. Checked with the tools a library
//! would use on them (poppler's pdfinfo, pdffonts, pdftotext and pdfdetach; qpdf), as
//! stand-ins for veraPDF, which these machines cannot reach: page size and count, every font
//! embedded and none taken from the host, the text extractable, the PDF/A identification in
//! the XMP metadata, the attached TEI, a clean structure, and the same bytes on every build.

use super::util::*;
use editio::archive::digest::sha256_bytes;
use std::path::Path;
use std::process::Command;

const EDITIONS: [&str; 3] = [
    "conquest-great-terror-blyukher",
    "kotkin-stalin-waiting-for-hitler-khasan",
    "serge-proofs-comrade-executioner",
];

fn run(tool: &str, args: &[&str], pdf: &Path) -> (bool, String) {
    let out = Command::new(tool).args(args).arg(pdf).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn text_of(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success(), "pdftotext {}", pdf.display());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The text as one line: words joined by single spaces, and words hyphenated at the end of a
/// line joined again (the texts checked here have no hyphen of their own at a line's end).
/// (pdftotext reads the two columns of the index one after the other.)
fn flat(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        // Typst marks a hyphenation point as a soft hyphen (U+00AD).
        if out.ends_with(['-', '\u{AD}']) {
            out.pop();
        } else if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&line.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    out
}

fn tools() -> bool {
    ["pdfinfo", "pdffonts", "pdftotext", "pdfdetach", "qpdf"]
        .iter()
        .all(|t| external(t))
}

/// A fontconfig setup that knows one empty folder: a program that asked the host for fonts
/// would find none.
fn no_fonts(dir: &Path) -> std::path::PathBuf {
    let fonts = dir.join("no-fonts");
    std::fs::create_dir_all(&fonts).unwrap();
    let conf = dir.join("fonts.conf");
    std::fs::write(
        &conf,
        format!(
            "<?xml version=\"1.0\"?>\n<fontconfig><dir>{}</dir><cachedir>{}</cachedir></fontconfig>\n",
            fonts.display(),
            dir.join("font-cache").display()
        ),
    )
    .unwrap();
    conf
}

#[test]
fn the_bundled_pdfs_are_archival_files_with_the_text_and_the_checksums() {
    if !tools() {
        return;
    }
    let tmp = bundled_copy();
    let out = editio(tmp.path()).arg("build").output().unwrap();
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    for (id, phrase, cyrillic) in [
        (
            EDITIONS[0],
            "He was not yet, however, under arrest.",
            "Василий Константинович Блюхер",
        ),
        (EDITIONS[1], "Khasan", "Лаврентий Павлович Берия"),
        (
            EDITIONS[2],
            "Proofs, comrade executioner, we want proofs!",
            "Григорий Евсеевич Зиновьев",
        ),
    ] {
        let pdf = tmp.path().join(format!("export/pdf/{id}.pdf"));
        let source = std::fs::read(tmp.path().join(format!("editions/{id}/source.txt"))).unwrap();
        let tei = std::fs::read(tmp.path().join(format!("export/tei/{id}.xml"))).unwrap();

        // A4, and as many pages as the text needs: a title page, the text at 250 to 800 words
        // a page, the index of names and the colophon.
        let (ok, info) = run("pdfinfo", &[], &pdf);
        assert!(ok, "{id}: {info}");
        assert!(info.contains("595.276 x 841.89 pts (A4)"), "{id}: {info}");
        let pages: usize = info
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let words = String::from_utf8_lossy(&source).split_whitespace().count();
        let (low, high) = (2 + words / 800, 6 + words / 250);
        assert!(
            (low..=high).contains(&pages),
            "{id}: {pages} pages for {words} words (expected {low} to {high})"
        );
        assert!(
            info.lines()
                .any(|l| l.starts_with("Tagged:") && l.trim_end().ends_with("yes")),
            "{id}: a tagged PDF: {info}"
        );
        assert!(info.contains("2026"), "{id}: dated from the record: {info}");

        // Every font embedded (as a subset), and only the fonts editio ships.
        let (ok, fonts) = run("pdffonts", &[], &pdf);
        assert!(ok, "{fonts}");
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(!rows.is_empty(), "{id}: {fonts}");
        for row in &rows {
            let cols: Vec<&str> = row.split_whitespace().collect();
            // name type [encoding…] emb sub uni object-id: emb is the fifth column from the end.
            assert_eq!(cols[cols.len() - 5], "yes", "{id}: not embedded: {row}");
            let name = cols[0];
            assert!(
                ["LibertinusSerif", "DejaVuSansMono", "NotoSerifCJK"]
                    .iter()
                    .any(|f| name.contains(f)),
                "{id}: a font editio does not ship: {row}"
            );
        }
        assert!(fonts.contains("LibertinusSerif-Regular"), "{id}: {fonts}");

        // The text comes back out: a phrase, a name in Cyrillic, the checksums on one line
        // each.
        let text = text_of(&pdf);
        let flat = flat(&text);
        assert!(flat.contains(phrase), "{id}: {phrase}");
        assert!(flat.contains(cyrillic), "{id}: {cyrillic}");
        for sha in [sha256_bytes(&source), sha256_bytes(&tei)] {
            assert!(
                text.lines().any(|l| l.contains(&sha)),
                "{id}: the checksum {sha} on one line"
            );
        }
        // Nothing meant for the screen.
        for screen in ["point at it", "keyboard", "Back to the top"] {
            assert!(!flat.contains(screen), "{id}: {screen}");
        }

        // PDF/A-3, level A, in the XMP metadata; the title, language and checksum too.
        let (ok, meta) = run("pdfinfo", &["-meta"], &pdf);
        assert!(ok, "{meta}");
        let part =
            meta.contains("<pdfaid:part>3</pdfaid:part>") || meta.contains("pdfaid:part=\"3\"");
        let level = meta.contains("<pdfaid:conformance>A</pdfaid:conformance>")
            || meta.contains("pdfaid:conformance=\"A\"");
        assert!(part && level, "{id}: {meta}");
        assert!(meta.contains(&sha256_bytes(&source)), "{id}: {meta}");

        // The TEI is attached, byte for byte.
        let (ok, list) = run("pdfdetach", &["-list"], &pdf);
        assert!(ok && list.contains(&format!("{id}.xml")), "{id}: {list}");
        let saved = tmp.path().join(format!("{id}-attached.xml"));
        let out = Command::new("pdfdetach")
            .args(["-save", "1", "-o"])
            .arg(&saved)
            .arg(&pdf)
            .output()
            .unwrap();
        assert!(out.status.success());
        assert_eq!(
            std::fs::read(&saved).unwrap(),
            tei,
            "{id}: the attached TEI"
        );

        // qpdf finds nothing wrong in the file's structure.
        let (ok, check) = run("qpdf", &["--check"], &pdf);
        assert!(ok, "{id}: {check}");
        assert!(
            check.contains("No syntax or stream encoding errors found"),
            "{id}: {check}"
        );
    }
}

#[test]
fn the_index_of_names_gives_page_numbers() {
    if !external("pdftotext") {
        return;
    }
    let tmp = bundled_copy();
    editio(tmp.path()).arg("build").assert().success();
    let pdf = tmp.path().join(format!("export/pdf/{}.pdf", EDITIONS[2]));
    // The headings are in small caps, which read back as lowercase letters.
    let text = text_of(&pdf).to_lowercase();
    let index = &text[text.find("index of names").expect("an index")..];
    let index = &index[..index.find("colophon").expect("a colophon after the index")];
    // Each entry ends with the pages it is mentioned on; Zinoviev is named in the text.
    let flat = flat(index);
    let at = flat.find("zinoviev").expect("Zinoviev in the index");
    let after = &flat[at..];
    let pages = &after[after.find(" — ").expect("the page list") + " — ".len()..];
    assert!(
        pages.starts_with(|c: char| c.is_ascii_digit()),
        "page numbers after the entry: {after}"
    );
}

#[test]
fn the_same_bytes_on_every_build_and_without_the_hosts_fonts() {
    let tmp = bundled_copy();
    let conf = no_fonts(tmp.path());
    let out = editio(tmp.path())
        .arg("build")
        .env("FONTCONFIG_FILE", &conf)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    for id in EDITIONS {
        let name = format!("export/pdf/{id}.pdf");
        let built = std::fs::read(tmp.path().join(&name)).unwrap();
        let committed = std::fs::read(repo().join(&name)).unwrap();
        assert!(
            built == committed,
            "{name} differs from the committed file: run `cargo run -- build` and commit it"
        );
    }
    // Typeset again from nothing (no cache): nothing changes.
    std::fs::remove_dir_all(tmp.path().join("export/.build-cache")).unwrap();
    let out = editio(tmp.path()).arg("build").output().unwrap();
    let text = stdout(&out);
    assert!(out.status.success());
    assert!(!text.contains("wrote export/pdf"), "{text}");
}

#[test]
fn no_pdf_skips_them() {
    let tmp = bundled_copy();
    editio(tmp.path())
        .args(["build", "--no-pdf"])
        .assert()
        .success();
    assert!(tmp.path().join("export/html/index.html").is_file());
    assert!(!tmp.path().join("export/pdf").exists());
    // The next build makes them: a build without PDFs does not stand in for one with them.
    editio(tmp.path()).arg("build").assert().success();
    assert!(
        tmp.path()
            .join(format!("export/pdf/{}.pdf", EDITIONS[0]))
            .is_file()
    );
}

/// The Conquest edition with a paragraph added to its source (and its record's size and
/// checksum updated).
fn with_added_paragraph(dir: &Path, paragraph: &str) {
    let folder = dir.join(format!("editions/{}", EDITIONS[0]));
    let source = folder.join("source.txt");
    let old = std::fs::read(&source).unwrap();
    let mut new = old.clone();
    new.extend_from_slice(format!("\n\n{paragraph}\n").as_bytes());
    std::fs::write(&source, &new).unwrap();
    let record = folder.join("edition.toml");
    let text = std::fs::read_to_string(&record).unwrap();
    let text = text
        .replace(&sha256_bytes(&old), &sha256_bytes(&new))
        .replace(
            &format!("size = {}", old.len()),
            &format!("size = {}", new.len()),
        );
    std::fs::write(&record, text).unwrap();
}

#[test]
fn a_character_no_font_has_is_a_finding_and_shows_its_code_point() {
    if !external("pdftotext") {
        return;
    }
    let tmp = bundled_copy();
    with_added_paragraph(tmp.path(), "An alchemical sign 🜁 stands here.");
    let out = editio(tmp.path()).args(["build"]).output().unwrap();
    let err = format!("{}{}", stdout(&out), stderr(&out));
    assert!(out.status.success(), "{err}");
    assert!(err.contains("ED701"), "{err}");
    assert!(err.contains("U+1F701"), "{err}");
    assert!(
        err.contains(&format!("editions/{}/source.txt:", EDITIONS[0])),
        "the finding names the file and line: {err}"
    );
    let text = text_of(&tmp.path().join(format!("export/pdf/{}.pdf", EDITIONS[0])));
    let flat = flat(&text);
    assert!(
        flat.contains("An alchemical sign [U+1F701] stands here."),
        "{flat}"
    );
}

#[test]
fn source_text_is_printed_as_text_never_read_as_typst() {
    if !external("pdftotext") {
        return;
    }
    let tmp = bundled_copy();
    let hostile = r#"Hostile #set page(width: 2cm) and #pagebreak() ] [ $x^2$ *bold* _it_ @ref <lab> `raw` \ back\slash // no comment /* here */ = end"#;
    with_added_paragraph(tmp.path(), hostile);
    let out = editio(tmp.path()).args(["build"]).output().unwrap();
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let pdf = tmp.path().join(format!("export/pdf/{}.pdf", EDITIONS[0]));
    let flat = flat(&text_of(&pdf));
    let want = hostile.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(&want), "{flat}");
    let (_, info) = run("pdfinfo", &[], &pdf);
    assert!(info.contains("(A4)"), "{info}");
}

#[test]
fn a_deposit_carries_the_pdf() {
    let tmp = bundled_copy();
    let out = editio(tmp.path())
        .args(["release", EDITIONS[0], "--date", "2026-11-21T12:00:00Z"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let pdf = std::fs::read(tmp.path().join(format!("export/pdf/{}.pdf", EDITIONS[0]))).unwrap();
    let zip = tmp
        .path()
        .join(format!("export/deposit/{}-v1.zip", EDITIONS[0]));
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
    let name = format!("{}-v1/data/pdf/{}.pdf", EDITIONS[0], EDITIONS[0]);
    let mut entry = archive
        .by_name(&name)
        .unwrap_or_else(|_| panic!("{name} in the deposit"));
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
    assert!(bytes == pdf, "the deposit's PDF is the built one");
}
