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

/// The four Relay arguments, checked once for every connection.
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

impl PageArgs {
    pub fn forward(first: Option<i32>, after: Option<String>) -> Self {
        PageArgs {
            first,
            after,
            last: None,
            before: None,
        }
    }

    pub fn parse(self, ctx: &Context<'_>) -> Result<PageRequest, Error> {
        let check =
            |name: &str, n: Option<i32>| page_size(Limits::PAGE_SIZE, name, n).map(|n| n as u64);
        let open = |c: &str| parse_cursor(ctx, c);
        let after = self.after.as_deref().map(open).transpose()?;
        let before = self.before.as_deref().map(open).transpose()?;
        match (self.first, self.last) {
            (Some(_), Some(_)) => Err(Error::bad_input("pass `first` or `last`, not both")),
            (_, Some(last)) => Ok(PageRequest {
                limit: check("last", Some(last))?,
                after,
                before,
                backward: true,
            }),
            (first, None) => Ok(PageRequest {
                limit: check("first", first)?,
                after,
                before,
                backward: false,
            }),
        }
    }
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
        let request = args.parse(ctx)?;
        let store = store(ctx);
        let page = match &listing {
            Listing::Published(filter) => store.list_published(filter, request).await?,
            Listing::Pending => store.list_pending(request).await?,
        };
        Ok(PostConnection {
            listing,
            request,
            page,
        })
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
            (self.page.has_more, self.request.after.is_some())
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
        let store = store(ctx);
        let n = match &self.listing {
            Listing::Published(filter) => store.count_published(filter).await?,
            Listing::Pending => store.count_pending().await?,
        };
        Ok(n)
    }
}
