//! From a visitor's words to a tantivy query. The text is only ever split
//! into words: it is never parsed as query syntax, so quotes, brackets,
//! colons and operators are just punctuation.

use std::collections::{BTreeMap, HashSet};

use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Facet, IndexRecordOption};
use tantivy::{Searcher, Term};

use super::analysis::{is_stop_word, stem, words};
use super::cache::{Generation, Keyed, ResultCache, Weigh};
use super::schema::{FIELD_WEIGHTS, FieldName, Fields};
use super::synonyms::Synonyms;
use super::vocabulary::{self, doc_freq, typo_budget};

/// How much a concept's other matches add to its best one: a word in the
/// title and the answer beats a word in the title alone, but not by much.
pub const DISMAX_TIE_BREAKER: f32 = 0.25;

/// Words beyond this many are ignored: no real question needs more, and it
/// bounds the cost of a pasted essay.
pub const MAX_QUERY_WORDS: usize = 32;

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
    fn boost(self) -> f32 {
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

/// Whether to use kbql's ranking or the plain BM25 it is measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Full,
    /// Each word as typed, over the same fields, unweighted: no typos,
    /// prefixes, synonyms or coverage.
    Baseline,
}

/// Restrictions that do not score.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Tag keys; a post must carry all of them.
    pub tags: Vec<String>,
    pub category: Option<String>,
    pub kind: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub mode: Mode,
    pub words: Vec<String>,
    pub concepts: Vec<Concept>,
    /// Stems in more than half of all posts (see `retrieval_query`).
    pub common_stems: HashSet<String>,
}

impl Plan {
    pub fn build(
        searcher: &Searcher,
        fields: &Fields,
        synonyms: &Synonyms,
        memo: &WordConcepts,
        text: &str,
        mode: Mode,
    ) -> Plan {
        let mut words = words(text);
        words.truncate(MAX_QUERY_WORDS);
        // Still typing: the last word may be the start of a longer one.
        let typing = text.chars().last().is_some_and(char::is_alphanumeric)
            && words.len() <= MAX_QUERY_WORDS;
        let concepts = match mode {
            Mode::Baseline => words
                .iter()
                .map(|w| Concept {
                    words: vec![w.clone()],
                    weight: 1.0,
                    alternatives: vec![Alternative {
                        stems: vec![stem(w)],
                        source: Source::Exact,
                    }],
                })
                .collect(),
            Mode::Full => full_concepts(searcher, fields, synonyms, memo, &words, typing),
        };
        let common_stems = match mode {
            Mode::Baseline => HashSet::new(),
            Mode::Full => common_stems(searcher, fields, &concepts),
        };
        Plan {
            mode,
            words,
            concepts,
            common_stems,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.concepts.is_empty()
    }

    /// Whether a concept carries meaning: every concept does when only
    /// stop words were asked.
    pub fn is_content(&self, concept: &Concept) -> bool {
        concept.weight > 0.0 || self.concepts.iter().all(|c| c.weight == 0.0)
    }

    pub fn content_concepts(&self) -> impl Iterator<Item = &Concept> {
        self.concepts.iter().filter(|c| self.is_content(c))
    }

    /// Every (form, field) a concept can match in, weighted.
    pub fn concept_parts(&self, fields: &Fields, concept: &Concept) -> Vec<Box<dyn Query>> {
        concept
            .alternatives
            .iter()
            .flat_map(|alt| self.alternative_parts(fields, alt))
            .collect()
    }

    /// Every field one form of a concept can match in, weighted.
    pub fn alternative_parts(&self, fields: &Fields, alt: &Alternative) -> Vec<Box<dyn Query>> {
        let mut parts: Vec<Box<dyn Query>> = Vec::new();
        for (name, field_weight) in FIELD_WEIGHTS {
            // A synonym phrase is looked for where posts name their
            // topic, not in long answers: phrase matching reads
            // positions, the most expensive part of a search.
            if alt.stems.len() > 1 && alt.source != Source::Exact && name == FieldName::Answer {
                continue;
            }
            let field = fields.get(name);
            let q: Box<dyn Query> = if alt.stems.len() == 1 {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, &alt.stems[0]),
                    IndexRecordOption::WithFreqs,
                ))
            } else {
                let terms = alt
                    .stems
                    .iter()
                    .map(|s| Term::from_field_text(field, s))
                    .collect();
                Box::new(PhraseQuery::new(terms))
            };
            let boost = match self.mode {
                Mode::Full => field_weight * alt.source.boost(),
                Mode::Baseline => 1.0,
            };
            parts.push(Box::new(BoostQuery::new(q, boost)));
        }
        parts
    }

    /// The query for one concept: its best-matching form in its
    /// best-matching field, plus a little of the rest (see
    /// [`DISMAX_TIE_BREAKER`]).
    pub fn concept_query(&self, fields: &Fields, concept: &Concept) -> Box<dyn Query> {
        let parts = self.concept_parts(fields, concept);
        match self.mode {
            // Summing over fields, as a plain multi-field BM25 does.
            Mode::Baseline => Box::new(BooleanQuery::new(
                parts.into_iter().map(|q| (Occur::Should, q)).collect(),
            )),
            Mode::Full => Box::new(DisjunctionMaxQuery::with_tie_breaker(
                parts,
                DISMAX_TIE_BREAKER,
            )),
        }
    }

    /// The whole query: at least one meaningful concept must match, and
    /// only meaningful concepts score. `None` when there is nothing to look
    /// for.
    pub fn query(&self, fields: &Fields, filters: &Filters) -> Option<Box<dyn Query>> {
        if self.is_empty() {
            return None;
        }
        let scoring: Box<dyn Query> = match self.mode {
            Mode::Baseline => Box::new(BooleanQuery::new(
                self.concepts
                    .iter()
                    .map(|c| (Occur::Should, self.concept_query(fields, c)))
                    .collect(),
            )),
            Mode::Full => self.retrieval_query(fields),
        };
        let filtered =
            !filters.tags.is_empty() || filters.category.is_some() || filters.kind.is_some();
        if !filtered {
            return Some(scoring);
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, scoring)];
        for tag in &filters.tags {
            let term = Term::from_facet(fields.tag_facet, &Facet::from_path([tag.as_str()]));
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            ));
        }
        if let Some(category) = &filters.category {
            let term = Term::from_field_text(fields.category, category);
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            ));
        }
        if let Some(kind) = &filters.kind {
            let term = Term::from_field_text(fields.kind, kind);
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            ));
        }
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    /// What finds the candidates: one flat union of the query's stems
    /// over the all-words field, so that tantivy can skip whole blocks of
    /// postings that cannot reach the top (block-max WAND) instead of
    /// scoring every post that shares a word with the query. Few terms
    /// keep that skipping cheap; the weighted fields and phrases rank the
    /// candidates afterwards (see `rank`). Stop words are left out: they
    /// match nearly every post and say nothing about which answers.
    fn retrieval_query(&self, fields: &Fields) -> Box<dyn Query> {
        // A concept asked as a word that is on most posts ("smp" on an SMP
        // blog) ranks candidates but does not retrieve them when another
        // concept can: nearly every post would be a candidate.
        let is_common = |c: &Concept| {
            c.alternatives
                .iter()
                .filter(|a| a.source == Source::Exact)
                .all(|a| a.stems.iter().all(|s| self.common_stems.contains(s)))
        };
        let content: Vec<&Concept> = self.content_concepts().collect();
        let retrieving: Vec<&Concept> = if content.iter().all(|c| is_common(c)) {
            content
        } else {
            content.into_iter().filter(|c| !is_common(c)).collect()
        };
        let mut terms: BTreeMap<&str, f32> = BTreeMap::new();
        for concept in retrieving {
            // A synonym phrase would retrieve by its words alone, and those
            // ("scalp", "hair") are the most common in the index; posts
            // that use the phrase are still found by the concept's other
            // forms and scored as phrases when ranked.
            let forms = concept
                .alternatives
                .iter()
                .filter(|a| a.stems.len() == 1 || a.source == Source::Exact);
            for alt in forms {
                let boost = alt.source.boost() / alt.stems.len() as f32;
                for stem in alt.stems.iter().filter(|s| !is_stop_word(s)) {
                    let slot = terms.entry(stem.as_str()).or_insert(0.0);
                    *slot = slot.max(boost);
                }
            }
        }
        let clauses = terms
            .into_iter()
            .map(|(stem, boost)| {
                let term = Term::from_field_text(fields.all, stem);
                let q: Box<dyn Query> = Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                    boost,
                ));
                (Occur::Should, q)
            })
            .collect();
        Box::new(BooleanQuery::new(clauses))
    }

    /// The stems to mark in snippets, with how much each matters.
    pub fn highlight_terms(&self) -> BTreeMap<String, f32> {
        let mut terms = BTreeMap::new();
        for c in self.content_concepts() {
            for alt in &c.alternatives {
                for s in &alt.stems {
                    let score = c.weight.max(0.1) * alt.source.boost();
                    let entry = terms.entry(s.clone()).or_insert(0.0f32);
                    *entry = entry.max(score);
                }
            }
        }
        terms
    }
}

fn common_stems(searcher: &Searcher, fields: &Fields, concepts: &[Concept]) -> HashSet<String> {
    let half = searcher.num_docs() / 2;
    concepts
        .iter()
        .flat_map(|c| c.alternatives.iter().flat_map(|a| a.stems.iter()))
        .filter(|s| half > 0 && doc_freq(searcher, fields.all, s) > half)
        .cloned()
        .collect()
}

/// How many posts contain a stem in any scored field (the largest of the
/// per-field counts). Stems, not words: "red" must count the posts that
/// say "redness".
fn stem_doc_freq(searcher: &Searcher, fields: &Fields, stem: &str) -> u64 {
    FIELD_WEIGHTS
        .iter()
        .map(|(name, _)| doc_freq(searcher, fields.get(*name), stem))
        .max()
        .unwrap_or(0)
}

fn idf(searcher: &Searcher, df: u64) -> f32 {
    let n = searcher.num_docs() as f32;
    let df = df as f32;
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

fn full_concepts(
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
        }
    }

    fn weight(&self) -> u64 {
        (std::mem::size_of::<Self>() + self.word.len()) as u64
    }
}

impl Weigh for Concept {
    fn weight(&self) -> u64 {
        let words: usize = self.words.iter().map(|w| w.len() + 24).sum();
        let stems: usize = self
            .alternatives
            .iter()
            .map(|a| 48 + a.stems.iter().map(|s| s.len() + 24).sum::<usize>())
            .sum();
        (std::mem::size_of::<Self>() + words + stems) as u64
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
        for c in vocabulary::fuzzy(searcher, fields.words, word, typo_budget(word), 3) {
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
