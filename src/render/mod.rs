//! Renderers: each turns an edition model into one kind of output, as bytes with the path
//! they go to under `export/`. Writing them is the build's job. [`renderers`] is the one list
//! of them: the build writes what it lists, `verify` renders the same list in memory to
//! compare, and a release takes the files of a version from it. A new output format is one new
//! file here and one line in that list.

pub mod dc;
pub mod epub;
pub mod html;
pub mod pdf;
pub mod premis;
pub mod reading;
pub mod tei;
pub mod xml;

use crate::error::Result;
use crate::model::register::Register;
use crate::model::{Config, Edition};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Every renderer, in the order they run. `requested` turns off the renderers that may be
/// skipped (`editio build --no-pdf`); `root` is the archive's folder, whose `templates/`
/// replace the built-in templates.
pub fn renderers(root: Option<&Path>, requested: Requested) -> Result<Vec<Box<dyn Renderer>>> {
    let templates = Arc::new(html::Templates::new(root));
    let mut list: Vec<Box<dyn Renderer>> = vec![
        Box::new(tei::Tei),
        Box::new(reading::Reading::new(templates.clone())),
    ];
    if requested.pdf {
        list.push(Box::new(pdf::Pdf::new(templates)?));
    }
    Ok(list)
}

/// The renderers that may be skipped.
#[derive(Clone, Debug)]
pub struct Requested {
    /// Typeset every edition as a PDF (the default).
    pub pdf: bool,
}

impl Default for Requested {
    fn default() -> Self {
        Requested { pdf: true }
    }
}

/// The folders of `export/` the renderers of `list` write, in list order.
pub fn export_dirs(list: &[Box<dyn Renderer>]) -> Vec<&'static str> {
    list.iter().flat_map(|r| r.dirs().iter().copied()).collect()
}

/// One file made by a renderer.
#[derive(Clone, Debug)]
pub struct Output {
    /// Relative to `export/`, starting with one of the renderer's [`Renderer::dirs`].
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

impl Output {
    pub fn new(dir: &str, name: impl AsRef<Path>, bytes: impl Into<Vec<u8>>) -> Self {
        Output {
            path: Path::new(dir).join(name),
            bytes: bytes.into(),
        }
    }
}

/// An edition ready to render: the model after the passes, and its TEI encoding (which the
/// reading copies cite by checksum).
pub struct Item<'a> {
    pub edition: &'a Edition,
    pub tei: &'a [u8],
}

/// One output format.
pub trait Renderer: Send + Sync {
    /// A short name (`tei`, `reading`, `pdf`).
    fn name(&self) -> &'static str;

    /// The folders of `export/` its outputs go in.
    fn dirs(&self) -> &'static [&'static str];

    /// Whether its outputs are the same bytes on every machine. Those are committed, compared
    /// with the build by `verify`, and part of every released version; the others (PDFs,
    /// which depend on the printing program) are not.
    fn reproducible(&self) -> bool {
        true
    }

    /// The outputs of one edition.
    fn edition(&self, item: &Item, ctx: &RenderContext) -> Result<Vec<Output>>;

    /// What rendering one edition finds worth the editor's attention (the PDF: characters
    /// no shipped font has); the build reports these with the edition's other findings.
    fn findings(&self, _item: &Item, _ctx: &RenderContext) -> Vec<crate::diagnostic::Diagnostic> {
        Vec::new()
    }

    /// Outputs that depend only on the register and the settings (the build reuses them as
    /// long as those do not change).
    fn register(&self, _ctx: &RenderContext) -> Vec<Output> {
        Vec::new()
    }

    /// Outputs of the whole collection, from every edition of the archive in order (the
    /// editions the build reused carry their record only, not their text).
    fn collection(&self, _editions: &[&Edition], _ctx: &RenderContext) -> Result<Vec<Output>> {
        Ok(Vec::new())
    }
}

/// The fonts of the HTML pages and the EPUB files, shipped with editio (see
/// `src/render/fonts/README.md`): written beside the pages and put in every EPUB, so that
/// every reader sees the same type, whatever fonts their machine has. Name and bytes.
pub const WEB_FONTS: &[(&str, &[u8])] = &[
    (
        "libertinus-serif-regular.woff2",
        include_bytes!("fonts/libertinus-serif-regular.woff2"),
    ),
    (
        "libertinus-serif-italic.woff2",
        include_bytes!("fonts/libertinus-serif-italic.woff2"),
    ),
    (
        "libertinus-serif-bold.woff2",
        include_bytes!("fonts/libertinus-serif-bold.woff2"),
    ),
    (
        "libertinus-serif-bolditalic.woff2",
        include_bytes!("fonts/libertinus-serif-bolditalic.woff2"),
    ),
    (
        "noto-serif-cjk.woff2",
        include_bytes!("fonts/noto-serif-cjk.woff2"),
    ),
    (
        "dejavu-sans-mono.woff2",
        include_bytes!("fonts/dejavu-sans-mono.woff2"),
    ),
];

/// What every renderer may read besides the edition itself.
pub struct RenderContext<'a> {
    pub config: &'a Config,
    /// The shared register, for the entries the edition's names refer to.
    pub register: &'a Register,
}

/// A name safe for `xml:id` and URLs from any label: lowercase ASCII letters and digits,
/// other runs of characters as one hyphen.
pub fn slug(label: &str) -> String {
    let mut out = String::new();
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "x-");
    }
    out
}

/// The web page of a licence given as an SPDX identifier.
pub fn licence_url(spdx: &str) -> String {
    let cc = |kind: &str, v: &str| format!("https://creativecommons.org/licenses/{kind}/{v}/");
    match spdx {
        "CC0-1.0" => "https://creativecommons.org/publicdomain/zero/1.0/".into(),
        "CC-BY-4.0" => cc("by", "4.0"),
        "CC-BY-SA-4.0" => cc("by-sa", "4.0"),
        "CC-BY-NC-4.0" => cc("by-nc", "4.0"),
        "CC-BY-NC-SA-4.0" => cc("by-nc-sa", "4.0"),
        "CC-BY-ND-4.0" => cc("by-nd", "4.0"),
        other => format!("https://spdx.org/licenses/{other}.html"),
    }
}

/// The English name of a language, from its BCP 47 tag's first subtag.
pub fn language_name(tag: &str) -> &'static str {
    match tag.split('-').next().unwrap_or_default() {
        "en" => "English",
        "fr" => "French",
        "de" => "German",
        "ru" => "Russian",
        "uk" => "Ukrainian",
        "it" => "Italian",
        "es" => "Spanish",
        "pt" => "Portuguese",
        "pl" => "Polish",
        "nl" => "Dutch",
        "la" => "Latin",
        "el" => "Greek",
        "zh" => "Chinese",
        "ja" => "Japanese",
        "ar" => "Arabic",
        "he" => "Hebrew",
        "yi" => "Yiddish",
        _ => "language named by its code",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("editio maintainers"), "editio-maintainers");
        assert_eq!(slug("Revolution’s Newsstand"), "revolution-s-newsstand");
        assert_eq!(slug("1936"), "x-1936");
        assert_eq!(slug("—"), "x-");
    }
}
