//! Pages of results as callers see them: the ranked hits with their posts
//! (read from the database) and their snippets, kept for the current
//! index generation.
//!
//! Visitors repeat each other: the same few questions, and the same
//! keystrokes of search-as-you-type. A repeated search costs a hash lookup
//! instead of a retrieval, a re-ranking and a database read; a new search
//! that shows a post shown before spares that post's read. Both caches
//! share the budget given to [`Search::open`](super::Search::open).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use entity::post;

use super::Search;
use super::executor::{Hit, SearchParams};
use super::highlight::{Highlight, Highlighter};
use super::planner::Filters;
use crate::cache::{ALLOCATION_OVERHEAD, Generation, Keyed, ResultCache, Weigh, string_bytes};
use crate::error::Result;

/// One page of a search with its posts: what the result cache keeps.
/// Snippets are made on first demand and kept with the page.
pub struct ResultPage {
    /// How many published posts match, across all pages.
    pub total: usize,
    pub hits: Vec<PageHit>,
    /// (tag slug, count) over every match, when asked for.
    pub facets: Vec<(String, u64)>,
    pub did_you_mean: Option<String>,
    highlighter: Highlighter,
}

pub struct PageHit {
    pub hit: Hit,
    pub post: Arc<post::Model>,
    highlights: OnceLock<Vec<Highlight>>,
}

impl ResultPage {
    /// The snippets of hit `i` (title, question, answer; those that match).
    pub fn highlights(&self, i: usize) -> &[Highlight] {
        let Some(h) = self.hits.get(i) else {
            return &[];
        };
        h.highlights.get_or_init(|| {
            let p = &h.post;
            [
                ("title", p.title.as_str()),
                ("question", p.question.as_str()),
                ("answer", p.answer.as_str()),
            ]
            .into_iter()
            .filter_map(|(field, text)| self.highlighter.highlight(field, text))
            .collect()
        })
    }
}

impl Weigh for Arc<ResultPage> {
    fn weight(&self) -> u64 {
        let posts: u64 = self
            .hits
            .iter()
            .map(|h| {
                // The post is counted with the post cache; its snippets,
                // about as long as its text, with the page.
                let p = &h.post;
                (p.title.len() + p.question.len() + p.answer.len() + 512) as u64
            })
            .sum();
        let facets: u64 = self.facets.iter().map(|(s, _)| string_bytes(s) + 8).sum();
        let suggestion = self.did_you_mean.as_deref().map_or(0, string_bytes);
        1_024 + posts + facets + suggestion + self.highlighter.weight()
    }
}

/// Everything a page of results depends on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    generation: Generation,
    text: String,
    tags: Vec<String>,
    category: Option<String>,
    kind: Option<String>,
    offset: usize,
    limit: usize,
    with_facets: bool,
    by_meaning: bool,
}

impl PageKey {
    pub fn new(generation: Generation, params: &SearchParams) -> Self {
        let Filters {
            tags,
            category,
            kind,
        } = &params.filters;
        PageKey {
            generation,
            text: params.text.clone(),
            tags: tags.clone(),
            category: category.clone(),
            kind: kind.clone(),
            offset: params.offset,
            limit: params.limit,
            with_facets: params.with_facets,
            by_meaning: params.by_meaning,
        }
    }
}

impl Keyed for PageKey {
    fn generation(&self) -> Generation {
        self.generation
    }

    fn weight(&self) -> u64 {
        let labels = self.tags.iter().chain(&self.category).chain(&self.kind);
        std::mem::size_of::<Self>() as u64
            + string_bytes(&self.text)
            + labels.map(|l| string_bytes(l)).sum::<u64>()
            + ALLOCATION_OVERHEAD as u64
    }
}

/// A post as the index's generation saw it: pages show posts as of the
/// index they were found in, whether read now or from the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PostKey {
    pub generation: Generation,
    pub id: i64,
}

impl Keyed for PostKey {
    fn generation(&self) -> Generation {
        self.generation
    }

    fn weight(&self) -> u64 {
        std::mem::size_of::<Self>() as u64
    }
}

impl Weigh for Arc<post::Model> {
    fn weight(&self) -> u64 {
        let text = self.title.len() + self.question.len() + self.answer.len() + self.slug.len();
        (text + 256) as u64
    }
}

/// The pages and posts of recent searches.
pub struct ResultCaches {
    pages: ResultCache<PageKey, Arc<ResultPage>>,
    posts: ResultCache<PostKey, Arc<post::Model>>,
}

impl ResultCaches {
    /// Two thirds of `budget_bytes` for pages, a third for the posts they
    /// show (a repeat of a post spares a database read even when the
    /// search itself is new); 0 turns both off.
    pub fn new(budget_bytes: u64) -> Self {
        ResultCaches {
            pages: ResultCache::new(budget_bytes / 3 * 2, 16_384),
            posts: ResultCache::new(budget_bytes / 3, 2_048),
        }
    }
}

impl Search {
    /// The page of results `params` asks for, from the cache when the
    /// index and synonyms have not moved since it was made. Every search
    /// is logged for the analytics when `params` says so, kept or not.
    pub async fn results(&self, params: &SearchParams) -> Result<Arc<ResultPage>> {
        let started = Instant::now();
        let caches = &self.inner.results;
        // Taken first, so that what is kept under it is at least as new.
        let generation = self.generation();
        let key = PageKey::new(generation, params);
        if let Some(page) = caches.pages.get(&key) {
            self.log_search(params, page.total, started, true);
            return Ok(page);
        }
        let mut params = params.clone();
        self.understand(&mut params).await?;
        let outcome = self.search(&params)?;
        let hits = self
            .posts_of(generation, &outcome.hits)
            .await?
            .into_iter()
            .map(|(hit, post)| PageHit {
                hit,
                post,
                highlights: OnceLock::new(),
            })
            .collect();
        let page = Arc::new(ResultPage {
            total: outcome.total,
            hits,
            facets: outcome.facets,
            did_you_mean: outcome.did_you_mean,
            highlighter: outcome.highlighter,
        });
        caches.pages.insert(key, page.clone());
        Ok(page)
    }

    /// The posts of `hits`, in ranking order, without those deleted since
    /// the index saw them. Posts read since the index last changed come
    /// from the cache; the rest in one statement. `generation` must be
    /// taken before the search ran.
    pub(super) async fn posts_of(
        &self,
        generation: Generation,
        hits: &[Hit],
    ) -> Result<Vec<(Hit, Arc<post::Model>)>> {
        let cache = &self.inner.results.posts;
        let key = |id| PostKey { generation, id };
        let mut posts: HashMap<i64, Arc<post::Model>> = HashMap::new();
        let mut missing = Vec::new();
        for hit in hits {
            match cache.get(&key(hit.post_id)) {
                Some(post) => {
                    posts.insert(hit.post_id, post);
                }
                None => missing.push(hit.post_id),
            }
        }
        if !missing.is_empty() {
            for (id, post) in self.inner.store.posts_by_ids(&missing).await? {
                let post = Arc::new(post);
                cache.insert(key(id), post.clone());
                posts.insert(id, post);
            }
        }
        Ok(hits
            .iter()
            .filter_map(|h| posts.remove(&h.post_id).map(|p| (*h, p)))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_key_weighs_what_holds_its_filters_not_only_their_text() {
        let mut params = SearchParams::new("fade", 10);
        params.filters.tags = (0..20).map(|i| format!("t{i}")).collect();
        let key = PageKey::new(
            Generation {
                index: 1,
                synonyms: 0,
                vectors: 0,
            },
            &params,
        );
        let text_only: usize = params.filters.tags.iter().map(String::len).sum();
        assert!(key.weight() as usize >= 20 * std::mem::size_of::<String>() + text_only);
    }

    #[test]
    fn pages_differ_by_every_parameter() {
        let g = Generation {
            index: 1,
            synonyms: 0,
            vectors: 0,
        };
        let base = SearchParams::new("fade", 10);
        let mut paged = base.clone();
        paged.offset = 10;
        let mut filtered = base.clone();
        filtered.filters.category = Some("aftercare".into());
        let mut faceted = base.clone();
        faceted.with_facets = true;
        let mut by_meaning = base.clone();
        by_meaning.by_meaning = true;
        let keys = [&base, &paged, &filtered, &faceted, &by_meaning].map(|p| PageKey::new(g, p));
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
        let later = Generation {
            index: 2,
            synonyms: 0,
            vectors: 0,
        };
        assert_ne!(PageKey::new(g, &base), PageKey::new(later, &base));
        let vectors_landed = Generation { vectors: 1, ..g };
        assert_ne!(PageKey::new(g, &base), PageKey::new(vectors_landed, &base));
    }
}
