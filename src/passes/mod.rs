//! The named passes that shape an [`Edition`] between loading and rendering, in order:
//! normalize → structure → notes → corrections → excerpt → names → dates. Each pass is one file, reads the
//! edition and the record, and only refines what earlier passes made.

pub mod corrections;
pub mod dates;
pub mod excerpt;
pub mod names;
pub mod normalize;
pub mod notes;
pub mod structure;

use crate::model::register::Register;
use crate::model::{Edition, Inline};

/// One pass over an edition. A pass never fails: what it finds wrong becomes a finding on the
/// edition, and a source that cannot be read as text leaves the later passes nothing to do.
pub trait Pass {
    /// The pass's name, as shown in logs and the encoding description.
    fn name(&self) -> &'static str;
    fn run(&self, edition: &mut Edition);
}

/// The passes, in the order they run, ready to be applied to any number of editions. The
/// names pass holds the automaton built once from the register.
pub struct Pipeline {
    passes: Vec<Box<dyn Pass + Send + Sync>>,
    /// The names pass again, for the build cache to keep its tables.
    names: names::Names,
}

impl Pipeline {
    /// The passes as the build runs them (the names pass looks forms up word by word, which
    /// is faster than one automaton over all forms at any size: BENCHMARKS.md).
    pub fn new(register: &Register) -> Self {
        Self::with_search(register, names::matcher::Search::Words)
    }

    /// The passes, with the names pass finding forms by `search`.
    pub fn with_search(register: &Register, search: names::matcher::Search) -> Self {
        Self::with_names(names::Names::with_search(register, search))
    }

    /// The passes, with a names pass already made (the one the build cache kept, say).
    pub fn with_names(names: names::Names) -> Self {
        Pipeline {
            passes: vec![
                Box::new(normalize::Normalize),
                Box::new(structure::Structure),
                Box::new(notes::Notes),
                Box::new(corrections::Corrections),
                Box::new(excerpt::Excerpt),
                Box::new(names.clone()),
                Box::new(dates::Dates),
            ],
            names,
        }
    }

    /// The names pass, whose tables are what the pipeline costs to make.
    pub fn names_pass(&self) -> &names::Names {
        &self.names
    }

    /// The passes' names, in order.
    pub fn names(&self) -> Vec<&'static str> {
        self.passes.iter().map(|p| p.name()).collect()
    }

    /// Runs every pass over the edition. When the source cannot be read as text (it cannot
    /// be decoded, or has characters XML forbids), the later passes have nothing to work on.
    pub fn run(&self, edition: &mut Edition) {
        for pass in &self.passes {
            edition.log.passes.push(pass.name());
            pass.run(edition);
            if edition.text.is_empty() && !edition.decoded.is_empty() {
                break;
            }
        }
    }
}

/// Replaces every top-level `Text` inline of `inlines` by what `f` makes of it; `None` keeps
/// the inline as it is (most texts have nothing a pass marks: they are not copied).
pub(crate) fn map_text(inlines: &mut Vec<Inline>, mut f: impl FnMut(&str) -> Option<Vec<Inline>>) {
    let old = std::mem::take(inlines);
    inlines.reserve(old.len());
    for inline in old {
        match inline {
            Inline::Text(t) => match f(&t) {
                Some(new) => inlines.extend(new),
                None => inlines.push(Inline::Text(t)),
            },
            other => inlines.push(other),
        }
    }
}

/// Pushes `text` as a `Text` inline, merging with a preceding `Text` and dropping empties.
pub(crate) fn push_text(out: &mut Vec<Inline>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(Inline::Text(prev)) = out.last_mut() {
        prev.push_str(text);
    } else {
        out.push(Inline::Text(text.to_string()));
    }
}

/// Whether the characters around `text[start..end]` make it a whole word (no letter or digit
/// joined on either side).
pub(crate) fn is_whole_word(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}
