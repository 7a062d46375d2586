use async_graphql::Enum;

use crate::domain::{FieldErrorCode, PostKind, PostStatus};

/// What a post is.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(name = "PostKind", remote = "PostKind")]
pub enum GqlPostKind {
    /// A visitor's question with a staff answer.
    Question,
    /// A staff article: a video, a press mention, an announcement.
    Article,
}

/// Where a post is in moderation. Only PUBLISHED posts are public.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(name = "PostStatus", remote = "PostStatus")]
pub enum GqlPostStatus {
    /// Asked by a visitor, waiting for staff.
    Pending,
    /// Visible to everyone.
    Published,
    /// Withdrawn by staff; kept, but not public.
    Hidden,
}

/// Why a mutation refused an input.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(name = "UserErrorCode", remote = "FieldErrorCode")]
pub enum GqlUserErrorCode {
    /// A required text was empty or only whitespace.
    Blank,
    /// A text was longer than its documented limit.
    TooLong,
    /// A value has the wrong shape (an e-mail, a slug, an id).
    Invalid,
    /// A unique value (a slug) is already used by another post.
    Taken,
    /// The post named does not exist.
    NotFound,
    /// The post is not in a state that allows this (e.g. publishing an
    /// unanswered question).
    InvalidState,
}
