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
    /// The query text cannot be run as written: nested too deep, its
    /// fragments expanding too far, or over a limit on its shape. Reported
    /// like async-graphql's own validation errors.
    #[error("{0}")]
    InvalidQuery(String),
    /// The operation needs a staff token and none (or a dead one) was sent.
    #[error("this operation requires a staff token")]
    Unauthenticated,
    /// The token is valid but its role may not do this.
    #[error("your role may not perform this operation")]
    Forbidden,
    /// The thing named by the client does not exist (or is not visible to it).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The client used up its quota of a public operation; it may try again
    /// after `retry_after_secs` (also sent as a Retry-After header, 429).
    #[error("too many requests: try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// The request body or query text is over a documented limit (413).
    #[error("{0}")]
    TooLarge(String),
    /// A mutation sent with GET, which any link or image tag can trigger
    /// (405; send it with POST).
    #[error("mutations must be sent with POST")]
    MutationOverGet,
    /// A POST a browser could send cross-site without a CORS preflight
    /// (a form or `text/plain` body) without a header that forces one (400).
    #[error(
        "this request could be a cross-site request forgery: send it as application/json, or add an `apollo-require-preflight: true` header"
    )]
    CsrfSuspected,
    /// A body that is not a GraphQL request over JSON (415).
    #[error("unsupported content type: send application/json")]
    UnsupportedMediaType,
    /// An `Accept` header that allows no type a GraphQL response comes in
    /// (406).
    #[error(
        "no acceptable response type: accept application/graphql-response+json or application/json"
    )]
    NotAcceptable,
    /// A browser page from an origin not allowed to call the API opened a
    /// WebSocket (403): browsers send cookies and credentials with those
    /// whatever the page, so the server checks the origin itself.
    #[error("this origin may not open subscriptions: add it to --cors-origins")]
    OriginRefused,
    /// The client holds as many subscription connections as it may (429).
    #[error("a client may hold at most {0} subscription connections at once: close one first")]
    TooManyLiveConnections(usize),
    /// The request ran past the configured time limit (503). A mutation
    /// that timed out was applied entirely or not at all.
    #[error("the request took too long and was stopped")]
    Timeout,
    /// The client took longer than the body deadline to send the request
    /// body (408).
    #[error("the request body took too long to arrive")]
    BodyTimeout,
    /// Anything the client cannot fix. The cause is logged, never sent.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl Error {
    /// The stable machine-readable code sent as `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::BadUserInput(_) => "BAD_USER_INPUT",
            Error::InvalidQuery(_) => "GRAPHQL_VALIDATION_FAILED",
            Error::Unauthenticated => "UNAUTHENTICATED",
            Error::Forbidden => "FORBIDDEN",
            Error::NotFound(_) => "NOT_FOUND",
            Error::RateLimited { .. } => "RATE_LIMITED",
            Error::TooLarge(_) => "PAYLOAD_TOO_LARGE",
            Error::MutationOverGet => "METHOD_NOT_ALLOWED",
            Error::CsrfSuspected => "CSRF_REFUSED",
            Error::UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
            Error::NotAcceptable => "NOT_ACCEPTABLE",
            Error::OriginRefused => "FORBIDDEN_ORIGIN",
            Error::TooManyLiveConnections(_) => "TOO_MANY_CONNECTIONS",
            Error::Timeout => "TIMEOUT",
            Error::BodyTimeout => "REQUEST_TIMEOUT",
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
        let retry_after = match &err {
            Error::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        async_graphql::Error::new(message).extend_with(|_, ext| {
            ext.set("code", code);
            if let Some(id) = correlation {
                ext.set("correlationId", id);
            }
            if let Some(secs) = retry_after {
                ext.set("retryAfter", secs);
            }
        })
    }
}

impl From<Error> for async_graphql::ServerError {
    /// A refusal of the whole request: it points at no place in the query.
    fn from(err: Error) -> Self {
        let err = async_graphql::Error::from(err);
        async_graphql::ServerError {
            message: err.message,
            source: err.source,
            locations: vec![],
            path: vec![],
            extensions: err.extensions,
        }
    }
}

/// A short random id that ties a client-visible error to a log line.
pub fn correlation_id() -> String {
    use rand::Rng;
    let n: u64 = rand::rng().random();
    format!("{n:016x}")
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Failures an operator reads: at start-up and from the CLI. Unlike a
/// client, an operator gets every cause, with what was being done and the
/// address, path or URL involved (printed with `{:#}`).
pub type OperatorResult<T> = anyhow::Result<T>;

/// Context for a library result on an operator path.
pub trait Explain<T> {
    /// `doing` says what failed ("cannot listen on 127.0.0.1:8080"); an
    /// internal error shows its cause rather than "internal error".
    fn explain(self, doing: impl FnOnce() -> String) -> OperatorResult<T>;
}

/// An error as an operator reads it.
pub trait Cause {
    fn into_cause(self) -> anyhow::Error;
}

impl Cause for Error {
    fn into_cause(self) -> anyhow::Error {
        match self {
            Error::Internal(cause) => anyhow::Error::from_boxed(cause),
            other => anyhow::Error::new(other),
        }
    }
}

impl<T, E: Cause> Explain<T> for std::result::Result<T, E> {
    fn explain(self, doing: impl FnOnce() -> String) -> OperatorResult<T> {
        self.map_err(|e| e.into_cause().context(doing()))
    }
}

/// A database URL fit to print: its password, if any, masked.
pub fn redacted_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((credentials, host)) if credentials.contains(':') => {
            let user = credentials.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}")
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_documented_ones() {
        assert_eq!(Error::bad_input("x").code(), "BAD_USER_INPUT");
        assert_eq!(
            Error::InvalidQuery("x".into()).code(),
            "GRAPHQL_VALIDATION_FAILED"
        );
        assert_eq!(Error::Unauthenticated.code(), "UNAUTHENTICATED");
        assert_eq!(Error::Forbidden.code(), "FORBIDDEN");
        assert_eq!(Error::NotFound("post").code(), "NOT_FOUND");
        assert_eq!(
            Error::RateLimited {
                retry_after_secs: 3
            }
            .code(),
            "RATE_LIMITED"
        );
        assert_eq!(Error::TooLarge("x".into()).code(), "PAYLOAD_TOO_LARGE");
        assert_eq!(Error::MutationOverGet.code(), "METHOD_NOT_ALLOWED");
        assert_eq!(Error::CsrfSuspected.code(), "CSRF_REFUSED");
        assert_eq!(Error::OriginRefused.code(), "FORBIDDEN_ORIGIN");
        assert_eq!(
            Error::TooManyLiveConnections(8).code(),
            "TOO_MANY_CONNECTIONS"
        );
        assert_eq!(Error::UnsupportedMediaType.code(), "UNSUPPORTED_MEDIA_TYPE");
        assert_eq!(Error::NotAcceptable.code(), "NOT_ACCEPTABLE");
        assert_eq!(Error::Timeout.code(), "TIMEOUT");
        assert_eq!(Error::BodyTimeout.code(), "REQUEST_TIMEOUT");
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
    fn operators_see_the_cause_and_what_was_being_done() {
        let failed: Result<()> = Err(Error::internal(std::io::Error::other(
            "Address already in use (os error 98)",
        )));
        let text = format!(
            "{:#}",
            failed
                .explain(|| "cannot listen on 127.0.0.1:8080".into())
                .unwrap_err()
        );
        assert_eq!(
            text,
            "cannot listen on 127.0.0.1:8080: Address already in use (os error 98)"
        );
        assert_eq!(
            redacted_url("postgres://kbql:s3cret@db:5432/kbql"),
            "postgres://kbql:***@db:5432/kbql"
        );
        assert_eq!(
            redacted_url("postgres://kbql@db/kbql"),
            "postgres://kbql@db/kbql"
        );
        assert_eq!(
            redacted_url("sqlite://data/kbql.db?mode=rwc"),
            "sqlite://data/kbql.db?mode=rwc"
        );
    }

    #[test]
    fn client_errors_keep_their_message() {
        let gql: async_graphql::Error =
            Error::bad_input("`first` must be between 1 and 100").into();
        assert_eq!(gql.message, "`first` must be between 1 and 100");
    }
}
