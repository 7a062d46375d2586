use async_graphql::ID;

use crate::domain::{FieldError, FieldErrorCode};
use crate::error::Error;

/// Post ids travel as decimal strings; anything else is not an id.
pub fn parse_id(id: &ID) -> Option<i64> {
    id.trim().parse::<i64>().ok().filter(|n| *n > 0)
}

/// For queries: a malformed id is a top-level BAD_USER_INPUT.
pub fn require_id(id: &ID) -> Result<i64, Error> {
    parse_id(id).ok_or_else(|| Error::bad_input(format!("{:?} is not a post id", id.as_str())))
}

/// For mutations: a malformed id is a user error on the `id` field.
pub fn field_id(id: &ID) -> Result<i64, FieldError> {
    parse_id(id).ok_or_else(|| FieldError::new("id", FieldErrorCode::Invalid, "not a post id"))
}

pub fn to_id(n: i64) -> ID {
    ID(n.to_string())
}
