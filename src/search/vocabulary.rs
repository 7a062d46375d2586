//! Real words from the index's own vocabulary: the typo corrections and
//! prefix completions a query word may stand for.

use std::collections::HashMap;
use std::sync::OnceLock;

use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder};
use tantivy::schema::Field;
use tantivy::{Searcher, Term};
use tantivy_fst::Automaton;

/// What a typo correction is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypoUse {
    /// Matching posts: a correction silently widens the search.
    Matching,
    /// Suggesting a corrected query ("did you mean …"), which the visitor
    /// sees and chooses: it may reach one letter further down, since a
    /// wrong guess costs a glance, not a wrong result.
    Suggesting,
}

/// The typo rule: how many edits a word may be from the one meant (a
/// transposition counts as one), by its length in characters. Matching
/// allows one edit from 5 letters and two from 9 (Meilisearch's rule);
/// suggesting, one from 4 and two from 8.
pub fn typo_budget(word: &str, purpose: TypoUse) -> u8 {
    let letters = word.chars().count();
    let shorter = match purpose {
        TypoUse::Matching => 0,
        TypoUse::Suggesting => 1,
    };
    match letters + shorter {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// How many documents contain `word` in `field`.
pub fn doc_freq(searcher: &Searcher, field: Field, word: &str) -> u64 {
    searcher
        .doc_freq(&Term::from_field_text(field, word))
        .unwrap_or(0)
}

/// A vocabulary word near the one asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub word: String,
    pub distance: u8,
    pub doc_freq: u64,
}

fn builder(distance: u8) -> &'static LevenshteinAutomatonBuilder {
    static ONE: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    static TWO: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    // Building the parametric automaton is the expensive part; do it once.
    match distance {
        1 => ONE.get_or_init(|| LevenshteinAutomatonBuilder::new(1, true)),
        _ => TWO.get_or_init(|| LevenshteinAutomatonBuilder::new(2, true)),
    }
}

struct DfaAutomaton<'a>(&'a DFA);

impl Automaton for DfaAutomaton<'_> {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != levenshtein_automata::SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

/// Vocabulary words within `max_distance` edits of `word` (the word itself
/// excluded), closest first, then most frequent first.
pub fn fuzzy(
    searcher: &Searcher,
    field: Field,
    word: &str,
    max_distance: u8,
    limit: usize,
) -> Vec<Candidate> {
    if max_distance == 0 || word.is_empty() {
        return Vec::new();
    }
    let dfa = builder(max_distance).build_dfa(word);
    let mut found: HashMap<String, u64> = HashMap::new();
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(field) else {
            continue;
        };
        let Ok(mut stream) = inverted.terms().search(DfaAutomaton(&dfa)).into_stream() else {
            continue;
        };
        while stream.advance() {
            let Ok(term) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            if term != word {
                *found.entry(term.to_owned()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
    }
    let mut out: Vec<Candidate> = found
        .into_iter()
        .filter_map(|(w, doc_freq)| match dfa.eval(&w) {
            Distance::Exact(d) => Some(Candidate {
                word: w,
                distance: d,
                doc_freq,
            }),
            Distance::AtLeast(_) => None,
        })
        .collect();
    out.sort_by(|a, b| {
        a.distance
            .cmp(&b.distance)
            .then(b.doc_freq.cmp(&a.doc_freq))
            .then(a.word.cmp(&b.word))
    });
    out.truncate(limit);
    out
}

/// Vocabulary words that start with `prefix` (the prefix itself excluded),
/// most frequent first. At most `scan` terms are read, which bounds the
/// cost of a short prefix on a large index.
pub fn completions(
    searcher: &Searcher,
    field: Field,
    prefix: &str,
    limit: usize,
    scan: usize,
) -> Vec<Candidate> {
    let mut found: HashMap<String, u64> = HashMap::new();
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(field) else {
            continue;
        };
        let Ok(mut stream) = inverted.terms().range().ge(prefix.as_bytes()).into_stream() else {
            continue;
        };
        let mut read = 0;
        while stream.advance() && read < scan {
            read += 1;
            let key = stream.key();
            if !key.starts_with(prefix.as_bytes()) {
                break;
            }
            let Ok(term) = std::str::from_utf8(key) else {
                continue;
            };
            if term != prefix {
                *found.entry(term.to_owned()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
    }
    let mut out: Vec<Candidate> = found
        .into_iter()
        .map(|(word, doc_freq)| Candidate {
            word,
            distance: 0,
            doc_freq,
        })
        .collect();
    out.sort_by(|a, b| {
        b.doc_freq
            .cmp(&a.doc_freq)
            .then(a.word.len().cmp(&b.word.len()))
            .then(a.word.cmp(&b.word))
    });
    out.truncate(limit);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typo_budget_follows_word_length() {
        let matching = |w| typo_budget(w, TypoUse::Matching);
        assert_eq!(matching("scar"), 0);
        assert_eq!(matching("fades"), 1);
        assert_eq!(matching("pigmenta"), 1);
        assert_eq!(matching("pigmentat"), 2);
        assert_eq!(matching("ééééé"), 1, "characters, not bytes");
        let suggesting = |w| typo_budget(w, TypoUse::Suggesting);
        assert_eq!(suggesting("sca"), 0);
        assert_eq!(suggesting("scar"), 1);
        assert_eq!(suggesting("pigmenta"), 2);
    }
}
