//! A Dublin Core record of an edition (`metadata/dc.xml` in releases and deposits), in the
//! OAI-DC container that repositories harvest.

use super::RenderContext;
use super::xml::Xml;
use crate::model::Edition;
use crate::model::record::{Fact, Role};

const OAI_DC: &str = "http://www.openarchives.org/OAI/2.0/oai_dc/";
const DC: &str = "http://purl.org/dc/elements/1.1/";
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// Renders the record as OAI-DC.
pub fn render(edition: &Edition, ctx: &RenderContext) -> Vec<u8> {
    let r = &edition.record;
    let a = &ctx.config.archive;
    let mut x = Xml::new();
    x.decl();
    x.open(
        "oai_dc:dc",
        &[
            ("xmlns:oai_dc", OAI_DC),
            ("xmlns:dc", DC),
            ("xmlns:xsi", XSI),
            (
                "xsi:schemaLocation",
                "http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
            ),
        ],
    );
    x.leaf("dc:title", &[], &r.title);
    if let Some(sub) = &r.subtitle {
        x.leaf("dc:description", &[], sub);
    }
    for c in &r.contributors {
        if c.role == Role::Author {
            x.leaf("dc:creator", &[], &c.name);
        } else {
            x.leaf(
                "dc:contributor",
                &[],
                &format!("{} ({})", c.name, c.role.label()),
            );
        }
    }
    x.leaf("dc:publisher", &[], &a.name);
    if let Some(date) = r.history.iter().map(|h| h.date.as_str()).max() {
        x.leaf("dc:date", &[], date);
    }
    x.leaf("dc:type", &[], "Text");
    x.leaf("dc:format", &[], "application/tei+xml");
    x.leaf(
        "dc:identifier",
        &[],
        &format!("{}{}", a.base_uri, edition.id),
    );
    x.leaf(
        "dc:identifier",
        &[],
        &format!("sha256:{}", r.received.sha256),
    );
    x.leaf("dc:language", &[], &r.language);
    x.leaf("dc:source", &[], &source_citation(r));
    if let Some(url) = r
        .transcription
        .as_ref()
        .and_then(|t| t.url.as_ref())
        .and_then(Fact::known)
    {
        x.leaf("dc:relation", &[], url);
    }
    let licence = r.rights.encoding_licence.as_deref().unwrap_or(&a.licence);
    let source_rights = r.rights.source.known().unwrap_or("rights not established");
    x.leaf(
        "dc:rights",
        &[],
        &format!("Encoding: {licence}. Source text: {source_rights}"),
    );
    x.close("oai_dc:dc");
    x.finish()
}

/// The published source in one line: authors, titles, volume and issue, imprint.
fn source_citation(r: &crate::model::Record) -> String {
    let s = &r.source;
    let mut cite: Vec<String> = Vec::new();
    let authors: Vec<&str> = r
        .contributors
        .iter()
        .filter(|c| c.role == Role::Author)
        .map(|c| c.name.as_str())
        .collect();
    if !authors.is_empty() {
        cite.push(authors.join(", "));
    }
    for f in [
        Some(&s.title),
        s.subtitle.as_ref(),
        s.container_title.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        if let Some(v) = f.known() {
            cite.push(v.to_string());
        }
    }
    for (label, f) in [("vol.", &s.volume), ("no.", &s.issue)] {
        if let Some(v) = f.as_ref().and_then(Fact::known) {
            cite.push(format!("{label} {v}"));
        }
    }
    for f in [&s.place, &s.publisher, &s.date].into_iter().flatten() {
        if let Some(v) = f.known() {
            cite.push(v.to_string());
        }
    }
    cite.join(". ")
}
