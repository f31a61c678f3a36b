//! Pass 5, excerpt: when the record says the text starts or ends part-way through the work,
//! mark the boundary with a gap, so that the TEI says so where it happens.

use super::Pass;
use crate::model::edition::{GapReason, Region};
use crate::model::record::{BlockKind, Boundary};
use crate::model::{Edition, Inline};

pub struct Excerpt;

impl Pass for Excerpt {
    fn name(&self) -> &'static str {
        "excerpt"
    }

    fn run(&self, edition: &mut Edition) {
        let settings = edition.record.text.clone();
        let log = &mut edition.log.excerpt;
        log.begins_midway = settings.begins != Boundary::Complete;
        log.ends_midway = settings.ends != Boundary::Complete;
        log.ends_mid_sentence = settings.ends == Boundary::MidSentence;
        let body = |b: &&mut crate::model::Block| b.region() == Region::Body;
        if log.begins_midway
            && let Some(first) = edition.blocks.iter_mut().find(body)
        {
            first
                .inlines
                .insert(0, Inline::Gap(GapReason::ExcerptBegins));
        }
        // A text that ends on a heading ends between sections: the renderer places that gap
        // after the heading; one that ends inside a paragraph gets the gap at its end.
        if log.ends_midway
            && let Some(last) = edition.blocks.iter_mut().rev().find(body)
            && last.kind == BlockKind::Paragraph
        {
            last.inlines.push(Inline::Gap(GapReason::ExcerptEnds));
        }
    }
}
