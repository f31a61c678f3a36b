//! Pass 3, note anchors: the original's footnote references, glued to the text
//! (`Caucasus.69`, `orders,71`, `”70`, `)72`, `protoco1.73`), bracketed (`[25]`) or in
//! superscript digits (`¹²`). Numbers that belong to the text (`100,000`, `2,600`, `1938`,
//! `Vol. 1 No. 8`, `25th`) are left alone. The running order of note numbers decides
//! doubtful cases: anchors are kept only where they continue a rising sequence.

use super::Pass;
use crate::diagnostic::{Diagnostic, Location, codes};
use crate::model::edition::Region;
use crate::model::{Edition, Inline};

pub struct Notes;

/// How far a note number may jump ahead of the previous one (notes can be missing from an
/// excerpt's running order, but not many).
const MAX_STEP: u32 = 3;

/// A place in the text that may be a note anchor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// Index of the block and of the `Text` inline within it.
    pub block: usize,
    pub inline: usize,
    /// Byte range within that inline's text.
    pub start: usize,
    pub end: usize,
    pub n: u32,
    /// Whether punctuation (not a letter) stands before it: a stronger sign of an anchor.
    pub after_punctuation: bool,
}

impl Pass for Notes {
    fn name(&self) -> &'static str {
        "notes"
    }

    fn run(&self, edition: &mut Edition) {
        let mut candidates = Vec::new();
        for (bi, block) in edition.blocks.iter().enumerate() {
            if block.region() != Region::Body {
                continue;
            }
            for (ii, inline) in block.inlines.iter().enumerate() {
                if let Inline::Text(t) = inline {
                    candidates.extend(find_candidates(t).into_iter().map(|mut c| {
                        c.block = bi;
                        c.inline = ii;
                        c
                    }));
                }
            }
        }
        let keep = running_order(&candidates);
        let mut accepted: Vec<&Candidate> = Vec::new();
        for (c, keep) in candidates.iter().zip(&keep) {
            if *keep {
                accepted.push(c);
            } else if c.after_punctuation {
                edition.log.anchors_rejected += 1;
                let block = &edition.blocks[c.block];
                let offset = offset_in_block(block, c.inline, c.start);
                edition.findings.push(
                    Diagnostic::new(
                        codes::ANCHOR_OUT_OF_SEQUENCE,
                        Location::at_offset(&edition.source_path, &edition.text, offset),
                        format!("'{}' is glued to the text like a note anchor but breaks the notes' running order; kept as text", c.n),
                    )
                    .with_help("if it is a note anchor, the numbering around it is unusual: check the source"),
                );
            }
        }
        edition.log.note_anchors = accepted.iter().map(|c| c.n).collect();
        // Split the text inlines, from the last candidate to the first so indices stay valid.
        for c in accepted.into_iter().rev() {
            let inlines = &mut edition.blocks[c.block].inlines;
            let Inline::Text(t) = &inlines[c.inline] else {
                continue;
            };
            let (before, anchor, after) = (
                t[..c.start].to_string(),
                t[c.start..c.end].to_string(),
                t[c.end..].to_string(),
            );
            let mut parts = Vec::new();
            super::push_text(&mut parts, &before);
            parts.push(Inline::NoteAnchor {
                n: c.n,
                text: anchor,
            });
            super::push_text(&mut parts, &after);
            inlines.splice(c.inline..=c.inline, parts);
        }
    }
}

/// Byte offset in the edition's text of a position in one of a block's inlines.
fn offset_in_block(block: &crate::model::Block, inline: usize, pos: usize) -> usize {
    let mut before = String::new();
    for i in &block.inlines[..inline] {
        i.push_source_text(&mut before);
    }
    block.span.start + before.len() + pos
}

/// Characters after which glued digits may be a note anchor.
fn anchor_may_follow(c: char) -> bool {
    c.is_alphabetic()
        || matches!(
            c,
            '.' | ',' | ';' | ':' | ')' | ']' | '”' | '’' | '"' | '\'' | '?' | '!' | '…'
        )
}

const SUPERSCRIPTS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];

/// Every place in `text` that looks like a note anchor, in order.
pub fn find_candidates(text: &str) -> Vec<Candidate> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let byte = |i: usize| chars.get(i).map_or(text.len(), |&(b, _)| b);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        if SUPERSCRIPTS.contains(&c) {
            let start = i;
            while at(i).is_some_and(|c| SUPERSCRIPTS.contains(&c)) {
                i += 1;
            }
            let digits: String = chars[start..i]
                .iter()
                .filter_map(|&(_, c)| SUPERSCRIPTS.iter().position(|&s| s == c))
                .map(|d| char::from(b'0' + d as u8))
                .collect();
            if let Ok(n) = digits.parse() {
                out.push(candidate(byte(start), byte(i), n, true));
            }
            continue;
        }
        if c == '[' {
            let mut j = i + 1;
            while at(j).is_some_and(|c| c.is_ascii_digit()) {
                j += 1;
            }
            if j > i + 1 && j - i - 1 <= 3 && at(j) == Some(']') {
                let n = text[byte(i + 1)..byte(j)].parse().unwrap_or(0);
                out.push(candidate(byte(i), byte(j + 1), n, true));
                i = j + 1;
                continue;
            }
        }
        if c.is_ascii_digit() {
            let start = i;
            while at(i).is_some_and(|c| c.is_ascii_digit()) {
                i += 1;
            }
            let len = i - start;
            let prev = start.checked_sub(1).and_then(at);
            let prev2 = start.checked_sub(2).and_then(at);
            let next = at(i);
            let next2 = at(i + 1);
            let glued = prev.is_some_and(anchor_may_follow);
            // `2,600` and `3.5`: punctuation between digits joins one number.
            // ...unless the digits before the point are glued to a word (`protoco1.73`).
            let inside_number =
                matches!(prev, Some(',' | '.')) && prev2.is_some_and(|c| c.is_ascii_digit()) && {
                    let mut k = start - 2;
                    while k > 0 && at(k - 1).is_some_and(|c| c.is_ascii_digit()) {
                        k -= 1;
                    }
                    !k.checked_sub(1)
                        .and_then(at)
                        .is_some_and(char::is_alphabetic)
                };
            let continues_number =
                matches!(next, Some(',' | '.')) && next2.is_some_and(|c| c.is_ascii_digit());
            // `25th`, `1st`, `protoco1l`: digits joined to letters after them are not anchors.
            let ends_clean = !next.is_some_and(|c| c.is_alphanumeric());
            if glued && !inside_number && !continues_number && ends_clean && (1..=3).contains(&len)
            {
                let n = text[byte(start)..byte(i)].parse().unwrap_or(0);
                let after_punctuation = prev.is_some_and(|c| !c.is_alphabetic());
                if n > 0 {
                    out.push(candidate(byte(start), byte(i), n, after_punctuation));
                }
            }
            continue;
        }
        i += 1;
    }
    out
}

fn candidate(start: usize, end: usize, n: u32, after_punctuation: bool) -> Candidate {
    Candidate {
        block: 0,
        inline: 0,
        start,
        end,
        n,
        after_punctuation,
    }
}

/// Which candidates to keep: the longest chain of rising note numbers (each at most
/// [`MAX_STEP`] above the one before). A chain of one is kept only when it follows punctuation.
pub fn running_order(candidates: &[Candidate]) -> Vec<bool> {
    const WINDOW: usize = 64;
    let n = candidates.len();
    let mut best = vec![1usize; n];
    let mut prev: Vec<Option<usize>> = vec![None; n];
    for i in 0..n {
        for j in i.saturating_sub(WINDOW)..i {
            let step = candidates[i].n.checked_sub(candidates[j].n);
            if step.is_some_and(|s| (1..=MAX_STEP).contains(&s)) && best[j] + 1 > best[i] {
                best[i] = best[j] + 1;
                prev[i] = Some(j);
            }
        }
    }
    let mut keep = vec![false; n];
    // Chains are kept from their ends backwards; a candidate belongs to at most one chain.
    let mut ends: Vec<usize> = (0..n).collect();
    ends.sort_by_key(|&i| std::cmp::Reverse(best[i]));
    for end in ends {
        if keep[end] || (best[end] == 1 && !candidates[end].after_punctuation) {
            continue;
        }
        let mut chain = vec![end];
        let mut cur = end;
        while let Some(p) = prev[cur] {
            if keep[p] {
                break;
            }
            chain.push(p);
            cur = p;
        }
        if chain.len() == best[end] || chain.len() >= 2 {
            for i in chain {
                keep[i] = true;
            }
        }
    }
    // Kept chains must not interleave: a later chain's number may not fall below an earlier
    // kept one's.
    let mut last: Option<u32> = None;
    for (c, k) in candidates.iter().zip(keep.iter_mut()) {
        if *k {
            if last.is_some_and(|l| c.n <= l) {
                *k = false;
            } else {
                last = Some(c.n);
            }
        }
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchors(text: &str) -> Vec<u32> {
        let c = find_candidates(text);
        let keep = running_order(&c);
        c.iter()
            .zip(keep)
            .filter(|(_, k)| *k)
            .map(|(c, _)| c.n)
            .collect()
    }

    #[test]
    fn glued_anchors_after_every_kind_of_punctuation() {
        let text = "the Caucasus.69 yield “temporarily.”70 On Stalin’s orders,71 four men \
                    her name.)72 sign the protoco1.73 sentence.”74";
        assert_eq!(anchors(text), [69, 70, 71, 72, 73, 74]);
    }

    #[test]
    fn numbers_of_the_text_are_not_anchors() {
        let text = "100,000 Japanese casualties.217 Tokyo lost 792 killed, 3,279 wounded; \
                    913 wounded—2,600 fewer.218 In 1938, Vol. 1 No. 8, the 25th of August, \
                    May—June 1937, 1.5 million.219";
        assert_eq!(anchors(text), [217, 218, 219]);
    }

    #[test]
    fn a_digit_inside_a_word_is_not_an_anchor() {
        // The `1` of `protoco1` is glued to letters and breaks the running order.
        assert_eq!(anchors("orders,71 x.72 the protoco1.73"), [71, 72, 73]);
    }

    #[test]
    fn bracketed_and_superscript_anchors() {
        assert_eq!(
            anchors("as he said.[25] And then,[26] later¹² no"),
            [25, 26]
        );
        assert_eq!(anchors("first¹ second² third³"), [1, 2, 3]);
    }

    #[test]
    fn an_out_of_sequence_number_is_rejected() {
        // 1938 glued after a full stop would break the order 80, 81.
        assert_eq!(anchors("Timoshenko.80 In.1938 Voroshilov.81"), [80, 81]);
    }
}
