//! `editio names --unregistered`: measured on passages the register was not made from
//! (`tests/fixtures/unregistered/`, with a hand-made list of their names), and its hard
//! cases: a surname opening a numbered item, a name after a title, in a heading, common
//! words that are not names, positions in the received file, and `--stubs`.

use super::util::*;
use std::collections::BTreeSet;

const PASSAGES: &[&str] = &[
    "dickens-alfred-youth",
    "dickens-alfred-guthrum",
    "dickens-britons-saxons",
];

/// A copy of the bundled archive with `files` (id, text) added with `editio add`.
fn archive_with(files: &[(&str, String)]) -> tempfile::TempDir {
    let tmp = bundled_copy();
    for (id, text) in files {
        let file = tmp.path().join(format!("{id}.txt"));
        std::fs::write(&file, text).unwrap();
        editio(tmp.path())
            .args(["add", file.to_str().unwrap(), "--id", id, "--title", id])
            .args(["--author", "Charles Dickens", "--language", "en"])
            .assert()
            .success();
    }
    tmp
}

/// (name, every place as (edition, link, context)) from `names --unregistered --json`.
type Listed = Vec<(String, Vec<(String, String, String)>)>;

fn unregistered(dir: &std::path::Path) -> Listed {
    let out = editio(dir)
        .args(["--json", "names", "--unregistered"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["type"] == "unregistered")
        .map(|v| {
            let places = v["places"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    (
                        p["edition"].as_str().unwrap().to_string(),
                        p["link"].as_str().unwrap().to_string(),
                        p["context"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            (v["text"].as_str().unwrap().to_string(), places)
        })
        .collect()
}

/// Whether `a` and `b` name the same thing: equal, or one holds the other as whole words,
/// ignoring case and a possessive (`ALFRED THE GREAT` holds `Alfred`).
fn same(a: &str, b: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let (a, b) = (words(a), words(b));
    let holds = |x: &[String], y: &[String]| x.windows(y.len()).any(|w| w == y);
    !a.is_empty() && !b.is_empty() && (holds(&a, &b) || holds(&b, &a))
}

#[test]
fn finds_the_persons_and_places_of_new_texts_and_lists_few_words_that_are_not_names() {
    let dir = repo().join("tests/fixtures/unregistered");
    let files: Vec<(&str, String)> = PASSAGES
        .iter()
        .map(|id| {
            let text = std::fs::read_to_string(dir.join(format!("{id}.txt"))).unwrap();
            (*id, text)
        })
        .collect();
    let tmp = archive_with(&files);
    let listed = unregistered(tmp.path());
    // What was listed in each passage.
    let mut per_passage: Vec<(String, String)> = Vec::new();
    for (name, places) in &listed {
        for (edition, link, _) in places {
            if PASSAGES.contains(&edition.as_str()) {
                assert!(
                    link.starts_with(&format!("editions/{edition}/source.txt:")),
                    "{link}"
                );
                per_passage.push((edition.clone(), name.clone()));
            }
        }
    }
    let per_passage: BTreeSet<(String, String)> = per_passage.into_iter().collect();
    let gold: Vec<(String, String, String)> = std::fs::read_to_string(dir.join("gold.tsv"))
        .unwrap()
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c[0].to_string(), c[1].to_string(), c[2].to_string())
        })
        .collect();
    // Recall: the distinct persons and places of each passage that are listed for it.
    let wanted: Vec<&(String, String, String)> =
        gold.iter().filter(|(_, k, _)| k != "other").collect();
    let missed: Vec<String> = wanted
        .iter()
        .filter(|(name, _, passage)| {
            !per_passage
                .iter()
                .any(|(e, listed)| e == passage && same(listed, name))
        })
        .map(|(name, _, passage)| format!("{name} ({passage})"))
        .collect();
    let recall = 1.0 - missed.len() as f64 / wanted.len() as f64;
    // Precision: of what is listed for the passages, the share that are names (persons,
    // places, or other proper names of the gold list).
    let not_names: Vec<String> = per_passage
        .iter()
        .filter(|(e, listed)| {
            !gold
                .iter()
                .any(|(name, _, passage)| passage == e && same(listed, name))
        })
        .map(|(e, listed)| format!("{listed} ({e})"))
        .collect();
    let precision = 1.0 - not_names.len() as f64 / per_passage.len() as f64;
    eprintln!(
        "unregistered names: recall {recall:.3} ({} of {} persons and places), precision {precision:.3} ({} of {} listed are names)",
        wanted.len() - missed.len(),
        wanted.len(),
        per_passage.len() - not_names.len(),
        per_passage.len()
    );
    assert!(recall >= 0.9, "recall {recall:.3}; missed: {missed:?}");
    assert!(
        precision >= 0.8,
        "precision {precision:.3}; not names: {not_names:?}"
    );
}

#[test]
fn a_surname_opening_a_numbered_item_after_a_title_or_in_a_heading_is_found() {
    let text = "THE FATE OF LEBEDEV\n\nThe Party and the State held a Trial; the Purge went on. \
                The Marshal spoke first.\n\n3. Lebedev, sentenced to ten years.\n\n\
                Then Comrade Brown wrote to Comrade Dzerzhinsky from Tiflis. He was made \
                People’s Commissar for Light Industry.\n";
    let tmp = archive_with(&[("notes-1937", text.to_string())]);
    let listed = unregistered(tmp.path());
    let names: Vec<&str> = listed
        .iter()
        .filter(|(_, p)| p.iter().any(|(e, _, _)| e == "notes-1937"))
        .map(|(n, _)| n.as_str())
        .collect();
    for want in ["LEBEDEV", "Lebedev", "Brown", "Dzerzhinsky", "Tiflis"] {
        assert!(names.contains(&want), "{want} not in {names:?}");
    }
    for not in [
        "Party",
        "State",
        "Trial",
        "Purge",
        "Marshal",
        "The Marshal",
        "Then",
        "Comrade",
        "THE",
        "FATE",
        "Light Industry",
        "People’s Commissar for Light Industry",
    ] {
        assert!(!names.contains(&not), "{not} listed: {names:?}");
    }
    // The place is given in the received file (line, column in characters) with its line.
    let (_, places) = listed.iter().find(|(n, _)| n == "Lebedev").unwrap();
    let (_, link, context) = &places[0];
    assert_eq!(link, "editions/notes-1937/source.txt:5:4");
    assert!(context.contains("3. Lebedev, sentenced"), "{context}");
}

#[test]
fn positions_are_those_of_the_received_file() {
    // CR LF line ends and a decomposed é (e + U+0301): the text is normalised, the position
    // is the file's.
    let text = "First line.\r\nThe cafe\u{301} where Ivanovsky met Pankratov.\r\n";
    let tmp = archive_with(&[("cafe-1930", text.to_string())]);
    let listed = unregistered(tmp.path());
    let (_, places) = listed.iter().find(|(n, _)| n == "Pankratov").unwrap();
    let column = "The cafe\u{301} where Ivanovsky met ".chars().count() + 1;
    assert_eq!(
        places[0].1,
        format!("editions/cafe-1930/source.txt:2:{column}")
    );
}

#[test]
fn stubs_are_written_to_fill_in_and_never_replace_what_the_file_holds() {
    let tmp = archive_with(&[(
        "notes-1937",
        "Kolomiets wrote from Tiflis to Pankratov.\n".to_string(),
    )]);
    let stubs = tmp.path().join("stubs.toml");
    std::fs::write(
        &stubs,
        "[[person]]\nkey = \"pankratov\"\nname = \"Pankratov\"\nforms = [\"Pankratov\"]\ndescription = \"Edited by hand.\"\n",
    )
    .unwrap();
    editio(tmp.path())
        .args(["names", "--unregistered", "--stubs", "stubs.toml"])
        .assert()
        .success();
    let text = std::fs::read_to_string(&stubs).unwrap();
    assert!(text.contains("description = \"Edited by hand.\""), "{text}");
    assert_eq!(text.matches("key = \"pankratov\"").count(), 1, "{text}");
    assert!(text.contains("key = \"kolomiets\""), "{text}");
    assert!(text.contains("[[place]]\nkey = \"tiflis\""), "{text}");
    assert!(text.contains("FILL IN"), "{text}");
    assert!(
        text.contains("editions/notes-1937/source.txt:1:1"),
        "{text}"
    );
    // The file is in the register's own format.
    let file: editio::model::register::RegisterFile = toml::from_str(&text).unwrap();
    let keys = |list: &[editio::model::register::Entry]| -> Vec<String> {
        list.iter().map(|e| e.key.clone()).collect()
    };
    assert!(keys(&file.person).contains(&"kolomiets".to_string()));
    assert!(keys(&file.person).contains(&"pankratov".to_string()));
    assert!(keys(&file.place).contains(&"tiflis".to_string()));
    // Run again: nothing new, nothing replaced.
    editio(tmp.path())
        .args(["names", "--unregistered", "--stubs", "stubs.toml"])
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&stubs).unwrap(), text);
    // A file that is not a register file is refused, named, and left alone.
    std::fs::write(&stubs, "not toml [").unwrap();
    let out = editio(tmp.path())
        .args(["names", "--unregistered", "--stubs", "stubs.toml"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("stubs.toml"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&stubs).unwrap(), "not toml [");
}
