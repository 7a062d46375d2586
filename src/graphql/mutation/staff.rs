use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};

use super::actor::actor;
use super::input::Problems;
use super::media_input::{LinkInput, MediaInput, parse_links, parse_media};
use crate::domain::{
    AnswerText, DisplayName, FieldError, FieldErrorCode, Label, Limits, QuestionText, Slug, Title,
};
use crate::graphql::context::{principal, store_for_write, wait_for_index};
use crate::graphql::guards::RoleGuard;
use crate::graphql::ids::{field_id, to_id};
use crate::graphql::types::{DeletePostPayload, PostPayload, UserError};
use crate::store::{Moderation, NewArticle, PostPatch, WriteResult};

#[derive(InputObject)]
pub struct AnswerQuestionInput {
    pub id: ID,
    /// The answer, up to 50,000 characters of plain text.
    pub answer: String,
    /// Who answered; defaults to the name of the staff token.
    pub answered_by: Option<String>,
    /// Publish the question with its answer right away.
    #[graphql(default = true)]
    pub publish: bool,
}

#[derive(InputObject)]
pub struct CreateArticleInput {
    pub title: String,
    /// The article text, up to 50,000 characters of plain text.
    pub body: String,
    /// Derived from the title when absent.
    pub slug: Option<String>,
    #[graphql(default)]
    pub tags: Vec<String>,
    pub category: Option<String>,
    /// Shown as `answeredBy`; defaults to the name of the staff token.
    pub author: Option<String>,
    /// Publish right away; otherwise the article is created HIDDEN.
    #[graphql(default = true)]
    pub publish: bool,
    /// Videos and images, in display order (at most 10).
    #[graphql(default)]
    pub media: Vec<MediaInput>,
    /// Links to other pages, in display order (at most 10).
    #[graphql(default)]
    pub links: Vec<LinkInput>,
}

/// Fields left out stay as they are; `null` clears an optional field.
#[derive(InputObject)]
pub struct UpdatePostInput {
    pub id: ID,
    pub title: Option<String>,
    pub question: Option<String>,
    pub answer: Option<String>,
    pub slug: Option<String>,
    pub category: MaybeUndefined<String>,
    pub asked_by: MaybeUndefined<String>,
    pub answered_by: MaybeUndefined<String>,
    /// Replaces all of the post's videos and images (`[]` removes them).
    pub media: Option<Vec<MediaInput>>,
    /// Replaces all of the post's links (`[]` removes them).
    pub links: Option<Vec<LinkInput>>,
}

#[derive(InputObject)]
pub struct SetPostTagsInput {
    pub id: ID,
    /// The complete new list, in display order (at most 20).
    pub tags: Vec<String>,
}

fn parse_tags(p: &mut Problems, tags: &[String]) -> Vec<Label> {
    if tags.len() > Limits::TAGS_PER_POST {
        p.check::<()>(Err(FieldError::new(
            "tags",
            FieldErrorCode::TooLong,
            format!("a post has at most {} tags", Limits::TAGS_PER_POST),
        )));
        return vec![];
    }
    tags.iter()
        .filter_map(|t| p.check(Label::tag("tags", t)))
        .collect()
}

/// Parses a clearable optional text into the patch's `Option<Option<T>>`.
fn clearable<T>(
    p: &mut Problems,
    value: MaybeUndefined<String>,
    parse: impl FnOnce(&str) -> Result<T, FieldError>,
) -> Option<Option<T>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(s) if s.trim().is_empty() => Some(None),
        MaybeUndefined::Value(s) => p.check(parse(&s)).map(Some),
    }
}

fn staff_name(ctx: &Context<'_>) -> Option<DisplayName> {
    principal(ctx)
        .display_name()
        .and_then(|n| DisplayName::parse("answeredBy", n).ok())
}

/// The payload of a write, returned once search reflects it.
async fn payload(ctx: &Context<'_>, result: WriteResult<entity::post::Model>) -> PostPayload {
    if result.is_ok() {
        wait_for_index(ctx).await;
    }
    PostPayload::from_result(result.map_err(|e| vec![e]))
}

fn refused(errors: Vec<FieldError>) -> PostPayload {
    PostPayload::from_result(Err(errors))
}

#[derive(Default)]
pub struct StaffMutation;

#[Object]
impl StaffMutation {
    /// Staff: answers a question and, unless `publish: false`, publishes it.
    #[graphql(guard = "RoleGuard::staff()")]
    async fn answer_question(
        &self,
        ctx: &Context<'_>,
        input: AnswerQuestionInput,
    ) -> Result<PostPayload> {
        let mut p = Problems::default();
        let id = p.check(field_id(ctx, &input.id));
        let answer = p.check(AnswerText::parse("answer", &input.answer));
        let by = p.optional(input.answered_by.as_deref(), |s| {
            DisplayName::parse("answeredBy", s)
        });
        let (Some(id), Some(answer), true) = (id, answer, p.is_empty()) else {
            return Ok(refused(p.into_errors()));
        };
        let by = by.or_else(|| staff_name(ctx));
        let result = store_for_write(ctx)
            .answer_question(&actor(ctx)?, id, answer, by, input.publish)
            .await?;
        Ok(payload(ctx, result).await)
    }

    /// Staff: writes an article (a video, a press mention, a notice).
    #[graphql(guard = "RoleGuard::staff()")]
    async fn create_article(
        &self,
        ctx: &Context<'_>,
        input: CreateArticleInput,
    ) -> Result<PostPayload> {
        let mut p = Problems::default();
        let title = p.check(Title::parse("title", &input.title));
        let body = p.check(AnswerText::parse("body", &input.body));
        let slug = p.optional(input.slug.as_deref(), |s| Slug::parse("slug", s));
        let tags = parse_tags(&mut p, &input.tags);
        let category = p.optional(input.category.as_deref(), |s| {
            Label::category("category", s)
        });
        let author = p.optional(input.author.as_deref(), |s| DisplayName::parse("author", s));
        let media = parse_media(&mut p, &input.media);
        let links = parse_links(&mut p, &input.links);
        let (Some(title), Some(body), true) = (title, body, p.is_empty()) else {
            return Ok(refused(p.into_errors()));
        };
        let article = NewArticle {
            title,
            body,
            slug,
            tags,
            category,
            author: author.or_else(|| staff_name(ctx)),
            publish: input.publish,
            media,
            links,
        };
        let result = store_for_write(ctx)
            .create_article(&actor(ctx)?, article)
            .await?;
        Ok(payload(ctx, result).await)
    }

    /// Staff: edits a post. The slug changes only when given.
    #[graphql(guard = "RoleGuard::staff()")]
    async fn update_post(&self, ctx: &Context<'_>, input: UpdatePostInput) -> Result<PostPayload> {
        let mut p = Problems::default();
        let id = p.check(field_id(ctx, &input.id));
        let patch = PostPatch {
            title: p.optional(input.title.as_deref(), |s| Title::parse("title", s)),
            question: match input.question.as_deref() {
                Some(s) => p.check(QuestionText::parse("question", s)),
                None => None,
            },
            answer: match input.answer.as_deref() {
                Some(s) => p.check(AnswerText::parse("answer", s)),
                None => None,
            },
            slug: p.optional(input.slug.as_deref(), |s| Slug::parse("slug", s)),
            category: clearable(&mut p, input.category, |s| Label::category("category", s)),
            asked_by: clearable(&mut p, input.asked_by, |s| DisplayName::parse("askedBy", s)),
            answered_by: clearable(&mut p, input.answered_by, |s| {
                DisplayName::parse("answeredBy", s)
            }),
            media: input.media.as_deref().map(|m| parse_media(&mut p, m)),
            links: input.links.as_deref().map(|l| parse_links(&mut p, l)),
        };
        let (Some(id), true) = (id, p.is_empty()) else {
            return Ok(refused(p.into_errors()));
        };
        let result = store_for_write(ctx)
            .update_post(&actor(ctx)?, id, patch)
            .await?;
        Ok(payload(ctx, result).await)
    }

    /// Staff: makes a post public. A question must be answered first.
    #[graphql(guard = "RoleGuard::staff()")]
    async fn publish_post(&self, ctx: &Context<'_>, id: ID) -> Result<PostPayload> {
        self.set_status(ctx, id, Moderation::Publish).await
    }

    /// Staff: takes a post off the public site without deleting it.
    #[graphql(guard = "RoleGuard::staff()")]
    async fn hide_post(&self, ctx: &Context<'_>, id: ID) -> Result<PostPayload> {
        self.set_status(ctx, id, Moderation::Hide).await
    }

    /// Admin: deletes a post for good. Staff hide posts instead.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn delete_post(&self, ctx: &Context<'_>, id: ID) -> Result<DeletePostPayload> {
        let id = match field_id(ctx, &id) {
            Ok(id) => id,
            Err(e) => {
                return Ok(DeletePostPayload {
                    deleted_post_id: None,
                    user_errors: vec![UserError::from(e)],
                });
            }
        };
        let result = store_for_write(ctx).delete_post(&actor(ctx)?, id).await?;
        if result.is_ok() {
            wait_for_index(ctx).await;
        }
        Ok(match result {
            Ok(id) => DeletePostPayload {
                deleted_post_id: Some(to_id(ctx, id)),
                user_errors: vec![],
            },
            Err(e) => DeletePostPayload {
                deleted_post_id: None,
                user_errors: vec![UserError::from(e)],
            },
        })
    }

    /// Staff: replaces a post's tags. Unknown tags are created.
    #[graphql(guard = "RoleGuard::staff()")]
    async fn set_post_tags(
        &self,
        ctx: &Context<'_>,
        input: SetPostTagsInput,
    ) -> Result<PostPayload> {
        let mut p = Problems::default();
        let id = p.check(field_id(ctx, &input.id));
        let tags = parse_tags(&mut p, &input.tags);
        let (Some(id), true) = (id, p.is_empty()) else {
            return Ok(refused(p.into_errors()));
        };
        let result = store_for_write(ctx)
            .set_tags(&actor(ctx)?, id, tags)
            .await?;
        Ok(payload(ctx, result).await)
    }
}

impl StaffMutation {
    async fn set_status(
        &self,
        ctx: &Context<'_>,
        id: ID,
        moderation: Moderation,
    ) -> Result<PostPayload> {
        let id = match field_id(ctx, &id) {
            Ok(id) => id,
            Err(e) => return Ok(refused(vec![e])),
        };
        let result = store_for_write(ctx)
            .set_status(&actor(ctx)?, id, moderation)
            .await?;
        Ok(payload(ctx, result).await)
    }
}
