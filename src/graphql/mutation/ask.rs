use async_graphql::{Context, InputObject, Object, Result, Upload};

use super::input::Problems;
use crate::domain::{
    DisplayName, Email, FieldError, FieldErrorCode, Photo, QuestionText, SearchText, Title,
};
use crate::graphql::context::store;
use crate::graphql::guards::RateLimitGuard;
use crate::graphql::search_query::similar_questions;
use crate::graphql::types::{AskQuestionPayload, Post, UserError};
use crate::store::NewQuestion;

/// A visitor's question. Only `question` is required.
#[derive(InputObject)]
pub struct AskQuestionInput {
    /// The question itself, up to 5,000 characters.
    pub question: String,
    /// A short title; derived from the question when absent.
    pub title: Option<String>,
    /// How the asker wants to be named when the answer is published.
    pub name: Option<String>,
    /// Where staff can reach the asker; never shown publicly.
    pub email: Option<String>,
    /// A photo of the asker for a consultation, sent as a GraphQL
    /// multipart upload: JPEG, PNG or WebP, up to 5 MiB. Staff only see it.
    pub photo: Option<Upload>,
}

impl AskQuestionInput {
    fn parse(self, ctx: &Context<'_>) -> Result<NewQuestion, Vec<crate::domain::FieldError>> {
        let mut p = Problems::default();
        let photo = self.photo.as_ref().and_then(|upload| {
            let bytes = upload.value(ctx).map(|v| v.content.to_vec()).map_err(|_| {
                FieldError::new(
                    "photo",
                    FieldErrorCode::Invalid,
                    "the photo could not be read",
                )
            });
            p.check(bytes.and_then(|b| Photo::parse("photo", b)))
        });
        let question = p.check(QuestionText::parse("question", &self.question));
        let title = p.optional(self.title.as_deref(), |s| Title::parse("title", s));
        let asked_by = p.optional(self.name.as_deref(), |s| DisplayName::parse("name", s));
        let email = p.optional(self.email.as_deref(), |s| Email::parse("email", s));
        match (question, p.is_empty()) {
            (Some(question), true) => Ok(NewQuestion {
                question,
                title,
                asked_by,
                email,
                photo,
            }),
            _ => Err(p.into_errors()),
        }
    }
}

/// Answered questions shown to an asker who may find their answer there.
const SIMILAR_ON_ASK: usize = 3;

#[derive(Default)]
pub struct AskMutation;

#[Object]
impl AskMutation {
    /// Public: sends a question to staff. It stays PENDING, and invisible
    /// to the public, until staff answer and publish it.
    #[graphql(guard = "RateLimitGuard::ask()")]
    async fn ask_question(
        &self,
        ctx: &Context<'_>,
        input: AskQuestionInput,
    ) -> Result<AskQuestionPayload> {
        let new = match input.parse(ctx) {
            Ok(new) => new,
            Err(errors) => {
                return Ok(AskQuestionPayload {
                    question: None,
                    similar_questions: vec![],
                    user_errors: errors.into_iter().map(UserError::from).collect(),
                });
            }
        };
        // Searched with as much of the question as a search takes.
        let text = SearchText::clipped(new.question.as_str());
        let stored = store(ctx).ask_question(new).await?;
        tracing::info!(post_id = stored.id, "question asked");
        // The question is stored: from here on the answer must say so,
        // whatever else fails.
        let similar = similar_questions(ctx, text, SIMILAR_ON_ASK)
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(post_id = stored.id, error = ?e.message, "similar questions for a new question");
                vec![]
            });
        Ok(AskQuestionPayload {
            question: Some(Post::from(stored)),
            similar_questions: similar,
            user_errors: vec![],
        })
    }
}
