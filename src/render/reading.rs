//! Writing the reading copies of a build: for every edition an HTML page and an EPUB, an index
//! page and the stylesheet for the collection. (The PDF of each edition is typeset by
//! [`super::pdf`].) Files whose bytes would not change are not rewritten.

use super::html::{self, Extra, Templates};
use super::{RenderContext, epub};
use crate::archive::write;
use crate::error::Result;
use crate::model::Edition;
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

/// Writes the reading copies of `items` under `export`, with an index page listing them, and
/// records each file written (relative to `root`) and whether it changed. (`build` writes its
/// editions' copies one by one as they are built, with [`render_edition`] and [`write_index`];
/// this is for a whole set at once, as `verify` renders them to compare.)
pub fn write_all(
    root: &Path,
    export: &Path,
    items: &[Item],
    ctx: &RenderContext,
    written: &mut Vec<(PathBuf, bool)>,
) -> Result<()> {
    let templates = Templates::new(Some(root));
    let html_dir = export.join(HTML_DIR);
    let epub_dir = export.join(EPUB_DIR);
    // Editions are rendered and written in parallel, each as soon as it is ready (so that
    // memory holds a few editions' pages, not all); what was written is gathered in order.
    let done: Vec<Result<[(PathBuf, bool); 2]>> = items
        .par_iter()
        .map(|item| {
            let id = &item.edition.id;
            let (page, book) = render_edition(&templates, item, ctx)?;
            let html_path = html_dir.join(format!("{id}.html"));
            let html_changed = write::if_changed(&html_path, page.as_bytes())?;
            let epub_path = epub_dir.join(format!("{id}.epub"));
            let epub_changed = write::if_changed(&epub_path, &book)?;
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
    let all: Vec<&Edition> = items.iter().map(|i| i.edition).collect();
    write_index(root, export, &templates, &all, ctx, written)
}

/// An edition's HTML page and EPUB, from one view of the edition.
pub fn render_edition(
    templates: &Templates,
    item: &Item,
    ctx: &RenderContext,
) -> Result<(String, Vec<u8>)> {
    let extra = Extra { tei: item.tei };
    let view = html::edition_view(item.edition, ctx, &extra, html::Flavour::Html);
    let page = html::render_view(templates, view.clone())?;
    let book = epub::render_view(templates, item.edition, ctx, view)?;
    Ok((page, book))
}

/// Writes the collection's index page, listing `all` (every edition of the archive, in
/// order), and its stylesheet.
pub fn write_index(
    root: &Path,
    export: &Path,
    templates: &Templates,
    all: &[&Edition],
    ctx: &RenderContext,
    written: &mut Vec<(PathBuf, bool)>,
) -> Result<()> {
    let html_dir = export.join(HTML_DIR);
    let index = html::render_index(templates, all, ctx)?;
    put(
        root,
        &html_dir.join("index.html"),
        index.as_bytes(),
        written,
    )?;
    let css = templates.asset(html::STYLESHEET)?;
    put(
        root,
        &html_dir.join(html::STYLESHEET),
        css.as_bytes(),
        written,
    )?;
    for (name, bytes) in super::WEB_FONTS {
        put(root, &html_dir.join(name), bytes, written)?;
    }
    Ok(())
}

/// Writes `bytes` to `path` unless it holds them already, and records it (relative to `root`).
fn put(root: &Path, path: &Path, bytes: &[u8], written: &mut Vec<(PathBuf, bool)>) -> Result<()> {
    let changed = write::if_changed(path, bytes)?;
    written.push((
        path.strip_prefix(root).unwrap_or(path).to_path_buf(),
        changed,
    ));
    Ok(())
}
