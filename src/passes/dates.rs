//! Dates: marks the dates an English text gives (`22 October`, `28 October 1938`,
//! `May—June 1937`, `July 1938`, `August 25, 1936`, `the 7th of November 1917`, `summer 1938`,
//! `1927`, and `3 May 871` where no word follows the year) with their normalised form. A day and month without a year take the year of the
//! nearest dated mention in the edition (the last one before it, or else the first after),
//! and say that the year is supplied. Numbers that are not dates are left alone: note anchors
//! were split off before this pass, counts (`100,000`, `2,600`) and issue numbers
//! (`Vol. 1 No. 8`) are not years, and a decade (`1930s`) is not a date.

use super::{Pass, map_text, push_text};
use crate::model::{DateValue, Edition, Inline, MONTHS};
use regex::Regex;
use std::sync::LazyLock;

pub struct Dates;

/// One pattern of the dates the pass knows, tried in this order at each place (longest forms
/// first).
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    let m = MONTHS.join("|");
    let pattern = [
        // May—June 1937
        format!(r"\b(?P<m1>{m})\s*[—–-]\s*(?P<m2>{m}),?\s+(?P<ry>\d{{4}})\b"),
        // the 7th of November 1917, the 25th of August
        format!(r"\b(?P<od>\d{{1,2}})(?:st|nd|rd|th)\s+of\s+(?P<om>{m})(?:,?\s+(?P<oy>\d{{3,4}}))?\b"),
        // 28 October 1938, 22 October
        format!(r"\b(?P<dd>\d{{1,2}})\s+(?P<dm>{m})(?:,?\s+(?P<dy>\d{{3,4}}))?\b"),
        // August 25, 1936
        format!(r"\b(?P<am>{m})\s+(?P<ad>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<ay>\d{{3,4}})\b"),
        // July 1938, November, 1936
        format!(r"\b(?P<mm>{m}),?\s+(?P<my>\d{{4}})\b"),
        // summer 1938
        r"\b(?P<season>[Ss]pring|[Ss]ummer|[Aa]utumn|[Ff]all|[Ww]inter)\s+(?:of\s+)?(?P<sy>\d{4})\b"
            .to_string(),
        // 1927 (a year on its own, not part of a larger number or a decade)
        r"(?P<yy>\b1[5-9]\d\d\b|\b20\d\d\b)".to_string(),
    ];
    Regex::new(&pattern.join("|")).expect("the date patterns are valid")
});

fn month(name: &str) -> u32 {
    MONTHS
        .iter()
        .position(|m| *m == name)
        .map_or(0, |i| i as u32 + 1)
}

/// A date found in the text: where, what, and whether its year is still to be supplied.
struct Found {
    start: usize,
    end: usize,
    value: Option<DateValue>,
    /// Day and month of a date whose year the text does not give.
    needs_year: Option<(u32, u32)>,
}

fn valid_day(y: i32, m: u32, d: u32) -> bool {
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    };
    (1..=days).contains(&d)
}

/// Whether a number is followed by a word it could count (`300 prisoners`, `300 of them`).
fn counts_something(after: &str) -> bool {
    let rest = after.trim_start_matches([' ', '\u{a0}']);
    rest.len() < after.len() && rest.starts_with(|c: char| c.is_alphanumeric())
}

/// The dates in one run of text, with offsets into it.
fn find(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    // Every pattern has a digit (`\d`: any decimal digit, and every such character is
    // numeric): most runs of text have none, and the search is not run on them.
    if !text.chars().any(char::is_numeric) {
        return out;
    }
    for c in DATE.captures_iter(text) {
        let whole = c.get(0).expect("a match has a whole");
        let (start, end) = (whole.start(), whole.end());
        let num = |k: &str| c.name(k).and_then(|v| v.as_str().parse::<i32>().ok());
        let name = |k: &str| c.name(k).map(|v| v.as_str());
        let mut found = Found {
            start,
            end,
            value: None,
            needs_year: None,
        };
        if let (Some(m1), Some(m2), Some(y)) = (name("m1"), name("m2"), num("ry")) {
            found.value = Some(DateValue::Range(
                format!("{y:04}-{:02}", month(m1)),
                format!("{y:04}-{:02}", month(m2)),
            ));
        } else if let Some(d) = num("od").or(num("dd")).or(num("ad")) {
            let m = month(name("om").or(name("dm")).or(name("am")).unwrap_or_default());
            let year = c.name("oy").or(c.name("dy")).or(c.name("ay"));
            // A year of three digits (`3 May 871`) only where no word follows that it could
            // count (`on 3 May 300 prisoners`): then the day and month stand without it.
            if let Some(y) = year
                && y.len() == 3
                && counts_something(&text[y.end()..])
            {
                if name("ad").is_some() {
                    continue;
                }
                let month_end = c.name("om").or(c.name("dm")).map_or(end, |g| g.end());
                found.end = month_end;
                found.needs_year = Some((m, d as u32));
                out.push(found);
                continue;
            }
            match year.and_then(|v| v.as_str().parse::<i32>().ok()) {
                Some(y) if valid_day(y, m, d as u32) => {
                    found.value = Some(DateValue::When(format!("{y:04}-{m:02}-{d:02}")));
                }
                Some(_) => continue,
                None if (1..=31).contains(&d) => found.needs_year = Some((m, d as u32)),
                None => continue,
            }
        } else if let (Some(m), Some(y)) = (name("mm"), num("my")) {
            found.value = Some(DateValue::When(format!("{y:04}-{:02}", month(m))));
        } else if let (Some(s), Some(y)) = (name("season"), num("sy")) {
            let (from, to) = match s.to_lowercase().as_str() {
                "spring" => (format!("{y:04}-03"), format!("{y:04}-05")),
                "summer" => (format!("{y:04}-06"), format!("{y:04}-08")),
                "autumn" | "fall" => (format!("{y:04}-09"), format!("{y:04}-11")),
                _ => (format!("{y:04}-01"), format!("{:04}-02", y + 1)),
            };
            found.value = Some(DateValue::Between(from, to));
        } else if let Some(y) = num("yy") {
            // Not a year: part of a number (`1,938`, `1938.5`), or a page or issue number.
            let before = text[..start].trim_end();
            let after = &text[end..];
            let in_number = text[..start].ends_with([',', '.'])
                && text[..start]
                    .chars()
                    .rev()
                    .nth(1)
                    .is_some_and(|c| c.is_ascii_digit())
                || (after.starts_with([',', '.'])
                    && after[1..].starts_with(|c: char| c.is_ascii_digit()));
            let label = ["No.", "no.", "Vol.", "vol.", "p.", "pp.", "No", "page"]
                .iter()
                .any(|l| before.ends_with(l));
            if in_number || label {
                continue;
            }
            found.value = Some(DateValue::When(format!("{y:04}")));
        }
        out.push(found);
    }
    out
}

/// The year of each dated mention with a month, in text order, for supplying the year of a
/// day and month that stand alone; `found` is what [`find`] gives for each run of text.
fn dated_years(found: &[Vec<Found>]) -> Vec<i32> {
    found
        .iter()
        .flatten()
        .filter_map(|f| match &f.value {
            Some(DateValue::When(v) | DateValue::Range(v, _)) if v.len() >= 7 => {
                v[..4].parse().ok()
            }
            _ => None,
        })
        .collect()
}

impl Pass for Dates {
    fn name(&self) -> &'static str {
        "dates"
    }

    fn run(&self, edition: &mut Edition) {
        // First the years the text gives with a month, in order; then every date, the years
        // it lacks supplied from the nearest of them.
        // Each run of text searched once: the dates of every run, in the order the runs are
        // rewritten below.
        let found: Vec<Vec<Found>> = (edition.blocks.iter())
            .flat_map(|b| &b.inlines)
            .filter_map(|i| match i {
                Inline::Text(t) => Some(find(t)),
                _ => None,
            })
            .collect();
        let years = dated_years(&found);
        let mut found = found.into_iter();
        let mut seen = 0usize;
        let mut marked = 0usize;
        let mut supplied = 0usize;
        for block in &mut edition.blocks {
            map_text(&mut block.inlines, |t| {
                let found = found.next().unwrap_or_default();
                if t.is_empty() {
                    return Some(Vec::new());
                }
                if found.is_empty() {
                    return None;
                }
                let mut out = Vec::new();
                let mut at = 0;
                for f in found {
                    let (value, year_supplied) = match (f.value, f.needs_year) {
                        (Some(v), _) => {
                            if matches!(&v, DateValue::When(s) | DateValue::Range(s, _) if s.len() >= 7)
                            {
                                seen += 1;
                            }
                            (v, false)
                        }
                        (None, Some((m, d))) => {
                            // The last dated mention before this one, or else the next after.
                            let Some(y) = years
                                .get(seen.saturating_sub(1))
                                .filter(|_| seen > 0)
                                .or(years.get(seen))
                            else {
                                continue;
                            };
                            if !valid_day(*y, m, d) {
                                continue;
                            }
                            (DateValue::When(format!("{y:04}-{m:02}-{d:02}")), true)
                        }
                        (None, None) => continue,
                    };
                    push_text(&mut out, &t[at..f.start]);
                    out.push(Inline::Date {
                        text: t[f.start..f.end].to_string(),
                        value,
                        year_supplied,
                    });
                    marked += 1;
                    supplied += usize::from(year_supplied);
                    at = f.end;
                }
                push_text(&mut out, &t[at..]);
                Some(out)
            });
        }
        edition.log.dates_marked = marked;
        edition.log.dates_year_supplied = supplied;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<(String, String)> {
        find(text)
            .into_iter()
            .map(|f| {
                let v = match (f.value, f.needs_year) {
                    (Some(DateValue::When(w)), _) => format!("when={w}"),
                    (Some(DateValue::Range(a, b)), _) => format!("from={a} to={b}"),
                    (Some(DateValue::Between(a, b)), _) => {
                        format!("notBefore={a} notAfter={b}")
                    }
                    (None, Some((m, d))) => format!("--{m:02}-{d:02}"),
                    (None, None) => "?".into(),
                };
                (text[f.start..f.end].to_string(), v)
            })
            .collect()
    }

    #[test]
    fn the_forms_of_dates_in_the_texts() {
        let cases = [
            ("On 22 October, on", "22 October", "--10-22"),
            (
                "On 28 October 1938, medals",
                "28 October 1938",
                "when=1938-10-28",
            ),
            (
                "the May—June 1937 purge",
                "May—June 1937",
                "from=1937-05 to=1937-06",
            ),
            ("in the July 1938 military", "July 1938", "when=1938-07"),
            (
                "the crime of August 25, 1936, has",
                "August 25, 1936",
                "when=1936-08-25",
            ),
            (
                "the evening of the 7th of November 1917, the",
                "7th of November 1917",
                "when=1917-11-07",
            ),
            (
                "in summer 1938 the",
                "summer 1938",
                "notBefore=1938-06 notAfter=1938-08",
            ),
            ("expulsion in 1927, when", "1927", "when=1927"),
            (
                "Vol. 1 No. 8. November, 1936.",
                "November, 1936",
                "when=1936-11",
            ),
            ("the 25th of August—no matter", "25th of August", "--08-25"),
            ("died on 3 May 871, and", "3 May 871", "when=0871-05-03"),
            ("on 3 May 300 prisoners", "3 May", "--05-03"),
            ("the 9th of June 968.", "9th of June 968", "when=0968-06-09"),
        ];
        for (text, date, want) in cases {
            assert_eq!(
                values(text),
                vec![(date.to_string(), want.to_string())],
                "{text}"
            );
        }
    }

    #[test]
    fn numbers_that_are_not_dates_are_left_alone() {
        for text in [
            "100,000 Japanese casualties",
            "wounded—2,600 fewer",
            "Vol. 1 No. 8.",
            "in the 1930s",
            "No. 1938 of the series",
            "31 February 1938",
            "May I ask",
            "a 25th anniversary",
            "the 1,938 men",
            "May 25, 300 men",
            "in 871 the",
        ] {
            assert_eq!(values(text), vec![], "{text}");
        }
    }
}
