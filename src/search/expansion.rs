//! Word expansion: what each word of a query may stand for in a post.
//! A word becomes a concept with its alternatives: the word itself, its
//! typo corrections and its completions from the index's own vocabulary
//! (real words, so BM25 scores them and snippets can mark them), and the
//! other members of a synonym group it belongs to.

use std::collections::HashSet;

use tantivy::Searcher;

use super::analysis::{is_stop_word, stem};
use super::schema::{FIELD_WEIGHTS, Fields};
use super::synonyms::Synonyms;
use super::vocabulary::{self, TypoUse, doc_freq, typo_budget};
use crate::cache::{Generation, Keyed, ResultCache, Weigh, string_bytes};

/// How an alternative was found; it decides how much a match counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Source {
    Exact,
    Synonym,
    Typo(u8),
    Prefix,
}

impl Source {
    /// Exact beats a synonym beats a completion beats one typo beats two.
    pub fn boost(self) -> f32 {
        match self {
            Source::Exact => 1.0,
            Source::Synonym => 0.85,
            Source::Prefix => 0.7,
            Source::Typo(1) => 0.55,
            Source::Typo(_) => 0.3,
        }
    }
}

/// One way a concept can appear in a post: a word or a phrase, stemmed.
#[derive(Debug, Clone)]
pub struct Alternative {
    pub stems: Vec<String>,
    pub source: Source,
}

/// One thing the visitor asked about: a word, or a phrase that is a
/// synonym group member, with every form it may take in a post.
#[derive(Debug, Clone)]
pub struct Concept {
    pub words: Vec<String>,
    /// How much finding it says about a post (an IDF); 0 for stop words.
    pub weight: f32,
    pub alternatives: Vec<Alternative>,
}

/// How many posts contain a stem in any scored field (the largest of the
/// per-field counts). Stems, not words: "red" must count the posts that
/// say "redness".
pub fn stem_doc_freq(searcher: &Searcher, fields: &Fields, stem: &str) -> u64 {
    FIELD_WEIGHTS
        .iter()
        .map(|(name, _)| doc_freq(searcher, fields.get(*name), stem))
        .max()
        .unwrap_or(0)
}

pub fn idf(searcher: &Searcher, df: u64) -> f32 {
    let n = searcher.num_docs() as f32;
    let df = df as f32;
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// The concepts of a query's words: synonym phrases first (a phrase
/// of a group is one concept), then each other word with its typo
/// corrections and, for the last word while the visitor is `typing`, its
/// completions.
pub fn concepts(
    searcher: &Searcher,
    fields: &Fields,
    synonyms: &Synonyms,
    memo: &WordConcepts,
    words: &[String],
    typing: bool,
) -> Vec<Concept> {
    let mut concepts = Vec::new();
    let mut groups_seen = HashSet::new();
    let mut i = 0;
    while i < words.len() {
        if let Some(m) = synonyms.match_at(words, i) {
            // "how much does it cost" names the cost group twice: one
            // concept, or a post would get credit for it twice.
            if !groups_seen.insert(m.group) {
                i += m.len;
                continue;
            }
            let matched = &words[i..i + m.len];
            let alternatives = m
                .members
                .iter()
                .map(|member| Alternative {
                    stems: member.iter().map(|w| stem(w)).collect(),
                    source: if member[..] == *matched {
                        Source::Exact
                    } else {
                        Source::Synonym
                    },
                })
                .collect();
            let weight = matched
                .iter()
                .filter(|w| !is_stop_word(w))
                .map(|w| idf(searcher, stem_doc_freq(searcher, fields, &stem(w))))
                .fold(0.0, f32::max);
            concepts.push(Concept {
                words: matched.to_vec(),
                weight,
                alternatives,
            });
            i += m.len;
            continue;
        }
        let is_last = i + 1 == words.len();
        concepts.push(memo.concept(searcher, fields, &words[i], typing && is_last));
        i += 1;
    }
    concepts
}

/// Word concepts already worked out against the current index.
/// Search-as-you-type sends the words typed so far again with every
/// keystroke, and expanding a word (its document frequency in every field,
/// typo candidates, completions) reads the term dictionaries each time.
/// An expansion depends on the index alone, so entries are keyed by its
/// generation and dropped when it moves.
pub struct WordConcepts(ResultCache<WordKey, Concept>);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WordKey {
    index: u64,
    word: String,
    maybe_prefix: bool,
}

impl Keyed for WordKey {
    fn generation(&self) -> Generation {
        // Synonyms never change how a single word expands.
        Generation {
            index: self.index,
            synonyms: 0,
            vectors: 0,
        }
    }

    fn weight(&self) -> u64 {
        std::mem::size_of::<Self>() as u64 + string_bytes(&self.word)
    }
}

impl Weigh for Concept {
    fn weight(&self) -> u64 {
        let words: u64 = self.words.iter().map(|w| string_bytes(w)).sum();
        let stems: u64 = self
            .alternatives
            .iter()
            .map(|a| {
                std::mem::size_of::<Alternative>() as u64
                    + a.stems.iter().map(|s| string_bytes(s)).sum::<u64>()
            })
            .sum();
        std::mem::size_of::<Self>() as u64 + words + stems
    }
}

impl WordConcepts {
    /// A memo of at most `budget_bytes`; 0 keeps nothing.
    pub fn new(budget_bytes: u64) -> Self {
        WordConcepts(ResultCache::new(budget_bytes, 512))
    }

    fn concept(
        &self,
        searcher: &Searcher,
        fields: &Fields,
        word: &str,
        maybe_prefix: bool,
    ) -> Concept {
        let key = WordKey {
            index: searcher.generation().generation_id(),
            word: word.to_owned(),
            maybe_prefix,
        };
        if let Some(concept) = self.0.get(&key) {
            return concept;
        }
        let concept = word_concept(searcher, fields, word, maybe_prefix);
        self.0.insert(key, concept.clone());
        concept
    }
}

/// How many completions a prefix may stand for: a two-letter prefix
/// matches too much to be worth many.
fn completion_limit(prefix: &str) -> usize {
    match prefix.chars().count() {
        0 | 1 => 0,
        2 => 3,
        3 => 5,
        _ => 8,
    }
}

fn word_concept(searcher: &Searcher, fields: &Fields, word: &str, maybe_prefix: bool) -> Concept {
    let exact_stem = stem(word);
    let mut best_df = stem_doc_freq(searcher, fields, &exact_stem);
    let mut seen: HashSet<String> = HashSet::from([exact_stem.clone()]);
    let mut alternatives = vec![Alternative {
        stems: vec![exact_stem],
        source: Source::Exact,
    }];
    let stop = is_stop_word(word);
    let numeric = word.chars().all(|c| c.is_ascii_digit());
    // A word the posts already use is most likely meant as typed; its
    // near neighbours ("later" for "laser") would only add noise.
    let known = best_df > 0;
    if !stop && !numeric && !known {
        for c in vocabulary::fuzzy(
            searcher,
            fields.words,
            word,
            typo_budget(word, TypoUse::Matching),
            3,
        ) {
            if seen.insert(stem(&c.word)) {
                best_df = best_df.max(c.doc_freq);
                alternatives.push(Alternative {
                    stems: vec![stem(&c.word)],
                    source: Source::Typo(c.distance),
                });
            }
        }
    }
    if maybe_prefix && !numeric {
        for c in
            vocabulary::completions(searcher, fields.words, word, completion_limit(word), 5_000)
        {
            if seen.insert(stem(&c.word)) {
                best_df = best_df.max(c.doc_freq);
                alternatives.push(Alternative {
                    stems: vec![stem(&c.word)],
                    source: Source::Prefix,
                });
            }
        }
    }
    // A half-typed stop word ("ho" for "how") is still worth completing,
    // but it is not what the visitor is looking for.
    let weight = if stop || (best_df == 0 && alternatives.len() == 1) {
        0.0
    } else {
        idf(searcher, best_df)
    };
    Concept {
        words: vec![word.to_owned()],
        weight,
        alternatives,
    }
}
