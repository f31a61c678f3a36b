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
