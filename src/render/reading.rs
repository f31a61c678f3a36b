//! Writing the reading copies of a build: for every edition an HTML page and an EPUB, an index
//! page and the stylesheet for the collection, and, when asked, a PDF of each page. Files whose
//! bytes would not change are not rewritten.

use super::html::{self, Extra, Templates};
use super::{RenderContext, epub, pdf};
use crate::archive::write;
use crate::error::{Error, Result};
use crate::model::Edition;
use crate::ops::progress::{Event, Progress};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Where the reading copies go, under the export folder.
pub const HTML_DIR: &str = "html";
pub const EPUB_DIR: &str = "epub";
pub const PDF_DIR: &str = "pdf";

/// One edition to write, with the TEI bytes written beside it (for the colophon's checksum).
pub struct Item<'a> {
    pub edition: &'a Edition,
    pub tei: &'a [u8],
}

/// Writes the reading copies of `items` under `export`, and records each file written (relative
/// to `root`) and whether it changed. With `pdf`, each page is also printed to PDF; if no
/// Chromium is found, that is an error which says what to install, after everything else is
/// written.
pub fn write_all(
    root: &Path,
    export: &Path,
    items: &[Item],
    ctx: &RenderContext,
    pdf: bool,
    written: &mut Vec<(PathBuf, bool)>,
    progress: Progress,
) -> Result<()> {
    let editions: Vec<&Edition> = items.iter().map(|i| i.edition).collect();
    write_some(root, export, items, &editions, ctx, pdf, written, progress)
}

/// [`write_all`] for the editions of `items` only, with an index page listing `all` (every
/// edition of the archive, in order): a build that reuses the other editions' pages.
#[allow(clippy::too_many_arguments)]
pub fn write_some(
    root: &Path,
    export: &Path,
    items: &[Item],
    all: &[&Edition],
    ctx: &RenderContext,
    pdf: bool,
    written: &mut Vec<(PathBuf, bool)>,
    progress: Progress,
) -> Result<()> {
    let templates = Templates::new(Some(root));
    let html_dir = export.join(HTML_DIR);
    let epub_dir = export.join(EPUB_DIR);
    progress(Event::Phase {
        name: "writing reading copies",
        total: items.len() as u64,
    });
    // Editions are rendered and written in parallel, each as soon as it is ready (so that
    // memory holds a few editions' pages, not all); what was written is gathered in order.
    let done: Vec<Result<[(PathBuf, bool); 2]>> = items
        .par_iter()
        .map(|item| {
            let extra = Extra { tei: item.tei };
            let id = &item.edition.id;
            // One view of the edition for both the page and the EPUB.
            let view = html::edition_view(item.edition, ctx, &extra, html::Flavour::Html);
            let page = html::render_view(&templates, view.clone())?;
            let html_path = html_dir.join(format!("{id}.html"));
            let html_changed = write::if_changed(&html_path, page.as_bytes())?;
            drop(page);
            let book = epub::render_view(&templates, item.edition, ctx, view)?;
            let epub_path = epub_dir.join(format!("{id}.epub"));
            let epub_changed = write::if_changed(&epub_path, &book)?;
            progress(Event::Advance(1));
            Ok([(html_path, html_changed), (epub_path, epub_changed)])
        })
        .collect();
    for pair in done {
        for (path, changed) in pair? {
            written.push((
                path.strip_prefix(root).unwrap_or(&path).to_path_buf(),
                changed,
            ));
        }
    }
    let mut put = |path: PathBuf, bytes: &[u8]| -> Result<()> {
        let changed = write::if_changed(&path, bytes)?;
        written.push((
            path.strip_prefix(root).unwrap_or(&path).to_path_buf(),
            changed,
        ));
        Ok(())
    };
    let index = html::render_index(&templates, all, ctx)?;
    put(html_dir.join("index.html"), index.as_bytes())?;
    let css = templates.asset(html::STYLESHEET)?;
    put(html_dir.join(html::STYLESHEET), css.as_bytes())?;

    if pdf {
        let chromium = pdf::find_chromium().ok_or_else(|| Error::Invalid {
            location: "editio build --pdf".into(),
            message: pdf::INSTALL_HINT.into(),
        })?;
        let pdf_dir = export.join(PDF_DIR);
        for item in items {
            let id = &item.edition.id;
            let page = html_dir.join(format!("{id}.html"));
            let date = html::edition_day(item.edition);
            let bytes = pdf::print(&chromium, &page, date.as_deref())?;
            put(pdf_dir.join(format!("{id}.pdf")), &bytes)?;
        }
    }
    Ok(())
}
