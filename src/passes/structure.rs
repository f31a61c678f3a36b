//! Pass 2, structure: split the text into blocks whatever the paragraph convention (blank
//! lines in one source, single line breaks in another), and say what each block is: a
//! paragraph or heading of the work, or front matter (title lines, a headnote) or back matter
//! (a credit line, a note about the source, links) or a footer to leave out. The automatic
//! reading is used where the text makes it clear; the record's `[[text.blocks]]` always wins.

use super::Pass;
use crate::diagnostic::{Diagnostic, Location, codes};
use crate::model::edition::{Decided, Region};
use crate::model::record::{BlockKind, ParagraphConvention};
use crate::model::{Block, Edition, Inline};
use std::ops::Range;

pub struct Structure;

impl Pass for Structure {
    fn name(&self) -> &'static str {
        "structure"
    }

    fn run(&self, edition: &mut Edition) {
        let text = &edition.text;
        let convention = match edition.record.text.paragraphs {
            ParagraphConvention::Auto if has_blank_line(text) => ParagraphConvention::BlankLines,
            ParagraphConvention::Auto => ParagraphConvention::Lines,
            given => given,
        };
        edition.log.paragraphs = match convention {
            ParagraphConvention::BlankLines => "blank-lines",
            _ => "lines",
        };
        let spans = split_blocks(text, convention);
        let texts: Vec<&str> = spans.iter().map(|s| &text[s.clone()]).collect();
        let kinds = classify(&texts);
        let mut blocks: Vec<Block> = spans
            .into_iter()
            .zip(kinds)
            .enumerate()
            .map(|(i, (span, (kind, why)))| {
                let inlines = block_inlines(&text[span.clone()], kind);
                Block {
                    n: i + 1,
                    kind,
                    decided: Decided::Auto(why),
                    span,
                    inlines,
                }
            })
            .collect();

        for role in &edition.record.text.blocks {
            match blocks.get_mut(role.block.wrapping_sub(1)) {
                Some(block) => {
                    block.kind = role.role;
                    block.decided = Decided::Record(role.reason.clone());
                    block.inlines = block_inlines(&text[block.span.clone()], role.role);
                }
                None => edition.findings.push(
                    Diagnostic::new(
                        codes::BLOCK_NOT_FOUND,
                        Location::file(edition.source_path.with_file_name("edition.toml")),
                        format!(
                            "text.blocks names block {}, but the source has {} blocks",
                            role.block,
                            blocks.len()
                        ),
                    )
                    .with_help("blocks are counted from 1 in source order; see `editio blocks`"),
                ),
            }
        }
        check_order(edition, &blocks);
        blocks.iter_mut().for_each(|b| {
            if b.kind == BlockKind::Heading {
                // A heading is one line.
                b.inlines.retain(|i| *i != Inline::LineBreak);
            }
        });
        edition.blocks = blocks;
    }
}

fn has_blank_line(text: &str) -> bool {
    text.split('\n').skip(1).any(|l| l.trim().is_empty()) && text.trim_end().contains('\n')
}

/// The byte spans of the blocks. Whitespace-only lines separate blocks and belong to none.
pub fn split_blocks(text: &str, convention: ParagraphConvention) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut current: Option<Range<usize>> = None;
    let mut pos = 0;
    for line in text.split('\n') {
        let range = pos..pos + line.len();
        pos += line.len() + 1;
        if line.trim().is_empty() {
            spans.extend(current.take());
            continue;
        }
        match (&mut current, convention) {
            (Some(cur), ParagraphConvention::BlankLines) => cur.end = range.end,
            (Some(_), _) => spans.extend(current.replace(range)),
            (None, _) => current = Some(range),
        }
    }
    spans.extend(current);
    spans
}

/// A block's inlines: its lines as text, joined by line breaks; addresses in links marked.
fn block_inlines(text: &str, kind: BlockKind) -> Vec<Inline> {
    let mut out = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push(Inline::LineBreak);
        }
        if matches!(
            kind,
            BlockKind::Link | BlockKind::SourceNote | BlockKind::Headnote
        ) {
            split_urls(line, &mut out);
        } else {
            super::push_text(&mut out, line);
        }
    }
    out
}

/// Splits out `http://` and `https://` addresses as `Url` inlines.
fn split_urls(line: &str, out: &mut Vec<Inline>) {
    let mut rest = line;
    while let Some(start) = [rest.find("http://"), rest.find("https://")]
        .into_iter()
        .flatten()
        .min()
    {
        super::push_text(out, &rest[..start]);
        let len = rest[start..]
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '“' | '”'))
            .unwrap_or(rest.len() - start);
        // A sentence's full stop or closing bracket is not part of the address.
        let url =
            rest[start..start + len].trim_end_matches(['.', ',', ';', ':', ')', '’', '!', '?']);
        out.push(Inline::Url(url.to_string()));
        rest = &rest[start + url.len()..];
    }
    super::push_text(out, rest);
}

/// The automatic reading of each block, with the reason.
pub fn classify(blocks: &[&str]) -> Vec<(BlockKind, &'static str)> {
    let mut kinds: Vec<(BlockKind, &'static str)> = blocks
        .iter()
        .map(|b| {
            if is_heading(b) {
                (BlockKind::Heading, "a short line in capitals")
            } else {
                (BlockKind::Paragraph, "running text")
            }
        })
        .collect();

    // A title line repeated after a headnote: both title lines and what stands between them
    // are front matter (a web transcription's title, headnote and title again).
    if let Some(first) = blocks.first() {
        let repeat = blocks
            .iter()
            .enumerate()
            .skip(1)
            .take(4)
            .find(|(_, b)| *b == first);
        if let Some((k, _)) = repeat {
            kinds[0] = (
                BlockKind::Title,
                "the title line, repeated after the headnote",
            );
            kinds[k] = (BlockKind::Title, "the title line repeated");
            for kind in kinds.iter_mut().take(k).skip(1) {
                *kind = (
                    BlockKind::Headnote,
                    "between the title line and its repetition",
                );
            }
        }
    }

    // Back matter: from a credit line near the end, and web footers and links at the end.
    let tail_start = blocks.len().saturating_sub(6);
    let credit = (tail_start..blocks.len()).find(|&i| is_credit(blocks[i]));
    let mut end = blocks.len();
    while end > 0 {
        let b = blocks[end - 1];
        if is_footer(b) {
            kinds[end - 1] = (BlockKind::Omit, "a website's footer, not part of the text");
        } else if is_link_line(b) {
            kinds[end - 1] = (BlockKind::Link, "a link to another copy, at the end");
        } else {
            break;
        }
        end -= 1;
    }
    if let Some(c) = credit {
        kinds[c] = (BlockKind::Credit, "a credit line near the end");
        for kind in kinds.iter_mut().take(end).skip(c + 1) {
            *kind = (
                BlockKind::SourceNote,
                "after the credit line: about the source",
            );
        }
    }
    kinds
}

/// A heading: a short line with letters, all in capitals, not ending like a sentence.
pub fn is_heading(block: &str) -> bool {
    let t = block.trim();
    let letters = t.chars().filter(|c| c.is_alphabetic()).count();
    !t.contains('\n')
        && t.chars().count() <= 100
        && letters >= 3
        && t.chars().all(|c| !c.is_lowercase())
        && !t.ends_with([',', ';', ':'])
        && t.split_whitespace().count() <= 12
}

fn is_credit(block: &str) -> bool {
    let t = block.trim();
    t.len() < 200
        && [
            "Translated by ",
            "Translation by ",
            "Transcribed by ",
            "Translated from ",
        ]
        .iter()
        .any(|p| t.starts_with(p))
}

fn is_footer(block: &str) -> bool {
    const FOOTERS: &[&str] = &[
        "Leave a comment",
        "Leave a Comment",
        "Leave a reply",
        "Leave a Reply",
        "Share this:",
        "Like this:",
        "Like Loading...",
        "Related",
    ];
    FOOTERS.contains(&block.trim())
}

fn is_link_line(block: &str) -> bool {
    let t = block.trim();
    t.len() < 400 && (t.contains("http://") || t.contains("https://")) && !t.contains(". ")
}

/// Front matter must come before the work, back matter after it.
fn check_order(edition: &mut Edition, blocks: &[Block]) {
    let first_body = blocks.iter().position(|b| b.region() == Region::Body);
    let last_body = blocks.iter().rposition(|b| b.region() == Region::Body);
    for b in blocks {
        let misplaced = match b.region() {
            Region::Front => last_body.is_some_and(|_| first_body.is_some_and(|f| b.n - 1 > f)),
            Region::Back => first_body.is_some_and(|_| last_body.is_some_and(|l| b.n - 1 < l)),
            _ => false,
        };
        if misplaced {
            edition.findings.push(
                Diagnostic::new(
                    codes::STRUCTURE_ORDER,
                    Location::at_offset(&edition.source_path, &edition.text, b.span.start),
                    format!(
                        "block {} is {:?} matter but stands among the text's paragraphs",
                        b.n,
                        b.region()
                    ),
                )
                .with_help("give it another role in [[text.blocks]]"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_are_short_capital_lines_only() {
        assert!(is_heading("THE FALL OF YEZHOV"));
        assert!(is_heading("FIRST DEPUTY NKVD USSR"));
        assert!(!is_heading(
            "IF, UPON reflection, the crime of August 25, 1936, has been"
        ));
        assert!(!is_heading("(Yes, you have read that.)"));
        assert!(!is_heading("1936"));
        assert!(!is_heading("U.S."));
    }

    #[test]
    fn both_paragraph_conventions() {
        let lines = "One.\nTwo.\nTHREE";
        let spans = split_blocks(lines, ParagraphConvention::Lines);
        let texts: Vec<_> = spans.iter().map(|s| &lines[s.clone()]).collect();
        assert_eq!(texts, ["One.", "Two.", "THREE"]);

        let blank = "One,\nstill one.\n\n\nTwo.\n  \nThree.";
        let spans = split_blocks(blank, ParagraphConvention::BlankLines);
        let texts: Vec<_> = spans.iter().map(|s| &blank[s.clone()]).collect();
        assert_eq!(texts, ["One,\nstill one.", "Two.", "Three."]);
    }

    #[test]
    fn web_transcription_front_and_back_matter() {
        let blocks = [
            "‘Title’ by Author from Journal.",
            "Headnote by the website.",
            "‘Title’ by Author from Journal.",
            "The first paragraph.",
            "THE END",
            "Translated by A. Translator",
            "The journal was short-lived.",
            "PDF of full issue: https://example.org/x.pdf",
            "Leave a comment",
        ];
        let kinds: Vec<BlockKind> = classify(&blocks).into_iter().map(|(k, _)| k).collect();
        use BlockKind::*;
        assert_eq!(
            kinds,
            [
                Title, Headnote, Title, Paragraph, Heading, Credit, SourceNote, Link, Omit
            ]
        );
    }

    #[test]
    fn urls_are_split_from_their_sentence() {
        let mut out = Vec::new();
        split_urls("See https://a.org/b.pdf. Or http://c.org)", &mut out);
        assert_eq!(
            out,
            [
                Inline::Text("See ".into()),
                Inline::Url("https://a.org/b.pdf".into()),
                Inline::Text(". Or ".into()),
                Inline::Url("http://c.org".into()),
                Inline::Text(")".into()),
            ]
        );
    }
}
