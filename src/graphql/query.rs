use async_graphql::{Context, ID, Object, Result};
use entity::post;

use super::connection::{Listing, PageArgs, PostConnection};
use super::context::{principal, store};
use super::guards::RoleGuard;
use super::ids::{post_number, require_id};
use super::limits;
use super::search_query::label_filter;
use super::types::{AuditLogConnection, Category, GqlAuditAction, Node, Post, Tag};
use crate::domain::{Limits, PostStatus};
use crate::error::Error;
use crate::store::{AuditFilter, PostFilter, PostRef};

#[derive(Default)]
pub struct PostQuery;

#[Object]
impl PostQuery {
    /// Published posts, newest first. `tag` and `category` take a name or
    /// a slug, ignoring case and spaces vs hyphens ("Hair Loss" =
    /// "hair-loss"); a tag also ignores spacing ("hairloss") and answers to
    /// the names merged into it (`mergeTags`). Page with `first`/`after` or `last`/`before`
    /// (1 to 100, default 20), or jump to page `page` of `first` (from 1;
    /// the first 10,000 posts; `pageCount` says how many there are).
    #[graphql(
        complexity = "limits::list_cost(first.or(last), Limits::PAGE_SIZE, child_complexity)"
    )]
    async fn posts(
        &self,
        ctx: &Context<'_>,
        tag: Option<String>,
        category: Option<String>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        page: Option<i32>,
    ) -> Result<PostConnection> {
        let filter = PostFilter {
            tag_key: tag
                .as_deref()
                .map(|t| label_filter("tag", t, Limits::TAG))
                .transpose()?,
            category_key: category
                .as_deref()
                .map(|c| label_filter("category", c, Limits::CATEGORY))
                .transpose()?,
        };
        let args = PageArgs {
            first,
            after,
            last,
            before,
            page,
        };
        Ok(PostConnection::load(ctx, Listing::Published(filter), args).await?)
    }

    /// One post by `id` or by `slug` (give exactly one). The public sees
    /// published posts only; staff see any.
    async fn post(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        slug: Option<String>,
    ) -> Result<Option<Post>> {
        let r = match (id, slug) {
            (Some(id), None) => PostRef::Id(require_id(ctx, &id)?),
            (None, Some(slug)) => PostRef::Slug(slug.trim().to_owned()),
            _ => return Err(Error::bad_input("pass exactly one of `id` and `slug`").into()),
        };
        let post = store(ctx).find_post(&r).await?;
        Ok(post.filter(|p| visible(ctx, p)).map(Post::from))
    }

    /// The object with this global `id`, for clients that refetch by id
    /// (Relay's object identification); null when there is none the
    /// caller may see, or the id is not one this API gave out.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Node>> {
        let Some(number) = post_number(ctx, &id) else {
            return Ok(None);
        };
        let post = store(ctx).find_post(&PostRef::Id(number)).await?;
        Ok(post
            .filter(|p| visible(ctx, p))
            .map(|p| Node::Post(Post::from(p))))
    }

    /// Tags on published posts, most used first.
    async fn tags(&self, ctx: &Context<'_>) -> Result<Vec<Tag>> {
        Ok(store(ctx)
            .tags_with_counts()
            .await?
            .into_iter()
            .map(Tag::from)
            .collect())
    }

    /// Categories holding published posts, by name.
    async fn categories(&self, ctx: &Context<'_>) -> Result<Vec<Category>> {
        Ok(store(ctx)
            .categories_with_counts()
            .await?
            .into_iter()
            .map(Category::from)
            .collect())
    }

    /// Staff: visitors' questions waiting for an answer, oldest first.
    #[graphql(
        guard = "RoleGuard::staff()",
        complexity = "limits::list_cost(first, Limits::PAGE_SIZE, child_complexity)"
    )]
    async fn pending_questions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<PostConnection> {
        Ok(PostConnection::load(ctx, Listing::Pending, PageArgs::forward(first, after)).await?)
    }
}

#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// Admin: the staff changes, newest first, optionally of one post
    /// (deleted or not) or one kind. Page with `first` (1 to 100,
    /// default 20) and `after`.
    #[graphql(
        guard = "RoleGuard::admin()",
        complexity = "limits::list_cost(first, Limits::PAGE_SIZE, child_complexity)"
    )]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        post_id: Option<ID>,
        action: Option<GqlAuditAction>,
    ) -> Result<AuditLogConnection> {
        let filter = AuditFilter {
            post_id: post_id.as_ref().map(|id| require_id(ctx, id)).transpose()?,
            action: action.map(Into::into),
        };
        let request = PageArgs::forward(first, after).parse(ctx)?;
        let page = store(ctx).audit_log(&filter, request).await?;
        Ok(AuditLogConnection {
            filter,
            request,
            page,
        })
    }
}

/// The public sees published posts only; staff see any.
fn visible(ctx: &Context<'_>, post: &post::Model) -> bool {
    post.status == PostStatus::Published || principal(ctx).role().is_some()
}
