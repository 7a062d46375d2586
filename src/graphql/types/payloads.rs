use async_graphql::{ID, SimpleObject};

use super::{GqlUserErrorCode, Post, SearchHit};
use crate::domain::FieldError;

/// A problem with the input that the user can fix. Nothing was written.
#[derive(SimpleObject, Debug, Clone)]
pub struct UserError {
    /// The input field at fault (e.g. "question", "email"), if any.
    pub field: Option<String>,
    pub message: String,
    pub code: GqlUserErrorCode,
}

impl From<FieldError> for UserError {
    fn from(e: FieldError) -> Self {
        UserError {
            field: Some(e.field.to_owned()),
            message: e.message,
            code: e.code.into(),
        }
    }
}

pub fn user_errors(errors: Vec<FieldError>) -> Vec<UserError> {
    errors.into_iter().map(UserError::from).collect()
}

/// Result of `askQuestion`.
#[derive(SimpleObject, Default)]
pub struct AskQuestionPayload {
    /// The stored question (status PENDING); null when input was refused.
    pub question: Option<Post>,
    /// Published questions like this one, best first (at most 3): the
    /// asker's answer may already be there.
    pub similar_questions: Vec<SearchHit>,
    pub user_errors: Vec<UserError>,
}

/// Result of a staff mutation on one post.
#[derive(SimpleObject, Default)]
pub struct PostPayload {
    /// The post after the change; null when input was refused.
    pub post: Option<Post>,
    pub user_errors: Vec<UserError>,
}

impl PostPayload {
    pub fn from_result(result: Result<entity::post::Model, Vec<FieldError>>) -> Self {
        match result {
            Ok(model) => PostPayload {
                post: Some(Post::from(model)),
                user_errors: vec![],
            },
            Err(errors) => PostPayload {
                post: None,
                user_errors: user_errors(errors),
            },
        }
    }
}

/// Result of `deletePost`.
#[derive(SimpleObject, Default)]
pub struct DeletePostPayload {
    /// The id of the deleted post; null when nothing was deleted.
    pub deleted_post_id: Option<ID>,
    pub user_errors: Vec<UserError>,
}
