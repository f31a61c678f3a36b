//! Renderings of Russian names in the Latin script, as English, French and German writers
//! usually spell them, generated from the Cyrillic: `Ежов` gives Yezhov, Ezhov (English),
//! Ejov, Iejov (French) and Jeschow (German). A register entry's `original` is enough for a
//! text in any of these spellings to be linked without listing every variant by hand.
//!
//! The rules, per letter (alternatives in brackets), are those of the common English practice
//! (BGN/PCGN and Library of Congress without diacritics), of French usage and of German
//! (Duden) usage:
//!
//! | Cyrillic | English | French | German |
//! |---|---|---|---|
//! | е (initial, after a vowel, ъ or ь) | ye, e | ie, e | je, e |
//! | ё | yo, e, io, o | io, e, o | jo, o, e |
//! | ж | zh | j | sch |
//! | х | kh | kh | ch |
//! | ц | ts | ts, tz | z |
//! | ч | ch | tch | tsch |
//! | ш | sh | ch | sch |
//! | щ | shch | chtch | schtsch |
//! | у | u | ou | u |
//! | в | v | v | w |
//! | й | y, i | ï, i, y | i, j |
//! | ю / я | yu, iu / ya, ia | iou / ia | ju / ja |
//! | ь (before a vowel) | –, i | –, i | –, j |
//! | с (between vowels) | s | ss, s | ss, s |
//! | final -ий / -ый | y, iy, ii / y | i, y / y | i, ij / y |
//! | final -ин | in | ine, in | in |
//! | final -ов / -ев | ov / ev | ov, off / ev, eff | ow / ew |

/// A writing convention.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum System {
    English,
    French,
    German,
}

/// At most this many renderings of one word per system; the first alternatives are the most
/// usual, so the cap keeps the common spellings.
const MAX_VARIANTS: usize = 24;

fn is_vowel(c: char) -> bool {
    "аеёиоуыэюяАЕЁИОУЫЭЮЯ".contains(c)
}

/// Whether a word is written in Cyrillic.
pub fn is_cyrillic(word: &str) -> bool {
    word.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c))
}

/// Alternatives for the two letters `c`, `next` that end a word, where the ending is written
/// otherwise than its letters one by one (`-ий`, `-ый`, `-ов`, `-ев`, French `-ин`). `soft_start`:
/// the ending follows a vowel, a hard or soft sign, or starts the word.
fn ending(
    c: char,
    next: Option<char>,
    system: System,
    soft_start: bool,
) -> Option<Vec<&'static str>> {
    use System::*;
    let v = match (c, next) {
        ('и', Some('й')) => match system {
            English => vec!["y", "iy", "ii"],
            French => vec!["i", "y"],
            German => vec!["i", "ij"],
        },
        ('ы', Some('й')) => vec!["y"],
        ('и', Some('н')) if system == French => vec!["ine", "in"],
        ('о', Some('в')) => match system {
            English => vec!["ov"],
            French => vec!["ov", "off"],
            German => vec!["ow"],
        },
        ('е', Some('в')) if !soft_start => match system {
            English => vec!["ev"],
            French => vec!["ev", "eff"],
            German => vec!["ew"],
        },
        _ => return None,
    };
    Some(v)
}

/// Alternatives for the letter at `i` in `chars` (lowercase), and how many letters they use:
/// a word's ending, else a letter written after its neighbours, else the letter on its own.
/// Hyphens, apostrophes and anything else pass through.
fn letter(chars: &[char], i: usize, system: System) -> (Vec<&'static str>, usize) {
    let c = chars[i];
    let prev = i.checked_sub(1).map(|p| chars[p]);
    let next = chars.get(i + 1).copied();
    let soft_start = prev.is_none_or(|p| is_vowel(p) || p == 'ъ' || p == 'ь');
    if i + 2 == chars.len()
        && let Some(v) = ending(c, next, system, soft_start)
    {
        return (v, 2);
    }
    let v = in_context(c, prev, next, system, soft_start)
        .or_else(|| alone(c, system))
        .unwrap_or_default();
    (v, 1)
}

/// Alternatives for a letter whose spelling depends on its neighbours: `е` at the start of a
/// word or after a vowel or sign (`soft_start`), `с` between vowels (French and German), `ь`
/// before a vowel.
fn in_context(
    c: char,
    prev: Option<char>,
    next: Option<char>,
    system: System,
    soft_start: bool,
) -> Option<Vec<&'static str>> {
    use System::*;
    let v = match (c, system) {
        ('е', English) if soft_start => vec!["ye", "e"],
        ('е', French) if soft_start => vec!["ie", "e"],
        ('е', German) if soft_start => vec!["je", "e"],
        ('с', French | German) if prev.is_some_and(is_vowel) && next.is_some_and(is_vowel) => {
            vec!["ss", "s"]
        }
        ('ь', English | French) if next.is_some_and(is_vowel) => vec!["", "i"],
        ('ь', German) if next.is_some_and(is_vowel) => vec!["", "j"],
        _ => return None,
    };
    Some(v)
}

/// Alternatives for a letter written the same wherever it stands; `None` for a character that
/// is not a Cyrillic letter.
fn alone(c: char, system: System) -> Option<Vec<&'static str>> {
    use System::*;
    let v = match (c, system) {
        ('а', _) => vec!["a"],
        ('б', _) => vec!["b"],
        ('в', German) => vec!["w"],
        ('в', _) => vec!["v"],
        ('г', _) => vec!["g"],
        ('д', _) => vec!["d"],
        ('е', _) => vec!["e"],
        ('ё', English) => vec!["yo", "e", "io", "o"],
        ('ё', French) => vec!["io", "e", "o"],
        ('ё', German) => vec!["jo", "o", "e"],
        ('ж', English) => vec!["zh"],
        ('ж', French) => vec!["j"],
        ('ж', German) => vec!["sch"],
        ('з', German) => vec!["s"],
        ('з', _) => vec!["z"],
        ('и', _) => vec!["i"],
        ('й', English) => vec!["y", "i"],
        ('й', French) => vec!["ï", "i", "y"],
        ('й', German) => vec!["i", "j"],
        ('к', _) => vec!["k"],
        ('л', _) => vec!["l"],
        ('м', _) => vec!["m"],
        ('н', _) => vec!["n"],
        ('о', _) => vec!["o"],
        ('п', _) => vec!["p"],
        ('р', _) => vec!["r"],
        ('с', _) => vec!["s"],
        ('т', _) => vec!["t"],
        ('у', French) => vec!["ou"],
        ('у', _) => vec!["u"],
        ('ф', _) => vec!["f"],
        ('х', German) => vec!["ch"],
        ('х', _) => vec!["kh"],
        ('ц', English) => vec!["ts"],
        ('ц', French) => vec!["ts", "tz"],
        ('ц', German) => vec!["z"],
        ('ч', English) => vec!["ch"],
        ('ч', French) => vec!["tch"],
        ('ч', German) => vec!["tsch"],
        ('ш', English) => vec!["sh"],
        ('ш', French) => vec!["ch"],
        ('ш', German) => vec!["sch"],
        ('щ', English) => vec!["shch"],
        ('щ', French) => vec!["chtch"],
        ('щ', German) => vec!["schtsch"],
        ('ъ' | 'ь', _) => vec![""],
        ('ы', _) => vec!["y"],
        ('э', _) => vec!["e"],
        ('ю', English) => vec!["yu", "iu"],
        ('ю', French) => vec!["iou"],
        ('ю', German) => vec!["ju"],
        ('я', English) => vec!["ya", "ia"],
        ('я', French) => vec!["ia"],
        ('я', German) => vec!["ja"],
        // Ukrainian and Belarusian letters that appear in Russian-era names.
        ('і', _) => vec!["i"],
        ('ї', _) => vec!["yi", "i"],
        ('є', _) => vec!["ye", "ie"],
        ('ґ', _) => vec!["g"],
        ('ў', _) => vec!["u"],
        _ => return None,
    };
    Some(v)
}

/// The renderings of one Cyrillic word in one system, capitalised like the original.
pub fn word(cyrillic: &str, system: System) -> Vec<String> {
    let chars: Vec<char> = cyrillic.chars().flat_map(char::to_lowercase).collect();
    let mut out: Vec<String> = vec![String::new()];
    let mut i = 0;
    while i < chars.len() {
        let (alts, used) = letter(&chars, i, system);
        if alts.is_empty() {
            let c = chars[i];
            out.iter_mut().for_each(|s| s.push(c));
        } else {
            let mut next = Vec::with_capacity(out.len() * alts.len());
            for s in &out {
                for a in &alts {
                    if next.len() < MAX_VARIANTS {
                        next.push(format!("{s}{a}"));
                    }
                }
            }
            out = next;
        }
        i += used;
    }
    let capital = cyrillic.chars().next().is_some_and(char::is_uppercase);
    out.into_iter()
        .filter(|s| !s.is_empty())
        .map(|s| if capital { capitalise(&s) } else { s })
        .collect()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Latin name forms for a Cyrillic name (`Николай Иванович Ежов`): the surname alone and the
/// first name with the surname, in every system, without duplicates. Hyphenated parts are
/// kept together.
pub fn forms(original: &str) -> Vec<String> {
    let words: Vec<&str> = original.split_whitespace().collect();
    let (Some(first), Some(last)) = (words.first(), words.last()) else {
        return Vec::new();
    };
    if !is_cyrillic(original) {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: String| {
        if !out.contains(&s) {
            out.push(s);
        }
    };
    for system in [System::English, System::French, System::German] {
        let surnames = word(last, system);
        for s in &surnames {
            push(s.clone());
        }
        if words.len() > 1 {
            let given = word(first, system);
            for g in given.iter().take(3) {
                for s in surnames.iter().take(4) {
                    push(format!("{g} {s}"));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(cyr: &str, wanted: &[&str]) {
        let got = forms(cyr);
        for w in wanted {
            assert!(got.iter().any(|g| g == w), "{cyr}: {w} not in {got:?}");
        }
    }

    #[test]
    fn yezhov_in_four_spellings() {
        has("Ежов", &["Yezhov", "Ezhov", "Ejov", "Iejov", "Jeschow"]);
    }

    #[test]
    fn french_ou_and_final_ine() {
        has("Бухарин", &["Bukharin", "Boukharine", "Bucharin"]);
        has("Сталин", &["Stalin", "Staline"]);
        has("Угланов", &["Uglanov", "Ouglanov", "Uglanow"]);
        has("Суздаль", &["Suzdal", "Souzdal"]);
    }

    #[test]
    fn zh_j_sch() {
        has("Жданов", &["Zhdanov", "Jdanov", "Schdanow"]);
        has("Керженцев", &["Kerzhentsev", "Kerjentsev", "Kerschenzew"]);
    }

    #[test]
    fn shch_and_yo() {
        has(
            "Хрущёв",
            &["Khrushchev", "Khrushchyov", "Khrouchtchev", "Chruschtschow"],
        );
    }

    #[test]
    fn ya_yu_and_soft_sign() {
        has("Пятаков", &["Pyatakov", "Piatakov", "Pjatakow"]);
        has("Зиновьев", &["Zinovyev", "Zinoviev", "Sinowjew"]);
        has(
            "Коцюбинский",
            &["Kotsyubinsky", "Kotsiubinsky", "Kotzioubinski"],
        );
    }

    #[test]
    fn full_names_take_first_name_and_surname() {
        has(
            "Николай Иванович Ежов",
            &["Nikolai Yezhov", "Nikolay Yezhov", "Nikolaï Ejov"],
        );
    }

    #[test]
    fn latin_originals_give_nothing() {
        assert!(forms("Richard Sorge").is_empty());
    }
}
