//! Relay-style connections over the store's keyset pages.

use std::collections::HashSet;

use async_graphql::{Context, Object, Result, SimpleObject};
use entity::post;

use super::context::{category_loader, store, tags_loader};
use super::ids::{cursor, parse_cursor};
use super::limits::page_size;
use super::types::Post;
use crate::error::Error;
use crate::limits::Limits;
use crate::store::{Page, PageRequest, PostFilter, Store};

/// The four Relay arguments and a page number, checked once for every
/// connection.
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
    /// 1-based, pages of `first` posts; instead of cursors.
    pub page: Option<i32>,
}

impl PageArgs {
    pub fn forward(first: Option<i32>, after: Option<String>) -> Self {
        PageArgs {
            first,
            after,
            last: None,
            before: None,
            page: None,
        }
    }

    pub fn parse(self, ctx: &Context<'_>) -> Result<PageRequest, Error> {
        let check =
            |name: &str, n: Option<i32>| page_size(Limits::PAGE_SIZE, name, n).map(|n| n as u64);
        let open = |c: &str| parse_cursor(ctx, c);
        if let Some(page) = self.page {
            if self.after.is_some() || self.before.is_some() || self.last.is_some() {
                return Err(Error::bad_input(
                    "pass `page` with `first` alone, not with `after`, `before` or `last`",
                ));
            }
            let limit = check("first", self.first)?;
            return Ok(PageRequest {
                limit,
                offset: page_offset(page, limit)?,
                after: None,
                before: None,
                backward: false,
            });
        }
        let after = self.after.as_deref().map(open).transpose()?;
        let before = self.before.as_deref().map(open).transpose()?;
        match (self.first, self.last) {
            (Some(_), Some(_)) => Err(Error::bad_input("pass `first` or `last`, not both")),
            (_, Some(last)) => Ok(PageRequest {
                limit: check("last", Some(last))?,
                offset: 0,
                after,
                before,
                backward: true,
            }),
            (first, None) => Ok(PageRequest {
                limit: check("first", first)?,
                offset: 0,
                after,
                before,
                backward: false,
            }),
        }
    }
}

/// How many posts come before page `page` of `size`, within
/// [`Limits::PAGE_DEPTH`].
fn page_offset(page: i32, size: u64) -> Result<u64, Error> {
    if page < 1 {
        return Err(Error::bad_input("`page` counts from 1"));
    }
    let offset = (page as u64 - 1) * size;
    if offset + size > Limits::PAGE_DEPTH {
        return Err(Error::bad_input(format!(
            "numbered pages reach the first {} posts; page {page} of {size} goes past them, \
             so walk on from there with `after`",
            Limits::PAGE_DEPTH
        )));
    }
    Ok(offset)
}

/// Which listing a connection shows, so `totalCount` can count it lazily.
pub enum Listing {
    Published(PostFilter),
    Pending,
}

/// A page of posts.
pub struct PostConnection {
    listing: Listing,
    request: PageRequest,
    /// Read by `page` rather than by cursor.
    numbered: bool,
    page: Page<post::Model>,
}

/// A post with its position in the listing.
#[derive(SimpleObject)]
pub struct PostEdge {
    /// Opaque; pass it as `after` or `before`.
    pub cursor: String,
    pub node: Post,
}

#[derive(SimpleObject)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub start_cursor: Option<String>,
    pub end_cursor: Option<String>,
}

impl PostConnection {
    pub async fn load(ctx: &Context<'_>, listing: Listing, args: PageArgs) -> Result<Self, Error> {
        let numbered = args.page.is_some();
        let request = args.parse(ctx)?;
        let store = store(ctx);
        let page = match &listing {
            Listing::Published(filter) => store.list_published(filter, request).await?,
            Listing::Pending => store.list_pending(request).await?,
        };
        Ok(PostConnection {
            listing,
            request,
            numbered,
            page,
        })
    }

    async fn count(&self, ctx: &Context<'_>) -> Result<u64, Error> {
        let store = store(ctx);
        match &self.listing {
            Listing::Published(filter) => store.count_published(filter).await,
            Listing::Pending => store.count_pending().await,
        }
    }

    fn cursor(&self, ctx: &Context<'_>, p: &post::Model) -> String {
        let at = match self.listing {
            Listing::Published(_) => Store::published_cursor(p),
            Listing::Pending => Store::pending_cursor(p),
        };
        cursor(ctx, at)
    }
}

/// Loads the tags and categories of a whole page into the request's
/// loaders in one statement each, if the query asks for them.
pub async fn prime(
    ctx: &Context<'_>,
    posts: &[&post::Model],
    wants_tags: bool,
    wants_category: bool,
) -> Result<()> {
    if wants_tags && !posts.is_empty() {
        let loader = tags_loader(ctx)?;
        loader.load_many(posts.iter().map(|p| p.id)).await?;
    }
    let category_ids: HashSet<i64> = posts.iter().filter_map(|p| p.category_id).collect();
    if wants_category && !category_ids.is_empty() {
        let loader = category_loader(ctx)?;
        loader.load_many(category_ids).await?;
    }
    Ok(())
}

#[Object]
impl PostConnection {
    async fn edges(&self, ctx: &Context<'_>) -> Result<Vec<PostEdge>> {
        let node = ctx.look_ahead().field("node");
        prime(
            ctx,
            &self.page.items.iter().collect::<Vec<_>>(),
            node.field("tags").exists(),
            node.field("category").exists(),
        )
        .await?;
        Ok(self
            .page
            .items
            .iter()
            .map(|p| PostEdge {
                cursor: self.cursor(ctx, p),
                node: Post::from(p.clone()),
            })
            .collect())
    }

    /// The posts alone, for clients that need no cursors.
    async fn nodes(&self, ctx: &Context<'_>) -> Result<Vec<Post>> {
        let node = ctx.look_ahead();
        prime(
            ctx,
            &self.page.items.iter().collect::<Vec<_>>(),
            node.field("tags").exists(),
            node.field("category").exists(),
        )
        .await?;
        Ok(self.page.items.iter().cloned().map(Post::from).collect())
    }

    async fn page_info(&self, ctx: &Context<'_>) -> PageInfo {
        let items = &self.page.items;
        // Relay lets the side we did not read report only what the cursor
        // implies: coming from a cursor means something lies behind it.
        let (has_next_page, has_previous_page) = if self.request.backward {
            (self.request.before.is_some(), self.page.has_more)
        } else {
            (
                self.page.has_more,
                self.request.after.is_some() || self.request.offset > 0,
            )
        };
        PageInfo {
            has_next_page,
            has_previous_page,
            start_cursor: items.first().map(|p| self.cursor(ctx, p)),
            end_cursor: items.last().map(|p| self.cursor(ctx, p)),
        }
    }

    /// How many posts the whole listing holds, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> Result<u64> {
        Ok(self.count(ctx).await?)
    }

    /// The number of the page read when it was asked for by `page`; null
    /// when read by cursor.
    async fn current_page(&self) -> Option<u64> {
        self.numbered
            .then(|| self.request.offset / self.request.limit.max(1) + 1)
    }

    /// How many pages of this size the listing holds ("page 2 of 13"); at
    /// least 1. Numbered pages reach the first 10,000 posts; past them,
    /// page on with cursors.
    async fn page_count(&self, ctx: &Context<'_>) -> Result<u64> {
        let size = self.request.limit.max(1);
        Ok(self.count(ctx).await?.div_ceil(size).max(1))
    }
}
