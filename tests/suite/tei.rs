//! The TEI build: every TEI reproduces its source, builds are deterministic, and a new text in other spellings is linked.

use super::util::*;
use std::path::Path;

fn files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

#[test]
fn building_twice_changes_no_byte() {
    let tmp = bundled_copy();
    editio(tmp.path()).arg("build").assert().success();
    let first: Vec<Vec<u8>> = files(&tmp.path().join("export/tei"))
        .iter()
        .map(|f| std::fs::read(tmp.path().join("export/tei").join(f)).unwrap())
        .collect();
    let out = editio(tmp.path()).arg("build").output().unwrap();
    assert!(stdout(&out).contains("unchanged export/tei/serge-proofs-comrade-executioner.xml"));
    assert!(!stdout(&out).contains(" wrote "), "{}", stdout(&out));
    let second: Vec<Vec<u8>> = files(&tmp.path().join("export/tei"))
        .iter()
        .map(|f| std::fs::read(tmp.path().join("export/tei").join(f)).unwrap())
        .collect();
    assert_eq!(first, second);
}

#[test]
fn every_committed_tei_reproduces_its_source() {
    for id in [
        "conquest-great-terror-blyukher",
        "kotkin-stalin-waiting-for-hitler-khasan",
        "serge-proofs-comrade-executioner",
    ] {
        let tei = std::fs::read(repo().join(format!("export/tei/{id}.xml"))).unwrap();
        let source =
            std::fs::read_to_string(repo().join(format!("editions/{id}/source.txt"))).unwrap();
        let text = editio::validate::fidelity::tei_text(&tei).unwrap();
        assert_eq!(
            text,
            editio::validate::fidelity::expected_text(&source),
            "{id}"
        );
        let tei = String::from_utf8(tei).unwrap();
        let sha = editio::archive::digest::sha256_bytes(source.as_bytes());
        assert!(
            tei.contains(&format!("<idno type=\"sha256\">{sha}</idno>")),
            "{id}: checksum idno"
        );
    }
}

#[test]
fn the_header_and_text_say_what_an_editor_needs() {
    let tei =
        std::fs::read_to_string(repo().join("export/tei/serge-proofs-comrade-executioner.xml"))
            .unwrap();
    for expected in [
        "<author>Victor Serge</author>",
        "<resp>translated by</resp>",
        "<editor cert=\"low\">Herman Gerson (pen name Integer)</editor>",
        "<title level=\"j\">International Review</title>",
        "<biblScope unit=\"issue\">8</biblScope>",
        "<date when=\"1936-11\">1936-11</date>",
        "<bibl type=\"transcription\">",
        "<ref target=\"https://revolutionsnewsstand.com/",
        "<language ident=\"en\">English</language>",
        "<application ident=\"editio\"",
        // Front and back matter kept apart from Serge's text.
        "<div type=\"headnote\">",
        "<div type=\"credit\">",
        "<gap reason=\"omitted\" n=\"17\">",
        "<desc type=\"omitted-text\">Leave a comment</desc>",
        // A correction and an editorial note.
        "<choice><sic>Antonoy-Ovseenko</sic><corr resp=\"#resp-editio-maintainers\" cert=\"high\">Antonov-Ovseenko</corr></choice>",
        "<note type=\"editorial\" place=\"foot\" n=\"a\" xml:id=\"note-a\" resp=\"#resp-editio-maintainers\">Adolph Joffe died",
        // Divisions of front and back matter have a head, supplied by the editors.
        "<head type=\"supplied\">Credit</head>",
        // Works' titles have their bibliographic level.
        "<title level=\"m\" ref=\"#souvarine-staline\">Staline</title>",
        "<title level=\"j\" ref=\"#international-review\">International Review</title>",
        "<title level=\"a\" ref=\"#proofs-comrade-executioner\">Proofs, Comrade Executioner!</title>",
        // The work's own title, not devised.
        "<title type=\"main\">Proofs, Comrade Executioner!</title>",
        // The editor's word on the book and the husband.
        "ambassador <persName ref=\"#joffe-adolph\">Joffe</persName>",
        "<person xml:id=\"joffe-adolph\">",
    ] {
        assert!(tei.contains(expected), "missing {expected}");
    }
    let conquest =
        std::fs::read_to_string(repo().join("export/tei/conquest-great-terror-blyukher.xml"))
            .unwrap();
    for expected in [
        "<biblScope unit=\"chapter\" cert=\"medium\">14: Climax</biblScope>",
        "<note type=\"unknown\">pages: unknown.",
        "Caucasus</placeName>.<note type=\"authorial\" place=\"foot\" n=\"69\"><gap reason=\"notTransmitted\"/></note>",
        "<choice><sic>protoco1</sic><corr resp=\"#resp-editio-maintainers\" cert=\"high\">protocol</corr></choice>.<note type=\"authorial\" place=\"foot\" n=\"73\">",
        // A title made by the editors is marked as devised.
        "<title type=\"main\" subtype=\"devised\">The Arrest and Death of Marshal Blyukher</title>",
        // The opening paragraphs have no title: they stand in the body, not in a division.
        "<body>\n      <p n=\"1\">",
        "<head n=\"9\">THE FALL OF <persName ref=\"#yezhov-nikolai\">YEZHOV</persName></head>",
        "<gap reason=\"excerpt\" extent=\"unknown\">",
    ] {
        assert!(conquest.contains(expected), "missing {expected}");
    }
    // Numbers of the text are not anchors.
    let kotkin = std::fs::read_to_string(
        repo().join("export/tei/kotkin-stalin-waiting-for-hitler-khasan.xml"),
    )
    .unwrap();
    let anchors = kotkin.matches("<note type=\"authorial\"").count();
    assert_eq!(anchors, 11, "notes 217–227");
    assert!(kotkin.contains(
        "100,000 Japanese casualties.<note type=\"authorial\" place=\"foot\" n=\"217\">"
    ));
    assert!(
        kotkin.contains("wounded—2,600 fewer.<note type=\"authorial\" place=\"foot\" n=\"222\">")
    );
    assert!(kotkin.contains(
        "copies of <persName ref=\"#trotsky-leon\">Trotsky</persName>’s<gap reason=\"excerpt\""
    ));
}

#[test]
fn a_new_text_in_other_spellings_is_linked_without_touching_the_register() {
    let tmp = bundled_copy();
    let register_before: Vec<Vec<u8>> = files(&tmp.path().join("editions/register"))
        .iter()
        .map(|f| std::fs::read(tmp.path().join("editions/register").join(f)).unwrap())
        .collect();
    let text = "Jeschow ließ Bucharin verhaften; Schdanow und Chruschtschow schwiegen, und \
                Sinowjew war schon tot. Ein gewisser Professor Wolkenstein notierte alles in Kasan.";
    let file = tmp.path().join("bericht.txt");
    std::fs::write(&file, text).unwrap();
    editio(tmp.path())
        .args([
            "add",
            file.to_str().unwrap(),
            "--id",
            "bericht-1938",
            "--title",
            "Bericht",
        ])
        .args(["--author", "Unbekannt", "--language", "de"])
        .assert()
        .success();
    let out = editio(tmp.path())
        .args(["names", "--json"])
        .output()
        .unwrap();
    let text = stdout(&out);
    for key in [
        "yezhov-nikolai",
        "bukharin-nikolai",
        "zhdanov-andrei",
        "khrushchev-nikita",
        "zinoviev-grigory",
    ] {
        let line = text
            .lines()
            .find(|l| l.contains(&format!("\"key\":\"{key}\"")))
            .unwrap_or_else(|| panic!("{key} not named:\n{text}"));
        assert!(line.contains("\"bericht-1938\":1"), "{line}");
    }
    let out = editio(tmp.path())
        .args(["names", "--unregistered"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        text.contains("Professor Wolkenstein") && text.contains("bericht-1938:1:"),
        "{text}"
    );
    assert!(text.contains("Kasan"), "{text}");
    let register_after: Vec<Vec<u8>> = files(&tmp.path().join("editions/register"))
        .iter()
        .map(|f| std::fs::read(tmp.path().join("editions/register").join(f)).unwrap())
        .collect();
    assert_eq!(register_before, register_after);
}

#[test]
fn a_new_text_gets_valid_tei_once_its_record_is_filled_in() {
    let tmp = empty_archive();
    let file = tmp.path().join("letter.txt");
    std::fs::write(
        &file,
        "A LETTER FROM MOSCOW\n\nDear friend, Ejov & Boukharine met on 3 May.1 The <protocol> was signed.2\n\nTranslated by A. Translator\n\nLeave a comment",
    )
    .unwrap();
    editio(tmp.path())
        .args([
            "add",
            file.to_str().unwrap(),
            "--id",
            "letter-1937",
            "--title",
            "A Letter",
        ])
        .args([
            "--author",
            "An Author",
            "--language",
            "en",
            "--by",
            "Test Library",
        ])
        .assert()
        .success();
    // The editor fills in what the new record marks TO FILL.
    let record = tmp.path().join("editions/letter-1937/edition.toml");
    let text = std::fs::read_to_string(&record)
        .unwrap()
        .replace("kind = \"todo\"", "kind = \"manuscript\"")
        .replace(
            "title = { cert = \"todo\" }",
            "title = { value = \"Letter\", cert = \"confirmed\" }",
        )
        .replace("publisher = { cert = \"todo\" }\n", "")
        .replace(
            "place = { cert = \"todo\" }",
            "place = { value = \"Moscow\", cert = \"inferred\", evidence = \"The heading.\" }",
        )
        .replace(
            "date = { cert = \"todo\" }",
            "date = { cert = \"unknown\", evidence = \"Undated.\" }",
        )
        .replace("pages = { cert = \"todo\" }\n", "")
        .replace(
            "route = { cert = \"todo\" }",
            "route = { value = \"Scanned from the original\", cert = \"confirmed\" }",
        )
        .replace(
            "source = { cert = \"todo\" }",
            "source = { value = \"Public domain\", cert = \"confirmed\" }",
        );
    std::fs::write(&record, text).unwrap();
    // The archive shares the bundled register.
    copy_dir(
        &repo().join("editions/register"),
        &tmp.path().join("editions/register"),
    );
    let out = editio(tmp.path()).arg("build").output().unwrap();
    assert!(out.status.success(), "{}", stdout(&out));
    let tei = std::fs::read_to_string(tmp.path().join("export/tei/letter-1937.xml")).unwrap();
    assert!(
        tei.contains("<head n=\"1\">A LETTER FROM <placeName"),
        "heading with a name"
    );
    assert!(
        tei.contains("&lt;protocol&gt;"),
        "markup characters are text"
    );
    assert!(
        tei.contains("<note type=\"authorial\" place=\"foot\" n=\"1\">"),
        "anchors"
    );
    assert!(
        tei.contains("<div type=\"credit\">") && tei.contains("<gap reason=\"omitted\""),
        "back matter"
    );
    assert!(
        tei.contains("<pubPlace cert=\"medium\">Moscow</pubPlace>"),
        "inferred place"
    );
    assert!(tei.contains("<persName ref=\"#yezhov-nikolai\">Ejov</persName> &amp; <persName ref=\"#bukharin-nikolai\">Boukharine</persName>"));
    // Both schemas accept it.
    if !external("jing") {
        return;
    }
    let Some(tei_all) = shared_file("schemas/tei_all.rng") else {
        return;
    };
    let out = editio(tmp.path())
        .arg("validate")
        .env("EDITIO_TEI_ALL", tei_all)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("editio.rng, tei_all.rng): 0 errors"),
        "{}",
        stdout(&out)
    );
}
