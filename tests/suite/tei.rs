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
        let text = editio::tei_checks::fidelity::tei_text(&tei).unwrap();
        assert_eq!(
            text,
            editio::tei_checks::fidelity::expected_text(&source),
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
        "<author ref=\"#serge-victor\">Victor Serge</author>",
        "<resp>translated by</resp>",
        "<editor cert=\"low\" ref=\"#gerson-herman\">Herman Gerson (pen name Integer)</editor>",
        "<title level=\"j\">International Review</title>",
        "<biblScope unit=\"issue\">8</biblScope>",
        "<date when=\"1936-11\">1936-11</date>",
        "<bibl type=\"transcription\">",
        "<ref target=\"https://revolutionsnewsstand.com/",
        "<language ident=\"en\">English: the text</language>",
        "<application ident=\"editio\"",
        // Front and back matter kept apart from Serge's text.
        "<div type=\"headnote\">",
        "<div type=\"credit\">",
        "<gap reason=\"omitted\" n=\"17\">",
        "<desc type=\"omitted-text\">Leave a comment</desc>",
        // A correction and an editorial note.
        "<choice><sic>Antonoy-Ovseenko</sic><corr resp=\"#resp-editio-maintainers\" cert=\"high\">Antonov-Ovseenko</corr></choice>",
        // Lettered in the order of the text, whatever the record's order.
        "<note type=\"editorial\" place=\"foot\" n=\"a\" xml:id=\"note-a\" resp=\"#resp-editio-maintainers\">“Lomoy”",
        "<note type=\"editorial\" place=\"foot\" n=\"b\" xml:id=\"note-b\" resp=\"#resp-editio-maintainers\">Adolph Joffe died",
        // Divisions of front and back matter have a head, supplied by the editors.
        "<head type=\"supplied\">Credit</head>",
        // Works' titles have their bibliographic level.
        "<title level=\"m\" ref=\"#souvarine-staline\" xml:lang=\"fr\">Staline</title>",
        "<title level=\"j\" ref=\"#international-review\">International Review</title>",
        // Between the source's own quotation marks: plain, so that stylesheets do not quote
        // it again.
        "‘<title level=\"a\" rend=\"plain\" ref=\"#proofs-comrade-executioner\">Proofs, Comrade Executioner!</title>’",
        // The work's own title, not devised.
        "<title type=\"main\">Proofs, Comrade Executioner!</title>",
        // The editor's word on the book and the husband.
        "ambassador <persName ref=\"#joffe-adolph\">Joffe</persName>",
        "<person xml:id=\"joffe-adolph\" xml:space=\"preserve\">",
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
        // The opening paragraphs have no title: they stand in the body, not in a division; the
        // gap where the excerpt begins stands before the paragraph it cuts into.
        "<body>\n      <gap reason=\"excerpt\" extent=\"unknown\">\n        <desc>The excerpt begins here, part-way through the work; what precedes it is not in the source.</desc>\n      </gap>\n      <p n=\"1\">But the Marshal",
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
        text.contains("Wolkenstein") && text.contains("editions/bericht-1938/source.txt:1:"),
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
    assert!(tei.contains("<persName ref=\"#yezhov-nikolai\" xml:lang=\"fr\">Ejov</persName> &amp; <persName ref=\"#bukharin-nikolai\" xml:lang=\"fr\">Boukharine</persName>"));
    // Rights in words alone say nothing a machine can act on: the header does not guess
    // "restricted" or "free", and check asks for a rightsstatements.org statement.
    assert!(tei.contains("<availability status=\"unknown\">"), "{tei}");
    assert!(
        tei.contains("<p>The source text: Public domain.</p>"),
        "{tei}"
    );
    let out = editio(tmp.path()).arg("check").output().unwrap();
    let text = stdout(&out);
    assert!(
        text.contains("ED209") && text.contains("rights.source_statement"),
        "{text}"
    );
    // When the work was written is still to be filled in: the header says it is not known.
    assert!(
        tei.contains("<creation>Written by An Author; when is not known.</creation>"),
        "{tei}"
    );
    // With a statement, the status follows it.
    let record = std::fs::read_to_string(tmp.path().join("editions/letter-1937/edition.toml"))
        .unwrap()
        .replace(
            "# source_statement = \"http://rightsstatements.org/vocab/InC/1.0/\"",
            "source_statement = \"http://rightsstatements.org/vocab/NoC-US/1.0/\"",
        );
    std::fs::write(tmp.path().join("editions/letter-1937/edition.toml"), record).unwrap();
    let out = editio(tmp.path()).arg("build").output().unwrap();
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(!stdout(&out).contains("ED209"), "{}", stdout(&out));
    let tei = std::fs::read_to_string(tmp.path().join("export/tei/letter-1937.xml")).unwrap();
    assert!(tei.contains("<availability status=\"free\">"), "{tei}");
    assert!(
        tei.contains("<licence target=\"http://rightsstatements.org/vocab/NoC-US/1.0/\">The source text: Public domain.</licence>"),
        "{tei}"
    );
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

/// The committed TEI files (editions and register), by name.
fn committed_tei() -> Vec<(String, String)> {
    let dir = repo().join("export/tei");
    files(&dir)
        .into_iter()
        .filter(|n| n.ends_with(".xml"))
        .map(|n| {
            let text = std::fs::read_to_string(dir.join(&n)).unwrap();
            (n, text)
        })
        .collect()
}

/// Every text node of a document with the `xml:lang` in force there.
fn texts_with_language(xml: &str) -> Vec<(String, String)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<String> = vec![String::new()];
    let mut out = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => {
                let lang = e
                    .try_get_attribute("xml:lang")
                    .unwrap()
                    .map(|a| a.value.to_string())
                    .unwrap_or_else(|| stack.last().cloned().unwrap_or_default());
                stack.push(lang);
            }
            Event::End(_) => {
                stack.pop();
            }
            Event::Text(t) => {
                let text = t.xml10_content().into_owned();
                out.push((stack.last().cloned().unwrap_or_default(), text));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

#[test]
fn every_form_in_another_script_says_its_language() {
    let non_latin =
        |c: char| matches!(c as u32, 0x0400..=0x052F | 0x3040..=0x30FF | 0x4E00..=0x9FFF);
    for (name, xml) in committed_tei() {
        let mut langs = std::collections::BTreeSet::new();
        for (lang, text) in texts_with_language(&xml) {
            if text.chars().any(non_latin) {
                assert!(
                    !lang.is_empty() && lang != "en",
                    "{name}: “{text}” is in another script but its language is {lang:?}"
                );
                langs.insert(lang);
            }
        }
        // Every language used is listed in langUsage.
        for lang in &langs {
            assert!(
                xml.contains(&format!("<language ident=\"{lang}\">")),
                "{name}: {lang} is used but not in langUsage"
            );
        }
    }
    let register = std::fs::read_to_string(repo().join("export/tei/register.xml")).unwrap();
    for want in [
        "<persName type=\"original\" xml:lang=\"ru\">Николай Иванович Ежов</persName>",
        "<persName type=\"original\" xml:lang=\"uk\">Юрій Михайлович Коцюбинський</persName>",
        "<persName type=\"original\" xml:lang=\"zh-Hant\">蔣介石</persName>",
        "<persName type=\"original\" xml:lang=\"zh-Hans\">毛泽东</persName>",
        "<placeName type=\"original\" xml:lang=\"ja\">東京</placeName>",
        "<orgName type=\"original\" xml:lang=\"de\">Geheime Staatspolizei</orgName>",
        "<persName type=\"variant\" xml:lang=\"fr\">Boukharine</persName>",
        "<language ident=\"zh-Hant\">Chinese, in traditional Chinese characters: names</language>",
    ] {
        assert!(register.contains(want), "register.xml lacks {want}");
    }
    // In the text, a French rendering of a name says so.
    let serge =
        std::fs::read_to_string(repo().join("export/tei/serge-proofs-comrade-executioner.xml"))
            .unwrap();
    assert!(
        serge.contains("<persName ref=\"#bukharin-nikolai\" xml:lang=\"fr\">Boukharine</persName>")
    );
}

#[test]
fn a_register_form_of_unknown_language_says_so_and_check_asks() {
    let tmp = bundled_copy();
    let path = tmp.path().join("editions/register/places.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replacen("original_lang = \"ru\"\n", "", 1);
    std::fs::write(&path, text).unwrap();
    let out = editio(tmp.path()).arg("check").output().unwrap();
    let report = stdout(&out);
    assert!(
        report.contains("warning[ED508]: editions/register/places.toml:")
            && report.contains("the language of “Сочи” is not given"),
        "{report}"
    );
    editio(tmp.path()).arg("build").assert().success();
    let tei = std::fs::read_to_string(tmp.path().join("export/tei/register.xml")).unwrap();
    assert!(tei.contains("<placeName type=\"original\" xml:lang=\"und-Cyrl\">Сочи</placeName>"));
    assert!(tei.contains(
        "<language ident=\"und-Cyrl\">An undetermined language, in Cyrillic script: names</language>"
    ));
}

#[test]
fn the_published_tei_has_no_working_notes() {
    // Words of how the archive was made or tested, which have no place in a deposit.
    const WORKING: &[&str] = &[
        "gold file",
        "gold list",
        "seed set",
        "seed text",
        "is needed.",
        "TO FILL",
        "TODO",
        "fixture",
        "test suite",
        "benchmark",
        "link carry",
        "links carry",
        "placeholder",
    ];
    for (name, xml) in committed_tei() {
        for word in WORKING {
            // Compared without case, except for the markers written in capitals.
            let found = if word.chars().all(|c| !c.is_lowercase()) {
                xml.contains(word)
            } else {
                xml.to_lowercase().contains(word)
            };
            assert!(!found, "{name} speaks of “{word}”");
        }
    }
}

#[test]
fn the_header_links_declares_and_states_rights_apart() {
    let conquest =
        std::fs::read_to_string(repo().join("export/tei/conquest-great-terror-blyukher.xml"))
            .unwrap();
    let serge =
        std::fs::read_to_string(repo().join("export/tei/serge-proofs-comrade-executioner.xml"))
            .unwrap();
    for want in [
        "<author ref=\"#conquest-robert\">Robert Conquest</author>",
        "<biblStruct type=\"book\" corresp=\"#conquest-great-terror\">",
        "<projectDesc>",
        "<samplingDecl>\n        <p>The text is an excerpt:",
        "<tagsDecl>",
        "<creation>Written by Robert Conquest in <date when=\"1990\" cert=\"medium\">1990</date>.</creation>",
        "<textClass>",
        "<revisionDesc status=\"revised\">",
        "type=\"released\">Released as version 1",
        // The licence of the encoding and the rights in the source, each with its own statement.
        "<availability status=\"restricted\">",
        "<licence target=\"http://rightsstatements.org/vocab/InC/1.0/\">The source text: In copyright.",
    ] {
        assert!(conquest.contains(want), "Conquest lacks {want}");
    }
    for want in [
        "<persName ref=\"#haddon-john\">John Haddon</persName>",
        "<editor cert=\"low\" ref=\"#gerson-herman\">",
        "<textLang mainLang=\"en\">English, translated from French</textLang>",
        "<language ident=\"fr\">French: the language of the original",
        "<availability status=\"unknown\">",
        "<licence target=\"http://rightsstatements.org/vocab/UND/1.0/\">",
    ] {
        assert!(serge.contains(want), "Serge lacks {want}");
    }
    // The source's checksum stands with the received file, not as this publication's identifier.
    for xml in [&conquest, &serge] {
        let publication =
            &xml[xml.find("<publicationStmt>").unwrap()..xml.find("</publicationStmt>").unwrap()];
        assert!(!publication.contains("sha256"), "{publication}");
    }
    // Every @type value used is declared in tagsDecl.
    for (name, xml) in committed_tei() {
        let decl = &xml[xml.find("<tagsDecl>").unwrap()..xml.find("</tagsDecl>").unwrap()];
        let mut reader = quick_xml::Reader::from_str(&xml);
        loop {
            match reader.read_event().unwrap() {
                quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                    let gi = e.local_name().as_ref().to_string();
                    if let Some(t) = e.try_get_attribute("type").unwrap() {
                        let usage = decl
                            .find(&format!("<tagUsage gi=\"{gi}\">"))
                            .map(|i| &decl[i..i + decl[i..].find("</tagUsage>").unwrap()]);
                        assert!(
                            usage.is_some_and(|u| u.contains(&format!("<val>{}</val>", t.value))),
                            "{name}: {gi}/@type={} is not declared",
                            t.value
                        );
                    }
                }
                quick_xml::events::Event::Eof => break,
                _ => {}
            }
        }
    }
}

#[test]
fn register_entries_type_places_names_and_give_dates_as_text() {
    let register = std::fs::read_to_string(repo().join("export/tei/register.xml")).unwrap();
    for want in [
        "<place xml:id=\"moscow\" xml:space=\"preserve\" type=\"city\">",
        "<location>\n            <geo>55.76 37.62</geo>",
        "<persName type=\"pseudonym\">Galen</persName>",
        "<persName type=\"birth\">Lev Davidovich Bronstein</persName>",
        "<birth when=\"1899-03-29\">born 29 March 1899</birth>",
        "<death when=\"1940-02\">died February 1940</death>",
        "<idno type=\"wikidata\">http://www.wikidata.org/entity/Q649</idno>",
        "<title level=\"m\" xml:lang=\"fr\">Staline: Aperçu historique du bolchévisme</title>",
        "<title type=\"original\" xml:lang=\"ru\">Известия</title>",
        "<revisionDesc status=\"revised\">",
        "<respStmt xml:id=\"resp-editio-maintainers\">",
    ] {
        assert!(register.contains(want), "register.xml lacks {want}");
    }
    assert!(!register.contains("<note type=\"kind\">"));
    assert!(!register.contains("https://www.wikidata.org/"));
}

#[test]
fn dates_in_the_text_are_marked_with_their_normalised_form() {
    let read =
        |id: &str| std::fs::read_to_string(repo().join(format!("export/tei/{id}.xml"))).unwrap();
    let conquest = read("conquest-great-terror-blyukher");
    let kotkin = read("kotkin-stalin-waiting-for-hitler-khasan");
    let serge = read("serge-proofs-comrade-executioner");
    for (tei, want) in [
        // The year supplied from the context, and said to be less than certain.
        (
            &conquest,
            "On <date when=\"1938-10-22\" cert=\"medium\">22 October</date>, on",
        ),
        (
            &conquest,
            "<date when=\"1938-10-28\">28 October 1938</date>",
        ),
        (
            &conquest,
            "<date from=\"1937-05\" to=\"1937-06\">May—June 1937</date>",
        ),
        (&conquest, "<date when=\"1938-07\">July 1938</date>"),
        (
            &kotkin,
            "<date notBefore=\"1938-06\" notAfter=\"1938-08\">summer 1938</date>",
        ),
        (&serge, "<date when=\"1936-08-25\">August 25, 1936</date>"),
        (
            &serge,
            "the <date when=\"1917-11-07\">7th of November 1917</date>",
        ),
        (
            &serge,
            "the <date when=\"1936-08-25\" cert=\"medium\">25th of August</date>",
        ),
        (&serge, "<date when=\"1927\">1927</date>"),
        (
            &serge,
            "Vol. 1 No. 8. <date when=\"1936-11\">November, 1936</date>",
        ),
    ] {
        assert!(tei.contains(want), "missing {want}");
    }
    // Numbers that are not dates stay text: counts, and the original's note marks.
    assert!(kotkin.contains("100,000 Japanese casualties.<note"));
    assert!(kotkin.contains("wounded—2,600 fewer.<note"));
    assert!(!kotkin.contains("<date when=\"2600\"") && !conquest.contains("<date when=\"69\""));
    // The reading copy shows the normalised form on hover.
    let page =
        std::fs::read_to_string(repo().join("export/html/conquest-great-terror-blyukher.html"))
            .unwrap();
    assert!(page.contains(
        "<time class=\"date\" datetime=\"1938-10-22\" title=\"1938-10-22 (the year from the context)\">22 October</time>"
    ));
    assert!(
        page.contains("<span class=\"date\" title=\"1937-05 to 1937-06\">May—June 1937</span>")
    );
}
