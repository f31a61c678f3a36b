//! A table of distinct strings for the names pass's matcher: every string in one buffer, found
//! by an open-addressing hash table of their places. It is built once from the register's forms
//! and kept in the build cache as it stands, so that reading it back allocates three buffers
//! and hashes nothing (a hash map of 400,000 strings would be built again string by string).

use serde::{Deserialize, Serialize};
use std::hash::Hasher as _;

/// Distinct strings, numbered in the order they were given, looked up by their text.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct StrTable {
    /// Every string, one after the other.
    text: String,
    /// Where each string ends in `text` (it starts where the one before ends).
    ends: Vec<usize>,
    /// A power of two of slots (at least twice the strings), each 0 when empty or a string's
    /// number plus one, at the first free slot from its hash on.
    slots: Vec<u32>,
}

impl StrTable {
    /// The table of `strings`, numbered in order; a string given again keeps its first number
    /// (and the later one is never found).
    pub(super) fn new<'a>(strings: impl ExactSizeIterator<Item = &'a str>) -> StrTable {
        let count = strings.len();
        let mut table = StrTable {
            text: String::new(),
            ends: Vec::with_capacity(count),
            slots: vec![0; (count * 2).next_power_of_two().max(2)],
        };
        let mask = table.slots.len() - 1;
        for s in strings {
            table.text.push_str(s);
            table.ends.push(table.text.len());
            // A register of more than 4 billion forms does not fit in memory in the first place.
            let Ok(number) = u32::try_from(table.ends.len()) else {
                break;
            };
            let mut at = hash(s) & mask;
            while table.slots[at] != 0 {
                at = (at + 1) & mask;
            }
            table.slots[at] = number;
        }
        table
    }

    /// The number of the string `s`, if the table holds it.
    pub(super) fn get(&self, s: &str) -> Option<usize> {
        let mask = self.slots.len().checked_sub(1)?;
        let mut at = hash(s) & mask;
        // At most every slot once (the table is never full; this bounds a damaged one too).
        for _ in 0..self.slots.len() {
            let number = *self.slots.get(at)? as usize;
            let id = number.checked_sub(1)?;
            if self.string(id) == Some(s) {
                return Some(id);
            }
            at = (at + 1) & mask;
        }
        None
    }

    /// The string numbered `id`.
    pub(super) fn string(&self, id: usize) -> Option<&str> {
        let start = match id {
            0 => 0,
            _ => *self.ends.get(id - 1)?,
        };
        self.text.get(start..*self.ends.get(id)?)
    }
}

/// rustc's hash of `s`: fast, and the same in every run of one editio binary (the cache that
/// keeps a table is only read by the binary that wrote it).
fn hash(s: &str) -> usize {
    let mut h = rustc_hash::FxHasher::default();
    h.write(s.as_bytes());
    h.finish() as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_string_and_nothing_else() {
        let strings: Vec<String> = (0..5000).map(|i| format!("Form {i} ж")).collect();
        let table = StrTable::new(strings.iter().map(String::as_str));
        for (i, s) in strings.iter().enumerate() {
            assert_eq!(table.get(s), Some(i), "{s}");
            assert_eq!(table.string(i), Some(s.as_str()));
        }
        for absent in ["", "Form", "Form 5000 ж", "form 1 ж", "Form 1 ж "] {
            assert_eq!(table.get(absent), None, "{absent:?}");
        }
        // An empty string is a string like any other; an empty table finds nothing.
        let with_empty = StrTable::new(["", "a"].into_iter());
        assert_eq!(with_empty.get(""), Some(0));
        assert_eq!(StrTable::new(std::iter::empty()).get("a"), None);
        assert_eq!(StrTable::default().get("a"), None);
    }

    #[test]
    fn a_table_read_back_finds_the_same() {
        let table = StrTable::new(["Сталин", "Stalin", "STALIN"].into_iter());
        let bytes =
            postcard::serialize_with_flavor(&table, super::super::Buffer(Vec::new())).unwrap();
        let back: StrTable = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back.get("Stalin"), Some(1));
        assert_eq!(back.get("Staline"), None);
    }
}
