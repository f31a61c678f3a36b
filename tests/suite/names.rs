//! Names: the bundled editions' marked names against the hand-made gold lists in
//! `tests/fixtures/names/`, and each hard case of the names pass.

use super::util::*;
use editio::model::edition::NameKind;

fn kind_word(kind: NameKind) -> &'static str {
    kind.word()
}

/// (line, surface, key, type) rows.
type Rows = Vec<(usize, String, String, String)>;

fn gold(id: &str) -> Rows {
    let text =
        std::fs::read_to_string(repo().join(format!("tests/fixtures/names/{id}.tsv"))).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (
                c[0].parse().unwrap(),
                c[1].to_string(),
                c[2].to_string(),
                c[3].to_string(),
            )
        })
        .collect()
}

fn marked(id: &str) -> Rows {
    let report = editio::ops::check::check(&repo()).unwrap();
    let built = report.built.iter().find(|b| b.edition.id == id).unwrap();
    let e = &built.edition;
    e.names()
        .into_iter()
        .map(|n| {
            let (line, _) = editio::diagnostic::line_column(&e.text, n.offset);
            (
                line,
                n.surface,
                n.key.unwrap_or_default(),
                kind_word(n.kind).to_string(),
            )
        })
        .collect()
}

fn compare(id: &str) {
    let (want, got) = (gold(id), marked(id));
    let missing: Vec<_> = want.iter().filter(|w| !got.contains(w)).collect();
    let extra: Vec<_> = got.iter().filter(|g| !want.contains(g)).collect();
    assert!(
        missing.is_empty() && extra.is_empty() && want.len() == got.len(),
        "{id}: {} gold, {} marked\nmissing: {missing:#?}\nextra: {extra:#?}",
        want.len(),
        got.len()
    );
}

#[test]
fn conquest_names_match_the_gold_list() {
    compare("conquest-great-terror-blyukher");
}

#[test]
fn kotkin_names_match_the_gold_list() {
    compare("kotkin-stalin-waiting-for-hitler-khasan");
}

#[test]
fn serge_names_match_the_gold_list() {
    compare("serge-proofs-comrade-executioner");
}

#[test]
fn an_event_holds_the_names_inside_it_and_the_reading_copy_does_not_nest_links() {
    let id = "kotkin-stalin-waiting-for-hitler-khasan";
    let tei = std::fs::read_to_string(repo().join(format!("export/tei/{id}.xml"))).unwrap();
    assert!(tei.contains(
        "<eventName ref=\"#battle-of-wuhan\">Battle of <placeName ref=\"#wuhan\">Wuhan</placeName></eventName>"
    ));
    assert!(
        tei.contains("<eventName ref=\"#anti-comintern-pact\">Anti-Comintern Pact</eventName>")
    );
    let register = std::fs::read_to_string(repo().join("export/tei/register.xml")).unwrap();
    assert!(register.contains(
        "<event xml:id=\"trial-of-the-sixteen\" xml:space=\"preserve\" type=\"trial\" from=\"1936-08-19\" to=\"1936-08-24\">"
    ));
    let html = std::fs::read_to_string(repo().join(format!("export/html/{id}.html"))).unwrap();
    // The event is the target of the index's link back; the city inside it is a link.
    assert!(html.contains("<span class=\"name event\" id=\"m-battle-of-wuhan-1\""));
    assert!(html.contains("Battle of <a class=\"name place\" id=\"m-wuhan-1\" href=\"#ix-wuhan\""));
    assert!(html.contains("<a class=\"name event\" id=\"m-anti-comintern-pact-1\""));
    // No link inside a link anywhere in the page.
    let mut depth = 0i32;
    for (i, _) in html.match_indices('<') {
        let rest = &html[i..];
        if rest.starts_with("<a ") {
            depth += 1;
            assert!(depth == 1, "a link inside a link at byte {i}");
        } else if rest.starts_with("</a>") {
            depth -= 1;
        }
    }
}
