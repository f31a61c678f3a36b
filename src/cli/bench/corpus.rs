//! A synthetic archive for benchmarks (`editio bench-corpus`, BENCHMARKS.md): many editions of
//! generated historical prose that name persons, places and organisations from a generated
//! register, with note anchors glued to words and editorial corrections in the records. It
//! sits outside the pipeline: it writes what `editio add` and an editor would have written, so
//! that `build`, `release` and `verify` can be measured on archives of any size.
//!
//! Everything comes from a seeded generator: the same options give the same bytes.
//!
//! Beside `editions/` it writes [`MENTIONS_FILE`], the generator's own list of where it put
//! every name mention (the gold list for accuracy figures, `benches/names_accuracy.py`); the
//! archive itself is the same with or without it.

use editio::archive::digest::sha256_bytes;
use editio::diagnostic::codes;
use editio::error::{Error, Result};
use editio::model::register::{Entry, RegisterFile};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// The gold list of placed mentions, at the root of a generated archive (outside
/// `editions/`): a header line, then one tab-separated line per mention in edition and text
/// order: edition id, byte offsets `start` and `end` in the edition's `source.txt`, the
/// surface form (without a possessive `’s`), the key of the entry the generator meant, and the
/// keys of every entry that has this form (comma-separated, sorted; more than one when the form
/// is shared).
pub const MENTIONS_FILE: &str = "bench-mentions.tsv";

/// The header line of [`MENTIONS_FILE`].
pub const MENTIONS_HEADER: &str = "edition\tstart\tend\tsurface\tkey\tkeys";

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
    /// What the register and the texts are like.
    pub profile: Profile,
}

/// What a generated corpus is like.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Profile {
    /// Surnames made of syllables (few shared), one name mention per 10 words or so.
    #[default]
    Plain,
    /// Harder for the names pass, as other people's corpora are: surnames drawn from a
    /// Zipf-like pool (most are shared by several entries), patronymics, about one mention per
    /// 15 words, 3 % of surnames written with a copyist's slip and 1 % capitalised names that
    /// are in no register, names in all-capitals headings, hyphenated pairs (`Kakov-Petrov`),
    /// transliterations of the original script, letters opening "Dear Given Patronymic,", and
    /// slips recorded in the register.
    Hard,
}

impl std::str::FromStr for Profile {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "plain" => Ok(Profile::Plain),
            "hard" => Ok(Profile::Hard),
            _ => Err(format!("'{s}' is not a profile: plain or hard")),
        }
    }
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
            profile: Profile::Plain,
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
        return Err(Error::NotEmpty {
            path: out.to_path_buf(),
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
    let sharing = register.sharing();
    let gold_path = out.join(MENTIONS_FILE);
    let mut gold =
        std::io::BufWriter::new(std::fs::File::create(&gold_path).map_err(Error::io(&gold_path))?);
    writeln!(gold, "{MENTIONS_HEADER}").map_err(Error::io(&gold_path))?;

    let editions = opts
        .editions
        .unwrap_or((opts.size / 100_000) as usize)
        .max(1);
    let per_edition = opts.size.div_ceil(editions as u64).max(200);
    let width = editions.to_string().len();
    for i in 0..editions {
        let id = format!("bench-{i:0width$}");
        let mut text = Text::new(&mut rng, &register);
        if opts.profile == Profile::Hard {
            text.fill_hard(per_edition);
        } else {
            text.fill(per_edition);
        }
        let Text {
            out: source,
            mentions,
            corrections,
            placed,
            ..
        } = text;
        for p in &placed {
            let surface = &source[p.start..p.end];
            let keys = sharing.get(surface).map_or("", String::as_str);
            writeln!(
                gold,
                "{id}\t{}\t{}\t{surface}\t{}\t{keys}",
                p.start, p.end, p.key
            )
            .map_err(Error::io(&gold_path))?;
        }
        let dir = out.join("editions").join(&id);
        mkdir(&dir)?;
        write(&dir.join("source.txt"), source.as_bytes())?;
        let record = record(&id, i, source.as_bytes(), &corrections);
        write(&dir.join("edition.toml"), record.as_bytes())?;
        summary.editions += 1;
        summary.text_bytes += source.len() as u64;
        summary.mentions += mentions;
    }
    gold.flush().map_err(Error::io(&gold_path))?;
    Ok(summary)
}

/// What [`names_pass`] measured over an archive.
#[derive(Clone, Debug, Default)]
pub struct NamesTiming {
    /// Editions run through the passes.
    pub editions: usize,
    /// Bytes of their sources.
    pub bytes: u64,
    /// Threads the passes ran on (rayon; `RAYON_NUM_THREADS` sets it).
    pub threads: usize,
    /// Reading the settings, records, register and sources.
    pub load: f64,
    /// The passes before the names pass (normalize, structure, notes, corrections, excerpt).
    pub before: f64,
    /// Building the names matcher (its table of forms, or the automaton over them).
    pub matcher: f64,
    /// Forms in the matcher (with capitals and transliterations).
    pub forms: usize,
    /// The names pass over every edition.
    pub names: f64,
    /// Mentions linked to an entry (certainly, or inferred from a nearby mention).
    pub linked: usize,
    /// Mentions left unlinked because their form fits several entries (ED505).
    pub ambiguous: usize,
    /// Editions whose normalised text differs from their source's bytes: their offsets in
    /// the list of mentions are in the normalised text, not in `source.txt`.
    pub normalised: usize,
    /// CPU time (user and system, every thread) of building the matcher and of the names
    /// pass, where the system tells it (Linux): unlike wall time, not lengthened by other
    /// programs on a busy machine.
    pub matcher_cpu: Option<f64>,
    pub names_cpu: Option<f64>,
}

/// CPU seconds the process has used so far (user and system, every thread), from
/// `/proc/self/stat` (Linux; clock ticks, taken as 1/100 s). `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name in parentheses: utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')')?.1;
    let mut fields = rest.split_whitespace().skip(11);
    let utime: f64 = fields.next()?.parse().ok()?;
    let stime: f64 = fields.next()?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// How [`names_pass`] runs the passes over an archive's editions.
#[derive(Clone, Copy, Debug)]
pub struct NamesBench {
    /// How forms are found (word by word is what `check` and `build` do).
    pub search: editio::passes::names::matcher::Search,
    /// How many editions are passed at a time before they are let go, as a build lets each
    /// edition's model go once written; 0 holds every edition's model to the end.
    pub batch: usize,
}

/// Times the names pass alone over the archive at `root`: loads it, builds the names matcher,
/// then takes the editions `bench.batch` at a time: runs the passes before the names pass over
/// the batch, then the names pass, each step timed on its own (the times of the batches
/// added), the editions of a batch in parallel (rayon), and lets the batch go. With
/// `mentions`, writes every mention the pass found as a tab-separated line (see
/// [`NAMES_HEADER`]), in edition and text order.
pub fn names_pass(
    root: &Path,
    bench: NamesBench,
    mentions: Option<&mut dyn std::io::Write>,
) -> Result<NamesTiming> {
    use editio::passes::{Pass, names};
    use rayon::prelude::*;
    use std::time::Instant;
    let t = Instant::now();
    let (register, mut editions) = load_editions(root)?;
    let mut timing = NamesTiming {
        editions: editions.len(),
        bytes: editions.iter().map(|e| e.decoded.len() as u64).sum(),
        threads: rayon::current_num_threads(),
        load: t.elapsed().as_secs_f64(),
        ..NamesTiming::default()
    };
    let cpu = cpu_seconds();
    let t = Instant::now();
    let pass = names::Names::with_search(&register, bench.search);
    timing.matcher = t.elapsed().as_secs_f64();
    timing.matcher_cpu = cpu.zip(cpu_seconds()).map(|(a, b)| b - a);
    timing.forms = pass.matcher.form_count;
    let mut out = mentions;
    if let Some(w) = out.as_mut() {
        writeln!(w, "{NAMES_HEADER}").map_err(Error::io("<mentions>"))?;
    }
    let batch = match bench.batch {
        0 => editions.len().max(1),
        n => n,
    };
    let mut names_cpu = Some(0.0);
    while !editions.is_empty() {
        let mut now: Vec<_> = editions.drain(..batch.min(editions.len())).collect();
        let t = Instant::now();
        now.par_iter_mut().for_each(passes_before_names);
        timing.before += t.elapsed().as_secs_f64();
        let cpu = cpu_seconds();
        let t = Instant::now();
        now.par_iter_mut()
            .filter(|e| readable(e))
            .for_each(|e| pass.run(e));
        timing.names += t.elapsed().as_secs_f64();
        let spent = cpu.zip(cpu_seconds()).map(|(a, b)| b - a);
        names_cpu = names_cpu.zip(spent).map(|(a, b)| a + b);
        for e in &now {
            if e.text != e.decoded {
                timing.normalised += 1;
            }
            let found = found_mentions(e, &mut timing);
            if let Some(w) = out.as_mut() {
                for m in found {
                    writeln!(
                        w,
                        "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                        e.id, m.start, m.end, m.surface, m.key, m.status, m.keys
                    )
                    .map_err(Error::io("<mentions>"))?;
                }
            }
        }
    }
    timing.names_cpu = names_cpu;
    // Freeing the matcher's tables takes a while and is no part of the pass.
    std::thread::spawn(move || drop(pass));
    Ok(timing)
}

/// Loads the archive at `root`: its register, and each edition with a record, its source read.
fn load_editions(
    root: &Path,
) -> Result<(
    editio::model::register::Register,
    Vec<editio::model::Edition>,
)> {
    let (archive, _) = editio::load::archive(root)?;
    let mut editions = Vec::new();
    for dir in &archive.editions {
        let Some(record) = dir.record.clone() else {
            continue;
        };
        let source = dir.source_path();
        let raw = std::fs::read(&source).map_err(Error::io(&source))?;
        let decoded = editio::load::source::decode_recorded(&source, &raw, &record)?;
        editions.push(editio::model::Edition::new(
            dir.id.clone(),
            record,
            source,
            decoded,
        ));
    }
    Ok((archive.register, editions))
}

/// As the pipeline does: a source that cannot be read as text leaves the later passes
/// nothing to do.
fn readable(e: &editio::model::Edition) -> bool {
    !e.text.is_empty() || e.decoded.is_empty()
}

/// Runs the passes that come before the names pass (normalize, structure, notes, corrections,
/// excerpt) over one edition, stopping where its text cannot be read.
fn passes_before_names(e: &mut editio::model::Edition) {
    use editio::passes::{Pass, corrections, excerpt, normalize, notes, structure};
    let before: [&(dyn Pass + Sync); 5] = [
        &normalize::Normalize,
        &structure::Structure,
        &notes::Notes,
        &corrections::Corrections,
        &excerpt::Excerpt,
    ];
    for pass in before {
        pass.run(e);
        if !readable(e) {
            break;
        }
    }
}

/// One line of the list of mentions (see [`NAMES_HEADER`]); sorting orders them by offset.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct FoundMention {
    start: usize,
    end: usize,
    surface: String,
    key: String,
    status: &'static str,
    keys: String,
}

/// The mentions the names pass left in one edition, in text order: the names it linked
/// (certainly or inferred) and the forms it reported ambiguous (ED505). Counts them in
/// `timing`.
fn found_mentions(e: &editio::model::Edition, timing: &mut NamesTiming) -> Vec<FoundMention> {
    let mut found = Vec::new();
    for n in e.names() {
        found.push(FoundMention {
            start: n.offset,
            end: n.offset + n.surface.len(),
            surface: n.surface,
            key: n.key.unwrap_or_default(),
            status: if n.cert.is_none() {
                "linked"
            } else {
                "inferred"
            },
            keys: String::new(),
        });
    }
    timing.linked += found.len();
    for d in e
        .findings
        .iter()
        .filter(|d| d.code == codes::NAME_AMBIGUOUS)
    {
        if let (Some(start), Some((surface, keys))) =
            (d.location.offset, ambiguous_message(&d.message))
        {
            found.push(FoundMention {
                start,
                end: start + surface.len(),
                surface,
                key: String::new(),
                status: "ambiguous",
                keys,
            });
            timing.ambiguous += 1;
        }
    }
    found.sort();
    found
}

/// The header line of the list of mentions [`names_pass`] writes: edition id, byte offsets in
/// the normalised text (the source's, for a generated corpus), surface, key (empty when
/// unlinked), `linked`, `inferred` (from a nearby mention) or `ambiguous` (ED505, left
/// unlinked), and for an ambiguous mention the keys it may be (comma-separated).
pub const NAMES_HEADER: &str = "edition\tstart\tend\tsurface\tkey\tstatus\tcandidates";

/// The surface form and candidate keys of an ED505 finding's message (`'Kakov' may be any of
/// a, b; ...`).
fn ambiguous_message(message: &str) -> Option<(String, String)> {
    let rest = message.strip_prefix('\'')?;
    let (surface, rest) = rest.split_once("' may be any of ")?;
    let (keys, _) = rest.split_once("; ")?;
    Some((surface.to_string(), keys.replace(", ", ",")))
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
/// Patronymics of [`Profile::Hard`]'s Russian persons: (Latin, Cyrillic).
const RU_PATRONYMIC: &[(&str, &str)] = &[
    ("Ivanovich", "Иванович"),
    ("Petrovich", "Петрович"),
    ("Sergeyevich", "Сергеевич"),
    ("Nikolayevich", "Николаевич"),
    ("Mikhailovich", "Михайлович"),
    ("Ivanovna", "Ивановна"),
    ("Petrovna", "Петровна"),
    ("Fyodorovich", "Фёдорович"),
    ("Borisovich", "Борисович"),
    ("Grigoryevna", "Григорьевна"),
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
    /// [`Profile::Hard`] only: how letters address each Russian person ("Given Patronymic"),
    /// by the person's place in `persons`.
    address: Vec<(usize, String)>,
    /// [`Profile::Hard`] only: every form the names pass knows (the register's, and what it
    /// makes from the original script), that a slip or unknown name must not be.
    known: std::collections::HashSet<String>,
    /// [`Profile::Hard`] only: each person's surname and the transliterations of it that are
    /// not written in the register, by place in `persons`.
    surnames: Vec<(String, Vec<String>)>,
    /// [`Profile::Hard`] only: for persons, places and organisations (in that order), by
    /// place in their list, the forms of each entry that no other entry has (the name
    /// included): what a text names the entry by where nothing else tells which it is.
    own: [Vec<Vec<String>>; 3],
}

impl Names {
    fn generate(rng: &mut Rng, opts: &CorpusOptions) -> Names {
        if opts.profile == Profile::Hard {
            return Names::generate_hard(rng, opts);
        }
        let mut persons = Vec::with_capacity(opts.persons);
        for i in 0..opts.persons {
            let russian = rng.chance(60);
            let (given, surname, original) = if russian {
                let (gl, gc) = rng.pick(RU_GIVEN);
                let (sl, sc) = russian_surname(rng);
                // Every third Russian entry carries its Cyrillic original, so that the names
                // pass adds its transliterations.
                let original = (i % 3 == 0).then(|| format!("{gc} {}", capital(&sc)));
                (gl.to_string(), capital(&sl), original)
            } else {
                let s = western_surname(rng);
                (rng.pick(WEST_GIVEN).to_string(), capital(&s), None)
            };
            let full = format!("{given} {surname}");
            let mut forms = vec![full.clone(), surname.clone()];
            variant_spellings(rng, &given, &surname, &mut forms);
            forms.dedup();
            persons.push(Entry {
                key: key(&format!("{surname}-{given}-{i}")),
                name: full,
                sort: Some(format!("{surname}, {given}")),
                original_lang: original.as_ref().map(|_| "ru".to_string()),
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
                ..Entry::default()
            });
        }
        let places = places(rng, opts.places);
        let orgs = orgs(rng, opts.orgs);
        Names {
            persons,
            places,
            orgs,
            address: Vec::new(),
            known: Default::default(),
            surnames: Vec::new(),
            own: Default::default(),
        }
    }

    /// The register of [`Profile::Hard`]: persons' surnames drawn from a pool (a quarter as
    /// many as persons) with Zipf-like weights, so that the common ones are shared by many
    /// entries.
    fn generate_hard(rng: &mut Rng, opts: &CorpusOptions) -> Names {
        let pool = surname_pool(rng, (opts.persons / 4).max(1));
        let (cumulative, total) = zipf_weights(pool.len());
        let mut persons = Vec::with_capacity(opts.persons);
        let mut address = Vec::new();
        let mut surnames = Vec::with_capacity(opts.persons);
        for i in 0..opts.persons {
            let u = (rng.next() >> 11) as f64 / (1u64 << 53) as f64 * total;
            let (surname, cyrillic) =
                &pool[cumulative.partition_point(|&c| c < u).min(pool.len() - 1)];
            let person = hard_person(rng, i, surname, cyrillic.as_deref());
            if let Some(a) = person.address {
                address.push((i, a));
            }
            surnames.push((surname.clone(), person.variants));
            persons.push(person.entry);
        }
        let places = places(rng, opts.places);
        let orgs = orgs(rng, opts.orgs);
        let known = known_forms(&persons, &places, &orgs);
        let mut names = Names {
            persons,
            places,
            orgs,
            address,
            known,
            surnames,
            own: Default::default(),
        };
        names.own = names.own_forms();
        // Slips recorded in the register, for one person in fifty.
        for i in 0..names.persons.len() {
            if rng.chance(2)
                && let Some(slip) = names.slip(rng, i)
            {
                names.persons[i].slips.push(slip);
            }
        }
        names
    }

    /// For persons, places and organisations (in that order), by place in their list, the
    /// forms of each entry (the name included) that no other entry has.
    fn own_forms(&self) -> [Vec<Vec<String>>; 3] {
        let mut entries_of: HashMap<&str, usize> = HashMap::new();
        for e in self.persons.iter().chain(&self.places).chain(&self.orgs) {
            let mut forms: Vec<&str> = e.forms.iter().chain([&e.name]).map(|f| f.trim()).collect();
            forms.sort_unstable();
            forms.dedup();
            for f in forms {
                *entries_of.entry(f).or_default() += 1;
            }
        }
        [&self.persons, &self.places, &self.orgs].map(|list| {
            list.iter()
                .map(|e| {
                    let mut forms: Vec<String> = e
                        .forms
                        .iter()
                        .chain([&e.name])
                        .map(|f| f.trim())
                        .filter(|f| entries_of.get(f) == Some(&1))
                        .map(str::to_string)
                        .collect();
                    forms.dedup();
                    forms
                })
                .collect()
        })
    }

    /// A copyist's slip in person `i`'s surname (a letter after the first changed, left out,
    /// doubled or swapped with the next) that no form of the register is.
    fn slip(&self, rng: &mut Rng, i: usize) -> Option<String> {
        let surname: Vec<char> = self.surnames[i].0.chars().collect();
        for _ in 0..5 {
            let mut c = surname.clone();
            let at = 1 + rng.below(c.len() - 1);
            match rng.below(4) {
                0 => c[at] = rng.pick(&['a', 'e', 'i', 'o', 'u', 'k', 'n', 'r', 's', 'v']),
                1 => {
                    c.remove(at);
                }
                2 => c.insert(at, c[at]),
                _ if at + 1 < c.len() => c.swap(at, at + 1),
                _ => c[at] = 'y',
            }
            let slip: String = c.into_iter().collect();
            if !self.known.contains(&slip) {
                return Some(slip);
            }
        }
        None
    }

    /// A capitalised name that no form of the register is.
    fn unknown(&self, rng: &mut Rng) -> String {
        loop {
            let mut l = String::new();
            for _ in 0..2 + rng.below(2) {
                l.push_str(rng.pick(WEST_SYLL));
                l.push_str(rng.pick(RU_SYLL).0);
            }
            let l = capital(&l);
            if !self.known.contains(&l) {
                return l;
            }
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

    /// Every form (as the names pass reads the register: the forms and the name, trimmed) with
    /// the keys of the entries that have it, sorted and comma-separated.
    fn sharing(&self) -> HashMap<String, String> {
        let mut by_form: HashMap<String, Vec<&str>> = HashMap::new();
        for e in [&self.persons, &self.places, &self.orgs]
            .into_iter()
            .flatten()
        {
            for form in e.forms.iter().chain([&e.name]) {
                let keys = by_form.entry(form.trim().to_string()).or_default();
                if !keys.contains(&e.key.as_str()) {
                    keys.push(&e.key);
                }
            }
        }
        by_form
            .into_iter()
            .map(|(form, mut keys)| {
                keys.sort_unstable();
                (form, keys.join(","))
            })
            .collect()
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
            let text = toml::to_string(&file).map_err(|source| Error::Serialize {
                path: path.clone(),
                source,
            })?;
            let text = format!("# Generated by `editio bench-corpus`.\n\n{text}");
            write(&path, text.as_bytes())?;
        }
        Ok(())
    }
}

/// [`Profile::Hard`]'s pool of `len` distinct surnames (fewer if the syllables run out), 60 %
/// Russian with their Cyrillic spelling, the rest Western.
fn surname_pool(rng: &mut Rng, len: usize) -> Vec<(String, Option<String>)> {
    let mut pool: Vec<(String, Option<String>)> = Vec::with_capacity(len);
    let mut seen = std::collections::HashSet::new();
    for _ in 0..len * 20 {
        if pool.len() == len {
            break;
        }
        let (l, c) = if rng.chance(60) {
            let (l, c) = russian_surname(rng);
            (capital(&l), Some(capital(&c)))
        } else {
            (capital(&western_surname(rng)), None)
        };
        if seen.insert(l.clone()) {
            pool.push((l, c));
        }
    }
    pool
}

/// Variant spellings of a person's name, as texts of several periods write them: `-ski` for
/// `-sky`, `e` for `ye` (half the time), the given name's initial (one time in ten).
fn variant_spellings(rng: &mut Rng, given: &str, surname: &str, forms: &mut Vec<String>) {
    if surname.ends_with("sky") {
        forms.push(format!("{}ski", &surname[..surname.len() - 1]));
    }
    if surname.contains("ye") && rng.chance(50) {
        forms.push(surname.replace("ye", "e"));
    }
    if rng.chance(10) {
        forms.push(format!("{}. {surname}", &given[..1]));
    }
}

/// A Russian-style surname of two or three syllables and an ending, in Latin letters and in
/// Cyrillic, not yet capitalised.
fn russian_surname(rng: &mut Rng) -> (String, String) {
    russian_word(rng, RU_END)
}

/// A Russian-style word of two or three syllables and one of `endings`, in Latin letters and
/// in Cyrillic, not yet capitalised.
fn russian_word(rng: &mut Rng, endings: &[(&str, &str)]) -> (String, String) {
    let (mut latin, mut cyrillic) = (String::new(), String::new());
    for _ in 0..2 + rng.below(2) {
        let (l, c) = rng.pick(RU_SYLL);
        latin.push_str(l);
        cyrillic.push_str(c);
    }
    let (l, c) = rng.pick(endings);
    latin.push_str(l);
    cyrillic.push_str(c);
    (latin, cyrillic)
}

/// A Western-style surname of two or three syllables, not yet capitalised.
fn western_surname(rng: &mut Rng) -> String {
    let mut s = String::new();
    for _ in 0..2 + rng.below(2) {
        s.push_str(rng.pick(WEST_SYLL));
    }
    s
}

/// Cumulative weights 1/(rank + 20) (Zipf–Mandelbrot) for a pool of `len` surnames, and their
/// total: a few hundred persons share the commonest surname, most surnames a few persons.
fn zipf_weights(len: usize) -> (Vec<f64>, f64) {
    let mut cumulative = Vec::with_capacity(len);
    let mut total = 0.0;
    for rank in 1..=len {
        total += 1.0 / (rank + 20) as f64;
        cumulative.push(total);
    }
    (cumulative, total)
}

/// One person of [`Profile::Hard`]'s register.
struct HardPerson {
    entry: Entry,
    /// How letters address a Russian person: "Given Patronymic".
    address: Option<String>,
    /// The transliterations of the surname that the register does not write.
    variants: Vec<String>,
}

/// Person `i` of [`Profile::Hard`]'s register, with the given surname: a Russian given name
/// and patronymic (every third with the Cyrillic original) when the surname has a Cyrillic
/// spelling, a Western given name otherwise, and the variant spellings texts use.
fn hard_person(rng: &mut Rng, i: usize, surname: &str, cyrillic: Option<&str>) -> HardPerson {
    let mut address = None;
    let (given, original) = if let Some(sc) = cyrillic {
        let (gl, gc) = rng.pick(RU_GIVEN);
        let (pl, pc) = rng.pick(RU_PATRONYMIC);
        address = Some(format!("{gl} {pl}"));
        let original = i.is_multiple_of(3).then(|| format!("{gc} {pc} {sc}"));
        ((gl.to_string(), Some(pl)), original)
    } else {
        ((rng.pick(WEST_GIVEN).to_string(), None), None)
    };
    let (given, patronymic) = given;
    let full = format!("{given} {surname}");
    let mut forms = vec![full.clone(), surname.to_string()];
    if let Some(p) = patronymic {
        forms.push(format!("{given} {p} {surname}"));
    }
    variant_spellings(rng, &given, surname, &mut forms);
    let variants: Vec<String> = original
        .as_deref()
        .map(editio::passes::names::translit::forms)
        .unwrap_or_default()
        .into_iter()
        .filter(|f| !f.contains(' ') && f.chars().count() >= 4 && !forms.contains(f))
        .collect();
    HardPerson {
        entry: Entry {
            key: key(&format!("{surname}-{given}-{i}")),
            name: full,
            sort: Some(format!("{surname}, {given}")),
            original_lang: original.as_ref().map(|_| "ru".to_string()),
            original,
            forms,
            description: "A generated person of the benchmark corpus.".into(),
            ..blank()
        },
        address,
        variants,
    }
}

/// Every form the names pass knows of these entries: the register's forms and names, trimmed,
/// and the transliterations it makes from the original script.
fn known_forms(
    persons: &[Entry],
    places: &[Entry],
    orgs: &[Entry],
) -> std::collections::HashSet<String> {
    let mut known = std::collections::HashSet::new();
    for e in persons.iter().chain(places).chain(orgs) {
        for f in e.forms.iter().chain([&e.name]) {
            known.insert(f.trim().to_string());
        }
        if let Some(o) = &e.original {
            known.extend(editio::passes::names::translit::forms(o));
        }
    }
    known
}

/// Generated places (cities), every other with its Cyrillic original.
fn places(rng: &mut Rng, n: usize) -> Vec<Entry> {
    let mut places = Vec::with_capacity(n);
    for i in 0..n {
        let (l, c) = russian_word(rng, PLACE_END);
        let name = capital(&l);
        places.push(Entry {
            key: key(&format!("place-{name}-{i}")),
            name: name.clone(),
            original: (i % 2 == 0).then(|| capital(&c)),
            original_lang: (i % 2 == 0).then(|| "ru".to_string()),
            forms: vec![name],
            kind: Some("city".into()),
            description: "A generated place of the benchmark corpus.".into(),
            ..blank()
        });
    }
    places
}

/// Generated organisations.
fn orgs(rng: &mut Rng, n: usize) -> Vec<Entry> {
    let mut orgs = Vec::with_capacity(n);
    for i in 0..n {
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
    orgs
}

fn blank() -> Entry {
    Entry::default()
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
/// Headings of [`Profile::Hard`] that a name in capitals follows.
const HARD_HEADINGS: &[&str] = &["THE TRIAL OF", "LETTERS TO", "THE CASE OF", "IN MEMORY OF"];
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

/// A mention placed in a text: byte offsets of the form (without a possessive) and the key
/// of the entry meant.
struct Placed {
    start: usize,
    end: usize,
    key: String,
}

/// One edition's text being written.
struct Text<'a> {
    rng: &'a mut Rng,
    names: &'a Names,
    out: String,
    next_note: u32,
    mentions: u64,
    corrections: Vec<(&'static str, &'static str)>,
    /// Where the mentions went, in text order.
    placed: Vec<Placed>,
    /// Written as [`Profile::Hard`] describes.
    hard: bool,
    /// [`Profile::Hard`]: the persons a text is about (with different surnames), that nine
    /// person mentions in ten name.
    cast: Vec<usize>,
    /// [`Profile::Hard`]: the members of the cast the text has named so far.
    introduced: std::collections::HashSet<usize>,
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
            placed: Vec::new(),
            hard: false,
            cast: Vec::new(),
            introduced: Default::default(),
        }
    }

    /// A name form of a random entry (persons twice as often as places), with the mentions
    /// in it: (offset, length in bytes, the entry's key).
    fn name(&mut self) -> (String, Vec<(usize, usize, String)>) {
        self.mentions += 1;
        let roll = self.rng.below(10);
        let persons = roll < 6 || self.names.places.is_empty();
        let (list, which) = if persons {
            (&self.names.persons, 0)
        } else if roll < 9 || self.names.orgs.is_empty() {
            (&self.names.places, 1)
        } else {
            (&self.names.orgs, 2)
        };
        if list.is_empty() {
            return self.unnamed();
        }
        let mut i = self.rng.below(list.len());
        if self.hard && persons && !self.cast.is_empty() && self.rng.chance(90) {
            i = self.cast[self.rng.below(self.cast.len())];
        }
        let own = &self.names.own[which];
        if self.hard && persons && !self.cast.contains(&i) && own[i].is_empty() {
            // Someone outside the cast is named by a form of theirs alone, or not at all.
            match self.cast.is_empty() {
                true => return self.unnamed(),
                false => i = self.cast[self.rng.below(self.cast.len())],
            }
        }
        if self.hard && !persons {
            // A place or organisation too, as no reader could tell which of several it is.
            for _ in 0..10 {
                if !own[i].is_empty() {
                    break;
                }
                i = self.rng.below(list.len());
            }
        }
        let entry = &list[i];
        let introduce =
            self.hard && (!persons || !self.cast.contains(&i) || self.introduced.insert(i));
        let (form, placed) = if introduce && !own[i].is_empty() {
            // Named for the first time (or in passing): by a form that says which entry it is.
            let form = own[i][self.rng.below(own[i].len())].clone();
            let placed = vec![(0, form.len(), entry.key.clone())];
            (form, placed)
        } else if self.hard && persons {
            self.person_hard(i)
        } else {
            let form = entry.forms[self.rng.below(entry.forms.len())].clone();
            let placed = vec![(0, form.len(), entry.key.clone())];
            (form, placed)
        };
        if self.rng.chance(10) {
            (format!("{form}’s"), placed)
        } else {
            (form, placed)
        }
    }

    /// No one in particular, where there is no one to name.
    fn unnamed(&mut self) -> (String, Vec<(usize, usize, String)>) {
        self.mentions -= 1;
        ("the stranger".into(), Vec::new())
    }

    /// How [`Profile::Hard`] writes person `i`: 3 % with a slip (the register's, when it
    /// records one, a third of the time), 1 % a name in no register instead, 3 % a hyphenated
    /// pair with another person's surname, 6 % a transliteration the register does not write
    /// (where the original script gives one), else one of the register's forms.
    fn person_hard(&mut self, i: usize) -> (String, Vec<(usize, usize, String)>) {
        let names = self.names;
        let entry = &names.persons[i];
        let roll = self.rng.below(100);
        if roll < 4 {
            self.mentions -= 1;
            let slip = if roll < 3 {
                match entry.slips.first() {
                    Some(s) if self.rng.chance(33) => Some(s.clone()),
                    _ => names.slip(self.rng, i),
                }
            } else {
                None
            };
            let word = slip.unwrap_or_else(|| names.unknown(self.rng));
            return (word, Vec::new());
        }
        if roll < 7 {
            // The other is of the cast too: a reader knows whom the surname means.
            let others: Vec<usize> = self.cast.iter().copied().filter(|&j| j != i).collect();
            let j = match others.is_empty() {
                true => self.rng.below(names.persons.len()),
                false => others[self.rng.below(others.len())],
            };
            let (a, b) = (&names.surnames[i].0, &names.surnames[j].0);
            self.mentions += 1;
            return (
                format!("{a}-{b}"),
                vec![
                    (0, a.len(), entry.key.clone()),
                    (a.len() + 1, b.len(), names.persons[j].key.clone()),
                ],
            );
        }
        let variants = &names.surnames[i].1;
        let form = if roll < 13 && !variants.is_empty() {
            variants[self.rng.below(variants.len())].clone()
        } else {
            entry.forms[self.rng.below(entry.forms.len())].clone()
        };
        let placed = vec![(0, form.len(), entry.key.clone())];
        (form, placed)
    }

    /// A subject or object: a name `percent` of the time (recorded in `here` as a mention:
    /// start, length, key), else a phrase from `plain`.
    fn noun(
        &mut self,
        percent: u64,
        plain: &[&str],
        s: &mut String,
        here: &mut Vec<(usize, usize, String)>,
    ) {
        let (noun, placed) = if self.rng.chance(percent) {
            self.name()
        } else {
            (self.rng.pick(plain).to_string(), Vec::new())
        };
        for (at, len, key) in placed {
            here.push((s.len() + at, len, key));
        }
        s.push_str(&noun);
    }

    /// One sentence, ending with a note anchor glued to its last word now and then.
    /// Three to eight sentences, one after another.
    fn sentences(&mut self) {
        for i in 0..3 + self.rng.below(6) {
            if i > 0 {
                self.out.push(' ');
            }
            self.sentence();
        }
    }

    fn sentence(&mut self) {
        let mut s = String::new();
        // Mentions in `s`: (start, length, key).
        let mut here: Vec<(usize, usize, String)> = Vec::new();
        if self.rng.chance(25) {
            s.push_str(self.rng.pick(CONNECTIVES));
            s.push(' ');
        }
        // About one mention per 10 words, or per 15 in the hard profile.
        let (subject, object) = if self.hard { (36, 40) } else { (55, 60) };
        self.noun(subject, SUBJECTS, &mut s, &mut here);
        s.push(' ');
        s.push_str(self.rng.pick(VERBS));
        s.push(' ');
        self.noun(object, OBJECTS, &mut s, &mut here);
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
            // Only the first character changes; what follows it moves by the difference.
            let before = s.len();
            s = capital(&s);
            for (start, _, _) in here.iter_mut().filter(|(start, _, _)| *start > 0) {
                *start = (*start + s.len()).saturating_sub(before);
            }
        }
        let at = self.out.len();
        self.placed
            .extend(here.into_iter().map(|(start, len, key)| Placed {
                start: at + start,
                end: at + start + len,
                key,
            }));
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
            self.sentences();
        }
        self.out.push('\n');
    }

    /// [`Text::fill`] as [`Profile::Hard`] writes, about a cast of 40 persons with different
    /// surnames (and others now and then): headings in capitals that name a person or
    /// place half the time, and letters opening "Dear Given Patronymic," (not a form of the
    /// register: the address is no mention).
    fn fill_hard(&mut self, bytes: u64) {
        self.hard = true;
        let mut surnames = std::collections::HashSet::new();
        for _ in 0..200 {
            if self.cast.len() == 40 || self.names.persons.is_empty() {
                break;
            }
            let i = self.rng.below(self.names.persons.len());
            // Someone the text can name by a form of theirs alone, when it first does.
            if !self.names.own[0][i].is_empty() && surnames.insert(&self.names.surnames[i].0) {
                self.cast.push(i);
            }
        }
        while (self.out.len() as u64) < bytes {
            if !self.out.is_empty() {
                self.out.push_str("\n\n");
            }
            if self.rng.chance(8) {
                if self.rng.chance(50) {
                    let mut h = format!("{} ", self.rng.pick(HARD_HEADINGS));
                    let (form, placed) = self.name();
                    // The form without a possessive, in capitals.
                    let form = form.strip_suffix("’s").unwrap_or(&form).to_uppercase();
                    let at = self.out.len() + h.len();
                    // A capital letter may be longer or shorter in bytes than its small one.
                    if placed.len() == 1 && form.len() == placed[0].1 {
                        self.placed.push(Placed {
                            start: at,
                            end: at + form.len(),
                            key: placed[0].2.clone(),
                        });
                    } else if placed.len() == 2
                        && let Some(cut) = form.find('-')
                    {
                        for (start, end, p) in
                            [(0, cut, &placed[0]), (cut + 1, form.len(), &placed[1])]
                        {
                            self.placed.push(Placed {
                                start: at + start,
                                end: at + end,
                                key: p.2.clone(),
                            });
                        }
                    } else {
                        self.mentions -= placed.len() as u64;
                    }
                    h.push_str(&form);
                    self.out.push_str(&h);
                } else {
                    self.out.push_str(self.rng.pick(HEADINGS));
                }
                self.out.push_str("\n\n");
            }
            if self.rng.chance(4) && !self.names.address.is_empty() {
                let (_, address) = &self.names.address[self.rng.below(self.names.address.len())];
                self.out.push_str("Dear ");
                self.out.push_str(address);
                self.out.push_str(", ");
            }
            self.sentences();
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
            profile: Profile::Plain,
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

    /// The gold list: one line per mention counted, each pointing at a form of the entry it
    /// names in the edition's source, the same for the same seed.
    #[test]
    fn gold_list_points_at_the_forms() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let summary = generate(a.path(), &small()).unwrap();
        generate(b.path(), &small()).unwrap();
        let gold = std::fs::read_to_string(a.path().join(MENTIONS_FILE)).unwrap();
        assert_eq!(
            gold,
            std::fs::read_to_string(b.path().join(MENTIONS_FILE)).unwrap()
        );
        let (register, diags) =
            editio::load::register(&a.path().join("editions/register")).unwrap();
        assert!(diags.is_empty(), "{diags:?}");
        let mut lines = gold.lines();
        assert_eq!(lines.next(), Some(MENTIONS_HEADER));
        let mut count = 0;
        let mut last = (String::new(), 0);
        for line in lines {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 6, "{line}");
            let (start, end): (usize, usize) = (f[1].parse().unwrap(), f[2].parse().unwrap());
            let source =
                std::fs::read(a.path().join("editions").join(f[0]).join("source.txt")).unwrap();
            assert_eq!(&source[start..end], f[3].as_bytes(), "{line}");
            // Whole words, in text order.
            assert!(
                start == 0 || !source[start - 1].is_ascii_alphanumeric(),
                "{line}"
            );
            assert!(!source[end].is_ascii_alphanumeric(), "{line}");
            assert!((f[0].to_string(), start) > last, "{line}");
            last = (f[0].to_string(), end);
            let entry = &register.get(f[4]).unwrap().entry;
            assert!(entry.forms.iter().any(|x| x == f[3]), "{line}");
            let keys: Vec<&str> = f[5].split(',').collect();
            assert!(keys.contains(&f[4]), "{line}");
            for k in keys {
                let other = &register.get(k).unwrap().entry;
                assert!(other.forms.iter().chain([&other.name]).any(|x| x == f[3]));
            }
            count += 1;
        }
        assert_eq!(count, summary.mentions);
    }

    /// The names pass finds the generator's mentions, and its list of mentions says where.
    #[test]
    fn names_pass_lists_its_mentions() {
        let a = tempfile::tempdir().unwrap();
        let summary = generate(a.path(), &small()).unwrap();
        let mut list = Vec::new();
        let timing = names_pass(
            a.path(),
            NamesBench {
                search: editio::passes::names::matcher::Search::Automaton,
                batch: 2,
            },
            Some(&mut list),
        )
        .unwrap();
        assert_eq!(timing.editions, 3);
        assert_eq!(timing.bytes, summary.text_bytes);
        assert_eq!(timing.normalised, 0);
        let list = String::from_utf8(list).unwrap();
        let mut lines = list.lines();
        assert_eq!(lines.next(), Some(NAMES_HEADER));
        let found: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
        assert_eq!(found.len(), timing.linked + timing.ambiguous);
        assert!(timing.ambiguous <= timing.linked);
        for f in &found {
            let source =
                std::fs::read(a.path().join("editions").join(f[0]).join("source.txt")).unwrap();
            let (start, end): (usize, usize) = (f[1].parse().unwrap(), f[2].parse().unwrap());
            assert_eq!(&source[start..end], f[3].as_bytes(), "{f:?}");
            assert_eq!(f[4].is_empty(), f[5] == "ambiguous", "{f:?}");
            assert_eq!(f[6].is_empty(), f[5] != "ambiguous", "{f:?}");
        }
        // Every placed mention is found, at the same place.
        let gold = std::fs::read_to_string(a.path().join(MENTIONS_FILE)).unwrap();
        let spans = |rows: Vec<Vec<&str>>| -> Vec<(String, String, String)> {
            rows.into_iter()
                .map(|f| (f[0].to_string(), f[1].to_string(), f[2].to_string()))
                .collect()
        };
        let gold: Vec<Vec<&str>> = gold
            .lines()
            .skip(1)
            .map(|l| l.split('\t').collect())
            .collect();
        assert_eq!(spans(gold), spans(found));
        assert_eq!(
            ambiguous_message("'Kakov' may be any of a-1, b-2; no unambiguous mention"),
            Some(("Kakov".to_string(), "a-1,b-2".to_string()))
        );
        assert_eq!(ambiguous_message("something else"), None);
    }

    /// The hard profile: the same bytes for the same seed; the gold list points at forms the
    /// names pass can know (the register's, their capitals, the original script's
    /// transliterations); the texts have what makes it hard; and the names pass finds the
    /// placed mentions, with the right key wherever it gives one, and suggests near misses.
    #[test]
    fn hard_profile() {
        let opts = CorpusOptions {
            size: 150_000,
            editions: Some(3),
            persons: 2000,
            profile: Profile::Hard,
            ..small()
        };
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let summary = generate(a.path(), &opts).unwrap();
        generate(b.path(), &opts).unwrap();
        assert_eq!(snapshot(a.path()), snapshot(b.path()));
        let gold = std::fs::read_to_string(a.path().join(MENTIONS_FILE)).unwrap();
        let gold: Vec<Vec<&str>> = gold
            .lines()
            .skip(1)
            .map(|l| l.split('\t').collect())
            .collect();
        assert_eq!(gold.len() as u64, summary.mentions);
        let (register, _) = editio::load::register(&a.path().join("editions/register")).unwrap();
        gold_points_at_forms(a.path(), &gold, &register);
        hard_features_present(a.path(), &gold, &register);
        names_pass_recovers_gold(a.path(), &gold);
    }

    /// Every gold mention's offsets hold its surface, and the surface is a form of its entry
    /// (or of its generated transliterations), in capitals, or its last word.
    fn gold_points_at_forms(
        root: &Path,
        gold: &[Vec<&str>],
        register: &editio::model::register::Register,
    ) {
        for f in gold {
            let source =
                std::fs::read_to_string(root.join("editions").join(f[0]).join("source.txt"))
                    .unwrap();
            let (start, end): (usize, usize) = (f[1].parse().unwrap(), f[2].parse().unwrap());
            assert_eq!(&source[start..end], f[3], "{f:?}");
            let e = &register.get(f[4]).unwrap().entry;
            let generated = e
                .original
                .as_deref()
                .map(editio::passes::names::translit::forms)
                .unwrap_or_default();
            assert!(
                e.forms.iter().chain(&generated).any(|x| x == f[3]
                    || x.to_uppercase() == f[3]
                    || x.split(' ').next_back() == Some(f[3])),
                "{f:?}"
            );
        }
    }

    /// The hard profile's features are there: letters' address forms, headings in capitals,
    /// hyphenated pairs of names, many shared forms, slips recorded in the register.
    fn hard_features_present(
        root: &Path,
        gold: &[Vec<&str>],
        register: &editio::model::register::Register,
    ) {
        let mut text = String::new();
        for f in std::fs::read_dir(root.join("editions")).unwrap() {
            let p = f.unwrap().path().join("source.txt");
            if let Ok(t) = std::fs::read_to_string(p) {
                text.push_str(&t);
            }
        }
        assert!(text.contains("Dear "));
        assert!(
            text.contains("\n\nTHE TRIAL OF ")
                || text.contains("\n\nLETTERS TO ")
                || text.contains("\n\nTHE CASE OF ")
        );
        assert!(gold.windows(2).any(|w| w[0][0] == w[1][0]
            && w[0][2].parse::<usize>().unwrap() + 1 == w[1][1].parse::<usize>().unwrap()));
        // Many mentions are of forms that several entries share.
        let shared = gold.iter().filter(|f| f[5].contains(',')).count();
        assert!(shared * 5 > gold.len(), "{shared} of {}", gold.len());
        assert!(register.entries().iter().any(|e| !e.entry.slips.is_empty()));
    }

    /// The names pass finds nearly every placed mention and gives it its entry: a shared form
    /// is decided by the mention nearby that says which entry it is (every entry is named so
    /// at least once in the text), seldom given another entry's key.
    fn names_pass_recovers_gold(root: &Path, gold: &[Vec<&str>]) {
        let mut list = Vec::new();
        let timing = names_pass(
            root,
            NamesBench {
                search: editio::passes::names::matcher::Search::Words,
                batch: 0,
            },
            Some(&mut list),
        )
        .unwrap();
        let list = String::from_utf8(list).unwrap();
        let found: HashMap<(String, String), String> = list
            .lines()
            .skip(1)
            .map(|l| l.split('\t').collect::<Vec<_>>())
            .map(|f| ((f[0].to_string(), f[1].to_string()), f[4].to_string()))
            .collect();
        let (mut seen, mut right, mut wrong) = (0, 0, 0);
        for f in gold {
            if let Some(key) = found.get(&(f[0].to_string(), f[1].to_string())) {
                seen += 1;
                right += usize::from(key == f[4]);
                wrong += usize::from(!key.is_empty() && key != f[4]);
            }
        }
        assert!(seen * 10 >= gold.len() * 9, "{seen} of {}", gold.len());
        assert!(right * 100 >= gold.len() * 97, "{right} of {}", gold.len());
        assert!(wrong * 40 < gold.len(), "{wrong} of {}", gold.len());
        assert!(timing.linked > 0 && timing.ambiguous * 100 < gold.len());
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
