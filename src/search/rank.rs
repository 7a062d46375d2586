//! Ranking the candidates retrieval found, looking only at them, never at
//! the whole index. Each candidate is scored with the field-weighted
//! concept queries (title and question above tags above answer, phrases as
//! phrases), then scaled by coverage: a post that answers every part of a
//! question beats one that repeats a single word of it many times (BM25
//! alone lets a long answer full of "smp" outrank a short post about the
//! exact topic). Phrasing nudges: among equals, a post whose question is
//! worded like the visitor's ("how long…", "can I…") is the closer one.

use std::collections::BTreeMap;

use tantivy::query::{BooleanQuery, EnableScoring, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, TERMINATED, Term};

use super::planner::{DISMAX_TIE_BREAKER, Plan};
use super::schema::Fields;

/// For each of `hits`, its score under `query` if it matches, reading
/// only the postings near the hits.
fn scores(
    searcher: &Searcher,
    query: &dyn Query,
    hits: &[(Score, DocAddress)],
    scoring: bool,
) -> tantivy::Result<Vec<Option<Score>>> {
    let mut found = vec![None; hits.len()];
    let mut by_segment: BTreeMap<u32, Vec<(DocId, usize)>> = BTreeMap::new();
    for (rank, (_, addr)) in hits.iter().enumerate() {
        by_segment
            .entry(addr.segment_ord)
            .or_default()
            .push((addr.doc_id, rank));
    }
    let enable = if scoring {
        EnableScoring::enabled_from_searcher(searcher)
    } else {
        EnableScoring::disabled_from_searcher(searcher)
    };
    let weight = query.weight(enable)?;
    for (segment_ord, mut docs) in by_segment {
        docs.sort_unstable();
        let mut scorer = weight.scorer(searcher.segment_reader(segment_ord), 1.0)?;
        for (doc, rank) in docs {
            let mut at = scorer.doc();
            if at == TERMINATED {
                break;
            }
            if at < doc {
                at = scorer.seek(doc);
            }
            if at == doc {
                found[rank] = Some(if scoring { scorer.score() } else { 1.0 });
            }
        }
    }
    Ok(found)
}

/// Each candidate's field-weighted score and the share (0..=1, by IDF
/// weight) of the query's meaningful concepts it matches. Each form of a
/// concept is scored on its own and combined as its disjunction-max query
/// would: seeking a union of many postings to a few scattered candidates
/// would read the postings between them all.
pub fn rescore(
    searcher: &Searcher,
    fields: &Fields,
    plan: &Plan,
    hits: &[(Score, DocAddress)],
) -> tantivy::Result<Vec<(Score, f32)>> {
    let concepts: Vec<_> = plan.content_concepts().collect();
    let total: f32 = concepts.iter().map(|c| c.weight.max(1e-3)).sum();
    let mut out = vec![(0.0, 0.0); hits.len()];
    for concept in &concepts {
        // Per candidate: the best part's score and the sum of all.
        let mut best = vec![0.0f32; hits.len()];
        let mut sum = vec![0.0f32; hits.len()];
        let mut matched = vec![false; hits.len()];
        for alt in &concept.alternatives {
            // A word no candidate has, in any field, cannot score: one look
            // in the all-words field spares a look in each scored field.
            // (Most of a half-typed word's completions are such words.)
            if let [stem] = alt.stems.as_slice()
                && !in_any(searcher, fields, stem, hits)?
            {
                continue;
            }
            for part in plan.alternative_parts(fields, alt) {
                for (rank, score) in scores(searcher, part.as_ref(), hits, true)?
                    .into_iter()
                    .enumerate()
                {
                    if let Some(score) = score {
                        best[rank] = best[rank].max(score);
                        sum[rank] += score;
                        matched[rank] = true;
                    }
                }
            }
        }
        for rank in 0..hits.len() {
            if matched[rank] {
                out[rank].0 += best[rank] + DISMAX_TIE_BREAKER * (sum[rank] - best[rank]);
                out[rank].1 += concept.weight.max(1e-3);
            }
        }
    }
    let single = concepts.len() <= 1;
    Ok(out
        .into_iter()
        .map(|(score, covered)| {
            (
                score,
                if single {
                    1.0
                } else {
                    (covered / total.max(1e-6)).min(1.0)
                },
            )
        })
        .collect())
}

/// Whether any of `hits` has `stem` in a scored field.
fn in_any(
    searcher: &Searcher,
    fields: &Fields,
    stem: &str,
    hits: &[(Score, DocAddress)],
) -> tantivy::Result<bool> {
    let query = TermQuery::new(
        Term::from_field_text(fields.all, stem),
        IndexRecordOption::Basic,
    );
    Ok(scores(searcher, &query, hits, false)?
        .iter()
        .any(Option::is_some))
}

/// For each hit, how many of the query's stop words its title or question
/// uses.
pub fn phrasing(
    searcher: &Searcher,
    fields: &Fields,
    plan: &Plan,
    hits: &[(Score, DocAddress)],
) -> tantivy::Result<Vec<u32>> {
    let mut counts = vec![0u32; hits.len()];
    for concept in plan.concepts.iter().filter(|c| !plan.is_content(c)) {
        let Some(alt) = concept.alternatives.first() else {
            continue;
        };
        let [stem] = alt.stems.as_slice() else {
            continue;
        };
        let clauses: Vec<(Occur, Box<dyn Query>)> = [fields.title, fields.question]
            .into_iter()
            .map(|f| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(f, stem),
                    IndexRecordOption::Basic,
                ));
                (Occur::Should, q)
            })
            .collect();
        for (rank, hit) in scores(searcher, &BooleanQuery::new(clauses), hits, false)?
            .into_iter()
            .enumerate()
        {
            counts[rank] += u32::from(hit.is_some());
        }
    }
    Ok(counts)
}

/// The final order: the weighted score scaled by coverage, so that
/// matching more of the question dominates, nudged by phrasing.
pub fn rerank(
    hits: Vec<(Score, DocAddress)>,
    rescored: &[(Score, f32)],
    phrasing: &[u32],
) -> Vec<(Score, DocAddress)> {
    let mut ranked: Vec<(Score, DocAddress)> = hits
        .into_iter()
        .zip(rescored.iter().zip(phrasing))
        .map(|((_, addr), ((score, cov), words))| {
            (
                score * (0.2 + 0.8 * cov * cov) * (1.0 + 0.04 * *words as f32),
                addr,
            )
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked
}
