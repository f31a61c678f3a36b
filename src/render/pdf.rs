//! The PDF renderer: prints the HTML reading copy with headless Chromium, whose print engine
//! follows the page's print stylesheet (page size, margins, running title, page numbers).
//! editio does not lay out pages itself; without Chromium there is no PDF, and the error says
//! what to install.
//!
//! Chromium stamps each PDF with the time it was made. Those two dates are rewritten with the
//! edition's date (same length, so the file's offsets stay valid), which makes the PDF
//! reproducible for a given Chromium and set of fonts; across versions of either, the bytes
//! differ, which is why PDFs are not committed with the other outputs.

use super::html::Templates;
use crate::error::{Error, Result};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The folder of `export/` the PDFs go in.
pub const DIR: &str = "pdf";

/// The PDF renderer: prints each edition's HTML page, with its stylesheet, from a scratch
/// folder.
pub struct Pdf {
    templates: Arc<Templates>,
    chromium: PathBuf,
}

impl Pdf {
    /// A PDF renderer printing with the Chromium `named` (see [`find_chromium`]); an error
    /// that says what to install when there is none.
    pub fn new(templates: Arc<Templates>, named: Option<&OsStr>) -> Result<Self> {
        let chromium = find_chromium(named).ok_or_else(|| Error::ToolMissing {
            tool: "chromium",
            what: INSTALL_HINT.into(),
        })?;
        Ok(Pdf {
            templates,
            chromium,
        })
    }
}

impl super::Renderer for Pdf {
    fn name(&self) -> &'static str {
        "pdf"
    }

    fn dirs(&self) -> &'static [&'static str] {
        &[DIR]
    }

    /// Chromium stamps its own version and fonts into the file.
    fn reproducible(&self) -> bool {
        false
    }

    fn edition(
        &self,
        item: &super::Item,
        ctx: &super::RenderContext,
    ) -> Result<Vec<super::Output>> {
        let (page, _) = super::reading::render_edition(&self.templates, item, ctx)?;
        let scratch = tempfile::Builder::new()
            .prefix("editio-page-")
            .tempdir()
            .map_err(Error::io(std::env::temp_dir()))?;
        let id = &item.edition.id;
        let html = scratch.path().join(format!("{id}.html"));
        std::fs::write(&html, page).map_err(Error::io(&html))?;
        let css = scratch.path().join(super::html::STYLESHEET);
        let sheet = self.templates.asset(super::html::STYLESHEET)?;
        std::fs::write(&css, sheet).map_err(Error::io(&css))?;
        let date = super::html::edition_day(item.edition);
        let bytes = print(&self.chromium, &html, date.as_deref())?;
        Ok(vec![super::Output::new(DIR, format!("{id}.pdf"), bytes)])
    }
}

/// The environment variable that names the Chromium to use.
pub const ENV_VAR: &str = "EDITIO_CHROMIUM";

/// Program names looked for on `PATH`, in order.
const NAMES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// How long one page may take to print before Chromium is stopped.
pub const TIMEOUT: Duration = Duration::from_secs(120);

/// What to tell someone who asked for PDFs without Chromium.
pub const INSTALL_HINT: &str = "PDFs are printed with headless Chromium, which was not found: \
     install it (Debian/Ubuntu: apt-get install chromium; macOS: install Google Chrome) or set \
     EDITIO_CHROMIUM to its path; or build without --pdf";

/// The Chromium to use: the program `named` (the binary passes `EDITIO_CHROMIUM`: a path, or
/// a name looked up on `PATH`), else the first of the usual names on `PATH`.
pub fn find_chromium(named: Option<&OsStr>) -> Option<PathBuf> {
    if let Some(value) = named.filter(|v| !v.is_empty()) {
        let path = PathBuf::from(value);
        return if path.components().count() > 1 {
            path.is_file().then_some(path)
        } else {
            on_path(value)
        };
    }
    NAMES.iter().find_map(|n| on_path(OsStr::new(n)))
}

fn on_path(name: &OsStr) -> Option<PathBuf> {
    which::which(name).ok()
}

/// A `file://` URL for an absolute path, with every byte outside the safe set percent-encoded.
pub fn file_url(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Prints the HTML file `html` (with its stylesheet beside it) to PDF with `chromium`, and
/// returns the PDF's bytes, dated `date` (`YYYY-MM-DD`) when given.
pub fn print(chromium: &Path, html: &Path, date: Option<&str>) -> Result<Vec<u8>> {
    let html = std::path::absolute(html).map_err(Error::io(html))?;
    // A fresh profile each time: nothing from an earlier run (or the user's own browser) can
    // change the output or hold a lock.
    let tmp = tempfile::Builder::new()
        .prefix("editio-chromium-")
        .tempdir()
        .map_err(Error::io(std::env::temp_dir()))?;
    let profile = tmp.path().join("profile");
    let out = tmp.path().join("out.pdf");
    let log_path = tmp.path().join("chromium.log");
    let log = std::fs::File::create(&log_path).map_err(Error::io(&log_path))?;
    let log_err = log.try_clone().map_err(Error::io(&log_path))?;
    let mut print_to = OsString::from("--print-to-pdf=");
    print_to.push(&out);
    let mut user_data = OsString::from("--user-data-dir=");
    user_data.push(&profile);
    // The network is not needed and may be closed: these flags keep Chromium from waiting on
    // it (updates, sync, QUIC) and from showing first-run screens.
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(user_data)
        .arg(print_to)
        .arg(file_url(&html))
        .stdin(Stdio::null())
        .stdout(Stdio::from(log))
        .stderr(Stdio::from(log_err))
        .spawn()
        .map_err(|e| Error::Invalid {
            location: chromium.display().to_string(),
            message: format!("cannot start Chromium: {e}"),
        })?;
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Error::Invalid {
                    location: html.display().to_string(),
                    message: format!(
                        "Chromium did not finish printing within {} s and was stopped",
                        TIMEOUT.as_secs()
                    ),
                });
            }
            Err(e) => return Err(Error::io(chromium)(e)),
        }
    };
    let bytes = std::fs::read(&out).unwrap_or_default();
    if !status.success() || !bytes.starts_with(b"%PDF-") {
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(5).collect();
        return Err(Error::Invalid {
            location: html.display().to_string(),
            message: format!(
                "Chromium could not print the page ({status}); its last lines: {}",
                tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
            ),
        });
    }
    Ok(match date {
        Some(d) => set_dates(bytes, d),
        None => bytes,
    })
}

/// Rewrites the PDF's `/CreationDate` and `/ModDate` with `date` (`YYYY-MM-DD`), where the
/// new value has the same length as the old, so that no offset in the file moves.
pub fn set_dates(mut pdf: Vec<u8>, date: &str) -> Vec<u8> {
    let digits: String = date.chars().filter(char::is_ascii_digit).collect();
    if digits.len() != 8 {
        return pdf;
    }
    let value = format!("D:{digits}000000+00'00'");
    for key in [&b"/CreationDate ("[..], &b"/ModDate ("[..]] {
        let mut from = 0;
        while let Some(pos) = find(&pdf[from..], key).map(|p| p + from) {
            let start = pos + key.len();
            let Some(len) = pdf[start..].iter().position(|&b| b == b')') else {
                break;
            };
            if len == value.len() {
                pdf[start..start + len].copy_from_slice(value.as_bytes());
            }
            from = start + len;
        }
    }
    pdf
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_rewritten_in_place() {
        let pdf = b"%PDF-1.4\n<</CreationDate (D:20261121063948+00'00')\n/ModDate (D:20261121063949+00'00')>>".to_vec();
        let out = set_dates(pdf.clone(), "2026-11-01");
        assert_eq!(out.len(), pdf.len());
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("/CreationDate (D:20261101000000+00'00')"));
        assert!(text.contains("/ModDate (D:20261101000000+00'00')"));
    }

    #[test]
    fn a_date_of_another_length_is_left_alone() {
        let pdf = b"<</CreationDate (D:2026)>>".to_vec();
        assert_eq!(set_dates(pdf.clone(), "2026-11-01"), pdf);
    }

    #[test]
    fn file_urls_are_encoded() {
        assert_eq!(
            file_url(Path::new("/tmp/a b/é.html")),
            "file:///tmp/a%20b/%C3%A9.html"
        );
    }
}
