use std::sync::Arc;

use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, Utc};
use entity::post;

use super::{Category, GqlPostKind, GqlPostStatus, Link, Media, Photo, Tag};
use crate::graphql::context::{
    category_loader, links_loader, media_loader, search, store, tags_loader,
};
use crate::graphql::guards::{RateLimitGuard, RoleGuard};
use crate::graphql::ids::to_id;
use crate::graphql::limits::page_size;
use crate::limits::Limits;
use crate::search::related;

/// A question with its answer, or an article. Shared: a page of search
/// results and its cache hold the same post.
pub struct Post(pub Arc<post::Model>);

impl From<post::Model> for Post {
    fn from(model: post::Model) -> Self {
        Post(Arc::new(model))
    }
}

fn non_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

#[Object]
impl Post {
    pub async fn id(&self, ctx: &Context<'_>) -> ID {
        to_id(ctx, self.0.id)
    }

    /// Stable, readable identifier for URLs.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    async fn kind(&self) -> GqlPostKind {
        self.0.kind.into()
    }

    async fn status(&self) -> GqlPostStatus {
        self.0.status.into()
    }

    async fn title(&self) -> &str {
        &self.0.title
    }

    /// What the visitor asked; null for articles.
    async fn question(&self) -> Option<&str> {
        non_empty(&self.0.question)
    }

    /// The staff answer, or the article body; null while unanswered.
    /// Plain text: paragraphs separated by blank lines, no markup.
    async fn answer(&self) -> Option<&str> {
        non_empty(&self.0.answer)
    }

    /// Tags in the order staff gave them.
    async fn tags(&self, ctx: &Context<'_>) -> Result<Vec<Tag>> {
        let loader = tags_loader(ctx)?;
        let tags = loader.load_one(self.0.id).await?.unwrap_or_default();
        Ok(tags.into_iter().map(Tag::from).collect())
    }

    async fn category(&self, ctx: &Context<'_>) -> Result<Option<Category>> {
        let Some(id) = self.0.category_id else {
            return Ok(None);
        };
        let loader = category_loader(ctx)?;
        Ok(loader.load_one(id).await?.map(Category::from))
    }

    /// The asker's display name, if they gave one.
    async fn asked_by(&self) -> Option<&str> {
        self.0.asked_by.as_deref()
    }

    /// The asker's e-mail. Staff only: never shown to the public.
    #[graphql(guard = "RoleGuard::staff()")]
    async fn asker_email(&self) -> Option<&str> {
        self.0.asker_email.as_deref()
    }

    /// The photo the asker sent with the question, if any. Staff only.
    #[graphql(guard = "RoleGuard::staff()")]
    async fn photo(&self, ctx: &Context<'_>) -> Result<Option<Photo>> {
        Ok(store(ctx).photo_of(self.0.id).await?.map(Photo))
    }

    /// Videos and images, in display order.
    async fn media(&self, ctx: &Context<'_>) -> Result<Vec<Media>> {
        let media = media_loader(ctx)?.load_one(self.0.id).await?;
        Ok(media.unwrap_or_default().into_iter().map(Media).collect())
    }

    /// Links to other pages (a press mention's article), in display order.
    async fn links(&self, ctx: &Context<'_>) -> Result<Vec<Link>> {
        let links = links_loader(ctx)?.load_one(self.0.id).await?;
        Ok(links
            .unwrap_or_default()
            .into_iter()
            .map(Link::from)
            .collect())
    }

    /// The staff member who answered (or wrote the article).
    async fn answered_by(&self) -> Option<&str> {
        self.0.answered_by.as_deref()
    }

    /// Published posts most like this one (1 to 20, default 5). A search:
    /// each call draws on the caller's search quota.
    #[graphql(
        guard = "RateLimitGuard::search()",
        complexity = "crate::graphql::limits::list_cost(first, Limits::SIMILAR_PAGE_SIZE, child_complexity)"
    )]
    async fn related_posts(&self, ctx: &Context<'_>, first: Option<i32>) -> Result<Vec<Post>> {
        let first = page_size(Limits::SIMILAR_PAGE_SIZE, "first", first)?;
        let tags: Vec<String> = tags_loader(ctx)?
            .load_one(self.0.id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(|t| t.name)
            .collect();
        let source = related::Source {
            id: self.0.id,
            title: &self.0.title,
            question: &self.0.question,
            answer: &self.0.answer,
            tags: &tags,
        };
        let posts = search(ctx).related_posts(&source, first).await?;
        Ok(posts.into_iter().map(Post).collect())
    }

    /// When the post was first published; null if it never was.
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.0.published_at
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}
