//! The one error type of the service. Each variant says what the client
//! sees; `Internal` keeps its cause for the log and shows the client only a
//! code and a correlation id.

use std::fmt;

use async_graphql::ErrorExtensions;

/// What went wrong, as the client is allowed to know it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request is malformed: a bad argument, cursor, id or page size.
    /// The message is written for the client.
    #[error("{0}")]
    BadUserInput(String),
    /// The operation needs a staff token and none (or a dead one) was sent.
    #[error("this operation requires a staff token")]
    Unauthenticated,
    /// The token is valid but its role may not do this.
    #[error("your role may not perform this operation")]
    Forbidden,
    /// The thing named by the client does not exist (or is not visible to it).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Anything the client cannot fix. The cause is logged, never sent.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl Error {
    /// The stable machine-readable code sent as `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::BadUserInput(_) => "BAD_USER_INPUT",
            Error::Unauthenticated => "UNAUTHENTICATED",
            Error::Forbidden => "FORBIDDEN",
            Error::NotFound(_) => "NOT_FOUND",
            Error::Internal(_) => "INTERNAL_SERVER_ERROR",
        }
    }

    pub fn bad_input(message: impl fmt::Display) -> Self {
        Error::BadUserInput(message.to_string())
    }

    pub fn internal(cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        Error::Internal(Box::new(cause))
    }
}

impl From<sea_orm::DbErr> for Error {
    fn from(err: sea_orm::DbErr) -> Self {
        Error::internal(err)
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<sea_orm::TransactionError<E>> for Error
where
    Error: From<E>,
{
    fn from(err: sea_orm::TransactionError<E>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(inner) => inner.into(),
        }
    }
}

impl From<Error> for async_graphql::Error {
    fn from(err: Error) -> Self {
        let code = err.code();
        let (message, correlation) = match &err {
            Error::Internal(cause) => {
                let id = correlation_id();
                tracing::error!(correlation_id = %id, error = %cause, debug = ?cause, "internal error");
                (format!("internal error (correlation id {id})"), Some(id))
            }
            other => (other.to_string(), None),
        };
        async_graphql::Error::new(message).extend_with(|_, ext| {
            ext.set("code", code);
            if let Some(id) = correlation {
                ext.set("correlationId", id);
            }
        })
    }
}

/// A short random id that ties a client-visible error to a log line.
pub fn correlation_id() -> String {
    use rand::Rng;
    let n: u64 = rand::rng().random();
    format!("{n:016x}")
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_documented_ones() {
        assert_eq!(Error::bad_input("x").code(), "BAD_USER_INPUT");
        assert_eq!(Error::Unauthenticated.code(), "UNAUTHENTICATED");
        assert_eq!(Error::Forbidden.code(), "FORBIDDEN");
        assert_eq!(Error::NotFound("post").code(), "NOT_FOUND");
        let internal = Error::from(sea_orm::DbErr::Custom("secret SQL".into()));
        assert_eq!(internal.code(), "INTERNAL_SERVER_ERROR");
    }

    #[test]
    fn internal_errors_hide_their_cause_from_the_client() {
        let err = Error::from(sea_orm::DbErr::Custom(
            "UNIQUE constraint failed: post.slug at /var/data/kbql.db".into(),
        ));
        let gql: async_graphql::Error = err.into();
        assert!(!gql.message.contains("UNIQUE"), "{}", gql.message);
        assert!(!gql.message.contains("/var"), "{}", gql.message);
        assert!(gql.message.starts_with("internal error (correlation id "));
        let ext = gql.extensions.expect("extensions");
        assert_eq!(
            ext.get("code"),
            Some(&async_graphql::Value::from("INTERNAL_SERVER_ERROR"))
        );
        assert!(ext.get("correlationId").is_some());
    }

    #[test]
    fn client_errors_keep_their_message() {
        let gql: async_graphql::Error =
            Error::bad_input("`first` must be between 1 and 100").into();
        assert_eq!(gql.message, "`first` must be between 1 and 100");
    }
}
