//! Renderers: each writes one kind of output from an edition model. A new output format is
//! one new renderer.

pub mod dc;
pub mod epub;
pub mod html;
pub mod pdf;
pub mod premis;
pub mod reading;
pub mod tei;
pub mod xml;

use crate::model::Config;
use crate::model::register::Register;

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
