//! Reading a TOML file into a typed value, reporting syntax errors, type errors and every
//! unknown field with its line and column.

use crate::diagnostic::{Code, Diagnostic, LineIndex, Location};
use serde::de::DeserializeOwned;
use std::path::Path;
use toml::de::{DeTable, DeValue};

/// The codes to report a file's problems with.
pub struct Codes {
    pub syntax: Code,
    pub unknown_field: Code,
    pub invalid: Code,
}

/// Parses `text` (the contents of `path`) as `T`. Returns the value when it could be read, and
/// every problem found: a syntax error stops reading; unknown fields are all reported.
pub fn parse<T: DeserializeOwned>(
    path: &Path,
    text: &str,
    codes: &Codes,
) -> (Option<T>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let at = |span: Option<std::ops::Range<usize>>| match span {
        Some(span) => Location::at_offset(path, text, span.start),
        None => Location::file(path),
    };
    let table = match DeTable::parse(text) {
        Ok(table) => table,
        Err(err) => {
            diags.push(
                Diagnostic::new(codes.syntax, at(err.span()), first_line(err.message()))
                    .with_help("fix the TOML syntax at this place"),
            );
            return (None, diags);
        }
    };
    let mut unknown = Vec::new();
    let deserializer = toml::de::Deserializer::from(table.clone());
    let value = match serde_ignored::deserialize(deserializer, |p| unknown.push(segments(&p))) {
        Ok(value) => Some(value),
        Err(err) => {
            let err: toml::de::Error = err;
            diags.push(
                Diagnostic::new(codes.invalid, at(err.span()), first_line(err.message()))
                    .with_help("see schemas/edition.schema.json for the expected form"),
            );
            None
        }
    };
    for segs in unknown {
        let span = find_key(table.get_ref(), &segs);
        diags.push(unknown_field(codes.unknown_field, at(span), &segs));
    }
    (value, diags)
}

/// The finding for a field the file's type does not have, at `segs` (table keys and array
/// indices).
pub fn unknown_field(code: Code, location: Location, segs: &[String]) -> Diagnostic {
    Diagnostic::new(
        code,
        location,
        format!("unknown field `{}`", segs.join(".")),
    )
    .with_help("check the spelling, or remove the field; editio ignores nothing silently")
}

/// For a file whose typed reading failed as a whole: reads each table of the arrays `lists`
/// (`[[person]]`…) on its own as `T`, so that a bad entry is reported at its own line and the
/// others are kept. Returns, per list, the entries that could be read.
pub fn parse_entries<T: DeserializeOwned>(
    path: &Path,
    text: &str,
    codes: &Codes,
    lists: &[&str],
) -> (Vec<Vec<T>>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut out: Vec<Vec<T>> = lists.iter().map(|_| Vec::new()).collect();
    let Ok(table) = DeTable::parse(text) else {
        return (out, diags);
    };
    let at = |span: Option<std::ops::Range<usize>>| match span {
        Some(span) => Location::at_offset(path, text, span.start),
        None => Location::file(path),
    };
    for (key, value) in table.get_ref().iter() {
        let name = key.get_ref().as_ref();
        let Some(slot) = lists.iter().position(|l| *l == name) else {
            diags.push(
                Diagnostic::new(
                    codes.unknown_field,
                    at(Some(key.span())),
                    format!("unknown field `{name}`"),
                )
                .with_help(
                    "check the spelling, or remove the field; editio ignores nothing silently",
                ),
            );
            continue;
        };
        let DeValue::Array(items) = value.get_ref() else {
            diags.push(Diagnostic::new(
                codes.invalid,
                at(Some(key.span())),
                format!("`{name}` must be a list of [[{name}]] tables"),
            ));
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            let (value, mut found) = parse_entry(path, text, codes, name, i, item);
            out[slot].extend(value);
            diags.append(&mut found);
        }
    }
    (out, diags)
}

/// Reads entry `i` (from 0) of the list `name` on its own as `T`, with the findings about it
/// at its own line: not a table, a value that does not fit, unknown fields.
fn parse_entry<T: DeserializeOwned>(
    path: &Path,
    text: &str,
    codes: &Codes,
    name: &str,
    i: usize,
    item: &toml::Spanned<DeValue<'_>>,
) -> (Option<T>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let at = |span: Option<std::ops::Range<usize>>| match span {
        Some(span) => Location::at_offset(path, text, span.start),
        None => Location::file(path),
    };
    let DeValue::Table(entry) = item.get_ref() else {
        diags.push(Diagnostic::new(
            codes.invalid,
            at(Some(item.span())),
            format!("entry {} of `{name}` is not a table", i + 1),
        ));
        return (None, diags);
    };
    let spanned = toml::Spanned::new(item.span(), entry.clone());
    let mut unknown = Vec::new();
    let de = toml::de::Deserializer::from(spanned);
    let value = match serde_ignored::deserialize(de, |p| unknown.push(segments(&p))) {
        Ok(value) => Some(value),
        Err(err) => {
            let err: toml::de::Error = err;
            let location = match err.span() {
                Some(span) if span.start != item.span().start => at(Some(span)),
                _ => at(Some(item.span())),
            };
            diags.push(
                Diagnostic::new(
                    codes.invalid,
                    location,
                    format!(
                        "[[{name}]] entry {}: {}; this entry is left out, the rest of the file is read",
                        i + 1,
                        first_line(err.message())
                    ),
                )
                .with_help("fix this entry; see the README's register fields"),
            );
            None
        }
    };
    for segs in unknown {
        let span = find_key(entry, &segs);
        diags.push(
            Diagnostic::new(
                codes.unknown_field,
                at(span),
                format!("unknown field `{name}.{}`", segs.join(".")),
            )
            .with_help("check the spelling, or remove the field; editio ignores nothing silently"),
        );
    }
    (value, diags)
}

fn first_line(msg: &str) -> String {
    msg.lines().next().unwrap_or(msg).trim().to_string()
}

/// The path serde_ignored reports, as table keys and array indices.
fn segments(path: &serde_ignored::Path<'_>) -> Vec<String> {
    use serde_ignored::Path as P;
    let mut out = match path {
        P::Root => return Vec::new(),
        P::Seq { parent, .. }
        | P::Map { parent, .. }
        | P::Some { parent }
        | P::NewtypeStruct { parent }
        | P::NewtypeVariant { parent } => segments(parent),
    };
    match path {
        P::Seq { index, .. } => out.push(index.to_string()),
        P::Map { key, .. } => out.push(key.clone()),
        _ => {}
    }
    out
}

/// Where the key at `segs` (table keys and array indices) stands in `text`, the contents of
/// `path`; the file alone when it cannot be found.
pub fn locate(path: &Path, text: &str, segs: &[impl AsRef<str>]) -> Location {
    Locator::new(path, text).locate(segs)
}

/// [`locate`] for many keys of one file: the text is parsed, and its lines found, once for all
/// of them (a register of 60,000 entries is megabytes of TOML).
pub struct Locator<'a> {
    path: &'a Path,
    text: &'a str,
    parsed: std::cell::OnceCell<Option<(toml::Spanned<DeTable<'a>>, LineIndex<'a>)>>,
}

impl<'a> Locator<'a> {
    pub fn new(path: &'a Path, text: &'a str) -> Self {
        Locator {
            path,
            text,
            parsed: std::cell::OnceCell::new(),
        }
    }

    /// Where the key at `segs` stands; the file alone when it cannot be found.
    pub fn locate(&self, segs: &[impl AsRef<str>]) -> Location {
        let parsed = self.parsed.get_or_init(|| {
            let table = DeTable::parse(self.text).ok()?;
            Some((table, LineIndex::new(self.text)))
        });
        match parsed {
            Some((table, lines)) => match find_key(table.get_ref(), segs) {
                Some(span) => Location::at_offset_in(self.path, lines, span.start),
                None => Location::file(self.path),
            },
            None => Location::file(self.path),
        }
    }
}

/// The span of the key at `segs` in the parsed table.
fn find_key(table: &DeTable<'_>, segs: &[impl AsRef<str>]) -> Option<std::ops::Range<usize>> {
    let (first, rest) = segs.split_first()?;
    let (key, value) = (table.iter()).find(|(k, _)| k.get_ref().as_ref() == first.as_ref())?;
    if rest.is_empty() {
        return Some(key.span());
    }
    find_in_value(value.get_ref(), rest).or(Some(key.span()))
}

fn find_in_value(value: &DeValue<'_>, segs: &[impl AsRef<str>]) -> Option<std::ops::Range<usize>> {
    match value {
        DeValue::Table(t) => find_key(t, segs),
        DeValue::Array(items) => {
            let (first, rest) = segs.split_first()?;
            let item = items.get(first.as_ref().parse::<usize>().ok()?)?;
            if rest.is_empty() {
                Some(item.span())
            } else {
                find_in_value(item.get_ref(), rest)
            }
        }
        _ => None,
    }
}
