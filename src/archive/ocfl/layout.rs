//! Storage layouts: how an object id maps to a path under the storage root. editio writes the
//! published extension 0003-hash-and-id-n-tuple-storage-layout (readable directory names, and
//! understood by ocfl-py), and can read roots that use 0004-hashed-n-tuple-storage-layout.

use super::digest::{Algorithm, digest_bytes};
use super::json::Json;
use std::path::PathBuf;

/// Name of extension 0003.
pub const HASH_AND_ID_N_TUPLE: &str = "0003-hash-and-id-n-tuple-storage-layout";
/// Name of extension 0004.
pub const HASHED_N_TUPLE: &str = "0004-hashed-n-tuple-storage-layout";

/// Storage layout extensions registered with OCFL (for E071 and W016).
pub const REGISTERED_ROOT_EXTENSIONS: &[&str] = &[
    "0002-flat-direct-storage-layout",
    HASH_AND_ID_N_TUPLE,
    HASHED_N_TUPLE,
    "0006-flat-omit-prefix-storage-layout",
    "0007-n-tuple-omit-prefix-storage-layout",
    "0008-schema-registry",
    "0011-direct-clean-path-layout",
    "0012-hash-and-no-prefix-id-n-tuple-storage-layout",
];

/// Object extensions registered with OCFL (for W013).
pub const REGISTERED_OBJECT_EXTENSIONS: &[&str] = &[
    "0001-digest-algorithms",
    "0005-mutable-head",
    "0008-schema-registry",
    "0009-digest-algorithms",
];

/// A hashed n-tuple layout (0003 or 0004) with its parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    pub extension: &'static str,
    pub digest_algorithm: Algorithm,
    pub tuple_size: usize,
    pub number_of_tuples: usize,
    /// 0004 only.
    pub short_object_root: bool,
}

impl Layout {
    /// What editio writes: 0003 with sha256, three tuples of three characters.
    pub fn editio_default() -> Layout {
        Layout {
            extension: HASH_AND_ID_N_TUPLE,
            digest_algorithm: Algorithm::Sha256,
            tuple_size: 3,
            number_of_tuples: 3,
            short_object_root: false,
        }
    }

    /// The description written into `ocfl_layout.json`.
    pub fn description(&self) -> &'static str {
        if self.extension == HASHED_N_TUPLE {
            "Hashed N-tuple Storage Layout: object roots under n-tuples of the id's digest"
        } else {
            "Hashed Truncated N-tuple Trees with Object ID Encapsulating Directory for OCFL \
             Storage Hierarchies"
        }
    }

    /// The extension's `config.json`, with keys sorted.
    pub fn config_json(&self) -> Json {
        let mut members = vec![
            (
                "digestAlgorithm".to_owned(),
                Json::String(self.digest_algorithm.name().to_owned()),
            ),
            (
                "extensionName".to_owned(),
                Json::String(self.extension.to_owned()),
            ),
            (
                "numberOfTuples".to_owned(),
                Json::Number(self.number_of_tuples as f64),
            ),
            ("tupleSize".to_owned(), Json::Number(self.tuple_size as f64)),
        ];
        if self.extension == HASHED_N_TUPLE {
            members.push((
                "shortObjectRoot".to_owned(),
                Json::Bool(self.short_object_root),
            ));
        }
        Json::sorted_object(members)
    }

    /// A layout from an extension name and its `config.json` (absent: the defaults).
    pub fn from_config(extension: &str, config: Option<&Json>) -> Result<Layout, String> {
        let extension = match extension {
            HASH_AND_ID_N_TUPLE => HASH_AND_ID_N_TUPLE,
            HASHED_N_TUPLE => HASHED_N_TUPLE,
            other => return Err(format!("editio does not implement the layout {other}")),
        };
        let mut layout = Layout {
            extension,
            ..Layout::editio_default()
        };
        let Some(config) = config else {
            return Ok(layout);
        };
        if let Some(a) = config.get("digestAlgorithm") {
            layout.digest_algorithm = a
                .as_str()
                .and_then(Algorithm::from_name)
                .ok_or_else(|| "digestAlgorithm is not a known algorithm".to_owned())?;
        }
        let number = |key: &str, default: usize| -> Result<usize, String> {
            match config.get(key) {
                None => Ok(default),
                Some(Json::Number(n)) if n.fract() == 0.0 && (0.0..=32.0).contains(n) => {
                    Ok(*n as usize)
                }
                Some(_) => Err(format!("{key} must be an integer from 0 to 32")),
            }
        };
        layout.tuple_size = number("tupleSize", 3)?;
        layout.number_of_tuples = number("numberOfTuples", 3)?;
        if let Some(s) = config.get("shortObjectRoot") {
            layout.short_object_root = matches!(s, Json::Bool(true)) && extension == HASHED_N_TUPLE;
        }
        if (layout.tuple_size == 0) != (layout.number_of_tuples == 0)
            || layout.tuple_size * layout.number_of_tuples > layout.digest_algorithm.hex_len()
        {
            return Err("tupleSize and numberOfTuples do not fit the digest".to_owned());
        }
        Ok(layout)
    }

    /// The object root of `id`, relative to the storage root.
    pub fn object_path(&self, id: &str) -> PathBuf {
        let digest = digest_bytes(self.digest_algorithm, id.as_bytes());
        let mut path = PathBuf::new();
        let used = self.tuple_size * self.number_of_tuples;
        for i in 0..self.number_of_tuples {
            let start = i * self.tuple_size;
            path.push(
                digest
                    .get(start..start + self.tuple_size)
                    .unwrap_or_default(),
            );
        }
        if self.extension == HASHED_N_TUPLE {
            if self.short_object_root {
                path.push(digest.get(used..).unwrap_or_default());
            } else {
                path.push(&digest);
            }
        } else {
            path.push(encapsulation_dir(id, &digest));
        }
        path
    }
}

/// 0003's object directory name: the id percent-encoded (lowercase hex of its UTF-8 bytes for
/// anything but A-Z a-z 0-9 - _), truncated to 100 characters plus `-<digest>` when longer.
fn encapsulation_dir(id: &str, digest: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for c in id.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02x}"));
            }
        }
    }
    if out.len() > 100 {
        // The encoded string is ASCII, so byte 100 is a character boundary.
        format!("{}-{digest}", out.get(..100).unwrap_or_default())
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn extension_0003_examples() {
        let l = Layout::editio_default();
        assert_eq!(
            l.object_path("object-01"),
            Path::new("3c0/ff4/240/object-01")
        );
        assert_eq!(
            l.object_path("..hor/rib:le-$id"),
            Path::new("487/326/d8c/%2e%2ehor%2frib%3ale-%24id")
        );
        assert_eq!(
            l.object_path("..Hor/rib:lè-$id"),
            Path::new("373/529/21a/%2e%2eHor%2frib%3al%c3%a8-%24id")
        );
        let long = "abcdefghij".repeat(26);
        assert_eq!(
            l.object_path(&long),
            Path::new(&format!(
                "55b/432/806/{}-55b432806f4e270da0cf23815ed338742179002153cd8d896f23b3e2d8a14359",
                "abcdefghij".repeat(10)
            ))
        );
        let md5 = Layout {
            digest_algorithm: Algorithm::Md5,
            tuple_size: 2,
            number_of_tuples: 15,
            ..Layout::editio_default()
        };
        assert_eq!(
            md5.object_path("object-01"),
            Path::new("ff/75/53/44/92/48/5e/ab/b3/9f/86/35/67/28/88/object-01")
        );
    }

    #[test]
    fn extension_0004_example() {
        let l = Layout::from_config(HASHED_N_TUPLE, None).unwrap();
        assert_eq!(
            l.object_path("object-01"),
            Path::new(
                "3c0/ff4/240/3c0ff4240c1e116dba14c7627f2319b58aa3d77606d0d90dfc6161608ac987d4"
            )
        );
        let config = super::super::json::parse(
            br#"{"extensionName": "0004-hashed-n-tuple-storage-layout", "digestAlgorithm": "md5",
                "tupleSize": 2, "numberOfTuples": 15, "shortObjectRoot": true}"#,
        )
        .unwrap();
        let l = Layout::from_config(HASHED_N_TUPLE, Some(&config)).unwrap();
        assert_eq!(
            l.object_path("object-01"),
            Path::new("ff/75/53/44/92/48/5e/ab/b3/9f/86/35/67/28/88/4e")
        );
    }
}
