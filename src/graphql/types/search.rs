use std::sync::Arc;

use async_graphql::{Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::Post;
use crate::search::{Highlight as FoundHighlight, ResultPage};

/// A post found by a search, with why it was found.
/// It points into the page of results, shared with the result cache: a
/// repeated search copies neither posts nor snippets.
pub struct SearchHit {
    pub page: Arc<ResultPage>,
    pub index: usize,
}

impl SearchHit {
    /// Every hit of `page`, in ranking order.
    pub fn all(page: &Arc<ResultPage>) -> Vec<SearchHit> {
        (0..page.hits.len())
            .map(|index| SearchHit {
                page: page.clone(),
                index,
            })
            .collect()
    }
}

#[Object]
impl SearchHit {
    /// Relevance; comparable within one search only.
    async fn score(&self) -> f64 {
        f64::from(self.page.hits[self.index].hit.score)
    }

    async fn post(&self) -> Post {
        Post(self.page.hits[self.index].post.clone())
    }

    /// Excerpts of the fields that matched (title, question, answer), with
    /// matched words marked, including words matched through a typo, a
    /// prefix or a synonym. Fields that did not match are left out.
    async fn highlights(&self) -> Vec<Highlight<'_>> {
        self.page
            .highlights(self.index)
            .iter()
            .map(Highlight)
            .collect()
    }
}

/// An excerpt of one field with the matched words marked.
pub struct Highlight<'a>(pub &'a FoundHighlight);

/// Where a matched word sits in `fragment`, in UTF-8 byte offsets.
#[derive(SimpleObject)]
pub struct HighlightRange {
    pub start: i32,
    pub end: i32,
}

#[Object]
impl Highlight<'_> {
    /// "title", "question" or "answer".
    async fn field(&self) -> &str {
        self.0.field
    }

    /// HTML, ready to insert: the excerpt with `<`, `>`, `&` and quotes
    /// escaped and each matched word wrapped in `<mark>…</mark>`.
    async fn snippet(&self) -> &str {
        &self.0.snippet
    }

    /// The same excerpt as plain, unescaped text.
    async fn fragment(&self) -> &str {
        &self.0.fragment
    }

    /// The matched words' positions in `fragment`, for clients that mark
    /// text themselves.
    async fn ranges(&self) -> Vec<HighlightRange> {
        self.0
            .ranges
            .iter()
            .map(|&(s, e)| HighlightRange {
                start: s as i32,
                end: e as i32,
            })
            .collect()
    }
}

/// How many matching posts carry a tag.
#[derive(SimpleObject)]
pub struct TagFacet {
    pub name: String,
    pub slug: String,
    pub count: i64,
}

#[derive(SimpleObject)]
pub struct SearchFacets {
    /// Tags over every matching post (not only this page), most frequent
    /// first, at most 50.
    pub tags: Vec<TagFacet>,
}

/// The answer to a visitor's question.
pub struct Answer {
    pub post: Post,
    pub sentences: Vec<String>,
    pub confidence: f32,
}

#[Object]
impl Answer {
    /// The post the answer comes from.
    async fn post(&self) -> &Post {
        &self.post
    }

    /// The sentence or two that answer the question (three when one stops
    /// unfinished, as before a command on a line of its own), as plain text.
    async fn text(&self) -> String {
        self.sentences.join(" ")
    }

    async fn sentences(&self) -> &[String] {
        &self.sentences
    }

    /// From 0 to 1: how much of the question the post and the sentences
    /// cover, and how clearly the post beats the next best. Answers under
    /// 0.35 are not returned.
    async fn confidence(&self) -> f64 {
        f64::from(self.confidence)
    }
}

/// A query as visitors typed it (case and punctuation folded).
#[derive(SimpleObject)]
pub struct QueryStat {
    pub query: String,
    pub searches: i64,
    pub last_searched_at: DateTime<Utc>,
}

/// What visitors searched for.
#[derive(SimpleObject)]
pub struct SearchStats {
    pub since: DateTime<Utc>,
    pub total_searches: i64,
    pub zero_result_searches: i64,
    /// Most frequent queries first.
    pub top_queries: Vec<QueryStat>,
    /// Queries that found nothing: the questions to answer next.
    pub zero_result_queries: Vec<QueryStat>,
}

/// Interchangeable search terms.
#[derive(SimpleObject)]
pub struct SynonymGroup {
    pub id: async_graphql::ID,
    pub terms: Vec<String>,
}
