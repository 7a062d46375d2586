//! The executor: runs a search's plan (retrieval in one pass that ranks
//! and counts, re-ranking of the best candidates, the page asked for) and
//! reports what it found. What a page shows of each post, and the caches,
//! are `results`'.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::Facet;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Score, Searcher, Term};

use super::Search;
use super::highlight::Highlighter;
use super::planner::{Filters, Mode, Plan};
use super::rank::{phrasing, rerank, rescore};
use super::semantic::fuse;
use super::suggest::did_you_mean;
use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::store::SearchLogEntry;

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = Limits::SEARCH_TEXT;
/// How far results can be paged through.
pub const MAX_RESULT_WINDOW: usize = Limits::RESULT_WINDOW;
/// Re-ranking looks at least this many candidates, so that a post that
/// covers the whole question can climb from below the first page.
const MIN_RERANK: usize = 20;
/// Posts nearest in meaning that join the candidates.
const SEMANTIC_CANDIDATES: usize = 20;
/// The words' share of a fused score (see `semantic::fusion`), chosen on
/// the dev half of the evaluation.
const LEXICAL_WEIGHT: f32 = 0.3;

#[derive(Debug, Clone)]
pub struct SearchParams {
    pub text: String,
    pub filters: Filters,
    pub offset: usize,
    pub limit: usize,
    pub mode: Mode,
    pub with_facets: bool,
    /// What to call this search in the analytics log; `None` logs nothing.
    pub log_as: Option<&'static str>,
    /// Match by meaning as well as by words, when a model is loaded.
    pub by_meaning: bool,
    /// The query's meaning as a vector: `Search::understand` fills it in
    /// when `by_meaning` asks for it.
    pub meaning: Option<Arc<Vec<f32>>>,
}

impl SearchParams {
    pub fn new(text: impl Into<String>, limit: usize) -> Self {
        SearchParams {
            text: text.into(),
            filters: Filters::default(),
            offset: 0,
            limit,
            mode: Mode::Full,
            with_facets: false,
            log_as: None,
            by_meaning: false,
            meaning: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub post_id: i64,
    pub score: f32,
    /// The cosine between the post's vector and the query's, when the
    /// search matched by meaning.
    pub cosine: Option<f32>,
}

pub struct SearchOutcome {
    pub hits: Vec<Hit>,
    /// Every match, not only the hits ranked.
    pub total: usize,
    /// (tag slug, count) over every matching post, most frequent first.
    pub facets: Vec<(String, u64)>,
    pub did_you_mean: Option<String>,
    pub highlighter: Highlighter,
    pub plan: Plan,
}

impl Search {
    pub fn search(&self, params: &SearchParams) -> Result<SearchOutcome> {
        let started = Instant::now();
        if params.text.chars().count() > MAX_QUERY_CHARS {
            return Err(Error::bad_input(format!(
                "query must be at most {MAX_QUERY_CHARS} characters"
            )));
        }
        if params.offset.saturating_add(params.limit) > MAX_RESULT_WINDOW {
            return Err(Error::bad_input(format!(
                "search results can be paged through the first {MAX_RESULT_WINDOW} only"
            )));
        }
        let searcher = self.inner.index.reader.searcher();
        let fields = self.inner.index.fields;
        let plan = Plan::build(
            &searcher,
            &fields,
            &self.synonyms(),
            &self.inner.word_concepts,
            &params.text,
            params.mode,
        );
        let highlighter = Highlighter::new(plan.highlight_terms());
        let mut outcome = SearchOutcome {
            hits: vec![],
            total: 0,
            facets: vec![],
            did_you_mean: None,
            highlighter,
            plan,
        };
        let wanted = params.offset + params.limit;
        let window = match params.mode {
            Mode::Full => wanted.clamp(MIN_RERANK, MAX_RESULT_WINDOW),
            Mode::Baseline => wanted.max(1),
        };
        let mut ranked = Vec::new();
        if let Some(query) = outcome.plan.query(&fields, &params.filters) {
            let top = TopDocs::with_limit(window).order_by_score();
            // One pass scores every match, ranking and counting at once:
            // cheaper than block-max WAND (what `top` alone would do)
            // followed by a second walk of the same union for the count
            // (`cargo bench --bench search`).
            let total;
            (ranked, total) = if params.with_facets {
                let mut facets = FacetCollector::for_field("tag_facet");
                facets.add_facet(Facet::root());
                let (ranked, counts, total) = searcher
                    .search(&query, &(top, facets, Count))
                    .map_err(Error::internal)?;
                outcome.facets = counts
                    .top_k(Facet::root(), 50)
                    .into_iter()
                    .map(|(f, n)| (facet_slug(f), n))
                    .collect();
                (ranked, total)
            } else {
                searcher
                    .search(&query, &(top, Count))
                    .map_err(Error::internal)?
            };
            if params.mode == Mode::Full {
                let rescored =
                    rescore(&searcher, &fields, &outcome.plan, &ranked).map_err(Error::internal)?;
                let phrased = phrasing(&searcher, &fields, &outcome.plan, &ranked)
                    .map_err(Error::internal)?;
                ranked = rerank(ranked, &rescored, &phrased);
            }
            outcome.total = total;
        }
        let semantic = self
            .inner
            .semantic
            .as_ref()
            .filter(|_| params.mode == Mode::Full);
        match (semantic, &params.meaning) {
            (Some(semantic), Some(meaning)) => {
                let lexical = post_ids(&searcher, ranked.into_iter())?;
                let known: HashSet<i64> = lexical.iter().map(|h| h.post_id).collect();
                let near: Vec<i64> = semantic
                    .nearest(meaning, SEMANTIC_CANDIDATES)
                    .into_iter()
                    .map(|(id, _)| id)
                    .filter(|id| !known.contains(id))
                    .collect();
                let admitted = self.admitted(&searcher, &params.filters, &near)?;
                outcome.total += admitted.len();
                let lexical: Vec<(i64, f32)> =
                    lexical.iter().map(|h| (h.post_id, h.score)).collect();
                outcome.hits = fuse(
                    &lexical,
                    &admitted,
                    |id| semantic.cosine(id, meaning),
                    LEXICAL_WEIGHT,
                )
                .into_iter()
                .skip(params.offset)
                .take(params.limit)
                .map(|f| Hit {
                    post_id: f.post_id,
                    score: f.score,
                    cosine: Some(f.cosine),
                })
                .collect();
            }
            _ => {
                outcome.hits = post_ids(
                    &searcher,
                    ranked.into_iter().skip(params.offset).take(params.limit),
                )?;
            }
        }
        if params.mode == Mode::Full && outcome.total < 3 {
            outcome.did_you_mean = did_you_mean(
                &searcher,
                self.inner.index.fields.words,
                &outcome.plan,
                &params.text,
            );
        }
        self.log_search(params, outcome.total, started, false);
        Ok(outcome)
    }

    /// Fills in the query's vector when `params` matches by meaning and a
    /// model is loaded.
    pub async fn understand(&self, params: &mut SearchParams) -> Result<()> {
        if let Some(semantic) = &self.inner.semantic
            && params.by_meaning
            && params.meaning.is_none()
            && params.mode == Mode::Full
        {
            params.meaning = Some(semantic.query_vector(&params.text).await?);
        }
        Ok(())
    }

    /// Which of `ids` are in the index (published) and pass `filters`, in
    /// the order given.
    fn admitted(&self, searcher: &Searcher, filters: &Filters, ids: &[i64]) -> Result<Vec<i64>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let fields = self.inner.index.fields;
        let any_of: Box<dyn Query> = Box::new(BooleanQuery::new(
            ids.iter()
                .map(|&id| {
                    let term = Term::from_field_u64(fields.id, id as u64);
                    let q: Box<dyn Query> =
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                    (Occur::Should, q)
                })
                .collect(),
        ));
        let query = filters.restrict(&fields, any_of);
        let found = searcher
            .search(&query, &TopDocs::with_limit(ids.len()).order_by_score())
            .map_err(Error::internal)?;
        let present: HashSet<i64> = post_ids(searcher, found.into_iter())?
            .into_iter()
            .map(|h| h.post_id)
            .collect();
        Ok(ids
            .iter()
            .copied()
            .filter(|id| present.contains(id))
            .collect())
    }

    /// Records a search in the analytics log when `params` asks for it;
    /// also for searches answered from a cache.
    /// Records a search in the search log (when `params` says so) and in
    /// the latency histogram.
    pub fn log_search(&self, params: &SearchParams, total: usize, started: Instant, cached: bool) {
        let labels = super::latency::SearchLabels {
            source: params.log_as.unwrap_or("internal"),
            cached: if cached { "true" } else { "false" },
        };
        self.inner
            .latency
            .get_or_create(&labels)
            .observe(started.elapsed().as_secs_f64());
        if let Some(source) = params.log_as {
            self.inner.log.record(SearchLogEntry {
                query: normalise_for_log(&params.text),
                source,
                hits: total as u64,
                took_micros: started.elapsed().as_micros().min(u32::MAX as u128) as u32,
                at: crate::store::now(),
            });
        }
    }
}

fn facet_slug(facet: &Facet) -> String {
    facet
        .to_path()
        .last()
        .map(|s| s.to_string())
        .unwrap_or_default()
}

/// The post ids of hits, read from the id fast field. Each segment's
/// column is opened once: opening it decodes its header, which costs more
/// than reading a value.
pub(super) fn post_ids(
    searcher: &Searcher,
    hits: impl Iterator<Item = (Score, DocAddress)>,
) -> Result<Vec<Hit>> {
    let mut columns = HashMap::new();
    let mut out = Vec::new();
    for (score, addr) in hits {
        let column = match columns.entry(addr.segment_ord) {
            Entry::Occupied(open) => open.into_mut(),
            Entry::Vacant(slot) => slot.insert(
                searcher
                    .segment_reader(addr.segment_ord)
                    .fast_fields()
                    .u64("id")
                    .map_err(Error::internal)?,
            ),
        };
        if let Some(id) = column.first(addr.doc_id) {
            out.push(Hit {
                post_id: id as i64,
                score,
                cosine: None,
            });
        }
    }
    Ok(out)
}

/// Queries are grouped in analytics by their words, so "SMP  cost?" and
/// "smp cost" count as one.
fn normalise_for_log(text: &str) -> String {
    let words = super::analysis::words(text);
    let mut joined = words.join(" ");
    if joined.len() > 200 {
        let mut cut = 200;
        while !joined.is_char_boundary(cut) {
            cut -= 1;
        }
        joined.truncate(cut);
    }
    joined
}
