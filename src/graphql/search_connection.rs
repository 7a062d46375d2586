//! The connection `search` returns: ranked hits, offset-paged.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use async_graphql::{Context, Object, Result};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use entity::post;

use super::connection::{PageInfo, prime};
use super::context::store;
use super::types::{Post, SearchFacets, SearchHit, TagFacet};
use crate::error::Error;
use crate::search::{
    CacheKey, Generation, Highlight as FoundHighlight, Highlighter, Hit, PostKey, ResultCache,
    SearchOutcome, Weigh, string_bytes,
};
use crate::store::Store;

/// Search cursors are positions in the ranking, opaque to clients.
pub fn encode_cursor(position: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("s1:{position}"))
}

/// The position a cursor names: one a search can have returned, inside
/// the window of matches that can be paged through.
pub fn decode_cursor(text: &str) -> Result<usize, Error> {
    let invalid = || Error::bad_input("invalid cursor: pass a cursor this search returned");
    let bytes = URL_SAFE_NO_PAD.decode(text.trim()).map_err(|_| invalid())?;
    let plain = String::from_utf8(bytes).map_err(|_| invalid())?;
    plain
        .strip_prefix("s1:")
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|&n| n < crate::search::MAX_RESULT_WINDOW)
        .ok_or_else(invalid)
}

/// Loads the posts of `hits`, keeping the ranking and dropping hits whose
/// post vanished since the index saw it. Posts read since the index last
/// changed come from `cache`; the rest in one statement. `generation` must
/// be taken before the search ran, so that what is kept under it is at
/// least as new as the index it names.
pub async fn posts_of(
    store: &Store,
    cache: &PostCache,
    generation: Generation,
    hits: &[Hit],
) -> Result<Vec<(Hit, post::Model)>, Error> {
    let key = |id| PostKey { generation, id };
    let mut posts: HashMap<i64, post::Model> = HashMap::new();
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
        for (id, post) in store.posts_by_ids(&missing).await? {
            cache.insert(key(id), post.clone());
            posts.insert(id, post);
        }
    }
    Ok(hits
        .iter()
        .filter_map(|h| posts.remove(&h.post_id).map(|p| (*h, p)))
        .collect())
}

impl Weigh for post::Model {
    fn weight(&self) -> u64 {
        let text = self.title.len() + self.question.len() + self.answer.len() + self.slug.len();
        (text + 256) as u64
    }
}

/// Posts that search results showed, by id, for the current generation.
pub type PostCache = ResultCache<PostKey, post::Model>;

/// One page of a search with its posts: what the result cache keeps.
/// Snippets are made on first demand and kept with the page.
pub struct SearchPage {
    pub total: usize,
    pub hits: Vec<PageHit>,
    pub facets: Vec<(String, u64)>,
    pub did_you_mean: Option<String>,
    pub highlighter: Highlighter,
}

pub struct PageHit {
    pub hit: Hit,
    pub post: Post,
    highlights: OnceLock<Vec<FoundHighlight>>,
}

impl SearchPage {
    pub async fn load(
        store: &Store,
        posts: &PostCache,
        generation: Generation,
        outcome: SearchOutcome,
    ) -> Result<Arc<Self>, Error> {
        let hits = posts_of(store, posts, generation, &outcome.hits)
            .await?
            .into_iter()
            .map(|(hit, post)| PageHit {
                hit,
                post: Post(post),
                highlights: OnceLock::new(),
            })
            .collect();
        Ok(Arc::new(SearchPage {
            total: outcome.total,
            hits,
            facets: outcome.facets,
            did_you_mean: outcome.did_you_mean,
            highlighter: outcome.highlighter,
        }))
    }

    /// The snippets of hit `i` (title, question, answer; those that match).
    pub fn highlights(&self, i: usize) -> &[FoundHighlight] {
        let Some(h) = self.hits.get(i) else {
            return &[];
        };
        h.highlights.get_or_init(|| {
            let p = &h.post.0;
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

    /// The posts of the hits, in ranking order.
    fn posts(&self) -> Vec<&post::Model> {
        self.hits.iter().map(|h| &h.post.0).collect()
    }

    /// The hits as GraphQL objects.
    pub fn search_hits(self: &Arc<Self>) -> Vec<SearchHit> {
        (0..self.hits.len())
            .map(|i| SearchHit {
                page: self.clone(),
                index: i,
            })
            .collect()
    }
}

impl Weigh for Arc<SearchPage> {
    fn weight(&self) -> u64 {
        let posts: usize = self
            .hits
            .iter()
            .map(|h| {
                // The post's text, once as stored and about once more as
                // snippets.
                let p = &h.post.0;
                2 * (p.title.len() + p.question.len() + p.answer.len()) + p.slug.len() + 512
            })
            .sum();
        let facets: u64 = self.facets.iter().map(|(s, _)| string_bytes(s) + 8).sum();
        let suggestion = self.did_you_mean.as_deref().map_or(0, string_bytes);
        1_024 + posts as u64 + facets + suggestion + self.highlighter.weight()
    }
}

/// Recent search pages, shared by every request.
pub type SearchCache = ResultCache<CacheKey, Arc<SearchPage>>;

pub struct SearchConnection {
    pub offset: usize,
    pub page: Arc<SearchPage>,
}

pub struct SearchEdge {
    position: usize,
    node: SearchHit,
}

#[Object]
impl SearchEdge {
    // Made only when asked for: search boxes rarely page.
    async fn cursor(&self) -> String {
        encode_cursor(self.position)
    }

    async fn node(&self) -> &SearchHit {
        &self.node
    }
}

#[Object]
impl SearchConnection {
    /// How many published posts match, across all pages.
    async fn total_count(&self) -> i64 {
        self.page.total as i64
    }

    async fn edges(&self, ctx: &Context<'_>) -> Result<Vec<SearchEdge>> {
        let post = ctx.look_ahead().field("node").field("post");
        prime(
            ctx,
            &self.page.posts(),
            post.field("tags").exists(),
            post.field("category").exists(),
        )
        .await?;
        Ok(self
            .page
            .search_hits()
            .into_iter()
            .enumerate()
            .map(|(i, node)| SearchEdge {
                position: self.offset + i,
                node,
            })
            .collect())
    }

    async fn nodes(&self, ctx: &Context<'_>) -> Result<Vec<SearchHit>> {
        let post = ctx.look_ahead().field("post");
        prime(
            ctx,
            &self.page.posts(),
            post.field("tags").exists(),
            post.field("category").exists(),
        )
        .await?;
        Ok(self.page.search_hits())
    }

    async fn page_info(&self) -> PageInfo {
        let end = self.offset + self.page.hits.len();
        PageInfo {
            has_next_page: end < self.page.total.min(crate::search::MAX_RESULT_WINDOW),
            has_previous_page: self.offset > 0,
            start_cursor: (!self.page.hits.is_empty()).then(|| encode_cursor(self.offset)),
            end_cursor: (!self.page.hits.is_empty()).then(|| encode_cursor(end - 1)),
        }
    }

    /// Counts over every matching post, for filter menus.
    async fn facets(&self, ctx: &Context<'_>) -> Result<SearchFacets> {
        let slugs: Vec<String> = self.page.facets.iter().map(|(s, _)| s.clone()).collect();
        let names = store(ctx).tag_names(&slugs).await?;
        Ok(SearchFacets {
            tags: self
                .page
                .facets
                .iter()
                .map(|(slug, count)| TagFacet {
                    name: names.get(slug).cloned().unwrap_or_else(|| slug.clone()),
                    slug: slug.clone(),
                    count: *count as i64,
                })
                .collect(),
        })
    }

    /// A corrected query from the index's own vocabulary, when this one
    /// found little or nothing; null otherwise.
    async fn did_you_mean(&self) -> Option<&str> {
        self.page.did_you_mean.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        assert_eq!(decode_cursor(&encode_cursor(41)).unwrap(), 41);
        assert!(decode_cursor("nope").is_err());
        assert!(decode_cursor(&URL_SAFE_NO_PAD.encode("s1:-1")).is_err());
        assert_eq!(decode_cursor(&encode_cursor(999)).unwrap(), 999);
        for past in [1_000, usize::MAX - 1, usize::MAX] {
            assert!(decode_cursor(&encode_cursor(past)).is_err(), "{past}");
        }
        let huge = URL_SAFE_NO_PAD.encode(format!("s1:{}0", u128::MAX));
        assert!(decode_cursor(&huge).is_err());
    }
}
