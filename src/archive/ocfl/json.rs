//! A small JSON tree for inventories. Unlike `serde_json::Value` it keeps object members in file
//! order *with* duplicate keys, so that the validator can report a key given twice instead of
//! silently keeping the last one; and it writes one fixed, pretty layout so that the writer's
//! inventories are byte-for-byte reproducible.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::io::Read;
use std::path::Path;

/// A JSON value.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Json>),
    /// Members in file order; a key may occur more than once.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The first member named `key`, when this is an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[(String, Json)]> {
        match self {
            Json::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Array(a) => Some(a),
            _ => None,
        }
    }

    /// What kind of value this is, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }

    /// An object with its members sorted by key (for output).
    pub fn sorted_object(mut members: Vec<(String, Json)>) -> Json {
        members.sort_by(|a, b| a.0.cmp(&b.0));
        Json::Object(members)
    }

    /// The same value with every object's members sorted by key, recursively.
    pub fn sorted(&self) -> Json {
        match self {
            Json::Array(a) => Json::Array(a.iter().map(Json::sorted).collect()),
            Json::Object(m) => {
                Json::sorted_object(m.iter().map(|(k, v)| (k.clone(), v.sorted())).collect())
            }
            other => other.clone(),
        }
    }

    /// Pretty JSON: two-space indent, `"key": value`, empty containers as `{}`/`[]`, no
    /// trailing newline. The layout never depends on anything but the value.
    pub fn to_pretty(&self) -> String {
        let mut out = String::new();
        write_value(self, 0, &mut out);
        out
    }
}

fn indent(level: usize, out: &mut String) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

fn write_string(s: &str, out: &mut String) {
    // serde_json escapes exactly what JSON requires; a &str never fails to serialize.
    match serde_json::to_string(s) {
        Ok(quoted) => out.push_str(&quoted),
        Err(_) => out.push_str("\"\""),
    }
}

fn write_value(value: &Json, level: usize, out: &mut String) {
    match value {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => {
            if n.fract() == 0.0 && n.abs() < 9.0e15 {
                out.push_str(&format!("{}", *n as i64));
            } else {
                out.push_str(&format!("{n}"));
            }
        }
        Json::String(s) => write_string(s, out),
        Json::Array(items) if items.is_empty() => out.push_str("[]"),
        Json::Array(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                indent(level + 1, out);
                write_value(item, level + 1, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            indent(level, out);
            out.push(']');
        }
        Json::Object(members) if members.is_empty() => out.push_str("{}"),
        Json::Object(members) => {
            out.push_str("{\n");
            for (i, (k, v)) in members.iter().enumerate() {
                indent(level + 1, out);
                write_string(k, out);
                out.push_str(": ");
                write_value(v, level + 1, out);
                out.push_str(if i + 1 < members.len() { ",\n" } else { "\n" });
            }
            indent(level, out);
            out.push('}');
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        Ok(Json::Number(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut members = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Json>()? {
            members.push((k, v));
        }
        Ok(Json::Object(members))
    }
}

/// Why a JSON file could not be read.
#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    /// The file is larger than the limit; it was not read.
    TooLarge {
        size: u64,
        limit: u64,
    },
    /// Not JSON (or not UTF-8): serde_json's message with line and column.
    Syntax(String),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "cannot be read: {e}"),
            ReadError::TooLarge { size, limit } => write!(
                f,
                "is {size} bytes, more than the {limit}-byte limit for an inventory; not loaded"
            ),
            ReadError::Syntax(e) => write!(f, "is not valid JSON: {e}"),
        }
    }
}

/// Reads at most `limit` bytes of a regular file (never through a symlink). The size is checked
/// before reading *and* the read is capped, so a file that grows meanwhile is refused as well.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::symlink_metadata(path).map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        )));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// Reads at most `limit` bytes of a file that its directory listing showed to be a regular
/// file (not a symlink): the validator's fast path, one `open`, one `fstat` and as few `read`s
/// as the file needs, instead of [`read_limited`]'s extra `lstat` of the path. The opened file
/// must still be a regular file no larger than `limit`; it is read up to the size `fstat` gave,
/// so memory stays within the limit even if the file grows meanwhile.
pub fn read_listed(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let mut file = std::fs::File::open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        )));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    let len = usize::try_from(meta.len()).map_err(|_| ReadError::TooLarge {
        size: meta.len(),
        limit,
    })?;
    let mut bytes = vec![0u8; len];
    let mut filled = 0;
    while let Some(rest) = bytes.get_mut(filled..).filter(|r| !r.is_empty()) {
        match file.read(rest) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(ReadError::Io(e)),
        }
    }
    bytes.truncate(filled);
    Ok(bytes)
}

/// Parses JSON text. serde_json limits nesting depth, so a hostile file cannot exhaust the stack.
pub fn parse(bytes: &[u8]) -> Result<Json, ReadError> {
    serde_json::from_slice(bytes).map_err(|e| ReadError::Syntax(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_duplicates_and_order() {
        let j = parse(br#"{"b": 1, "a": [true, null], "b": "x"}"#).unwrap();
        let members = j.as_object().unwrap();
        assert_eq!(members.len(), 3);
        assert_eq!(members[0].0, "b");
        assert_eq!(j.get("b"), Some(&Json::Number(1.0)));
    }

    #[test]
    fn pretty_layout_is_fixed() {
        let j = parse(br#"{"z": {}, "a": ["x", "y\n"], "m": {"k": []}}"#).unwrap();
        assert_eq!(
            j.sorted().to_pretty(),
            "{\n  \"a\": [\n    \"x\",\n    \"y\\n\"\n  ],\n  \"m\": {\n    \"k\": []\n  },\n  \"z\": {}\n}"
        );
        assert_eq!(parse(j.to_pretty().as_bytes()).unwrap(), j);
    }

    #[test]
    fn refuses_deep_nesting_and_bad_syntax() {
        let deep = "[".repeat(100_000);
        assert!(matches!(parse(deep.as_bytes()), Err(ReadError::Syntax(_))));
        assert!(matches!(parse(b"{\"a\":"), Err(ReadError::Syntax(_))));
    }
}
