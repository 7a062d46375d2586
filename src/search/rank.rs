//! Re-ranking by coverage: a post that answers every part of a question
//! beats one that repeats a single word of it many times. BM25 alone lets
//! a long answer full of "smp" outrank a short post about the exact topic.

use std::collections::BTreeMap;

use tantivy::query::EnableScoring;
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, TERMINATED};

use super::query::Plan;
use super::schema::Fields;

/// For each hit, the share (0..=1, by weight) of the query's meaningful
/// concepts it matches.
pub fn coverage(
    searcher: &Searcher,
    fields: &Fields,
    plan: &Plan,
    hits: &[(Score, DocAddress)],
) -> tantivy::Result<Vec<f32>> {
    let concepts: Vec<_> = plan.content_concepts().collect();
    let total: f32 = concepts.iter().map(|c| c.weight.max(1e-3)).sum();
    let mut covered = vec![0.0f32; hits.len()];
    if concepts.len() <= 1 || hits.is_empty() {
        return Ok(vec![1.0; hits.len()]);
    }
    // Hits grouped by segment, in doc order, remembering their rank.
    let mut by_segment: BTreeMap<u32, Vec<(DocId, usize)>> = BTreeMap::new();
    for (rank, (_, addr)) in hits.iter().enumerate() {
        by_segment
            .entry(addr.segment_ord)
            .or_default()
            .push((addr.doc_id, rank));
    }
    for concept in concepts {
        let weight = plan
            .concept_query(fields, concept)
            .weight(EnableScoring::disabled_from_searcher(searcher))?;
        for (segment_ord, docs) in by_segment.iter_mut() {
            docs.sort_unstable();
            let mut scorer = weight.scorer(searcher.segment_reader(*segment_ord), 1.0)?;
            for &(doc, rank) in docs.iter() {
                let mut at = scorer.doc();
                if at == TERMINATED {
                    break;
                }
                if at < doc {
                    at = scorer.seek(doc);
                }
                if at == doc {
                    covered[rank] += concept.weight.max(1e-3);
                }
            }
        }
    }
    Ok(covered.into_iter().map(|c| (c / total).min(1.0)).collect())
}

/// The final order: score scaled by coverage, so that matching more of
/// the question dominates, and BM25 decides among equals.
pub fn rerank(hits: Vec<(Score, DocAddress)>, coverage: &[f32]) -> Vec<(Score, DocAddress)> {
    let mut ranked: Vec<(Score, DocAddress)> = hits
        .into_iter()
        .zip(coverage)
        .map(|((score, addr), cov)| (score * (0.2 + 0.8 * cov * cov), addr))
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked
}
