//! Relevance measurement over a judged query set: MRR@10, P@1, recall@3,
//! overall and per kind of query (plain, typo, prefix, paraphrase).

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;

use super::Search;
use super::executor::SearchParams;
use super::planner::Mode;
use crate::error::{Error, Result};
use crate::store::Store;

/// One line of a query file.
#[derive(Debug, Clone, Deserialize)]
pub struct Judged {
    pub query: String,
    /// Slugs of the posts that answer it, best first.
    pub relevant: Vec<String>,
    #[serde(default = "plain")]
    pub kind: String,
}

fn plain() -> String {
    "plain".to_owned()
}

pub fn parse_queries(text: &str) -> Result<Vec<Judged>> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| Error::bad_input(format!("line {}: {e}", i + 1)))
        })
        .collect()
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Metrics {
    pub queries: usize,
    pub mrr_at_10: f64,
    pub precision_at_1: f64,
    pub recall_at_3: f64,
}

#[derive(Debug, Default)]
struct Sums {
    n: usize,
    rr: f64,
    p1: f64,
    r3: f64,
}

impl Sums {
    fn add(&mut self, rr: f64, p1: f64, r3: f64) {
        self.n += 1;
        self.rr += rr;
        self.p1 += p1;
        self.r3 += r3;
    }

    fn metrics(&self) -> Metrics {
        let n = self.n.max(1) as f64;
        Metrics {
            queries: self.n,
            mrr_at_10: self.rr / n,
            precision_at_1: self.p1 / n,
            recall_at_3: self.r3 / n,
        }
    }
}

#[derive(Debug, Default)]
pub struct Report {
    pub overall: Metrics,
    pub by_kind: BTreeMap<String, Metrics>,
    /// Queries whose first relevant post is not first, with what came first.
    pub misses: Vec<(String, Option<String>)>,
}

pub async fn evaluate(
    search: &Search,
    store: &Store,
    queries: &[Judged],
    mode: Mode,
) -> Result<Report> {
    let mut all = Sums::default();
    let mut kinds: BTreeMap<String, Sums> = BTreeMap::new();
    let mut misses = Vec::new();
    for q in queries {
        let mut params = SearchParams::new(q.query.clone(), 10);
        params.mode = mode;
        let outcome = search.search(&params)?;
        let ids: Vec<i64> = outcome.hits.iter().map(|h| h.post_id).collect();
        let posts = store.posts_by_ids(&ids).await?;
        let slugs: Vec<String> = ids
            .iter()
            .filter_map(|id| posts.get(id))
            .map(|p| p.slug.clone())
            .collect();
        let relevant: HashSet<&str> = q.relevant.iter().map(String::as_str).collect();
        let first = slugs.iter().position(|s| relevant.contains(s.as_str()));
        let rr = first.map_or(0.0, |r| 1.0 / (r + 1) as f64);
        let p1 = if first == Some(0) { 1.0 } else { 0.0 };
        let found = slugs
            .iter()
            .take(3)
            .filter(|s| relevant.contains(s.as_str()))
            .count();
        let r3 = found as f64 / relevant.len().clamp(1, 3) as f64;
        all.add(rr, p1, r3);
        kinds.entry(q.kind.clone()).or_default().add(rr, p1, r3);
        if first != Some(0) {
            misses.push((q.query.clone(), slugs.first().cloned()));
        }
    }
    Ok(Report {
        overall: all.metrics(),
        by_kind: kinds.into_iter().map(|(k, s)| (k, s.metrics())).collect(),
        misses,
    })
}
