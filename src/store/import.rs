use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use entity::{post, post_tag};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::{Store, now, outbox, taxonomy, truncate_to_micros};
use crate::domain::{
    AnswerText, DisplayName, Label, PostKind, PostStatus, QuestionText, Slug, Title,
};
use crate::error::Result;

/// One post from an import file, validated. Imported posts are published.
#[derive(Debug, Clone)]
pub struct ImportPost {
    pub kind: PostKind,
    /// The post's identity: re-importing a post with the same slug updates
    /// it instead of adding another.
    pub slug: Slug,
    /// The slug an earlier kbql derived for this post, when it differs
    /// from `slug`. A post found under it (and not under `slug`) is
    /// updated there and keeps it, so links to it keep working.
    pub former_slug: Option<Slug>,
    pub title: Title,
    /// `None` for articles.
    pub question: Option<QuestionText>,
    pub answer: AnswerText,
    pub tags: Vec<Label>,
    pub category: Option<Label>,
    pub asked_by: Option<DisplayName>,
    pub answered_by: Option<DisplayName>,
    pub published_at: Option<DateTime<Utc>>,
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// Posts are written in chunks of this many rows per statement, which
/// keeps every statement under SQLite's bound-parameter limit.
const CHUNK: usize = 200;

impl Store {
    /// Upserts `posts` by slug in ONE transaction: either the whole batch
    /// lands or none of it does. `progress` is told how many posts are done.
    pub async fn import_posts(
        &self,
        posts: &[ImportPost],
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<ImportSummary> {
        let tx = self.begin_write().await?;
        let categories: Vec<Label> = posts.iter().filter_map(|p| p.category.clone()).collect();
        let category_ids = taxonomy::ensure_categories(&tx, &categories).await?;
        let tags: Vec<Label> = posts.iter().flat_map(|p| p.tags.iter().cloned()).collect();
        let tag_ids = taxonomy::ensure_tags(&tx, &tags).await?;

        let mut summary = ImportSummary::default();
        let mut seq = 0;
        let mut done = 0u64;
        // A former slug may be another post's slug today; that post keeps it.
        let file_slugs: HashSet<&str> = posts.iter().map(|p| p.slug.as_str()).collect();
        let former_of = |p| former_slug(p, &file_slugs);
        for chunk in posts.chunks(CHUNK) {
            let slugs: Vec<&str> = chunk
                .iter()
                .flat_map(|p| std::iter::once(p.slug.as_str()).chain(former_of(p)))
                .collect();
            let existing: HashMap<String, post::Model> = post::Entity::find()
                .filter(post::Column::Slug.is_in(slugs))
                .all(&tx)
                .await?
                .into_iter()
                .map(|m| (m.slug.clone(), m))
                .collect();
            let existing_ids: Vec<i64> = existing.values().map(|m| m.id).collect();
            let existing_tags = tag_ids_of(&tx, &existing_ids).await?;

            let mut inserts = Vec::new();
            let mut links = Vec::new();
            let mut changed = Vec::new();
            let at = now();
            for p in chunk {
                let wanted_tags =
                    dedup(p.tags.iter().filter_map(|l| tag_ids.get(l.key()).copied()));
                let category_id = p
                    .category
                    .as_ref()
                    .and_then(|c| category_ids.get(c.key()).copied());
                let found = existing
                    .get(p.slug.as_str())
                    .or_else(|| former_of(p).and_then(|f| existing.get(f)));
                match found {
                    None => inserts.push((new_row(p, category_id, at), wanted_tags)),
                    Some(current) => {
                        let same_tags = existing_tags
                            .get(&current.id)
                            .map(Vec::as_slice)
                            .unwrap_or(&[])
                            == wanted_tags;
                        if same_tags && same_content(current, p, category_id) {
                            summary.unchanged += 1;
                            continue;
                        }
                        update_row(&tx, current, p, category_id, at).await?;
                        if !same_tags {
                            taxonomy::replace_post_tags(&tx, current.id, &wanted_tags).await?;
                        }
                        changed.push(current.id);
                        summary.updated += 1;
                    }
                }
            }
            if !inserts.is_empty() {
                let tags_by_slug: HashMap<String, Vec<i64>> = inserts
                    .iter()
                    .map(|(row, tags)| (slug_of(row), tags.clone()))
                    .collect();
                let rows = inserts.into_iter().map(|(row, _)| row);
                for created in post::Entity::insert_many(rows)
                    .exec_with_returning(&tx)
                    .await?
                {
                    let tags = tags_by_slug.get(&created.slug).cloned().unwrap_or_default();
                    links.extend(
                        tags.into_iter()
                            .enumerate()
                            .map(|(i, t)| (created.id, t, i as i32)),
                    );
                    changed.push(created.id);
                    summary.created += 1;
                }
            }
            taxonomy::insert_post_tags(&tx, links).await?;
            seq = seq.max(outbox::append(&tx, &changed).await?);
            done += chunk.len() as u64;
            progress(done);
        }
        self.commit_write(tx, seq).await?;
        Ok(summary)
    }
}

/// `p`'s former slug, unless some post of the file goes by it today.
fn former_slug<'a>(p: &'a ImportPost, file_slugs: &HashSet<&str>) -> Option<&'a str> {
    p.former_slug
        .as_ref()
        .map(Slug::as_str)
        .filter(|f| !file_slugs.contains(f))
}

fn dedup(ids: impl Iterator<Item = i64>) -> Vec<i64> {
    let mut seen = HashSet::new();
    ids.filter(|id| seen.insert(*id)).collect()
}

fn slug_of(row: &post::ActiveModel) -> String {
    match &row.slug {
        sea_orm::ActiveValue::Set(s) | sea_orm::ActiveValue::Unchanged(s) => s.clone(),
        sea_orm::ActiveValue::NotSet => String::new(),
    }
}

fn published_at(p: &ImportPost, at: DateTime<Utc>) -> DateTime<Utc> {
    p.published_at.map(truncate_to_micros).unwrap_or(at)
}

fn new_row(p: &ImportPost, category_id: Option<i64>, at: DateTime<Utc>) -> post::ActiveModel {
    post::ActiveModel {
        kind: Set(p.kind),
        slug: Set(p.slug.as_str().to_owned()),
        title: Set(p.title.as_str().to_owned()),
        question: Set(p
            .question
            .as_ref()
            .map(|q| q.as_str().to_owned())
            .unwrap_or_default()),
        answer: Set(p.answer.as_str().to_owned()),
        status: Set(PostStatus::Published),
        asked_by: Set(p.asked_by.as_ref().map(|n| n.as_str().to_owned())),
        asker_email: Set(None),
        answered_by: Set(p.answered_by.as_ref().map(|n| n.as_str().to_owned())),
        category_id: Set(category_id),
        created_at: Set(at),
        updated_at: Set(at),
        published_at: Set(Some(published_at(p, at))),
        ..Default::default()
    }
}

/// Whether the stored post already says what the file says. A post a
/// staff member hid stays hidden on re-import: the file is not moderation.
fn same_content(current: &post::Model, p: &ImportPost, category_id: Option<i64>) -> bool {
    current.kind == p.kind
        && current.title == p.title.as_str()
        && current.question == p.question.as_ref().map(|q| q.as_str()).unwrap_or("")
        && current.answer == p.answer.as_str()
        && current.category_id == category_id
        && current.asked_by.as_deref() == p.asked_by.as_ref().map(|n| n.as_str())
        && current.answered_by.as_deref() == p.answered_by.as_ref().map(|n| n.as_str())
        && (p.published_at.is_none()
            || current.published_at == p.published_at.map(truncate_to_micros))
}

async fn update_row(
    db: &impl ConnectionTrait,
    current: &post::Model,
    p: &ImportPost,
    category_id: Option<i64>,
    at: DateTime<Utc>,
) -> Result<()> {
    let mut model: post::ActiveModel = current.clone().into();
    model.kind = Set(p.kind);
    model.title = Set(p.title.as_str().to_owned());
    model.question = Set(p
        .question
        .as_ref()
        .map(|q| q.as_str().to_owned())
        .unwrap_or_default());
    model.answer = Set(p.answer.as_str().to_owned());
    model.category_id = Set(category_id);
    model.asked_by = Set(p.asked_by.as_ref().map(|n| n.as_str().to_owned()));
    model.answered_by = Set(p.answered_by.as_ref().map(|n| n.as_str().to_owned()));
    if p.published_at.is_some() {
        model.published_at = Set(Some(published_at(p, at)));
    }
    model.updated_at = Set(at);
    model.update(db).await?;
    Ok(())
}

async fn tag_ids_of(db: &impl ConnectionTrait, post_ids: &[i64]) -> Result<HashMap<i64, Vec<i64>>> {
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    if post_ids.is_empty() {
        return Ok(out);
    }
    let links = post_tag::Entity::find()
        .filter(post_tag::Column::PostId.is_in(post_ids.iter().copied()))
        .order_by_asc(post_tag::Column::PostId)
        .order_by_asc(post_tag::Column::Position)
        .all(db)
        .await?;
    for l in links {
        out.entry(l.post_id).or_default().push(l.tag_id);
    }
    Ok(out)
}
