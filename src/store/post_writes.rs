use entity::post;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};

use super::audit::{self, Actor, AuditAction, Change};
use super::{LiveEvent, Store, media, now, outbox, snapshot, tag_keys, taxonomy};
use crate::domain::{
    AnswerText, DisplayName, Email, FieldError, FieldErrorCode, Label, Link, Media, Photo,
    PostKind, PostStatus, QuestionText, Slug, Title,
};
use crate::error::Result;

/// The outcome of a write the user can get wrong: `Err` is a problem they
/// can fix (sent as a `userError`), nothing having been written.
pub type WriteResult<T> = std::result::Result<T, FieldError>;

/// A visitor's question, already validated.
#[derive(Debug, Clone)]
pub struct NewQuestion {
    pub question: QuestionText,
    pub title: Option<Title>,
    pub asked_by: Option<DisplayName>,
    pub email: Option<Email>,
    /// For staff only: a photo of the asker, for a consultation.
    pub photo: Option<Photo>,
}

/// A staff article (a video, a press mention, an announcement...).
#[derive(Debug, Clone)]
pub struct NewArticle {
    pub title: Title,
    pub body: AnswerText,
    pub slug: Option<Slug>,
    pub tags: Vec<Label>,
    pub category: Option<Label>,
    pub author: Option<DisplayName>,
    pub publish: bool,
    pub media: Vec<Media>,
    pub links: Vec<Link>,
}

/// Changes to a post; `None` leaves a field as it is, `Some(None)` clears
/// an optional one.
#[derive(Debug, Clone, Default)]
pub struct PostPatch {
    pub title: Option<Title>,
    pub question: Option<QuestionText>,
    pub answer: Option<AnswerText>,
    pub slug: Option<Slug>,
    pub category: Option<Option<Label>>,
    pub asked_by: Option<Option<DisplayName>>,
    pub answered_by: Option<Option<DisplayName>>,
    /// Replaces all of the post's media, or links, when given.
    pub media: Option<Vec<Media>>,
    pub links: Option<Vec<Link>>,
}

/// The two moderation moves staff make; a post never goes back to
/// pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moderation {
    Publish,
    Hide,
}

/// What subscribers hear of a status change: only a post becoming public.
fn went_public(was: PostStatus, is: PostStatus, id: i64) -> Vec<LiveEvent> {
    if was != PostStatus::Published && is == PostStatus::Published {
        vec![LiveEvent::PostPublished(id)]
    } else {
        Vec::new()
    }
}

fn not_found() -> FieldError {
    FieldError::new("id", FieldErrorCode::NotFound, "no post has this id")
}

impl Store {
    /// Stores a visitor's question as pending; nothing public shows it.
    pub async fn ask_question(&self, q: NewQuestion) -> Result<post::Model> {
        let tx = self.begin_write().await?;
        let title = q
            .title
            .unwrap_or_else(|| Title::derive_from(q.question.as_str()));
        let slug = Slug::provisional(title.as_str());
        let at = now();
        let model = post::ActiveModel {
            kind: Set(PostKind::Question),
            slug: Set(slug.into_string()),
            title: Set(title.into_string()),
            question: Set(q.question.into_string()),
            answer: Set(String::new()),
            status: Set(PostStatus::Pending),
            asked_by: Set(q.asked_by.map(DisplayName::into_string)),
            asker_email: Set(q.email.map(|e| e.as_str().to_owned())),
            answered_by: Set(None),
            category_id: Set(None),
            created_at: Set(at),
            updated_at: Set(at),
            published_at: Set(None),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        if let Some(photo) = q.photo {
            media::store_photo(&tx, model.id, photo, at).await?;
        }
        let seq = outbox::append(&tx, &[model.id]).await?;
        let asked = [LiveEvent::QuestionAsked(model.id)];
        self.commit_write_telling(tx, seq, &asked).await?;
        Ok(model)
    }

    /// Sets a question's answer and, if asked, publishes it.
    pub async fn answer_question(
        &self,
        actor: &Actor,
        id: i64,
        answer: AnswerText,
        answered_by: Option<DisplayName>,
        publish: bool,
    ) -> Result<WriteResult<post::Model>> {
        let tx = self.begin_write().await?;
        let Some(current) = post::Entity::find_by_id(id).one(&tx).await? else {
            return Ok(Err(not_found()));
        };
        if current.kind != PostKind::Question {
            return Ok(Err(FieldError::new(
                "id",
                FieldErrorCode::InvalidState,
                "this post is an article, not a question; use updatePost to change its body",
            )));
        }
        let before = snapshot::post(&tx, &current).await?;
        let at = now();
        let mut model: post::ActiveModel = current.clone().into();
        model.answer = Set(answer.into_string());
        if let Some(name) = answered_by {
            model.answered_by = Set(Some(name.into_string()));
        }
        if publish {
            model.status = Set(PostStatus::Published);
            model.published_at = Set(Some(current.published_at.unwrap_or(at)));
            if let Some(slug) = lasting_slug(&tx, &current).await? {
                model.slug = Set(slug.into_string());
            }
        }
        model.updated_at = Set(at);
        let saved = model.update(&tx).await?;
        let after = snapshot::post(&tx, &saved).await?;
        let change = Change::of_post(AuditAction::AnswerQuestion, id, Some(before), Some(after));
        audit::record(&tx, actor, at, change).await?;
        let seq = outbox::append(&tx, &[id]).await?;
        let events = went_public(current.status, saved.status, id);
        self.commit_write_telling(tx, seq, &events).await?;
        Ok(Ok(saved))
    }

    pub async fn create_article(
        &self,
        actor: &Actor,
        a: NewArticle,
    ) -> Result<WriteResult<post::Model>> {
        let tx = self.begin_write().await?;
        let slug = match a.slug {
            Some(slug) => {
                if slug_taken(&tx, &slug, None).await? {
                    return Ok(Err(slug_taken_error()));
                }
                slug
            }
            None => unique_slug(&tx, Slug::derive(a.title.as_str(), "article"), None).await?,
        };
        let category_id = category_id(&tx, a.category.as_ref()).await?;
        let at = now();
        let status = if a.publish {
            PostStatus::Published
        } else {
            PostStatus::Hidden
        };
        let model = post::ActiveModel {
            kind: Set(PostKind::Article),
            slug: Set(slug.into_string()),
            title: Set(a.title.into_string()),
            question: Set(String::new()),
            answer: Set(a.body.into_string()),
            status: Set(status),
            asked_by: Set(None),
            asker_email: Set(None),
            answered_by: Set(a.author.map(DisplayName::into_string)),
            category_id: Set(category_id),
            created_at: Set(at),
            updated_at: Set(at),
            published_at: Set(a.publish.then_some(at)),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        let tags = tag_keys::ensure_tags(&tx, &a.tags).await?;
        let tag_ids: Vec<i64> = a
            .tags
            .iter()
            .filter_map(|l| tags.get(l.key()).copied())
            .collect();
        taxonomy::replace_post_tags(&tx, model.id, &dedup(tag_ids)).await?;
        media::replace(&tx, &[(model.id, Some(&a.media), Some(&a.links))]).await?;
        let after = snapshot::post(&tx, &model).await?;
        let change = Change::of_post(AuditAction::CreateArticle, model.id, None, Some(after));
        audit::record(&tx, actor, at, change).await?;
        let seq = outbox::append(&tx, &[model.id]).await?;
        let events = went_public(PostStatus::Hidden, model.status, model.id);
        self.commit_write_telling(tx, seq, &events).await?;
        Ok(Ok(model))
    }

    pub async fn update_post(
        &self,
        actor: &Actor,
        id: i64,
        patch: PostPatch,
    ) -> Result<WriteResult<post::Model>> {
        let tx = self.begin_write().await?;
        let Some(current) = post::Entity::find_by_id(id).one(&tx).await? else {
            return Ok(Err(not_found()));
        };
        let is_question = current.kind == PostKind::Question;
        if patch.question.is_some() && !is_question {
            return Ok(Err(FieldError::new(
                "question",
                FieldErrorCode::InvalidState,
                "an article has no question text",
            )));
        }
        let before = snapshot::post(&tx, &current).await?;
        let mut model: post::ActiveModel = current.into();
        if let Some(slug) = patch.slug {
            if slug_taken(&tx, &slug, Some(id)).await? {
                return Ok(Err(slug_taken_error()));
            }
            model.slug = Set(slug.into_string());
        }
        if let Some(title) = patch.title {
            model.title = Set(title.into_string());
        }
        if let Some(question) = patch.question {
            model.question = Set(question.into_string());
        }
        if let Some(answer) = patch.answer {
            model.answer = Set(answer.into_string());
        }
        if let Some(category) = patch.category {
            model.category_id = Set(category_id(&tx, category.as_ref()).await?);
        }
        if let Some(asked_by) = patch.asked_by {
            model.asked_by = Set(asked_by.map(DisplayName::into_string));
        }
        if let Some(answered_by) = patch.answered_by {
            model.answered_by = Set(answered_by.map(DisplayName::into_string));
        }
        media::replace(&tx, &[(id, patch.media.as_deref(), patch.links.as_deref())]).await?;
        let at = now();
        model.updated_at = Set(at);
        let saved = model.update(&tx).await?;
        let after = snapshot::post(&tx, &saved).await?;
        let change = Change::of_post(AuditAction::UpdatePost, id, Some(before), Some(after));
        audit::record(&tx, actor, at, change).await?;
        let seq = outbox::append(&tx, &[id]).await?;
        self.commit_write(tx, seq).await?;
        Ok(Ok(saved))
    }

    /// Publishes or hides a post. A question needs an answer before it can
    /// be published; the first publication date is kept on re-publishing.
    pub async fn set_status(
        &self,
        actor: &Actor,
        id: i64,
        moderation: Moderation,
    ) -> Result<WriteResult<post::Model>> {
        let (status, action) = match moderation {
            Moderation::Publish => (PostStatus::Published, AuditAction::PublishPost),
            Moderation::Hide => (PostStatus::Hidden, AuditAction::HidePost),
        };
        let tx = self.begin_write().await?;
        let Some(current) = post::Entity::find_by_id(id).one(&tx).await? else {
            return Ok(Err(not_found()));
        };
        if status == PostStatus::Published && current.answer.trim().is_empty() {
            return Ok(Err(FieldError::new(
                "id",
                FieldErrorCode::InvalidState,
                "answer the question before publishing it",
            )));
        }
        let before = snapshot::post(&tx, &current).await?;
        let was = current.status;
        let at = now();
        let published_at = match status {
            PostStatus::Published => Some(current.published_at.unwrap_or(at)),
            _ => current.published_at,
        };
        let lasting = match status {
            PostStatus::Published => lasting_slug(&tx, &current).await?,
            _ => None,
        };
        let mut model: post::ActiveModel = current.into();
        model.status = Set(status);
        model.published_at = Set(published_at);
        if let Some(slug) = lasting {
            model.slug = Set(slug.into_string());
        }
        model.updated_at = Set(at);
        let saved = model.update(&tx).await?;
        let after = snapshot::post(&tx, &saved).await?;
        let change = Change::of_post(action, id, Some(before), Some(after));
        audit::record(&tx, actor, at, change).await?;
        let seq = outbox::append(&tx, &[id]).await?;
        let events = went_public(was, saved.status, id);
        self.commit_write_telling(tx, seq, &events).await?;
        Ok(Ok(saved))
    }

    /// Deletes a post for good; its tag links go with it.
    pub async fn delete_post(&self, actor: &Actor, id: i64) -> Result<WriteResult<i64>> {
        let tx = self.begin_write().await?;
        let Some(current) = post::Entity::find_by_id(id).one(&tx).await? else {
            return Ok(Err(not_found()));
        };
        let before = snapshot::post(&tx, &current).await?;
        post::Entity::delete_by_id(id).exec(&tx).await?;
        let change = Change::of_post(AuditAction::DeletePost, id, Some(before), None);
        audit::record(&tx, actor, now(), change).await?;
        let seq = outbox::append(&tx, &[id]).await?;
        self.commit_write(tx, seq).await?;
        Ok(Ok(id))
    }

    /// Replaces a post's tags, in the order given.
    pub async fn set_tags(
        &self,
        actor: &Actor,
        id: i64,
        labels: Vec<Label>,
    ) -> Result<WriteResult<post::Model>> {
        let tx = self.begin_write().await?;
        let Some(current) = post::Entity::find_by_id(id).one(&tx).await? else {
            return Ok(Err(not_found()));
        };
        let before = snapshot::post(&tx, &current).await?;
        let tags = tag_keys::ensure_tags(&tx, &labels).await?;
        let tag_ids: Vec<i64> = labels
            .iter()
            .filter_map(|l| tags.get(l.key()).copied())
            .collect();
        taxonomy::replace_post_tags(&tx, id, &dedup(tag_ids)).await?;
        let at = now();
        let mut model: post::ActiveModel = current.into();
        model.updated_at = Set(at);
        let saved = model.update(&tx).await?;
        let after = snapshot::post(&tx, &saved).await?;
        let change = Change::of_post(AuditAction::SetPostTags, id, Some(before), Some(after));
        audit::record(&tx, actor, at, change).await?;
        let seq = outbox::append(&tx, &[id]).await?;
        self.commit_write(tx, seq).await?;
        Ok(Ok(saved))
    }
}

fn dedup(ids: Vec<i64>) -> Vec<i64> {
    let mut seen = std::collections::HashSet::new();
    ids.into_iter().filter(|id| seen.insert(*id)).collect()
}

fn slug_taken_error() -> FieldError {
    FieldError::new(
        "slug",
        FieldErrorCode::Taken,
        "another post already has this slug",
    )
}

async fn category_id(db: &impl ConnectionTrait, label: Option<&Label>) -> Result<Option<i64>> {
    let Some(label) = label else { return Ok(None) };
    let ids = taxonomy::ensure_categories(db, std::slice::from_ref(label)).await?;
    Ok(ids.get(label.key()).copied())
}

async fn slug_taken(db: &impl ConnectionTrait, slug: &Slug, except: Option<i64>) -> Result<bool> {
    let mut query = post::Entity::find().filter(post::Column::Slug.eq(slug.as_str()));
    if let Some(id) = except {
        query = query.filter(post::Column::Id.ne(id));
    }
    Ok(query.one(db).await?.is_some())
}

/// The slug a post takes when it is published with a provisional one (a
/// visitor's question): its title's, made unique among all posts.
async fn lasting_slug(db: &impl ConnectionTrait, post: &post::Model) -> Result<Option<Slug>> {
    if !Slug::is_provisional(&post.slug) {
        return Ok(None);
    }
    let base = Slug::derive(&post.title, "question");
    Ok(Some(unique_slug(db, base, Some(post.id)).await?))
}

/// `base`, or `base-2`, `base-3`... whichever is free first. Runs inside a
/// serialised write transaction, so nobody can take it before we commit.
pub(super) async fn unique_slug(
    db: &impl ConnectionTrait,
    base: Slug,
    except: Option<i64>,
) -> Result<Slug> {
    // Every writer waits while this runs. The prefix match below cannot
    // use the slug index (LIKE under SQLite's default case folding or a
    // non-C PostgreSQL collation), so it reads the whole table; the usual
    // case, a slug nobody has yet, needs one index lookup instead.
    if !slug_taken(db, &base, except).await? {
        return Ok(base);
    }
    let prefix = format!("{}-", base.as_str());
    let mut query = post::Entity::find()
        .select_only()
        .column(post::Column::Slug)
        .filter(
            sea_orm::Condition::any()
                .add(post::Column::Slug.eq(base.as_str()))
                .add(post::Column::Slug.starts_with(&prefix)),
        );
    if let Some(id) = except {
        query = query.filter(post::Column::Id.ne(id));
    }
    let taken: std::collections::HashSet<String> = query
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    if !taken.contains(base.as_str()) {
        return Ok(base);
    }
    let n = (2..)
        .find(|n| !taken.contains(base.with_suffix(*n).as_str()))
        .unwrap_or(2);
    Ok(base.with_suffix(n))
}
