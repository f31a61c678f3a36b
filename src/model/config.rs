//! `editio.toml`: the settings of one archive, the organisation that keeps it and how its
//! identifiers are formed.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The whole of `editio.toml`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Config {
    pub archive: ArchiveSettings,
    #[serde(default)]
    pub build: BuildSettings,
    /// Where releases are stored (`[storage]`); export/ocfl when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<StorageSettings>,
}

/// `[storage]`: where `editio release` writes versions, and how to reach it. Credentials are
/// never in the file: S3 tools' usual environment (`AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY`, `AWS_PROFILE`) gives them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct StorageSettings {
    /// The OCFL storage root: `s3://bucket/prefix`, or a folder (relative to the archive).
    pub root: String,
    /// The S3 server, for S3-compatible storage other than Amazon's
    /// (`http://127.0.0.1:3900`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The S3 region (`garage` for a default Garage; `us-east-1` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// A second prefix (`s3://bucket/deposits`) that receives a copy of every deposit zip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposits: Option<String>,
}

/// Who keeps the archive and how it names things.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ArchiveSettings {
    /// The archive's name, as publisher of its editions.
    pub name: String,
    /// The organisation that keeps the archive (BagIt `Source-Organization`).
    pub organisation: String,
    /// Whom to contact about the archive.
    pub contact: Contact,
    /// The default licence of the encodings (TEI, reading copies), as an SPDX identifier.
    pub licence: String,
    /// The base URI from which edition identifiers are formed (`<base_uri><id>`).
    pub base_uri: String,
    /// What the archive is for and how its editions are made, for the TEI's `projectDesc`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A contact person or office.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Settings for `editio build`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct BuildSettings {
    /// Typeset each edition as a PDF/A file in export/pdf/ (the default).
    #[serde(default = "yes")]
    pub pdf: bool,
}

impl Default for BuildSettings {
    fn default() -> Self {
        BuildSettings { pdf: true }
    }
}

fn yes() -> bool {
    true
}

impl Config {
    /// Problems with the values (not the form) of the settings, as (field, message).
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let a = &self.archive;
        for (field, value) in [
            ("archive.name", &a.name),
            ("archive.organisation", &a.organisation),
            ("archive.contact.name", &a.contact.name),
            ("archive.licence", &a.licence),
            ("archive.base_uri", &a.base_uri),
        ] {
            if value.trim().is_empty() {
                out.push((field, format!("{field} is empty: fill it in")));
            }
        }
        if !a.licence.trim().is_empty()
            && let Err(why) = super::check_licence(&a.licence)
        {
            out.push(("archive.licence", why));
        }
        if !a.base_uri.is_empty() && !a.base_uri.contains(':') {
            out.push((
                "archive.base_uri",
                format!("base_uri '{}' is not an absolute URI", a.base_uri),
            ));
        }
        out
    }
}
