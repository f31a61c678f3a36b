//! A synthetic archive for benchmarks (`editio bench-corpus`, BENCHMARKS.md): many editions of
//! generated historical prose that name persons, places and organisations from a generated
//! register, with note anchors glued to words and editorial corrections in the records. It
//! sits outside the pipeline: it writes what `editio add` and an editor would have written, so
//! that `build`, `release` and `verify` can be measured on archives of any size.
//!
//! Everything comes from a seeded generator: the same options give the same bytes.

use crate::archive::digest::sha256_bytes;
use crate::error::{Error, Result};
use crate::model::register::{Entry, RegisterFile};
use std::fmt::Write as _;
use std::path::Path;

/// What to generate.
#[derive(Clone, Debug)]
pub struct CorpusOptions {
    /// Total size of the source texts, in bytes (approximately; never less).
    pub size: u64,
    /// Seed of the generator: the same seed and options give the same corpus.
    pub seed: u64,
    /// Number of editions; by default one per 100 kB of text.
    pub editions: Option<usize>,
    /// Persons in the register.
    pub persons: usize,
    /// Places in the register.
    pub places: usize,
    /// Organisations in the register.
    pub orgs: usize,
}

impl Default for CorpusOptions {
    fn default() -> Self {
        CorpusOptions {
            size: 10_000_000,
            seed: 7,
            editions: None,
            persons: 50_000,
            places: 10_000,
            orgs: 500,
        }
    }
}

/// What was generated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CorpusSummary {
    /// Editions written.
    pub editions: usize,
    /// Bytes of source text written.
    pub text_bytes: u64,
    /// Name mentions placed in the texts.
    pub mentions: u64,
    /// Register entries written.
    pub entries: usize,
    /// Name forms in the register (before the names pass adds transliterations).
    pub forms: usize,
}

/// Writes a new archive at `out` (which must not exist or be empty): `editio.toml`, the
/// register in `editions/register/`, and every edition's `source.txt` and `edition.toml`.
pub fn generate(out: &Path, opts: &CorpusOptions) -> Result<CorpusSummary> {
    if out.exists()
        && std::fs::read_dir(out)
            .map_err(Error::io(out))?
            .next()
            .is_some()
    {
        return Err(Error::Invalid {
            location: out.display().to_string(),
            message: "exists and is not empty: give a new folder".into(),
        });
    }
    let mut rng = Rng::new(opts.seed);
    let register = Names::generate(&mut rng, opts);
    let mut summary = CorpusSummary {
        entries: register.entries(),
        forms: register.forms(),
        ..CorpusSummary::default()
    };
    let reg_dir = out.join("editions").join("register");
    mkdir(&reg_dir)?;
    write(&out.join("editio.toml"), CONFIG.as_bytes())?;
    register.write(&reg_dir)?;

    let editions = opts
        .editions
        .unwrap_or((opts.size / 100_000) as usize)
        .max(1);
    let per_edition = opts.size.div_ceil(editions as u64).max(200);
    let width = editions.to_string().len();
    for i in 0..editions {
        let id = format!("bench-{i:0width$}");
        let mut text = Text::new(&mut rng, &register);
        text.fill(per_edition);
        let Text {
            out: source,
            mentions,
            corrections,
            ..
        } = text;
        let dir = out.join("editions").join(&id);
        mkdir(&dir)?;
        write(&dir.join("source.txt"), source.as_bytes())?;
        let record = record(&id, i, source.as_bytes(), &corrections);
        write(&dir.join("edition.toml"), record.as_bytes())?;
        summary.editions += 1;
        summary.text_bytes += source.len() as u64;
        summary.mentions += mentions;
    }
    Ok(summary)
}

/// Parses a size such as `100MB`, `1GB`, `512k` or `2000000` (decimal units).
pub fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let digits = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(digits);
    let n: u64 = n.parse().ok()?;
    let mult = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "m" | "mb" => 1_000_000,
        "g" | "gb" => 1_000_000_000,
        _ => return None,
    };
    n.checked_mul(mult)
}

const CONFIG: &str = r#"# A synthetic archive written by `editio bench-corpus` for benchmarks.

[archive]
name = "editio benchmark corpus"
organisation = "The editio project"
licence = "CC-BY-4.0"
base_uri = "urn:editio:bench:"

[archive.contact]
name = "editio maintainers"

[build]
pdf = false
"#;

fn mkdir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(Error::io(dir))
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).map_err(Error::io(path))
}

/// SplitMix64: small, fast, and the same on every platform.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// Syllables of Russian-looking names: (Latin, Cyrillic).
const RU_SYLL: &[(&str, &str)] = &[
    ("ka", "ка"),
    ("ko", "ко"),
    ("va", "ва"),
    ("le", "ле"),
    ("ro", "ро"),
    ("mi", "ми"),
    ("tu", "ту"),
    ("sa", "са"),
    ("no", "но"),
    ("gor", "гор"),
    ("bel", "бел"),
    ("vor", "вор"),
    ("pe", "пе"),
    ("tro", "тро"),
    ("lu", "лу"),
    ("ni", "ни"),
    ("da", "да"),
    ("ze", "зе"),
    ("zhu", "жу"),
    ("che", "че"),
    ("shi", "ши"),
    ("ba", "ба"),
    ("kra", "кра"),
    ("sto", "сто"),
    ("gri", "гри"),
    ("dub", "дуб"),
    ("ya", "я"),
    ("ye", "е"),
    ("mo", "мо"),
    ("ra", "ра"),
];
const RU_END: &[(&str, &str)] = &[
    ("ov", "ов"),
    ("ev", "ев"),
    ("in", "ин"),
    ("sky", "ский"),
    ("enko", "енко"),
    ("ich", "ич"),
    ("yan", "ян"),
    ("nov", "нов"),
];
const RU_GIVEN: &[(&str, &str)] = &[
    ("Ivan", "Иван"),
    ("Nikolai", "Николай"),
    ("Sergei", "Сергей"),
    ("Mikhail", "Михаил"),
    ("Grigory", "Григорий"),
    ("Lev", "Лев"),
    ("Anna", "Анна"),
    ("Maria", "Мария"),
    ("Yelena", "Елена"),
    ("Pavel", "Павел"),
    ("Fyodor", "Фёдор"),
    ("Olga", "Ольга"),
    ("Vasily", "Василий"),
    ("Dmitry", "Дмитрий"),
    ("Yakov", "Яков"),
    ("Tatiana", "Татьяна"),
];
const WEST_SYLL: &[&str] = &[
    "bar", "ten", "mor", "lin", "gal", "ver", "ston", "ham", "wick", "ber", "gen", "hol", "dor",
    "fal", "ley", "mont", "ran", "sel", "tor", "wald", "bur", "ket", "ril", "ash",
];
const WEST_GIVEN: &[&str] = &[
    "John", "Henry", "Margaret", "Louis", "Karl", "Elise", "Victor", "Rosa", "Paul", "Jean",
    "Clara", "Otto", "Emma", "Jules", "Hans", "Alice",
];
const PLACE_END: &[(&str, &str)] = &[
    ("grad", "град"),
    ("sk", "ск"),
    ("ovo", "ово"),
    ("insk", "инск"),
    ("ino", "ино"),
    ("pol", "поль"),
];
const ORG_HEAD: &[&str] = &[
    "Commissariat of",
    "Society of",
    "Union of",
    "Committee for",
    "Trust of",
    "Institute of",
    "Bureau of",
    "League of",
];
const ORG_TAIL: &[&str] = &[
    "Heavy Industry",
    "Light Industry",
    "Transport",
    "Agriculture",
    "Foreign Trade",
    "Education",
    "Health",
    "Supply",
    "Timber",
    "Fisheries",
    "Railways",
    "Waterways",
    "Metals",
    "Textiles",
];

/// The generated register, kept in memory to draw mentions from.
struct Names {
    persons: Vec<Entry>,
    places: Vec<Entry>,
    orgs: Vec<Entry>,
}

impl Names {
    fn generate(rng: &mut Rng, opts: &CorpusOptions) -> Names {
        let mut persons = Vec::with_capacity(opts.persons);
        for i in 0..opts.persons {
            let russian = rng.chance(60);
            let (given, surname, original) = if russian {
                let (gl, gc) = rng.pick(RU_GIVEN);
                let (mut sl, mut sc) = (String::new(), String::new());
                for _ in 0..2 + rng.below(2) {
                    let (l, c) = rng.pick(RU_SYLL);
                    sl.push_str(l);
                    sc.push_str(c);
                }
                let (l, c) = rng.pick(RU_END);
                sl.push_str(l);
                sc.push_str(c);
                // Every third Russian entry carries its Cyrillic original, so that the names
                // pass adds its transliterations.
                let original = (i % 3 == 0).then(|| format!("{gc} {}", capital(&sc)));
                (gl.to_string(), capital(&sl), original)
            } else {
                let mut s = String::new();
                for _ in 0..2 + rng.below(2) {
                    s.push_str(rng.pick(WEST_SYLL));
                }
                (rng.pick(WEST_GIVEN).to_string(), capital(&s), None)
            };
            let full = format!("{given} {surname}");
            let mut forms = vec![full.clone(), surname.clone()];
            // Variant spellings, as texts of several periods write them.
            if surname.ends_with("sky") {
                forms.push(format!("{}ski", &surname[..surname.len() - 1]));
            }
            if surname.contains("ye") && rng.chance(50) {
                forms.push(surname.replace("ye", "e"));
            }
            if rng.chance(10) {
                forms.push(format!("{}. {surname}", &given[..1]));
            }
            forms.dedup();
            persons.push(Entry {
                key: key(&format!("{surname}-{given}-{i}")),
                name: full,
                sort: Some(format!("{surname}, {given}")),
                original,
                forms,
                slips: Vec::new(),
                kind: None,
                born: None,
                died: None,
                founded: None,
                dissolved: None,
                date: None,
                author: None,
                description: "A generated person of the benchmark corpus.".into(),
                wikidata: None,
                viaf: None,
                geonames: None,
                note: None,
                cert: None,
            });
        }
        let mut places = Vec::with_capacity(opts.places);
        for i in 0..opts.places {
            let (mut l, mut c) = (String::new(), String::new());
            for _ in 0..2 + rng.below(2) {
                let (a, b) = rng.pick(RU_SYLL);
                l.push_str(a);
                c.push_str(b);
            }
            let (a, b) = rng.pick(PLACE_END);
            l.push_str(a);
            c.push_str(b);
            let name = capital(&l);
            places.push(Entry {
                key: key(&format!("place-{name}-{i}")),
                name: name.clone(),
                original: (i % 2 == 0).then(|| capital(&c)),
                forms: vec![name],
                kind: Some("city".into()),
                description: "A generated place of the benchmark corpus.".into(),
                ..blank()
            });
        }
        let mut orgs = Vec::with_capacity(opts.orgs);
        for i in 0..opts.orgs {
            let name = format!(
                "{} {} {}",
                rng.pick(ORG_HEAD),
                rng.pick(ORG_TAIL),
                capital(rng.pick(WEST_SYLL))
            );
            orgs.push(Entry {
                key: key(&format!("org-{i}")),
                name: name.clone(),
                forms: vec![name],
                description: "A generated organisation of the benchmark corpus.".into(),
                ..blank()
            });
        }
        Names {
            persons,
            places,
            orgs,
        }
    }

    fn entries(&self) -> usize {
        self.persons.len() + self.places.len() + self.orgs.len()
    }

    fn forms(&self) -> usize {
        [&self.persons, &self.places, &self.orgs]
            .iter()
            .flat_map(|l| l.iter())
            .map(|e| e.forms.len())
            .sum()
    }

    fn write(&self, dir: &Path) -> Result<()> {
        let files: [(&str, RegisterFile); 3] = [
            (
                "persons.toml",
                RegisterFile {
                    person: self.persons.clone(),
                    ..RegisterFile::default()
                },
            ),
            (
                "places.toml",
                RegisterFile {
                    place: self.places.clone(),
                    ..RegisterFile::default()
                },
            ),
            (
                "organisations.toml",
                RegisterFile {
                    org: self.orgs.clone(),
                    ..RegisterFile::default()
                },
            ),
        ];
        for (name, file) in files {
            let path = dir.join(name);
            let text = toml::to_string(&file).map_err(|e| Error::Invalid {
                location: path.display().to_string(),
                message: e.to_string(),
            })?;
            let text = format!("# Generated by `editio bench-corpus`.\n\n{text}");
            write(&path, text.as_bytes())?;
        }
        Ok(())
    }
}

fn blank() -> Entry {
    Entry {
        key: String::new(),
        name: String::new(),
        sort: None,
        original: None,
        forms: Vec::new(),
        slips: Vec::new(),
        kind: None,
        born: None,
        died: None,
        founded: None,
        dissolved: None,
        date: None,
        author: None,
        description: String::new(),
        wikidata: None,
        viaf: None,
        geonames: None,
        note: None,
        cert: None,
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A register key from a name: lowercase ASCII words joined by hyphens.
fn key(s: &str) -> String {
    let mut out = String::new();
    for word in s
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    if !out.starts_with(|c: char| c.is_ascii_lowercase()) {
        out.insert_str(0, "k-");
    }
    out
}

const SUBJECTS: &[&str] = &[
    "the commission",
    "the delegation",
    "the old soldier",
    "the correspondent",
    "the council",
    "the garrison",
    "the committee",
    "the prisoner",
    "the editor",
    "the committee of the works",
    "the historian",
    "the envoy",
    "the family",
    "the regiment",
    "the secretary",
];
const VERBS: &[&str] = &[
    "reported to",
    "wrote to",
    "met with",
    "travelled with",
    "argued against",
    "was received by",
    "denounced",
    "defended",
    "waited for",
    "spoke of",
    "corresponded with",
    "was sent to",
    "returned from",
    "sailed for",
    "left",
];
const OBJECTS: &[&str] = &[
    "the harvest",
    "the new decree",
    "the trial",
    "the winter",
    "the archive",
    "the railway",
    "the printing house",
    "the frontier",
    "the congress",
    "the treaty",
    "the reports",
    "the letters",
    "the verdict",
    "the purge",
    "the mission",
];
const ADVERBIALS: &[&str] = &[
    "in the spring of 1921",
    "after a long silence",
    "without a word to anyone",
    "at the end of August",
    "on the following morning",
    "before the congress opened",
    "under a false name",
    "in a sealed carriage",
    "with some reluctance",
    "for the last time",
    "during the famine",
    "in the autumn of 1937",
    "despite the warnings",
    "by the night train",
];
const CONNECTIVES: &[&str] = &[
    "However,",
    "Later,",
    "Meanwhile,",
    "Even so,",
    "In the end,",
    "According to the minutes,",
    "By then,",
    "At first,",
];
const HEADINGS: &[&str] = &[
    "THE JOURNEY EAST",
    "THE TRIAL",
    "EXILE",
    "THE LAST LETTERS",
    "THE WINTER OF THE FAMINE",
    "RETURN",
    "THE CONGRESS",
    "AFTERMATH",
];
/// Words the generator misprints (a digit for a letter), with the editor's correction.
const SLIPS: &[(&str, &str)] = &[
    ("ru1ing", "ruling"),
    ("fami1y", "family"),
    ("po1itical", "political"),
    ("co1onel", "colonel"),
    ("vi1lage", "village"),
    ("mi1itary", "military"),
    ("so1dier", "soldier"),
    ("ha1f", "half"),
];

/// One edition's text being written.
struct Text<'a> {
    rng: &'a mut Rng,
    names: &'a Names,
    out: String,
    next_note: u32,
    mentions: u64,
    corrections: Vec<(&'static str, &'static str)>,
}

impl<'a> Text<'a> {
    fn new(rng: &'a mut Rng, names: &'a Names) -> Text<'a> {
        Text {
            rng,
            names,
            out: String::new(),
            next_note: 1,
            mentions: 0,
            corrections: Vec::new(),
        }
    }

    /// A name form of a random entry (persons twice as often as places).
    fn name(&mut self) -> String {
        self.mentions += 1;
        let roll = self.rng.below(10);
        let list = if roll < 6 || self.names.places.is_empty() {
            &self.names.persons
        } else if roll < 9 || self.names.orgs.is_empty() {
            &self.names.places
        } else {
            &self.names.orgs
        };
        if list.is_empty() {
            self.mentions -= 1;
            return "the stranger".into();
        }
        let entry = &list[self.rng.below(list.len())];
        let form = entry.forms[self.rng.below(entry.forms.len())].clone();
        if self.rng.chance(10) {
            format!("{form}’s")
        } else {
            form
        }
    }

    /// One sentence, ending with a note anchor glued to its last word now and then.
    fn sentence(&mut self) {
        let mut s = String::new();
        if self.rng.chance(25) {
            s.push_str(self.rng.pick(CONNECTIVES));
            s.push(' ');
        }
        let subject = if self.rng.chance(55) {
            self.name()
        } else {
            self.rng.pick(SUBJECTS).to_string()
        };
        s.push_str(&subject);
        s.push(' ');
        s.push_str(self.rng.pick(VERBS));
        s.push(' ');
        let object = if self.rng.chance(60) {
            self.name()
        } else {
            self.rng.pick(OBJECTS).to_string()
        };
        s.push_str(&object);
        if self.rng.chance(50) {
            s.push(' ');
            s.push_str(self.rng.pick(ADVERBIALS));
        }
        if self.rng.chance(30) {
            s.push_str(", and ");
            s.push_str(self.rng.pick(SUBJECTS));
            s.push(' ');
            s.push_str(self.rng.pick(VERBS));
            s.push(' ');
            s.push_str(self.rng.pick(OBJECTS));
        }
        if self.corrections.len() < SLIPS.len() && self.rng.chance(2) {
            let (sic, corr) = SLIPS[self.corrections.len()];
            self.corrections.push((sic, corr));
            s.push_str(" as the ");
            s.push_str(sic);
            s.push_str(" required");
        }
        let first = s.chars().next().map(|c| c.is_lowercase()).unwrap_or(false);
        if first {
            s = capital(&s);
        }
        s.push('.');
        if self.rng.chance(12) {
            let _ = write!(s, "{}", self.next_note);
            self.next_note += 1;
        }
        self.out.push_str(&s);
    }

    fn fill(&mut self, bytes: u64) {
        while (self.out.len() as u64) < bytes {
            if !self.out.is_empty() {
                self.out.push_str("\n\n");
            }
            if self.rng.chance(8) {
                let h = self.rng.pick(HEADINGS);
                self.out.push_str(h);
                self.out.push_str("\n\n");
            }
            for i in 0..3 + self.rng.below(6) {
                if i > 0 {
                    self.out.push(' ');
                }
                self.sentence();
            }
        }
        self.out.push('\n');
    }
}

/// The provenance record of a generated edition.
fn record(id: &str, n: usize, source: &[u8], corrections: &[(&str, &str)]) -> String {
    let mut r = format!(
        r#"# Provenance record of the generated edition '{id}' (editio bench-corpus).

id = "{id}"
title = "Generated chronicle {n}"
language = "en"

[[contributors]]
name = "editio bench-corpus"
role = "compiler"
kind = "organisation"
cert = "confirmed"
evidence = "Generated from word lists by a seeded generator."

[source]
kind = "other"
title = {{ value = "Generated chronicle {n}", cert = "confirmed", evidence = "The generator's title." }}
date = {{ value = "2026", cert = "confirmed", evidence = "The generator's run." }}
pages = {{ cert = "unknown", evidence = "A generated text has no pages." }}

[received]
file_name = "{id}.txt"
date = {{ value = "2026-01-01", cert = "confirmed", evidence = "Fixed by the generator." }}
by = {{ value = "editio maintainers", cert = "confirmed" }}
route = {{ value = "Written by editio bench-corpus.", cert = "confirmed" }}
size = {size}
sha256 = "{sha}"

[rights]
source = {{ value = "CC0-1.0", cert = "confirmed", evidence = "Generated text." }}

[[history]]
date = "2026-01-01"
by = "editio bench-corpus"
change = "Generated."
"#,
        size = source.len(),
        sha = sha256_bytes(source),
    );
    for (sic, corr) in corrections {
        let _ = write!(
            r,
            "\n[[corrections]]\nsic = \"{sic}\"\ncorr = \"{corr}\"\nby = \"editio maintainers\"\ncert = \"confirmed\"\nreason = \"a digit for a letter\"\n"
        );
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn small() -> CorpusOptions {
        CorpusOptions {
            size: 60_000,
            seed: 7,
            editions: Some(3),
            persons: 300,
            places: 60,
            orgs: 10,
        }
    }

    fn snapshot(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let bytes = std::fs::read(&p).unwrap();
                    out.push((p.strip_prefix(root).unwrap().to_path_buf(), bytes));
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn same_seed_same_corpus() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let c = tempfile::tempdir().unwrap();
        let sa = generate(a.path(), &small()).unwrap();
        let sb = generate(b.path(), &small()).unwrap();
        let other = CorpusOptions { seed: 8, ..small() };
        generate(c.path(), &other).unwrap();
        assert_eq!(sa, sb);
        assert_eq!(sa.editions, 3);
        assert!(sa.text_bytes >= 60_000);
        assert!(sa.mentions > 100);
        assert_eq!(snapshot(a.path()), snapshot(b.path()));
        assert_ne!(snapshot(a.path()), snapshot(c.path()));
        // A non-empty folder is refused.
        assert!(generate(a.path(), &small()).is_err());
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("100MB"), Some(100_000_000));
        assert_eq!(parse_size("2m"), Some(2_000_000));
        assert_eq!(parse_size("1GB"), Some(1_000_000_000));
        assert_eq!(parse_size("512"), Some(512));
        assert_eq!(parse_size("x"), None);
        assert_eq!(parse_size("5 parsecs"), None);
    }
}
