use std::collections::HashMap;

use entity::{category, post, post_tag, tag};
use sea_orm::sea_query::{Alias, Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter, QueryOrder,
    QuerySelect, RelationTrait, Set,
};

use super::Store;
use crate::domain::{Label, PostStatus};
use crate::error::Result;

/// A tag or category with the number of published posts carrying it.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct LabelCount {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub post_count: i64,
}

/// Which label table a count is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelKind {
    Tag,
    Category,
}

impl Store {
    /// Published-post counts for some tags or categories, in one statement.
    /// Labels with no published post are absent (count 0).
    pub async fn published_counts(
        &self,
        kind: LabelKind,
        ids: &[i64],
    ) -> Result<HashMap<i64, i64>> {
        let published = post::Column::Status.eq(PostStatus::Published.as_str());
        let rows: Vec<(i64, i64)> = match kind {
            LabelKind::Tag => {
                post_tag::Entity::find()
                    .select_only()
                    .column(post_tag::Column::TagId)
                    .column_as(post_tag::Column::PostId.count(), "n")
                    .join(JoinType::InnerJoin, post_tag::Relation::Post.def())
                    .filter(published)
                    .filter(post_tag::Column::TagId.is_in(ids.iter().copied()))
                    .group_by(post_tag::Column::TagId)
                    .into_tuple()
                    .all(&self.db)
                    .await?
            }
            LabelKind::Category => {
                post::Entity::find()
                    .select_only()
                    .column(post::Column::CategoryId)
                    .column_as(post::Column::Id.count(), "n")
                    .filter(published)
                    .filter(post::Column::CategoryId.is_in(ids.iter().copied()))
                    .group_by(post::Column::CategoryId)
                    .into_tuple()
                    .all(&self.db)
                    .await?
            }
        };
        Ok(rows.into_iter().collect())
    }

    /// The tags of many posts in one statement, each list in the order the
    /// tags were given.
    pub async fn tags_for_posts(&self, post_ids: &[i64]) -> Result<HashMap<i64, Vec<tag::Model>>> {
        let rows = post_tag::Entity::find()
            .filter(post_tag::Column::PostId.is_in(post_ids.iter().copied()))
            .order_by_asc(post_tag::Column::PostId)
            .order_by_asc(post_tag::Column::Position)
            .find_also_related(tag::Entity)
            .all(&self.db)
            .await?;
        let mut out: HashMap<i64, Vec<tag::Model>> = HashMap::new();
        for (link, tag) in rows {
            if let Some(tag) = tag {
                out.entry(link.post_id).or_default().push(tag);
            }
        }
        Ok(out)
    }

    pub async fn categories_by_ids(&self, ids: &[i64]) -> Result<HashMap<i64, category::Model>> {
        let rows = category::Entity::find()
            .filter(category::Column::Id.is_in(ids.iter().copied()))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|c| (c.id, c)).collect())
    }

    /// Every tag with its count of published posts, most used first. Tags
    /// no published post carries are left out: they lead nowhere.
    pub async fn tags_with_counts(&self) -> Result<Vec<LabelCount>> {
        let rows = tag::Entity::find()
            .select_only()
            .column(tag::Column::Id)
            .column(tag::Column::Name)
            .column(tag::Column::Slug)
            .column_as(post::Column::Id.count(), "post_count")
            .join(JoinType::InnerJoin, post_tag::Relation::Tag.def().rev())
            .join(JoinType::InnerJoin, post_tag::Relation::Post.def())
            .filter(post::Column::Status.eq(PostStatus::Published.as_str()))
            .group_by(tag::Column::Id)
            .group_by(tag::Column::Name)
            .group_by(tag::Column::Slug)
            .order_by_desc(Expr::col(Alias::new("post_count")))
            .order_by_asc(tag::Column::Slug)
            .into_model::<LabelCount>()
            .all(&self.db)
            .await?;
        Ok(rows)
    }

    /// Every category with its count of published posts, by name.
    pub async fn categories_with_counts(&self) -> Result<Vec<LabelCount>> {
        let rows = category::Entity::find()
            .select_only()
            .column(category::Column::Id)
            .column(category::Column::Name)
            .column(category::Column::Slug)
            .column_as(post::Column::Id.count(), "post_count")
            .join(JoinType::InnerJoin, post::Relation::Category.def().rev())
            .filter(post::Column::Status.eq(PostStatus::Published.as_str()))
            .group_by(category::Column::Id)
            .group_by(category::Column::Name)
            .group_by(category::Column::Slug)
            .order_by_asc(category::Column::Slug)
            .into_model::<LabelCount>()
            .all(&self.db)
            .await?;
        Ok(rows)
    }
}

/// Ids for the given categories by [`Label::key`], creating the missing
/// ones, in two or three statements.
pub(super) async fn ensure_categories(
    db: &impl ConnectionTrait,
    labels: &[Label],
) -> Result<HashMap<String, i64>> {
    let mut unique: Vec<&Label> = Vec::new();
    for l in labels {
        if !unique.iter().any(|u| u.key() == l.key()) {
            unique.push(l);
        }
    }
    if unique.is_empty() {
        return Ok(HashMap::new());
    }
    let keys: Vec<String> = unique.iter().map(|l| l.key().to_owned()).collect();
    let mut found = categories_by_slug(db, &keys).await?;
    let missing: Vec<category::ActiveModel> = unique
        .iter()
        .filter(|l| !found.contains_key(l.key()))
        .map(|l| category::ActiveModel {
            name: Set(l.name().to_owned()),
            slug: Set(l.key().to_owned()),
            ..Default::default()
        })
        .collect();
    if !missing.is_empty() {
        // Another process may have created one meanwhile on PostgreSQL's
        // side of the lock; DO NOTHING keeps that harmless.
        category::Entity::insert_many(missing)
            .on_conflict(
                OnConflict::column(category::Column::Slug)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
        found = categories_by_slug(db, &keys).await?;
    }
    Ok(found)
}

async fn categories_by_slug(
    db: &impl ConnectionTrait,
    keys: &[String],
) -> Result<HashMap<String, i64>> {
    let mut out = HashMap::new();
    // Chunked to stay under SQLite's bound-parameter limit on big imports.
    for chunk in keys.chunks(500) {
        let rows: Vec<(i64, String)> = category::Entity::find()
            .select_only()
            .column(category::Column::Id)
            .column(category::Column::Slug)
            .filter(category::Column::Slug.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(rows.into_iter().map(|(id, slug)| (slug, id)));
    }
    Ok(out)
}

/// Replaces a post's tags with `tag_ids`, in order.
pub(super) async fn replace_post_tags(
    db: &impl ConnectionTrait,
    post_id: i64,
    tag_ids: &[i64],
) -> Result<()> {
    post_tag::Entity::delete_many()
        .filter(post_tag::Column::PostId.eq(post_id))
        .exec(db)
        .await?;
    insert_post_tags(
        db,
        tag_ids
            .iter()
            .enumerate()
            .map(|(i, t)| (post_id, *t, i as i32))
            .collect(),
    )
    .await
}

/// Inserts (post, tag, position) links, chunked for SQLite's limits.
pub(super) async fn insert_post_tags(
    db: &impl ConnectionTrait,
    links: Vec<(i64, i64, i32)>,
) -> Result<()> {
    for chunk in links.chunks(300) {
        let models = chunk
            .iter()
            .map(|&(post_id, tag_id, position)| post_tag::ActiveModel {
                post_id: Set(post_id),
                tag_id: Set(tag_id),
                position: Set(position),
            });
        post_tag::Entity::insert_many(models)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

impl Store {
    /// Display names of tags by slug, in one statement.
    pub async fn tag_names(&self, slugs: &[String]) -> Result<HashMap<String, String>> {
        if slugs.is_empty() {
            return Ok(HashMap::new());
        }
        let rows: Vec<(String, String)> = tag::Entity::find()
            .select_only()
            .column(tag::Column::Slug)
            .column(tag::Column::Name)
            .filter(tag::Column::Slug.is_in(slugs.iter().cloned()))
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().collect())
    }
}
