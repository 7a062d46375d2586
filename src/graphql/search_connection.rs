//! The connection `search` returns: a page of ranked hits, offset-paged.

use std::sync::Arc;

use async_graphql::{Context, Object, Result};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use entity::post;

use super::connection::{PageInfo, prime};
use super::context::store;
use super::types::{SearchFacets, SearchHit, TagFacet};
use crate::error::Error;
use crate::search::ResultPage;

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

pub struct SearchConnection {
    pub offset: usize,
    pub page: Arc<ResultPage>,
}

impl SearchConnection {
    /// The posts of the hits, in ranking order.
    fn posts(&self) -> Vec<&post::Model> {
        self.page.hits.iter().map(|h| h.post.as_ref()).collect()
    }
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
            &self.posts(),
            post.field("tags").exists(),
            post.field("category").exists(),
        )
        .await?;
        Ok(SearchHit::all(&self.page)
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
            &self.posts(),
            post.field("tags").exists(),
            post.field("category").exists(),
        )
        .await?;
        Ok(SearchHit::all(&self.page))
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
