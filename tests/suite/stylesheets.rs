//! A real client reads the TEI: the TEI Consortium's own stylesheets (`html/html.xsl`, XSLT 2.0,
//! run with Saxon-HE) turn every committed TEI file, and a new text's, into HTML, and the result
//! must read as a reader expects: no empty numbered heading, the original's and the editors'
//! notes as notes, every name of the text on the page, the edition's title shown.

use super::util::*;
use quick_xml::events::Event;
use std::path::{Path, PathBuf};

/// Saxon-HE as Debian installs it (`libsaxonhe-java`).
const SAXON: &str = "/usr/share/java/Saxon-HE.jar";

fn saxon() -> Option<PathBuf> {
    if !external("java") {
        return None;
    }
    let jar = PathBuf::from(SAXON);
    if jar.is_file() {
        Some(jar)
    } else {
        skip("Saxon-HE is not installed (apt-get install libsaxonhe-java)");
        None
    }
}

/// Runs the TEI Stylesheets' HTML conversion over every file of `input` into `output`.
fn to_html(jar: &Path, xsl: &Path, input: &Path, output: &Path) {
    let out = std::process::Command::new("java")
        .arg("-jar")
        .arg(jar)
        .arg(format!("-s:{}", input.display()))
        .arg(format!("-xsl:{}", xsl.display()))
        .arg(format!("-o:{}", output.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "Saxon failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The text of an HTML page (tags left out, the usual entities read), spaces collapsed.
fn page_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What a TEI file says a reader must find: its main title, the names in its text, and how
/// many footnotes it has.
struct Expected {
    title: String,
    names: Vec<String>,
    notes: usize,
}

fn expected(tei: &str) -> Expected {
    let mut reader = quick_xml::Reader::from_str(tei);
    let mut title = String::new();
    let mut names = Vec::new();
    let mut notes = 0;
    let mut in_title = false;
    let mut in_text = false;
    // The source's reading of a corrected word: a reader sees the correction.
    let mut in_sic = false;
    // The words of the name being read, and how deep inside it we are.
    let mut name: Option<(String, usize)> = None;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => {
                let gi = e.local_name().as_ref().to_string();
                let typed = |v: &str| {
                    e.try_get_attribute("type")
                        .unwrap()
                        .is_some_and(|a| a.value == v)
                };
                if gi == "title" && title.is_empty() && typed("main") {
                    in_title = true;
                }
                if gi == "text" {
                    in_text = true;
                }
                if gi == "sic" {
                    in_sic = true;
                }
                let foot = e
                    .try_get_attribute("place")
                    .unwrap()
                    .is_some_and(|a| a.value == "foot");
                if in_text && gi == "note" && foot {
                    notes += 1;
                }
                if let Some((_, depth)) = name.as_mut() {
                    *depth += 1;
                } else if in_text
                    && ["persName", "placeName", "orgName", "title"].contains(&gi.as_str())
                    && e.try_get_attribute("ref").unwrap().is_some()
                {
                    name = Some((String::new(), 0));
                }
            }
            Event::End(e) => {
                let gi = e.local_name().as_ref().to_string();
                if gi == "title" {
                    in_title = false;
                }
                if gi == "sic" {
                    in_sic = false;
                }
                match name.take() {
                    Some((words, 0)) => names.push(words),
                    Some((words, depth)) => name = Some((words, depth - 1)),
                    None => {}
                }
            }
            Event::Text(t) => {
                let t = t.xml10_content();
                if in_title {
                    title.push_str(&t);
                }
                if let Some((words, _)) = name.as_mut().filter(|_| !in_sic) {
                    words.push_str(&t);
                }
            }
            Event::GeneralRef(r) => {
                if let Some((words, _)) = name.as_mut() {
                    words.push_str(match r.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        _ => "",
                    });
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Expected {
        title,
        names,
        notes,
    }
}

#[test]
fn the_tei_stylesheets_render_every_file_as_a_reader_expects() {
    let Some(jar) = saxon() else { return };
    let Some(xsl) = shared_file("tei-stylesheets/html/html.xsl") else {
        return;
    };
    // The committed files, and a new text added with `editio add` and given a record.
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("tei");
    copy_dir(&repo().join("export/tei"), &input);
    std::fs::copy(
        repo().join("tests/fixtures/golden/export/tei/petrova-letter.xml"),
        input.join("petrova-letter.xml"),
    )
    .unwrap();
    let output = tmp.path().join("html");
    std::fs::create_dir_all(&output).unwrap();
    to_html(&jar, &xsl, &input, &output);
    let mut seen = 0;
    for name in listing(&input) {
        let tei = std::fs::read_to_string(input.join(&name)).unwrap();
        let html = std::fs::read_to_string(output.join(&name))
            .unwrap_or_else(|_| panic!("no HTML for {name}"));
        let text = page_text(&html);
        let want = expected(&tei);
        // The title is shown; a title the editors devised heads the page (a text with a title
        // page of its own is headed by that, as the stylesheets do).
        assert!(
            text.contains(&want.title),
            "{name}: the title “{}” is not shown",
            want.title
        );
        if tei.contains("subtype=\"devised\"") {
            assert!(
                html.contains(&format!("class=\"maintitle\">{}", want.title)),
                "{name}: the devised title “{}” does not head the page",
                want.title
            );
        }
        // No numbered heading without words.
        for (i, _) in html.match_indices("<span class=\"headingNumber\">") {
            let rest = &html[i..];
            let end = rest.find("</h").unwrap();
            let heading = page_text(&rest[..end]);
            assert!(
                heading
                    .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ' ')
                    .chars()
                    .any(char::is_alphabetic),
                "{name}: an empty numbered heading “{heading}”"
            );
        }
        assert!(
            !html.contains("[Note:"),
            "{name}: a note printed in the text"
        );
        // Every note of the text is a footnote: a mark in the text, its body among the notes.
        assert_eq!(
            html.matches("class=\"notelink\"").count(),
            want.notes,
            "{name}: notes rendered as notes"
        );
        if want.notes > 0 {
            assert!(
                html.contains("<div class=\"noteHeading\">Notes</div>"),
                "{name}"
            );
        }
        // Every name of the text is on the page.
        for n in &want.names {
            let n = n.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(text.contains(&n), "{name}: the name “{n}” is missing");
        }
        seen += 1;
    }
    assert_eq!(seen, 5, "three editions, the register and a new text");
    let devised = [
        "conquest-great-terror-blyukher.xml",
        "kotkin-stalin-waiting-for-hitler-khasan.xml",
    ];
    for name in devised {
        let tei = std::fs::read_to_string(input.join(name)).unwrap();
        assert!(
            tei.contains("subtype=\"devised\""),
            "{name}: devised title marked"
        );
    }
    // The original's notes show a mark and say their text is missing, as the encoding does.
    let conquest =
        std::fs::read_to_string(output.join("conquest-great-terror-blyukher.xml")).unwrap();
    assert!(conquest.contains("<sup>69</sup>"), "note 69's mark");
    // Where the excerpt begins, the mark of the gap stands apart from the first words.
    assert!(
        conquest.contains("[...]</div><p>But the Marshal"),
        "the excerpt's opening gap before its paragraph"
    );
    // In the register, a person's names, life dates and notes stand apart on the page, as a
    // reader sees them (inline, so nothing but the text's own spaces parts them).
    let register = std::fs::read_to_string(output.join("register.xml")).unwrap();
    let inline = inline_text(&register);
    let tei = std::fs::read_to_string(input.join("register.xml")).unwrap();
    let mut dates = 0;
    for (open, close) in [("<birth ", "</birth>"), ("<death ", "</death>")] {
        for (i, _) in tei.match_indices(open) {
            let rest = &tei[i..];
            let text = &rest[rest.find('>').unwrap() + 1..rest.find(close).unwrap()];
            assert!(
                inline.contains(&format!(" {text} ")),
                "register: “{text}” runs into its neighbours"
            );
            dates += 1;
        }
    }
    assert!(dates > 40, "the register's life dates: {dates}");
    assert!(
        inline
            .contains("Antonov-Ovseyenko born 21 March 1883 died 10 February 1938 Note: Bolshevik"),
        "register: an entry as a reader sees it"
    );
}

/// The text of an HTML page as a reader sees it where everything is inline: tags dropped
/// without a space in their place, spaces collapsed.
fn inline_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
