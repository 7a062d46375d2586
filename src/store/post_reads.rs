use std::collections::HashMap;

use entity::{category, post};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::Store;
use super::page::{Cursor, Page, PageRequest};
use crate::domain::PostStatus;
use crate::error::Result;

/// Restricts a listing of published posts. Keys are [`Label::key`]s.
///
/// [`Label::key`]: crate::domain::Label::key
#[derive(Debug, Clone, Default)]
pub struct PostFilter {
    pub tag_key: Option<String>,
    pub category_key: Option<String>,
}

/// How a caller names one post.
#[derive(Debug, Clone)]
pub enum PostRef {
    Id(i64),
    Slug(String),
}

/// The sort orders of the two listings: (timestamp column, newest first?).
#[derive(Debug, Clone, Copy)]
enum Listing {
    PublishedNewestFirst,
    PendingOldestFirst,
}

impl Listing {
    fn column(self) -> post::Column {
        match self {
            Listing::PublishedNewestFirst => post::Column::PublishedAt,
            Listing::PendingOldestFirst => post::Column::CreatedAt,
        }
    }

    fn descending(self) -> bool {
        matches!(self, Listing::PublishedNewestFirst)
    }

    fn cursor_of(self, p: &post::Model) -> Cursor {
        let at = match self {
            Listing::PublishedNewestFirst => p.published_at.unwrap_or(p.created_at),
            Listing::PendingOldestFirst => p.created_at,
        };
        Cursor { at, id: p.id }
    }
}

/// Rows strictly past `c` in the direction a reader moves through
/// a listing sorted by (column, id), `descending` or not.
fn beyond(column: post::Column, c: &Cursor, descending: bool) -> Condition {
    if descending {
        Condition::any().add(column.lt(c.at)).add(
            Condition::all()
                .add(column.eq(c.at))
                .add(post::Column::Id.lt(c.id)),
        )
    } else {
        Condition::any().add(column.gt(c.at)).add(
            Condition::all()
                .add(column.eq(c.at))
                .add(post::Column::Id.gt(c.id)),
        )
    }
}

impl PostFilter {
    /// Filters as subqueries, so a listing stays one statement however it
    /// is filtered.
    fn condition(&self) -> Condition {
        let mut cond =
            Condition::all().add(post::Column::Status.eq(PostStatus::Published.as_str()));
        if let Some(key) = &self.tag_key {
            cond = cond.add(super::tag_keys::tagged(key));
        }
        if let Some(key) = &self.category_key {
            cond = cond.add(
                post::Column::CategoryId.in_subquery(
                    Query::select()
                        .column(category::Column::Id)
                        .from(category::Entity)
                        .and_where(category::Column::Slug.eq(key.as_str()))
                        .to_owned(),
                ),
            );
        }
        cond
    }
}

impl Store {
    /// Published posts, newest first.
    pub async fn list_published(
        &self,
        filter: &PostFilter,
        page: PageRequest,
    ) -> Result<Page<post::Model>> {
        self.list(Listing::PublishedNewestFirst, filter.condition(), page)
            .await
    }

    pub async fn count_published(&self, filter: &PostFilter) -> Result<u64> {
        Ok(post::Entity::find()
            .filter(filter.condition())
            .count(&self.db)
            .await?)
    }

    /// Questions waiting for staff, oldest first.
    pub async fn list_pending(&self, page: PageRequest) -> Result<Page<post::Model>> {
        self.list(Listing::PendingOldestFirst, pending(), page)
            .await
    }

    pub async fn count_pending(&self) -> Result<u64> {
        Ok(post::Entity::find()
            .filter(pending())
            .count(&self.db)
            .await?)
    }

    pub fn published_cursor(p: &post::Model) -> Cursor {
        Listing::PublishedNewestFirst.cursor_of(p)
    }

    pub fn pending_cursor(p: &post::Model) -> Cursor {
        Listing::PendingOldestFirst.cursor_of(p)
    }

    async fn list(
        &self,
        listing: Listing,
        cond: Condition,
        page: PageRequest,
    ) -> Result<Page<post::Model>> {
        let column = listing.column();
        // Reading backwards walks the listing in reverse and flips the page.
        let descending = listing.descending() != page.backward;
        let mut cond = cond;
        if let Some(after) = &page.after {
            cond = cond.add(beyond(column, after, listing.descending()));
        }
        if let Some(before) = &page.before {
            cond = cond.add(beyond(column, before, !listing.descending()));
        }
        let order = if descending {
            sea_orm::Order::Desc
        } else {
            sea_orm::Order::Asc
        };
        let mut items = post::Entity::find()
            .filter(cond)
            .order_by(column, order.clone())
            .order_by(post::Column::Id, order)
            .offset((page.offset > 0).then_some(page.offset))
            .limit(page.limit + 1)
            .all(&self.db)
            .await?;
        let has_more = items.len() as u64 > page.limit;
        items.truncate(page.limit as usize);
        if page.backward {
            items.reverse();
        }
        Ok(Page { items, has_more })
    }

    /// Any post by id or slug, whatever its status; callers decide who may
    /// see what.
    pub async fn find_post(&self, r: &PostRef) -> Result<Option<post::Model>> {
        let query = match r {
            PostRef::Id(id) => post::Entity::find_by_id(*id),
            PostRef::Slug(slug) => {
                post::Entity::find().filter(post::Column::Slug.eq(slug.as_str()))
            }
        };
        Ok(query.one(&self.db).await?)
    }

    /// Posts by id, for loaders. Missing ids are simply absent.
    pub async fn posts_by_ids(&self, ids: &[i64]) -> Result<HashMap<i64, post::Model>> {
        let rows = post::Entity::find()
            .filter(post::Column::Id.is_in(ids.iter().copied()))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|p| (p.id, p)).collect())
    }
}

fn pending() -> Condition {
    Condition::all().add(post::Column::Status.eq(PostStatus::Pending.as_str()))
}

impl Store {
    /// Whether any post exists, whatever its status.
    pub async fn has_posts(&self) -> Result<bool> {
        Ok(post::Entity::find().one(&self.db).await?.is_some())
    }
}
