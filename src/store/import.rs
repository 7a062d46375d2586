use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use entity::{post, post_tag};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::{Store, media, now, outbox, tag_keys, taxonomy, truncate_to_micros};
use crate::domain::{
    AnswerText, DisplayName, Label, Link, Media, PostKind, PostStatus, QuestionText, Slug, Title,
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
    /// from `slug` and no post of the file goes by it today. A post found
    /// under it (and not under `slug`) is updated there and keeps it, so
    /// links to it keep working.
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
    /// Replace the post's media and links (a re-import says all of them).
    pub media: Vec<Media>,
    pub links: Vec<Link>,
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
pub const CHUNK: usize = 200;

/// One import in progress: a write transaction that posts are streamed
/// into, chunk by chunk, so memory stays that of one chunk whatever the
/// file's size. Nothing is visible until [`Import::commit`]; dropping an
/// import rolls all of it back.
pub struct Import<'s> {
    store: &'s Store,
    tx: sea_orm::DatabaseTransaction,
    /// Label key to id, for the labels this import has met: a file has
    /// far fewer distinct tags than posts, so each is looked up once.
    tag_ids: HashMap<String, i64>,
    category_ids: HashMap<String, i64>,
    summary: ImportSummary,
    seq: i64,
}

impl Store {
    /// Starts an import: every post written through it lands in one
    /// transaction, or none does.
    pub async fn begin_import(&self) -> Result<Import<'_>> {
        Ok(Import {
            store: self,
            tx: self.begin_write().await?,
            tag_ids: HashMap::new(),
            category_ids: HashMap::new(),
            summary: ImportSummary::default(),
            seq: 0,
        })
    }

    /// Upserts `posts` by slug in ONE transaction. `progress` is told how
    /// many posts are done.
    pub async fn import_posts(
        &self,
        posts: &[ImportPost],
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<ImportSummary> {
        let mut import = self.begin_import().await?;
        let mut done = 0u64;
        for chunk in posts.chunks(CHUNK) {
            import.write(chunk).await?;
            done += chunk.len() as u64;
            progress(done);
        }
        import.commit().await
    }
}

impl Import<'_> {
    /// Upserts `posts` by slug (or by former slug, see
    /// [`ImportPost::former_slug`]). Best called with at most [`CHUNK`]
    /// posts; larger batches are split.
    pub async fn write(&mut self, posts: &[ImportPost]) -> Result<()> {
        for chunk in posts.chunks(CHUNK) {
            self.write_chunk(chunk).await?;
        }
        Ok(())
    }

    /// Makes the import visible and wakes the indexers.
    pub async fn commit(self) -> Result<ImportSummary> {
        self.store.commit_write(self.tx, self.seq).await?;
        Ok(self.summary)
    }

    async fn write_chunk(&mut self, chunk: &[ImportPost]) -> Result<()> {
        let tx = &self.tx;
        let categories = unknown(
            &self.category_ids,
            chunk.iter().filter_map(|p| p.category.as_ref()),
        );
        if !categories.is_empty() {
            let ids = taxonomy::ensure_categories(tx, &categories).await?;
            self.category_ids.extend(ids);
        }
        // Every occurrence, so that the spelling used most names a new tag.
        let tags: Vec<Label> = chunk
            .iter()
            .flat_map(|p| p.tags.iter())
            .filter(|l| !self.tag_ids.contains_key(l.key()))
            .cloned()
            .collect();
        if !tags.is_empty() {
            self.tag_ids.extend(tag_keys::ensure_tags(tx, &tags).await?);
        }

        let slugs: Vec<&str> = chunk
            .iter()
            .flat_map(|p| std::iter::once(p.slug.as_str()).chain(former_of(p)))
            .collect();
        let existing: HashMap<String, post::Model> = post::Entity::find()
            .filter(post::Column::Slug.is_in(slugs))
            .all(tx)
            .await?
            .into_iter()
            .map(|m| (m.slug.clone(), m))
            .collect();
        let existing_ids: Vec<i64> = existing.values().map(|m| m.id).collect();
        let existing_tags = tag_ids_of(tx, &existing_ids).await?;
        let existing_media = media::media_of(tx, &existing_ids).await?;
        let existing_links = media::links_of(tx, &existing_ids).await?;
        let mut replaced: Vec<media::Replacement<'_>> = Vec::new();

        let mut inserts = Vec::new();
        let mut links = Vec::new();
        let mut changed = Vec::new();
        let at = now();
        for p in chunk {
            let wanted_tags = dedup(
                p.tags
                    .iter()
                    .filter_map(|l| self.tag_ids.get(l.key()).copied()),
            );
            let category_id = p
                .category
                .as_ref()
                .and_then(|c| self.category_ids.get(c.key()).copied());
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
                    let same_media = media::same(
                        existing_media
                            .get(&current.id)
                            .map(Vec::as_slice)
                            .unwrap_or(&[]),
                        existing_links
                            .get(&current.id)
                            .map(Vec::as_slice)
                            .unwrap_or(&[]),
                        &p.media,
                        &p.links,
                    );
                    if same_tags && same_media && same_content(current, p, category_id) {
                        self.summary.unchanged += 1;
                        continue;
                    }
                    if !same_media {
                        replaced.push((current.id, Some(&p.media), Some(&p.links)));
                    }
                    update_row(tx, current, p, category_id, at).await?;
                    if !same_tags {
                        taxonomy::replace_post_tags(tx, current.id, &wanted_tags).await?;
                    }
                    changed.push(current.id);
                    self.summary.updated += 1;
                }
            }
        }
        if !inserts.is_empty() {
            let tags_by_slug: HashMap<String, Vec<i64>> = inserts
                .iter()
                .map(|(row, tags)| (slug_of(row), tags.clone()))
                .collect();
            let shown_by_slug: HashMap<&str, &ImportPost> = chunk
                .iter()
                .filter(|p| !p.media.is_empty() || !p.links.is_empty())
                .map(|p| (p.slug.as_str(), p))
                .collect();
            let rows = inserts.into_iter().map(|(row, _)| row);
            for created in post::Entity::insert_many(rows)
                .exec_with_returning(tx)
                .await?
            {
                if let Some(p) = shown_by_slug.get(created.slug.as_str()) {
                    replaced.push((created.id, Some(&p.media), Some(&p.links)));
                }
                let tags = tags_by_slug.get(&created.slug).cloned().unwrap_or_default();
                links.extend(
                    tags.into_iter()
                        .enumerate()
                        .map(|(i, t)| (created.id, t, i as i32)),
                );
                changed.push(created.id);
                self.summary.created += 1;
            }
        }
        taxonomy::insert_post_tags(tx, links).await?;
        media::replace(tx, &replaced).await?;
        self.seq = self.seq.max(outbox::append(tx, &changed).await?);
        Ok(())
    }
}

/// The labels of `labels` that `known` has no id for, each once.
fn unknown<'l>(
    known: &HashMap<String, i64>,
    labels: impl Iterator<Item = &'l Label>,
) -> Vec<Label> {
    let mut missing: Vec<Label> = Vec::new();
    for l in labels {
        if !known.contains_key(l.key()) && !missing.iter().any(|m| m.key() == l.key()) {
            missing.push(l.clone());
        }
    }
    missing
}

fn former_of(p: &ImportPost) -> Option<&str> {
    p.former_slug.as_ref().map(Slug::as_str)
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
