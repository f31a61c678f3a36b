//! The reading copies: for every edition an HTML page and an EPUB, made from one view of the
//! edition, and for the collection an index page, the stylesheet and the fonts editio ships.

use super::html::{self, Extra, Templates};
use super::{Item, Output, RenderContext, Renderer, epub};
use crate::error::Result;
use crate::model::Edition;
use std::sync::Arc;

/// Where the reading copies go, under `export/`.
pub const HTML_DIR: &str = "html";
pub const EPUB_DIR: &str = "epub";

/// The HTML and EPUB renderer.
pub struct Reading {
    templates: Arc<Templates>,
}

impl Reading {
    pub fn new(templates: Arc<Templates>) -> Self {
        Reading { templates }
    }
}

impl Renderer for Reading {
    fn name(&self) -> &'static str {
        "reading"
    }

    fn dirs(&self) -> &'static [&'static str] {
        &[HTML_DIR, EPUB_DIR]
    }

    fn edition(&self, item: &Item, ctx: &RenderContext) -> Result<Vec<Output>> {
        let (page, book) = render_edition(&self.templates, item, ctx)?;
        let id = &item.edition.id;
        Ok(vec![
            Output::new(HTML_DIR, format!("{id}.html"), page),
            Output::new(EPUB_DIR, format!("{id}.epub"), book),
        ])
    }

    fn collection(&self, editions: &[&Edition], ctx: &RenderContext) -> Result<Vec<Output>> {
        let index = html::render_index(&self.templates, editions, ctx)?;
        let css = self.templates.asset(html::STYLESHEET)?;
        let mut out = vec![
            Output::new(HTML_DIR, "index.html", index),
            Output::new(HTML_DIR, html::STYLESHEET, css),
        ];
        out.extend(
            super::WEB_FONTS
                .iter()
                .map(|(name, bytes)| Output::new(HTML_DIR, name, *bytes)),
        );
        Ok(out)
    }
}

/// An edition's HTML page and EPUB, from one view of the edition and one rendering of the body
/// they share.
pub fn render_edition(
    templates: &Templates,
    item: &Item,
    ctx: &RenderContext,
) -> Result<(String, Vec<u8>)> {
    let extra = Extra { tei: item.tei };
    let view = html::edition_view(item.edition, ctx, &extra);
    let (page_body, book_body) = html::render_body(templates, view.clone())?;
    let page = html::render_frame(templates, "edition.html", view.clone(), page_body)?;
    let book = epub::render_view(templates, item.edition, ctx, view, book_body)?;
    Ok((page, book))
}
