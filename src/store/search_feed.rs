//! What the search index needs to know about posts.

use entity::{category, post};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::Store;
use crate::domain::PostStatus;
use crate::error::Result;

/// A published post with its labels, as the search index stores it.
#[derive(Debug, Clone)]
pub struct IndexablePost {
    pub id: i64,
    pub kind: crate::domain::PostKind,
    pub title: String,
    pub question: String,
    pub answer: String,
    /// (name, slug) pairs.
    pub tags: Vec<(String, String)>,
    pub category_slug: Option<String>,
}

impl Store {
    /// The published posts among `ids`, with tags and category, in three
    /// statements. Ids of unpublished or deleted posts are simply absent.
    pub async fn indexable_posts(&self, ids: &[i64]) -> Result<Vec<IndexablePost>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let posts = post::Entity::find()
                .filter(post::Column::Id.is_in(chunk.iter().copied()))
                .filter(post::Column::Status.eq(PostStatus::Published.as_str()))
                .all(&self.db)
                .await?;
            out.extend(self.with_labels(posts).await?);
        }
        Ok(out)
    }

    /// Ids of published posts after `after_id`, in id order: a full
    /// rebuild walks the table with this.
    pub async fn published_ids_after(&self, after_id: i64, limit: u64) -> Result<Vec<i64>> {
        Ok(post::Entity::find()
            .select_only()
            .column(post::Column::Id)
            .filter(post::Column::Id.gt(after_id))
            .filter(post::Column::Status.eq(PostStatus::Published.as_str()))
            .order_by_asc(post::Column::Id)
            .limit(limit)
            .into_tuple()
            .all(&self.db)
            .await?)
    }

    pub async fn count_all_published(&self) -> Result<u64> {
        use sea_orm::PaginatorTrait;
        Ok(post::Entity::find()
            .filter(post::Column::Status.eq(PostStatus::Published.as_str()))
            .count(&self.db)
            .await?)
    }

    async fn with_labels(&self, posts: Vec<post::Model>) -> Result<Vec<IndexablePost>> {
        let ids: Vec<i64> = posts.iter().map(|p| p.id).collect();
        let mut tags = self.tags_for_posts(&ids).await?;
        let category_ids: Vec<i64> = posts.iter().filter_map(|p| p.category_id).collect();
        let categories = if category_ids.is_empty() {
            Default::default()
        } else {
            self.categories_by_ids(&category_ids).await?
        };
        Ok(posts
            .into_iter()
            .map(|p| IndexablePost {
                tags: tags
                    .remove(&p.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|t| (t.name, t.slug))
                    .collect(),
                category_slug: p
                    .category_id
                    .and_then(|id| categories.get(&id))
                    .map(|c: &category::Model| c.slug.clone()),
                id: p.id,
                kind: p.kind,
                title: p.title,
                question: p.question,
                answer: p.answer,
            })
            .collect())
    }
}
