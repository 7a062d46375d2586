//! Domain types that validate at the edge. A value of one of these types is
//! known to be well-formed, so the store never re-checks input.

mod kind;
mod media;
mod slug;
mod text;
pub mod title;

pub use crate::limits::Limits;
pub use kind::{PostKind, PostStatus, Role};
pub use media::{Link, Media, MediaKind, Photo, WebUrl, media_count};
pub use slug::{Slug, slugify};
pub use text::{
    AnswerText, Caption, DisplayName, Email, Label, LinkTitle, QuestionText, SearchText, Title,
};

/// Why a piece of input was refused, in terms of the field it came in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub code: FieldErrorCode,
    pub message: String,
}

/// Machine-readable reason for a [`FieldError`]; sent as `userErrors.code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldErrorCode {
    Blank,
    TooLong,
    Invalid,
    Taken,
    NotFound,
    InvalidState,
}

impl FieldError {
    pub fn new(field: &'static str, code: FieldErrorCode, message: impl Into<String>) -> Self {
        Self {
            field,
            code,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for FieldError {}
