//! The data model: the archive's settings, each edition's provenance record and its log of
//! recorded verifications, exactly as they are written in `editio.toml`,
//! `editions/<id>/edition.toml` and `editions/<id>/events.toml`; the register; and the edition
//! the passes shape.

pub mod config;
pub mod edition;
pub mod events;
pub mod record;
pub mod register;

pub use config::Config;
pub use edition::{Block, DateValue, Edition, Inline};
pub use record::{Cert, Fact, Record};

/// The TEI namespace, which the TEI renderer writes and the TEI checks read.
pub const TEI_NS: &str = "http://www.tei-c.org/ns/1.0";

/// The form an edition id (and a register key) must have: lowercase ASCII letters, digits and
/// single hyphens, starting with a letter. Such an id is safe as a folder name on every system,
/// in a URI and as an XML `xml:id`.
pub const ID_PATTERN: &str = "^[a-z][a-z0-9]*(-[a-z0-9]+)*$";

/// The longest id accepted.
pub const ID_MAX_LEN: usize = 80;

/// Names under `editions/` that are not editions.
pub const RESERVED_IDS: &[&str] = &["register"];

/// Checks an edition id; on failure says why.
pub fn check_id(id: &str) -> Result<(), &'static str> {
    if id.is_empty() {
        return Err("it is empty");
    }
    if id.len() > ID_MAX_LEN {
        return Err("it is longer than 80 characters");
    }
    if RESERVED_IDS.contains(&id) {
        return Err("that name is reserved for the register");
    }
    let bytes = id.as_bytes();
    if !bytes[0].is_ascii_lowercase() {
        return Err("it must start with a lowercase letter a-z");
    }
    if let Some(c) = id
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err(if c.is_ascii_uppercase() {
            "it has an uppercase letter"
        } else if c == '/' || c == '\\' || c == '.' {
            "it has a path character (/, \\ or .)"
        } else {
            "it has a character other than a-z, 0-9 and -"
        });
    }
    if id.ends_with('-') || id.contains("--") {
        return Err("hyphens must stand singly between letters or digits");
    }
    Ok(())
}

/// The months' names in English, January first.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Checks an ISO 8601 calendar date of reduced precision: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
pub fn check_date(date: &str) -> Result<(), &'static str> {
    const MSG: &str = "expected an ISO 8601 date: YYYY, YYYY-MM or YYYY-MM-DD";
    let parts: Vec<&str> = date.split('-').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y] if digits(y, 4) => Ok(()),
        [y, m] if digits(y, 4) && digits(m, 2) => month(m).ok_or(MSG),
        [y, m, d] if digits(y, 4) && digits(m, 2) && digits(d, 2) => {
            let fmt = time::macros::format_description!("[year]-[month]-[day]");
            time::Date::parse(date, &fmt)
                .map(|_| ())
                .map_err(|_| "not a real calendar day")
        }
        _ => Err(MSG),
    }
}

/// Checks that `id` is an SPDX licence identifier on the SPDX License List (the list the
/// `spdx` crate carries), so that the link to its text resolves.
pub fn check_licence(id: &str) -> Result<(), String> {
    if spdx::license_id(id).is_some() {
        return Ok(());
    }
    let hint = spdx::imprecise_license_id(id)
        .filter(|(_, len)| *len == id.len())
        .map(|(l, _)| format!(" (did you mean {}?)", l.name))
        .unwrap_or_default();
    Err(format!(
        "'{id}' is not an SPDX licence identifier{hint}; see https://spdx.org/licenses/"
    ))
}

fn month(m: &str) -> Option<()> {
    let m: u8 = m.parse().ok()?;
    (1..=12).contains(&m).then_some(())
}

/// The JSON Schema of `edition.toml`, as committed in `schemas/edition.schema.json`.
pub fn edition_schema() -> String {
    let schema = schemars::schema_for!(Record);
    let mut out = serde_json::to_string_pretty(&schema).expect("a schema serializes");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(check_id("serge-proofs-1936").is_ok());
        assert!(check_id("a").is_ok());
        for bad in [
            "",
            "Serge",
            "1936-serge",
            "a--b",
            "a-",
            "-a",
            "a/b",
            "../x",
            "a b",
            "register",
            "é",
        ] {
            assert!(check_id(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(check_id(&"a".repeat(81)).is_err());
    }

    #[test]
    fn dates() {
        for good in ["1936", "1936-11", "2024-12-29", "2024-02-29"] {
            assert!(check_date(good).is_ok(), "{good}");
        }
        for bad in [
            "36",
            "1936-13",
            "2023-02-29",
            "1936/11",
            "November 1936",
            "1936-1",
        ] {
            assert!(check_date(bad).is_err(), "{bad}");
        }
    }
}
