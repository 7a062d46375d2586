//! The query planner: from a visitor's words to tantivy queries. The
//! text is only ever split into words, never parsed as query syntax, so
//! quotes, brackets, colons and operators are just punctuation. The words
//! become concepts ([`super::expansion`]); the plan turns them into the
//! query that finds candidates (every form of every meaningful concept, in
//! the all-words field) and the field-weighted queries that rank them
//! ([`super::rank`]).

use std::collections::{BTreeMap, HashSet};

use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Facet, IndexRecordOption};
use tantivy::{Searcher, Term};

use super::analysis::{is_stop_word, stem, words};
use super::expansion::{self, Alternative, Concept, Source, WordConcepts};
use super::schema::{FIELD_WEIGHTS, FieldName, Fields};
use super::synonyms::Synonyms;
use super::vocabulary::doc_freq;
use crate::limits::Limits;

/// How much a concept's other matches add to its best one: a word in the
/// title and the answer beats a word in the title alone, but not by much.
pub const DISMAX_TIE_BREAKER: f32 = 0.25;

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

impl Filters {
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty() && self.category.is_none() && self.kind.is_none()
    }

    /// `query`, keeping only the posts these filters let through.
    pub fn restrict(&self, fields: &Fields, query: Box<dyn Query>) -> Box<dyn Query> {
        if self.is_empty() {
            return query;
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query)];
        for tag in &self.tags {
            let term = Term::from_facet(fields.tag_facet, &Facet::from_path([tag.as_str()]));
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            ));
        }
        if let Some(category) = &self.category {
            let term = Term::from_field_text(fields.category, category);
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            ));
        }
        if let Some(kind) = &self.kind {
            let term = Term::from_field_text(fields.kind, kind);
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            ));
        }
        Box::new(BooleanQuery::new(clauses))
    }
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
        words.truncate(Limits::SEARCH_WORDS);
        // Still typing: the last word may be the start of a longer one.
        let typing = text.chars().last().is_some_and(char::is_alphanumeric)
            && words.len() <= Limits::SEARCH_WORDS;
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
            Mode::Full => expansion::concepts(searcher, fields, synonyms, memo, &words, typing),
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
        Some(filters.restrict(fields, scoring))
    }

    /// What finds the candidates: one flat union of the query's stems
    /// over the all-words field, each boosted by how it was found (exact
    /// above synonym above completion above typo). It is cheap to score in
    /// one pass over the postings; the weighted fields and phrases rank
    /// the candidates afterwards (see `rank`). Stop words are left out:
    /// they match nearly every post and say nothing about which answers.
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
