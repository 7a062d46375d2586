//! Turning raw mutation input into domain types, collecting every problem
//! rather than stopping at the first, so a form can mark all bad fields.

use crate::domain::FieldError;

#[derive(Default)]
pub struct Problems(Vec<FieldError>);

impl Problems {
    /// Records the error, if any, and passes the value on.
    pub fn check<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    /// An optional text: absent or blank means "not given".
    pub fn optional<T>(
        &mut self,
        input: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, FieldError>,
    ) -> Option<T> {
        match input {
            Some(s) if !s.trim().is_empty() => self.check(parse(s)),
            _ => None,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_errors(self) -> Vec<FieldError> {
        self.0
    }
}
